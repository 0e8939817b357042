"""Ranking on PostgreSQL: the same BM25F and proximity boost as Whoosh (``ranking``).

Reading a term's frequency means reading the document's tsvector, which PostgreSQL keeps
compressed out of line; doing that for every match is what made long queries slow. So ranking
takes two steps, both bounded by the page wanted rather than by the matches:

1. *candidates*: each term's documents come from the GIN index alone (no tsvector is read),
   and each document is scored by the idf of the terms it has; the best ``depth`` go on
   (in the same statement as the total and facets: ``Matcher``). Only the rarest terms'
   documents are all read (top-k pruning, MaxScore): the others are looked up in those alone,
   and SQL checks that no document outside could have made the best ``depth``;
2. *scores*: for those few, the query's lexemes are read from the tsvectors (frequencies per
   field from the weights, positions for the proximity boost) and BM25F is computed exactly.
"""

from __future__ import annotations

import time
from collections import defaultdict

from sqlalchemy import text

from . import ranking
from .postgres_index import EXACT, RANKED
from .postgres_query import RankTerm, SqlQuery

# Each word's lexemes and how many entries hold the commonest (a stem's df), in one round trip.
LEXEMES = """
    SELECT t.i, l.lexemes, CASE WHEN t.config = :ranked
      THEN (SELECT COALESCE(max(ndoc), 0) FROM search.lexemes WHERE lexeme = ANY(l.lexemes))
      ELSE (SELECT COALESCE(max(ndoc), 0) FROM search.words WHERE word = ANY(l.lexemes)) END
    FROM unnest(CAST(:i AS int[]), CAST(:config AS text[]), CAST(:word AS text[]))
      AS t(i, config, word)
      CROSS JOIN LATERAL tsvector_to_array(to_tsvector(t.config::regconfig, t.word)) AS l(lexemes)
"""
COUNTS = """
    SELECT (SELECT count(*) FROM search.entries),
      (SELECT COALESCE(avg(title_len), 0) FROM search.entries),
      (SELECT COALESCE(avg(body_len), 0) FROM search.entries)
"""
# Facets come from one grouping of the matches by their combination of organisations, kind and
# years (``facet_set``, migration 0008: a few hundred at most), whose arrays are then split:
# grouping every matched row by its arrays, once per facet, was most of a ten-word question's
# time at 100,000 documents (70,000 matched rows, ~110 ms of CPU; by one integer, ~10).
#
# The matches (``m``) are kept in memory only when the candidates are chosen among them; when
# not (a count alone, or candidates the matches are known to hold: ``within``), the grouping
# reads the scan itself, ~10 ms less of a ten-word question's ~50 at 100,000 documents.
MATCHED = """
    WITH m AS {kept}(SELECT e.document_id, e.facet_set
                     FROM search.entries e WHERE {where}),
    g AS MATERIALIZED (SELECT f.org_keys, f.kind, f.years, x.n FROM (
                         SELECT m.facet_set, count(*) AS n FROM m GROUP BY m.facet_set) x
                       LEFT JOIN search.facet_sets f ON f.id = x.facet_set){best}
    SELECT 'organisation', k, sum(g.n)::bigint FROM g, unnest(g.org_keys) k GROUP BY k
    UNION ALL SELECT 'kind', g.kind, sum(g.n)::bigint FROM g WHERE g.kind IS NOT NULL
      GROUP BY g.kind
    UNION ALL SELECT 'year', y::text, sum(g.n)::bigint FROM g, unnest(g.years) y GROUP BY y
    UNION ALL SELECT 'total', '', COALESCE(sum(g.n), 0)::bigint FROM g{candidates}
"""
BEST = """,
    hits (document_id, w) AS ({hits}),
    best AS (SELECT m.document_id, COALESCE(h.pre, 0) AS pre FROM m LEFT JOIN (
               SELECT document_id, sum(w) AS pre FROM hits GROUP BY document_id) h
             USING (document_id)
             ORDER BY pre DESC, m.document_id COLLATE "C" LIMIT :depth)"""
