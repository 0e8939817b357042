"""Compile a parsed query (``querylang``) into a Whoosh query over the index's fields."""

from __future__ import annotations

from whoosh import query as wq

from . import MAX_EXPANSIONS, SearchRequest
from .querylang import AnyOf, Filter, Not, ParsedQuery, Phrase, Word, words_of
from .whoosh_index import day_number, fold, ranked_term

TEXT_FIELDS = ("title", "body")


class Compiler:
    """Turn query clauses into Whoosh queries, expanding prefixes against the vocabulary."""

    def __init__(self, searcher, stems, notices: list[str]):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.stems = stems
        self.notices = notices

    def clauses(self, parsed: ParsedQuery) -> wq.Query | None:
        positive, negative = [], []
        for clause in parsed.clauses:
            if isinstance(clause, Not):
                negative.append(self.node(clause.node))
            else:
                positive.append(self.node(clause))
        if not positive and not negative:
            return None
        # And + Not rather than AndNot: Whoosh 2.7's AndNotMatcher lets some excluded
        # documents through when the positive side is a union (test_field_filter_with_words).
        return wq.And((positive or [wq.Every()]) + [wq.Not(n) for n in negative])

    def node(self, node) -> wq.Query:
        if isinstance(node, AnyOf):
            return wq.Or([self.node(n) for n in node.nodes])
        if isinstance(node, Filter):
            return self.filter(node)
        if isinstance(node, Phrase):
            words = [fold(w) for w in node.words]
            return wq.Or([wq.Phrase(f, words) for f in TEXT_FIELDS])
        return self.word(node)

    def word(self, node: Word) -> wq.Query:
        word = fold(node.text)
        if node.prefix:
            return wq.Or([wq.Term(f, t) for f in TEXT_FIELDS for t in self.expand(word)])
        stem = ranked_term(word)
        forms = (self.stems.forms(self.searcher, stem) if stem else None) or [word]
        return wq.Or([wq.Term(f, form) for f in TEXT_FIELDS for form in forms])

    def expand(self, prefix: str) -> list[str]:
        """The exact words starting with ``prefix``, at most MAX_EXPANSIONS of them."""
        found: set[str] = set()
        for fieldname in TEXT_FIELDS:
            for term in self.reader.expand_prefix(fieldname, prefix):
                found.add(term.decode() if isinstance(term, bytes) else term)
                if len(found) > MAX_EXPANSIONS:
                    self.notices.append(
                        f"“{prefix}*” matches too many words; only the first "
                        f"{MAX_EXPANSIONS} were searched. Type more letters to narrow it."
                    )
                    return sorted(found)[:MAX_EXPANSIONS]
        return sorted(found) or [prefix]

    def filter(self, node: Filter) -> wq.Query:
        if node.field == "speaker":
            words = [fold(w) for w in words_of(node.value)]
            return wq.Phrase("speaker", words) if len(words) > 1 else wq.Term("speaker", words[0])
        return wq.Term(node.field, node.value)


def form_filter(request: SearchRequest) -> wq.Query | None:
    """The form's filters (organisation, kind, date range by overlap), which do not score."""
    parts: list[wq.Query] = []
    if request.org:
        parts.append(wq.Term("org", request.org))
    if request.kind:
        parts.append(wq.Term("kind", request.kind))
    if request.date_from:
        parts.append(wq.NumericRange("latest", day_number(request.date_from), None))
    if request.date_to:
        parts.append(wq.NumericRange("earliest", None, day_number(request.date_to)))
    return wq.And(parts) if parts else None
