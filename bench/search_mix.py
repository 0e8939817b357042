"""The query mix of a scale workdir against an archive already built, with CPU beside wall time.

Run by hand, never in CI:

    python bench/search_mix.py --workdir DIR --database-url URL [--backend postgres] [--slowest N]

``DIR`` is a ``bench/scale.py`` (or ``bench/search.py``) workdir: its ``corpus.pickle`` holds the
queries (words, filtered, phrase, common phrase, ten-word question) and ``DIR/root`` the archive
built from it. Each query runs once through ``archive.search`` (top 10 with snippets, in
process, as ``bench/scale.py`` does); printed per group: wall p50/p95 and CPU p50/p95, CPU being
this process's plus the PostgreSQL backend's (``/proc/<pid>/stat`` of the one connection the
archive is given, 10 ms ticks), and the backend's CPU summed. On a shared machine wall time
follows the load; CPU time much less, so both are printed, with the load average.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import percentiles, request_of  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.pool import StaticPool  # noqa: E402

from archive.core import Archive  # noqa: E402
from archive.search import SearchRequest  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of a local process so far; 0 when it is not local."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def one_connection(archive: Archive, database_url: str) -> int | None:
    """Give ``archive`` one PostgreSQL connection (its backend's CPU can then be read in
    ``/proc``) and return that backend's pid; None for any other database."""
    if not database_url.startswith("postgresql"):
        return None
    engine = create_engine(database_url, poolclass=StaticPool)  # one backend process
    archive.engine.dispose()
    archive.__dict__["engine"] = engine
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def run_mix(archive: Archive, queries: list[dict], pid: int | None) -> list[tuple]:
    """Each query once, top 10 with snippets: (group, q, wall s, CPU s, backend CPU s, total)."""
    archive.search.search(SearchRequest(q="warm"))  # open the searcher, as a server has
    rows = []
    for q in queries:
        server, client, started = backend_cpu(pid), time.process_time(), time.perf_counter()
        results = archive.search.search(request_of(q))
        wall = time.perf_counter() - started
        cpu = time.process_time() - client + backend_cpu(pid) - server
        rows.append((q["group"], q["q"], wall, cpu, backend_cpu(pid) - server, results.total))
    return rows


def mix_figures(rows: list[tuple]) -> dict[str, tuple]:
    """By group and "all": (n, wall p50, wall p95, CPU p50, CPU p95 in ms, backend CPU s)."""
    figures = {}
    for group in [*sorted({r[0] for r in rows}), "all"]:
        picked = [r for r in rows if group in ("all", r[0])]
        wall = percentiles([r[2] for r in picked])
        cpu = percentiles([r[3] for r in picked])
        figures[group] = (len(picked), *wall, *cpu, sum(r[4] for r in picked))
    return figures


def print_mix(rows: list[tuple], slowest: int = 0) -> dict[str, tuple]:
    print(f"{len(rows)} queries; load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'group':16} {'n':>4}  wall p50 / p95 ms   CPU p50 / p95 ms   backend CPU, all")
    figures = mix_figures(rows)
    for group, (n, w50, w95, c50, c95, server) in figures.items():
        print(
            f"{group:16} {n:4}  {w50:7.1f} / {w95:7.1f}   {c50:6.1f} / {c95:6.1f}   {server:6.2f} s"
        )
    for group, q, wall, cpu, _server, total in sorted(rows, key=lambda r: -r[3])[:slowest]:
        print(
            f"  {wall * 1000:7.1f} ms wall {cpu * 1000:6.1f} ms CPU {total:7} found  {group}: {q}"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--backend", default="postgres")
    parser.add_argument("--root", type=Path, help="the archive root (default: WORKDIR/root)")
    parser.add_argument("--group", help="only this group of queries")
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries")
    args = parser.parse_args()

    _docs, queries = pickle.loads((args.workdir / "corpus.pickle").read_bytes())
    if args.group:
        queries = [q for q in queries if q["group"] == args.group]
    archive = Archive.open(
        args.root or args.workdir / "root",
        database_url=args.database_url,
        search_backend=args.backend,
    )
    pid = one_connection(archive, args.database_url)
    print_mix(run_mix(archive, queries, pid), args.slowest)
    archive.close()


if __name__ == "__main__":
    main()