# Top-k pruning (MaxScore, as on Whoosh): the rarest terms (``essential``) find the documents
# that can be among the best; the others are looked up only in those (a GIN BitmapAnd, so the
# heap is visited for the few documents holding both). A document holding none of the essential
# terms scores at most the other terms' idfs together (``rest``): when the depth-th best found
# scores more, the candidates are exactly those of BEST; when not (too few found), BEST runs.
# When every term's documents are matches (a question relaxed to any of its words, with no
# phrase, filter or exclusion), the terms' documents are not looked up among the matches
# (a join of ~20,000 rows with ~66,000 at 100,000 documents), and the matches are read once.
PRUNED = """,
    hits (document_id, w) AS ({hits}),
    pruned AS (SELECT document_id, h.pre FROM {within}(
                 SELECT document_id, sum(w) AS pre FROM hits GROUP BY document_id) h{using}
               ORDER BY h.pre DESC, document_id COLLATE "C" LIMIT :depth),
    enough AS (SELECT count(*) = :depth AND min(pre) > {rest} AS ok FROM pruned),
    every (document_id, w) AS ({every}),
    scored AS (SELECT m.document_id, COALESCE(h.pre, 0) AS pre FROM m LEFT JOIN (
                 SELECT document_id, sum(w) AS pre FROM every GROUP BY document_id) h
               USING (document_id)
               ORDER BY pre DESC, m.document_id COLLATE "C" LIMIT :depth),
    best AS (SELECT document_id FROM pruned WHERE (SELECT ok FROM enough)
             UNION ALL SELECT document_id FROM scored WHERE NOT (SELECT ok FROM enough))"""
CHECKED = " UNION ALL SELECT 'pruned', '', CAST((SELECT ok FROM enough) AS int) FROM enough"
# Every candidate would score the same (each choosing term is held by every match): the first.
SAME = """,
    best AS (SELECT m.document_id FROM m ORDER BY m.document_id COLLATE "C" LIMIT :depth)"""
ANY = """,
    best AS (SELECT m.document_id FROM m LIMIT :depth)"""
CANDIDATES = " UNION ALL SELECT 'candidate', best.document_id, 0 FROM best"
# Weights are idfs in millionths, whole numbers: their sums do not depend on the order they
# are added in, so documents holding the same terms tie exactly and are ordered by id.
HIT = "SELECT e.document_id, CAST({weight} AS bigint) FROM search.entries e WHERE {condition}"
FREQUENCIES = """
    SELECT e.document_id, e.title_len, e.body_len, '{column}', u.lexeme, u.positions, u.weights
    FROM search.entries e CROSS JOIN LATERAL unnest(e.{column}) u
    WHERE e.document_id = ANY(:ids) AND (u.lexeme = ANY(:lexemes)
      OR EXISTS (SELECT 1 FROM unnest(CAST(:prefixes AS text[])) p WHERE starts_with(u.lexeme, p)))
"""
# Without prefixes, the query's lexemes are picked out of each tsvector in C before unnesting
# (unnesting all of a document's ~250 lexemes, positions and weights as arrays, was most of
# the time): setweight marks theirs D, ts_filter keeps only D, one field (weight) at a time.
FILTERED = {
    "ranked": """
    SELECT e.document_id, e.title_len, e.body_len, 'ranked', x.lexeme, x.positions, f.w
    FROM search.entries e CROSS JOIN (VALUES ('A'), ('B'), ('C')) AS f(w)
      CROSS JOIN LATERAL unnest(ts_filter(
        setweight(ts_filter(e.ranked, CAST(ARRAY[lower(f.w)] AS "char"[])), 'D',
                  CAST(:lexemes AS text[])), '{d}')) x
    WHERE e.document_id = ANY(:ids)
""",
    "exact": """
    SELECT e.document_id, e.title_len, e.body_len, 'exact', x.lexeme, x.positions, 'D'
    FROM search.entries e CROSS JOIN LATERAL
      unnest(ts_filter(setweight(e.exact, 'A', CAST(:lexemes AS text[])), '{a}')) x
    WHERE e.document_id = ANY(:ids)
""",
}


_COUNTS: dict = {}  # engine URL -> (time, (count, avg title, avg body))
COUNTS_FOR = 600.0  # seconds the counts and average lengths are reused (a scan of every entry)


