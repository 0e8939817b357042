"""Keeping ``search.entries`` (migrations 0002, 0003, 0005, 0007, 0008, 0012) in step with the
database.

Each entry holds a stemmed tsvector weighted by field (title A, body B, the names of its
organisations C) for ranking, an exact one (title, body, names) for phrases, prefixes and
suggestions, the title and body lengths in words (BM25F), the adjacent pairs and runs of three
of common words and the pairs of a most frequent word and the next (``pairs``, answering phrases
like ``"the was"``, ``"in the that"`` and ``"the evidence"`` through a GIN index), the version
it was made from and a digest of its organisations' names (so that renaming an organisation
makes its documents' entries stale) and the number of its combination of organisations, kind
and years in ``search.facet_sets`` (facets). ``search.lexemes``
counts the entries holding each stemmed lexeme (idf); ``search.words`` the archive's exact
words (did-you-mean).
"""

from __future__ import annotations

from sqlalchemy import text

from .plan import COMMON_WORDS
from .records import names_digest

RANKED = "search.english_folded"
EXACT = "search.exact"
# Written before each organisation name and deleted from the tsvectors: the empty position it
# leaves keeps a phrase from running from the body into a name, or from one name into the next.
GAP = "xqgapqx"
ORG_KEYS = """CAST(COALESCE((SELECT array_agg(o.organisation_key ORDER BY o.organisation_key)
                FROM document_organisations o WHERE o.document_id = d.id), '{}') AS text[])"""
YEARS = """ARRAY(SELECT generate_series(extract(year FROM d.date_earliest)::int,
                                   extract(year FROM d.date_latest)::int))"""
# The entry's adjacent pairs and runs of three of common words: a phrase of two or three common
# words is then answered by the GIN index alone, a longer one checked only where all its pairs
# and runs are (``"in the that"`` is in ~1,600 of 100,000 entries; both its pairs in ~36,000).
PAIRS = """ARRAY(WITH c AS (SELECT u.lexeme, p FROM unnest({exact}) u, unnest(u.positions) p
                       WHERE u.lexeme = ANY(:common))
            SELECT a.lexeme || ' ' || b.lexeme FROM c a JOIN c b ON b.p = a.p + 1
            UNION SELECT a.lexeme || ' ' || b.lexeme || ' ' || d.lexeme
              FROM c a JOIN c b ON b.p = a.p + 1 JOIN c d ON d.p = a.p + 2)"""
# Pairs of one of the most frequent words and the word after it (``"the evidence"``), beside the
# pairs of common words (migration 0012): a phrase holding one is checked only where the pair is.
# "the" and "evidence" are both in ~29,000 of 100,000 entries, the phrase in ~4,500; checking
# positions in all 29,000 read 111 MB of tsvectors. Of the most frequent words only: ~100 more
# tokens an entry, where every word beside a common one (CommonGrams) would be ~1,000.
LEADS = ("a", "and", "in", "of", "the", "to")
LEAD_PAIRS = """ARRAY(WITH u AS (SELECT u.lexeme, p FROM unnest({exact}) u, unnest(u.positions) p)
            SELECT DISTINCT a.lexeme || ' ' || b.lexeme FROM u a JOIN u b ON b.p = a.p + 1
            WHERE a.lexeme = ANY(:leads) AND NOT b.lexeme = ANY(:common))"""
