"""``archive build --watch``: a real ``archive`` process watching a copy of the shipped corpus;
each saved change becomes searchable (read here through the library, as a separate process would
read it), a bad document is reported and the watch goes on, and SIGINT or SIGTERM stop it with
exit status 0. No timing asserts: every wait is for a line or a condition, with a deadline."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select

from archive.core import Archive
from archive.models import Document
from archive.search import SearchRequest

from .conftest import PROJECT

EDITED = "home-office-iicsa-purpose"
DELETED = "home-office-leave-no-stone-unturned"
BROKEN = "event-2014-07-14-butler-sloss-stands-down"
DEADLINE = 60  # seconds: generous, for a busy CI machine; never a measure of speed


class Watching:
    """``archive build --watch`` in its own process, its output (both streams) read line by
    line as it comes."""

    def __init__(self, root: Path, database_url: str):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
        env.update(
            ARCHIVE_ROOT=str(root),
            ARCHIVE_DATABASE_URL=database_url,
            PYTHONUNBUFFERED="1",
            PYTHONPATH=os.pathsep.join([str(PROJECT), env.get("PYTHONPATH", "")]),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from webapp.cli import main; main(prog_name='archive')"]
            + ["build", "--watch"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_for(self, text: str) -> str:
        """The next line holding ``text`` (lines before it are kept in ``output``)."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"the watcher exited; it said:\n{self.said()}")
            self.output.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {DEADLINE} s:\n{self.said()}")

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=DEADLINE)
        while (line := self._lines.get(timeout=DEADLINE)) is not None:
            self.output.append(line)
        return code

    def said(self) -> str:
        return "\n".join(self.output)

    def kill(self) -> None:
        """Make sure the process is gone and its pipe closed (after a stop, only the pipe)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=DEADLINE)
        self.process.stdout.close()


def _eventually(condition, what: str):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {DEADLINE} s: {what}")


def _found(root: Path, url: str, word: str) -> list[str]:
    """What a separate reader finds for ``word`` now (a fresh archive: no cached searcher)."""
    archive = Archive.open(root, database_url=url)
    try:
        results = archive.search.search(SearchRequest(q=word))
        return sorted(hit.document_id for hit in results.hits)
    finally:
        archive.close()


def _withdrawn(root: Path, url: str, doc_id: str) -> bool:
    archive = Archive.open(root, database_url=url)
    try:
        with archive.session() as session:
            document = session.scalars(select(Document).where(Document.id == doc_id)).one()
            return document.withdrawn_at is not None
    finally:
        archive.close()


def _append(path: Path, words: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{words}\n", encoding="utf-8")


def _started(archive_root: Path, database_url: str) -> Watching:
    watching = Watching(archive_root, database_url)
    try:
        first = watching.wait_for("full build (the first build)")
        assert "0 problems" in first, watching.said()
        watching.wait_for("Watching ")
    except BaseException:
        watching.kill()
        raise
    return watching


def _stopped_cleanly(watching, code: int) -> None:
    """Exit 0, "Stopped." last, and no traceback anywhere in what the watcher said."""
    assert code == 0, watching.said()
    assert watching.output[-1] == "Stopped."
    assert "Traceback" not in watching.said()


def test_edits_new_files_deletions_and_bad_documents_while_watching(archive_root, database_url):
    documents = archive_root / "documents"
    watching = _started(archive_root, database_url)
    try:
        # An edit: searchable, built as ``archive build PATH`` builds it (not in full).
        _append(documents / f"{EDITED}.md", "Added words: watchqvzedit.")
        line = watching.wait_for(f"documents/{EDITED}.md: Build: 0 added, 1 changed")
        assert "0 problems" in line
        assert _eventually(lambda: _found(archive_root, database_url, "watchqvzedit"), "edit")
        assert _found(archive_root, database_url, "watchqvzedit") == [EDITED]

        # A new document file.
        text = (documents / f"{EDITED}.md").read_text(encoding="utf-8")
        new = text.replace(f"id: {EDITED}", "id: watch-new-document", 1)
        (documents / "watch-new-document.md").write_text(
            new.replace("watchqvzedit", "watchqvznew"), encoding="utf-8"
        )
        watching.wait_for("documents/watch-new-document.md: Build: 1 added")
        found = _eventually(lambda: _found(archive_root, database_url, "watchqvznew"), "new")
        assert found == ["watch-new-document"]

        # A deleted file: its document withdrawn, as a build withdraws it.
        (documents / f"{DELETED}.md").unlink()
        watching.wait_for(f"documents/{DELETED}.md: Build: 0 added, 0 changed, 0 reinstated, 1")
        assert _withdrawn(archive_root, database_url, DELETED)

        # A bad document is reported as a build reports it; the watch goes on, and the
        # document's archived version is untouched until a valid edit lands.
        broken = documents / f"{BROKEN}.md"
        good = broken.read_text(encoding="utf-8")
        broken.write_text(
            good.replace('date: "2014-07-14"', 'date: "the day after"', 1) + "\nwatchqvzbroken\n",
            encoding="utf-8",
        )
        watching.wait_for(f"documents/{BROKEN}.md:")  # the problem, path:line: message
        assert "0 changed" in watching.wait_for(", 1 problems")
        assert _found(archive_root, database_url, "watchqvzbroken") == []
        broken.write_text(good.rstrip("\n") + "\n\nwatchqvzfixed\n", encoding="utf-8")
        watching.wait_for(f"documents/{BROKEN}.md: Build: 0 added, 1 changed")
        assert _eventually(lambda: _found(archive_root, database_url, "watchqvzfixed"), "fix")

        code = watching.stop(signal.SIGTERM)
    finally:
        watching.kill()
    _stopped_cleanly(watching, code)
    # The ledger files the watcher wrote itself are not taken for edits (no full build
    # after the first), and nothing it archived is lost: a full build finds nothing to do.
    assert sum("full build" in line for line in watching.output) == 1, watching.said()
    archive = Archive.open(archive_root, database_url=database_url)
    try:
        report = archive.build(timeout=0)
    finally:
        archive.close()
    assert not (report.added or report.changed or report.withdrawn or report.problems)


def test_full_builds_when_needed_no_lock_while_waiting_and_ctrl_c(archive_root, tmp_path):
    url = f"sqlite:///{tmp_path / 'instance' / 'archive.sqlite3'}"
    documents = archive_root / "documents"
    watching = _started(archive_root, url)
    try:
        # Waiting, the watcher holds no lock: another build runs at once (timeout 0).
        other = Archive.open(archive_root, database_url=url)
        try:
            assert not other.build(timeout=0).problems
        finally:
            other.close()

        # A change to organisations.yaml: every document depends on it, so a full build.
        with open(documents / "organisations.yaml", "a", encoding="utf-8") as handle:
            handle.write("\n# a comment\n")
        watching.wait_for("full build (documents/organisations.yaml changed): Build:")

        # A ledger file changed without its document's file: a full build, saying why.
        os.utime(documents / "ledger" / f"{EDITED}.jsonl")
        watching.wait_for(f"full build (documents/ledger/{EDITED}.jsonl changed without")

        # A folder moved in, or away, reports only itself: a full build, saying why.
        incoming = tmp_path / "incoming" / "moved"
        incoming.mkdir(parents=True)
        text = (documents / f"{EDITED}.md").read_text(encoding="utf-8")
        (incoming / "watch-moved-in.md").write_text(
            text.replace(f"id: {EDITED}", "id: watch-moved-in", 1) + "\nwatchqvzmoved\n",
            encoding="utf-8",
        )
        incoming.rename(documents / "moved")
        line = watching.wait_for("full build (a folder appeared (documents/moved)): Build: 1 added")
        assert _eventually(lambda: _found(archive_root, url, "watchqvzmoved"), "moved in")
        (documents / "moved").rename(incoming)
        line = watching.wait_for("full build (a folder went away (documents/moved)): Build:")
        assert "1 withdrawn" in line
        assert _withdrawn(archive_root, url, "watch-moved-in")

        # After those, one edit is again built on its own.
        _append(documents / f"{EDITED}.md", "Added words: watchqvzafter.")
        watching.wait_for(f"documents/{EDITED}.md: Build: 0 added, 1 changed")
        assert _eventually(lambda: _found(archive_root, url, "watchqvzafter"), "edit")

        code = watching.stop(signal.SIGINT)
    finally:
        watching.kill()
    _stopped_cleanly(watching, code)
    other = Archive.open(archive_root, database_url=url)
    try:
        assert not other.build(timeout=0).problems  # the lock is free
    finally:
        other.close()


def test_the_watch_unit_runs_the_watcher_with_the_shared_settings():
    """deploy/systemd/archive-watch.service runs `archive build --watch` with archive.env,
    is stopped by SIGTERM (exit 0) and is started again after a failure."""
    unit = (PROJECT / "deploy" / "systemd" / "archive-watch.service").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0].isalpha()
    )
    assert settings["ExecStart"].endswith("/archive build --watch")
    assert settings["EnvironmentFile"] == "/etc/archive/archive.env"
    assert settings["KillSignal"] == "SIGTERM"
    assert settings["Restart"] == "on-failure"
