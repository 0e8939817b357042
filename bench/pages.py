"""Pages of a built archive, timed in process: wall and CPU time, and the statements each issues.

Run by hand, never in CI, against an archive already built (``bench/scale.py`` builds one):

    python bench/pages.py --database-url 'postgresql+psycopg://root@/NAME?host=/var/run/postgresql'
    python bench/pages.py --database-url sqlite:////path/instance/archive.sqlite3 --n 100
    python bench/pages.py --database-url URL --statements /timeline?page=400

Each kind of page (a document, random and deep pages of ``/documents`` and ``/timeline``,
filtered pages, the front page, an organisation's first and deep pages) is asked for through
Flask's test client (no HTTP): p50 and p95 of wall time and of this process's CPU time (the
machine may be shared: CPU time moves less with the load), and the most statements a request
issued. ``--statements PATH`` prints each statement of one request with its time and rows, to
read beside ``EXPLAIN ANALYZE``. ``--memory`` serves the archive with gunicorn (``archive
serve``'s plan, two workers, no build first), asks each kind of page twice over (and some
searches), and prints each worker's resident memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

PROJECT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT), str(PROJECT / "bench")]

from sqlalchemy import event, func, select  # noqa: E402

from archive.core import Archive  # noqa: E402
from archive.models import Document, Organisation  # noqa: E402
from webapp import create_app  # noqa: E402


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def page_paths(client, archive: Archive, n: int, rng: random.Random) -> dict[str, list[str]]:
    with archive.session() as session:
        ids = list(session.scalars(select(Document.id).order_by(func.random()).limit(400)))
        orgs = list(session.scalars(select(Organisation.key)))
    listed = client.get("/api/v1/documents").get_json()["pages"]
    timeline = client.get("/api/v1/timeline").get_json()["pages"]
    org_pages = {k: client.get(f"/api/v1/organisations/{k}").get_json()["pages"] for k in orgs}
    deep_org = [k for k in orgs if org_pages[k] > 1] or orgs
    statements = {
        k: client.get(f"/api/v1/documents?kind=statement&org={k}").get_json()["pages"] for k in orgs
    }
    return {
        "document page": [f"/documents/{rng.choice(ids)}" for _ in range(n)],
        "/documents?page=N": [f"/documents?page={rng.randint(1, listed)}" for _ in range(n)],
        "/documents, last 20": [f"/documents?page={listed - rng.randint(0, 19)}"
                                for _ in range(n // 4)],
        "/documents?kind&org": [f"/documents?kind=statement&org={k}"
                                f"&page={rng.randint(1, statements[k])}"
                                for k in (rng.choice(orgs) for _ in range(n // 4))],
        "/timeline?page=N": [f"/timeline?page={rng.randint(1, timeline)}" for _ in range(n // 2)],
        "/timeline, last 5": [f"/timeline?page={max(1, timeline - rng.randint(0, 4))}"
                              for _ in range(n // 4)],
        "/timeline?kind&org&from": [f"/timeline?kind=statement&org={rng.choice(orgs)}&from=2019"
                                    for _ in range(n // 4)],
        "/ (front page)": ["/"] * max(1, n // 10),
        "/organisations/K": [f"/organisations/{rng.choice(orgs)}" for _ in range(n // 4)],
        "/organisations/K?page=N": [
            f"/organisations/{k}?page={rng.randint(1, org_pages[k])}"
            for k in (rng.choice(deep_org) for _ in range(n // 4))
        ],
    }  # fmt: skip


def worker_memory(args, paths: list[str]) -> None:
    """RSS of each gunicorn worker (``archive serve``'s plan, 2 workers, no build first) after
    serving ``paths`` twice, as ``bench/scale.py`` measures it after its build."""
    from procs import children, rss_mib
    from search_http import _free_port, failures, wait_for

    port = _free_port()
    code = (
        "import sys; from archive.core import Archive; from webapp.serving import serve; "
        f"serve(Archive.open({str(args.root)!r}, database_url={args.database_url!r}, "
        f"search_backend={args.backend!r}), '127.0.0.1', {port}, workers=2)"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen([sys.executable, "-c", code], env=env, **quiet)
    try:
        wait_for(port, server, "/")
        started = time.perf_counter()
        failed = failures(port, paths * 2)
        seconds = time.perf_counter() - started
        print(f"{2 * len(paths)} requests in {seconds:.0f} s, {failed} failed; "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        workers = children(server.pid)
        print("worker RSS (MiB):", ", ".join(f"{rss_mib(pid):.0f}" for pid in workers))
    finally:
        server.terminate()
        server.wait(timeout=60)


def statement_log(engine) -> list[tuple[float, int, str]]:
    """A list that each statement the engine issues is added to: (seconds, rows, SQL)."""
    issued: list[tuple[float, int, str]] = []
    started: list[float] = []

    def before(*_) -> None:
        started.append(time.perf_counter())

    def after(connection, cursor, statement, *_) -> None:
        issued.append((time.perf_counter() - started.pop(), cursor.rowcount, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    return issued


def time_pages(client, kinds: dict[str, list[str]], issued: list) -> dict[str, tuple]:
    """Each kind of page in turn (one warm request first); a line printed as each is known.
    Returns by kind: (n, wall p50, wall p95, CPU p50, CPU p95 in ms, most statements)."""
    print(f"{'page':26} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8} stmts")
    timed = {}
    for label, paths in kinds.items():
        client.get(paths[0])  # warm
        wall, cpu, statements = [], [], 0
        for path in paths:
            issued.clear()
            w, c = time.perf_counter(), time.process_time()
            response = client.get(path)
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            statements = max(statements, len(issued))
            assert response.status_code == 200, (path, response.status_code)
        figures = [percentile(wall, 50), percentile(wall, 95), percentile(cpu, 50),
                   percentile(cpu, 95)]  # fmt: skip
        shown = " ".join(f"{f:8.1f}" for f in figures)
        print(f"{label:26} {len(paths):4} {shown} {statements:5}", flush=True)
        timed[label] = (len(paths), *figures, statements)
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", type=Path, default=Path("."), help="the archive root")
    parser.add_argument("--backend", default=None, help="search backend (pages here need none)")
    parser.add_argument("--n", type=int, default=60, help="requests of the commonest kinds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--statements", metavar="PATH", help="print one request's statements")
    parser.add_argument("--memory", action="store_true", help="RSS of gunicorn workers instead")
    args = parser.parse_args()
    args.backend = args.backend or ("postgres" if "postgresql" in args.database_url else "whoosh")
    archive = Archive.open(args.root, database_url=args.database_url, search_backend=args.backend)
    issued = statement_log(archive.engine)
    client = create_app({"TESTING": True}, archive=archive).test_client()
    if args.memory:
        kinds = page_paths(client, archive, 8, random.Random(args.seed)).values()
        paths = ["/", "/organisations", "/api/v1/documents", "/api/v1/timeline"]
        paths += [path for chosen in kinds for path in dict.fromkeys(chosen)]
        with archive.session() as session:
            titles = session.scalars(select(Document.title).order_by(func.random()).limit(40))
            paths += [f"/search?q={quote(title.split()[0])}" for title in titles]
        archive.close()
        return worker_memory(args, paths)
    if args.statements:
        client.get(args.statements)
        issued.clear()
        client.get(args.statements)
        for seconds, rows, statement in issued:
            print(f"-- {seconds * 1000:.1f} ms, {rows} rows\n{statement}\n")
        return
    print(f"load average {os.getloadavg()[0]:.1f}; {args.database_url.split('?')[0]}")
    time_pages(client, page_paths(client, archive, args.n, random.Random(args.seed)), issued)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process {peak:.0f} MiB; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
