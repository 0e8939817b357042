"""``archive build``: record new and changed documents in the ledger, then write the database.

The ledger (``documents/ledger/``) is the archive; the database is written from it. A build
first replays the ledger (a fresh clone gets the same version numbers, hashes, archived times and
canonical texts as every other server), then looks for files that differ from their latest entry:
new file → version 1; changed → version N+1; unchanged → nothing written; deleted → withdrawn,
versions kept; a file with errors → reported, its archived versions untouched. ``locked`` (for CI)
appends nothing and reports what would have been appended. One build at a time: a file lock on
the archive root, and on PostgreSQL an advisory lock as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .ledger import DocumentLedger, state_entry, version_entry, write_document_ledgers
from .ledger_db import adopt, conflicts, database_only, load_stored, write_database
from .ledger_plan import RUN_BUILD, Change, pending_problems, plan_changes
from .models import Organisation, utcnow
from .problems import Problem
from .renderings import canonical_and_page, store_missing, store_new
from .source import SourceTree

if TYPE_CHECKING:
    from .ledger_cache import LedgerScan

ADVISORY_LOCK_KEY = 0x41524348  # "ARCH"


class NothingToBuild(ValueError):
    """The source is missing: building would withdraw every document, so nothing was done."""


@dataclass
class BuildReport:
    """What one build did, document id by document id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    reinstated: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)  # written to the database from the ledger
    adopted: list[str] = field(default_factory=list)  # written to the ledger from the database
    problems: list = field(default_factory=list)
    live: set[str] = field(default_factory=set)  # ids published after this build
    # A head start on the search index's check (``PostgresBackend.start_check``), taken once.
    search_check: object = field(default=None, repr=False, compare=False)

    @property
    def touched(self) -> list[str]:
        """Documents whose current version changed (the search index must follow)."""
        replayed = [doc_id for doc_id in self.replayed if doc_id in self.live]
        return sorted(set(self.added + self.changed + self.reinstated + replayed))

    @property
    def removed(self) -> list[str]:
        """Documents no longer published (the search index must drop them)."""
        replayed = [doc_id for doc_id in self.replayed if doc_id not in self.live]
        return sorted(set(self.withdrawn + replayed))

    def summary(self) -> str:
        text = (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.reinstated)} reinstated, {len(self.withdrawn)} withdrawn, "
            f"{len(self.unchanged)} unchanged, {len(self.problems)} problems"
        )
        if self.replayed:
            text += f"; {len(self.replayed)} written to the database from the ledger"
        if self.adopted:
            text += f"; {len(self.adopted)} taken into the ledger from the database"
        return text


def _sync_organisations(session: Session, tree: SourceTree) -> None:
    existing = {org.key: org for org in session.scalars(select(Organisation))}
    for key, record in tree.organisations.items():
        org = existing.get(key) or Organisation(key=key)
        org.name, org.short_name, org.kind, org.url = (
            record.name, record.short_name, record.kind, record.url,
        )  # fmt: skip
        session.add(org)


