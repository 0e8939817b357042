"""The words of a version's paragraphs, so that a reader can choose a quote word by word.

A word here is what the quote tool's selection snapping (``webapp/static/cite.js``) keeps whole:
a run of letters, digits and combining marks (Unicode categories L, N and M), with an
apostrophe or hyphen between two of them kept inside ("we’re", "child-protection"). Quoting
from the start of one word to the end of another therefore gives the same span, and so the
same permalink, as selecting those words with a mouse or a finger.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .quotes import BadRange, check_range

JOINERS = frozenset("'’-‐")


@dataclass(frozen=True)
class Word:
    """One word: code points start..end (end exclusive) of the canonical text."""

    start: int
    end: int
    text: str


def _letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def words_between(text: str, start: int, end: int) -> list[Word]:
    """The words of ``text[start:end]`` (one paragraph), with their offsets in ``text``."""
    found, i = [], start
    while i < end:
        if not _letter(text[i]):
            i += 1
            continue
        j = i + 1
        while j < end:
            if _letter(text[j]):
                j += 1
            elif text[j] in JOINERS and j + 1 < end and _letter(text[j + 1]):
                j += 2
            else:
                break
        found.append(Word(i, j, text[i:j]))
        i = j
    return found


def paragraph_words(text: str, paragraphs: list, numbers) -> dict[int, list[Word]]:
    """The words of each numbered paragraph (1-based numbers into ``paragraphs``' offsets)."""
    return {n: words_between(text, *paragraphs[n - 1]) for n in numbers}


def paragraph_at(paragraphs: list, offset: int) -> int | None:
    """The number of the paragraph holding ``offset`` (its end counts: a last word ends there)."""
    for number, (p_start, p_end) in enumerate(paragraphs, 1):
        if p_start <= offset <= p_end:
            return number
    return None


def chosen_span(text: str, paragraphs: list, first: int, last: int) -> tuple[int, int]:
    """The quote from the word that starts at ``first`` to the word that ends at ``last``.

    Chosen the wrong way round (the last word before the first), the two words still bound the
    quote. Offsets that are not a word's start and end are refused with ``BadRange``.
    """
    numbers = {paragraph_at(paragraphs, first), paragraph_at(paragraphs, last)}
    if None in numbers:
        raise BadRange(f"the words at {first} and {last} are not in this version's paragraphs")
    words = [w for ws in paragraph_words(text, paragraphs, sorted(numbers)).values() for w in ws]
    opening = next((w for w in words if w.start == first), None)
    closing = next((w for w in words if w.end == last), None)
    if opening is None or closing is None:
        raise BadRange("choose the first and the last word from the lists on the quote page")
    start, end = min(opening.start, closing.start), max(opening.end, closing.end)
    check_range(start, end)
    return start, end


__all__ = ["Word", "chosen_span", "paragraph_at", "paragraph_words", "words_between"]
