"""``archive build``: load new and changed documents into the database, keeping every version.

new file → version 1; changed → version N+1; unchanged → nothing written; deleted → withdrawn,
versions kept; a file with errors → reported, its archived versions untouched. One build at a
time: a file lock on the archive root, and on PostgreSQL an advisory lock as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .canonical import canonical_text
from .dates import parse_date
from .documents import SourceDocument
from .models import Document, Organisation, Version, utcnow
from .source import SourceTree

ADVISORY_LOCK_KEY = 0x41524348  # "ARCH"


@dataclass
class BuildReport:
    """What one build did, document id by document id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    reinstated: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def touched(self) -> list[str]:
        """Documents whose current version changed (the search index must follow)."""
        return sorted(set(self.added + self.changed + self.reinstated))

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.reinstated)} reinstated, {len(self.withdrawn)} withdrawn, "
            f"{len(self.unchanged)} unchanged, {len(self.problems)} problems"
        )


def _sync_organisations(session: Session, tree: SourceTree) -> None:
    existing = {org.key: org for org in session.scalars(select(Organisation))}
    for key, record in tree.organisations.items():
        org = existing.get(key) or Organisation(key=key)
        org.name, org.short_name, org.kind, org.url = (
            record.name, record.short_name, record.kind, record.url,
        )  # fmt: skip
        session.add(org)


def _new_version(document: Document, source: SourceDocument, number: int) -> Version:
    canonical = canonical_text(source.body)
    return Version(
        document_id=document.id,
        number=number,
        sha256=source.content_hash(),
        markdown=source.body,
        meta=source.metadata,
        canonical_text=canonical.text,
        paragraphs=[list(pair) for pair in canonical.paragraphs],
        archived_at=utcnow(),
    )


def apply_current_fields(session: Session, document: Document, metadata: dict) -> None:
    """Copy the current version's filterable fields onto the document row."""
    date = parse_date(metadata["date"])
    document.kind, document.title = metadata["kind"], metadata["title"]
    document.date_edtf, document.date_earliest, document.date_latest = (
        date.edtf, date.earliest, date.latest,
    )  # fmt: skip
    keys = metadata.get("organisations") or []
    document.organisations = [session.get(Organisation, key) for key in keys]


def _store(session: Session, source: SourceDocument, report: BuildReport, current: dict) -> None:
    document = session.get(Document, source.id)
    if document is None:
        document = Document(id=source.id, created_at=utcnow(), current_version=1)
        session.add(document)
        number = 1
        report.added.append(source.id)
    elif current[source.id] == source.content_hash():
        if document.withdrawn_at is None:
            report.unchanged.append(source.id)
            document.source_path = source.path
            return
        number = None
        report.reinstated.append(source.id)
    else:
        number = document.current_version + 1
        (report.reinstated if document.withdrawn_at else report.changed).append(source.id)
    document.withdrawn_at = None
    document.source_path = source.path
    if number is not None:
        session.add(_new_version(document, source, number))
        document.current_version = number
    apply_current_fields(session, document, source.metadata)


def run_build(session: Session, tree: SourceTree) -> BuildReport:
    """Apply the source tree to the database inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    report = BuildReport(problems=list(tree.problems))
    _sync_organisations(session, tree)
    session.flush()
    current = dict(
        session.execute(
            select(Version.document_id, Version.sha256).join(
                Document,
                (Document.id == Version.document_id) & (Document.current_version == Version.number),
            )
        ).all()
    )
    for source in tree.documents.values():
        _store(session, source, report, current)
    for document in session.scalars(select(Document).where(Document.withdrawn_at.is_(None))):
        if document.id in tree.documents or document.id in tree.failed_ids:
            continue
        if document.source_path in tree.failed_paths:
            continue
        document.withdrawn_at = utcnow()
        report.withdrawn.append(document.id)
    return report
