"""A build with nothing to do, seen from one snapshot instead of 100,000 documents' entries.

A full build that changed nothing and found no problem leaves a *snapshot* in the stat cache's
header (``StatCache.snapshot``): the paths of every document and ledger file it read, in the
order it read them, their stats (size, mtime, inode, ctime) packed in one array, a digest of
the database's fingerprints of every document (``build_settle.row_fingerprints``) and the ids
it found unchanged. It is taken only when every entry is verified (none racy: each file older
than the build by the racy window), every document was settled (file, ledger and database
rows agreed) and every fingerprint belonged to a settled document.

The next build lists the files, stats them and compares: the same paths in the same order,
the same stats byte for byte, the same ``organisations.yaml`` (the cache's salt) and the same
database digest mean that every document would be settled again, so the build writes nothing
and reports them unchanged, without loading the cache's entries, parsing, or comparing rows.
Anything else (a file added, removed, touched or edited, a ledger changed by a pull, a row
changed behind the build's back) and the build goes the usual way, through the entries, with
the stats already taken. What the snapshot cannot see the entries could not either: an edit
that keeps size, mtime, inode and ctime (``archive check``, ``--locked`` and ``verify`` never
use the cache).
"""

from __future__ import annotations

import hashlib
import os
from array import array
from concurrent.futures import Future

from .build import BuildReport, _sync_organisations
from .ledger_read import ledger_files
from .organisation_names import store_names
from .organisations import load_organisations
from .renderings import store_missing
from .source import SourceTree, markdown_files
from .stat_cache import StatCache


def fingerprints_digest(fingerprints: dict[str, str]) -> str:
    """One digest of every document's fingerprint (ids and fingerprints length-prefixed)."""
    text = "".join(
        f"{len(doc_id)}:{doc_id}{len(fingerprint)}:{fingerprint}"
        for doc_id, fingerprint in sorted(fingerprints.items())
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def take_snapshot(cache: StatCache, report: BuildReport, scan, fingerprints) -> dict | None:
    """The snapshot of a build that did nothing and found everything settled, else None."""
    did = [report.added, report.changed, report.reinstated, report.withdrawn]
    if report.problems or any(did) or report.replayed or report.adopted:
        return None
    if fingerprints is None:
        return None
    agreed = scan.agreed_rows
    if agreed.keys() != fingerprints.keys() or agreed.keys() != scan.summaries.keys():
        return None
    if any(agreed[doc_id][0] != fingerprint for doc_id, fingerprint in fingerprints.items()):
        return None
    keys = list(cache.seen)
    stats = array("q")
    entries = cache.entries
    for key in keys:
        entry = entries.get(key)
        if entry is None or entry[5]:  # racy: hashed again by the next build
            return None
        stats.extend(entry[:4])
    return {
        "keys": keys,
        "stats": stats.tobytes(),
        "database": fingerprints_digest(fingerprints),
        "unchanged": list(report.unchanged),
    }


def listed_files(cache: StatCache, documents_dir, root) -> list[tuple[str, str]]:
    """``(path, key)`` of every file a full build reads, in the order it reads them; the
    listings are left in ``cache.listed`` for the build, should it need them."""
    documents = markdown_files(documents_dir, root)
    ledgers = list(ledger_files(documents_dir, root))
    cache.listed = {"markdown": documents, "ledgers": ledgers}
    return documents + [(path, display) for path, display, _ in ledgers]


def unchanged_build(session, cache: StatCache, config, fingerprints: Future):
    """The report of a build with nothing to do, if the snapshot says so; else None (and the
    listings and stats taken left in the cache for the build to use). ``fingerprints``: the
    database's (``build_settle.prefetch_fingerprints``), the session unused until taken."""
    snapshot = cache.snapshot
    if snapshot is None:
        return None
    files = listed_files(cache, config.documents_dir, config.root)
    keys = [key for _, key in files]
    if keys != snapshot["keys"]:
        return None
    values: list[int] = []
    extend, stat = values.extend, os.stat
    for path, _ in files:
        result = stat(path)
        extend((result.st_size, result.st_mtime_ns, result.st_ino, result.st_ctime_ns))
    if array("q", values).tobytes() != snapshot["stats"]:
        quads = zip(values[0::4], values[1::4], values[2::4], values[3::4], strict=True)
        cache.stats = dict(zip(keys, quads, strict=True))
        return None
    organisations_file = config.documents_dir / "organisations.yaml"
    try:
        display = str(organisations_file.relative_to(config.root))
    except ValueError:
        display = str(organisations_file)
    organisations, problems = load_organisations(organisations_file, display)
    if problems:
        return None
    if fingerprints_digest(fingerprints.result()) != snapshot["database"]:
        return None
    _sync_organisations(session, SourceTree(organisations=organisations))
    session.flush()
    store_missing(session, [])
    store_names(session, organisations)
    unchanged = snapshot["unchanged"]
    return BuildReport(unchanged=list(unchanged), live=set(unchanged))
