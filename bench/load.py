"""How fast ``archive serve`` answers under load, under each way it could serve.

Run by hand (not in CI):

    python bench/load.py [--clients 16] [--seconds 10] [--rounds 3] [--plans SPEC,...]

Needs ``wrk`` (Debian: ``apt-get install -y wrk``). Builds an archive from a copy of this
repository's ``documents/`` in a temporary root (SQLite + Whoosh), then for each plan starts a
server on 127.0.0.1 in its own process group, checks every page of the mix answers 200, warms
it up, drives ``--clients`` keep-alive connections at it for ``--seconds`` with wrk, and stops
it with SIGINT (SIGKILL to the group after 30 s). The plans take turns, ``--rounds`` times, so
a machine whose other load changes meanwhile treats them alike. Prints the median requests/s
(and its range), p50/p95/p99 latency and errors side by side, with ratios against the old
default (waitress, 8 threads), and the load average before and after. Two more columns do not
depend on what else the machine runs (Linux): the server's CPU time per request and how many
cores it kept busy (its processes' CPU time over the wall time); a plan can only be fast where
it can keep every core busy at a low cost per request.

The mix, requested in turn by every connection (MIX below): the home page, /documents, one
document page, its version 1 page, a quote permalink in that version, /search?q=police,
/timeline and /api/v1/search?q=child+exploitation.

Plans (``--plans``): ``waitress:T`` (T threads in one process), ``gunicorn:W:sync``,
``gunicorn:W:gthread:T`` (W worker processes of T threads) and ``default`` (what
``archive serve`` chooses on this machine). The default list: waitress with 8 threads (the old
default), waitress with one thread per core, gunicorn with one worker per core, sync and
gthread with half the default threads, and the new default (gthread, more threads).

``--production --workdir DIR --database-url URL`` measures the production configuration
instead: ``DIR`` is a ``bench/search.py --workdir`` corpus (``corpus.pickle`` and
``root/documents``), built into the PostgreSQL database at ``URL`` (a scratch database: the
build writes it) by ``archive build`` with ``deploy/systemd/archive.env``'s settings
(``ARCHIVE_SEARCH_BACKEND=postgres``), from a copy of the documents in ``DIR/pg-root``. Then
the web unit's own command (``deploy/systemd/archive-web.service``'s ExecStart: gunicorn,
gthread workers and threads as it gives them, its access log) serves it from an empty root,
as on a web machine, and takes turns with Datasette serving the same corpus (sqlite-utils'
FTS5 table, as ``bench/search_http.py`` makes it). The archive's mix is the one above with a
document of the corpus and words it has (``PRODUCTION_MIX``); Datasette's is its nearest page
to each (``DATASETTE_MIX``: it has no versions, quotes or timeline, so a document, its version
and its quote are each its row page, the timeline its table sorted by date). The CPU time per
request counts the web server's processes and, for the archive, the PostgreSQL backends
serving that database (``/proc``): what a request costs the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import pickle
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from search_http import DATASETTE_SETTINGS, commit, datasette_version  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from archive.core import Archive  # noqa: E402
from webapp.serving import THREADS_PER_WORKER, Plan, cpu_cores, plan, run, serve  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DOC = "lancashire-police-lcc-joint-statement-cse"
MIX = [
    "/",
    "/documents",
    f"/documents/{DOC}",
    f"/documents/{DOC}/v1",
    f"/documents/{DOC}/v1/q/0-80",
    "/search?q=police",
    "/timeline",
    "/api/v1/search?q=child+exploitation",
]


def production_mix(doc: str) -> list[str]:
    """The same eight pages over the synthetic corpus: its document, words it has."""
    return [
        "/",
        "/documents",
        f"/documents/{doc}",
        f"/documents/{doc}/v1",
        f"/documents/{doc}/v1/q/0-80",
        "/search?q=police",
        "/timeline",
        "/api/v1/search?q=children+exploitation",
    ]


def datasette_mix(doc: str, database: str = "corpus") -> list[str]:
    """Datasette's nearest page to each of ``production_mix``'s, in the same order."""
    table = f"/{database}/documents"
    return [
        "/",
        table,
        f"{table}/{doc}",
        f"{table}/{doc}",
        f"{table}/{doc}",
        f"{table}?_search=police",
        f"{table}?_sort=earliest",
        f"{table}.json?_search=children+exploitation",
    ]


LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def parse_plan(spec: str) -> Plan:
    """``waitress:T``, ``gunicorn:W:sync``, ``gunicorn:W:gthread:T`` or ``default``."""
    if spec == "default":
        return plan()
    server, *numbers = spec.split(":")
    if server == "waitress":
        return Plan("waitress", 0, int(numbers[0]))
    workers, worker_class, *threads = numbers
    return Plan("gunicorn", int(workers), int(threads[0]) if threads else 1, worker_class)


def default_plans() -> list[str]:
    cores = cpu_cores()
    return [
        "waitress:8",
        f"waitress:{cores}",
        f"gunicorn:{cores}:sync",
        f"gunicorn:{cores}:gthread:{max(1, THREADS_PER_WORKER // 2)}",
        "default",
    ]


def serve_one(spec: str, root: Path, port: int) -> None:
    """The server process: ``default`` goes through ``serve`` exactly as ``archive serve``."""
    archive = Archive.open(root)
    if spec == "default":
        serve(archive, HOST, port)
    else:
        run(archive, HOST, port, parse_plan(spec))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@dataclass
class Server:
    """What is measured: a label, its mix of pages, how to start it on a port."""

    label: str
    mix: list[str]
    launch: Callable[[int, Path], subprocess.Popen]
    database: str | None = None  # a PostgreSQL database whose backends' CPU time counts too
    script: Path | None = None


def popen(command: list[str], log: Path, **options) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, **options
        )


def plan_server(spec: str, root: Path) -> Server:
    command = [sys.executable, __file__, "--serve", spec, "--root", str(root), "--port"]
    return Server(label(spec), MIX, lambda port, log: popen([*command, str(port)], log))


def start(server: Server, port: int, log: Path) -> subprocess.Popen:
    process = server.launch(port, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{server.label} exited with {process.returncode}; see {log}")
        try:
            statuses = {path: _get(port, path) for path in server.mix}
        except OSError:
            time.sleep(0.3)
            continue
        bad = {path: status for path, status in statuses.items() if status != 200}
        if bad:
            stop(process)
            raise RuntimeError(f"{server.label}: pages that did not answer 200: {bad}")
        return process
    stop(process)
    raise RuntimeError(f"{server.label} did not answer within 120 s; see {log}")


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


def drive(port: int, script: Path, clients: int, seconds: float) -> dict:
    """One wrk run; latencies in ms."""
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s", "-s"]
    result = subprocess.run(
        [*command, str(script), f"http://{HOST}:{port}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if result.returncode:
        raise RuntimeError(f"wrk failed: {result.stderr or result.stdout}")
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    requests, micros, p50, p95, p99, errors = (int(x) for x in line.split()[1:])
    latencies = {"p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000}
    return {"rps": requests / (micros / 1e6), "errors": errors, "requests": requests, **latencies}


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


def backend_cpu_seconds(database: str | None) -> float:
    """CPU time used so far by the live PostgreSQL backends connected to ``database``."""
    if not database:
        return 0.0
    ticks = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(server: Server, args, log: Path) -> dict:
    """One server, one round: its CPU per request and cores kept busy, beside wrk's."""
    port = _free_port()
    process = start(server, port, log)
    try:
        drive(port, server.script, args.clients, args.warmup)
        database = backend_cpu_seconds(server.database)
        cpu, started = cpu_seconds(process.pid), time.monotonic()
        row = drive(port, server.script, args.clients, args.seconds)
        cpu = cpu_seconds(process.pid) - cpu
        row["db_cpu_ms"] = 1000 * (backend_cpu_seconds(server.database) - database)
        row["db_cpu_ms"] /= max(1, row["requests"])
        cpu += row["db_cpu_ms"] * row["requests"] / 1000
        row["cores"] = cpu / (time.monotonic() - started)
        row["cpu_ms"] = 1000 * cpu / max(1, row["requests"])
        return row
    finally:
        stop(process)


