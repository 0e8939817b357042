"""How the Whoosh index turns text into terms: the same words as Whoosh's own analysers, faster.

A field's words are what ``RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map)`` gives
(``\\w+(\\.?\\w+)*``, lower-cased, accents folded). Whoosh runs that chain one Python generator
call per word and filter, which was most of what indexing spent outside the writer; here a
text's words come from one ``re.findall`` (ASCII text needs only lower-casing) and a term's
positions are encoded as ``whoosh.formats.Positions`` encodes them, so the index is the same.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import compress
from itertools import count as naturals
from operator import and_, sub
from pickle import dumps

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

from .plan import COMMON_WORDS


def fold(word: str) -> str:
    """Lower-case and strip accents, as the index does."""
    return word.lower() if word.isascii() else word.lower().translate(accent_map)


# ``querylang.WORD`` (Whoosh's ``\w+(\.?\w+)*``) without its optional dot: the same matches
# (after ``\w+`` the next character is never a word character), a quarter faster to find.
WORDS = re.compile(r"\w+(?:\.\w+)*")


def words(text: str) -> list[str]:
    """The words of ``text`` as the index holds them."""
    if text.isascii():
        return WORDS.findall(text.lower())
    return [w for w in map(fold, WORDS.findall(text)) if w]


class LinesTokenizer(RegexTokenizer):
    """Words line by line, one position left empty between lines: the organisation names of
    a document are indexed one a line, and a phrase must not span two of them."""

    def __call__(self, value, positions=False, start_pos=0, **kwargs):
        position = start_pos
        for line in value.split("\n"):
            last = None
            for token in super().__call__(line, positions=positions, start_pos=position, **kwargs):
                last = token.pos if positions else None
                yield token
            if last is not None:
                position = last + 2


def analyzer(tokenizer=RegexTokenizer):
    return tokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def lines_of(text: str, lines: bool = False) -> list[list[str]]:
    """The words of ``text``, line by line with ``lines``, else as one line."""
    return [words(line) for line in text.split("\n")] if lines else [words(text)]


def positioned(text, lines: bool = False) -> dict[str, list[int]]:
    """Each word of ``text`` (or of its ``lines_of``) with its positions; with ``lines``, a
    position is left empty after each line."""
    found: dict[str, list[int]] = {}
    position = 0
    for line in lines_of(text, lines) if isinstance(text, str) else text:
        for word in line:
            found.setdefault(word, []).append(position)
            position += 1
        position += 1
    return found


# The encoded positions of a word that occurs once, at each of the first positions.
ONCE = [pack_uint(1) + dumps([position], 2) for position in range(4096)]
ONCE_LIMIT = len(ONCE)
_COUNTS = [pack_uint(count) for count in range(256)]


def encode_positions(where: list[int]) -> tuple[int, float, bytes]:
    """Frequency, weight and ``whoosh.formats.Positions``' encoding of sorted positions."""
    count = len(where)
    if count == 1 and where[0] < len(ONCE):  # most words of a text
        return 1, 1.0, ONCE[where[0]]
    deltas = [where[0], *map(sub, where[1:], where)]
    head = _COUNTS[count] if count < len(_COUNTS) else pack_uint(count)
    return count, float(count), head + dumps(deltas, 2)


def append_postings(terms: dict, docnum: int, found: dict, ordered: bool = True) -> int:
    """Append each term's (docnum, weight, encoded positions) of ``found`` ({term: its
    positions}, each list in order unless not ``ordered``) to ``terms[term]``, a
    ``whoosh_writer.PostingTable`` field; the sum of the frequencies. (This runs once per
    posting of the whole index: a term met once, most of them, is a list lookup.)"""
    length, get = 0, terms.get
    for term, where in found.items():
        if len(where) == 1 and where[0] < ONCE_LIMIT:
            weight, encoded = 1.0, ONCE[where[0]]
            length += 1
        else:
            count, weight, encoded = encode_positions(where if ordered else sorted(where))
            length += count
        entry = get(term)
        if entry is None:
            terms[term] = [docnum, weight, encoded]
        else:
            entry += (docnum, weight, encoded)
    return length


class FastText(fields.TEXT):
    """A TEXT field with positions whose postings are computed in few calls. Its value is a
    text, or the text's ``lines_of`` when the caller has them already."""

    def __init__(self, lines: bool = False, **options):
        super().__init__(analyzer=analyzer(LinesTokenizer if lines else RegexTokenizer),
                         phrase=True, **options)  # fmt: skip
        self.lines = lines

    def postings(self, value) -> list[tuple]:
        """(word, frequency, weight, encoded positions) of each word."""
        return [(word, *encode_positions(where))
                for word, where in positioned(value, self.lines).items()]  # fmt: skip

    def add_postings(self, terms: dict, docnum: int, value) -> int:
        """Append each word's (docnum, weight, encoded positions) to ``terms[word]``, a
        ``whoosh_writer.PostingTable`` field; the field's length."""
        return append_postings(terms, docnum, positioned(value, self.lines))

    def index(self, value, **kwargs):
        for word, count, weight, encoded in self.postings(value):
            yield word.encode("utf-8"), count, weight, encoded


FIELD_SLOTS = 4  # a pair's position is its first word's position * 4 + its field's number


