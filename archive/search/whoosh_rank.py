"""Evaluate a query plan on the Whoosh index: strict and relaxed matches, facets, the top k.

Which documents match is set arithmetic on posting lists (in C); only ranking walks documents
in Python, and it walks as few as it can: terms are taken from the one that can add most to a
score (MaxScore, Turtle & Flood 1995), and once the k-th best score so far is more than all
the remaining terms together could add, documents not yet seen can no longer reach the top k,
so the remaining terms are looked up only for the documents that still can.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from dataclasses import dataclass, field

from . import ranking
from .plan import Plan, should_relax
from .querylang import Phrase
from .whoosh_index import day_number
from .whoosh_terms import Gatherer, Term

MANY_DOCS = 1000  # facets of this many documents or more are counted by combination


class Deadline:
    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() > self.at


@dataclass
class Ranked:
    docnum: int
    score: float
    missing: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    strict: int = 0
    relaxed: int = 0
    ranked: list[Ranked] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    partial: bool = False


class Corpus:
    """The per-document numbers of one searcher: lengths, BM25F normalisers, facet columns."""

    def __init__(self, table: dict, params: ranking.Params):
        self.table = table
        self.deleted = table["deleted"]
        self.count = len(table["kind"])
        self.live = self.count - len(self.deleted)
        self._facet_codes: tuple[list[int], list[tuple]] | None = None
        self.inverse = {}
        for name, weight, b in ranking.field_weights(params):
            lengths = table[f"len:{name}"]
            average = (sum(lengths) / self.count) if self.count else 0.0
            self.inverse[name] = [weight / ranking.normaliser(n, average, b) for n in lengths]

    def facet_codes(self) -> tuple[list[int], list[tuple]]:
        """Each document's combination of organisations, kind and year as a number, and the
        combinations (made the first time many documents are counted; kept with the searcher)."""
        if self._facet_codes is None:
            numbers: dict[tuple, int] = {}
            columns = (self.table[column] for _, column in FACET_COLUMNS)
            rows = zip(*columns, strict=True)
            codes = [numbers.setdefault(values, len(numbers)) for values in rows]
            self._facet_codes = (codes, list(numbers))
        return self._facet_codes

    def everything(self) -> set[int]:
        return set(range(self.count)) - self.deleted


def form_predicate(request, table):
    """The form's filters (organisation, kind, dates by overlap) as a test of a docnum."""
    checks = []
    if request.org:
        orgs = table["org_set"]
        checks.append(lambda d: request.org in _text(orgs[d]).split())
    if request.kind:
        kinds = table["kind"]
        checks.append(lambda d: _text(kinds[d]) == request.kind)
    if request.date_from:
        latest, start = table["latest"], day_number(request.date_from)
        checks.append(lambda d: latest[d] >= start)
    if request.date_to:
        earliest, end = table["earliest"], day_number(request.date_to)
        checks.append(lambda d: earliest[d] <= end)
    return (lambda d: all(check(d) for check in checks)) if checks else None


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def evaluate(plan: Plan, request, gatherer: Gatherer, corpus: Corpus, deadline: Deadline):
    outcome = Outcome()
    allowed = _allowed(plan, request, gatherer, corpus)
    clauses = [[gatherer.term(n, s.label) for n in s.nodes] for s in plan.soft]
    clause_docs = [set().union(*(t.docs for t in terms)) for terms in clauses]
    strict = allowed(set.intersection(*clause_docs) if clause_docs else None)
    relaxed: set[int] = set()
    if should_relax(plan, len(strict), request.relax):
        relaxed = allowed(None if plan.hard else set().union(*clause_docs)) - strict
    outcome.strict, outcome.relaxed = len(strict), len(relaxed)
    outcome.facets = facets(corpus.table, strict | relaxed, corpus)
    terms = [t for ts in clauses for t in ts] + [
        gatherer.phrase_term(n, "") for n in plan.hard if isinstance(n, Phrase)
    ]
    for term in terms:
        term.idf = ranking.idf(len(term.docs - corpus.deleted), corpus.live)
    k = request.page * request.per_page
    docs = strict | relaxed
    if not docs:
        return outcome
    if request.sort == "date" or not terms:
        found = _by_date(docs, k, corpus.table["earliest"])
    else:
        found, outcome.partial = top(terms, docs, k, corpus, deadline)
    labels = [(soft.label, has) for soft, has in zip(plan.soft, clause_docs, strict=True)]
    for docnum, score in found:
        missing = [label for label, has in labels if docnum not in has] if relaxed else []
        outcome.ranked.append(Ranked(docnum, score, missing))
    return outcome