def page_costs(server: Server, log: Path, repeat: int = 20) -> dict[str, tuple[float, float]]:
    """Each page of the mix alone, one request at a time (``repeat`` times, after one to warm):
    the server's CPU ms per request (with PostgreSQL's) and the median wall ms."""
    port = _free_port()
    process = start(server, port, log)
    costs = {}
    try:
        for path in dict.fromkeys(server.mix):
            _get(port, path)
            walls = []
            cpu = cpu_seconds(process.pid) + backend_cpu_seconds(server.database)
            for _ in range(repeat):
                started = time.perf_counter()
                _get(port, path)
                walls.append(time.perf_counter() - started)
            cpu = cpu_seconds(process.pid) + backend_cpu_seconds(server.database) - cpu
            costs[path] = (1000 * cpu / repeat, 1000 * statistics.median(walls))
    finally:
        stop(process)
    return costs


def label(spec: str) -> str:
    text = parse_plan(spec).describe()
    if spec == "default":
        return f"new default: {text}"
    return f"{text} (old default)" if spec == "waitress:8" else text


def machine() -> str:
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    model = models[0] if models else platform.processor() or "unknown CPU"
    return f"{cpu_cores()} cores ({model}), {platform.system()}, Python {platform.python_version()}"


def summarise(runs: list[dict]) -> dict:
    """The median of each figure over the rounds, the range of req/s, and every error."""
    keys = ("rps", "p50", "p95", "p99", "cpu_ms", "db_cpu_ms", "cores")
    row = {key: statistics.median(run[key] for run in runs) for key in keys}
    rates = [run["rps"] for run in runs]
    row["range"] = f" ({min(rates):.1f}–{max(rates):.1f})" if len(runs) > 1 else ""
    row["errors"] = sum(run["errors"] for run in runs)
    return row


