"""Things in ``documents/`` worth fixing that do not fail ``archive check``.

Each is a ``Problem`` whose message starts with ``warning:``, printed as
``path:line: warning: …``; ``archive check`` still exits 0 when they are all there is.
"""

from __future__ import annotations

from .documents import SourceDocument
from .organisations import OrganisationRecord
from .problems import Problem

# Every document but an event quotes or reports words published somewhere: say where.
NEEDS_SOURCE_URL = ("statement", "article", "report", "transcript")


def document_warnings(document: SourceDocument) -> list[Problem]:
    source = document.metadata.get("source") or {}
    if document.kind in NEEDS_SOURCE_URL and not source.get("url"):
        line = document.lines.get("source", 1)
        message = (
            "warning: source.url is missing: give the http(s) address where these words were"
            " published or reported, so that readers are one click from the source"
        )
        return [Problem(document.path, line, message)]
    return []


def organisation_warnings(record: OrganisationRecord, path: str) -> list[Problem]:
    if record.short_name == record.name:
        return []
    message = (
        f"warning: short_name {record.short_name!r} differs from name {record.name!r}: the"
        " archive shows one name everywhere (name); keep the other as formal_name or in aliases"
    )
    return [Problem(path, record.line, message)]


def source_warnings(
    documents: dict[str, SourceDocument],
    organisations: dict[str, OrganisationRecord],
    organisations_path: str,
) -> list[Problem]:
    found = [
        w for r in organisations.values() for w in organisation_warnings(r, organisations_path)
    ]
    for document in documents.values():
        found += document_warnings(document)
    return sorted(found)
