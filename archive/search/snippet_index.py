"""Which paragraphs of a long text hold which words, so that snippets of a hearing transcript
look only at the paragraphs that can match instead of reading all of them for every hit.

Kept per process for texts longer than ``LONG_TEXT`` (a version's text never changes); a
short text has no index and its snippets are made exactly as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .querylang import WORD

LONG_TEXT = 50_000
KEEP = 64

_cache: OrderedDict[str, dict[str, list[int]]] = OrderedDict()
_lock = threading.Lock()


def word_index(text: str, paragraphs: list) -> dict[str, list[int]] | None:
    """Each word as written -> the numbers of the paragraphs holding it (None for short text)."""
    if len(text) <= LONG_TEXT:
        return None
    with _lock:
        found = _cache.get(text)
        if found is not None:
            _cache.move_to_end(text)
            return found
    index: dict[str, list[int]] = {}
    for number, (start, end) in enumerate(paragraphs, 1):
        for raw in set(WORD.findall(text, start, end)):
            index.setdefault(raw, []).append(number)
    with _lock:
        _cache[text] = index
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return index
