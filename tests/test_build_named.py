"""``archive build PATH...``: only the named documents, each exactly as a full build would build
it, searchable when the command returns; on SQLite + Whoosh and PostgreSQL."""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import select

from archive.core import ArchiveError, NamedPathError
from archive.models import Document, Version
from archive.search import SearchRequest
from webapp import create_app

from .conftest import _fresh_postgres, copy_corpus

EDITED = "home-office-iicsa-purpose"
OTHER = "event-2014-07-07-inquiry-announced"
WORD = "zyxqwv"  # in no shipped document


def _path(root, doc_id):
    return root / "documents" / f"{doc_id}.md"


def _edit(root, doc_id, word=WORD):
    path = _path(root, doc_id)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nAdded words: {word}.\n", encoding="utf-8")


def _found(archive, word) -> list[str]:
    results = archive.search.search(SearchRequest(q=word))
    return sorted(hit.document_id for hit in results.hits)


def _rows(archive):
    """Every document's state and every version, as pages show them (times aside: each build
    stamps its own)."""
    with archive.session() as session:
        documents = [
            (d.id, d.current_version, d.source_path, d.withdrawn_at is None)
            for d in session.scalars(select(Document).order_by(Document.id))
        ]
        versions = [
            (v.document_id, v.number, v.sha256, v.markdown)
            for v in session.scalars(select(Version).order_by(Version.document_id, Version.number))
        ]
    return documents, versions


def _ledger(root, doc_id):
    """The ledger's entries without their times and chain (stamped by each build)."""
    lines = (root / "documents" / "ledger" / f"{doc_id}.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    return [{k: v for k, v in e.items() if k not in ("archived_at", "previous")} for e in entries]


@pytest.fixture
def second_url(database_url, tmp_path):
    """Another empty database of the same kind, for the full build to compare with."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other' / 'instance' / 'archive.sqlite3'}"
        return
    fresh = _fresh_postgres()
    yield next(fresh)
    fresh.close()


def test_named_edit_matches_a_full_build_and_is_searchable(
    archive, archive_root, tmp_path, second_url, make_archive
):
    twin_root = copy_corpus(archive_root / "documents", tmp_path / "other")
    twin = make_archive(twin_root, second_url)
    assert not twin.build().problems
    for root in (archive_root, twin_root):
        _edit(root, EDITED)

    report = archive.build_paths([_path(archive_root, EDITED)])
    assert report.changed == [EDITED] and not report.problems
    assert _found(archive, WORD) == [EDITED]  # searchable when the build returns

    full = twin.build()
    assert full.changed == [EDITED]
    assert _rows(archive) == _rows(twin)
    assert _ledger(archive_root, EDITED) == _ledger(twin_root, EDITED)
    assert archive.search.indexed_versions() == twin.search.indexed_versions()
    assert not archive.verify()
    # the next full build finds nothing left to do
    after = archive.build()
    assert after.added == after.changed == after.withdrawn == after.replayed == []


def test_unnamed_changes_wait_for_the_next_full_build(archive, archive_root):
    before = _rows(archive)
    _edit(archive_root, EDITED)
    _edit(archive_root, OTHER, word="qqvvzzk")

    report = archive.build_paths([_path(archive_root, EDITED)])
    assert report.changed == [EDITED]
    assert _found(archive, "qqvvzzk") == []
    versions = [v for v in _rows(archive)[1] if v[0] == OTHER]
    assert versions == [v for v in before[1] if v[0] == OTHER]

    full = archive.build()
    assert full.changed == [OTHER]
    assert _found(archive, "qqvvzzk") == [OTHER]
    assert not archive.verify()


def test_a_named_missing_file_is_withdrawn(archive, archive_root):
    path = _path(archive_root, OTHER)
    path.unlink()
    report = archive.build_paths([path])
    assert report.withdrawn == [OTHER]
    assert OTHER not in _found(archive, "Theresa")  # no longer in the index
    assert OTHER not in archive.search.indexed_versions()
    client = create_app({"TESTING": True}, archive=archive).test_client()
    assert "withdrawn" in client.get(f"/documents/{OTHER}").get_data(as_text=True).lower()
    assert client.get(f"/documents/{OTHER}/v1").status_code == 200  # versions kept
    again = archive.build()
    assert again.withdrawn == again.changed == []
    assert not archive.verify()


def test_a_named_file_with_errors_is_reported_and_nothing_changes(archive, archive_root, run_cli):
    before = _rows(archive)
    path = _path(archive_root, EDITED)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: statement", "kind: rumour", 1), encoding="utf-8")
    report = archive.build_paths([path])
    assert report.problems and report.changed == []
    assert all(str(p).startswith(f"documents/{EDITED}.md:") for p in report.problems)
    full = archive.build()  # the same problems from a full build
    assert [str(p) for p in full.problems] == [str(p) for p in report.problems]
    assert _rows(archive) == before


def test_cli_named_paths(archive, archive_root, run_cli, monkeypatch):
    run_cli = _cli(run_cli, archive)
    monkeypatch.chdir(archive_root)
    _edit(archive_root, EDITED)
    result = run_cli(archive_root, "build", f"documents/{EDITED}.md")
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    search = run_cli(archive_root, "search", WORD)
    assert "1 document" in search.output

    path = _path(archive_root, OTHER)
    path.write_text(path.read_text().replace("kind: event", "kind: rumour", 1))
    result = run_cli(archive_root, "build", str(path))
    assert result.exit_code == 1
    assert f"documents/{OTHER}.md:" in result.output

    for bad in ("README.md", "documents/organisations.json", str(archive_root), "/etc/x.md"):
        result = run_cli(archive_root, "build", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert "Traceback" not in result.output and "Error:" in result.output
    result = run_cli(archive_root, "build", "documents/organisations.yaml")
    assert result.exit_code == 1 and "full build" in result.output
    result = run_cli(archive_root, "build", "--reindex", f"documents/{EDITED}.md")
    assert result.exit_code == 2


def test_a_changed_organisations_file_needs_a_full_build(archive, archive_root):
    orgs = archive_root / "documents" / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    _edit(archive_root, EDITED)
    with pytest.raises(ArchiveError, match="full build"):
        archive.build_paths([_path(archive_root, EDITED)])
    assert archive.build().changed == [EDITED]
    _edit(archive_root, EDITED, word="secondword")
    assert archive.build_paths([_path(archive_root, EDITED)]).changed == [EDITED]


def test_bad_paths_raise_named_path_error(archive, archive_root):
    with pytest.raises(NamedPathError):
        archive.build_paths([archive_root / "README.txt"])
    with pytest.raises(NamedPathError):
        archive.build_paths([archive_root / "documents" / "ledger" / f"{EDITED}.jsonl"])


def test_a_moved_file_named_by_both_paths_keeps_its_versions(archive, archive_root):
    old = _path(archive_root, OTHER)
    new = archive_root / "documents" / "moved" / f"{OTHER}.md"
    new.parent.mkdir()
    old.rename(new)
    report = archive.build_paths([old, new])
    assert report.withdrawn == [] and not report.problems
    with archive.session() as session:
        assert session.get(Document, OTHER).source_path == f"documents/moved/{OTHER}.md"
    assert OTHER in _found(archive, "Theresa")
    again = archive.build()
    assert again.withdrawn == again.changed == again.replayed == []


def test_an_id_held_by_another_existing_file_needs_a_full_build(archive, archive_root):
    copy = archive_root / "documents" / "copy-of-other.md"
    copy.write_text(_path(archive_root, OTHER).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ArchiveError, match="name both files"):
        archive.build_paths([copy])
    full = archive.build()  # the full build reports the duplicate; nothing was changed before
    assert any("duplicate id" in str(p) for p in full.problems)


def _cli(run_cli, archive):
    """``archive …`` on this test's database (and search backend)."""
    env = {
        "ARCHIVE_DATABASE_URL": archive.config.database_url,
        "ARCHIVE_SEARCH_BACKEND": archive.config.search_backend,
    }
    return lambda root, *args: run_cli(root, *args, env=env)


def _git(root, *args):
    command = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*command, *args], check=True, capture_output=True)


