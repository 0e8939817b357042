"""Scale benchmark: every figure issue 13 asks for, builds, search, pages, memory, transcripts.

Run by hand, never in CI (each run prints a header: date, machine, Python, PostgreSQL, commit;
outside a git checkout, e.g. a ``git archive`` export, ``BENCH_COMMIT`` names the commit):

    python bench/scale.py --docs 20000 --backend whoosh [--workdir DIR]
    python bench/scale.py --docs 100000 --backend postgres \\
        --database-url 'postgresql+psycopg://root@/NAME?host=/var/run/postgresql' [--workdir DIR]
    python bench/scale.py --docs 0 --transcripts 500 [--backend postgres --database-url URL]

The corpus and the query mix are bench/search.py's (``search_corpus``: Zipf-distributed words,
EDTF dates of every precision; words, phrases, common-word phrases, filtered queries and
ten-word questions); ``--workdir`` keeps them, and the archive built from them (``DIR/root``),
for the next run. With ``--docs N`` it prints, each part with the load average before and after:

- builds, in this process (wall; CPU of this process and its finished children): cold (only
  when the archive is new; a reused workdir shows the cold figure its first run saved, with that
  run's date and commit), nothing changed twice, one edit until a search finds the new word (a
  full build, and ``Archive.build_paths``); and as commands a user runs (a new ``archive build``
  process: its wall time and its own CPU): nothing changed, and one edit with ``archive build
  PATH`` (or a full ``archive build``) until a search in this process (a running server's view)
  or in a new ``archive search`` process finds the word, wall from the command's start. With
  ``--backend whoosh``, when the archive is new (or ``--reindex``): a full index rebuild's
  documents per second, wall and per CPU-second (this process and its writer processes);
- search: the query mix once (top 10 with snippets, in process), wall and CPU p50/p95 by kind
  of query (bench/search_mix.py; CPU includes the PostgreSQL backend's);
- pages: bench/pages.py's kinds (a document, random deep pages of ``/documents``,
  ``/timeline`` and of an organisation, filtered lists, the front page), Flask's test client in
  process, wall and CPU p50/p95;
- memory: the resident memory of each ``archive serve`` worker (gunicorn, ``--workers``) after
  serving every kind of page and some searches.

``--transcripts N`` (alone with ``--docs 0``, or after the rest) runs bench/transcripts.py's
measures over N hearing-length transcripts in ``DIR/transcripts`` (its own archive: on
PostgreSQL give it a database of its own with ``--transcripts-database-url`` when ``--docs`` is
not 0). At the end: one Markdown table of the figures, with issue 13's targets and whether this
run met them, and how long each part took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(1, str(PROJECT))

from procs import children, children_cpu, rss_mib  # noqa: E402
from search import corpus, cpu_seconds, load_corpus  # noqa: E402
from search_http import _free_port, failures, wait_for  # noqa: E402

from archive.core import Archive  # noqa: E402

TARGETS = {  # issue 13: figure -> (target, test on the measured value, where the target applies)
    "search": ("p95 ≤ 100 ms", lambda v: v <= 100, "100,000 on PostgreSQL"),
    "document page": ("p95 ≤ 50 ms", lambda v: v <= 50, "100,000 on PostgreSQL"),
    "memory": ("≤ 300 MB", lambda v: v * 2**20 <= 300e6, "any"),
    "unchanged": ("≤ 5 s", lambda v: v <= 5, "100,000"),
    "one edit": ("≤ 1 s", lambda v: v <= 1, "100,000"),
    "indexing": ("≥ 1,000 docs/s", lambda v: v >= 1000, "20,000 on Whoosh"),
    "transcript page": ("≤ 300 ms", lambda v: v <= 300, "500 transcripts"),
}


class Figures:
    """The rows of the final table, and how long each part took."""

    def __init__(self, args) -> None:
        self.args = args
        self.rows: list[tuple[str, str, str, str]] = []
        self.parts: list[tuple[str, float, float, float, float]] = []

    def add(self, name: str, value: str, target: str | None = None, measured=None) -> None:
        if target is None:
            self.rows.append((name, value, "", ""))
            return
        wanted, test, where = TARGETS[target]
        status = "met" if test(measured) else "**not met**"
        if not self._at_target_size(target):
            status += f" at this size (the target is for {where})"
        self.rows.append((name, value, wanted, status))

    def _at_target_size(self, target: str) -> bool:
        docs, backend = self.args.docs, self.args.backend
        return {
            "search": docs >= 100_000 and backend == "postgres",
            "document page": docs >= 100_000 and backend == "postgres",
            "unchanged": docs >= 100_000,
            "one edit": docs >= 100_000,
            "indexing": docs >= 20_000 and backend == "whoosh",
            "transcript page": self.args.transcripts >= 500,
        }.get(target, True)

    def table(self) -> None:
        print("\n## Issue 13's figures (Markdown, to paste)\n")
        what = [f"{self.args.docs:,} documents"] if self.args.docs else []
        if self.args.transcripts:
            what.append(f"{self.args.transcripts} transcripts")
        print(f"{' and '.join(what)}, backend {self.args.backend}; {HEADER}\n")
        print("| figure | measured | target | status |")
        print("|---|---|---|---|")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")
        print(f"\n{'part':12} {'wall s':>8} {'CPU s':>8}  load before -> after")
        for name, wall, cpu, before, after in self.parts:
            print(f"{name:12} {wall:8.1f} {cpu:8.1f}  {before:.2f} -> {after:.2f}")


HEADER = ""


def header(args) -> str:
    """Date, machine, Python, PostgreSQL, commit and load: printed first, and under the table."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in info.splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    memory = "?"
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f"{kib / 2**20:.1f} GiB"
    git = ["git", "-C", str(PROJECT)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip() or os.environ.get("BENCH_COMMIT", "unknown (not a git checkout)")
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "archive", "webapp", "bench"],
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    dirty = [line for line in dirty if line.strip()]
    if dirty:
        commit += f" + uncommitted changes in {len(dirty)} file(s) of archive/ webapp/ bench/"
    urls = {u for u in (args.database_url, args.transcripts_database_url) if u}
    postgres = "not used"
    if any(u.startswith("postgresql") for u in urls):
        from sqlalchemy import create_engine, text

        url = next(u for u in urls if u.startswith("postgresql"))
        engine = create_engine(url)
        with engine.connect() as connection:
            postgres = connection.scalar(text("SHOW server_version"))
            postgres += f", shared_buffers {connection.scalar(text('SHOW shared_buffers'))}"
        engine.dispose()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {os.cpu_count()} cores ({model}), {memory} RAM; Python "
        f"{platform.python_version()}; PostgreSQL {postgres}; commit {commit}; "
        f"load average {'/'.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"yardstick {yardstick():.2f} s CPU"
    )


