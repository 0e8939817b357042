"""Long lists a page at a time: /documents and /timeline and their JSON twins.

Pages are made small here (``PER_PAGE``), so the shipped corpus spans several of them; the
order in SQL must be the order the archive defines in Python, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import re

import pytest

from archive import paging
from archive.filters import parse_filter
from archive.queries import list_documents, list_organisations
from archive.timeline import load_timeline
from archive.timeline_page import load_timeline_page
from webapp import create_app


@pytest.fixture
def client(archive, monkeypatch):
    monkeypatch.setattr(paging, "PER_PAGE", 7)
    monkeypatch.setattr(paging, "TIMELINE_PER_PAGE", 5)
    return create_app({"TESTING": True}, archive=archive).test_client()


def _walk(client, url: str) -> list[dict]:
    """Every page from ``url`` on, following ``links.next``."""
    pages = []
    while url:
        data = client.get(url).get_json()
        pages.append(data)
        url = data["links"]["next"]
        assert url is None or url.startswith("/api/v1/")
    return pages


def _entry_ids(data: dict) -> list[str]:
    return [
        e["id"]
        for s in data["sections"]
        for y in s["years"]
        for m in y["months"]
        for e in m["entries"]
    ]


def test_documents_pages_hold_every_document_once_in_date_order(client, archive):
    with archive.session() as session:
        expected = [d.id for d in list_documents(session)]
    pages = _walk(client, "/api/v1/documents")
    assert len(pages) == math.ceil(len(expected) / 7) > 2
    assert [d["id"] for p in pages for d in p["documents"]] == expected
    for number, page in enumerate(pages, 1):
        assert (page["page"], page["pages"], page["per_page"]) == (number, len(pages), 7)
        assert page["total"] == len(expected)
        assert (page["links"]["prev"] is None) == (number == 1)
    assert pages[-1]["links"]["last"] == pages[-1]["links"]["self"]


def test_documents_pages_keep_their_filters(client, archive):
    with archive.session() as session:
        expected = [d.id for d in list_documents(session, kind="event")]
    pages = _walk(client, "/api/v1/documents?kind=event")
    assert len(pages) > 1
    assert all("kind=event" in p["links"]["self"] for p in pages)
    assert [d["id"] for p in pages for d in p["documents"]] == expected


def test_documents_html_links_its_neighbours(client):
    html = client.get("/documents?kind=event&page=2").get_data(as_text=True)
    assert re.search(r'<link rel="prev" href="/documents\?kind=event">', html)
    assert re.search(r'<link rel="next" href="/documents\?kind=event&amp;page=3">', html)
    assert '<a rel="next" href="/documents?kind=event&amp;page=3">' in html
    assert "Page 2 of" in html


@pytest.mark.parametrize("path", ["/documents", "/timeline"])
def test_a_bad_page_is_a_400_and_one_past_the_last_a_404(client, path):
    for bad in ("0", "x", "-1", "1.5"):
        assert client.get(f"{path}?page={bad}").status_code == 400
        assert client.get(f"/api/v1{path}?page={bad}").status_code == 400
    last = client.get(f"/api/v1{path}").get_json()["pages"]
    response = client.get(f"/api/v1{path}?page={last + 1}")
    assert response.status_code == 404
    assert f"the last page is {last}" in response.get_json()["error"]["message"]


def test_timeline_pages_hold_every_entry_once_in_order(client, archive):
    with archive.session() as session:
        expected = [e.id for e in load_timeline(session).entries]
    pages = _walk(client, "/api/v1/timeline")
    assert len(pages) == math.ceil(len(expected) / 5) > 2
    assert [i for p in pages for i in _entry_ids(p)] == expected
    numbers = [
        e["number"]
        for p in pages
        for s in p["sections"]
        for y in s["years"]
        for m in y["months"]
        for e in m["entries"]
    ]
    assert numbers == list(range(1, len(expected) + 1))
    assert all(p["total"] == len(expected) for p in pages)


def test_timeline_pages_keep_their_filters_and_link_in_html(client, archive):
    pages = _walk(client, "/api/v1/timeline?kind=event&from=2015")
    assert all(
        "kind=event" in p["links"]["self"] and "from=2015" in p["links"]["self"] for p in pages
    )
    ids = [i for p in pages for i in _entry_ids(p)]
    assert len(ids) == len(set(ids)) == pages[0]["total"] > 5
    html = client.get("/timeline?kind=event&from=2015&page=2").get_data(as_text=True)
    assert '<link rel="prev" href="/timeline?' in html and '<a rel="next" href="/timeline?' in html


@pytest.mark.parametrize("args", [{"q": "inquiry"}, {"q": "inquiry", "kind": "statement"}, {}])
def test_a_timeline_page_is_the_whole_timeline_cut(archive, args):
    """The library's pages (words matched in Python, or ordered in SQL) are slices of
    ``load_timeline``'s entries, and carry the same hearings marker."""
    with archive.session() as session:
        filters = parse_filter(args, [o.key for o in list_organisations(session)])
        whole = load_timeline(session, filters)
        page, pages = load_timeline_page(session, filters, None, 1, per_page=len(whole.entries))
        assert [e.id for e in page.entries] == [e.id for e in whole.entries]
        assert page.entries == whole.entries and page.hearings == whole.hearings
