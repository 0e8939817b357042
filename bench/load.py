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

``bench/load_production.py`` measures the production configuration (``deploy/``'s web unit
over PostgreSQL) beside Datasette with this module's machinery. After the rounds, each page of
each mix is requested alone, one request at a time, for its own CPU cost and wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from search_http import (  # noqa: E402
    _free_port,
    _get,
    commit,
    cpu_seconds,
    load_average,
    machine,
    stop,
)

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


def summarise(runs: list[dict]) -> dict:
    """The median of each figure over the rounds, the range of req/s, and every error."""
    keys = ("rps", "p50", "p95", "p99", "cpu_ms", "db_cpu_ms", "cores")
    row = {key: statistics.median(run[key] for run in runs) for key in keys}
    rates = [run["rps"] for run in runs]
    row["range"] = f" ({min(rates):.1f}–{max(rates):.1f})" if len(runs) > 1 else ""
    row["errors"] = sum(run["errors"] for run in runs)
    return row


def report(rows: dict[str, dict], servers: dict[str, Server], args, loads: list[str],
           base_key: str) -> None:  # fmt: skip
    print(f"\n{dt.date.today()}, {machine()}, commit {commit()}")
    print(f"load average before/after: {' / '.join(loads)}")
    print(
        f"{args.clients} keep-alive clients, {args.seconds:g} s per server after a warm-up, "
        f"{args.rounds} round(s) with the servers in turn (medians; req/s range in brackets)"
    )
    for key, server in servers.items():
        print(f"mix of {key}, in turn: " + ", ".join(server.mix))
    base = rows.get(base_key)
    old = {"waitress:8": "old", "datasette": "Datasette"}.get(base_key, base_key)
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


def plan_servers(specs: list[str], tmp: Path) -> dict[str, Server]:
    """The plans over a copy of this repository's documents (SQLite + Whoosh)."""
    root = tmp / "root"
    shutil.copytree(PROJECT / "documents", root / "documents")
    archive = Archive.open(root)
    print(f"Build: {archive.build().summary()}.")
    archive.close()
    return {spec: plan_server(spec, root) for spec in specs}


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


def common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3)


def measure_all(make_servers: Callable[[Path], dict[str, Server]], args, base: str) -> None:
    """Rounds of every server in turn, then each page alone; print both with ``base``'s ratios."""
    if shutil.which("wrk") is None:
        sys.exit("bench/load.py needs wrk: apt-get install -y wrk (Debian/Ubuntu)")
    loads = [load_average()]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        servers = make_servers(Path(tmp))
        rows = run_all(servers, args, Path(tmp))
        costs = {
            key: page_costs(server, Path(tmp) / "server.log") for key, server in servers.items()
        }
    loads.append(load_average())
    report(rows, servers, args, loads, base)
    print("\nEach page alone, one request at a time (20 after one to warm): server CPU ms/request"
          " (with PostgreSQL's), median wall ms")  # fmt: skip
    for key, found in costs.items():
        print(f"{servers[key].label}:")
        for path, (cpu, wall) in found.items():
            print(f"  {cpu:7.1f} {wall:7.1f}  {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_arguments(parser)
    parser.add_argument("--plans", help="comma-separated plans (default: see the docstring)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve_one(args.serve, args.root, args.port)
    specs = args.plans.split(",") if args.plans else default_plans()
    measure_all(lambda tmp: plan_servers(specs, tmp), args, "waitress:8")


if __name__ == "__main__":
    main()