LEADS_FROM = "0012"  # the migration giving every entry its lead pairs
ENTRY_COLUMNS = f"""
    SELECT d.id, d.kind, {ORG_KEYS},
      ARRAY(SELECT lower(t) FROM json_array_elements_text(
            COALESCE(v.metadata::json -> 'tags', '[]'::json)) AS t),
      d.date_earliest, d.date_latest,
      {YEARS},
      setweight(to_tsvector('{RANKED}', COALESCE(v.metadata::json ->> 'title', '')), 'A')
        || setweight(to_tsvector('{RANKED}', v.canonical_text), 'B')
        || setweight(ts_delete(to_tsvector('{RANKED}', x.names), '{GAP}'), 'C'),
      x.exact,
      to_tsvector('{EXACT}', COALESCE(v.metadata::json ->> 'speaker', '')),
      v.sha256,
      (SELECT COALESCE(sum(array_length(positions, 1)), 0) FROM unnest(x.title)),
      (SELECT COALESCE(sum(array_length(positions, 1)), 0) FROM unnest(x.body)),
      {PAIRS.format(exact="x.exact")} || {LEAD_PAIRS.format(exact="x.exact")},
      COALESCE(n.digest, :no_names)
    FROM documents d JOIN versions v ON v.document_id = d.id AND v.number = d.current_version
      LEFT JOIN unnest(CAST(:name_ids AS text[]), CAST(:name_texts AS text[]),
                       CAST(:name_digests AS text[])) AS n(id, names, digest) ON n.id = d.id
      CROSS JOIN LATERAL (
        SELECT t.title, t.body, t.title || t.body || t.names AS exact, t.source AS names FROM (
          SELECT to_tsvector('{EXACT}', COALESCE(v.metadata::json ->> 'title', '')) AS title,
                 to_tsvector('{EXACT}', v.canonical_text) AS body,
                 ts_delete(to_tsvector('{EXACT}', COALESCE(n.names, '')), '{GAP}') AS names,
                 COALESCE(n.names, '') AS source) t) x
    WHERE d.withdrawn_at IS NULL
"""
COLUMNS = """document_id, kind, org_keys, tags, date_earliest, date_latest, years, ranked, exact,
  speaker, version_sha256, title_len, body_len, pairs, names_digest"""
# Each entry's organisations, kind and years are one of a few hundred combinations (migration
# 0008): search counts its facets by the combination's number, then splits the few combinations.
FACET_SETS = f"""
    INSERT INTO search.facet_sets (kind, org_keys, years)
    SELECT DISTINCT d.kind, {ORG_KEYS}, {YEARS} FROM documents d WHERE d.withdrawn_at IS NULL
"""
INSERT = f"""
    INSERT INTO search.entries ({COLUMNS}, facet_set)
    SELECT s.*, (SELECT f.id FROM search.facet_sets f
                 WHERE f.kind = s.kind AND f.org_keys = s.org_keys AND f.years = s.years)
    FROM (
"""
UPSERT = """
    ON CONFLICT (document_id) DO UPDATE SET kind = EXCLUDED.kind, org_keys = EXCLUDED.org_keys,
      tags = EXCLUDED.tags, date_earliest = EXCLUDED.date_earliest,
      date_latest = EXCLUDED.date_latest, years = EXCLUDED.years, ranked = EXCLUDED.ranked,
      exact = EXCLUDED.exact, speaker = EXCLUDED.speaker,
      version_sha256 = EXCLUDED.version_sha256, title_len = EXCLUDED.title_len,
      body_len = EXCLUDED.body_len, pairs = EXCLUDED.pairs,
      names_digest = EXCLUDED.names_digest, facet_set = EXCLUDED.facet_set
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
HELD = "SELECT document_id, version_sha256, names_digest FROM search.entries"


KEY_SETS = """
    SELECT DISTINCT k.keys FROM (SELECT array_agg(o.organisation_key ORDER BY o.organisation_key)
                                 AS keys FROM document_organisations o {only_o}
                                 GROUP BY o.document_id) k
"""
LIVE = """
    SELECT d.id, v.sha256, k.keys FROM documents d
      JOIN versions v ON v.document_id = d.id AND v.number = d.current_version
      LEFT JOIN (SELECT o.document_id,
                        string_agg(o.organisation_key, E'\\n' ORDER BY o.organisation_key) AS keys
                 FROM document_organisations o {only_o} GROUP BY o.document_id) k
        ON k.document_id = d.id
    WHERE d.withdrawn_at IS NULL {only_d}
