"""The PostgreSQL backend: tsvector columns with GIN indexes in the archive's own database.

Every web process on every machine reads the same index; there are no files to copy. The
index (``search.entries``, from migration 0002) is kept by ``after_build`` in one transaction,
so readers see the old entries or the new ones, never a mixture.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from . import Hit, SearchError, SearchRequest, SearchResults, Snippet
from .postgres_query import RANKED, Compiler
from .querylang import Word
from .records import current_versions, index_differences, live_versions

ENTRY_COLUMNS = """
    SELECT d.id, d.kind,
      COALESCE((SELECT array_agg(o.organisation_key ORDER BY o.organisation_key)
                FROM document_organisations o WHERE o.document_id = d.id), '{}'),
      ARRAY(SELECT lower(t) FROM json_array_elements_text(
            COALESCE(v.metadata::json -> 'tags', '[]'::json)) AS t),
      d.date_earliest, d.date_latest,
      ARRAY(SELECT generate_series(extract(year FROM d.date_earliest)::int,
                                   extract(year FROM d.date_latest)::int)),
      setweight(to_tsvector('search.english_folded',
                            COALESCE(v.metadata::json ->> 'title', '')), 'A')
        || setweight(to_tsvector('search.english_folded', v.canonical_text), 'B'),
      to_tsvector('search.exact', COALESCE(v.metadata::json ->> 'title', ''))
        || to_tsvector('search.exact', v.canonical_text),
      to_tsvector('search.exact', COALESCE(v.metadata::json ->> 'speaker', '')),
      v.sha256
    FROM documents d JOIN versions v ON v.document_id = d.id AND v.number = d.current_version
    WHERE d.withdrawn_at IS NULL
"""
INSERT = """
    INSERT INTO search.entries (document_id, kind, org_keys, tags, date_earliest, date_latest,
                                years, ranked, exact, speaker, version_sha256)
"""
UPSERT = """
    ON CONFLICT (document_id) DO UPDATE SET kind = EXCLUDED.kind, org_keys = EXCLUDED.org_keys,
      tags = EXCLUDED.tags, date_earliest = EXCLUDED.date_earliest,
      date_latest = EXCLUDED.date_latest, years = EXCLUDED.years, ranked = EXCLUDED.ranked,
      exact = EXCLUDED.exact, speaker = EXCLUDED.speaker,
      version_sha256 = EXCLUDED.version_sha256
"""
FACETS = """
    WITH m AS MATERIALIZED (SELECT e.org_keys, e.kind, e.years FROM search.entries e
                            WHERE {where})
    SELECT 'organisation', k, count(*) FROM m, unnest(m.org_keys) k GROUP BY k
    UNION ALL SELECT 'kind', m.kind, count(*) FROM m GROUP BY m.kind
    UNION ALL SELECT 'year', y::text, count(*) FROM m, unnest(m.years) y GROUP BY y
    UNION ALL SELECT 'total', '', count(*) FROM m
"""
TOP = """
    SELECT e.document_id, {rank} AS score FROM search.entries e WHERE {where}
    ORDER BY {order} LIMIT :limit OFFSET :offset
"""
WORDS = """
    INSERT INTO search.words (word, ndoc) SELECT word, ndoc FROM ts_stat({stat})
    ON CONFLICT (word) DO UPDATE SET ndoc = search.words.ndoc + EXCLUDED.ndoc
