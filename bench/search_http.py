"""/search beside Datasette's plain FTS table search, same corpus and queries, one run, alternating.

Run by hand, never in CI:

    python bench/search_http.py --workdir DIR [--rounds 4] [--clients 4]

``DIR`` is a ``bench/search.py --workdir`` directory: ``corpus.pickle`` (the documents and the
queries) and ``root/`` (the archive's documents; built if it is not). ``bench/search.py --http``
calls ``http_rows`` with the same figures at the end of its own run.

The pages compared, for every query of the corpus:

- ours: ``/search?q=…[&org=…][&from=…&to=…]`` from ``archive serve`` as it starts by default
  (SQLite + Whoosh; gunicorn, a gthread worker per core);
- Datasette: ``/corpus/documents?_search=…&_size=10[&org=…][&latest__gte=…&earliest__lte=…]``,
  the table page a Datasette user gets when the table has full-text search: the query as typed
  (Datasette's default escaped mode, each word quoted, a quoted phrase kept), Datasette's own
  column filters, ten rows like our page (``--datasette-size 0``: its default 100, which
  cost about the same at 20,000 documents), default settings except ``sql_time_limit_ms``
  5000 (its default 1000 ms would turn slow searches into errors). The table is made as
  Datasette's documentation suggests, with sqlite-utils: ``sqlite-utils insert``, then
  ``sqlite-utils enable-fts documents title body --fts5 --tokenize porter --create-triggers``
  (an FTS5 table with ``content=[documents]``, which Datasette finds; the one
  ``bench/search.py`` times, with ``content='documents'``, it does not, and ignores
  ``_search`` on it).

Both servers run at once on loopback (each in its own session, so its processes' CPU time can
be read from ``/proc``); the rounds alternate which goes first. Each round sends every query
once from ``--clients`` keep-alive connections (Python threads). Printed: p50/p95 over all
rounds' requests, the median requests/s of the rounds (and their range), non-200 answers, the
server's CPU time per request, ratios, per-group latencies, the load average before and after,
and the commit measured. Datasette and sqlite-utils go into a throwaway virtualenv
(``VENV``), never into the project's environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import pickle
import platform
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
VENV = Path(tempfile.gettempdir()) / "bench-search-datasette-venv"
CONCURRENCY = 4
PER_PAGE = 10
DATASETTE_SETTINGS = ["--setting", "sql_time_limit_ms", "5000"]
COLUMNS = ("id", "title", "body", "org", "kind", "earliest", "latest")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_tool(name: str) -> Path:
    """``datasette`` or ``sqlite-utils`` from the throwaway virtualenv (made the first time)."""
    binary = VENV / "bin" / name
    if not binary.exists():
        if not (VENV / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "pip"), "install", "-q", "datasette", "sqlite-utils"]
        subprocess.run(pip, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return binary


def datasette_version() -> str:
    result = subprocess.run([str(venv_tool("datasette")), "--version"], capture_output=True)
    return result.stdout.decode().strip()


def datasette_database(path: Path, rows) -> Path:
    """The corpus as Datasette serves it: ``documents`` with sqlite-utils' FTS5 table beside."""
    if path.exists():
        return path
    tool = str(venv_tool("sqlite-utils"))
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    lines = path.with_suffix(".jsonl")
    with lines.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(dict(zip(COLUMNS, row, strict=True))) + "\n")
    subprocess.run([tool, "insert", str(partial), "documents", str(lines), "--nl", "--pk", "id"],
                   check=True)  # fmt: skip
    subprocess.run([tool, "enable-fts", str(partial), "documents", "title", "body", "--fts5",
                    "--tokenize", "porter", "--create-triggers"], check=True)  # fmt: skip
    lines.unlink()
    partial.rename(path)
    return path


def doc_rows(docs) -> list[tuple]:
    return [tuple(getattr(doc, column) for column in COLUMNS) for doc in docs]


def fts5_rows(fts5_db: Path) -> list[tuple]:
    """The documents of bench/search.py's own FTS5 database (the same corpus)."""
    with sqlite3.connect(fts5_db) as db:
        return db.execute(f"SELECT {', '.join(COLUMNS)} FROM documents").fetchall()


def ours_path(q: dict) -> str:
    params = {"q": q["q"], "org": q.get("org"), "from": q.get("date_from"), "to": q.get("date_to")}
    return "/search?" + urlencode({k: str(v) for k, v in params.items() if v})


