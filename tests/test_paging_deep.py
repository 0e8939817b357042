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
        first = sorted(keys)[0]
        combined = {"org": first, "kind": "statement", "from": "2019-12", "to": "2020"}
        for given in [*_filters(long_archive), {"from": "2019-12", "to": "2020"}, combined]:
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


def _links_match_documents(session) -> int:
    """How many links there are; asserts each holds its document's fields (migration 0011)."""
    copied = ("kind", "date_earliest", "date_latest", "date_rank", "withdrawn_at")
    links = paging.LINKS
    rows = session.execute(
        select(*[getattr(links, c) for c in copied], *[getattr(Document, c) for c in copied])
        .join(Document, Document.id == links.document_id)
    ).all()  # fmt: skip
    for row in rows:
        assert tuple(row[: len(copied)]) == tuple(row[len(copied) :])
    return len(rows)


def _pages_of(session, org, kind, per_page):
    got, number, pages, last = [], 1, 1, None
    while number <= pages:
        rows, chosen = paging.page_of_documents(session, org, kind, number, per_page=per_page)
        got += [d.id for d in rows]
        number, pages, last = number + 1, chosen.pages, rows
    return got, last


@pytest.mark.parametrize("small", [0, 10**6], ids=["through-the-index", "sorted-whole"])
def test_an_organisations_pages_follow_its_documents_changes(long_archive, monkeypatch, small):
    """A page of an organisation's documents is read from its links' copies of their fields:
    the copies follow every change (a new date, a new kind, a withdrawal, a link added or
    removed), and the pages stay the Python order's cut, deep and last pages too."""
    monkeypatch.setattr(paging, "SMALL", small)
    now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    first, second = sorted(_org_keys(long_archive))[:2]
    with long_archive.transaction() as session:
        docs = list(
            session.scalars(
                select(Document).where(Document.id.like("zz-long-%")).order_by(Document.id)
            )
        )
        orgs = {o.key: o for o in session.scalars(select(Organisation))}
        moved, renamed, withdrawn, linked, unlinked = docs[0], docs[1], docs[2], docs[3], docs[4]
        date = parse_date("1999-01~")
        moved.date_edtf, moved.date_earliest, moved.date_latest = (
            "1999-01~",
            date.earliest,
            date.latest,
        )
        renamed.kind = "report" if renamed.kind == "statement" else "statement"
        withdrawn.withdrawn_at = now
        linked.organisations = sorted(
            {*linked.organisations, orgs[first], orgs[second]}, key=lambda o: o.key
        )
        unlinked.organisations = []
        changed = [d.id for d in (moved, renamed, withdrawn, linked, unlinked)]
    with long_archive.session() as session:
        assert _links_match_documents(session) > LONG
        for org, kind in [(first, None), (second, None), (first, "statement"), (second, "report")]:
            expected = [d.id for d in list_documents(session, organisation=org, kind=kind)]
            got, last = _pages_of(session, org, kind, per_page=7)
            assert got == expected, (org, kind)
            assert [d.id for d in last] == expected[-(len(expected) % 7 or 7) :]
        whole = [d.id for d in list_documents(session, organisation=first)]
        assert whole[0] == changed[0] and changed[2] not in whole and changed[3] in whole
        assert changed[4] not in whole + [
            d.id for d in list_documents(session, organisation=second)
        ]


def test_the_migration_gives_existing_links_their_documents_fields(database_url):
    """Links made before migration 0011 get their documents' fields when it runs."""
    from alembic import command
    from sqlalchemy import text

    from archive.db import alembic_config, make_engine

    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "0010")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisations (key, name, short_name, kind, aliases)"
                    " VALUES ('an-org', 'An Org', 'Org', 'charity', '[]')"
                )
            )
            for i, (edtf, rank, withdrawn) in enumerate(
                [("2019-12", 8, None), ("2020", 0, "2026-11-29")]
            ):
                date = parse_date(edtf)
                connection.execute(
                    text(
                        "INSERT INTO documents (id, kind, title, date_edtf, date_earliest,"
                        " date_latest, date_rank, source_path, current_version, created_at,"
                        " withdrawn_at) VALUES (:id, 'report', 'T', :edtf, :early, :late, :rank,"
                        " 'p.md', 1, :now, :withdrawn)"
                    ),
                    {"id": f"doc-{i}", "edtf": edtf, "early": date.earliest, "late": date.latest,
                     "rank": rank, "now": dt.datetime(2026, 11, 29), "withdrawn": withdrawn},
                )  # fmt: skip
                connection.execute(
                    text("INSERT INTO document_organisations VALUES (:id, 'an-org')"),
                    {"id": f"doc-{i}"},
                )
        command.upgrade(alembic_config(engine), "head")
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT document_id, kind, date_earliest, date_rank, withdrawn_at IS NULL"
                    " FROM document_organisations ORDER BY document_id"
                )
            ).all()
        assert [(r[0], r[1], str(r[2]), r[3], bool(r[4])) for r in rows] == [
            ("doc-0", "report", "2019-12-01", 8, True),
            ("doc-1", "report", "2020-01-01", 0, False),
        ]
    finally:
        engine.dispose()
