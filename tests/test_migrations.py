"""The schema comes from Alembic migrations, and the models never drift from them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from archive.db import make_engine, migrate
from archive.models import Base


def test_migrations_build_the_schema_the_models_describe(database_url):
    engine = make_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)  # running again is harmless
        assert {"documents", "versions", "organisations", "alembic_version"} <= set(
            inspect(engine).get_table_names()
        )
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
    finally:
        engine.dispose()
