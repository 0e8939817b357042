"""The ledger as a build sees it through the stat cache: a summary of each unchanged file.

A trusted ledger file is summarised (its versions' numbers, hashes and archived times, its
withdrawal, its path, its number of entries) and the summary cached with the file's stat. A
build decides from summaries which documents need nothing (``archive/build_settle.py``) and
reads in full only the others. Only trusted files are cached: a ledger with problems is read
and checked in full every time, so its problems are reported every time.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from .ledger import DocumentLedger
from .ledger_read import ledger_files, not_a_ledger, read_document_ledger
from .stat_cache import Stat, StatCache, read_cached, sha256_bytes


def summarise(ledger: DocumentLedger) -> dict:
    """What a build needs of a trusted ledger to see that nothing is to be done."""
    withdrawal = ledger.withdrawn_entry
    return {
        "entries": len(ledger.entries),
        "versions": [[e.version, e.data["sha256"], e.data["archived_at"]] for e in ledger.versions],
        "withdrawn_at": withdrawal.data["archived_at"] if withdrawal else None,
        "path": ledger.path,
    }


@dataclass
class LedgerScan:
    """Ledgers read in full, and a summary of every trusted one (read or cached)."""

    ledgers: dict[str, DocumentLedger] = field(default_factory=dict)
    summaries: dict[str, dict] = field(default_factory=dict)
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # each summarised file's sha256
    # Documents whose database rows agreed with their ledger at the last build, from the stat
    # cache (``StatCache.rows``), and those found to agree this build (``build_settle``).
    known_rows: dict[str, tuple] = field(default_factory=dict)
    agreed_rows: dict[str, tuple] = field(default_factory=dict)
    fingerprints: Future | None = None  # ``build_settle.prefetch_fingerprints``
    fingerprint_rows: dict[str, str] | None = None  # its result, once settling took it

    def read_in_full(self, doc_id: str) -> DocumentLedger:
        """The document's ledger, read and checked in full (kept for the rest of the build)."""
        if doc_id not in self.ledgers:
            path, display = self.files[doc_id]
            self.ledgers[doc_id] = read_document_ledger(Path(path), display, doc_id)
        return self.ledgers[doc_id]


def scan_ledgers(documents_dir: Path, root: Path, cache: StatCache | None) -> LedgerScan:
    """Every ledger file: summarised from the cache when unchanged, else read in full."""
    scan = LedgerScan(known_rows=cache.rows if cache is not None else {})
    listed = cache.listed.pop("ledgers", None) if cache is not None else None
    for path, display, doc_id in listed or ledger_files(documents_dir, root):
        if doc_id is None:
            name = os.path.basename(path)
            scan.ledgers[name] = not_a_ledger(name, display)
            continue
        scan.files[doc_id] = (path, display)
        read = read_cached(cache, path, display)
        if read.found is not None:
            scan.summaries[doc_id] = read.found
            scan.hashes[doc_id] = read.sha256
            continue
        ledger = read_document_ledger(Path(path), display, doc_id, data=read.data)
        scan.ledgers[doc_id] = ledger
        if ledger.trusted:
            scan.summaries[doc_id] = summarise(ledger)
            scan.hashes[doc_id] = read.sha256
            if cache is not None:
                cache.put(display, read.stat, read.sha256, scan.summaries[doc_id])
        elif cache is not None:
            cache.forget(display)
    return scan


def remember_written(cache: StatCache, folder: Path, ledgers: list[DocumentLedger]) -> None:
    """Cache the ledger files this build wrote, from what it wrote: they are racy (just
    written), so the next build hashes them once, without parsing, before trusting them."""
    for ledger in ledgers:
        if not ledger.trusted:
            continue
        data = "".join(entry.line + "\n" for entry in ledger.entries).encode("utf-8")
        path = folder / f"{ledger.doc_id}.jsonl"
        cache.put(ledger.display, Stat.of(path.stat()), sha256_bytes(data), summarise(ledger))
        cache.seen[ledger.display] = None
