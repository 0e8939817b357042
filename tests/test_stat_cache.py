"""The build's stat cache: unchanged files are not read again, changed ones always are.

A normal build trusts a file whose stat (size, mtime, inode, ctime) is as cached and whose
entry is older than the racy window; ``archive check`` and ``archive build --locked`` read
every file whatever the cache says.
"""

from __future__ import annotations

import gc
import os

import pytest
from sqlalchemy import func, select, update

from archive import build_settle, ledger_cache, source_cache, stat_cache
from archive.models import Document, Version
from archive.stat_cache import Stat, StatCache, open_stat_cache

DOC = "fx-stat-cache-statement"
TEXT = (
    f"---\nid: {DOC}\ntitle: A statement for the stat cache\nkind: statement\n"
    "organisations: [home-office]\ndate: 2019-12-28\nsource:\n  title: A source\n"
    "  publisher: A publisher\n  url: https://example.org/a\n---\n"
    "The inquiry will publish its findings in the spring.\n"
)


@pytest.fixture
def built(archive_root, database_url, make_archive):
    (archive_root / "documents" / f"{DOC}.md").write_text(TEXT, encoding="utf-8")
    archive = make_archive(archive_root, database_url)
    assert not archive.build().problems
    return archive


def _doc(archive):
    return archive.config.documents_dir / f"{DOC}.md"


def _ledger_lines(archive) -> list[str]:
    path = archive.config.documents_dir / "ledger" / f"{DOC}.jsonl"
    return path.read_text(encoding="utf-8").splitlines()


def _edit_keeping_size_and_mtime(path, old: str, new: str) -> None:
    assert len(old) == len(new)
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _forge_entry(archive, path, racy: bool) -> None:
    """Make the cache hold the file's present stat beside what it held before: a file system
    whose stat cannot tell the edit (no ctime, say)."""
    cache = open_stat_cache(archive.config)
    key = f"documents/{path.name}"
    entry = cache.entries[key]
    cache.entries[key] = [*Stat.of(path.stat()), entry[4], racy, entry[6]]
    cache.dirty = True
    cache.save()


def test_a_touched_but_unchanged_file_writes_no_version(built):
    lines = _ledger_lines(built)
    path = _doc(built)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    report = built.build()
    assert DOC in report.unchanged and not report.changed and not report.added
    assert _ledger_lines(built) == lines


def test_a_changed_file_with_a_new_stat_is_built(built):
    path = _doc(built)
    path.write_text(TEXT.replace("in the spring", "in the autumn, late"), encoding="utf-8")
    assert built.build().changed == [DOC]
    assert len(_ledger_lines(built)) == 2
    with built.session() as session:
        assert session.get(Document, DOC).current_version == 2


def test_an_edit_that_keeps_size_and_mtime_is_found_by_check(built, run_cli):
    _edit_keeping_size_and_mtime(_doc(built), "spring", "autumn")
    result = run_cli(built.config.root, "check")
    assert result.exit_code == 1
    assert f"documents/{DOC}.md:12: differs from version 1 in the ledger" in result.output
    assert run_cli(built.config.root, "build", "--locked").exit_code == 1
    assert built.build().changed == [DOC]  # its ctime moved: the normal build sees it too


def test_check_reads_what_a_trusting_cache_would_miss(built, run_cli):
    """An edit the stat cannot show is missed by the normal build (as git's index misses it),
    and still found by ``archive check`` and ``archive build --locked``."""
    _edit_keeping_size_and_mtime(_doc(built), "spring", "autumn")
    _forge_entry(built, _doc(built), racy=False)
    assert built.build().changed == []
    assert run_cli(built.config.root, "check").exit_code == 1
    assert run_cli(built.config.root, "build", "--locked").exit_code == 1


def test_a_racy_entry_is_hashed_again(built):
    """A file written within the racy window of the build that cached it is not trusted on
    its stat alone, so an edit in the same tick is found."""
    _edit_keeping_size_and_mtime(_doc(built), "spring", "autumn")
    _forge_entry(built, _doc(built), racy=True)
    assert built.build().changed == [DOC]


def test_an_unchanged_build_parses_no_document_and_reads_no_ledger(built, monkeypatch):
    monkeypatch.setattr(stat_cache, "RACY_SLACK_NS", 0)
    built.build()  # entries made in the racy window are verified, and trusted from now on
    calls = []
    for module, name in ((source_cache, "load_document"), (ledger_cache, "read_document_ledger")):
        original = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _o=original, **k: calls.append(a) or _o(*a, **k)
        )
    report = built.build()
    assert calls == []
    assert DOC in report.unchanged and not report.problems
    assert len(report.unchanged) == len(list(built.config.documents_dir.glob("*.md")))


def test_entries_are_racy_until_older_than_the_window(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("words", encoding="utf-8")
    cache = StatCache(tmp_path / "cache.json", "salt")
    cache.put("a.md", Stat.of(path.stat()), "hash", {"found": 1})
    assert cache.trusted("a.md", Stat.of(path.stat())) is None  # written just now
    assert cache.same_bytes("a.md", "hash") == {"found": 1}
    old = path.stat().st_mtime_ns - 10 * stat_cache.RACY_SLACK_NS
    os.utime(path, ns=(old, old))
    cache.started_ns = path.stat().st_ctime_ns + 10 * stat_cache.RACY_SLACK_NS
    cache.put("a.md", Stat.of(path.stat()), "hash", {"found": 1})
    assert cache.trusted("a.md", Stat.of(path.stat())) == {"found": 1}


def test_a_database_behind_the_cache_is_written_in_full(
    built, archive_root, make_archive, tmp_path
):
    """The cache speaks for files only: a new, empty database gets every document."""
    other = make_archive(archive_root, f"sqlite:///{tmp_path / 'other.sqlite3'}")
    report = other.build()
    assert not report.problems
    with built.session() as session:
        expected = session.scalar(select(func.count()).select_from(Document))
    with other.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == expected


def test_an_unchanged_build_loads_no_database_row(built, monkeypatch):
    """Once a build has found a document's rows to agree with its ledger, the next compares
    only the database's fingerprint of them (no row loaded)."""
    assert DOC in built.build().unchanged  # compares the rows once, and remembers them

    def loaded(*args, **kwargs):
        raise AssertionError("rows loaded")

    monkeypatch.setattr(build_settle, "database_rows", loaded)
    report = built.build()
    assert DOC in report.unchanged and not report.problems


def test_a_database_row_changed_behind_the_cache_is_seen(built):
    """A version's hash changed in the database after the cache remembered its rows: the
    fingerprint moves, the rows are compared, and the conflict is reported."""
    built.build()
    with built.transaction() as session:
        session.execute(update(Version).where(Version.document_id == DOC).values(sha256="0" * 64))
    report = built.build()
    assert DOC not in report.unchanged
    assert any("in the database" in problem.message for problem in report.problems)


def test_a_build_leaves_the_collector_as_it_found_it(built):
    """The build freezes the cache's objects for the cyclic collector and unfreezes them; a
    caller's own frozen objects stay frozen."""
    built.build()
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        built.build()
        assert gc.get_freeze_count() > 0  # not unfrozen by the build (some freed, by refcount)
    finally:
        gc.unfreeze()
