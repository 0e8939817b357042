"""``archive export`` / ``archive import``: one portable JSON file, lossless and deterministic.

Export → import into an empty database → export gives the same bytes, on any backend: keys are
sorted, rows are ordered by their natural keys and times are written as UTC with microseconds.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .build import apply_current_fields
from .documents import version_hash
from .models import Document, Organisation, Version

FORMAT = "inquiry-archive-export"
FORMAT_VERSION = 1


class ImportRefused(ValueError):
    """The file cannot be imported here; nothing was written."""


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds") if value else None


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC) if value else None


def _version_row(version: Version) -> dict:
    return {
        "number": version.number,
        "sha256": version.sha256,
        "archived_at": _time(version.archived_at),
        "metadata": version.meta,
        "markdown": version.markdown,
        "canonical_text": version.canonical_text,
        "paragraphs": version.paragraphs,
    }


def export_data(session: Session) -> dict:
    organisations = session.scalars(select(Organisation).order_by(Organisation.key))
    versions: dict[str, list[dict]] = {}
    for version in session.scalars(select(Version).order_by(Version.document_id, Version.number)):
        versions.setdefault(version.document_id, []).append(_version_row(version))
    documents = [
        {
            "id": document.id,
            "source_path": document.source_path,
            "created_at": _time(document.created_at),
            "withdrawn_at": _time(document.withdrawn_at),
            "current_version": document.current_version,
            "versions": versions.get(document.id, []),
        }
        for document in session.scalars(select(Document).order_by(Document.id))
    ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organisations": [
            {"key": o.key, "name": o.name, "short_name": o.short_name, "kind": o.kind, "url": o.url}
            for o in organisations
        ],
        "documents": documents,
    }


def export_file(session: Session, path: Path) -> None:
    text = json.dumps(export_data(session), ensure_ascii=False, sort_keys=True, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def _check_header(data: object) -> dict:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("not an archive export file (format marker missing)")
    if data.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(f"unsupported export format version {data.get('format_version')!r}")
    return data


def _import_document(session: Session, row: dict) -> None:
    document = Document(
        id=row["id"],
        source_path=row["source_path"],
        created_at=_parse_time(row["created_at"]),
        withdrawn_at=_parse_time(row["withdrawn_at"]),
        current_version=row["current_version"],
    )
    session.add(document)
    current = None
    for item in row["versions"]:
        if version_hash(item["metadata"], item["markdown"]) != item["sha256"]:
            where = f"{row['id']} v{item['number']}"
            raise ImportRefused(f"{where}: SHA-256 does not match its content")
        version = Version(
            document_id=row["id"],
            number=item["number"],
            sha256=item["sha256"],
            markdown=item["markdown"],
            meta=item["metadata"],
            canonical_text=item["canonical_text"],
            paragraphs=item["paragraphs"],
            archived_at=_parse_time(item["archived_at"]),
        )
        session.add(version)
        if item["number"] == row["current_version"]:
            current = item["metadata"]
    if current is None:
        raise ImportRefused(f"{row['id']}: current version {row['current_version']} is missing")
    apply_current_fields(session, document, current)


def import_file(session: Session, path: Path) -> int:
    """Load an export into an empty database; return the number of documents imported."""
    if session.scalar(select(Document.id).limit(1)) is not None:
        raise ImportRefused("the database already holds documents; import needs an empty archive")
    try:
        data = _check_header(json.loads(path.read_text(encoding="utf-8")))
        for org in data["organisations"]:
            session.add(Organisation(**org))
        session.flush()
        for row in data["documents"]:
            _import_document(session, row)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ImportRefused):
            raise
        raise ImportRefused(f"malformed export file: {exc}") from exc
    return len(data["documents"])
