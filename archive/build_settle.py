"""Which documents a build can leave alone: file, ledger and database already agree.

A document is *settled* when its file's version hash is its ledger's latest (or, withdrawn in
the ledger, it has no file), and the database holds exactly the ledger's versions, hashes,
archived times and state. A build skips settled documents altogether (no Markdown parsed, no
ledger read in full, no row loaded); everything else takes the full path.

The database is read as the stat cache reads files: each build asks it for one fingerprint a
document (a hash, made by the database, of the columns compared: the document's current
version, times and path, and every version's number, hash and archived time). A document whose
fingerprint, ledger file (its sha256) and source path are those it had when its rows were last
found to agree (``StatCache.rows``) agrees still; the others' rows are loaded and compared
column by column, and remembered when they agree. So a database changed behind the build's
back (another server's build, a restore) is still seen, without loading 200,000 rows.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from .ledger import parse_time
from .models import Document, Version
from .source import SourceTree

LOAD_ALL_FROM = 5000  # documents to compare beyond which every row is loaded at once
CHUNK = 500  # ids a query, under SQLite's limit of bound parameters

# Every field as text, the path last (it may hold the separator) after its length.
_FIELDS = (
    "d.current_version || '|' || COALESCE(d.withdrawn_at || '', '-') || '|' || d.created_at"
    " || '|' || COALESCE(v.list, '') || '|' || COALESCE(length(d.source_path) || '|'"
    " || d.source_path, '-')"
)
_VERSIONS = (
    "LEFT JOIN (SELECT x.document_id, {aggregate} AS list FROM (SELECT document_id, number,"
    " number || ':' || sha256 || ':' || archived_at AS item FROM versions{order}) x"
    " GROUP BY x.document_id) v ON v.document_id = d.id"
)
FINGERPRINTS = {
    # md5 made by the server: 32 characters a document to fetch instead of every version's
    "postgresql": f"SELECT d.id, md5({_FIELDS}) FROM documents d "
    + _VERSIONS.format(aggregate="string_agg(x.item, ',' ORDER BY x.number)", order=""),
    # SQLite's group_concat keeps the order of its input
    "sqlite": f"SELECT d.id, {_FIELDS} FROM documents d "
    + _VERSIONS.format(
        aggregate="group_concat(x.item, ',')", order=" ORDER BY document_id, number"
    ),
}
# JIT compiling took 1 s of 2.5 at 100,000 documents, for a statement that runs once.
NO_JIT = "SELECT set_config('jit', 'off', true)"


def row_fingerprints(session: Session) -> dict[str, str]:
    """Each document's fingerprint of the columns ``_rows_agree`` compares (on PostgreSQL an
    MD5 made by the server; on SQLite the text itself), through the driver's own cursor:
    100,000 rows through SQLAlchemy's result took ten times as long."""
    dialect = session.get_bind().dialect.name
    return _fetch(session.connection().connection, dialect)


def _fetch(connection, dialect: str) -> dict[str, str]:
    cursor = connection.cursor()
    try:
        if dialect == "postgresql":
            cursor.execute(NO_JIT)
        cursor.execute(FINGERPRINTS.get(dialect, FINGERPRINTS["sqlite"]))
        return dict(cursor.fetchall())
    finally:
        cursor.close()


def prefetch_fingerprints(session: Session) -> Future:
    """On PostgreSQL, start ``row_fingerprints`` in a thread, on the session's connection in
    its transaction: the server makes them while the build stats 200,000 files (the session
    must not be used until the result is taken). Elsewhere (SQLite runs in-process, and its
    connections stay in their thread) they are made now."""
    if session.get_bind().dialect.name != "postgresql":
        done: Future = Future()
        done.set_result(row_fingerprints(session))
        return done
    connection = session.connection().connection
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(_fetch, connection, "postgresql")
    finally:
        pool.shutdown(wait=False)  # its one thread ends with the statement


def database_rows(
    session: Session, ids: list[str] | None = None
) -> tuple[dict[str, tuple], dict[str, dict]]:
    """Each document's ``(current_version, withdrawn_at, created_at, source_path)`` and each
    one's versions ``{number: (sha256, archived_at)}``: plain tuples, no ORM objects. All
    documents, or those in ``ids``."""
    columns = (Document.current_version, Document.withdrawn_at, Document.created_at)
    documents: dict[str, tuple] = {}
    versions: dict[str, dict] = {}
    chunks = [None] if ids is None else [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        query = select(Document.id, *columns, Document.source_path)
        version_query = select(
            Version.document_id, Version.number, Version.sha256, Version.archived_at
        )
        if chunk is not None:
            query = query.where(Document.id.in_(chunk))
            version_query = version_query.where(Version.document_id.in_(chunk))
        for row in session.execute(query).all():
            documents[row[0]] = tuple(row[1:])
        # fetched at once: row by row took twice as long on PostgreSQL
        for doc_id, number, sha256, archived_at in session.execute(version_query).all():
            versions.setdefault(doc_id, {})[number] = (sha256, archived_at)
    return documents, versions


def settled_ids(session: Session, tree: SourceTree, scan) -> set[str]:
    """The documents whose file, ledger summary and database rows agree. Those found to agree
    are left in ``scan.agreed_rows`` for the stat cache (``StatCache.agreed``)."""
    # before any row is compared (see below)
    prefetched = scan.fingerprints
    fingerprints = prefetched.result() if prefetched else row_fingerprints(session)
    scan.fingerprint_rows = fingerprints  # for the build's snapshot (``build_snapshot``)
    settled: set[str] = set()
    agreed: dict[str, tuple] = {}
    unsure: dict[str, tuple] = {}
    for doc_id, summary in scan.summaries.items():
        fingerprint = fingerprints.get(doc_id)
        if fingerprint is None or doc_id in tree.failed_ids or not summary["versions"]:
            continue
        source = tree.documents.get(doc_id)
        if not _file_agrees(source, summary):
            continue
        record = (fingerprint, scan.hashes.get(doc_id), source.path if source else None)
        if scan.known_rows.get(doc_id) == record:
            settled.add(doc_id)
            agreed[doc_id] = record
        else:
            unsure[doc_id] = record
    if unsure:
        # Rows read after their fingerprints: a change made in between makes the remembered
        # fingerprint older than the rows compared, so the next build compares them again.
        ids = None if len(unsure) >= LOAD_ALL_FROM else sorted(unsure)
        documents, versions = database_rows(session, ids)
        for doc_id, record in unsure.items():
            row = documents.get(doc_id)
            summary = scan.summaries[doc_id]
            if row is None or (record[2] is not None and row[3] != record[2]):
                continue
            if _rows_agree(summary, row, versions.get(doc_id, {})):
                settled.add(doc_id)
                agreed[doc_id] = record
    scan.agreed_rows = agreed
    return settled


def _file_agrees(source, summary: dict) -> bool:
    if summary["withdrawn_at"] is not None:
        return source is None  # a file back would be a reinstatement
    latest_sha256 = summary["versions"][-1][1]
    return source is not None and source.content_hash() == latest_sha256


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