"""
HELD = "SELECT document_id, version_sha256 FROM search.entries"
HEADLINE_OPTIONS = (
    "StartSel=\ue000, StopSel=\ue001, FragmentDelimiter=\ue002, MaxFragments=2, "
    "MaxWords=35, MinWords=12"
)
MARKED = re.compile("\ue000(.*?)\ue001", re.S)


class PostgresBackend:
    """Search in PostgreSQL itself."""

    name = "postgres"

    def __init__(self, archive):
        if not archive.config.is_postgres:
            raise SearchError("the postgres search backend needs a PostgreSQL database")
        self.archive = archive

    def after_build(self, report, reindex: bool = False, progress: bool = False) -> None:
        """Bring the index to the database: whatever a build did, or an interrupted one left."""
        if reindex:
            self.rebuild(progress=progress)
            return
        with self.archive.session() as session:
            expected = live_versions(session)
        with self.archive.engine.begin() as connection:
            held = dict(connection.execute(text(HELD)).all())
            if not held:
                self._fill(connection, None)
                return
            stale, extra = index_differences(expected, held)
            if stale or extra:
                connection.execute(
                    text("DELETE FROM search.entries WHERE document_id = ANY(:ids)"),
                    {"ids": stale + extra},
                )
                self._fill(connection, stale)

    def indexed_versions(self) -> dict[str, str | None]:
        with self.archive.engine.connect() as connection:
            return dict(connection.execute(text(HELD)).all())

    def rebuild(self, progress: bool = False) -> None:
        self.archive.migrate()
        with self.archive.engine.begin() as connection:
            connection.execute(text("DELETE FROM search.entries"))
            self._fill(connection, None)

    def _fill(self, connection, ids) -> None:
        where = "" if ids is None else " AND d.id = ANY(:ids)"
        connection.execute(text(INSERT + ENTRY_COLUMNS + where + UPSERT), {"ids": list(ids or [])})
        if ids is None:
            connection.execute(text("DELETE FROM search.words"))
            connection.execute(text(WORDS.format(stat="'SELECT exact FROM search.entries'")))
            # Fresh statistics, or the planner scans every tsvector until autovacuum comes by.
            connection.execute(text("ANALYZE search.entries, search.words"))
        elif ids:
            stat = (
                "format('SELECT exact FROM search.entries WHERE document_id = ANY(%L)',"
                " CAST(:ids AS text[]))"
            )
            connection.execute(text(WORDS.format(stat=stat)), {"ids": list(ids)})

    def close(self) -> None:
        return None

    # -- searching ------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        parsed = request.parsed
        results = SearchResults(request, notices=list(parsed.notices))
        if parsed.is_empty and not request.has_filters:
            return results
        with self.archive.engine.begin() as connection:
            connection.execute(text("SET LOCAL statement_timeout = 2000"))
            sql = Compiler(StopWords(connection)).compile(parsed, request)
            try:
                ids = self._run(connection, sql, request, results)
            except OperationalError as exc:
                if "statement timeout" not in str(exc):
                    raise
                results.partial = True
                results.notices.append("The search took too long; these results are incomplete.")
                return results
            if ids:
                headlines = self._headlines(connection, sql, ids)
            if results.total == 0:
                results.suggestion = _suggest(connection, request.q, parsed)
        self._attach(results, headlines if ids else {}, request)
        return results

    def _run(self, connection, sql, request: SearchRequest, results: SearchResults) -> list:
        rows = connection.execute(text(FACETS.format(where=sql.where_sql)), sql.params)
        for facet, value, count in rows:
            if facet == "total":
                results.total = count
            else:
                results.facets.setdefault(facet, {})[value] = count
        for name, counts in results.facets.items():
            results.facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        if not results.total:
            return []
        by_date = request.sort == "date" or not request.parsed.positive_words()
        order = "e.date_earliest, e.document_id" if by_date else "score DESC, e.document_id"
        query = TOP.format(rank=sql.rank_sql(), where=sql.where_sql, order=order)
        offset = (request.page - 1) * request.per_page
        params = {**sql.params, "limit": request.per_page, "offset": offset}
        found = connection.execute(text(query), params).all()
        results.hits = [Hit(doc_id, float(score or 0)) for doc_id, score in found]
        return [doc_id for doc_id, _ in found]

    def _headlines(self, connection, sql, ids: list[str]) -> dict[str, str]:
        query = text(
            f"SELECT v.document_id, ts_headline('{RANKED}', v.canonical_text, "
            f"{sql.headline_query()}, :options) FROM documents d JOIN versions v "
            "ON v.document_id = d.id AND v.number = d.current_version WHERE d.id = ANY(:ids)"
        )
        params = {**sql.params, "ids": ids, "options": HEADLINE_OPTIONS}
        return dict(connection.execute(query, params).all())

    def _attach(self, results: SearchResults, headlines: dict, request: SearchRequest) -> None:
        with self.archive.session() as session:
            loaded = current_versions(session, [h.document_id for h in results.hits])
        results.hits = [h for h in results.hits if h.document_id in loaded]
        for hit in results.hits:
            hit.document, version = loaded[hit.document_id]
            if request.snippets and hit.document_id in headlines:
                hit.snippets, hit.matched = headline_snippets(
                    headlines[hit.document_id], version.canonical_text, version.paragraphs
                )


class StopWords:
    """Whether a word is an English stop word, asked of PostgreSQL's own dictionary (cached)."""

    known: dict[str, bool] = {}

    def __init__(self, connection):
        self.connection = connection

    def __contains__(self, word: str) -> bool:
        word = word.lower()
        if word not in self.known:
            if len(self.known) > 20000:
                self.known.clear()
            query = text(f"SELECT numnode(plainto_tsquery('{RANKED}', :w)) = 0")
            self.known[word] = bool(self.connection.scalar(query, {"w": word}))
        return self.known[word]


