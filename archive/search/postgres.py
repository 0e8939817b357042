"""The PostgreSQL backend: tsvector columns with GIN indexes in the archive's own database.

Every web process on every machine reads the same index; there are no files to copy. The
index (``search.entries``, from migration 0002) is kept by ``after_build`` in one transaction,
so readers see the old entries or the new ones, never a mixture.
"""

from __future__ import annotations

import re
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from html import escape

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ..organisation_names import document_names, organisation_names
from . import postgres_index
from .plan import relaxed_notice, should_relax
from .postgres_index import RANKED
from .querylang import Word
from .records import current_versions
from .types import Hit, SearchError, SearchRequest, SearchResults, Snippet

BY_DATE = """
    SELECT e.document_id FROM search.entries e WHERE {where}
    ORDER BY e.date_earliest, e.document_id LIMIT :limit
"""
MISSING = (
    "SELECT e.document_id, ARRAY[{checks}] FROM search.entries e WHERE e.document_id = ANY(:ids)"
)
HEADLINE_OPTIONS = (
    "StartSel=\ue000, StopSel=\ue001, FragmentDelimiter=\ue002, MaxFragments=2, "
    "MaxWords=35, MinWords=12"
)
MARKED = re.compile("\ue000(.*?)\ue001", re.S)


# For the search's own transaction. A sequential scan reads (de-TOASTs) every tsvector; the
# planner does not count that, and picks one for any word in a quarter of the documents (590 ms
# at 20,000 documents, against 10 for the GIN index). Parallel workers (planned for the
# candidates' scans at 100,000 documents) cost more CPU than they save on a busy server and
# start a process each; JIT compiles for longer than these statements run; the matches of a
# question (70,000 rows at 100,000 documents) are kept in memory rather than a temporary file.
SETTINGS = """
    SELECT set_config('statement_timeout', '2000', true), set_config('enable_seqscan', 'off', true),
      set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true),
      set_config('work_mem', '32MB', true)
"""


