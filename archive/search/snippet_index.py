"""Which paragraphs of a long text hold which words, so that snippets of a hearing transcript
look only at the paragraphs that can match instead of reading all of them for every hit.

A build stores each long version's index beside it (``archive/renderings.py``), so a process
meeting a transcript for the first time reads it (a few milliseconds) instead of making it
(70 ms); without a stored one it is made here. Kept per process for texts longer than
``LONG_TEXT`` (a version's text never changes); a short text has no index and its snippets are
made exactly as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .querylang import WORD

LONG_TEXT = 50_000
KEEP = 64

_cache: OrderedDict[str, dict[str, list[int]]] = OrderedDict()
_lock = threading.Lock()


def build(text: str, paragraphs: list) -> dict[str, list[int]]:
    """Each word as written -> the numbers of the paragraphs holding it, in order."""
    index: dict[str, list[int]] = {}
    for number, (start, end) in enumerate(paragraphs, 1):
        for raw in set(WORD.findall(text, start, end)):
            index.setdefault(raw, []).append(number)
    return index


def is_kept(text: str) -> bool:
    """Whether this process holds the text's index already."""
    with _lock:
        return text in _cache


def word_index(
    text: str, paragraphs: list, stored: dict[str, list[int]] | None = None
) -> dict[str, list[int]] | None:
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