RUN_MARKS = ("|title", "", "|names")  # a run's term per field: "in the and|title", "in the and"
# Runs of three are indexed only of the most frequent English words (Brown corpus; a synthetic
# corpus drawn from English frequencies orders them the same): three words of the twenty most
# frequent, or three common words two of which are among the ten most frequent ("one of the":
# both its pairs are in thousands of documents). A run of any three of the 149 common words was
# 70% of the index's terms (108,853 of 151,267 at 5,000 documents) and a quarter of the
# rebuild's CPU; these are a quarter of them. Any other phrase of three common words
# (``"said one of"``) is matched from its pairs' positions, in the documents holding both
# pairs: few, since two of its words are rarer.
TOP_WORDS = frozenset(("the", "of", "and", "to", "a", "in", "that", "is", "was", "he"))
RUN_WORDS = TOP_WORDS | frozenset(("for", "it", "with", "as", "his", "on", "be", "at", "by", "i"))


def indexed_run(a: str, b: str, c: str) -> bool:
    """Whether the run of common words ``a b c`` is a term of ``runs``."""
    top = TOP_WORDS
    return (a in RUN_WORDS and b in RUN_WORDS and c in RUN_WORDS) or (
        (a in top) + (b in top) + (c in top) >= 2
    )


def common_slots(
    fields_lines: list[list[list[str]]],
) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Each adjacent pair of common words of each field, with where it is: its first word's
    position in that field (counted as ``positioned`` counts) times ``FIELD_SLOTS``, plus the
    field's number (0 title, 1 body, 2 the organisations' names), so that a phrase of k common
    words is found from its k - 1 pairs at consecutive positions, in the same field; and how
    often each run of three common words that ``indexed_run`` occurs in each field (its term
    marked with the field's ``RUN_MARKS``), so that such a phrase of three is one posting list.
    Neither spans two fields or two names (lines). The pairs come as {pair: its slots}, a
    pair's slots in order within a field (not across fields)."""
    slots: dict[str, list[int]] = {}
    add = slots.setdefault
    runs: list[str] = []
    common, frequent, top = COMMON_WORDS.__contains__, RUN_WORDS, TOP_WORDS
    for number, lines in enumerate(fields_lines):
        position, mark = 0, RUN_MARKS[number]
        for line in lines:
            flags = list(map(common, line))
            both = list(map(and_, flags, flags[1:]))
            slot = position * FIELD_SLOTS + number
            for i in list(compress(naturals(), both)):  # in C: most words aren't
                add(f"{line[i]} {line[i + 1]}", []).append(slot + i * FIELD_SLOTS)
            three = [
                i
                for i in compress(naturals(), map(and_, both, both[1:]))
                if (line[i] in frequent and line[i + 1] in frequent and line[i + 2] in frequent)
                or (line[i] in top) + (line[i + 1] in top) + (line[i + 2] in top) >= 2
            ]
            runs.extend(f"{line[i]} {line[i + 1]} {line[i + 2]}{mark}" for i in three)
            position += len(line) + 1
    return slots, dict(Counter(runs))


def pair_slots(fields_lines: list[list[list[str]]]) -> dict[str, list[int]]:
    """``common_slots``' pairs alone."""
    return common_slots(fields_lines)[0]


def common_runs(folded: list[str]) -> list[str]:
    """The indexed runs in ``folded`` (``indexed_run``; unmarked, as the body's)."""
    return [
        " ".join(folded[i : i + 3])
        for i in range(len(folded) - 2)
        if all(w in COMMON_WORDS for w in folded[i : i + 3]) and indexed_run(*folded[i : i + 3])
    ]


class FastPairs(fields.TEXT):
    """The ``pairs`` field: its value is ``pair_slots``' {pair: slots}; each pair is one term,
    with its slots as positions."""

    def __init__(self):
        super().__init__(phrase=True)

    def postings(self, value: dict[str, list[int]]) -> list[tuple]:
        """(pair, frequency, weight, encoded slots) of each pair."""
        return [(pair, *encode_positions(sorted(where))) for pair, where in value.items()]

    def add_postings(self, terms: dict, docnum: int, value: dict[str, list[int]]) -> int:
        """``postings`` appended to ``terms`` (``append_postings``); the field's length."""
        return append_postings(terms, docnum, value, ordered=False)

    def index(self, value, **kwargs):
        for pair, count, weight, encoded in self.postings(value):
            yield pair.encode("utf-8"), count, weight, encoded


class FastRuns(fields.TEXT):
    """The ``runs`` field: its value is ``common_slots``' {run: count}; each run of three
    common words is one term with its frequency only (Whoosh's ``Frequency`` format): a phrase
    of three common words is its three terms' counts, and a longer one is narrowed by its
    runs' documents before any pair's positions are read."""

    def __init__(self):
        super().__init__(phrase=False)

    def postings(self, value: dict[str, int]) -> list[tuple]:
        """(run, frequency, weight, encoded frequency) of each run."""
        return [(run, count, float(count), pack_uint(count)) for run, count in value.items()]

    def index(self, value, **kwargs):
        for run, count, weight, encoded in self.postings(value):
            yield run.encode("utf-8"), count, weight, encoded