def lock_database(session: Session) -> None:
    """On PostgreSQL, one build at a time per database (an advisory lock until the transaction
    ends; taking it again in the same transaction is free)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def run_build(
    session: Session,
    tree: SourceTree,
    ledgers: dict[str, DocumentLedger],
    ledger_folder: Path,
    locked: bool = False,
    scan: LedgerScan | None = None,
) -> BuildReport:
    """Bring ledger and database up to the source tree, inside the caller's transaction.

    With a ``scan`` (a build through the stat cache, whose ``ledgers`` are the ones read in
    full), documents whose file, ledger and database already agree are left alone, and the
    ledgers of the others are read in full first."""
    lock_database(session)
    report = BuildReport(problems=list(tree.problems))
    _sync_organisations(session, tree)
    session.flush()
    settled = _settle(session, tree, scan, report) if scan else set()
    stored = load_stored(session, skip=settled)
    held = _reconcile(session, ledgers, stored, report, locked, settled)
    paths = {k: s.document.source_path for k, s in stored.items() if s.document}
    changes, unchanged = plan_changes(tree, ledgers, held | settled, paths)
    report.unchanged = sorted(report.unchanged + unchanged)
    withdrawals = [c for c in changes if c.kind == "withdrawn"]
    if withdrawals and not tree.documents and not tree.failed_paths:
        raise NothingToBuild(
            f"documents/ holds no documents, but {len(withdrawals)} are archived and live;"
            " nothing was withdrawn (is the folder checked out?)"
        )
    if locked:
        report.problems += pending_problems(changes, ledgers)
    else:
        _record(changes, ledgers, report, session)
    write_document_ledgers(ledger_folder, [ledger for ledger in ledgers.values() if ledger.dirty])
    _write_database(session, tree, ledgers, stored, held | settled, report)
    written = report.added + report.changed + report.reinstated + report.replayed + report.adopted
    store_missing(session, written)  # long versions' pages and word indexes (renderings.py)
    report.problems.sort()
    return report


def _settle(session, tree: SourceTree, scan: LedgerScan, report: BuildReport) -> set[str]:
    """The documents already in agreement (counted as unchanged, or live); read the other
    ledgers in full."""
    from .build_settle import settled_ids  # a full build's, through the stat cache

    settled = settled_ids(session, tree, scan)
    for doc_id in sorted(set(scan.summaries) - settled):
        scan.read_in_full(doc_id)
    for doc_id in settled:
        if scan.summaries[doc_id]["withdrawn_at"] is None:
            report.unchanged.append(doc_id)
            report.live.add(doc_id)
    return settled


def _write_database(session, tree, ledgers, stored, skip: set[str], report) -> None:
    """Write each ledger's versions and state to the database (but those in ``skip``)."""
    own = set(report.added + report.changed + report.reinstated + report.withdrawn)
    for doc_id, ledger in sorted(ledgers.items()):
        if doc_id in skip or not ledger.trusted or ledger.latest is None:
            continue
        source = tree.documents.get(doc_id)
        moved = write_database(session, ledger, stored.get(doc_id), source and source.path)
        if moved and doc_id not in own:
            report.replayed.append(doc_id)
        if ledger.withdrawn_entry is None:
            report.live.add(doc_id)


def _reconcile(session, ledgers, stored, report, locked: bool, settled: set[str]) -> set[str]:
    """Check each ledger against the database; adopt what only the database has. Returns the
    ids left alone this build (an untrusted ledger, or a conflict with the database)."""
    held = set()
    for doc_id in sorted((set(ledgers) | set(stored)) - settled):
        ledger = ledgers.setdefault(doc_id, DocumentLedger(doc_id, _ledger_display(doc_id)))
        if not ledger.trusted:
            held.add(doc_id)
            continue
        line = max(len(ledger.entries), 1)
        messages = conflicts(ledger, stored.get(doc_id))
        if not messages and database_only(ledger, stored.get(doc_id)):
            if locked:
                messages = [f"the database holds versions the ledger lacks; {RUN_BUILD}"]
            else:
                adopt(session, ledger, stored[doc_id])
                report.adopted.append(doc_id)
        if messages:
            held.add(doc_id)
            report.problems += [Problem(ledger.display, line, m) for m in messages]
    return held


def _ledger_display(doc_id: str) -> str:
    return f"documents/ledger/{doc_id}.jsonl"


def _record(changes: list[Change], ledgers: dict[str, DocumentLedger], report, session) -> None:
    """Append one entry per change, all stamped with this build's time; store a long new
    version's page and word index as it is converted."""
    now = utcnow()
    for change in changes:
        ledger = ledgers.setdefault(
            change.doc_id, DocumentLedger(change.doc_id, _ledger_display(change.doc_id))
        )
        source = change.source
        if change.new_version:
            number = ledger.latest.version + 1 if ledger.latest else 1
            canonical, page = canonical_and_page(source.body)
            entry = version_entry(number, source.metadata, source.body, source.path, now, canonical)
            ledger.append(entry)
            store_new(session, entry, canonical, page)
        else:
            path = source.path if source else None
            ledger.append(state_entry(change.kind, ledger.latest.version, now, path))
        getattr(report, change.kind).append(change.doc_id)