def test_changed_since_builds_what_git_says_changed(archive, archive_root, run_cli):
    run_cli = _cli(run_cli, archive)
    _git(archive_root, "init", "-q")
    _git(archive_root, "commit", "-q", "--allow-empty", "-m", "nothing tracked yet")
    result = run_cli(archive_root, "build", "--changed-since", "HEAD")
    assert "A full build: documents/ is not tracked by git here" in result.output
    _git(archive_root, "add", "documents")
    _git(archive_root, "commit", "-q", "-m", "built")
    _edit(archive_root, EDITED)
    _git(archive_root, "commit", "-q", "-am", "an edit")

    result = run_cli(archive_root, "build", "--changed-since", "HEAD~1")
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output and "0 unchanged" in result.output
    assert _found(archive, WORD) == [EDITED]
    result = run_cli(archive_root, "build", "--changed-since", "HEAD")  # the ledger, only
    assert "A full build" in result.output and "changed without its document" in result.output

    orgs = archive_root / "documents" / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = run_cli(archive_root, "build", "--changed-since", "HEAD")
    assert result.exit_code == 0 and "A full build: documents/organisations.yaml changed" in (
        result.output
    )
    result = run_cli(archive_root, "build", "--changed-since", "no-such-revision")
    assert result.exit_code == 0 and "A full build: git could not list" in result.output
    result = run_cli(archive_root, "build", "--changed-since", "HEAD", f"documents/{EDITED}.md")
    assert result.exit_code == 2
