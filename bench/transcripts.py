"""Hearing-length transcripts: pages, quotes, re-anchoring and snippets beside a short statement.

Run by hand, never in CI:

    python bench/transcripts.py --transcripts 500 [--workdir DIR] [--samples 60]

Writes ``--transcripts`` synthetic transcripts (bench/transcript_corpus.py: 50,000–70,000
invented words each, speaker turns, no real names) beside a copy of the shipped corpus, builds
them (SQLite + Whoosh; PostgreSQL when ``ARCHIVE_DATABASE_URL`` names one), then prints p50/p95
wall time and, beside it, this process's CPU time (in process, Flask's test client, no HTTP) of:
a transcript part's page the first time this process shows that version (read from the
rendering the build stored, or rendered when there is none) and once kept; a quote page deep in
a transcript (three quarters of the way in); rendering the page when nothing is stored (what a
first view cost before); re-anchoring a changed quote there
(``standing_in`` against an edited text); one document's snippets the first time (its stored
word index read, or made) and once kept; the same for the shipped short statements; whole
search results over both; and, on PostgreSQL, ``ts_headline`` over a whole transcript.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search import percentiles  # noqa: E402
from transcript_corpus import transcript_document  # noqa: E402

from archive.anchoring import quote_selector  # noqa: E402
from archive.core import Archive  # noqa: E402
from archive.models import Version  # noqa: E402
from archive.queries import get_document, list_documents  # noqa: E402
from archive.quotes import standing_in  # noqa: E402
from archive.renderings import stored_word_indexes, version_page  # noqa: E402
from archive.search import snippet_index  # noqa: E402
from archive.search.querylang import parse_query  # noqa: E402
from archive.search.snippets import SnippetMaker  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
QUERIES = ["quandle", "review panel", '"board meeting"', "zorpl*", "evidence"]


CPU: dict[str, list[float]] = {}  # CPU seconds of each sample, by row name


def timed(function, *args, row: str | None = None) -> float:
    """Wall seconds of one call; its CPU seconds go to ``CPU[row]``."""
    started, cpu = time.perf_counter(), time.process_time()
    function(*args)
    if row:
        CPU.setdefault(row, []).append(time.process_time() - cpu)
    return time.perf_counter() - started


def report(label: str, rows: dict[str, list]) -> dict[str, tuple]:
    """Print each row; return them: (wall p50, wall p95, CPU p50, CPU p95 in ms, n)."""
    print(f"\n{label}")
    figures = {}
    for name, samples in rows.items():
        if samples:
            p50, p95 = percentiles(samples)
            c50, c95 = percentiles(CPU.pop(f"{label}/{name}", samples))
            figures[name] = (p50, p95, c50, c95, len(samples))
            print(
                f"  {name:26} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms"
                f"   (CPU p50 {c50:6.1f} p95 {c95:6.1f})   (n={len(samples)})"
            )
    return figures


def prepare(root: Path, count: int, seed: int) -> None:
    if not (root / "documents").is_dir():
        shutil.copytree(PROJECT / "documents", root / "documents")
    rng = random.Random(seed)
    for day in range(1, count + 1):
        path = root / "documents" / f"tx-day-{day:04d}.md"
        words = rng.randint(50_000, 70_000)
        if not path.exists():
            path.write_text(transcript_document(path.stem, day, words, seed=day), "utf-8")


def sample_docs(archive: Archive, kind: str, count: int, rng: random.Random) -> list[Version]:
    with archive.session() as session:
        ids = [
            d.id
            for d in list_documents(session)
            if d.kind == kind and (kind != "transcript" or d.id.startswith("tx-day-"))
        ]
        return [get_document(session, rng.choice(ids)).version for _ in range(count)]


def deep_span(version: Version) -> tuple[int, int]:
    start, end = version.paragraphs[len(version.paragraphs) * 3 // 4]
    return start, min(end, start + 80)


def edited(version: Version, start: int) -> Version:
    """The version's text with a line added at the top and two letters of the quote changed."""
    text = version.canonical_text
    new = "A new line. " + text[: start + 10] + "XY" + text[start + 12 :]
    return Version(number=version.number + 1, canonical_text=new, paragraphs=[])


