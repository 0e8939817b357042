"""Which documents a build can leave alone: file, ledger and database already agree.

A document is *settled* when its file's version hash is its ledger's latest (or, withdrawn in
the ledger, it has no file), and the database holds exactly the ledger's versions, hashes,
archived times and state. A build skips settled documents altogether (no Markdown parsed, no
ledger read in full, no row loaded); everything else takes the full path. The comparison reads
a few columns of every row, so a database changed behind the build's back (another server's
build, a restore) is still seen.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from .ledger import parse_time
from .models import Document, Version
from .source import SourceTree


def database_rows(session: Session) -> tuple[dict[str, tuple], dict[str, dict]]:
    """Each document's ``(current_version, withdrawn_at, created_at, source_path)`` and each
    one's versions ``{number: (sha256, archived_at)}``: plain tuples, no ORM objects."""
    columns = (Document.current_version, Document.withdrawn_at, Document.created_at)
    rows = session.execute(select(Document.id, *columns, Document.source_path)).all()
    documents = {row[0]: tuple(row[1:]) for row in rows}
    versions: dict[str, dict] = {}
    rows = session.execute(
        select(Version.document_id, Version.number, Version.sha256, Version.archived_at)
    ).all()  # fetched at once: row by row took twice as long on PostgreSQL
    for doc_id, number, sha256, archived_at in rows:
        versions.setdefault(doc_id, {})[number] = (sha256, archived_at)
    return documents, versions


def settled_ids(session: Session, tree: SourceTree, summaries: dict[str, dict]) -> set[str]:
    """The documents whose file, ledger summary and database rows agree."""
    documents, versions = database_rows(session)
    settled = set()
    for doc_id, summary in summaries.items():
        row = documents.get(doc_id)
        if row is None or doc_id in tree.failed_ids or not summary["versions"]:
            continue
        if _file_agrees(tree.documents.get(doc_id), summary, row) and _rows_agree(
            summary, row, versions.get(doc_id, {})
        ):
            settled.add(doc_id)
    return settled


def _file_agrees(source, summary: dict, row: tuple) -> bool:
    if summary["withdrawn_at"] is not None:
        return source is None  # a file back would be a reinstatement
    latest_sha256 = summary["versions"][-1][1]
    return source is not None and source.content_hash() == latest_sha256 and row[3] == source.path


def _rows_agree(summary: dict, row: tuple, versions: dict) -> bool:
    current_version, withdrawn_at, created_at, _ = row
    listed = summary["versions"]
    if current_version != listed[-1][0] or len(versions) != len(listed):
        return False
    if created_at != _time(listed[0][2]) or withdrawn_at != _time(summary["withdrawn_at"]):
        return False
    return all(
        versions.get(number) == (sha256, _time(archived_at))
        for number, sha256, archived_at in listed
    )


@lru_cache(maxsize=65536)  # a build stamps every entry it writes with the same time
def _time(value: str | None) -> dt.datetime | None:
    return parse_time(value) if value is not None else None
