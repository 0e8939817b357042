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
read beside ``EXPLAIN ANALYZE``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", type=Path, default=Path("."), help="the archive root")
    parser.add_argument("--backend", default=None, help="search backend (pages here need none)")
    parser.add_argument("--n", type=int, default=60, help="requests of the commonest kinds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--statements", metavar="PATH", help="print one request's statements")
    args = parser.parse_args()
    backend = args.backend or ("postgres" if "postgresql" in args.database_url else "whoosh")
    archive = Archive.open(args.root, database_url=args.database_url, search_backend=backend)
    issued: list[tuple[float, int, str]] = []
    started: list[float] = []

    def before(*_) -> None:
        started.append(time.perf_counter())

    def after(connection, cursor, statement, *_) -> None:
        issued.append((time.perf_counter() - started.pop(), cursor.rowcount, statement))

    event.listen(archive.engine, "before_cursor_execute", before)
    event.listen(archive.engine, "after_cursor_execute", after)
    client = create_app({"TESTING": True}, archive=archive).test_client()
    if args.statements:
        client.get(args.statements)
        issued.clear()
        client.get(args.statements)
        for seconds, rows, statement in issued:
            print(f"-- {seconds * 1000:.1f} ms, {rows} rows\n{statement}\n")
        return
    print(f"load average {os.getloadavg()[0]:.1f}; {args.database_url.split('?')[0]}")
    print(f"{'page':26} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8} stmts")
    for label, paths in page_paths(client, archive, args.n, random.Random(args.seed)).items():
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process {peak:.0f} MiB; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
