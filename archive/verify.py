"""``archive verify``: the ledger checked in depth, and the database checked against it.

Beyond what every build checks (the hash chain, each version's SHA-256, each canonical text's
SHA-256 and offsets), ``verify`` recomputes each canonical text from its body under the rules
that made it, and compares every database row with its ledger entry, field by field.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .canonical import CANONICAL_RULES, canonical_text
from .ledger import DocumentLedger, Entry, short_hash
from .models import Document, Version
from .problems import Problem
from .search.records import index_differences, live_versions


def verify(
    session: Session, ledgers: dict[str, DocumentLedger], indexed: dict[str, str | None]
) -> list[Problem]:
    """Every problem with the ledger, the database against it, and the search index."""
    problems: list[Problem] = []
    for ledger in ledgers.values():
        problems += ledger.problems
        for entry in ledger.versions:
            problems += canonical_problems(ledger, entry)
    problems += _database_problems(session, ledgers)
    problems += _index_problems(live_versions(session), indexed)
    return sorted(set(problems))


def _index_problems(expected: dict[str, str], indexed: dict[str, str | None]) -> list[Problem]:
    stale, extra = index_differences(expected, indexed)
    problems = []
    for doc_id in stale:
        held = indexed.get(doc_id)
        what = f"another version ({short_hash(held)})" if held else "nothing"
        message = (
            f"the search index holds {what} of this document, not its current version"
            f" {short_hash(expected[doc_id])}; run `archive build`"
        )
        problems.append(Problem(f"documents/ledger/{doc_id}.jsonl", 1, message))
    for doc_id in extra:
        message = "the search index holds a document that is not published; run `archive build`"
        problems.append(Problem(f"documents/ledger/{doc_id}.jsonl", 1, message))
    return problems


def canonical_problems(ledger: DocumentLedger, entry: Entry) -> list[Problem]:
    canonical = entry.data.get("canonical")
    body = entry.data.get("body")
    if not isinstance(canonical, dict) or not isinstance(body, str):
        return []  # already reported by the cheap checks
    if canonical.get("rules") in RETIRED_RULES:
        return []  # kept as stored: its hash is checked, its rules no longer run here
    if canonical.get("rules") != CANONICAL_RULES:
        message = f"canonical text made by unknown rules {canonical.get('rules')!r}"
        return [Problem(ledger.display, entry.lineno, message)]
    computed = canonical_text(body)
    paragraphs = [list(pair) for pair in computed.paragraphs]
    if computed.text != canonical.get("text") or paragraphs != canonical.get("paragraphs"):
        message = (
            f"version {entry.version}'s canonical text or paragraph offsets are not what its"
            f" body gives under rules {CANONICAL_RULES}"
        )
        return [Problem(ledger.display, entry.lineno, message)]
    return []


RETIRED_RULES = {1}  # markdown-it-py's CommonMark, until 2026-11-29

FIELDS = {
    "sha256": lambda e: e.data["sha256"],
    "markdown": lambda e: e.data["body"],
    "metadata": lambda e: e.data["metadata"],
    "canonical text": lambda e: e.data["canonical"]["text"],
    "paragraphs": lambda e: e.data["canonical"]["paragraphs"],
    "canonical rules": lambda e: e.data["canonical"]["rules"],
    "archived_at": lambda e: e.archived_at,
}
COLUMNS = {
    "sha256": lambda v: v.sha256,
    "markdown": lambda v: v.markdown,
    "metadata": lambda v: v.meta,
    "canonical text": lambda v: v.canonical_text,
    "paragraphs": lambda v: [list(pair) for pair in v.paragraphs],
    "canonical rules": lambda v: v.canonical_rules,
    "archived_at": lambda v: v.archived_at,
}


def _database_problems(session: Session, ledgers: dict[str, DocumentLedger]) -> list[Problem]:
    problems = []
    rows: dict[str, dict[int, Version]] = {}
    for version in session.scalars(select(Version).order_by(Version.document_id, Version.number)):
        rows.setdefault(version.document_id, {})[version.number] = version
    documents = {d.id: d for d in session.scalars(select(Document))}
    for doc_id in sorted(set(rows) | set(ledgers)):
        ledger = ledgers.get(doc_id) or DocumentLedger(doc_id, f"documents/ledger/{doc_id}.jsonl")
        if not ledger.trusted:
            continue
        where = (ledger.display, max(len(ledger.entries), 1))
        entries = {e.version: e for e in ledger.versions}
        for number, version in sorted(rows.get(doc_id, {}).items()):
            entry = entries.get(number)
            if entry is None:
                message = (
                    f"the database holds version {number} ({short_hash(version.sha256)})"
                    " that the ledger does not have"
                )
                problems.append(Problem(*where, message))
                continue
            differing = [name for name in FIELDS if FIELDS[name](entry) != COLUMNS[name](version)]
            if differing:
                message = f"the database's version {number} differs from the ledger in " + (
                    ", ".join(differing)
                )
                problems.append(Problem(ledger.display, entry.lineno, message))
        for number, entry in sorted(entries.items()):
            if number not in rows.get(doc_id, {}):
                message = f"version {number} is not in the database; run `archive build`"
                problems.append(Problem(ledger.display, entry.lineno, message))
        problems += _state_problems(ledger, documents.get(doc_id), where)
    return problems


def _state_problems(ledger: DocumentLedger, document: Document | None, where) -> list[Problem]:
    if document is None or ledger.latest is None:
        return []
    problems = []
    if document.current_version != ledger.latest.version:
        message = (
            f"the database's current version is {document.current_version};"
            f" the ledger's is {ledger.latest.version}"
        )
        problems.append(Problem(*where, message))
    withdrawn = ledger.withdrawn_entry is not None
    if (document.withdrawn_at is not None) != withdrawn:
        state = "withdrawn" if withdrawn else "live"
        problems.append(Problem(*where, f"the ledger has the document {state}; the database not"))
    return problems
