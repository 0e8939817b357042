"""The search index follows every build, and the check that keeps it so stays whole.

On PostgreSQL the build starts checking every entry against the database while it reads its
files (``PostgresBackend.start_check``), then checks again only what it touched: these tests
edit a document and spoil entries behind the build's back, and show the index right after.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from archive.search import SearchRequest
from archive.search.records import live_versions

EDITED = "event-2015-02-04-goddard-named-chair"


def _indexed_as_live(archive) -> None:
    with archive.session() as session:
        live = live_versions(session)
    assert archive.search.indexed_versions() == live


@pytest.fixture
def pg_archive(archive_root, postgres_url, make_archive):
    """The shipped corpus built on PostgreSQL only: the early check is PostgreSQL's."""
    built = make_archive(archive_root, postgres_url)
    assert not built.build().problems
    return built


def _append(archive, doc_id: str, words: str) -> None:
    path = archive.config.documents_dir / f"{doc_id}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def test_an_edit_is_searchable_when_the_build_returns(archive):
    archive.build()  # a steady state: the next build trusts its caches
    _append(archive, EDITED, "A zyzzyvaquill appears.")
    report = archive.build()
    assert report.changed == [EDITED]
    found = archive.search.search(SearchRequest(q="zyzzyvaquill"))
    assert [hit.document_id for hit in found.hits] == [EDITED]
    _indexed_as_live(archive)


@pytest.mark.postgres
def test_entries_spoiled_behind_the_build_are_remade_beside_an_edit(pg_archive):
    """Entries made stale or removed outside any build are found by the early check,
    and the edit this build makes by the second: all are right afterwards."""
    archive = pg_archive
    archive.build()
    with archive.engine.begin() as connection:
        ids = [row[0] for row in connection.execute(text(
            "SELECT document_id FROM search.entries ORDER BY document_id LIMIT 2"))]  # fmt: skip
        stale, missing = ids[0], ids[1]
        connection.execute(
            text("UPDATE search.entries SET version_sha256 = 'x' WHERE document_id = :id"),
            {"id": stale},
        )
        connection.execute(
            text("DELETE FROM search.entries WHERE document_id = :id"), {"id": missing}
        )
    _append(archive, EDITED, "A zyzzyvaquill appears.")
    report = archive.build()
    assert report.changed == [EDITED]
    _indexed_as_live(archive)
    assert [h.document_id for h in archive.search.search(SearchRequest(q="zyzzyvaquill")).hits] == [
        EDITED
    ]


@pytest.mark.postgres
def test_a_failed_early_check_falls_back_to_checking_everything(pg_archive, monkeypatch):
    archive = pg_archive
    archive.build()
    with archive.engine.begin() as connection:
        connection.execute(text("UPDATE search.entries SET version_sha256 = 'x'"))

    def failed(self):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(type(archive.search), "_check_all", failed)
    archive.build()
    _indexed_as_live(archive)
