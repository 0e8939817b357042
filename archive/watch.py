"""``archive build --watch``: a builder that stays running, so one edit is searchable within a
second (issue 13, item 3) without paying Python's start and imports for every edit.

It does one full build (as ``archive build``), then waits for changes under ``documents/``
(``watchfiles``: inotify and its kin, through the Rust ``notify`` crate) and builds each batch of
changed document files with ``Archive.build_paths``, the code of ``archive build PATH...``. What
that cannot settle it hands to a full build, saying why, as ``--changed-since`` does:
``organisations.yaml`` changed, a ledger file changed without its document's file, a folder
came or went, or ``build_paths`` refuses (a duplicate id, …).

Each build takes the build lock as every build does, and only while it builds: a deploy's timer
build and the watcher never overlap. The first SIGINT or SIGTERM stops the watcher once the
build in hand (if any) has finished; a second one during a build interrupts it (its transaction
rolls back; the next build does what it did not).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import BuildReport
    from .core import Archive

# Changes are grouped until none has come for STEP ms (an editor's save: one batch), or for at
# most DEBOUNCE ms while they keep coming (a ``git pull``'s many files: one or a few batches).
STEP_MS = 50
DEBOUNCE_MS = 500
# How often the wait returns to Python when nothing changes (to start the first build once the
# watch is in place; stop requests are seen within STEP_MS regardless).
TIMEOUT_MS = 200
LOCK_SLICE = 0.5  # seconds: how long each try for the build lock waits before looking up


@dataclass
class Batch:
    """One group of changes: the document files to build, or why a full build is needed."""

    paths: list[str] = field(default_factory=list)  # relative to the root, as a build shows them
    full: str = ""

    def __bool__(self) -> bool:
        return bool(self.paths or self.full)


class Stop:
    """SIGINT and SIGTERM: the first asks the watcher to stop (after the build in hand); a
    second, during a build, interrupts it (KeyboardInterrupt)."""

    def __init__(self, echo: Callable[[str], None]):
        self.event = threading.Event()
        self.building = False
        self._echo = echo
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Stop:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum, frame) -> None:
        if self.event.is_set() and self.building:
            raise KeyboardInterrupt
        self.event.set()
        if self.building:
            self._echo("Stopping once this build ends (again to interrupt it).")


class Watcher:
    """Which changes ask for which build, and the ledger files this process wrote itself."""

    def __init__(self, root: Path, documents: Path):
        self.root = os.path.realpath(root)
        self.documents = os.path.realpath(documents)
        self.ledger = os.path.join(self.documents, "ledger")
        self.organisations = os.path.join(self.documents, "organisations.yaml")
        self.folders: set[str] = set()
        self.own: dict[str, tuple] = {}  # ledger file -> its stat after this process wrote it
        self.list_folders()

    def list_folders(self) -> None:
        """Every folder under documents/ (a folder deleted or moved away reports only itself)."""
        self.folders = {
            folder for folder, _, _ in os.walk(self.documents) if not folder.startswith(self.ledger)
        }

    def remember_written(self, report: BuildReport) -> None:
        """The ledger files a build of this process wrote: their changes are not edits."""
        ids = {
            *report.added, *report.changed, *report.reinstated, *report.withdrawn,
            *report.adopted,
        }  # fmt: skip
        for doc_id in ids:
            path = os.path.join(self.ledger, f"{doc_id}.jsonl")
            self.own[path] = _signature(path)

    def batch(self, changes) -> Batch:
        """The build these changes ask for (``changed_since``'s rules, for events)."""
        from watchfiles import Change

        documents: list[str] = []
        ledgers: list[str] = []
        full = ""
        for change, path in sorted(changes, key=lambda c: c[1]):
            path = os.path.realpath(path)
            if path == self.organisations:
                full = full or "documents/organisations.yaml changed"
            elif os.path.dirname(path) == self.ledger:
                name = os.path.basename(path)
                ours = self.own.get(path, False) == _signature(path)
                if name.endswith(".jsonl") and not name.startswith(".") and not ours:
                    ledgers.append(path)
            elif path.endswith(".md") and not os.path.isdir(path):
                display = os.path.relpath(path, self.root)
                if display not in documents:
                    documents.append(display)
            elif change == Change.added and os.path.isdir(path):
                full = full or f"a folder appeared ({os.path.relpath(path, self.root)})"
            elif change == Change.deleted and path in self.folders:
                full = full or f"a folder went away ({os.path.relpath(path, self.root)})"
        stems = {Path(display).stem for display in documents}
        for path in ledgers:
            if Path(path).stem not in stems and not full:
                full = f"{os.path.relpath(path, self.root)} changed without its document's file"
        return Batch(documents, full)


def _signature(path: str) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _described(batch: Batch) -> str:
    if batch.full:
        return f"full build ({batch.full})"
    shown = ", ".join(batch.paths[:3])
    if len(batch.paths) > 3:
        shown += f" and {len(batch.paths) - 3} more"
    return shown


def watch(
    archive: Archive,
    echo: Callable[..., None],
    reindex: bool = False,
    progress: bool = False,
) -> int:
    """Build, then build each batch of changes until stopped; returns the exit status (0)."""
    from watchfiles import watch as watch_changes

    archive._require_source()
    watcher = Watcher(archive.config.root, archive.config.documents_dir)
    err = lambda message: echo(message, err=True)  # noqa: E731
    with Stop(err) as stop:
        changes = watch_changes(
            archive.config.documents_dir,
            watch_filter=None,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop.event,
            rust_timeout=TIMEOUT_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
        )
        # The watch is in place before the first build reads anything: an edit made during that
        # build is seen afterwards, not lost.
        next(changes, None)
        first = Batch(full="the first build" if not reindex else "the first build, --reindex")
        _run(archive, watcher, stop, first, echo, reindex, progress)
        if not stop.event.is_set():
            echo(f"Watching {archive.config.documents_dir} for changes (Ctrl+C or SIGTERM stops).")
        for found in changes:
            batch = watcher.batch(found) if found else Batch()
            if batch and not stop.event.is_set():
                _run(archive, watcher, stop, batch, echo, False, False)
    echo("Stopped.")
    return 0


def _run(archive, watcher, stop, batch, echo, reindex, progress) -> bool:
    """Build one batch, reporting as ``archive build`` does; False when it did not happen."""
    from .core import ArchiveError

    started = time.perf_counter()
    described = _described(batch)
    stop.building = True
    try:
        report, why = _build(archive, batch, stop, echo, reindex, progress)
    except ArchiveError as exc:  # nothing built; the next change (or build) tries again
        echo(f"{time.strftime('%H:%M:%S')} {described}: not built: {exc}", err=True)
        return False
    finally:
        stop.building = False
    if report is None:  # stopped while waiting for another build
        return False
    if why:
        described = f"full build ({why})"
    watcher.remember_written(report)
    if why or batch.full:
        watcher.list_folders()
    for problem in report.problems:
        echo(str(problem), err=True)
    seconds = time.perf_counter() - started
    echo(f"{time.strftime('%H:%M:%S')} {described}: Build: {report.summary()} ({seconds:.2f} s).")
    return True


def _build(archive, batch, stop, echo, reindex, progress):
    """``build_paths`` (a full build when it refuses, saying why), or a full build; the lock is
    tried in short slices so that a stop request is seen while another build holds it."""
    from .core import BuildInProgress, NamedPathError, NeedsFullBuild

    why = ""
    told = False
    while True:
        if stop.event.is_set():
            return None, ""
        try:
            if batch.full or why:
                report = archive.build(progress=progress, reindex=reindex, timeout=LOCK_SLICE)
                return report, why
            try:
                paths = [archive.config.root / display for display in batch.paths]
                return archive.build_paths(paths, timeout=LOCK_SLICE), ""
            except (NeedsFullBuild, NamedPathError) as exc:
                why = str(exc).split("; run `archive build`")[0]
        except BuildInProgress as exc:
            if not told:
                echo(f"Waiting: {exc}", err=True)
                told = True
