"""The ``Archive``: one plain object that the command line and the web app both call."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from . import db
from .build import BuildReport, run_build
from .config import Config, load_config
from .source import SourceTree, read_source


class ArchiveError(Exception):
    """Something the user can fix; the message says what."""


class BuildInProgress(ArchiveError):
    """Another build holds the lock."""


class Archive:
    """An archive root: its editorial source, its database and its search index."""

    def __init__(self, config: Config):
        self.config = config

    @classmethod
    def open(cls, root: str | Path | None = None, **overrides) -> Archive:
        return cls(load_config(root, **overrides))

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
        db.migrate(self.engine)

    def read_source(self, progress: bool = False) -> SourceTree:
        return read_source(self.config.documents_dir, self.config.root, progress=progress)

    def check(self) -> list:
        """Validate ``documents/``; return the problems (empty when all is well)."""
        return self.read_source().problems

    def build(
        self, progress: bool = False, reindex: bool = False, timeout: float = 600
    ) -> BuildReport:
        """Load new and changed documents, keep every version, then update the search index."""
        self.config.instance_dir.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.config.lock_file), timeout=timeout):
                self.migrate()
                tree = self.read_source(progress=progress)
                with self.transaction() as session:
                    report = run_build(session, tree)
                self.search.after_build(report, reindex=reindex, progress=progress)
                return report
        except Timeout:
            raise BuildInProgress(
                f"another build is running (lock {self.config.lock_file}); try again when it ends"
            ) from None

    @cached_property
    def search(self):
        from .search import open_backend

        return open_backend(self)

    def close(self) -> None:
        if "search" in self.__dict__:
            self.search.close()
        if "write_sessions" in self.__dict__ and self.write_sessions is not self.sessions:
            self.write_sessions.kw["bind"].dispose()
        if "engine" in self.__dict__:
            self.engine.dispose()

    def export(self, path: Path) -> None:
        """Write every organisation, document and version to one portable file."""
        from .exchange import export_file

        self.migrate()
        with self.session() as session:
            export_file(session, Path(path))

    def import_(self, path: Path) -> int:
        """Restore an export into an empty database, then rebuild the search index from it."""
        from .exchange import ImportRefused, import_file

        self.migrate()
        try:
            with self.transaction() as session:
                count = import_file(session, Path(path))
        except ImportRefused as exc:
            raise ArchiveError(f"{path}: {exc}") from None
        except OSError as exc:
            raise ArchiveError(f"{path}: cannot read file ({exc.strerror})") from None
        self.search.rebuild()
        return count
