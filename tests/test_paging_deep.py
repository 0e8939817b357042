"""Pages deep in a long list: /documents and /timeline cut through the date index.

A few hundred documents are added to the shipped corpus with many ties (the same day at every
precision and qualifier, the same titles in different cases, ids out of insertion order), so
that a page is cut from the middle of a run of equal dates. ``paging.SMALL`` decides whether a
list is sorted whole or read through the index's keys; both ways must give the order the
archive defines in Python (``list_documents``, ``load_timeline``), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from archive import paging
from archive.dates import parse_date
from archive.filters import parse_filter
from archive.models import Document, Organisation, Version, date_rank
from archive.queries import list_documents, list_organisations
from archive.timeline import load_timeline
from archive.timeline_page import load_timeline_page
from webapp import create_app

DATES = [
    "2019-12-01", "2019-12", "2019-12~", "2019-12-01?", "2019-12-01/2019-12-31",
    "2019-12-01%", "2019-12?", "2019", "2019-21", "2019-12-01~",
]  # fmt: skip
TITLES = ["Alpha", "alpha", "Beta", "beta", "Émile", "Zeta"]
LONG = 260
TEXT = "Words of a long list."


@pytest.fixture
def long_archive(archive):
    """The shipped corpus plus LONG documents whose dates and titles tie over and over."""
    now = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    with archive.transaction() as session:
        first, second = session.scalars(select(Organisation).order_by(Organisation.key).limit(2))
        for i in range(LONG):
            doc_id = f"zz-long-{(i * 7919) % 997:03d}-{i}"  # ids not in insertion order
            edtf, title = DATES[i % len(DATES)], TITLES[(i // 3) % len(TITLES)]
            kind = "report" if i % 4 == 0 else "statement"
            orgs = [first, second, first, second][i % 4 : i % 4 + 1 + (i % 5 == 0)]
            date = parse_date(edtf)
            session.add(
                Document(
                    id=doc_id, kind=kind, title=title, date_edtf=edtf,
                    date_earliest=date.earliest, date_latest=date.latest,
                    source_path=f"documents/{doc_id}.md", current_version=1, created_at=now,
                    organisations=orgs,
                )
            )  # fmt: skip
            meta = {
                "id": doc_id, "title": title, "kind": kind, "date": edtf,
                "organisations": [o.key for o in orgs],
                "source": {"title": "A long list", "publisher": "Test fixture"},
            }  # fmt: skip
            sha256 = hashlib.sha256(doc_id.encode()).hexdigest()
            session.add(
                Version(
                    document_id=doc_id, number=1, sha256=sha256,
                    markdown=TEXT, meta=meta, canonical_text=TEXT, paragraphs=[[0, len(TEXT)]],
                    canonical_rules=1, archived_at=now,
                )
            )  # fmt: skip
    return archive


def _org_keys(archive) -> list[str]:
    with archive.session() as session:
        return [o.key for o in list_organisations(session)]


def _filters(archive) -> list[dict]:
    first, second = sorted(_org_keys(archive))[:2]
    return [{}, {"kind": "report"}, {"org": first}, {"org": second, "kind": "statement"}]


@pytest.mark.parametrize("small", [0, 10**6], ids=["through-the-index", "sorted-whole"])
def test_every_page_of_documents_is_the_python_order_cut(long_archive, monkeypatch, small):
    monkeypatch.setattr(paging, "SMALL", small)
    with long_archive.session() as session:
        for given in _filters(long_archive):
            org, kind = given.get("org"), given.get("kind")
            expected = [d.id for d in list_documents(session, organisation=org, kind=kind)]
            got, number, pages = [], 1, 1
            while number <= pages:
                rows, chosen = paging.page_of_documents(session, org, kind, number, per_page=7)
                got += [d.id for d in rows]
                number, pages = number + 1, chosen.pages
            assert got == expected, given
            assert len(expected) > 30


def test_a_deep_page_of_documents_on_the_web(long_archive, monkeypatch):
    monkeypatch.setattr(paging, "SMALL", 0)
    monkeypatch.setattr(paging, "PER_PAGE", 9)
    client = create_app({"TESTING": True}, archive=long_archive).test_client()
    with long_archive.session() as session:
        expected = [d.id for d in list_documents(session, kind="statement")]
    last = client.get("/api/v1/documents?kind=statement").get_json()["pages"]
    for number in (last - 1, last // 2, last):
        data = client.get(f"/api/v1/documents?kind=statement&page={number}").get_json()
        assert [d["id"] for d in data["documents"]] == expected[(number - 1) * 9 : number * 9]
        assert data["total"] == len(expected) and data["page"] == number
    html = client.get(f"/documents?kind=statement&page={last - 1}").get_data(as_text=True)
    assert f"Page {last - 1} of {last}" in html
    assert client.get(f"/api/v1/documents?kind=statement&page={last + 1}").status_code == 404


@pytest.mark.parametrize("small", [0, 10**6], ids=["through-the-index", "sorted-whole"])
def test_every_page_of_the_timeline_is_the_whole_timeline_cut(long_archive, monkeypatch, small):
    monkeypatch.setattr(paging, "SMALL", small)
    keys = _org_keys(long_archive)
    with long_archive.session() as session:
        for given in [*_filters(long_archive), {"from": "2019-12", "to": "2020"}]:
            filters = parse_filter(given, keys)
            whole = load_timeline(session, filters)
            got, number, pages = [], 1, 1
            while number <= pages:
                page, chosen = load_timeline_page(session, filters, None, number, per_page=11)
                got += page.entries
                assert page.hearings == whole.hearings
                number, pages = number + 1, chosen.pages
            assert [e.id for e in got] == [e.id for e in whole.entries], given
            assert got == whole.entries
            if not given:  # every section is there: main, the hearings marker, after
                assert whole.hearings in got and got[-1].after_hearings


def test_a_deep_page_of_the_timeline_on_the_web(long_archive, monkeypatch):
    monkeypatch.setattr(paging, "SMALL", 0)
    monkeypatch.setattr(paging, "TIMELINE_PER_PAGE", 13)
    client = create_app({"TESTING": True}, archive=long_archive).test_client()
    with long_archive.session() as session:
        expected = [e.id for e in load_timeline(session).entries]
    last = client.get("/api/v1/timeline").get_json()["pages"]
    for number in (last // 2, last - 1, last):
        data = client.get(f"/api/v1/timeline?page={number}").get_json()
        ids = [e["id"] for s in data["sections"] for y in s["years"] for m in y["months"]
               for e in m["entries"]]  # fmt: skip
        assert ids == expected[(number - 1) * 13 : number * 13]


def test_every_document_keeps_the_rank_of_its_date(long_archive):
    """Builds (and any other writer through the models) keep ``date_rank`` with the date."""
    with long_archive.session() as session:
        rows = session.execute(select(Document.date_edtf, Document.date_rank)).all()
    assert len(rows) > LONG
    assert all(rank == date_rank(edtf) for edtf, rank in rows)
    ranks = {edtf: date_rank(edtf) for edtf in DATES}
    assert ranks["2019-12-01"] > ranks["2019-12-01/2019-12-31"] > ranks["2019-12"]
    assert ranks["2019-12-01%"] > ranks["2019-12-01?"] > ranks["2019-12-01~"] > ranks["2019-12-01"]


def test_an_organisations_documents_a_page_at_a_time(long_archive, monkeypatch):
    monkeypatch.setattr(paging, "SMALL", 0)
    monkeypatch.setattr(paging, "PER_PAGE", 8)
    client = create_app({"TESTING": True}, archive=long_archive).test_client()
    key = sorted(_org_keys(long_archive))[0]
    with long_archive.session() as session:
        expected = [d.id for d in list_documents(session, organisation=key)]
    first = client.get(f"/api/v1/organisations/{key}").get_json()
    assert first["total"] == len(expected) and first["pages"] > 3
    assert first["links"]["next"] == f"/api/v1/organisations/{key}?page=2"
    got = [d["id"] for d in first["documents"]]
    for number in range(2, first["pages"] + 1):
        data = client.get(f"/api/v1/organisations/{key}?page={number}").get_json()
        got += [d["id"] for d in data["documents"]]
    assert got == expected
    html = client.get(f"/organisations/{key}?page=2").get_data(as_text=True)
    assert f'<link rel="prev" href="/organisations/{key}">' in html
    assert f"Page 2 of {first['pages']}" in html
    for bad in ("0", "x"):
        assert client.get(f"/organisations/{key}?page={bad}").status_code == 400
        assert client.get(f"/api/v1/organisations/{key}?page={bad}").status_code == 400
    assert client.get(f"/organisations/{key}?page={first['pages'] + 1}").status_code == 404
