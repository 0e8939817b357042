"""The ``Archive``: one plain object that the command line and the web app both call."""

from __future__ import annotations

import gc
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from . import db
from .build import BuildReport, NothingToBuild, lock_database, run_build
from .build_named import (
    FullBuildNeeded,
    NamedPathError,  # noqa: F401  (raised by ``build_paths``; the CLI catches it from here)
    changed_since,
    named_displays,
    organisations_digest,
    read_named,
    record_organisations,
    require_organisations_built,
    run_named_build,
)
from .config import Config, load_config
from .ledger import DocumentLedger, ledger_dir
from .ledger_plan import pending_problems, plan_changes
from .ledger_read import read_ledger
from .organisation_names import store_names
from .source import SourceTree, read_source
from .source_cache import SourceChanged
from .stat_cache import open_stat_cache


class ArchiveError(Exception):
    """Something the user can fix; the message says what."""


class BuildInProgress(ArchiveError):
    """Another build holds the lock."""


class NeedsFullBuild(ArchiveError):
    """``archive build PATH...`` cannot settle this; a full build can."""


class Archive:
    """An archive root: its editorial source, its database and its search index."""

    def __init__(self, config: Config, primary: bool = True):
        self.config = config
        self.primary = primary  # False: a read replica, for pages and search only

    @classmethod
    def open(cls, root: str | Path | None = None, **overrides) -> Archive:
        return cls(load_config(root, **overrides))

    def reader(self) -> Archive:
        """The archive as pages and search read it: over the read replica when one is
        configured (``ARCHIVE_READ_DATABASE_URL``), else this archive itself."""
        url = self.config.read_database_url
        if not url or url == self.config.database_url:
            return self
        # Kept as ``_reader``: under the method's own name it would hide the method, and a
        # second ``reader()`` (a second app on this archive) would call an Archive.
        if "_reader" not in self.__dict__:
            config = replace(self.config, database_url=url, read_database_url="")
            self._reader = Archive(config, primary=False)
        return self._reader

    def _require_primary(self, what: str) -> None:
        if not self.primary:
            raise ArchiveError(f"{what} writes to the primary database, not to a read replica")

    def _require_writable(self, what: str) -> None:
        """Refuse, before writing anything (the ledger included), to build into a database
        that takes no writes: a replica named by ``ARCHIVE_DATABASE_URL``, say."""
        self._require_primary(what)
        if not self.config.is_postgres:
            return
        with self.engine.connect() as connection:
            read_only = connection.scalar(text("SHOW transaction_read_only"))
        if read_only == "on":
            raise ArchiveError(
                f"{what} writes to the primary database, and ARCHIVE_DATABASE_URL names one"
                " that takes no writes (a read replica?); nothing was written"
            )

    @cached_property
    def engine(self) -> Engine:
        return db.make_engine(self.config.database_url)

    @cached_property
    def sessions(self) -> sessionmaker:
        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def write_sessions(self) -> sessionmaker:
        """Sessions for builds and imports: on SQLite they take the write lock up front."""
        if not self.config.database_url.startswith("sqlite"):
            return self.sessions
        return sessionmaker(db.make_engine(self.config.database_url, immediate=True))

    def session(self):
        """A read/write session; use ``with archive.session() as s:``."""
        return self.sessions()

    def transaction(self):
        """A write transaction: commits at the end of the block, rolls back if it raises."""
        return db.transaction(self.write_sessions)

    def migrate(self) -> None:
        self._require_primary("migrating")
        db.migrate(self.engine)

    def read_source(self, progress: bool = False) -> SourceTree:
        return read_source(self.config.documents_dir, self.config.root, progress=progress)

    def read_ledger(self) -> dict[str, DocumentLedger]:
        return read_ledger(self.config.documents_dir, self.config.root)

    def check(self) -> list:
        """Validate ``documents/`` and its ledger; return the problems (empty when all is well).

        Once the archive has a ledger, a file that differs from its latest entry is a problem
        too: the change must be built and its ledger entry committed with it.
        """
        tree = self.read_source()
        ledgers = self.read_ledger()
        problems = list(tree.problems)
        for ledger in ledgers.values():
            problems += ledger.problems
        if ledger_dir(self.config.documents_dir).is_dir():
            held = {doc_id for doc_id, ledger in ledgers.items() if not ledger.trusted}
            changes, _ = plan_changes(tree, ledgers, held)
            problems += pending_problems(changes, ledgers)
        return sorted(problems)

    def build(
        self,
        progress: bool = False,
        reindex: bool = False,
        timeout: float = 600,
        locked: bool = False,
    ) -> BuildReport:
        """Record new and changed documents in the ledger, write the database from the ledger,
        then update the search index. ``locked`` appends nothing (for CI)."""
        self._require_source()
        self.config.instance_dir.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.config.lock_file), timeout=timeout):
                self._require_writable("building")
                self.migrate()
                organisations = organisations_digest(self.config.organisations_file)
                report = self._build_database(progress, locked, early_check=not reindex)
                self.search.after_build(report, reindex=reindex, progress=progress)
                if not locked:  # what ``build_paths`` checks the organisations file against
                    record_organisations(self.config.instance_dir, organisations)
                return report
        except Timeout:
            raise BuildInProgress(
                f"another build is running (lock {self.config.lock_file}); try again when it ends"
            ) from None
        except (NothingToBuild, SourceChanged) as exc:
            raise ArchiveError(str(exc)) from None

    def build_paths(self, paths: list, timeout: float = 600) -> BuildReport:
        """Build only the named document files (``archive build PATH...``, ``build_named.py``):
        each as a full build would, then the search index for those documents only. A bad
        path raises ``NamedPathError``; what only a full build can settle, ``ArchiveError``."""
        self._require_source()
        try:
            displays = named_displays(self.config.root, paths)
            self.config.instance_dir.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.config.lock_file), timeout=timeout):
                self._require_writable("building")
                self.migrate()
                require_organisations_built(
                    self.config.instance_dir, self.config.organisations_file
                )
                tree = read_named(self.config.root, self.config.documents_dir, displays)
                with self.transaction() as session:
                    report = run_named_build(
                        session,
                        tree,
                        displays,
                        self.config.root,
                        ledger_dir(self.config.documents_dir),
                    )
                self.search.after_named_build(report)
                return report
        except Timeout:
            raise BuildInProgress(
                f"another build is running (lock {self.config.lock_file}); try again when it ends"
            ) from None
        except FullBuildNeeded as exc:
            raise NeedsFullBuild(str(exc)) from None

    def build_changed_since(
        self, revision: str, progress: bool = False, timeout: float = 600
    ) -> tuple[BuildReport, str]:
        """Build the document files git says changed since ``revision`` (``build_paths``), or
        everything (``build``) when that is not safe; returns the report and, after a full
        build, why it was one."""
        self._require_source()
        paths, why = changed_since(self.config.root, revision)
        if paths is not None:
            if not paths:
                return BuildReport(), ""
            try:
                root = self.config.root
                return self.build_paths([root / path for path in paths], timeout=timeout), ""
            except NeedsFullBuild as exc:
                why = str(exc).split("; run `archive build`")[0]
        return self.build(progress=progress, timeout=timeout), why

    def _build_database(self, progress: bool, locked: bool, early_check: bool = False):
        """Ledger and database; a normal build reads through the stat cache (a locked one,
        like ``check`` and ``verify``, reads every file). With ``early_check``, a search
        backend that can (PostgreSQL) starts checking its index while the files are read."""
        cache = None if locked else open_stat_cache(self.config)
        # The cache's million objects hold no cycles: frozen, the collector's full passes
        # during the build skip them (0.7 s less CPU at 100,000 documents). Not when the
        # caller froze objects of its own (its unfreeze is its own).
        freeze = cache is not None and gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
            cache.freeze = True  # and its entries, should they be loaded (stat_cache.py)
        try:
            return self._build_with(cache, progress, locked, early_check)
        finally:
            if freeze:
                gc.unfreeze()

    def _build_with(self, cache, progress: bool, locked: bool, early_check: bool):
        # A full build's own modules (``archive build PATH`` does without them).
        from .build_settle import prefetch_fingerprints
        from .build_snapshot import take_snapshot, unchanged_build
        from .ledger_cache import remember_written, scan_ledgers

        with self.transaction() as session:
            lock_database(session)
            # The database makes the rows' fingerprints while the files are read.
            fingerprints = prefetch_fingerprints(session) if cache is not None else None
            start_check = getattr(self.search, "start_check", None) if early_check else None
            search_check = start_check() if start_check else None
            if cache is not None and cache.snapshot is not None:
                # Nothing changed since a build that found nothing to do? (build_snapshot.py)
                report = unchanged_build(session, cache, self.config, fingerprints)
                if report is not None:
                    report.search_check = search_check
                    return report
            tree = read_source(self.config.documents_dir, self.config.root, progress, cache)
            scan = scan_ledgers(self.config.documents_dir, self.config.root, cache)
            scan.fingerprints = fingerprints
            report = run_build(
                session,
                tree,
                scan.ledgers,
                ledger_dir(self.config.documents_dir),
                locked,
                scan=scan if cache is not None else None,
            )
            store_names(session, tree.organisations)  # formal names and aliases
            report.search_check = search_check
        for ledger in scan.ledgers.values():
            report.problems += ledger.problems
        report.problems.sort()
        if cache is not None:
            written = [report.added, report.changed, report.reinstated, report.withdrawn]
            ids = {doc_id for listed in [*written, report.adopted] for doc_id in listed}
            folder = ledger_dir(self.config.documents_dir)
            remember_written(cache, folder, [scan.ledgers[doc_id] for doc_id in sorted(ids)])
            cache.forget_unseen()
            cache.agreed(scan.agreed_rows)
            cache.snapshot_taken(take_snapshot(cache, report, scan, scan.fingerprint_rows))
            cache.save()
        return report

    def _require_source(self) -> None:
        """Refuse to build from a missing source: it would withdraw every document."""
        if not self.config.documents_dir.is_dir():
            raise ArchiveError(
                f"{self.config.documents_dir} is not a folder: nothing to build from,"
                " and nothing was withdrawn"
            )
        if not self.config.organisations_file.is_file():
            raise ArchiveError(
                f"{self.config.organisations_file} is missing: every document names its"
                " organisations there; nothing was built or withdrawn"
            )

    def verify(self) -> list:
        """Check the ledger's hash chains, every version's hashes and canonical text, the
        database against the ledger and the search index against the database; return one
        problem per thing wrong."""
        from .verify import verify

        self.migrate()
        with self.session() as session:
            return verify(session, self.read_ledger(), self.search.indexed_versions())

    @cached_property
    def search(self):
        from .search import open_backend

        return open_backend(self)

    def close(self) -> None:
        if "_reader" in self.__dict__:
            self.__dict__.pop("_reader").close()
        if "search" in self.__dict__:
            self.search.close()
        if "write_sessions" in self.__dict__ and self.write_sessions is not self.sessions:
            self.write_sessions.kw["bind"].dispose()
        if "engine" in self.__dict__:
            self.engine.dispose()

    def export(self, path: Path) -> None:
        """Write every organisation and every document's ledger to one portable file."""
        from .exchange import export_file

        self.migrate()
        with self.session() as session:
            export_file(session, self.read_ledger(), Path(path))

    def import_(self, path: Path) -> int:
        """Restore an export into an empty archive (ledger and database), then index it."""
        from .exchange import ImportRefused, import_data, read_export

        self._require_writable("importing")
        self.migrate()
        try:
            data = read_export(Path(path))
            with self.transaction() as session:
                count = import_data(session, data, ledger_dir(self.config.documents_dir))
        except ImportRefused as exc:
            raise ArchiveError(f"{path}: {exc}") from None
        except OSError as exc:
            raise ArchiveError(f"{path}: cannot read file ({exc.strerror})") from None
        self.search.rebuild()
        return count
