"""Engines, sessions and migrations: the only place that creates them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, immediate: bool = False) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout for concurrent use.

    With ``immediate``, SQLite transactions start with ``BEGIN IMMEDIATE``: a writer takes the
    write lock up front and waits for another writer, instead of failing with SQLITE_BUSY when
    it upgrades a read lock (the pysqlite recipe in SQLAlchemy's SQLite dialect docs).
    """
    if not url.startswith("sqlite:///"):
        return create_engine(url, pool_pre_ping=True)
    Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60, "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(files("archive") / "migrations"))
    config.attributes["engine"] = engine
    return config


_MIGRATING = threading.Lock()  # Alembic's op/context proxies are module globals


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration; never drops archived data."""
    with _MIGRATING:
        command.upgrade(alembic_config(engine), "head")


def is_migrated(engine: Engine) -> bool:
    return inspect(engine).has_table("versions")


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    with factory() as session, session.begin():
        yield session
