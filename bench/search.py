"""Search benchmark: the archive's search against SQLite FTS5 (and Datasette) on the same corpus.

Run by hand, never in CI:

    python bench/search.py [--docs 20000] [--words 400] [--queries 200]
                           [--database-url postgresql+psycopg://…] [--http]

It writes a synthetic English corpus (Zipf-distributed words, dates of every EDTF precision)
into a temporary archive root — never into documents/ — builds an archive from it, and prints
indexing documents/s, index size, p50/p95 latency of the queries (1–3 words, phrases, filtered;
top 10 with snippets) and the time for one edited document to become searchable, side by side
with SQLite FTS5 over the same documents and queries, as ratios. With ``--http`` it also serves
the archive (waitress) and Datasette (FTS5 over the same corpus) and measures ``/search`` end
to end under a Python load loop. Datasette is not a project dependency: ``--http`` installs it
into a throwaway virtualenv (``bench/.venv-datasette``) the first time.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fts5 import fts5_match  # noqa: E402
from search_corpus import Doc, make_corpus, make_queries, make_questions  # noqa: E402
from search_http import http_rows  # noqa: E402

from archive.build import run_build  # noqa: E402
from archive.core import Archive  # noqa: E402
from archive.ledger import ledger_dir  # noqa: E402
from archive.search import SearchRequest  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


REQUEST_KEYS = ("q", "org", "kind", "date_from", "date_to")


def request_of(q: dict) -> SearchRequest:
    return SearchRequest(**{key: q[key] for key in REQUEST_KEYS if key in q})


def bench_archive(
    root: Path, database_url: str | None, queries, docs: list[Doc], reindex: bool = True
) -> dict:
    archive = Archive.open(root, **({"database_url": database_url} if database_url else {}))
    started = time.perf_counter()
    archive.build()
    build_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), cpu_seconds()
    if reindex:
        archive.search.rebuild()
    index_seconds = time.perf_counter() - started if reindex else float("nan")
    index_cpu = cpu_seconds() - cpu if reindex else float("nan")
    size = directory_size(root / "index") if archive.search.name == "whoosh" else _pg_size(archive)
    archive.search.search(SearchRequest(q="warm"))  # open the searcher, as a server has
    timings, totals, tops = [], [], []
    for q in queries:
        request = request_of(q)
        started = time.perf_counter()
        results = archive.search.search(request)
        timings.append(time.perf_counter() - started)
        totals.append(results.total)
        tops.append([(h.document_id, round(h.score, 9)) for h in results.hits[:10]])
    update = _update_seconds(archive, root, docs[len(docs) // 2])
    archive.close()
    return {
        "name": f"archive ({archive.search.name})",
        "index_docs_s": len(docs) / index_seconds,
        "index_docs_cpu_s": len(docs) / index_cpu,
        "totals": totals,
        "tops": tops,
        "build_docs_s": len(docs) / build_seconds,
        "size_mb": size / 2**20,
        "latency": percentiles(timings),
        "timings": timings,
        "update_s": update,
        "matches": statistics.mean(totals),
    }


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (a rebuild's writer processes):
    on a shared machine it moves much less with the load than wall time."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _pg_size(archive) -> int:
    from sqlalchemy import text

    with archive.engine.connect() as connection:
        return connection.scalar(text("SELECT pg_total_relation_size('search.entries')"))


def _update_seconds(archive: Archive, root: Path, doc: Doc) -> tuple[float, float]:
    """Edit one document; time until a search finds its new word (whole build, index part)."""
    path = root / "documents" / f"{doc.id}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nQuetzalcoatlus appears.\n", "utf-8")
    started = time.perf_counter()
    report = archive.build()
    found = archive.search.search(SearchRequest(q="quetzalcoatlus")).total
    assert found == 1, found
    whole = time.perf_counter() - started
    path.write_text(path.read_text(encoding="utf-8") + "\nArchaeopteryx too.\n", "utf-8")
    tree, ledgers = archive.read_source(), archive.read_ledger()
    with archive.transaction() as session:  # the database part of a build, untimed
        report = run_build(session, tree, ledgers, ledger_dir(archive.config.documents_dir))
    started = time.perf_counter()
    archive.search.after_build(report)
    found = archive.search.search(SearchRequest(q="archaeopteryx")).total
    assert found == 1, found
    return whole, time.perf_counter() - started


def fts5_database(path: Path, docs: list[Doc]) -> float:
    """Create the FTS5 corpus (also what Datasette serves); return documents/s."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, body TEXT, org TEXT,"
        " kind TEXT, earliest TEXT, latest TEXT);"
        "CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, content='documents',"
        " tokenize='porter unicode61 remove_diacritics 2');"
    )
    started = time.perf_counter()
    for doc in docs:
        row = (doc.id, doc.title, doc.body, doc.org, doc.kind, doc.earliest, doc.latest)
        cursor = db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        db.execute(
            "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
            (cursor.lastrowid, doc.title, doc.body),
        )
    db.commit()
    seconds = time.perf_counter() - started
    db.close()
    return len(docs) / seconds