def one_document(client, version: Version, rows: dict, seen: set, label: str, stored) -> None:
    """Time each thing once for one version."""

    def add(name: str, function, *args) -> None:
        rows[name].append(timed(function, *args, row=f"{label}/{name}"))

    parts = max(1, -(-len(version.paragraphs) // 200))
    path = f"/documents/{version.document_id}?part={random.randint(1, parts)}"
    add("page (kept)" if version.sha256 in seen else "page (first view)", client.get, path)
    start, end = deep_span(version)
    add(
        "quote page",
        client.get,
        f"/documents/{version.document_id}/v{version.number}/q/{start}-{end}",
    )
    selector = quote_selector(version.canonical_text, start, end)
    add("re-anchoring (changed)", standing_in, selector, start, edited(version, start))
    maker = SnippetMaker(parse_query(random.choice(QUERIES)).positive_words())
    text, paragraphs = version.canonical_text, version.paragraphs

    def first_snippets() -> None:  # as a search does: read the stored index, then make them
        maker.make(text, paragraphs, stored=stored([version]).get(version.sha256))

    if version.sha256 in seen:
        add("snippets (kept)", maker.make, text, paragraphs)
    else:
        add("snippets (first)", first_snippets)
    add("snippets (kept)", maker.make, text, paragraphs)
    seen.add(version.sha256)


def measure(archive: Archive, versions: list[Version], label: str) -> dict[str, tuple]:
    from webapp import create_app

    client = create_app({"TESTING": True}, archive=archive).test_client()
    names = ["page (first view)", "page (kept)", "quote page", "re-anchoring (changed)"]
    rows: dict[str, list] = {name: [] for name in [*names, "snippets (first)", "snippets (kept)"]}
    seen: set = set()
    client.get("/")  # the app's own first request is not a document's

    def stored(versions: list[Version]) -> dict:
        with archive.session() as session:
            return stored_word_indexes(session, versions)

    for version in versions:
        one_document(client, version, rows, seen, label, stored)
    for version in versions[:10]:  # kept: the same documents again
        path = f"/documents/{version.document_id}"
        rows["page (kept)"].append(timed(client.get, path, row=f"{label}/page (kept)"))
    name = "render, nothing stored"  # what a first view cost before renderings were stored
    rows[name] = [timed(version_page, v, row=f"{label}/{name}") for v in versions[:8]]
    return report(label, rows)


def headline_timings(archive: Archive, versions: list[Version]) -> tuple[float, float]:
    """PostgreSQL's ts_headline over a whole transcript (what its search snippets cost)."""
    from sqlalchemy import text

    from archive.search.postgres import HEADLINE_OPTIONS, RANKED

    query = text(
        f"SELECT ts_headline('{RANKED}', v.canonical_text, plainto_tsquery('{RANKED}', :q),"
        f" '{HEADLINE_OPTIONS}') FROM versions v WHERE v.document_id = :id AND v.number = :n"
    )
    samples = []
    with archive.session() as session:
        for version in versions:
            params = {"q": "quandle evidence", "id": version.document_id, "n": version.number}
            samples.append(timed(session.execute, query, params))
    p50, p95 = percentiles(samples)
    print(f"  ts_headline over one whole transcript p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    return p50, p95


def search_timings(archive: Archive, count: int) -> dict[str, tuple]:
    from webapp import create_app

    client = create_app({"TESTING": True}, archive=archive).test_client()
    for query in QUERIES:  # warm
        client.get("/search", query_string={"q": query})
    figures = {}
    for name, forget in [("hits seen before", False), ("hits not yet seen", True)]:
        samples = []
        for _ in range(count):
            if forget:  # as a fresh process: no transcript's word index kept
                snippet_index._cache.clear()
            path = "/search?q=" + random.choice(QUERIES).replace(" ", "+")
            samples.append(timed(client.get, path, row=name))
        p50, p95 = percentiles(samples)
        c50, c95 = percentiles(CPU.pop(name))
        figures[name] = (p50, p95, c50, c95, len(samples))
        print(
            f"  /search, 10 results with snippets, {name:17} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms"
            f"   (CPU p50 {c50:6.1f} p95 {c95:6.1f})"
        )
    return figures


def run(root: Path, count: int, samples: int, seed: int, **overrides) -> dict[str, dict]:
    """Write (or reuse) ``count`` transcripts in ``root``, build, measure and print; return the
    figures by part. ``overrides`` go to ``Archive.open`` (``database_url``, ``search_backend``;
    otherwise the environment's)."""
    random.seed(seed)
    prepare(root, count, seed)
    archive = Archive.open(root, **overrides)
    try:
        seconds = timed(archive.build, row="build")
        cpu = CPU.pop("build")[0]
        print(f"{count} transcripts in {root}: build {seconds:.1f} s (CPU {cpu:.1f} s)")
        figures: dict[str, dict] = {"build": {"wall s": seconds, "CPU s": cpu}}
        rng = random.Random(seed)
        long = sample_docs(archive, "transcript", samples, rng)
        words = sum(len(v.canonical_text.split()) for v in long) / len(long)
        label = f"Transcripts (mean {words:,.0f} words, sampled {len(long)})"
        figures["transcripts"] = measure(archive, long, label)
        short = sample_docs(archive, "statement", samples, rng)
        figures["statements"] = measure(archive, short, "Short statements")
        print("\nSearch over the whole archive (transcripts and statements)")
        figures["search"] = search_timings(archive, samples)
        if archive.config.database_url.startswith("postgresql"):
            p50, p95 = headline_timings(archive, long)
            figures["ts_headline"] = {"p50": p50, "p95": p95}
    finally:
        archive.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transcripts", type=int, default=500)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and archive here")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-transcripts-"))
    run(root, args.transcripts, args.samples, args.seed)


if __name__ == "__main__":
    main()