def report(rows: dict[str, dict], servers: dict[str, Server], args, loads: list[str]) -> None:
    print(f"\n{dt.date.today()}, {machine()}, commit {commit()}")
    print(f"load average before/after: {' / '.join(loads)}")
    print(
        f"{args.clients} keep-alive clients, {args.seconds:g} s per server after a warm-up, "
        f"{args.rounds} round(s) with the servers in turn (medians; req/s range in brackets)"
    )
    for key, server in servers.items():
        print(f"mix of {key}, in turn: " + ", ".join(server.mix))
    base_key = "datasette" if args.production else "waitress:8"
    base, old = rows.get(base_key), "Datasette" if args.production else "old"
    print(
        f"\n| server | req/s | p50 ms | p95 ms | p99 ms | errors | req/s vs {old} "
        f"| p99 vs {old} | server CPU ms/req (of which PostgreSQL) | cores busy |"
        "\n|---|---|---|---|---|---|---|---|---|---|"
    )
    for key, row in rows.items():
        ratios = ["", ""]
        if base and key != base_key:
            ratios = [f"×{row['rps'] / base['rps']:.2f}", f"×{row['p99'] / base['p99']:.2f}"]
        database = f" ({row['db_cpu_ms']:.1f})" if servers[key].database else ""
        print(
            f"| {servers[key].label} | {row['rps']:.1f}{row['range']} | {row['p50']:.0f} | "
            f"{row['p95']:.0f} | {row['p99']:.0f} | {row['errors']} | {ratios[0]} | {ratios[1]} | "
            f"{row['cpu_ms']:.1f}{database} | {row['cores']:.2f} |"
        )


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def plan_servers(specs: list[str], tmp: Path) -> dict[str, Server]:
    """The plans over a copy of this repository's documents (SQLite + Whoosh)."""
    root = tmp / "root"
    shutil.copytree(PROJECT / "documents", root / "documents")
    archive = Archive.open(root)
    print(f"Build: {archive.build().summary()}.")
    archive.close()
    return {spec: plan_server(spec, root) for spec in specs}


def deploy_settings() -> tuple[list[str], dict[str, str]]:
    """The web unit's ExecStart (continuation lines joined) and archive.env's settings."""
    unit = (PROJECT / "deploy" / "systemd" / "archive-web.service").read_text(encoding="utf-8")
    lines = unit.replace("\\\n", " ").splitlines()
    command = shlex.split(next(x for x in lines if x.startswith("ExecStart=")).split("=", 1)[1])
    env_file = (PROJECT / "deploy" / "systemd" / "archive.env").read_text(encoding="utf-8")
    pairs = [x.split("=", 1) for x in env_file.splitlines() if x and not x.startswith("#")]
    return command, dict(pairs)


