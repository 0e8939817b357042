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
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.core import Archive
from webapp.serving import THREADS_PER_WORKER, Plan, cpu_cores, plan, run, serve

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


def start(spec: str, root: Path, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, __file__, "--serve", spec, "--root", str(root), "--port", str(port)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{spec} exited with {process.returncode}; see {log}")
        try:
            statuses = {path: _get(port, path) for path in MIX}
        except OSError:
            time.sleep(0.3)
            continue
        bad = {path: status for path, status in statuses.items() if status != 200}
        if bad:
            stop(process)
            raise RuntimeError(f"{spec}: pages that did not answer 200: {bad}")
        return process
    stop(process)
    raise RuntimeError(f"{spec} did not answer within 60 s; see {log}")


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


def measure(spec: str, root: Path, script: Path, args, log: Path) -> dict:
    """One plan, one round: the server's CPU per request and cores kept busy, beside wrk's."""
    port = _free_port()
    process = start(spec, root, port, log)
    try:
        drive(port, script, args.clients, args.warmup)
        cpu, started = cpu_seconds(process.pid), time.monotonic()
        row = drive(port, script, args.clients, args.seconds)
        cpu = cpu_seconds(process.pid) - cpu
        row["cores"] = cpu / (time.monotonic() - started)
        row["cpu_ms"] = 1000 * cpu / max(1, row["requests"])
        return row
    finally:
        stop(process)


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
    keys = ("rps", "p50", "p95", "p99", "cpu_ms", "cores")
    row = {key: statistics.median(run[key] for run in runs) for key in keys}
    rates = [run["rps"] for run in runs]
    row["range"] = f" ({min(rates):.1f}–{max(rates):.1f})" if len(runs) > 1 else ""
    row["errors"] = sum(run["errors"] for run in runs)
    return row


def report(rows: dict[str, dict], args, loads: list[str]) -> None:
    print(f"\n{dt.date.today()}, {machine()}; load average before/after: {' / '.join(loads)}")
    print(
        f"{args.clients} keep-alive clients, {args.seconds:g} s per plan after a warm-up, "
        f"{args.rounds} round(s) with the plans in turn (medians; req/s range in brackets)"
    )
    print("mix, in turn: " + ", ".join(MIX))
    base = rows.get("waitress:8")
    print(
        "\n| plan | req/s | p50 ms | p95 ms | p99 ms | errors | req/s vs old | p99 vs old "
        "| server CPU ms/req | cores busy |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    for spec, row in rows.items():
        ratios = ["", ""]
        if base and spec != "waitress:8":
            ratios = [f"×{row['rps'] / base['rps']:.2f}", f"×{row['p99'] / base['p99']:.2f}"]
        print(
            f"| {label(spec)} | {row['rps']:.1f}{row['range']} | {row['p50']:.0f} | "
            f"{row['p95']:.0f} | {row['p99']:.0f} | {row['errors']} | {ratios[0]} | {ratios[1]} | "
            f"{row['cpu_ms']:.1f} | {row['cores']:.2f} |"
        )


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def run_all(specs: list[str], args, tmp: Path) -> dict[str, dict]:
    root = tmp / "root"
    shutil.copytree(PROJECT / "documents", root / "documents")
    archive = Archive.open(root)
    print(f"Build: {archive.build().summary()}.")
    archive.close()
    script, log = tmp / "mix.lua", tmp / "server.log"
    script.write_text(LUA % ", ".join(f'"{path}"' for path in MIX))
    runs: dict[str, list[dict]] = {spec: [] for spec in specs}
    try:
        for number in range(1, args.rounds + 1):
            for spec in specs:
                print(f"round {number}: {label(spec)} …", flush=True)
                runs[spec].append(measure(spec, root, script, args, log))
    except RuntimeError:
        print(log.read_text(errors="replace")[-3000:] if log.exists() else "", file=sys.stderr)
        raise
    return {spec: summarise(found) for spec, found in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--plans", help="comma-separated plans (default: see the docstring)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve_one(args.serve, args.root, args.port)
    if shutil.which("wrk") is None:
        sys.exit("bench/load.py needs wrk: apt-get install -y wrk (Debian/Ubuntu)")
    specs = args.plans.split(",") if args.plans else default_plans()
    loads = [load_average()]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        rows = run_all(specs, args, Path(tmp))
    loads.append(load_average())
    report(rows, args, loads)


if __name__ == "__main__":
    main()