VACUUM_FROM = 1000  # entries re-indexed by one build beyond which it vacuums (and a fifth)


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
            names = organisation_names(session)
        with self.archive.engine.begin() as connection:
            held = connection.scalar(text("SELECT count(*) FROM search.entries"))
            if not held:
                self._fill(connection, None)
                return
            stale, extra = self._differences(connection, names, report)
            if stale or extra:
                postgres_index.remove(connection, stale + extra)
                self._fill(connection, stale)
        if len(stale) + len(extra) > max(VACUUM_FROM, held // 5):
            self._vacuum()  # e.g. every entry, after a migration or a renamed organisation

    def after_named_build(self, report) -> None:
        """After ``archive build PATH...``: the entries of the documents it touched or
        removed, and no others (an empty index is filled, as ``after_build`` would)."""
        ids = sorted({*report.touched, *report.removed})
        with self.archive.session() as session:
            names = organisation_names(session)
        with self.archive.engine.begin() as connection:
            if not connection.scalar(text("SELECT EXISTS (SELECT 1 FROM search.entries)")):
                self._fill(connection, None)
                return
            if not ids:
                return
            stale, extra = postgres_index.differences(connection, names, ids)
            if stale or extra:
                postgres_index.remove(connection, stale + extra)
                self._fill(connection, stale)

    def start_check(self) -> Future:
        """Begin ``after_build``'s check of every entry while the build reads its files: on a
        connection of its own, in a thread (the server does the work; 1-3.5 s at 100,000
        documents on a busy machine). The build starts it once it holds the database's build
        lock, so no other build's writes come after it; ``after_build`` then checks again only
        what this build touched and what the early check found."""
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            return pool.submit(self._check_all)
        finally:
            pool.shutdown(wait=False)  # its one thread ends with the check

    def _check_all(self) -> tuple[dict, list[str], list[str]]:
        with self.archive.session() as session:
            names = organisation_names(session)
            stale, extra = postgres_index.differences(session.connection(), names)
        return names, stale, extra

    def _differences(self, connection, names, report) -> tuple[list[str], list[str]]:
        """Every entry's differences, or, after an early check (``start_check``) made with the
        same organisation names, those of the documents it found or this build touched."""
        early, report.search_check = getattr(report, "search_check", None), None
        try:
            before = early.result() if early is not None else None
        except Exception:  # the early check failed (a lost connection): check everything now
            before = None
        if before is None or before[0] != names:
            return postgres_index.differences(connection, names)
        ids = {*before[1], *before[2], *report.touched, *report.removed}
        return postgres_index.differences(connection, names, sorted(ids)) if ids else ([], [])

    def indexed_versions(self) -> dict[str, str | None]:
        with self.archive.engine.connect() as connection:
            return postgres_index.held_versions(connection)

    def rebuild(self, progress: bool = False) -> None:
        self.archive.migrate()
        with self.archive.engine.begin() as connection:
            postgres_index.clear(connection)
            self._fill(connection, None)
        self._vacuum()

    def _vacuum(self) -> None:
        # Every old row is now dead; until vacuumed, each bitmap scan visits them too (words
        # took 93 ms at the median instead of 28 at 20,000 documents, and the table twice
        # the space).
        options = {"isolation_level": "AUTOCOMMIT"}
        with self.archive.engine.connect().execution_options(**options) as connection:
            connection.execute(text("VACUUM (ANALYZE) search.entries, search.lexemes"))

    def _fill(self, connection, ids) -> None:
        with self.archive.session() as session:
            names = document_names(session, ids)
        postgres_index.fill(connection, ids, names)

    def close(self) -> None:
        return None

    # -- searching ------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        plan = request.plan
        results = SearchResults(request, notices=list(request.parsed.notices))
        if plan.is_empty and not request.has_filters:
            return results
        # Searching's own modules: ``archive build`` opens this backend only to index.
        from .postgres_query import Compiler

        with self.archive.engine.begin() as connection:
            connection.execute(text(SETTINGS))
            sql = Compiler(leads=_leads_indexed(connection)).compile(plan, request)
            try:
                ranked = self._run(connection, sql, request, results)
            except OperationalError as exc:
                if "statement timeout" not in str(exc):
                    raise
                results.partial = True
                results.notices.append("The search took too long; these results are incomplete.")
                return results
            headlines = self._headlines(connection, sql, ranked, plan) if ranked else {}
            if results.total == 0:
                results.suggestion = _suggest(connection, request.q, plan)
        self._attach(results, headlines, request)
        return results

    def _run(self, connection, sql, request: SearchRequest, results: SearchResults) -> list:
        from . import postgres_rank

        limit = request.page * request.per_page
        matcher = postgres_rank.Matcher(connection, sql, limit)
        if request.sort == "date" or not sql.terms:
            matcher.depth = 0  # no candidates: ordered by date below
        # A question usually has few documents with all its words, and then also gets those
        # with most of them: count the few first, and look for candidates only once.
        question = request.plan.is_question and request.plan.may_relax and request.relax
        candidates = self._count(matcher, sql.where(), results, not question)
        relaxed = should_relax(request.plan, results.total, request.relax)
        if question and not relaxed and results.total:
            candidates = self._count(matcher, sql.where(), results)
        if relaxed:
            strict = results.total
            candidates = self._count(matcher, sql.where(relaxed=True), results, relaxed=True)
            notice = relaxed_notice(strict, results.total - strict)
            if notice:
                results.notices.append(notice)
        if not results.total:
            return []
        if matcher.depth:
            found = postgres_rank.scores(connection, sql, candidates, matcher.averages)
            scored = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:limit]
        else:
            query = text(BY_DATE.format(where=sql.where(relaxed)))
            ids = connection.execute(query, {**sql.params, "limit": limit})
            scored = [(d, 0.0) for (d,) in ids]
        scored = scored[(request.page - 1) * request.per_page :]
        missing = self._missing(connection, sql, [d for d, _ in scored]) if relaxed else {}
        labels = [s.label for s in request.plan.soft]
        for doc_id, score in scored:
            lacks = [label for label, has in zip(labels, missing.get(doc_id, ()), strict=False)
                     if not has]  # fmt: skip
            results.hits.append(Hit(doc_id, score, missing=lacks))
        return [d for d, _ in scored]

    def _count(
        self, matcher, where: str, results, candidates: bool = True, relaxed: bool = False
    ) -> list[str]:
        """Total and facets of the documents ``where`` matches, and (in the same statement)
        the candidates to rank among them."""
        results.facets, results.total, found = {}, 0, []
        for facet, value, count in matcher.match(where, candidates, relaxed):
            if facet == "total":
                results.total = count
            elif facet == "candidate":
                found.append(value)
            else:
                results.facets.setdefault(facet, {})[value] = count
        for name, counts in results.facets.items():
            results.facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return found

    def _missing(self, connection, sql, ids: list[str]) -> dict[str, list[bool]]:
        if not ids or not sql.soft:
            return {}
        query = MISSING.format(checks=", ".join(f"({s})" for s in sql.soft))
        return dict(connection.execute(text(query), {**sql.params, "ids": ids}).all())

    def _headlines(self, connection, sql, ids: list[str], plan) -> dict[str, str]:
        from .postgres_snippets import LONG_TEXT, long_headlines

        query = text(
            f"SELECT v.document_id, ts_headline('{RANKED}', v.canonical_text, "
            f"{sql.headline_query()}, :options) FROM documents d JOIN versions v "
            "ON v.document_id = d.id AND v.number = d.current_version WHERE d.id = ANY(:ids)"
            " AND octet_length(v.canonical_text) <= :long"  # longer: postgres_snippets.py
        )
        params = {**sql.params, "ids": ids, "options": HEADLINE_OPTIONS, "long": LONG_TEXT}
        found = dict(connection.execute(query, params).all())
        rest = [i for i in ids if i not in found]
        nodes = plan.scored_words()
        return found | long_headlines(connection, sql.headline_query(), sql.params, rest, nodes)

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


_LEADS_INDEXED: set[str] = set()  # engine URLs whose index has lead pairs (migration 0012)


def _leads_indexed(connection) -> bool:
    """Whether every entry has its lead pairs: a server started before the build that runs
    migration 0012 must not look for pairs its entries do not have yet (it would find no
    document for ``"the evidence"``). Once true, it stays true for the process."""
    key = str(connection.engine.url)
    if key not in _LEADS_INDEXED:
        held = connection.scalar(text("SELECT max(version_num) FROM alembic_version"))
        if held is not None and held >= postgres_index.LEADS_FROM:
            _LEADS_INDEXED.add(key)
    return key in _LEADS_INDEXED


def _suggest(connection, q: str, plan) -> str | None:
    """Replace each unknown word by the most similar, most frequent word in the archive."""
    suggestion, changed = q, False
    for node in plan.scored_words():
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