"""
STALE = """
    WITH live AS ({live}),
      digests AS (SELECT * FROM unnest(CAST(:key_sets AS text[]), CAST(:digests AS text[]))
                  AS n(keys, digest))
    SELECT l.id, 'stale' FROM live l LEFT JOIN digests n ON n.keys = l.keys
      LEFT JOIN search.entries e ON e.document_id = l.id
    WHERE e.document_id IS NULL OR e.version_sha256 IS DISTINCT FROM l.sha256
      OR e.names_digest IS DISTINCT FROM COALESCE(n.digest, :no_names)
    UNION ALL
    SELECT e.document_id, 'extra' FROM search.entries e
    WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.id = e.document_id) {only_e}
"""
EVERY = STALE.format(live=LIVE.format(only_o="", only_d=""), only_e="")
SOME_OF = STALE.format(
    live=LIVE.format(only_o="WHERE o.document_id = ANY(:ids)", only_d="AND d.id = ANY(:ids)"),
    only_e="AND e.document_id = ANY(:ids)",
)


def differences(
    connection, names: dict[str, tuple[str, ...]], ids: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """``records.index_differences(live_stamps(...), held_stamps(...))`` made by the database:
    the entries to (re)make and those to drop, without bringing every stamp to Python (1.5 s at
    100,000 documents), among every document or those in ``ids``. ``names``: each
    organisation's names by key; each distinct set of keys a document names gets its digest
    here, as ``document_names`` would make it."""
    only = "" if ids is None else "WHERE o.document_id = ANY(:ids)"
    ids = list(ids or [])
    key_sets = [k for (k,) in connection.execute(text(KEY_SETS.format(only_o=only)), {"ids": ids})]
    params = {
        "key_sets": ["\n".join(keys) for keys in key_sets],
        "digests": [names_digest([n for k in keys for n in names.get(k, ())]) for keys in key_sets],
        "no_names": names_digest(()),
        "ids": ids,
    }
    found: dict[str, list[str]] = {"stale": [], "extra": []}
    for doc_id, kind in connection.execute(text(SOME_OF if only else EVERY), params):
        found[kind].append(doc_id)
    return sorted(found["stale"]), sorted(found["extra"])


def held_stamps(connection) -> dict[str, tuple[str | None, str | None]]:
    """Each entry's version hash and names digest (``IndexRecord.stamp``)."""
    return {d: (sha256, names) for d, sha256, names in connection.execute(text(HELD))}


def held_versions(connection) -> dict[str, str | None]:
    return {doc_id: stamp[0] for doc_id, stamp in held_stamps(connection).items()}


def names_source(names) -> str:
    """The text the names are indexed from, the gap word before each."""
    return " ".join(f"{GAP} {name}" for name in names)


def clear(connection) -> None:
    connection.execute(text("DELETE FROM search.entries"))
    connection.execute(text("DELETE FROM search.lexemes"))
    connection.execute(text("DELETE FROM search.facet_sets"))


def remove(connection, ids: list[str]) -> None:
    stat = SOME.format(column="ranked")
    connection.execute(text(LEXEMES_REMOVE.format(stat=stat)), {"ids": ids})
    connection.execute(
        text("DELETE FROM search.entries WHERE document_id = ANY(:ids)"), {"ids": ids}
    )


def fill(connection, ids: list[str] | None, names: dict[str, tuple[str, ...]]) -> None:
    """Index the given documents (all when None), each with its organisations' ``names``
    (``document_names``), and count their words and lexemes."""
    where = "" if ids is None else " AND d.id = ANY(:ids)"
    params = {"ids": list(ids or []), "common": sorted(COMMON_WORDS), "leads": list(LEADS),
              "name_ids": list(names), "no_names": names_digest(()),
              "name_texts": [names_source(n) for n in names.values()],
              "name_digests": [names_digest(n) for n in names.values()]}  # fmt: skip
    connection.execute(text(FACET_SETS + where + " ON CONFLICT DO NOTHING"), params)
    source = f") AS s({COLUMNS})"
    connection.execute(text(INSERT + ENTRY_COLUMNS + where + source + UPSERT), params)
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
