"""``archive export`` / ``archive import``: one portable JSON file, lossless and deterministic.

Format 2 carries each document's ledger entries exactly (the ledger is the archive); importing
writes them back as the ledger files, byte for byte, and writes the database from them, so
export → import into an empty archive → export gives the same bytes, on any backend. Every entry
is checked as a build checks it, and more: the hash chain, each version's SHA-256, its canonical
text recomputed from its body. Format 1 files (before the ledger) still import.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .canonical import Canonical
from .ledger import (
    DocumentLedger,
    Entry,
    dumps,
    parse_time,
    state_entry,
    version_entry,
    write_document_ledgers,
)
from .ledger_db import adopt, load_stored, write_database
from .ledger_read import entry_problems
from .models import Document, Organisation
from .verify import canonical_problems

FORMAT = "inquiry-archive-export"
FORMAT_VERSION = 2


class ImportRefused(ValueError):
    """The file cannot be imported here; nothing was written."""


def export_data(session: Session, ledgers: dict[str, DocumentLedger]) -> dict:
    """Organisations and every document's ledger; a document only the database knows (an
    archive not built since the ledger arrived) is exported as its ledger would be."""
    stored = load_stored(session)
    documents = []
    for doc_id in sorted(set(ledgers) | set(stored)):
        ledger = ledgers.get(doc_id) or DocumentLedger(doc_id, doc_id)
        if doc_id in stored and ledger.trusted:
            adopt(session, ledger, stored[doc_id])  # in memory: export writes no ledger file
        document = stored[doc_id].document if doc_id in stored else None
        documents.append(
            {
                "id": doc_id,
                "source_path": document.source_path if document else ledger.path,
                "ledger": [entry.data for entry in ledger.entries],
            }
        )
    organisations = session.scalars(select(Organisation).order_by(Organisation.key))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organisations": [
            {
                "key": o.key,
                "name": o.name,
                "short_name": o.short_name,
                "kind": o.kind,
                "url": o.url,
                "formal_name": o.formal_name,  # the other names search finds it by
                "aliases": o.aliases,
            }
            for o in organisations
        ],
        "documents": documents,
    }


def export_file(session: Session, ledgers: dict[str, DocumentLedger], path: Path) -> None:
    data = export_data(session, ledgers)
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n", "utf-8")


def read_export(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ImportRefused("not an archive export file (not UTF-8 text)") from None
    except ValueError as exc:
        raise ImportRefused(f"not an archive export file (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("not an archive export file (format marker missing)")
    if data.get("format_version") not in (1, FORMAT_VERSION):
        raise ImportRefused(f"unsupported export format version {data.get('format_version')!r}")
    return data


def import_data(session: Session, data: dict, ledger_folder: Path) -> int:
    """Load an export into an empty archive (database and ledger); return the documents count."""
    if session.scalar(select(Document.id).limit(1)) is not None:
        raise ImportRefused("the database already holds documents; import needs an empty archive")
    if any(ledger_folder.glob("*.jsonl")):
        raise ImportRefused(
            f"{ledger_folder} already holds a ledger; import needs an empty archive"
        )
    try:
        ledgers = [_checked_ledger(row, data["format_version"]) for row in data["documents"]]
        ids = [ledger.doc_id for ledger in ledgers]
        duplicates = sorted({doc_id for doc_id in ids if ids.count(doc_id) > 1})
        if duplicates:
            raise ImportRefused(f"document {duplicates[0]!r} appears more than once")
        for org in data["organisations"]:
            session.add(Organisation(**org))
        session.flush()
        for row, ledger in zip(data["documents"], ledgers, strict=True):
            write_database(session, ledger, None, row["source_path"])
    except ImportRefused:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ImportRefused(f"malformed export file: {type(exc).__name__}: {exc}") from None
    session.flush()
    write_document_ledgers(ledger_folder, ledgers)
    return len(ledgers)


def _checked_ledger(row: dict, format_version: int) -> DocumentLedger:
    doc_id = row["id"]
    ledger = DocumentLedger(doc_id, f"documents/ledger/{doc_id}.jsonl")
    entries = row["ledger"] if format_version == 2 else _entries_from_versions(row)
    for data in entries:
        line = dumps(data)
        entry = Entry(data, line, len(ledger.entries) + 1)
        problems = entry_problems(entry, ledger)
        if not problems and entry.event == "version":
            problems = [p.message for p in canonical_problems(ledger, entry)]
        if problems:
            raise ImportRefused(f"{doc_id}, ledger entry {entry.lineno}: {problems[0]}")
        ledger.entries.append(entry)
    if ledger.latest is None:
        raise ImportRefused(f"{doc_id}: no versions")
    return ledger


def _entries_from_versions(row: dict) -> list[dict]:
    """A format 1 document (database rows) as the ledger entries a build would have written."""
    scratch = DocumentLedger(row["id"], row["id"])
    for item in row["versions"]:
        canonical = Canonical(item["canonical_text"], [tuple(p) for p in item["paragraphs"]])
        scratch.append(
            version_entry(
                item["number"],
                item["metadata"],
                item["markdown"],
                row["source_path"],
                parse_time(item["archived_at"]),
                canonical,
                rules=1,  # format 1 exports predate the ledger: CommonMark's rules
            )
        )
        if item["sha256"] != scratch.latest.data["sha256"]:
            raise ImportRefused(
                f"{row['id']} v{item['number']}: SHA-256 does not match its content"
            )
    if row.get("withdrawn_at") and scratch.latest:
        withdrawn_at = parse_time(row["withdrawn_at"])
        scratch.append(state_entry("withdrawn", scratch.latest.version, withdrawn_at, None))
    return [entry.data for entry in scratch.entries]
