"""Snippets for the Whoosh backend: passages of the canonical text with matched words marked.

Words are matched the way the index matched them (folded exact form, stem, prefix, or a run of
words for a phrase), so what is marked is what was found. The best paragraph comes first; its
number is where a result links to.
"""

from __future__ import annotations

import threading
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


class Vocabulary:
    """Every word as written that a process's snippets have met, with its folded form and stem
    (None: a stop word), and the other way round: the words with a folded form, with a stem.

    Each query meets the ~1,500 distinct words of its ten hits, mostly the same ones as the
    query before; folding and stemming them again, and asking of each whether it is marked,
    was most of a page's snippets. With this, the words a query marks are a few sets joined
    (those with its folded words or stems) and a paragraph's marked words one intersection;
    only words never met before are looked at one by one. Shared by the threads of a worker:
    changed and read under a lock."""

    def __init__(self, kept: int = FORMS_KEPT):
        self.kept = kept
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.forms: dict[str, tuple[str, str | None]] = {}
        self.by_folded: dict[str, set[str]] = {}
        self.by_stem: dict[str, set[str]] = {}
        self.version = getattr(self, "version", 0) + 1

    def learn(self, words: set[str]) -> None:
        """Make sure every one of ``words`` is known (call with the lock held)."""
        new = words.difference(self.forms)
        if not new:
            return
        if len(self.forms) + len(new) > self.kept:
            self.clear()
            new = words
        for raw in new:
            folded = fold(raw)
            stem = ranked_term(folded)
            self.forms[raw] = (folded, stem)
            self.by_folded.setdefault(folded, set()).add(raw)
            if stem is not None:
                self.by_stem.setdefault(stem, set()).add(raw)
        self.version += 1

    def marked(self, exact: set[str], stems: set[str]) -> set[str]:
        """The known words with one of these folded forms or stems (lock held)."""
        found: set[str] = set()
        for folded in exact:
            found |= self.by_folded.get(folded, set())
        for stem in stems:
            found |= self.by_stem.get(stem, set())
        return found


VOCABULARY = Vocabulary()


def forms(raw: str) -> tuple[str, str | None]:
    """A word's folded form and stem, kept per process (a word's forms never change)."""
    with VOCABULARY.lock:
        VOCABULARY.learn({raw})
        return VOCABULARY.forms[raw]


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
        self._marked: set[str] = set()  # the words marked, of those the vocabulary knew
        self._version = 0  # … at this version of the vocabulary

    def _flags(self, raw_words: list[str]) -> tuple[list[str] | None, list[bool]]:
        """Whether each word is marked (and, for phrases, the folded words)."""
        if not self.marks.phrases:
            marked = self._marked_words(set(raw_words))
            return None, list(map(marked.__contains__, raw_words))
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

    def _marked_words(self, distinct: set[str]) -> set[str]:
        """Which of these distinct words are marked (no phrase); their folded forms noted."""
        if self.marks.prefixes:  # a prefix marks words by their letters: looked at each
            self._learn_words(distinct)
            return set(filter(self._flag.__getitem__, distinct))
        vocabulary = VOCABULARY
        with vocabulary.lock:
            vocabulary.learn(distinct)
            if self._version != vocabulary.version:
                self._marked = vocabulary.marked(self.marks.exact, self.marks.stems)
                self._version = vocabulary.version
            marked = distinct & self._marked
            for raw in marked:
                self._folded[raw] = vocabulary.forms[raw][0]
        return marked

    def _learn_words(self, raw_words: set[str]) -> None:
        new = list(raw_words.difference(self._flag))
        if not new:
            return
        with VOCABULARY.lock:
            VOCABULARY.learn(set(new))
            known = list(map(VOCABULARY.forms.__getitem__, new))
        for raw, (folded, stem) in zip(new, known, strict=True):
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
                    marked = self._marked_words(set(raw))
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
