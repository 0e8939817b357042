"""Relevance benchmark: how well the archive ranks answers to questions, beside SQLite FTS5.

Run by hand, never in CI:

    python bench/relevance.py [--topics 60] [--background 1000] [--database-url …]

Two judged collections, each searched through ``archive.search`` and through SQLite FTS5
(bm25, porter stemmer, the same titles and texts) with the same questions:

- *shipped*: the shipped corpus and the questions of ``tests/fixtures/search_questions.json``;
- *synthetic*: a collection whose relevant documents are known by construction
  (``search_corpus.make_judged``: topics, graded documents, confusers, questions in their own
  words with question and function words).

Each question is asked as typed, and with its words joined by ``OR``. Printed per collection
and engine: nDCG@10 (graded gains, log2 discount), P@10, recall@10 and @100 (grade ≥ 1), and
how many questions found nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_corpus import make_judged  # noqa: E402

from archive.core import Archive  # noqa: E402
from archive.search import SearchRequest  # noqa: E402
from archive.search.records import iter_records  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
QUESTIONS = PROJECT / "tests" / "fixtures" / "search_questions.json"
DEPTH = 100
WORD = re.compile(r"\w+")


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    gain = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def measures(runs: list[list[str]], questions: list[dict]) -> dict[str, float]:
    n = len(questions)
    total = {"nDCG@10": 0.0, "P@10": 0.0, "R@10": 0.0, "R@100": 0.0, "none": 0}
    for ranked, question in zip(runs, questions, strict=True):
        relevant = question["relevant"]
        hits = [d for d in ranked if relevant.get(d, 0) > 0]
        total["nDCG@10"] += ndcg(ranked, relevant) / n
        total["P@10"] += len([d for d in ranked[:10] if relevant.get(d, 0) > 0]) / 10 / n
        total["R@10"] += len(set(hits) & set(ranked[:10])) / len(relevant) / n
        total["R@100"] += len(hits) / len(relevant) / n
        total["none"] += not ranked
    return total


def as_or(question: str) -> str:
    return " OR ".join(WORD.findall(question))


def archive_runs(archive: Archive, questions: list[dict], joined: bool) -> list[list[str]]:
    runs = []
    for question in questions:
        q = as_or(question["q"]) if joined else question["q"]
        ranked: list[str] = []
        for page in (1, 2):
            request = SearchRequest(q=q, page=page, per_page=50, snippets=False)
            results = archive.search.search(request)
            ranked += [h.document_id for h in results.hits]
            if results.total <= 50:
                break
        runs.append(ranked[:DEPTH])
    return runs


def fts5_runs(archive: Archive, questions: list[dict], joiner: str) -> list[list[str]]:
    """FTS5 over the titles and texts the archive indexed, bm25 with the title weighted 2.5."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    with archive.session() as session:
        rows = [(r.id, r.title, r.body) for r in iter_records(session)]
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    runs = []
    for question in questions:
        match = joiner.join(f'"{w}"' for w in WORD.findall(question["q"]))
        found = db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 2.5, 1.0) LIMIT ?",
            (match, DEPTH),
        )
        runs.append([d for (d,) in found])
    return runs


def evaluate(name: str, archive: Archive, questions: list[dict]) -> list[tuple[str, dict]]:
    rows = [
        ("the archive, as typed", archive_runs(archive, questions, joined=False)),
        ("SQLite FTS5, words AND-ed", fts5_runs(archive, questions, " ")),
        ("the archive, words OR-ed", archive_runs(archive, questions, joined=True)),
        ("SQLite FTS5, words OR-ed", fts5_runs(archive, questions, " OR ")),
    ]
    print(f"\n{name}: {len(questions)} questions")
    print(
        f"{'engine, query form':30} {'nDCG@10':>8} {'P@10':>6} {'R@10':>6} {'R@100':>6} {'none':>5}"
    )
    results = []
    for label, runs in rows:
        m = measures(runs, questions)
        results.append((label, m))
        print(f"{label:30} {m['nDCG@10']:8.3f} {m['P@10']:6.3f} {m['R@10']:6.3f}"
              f" {m['R@100']:6.3f} {m['none']:5d}")  # fmt: skip
    return results


def open_archive(root: Path, database_url: str | None) -> Archive:
    archive = Archive.open(root, **({"database_url": database_url} if database_url else {}))
    archive.build()
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topics", type=int, default=60)
    parser.add_argument("--background", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20200420)
    parser.add_argument("--database-url", default=None, help="e.g. PostgreSQL (its backend)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-relevance-"))
    try:
        shipped = workdir / "shipped"
        shutil.copytree(PROJECT / "documents", shipped / "documents")
        archive = open_archive(shipped, args.database_url)
        questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))["questions"]
        evaluate("shipped corpus", archive, questions)
        archive.close()
        synthetic = workdir / "synthetic"
        docs, questions = make_judged(synthetic, args.topics, args.background,
                                      random.Random(args.seed))  # fmt: skip
        archive = open_archive(synthetic, args.database_url)
        evaluate(f"synthetic collection ({len(docs)} documents)", archive, questions)
        archive.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
