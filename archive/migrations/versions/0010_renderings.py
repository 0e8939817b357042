"""renderings: a long version's page and word index, made once at build time and kept

``renderings`` holds what is derived from a version and costly to derive on every web server:
a 60,000-word transcript's rendered page (about 0.4 s of Python-Markdown) and the word index its
snippets read. Keyed by the version's SHA-256 and the renderer that made it
(``archive/renderings.py``); contents are zlib-compressed. Nothing here is cited: a missing or
stale row is remade, and the table can be emptied at any time.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "renderings",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("renderer", sa.String(80), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "renderer", name=op.f("pk_renderings")),
    )


def downgrade() -> None:
    op.drop_table("renderings")
