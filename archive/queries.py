"""Read the archive: documents, versions and organisations, as plain data for pages and API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .dates import parse_date
from .documents import ID_PATTERN, KINDS
from .models import Document, Organisation, Version, document_organisations

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")


class NotFound(LookupError):
    """No such document, version or organisation."""


class Withdrawn(LookupError):
    """The document was withdrawn; its versions stay readable."""

    def __init__(self, document: Document, versions: list[Version]):
        super().__init__(f"document {document.id!r} was withdrawn")
        self.document, self.versions = document, versions


@dataclass(frozen=True)
class DocumentView:
    document: Document
    version: Version
    versions: list[Version]

    @property
    def is_current(self) -> bool:
        return self.version.number == self.document.current_version


def _valid_id(doc_id: str) -> str:
    if not isinstance(doc_id, str) or not ID_PATTERN.match(doc_id):
        raise NotFound(f"no document {doc_id!r}")
    return doc_id


def _versions(session: Session, doc_id: str) -> list[Version]:
    return list(
        session.scalars(
            select(Version).where(Version.document_id == doc_id).order_by(Version.number)
        )
    )


def get_document(session: Session, doc_id: str, number: int | None = None) -> DocumentView:
    """The current version of a document (or version ``number``), with its history."""
    document = session.get(Document, _valid_id(doc_id))
    if document is None:
        raise NotFound(f"no document {doc_id!r}")
    versions = _versions(session, doc_id)
    if number is None:
        if document.withdrawn:
            raise Withdrawn(document, versions)
        number = document.current_version
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise NotFound(f"document {doc_id!r} has no version {number}")
    return DocumentView(document, version, versions)


def list_documents(
    session: Session,
    organisation: str | None = None,
    kind: str | None = None,
    include_withdrawn: bool = False,
) -> list[Document]:
    """Documents in date order (earliest first), optionally filtered."""
    query = select(Document)
    if organisation:
        query = query.join(document_organisations).where(
            document_organisations.c.organisation_key == organisation
        )
    if kind:
        query = query.where(Document.kind == kind)
    if not include_withdrawn:
        query = query.where(Document.withdrawn_at.is_(None))
    documents = list(session.scalars(query))
    return sorted(documents, key=lambda d: (parse_date(d.date_edtf).sort_key, d.title, d.id))


def latest_additions(session: Session, limit: int = 8) -> list[Document]:
    query = (
        select(Document)
        .where(Document.withdrawn_at.is_(None))
        .order_by(Document.created_at.desc(), Document.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def get_organisation(session: Session, key: str) -> Organisation:
    organisation = session.get(Organisation, key) if KEY_PATTERN.match(key or "") else None
    if organisation is None:
        raise NotFound(f"no organisation {key!r}")
    return organisation


def counts(session: Session) -> dict[str, int]:
    """How many documents of each kind are currently published, in ``KINDS`` order (counted
    by the database: the front page loads no document to count them)."""
    query = select(Document.kind, func.count()).where(Document.withdrawn_at.is_(None))
    found = {kind: n for kind, n in session.execute(query.group_by(Document.kind))}
    return {kind: found.pop(kind) for kind in KINDS if kind in found} | found