def yardstick() -> float:
    """CPU seconds of a fixed loop (the best of three): a virtual machine's CPU second does less
    work when its host is busy, which its load average does not show. Runs of this bench are
    comparable only as far as their yardsticks agree."""
    best = float("inf")
    for _ in range(3):
        started, total = time.process_time(), 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return best


@contextmanager
def part(figures: Figures, name: str):
    """Say when a part starts and ends, its wall and CPU seconds, the load before and after."""
    before, wall, cpu = os.getloadavg()[0], time.perf_counter(), cpu_seconds()
    print(f"\n== {name} (load average {before:.2f}, {time.strftime('%H:%M:%S')})", flush=True)
    try:
        yield
    finally:
        wall, cpu, after = time.perf_counter() - wall, cpu_seconds() - cpu, os.getloadavg()[0]
        figures.parts.append((name, wall, cpu, before, after))
        print(
            f"== {name}: {wall:.1f} s wall, {cpu:.1f} s CPU (this process and its children); "
            f"load average {before:.2f} -> {after:.2f}",
            flush=True,
        )


def measured(function) -> tuple[float, float, object]:
    """Wall and CPU seconds (this process and its finished children) of one call, and its result."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = function()
    return time.perf_counter() - wall, cpu_seconds() - cpu, result


def said(label: str, wall: float, cpu: float, note: str = "") -> None:
    """Print a figure as soon as it is known (a long run can be read before it ends)."""
    load = os.getloadavg()[0]
    print(
        f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU; load {load:.2f}"
        + (f"; {note}" if note else ""),
        flush=True,
    )


# Builds ------------------------------------------------------------------------------------


def command(env: dict, *arguments: str) -> tuple[float, float, str]:
    """Run ``archive ARGUMENTS`` (the console script's module) as a new process: its wall time,
    its own CPU seconds (``RUSAGE_CHILDREN``), and its output."""
    wall, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "webapp.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - wall, children_cpu() - cpu, done.stdout + done.stderr


def builds(archive: Archive, root: Path, env: dict, fresh: bool, figures: Figures, args) -> None:
    from build_named import _edit, _found, in_process

    cold_file = root.parent / "scale-cold.json"
    if fresh:
        wall, cpu, report = measured(archive.build)
        said("cold, in process", wall, cpu, report.summary())
        cold = {
            "wall": wall,
            "cpu": cpu,
            "docs": args.docs,
            "header": HEADER,
            "backend": args.backend,
        }
        cold_file.write_text(json.dumps(cold))
        figures.add(
            "build, cold (in process)",
            f"{wall:.1f} s, {cpu:.1f} s CPU ({args.docs / wall:.0f} docs/s)",
        )
    else:
        earlier = args.cold_earlier
        if cold_file.exists():
            cold = json.loads(cold_file.read_text())
            stamp = "; ".join(x for x in cold["header"].split("; ") if x[:2] in ("20", "co", "lo"))
            earlier = (
                f"{cold['wall']:.1f} s, {cold['cpu']:.1f} s CPU"
                f" ({cold['docs']:,} documents, {cold.get('backend', '?')}; {stamp})"
            )
        print(
            f"  cold: not measured in this run (the archive was built before); earlier: "
            f"{earlier or 'not known'}"
        )
        figures.add(
            "build, cold", f"**not measured in this run**; earlier: {earlier or 'not known'}"
        )
        wall, cpu, _ = measured(archive.migrate)  # a pending migration is not the build's
        said("migrations to head (a reused database; not part of any build figure)", wall, cpu)
    if archive.search.name == "whoosh" and (fresh or args.reindex):
        wall, cpu, _ = measured(archive.search.rebuild)
        said(
            "Whoosh index rebuilt (every document)",
            wall,
            cpu,
            f"{args.docs / wall:.0f} docs/s, {args.docs / cpu:.0f} docs per CPU-second",
        )
        figures.add(
            "Whoosh indexing, docs/s wall", f"{args.docs / wall:,.0f}", "indexing", args.docs / wall
        )
        # The target is for wall time; this is how much CPU it took (no target of its own).
        figures.add(
            "Whoosh indexing, docs per CPU-second (with writer processes)",
            f"{args.docs / cpu:,.0f}",
        )
    unchanged = []
    for label in ("nothing changed, in process (first)", "nothing changed, in process"):
        wall, cpu, report = measured(archive.build)
        said(label, wall, cpu, report.summary())
        unchanged.append((wall, cpu))
    figures.add(
        "build, nothing changed, in process (status: the slower)",
        _pair(unchanged),
        "unchanged",
        max(w for w, _ in unchanged),
    )
    commands = []
    for run in (1, 2):
        wall, cpu, _ = command(env, "build")
        said(f"nothing changed, `archive build` command ({run})", wall, cpu)
        commands.append((wall, cpu))
    figures.add(
        "build, nothing changed, `archive build` command (status: the slower)",
        _pair(commands),
        "unchanged",
        max(w for w, _ in commands),
    )

    names = sorted((root / "documents").glob("*.md"))
    path = names[len(names) // 2]
    _found(archive, "warmup")  # the index open, as a running server has it

    word = _edit(path)

    def until_found():
        report = archive.build()
        assert _found(archive, word), "the edit is not searchable"
        return report

    wall, cpu, report = measured(until_found)
    said("one edit, full build in process until searchable", wall, cpu, report.summary())
    figures.add(
        "one edit, full build in process until searchable",
        f"{wall:.2f} s ({cpu:.2f} s CPU)",
        "one edit",
        wall,
    )

    wall, cpu, built, summary = in_process(archive, path)
    said(
        "one edit, `build_paths` in process until searchable",
        wall,
        cpu,
        f"the build {built:.3f} s; {summary}",
    )
    figures.add(
        "one edit, `Archive.build_paths` in process until searchable",
        f"{wall:.2f} s ({cpu:.2f} s CPU)",
        "one edit",
        wall,
    )

    for arguments, label in (((str(path),), "`archive build PATH`"), ((), "`archive build`")):
        word = _edit(path)
        started = time.perf_counter()
        _, cpu, _ = command(env, "build", *arguments)
        assert _found(archive, word), "the edit is not searchable"
        wall = time.perf_counter() - started
        said(f"one edit, {label} command until this process finds it", wall, cpu)
        figures.add(
            f"one edit, {label} command until a running process finds it",
            f"{wall:.2f} s ({cpu:.2f} s CPU of the command)",
            "one edit",
            wall,
        )

    word = _edit(path)
    started = time.perf_counter()
    _, cpu, _ = command(env, "build", str(path))
    _, cpu_search, output = command(env, "search", "--json", word)
    wall = time.perf_counter() - started
    assert json.loads(output[output.index("{") :])["total"] == 1, output
    said(
        "one edit, `archive build PATH` then `archive search WORD` (two new processes)",
        wall,
        cpu + cpu_search,
    )
    figures.add(
        "one edit, `archive build PATH` then `archive search` finds it",
        f"{wall:.2f} s ({cpu + cpu_search:.2f} s CPU)",
        "one edit",
        wall,
    )


def _pair(samples: list[tuple[float, float]]) -> str:
    return ", ".join(f"{w:.2f} s ({c:.2f} s CPU)" for w, c in samples)


# Search, pages, memory ---------------------------------------------------------------------


def search_part(root: Path, overrides: dict, queries, figures: Figures) -> None:
    from search_mix import one_connection, print_mix, run_mix

    archive = Archive.open(root, **overrides)
    try:
        pid = one_connection(archive, str(archive.config.database_url))
        found = print_mix(run_mix(archive, queries, pid), slowest=5)
    finally:
        archive.close()
    for group, (n, w50, w95, c50, c95, _server) in found.items():
        name = f"search, {'all queries' if group == 'all' else group} ({n})"
        value = f"{w50:.0f} / {w95:.0f} ms (CPU {c50:.0f} / {c95:.0f})"
        if group == "all":
            figures.add(name + ", p50 / p95", value, "search", w95)
        else:
            figures.add(name, value)


def pages_part(archive: Archive, count: int, seed: int, figures: Figures) -> None:
    from pages import page_paths, statement_log, time_pages

    from webapp import create_app

    issued = statement_log(archive.engine)
    client = create_app({"TESTING": True}, archive=archive).test_client()
    kinds = page_paths(client, archive, count, random.Random(seed))
    timed = time_pages(client, kinds, issued)
    for label, (n, w50, w95, c50, c95, _statements) in timed.items():
        value = f"{w50:.0f} / {w95:.0f} ms (CPU {c50:.0f} / {c95:.0f})"
        if label == "document page":
            figures.add(f"{label} ({n}), p50 / p95", value, "document page", w95)
        else:
            figures.add(f"{label} ({n})", value)


def worker_memory(root: Path, env: dict, workers: int, docs, queries) -> list[float]:
    """RSS (MiB) of each gunicorn worker of ``archive serve`` after serving every page kind."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "webapp.cli",
        "--root",
        str(root),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(command, env=env, **quiet)
    try:
        wait_for(port, server, "/")
        from urllib.parse import quote

        paths = ["/", "/documents", "/timeline", "/documents?page=3", "/timeline?page=3"]
        paths += ["/organisations"] + [f"/organisations/{k}" for k in sorted({d.org for d in docs})]
        paths += [f"/documents/{d.id}" for d in docs[:50]]
        paths += [f"/search?q={quote(q['q'])}" for q in queries[:100]]
        failed = failures(port, paths * 2)  # every worker should see some of each
        print(f"  {2 * len(paths)} requests, {failed} failed", flush=True)
        return [rss_mib(pid) for pid in children(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=60)


# The parts ---------------------------------------------------------------------------------


def empty(archive: Archive) -> bool:
    """Whether the archive's database holds no document yet (its first build is cold)."""
    from sqlalchemy import func, inspect, select

    from archive.models import Document

    if Document.__table__.name not in inspect(archive.engine).get_table_names():
        return True
    with archive.session() as session:
        return not session.scalar(select(func.count()).select_from(Document))


def short_documents(args, workdir: Path, figures: Figures) -> None:
    with part(figures, "corpus"):
        reuse = (workdir / "corpus.pickle").exists()
        docs, queries = load_corpus(workdir) if reuse else corpus(workdir, args)
        print(
            f"  {len(docs)} documents, {len(queries)} queries ({workdir}; "
            f"{'read' if reuse else 'written'})"
        )
    if len(docs) != args.docs:
        print(f"  (the workdir holds {len(docs)} documents, not --docs {args.docs}: using those)")
        args.docs = len(docs)
    root = workdir / "root"
    overrides = {"search_backend": args.backend}
    env = {
        **os.environ,
        "ARCHIVE_SEARCH_BACKEND": args.backend,
        "PYTHONPATH": str(PROJECT),
        "ARCHIVE_ROOT": str(root),
    }
    if args.database_url:
        overrides["database_url"] = env["ARCHIVE_DATABASE_URL"] = args.database_url
    archive = Archive.open(root, **overrides)
    fresh = empty(archive)
    try:
        with part(figures, "builds"):
            builds(archive, root, env, fresh, figures, args)
        with part(figures, "search"):
            search_part(root, overrides, queries, figures)
        with part(figures, "pages"):
            pages_part(archive, args.pages, args.seed, figures)
    finally:
        archive.close()
    with part(figures, "memory"):
        memory = worker_memory(root, env, args.workers, docs, queries)
        listed = ", ".join(f"{m:.0f}" for m in memory)
        print(f"  web worker RSS after serving (MiB): {listed}")
        figures.add(
            f"RSS per web worker ({len(memory)} gunicorn workers)",
            f"{listed} MiB",
            "memory",
            max(memory, default=float("nan")),
        )


def transcripts_part(args, workdir: Path, figures: Figures) -> None:
    from transcripts import run

    overrides = {"search_backend": args.backend}
    if args.transcripts_database_url:
        overrides["database_url"] = args.transcripts_database_url
    with part(figures, "transcripts"):
        found = run(workdir / "transcripts", args.transcripts, args.samples, 13, **overrides)
    build = found["build"]
    figures.add(
        f"{args.transcripts} transcripts: build",
        f"{build['wall s']:.1f} s ({build['CPU s']:.1f} s CPU)",
    )
    for name, (p50, p95, c50, c95, n) in found["transcripts"].items():
        value = f"{p50:.0f} / {p95:.0f} ms (CPU {c50:.0f} / {c95:.0f})"
        label = f"transcript, {name} ({n}), p50 / p95"
        if name == "page (first view)":
            figures.add(label, value, "transcript page", p95)
        else:
            figures.add(label, value)
    for name, (p50, p95, c50, c95, n) in found["search"].items():
        value = f"{p50:.0f} / {p95:.0f} ms (CPU {c50:.0f} / {c95:.0f})"
        figures.add(f"transcripts: /search, {name} ({n})", value)
    if "ts_headline" in found:
        head = found["ts_headline"]
        figures.add(
            "transcripts: ts_headline, one whole transcript, p50 / p95",
            f"{head['p50']:.0f} / {head['p95']:.0f} ms",
        )


def main() -> None:
    global HEADER
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="0: no short documents")
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--database-url", default=None, help="PostgreSQL for --backend postgres")
    parser.add_argument("--workdir", type=Path, help="keep corpus and archive here; reuse them")
    parser.add_argument("--reindex", action="store_true", help="Whoosh: time a full reindex")
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--pages", type=int, default=200, help="requests per kind of page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20200301)
    parser.add_argument("--transcripts", type=int, default=0, help="N hearing transcripts")
    parser.add_argument("--samples", type=int, default=60, help="transcripts sampled")
    parser.add_argument(
        "--transcripts-database-url",
        default=None,
        help="their own database (default: --database-url with --docs 0)",
    )
    parser.add_argument(
        "--cold-earlier",
        metavar="TEXT",
        help="a reused archive: its cold build's figure and where it comes from",
    )
    args = parser.parse_args()
    if args.backend == "postgres" and not (args.database_url or args.transcripts_database_url):
        parser.error("--backend postgres needs --database-url (a database of its own)")
    if args.transcripts and not args.transcripts_database_url:
        if args.docs and args.database_url:
            parser.error(
                "--transcripts with --docs on a database needs its own database: "
                "--transcripts-database-url"
            )
        args.transcripts_database_url = args.database_url
    if args.docs and args.backend == "postgres" and not args.database_url:
        parser.error("--docs on PostgreSQL needs --database-url")
    HEADER = header(args)
    print(f"bench/scale.py {' '.join(sys.argv[1:])}\n{HEADER}", flush=True)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    figures = Figures(args)
    if args.docs:
        short_documents(args, workdir, figures)
    if args.transcripts:
        transcripts_part(args, workdir, figures)
    figures.table()


if __name__ == "__main__":
    main()
