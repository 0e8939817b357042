"""search ranking: field lengths, common-word pairs and lexeme document counts

BM25F needs each entry's title and body length in words and each lexeme's document count;
phrases of common words ("the was") are narrowed by ``pairs``, the entry's adjacent pairs
of common words, through a GIN index, before their positions are checked. Existing rows
get their version hash cleared, so the next build re-indexes them and fills the new columns.
On SQLite this migration does nothing (the Whoosh index keeps the same in its own files).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search.entries ADD COLUMN title_len integer NOT NULL DEFAULT 0,"
        " ADD COLUMN body_len integer NOT NULL DEFAULT 0,"
        " ADD COLUMN pairs text[] NOT NULL DEFAULT '{}'"
    )
    op.execute("CREATE INDEX entries_pairs ON search.entries USING gin (pairs)")
    op.execute("CREATE TABLE search.lexemes (lexeme text PRIMARY KEY, ndoc integer NOT NULL)")
    op.execute("UPDATE search.entries SET version_sha256 = NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE search.lexemes")
    op.execute("DROP INDEX search.entries_pairs")
    op.execute(
        "ALTER TABLE search.entries DROP COLUMN title_len, DROP COLUMN body_len,"
        " DROP COLUMN pairs"
    )
