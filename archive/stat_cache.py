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

The file holds two pickles: a small header (format, salt, the *snapshot* of the last build
that found nothing to do, ``archive/build_snapshot.py``: its files' paths and stats in one
packed array, and a CRC of the snapshot and one of the entries), then the entries. A build
reads the header only; the entries (a million objects at 100,000 documents, 0.6-0.7 s to load)
when the snapshot cannot answer. A header, snapshot or entries that do not load or do not
match their CRC are an empty cache (or no snapshot): every file is read again.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import time
import zlib
from pathlib import Path
from typing import NamedTuple

from .collector import no_collection

FORMAT = 4  # bump when what a cached read means changes (validation rules, summaries)
# Older formats whose entries mean what this one's do, in one pickle without a header (read
# once, then written anew). Empty it when bumping FORMAT.
SAME_ENTRIES = frozenset({3})
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
        self,
        path: Path,
        salt: str,
        entries: dict | None = None,
        rows: dict | None = None,
        snapshot: dict | None = None,
    ):
        self.path, self.salt = path, salt
        self._entries: dict[str, list] | None = entries or {}
        # The database's side (``build_settle``): each document whose rows were last found to
        # agree with its ledger, as ``(rows fingerprint, ledger file's sha256, source path)``.
        self._rows: dict[str, tuple] | None = rows or {}
        # The last build that found nothing to do (``build_snapshot``), or None.
        self.snapshot = snapshot
        self._offset, self._crc = 0, None  # where the entries start in ``path``, their CRC
        self.started_ns = time.time_ns()
        self.dirty = False
        # The files this build looked at, in the order it looked (a dict: ordered).
        self.seen: dict[str, None] = {}
        # Stats and listings already taken by this build (``build_snapshot``), used instead of
        # stat'ing and listing again: ``markdown_files``'s and ``ledger_files``' lists.
        self.stats: dict[str, tuple] = {}
        self.listed: dict[str, list] = {}
        self.freeze = False  # freeze the entries for the collector when they are loaded

    @classmethod
    def load(cls, path: Path, salt: str) -> StatCache:
        """The cache at ``path``, or an empty one if it is missing, unreadable or was made
        for other rules or another ``organisations.yaml`` (``salt``). Only the header is read
        here; the entries when first used."""
        try:
            with open(path, "rb") as handle:
                header = _unpickle(handle)
                offset = handle.tell()
        except Exception:  # missing, unreadable or from another version: start again
            return cls(path, salt)
        if not isinstance(header, dict) or header.get("salt") != salt:
            return cls(path, salt)
        if header.get("format") in SAME_ENTRIES:
            entries, rows = header.get("files"), header.get("rows")
            cache = cls(path, salt)
            cache._entries = entries if isinstance(entries, dict) else {}
            cache._rows = rows if isinstance(rows, dict) else {}
            cache.dirty = True  # written in this format
            return cache
        if header.get("format") != FORMAT:
            return cls(path, salt)
        cache = cls(path, salt, snapshot=_snapshot(header))
        cache._entries = cache._rows = None
        cache._offset, cache._crc = offset, header.get("entries_crc")
        return cache

    @property
    def entries(self) -> dict[str, list]:
        if self._entries is None:
            self._load_entries()
        return self._entries

    @property
    def rows(self) -> dict[str, tuple]:
        if self._rows is None:
            self._load_entries()
        return self._rows

    def _load_entries(self) -> None:
        """The entries after the header; none (every file read again) if they do not load."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                body = handle.read()
            data = _unpickle_bytes(body) if zlib.crc32(body) == self._crc else None
        except Exception:
            data = None
        if not isinstance(data, dict):
            data = {}
        entries, rows = data.get("files"), data.get("rows")
        self._entries = entries if isinstance(entries, dict) else {}
        self._rows = rows if isinstance(rows, dict) else {}
        if self.freeze:  # a million objects, none cyclic: the build's collections skip them
            gc.freeze()
        if not self._entries:  # a damaged file: written afresh by this build
            self.snapshot, self.dirty = None, True

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
            self._rows = rows
            self.dirty = True

    def snapshot_taken(self, snapshot: dict | None) -> None:
        """Remember the snapshot of this build (None: it did something, or had problems)."""
        if snapshot != self.snapshot:
            self.snapshot = snapshot
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
        for key in self.entries.keys() - self.seen.keys():
            self.forget(key)

    def save(self) -> None:
        """Write the cache beside and rename it over the old one (never half a file)."""
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        snapshot = None
        if self.snapshot is not None:
            snapshot = pickle.dumps(self.snapshot, protocol=pickle.HIGHEST_PROTOCOL)
        body = io.BytesIO()
        pickler = pickle.Pickler(body, protocol=pickle.HIGHEST_PROTOCOL)
        # No memo: nothing in the cache is shared or cyclic, and without one writing
        # 200,000 entries takes 0.14 s instead of 0.6 (and reading them back half as long).
        pickler.fast = True
        pickler.dump({"files": self.entries, "rows": self.rows})
        header = {
            "format": FORMAT,
            "salt": self.salt,
            "snapshot": snapshot,
            "crc": zlib.crc32(snapshot) if snapshot is not None else None,
            "entries_crc": zlib.crc32(body.getbuffer()),
        }
        with open(temporary, "wb") as handle:
            pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.write(body.getbuffer())
        os.replace(temporary, self.path)
        self.dirty = False


def _snapshot(header: dict) -> dict | None:
    """The header's snapshot, if it is whole (its CRC) and of the expected shape."""
    data, crc = header.get("snapshot"), header.get("crc")
    if not isinstance(data, bytes) or zlib.crc32(data) != crc:
        return None
    try:
        snapshot = _unpickle_bytes(data)
    except Exception:
        return None
    return snapshot if isinstance(snapshot, dict) else None


def _unpickle(handle) -> object:
    """``pickle.load`` (the next pickle in ``handle``) without the cyclic garbage collector:
    loading 200,000 entries (a million objects, none of them cyclic) set it off again and
    again (0.98 s -> 0.71 s)."""
    with no_collection():
        return pickle.load(handle)


def _unpickle_bytes(data: bytes) -> object:
    """``pickle.loads`` likewise."""
    with no_collection():
        return pickle.loads(data)


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
    stat = cache.stats.pop(key, None) if cache is not None else None
    if stat is None:
        result = os.stat(path)  # a plain tuple: 200,000 NamedTuples cost half a second
        stat = (result.st_size, result.st_mtime_ns, result.st_ino, result.st_ctime_ns)
    if cache is not None:
        cache.seen[key] = None
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
