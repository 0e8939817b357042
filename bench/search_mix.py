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
    pid = None
    if args.database_url.startswith("postgresql"):
        engine = create_engine(args.database_url, poolclass=StaticPool)  # one backend process
        archive.engine.dispose()
        archive.__dict__["engine"] = engine
        with engine.connect() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
    archive.search.search(SearchRequest(q="warm"))  # open the searcher, as a server has
    rows = []
    for q in queries:
        server, client, started = backend_cpu(pid), time.process_time(), time.perf_counter()
        results = archive.search.search(request_of(q))
        wall = time.perf_counter() - started
        cpu = time.process_time() - client + backend_cpu(pid) - server
        rows.append((q["group"], q["q"], wall, cpu, backend_cpu(pid) - server, results.total))
    print(f"{len(queries)} queries; load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'group':16} {'n':>4}  wall p50 / p95 ms   CPU p50 / p95 ms   backend CPU, all")
    for group in [*sorted({r[0] for r in rows}), "all"]:
        picked = [r for r in rows if group in ("all", r[0])]
        wall = percentiles([r[2] for r in picked])
        cpu = percentiles([r[3] for r in picked])
        server = sum(r[4] for r in picked)
        print(
            f"{group:16} {len(picked):4}  {wall[0]:7.1f} / {wall[1]:7.1f}"
            f"   {cpu[0]:6.1f} / {cpu[1]:6.1f}   {server:6.2f} s"
        )
    for group, q, wall, cpu, _server, total in sorted(rows, key=lambda r: -r[3])[: args.slowest]:
        print(
            f"  {wall * 1000:7.1f} ms wall {cpu * 1000:6.1f} ms CPU {total:7} found  {group}: {q}"
        )
    archive.close()


if __name__ == "__main__":
    main()
