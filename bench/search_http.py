"""``bench/search.py --http``: /search end to end beside Datasette serving the same FTS5 corpus.

Both servers run as subprocesses on loopback; a Python load loop (4 threads, keep-alive) sends
the same queries to each and reports p50/p95 latency and requests per second. Datasette is
installed into a throwaway virtualenv under the temporary directory's parent, never into the
project's environment.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

VENV = Path(tempfile.gettempdir()) / "bench-search-datasette-venv"
CONCURRENCY = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _datasette() -> Path:
    binary = VENV / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "datasette"], check=True)
    return binary


def _wait(port: int, process: subprocess.Popen, path: str) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server on port {port} did not start")


def ours_path(q: dict) -> str:
    params = {"q": q["q"], "org": q.get("org"), "from": q.get("date_from"), "to": q.get("date_to")}
    return "/search?" + urlencode({k: str(v) for k, v in params.items() if v})


def datasette_path(q: dict) -> str:
    from fts5 import fts5_match

    params = {"_search": fts5_match(q), "_searchmode": "raw", "_size": "10", "org": q.get("org"),
              "latest__gte": q.get("date_from"), "earliest__lte": q.get("date_to")}  # fmt: skip
    return "/fts5/documents?" + urlencode({k: str(v) for k, v in params.items() if v})


def load(port: int, paths: list[str]) -> dict:
    """Send every path (twice over) from CONCURRENCY keep-alive connections."""
    work = iter(paths * 2)
    lock, timings, failures = threading.Lock(), [], [0]

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                path = next(work, None)
            if path is None:
                return
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)
                failures[0] += response.status != 200

    for path in paths[:20]:  # warm up
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path)
        connection.getresponse().read()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(timings)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
        "rps": len(ordered) / seconds,
        "failures": failures[0],
    }


def http_rows(root: Path, fts5_db: Path, queries: list[dict], database_url: str | None) -> None:
    env = dict(os.environ, **({"ARCHIVE_DATABASE_URL": database_url} if database_url else {}))
    ours_port, datasette_port = _free_port(), _free_port()
    ours = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "--root", str(root), "serve",
         "--port", str(ours_port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    datasette = subprocess.Popen(
        [str(_datasette()), "serve", str(fts5_db), "--port", str(datasette_port),
         "--setting", "default_page_size", "10", "--setting", "sql_time_limit_ms", "5000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait(ours_port, ours, "/search?q=x")
        _wait(datasette_port, datasette, "/fts5/documents?_search=x")
        rows = {
            "/search (archive serve's default)": load(ours_port, [ours_path(q) for q in queries]),
            "Datasette FTS5": load(datasette_port, [datasette_path(q) for q in queries]),
        }
    finally:
        for process in (ours, datasette):
            process.terminate()
            process.wait(timeout=30)
    print(f"\nHTTP, {CONCURRENCY} concurrent clients, {2 * len(queries)} requests each")
    print(f"{'':32} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'non-200':>8}")
    for name, row in rows.items():
        print(
            f"{name:32} {row['p50']:8.1f} {row['p95']:8.1f} {row['rps']:7.1f} {row['failures']:8}"
        )
    ours_row, theirs = rows.values()
    ratios = {key: ours_row[key] / theirs[key] for key in ("p50", "p95", "rps")}
    print(
        f"/search / Datasette: p50 ×{ratios['p50']:.2f}, p95 ×{ratios['p95']:.2f}, "
        f"req/s ×{ratios['rps']:.2f}"
    )
