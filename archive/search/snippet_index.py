"""Which paragraphs of a long text hold which words, so that snippets of a hearing transcript
look only at the paragraphs that can match instead of reading all of them for every hit.

A build stores each long version's index beside it (``archive/renderings.py``), packed: the
words, then every word's paragraph numbers as one array of 32-bit integers, so a process meeting
a transcript for the first time reads it (a millisecond or two: one small JSON list and a copy
of the array) instead of making it (70 ms), and decodes the numbers of only the words a query
marks; without a stored one it is made here. Kept per process for texts longer than
``LONG_TEXT`` (a version's text never changes); a short text has no index and its snippets are
made exactly as before.
"""

from __future__ import annotations

import json
import sys
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Mapping

from .querylang import WORD
from .whoosh_analysis import fold
from .whoosh_index import ranked_term

LONG_TEXT = 50_000
KEEP = 64

_cache: OrderedDict[str, Mapping[str, list[int]]] = OrderedDict()
_lock = threading.Lock()


def build(text: str, paragraphs: list) -> dict[str, list[int]]:
    """Each word as written -> the numbers of the paragraphs holding it, in order."""
    index: dict[str, list[int]] = {}
    for number, (start, end) in enumerate(paragraphs, 1):
        for raw in set(WORD.findall(text, start, end)):
            index.setdefault(raw, []).append(number)
    return index


class PackedIndex(Mapping):
    """A stored word index: each word's paragraph numbers are decoded when asked for; each
    word's folded form and stem (None for a stop word) come with it."""

    def __init__(self, header: dict, numbers: array):
        self._numbers, self._where, offset = numbers, {}, 0
        for word, count in zip(header["words"], header["counts"], strict=True):
            self._where[word] = (offset, count)
            offset += count
        self._forms = dict(
            zip(header["words"], zip(header["folded"], header["stems"], strict=True), strict=True)
        )

    def forms(self, word: str) -> tuple[str, str | None]:
        """The word's folded form and stem."""
        folded, stem = self._forms[word]
        return folded or word, stem

    def __getitem__(self, word: str) -> array:
        offset, count = self._where[word]
        return self._numbers[offset : offset + count]

    def __contains__(self, word: object) -> bool:
        return word in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


def pack(index: Mapping[str, list[int]]) -> bytes:
    """A word index as bytes: the header's length, the header (JSON: the words, how many
    paragraphs hold each, their folded forms, "" where the same, and their stems, as the
    snippets match them), then the paragraph numbers (32-bit, little-endian)."""
    words = list(index)
    folded = [fold(w) for w in words]
    header = {
        "words": words,
        "counts": [len(index[w]) for w in words],
        "folded": [f if f != w else "" for f, w in zip(folded, words, strict=True)],
        "stems": [ranked_term(f) for f in folded],
    }
    header = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    numbers = array("I", [n for w in words for n in index[w]])
    if sys.byteorder == "big":
        numbers.byteswap()
    return len(header).to_bytes(4, "little") + header + numbers.tobytes()


def unpack(data: bytes) -> PackedIndex:
    size = int.from_bytes(data[:4], "little")
    header = json.loads(data[4 : 4 + size])
    numbers = array("I")
    numbers.frombytes(data[4 + size :])
    if sys.byteorder == "big":
        numbers.byteswap()
    return PackedIndex(header, numbers)


def is_kept(text: str) -> bool:
    """Whether this process holds the text's index already."""
    with _lock:
        return text in _cache


def word_index(
    text: str, paragraphs: list, stored: Mapping[str, list[int]] | None = None
) -> Mapping[str, list[int]] | None:
    """The text's index (None for a short text): kept, else ``stored`` (the one the build
    stored), else made now."""
    if len(text) <= LONG_TEXT:
        return None
    with _lock:
        found = _cache.get(text)
        if found is not None:
            _cache.move_to_end(text)
            return found
    index = stored if stored is not None else build(text, paragraphs)
    with _lock:
        _cache[text] = index
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return index
