"""an organisation's documents page through an index: each link keeps its document's order keys

An organisation's list (``/organisations/K``, ``/documents?org=K``, ``/timeline?org=K``) was a
join of its ~17,000 links with their documents at 100,000 documents, read whole for every page.
Each row of ``document_organisations`` now also holds the fields of its document that the lists
filter and order by (kind, the dates and their rank, withdrawn), so that a page of an
organisation's documents is a range of ``ix_document_organisations_order``, as an unfiltered
page is a range of ``ix_documents_date_order`` (``archive/paging.py``). The copies are kept by
the database itself (triggers on both backends): a new link takes its document's fields, and a
change to a document's fields is copied to its links, whatever code writes them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COPIED = ("kind", "date_earliest", "date_latest", "date_rank", "withdrawn_at")
PUBLISHED = sa.text("withdrawn_at IS NULL")

POSTGRES = [
    f"""
    CREATE FUNCTION document_organisations_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT {", ".join(f"d.{c}" for c in COPIED)}
        INTO {", ".join(f"NEW.{c}" for c in COPIED)}
        FROM documents d WHERE d.id = NEW.document_id;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER document_organisations_copy
      BEFORE INSERT OR UPDATE OF document_id ON document_organisations
      FOR EACH ROW EXECUTE FUNCTION document_organisations_copy()
    """,
    f"""
    CREATE FUNCTION documents_to_organisations() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE document_organisations
        SET {", ".join(f"{c} = NEW.{c}" for c in COPIED)}
        WHERE document_id = NEW.id;
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER documents_to_organisations
      AFTER UPDATE OF {", ".join(COPIED)} ON documents FOR EACH ROW
      WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COPIED)})
      EXECUTE FUNCTION documents_to_organisations()
    """,
]
_FROM_DOCUMENT = ", ".join(
    f"{c} = (SELECT d.{c} FROM documents d WHERE d.id = NEW.document_id)" for c in COPIED
)
SQLITE = [
    f"""
    CREATE TRIGGER document_organisations_copy
      AFTER INSERT ON document_organisations FOR EACH ROW
    BEGIN
      UPDATE document_organisations SET {_FROM_DOCUMENT}
        WHERE document_id = NEW.document_id AND organisation_key = NEW.organisation_key;
    END
    """,
    f"""
    CREATE TRIGGER documents_to_organisations
      AFTER UPDATE OF {", ".join(COPIED)} ON documents FOR EACH ROW
      WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COPIED)}
    BEGIN
      UPDATE document_organisations SET {", ".join(f"{c} = NEW.{c}" for c in COPIED)}
        WHERE document_id = NEW.id;
    END
    """,
]


def upgrade() -> None:
    with op.batch_alter_table("document_organisations") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=True))
        batch.add_column(sa.Column("date_earliest", sa.Date(), nullable=True))
        batch.add_column(sa.Column("date_latest", sa.Date(), nullable=True))
        batch.add_column(sa.Column("date_rank", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(
            f"UPDATE document_organisations o SET {', '.join(f'{c} = d.{c}' for c in COPIED)}"
            " FROM documents d WHERE d.id = o.document_id"
        )
    else:
        op.execute(
            f"UPDATE document_organisations SET {_FROM_DOCUMENT.replace('NEW.', '')}".replace(
                "d.id = document_id", "d.id = document_organisations.document_id"
            )
        )
    op.create_index(
        "ix_document_organisations_order",
        "document_organisations",
        ["organisation_key", "date_earliest", "date_rank"],
        postgresql_where=PUBLISHED,
        sqlite_where=PUBLISHED,
        postgresql_include=["kind", "date_latest", "document_id"],
    )
    for statement in POSTGRES if postgres else SQLITE:
        op.execute(statement)
    if postgres:  # every link was rewritten: the planner's figures for the new columns
        op.execute("ANALYZE document_organisations")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER documents_to_organisations ON documents")
        op.execute("DROP TRIGGER document_organisations_copy ON document_organisations")
        op.execute("DROP FUNCTION documents_to_organisations()")
        op.execute("DROP FUNCTION document_organisations_copy()")
    else:
        op.execute("DROP TRIGGER documents_to_organisations")
        op.execute("DROP TRIGGER document_organisations_copy")
    op.drop_index("ix_document_organisations_order", table_name="document_organisations")
    with op.batch_alter_table("document_organisations") as batch:
        for column in reversed(COPIED):
            batch.drop_column(column)
