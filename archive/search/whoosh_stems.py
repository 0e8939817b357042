"""Stemming at query time: which words of the index share a stem, segment by segment.

The map for a segment is built once, the first time a searcher sees that segment (its
vocabulary, stemmed with a cache), and kept while the segment lives; a one-document update adds
a small segment and so costs only that segment's words.
"""

from __future__ import annotations

from collections import defaultdict

from .whoosh_index import ranked_term

FIELDS = ("title", "body", "orgname")
MAX_FORMS = 64


class StemForms:
    """For one generation of the index: stem → the words in the index with that stem."""

    def __init__(self):
        self._segments: dict[str, dict[str, list[str]]] = {}

    def forms(self, searcher, stem: str) -> list[str]:
        found: set[str] = set()
        live = set()
        for reader, _ in searcher.reader().leaf_readers():
            segment_id = reader.segment().segment_id()
            live.add(segment_id)
            if segment_id not in self._segments:
                self._segments[segment_id] = _segment_map(reader)
            found.update(self._segments[segment_id].get(stem, ()))
        for gone in set(self._segments) - live:
            del self._segments[gone]
        return sorted(found)[:MAX_FORMS]


def _segment_map(reader) -> dict[str, list[str]]:
    stems: dict[str, list[str]] = defaultdict(list)
    for fieldname in FIELDS:
        for term in reader.lexicon(fieldname):
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            stem = ranked_term(word)
            if stem is not None:
                stems[stem].append(word)
    return dict(stems)
