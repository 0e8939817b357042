"""Hearing-length transcripts: pages, quotes, re-anchoring and snippets beside a short statement.

Run by hand, never in CI:

    python bench/transcripts.py --transcripts 500 [--workdir DIR] [--samples 60]

Writes ``--transcripts`` synthetic transcripts (bench/transcript_corpus.py: 50,000–70,000
invented words each, speaker turns, no real names) beside a copy of the shipped corpus, builds
them (SQLite + Whoosh), then prints p50/p95 (in process, Flask's test client, no HTTP) of:
a transcript part's page the first time this process shows that version (rendered, then kept)
and once kept; a quote page deep in a transcript (three quarters of the way in); re-anchoring a
changed quote there (``standing_in`` against an edited text); one document's snippets the first
time (its word index built) and once kept; the same for the shipped short statements; and
whole search results over both.
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
from archive.search.querylang import parse_query  # noqa: E402
from archive.search.snippets import SnippetMaker  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
QUERIES = ["quandle", "review panel", '"board meeting"', "zorpl*", "evidence"]


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


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


def one_document(client, version: Version, rows: dict, seen: set) -> None:
    """Time each thing once for one version."""
    parts = max(1, -(-len(version.paragraphs) // 200))
    path = f"/documents/{version.document_id}?part={random.randint(1, parts)}"
    key = "page (kept)" if version.sha256 in seen else "page (first view)"
    rows[key].append(timed(client.get, path))
    start, end = deep_span(version)
    rows["quote page"].append(
        timed(client.get, f"/documents/{version.document_id}/v{version.number}/q/{start}-{end}")
    )
    selector = quote_selector(version.canonical_text, start, end)
    changed = edited(version, start)
    rows["re-anchoring (changed)"].append(timed(standing_in, selector, start, changed))
    maker = SnippetMaker(parse_query(random.choice(QUERIES)).positive_words())
    text, paragraphs = version.canonical_text, version.paragraphs
    key = "snippets (kept)" if version.sha256 in seen else "snippets (first)"
    rows[key].append(timed(maker.make, text, paragraphs))
    rows["snippets (kept)"].append(timed(maker.make, text, paragraphs))
    seen.add(version.sha256)


def measure(archive: Archive, versions: list[Version], label: str) -> None:
    from webapp import create_app

    client = create_app({"TESTING": True}, archive=archive).test_client()
    names = ["page (first view)", "page (kept)", "quote page", "re-anchoring (changed)"]
    rows: dict[str, list] = {name: [] for name in [*names, "snippets (first)", "snippets (kept)"]}
    seen: set = set()
    client.get("/")  # the app's own first request is not a document's
    for version in versions:
        one_document(client, version, rows, seen)
    for version in versions[:10]:  # kept: the same documents again
        rows["page (kept)"].append(timed(client.get, f"/documents/{version.document_id}"))
    print(f"\n{label}")
    for name, samples in rows.items():
        if samples:
            p50, p95 = percentiles(samples)
            print(f"  {name:26} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   (n={len(samples)})")


def search_timings(archive: Archive, count: int) -> None:
    from webapp import create_app

    client = create_app({"TESTING": True}, archive=archive).test_client()
    for query in QUERIES:  # warm
        client.get("/search", query_string={"q": query})
    samples = [
        timed(client.get, "/search?q=" + random.choice(QUERIES).replace(" ", "+"))
        for _ in range(count)
    ]
    p50, p95 = percentiles(samples)
    print(f"  /search (10 results with snippets) p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transcripts", type=int, default=500)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and archive here")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-transcripts-"))
    random.seed(args.seed)
    prepare(root, args.transcripts, args.seed)
    archive = Archive.open(root)
    seconds = timed(archive.build)
    print(f"{args.transcripts} transcripts in {root}: build {seconds:.1f} s")
    rng = random.Random(args.seed)
    long = sample_docs(archive, "transcript", args.samples, rng)
    words = sum(len(v.canonical_text.split()) for v in long) / len(long)
    measure(archive, long, f"Transcripts (mean {words:,.0f} words, sampled {len(long)})")
    measure(archive, sample_docs(archive, "statement", args.samples, rng), "Short statements")
    print("\nSearch over the whole archive (transcripts and statements)")
    search_timings(archive, args.samples)
    archive.close()


if __name__ == "__main__":
    main()
