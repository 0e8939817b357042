"""Hostile Markdown renders inert; headers forbid inline script; no debug mode."""

from __future__ import annotations

from html.parser import HTMLParser

from archive.canonical import render_html
from tests.hostile import SECURITY_HEADERS, call
from webapp import create_app

HOSTILE = """---
id: hostile-document
title: A hostile document
kind: statement
organisations: [home-office]
date: "2019-12-28"
source:
  title: A test source
  publisher: A test publisher
---
Before <script>alert("script")</script> after.

<img src=x onerror="alert('img')">

[click me](javascript:alert('link')) and <a href="javascript:alert('raw')">raw</a>

<iframe src="https://example.org/frame"></iframe>

<svg onload="alert('svg')"><circle r="1"/></svg>

[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<p onclick="alert('p')">clickable</p>
"""

ACTIVE_TAGS = {"script", "img", "iframe", "svg", "object", "embed", "style", "form"}


class _ActiveParts(HTMLParser):
    """Collect every element or attribute that a browser would run or load."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag}[{name}={value}]")


def _assert_inert(html: str) -> None:
    parser = _ActiveParts()
    parser.feed(html)
    assert parser.found == [], parser.found


def test_hostile_markdown_renders_inert():
    body = HOSTILE.split("---\n", 2)[2]
    html = render_html(body)
    _assert_inert(html)
    assert "alert(&quot;script&quot;)" in html or 'alert("script")' in html  # the words stay


def test_hostile_document_page_is_inert_and_shows_the_text(archive_root, make_archive):
    (archive_root / "documents" / "hostile-document.md").write_text(HOSTILE, encoding="utf-8")
    archive = make_archive(archive_root)
    archive.build()
    client = create_app({"TESTING": True}, archive=archive).test_client()
    page = client.get("/documents/hostile-document")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    body = html[html.index('id="document-body"') : html.index('class="provenance"')]
    _assert_inert(body)
    assert "&lt;script&gt;" in body  # shown as the literal text written, not run


def test_strict_content_security_policy(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)


def test_errors_never_show_a_traceback_or_debug_page(app, client):
    assert app.debug is False
    response = client.get("/documents/%ff%fe")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_the_inertness_check_itself_catches_active_html():
    parser = _ActiveParts()
    parser.feed('<img src=x onerror="alert(1)"><a href="javascript:x">x</a><svg onload=x>')
    assert parser.found == ["<img>", "img[onerror]", "a[href=javascript:x]", "<svg>", "svg[onload]"]


def test_when_even_the_error_page_fails_the_answer_is_a_page_with_the_headers(
    sqlite_archive, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the error page itself failed")

    monkeypatch.setattr("webapp.errors.error_response", broken)
    app = create_app({"TESTING": False}, archive=sqlite_archive)  # as served: nothing propagates
    for path, mimetype in [("/no-such-page", "text/html"), ("/api/v1/nope", "application/json")]:
        response = call(app, path=path)
        assert response.status_code == 500
        assert response.mimetype == mimetype
        assert all(name in response.headers for name in SECURITY_HEADERS)
        assert "Traceback" not in response.get_data(as_text=True)
    assert call(app, path="/api/v1/nope").get_json()["error"]["code"] == "internal_server_error"
