"""search entries record the version they were made from

Each row of ``search.entries`` names the SHA-256 of the version it indexes, so a build can see
which entries are stale (a build killed between its database commit and its index update) and
mend them. Existing rows get NULL, which no version has: the next build re-indexes them.
On SQLite this migration does nothing (the Whoosh index records the same in its own files).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search.entries ADD COLUMN version_sha256 varchar(64)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search.entries DROP COLUMN version_sha256")
