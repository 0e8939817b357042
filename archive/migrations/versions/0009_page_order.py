"""long lists page through an index: documents keep their date's rank; flagged versions indexed

``documents.date_rank`` is the date's precision and qualifier as one number (precision * 4 +
qualifier, ``archive.models.date_rank``), so that ``(date_earliest, date_rank)`` orders as
``ArchiveDate.sort_key`` and a page of ``/documents`` or ``/timeline`` is a range of the partial
index ``ix_documents_date_order`` instead of a sort of every row. Existing rows get their rank
here, read from the EDTF text in SQL (the same reading ``archive/paging.py`` did per query);
builds keep it from then on. ``ix_documents_created_at`` and ``ix_documents_published_kind``
serve the front page (the latest additions; how many of each kind, from the index alone);
``ix_document_organisations_by_organisation`` an organisation's documents (the ``org``
filter); ``ix_versions_flagged`` the few versions whose metadata may name ``milestone`` or
``after_hearings``, without reading every version's metadata.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PUBLISHED = sa.text("withdrawn_at IS NULL")
MAY_BE_FLAGGED = sa.text(
    "CAST(metadata AS TEXT) LIKE '%\"milestone\"%'"
    " OR CAST(metadata AS TEXT) LIKE '%\"after_hearings\"%'"
)
_CORE = "rtrim(date_edtf, '?~%')"
RANK = f"""
    (CASE WHEN {_CORE} LIKE '%/%' THEN 3
          WHEN length({_CORE}) = 10 THEN 4
          WHEN length({_CORE}) = 7 AND substr({_CORE}, 6, 2) IN ('21', '22', '23', '24') THEN 1
          WHEN length({_CORE}) = 7 THEN 2
          ELSE 0 END) * 4
    + CASE substr(date_edtf, length(date_edtf), 1)
          WHEN '~' THEN 1 WHEN '?' THEN 2 WHEN '%' THEN 3 ELSE 0 END
"""


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("date_rank", sa.SmallInteger(), server_default="0", nullable=False)
        )
    op.execute(sa.text(f"UPDATE documents SET date_rank = {RANK}"))
    op.create_index(
        "ix_documents_date_order",
        "documents",
        ["date_earliest", "date_rank"],
        postgresql_where=PUBLISHED,
        sqlite_where=PUBLISHED,
    )
    op.create_index(
        "ix_documents_created_at",
        "documents",
        [sa.column("created_at").desc(), "id"],
        postgresql_where=PUBLISHED,
        sqlite_where=PUBLISHED,
    )
    op.create_index(
        "ix_documents_published_kind",
        "documents",
        ["kind"],
        postgresql_where=PUBLISHED,
        sqlite_where=PUBLISHED,
    )
    op.create_index(
        "ix_document_organisations_by_organisation",
        "document_organisations",
        ["organisation_key", "document_id"],
    )
    op.create_index(
        "ix_versions_flagged",
        "versions",
        ["document_id"],
        postgresql_where=MAY_BE_FLAGGED,
        sqlite_where=MAY_BE_FLAGGED,
    )


def downgrade() -> None:
    op.drop_index("ix_versions_flagged", table_name="versions")
    op.drop_index("ix_document_organisations_by_organisation", table_name="document_organisations")
    op.drop_index("ix_documents_published_kind", table_name="documents")
    op.drop_index("ix_documents_created_at", table_name="documents")
    op.drop_index("ix_documents_date_order", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("date_rank")
