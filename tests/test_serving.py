"""``archive serve``: worker processes, one per core, and Ctrl+C stops every one of them.

Which process serves a request is seen from outside, in ``/proc``: each keep-alive connection's
socket is held open by the worker that accepted it, so the owners of the server's established
sockets are the processes serving. Linux only (``/proc``); the plan itself is tested everywhere.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from webapp.serving import THREADS_PER_WORKER, WAITRESS_THREADS, Plan, bind, cpu_cores, plan

from .conftest import PROJECT

PROC = Path("/proc")
on_linux = pytest.mark.skipif(not (PROC / "self" / "stat").exists(), reason="needs Linux /proc")


def serve_command(port: int, *options: str) -> list[str]:
    """The real ``archive serve`` (the console script, or its module when not installed)."""
    archive = Path(sys.executable).parent / "archive"
    command = [str(archive)] if archive.exists() else [sys.executable, "-m", "webapp.cli"]
    return [*command, "serve", "--port", str(port), *options]


def test_the_default_is_a_worker_process_per_core_where_there_is_fork():
    assert plan(cores=4, fork=True) == Plan("gunicorn", 4, THREADS_PER_WORKER, "gthread")
    assert plan(3, 2, cores=8, fork=True) == Plan("gunicorn", 3, 2, "gthread")
    assert plan(cores=4, fork=False) == Plan("waitress", 0, WAITRESS_THREADS)
    assert plan(5, 6, cores=4, fork=False) == Plan("waitress", 0, 6)
    assert plan(0, cores=4, fork=True) == Plan("waitress", 0, WAITRESS_THREADS)
    assert plan(cores=1, fork=True).workers == 1
    for bad in ({"workers": -1}, {"threads": 0}):
        with pytest.raises(ValueError):
            plan(**bad)
    assert bind("::1", 8000) == "[::1]:8000"
    assert "2 gthread worker processes × 4 threads" in Plan("gunicorn", 2, 4).describe()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Sets SIGINT's disposition, then runs the command: what the server starts with never depends
# on how pytest was started (a shell starts a script's ``cmd &`` with SIGINT ignored, and the
# ignoring is inherited, by pytest and by the server it starts).
WITH_SIGINT = (
    "import os, signal, sys;"
    "signal.signal(signal.SIGINT, getattr(signal, sys.argv[1]));"
    "os.execv(sys.argv[2], sys.argv[2:])"
)


def _start(root: Path, *options: str, sigint: str = "SIG_DFL") -> tuple[subprocess.Popen, int]:
    """Start the server in its own process group (as a shell runs a foreground command), with
    SIGINT at its default (``SIG_DFL``: a terminal's foreground command) or ignored (``SIG_IGN``).

    Its output goes to ``serve.log`` beside the root, with faulthandler on, so a server that
    does not stop can be made to show every thread's stack (``_assert_everything_stops``)."""
    port = _free_port()
    env = {**os.environ, "ARCHIVE_ROOT": str(root), "PYTHONFAULTHANDLER": "1"}
    env.pop("ARCHIVE_DATABASE_URL", None)
    with open(_log(root), "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", WITH_SIGINT, sigint, *serve_command(port, *options)],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log = _log(root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            _get(port, "/")
            return process, port
        except OSError:
            time.sleep(0.3)
    _kill_group(process)
    raise AssertionError("nothing answered within 60 s")


def _get(port: int, path: str, connection: http.client.HTTPConnection | None = None) -> int:
    """GET ``path``; over ``connection`` (left open) or over a new one (closed)."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        if own:
            connection.close()


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state, ppid, pgid, …), or None."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _children(pid: int) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields and fields[1] == str(pid):
            found.append(int(entry.name))
    return sorted(found)


def _group(pgid: int) -> list[int]:
    """Live processes of the process group (zombies are dead and do not count)."""
    found = []
    for entry in PROC.iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields and fields[2] == str(pgid) and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _socket_owners(port: int, pids: list[int]) -> set[int]:
    """Which of ``pids`` hold an established connection on the server's ``port``."""
    inodes = set()
    for line in (PROC / "net" / "tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":  # ESTABLISHED
            inodes.add(fields[9])
    owners = set()
    for pid in pids:
        try:
            links = [os.readlink(fd) for fd in (PROC / str(pid) / "fd").iterdir()]
        except OSError:
            continue
        if any(link.removeprefix("socket:[").removesuffix("]") in inodes for link in links):
            owners.add(pid)
    return owners


def _serving_processes(port: int, workers: list[int]) -> set[int]:
    """Open keep-alive connections in concurrent bursts until several workers hold some."""
    connections, owners = [], set()
    page = "/documents/lancashire-police-lcc-joint-statement-cse"
    with ThreadPoolExecutor(8) as pool:
        for _ in range(8):
            burst = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(8)]
            connections += burst
            assert set(pool.map(lambda c: _get(port, page, c), burst)) == {200}
            owners = _socket_owners(port, workers)
            if len(owners) > 1:
                break
    for connection in connections:
        connection.close()
    return owners


def _log(root: Path) -> Path:
    return root.parent / "serve.log"


def _output(process: subprocess.Popen) -> str:
    return process.log.read_text(errors="replace")


def _stacks(process: subprocess.Popen) -> str:
    """SIGABRT to the group: faulthandler prints each stuck process's threads' stacks."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGABRT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    return _output(process)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _assert_everything_stops(
    process: subprocess.Popen, ctrl_c: bool, signum: int = signal.SIGINT
) -> None:
    """Ctrl+C in a terminal signals the whole foreground group; ``kill -INT`` only the parent."""
    if ctrl_c:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    try:
        status = process.wait(timeout=20)  # gunicorn kills stuck workers at 30 s
    except subprocess.TimeoutExpired:
        name = signal.Signals(signum).name
        raise AssertionError(f"still running 20 s after {name}:\n{_stacks(process)}") from None
    assert status == 0, _output(process)
    deadline = time.monotonic() + 10
    while _group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(process.pid) == [], "processes were left behind"


@on_linux
@pytest.mark.parametrize("ctrl_c", [True, False], ids=["ctrl-c", "sigint-to-parent"])
def test_serve_runs_a_worker_per_core_and_sigint_stops_them_all(archive_root, ctrl_c):
    process, port = _start(archive_root)
    try:
        for path in ("/", "/documents", "/timeline", "/search?q=police", "/api/v1/search?q=x"):
            assert _get(port, path) == 200, path
        workers = _children(process.pid)
        assert len(workers) == cpu_cores()
        owners = _serving_processes(port, workers)
        if cpu_cores() > 1:
            assert len(owners) > 1, f"only {owners} of {workers} served"
        _assert_everything_stops(process, ctrl_c)
    finally:
        _kill_group(process)


@on_linux
@pytest.mark.parametrize(
    ("sigint", "signum"),
    [("SIG_DFL", signal.SIGINT), ("SIG_IGN", signal.SIGINT), ("SIG_DFL", signal.SIGTERM)],
    ids=["ctrl-c", "ctrl-c-started-with-sigint-ignored", "sigterm"],
)
def test_serve_with_no_worker_processes_serves_with_waitress(archive_root, sigint, signum):
    """Started with SIGINT ignored (``archive serve &`` in a script), Ctrl+C and ``kill -INT``
    still stop it: it once stopped only on KeyboardInterrupt, and kept serving. SIGTERM (what
    systemd and ``kill`` send) stops it the same way, exit status 0."""
    process, port = _start(archive_root, "--workers", "0", "--threads", "2", sigint=sigint)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        assert _get(port, "/documents", connection) == 200
        assert _children(process.pid) == []
        assert _socket_owners(port, [process.pid]) == {process.pid}
        connection.close()
        _assert_everything_stops(process, ctrl_c=True, signum=signum)
    finally:
        _kill_group(process)
