"""``archive serve``: the fastest safe server for the machine it runs on.

Where processes can fork (Linux, macOS, the BSDs), gunicorn runs one worker process per core,
each with a few threads (its ``gthread`` worker). The archive's work is Python, so threads in
one process take turns on the GIL; processes are what use a second core. Nothing opened crosses
the fork: the command's own archive is closed first, and each worker opens its own ``Archive``
from the same settings after it is forked (its SQLAlchemy engine and its Whoosh searcher are
created there, on first use) and closes it when it exits. Where there is no fork (Windows),
waitress serves from this process with a few threads.

Why ``gthread`` and not gunicorn's default ``sync`` worker: a sync worker handles one connection
at a time and gunicorn's documentation asks for a buffering proxy in front of it, since one
client that sends slowly holds a whole worker. ``archive serve`` may face clients directly; a
gthread worker keeps idle keep-alive connections in its event loop and serves requests from a
pool of threads, so a slow client holds one thread, not the worker. It also measured ahead of
sync here (``bench/load.py``; figures in the README).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from archive.config import Config
from archive.core import Archive

THREADS_PER_WORKER = 8  # gthread: measured ahead of 4 (bench/load.py); slow clients hold threads
WAITRESS_THREADS = 4  # one process: more threads only queue on the GIL, fewer stall on one slow


@dataclass(frozen=True)
class Plan:
    """How to serve: ``workers`` processes (0: this process serves) of ``threads`` threads."""

    server: str  # "gunicorn" or "waitress"
    workers: int
    threads: int
    worker_class: str = "gthread"  # gunicorn's worker type ("gthread" or "sync")

    def describe(self) -> str:
        if self.server == "waitress":
            return f"waitress, {self.threads} threads in this process"
        per_worker = "" if self.worker_class == "sync" else f" × {self.threads} threads"
        noun = "process" if self.workers == 1 else "processes"
        return f"gunicorn, {self.workers} {self.worker_class} worker {noun}{per_worker}"


def cpu_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def plan(
    workers: int | None = None,
    threads: int | None = None,
    *,
    cores: int | None = None,
    fork: bool | None = None,
) -> Plan:
    """The default plan, with ``workers`` and ``threads`` as overrides.

    ``workers`` defaults to one per core where processes can fork; ``workers=0`` (and any
    platform without fork) serves from this process with waitress. ``threads`` is per worker
    with gunicorn and in all with waitress.
    """
    if workers is not None and workers < 0:
        raise ValueError(f"workers must be 0 or more, not {workers}")
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be 1 or more, not {threads}")
    fork = can_fork() if fork is None else fork
    if not fork or workers == 0:
        return Plan("waitress", 0, threads or WAITRESS_THREADS)
    return Plan("gunicorn", workers or cores or cpu_cores(), threads or THREADS_PER_WORKER)


def serve(
    archive: Archive,
    host: str,
    port: int,
    workers: int | None = None,
    threads: int | None = None,
) -> None:
    """Serve the archive on ``host:port`` until interrupted (Ctrl+C, SIGINT or SIGTERM)."""
    chosen = plan(workers, threads)
    if workers and chosen.server == "waitress":
        print("Worker processes need fork, which this platform lacks.", file=sys.stderr)
    print(f"Serving the archive on {url(host, port)} with {chosen.describe()} (Ctrl+C to stop)")
    sys.stdout.flush()
    run(archive, host, port, chosen)


def run(archive: Archive, host: str, port: int, chosen: Plan) -> None:
    """Serve with exactly ``chosen`` (the benchmark's way in, too)."""
    if chosen.server == "waitress":
        from . import create_app

        _waitress(create_app(archive=archive), host, port, chosen.threads)
        return
    config = archive.config
    archive.close()  # nothing opened here may be inherited by the workers
    _gunicorn_application(config, bind(host, port), chosen).run()


def _waitress(app, host: str, port: int, threads: int) -> None:
    """waitress's ``serve``, stopped by SIGINT or SIGTERM through handlers of our own.

    ``waitress.serve`` stops on KeyboardInterrupt, which needs Python's default SIGINT handler,
    and a process started with SIGINT ignored keeps it ignored (a shell starts a script's
    ``cmd &`` so): such a server never stopped on Ctrl+C or ``kill -INT``, and SIGTERM killed
    it outright. Here both signals only mark the server as stopping and wake its loop, so no
    exception lands in whatever the main thread was doing (holding one of waitress's locks,
    say). The loop ends, the threads finish the requests in hand (waitress waits up to 5 s)
    and the command returns, exit status 0, as on gunicorn's path (whose arbiter sets its own
    handlers too). waitress ≥ 3, < 4 (pyproject.toml): ``create_server`` and its loop are the
    pieces its ``serve`` is made of.
    """
    import logging
    import signal

    from waitress import wasyncore
    from waitress.server import MultiSocketServer, create_server

    logging.basicConfig()  # as waitress.serve: its "Serving on" line and its warnings
    server = create_server(app, host=host, port=port, threads=threads)
    server.print_listen("Serving on http://{}:{}")
    # one listening socket, or several (a name with IPv4 and IPv6 addresses) in one map
    sockets = server.map if isinstance(server, MultiSocketServer) else server._map
    wake = next(each.pull_trigger for each in sockets.values() if hasattr(each, "pull_trigger"))
    stopping: list[int] = []

    def stop(signum, _frame) -> None:
        stopping.append(signum)
        wake()  # a byte down waitress's own pipe: the loop wakes now, not at its 1 s timeout

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping:
            wasyncore.loop(
                timeout=server.adj.asyncore_loop_timeout,
                map=sockets,
                use_poll=server.adj.asyncore_use_poll,
                count=1,
            )
    finally:
        for signum, handler in previous.items():  # a second Ctrl+C may cut the wait below short
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        server.task_dispatcher.shutdown()  # the requests in hand, then the threads end
        wasyncore.close_all(sockets)


def url(host: str, port: int) -> str:
    return f"http://{bind(host, port)}/"


def bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_options(address: str, chosen: Plan) -> dict:
    return {
        "bind": [address],
        "workers": chosen.workers,
        "worker_class": _thread_worker() if chosen.worker_class == "gthread" else "sync",
        "threads": chosen.threads,
        "proc_name": "archive",
        # gunicorn ≥ 25 opens a control socket at a fixed path under $HOME by default; two
        # archives (or a test beside a real one) would fight over it, and nothing here uses it.
        "control_socket_disable": True,
        "worker_exit": _close_worker_archive,
    }


def _gunicorn_application(config: Config, address: str, chosen: Plan):
    from gunicorn.app.base import BaseApplication

    class ArchiveApplication(BaseApplication):
        """Each worker loads the app after the fork, over an archive of its own."""

        def load_config(self) -> None:
            for key, value in gunicorn_options(address, chosen).items():
                self.cfg.set(key, value)

        def load(self):
            from . import create_app

            return create_app(archive=Archive(config))

    return ArchiveApplication(prog="archive serve")


def _thread_worker():
    """gunicorn's gthread worker, stopped by a quit without raising in its main thread.

    gthread's ``handle_quit`` (gunicorn 27.0.1) shuts its thread pool down from the signal
    handler, which takes the pool's non-reentrant lock: when the signal lands while the main
    thread holds that lock (handing a request to the pool), or inside a first quit (Ctrl+C
    signals the whole group: SIGINT from the terminal, then SIGQUIT from the arbiter), the
    worker waits on itself. The base worker's quit instead raises ``SystemExit`` from the
    handler, wherever the main thread is: inside ``with future._condition`` (handing a
    connection to the pool) the lock is taken and never given back, and at exit the pool
    thread that wants it is joined for ever (about one Ctrl+C in fifteen hung until the
    arbiter killed the worker 30 s later; faulthandler showed the thread in
    ``set_running_or_notify_cancel``). Here a quit only ends the main loop, as SIGTERM does:
    within its 1 s poll the worker stops accepting, lets requests in hand finish (kept-alive
    connections linger 2 s at most), shuts its pool down outside any handler and exits 0.
    """
    from gunicorn.workers.gthread import ThreadWorker

    class QuitOnceThreadWorker(ThreadWorker):
        quitting = False

        def handle_quit(self, sig, frame) -> None:
            self.alive = False
            if not self.quitting:
                self.quitting = True
                self.cfg.worker_int(self)

    return QuitOnceThreadWorker


def _close_worker_archive(_server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions["archive"].close()
