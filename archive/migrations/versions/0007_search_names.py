"""search entries hold the names of their documents' organisations

``ranked`` and ``exact`` now hold every name of every organisation a document names (formal
name and aliases, from ``organisations.yaml``), and ``names_digest`` a digest of those names,
so that renaming an organisation makes its documents' entries stale even though no document
changed. Existing rows get NULL, which no digest is: the next build re-indexes them.

Rows are also kept small (``toast_tuple_target``): the tsvectors and pairs go out of line, so a
bitmap scan of the matches reads ~800 heap pages at 20,000 entries instead of ~4,600 (about
four entries a page instead of 25); the rows the next build writes get the new layout.
On SQLite this migration does nothing (the Whoosh index records the same in its own files).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search.entries ADD COLUMN names_digest varchar(16)")
    op.execute("ALTER TABLE search.entries SET (toast_tuple_target = 512)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search.entries RESET (toast_tuple_target)")
    op.execute("ALTER TABLE search.entries DROP COLUMN names_digest")
