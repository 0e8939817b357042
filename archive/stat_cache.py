"""A stat cache of the files a build reads, as git's index keeps one of the working tree.

For each file (``documents/*.md`` and ``documents/ledger/*.jsonl``) it keeps the stat (size,
mtime, inode, ctime), the SHA-256 of its bytes and what reading it found (a document's id and
version hash; a ledger's versions). A build trusts an entry only while the file's stat is the
same; when the stat differs the file is read and hashed again, and when the hash is the same
(a touched, unchanged file) what was found before is reused without parsing.

Racy entries (git's "racy clean" problem): a file written within the file system's timestamp
granularity of the moment the build looked at it could change again without changing its stat.
Entries whose mtime or ctime is not older than the build's start by ``RACY_SLACK_NS`` are kept
but marked unverified: the next build hashes them again before trusting them.

The cache lives in ``instance/stat-cache.pickle`` (never committed; pickle, because JSON took
4 s to load at 100,000 documents; the archive reads only the file it wrote itself), is written
atomically, and is only a shortcut: ``archive check``, ``archive build --locked`` and
``archive verify`` read everything.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import NamedTuple

FORMAT = 3  # bump when what a cached read means changes (validation rules, summaries)
# Coarse file systems stamp times to the second or two (FAT: 2 s); Linux to a clock tick.
RACY_SLACK_NS = 2_000_000_000


class Stat(NamedTuple):
    size: int
    mtime_ns: int
    ino: int
    ctime_ns: int

    @classmethod
    def of(cls, result: os.stat_result) -> Stat:
        return cls(result.st_size, result.st_mtime_ns, result.st_ino, result.st_ctime_ns)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class StatCache:
    """Entries by path: ``[size, mtime_ns, ino, ctime_ns, sha256, racy, found]``."""

    def __init__(
        self, path: Path, salt: str, entries: dict | None = None, rows: dict | None = None
    ):
        self.path, self.salt = path, salt
        self.entries: dict[str, list] = entries or {}
        # The database's side (``build_settle``): each document whose rows were last found to
        # agree with its ledger, as ``(rows fingerprint, ledger file's sha256, source path)``.
        self.rows: dict[str, tuple] = rows or {}
        self.started_ns = time.time_ns()
        self.dirty = False
        self.seen: set[str] = set()  # the files this build looked at

    @classmethod
    def load(cls, path: Path, salt: str) -> StatCache:
        """The cache at ``path``, or an empty one if it is missing, unreadable or was made
        for other rules or another ``organisations.yaml`` (``salt``)."""
        try:
            data = _unpickle(path.read_bytes())
        except Exception:  # missing, unreadable or from another version: start again
            return cls(path, salt)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("salt") != salt:
            return cls(path, salt)
        entries, rows = data.get("files"), data.get("rows")
        return cls(
            path,
            salt,
            entries if isinstance(entries, dict) else {},
            rows if isinstance(rows, dict) else {},
        )

    def trusted(self, key: str, stat: tuple) -> object | None:
        """What reading the file found, if its stat is unchanged and the entry verified."""
        entry = self.trusted_entry(key, stat)
        return None if entry is None else entry[6]

    def trusted_entry(self, key: str, stat: tuple) -> list | None:
        """The entry itself (``found`` at ``[6]``, the sha256 at ``[4]``), when trusted."""
        entry = self.entries.get(key)
        if entry is None or entry[5] or entry[0] != stat[0] or entry[1] != stat[1]:
            return None
        return entry if entry[2] == stat[2] and entry[3] == stat[3] else None

    def same_bytes(self, key: str, sha256: str) -> object | None:
        """What reading the file found, if its bytes hash as they did (stat aside)."""
        entry = self.entries.get(key)
        return entry[6] if entry is not None and entry[4] == sha256 else None

    def agreed(self, rows: dict[str, tuple]) -> None:
        """Remember which documents' rows agree with their ledgers (``build_settle``)."""
        if rows != self.rows:
            self.rows = rows
            self.dirty = True

    def put(self, key: str, stat: tuple, sha256: str, found: object) -> None:
        """Remember a file's ``Stat`` (or the same four numbers), hash and what it held."""
        size, mtime_ns, ino, ctime_ns = stat
        racy = max(mtime_ns, ctime_ns) >= self.started_ns - RACY_SLACK_NS
        entry = [size, mtime_ns, ino, ctime_ns, sha256, racy, found]
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self.dirty = True

    def forget(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self.dirty = True

    def forget_unseen(self) -> None:
        """Drop the entries of files this build did not find (deleted or moved)."""
        for key in set(self.entries) - self.seen:
            self.forget(key)

    def save(self) -> None:
        """Write the cache beside and rename it over the old one (never half a file)."""
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        data = {"format": FORMAT, "salt": self.salt, "files": self.entries, "rows": self.rows}
        with open(temporary, "wb") as handle:
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            # No memo: nothing in the cache is shared or cyclic, and without one writing
            # 200,000 entries takes 0.14 s instead of 0.6 (and reading them back half as long).
            pickler.fast = True
            pickler.dump(data)
        os.replace(temporary, self.path)
        self.dirty = False


def _unpickle(data: bytes) -> object:
    """``pickle.loads`` without the cyclic garbage collector: loading 200,000 entries (a
    million objects, none of them cyclic) set it off again and again (0.98 s -> 0.71 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def open_stat_cache(config) -> StatCache:
    """The build's cache in ``instance/``; it holds for the ``organisations.yaml`` it was made
    with (a document's validity depends on the organisations it may name)."""
    try:
        salt = sha256_bytes(config.organisations_file.read_bytes())
    except OSError:
        salt = ""
    return StatCache.load(config.instance_dir / "stat-cache.pickle", salt)


class Read(NamedTuple):  # a NamedTuple: 200,000 frozen dataclasses cost a third of a second
    """One file as a build saw it: what the cache says it holds (``found``), or its bytes."""

    stat: tuple  # size, mtime_ns, ino, ctime_ns
    found: object | None = None
    data: bytes | None = None  # read when the cache could not answer
    sha256: str | None = None  # of the bytes (read, or as cached)


def read_cached(cache: StatCache | None, path: str | Path, key: str) -> Read:
    """Ask the cache first: its ``found`` when the file's stat is as cached and verified, or
    when its bytes hash as cached (the new stat is remembered); else the bytes, to parse."""
    result = os.stat(path)  # a plain tuple: 200,000 NamedTuples cost half a second
    stat = (result.st_size, result.st_mtime_ns, result.st_ino, result.st_ctime_ns)
    if cache is not None:
        cache.seen.add(key)
        entry = cache.trusted_entry(key, stat)
        if entry is not None:
            return Read(stat, entry[6], sha256=entry[4])
    with open(path, "rb") as handle:
        data = handle.read()
    sha256 = sha256_bytes(data)
    found = cache.same_bytes(key, sha256) if cache is not None else None
    if found is not None:
        cache.put(key, stat, sha256, found)
    return Read(stat, found, data, sha256)
