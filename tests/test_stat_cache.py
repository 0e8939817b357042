"""The build's stat cache: unchanged files are not read again, changed ones always are.

A normal build trusts a file whose stat (size, mtime, inode, ctime) is as cached and whose
entry is older than the racy window; ``archive check`` and ``archive build --locked`` read
every file whatever the cache says.
"""

from __future__ import annotations

import gc
import os
import pickle

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


# -- the snapshot of a build with nothing to do (archive/build_snapshot.py) -------------------


def _snapshot_taken(archive, monkeypatch):
    """Build until the cache holds a snapshot: with no racy window, the build after the one
    that wrote the ledgers verifies them, finds nothing to do and takes it."""
    monkeypatch.setattr(stat_cache, "RACY_SLACK_NS", 0)
    report = archive.build()
    if open_stat_cache(archive.config).snapshot is None:
        report = archive.build()
    assert open_stat_cache(archive.config).snapshot is not None
    return report


def _no_entries_loaded(monkeypatch):
    def refuse(self):
        raise AssertionError("the cache's entries were loaded")

    monkeypatch.setattr(StatCache, "_load_entries", refuse)


def _same_report(one, other) -> None:
    assert one.summary() == other.summary()
    assert (one.unchanged, one.live, one.problems) == (other.unchanged, other.live, other.problems)
    assert not one.touched and not one.removed


def test_a_build_after_a_snapshot_reports_what_a_full_look_would(built, monkeypatch):
    """Nothing changed since a build that found nothing to do: the next build reads neither
    the cache's entries nor any file, loads no row, and reports exactly what it reported."""
    full = _snapshot_taken(built, monkeypatch)
    _no_entries_loaded(monkeypatch)
    monkeypatch.setattr(build_settle, "database_rows", _refuse_rows)
    again = built.build()
    _same_report(again, full)
    assert DOC in again.unchanged
    assert built.build().summary() == full.summary()  # and again: nothing was saved over it


def _refuse_rows(*args, **kwargs):
    raise AssertionError("rows loaded")


def _edit(archive):
    _doc(archive).write_text(TEXT.replace("in the spring", "next year"), encoding="utf-8")


def _add(archive):
    new = TEXT.replace(DOC, f"{DOC}-two")
    (archive.config.documents_dir / f"{DOC}-two.md").write_text(new, encoding="utf-8")


def _delete(archive):
    _doc(archive).unlink()


def _touch(archive):
    stat = _doc(archive).stat()
    os.utime(_doc(archive), ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def _break_ledger(archive):
    path = archive.config.documents_dir / "ledger" / f"{DOC}.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("spring", "autumn"), "utf-8")


def _hidden_file(archive):  # not read by any build: still nothing to do
    (archive.config.documents_dir / "ledger" / ".editor-swap").write_text("x", "utf-8")


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        (_edit, lambda r: r.changed == [DOC]),
        (_add, lambda r: r.added == [f"{DOC}-two"]),
        (_delete, lambda r: r.withdrawn == [DOC]),
        (_touch, lambda r: DOC in r.unchanged and not r.touched and not r.problems),
        (_break_ledger, lambda r: any("ledger" in p.path for p in r.problems)),
        (_hidden_file, lambda r: DOC in r.unchanged and not r.touched and not r.problems),
    ],
    ids=["edited", "added", "deleted", "touched", "ledger-edited", "hidden-file"],
)
def test_a_change_after_a_snapshot_is_built(built, monkeypatch, change, expect):
    _snapshot_taken(built, monkeypatch)
    lines = _ledger_lines(built)
    change(built)
    report = built.build()
    assert expect(report), report
    if change in (_touch, _hidden_file):
        assert _ledger_lines(built) == lines  # a touched file writes no version


def test_a_database_changed_behind_a_snapshot_is_seen(built, monkeypatch):
    _snapshot_taken(built, monkeypatch)
    with built.transaction() as session:
        session.execute(update(Version).where(Version.document_id == DOC).values(sha256="0" * 64))
    report = built.build()
    assert DOC not in report.unchanged
    assert any("in the database" in problem.message for problem in report.problems)


