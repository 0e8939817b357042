"""search entries' pairs gain each of the most frequent words with the word after it

A phrase of a most frequent word and a rarer one (``"the evidence"``) was checked position by
position in every entry holding both words: "the" is in nearly every entry, so at 100,000
entries ``"the evidence"`` read the exact tsvectors of the ~29,000 holding "evidence" (111 MB)
to find ~4,500. ``pairs`` now also holds each "the X", "of X", "and X", "to X", "a X" and
"in X" (``postgres_index.LEAD_PAIRS``; X not itself a common word, those pairs being there
already), so such a phrase is one GIN lookup, and a longer one holding such a pair is checked
only where the pair is. Existing entries are given theirs here, in SQL, from their exact
tsvectors; builds make them with the rest. Searching uses them only once this has run
(``postgres_index.LEADS_FROM``).

Every row is rewritten (the old versions are left to autovacuum, or to ``VACUUM
search.entries``), with the table's GIN indexes dropped meanwhile and made again after. On
SQLite this migration does nothing (Whoosh has its own index).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from archive.search.plan import COMMON_WORDS
from archive.search.postgres_index import LEAD_PAIRS, LEADS

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _rewriting_every_row(statement: sa.TextClause) -> None:
    """Run ``statement``, which rewrites every row of search.entries, with the table's GIN
    indexes dropped and then made again from their own definitions: adding every row's new
    version to them one by one took longer than building them afresh, and left them about
    twice their size (at 100,000 entries: the update 643 s, and a REINDEX after it 212 s)."""
    bind = op.get_bind()
    definitions = bind.execute(
        sa.text(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
            " WHERE i.indrelid = 'search.entries'::regclass AND a.amname = 'gin'"
        )
    ).all()
    for name, _ in definitions:
        op.execute(sa.text(f'DROP INDEX search."{name}"'))
    op.execute(statement)
    for _, definition in definitions:
        op.execute(sa.text(definition))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    update = sa.text(
        f"UPDATE search.entries e SET pairs = e.pairs || {LEAD_PAIRS.format(exact='e.exact')}"
    )
    _rewriting_every_row(update.bindparams(common=sorted(COMMON_WORDS), leads=list(LEADS)))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    update = sa.text(
        "UPDATE search.entries e SET pairs = ARRAY(SELECT p FROM unnest(e.pairs) p"
        " WHERE NOT (split_part(p, ' ', 1) = ANY(:leads) AND p NOT LIKE '% % %'"
        " AND NOT split_part(p, ' ', 2) = ANY(:common)))"
    )
    _rewriting_every_row(update.bindparams(common=sorted(COMMON_WORDS), leads=list(LEADS)))
