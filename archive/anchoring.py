"""Find a cited span again in another version: W3C TextQuoteSelector re-anchoring.

A quote is described by its exact words plus up to 32 characters either side (the W3C Web
Annotation ``TextQuoteSelector``: exact, prefix, suffix) and by its position (the
``TextPositionSelector``, used only as a hint). Re-anchoring tries exact matches first, choosing
the one whose context fits best and, on a tie, the one nearest the old position. Only when the
exact words are nowhere does it look for an approximate match (edlib's infix alignment, which
finds the substring with the fewest edits), scored on quote, prefix and suffix; in a text longer
than ``LONG_TEXT`` (a hearing transcript) only within ``NEAR`` characters of the old position,
so that a quote deep in a transcript costs what one in a short statement does. A match scoring
below ``MIN_SCORE`` is no match: the caller reports the quote as gone rather than pointing
silently at some other words. Nor is a match made of the words the quote stood beside: once a
quote is deleted, the start of its suffix (or the end of its prefix) sits where it was, often
within the edit budget of a short quote and with context that seems to fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import edlib

CONTEXT = 32
MIN_QUOTE_SIMILARITY = 0.7  # an approximate match must keep at least this much of the words
MIN_SCORE = 0.75  # and, with its context, score at least this (1.0 = same words, same context)
QUOTE_WEIGHT, CONTEXT_WEIGHT = 0.6, 0.2  # quote + prefix + suffix = 0.6 + 0.2 + 0.2
# In a long text (a hearing transcript) an approximate match is looked for near the words' old
# place only: NEAR characters either side of the hint. A short text is searched whole, as ever.
LONG_TEXT = 50_000
NEAR = 5_000


@dataclass(frozen=True)
class TextQuoteSelector:
    """The quoted words and the text just before and after them."""

    exact: str
    prefix: str = ""
    suffix: str = ""

    def as_dict(self) -> dict:
        return {
            "type": "TextQuoteSelector",
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }


@dataclass(frozen=True)
class Anchor:
    """Where a selector was found: [start, end), how well it matched, and whether exactly."""

    start: int
    end: int
    score: float
    exact: bool


def quote_selector(text: str, start: int, end: int) -> TextQuoteSelector:
    """Describe text[start:end] by its words and 32 characters of context either side."""
    return TextQuoteSelector(
        text[start:end], text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
    )


def similarity(a: str, b: str) -> float:
    """1 minus the Levenshtein distance over the longer length (1.0 for two empty strings)."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    query, target = _encode(a, b)
    distance = edlib.align(query, target, mode="NW", task="distance")["editDistance"]
    return 1.0 - distance / max(len(a), len(b))


def _encode(query: str, target: str) -> tuple[list[int], list[int]]:
    """Map characters to edlib's 256 symbols: the query's own, the rest sharing one symbol."""
    alphabet: dict[str, int] = {}
    for char in query + target:
        if char not in alphabet and len(alphabet) < 255:
            alphabet[char] = len(alphabet)
    return [alphabet.get(c, 255) for c in query], [alphabet.get(c, 255) for c in target]


def _context_scores(text: str, selector: TextQuoteSelector, start: int, end: int) -> float:
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    return (similarity(selector.prefix, before) + similarity(selector.suffix, after)) / 2


def _is_a_neighbour(text: str, selector: TextQuoteSelector, start: int, end: int) -> bool:
    """True when text[start:end] is better read as the quote's old context than as the quote.

    If the suffix fits better starting where the match starts than after it ends, the match is
    the beginning of the words that used to follow the quote (and likewise for the prefix and
    the words before it): the quote is gone, not changed. Ties are not neighbours.
    """
    prefix, suffix = selector.prefix, selector.suffix
    if suffix:
        on_match = similarity(suffix, text[start : start + len(suffix)])
        if on_match > similarity(suffix, text[end : end + len(suffix)]):
            return True
    if prefix:
        on_match = similarity(prefix, text[max(0, end - len(prefix)) : end])
        if on_match > similarity(prefix, text[max(0, start - len(prefix)) : start]):
            return True
    return False


def _exact_matches(text: str, exact: str) -> list[int]:
    found, position = [], text.find(exact)
    while position != -1:
        found.append(position)
        position = text.find(exact, position + 1)
    return found


def _best(candidates: list[tuple[float, int, int]], hint: int) -> tuple[float, int, int]:
    return max(candidates, key=lambda c: (round(c[0], 9), -abs(c[1] - hint)))


def anchor(text: str, selector: TextQuoteSelector, hint: int = 0) -> Anchor | None:
    """Find the selector in ``text``: exactly if possible, else approximately, else None."""
    exact = selector.exact
    if not exact:
        return None
    starts = _exact_matches(text, exact)
    if starts:
        scored = [
            (_context_scores(text, selector, s, s + len(exact)), s, s + len(exact)) for s in starts
        ]
        context, start, end = _best(scored, hint)
        return Anchor(start, end, QUOTE_WEIGHT + 2 * CONTEXT_WEIGHT * context, True)
    return _approximate(text, selector, hint)


def search_window(text: str, exact: str, hint: int) -> tuple[int, int]:
    """Where to look for an approximate match: the whole of a short text; in a long one, the
    quote's length and NEAR characters either side of the hint."""
    if len(text) <= LONG_TEXT:
        return 0, len(text)
    return max(0, hint - NEAR), min(len(text), hint + len(exact) + NEAR)


def _approximate(text: str, selector: TextQuoteSelector, hint: int) -> Anchor | None:
    exact = selector.exact
    if not text:
        return None
    budget = int(len(exact) * (1 - MIN_QUOTE_SIMILARITY))
    low, high = search_window(text, exact, hint)
    query, target = _encode(exact, text[low:high])
    found = edlib.align(query, target, mode="HW", task="locations", k=budget)
    if found["editDistance"] < 0:
        return None
    quote_score = 1.0 - found["editDistance"] / len(exact)
    scored = [
        (_context_scores(text, selector, low + s, low + e + 1), low + s, low + e + 1)
        for s, e in found["locations"]
        if not _is_a_neighbour(text, selector, low + s, low + e + 1)
    ]
    if not scored:
        return None
    context, start, end = _best(scored, hint)
    score = QUOTE_WEIGHT * quote_score + 2 * CONTEXT_WEIGHT * context
    if quote_score < MIN_QUOTE_SIMILARITY or score < MIN_SCORE or start >= end:
        return None
    return Anchor(start, end, score, False)
