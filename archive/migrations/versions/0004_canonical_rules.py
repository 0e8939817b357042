"""versions record the canonical-text rules that made their text

Rules 1 were markdown-it-py's CommonMark (every version archived before this migration);
rules 2 are Python-Markdown's (archive/canonical.py). A version's stored text and offsets are
kept for ever whatever the rules; the number says how they were made.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.add_column(
            sa.Column("canonical_rules", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("canonical_rules")
