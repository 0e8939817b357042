"""Every correction the archive has made: each new version of a document, with its change note.

A correction is never a rewrite: it is version N+1 beside version N, both kept. An editor says
what changed in the optional ``change_note`` front-matter field (GOV.UK's "last updated"
pattern); it is part of the version's metadata, so the ledger records it with that version. A
note belongs to the version that brought it: a later version that leaves the same note in the
file has no note of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from .diff import word_diff
from .models import Document, Version


def change_note(version: Version, previous: Version | None) -> str | None:
    """The note that came with ``version`` (none when it only carries over the one before)."""
    note = version.meta.get("change_note")
    if not note or (previous is not None and previous.meta.get("change_note") == note):
        return None
    return note


@dataclass(frozen=True)
class Correction:
    document: Document
    version: Version
    previous: Version
    note: str | None

    @property
    def archived_at(self) -> dt.datetime:
        return self.version.archived_at

    def diff(self) -> list[dict]:
        """The word-level difference from the version before."""
        return word_diff(self.previous.canonical_text, self.version.canonical_text)

    def metadata_changes(self) -> list[dict]:
        """Each changed field, nested ones by path ("source.url", "see_also[2].published"),
        so that a reader sees the one value that changed, not two whole mappings."""
        before, after = _flatten(self.previous.meta), _flatten(self.version.meta)
        return [
            {"field": k, "before": before.get(k), "after": after.get(k)}
            for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k) and k != "change_note"
        ]


def _flatten(value: object, path: str = "") -> dict[str, object]:
    """Front matter as path → value: mappings by key, lists of mappings by position (from 1),
    lists of plain values (tags) as one comma-separated value."""
    if isinstance(value, dict):
        flat: dict[str, object] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        flat = {}
        for number, item in enumerate(value, 1):
            flat.update(_flatten(item, f"{path}[{number}]"))
        return flat
    if isinstance(value, list):
        return {path: ", ".join(str(item) for item in value)}
    return {path: value}


def corrections(session: Session, limit: int | None = None) -> list[Correction]:
    """Every version after a document's first, newest first (withdrawn documents included:
    their versions stay readable, and so do the corrections made to them)."""
    later = select(Version).where(Version.number > 1)
    later = later.order_by(Version.archived_at.desc(), Version.pk.desc())
    if limit is not None:
        later = later.limit(limit)
    found = list(session.scalars(later))
    if not found:
        return []
    wanted = sorted({(v.document_id, v.number - 1) for v in found})
    before = select(Version).where(tuple_(Version.document_id, Version.number).in_(wanted))
    previous = {(v.document_id, v.number): v for v in session.scalars(before)}
    ids = sorted({v.document_id for v in found})
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    result = []
    for version in found:
        before = previous[version.document_id, version.number - 1]
        note = change_note(version, before)
        result.append(Correction(documents[version.document_id], version, before, note))
    return result
