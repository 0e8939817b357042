"""The database as a copy of the ledger: written from it, and read back into it where it lags.

A database can hold versions its ledger lacks: one built before the ledger existed, or a build
killed after its database commit. Those versions are *adopted* (appended to the ledger with the
times they were archived), never dropped. A database version that the ledger contradicts (same
number, other words) is a conflict: the document is left as it is and reported, because changing
it would change what an issued permalink shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .canonical import Canonical
from .dates import parse_date
from .ledger import DocumentLedger, short_hash, state_entry, version_entry
from .models import Document, Organisation, Version


@dataclass
class Stored:
    """What the database holds of one document: its row and each version's hash and time."""

    document: Document | None = None
    versions: dict[int, tuple[str, dt.datetime]] = field(default_factory=dict)


def load_stored(
    session: Session, skip: set[str] = frozenset(), only: list[str] | None = None
) -> dict[str, Stored]:
    """Every document's row and versions, but those in ``skip``; when most are skipped (a
    build with little to do) only the others are loaded, a few hundred per query. With
    ``only``, those documents alone (``archive build PATH...``)."""
    ids = None
    if only is not None:
        ids = sorted(set(only) - skip)
    elif skip:
        ids = sorted(set(session.scalars(select(Document.id))) - skip)
    stored: dict[str, Stored] = {}
    for chunk in _chunks(ids):
        documents = select(Document)
        rows = select(Version.document_id, Version.number, Version.sha256, Version.archived_at)
        if chunk is not None:
            documents = documents.where(Document.id.in_(chunk))
            rows = rows.where(Version.document_id.in_(chunk))
        for document in session.scalars(documents):
            stored.setdefault(document.id, Stored()).document = document
        for doc_id, number, sha256, archived_at in session.execute(rows):
            stored.setdefault(doc_id, Stored()).versions[number] = (sha256, archived_at)
    return stored


def _chunks(ids: list[str] | None, size: int = 500):
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def conflicts(ledger: DocumentLedger, stored: Stored | None) -> list[str]:
    """Versions whose number the ledger and the database give to different words."""
    messages = []
    for entry in ledger.versions:
        have = stored.versions.get(entry.version) if stored else None
        if have is not None and have[0] != entry.data["sha256"]:
            messages.append(
                f"version {entry.version} is {short_hash(entry.data['sha256'])} in the ledger"
                f" but {short_hash(have[0])} in the database; resolve by hand (`archive export`"
                " keeps the database's copy) — nothing of this document was changed"
            )
    return messages


def database_only(ledger: DocumentLedger, stored: Stored | None) -> list[int]:
    """Numbers of versions the database holds past the ledger's last one."""
    latest = ledger.latest.version if ledger.latest else 0
    return sorted(n for n in (stored.versions if stored else {}) if n > latest)


def adopt(session: Session, ledger: DocumentLedger, stored: Stored) -> int:
    """Append the database's later versions to the ledger; return how many."""
    numbers = database_only(ledger, stored)
    started_empty = not ledger.entries
    rows = session.scalars(
        select(Version)
        .where(Version.document_id == ledger.doc_id, Version.number.in_(numbers))
        .order_by(Version.number)
    )
    for row in rows:
        canonical = Canonical(row.canonical_text, [tuple(p) for p in row.paragraphs])
        path = stored.document.source_path if stored.document else ""
        ledger.append(
            version_entry(
                row.number,
                row.meta,
                row.markdown,
                path,
                row.archived_at,
                canonical,
                rules=row.canonical_rules,
            )
        )
    document = stored.document
    if started_empty and document is not None and document.withdrawn_at and ledger.latest:
        ledger.append(state_entry("withdrawn", ledger.latest.version, document.withdrawn_at, None))
    return len(numbers)


def write_database(
    session: Session, ledger: DocumentLedger, stored: Stored | None, source_path: str | None
) -> bool:
    """Make the database hold the ledger's versions and state; True if the current state moved."""
    stored = stored or Stored()
    first, latest = ledger.versions[0], ledger.latest
    document = stored.document
    moved = document is None
    if document is None:
        document = Document(id=ledger.doc_id, current_version=0, created_at=first.archived_at)
        session.add(document)
    for entry in ledger.versions:
        have = stored.versions.get(entry.version)
        if have is None:
            session.add(_version_row(ledger.doc_id, entry))
            moved = moved or entry.version == latest.version
        elif have[1] != entry.archived_at:
            session.execute(
                update(Version)
                .where(Version.document_id == ledger.doc_id, Version.number == entry.version)
                .values(archived_at=entry.archived_at)
            )
    withdrawal = ledger.withdrawn_entry
    withdrawn_at = withdrawal.archived_at if withdrawal else None
    moved = moved or document.current_version != latest.version
    moved = moved or document.withdrawn_at != withdrawn_at
    document.current_version, document.withdrawn_at = latest.version, withdrawn_at
    if document.created_at != first.archived_at:
        document.created_at = first.archived_at
    document.source_path = source_path or document.source_path or ledger.path or ""
    if moved:
        apply_current_fields(session, document, latest.data["metadata"])
    return moved


def _version_row(doc_id: str, entry) -> Version:
    canonical = entry.data["canonical"]
    return Version(
        document_id=doc_id,
        number=entry.version,
        sha256=entry.data["sha256"],
        markdown=entry.data["body"],
        meta=entry.data["metadata"],
        canonical_text=canonical["text"],
        paragraphs=canonical["paragraphs"],
        canonical_rules=canonical["rules"],
        archived_at=entry.archived_at,
    )


def apply_current_fields(session: Session, document: Document, metadata: dict) -> None:
    """Copy the current version's filterable fields onto the document row."""
    date = parse_date(metadata["date"])
    document.kind, document.title = metadata["kind"], metadata["title"]
    document.date_edtf, document.date_earliest, document.date_latest = (
        date.edtf, date.earliest, date.latest,
    )  # fmt: skip
    keys = metadata.get("organisations") or []
    with session.no_autoflush:  # the organisations are loaded: no flush per document
        found = [session.get(Organisation, key) for key in keys]
    document.organisations = [organisation for organisation in found if organisation is not None]
