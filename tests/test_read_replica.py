"""A read replica (``ARCHIVE_READ_DATABASE_URL``): pages and search read it; builds write the
primary. Two real databases built from the same ledger stand for a primary and its replica; a
marker written to the replica alone shows which one a page read."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from archive.config import load_config
from archive.core import Archive, ArchiveError
from archive.models import Document, Version
from webapp import create_app

from .conftest import NO_PG, PG_URL, _fresh_postgres, skip_unless_available

MARKER = "Only the replica has this title"


@pytest.fixture
def replica_url(database_url, tmp_path):
    """A second database of the same kind as the primary."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    else:
        if not PG_URL:
            skip_unless_available(NO_PG)
        yield from _fresh_postgres()


@pytest.fixture
def primary_and_replica(archive_root, database_url, replica_url, make_archive):
    """The corpus built into both; the replica's copy of one document retitled."""
    return _primary_and_replica(archive_root, database_url, replica_url, make_archive)


@pytest.fixture
def postgres_replica_url(postgres_url):
    """A second PostgreSQL database (``postgres_url`` has skipped, or failed in CI, if none)."""
    yield from _fresh_postgres()


@pytest.fixture
def postgres_primary_and_replica(archive_root, postgres_url, postgres_replica_url, make_archive):
    """As ``primary_and_replica``, on PostgreSQL only (search's index in the database)."""
    return _primary_and_replica(archive_root, postgres_url, postgres_replica_url, make_archive)


def _primary_and_replica(archive_root, database_url, replica_url, make_archive):
    for url in (database_url, replica_url):
        assert not make_archive(archive_root, url).build().problems
    replica = make_archive(archive_root, replica_url)
    with replica.transaction() as session:
        doc_id = session.scalars(select(Document.id).order_by(Document.id)).first()
        session.execute(update(Document).where(Document.id == doc_id).values(title=MARKER))
    archive = make_archive(archive_root, database_url, read_database_url=replica_url)
    return archive, doc_id


def test_the_read_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_READ_DATABASE_URL", "postgresql+psycopg://reader@/archive")
    config = load_config(tmp_path)
    assert config.read_database_url == "postgresql+psycopg://reader@/archive"
    assert config.database_url.startswith("sqlite:///")  # builds still write the primary
    monkeypatch.delenv("ARCHIVE_READ_DATABASE_URL")
    assert load_config(tmp_path).read_database_url == ""


def test_pages_and_search_read_the_replica(primary_and_replica):
    archive, doc_id = primary_and_replica
    client = create_app({"TESTING": True}, archive=archive).test_client()
    assert MARKER in client.get("/documents").get_data(as_text=True)
    listed = client.get("/api/v1/documents").get_json()["documents"]
    assert {d["id"]: d["title"] for d in listed}[doc_id] == MARKER
    hits = client.get(f"/api/v1/search?q=id:{doc_id}").get_json()
    assert hits is not None  # search answers from the replica's engine without error
    with archive.session() as session:  # the primary never saw the marker
        assert session.get(Document, doc_id).title != MARKER


@pytest.mark.postgres
def test_search_reads_the_replicas_index(postgres_primary_and_replica, postgres_url, make_archive):
    """On PostgreSQL the search index is in the database: a document dropped from the
    replica's index alone is not found by the app, and still is on the primary. (Whoosh's
    index is files under the archive root, one index whatever the database.)"""
    archive, doc_id = postgres_primary_and_replica
    database_url = postgres_url
    primary = create_app({"TESTING": True}, archive=make_archive(archive.config.root, database_url))
    app = create_app({"TESTING": True}, archive=archive)
    title = primary.test_client().get(f"/api/v1/documents/{doc_id}").get_json()["title"]
    query = {"q": f'"{title}"'}

    def found(application) -> list[str]:
        hits = application.test_client().get("/api/v1/search", query_string=query).get_json()
        return [hit["document"]["id"] for hit in hits["results"]]

    assert doc_id in found(app) and found(app) == found(primary)
    with archive.reader().engine.begin() as connection:
        drop = text("DELETE FROM search.entries WHERE document_id = :id")
        connection.execute(drop, {"id": doc_id})
    assert doc_id not in found(app)
    assert doc_id in found(primary)


def test_builds_write_the_primary_only(primary_and_replica, archive_root):
    archive, doc_id = primary_and_replica
    path = next(
        p for p in (archive_root / "documents").glob("*.md") if f"id: {doc_id}\n" in p.read_text()
    )
    path.write_text(path.read_text(encoding="utf-8") + "\nA paragraph added later.\n", "utf-8")
    assert archive.build().changed == [doc_id]
    reader = archive.reader()
    assert reader is not archive and not reader.primary

    def numbers(opened: Archive) -> list[int]:
        with opened.session() as session:
            query = select(Version.number).where(Version.document_id == doc_id)
            return sorted(session.scalars(query))

    assert numbers(archive)[-1] == numbers(reader)[-1] + 1
    with pytest.raises(ArchiveError, match="read replica"):
        reader.build()


def test_a_build_into_a_database_that_takes_no_writes_is_refused(
    archive_root, postgres_url, make_archive, run_cli
):
    """ARCHIVE_DATABASE_URL naming a replica (here a database whose transactions are read-only,
    as a hot standby's are): the build says so and writes nothing, the ledger included (it
    used to append the new version to the ledger, then fail with a traceback)."""
    archive = make_archive(archive_root, postgres_url)
    assert not archive.build().problems
    archive.engine.dispose()
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = make_url(postgres_url).database
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    ledger = archive_root / "documents" / "ledger"
    before = {path.name: path.read_bytes() for path in ledger.iterdir()}
    path = sorted((archive_root / "documents").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nA paragraph added later.\n", "utf-8")
    with pytest.raises(ArchiveError, match="takes no writes"):
        archive.build()
    result = run_cli(archive_root, "build", env={"ARCHIVE_DATABASE_URL": postgres_url})
    assert result.exit_code != 0 and "takes no writes" in result.output
    assert "Traceback" not in result.output
    assert {path.name: path.read_bytes() for path in ledger.iterdir()} == before


def test_two_apps_on_one_archive_read_the_same_replica(primary_and_replica):
    """``reader()`` answers the same archive every time (the second call raised TypeError:
    the reader was kept under the method's own name)."""
    archive, doc_id = primary_and_replica
    reader = archive.reader()
    assert archive.reader() is reader and not reader.primary
    for _ in range(2):
        app = create_app({"TESTING": True}, archive=archive)
        assert app.extensions["archive"] is reader
        listed = app.test_client().get("/api/v1/documents").get_json()["documents"]
        assert {d["id"]: d["title"] for d in listed}[doc_id] == MARKER


def test_without_a_read_url_pages_read_the_primary(sqlite_archive):
    assert sqlite_archive.reader() is sqlite_archive
    app = create_app({"TESTING": True}, archive=sqlite_archive)
    assert app.extensions["archive"] is sqlite_archive
