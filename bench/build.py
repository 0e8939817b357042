"""How long ``archive build`` takes: the shipped corpus and N synthetic documents, cold and warm.

Run by hand (not in CI):  python bench/build.py [--docs 2000] [--database-url URL]

Synthetic documents are written to a temporary directory, never into documents/. Prints a table
of wall-clock seconds, this process's CPU seconds (the machine may be shared: wall time moves
with its load, printed beside) and documents per second for: a cold build (empty database and
index), a build with nothing changed, and a build after editing 1% of the files.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from archive.core import Archive

PROJECT = Path(__file__).resolve().parent.parent
WORDS = [
    "inquiry",
    "statement",
    "council",
    "police",
    "children",
    "exploitation",
    "network",
    "hearing",
    "evidence",
    "report",
    "review",
    "safeguarding",
    "victims",
    "survivors",
    "response",
    "agency",
    "public",
    "institution",
    "failure",
    "lesson",
    "county",
    "national",
    "figures",
    "recorded",
    "offence",
    "grooming",
    "online",
    "protect",
    "priority",
    "partner",
    "team",
    "investigation",
    "panel",
    "chair",
    "witness",
    "record",
    "annual",
    "data",
    "authority",
    "concern",
    "service",
    "support",
]


def synthetic_corpus(directory: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` valid documents of ~400 words and an organisations file."""
    rng = random.Random(seed)
    (directory / "organisations.yaml").write_text(
        "- key: org-a\n  name: Organisation A\n- key: org-b\n  name: Organisation B\n",
        encoding="utf-8",
    )
    for n in range(count):
        paragraphs = [" ".join(rng.choices(WORDS, k=80)).capitalize() + "." for _ in range(5)]
        day = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        (directory / f"synthetic-{n:06d}.md").write_text(
            f"---\nid: synthetic-{n:06d}\ntitle: Synthetic statement {n}\nkind: statement\n"
            f'organisations: [{rng.choice(["org-a", "org-b"])}]\ndate: "{day}"\n'
            "source:\n  title: Synthetic source\n  publisher: Benchmark\n---\n"
            + "\n\n".join(paragraphs)
            + "\n",
            encoding="utf-8",
        )


def timed_build(archive: Archive) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds of this process, the load average before, and the summary."""
    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    report = archive.build()
    return time.perf_counter() - start, time.process_time() - cpu, load, report.summary()


def edit_some(directory: Path, fraction: float) -> int:
    files = sorted(directory.glob("*.md"))
    chosen = files[:: max(1, int(1 / fraction))]
    for path in chosen:
        path.write_text(path.read_text(encoding="utf-8") + "\nAn added paragraph.\n", "utf-8")
    return len(chosen)


def measure(label: str, documents: Path, count: int, database_url: str | None) -> list[tuple]:
    root = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    shutil.copytree(documents, root / "documents")
    overrides = {"database_url": database_url} if database_url else {}
    archive = Archive.open(root, **overrides)
    rows = []
    try:
        rows.append((label, "cold", count, *timed_build(archive)))
        rows.append((label, "nothing changed", count, *timed_build(archive)))
        edited = edit_some(root / "documents", 0.01)
        rows.append((label, f"{edited} edited", count, *timed_build(archive)))
    finally:
        archive.close()
        shutil.rmtree(root, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp root")
    args = parser.parse_args()
    rows = measure(
        "shipped",
        PROJECT / "documents",
        len(list((PROJECT / "documents").glob("*.md"))),
        args.database_url,
    )
    with tempfile.TemporaryDirectory() as tmp:
        synthetic_corpus(Path(tmp), args.docs)
        rows += measure("synthetic", Path(tmp), args.docs, args.database_url)
    print(
        f"{'corpus':<10} {'build':<16} {'docs':>6} {'seconds':>9} {'cpu s':>7} {'load':>5}"
        f" {'docs/s':>7}  report"
    )
    for label, kind, count, seconds, cpu, load, summary in rows:
        print(
            f"{label:<10} {kind:<16} {count:>6} {seconds:>9.2f} {cpu:>7.2f} {load:>5.1f}"
            f" {count / seconds:>7.0f}  {summary}"
        )


if __name__ == "__main__":
    main()
