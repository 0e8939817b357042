"""organisations keep their formal name and aliases, so search finds them by any name

The one name every page shows stays in ``name``; ``formal_name`` and ``aliases`` (a JSON list)
are what ``documents/organisations.yaml`` gives besides it. Existing rows get none until the
next build reads the file again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("formal_name", sa.Text(), nullable=True))
        batch.add_column(sa.Column("aliases", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("aliases")
        batch.drop_column("formal_name")