def bench_fts5(path: Path, queries, docs: list[Doc], joiner: str = " ") -> dict:
    docs_s = fts5_database(path, docs) if not path.exists() else float("nan")
    db = sqlite3.connect(path)
    timings, totals = [], []
    for q in queries:
        where, params = ["documents_fts MATCH ?"], [fts5_match(q, joiner)]
        if q.get("org"):
            where.append("d.org = ?")
            params.append(q["org"])
        if q.get("date_from"):
            where.append("d.latest >= ?")
            params.append(q["date_from"].isoformat())
        if q.get("date_to"):
            where.append("d.earliest <= ?")
            params.append(q["date_to"].isoformat())
        sql = (
            "SELECT d.id, d.title, snippet(documents_fts, 1, '<mark>', '</mark>', '…', 30)"
            " FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid"
            f" WHERE {' AND '.join(where)}"
        )
        started = time.perf_counter()
        db.execute(sql + " ORDER BY bm25(documents_fts, 2.5, 1.0) LIMIT 10", params).fetchall()
        count = db.execute(f"SELECT count(*) FROM ({sql})", params)
        totals.append(count.fetchone()[0])
        timings.append(time.perf_counter() - started)
    db.close()
    return {
        "name": "SQLite FTS5",
        "index_docs_s": docs_s,
        "build_docs_s": docs_s,
        "size_mb": path.stat().st_size / 2**20,
        "latency": percentiles(timings),
        "timings": timings,
        "update_s": (float("nan"), float("nan")),
        "matches": statistics.mean(totals),
    }


def print_table(rows: list[dict], baseline: dict) -> None:
    print(f"\n{'':22} {'index docs/s':>13} {'size MiB':>9} {'p50 ms':>8} {'p95 ms':>8}"
          f" {'update s (index)':>17} {'mean total':>11}")  # fmt: skip
    for row in rows:
        p50, p95 = row["latency"]
        print(f"{row['name']:22} {row['index_docs_s']:13.0f} {row['size_mb']:9.1f} {p50:8.1f}"
              f" {p95:8.1f} {row['update_s'][0]:8.2f} ({row['update_s'][1]:5.2f})"
              f" {row['matches']:11.1f}")  # fmt: skip
    base50, base95 = baseline["latency"]
    for row in rows:
        if row is baseline:
            continue
        p50, p95 = row["latency"]
        speed = row["index_docs_s"] / baseline["index_docs_s"]
        print(f"{row['name']} / FTS5: indexing ×{speed:.2f}, p50 ×{p50 / base50:.1f},"
              f" p95 ×{p95 / base95:.1f}"
              f"  (full build incl. database: {row['build_docs_s']:.0f} docs/s)")  # fmt: skip


def print_groups(queries: list[dict], rows: list[dict]) -> None:
    """p50/p95 per kind of query, each engine side by side."""
    groups = sorted({q["group"] for q in queries})
    print(f"\n{'group':16} {'n':>4}" + "".join(f" {r['name'][:22]:>24}" for r in rows))
    for group in [*groups, "all"]:
        picked = [i for i, q in enumerate(queries) if group in ("all", q["group"])]
        cells = []
        for row in rows:
            p50, p95 = percentiles([row["timings"][i] for i in picked])
            cells.append(f" {p50:10.1f} / {p95:8.1f} ms")
        print(f"{group:16} {len(picked):4}" + "".join(cells))


def corpus(workdir: Path, args) -> tuple[list[Doc], list[dict]]:
    """Write the synthetic corpus into ``workdir/root`` and make the queries (kept beside)."""
    rng = random.Random(args.seed)
    docs = make_corpus(workdir / "root", args.docs, args.words, rng)
    queries = make_queries(docs, args.queries, rng)
    queries += make_questions(docs, args.questions, rng)
    (workdir / "corpus.pickle").write_bytes(pickle.dumps((docs, queries)))
    return docs, queries


def load_corpus(workdir: Path) -> tuple[list[Doc], list[dict]]:
    return pickle.loads((workdir / "corpus.pickle").read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--questions", type=int, default=100, help="ten-word questions")
    parser.add_argument("--seed", type=int, default=20200301)
    parser.add_argument("--database-url", default=None, help="e.g. PostgreSQL (its backend)")
    parser.add_argument("--http", action="store_true", help="also /search vs Datasette")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--workdir", type=Path, help="keep the corpus here; reuse it if there")
    parser.add_argument("--reindex", action="store_true", help="with --workdir: time indexing")
    parser.add_argument("--results", type=Path, help="write each query's total and top 10 here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        root = workdir / "root"
        started = time.perf_counter()
        reuse = (workdir / "corpus.pickle").exists()
        docs, queries = corpus(workdir, args) if not reuse else load_corpus(workdir)
        took = time.perf_counter() - started
        print(f"{len(docs)} documents of ~{args.words} words, {len(queries)} queries "
              f"(corpus {'read' if reuse else 'written'} in {took:.0f} s, {workdir})")  # fmt: skip
        reindex = not reuse or args.reindex
        ours = bench_archive(root, args.database_url, queries, docs, reindex)
        print(f"indexing: {ours['index_docs_s']:.0f} docs/s, {ours['index_docs_cpu_s']:.0f} docs"
              " per CPU-second (this process and its writer processes)")  # fmt: skip
        if args.results:  # compare two runs' answers: the same totals, the same top 10
            rows = zip(queries, ours["totals"], ours["tops"], strict=True)
            answers = [{"q": q, "total": n, "top": top} for q, n, top in rows]
            args.results.write_text(json.dumps(answers, default=str, indent=0))
        fts5 = bench_fts5(workdir / "fts5.db", queries, docs)
        fts5_or = bench_fts5(workdir / "fts5.db", queries, docs, joiner=" OR ")
        fts5_or["name"] = "SQLite FTS5, words OR-ed"
        print_table([ours, fts5], fts5)
        print_groups(queries, [ours, fts5, fts5_or])
        mix = [i for i, q in enumerate(queries) if q["group"] != "question"]
        p50, p95 = percentiles([ours["timings"][i] for i in mix])
        print(f"\nthe mix without questions ({len(mix)} queries):"
              f" p50 {p50:.1f} ms, p95 {p95:.1f} ms")  # fmt: skip
        if args.http:
            http_rows(root, workdir / "fts5.db", queries, args.database_url)
    finally:
        if args.keep or args.workdir:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
