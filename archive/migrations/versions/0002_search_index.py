"""search index for PostgreSQL: tsvector columns with GIN indexes in schema ``search``

On SQLite this migration does nothing: there the Whoosh index in ``index/`` serves search.
The search objects live in their own schema so the archive's tables (and the models that
describe them) stay exactly as they were.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _available(bind, extension: str) -> bool:
    found = bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = %(name)s", {"name": extension}
    ).first()
    return found is not None


def _dictionary_schema(bind) -> str | None:
    row = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace "
        "WHERE d.dictname = 'unaccent'"
    ).first()
    return row[0] if row else None


def _configurations(bind) -> None:
    # Accent folding (unaccent) before stemming for ranked words; no stemming and no stop
    # words for the exact column that phrases, prefixes and suggestions use.
    op.execute("CREATE TEXT SEARCH CONFIGURATION search.english_folded (COPY = pg_catalog.english)")
    op.execute("CREATE TEXT SEARCH CONFIGURATION search.exact (COPY = pg_catalog.simple)")
    if _available(bind, "unaccent"):
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema = _dictionary_schema(bind)
        for config, dictionary in (("english_folded", "english_stem"), ("exact", "simple")):
            op.execute(
                f"ALTER TEXT SEARCH CONFIGURATION search.{config} ALTER MAPPING FOR "
                f"hword, hword_part, word WITH {schema}.unaccent, {dictionary}"
            )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("CREATE SCHEMA IF NOT EXISTS search")
    _configurations(bind)
    op.execute(
        """
        CREATE TABLE search.entries (
            document_id varchar(80) PRIMARY KEY REFERENCES public.documents (id),
            kind varchar(20) NOT NULL,
            org_keys text[] NOT NULL,
            tags text[] NOT NULL,
            date_earliest date NOT NULL,
            date_latest date NOT NULL,
            years integer[] NOT NULL,
            ranked tsvector NOT NULL,
            exact tsvector NOT NULL,
            speaker tsvector NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX entries_ranked ON search.entries USING gin (ranked)")
    op.execute("CREATE INDEX entries_exact ON search.entries USING gin (exact)")
    op.execute("CREATE INDEX entries_org_keys ON search.entries USING gin (org_keys)")
    op.execute("CREATE INDEX entries_dates ON search.entries (date_earliest, date_latest)")
    # The archive's own words, for "did you mean": filled by the backend as documents are
    # indexed (ndoc counts documents as they were added; it only orders suggestions).
    op.execute("CREATE TABLE search.words (word text PRIMARY KEY, ndoc integer NOT NULL)")
    if _available(bind, "pg_trgm"):
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX words_trigrams ON search.words USING gin (word gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP SCHEMA IF EXISTS search CASCADE")