def _counts(connection) -> tuple[int, float, float]:
    key = str(connection.engine.url)
    cached = _COUNTS.get(key)
    if cached is None or time.monotonic() - cached[0] > COUNTS_FOR:
        connection.execute(text("SET LOCAL enable_seqscan = on"))  # here a scan is right
        cached = _COUNTS[key] = (time.monotonic(), tuple(connection.execute(text(COUNTS)).one()))
        connection.execute(text("SET LOCAL enable_seqscan = off"))
    return cached[1]


def prepare(connection, sql: SqlQuery) -> tuple[int, float, float]:
    """Look up each term's lexemes and document count; return (count, avg title, avg body)."""
    count, title_avg, body_avg = _counts(connection)
    words = [(i, t) for i, t in enumerate(sql.terms) if not t.prefix]
    if words:
        rows = connection.execute(
            text(LEXEMES),
            {"i": [i for i, _ in words],
             "config": [RANKED if t.column == "ranked" else EXACT for _, t in words],
             "word": [t.word for _, t in words], "ranked": RANKED},
        )  # fmt: skip
        for i, lexemes, df in rows:
            sql.terms[i].lexemes, sql.terms[i].df = list(lexemes or []), int(df)
    for term in sql.terms:
        if term.prefix:
            term.df = _prefix_count(connection, term.prefix)
        term.idf = ranking.idf(min(term.df, count), max(count, 1))
    return count, float(title_avg), float(body_avg)


def _prefix_count(connection, prefix: str) -> int:
    query = "SELECT COALESCE(sum(ndoc), 0) FROM search.words WHERE starts_with(word, :p)"
    return int(connection.scalar(text(query), {"p": prefix}))


WEIGHT_FIELD = {"A": 0, "B": 1, "C": 2}  # the ranked column's weights: title, body, names
COMMON = 0.5  # terms in more than this share of the documents do not choose candidates
ESSENTIAL = 3  # documents expected to beat those without the essential terms, times ``depth``
WITHIN = True  # candidates of a search relaxed to any of its words taken without the matches
TWO_TERMS = True  # an essential term's documents read only where another term is, when enough