def _allowed(plan: Plan, request, gatherer: Gatherer, corpus: Corpus):
    """A function narrowing a set of docnums (None: every document) to what the strict parts
    of the query and the form's filters allow."""
    base = None
    for node in plan.hard:
        docs = gatherer.docs(node)
        base = docs if base is None else base & docs
    excluded = set(corpus.deleted)
    for node in plan.negative:
        excluded |= gatherer.docs(node)
    predicate = form_predicate(request, corpus.table)

    def allowed(docs: set[int] | None) -> set[int]:
        if docs is None:
            docs = base if base is not None else corpus.everything()
        elif base is not None:
            docs = docs & base
        docs = docs - excluded
        return {d for d in docs if predicate(d)} if predicate else docs

    return allowed


def _by_date(docs: set[int], k: int, earliest: list) -> list[tuple[int, float]]:
    return [(d, 0.0) for d in heapq.nsmallest(k, docs, key=lambda d: (earliest[d], d))]


def top(terms: list[Term], docs: set[int], k: int, corpus: Corpus, deadline: Deadline):
    """The best ``k`` of ``docs`` by BM25F, the best few reordered by proximity; and whether
    the deadline cut the scoring short."""
    params = ranking.PARAMS
    depth = max(k, params.rerank) if params.proximity else k
    scores, late = maxscore(terms, docs, depth, corpus, params, deadline)
    best = heapq.nlargest(depth, scores.items(), key=lambda item: (item[1], -item[0]))
    if params.proximity and not late:
        best = [(d, s + params.proximity * _closeness(terms, d, corpus)) for d, s in best]
        best.sort(key=lambda item: (-item[1], item[0]))
    return best[:k], late


def maxscore(terms, docs, k, corpus: Corpus, params, deadline) -> tuple[dict, bool]:
    k1 = params.k1
    order = sorted(terms, key=lambda t: t.idf, reverse=True)
    bounds = [t.idf * (k1 + 1.0) for t in order]
    remaining = [sum(bounds[i + 1 :]) for i in range(len(order))]
    scores: dict[int, float] = {}
    candidates: set[int] | None = None
    for index, term in enumerate(order):
        if deadline.passed():
            return scores, True
        targets = candidates if candidates is not None else (docs & term.docs)
        _add_scores(scores, term, targets, corpus, k1)
        if len(scores) >= k:
            threshold = heapq.nlargest(k, scores.values())[-1]
            if threshold > remaining[index]:
                pool = scores if candidates is None else candidates
                candidates = {d for d in pool if scores.get(d, 0.0) + remaining[index] >= threshold}
    return scores, False


def _add_scores(scores: dict, term: Term, targets, corpus: Corpus, k1: float) -> None:
    """Add one term's BM25F contribution to the score of each of ``targets``."""
    title, body = term.tf.get("title", {}), term.tf.get("body", {})
    names = term.tf.get("orgname")
    inverse_title, inverse_body = corpus.inverse["title"], corpus.inverse["body"]
    inverse_names = corpus.inverse["orgname"]
    weight, k1p = term.idf, k1 + 1.0
    for d in targets:
        x = title.get(d, 0.0) * inverse_title[d] + body.get(d, 0.0) * inverse_body[d]
        if names:  # few documents: most terms have none
            x += names.get(d, 0.0) * inverse_names[d]
        if x:
            scores[d] = scores.get(d, 0.0) + weight * x * k1p / (x + k1)


def _closeness(terms: list[Term], docnum: int, corpus: Corpus) -> float:
    words = [t for t in terms if t.postings]
    if len(words) < 2:
        return 0.0
    idfs = [t.idf for t in words]
    bonus = 0.0
    for fieldname, weight, _ in ranking.field_weights(ranking.PARAMS):
        positions = [t.positions(fieldname, docnum) for t in words]
        inverse = corpus.inverse[fieldname][docnum]
        bonus += ranking.proximity(positions, idfs, weight / inverse)
    return bonus


FACET_COLUMNS = (("organisation", "org_set"), ("kind", "kind"), ("year", "year_set"))


def facets(table: dict, docs: set[int], corpus: Corpus | None = None) -> dict[str, dict[str, int]]:
    """Counts per organisation, kind and year over ``docs`` (multi-valued columns split).

    Many documents (a long question's relaxed matches: thousands) are counted by their
    combination of the three columns (a few hundred in all), one pass instead of three."""
    raw: list[Counter] = []
    if corpus is not None and len(docs) >= MANY_DOCS:
        code_of, combinations = corpus.facet_codes()
        if len(docs) >= 2 * len(combinations):
            raw = [Counter() for _ in FACET_COLUMNS]
            for code, count in Counter(map(code_of.__getitem__, docs)).items():
                for counts, value in zip(raw, combinations[code], strict=True):
                    counts[value] += count
    if not raw:
        raw = [Counter(map(table[column].__getitem__, docs)) for _, column in FACET_COLUMNS]
    result = {}
    for (name, _), values in zip(FACET_COLUMNS, raw, strict=True):
        counts: Counter = Counter()
        for value, count in values.items():
            for key in _text(value).split():
                counts[key] += count
        result[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return result
