"""Snippets for the Whoosh backend: passages of the canonical text with matched words marked.

Words are matched the way the index matched them (folded exact form, stem, prefix, or a run of
words for a phrase), so what is marked is what was found. The best paragraph comes first; its
number is where a result links to.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from html import escape

from . import Snippet
from .querylang import WORD, Phrase, Word
from .whoosh_index import fold, ranked_term

BEFORE = 12  # words of context before the first match
LENGTH = 40  # words in a snippet


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

    def matches(self, word: str) -> bool:
        if word in self.exact or any(word.startswith(p) for p in self.prefixes):
            return True
        return bool(self.stems) and ranked_term(word) in self.stems


def _marked(tokens: list[tuple[int, int, str]], marks: Marks) -> list[bool]:
    flags = [marks.matches(word) for _, _, word in tokens]
    words = [word for _, _, word in tokens]
    for phrase in marks.phrases:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) == phrase:
                flags[i : i + size] = [True] * size
    return flags


def _snippet(text: str, span, tokens, flags, number: int) -> Snippet:
    start, end = span
    inside = [i for i, (s, _, _) in enumerate(tokens) if start <= s < end]
    hits = [i for i in inside if flags[i]]
    first = max(inside[0], hits[0] - BEFORE) if hits else inside[0]
    last = min(inside[-1], first + LENGTH - 1)
    pieces, html, cursor = [], [], tokens[first][0]
    for i in range(first, last + 1):
        s, e, _ = tokens[i]
        pieces.append(text[cursor:e])
        html.append(escape(text[cursor:s]))
        word = escape(text[s:e])
        html.append(f"<mark>{word}</mark>" if flags[i] else word)
        cursor = e
    lead = "… " if first > inside[0] else ""
    tail = " …" if last < inside[-1] else ""
    return Snippet(number, lead + "".join(pieces) + tail, lead + "".join(html) + tail)


def make_snippets(
    text: str, paragraphs: list, nodes: list[Word | Phrase], count: int = 2
) -> tuple[list[Snippet], list[str]]:
    """Up to ``count`` snippets (best paragraph first) and the matched words as written."""
    tokens = [(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]
    if not tokens:
        return [], []
    flags = _marked(tokens, Marks.from_query(nodes))
    starts = [start for start, _ in paragraphs]
    found: dict[int, set[str]] = {}
    for (start, _, word), flag in zip(tokens, flags, strict=True):
        if flag:
            found.setdefault(bisect_right(starts, start), set()).add(word)
    scored = [
        (-len(found.get(number, ())), number, tuple(span), number in found)
        for number, span in enumerate(paragraphs, 1)
        if number in found or number == 1
    ]
    scored.sort()
    chosen = [entry for entry in scored if entry[3]][:count] or scored[:1]
    snippets = [
        _snippet(text, span, tokens, flags, number)
        for _, number, span, _ in chosen
        if any(span[0] <= s < span[1] for s, _, _ in tokens)
    ]
    matched = sorted({text[s:e] for (s, e, _), flag in zip(tokens, flags, strict=True) if flag})
    return snippets, matched[:20]
