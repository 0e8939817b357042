"""The stat cache trusts a file only while its whole stat is as cached: an edit that keeps
size and mtime (``touch -r``, a tool that restores times) still moves the file's ctime, and
the normal build, not only ``archive check``, must then read it again. And touched files the
cache cannot answer for (a fresh clone: new times, no cache) write no version.

``tests/test_stat_cache.py`` edits a file just after the build that cached it, when its entry
is still racy (hashed again whatever its stat); here the entry is made as a later build finds
it, older than the racy window, so only the stat can tell the edit.
"""

from __future__ import annotations

import os
import time

from archive.models import Document
from archive.stat_cache import open_stat_cache

from .test_stat_cache import (  # noqa: F401
    DOC,
    _doc,
    _edit_keeping_size_and_mtime,
    _ledger_lines,
    built,
)


def _settle(archive, key: str) -> list:
    """The file's entry, no longer racy (as when the build that cached it is long past)."""
    cache = open_stat_cache(archive.config)
    entry = cache.entries[key]
    entry[5] = False
    cache.dirty = True
    cache.save()
    return entry


def test_a_normal_build_finds_an_edit_that_keeps_size_and_mtime(built):  # noqa: F811
    path = _doc(built)
    cached = _settle(built, f"documents/{DOC}.md")
    assert built.build().changed == []  # a settled, unchanged entry is trusted
    _edit_keeping_size_and_mtime(path, "spring", "autumn")
    for _ in range(100):  # the kernel stamps ctime by its clock tick: wait for one to pass
        if path.stat().st_ctime_ns != cached[3]:
            break
        time.sleep(0.01)
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # sets ctime to now
    assert path.stat().st_ctime_ns != cached[3]
    assert built.build().changed == [DOC]
    with built.session() as session:
        assert session.get(Document, DOC).current_version == 2


def test_touched_files_without_a_cache_write_no_version(built):  # noqa: F811
    """Every document touched and the cache gone: each file is read and parsed again, and
    still no version is written (the ledger's hashes, not the stat, decide)."""
    ledger = built.config.documents_dir / "ledger"
    before = {path.name: path.read_bytes() for path in ledger.iterdir()}
    lines = _ledger_lines(built)
    for path in built.config.documents_dir.glob("*.md"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    (built.config.instance_dir / "stat-cache.pickle").unlink()
    report = built.build()
    assert not (report.changed or report.added or report.reinstated or report.withdrawn)
    assert DOC in report.unchanged and _ledger_lines(built) == lines
    assert {path.name: path.read_bytes() for path in ledger.iterdir()} == before
