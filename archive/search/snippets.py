"""Snippets for the Whoosh backend: passages of the canonical text with matched words marked.

Words are matched the way the index matched them (folded exact form, stem, prefix, or a run of
words for a phrase), so what is marked is what was found. The best paragraph comes first; its
number is where a result links to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from .querylang import WORD, Phrase, Word
from .snippet_index import word_index
from .types import Snippet
from .whoosh_analysis import fold
from .whoosh_index import ranked_term

BEFORE = 12  # words of context before the first match
LENGTH = 40  # words in a snippet
FORMS_KEPT = 200_000  # words as written whose folded form and stem a process keeps

# A word as written -> its folded form and stem (None: a stop word), for every query of the
# process: each query meets the ~1,500 distinct words of its ten hits, mostly the same common
# ones, and folding and stemming them again cost a third of a page's snippets.
_forms: dict[str, tuple[str, str | None]] = {}


def forms(raw: str) -> tuple[str, str | None]:
    """A word's folded form and stem, kept per process (a word's forms never change)."""
    known = _forms.get(raw)
    if known is None:
        if len(_forms) >= FORMS_KEPT:
            _forms.clear()
        folded = fold(raw)
        known = _forms[raw] = (folded, ranked_term(folded))
    return known


@dataclass
class Marks:
    """What to mark: exact folded words, stems, prefixes and phrases (as folded word tuples)."""

    exact: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)
    phrases: list[tuple[str, ...]] = field(default_factory=list)

    @classmethod
    def from_query(cls, nodes: list[Word | Phrase]) -> Marks:
        marks = cls()
        for node in nodes:
            if isinstance(node, Phrase):
                marks.phrases.append(tuple(fold(w) for w in node.words))
            elif node.prefix:
                marks.prefixes.append(fold(node.text))
            else:
                word = fold(node.text)
                stem = ranked_term(word)
                (marks.stems.add(stem) if stem else marks.exact.add(word))
        return marks

    def matches(self, word: str, stem: str | None | bool = False) -> bool:
        """Whether a folded word is marked (``stem``: its stem when known, else worked out)."""
        if word in self.exact or (self.prefixes and word.startswith(tuple(self.prefixes))):
            return True
        if not self.stems:
            return False
        return (ranked_term(word) if stem is False else stem) in self.stems


class SnippetMaker:
    """Snippets for the hits of one query: a word's folded form and whether it is marked are
    worked out once per query, not once per occurrence."""

    def __init__(self, nodes: list[Word | Phrase]):
        self.marks = Marks.from_query(nodes)
        self._folded: dict[str, str] = {}
        self._flag: dict[str, bool] = {}

    def _flags(self, raw_words: list[str]) -> tuple[list[str] | None, list[bool]]:
        """Whether each word is marked (and, for phrases, the folded words)."""
        self._learn_words(set(raw_words))
        flags = list(map(self._flag.__getitem__, raw_words))
        if not self.marks.phrases:
            return None, flags
        words = list(map(self._folded.__getitem__, raw_words))
        for phrase in self.marks.phrases:
            size, first = len(phrase), phrase[0]
            for i, word in enumerate(words):
                if word == first and tuple(words[i : i + size]) == phrase:
                    flags[i : i + size] = [True] * size
        return words, flags

    def _learn_words(self, raw_words: set[str]) -> None:
        for raw in raw_words.difference(self._flag):
            folded, stem = forms(raw)
            self._folded[raw] = folded
            self._flag[raw] = self.marks.matches(folded, stem)

    def make(
        self, text: str, paragraphs: list, count: int = 2, stored: Mapping | None = None
    ) -> tuple[list[Snippet], list[str]]:
        """Up to ``count`` snippets (best paragraph first) and the matched words as written;
        ``stored`` is a long text's word index as the build stored it, if it did."""
        index = word_index(text, paragraphs, stored)
        if index is not None and not self.marks.phrases:
            scored, matched = self._score_by_index(text, paragraphs, index)
        else:
            scored, matched = [], set()
            for number in self._paragraphs_to_read(paragraphs, index):
                start, end = paragraphs[number - 1]
                raw = WORD.findall(text, start, end)
                if self.marks.phrases:
                    _, flags = self._flags(raw)
                    marked = {r for r, flag in zip(raw, flags, strict=True) if flag}
                else:  # the same words, looked at once each
                    distinct = set(raw)
                    self._learn_words(distinct)
                    marked = set(filter(self._flag.__getitem__, distinct))
                found = {self._folded[r] for r in marked}
                matched |= marked
                if raw and (found or number == 1):
                    scored.append((-len(found), number, (start, end), bool(found)))
        scored.sort()
        chosen = [entry for entry in scored if entry[3]][:count] or scored[:1]
        snippets = [self._snippet(text, span, number) for _, number, span, _ in chosen]
        return snippets, sorted(matched)[:20]

    def _learn(self, index: Mapping[str, list[int]]) -> None:
        """Whether each word of the index is marked; a stored index knows each word's folded
        form and stem (stemming a transcript's 8,000 words would cost 25 ms a query)."""
        known = getattr(index, "forms", None)
        for raw in set(index).difference(self._flag):
            if known is None:
                folded, stem = forms(raw)
                self._folded[raw] = folded
            else:
                folded, stem = known(raw)
                self._folded[raw] = folded
            self._flag[raw] = self.marks.matches(folded, stem)

    def _score_by_index(self, text: str, paragraphs: list, index: Mapping) -> tuple[list, set]:
        """A long text's paragraphs scored from its word index alone (no phrase to check):
        the same scores as reading each paragraph, without reading them."""
        self._learn(index)
        found_in: dict[int, set[str]] = {}
        matched = {raw for raw in index if self._flag[raw]}
        for raw in matched:
            for number in index[raw]:
                found_in.setdefault(number, set()).add(self._folded[raw])
        scored = [(-len(f), n, tuple(paragraphs[n - 1]), True) for n, f in found_in.items()]
        if 1 not in found_in and paragraphs and WORD.search(text, *paragraphs[0]):
            scored.append((0, 1, tuple(paragraphs[0]), False))
        return scored, matched

    def _paragraphs_to_read(self, paragraphs: list, index: Mapping | None) -> list[int] | range:
        """Every paragraph of a short text; of a long one, the first (shown when nothing
        matches), those holding a marked word, and those holding every word of a phrase (only
        they can hold the phrase)."""
        if index is None:
            return range(1, len(paragraphs) + 1)
        self._learn(index)
        wanted = {word for phrase in self.marks.phrases for word in phrase}
        chosen = {1} if paragraphs else set()
        holding: dict[str, set[int]] = {}
        for raw in index:
            folded = self._folded[raw]
            if self._flag[raw]:
                chosen.update(index[raw])
            if folded in wanted:
                holding.setdefault(folded, set()).update(index[raw])
        for phrase in filter(None, self.marks.phrases):
            chosen |= set.intersection(*(holding.get(word, set()) for word in phrase))
        return sorted(chosen)

    def _snippet(self, text: str, span, number: int) -> Snippet:
        spans = [m.span() for m in WORD.finditer(text, *span)]
        _, flags = self._flags([text[s:e] for s, e in spans])
        hits = [i for i, flag in enumerate(flags) if flag]
        first = max(0, hits[0] - BEFORE) if hits else 0
        last = min(len(spans) - 1, first + LENGTH - 1)
        begin, finish = spans[first][0], spans[last][1]
        # The text between marked words is escaped in one piece (escaping is per character,
        # so this is what escaping word by word gave).
        html, cursor = [], begin
        for i in hits:
            if first <= i <= last:
                s, e = spans[i]
                html.append(escape(text[cursor:s]))
                html.append(f"<mark>{escape(text[s:e])}</mark>")
                cursor = e
        html.append(escape(text[cursor:finish]))
        lead = "… " if first > 0 else ""
        tail = " …" if last < len(spans) - 1 else ""
        return Snippet(number, lead + text[begin:finish] + tail, lead + "".join(html) + tail)


def make_snippets(
    text: str, paragraphs: list, nodes: list[Word | Phrase], count: int = 2
) -> tuple[list[Snippet], list[str]]:
    """Up to ``count`` snippets (best paragraph first) and the matched words as written."""
    return SnippetMaker(nodes).make(text, paragraphs, count)