def datasette_path(q: dict, database: str = "corpus", size: int | None = PER_PAGE) -> str:
    params = {"_search": q["q"], "_size": size, "org": q.get("org"),
              "latest__gte": q.get("date_from"), "earliest__lte": q.get("date_to")}  # fmt: skip
    return f"/{database}/documents?" + urlencode({k: str(v) for k, v in params.items() if v})


def _get(port: int, path: str, timeout: float = 30) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def failures(port: int, paths: list[str], timeout: float = 300) -> int:
    """How many of ``paths``, each a GET on a new connection, fail: a 5xx or no answer."""
    failed = 0
    for path in paths:
        try:
            failed += _get(port, path, timeout) >= 500
        except OSError:
            failed += 1
    return failed


def wait_for(port: int, process: subprocess.Popen, path: str, seconds: float = 3600) -> None:
    """Until ``path`` answers 200 (``archive serve`` builds first: minutes at 20,000)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            status = _get(port, path)
        except OSError:
            time.sleep(0.5)
            continue
        if status != 200:
            raise RuntimeError(f"{path} answered {status} on port {port}")
        return
    raise RuntimeError(f"server on port {port} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """SIGINT to the server's process group (as Ctrl+C would); SIGKILL if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def cpu_seconds(pgid: int) -> float:
    """CPU time used so far by the live processes of a process group (Linux ``/proc``)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[2] == str(pgid):
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    model = models[0] if models else platform.processor() or "unknown CPU"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({model}), {platform.system()}, Python {platform.python_version()}"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def commit() -> str:
    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True)
        return run.stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    if not head:  # e.g. an export of one commit (git archive) into a folder named after it
        return f"(no git checkout: {PROJECT})"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "archive", "webapp")
    return head + (" (+ uncommitted changes in archive/ or webapp/)" if dirty else "")


def one_round(port: int, paths: list[str], clients: int, pgid: int) -> dict:
    """Every path once, from ``clients`` keep-alive connections; latencies by path index."""
    work = iter(range(len(paths)))
    lock = threading.Lock()
    timings: list[float | None] = [None] * len(paths)
    failures: list[str] = []

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                index = next(work, None)
            if index is None:
                connection.close()
                return
            started = time.perf_counter()
            try:
                connection.request("GET", paths[index])
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = type(exc).__name__
            timings[index] = time.perf_counter() - started
            if status != 200:
                with lock:
                    failures.append(f"{status} {paths[index]}")

    cpu, started = cpu_seconds(pgid), time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(pgid) - cpu
    return {"timings": timings, "rps": len(paths) / seconds, "failures": failures,
            "cpu_ms": 1000 * cpu / len(paths), "cores": cpu / seconds}  # fmt: skip


def p(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


def summarise(runs: list[dict]) -> dict:
    ordered = sorted(t for run in runs for t in run["timings"])
    rates = [run["rps"] for run in runs]
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": p(ordered, 0.95),
        "rps": statistics.median(rates),
        "range": f"{min(rates):.1f}–{max(rates):.1f}",
        "failures": [f for run in runs for f in run["failures"]],
        "cpu_ms": statistics.median(run["cpu_ms"] for run in runs),
        "cores": statistics.median(run["cores"] for run in runs),
    }


def start_ours(root: Path, database_url: str | None, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    if database_url:
        env["ARCHIVE_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "webapp.cli", "--root", str(root), "serve",
               "--port", str(port)]  # fmt: skip
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    return process, port


def start_datasette(database: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    command = [str(venv_tool("datasette")), "serve", str(database), "--port", str(port),
               *DATASETTE_SETTINGS]  # fmt: skip
    with log.open("ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    return process, port


def compare(root: Path, database: Path, queries: list[dict], database_url: str | None = None,
            rounds: int = 4, clients: int = CONCURRENCY, seed: int = 1,
            datasette_size: int | None = PER_PAGE) -> None:  # fmt: skip
    """Serve both, warm both, then ``rounds`` rounds alternating which goes first; print."""
    order = list(range(len(queries)))
    random.Random(seed).shuffle(order)
    queries = [queries[i] for i in order]
    pages = {
        "ours": [ours_path(q) for q in queries],
        "datasette": [datasette_path(q, database.stem, datasette_size) for q in queries],
    }
    loads = [load_average()]
    log = root.parent / "search_http.log"
    servers = {}
    try:
        servers["ours"] = start_ours(root, database_url, log)
        servers["datasette"] = start_datasette(database, log)
        for name, (process, port) in servers.items():
            wait_for(port, process, pages[name][0])
        for name, (_, port) in servers.items():  # warm up: a fifth of the queries
            for path in pages[name][: max(20, len(queries) // 5)]:
                _get(port, path, timeout=120)
        runs: dict[str, list[dict]] = {"ours": [], "datasette": []}
        for number in range(rounds):
            for name in ["ours", "datasette"][:: 1 if number % 2 == 0 else -1]:
                process, port = servers[name]
                print(f"round {number + 1}: {name} …", flush=True)
                runs[name].append(one_round(port, pages[name], clients, process.pid))
    finally:
        for process, _ in servers.values():
            stop(process)
    loads.append(load_average())
    rows = {name: summarise(found) for name, found in runs.items()}
    report(rows, runs, queries, pages, database_url, rounds, clients, loads)


def report(rows, runs, queries, pages, database_url, rounds, clients, loads) -> None:
    backend = "PostgreSQL" if database_url else "SQLite + Whoosh"
    print(f"\n{dt.date.today()}, {machine()}, commit {commit()}, {datasette_version()}")
    print(f"load average before/after: {' / '.join(loads)}")
    print(f"{len(queries)} queries × {rounds} rounds, {clients} keep-alive clients, "
          f"alternating which server goes first")  # fmt: skip
    print(f"ours ({backend}, archive serve's default), e.g.  {pages['ours'][0]}")
    print(f"Datasette's FTS table search, e.g.  {pages['datasette'][0]}")
    names = {"ours": "/search", "datasette": "Datasette /db/documents?_search="}
    print("\n| page | p50 ms | p95 ms | req/s (range) | non-200 | server CPU ms/req | cores busy |")
    print("|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {names[name]} | {row['p50']:.1f} | {row['p95']:.1f} | {row['rps']:.1f} "
              f"({row['range']}) | {len(row['failures'])} | {row['cpu_ms']:.1f} | "
              f"{row['cores']:.2f} |")  # fmt: skip
    ours, theirs = rows["ours"], rows["datasette"]
    print(f"\n/search / Datasette: p50 ×{ours['p50'] / theirs['p50']:.2f} (target ≤ 0.5), "
          f"p95 ×{ours['p95'] / theirs['p95']:.2f} (target ≤ 0.5), "
          f"req/s ×{ours['rps'] / theirs['rps']:.2f} (target ≥ 2), "
          f"server CPU per request ×{ours['cpu_ms'] / theirs['cpu_ms']:.2f}")  # fmt: skip
    for name, row in rows.items():
        for failure in row["failures"][:5]:
            print(f"  non-200 from {name}: {failure}")
    groups = sorted({q["group"] for q in queries})
    print(f"\n{'group':16} {'n':>4} {'/search p50 / p95 ms':>24} {'Datasette p50 / p95 ms':>26}")
    for group in [*groups, "all"]:
        picked = [i for i, q in enumerate(queries) if group in ("all", q["group"])]
        cells = []
        for name in ("ours", "datasette"):
            ordered = sorted(run["timings"][i] for run in runs[name] for i in picked)
            cells.append(f"{statistics.median(ordered) * 1000:10.1f} / {p(ordered, 0.95):8.1f}")
        print(f"{group:16} {len(picked):4} {cells[0]:>24} {cells[1]:>26}")


def http_rows(root: Path, fts5_db: Path, queries: list[dict], database_url: str | None) -> None:
    """``bench/search.py --http``: Datasette's table made from the run's own FTS5 documents."""
    database = datasette_database(fts5_db.parent / "corpus.db", fts5_rows(fts5_db))
    compare(root, database, queries, database_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="bench/search.py's workdir")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--clients", type=int, default=CONCURRENCY)
    parser.add_argument("--database-url", help="serve /search from this database (its backend)")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="delete DIR/root's database and index first: archive serve builds "
        "them anew (after a migration that a database made before it lacks)",
    )
    parser.add_argument("--datasette-size", type=int, default=PER_PAGE,
                        help="Datasette's rows per page (0: its default, 100)")  # fmt: skip
    args = parser.parse_args()
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(PROJECT)]
    if args.fresh:
        for made in ("instance", "index"):
            shutil.rmtree(args.workdir / "root" / made, ignore_errors=True)
    docs, queries = pickle.loads((args.workdir / "corpus.pickle").read_bytes())
    database = datasette_database(args.workdir / "corpus.db", doc_rows(docs))
    size = args.datasette_size or None
    compare(args.workdir / "root", database, queries, args.database_url, args.rounds,
            args.clients, datasette_size=size)  # fmt: skip


if __name__ == "__main__":
    main()
