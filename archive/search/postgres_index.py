"""Keeping ``search.entries`` (migrations 0002, 0003, 0005) in step with the database.

Each entry holds a stemmed tsvector weighted by field (title A, body B) for ranking, an exact
one for phrases, prefixes and suggestions, the title and body lengths in words (BM25F), the
adjacent pairs of common words (``pairs``, narrowing phrases like ``"the was"``
through a GIN index) and the version it was made from. ``search.lexemes`` counts the entries
holding each stemmed lexeme (idf); ``search.words`` the archive's exact words (did-you-mean).
"""

from __future__ import annotations

from sqlalchemy import text

from .plan import COMMON_WORDS

RANKED = "search.english_folded"
EXACT = "search.exact"
ENTRY_COLUMNS = f"""
    SELECT d.id, d.kind,
      COALESCE((SELECT array_agg(o.organisation_key ORDER BY o.organisation_key)
                FROM document_organisations o WHERE o.document_id = d.id), '{{}}'),
      ARRAY(SELECT lower(t) FROM json_array_elements_text(
            COALESCE(v.metadata::json -> 'tags', '[]'::json)) AS t),
      d.date_earliest, d.date_latest,
      ARRAY(SELECT generate_series(extract(year FROM d.date_earliest)::int,
                                   extract(year FROM d.date_latest)::int)),
      setweight(to_tsvector('{RANKED}', COALESCE(v.metadata::json ->> 'title', '')), 'A')
        || setweight(to_tsvector('{RANKED}', v.canonical_text), 'B'),
      x.exact,
      to_tsvector('{EXACT}', COALESCE(v.metadata::json ->> 'speaker', '')),
      v.sha256,
      (SELECT COALESCE(sum(array_length(positions, 1)), 0) FROM unnest(x.title)),
      (SELECT COALESCE(sum(array_length(positions, 1)), 0) FROM unnest(x.body)),
      ARRAY(WITH c AS (SELECT u.lexeme, p FROM unnest(x.exact) u, unnest(u.positions) p
                       WHERE u.lexeme = ANY(:common))
            SELECT DISTINCT a.lexeme || ' ' || b.lexeme FROM c a JOIN c b ON b.p = a.p + 1)
    FROM documents d JOIN versions v ON v.document_id = d.id AND v.number = d.current_version
      CROSS JOIN LATERAL (
        SELECT t.title, t.body, t.title || t.body AS exact FROM (
          SELECT to_tsvector('{EXACT}', COALESCE(v.metadata::json ->> 'title', '')) AS title,
                 to_tsvector('{EXACT}', v.canonical_text) AS body) t) x
    WHERE d.withdrawn_at IS NULL
"""
INSERT = """
    INSERT INTO search.entries (document_id, kind, org_keys, tags, date_earliest, date_latest,
                                years, ranked, exact, speaker, version_sha256, title_len,
                                body_len, pairs)
"""
UPSERT = """
    ON CONFLICT (document_id) DO UPDATE SET kind = EXCLUDED.kind, org_keys = EXCLUDED.org_keys,
      tags = EXCLUDED.tags, date_earliest = EXCLUDED.date_earliest,
      date_latest = EXCLUDED.date_latest, years = EXCLUDED.years, ranked = EXCLUDED.ranked,
      exact = EXCLUDED.exact, speaker = EXCLUDED.speaker,
      version_sha256 = EXCLUDED.version_sha256, title_len = EXCLUDED.title_len,
      body_len = EXCLUDED.body_len, pairs = EXCLUDED.pairs
"""
WORDS = """
    INSERT INTO search.words (word, ndoc) SELECT word, ndoc FROM ts_stat({stat})
    ON CONFLICT (word) DO UPDATE SET ndoc = search.words.ndoc + EXCLUDED.ndoc
"""
LEXEMES_ADD = """
    INSERT INTO search.lexemes (lexeme, ndoc) SELECT word, ndoc FROM ts_stat({stat})
    ON CONFLICT (lexeme) DO UPDATE SET ndoc = search.lexemes.ndoc + EXCLUDED.ndoc
"""
LEXEMES_REMOVE = """
    UPDATE search.lexemes l SET ndoc = l.ndoc - s.ndoc FROM ts_stat({stat}) s
    WHERE l.lexeme = s.word
"""
SOME = (
    "format('SELECT {column} FROM search.entries WHERE document_id = ANY(%L)',"
    " CAST(:ids AS text[]))"
)
HELD = "SELECT document_id, version_sha256 FROM search.entries"


def held_versions(connection) -> dict[str, str | None]:
    return dict(connection.execute(text(HELD)).all())


def clear(connection) -> None:
    connection.execute(text("DELETE FROM search.entries"))
    connection.execute(text("DELETE FROM search.lexemes"))


def remove(connection, ids: list[str]) -> None:
    stat = SOME.format(column="ranked")
    connection.execute(text(LEXEMES_REMOVE.format(stat=stat)), {"ids": ids})
    connection.execute(
        text("DELETE FROM search.entries WHERE document_id = ANY(:ids)"), {"ids": ids}
    )


def fill(connection, ids: list[str] | None) -> None:
    """Index the given documents (all when None) and count their words and lexemes."""
    where = "" if ids is None else " AND d.id = ANY(:ids)"
    params = {"ids": list(ids or []), "common": sorted(COMMON_WORDS)}
    connection.execute(text(INSERT + ENTRY_COLUMNS + where + UPSERT), params)
    if ids is None:
        connection.execute(text("DELETE FROM search.words"))
        connection.execute(text("DELETE FROM search.lexemes"))
        connection.execute(text(WORDS.format(stat="'SELECT exact FROM search.entries'")))
        connection.execute(text(LEXEMES_ADD.format(stat="'SELECT ranked FROM search.entries'")))
        # Fresh statistics, or the planner scans every tsvector until autovacuum comes by.
        connection.execute(text("ANALYZE search.entries, search.words, search.lexemes"))
    elif ids:
        connection.execute(text(WORDS.format(stat=SOME.format(column="exact"))), params)
        connection.execute(text(LEXEMES_ADD.format(stat=SOME.format(column="ranked"))), params)