class Matcher:
    """One statement per set of documents a search looks at (the strict matches, then perhaps
    those with most of the words): their total and facets, and the ``depth`` candidates to
    score among them, from one bitmap scan of the index shared by both (two statements
    scanned it twice: the larger part of a ten-word question's time)."""

    def __init__(self, connection, sql: SqlQuery, limit: int):
        self.connection, self.sql = connection, sql
        self.depth = max(limit, ranking.PARAMS.candidates)  # 0: no candidates wanted
        self.averages = (0.0, 0.0)
        self._best: dict[bool, tuple[str, bool]] = {}  # relaxed -> (candidates' SQL, keep m)
        self._terms: list[RankTerm] | None = None
        self.pruned: list[bool] = []  # whether each pruned choice of candidates held (or fell back)

    def match(self, where: str, candidates: bool = True, relaxed: bool = False):
        """Rows of (facet, value, count), ``('total', '', n)`` and ``('candidate', id, 0)``."""
        best, keep = self._candidates(relaxed) if self.depth and candidates else ("", False)
        chosen = (CANDIDATES + (CHECKED if "enough AS" in best else "")) if best else ""
        kept = "MATERIALIZED " if keep else "NOT MATERIALIZED "
        query = MATCHED.format(where=where, best=best, candidates=chosen, kept=kept)
        params = {**self.sql.params, "depth": self.depth}
        for row in self.connection.execute(text(query), params):
            if row[0] == "pruned":
                self.pruned.append(bool(row[2]))
            else:
                yield row

    def _candidates(self, relaxed: bool) -> tuple[str, bool]:
        """The allowed documents with the most (idf-weighted) terms, each term's documents
        from the GIN index alone. Terms most documents hold add almost nothing to a score and
        cost a scan of most of the index: they are left to the exact scoring (a query of
        nothing else takes any ``depth`` allowed documents), and so are terms every match
        holds (they add the same to every score). With it, whether the statement should keep
        the matches in memory (its candidates are chosen among them)."""
        if self._terms is None:
            count, title_avg, body_avg = prepare(self.connection, self.sql)
            self.averages, self._count = (title_avg, body_avg), count
            self._terms = [t for t in self.sql.terms if t.lexemes or t.prefix]
            self._choosing = [t for t in self._terms if t.df <= COMMON * count]
        if relaxed not in self._best:
            choosing = [t for t in self._choosing if not t.held_by_all(relaxed)]
            if choosing:
                self._best[relaxed] = self._pruned(choosing, relaxed)
            elif self._choosing:
                self._best[relaxed] = SAME, True
            else:
                self._best[relaxed] = (ANY, True) if self._terms else ("", False)
        return self._best[relaxed]

    def within(self, relaxed: bool) -> bool:
        """Whether every document holding a term is a match: the search is relaxed to any of
        its plain words (each a soft clause's word or prefix: no phrase among them) and nothing
        else holds (no phrase, filter or exclusion)."""
        return relaxed and WITHIN and not self.sql.hard and self.sql.soft_words_only

    def _pruned(self, terms: list[RankTerm], relaxed: bool) -> tuple[str, bool]:
        terms = sorted(terms, key=lambda t: (-t.idf, t.df))
        micro = [round(t.idf * 1_000_000) for t in terms]
        weights = [self.sql.bind(w) for w in micro]
        conditions = [f"e.{t.column} @@ {t.query}" for t in terms]
        every = " UNION ALL ".join(
            HIT.format(weight=w, condition=c) for w, c in zip(weights, conditions, strict=True)
        )
        essential = _essential(terms, self._count, ESSENTIAL * self.depth)
        if not essential:
            return BEST.format(hits=every), True
        hits = " UNION ALL ".join(
            HIT.format(weight=w, condition=_essential_hit(conditions, i, essential, micro, terms))
            if i < essential
            else HIT.format(weight=w, condition=_with_any(terms, i, range(essential)))
            for i, w in enumerate(weights)
        )
        rest = f"CAST({self.sql.bind(sum(micro[essential:]))} AS bigint)"
        if self.within(relaxed):  # the terms' documents are matches: m only for the fallback
            return PRUNED.format(hits=hits, rest=rest, every=every, within="", using=""), False
        pruned = PRUNED.format(
            hits=hits, rest=rest, every=every, within="m JOIN ", using=" USING (document_id)"
        )
        return pruned, True


def _essential_hit(
    conditions: list[str], i: int, essential: int, micro: list[int], terms: list[RankTerm]
) -> str:
    """The condition for the documents of essential term ``i`` worth reading: when no term
    alone scores more than the other terms (``rest``) could, a candidate good enough for the
    check holds two terms or more, so its documents holding no other term are left out (read
    from the GIN index alone: ~10% of a ten-word question's CPU at 100,000 documents)."""
    rest = sum(micro[essential:])
    if not TWO_TERMS or any(weight > rest for weight in micro[:essential]):
        return conditions[i]
    return _with_any(terms, i, [k for k in range(len(terms)) if k != i])


def _with_any(terms: list[RankTerm], i: int, others) -> str:
    """The documents holding term ``i`` and any of ``others``, as one tsquery per column
    (``col @@ (a && (b || c))``), so that only the GIN index can answer it. Written as
    ``col @@ a AND (col @@ b OR col @@ c)``, the planner may read term ``i``'s documents from
    the index and check the others in each of their tsvectors (read out of line, de-TOASTed):
    it did for a ten-word question at 100,000 documents, 380 ms of its 460 (the same
    documents either way: ``&&`` and ``||`` are AND and OR)."""
    term, arms = terms[i], []
    for column in dict.fromkeys(terms[k].column for k in others):
        found = " || ".join(terms[k].query for k in others if terms[k].column == column)
        if column == term.column:
            arms.append(f"e.{column} @@ ({term.query} && ({found}))")
        else:
            arms.append(f"(e.{term.column} @@ {term.query} AND e.{column} @@ ({found}))")
    return arms[0] if len(arms) == 1 else "(" + " OR ".join(arms) + ")"


