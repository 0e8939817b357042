"""How the Whoosh index turns text into terms: the same words as Whoosh's own analysers, faster.

A field's words are what ``RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map)`` gives
(``\\w+(\\.?\\w+)*``, lower-cased, accents folded). Whoosh runs that chain one Python generator
call per word and filter, which was most of what indexing spent outside the writer; here a
text's words come from one ``re.findall`` (ASCII text needs only lower-casing) and a term's
positions are encoded as ``whoosh.formats.Positions`` encodes them, so the index is the same.
"""

from __future__ import annotations

from collections import Counter
from pickle import dumps

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

from .querylang import WORD


def fold(word: str) -> str:
    """Lower-case and strip accents, as the index does."""
    return word.lower() if word.isascii() else word.lower().translate(accent_map)


def words(text: str) -> list[str]:
    """The words of ``text`` as the index holds them."""
    if text.isascii():
        return WORD.findall(text.lower())
    return [w for w in map(fold, WORD.findall(text)) if w]


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


def positioned(text: str, lines: bool = False) -> dict[str, list[int]]:
    """Each word of ``text`` with its positions (with ``lines``, a gap between lines)."""
    found: dict[str, list[int]] = {}
    position = 0
    for line in text.split("\n") if lines else (text,):
        for word in words(line):
            found.setdefault(word, []).append(position)
            position += 1
        position += 1
    return found


# The encoded positions of a word that occurs once, at each of the first positions.
ONCE = [pack_uint(1) + dumps([position], 2) for position in range(4096)]


class FastText(fields.TEXT):
    """A TEXT field with positions whose ``index`` computes its postings in few calls."""

    def __init__(self, lines: bool = False, **options):
        super().__init__(analyzer=analyzer(LinesTokenizer if lines else RegexTokenizer),
                         phrase=True, **options)  # fmt: skip
        self.lines = lines

    def index(self, value, **kwargs):
        for word, where in positioned(value, self.lines).items():
            count = len(where)
            if count == 1 and where[0] < len(ONCE):  # most words of a text
                yield word.encode("utf-8"), 1, 1.0, ONCE[where[0]]
                continue
            deltas = [where[0], *(b - a for a, b in zip(where, where[1:], strict=False))]
            yield word.encode("utf-8"), count, float(count), pack_uint(count) + dumps(deltas, 2)


class FastTerms(fields.KEYWORD):
    """A scorable KEYWORD field given its terms as a list: each term with its frequency."""

    def __init__(self):
        super().__init__(commas=True, scorable=True)

    def index(self, value, **kwargs):
        terms = value.split(",") if isinstance(value, str) else value
        for term, count in Counter(t for t in terms if t).items():
            yield term.encode("utf-8"), count, float(count), pack_uint(count)
