"""The Host header: a bad or untrusted host gets a 400 page; ARCHIVE_BASE_URL writes every URL."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from archive.config import load_config
from tests.hostile import SECURITY_HEADERS, call
from webapp import create_app
from webapp.hosts import BAD_HOST, UNTRUSTED_HOST

STONE = "home-office-leave-no-stone-unturned"
BASE = "https://archive.example.org"
BAD_HOSTS = [
    "a" * 64 + ".example.org",  # a label longer than DNS allows
    "a..b",  # an empty label
    "a b",
    "exa_mple.org",
    "example.org:99999",  # no such port
    "example.org:http",
    "xn--e-ssa.com",  # punycode that does not decode
    "[::1",
    "<script>",
    "",
]


def _has_security_headers(response) -> bool:
    return all(name in response.headers for name in SECURITY_HEADERS)


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_bad_host_is_a_400_page_with_the_security_headers(app, host):
    page = call(app, path="/documents", headers={"Host": host})
    assert page.status_code == 400
    assert page.mimetype == "text/html" and _has_security_headers(page)
    html = page.get_data(as_text=True)
    assert BAD_HOST in html
    assert 'href="/documents"' in html  # the page's own links are still there
    api = call(app, path="/api/v1/documents", headers={"Host": host})
    assert api.status_code == 400 and _has_security_headers(api)
    assert api.get_json() == {"error": {"code": "bad_request", "message": BAD_HOST}}


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1:5000", "[::1]:8080", "Archive.Example.org", "xn--bcher-kva.ch"]
)
def test_good_hosts_are_served_and_named_in_absolute_urls(app, host):
    feed = call(app, path="/feeds/documents.atom", headers={"Host": host})
    assert feed.status_code == 200
    assert f"/documents/{STONE}/v1" in feed.get_data(as_text=True)
    assert f"<id>http://{host.lower()}/feeds/documents.atom</id>" in feed.get_data(as_text=True)


def test_waitress_answers_a_bad_host_with_the_400_page(live_server):
    address = urlsplit(live_server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest("GET", "/timeline", skip_host=True)
    connection.putheader("Host", "a" * 64 + ".example.org")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 400
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert all(response.getheader(name) for name in SECURITY_HEADERS)
    assert "<h1>That request could not be understood</h1>" in body and BAD_HOST in body


@pytest.fixture
def public_client(archive_root, sqlite_archive, make_archive, monkeypatch):
    """The built archive served with ``ARCHIVE_BASE_URL`` set, as a public site would be."""
    monkeypatch.setenv("ARCHIVE_BASE_URL", BASE + "/")
    return create_app({"TESTING": True}, archive=make_archive(archive_root)).test_client()


def _quote_page(client) -> str:
    resolved = client.get(
        f"/api/v1/quotes/resolve?document={STONE}&exact=leave+no+stone+unturned",
        headers={"Host": "evil.example"},
    ).get_json()
    assert resolved["url"] == BASE + resolved["permalink"]
    return resolved["permalink"]


def test_the_base_url_writes_every_absolute_url_whatever_the_host(public_client):
    paths = [
        f"/documents/{STONE}",  # citations, meta tags, JSON-LD
        f"/documents/{STONE}/v1",
        _quote_page(public_client),
        "/feeds/documents.atom",
        "/search.atom?q=stone",
        "/timeline.json",
        "/timeline.csv",
        "/timeline.ics",
    ]
    for path in paths:
        response = public_client.get(path, headers={"Host": "evil.example:8080"})
        assert response.status_code == 200, path
        body = response.get_data(as_text=True).replace("\r\n ", "")  # unfold iCalendar lines
        assert "evil.example" not in body, path
        assert f"{BASE}/documents/" in body, path
    ics = public_client.get("/timeline.ics", headers={"Host": "evil.example"}).get_data(
        as_text=True
    )
    assert "@archive.example.org" in ics  # iCalendar UIDs name the public host too


def test_settings_come_from_the_environment_then_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHIVE_BASE_URL", " https://archive.example.org ")
    monkeypatch.setenv("ARCHIVE_TRUSTED_HOSTS", "archive.example.org, .example.net,,")
    config = load_config(tmp_path)
    assert config.base_url == BASE
    assert config.trusted_hosts == ("archive.example.org", ".example.net")
    assert load_config(tmp_path, base_url="", trusted_hosts=()).trusted_hosts == ()
    monkeypatch.delenv("ARCHIVE_BASE_URL")
    monkeypatch.delenv("ARCHIVE_TRUSTED_HOSTS")
    assert (load_config(tmp_path).base_url, load_config(tmp_path).trusted_hosts) == ("", ())


@pytest.mark.parametrize(
    "value", ["archive.example.org", f"{BASE}/archive", "ftp://archive.example.org", "https://a..b"]
)
def test_a_bad_base_url_stops_the_app_with_a_clear_message(sqlite_archive, value):
    with pytest.raises(ValueError, match="ARCHIVE_BASE_URL must be the site's origin"):
        create_app({"TESTING": True, "ARCHIVE_BASE_URL": value}, archive=sqlite_archive)


def test_only_trusted_hosts_are_served(archive_root, sqlite_archive, make_archive, monkeypatch):
    monkeypatch.setenv("ARCHIVE_TRUSTED_HOSTS", "archive.example.org,.example.net")
    client = create_app({"TESTING": True}, archive=make_archive(archive_root)).test_client()
    assert client.get("/", headers={"Host": "archive.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "www.example.net:8080"}).status_code == 200
    refused = client.get("/timeline", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert refused.mimetype == "text/html" and _has_security_headers(refused)
    assert UNTRUSTED_HOST in refused.get_data(as_text=True)
    api = client.get("/api/v1/", headers={"Host": "localhost"})
    assert api.status_code == 400 and _has_security_headers(api)
    assert api.get_json()["error"]["message"] == UNTRUSTED_HOST
