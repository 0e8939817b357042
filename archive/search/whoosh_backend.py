"""The Whoosh backend: an embedded index in ``index/``, derived from the database.

One searcher is shared by every thread of a process and used under a lock (Whoosh is pure
Python, so the GIL serialises queries anyway); before each query it is refreshed if a build has
committed new segments, or reopened if a rebuild has swapped in a new generation.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from whoosh import scoring

from ..models import Document
from ..renderings import stored_word_indexes
from .plan import relaxed_notice
from .querylang import Word
from .records import current_versions, index_differences, iter_records, live_stamps
from .types import TIME_LIMIT, Hit, SearchRequest, SearchResults
from .whoosh_analysis import fold
from .whoosh_index import IndexDirectory
from .whoosh_postings import DocTable
from .whoosh_stems import StemForms

if TYPE_CHECKING:
    from .whoosh_rank import Corpus

# Searching's own modules (ranking, terms, snippets) are imported by the methods that search:
# ``archive build`` opens this backend only to write the index (issue 13, item 3).

RETRY_PAUSE = 0.05


class WhooshBackend:
    """Search with Whoosh; the index follows the database through ``after_build``."""

    name = "whoosh"

    def __init__(self, archive):
        self.archive = archive
        self.directory = IndexDirectory(archive.config.index_dir)
        self._lock = threading.RLock()
        self._generation: str | None = None
        self._index = None
        self._searcher = None
        self._stems = StemForms()
        self._table = DocTable()
        self._corpus_of = self._corpus_cache = None
        self._hot, self._hot_of = {}, None

    # -- keeping the index in step -------------------------------------------------------

    def after_build(self, report, reindex: bool = False, progress: bool = False) -> None:
        """Bring the index to the database: whatever a build did, or an interrupted one left."""
        held = None if reindex else self.directory.held()
        if held is None:
            self.rebuild(progress=progress)
            return
        with self.archive.session() as session:
            stale, extra = index_differences(live_stamps(session), held)
            if not stale and not extra:
                return
            records = list(iter_records(session, stale))
        self.directory.update(records, extra)

    def after_named_build(self, report) -> None:
        """After ``archive build PATH...``: the documents it touched or removed, and no
        others (no index yet: made in full, as ``after_build`` would)."""
        ix = self.directory.open_current()
        if ix is None:
            self.rebuild()
            return
        ix.close()
        if not report.touched and not report.removed:
            return
        with self.archive.session() as session:
            records = list(iter_records(session, report.touched))
        self.directory.update(records, report.removed)

    def indexed_versions(self) -> dict[str, str | None]:
        return {doc_id: stamp[0] for doc_id, stamp in (self.directory.held() or {}).items()}

    def rebuild(self, progress: bool = False) -> None:
        with self.archive.session() as session:
            count = session.scalar(
                select(func.count()).select_from(Document).where(Document.withdrawn_at.is_(None))
            )
            self.directory.rebuild(iter_records(session), count or 0, progress=progress)
        self._reopen()

    def close(self) -> None:
        """Forget the searcher and index first, then close them: a searcher a failed reopen
        already closed (Whoosh raises on a second close) must not stay in use for ever."""
        with self._lock:
            searcher, index = self._searcher, self._index
            self._searcher = self._index = self._generation = None
            for opened in (searcher, index):
                if opened is not None:
                    with contextlib.suppress(Exception):  # already closed, or its files gone
                        opened.close()

    # -- the shared searcher -------------------------------------------------------------

    def _reopen(self) -> None:
        with self._lock:
            self.close()

    def _current_searcher(self):
        generation = self.directory.current_name()
        if generation is None:  # perhaps a swap in progress: look again before rebuilding
            time.sleep(RETRY_PAUSE)
            generation = self.directory.current_name()
        if generation is None:
            self.rebuild()
            generation = self.directory.current_name()
        if generation != self._generation or self._searcher is None:
            self.close()
            self._index = self.directory.open_current()
            self._searcher = self._index.searcher(weighting=scoring.BM25F())
            self._generation = generation
            self._stems = StemForms()
            self._table = DocTable()
        elif not self._searcher.up_to_date():
            # A fresh searcher, not refresh(): refresh() reuses a segment's reader by id and
            # so misses documents deleted from that segment since.
            stale, self._searcher = self._searcher, None
            stale.close()
            self._searcher = self._index.searcher(weighting=scoring.BM25F())
        return self._searcher

    # -- searching ------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        """Answer one search; retried once on a freshly opened index if the files moved."""
        with self._lock:
            try:
                results = self._search(self._current_searcher(), request)
            except Exception:  # noqa: BLE001 - a rebuild elsewhere removed files under us
                self.close()
                time.sleep(RETRY_PAUSE)
                results = self._search(self._current_searcher(), request)
        self._attach(results, request)
        return results

    def _search(self, searcher, request: SearchRequest) -> SearchResults:
        plan = request.plan
        results = SearchResults(request, notices=list(request.parsed.notices))
        if plan.is_empty and not request.has_filters:
            return results
        from .whoosh_rank import Deadline, evaluate
        from .whoosh_terms import Gatherer

        gatherer = Gatherer(searcher, self._stems, results.notices, self._hot_postings(searcher))
        outcome = evaluate(plan, request, gatherer, self._corpus(searcher), Deadline(TIME_LIMIT))
        results.total = outcome.strict + outcome.relaxed
        results.facets = outcome.facets
        notice = relaxed_notice(outcome.strict, outcome.relaxed)
        if notice:
            results.notices.append(notice)
        if outcome.partial:
            results.partial = True
            results.notices.append("The search took too long; these results are incomplete.")
        start = (request.page - 1) * request.per_page
        for ranked in outcome.ranked[start:]:
            doc_id = searcher.stored_fields(ranked.docnum)["id"]
            results.hits.append(Hit(doc_id, ranked.score, missing=ranked.missing))
        if results.total == 0:
            results.suggestion = self._suggest(searcher.reader(), request.q, request.parsed)
        return results

    def _hot_postings(self, searcher) -> dict:
        if self._hot_of is not searcher:
            self._hot, self._hot_of = {}, searcher
        return self._hot

    def _corpus(self, searcher) -> Corpus:
        if self._corpus_of is not searcher:
            from . import ranking
            from .whoosh_rank import Corpus
            from .whoosh_terms import TEXT_FIELDS

            table = self._table.load(searcher, TEXT_FIELDS)
            self._corpus_cache = Corpus(table, ranking.PARAMS)
            self._corpus_of = searcher
        return self._corpus_cache

    def _attach(self, results: SearchResults, request: SearchRequest) -> None:
        from .snippets import SnippetMaker

        maker = SnippetMaker(request.plan.scored_words())
        with self.archive.session() as session:
            loaded = current_versions(session, [h.document_id for h in results.hits])
            versions = [v for _, v in loaded.values()] if request.snippets else []
            indexes = stored_word_indexes(session, versions)
        results.hits = [h for h in results.hits if h.document_id in loaded]
        for hit in results.hits:
            hit.document, version = loaded[hit.document_id]
            if request.snippets:
                hit.snippets, hit.matched = maker.make(
                    version.canonical_text, version.paragraphs, stored=indexes.get(version.sha256)
                )

    def _suggest(self, reader, text: str, parsed) -> str | None:
        """Replace each unknown word by the most frequent known word within two edits."""
        from .whoosh_terms import TEXT_FIELDS

        changed, suggestion = False, text
        for node in parsed.positive_words():
            if not isinstance(node, Word) or node.prefix:
                continue
            word = fold(node.text)
            if any(reader.doc_frequency(f, word) for f in TEXT_FIELDS):
                continue
            best = _closest(reader, word)
            if best:
                suggestion = suggestion.replace(node.text, best, 1)
                changed = True
        return suggestion if changed else None


def _closest(reader, word: str) -> str | None:
    # Words sharing the first two letters only: the automaton then walks a small part of the
    # vocabulary (a full walk costs ~50 ms a field at 20,000 documents).
    from .whoosh_terms import TEXT_FIELDS

    prefix = 2 if len(word) > 4 else 1
    candidates: set = set()
    for fieldname in TEXT_FIELDS:
        candidates |= set(reader.terms_within(fieldname, word, 2, prefix=prefix))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (-_distance(c, word), reader.doc_frequency("body", c)))


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
