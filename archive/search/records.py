"""What the search index holds for each document, read from the database (its source)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Document, Version, document_organisations
from ..organisation_names import document_names, index_text


@dataclass(frozen=True)
class IndexRecord:
    """The current version of one non-withdrawn document, as search needs it."""

    id: str
    title: str
    body: str
    kind: str
    organisations: tuple[str, ...]
    speaker: str
    tags: tuple[str, ...]
    earliest: dt.date
    latest: dt.date
    sha256: str = ""  # the version indexed, so a stale entry can be found
    names: tuple[str, ...] = ()  # every name of every organisation it names (low weight)

    @property
    def names_text(self) -> str:
        return index_text(self.names)

    @property
    def stamp(self) -> tuple[str, str]:
        """What the index records of this entry, to find it stale: version and names."""
        return (self.sha256, names_digest(self.names))

    @property
    def years(self) -> list[int]:
        return list(range(self.earliest.year, self.latest.year + 1))


def _current_rows(session: Session, ids: Iterable[str] | None):
    query = (
        select(Document.id, Document.kind, Document.date_earliest, Document.date_latest)
        .add_columns(Version.canonical_text, Version.meta, Version.sha256)
        .join(
            Version,
            (Version.document_id == Document.id) & (Version.number == Document.current_version),
        )
        .where(Document.withdrawn_at.is_(None))
        .order_by(Document.id)
    )
    if ids is not None:
        query = query.where(Document.id.in_(list(ids)))
    return session.execute(query.execution_options(yield_per=500))


def _organisations(session: Session, ids: Iterable[str] | None) -> dict[str, list[str]]:
    query = select(document_organisations.c.document_id, document_organisations.c.organisation_key)
    if ids is not None:
        query = query.where(document_organisations.c.document_id.in_(list(ids)))
    keys: dict[str, list[str]] = defaultdict(list)
    for doc_id, key in session.execute(query):
        keys[doc_id].append(key)
    return keys


def iter_records(session: Session, ids: Iterable[str] | None = None) -> Iterator[IndexRecord]:
    """Yield the index records of the given documents (all when ``ids`` is None)."""
    ids = None if ids is None else sorted(set(ids))
    organisations = _organisations(session, ids)
    names = document_names(session, ids)
    for doc_id, kind, earliest, latest, text, meta, sha256 in _current_rows(session, ids):
        yield IndexRecord(
            id=doc_id,
            title=meta.get("title") or "",
            body=text,
            kind=kind,
            organisations=tuple(sorted(organisations.get(doc_id, ()))),
            speaker=str(meta.get("speaker") or ""),
            tags=tuple(str(t).lower() for t in meta.get("tags") or ()),
            earliest=earliest,
            latest=latest,
            sha256=sha256,
            names=names.get(doc_id, ()),
        )


def live_versions(session: Session) -> dict[str, str]:
    """What a search index must hold: each published document's current version hash."""
    query = (
        select(Document.id, Version.sha256)
        .join(
            Version,
            (Version.document_id == Document.id) & (Version.number == Document.current_version),
        )
        .where(Document.withdrawn_at.is_(None))
    )
    return dict(session.execute(query).all())


def names_digest(names: Iterable[str]) -> str:
    """A short digest of a document's organisation names: an entry made before one of them
    changed in ``organisations.yaml`` is stale even though its version is not."""
    return hashlib.sha256(index_text(names).encode("utf-8")).hexdigest()[:16]


def live_stamps(session: Session) -> dict[str, tuple[str, str]]:
    """What a search index must hold, entry by entry: each published document's current
    version hash and the digest of its organisations' names (``IndexRecord.stamp``)."""
    names = document_names(session)
    return {
        doc_id: (sha256, names_digest(names.get(doc_id, ())))
        for doc_id, sha256 in live_versions(session).items()
    }


def index_differences(expected: dict, held: dict) -> tuple[list[str], list[str]]:
    """Documents to (re)index, and documents to drop, for ``held`` to become ``expected``
    (each maps a document to its version hash, or to its ``stamp``)."""
    stale = sorted(doc_id for doc_id, value in expected.items() if held.get(doc_id) != value)
    extra = sorted(set(held) - set(expected))
    return stale, extra


def current_versions(session: Session, ids: list[str]) -> dict[str, tuple[Document, Version]]:
    """The documents with these ids and their current versions, for showing results."""
    if not ids:
        return {}
    rows = session.execute(
        select(Document, Version)
        .join(
            Version,
            (Version.document_id == Document.id) & (Version.number == Document.current_version),
        )
        .where(Document.id.in_(ids))
    )
    return {document.id: (document, version) for document, version in rows}