def fresh_database(url: str) -> None:
    """Drop and create the scratch database (``--fresh``), from PostgreSQL's own ``postgres``."""
    from sqlalchemy import create_engine, text

    name = make_url(url).database
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def production_servers(args, tmp: Path) -> dict[str, Server]:
    """The web unit over PostgreSQL (built here from the corpus), and Datasette beside it."""
    from search_http import datasette_database, doc_rows, venv_tool

    docs, _ = pickle.loads((args.workdir / "corpus.pickle").read_bytes())
    command, settings = deploy_settings()
    root = args.workdir / "pg-root"  # the build machine's checkout: documents and its cache
    if not root.exists():
        shutil.copytree(args.workdir / "root" / "documents", root / "documents")
    env = {**os.environ, **settings, "ARCHIVE_ROOT": str(root), "PYTHONPATH": str(PROJECT)}
    env.update(ARCHIVE_DATABASE_URL=args.database_url, ARCHIVE_READ_DATABASE_URL="")
    env.update(ARCHIVE_BASE_URL="", ARCHIVE_TRUSTED_HOSTS="")
    if args.fresh:
        fresh_database(args.database_url)
        shutil.rmtree(root / "instance", ignore_errors=True)
    started = time.monotonic()
    build = [sys.executable, "-m", "webapp.cli", "--root", str(root), "build"]
    result = subprocess.run(build, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"archive build failed: {result.stdout}{result.stderr}")
    lines = (result.stdout or result.stderr).strip().splitlines()
    print(f"archive build on PostgreSQL: {lines[-1] if lines else ''} "
          f"({time.monotonic() - started:.0f} s)")  # fmt: skip
    web = tmp / "web-machine"  # a web machine keeps no files
    web.mkdir()
    env["ARCHIVE_ROOT"] = str(web)
    assert command[0].endswith("/gunicorn"), command
    bind = command.index("--bind") + 1

    def launch_web(port: int, log: Path) -> subprocess.Popen:
        served = [sys.executable, "-m", "gunicorn", *command[1:]]
        served[bind + 2] = f"{HOST}:{port}"  # two more words in front: -m gunicorn
        return popen(served, log, env=env, cwd=web)

    database = datasette_database(args.workdir / "corpus.db", doc_rows(docs))

    def launch_datasette(port: int, log: Path) -> subprocess.Popen:
        datasette = [str(venv_tool("datasette")), "serve", str(database), "--host", HOST]
        return popen([*datasette, "--port", str(port), *DATASETTE_SETTINGS], log)

    workers = command[command.index("--workers") + 1]
    threads = command[command.index("--threads") + 1]
    name = make_url(args.database_url).database
    doc = docs[len(docs) // 2].id
    return {
        "production": Server(
            f"archive-web.service: gunicorn, {workers} gthread × {threads}, PostgreSQL search",
            production_mix(doc), launch_web, database=name,
        ),
        "datasette": Server(
            f"{datasette_version()} (sqlite-utils FTS5)", datasette_mix(doc, database.stem),
            launch_datasette,
        ),
    }  # fmt: skip


def run_all(servers: dict[str, Server], args, tmp: Path) -> dict[str, dict]:
    log = tmp / "server.log"
    for key, server in servers.items():
        server.script = tmp / f"mix-{len(key)}-{abs(hash(key))}.lua"
        server.script.write_text(LUA % ", ".join(f'"{path}"' for path in server.mix))
    runs: dict[str, list[dict]] = {key: [] for key in servers}
    try:
        for number in range(1, args.rounds + 1):
            for key, server in servers.items():
                print(f"round {number}: {server.label} …", flush=True)
                runs[key].append(measure(server, args, log))
    except RuntimeError:
        print(log.read_text(errors="replace")[-3000:] if log.exists() else "", file=sys.stderr)
        raise
    return {key: summarise(found) for key, found in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--plans", help="comma-separated plans (default: see the docstring)")
    parser.add_argument("--production", action="store_true", help="deploy/'s configuration")
    parser.add_argument("--workdir", type=Path, help="with --production: bench/search.py's")
    parser.add_argument("--database-url", help="with --production: a scratch PostgreSQL database")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="with --production: drop and create that database first, and build it anew",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve_one(args.serve, args.root, args.port)
    if shutil.which("wrk") is None:
        sys.exit("bench/load.py needs wrk: apt-get install -y wrk (Debian/Ubuntu)")
    if args.production and not (args.workdir and args.database_url):
        parser.error("--production needs --workdir and --database-url")
    loads = [load_average()]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        if args.production:
            servers = production_servers(args, Path(tmp))
        else:
            specs = args.plans.split(",") if args.plans else default_plans()
            servers = plan_servers(specs, Path(tmp))
        rows = run_all(servers, args, Path(tmp))
        costs = {
            key: page_costs(server, Path(tmp) / "server.log") for key, server in servers.items()
        }
    loads.append(load_average())
    report(rows, servers, args, loads)
    print("\nEach page alone, one request at a time (20 after one to warm): server CPU ms/request"
          " (with PostgreSQL's), median wall ms")  # fmt: skip
    for key, found in costs.items():
        print(f"{servers[key].label}:")
        for path, (cpu, wall) in found.items():
            print(f"  {cpu:7.1f} {wall:7.1f}  {path}")


if __name__ == "__main__":
    main()