def headline_snippets(headline: str, text_: str, paragraphs: list) -> tuple[list[Snippet], list]:
    """Turn ts_headline's fragments into snippets, each cut to the paragraph it starts in."""
    snippets, matched = [], set()
    for fragment in headline.split("\ue002"):
        plain = fragment.replace("\ue000", "").replace("\ue001", "")
        lead = len(plain) - len(plain.lstrip())
        start = text_.find(plain.strip()) if plain.strip() else -1
        if start < 0:
            continue
        marks, offset = [], start - lead
        for piece in re.split("(\ue000.*?\ue001)", fragment, flags=re.S):
            word = piece.strip("\ue000\ue001")
            if piece.startswith("\ue000"):
                marks.append((offset, offset + len(word)))
            offset += len(word)
        anchor = marks[0][0] if marks else start
        number, (p_start, p_end) = next(
            ((n, span) for n, span in enumerate(paragraphs, 1) if span[0] <= anchor < span[1]),
            (1, (0, len(text_))),
        )
        end = min(start + len(plain.strip()), p_end)
        start = max(start, p_start)
        marks = [(a, b) for a, b in marks if a >= start and b <= end]
        matched.update(text_[a:b] for a, b in marks)
        snippets.append(_snippet(text_, start, end, marks, number, (p_start, p_end)))
    return snippets, sorted(matched)


def _snippet(text_: str, start: int, end: int, marks, number: int, paragraph) -> Snippet:
    html, cursor = [], start
    for a, b in marks:
        html.append(escape(text_[cursor:a]) + f"<mark>{escape(text_[a:b])}</mark>")
        cursor = b
    html.append(escape(text_[cursor:end]))
    lead = "… " if start > paragraph[0] else ""
    tail = " …" if end < paragraph[1] else ""
    plain = lead + text_[start:end] + tail
    return Snippet(number, plain, lead + "".join(html) + tail)


def _suggest(connection, q: str, parsed) -> str | None:
    """Replace each unknown word by the most similar, most frequent word in the archive."""
    suggestion, changed = q, False
    for node in parsed.positive_words():
        if not isinstance(node, Word) or node.prefix:
            continue
        word = _fold(node.text)
        known = connection.scalar(text("SELECT 1 FROM search.words WHERE word = :w"), {"w": word})
        if known:
            continue
        best = connection.scalar(
            text(
                "SELECT word FROM search.words WHERE word % :w "
                "ORDER BY similarity(word, :w) DESC, ndoc DESC, word LIMIT 1"
            ),
            {"w": word},
        )
        if best:
            suggestion, changed = suggestion.replace(node.text, best, 1), True
    return suggestion if changed else None


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
