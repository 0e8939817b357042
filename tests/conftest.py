"""Fixtures: each test gets its own archive root (a copy of a corpus), database and index.

PostgreSQL tests run when ``ARCHIVE_TEST_DATABASE_URL`` names a server where we may create
databases (``.ci/run`` sets it); each test gets a fresh database, dropped afterwards. Browser
tests run when Debian's Chromium is at ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from archive.cli import main as cli_main
from archive.core import Archive

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED_DOCUMENTS = PROJECT / "documents"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The workspace beside the repository: the design notes and the source texts the corpus
# quotes. A plain clone has no ../shared; CI has it, so only its absence may skip a test.
SHARED = PROJECT.parent / "shared"
SOURCES = SHARED / "sources"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"needs ../shared beside the repository ({SHARED}); a plain clone has none",
)
CHROMIUM = Path("/usr/bin/chromium")
PG_URL = os.environ.get("ARCHIVE_TEST_DATABASE_URL", "")
NO_PG = "PostgreSQL tests need ARCHIVE_TEST_DATABASE_URL (a server where we may CREATE DATABASE)"
STRICT = os.environ.get("ARCHIVE_TEST_STRICT") == "1"  # set by .ci/run

# Property tests take their example count from here, never from their own settings: a quick
# run locally, a fixed large one in CI (HYPOTHESIS_PROFILE=ci). No deadline: a slow machine is
# not a failure. CI keeps no example database, so every run starts fresh and prints a blob to
# reproduce any failure with @reproduce_failure.
settings.register_profile("dev", max_examples=150, deadline=None)
settings.register_profile("ci", max_examples=1000, deadline=None, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def skip_unless_available(reason: str) -> None:
    """Skip a test whose tool is absent here; in CI (strict) that absence is a failure."""
    if STRICT:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def copy_corpus(source: Path, root: Path) -> Path:
    """Make ``root`` an archive root holding a copy of the corpus in ``source``."""
    shutil.copytree(source, root / "documents")
    return root


def rewind_to_first_version(root: Path, *doc_ids: str) -> None:
    """Put each document of ``root`` back as it was at version 1, file and ledger alike: for
    tests that count versions from 1, whatever corrections the shipped corpus has had since."""
    import json

    import yaml

    for doc_id in doc_ids:
        ledger = root / "documents" / "ledger" / f"{doc_id}.jsonl"
        first_line = ledger.read_text(encoding="utf-8").splitlines()[0]
        first = json.loads(first_line)
        metadata = {"id": doc_id, **first["metadata"]}  # the id on the first line, as written
        front = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False, width=10_000)
        path = root / "documents" / f"{doc_id}.md"
        path.write_text(f"---\n{front}---\n{first['body']}\n", encoding="utf-8")
        ledger.write_text(first_line + "\n", encoding="utf-8")


@pytest.fixture
def archive_root(tmp_path: Path) -> Path:
    """An archive root holding a copy of the shipped documents."""
    return copy_corpus(SHIPPED_DOCUMENTS, tmp_path / "root")


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for this test (skips when none is configured)."""
    if not PG_URL:
        skip_unless_available(NO_PG)
    yield from _fresh_postgres()


def _fresh_postgres():
    name = f"archive_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path):
    """Each test using this runs twice: on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'instance' / 'archive.sqlite3'}"
    else:
        if not PG_URL:
            skip_unless_available(NO_PG)
        yield from _fresh_postgres()


@pytest.fixture
def make_archive():
    """Open archives on given roots and database URLs; all are closed after the test."""
    opened: list[Archive] = []

    def _make(root: Path, database_url: str | None = None, **overrides) -> Archive:
        if database_url:
            overrides["database_url"] = database_url
        archive = Archive.open(root, **overrides)
        opened.append(archive)
        return archive

    yield _make
    for archive in opened:
        archive.close()


@pytest.fixture
def archive(archive_root: Path, database_url: str, make_archive) -> Archive:
    """The shipped corpus, built, on SQLite and (in CI) on PostgreSQL."""
    built = make_archive(archive_root, database_url)
    report = built.build()
    assert not report.problems, report.problems
    return built


@pytest.fixture
def sqlite_archive(archive_root: Path, make_archive) -> Archive:
    """The shipped corpus, built on SQLite only (for tests that are not about the database)."""
    built = make_archive(archive_root)
    report = built.build()
    assert not report.problems, report.problems
    return built


@pytest.fixture
def app(sqlite_archive: Archive):
    from webapp import create_app

    return create_app({"TESTING": True}, archive=sqlite_archive)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_cli():
    """Run the ``archive`` command in-process; returns click's result."""

    def _run(root: Path, *args: str, env: dict | None = None):
        runner = CliRunner()
        args = ["--root", str(root), *args]
        return runner.invoke(cli_main, args, env=env, catch_exceptions=False)

    return _run


def _free_port() -> int:
    """A loopback port free now (for servers started elsewhere; ``serving`` binds port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app):
    """Serve ``app`` with waitress on a free loopback port in a thread; yield the base URL.

    Shutting down, the loop is stopped first and everything is closed from its own thread:
    closing sockets from here while the loop polled them raised "Bad file descriptor" (in the
    loop or in a worker pulling the closed trigger) and left the loop running on kept-alive
    connections. waitress has no stop call, so we run its loop ourselves, one poll at a time.
    """
    from waitress import wasyncore
    from waitress.server import create_server

    sockets: dict = {}  # our own socket map: the listener, the trigger and every connection
    server = create_server(app, map=sockets, host="127.0.0.1", port=0, threads=4)
    adj, stop, pulled = server.adj, threading.Event(), threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                wasyncore.loop(adj.asyncore_loop_timeout, adj.asyncore_use_poll, sockets, count=1)
        finally:
            # Close nothing until the test thread has pulled the trigger: closed first, its
            # descriptor could be written to after closing (EBADF, or worse, a reused number).
            pulled.wait(timeout=10)
            server.task_dispatcher.shutdown()  # workers finish (and may pull the trigger)
            wasyncore.close_all(sockets)

    thread = threading.Thread(target=run, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        try:
            server.pull_trigger()  # wake the loop now, not at its next timeout
        finally:
            pulled.set()
        thread.join(timeout=10)
        assert not thread.is_alive() and not sockets, "the live server did not stop"


@pytest.fixture
def live_server(app):
    """Serve ``app`` with waitress on a free loopback port; yields the base URL."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        skip_unless_available("browser tests need Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
