"""Engines, sessions and migrations: the only place that creates them.

Alembic is imported only when a database is behind (or its revision cannot be told): a
database already at the newest migration is seen with one query, and a command that finds it
so (nearly every ``archive build``) never loads Alembic (~0.1–0.2 s of its start-up).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig


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
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(files("archive") / "migrations"))
    config.attributes["engine"] = engine
    return config


_MIGRATING = threading.Lock()  # Alembic's op/context proxies are module globals


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration; never drops archived data."""
    if at_head(engine):
        return
    from alembic import command

    with _MIGRATING:
        command.upgrade(alembic_config(engine), "head")


# ``revision = "0011"`` or ``revision: str = "0011"``, and the same of ``down_revision``.
_REVISION = re.compile(r"^revision(?:\s*:[^=\n]+)?\s*=\s*['\"]([^'\"]+)['\"]\s*$", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=\n]+)?\s*=\s*(?:None|['\"]([^'\"]+)['\"])\s*$", re.M)


@cache
def head_revision() -> str | None:
    """The newest migration's revision, read from ``migrations/versions/*.py`` as Alembic
    reads it (the one revision no other names as its ``down_revision``); None when the files
    do not say it plainly (a branch, a merge, a revision written another way), and then
    ``migrate`` leaves it to Alembic. ``tests/test_migrations.py`` checks it is Alembic's head."""
    revisions, parents = [], set()
    for script in (files("archive") / "migrations" / "versions").iterdir():
        if not script.name.endswith(".py"):
            continue
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.append(revision[0])
        parents.add(down[0])
    heads = set(revisions) - parents
    if len(set(revisions)) != len(revisions) or len(heads) != 1:
        return None
    return heads.pop()


def at_head(engine: Engine) -> bool:
    """Whether the database is stamped with the newest migration (one query, no Alembic);
    False when it is not, or has no ``alembic_version`` table yet."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            stamped = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no such table: a new database
        return False
    return stamped == [(head,)]


def is_migrated(engine: Engine) -> bool:
    return inspect(engine).has_table("versions")


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    with factory() as session, session.begin():
        yield session