def test_a_changed_organisations_file_is_not_answered_by_a_snapshot(built, monkeypatch):
    _snapshot_taken(built, monkeypatch)
    organisations = built.config.organisations_file
    organisations.write_text(organisations.read_text(encoding="utf-8") + "\n", "utf-8")
    _no_entries_loaded(monkeypatch)  # a new salt: an empty cache, every file read
    report = built.build()
    assert DOC in report.unchanged and not report.problems and not report.touched


def test_a_build_with_problems_takes_no_snapshot(built, monkeypatch):
    monkeypatch.setattr(stat_cache, "RACY_SLACK_NS", 0)
    (built.config.documents_dir / "broken.md").write_text("no front matter\n", "utf-8")
    for _ in range(3):
        report = built.build()
        assert any(p.path == "documents/broken.md" for p in report.problems)  # every time
    assert open_stat_cache(built.config).snapshot is None


# -- the cache file's format: another or a damaged one is an empty cache -----------------------


def _count_parses(monkeypatch) -> list:
    calls = []
    original = source_cache.load_document
    monkeypatch.setattr(
        source_cache, "load_document", lambda *a, **k: calls.append(a) or original(*a, **k)
    )
    return calls


def _cache_file(archive):
    return archive.config.instance_dir / "stat-cache.pickle"


def test_the_previous_layout_is_read_once_and_written_anew(built, monkeypatch):
    """Format 3 (one pickle, the same entries) is still read, not thrown away."""
    _snapshot_taken(built, monkeypatch)
    cache = open_stat_cache(built.config)
    old = {"format": 3, "salt": cache.salt, "files": cache.entries, "rows": cache.rows}
    _cache_file(built).write_bytes(pickle.dumps(old))
    calls = _count_parses(monkeypatch)
    assert DOC in built.build().unchanged
    assert calls == []  # nothing parsed: the entries were used
    with open(_cache_file(built), "rb") as handle:
        assert pickle.load(handle)["format"] == stat_cache.FORMAT


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 3],  # cut in the entries
        lambda data: data[:40],  # cut in the header
        lambda data: b"",
        lambda data: b"not a pickle at all" * 100,
        lambda data: pickle.dumps({"format": 99, "files": {}}),  # another format
        lambda data: data[:-200] + bytes(b ^ 0x20 for b in data[-200:]),  # same length
    ],
    ids=["entries-cut", "header-cut", "empty", "garbage", "other-format", "entries-changed"],
)
def test_a_damaged_cache_is_ignored_and_no_change_missed(built, monkeypatch, damage):
    """Whatever is wrong with the file, the build neither fails nor misses a change made
    at the same time; a file it cannot use is read as an empty cache and written anew."""
    _snapshot_taken(built, monkeypatch)
    path = _cache_file(built)
    path.write_bytes(damage(path.read_bytes()))
    assert not open_stat_cache(built.config).entries  # read as none
    _edit(built)
    report = built.build()
    assert report.changed == [DOC]
    assert not report.problems
    report = built.build()  # the cache written by that build is whole again
    assert DOC in report.unchanged and not report.touched and not report.problems


def test_a_damaged_snapshot_is_not_trusted(built, monkeypatch):
    """A snapshot whose bytes do not match its CRC is dropped (the entries still serve)."""
    _snapshot_taken(built, monkeypatch)
    path = _cache_file(built)
    with open(path, "rb") as handle:
        header = pickle.load(handle)
        rest = handle.read()
    snapshot = bytearray(header["snapshot"])
    snapshot[len(snapshot) // 2] ^= 0x01
    header["snapshot"] = bytes(snapshot)
    path.write_bytes(pickle.dumps(header) + rest)
    assert open_stat_cache(built.config).snapshot is None
    calls = _count_parses(monkeypatch)
    assert DOC in built.build().unchanged
    assert calls == []