def _essential(terms: list[RankTerm], count: int, wanted: float) -> int:
    """How many of ``terms`` (rarest first) to take as essential: the fewest with which, were
    the terms independent, ``wanted`` documents would hold one of them and score more than
    all the others could add. Zero: none will do (every term is scored for every match)."""
    count = max(count, 1)
    for essential in range(1, len(terms)):
        rest = sum(t.idf for t in terms[essential:])
        # Distribution of (score in hundredths, holds an essential term) over the documents.
        dist: dict[tuple[int, bool], float] = {(0, False): 1.0}
        for i, term in enumerate(terms):
            p, w = min(1.0, term.df / count), round(term.idf * 100)
            step: dict[tuple[int, bool], float] = defaultdict(float)
            for (score, held), share in dist.items():
                step[score, held] += share * (1 - p)
                step[score + w, held or i < essential] += share * p
            dist = step
        above = sum(share for (score, held), share in dist.items() if held and score > rest * 100)
        if above * count >= wanted:
            return essential
    return 0


def scores(connection, sql: SqlQuery, ids: list[str], averages) -> dict[str, float]:
    """BM25F plus the proximity boost for each of ``ids``."""
    docs: dict[str, dict] = defaultdict(lambda: {"lengths": (0, 0), "lexemes": {}})
    for column in ("ranked", "exact"):
        terms = [t for t in sql.terms if t.column == column]
        if not terms:
            continue
        params = {"ids": ids, "lexemes": [x for t in terms for x in t.lexemes],
                  "prefixes": [t.prefix for t in terms if t.prefix]}  # fmt: skip
        query = FREQUENCIES.format(column=column) if params["prefixes"] else FILTERED[column]
        for row in connection.execute(text(query), params):
            doc_id, title_len, body_len, col, lexeme, positions, weights = row
            docs[doc_id]["lengths"] = (title_len, body_len)
            split = _by_field(positions, weights, (title_len, body_len), col)
            held = docs[doc_id]["lexemes"].setdefault((col, lexeme), ([], [], []))
            for field, found in zip(held, split, strict=True):  # a row per field, or one
                field.extend(found)
    return {doc_id: _score(sql.terms, docs[doc_id], averages) for doc_id in ids}


def _by_field(positions, weights, lengths, column: str) -> tuple[list[int], ...]:
    """Split a lexeme's positions into title, body and names ones: by weight (A, B, C) in the
    ranked column (``weights`` one letter when every position has it: ``FILTERED``'s rows),
    by place in the exact one (title, then body, then names)."""
    found: tuple[list[int], ...] = ([], [], [])
    title_len, body_len = lengths
    if column != "ranked":
        ends, positions = title_len + body_len, positions or ()
        found[0].extend(p for p in positions if p <= title_len)
        found[1].extend(p for p in positions if title_len < p <= ends)
        found[2].extend(p for p in positions if p > ends)
        return found
    if isinstance(weights, str):
        found[WEIGHT_FIELD.get(weights, 1)].extend(positions or ())
        return found
    for position, weight in zip(positions or (), weights or (), strict=False):
        found[WEIGHT_FIELD.get(weight, 1)].append(position)
    return found


def _score(terms: list[RankTerm], doc: dict, averages) -> float:
    params = ranking.PARAMS
    title_len, body_len = doc["lengths"]
    title_norm = ranking.normaliser(title_len, averages[0], params.title_b)
    body_norm = ranking.normaliser(body_len, averages[1], params.body_b)
    total, per_field = 0.0, ([], [])
    for term in terms:
        title, body, names = [], [], []
        for (column, lexeme), (t, b, n) in doc["lexemes"].items():
            if column == term.column and (
                lexeme in term.lexemes or (term.prefix and lexeme.startswith(term.prefix))
            ):
                title += t
                body += b
                names += n
        x = params.title_weight * len(title) / title_norm + len(body) / body_norm
        x += params.names_weight * len(names)  # names_b is 0: no length is stored
        total += term.idf * ranking.saturate(x, params.k1)
        per_field[0].append(sorted(title))
        per_field[1].append(sorted(body))
    if params.proximity:
        idfs = [t.idf for t in terms]
        for positions, norm in zip(per_field, (title_norm, body_norm), strict=True):
            total += params.proximity * ranking.proximity(positions, idfs, norm)
    return total
