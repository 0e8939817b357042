"""``archive build``: every version kept, nothing lost, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
import threading

import pytest
from filelock import FileLock
from sqlalchemy import func, select

from archive.core import BuildInProgress
from archive.models import Document, Version
from webapp import create_app

from .conftest import SHIPPED_DOCUMENTS, copy_corpus, rewind_to_first_version

STATEMENT = "home-office-iicsa-purpose"


def _versions(archive, doc_id):
    with archive.session() as session:
        rows = session.scalars(
            select(Version).where(Version.document_id == doc_id).order_by(Version.number)
        )
        return [(v.number, v.sha256, v.markdown, v.archived_at) for v in rows]


def _version_count(archive) -> int:
    with archive.session() as session:
        return session.scalar(select(func.count()).select_from(Version))


def _edit(root, doc_id, old, new):
    path = root / "documents" / f"{doc_id}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def archive_root(archive_root):
    """STATEMENT as it was at version 1: these tests count its versions from there."""
    rewind_to_first_version(archive_root, STATEMENT)
    return archive_root


def test_first_build_archives_each_document_as_version_1(tmp_path, database_url, make_archive):
    root = copy_corpus(SHIPPED_DOCUMENTS, tmp_path / "new")
    shutil.rmtree(root / "documents" / "ledger")  # a new archive: nothing archived yet
    archive = make_archive(root, database_url)
    assert not archive.build().problems
    files = sorted(p.stem for p in (root / "documents").glob("*.md"))
    with archive.session() as session:
        documents = session.scalars(select(Document).order_by(Document.id)).all()
        assert [d.id for d in documents] == files
        assert {d.current_version for d in documents} == {1}
    assert _version_count(archive) == len(files)


def test_unchanged_build_writes_nothing(archive):
    before = _versions(archive, STATEMENT)
    count = _version_count(archive)
    report = archive.build()
    assert report.added == report.changed == report.withdrawn == []
    assert len(report.unchanged) == len(list((archive.config.documents_dir).glob("*.md")))
    assert _version_count(archive) == count
    assert _versions(archive, STATEMENT) == before


def test_edit_makes_v2_and_v1_stays_byte_identical(archive, archive_root):
    client = create_app({"TESTING": True}, archive=archive).test_client()
    v1_page = client.get(f"/documents/{STATEMENT}/v1").data
    v1_json = client.get(f"/api/v1/documents/{STATEMENT}/v1").data
    v1_row = _versions(archive, STATEMENT)[0]

    _edit(archive_root, STATEMENT, "learn lessons for the future", "learn lessons (edited)")
    report = archive.build()

    assert report.changed == [STATEMENT]
    rows = _versions(archive, STATEMENT)
    assert [r[0] for r in rows] == [1, 2]
    assert rows[0] == v1_row
    assert client.get(f"/documents/{STATEMENT}/v1").data == v1_page
    assert client.get(f"/api/v1/documents/{STATEMENT}/v1").data == v1_json
    current = client.get(f"/api/v1/documents/{STATEMENT}").get_json()
    assert current["version"]["number"] == 2
    assert "learn lessons (edited)" in current["canonical_text"]
    history = client.get(f"/api/v1/documents/{STATEMENT}/history").get_json()
    inserted = [run["text"] for run in history["versions"][0]["diff"] if run["op"] == "insert"]
    assert "edited" in "".join(inserted)


def test_deleted_file_withdraws_document_and_keeps_versions(archive, archive_root):
    client = create_app({"TESTING": True}, archive=archive).test_client()
    (archive_root / "documents" / f"{STATEMENT}.md").unlink()
    report = archive.build()
    assert report.withdrawn == [STATEMENT]
    assert len(_versions(archive, STATEMENT)) == 1

    page = client.get(f"/documents/{STATEMENT}")
    assert page.status_code == 410
    assert f'href="/documents/{STATEMENT}/v1"'.encode() in page.data
    assert client.get(f"/api/v1/documents/{STATEMENT}").get_json()["error"]["code"] == "withdrawn"
    assert client.get(f"/documents/{STATEMENT}/v1").status_code == 200
    listed = client.get("/api/v1/documents").get_json()["documents"]
    assert STATEMENT not in [d["id"] for d in listed]


def test_restored_file_reinstates_document(archive, archive_root):
    path = archive_root / "documents" / f"{STATEMENT}.md"
    saved = path.read_bytes()
    path.unlink()
    archive.build()
    path.write_bytes(saved)
    report = archive.build()
    assert report.reinstated == [STATEMENT]
    assert [r[0] for r in _versions(archive, STATEMENT)] == [1]


@pytest.mark.parametrize(
    "breakage",
    [
        ("date: 2019-12~", "date: 2019-12-45"),  # invalid field: id still readable
        ("---\nid:", "--\nid:"),  # no front matter: id unreadable, path identifies it
    ],
    ids=["bad-field", "unreadable"],
)
def test_file_with_errors_keeps_its_archived_versions(archive, archive_root, breakage):
    before = _versions(archive, STATEMENT)
    _edit(archive_root, STATEMENT, *breakage)
    report = archive.build()
    assert [p.path for p in report.problems] == [f"documents/{STATEMENT}.md"]
    assert report.withdrawn == []
    assert _versions(archive, STATEMENT) == before
    client = create_app({"TESTING": True}, archive=archive).test_client()
    assert client.get(f"/documents/{STATEMENT}").status_code == 200


def test_reverting_content_makes_a_new_version(archive, archive_root):
    path = archive_root / "documents" / f"{STATEMENT}.md"
    original = path.read_text(encoding="utf-8")
    _edit(archive_root, STATEMENT, "expose what has gone wrong", "expose what went wrong")
    archive.build()
    path.write_text(original, encoding="utf-8")
    archive.build()
    rows = _versions(archive, STATEMENT)
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[2][1] == rows[0][1]  # same content, same SHA-256


def test_second_build_waits_for_the_lock(sqlite_archive):
    lock = FileLock(str(sqlite_archive.config.lock_file))
    with lock, pytest.raises(BuildInProgress, match="another build is running"):
        sqlite_archive.build(timeout=0.2)


def test_build_in_progress_is_a_clear_cli_error(sqlite_archive, archive_root, run_cli):
    with FileLock(str(sqlite_archive.config.lock_file)):
        result = run_cli(archive_root, "build", env={"ARCHIVE_BUILD_TIMEOUT": "0.2"})
    assert result.exit_code == 1
    assert "another build is running" in result.output


def test_concurrent_builds_do_not_corrupt(archive_root, tmp_path, database_url, make_archive):
    # Two processes' worth of archives: separate roots (so separate file locks) sharing one
    # database; on PostgreSQL the advisory lock serialises them, on SQLite the write lock does.
    other_root = copy_corpus(archive_root / "documents", tmp_path / "other")
    first = make_archive(archive_root, database_url)
    second = make_archive(other_root, database_url)
    first.build()
    for root in (archive_root, other_root):
        _edit(root, STATEMENT, "learn lessons for the future", "learn lessons, concurrently")
    errors: list[BaseException] = []

    def run(archive):
        try:
            archive.build()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = _versions(first, STATEMENT)
    assert [r[0] for r in rows] == [1, 2]
    with first.session() as session:
        assert session.get(Document, STATEMENT).current_version == 2
