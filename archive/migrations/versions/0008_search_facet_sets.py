"""search entries name their combination of organisations, kind and years; runs of three
common words beside their pairs; rows kept small

Facets (organisations, kinds, years of the matches) were counted by grouping every matched row
by its arrays: at 100,000 documents a ten-word question matches ~70,000 entries, and hashing
their arrays was most of its time. ``search.facet_sets`` holds each combination once (a few
hundred); ``search.entries.facet_set`` its number, so search groups the matches by an integer
and splits the few combinations. ``pairs`` gains each entry's runs of three common words
(``postgres_index.PAIRS``), so a phrase of three common words is answered by its GIN index
instead of checking positions in every entry holding both its pairs. Existing entries are
linked and given their runs here, in SQL, from their exact tsvectors; builds keep both.

Migration 0007 set ``toast_tuple_target`` after some databases had already run it (an archive
of 100,000 entries was found with rows of ~1.8 kB, five to a page, instead of ~25): it is set
here again, and the update below rewrites every row in the small layout (the old versions are
left to autovacuum, or to ``VACUUM search.entries``).
On SQLite this migration does nothing (the Whoosh index counts facets in its own way).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from archive.search.plan import COMMON_WORDS
from archive.search.postgres_index import PAIRS

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search.entries SET (toast_tuple_target = 512)")
    op.execute(
        "CREATE TABLE search.facet_sets (id serial PRIMARY KEY, kind varchar(20) NOT NULL,"
        " org_keys text[] NOT NULL, years integer[] NOT NULL, UNIQUE (kind, org_keys, years))"
    )
    op.execute("ALTER TABLE search.entries ADD COLUMN facet_set integer")
    op.execute(
        "INSERT INTO search.facet_sets (kind, org_keys, years)"
        " SELECT DISTINCT kind, org_keys, years FROM search.entries"
    )
    update = sa.text(
        f"UPDATE search.entries e SET facet_set = f.id, pairs = {PAIRS.format(exact='e.exact')}"
        " FROM search.facet_sets f"
        " WHERE f.kind = e.kind AND f.org_keys = e.org_keys AND f.years = e.years"
    )
    op.execute(update.bindparams(common=sorted(COMMON_WORDS)))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search.entries DROP COLUMN facet_set")
    op.execute("DROP TABLE search.facet_sets")
