"""Reading Whoosh's posting lists a block at a time, and per-document tables, per searcher.

Whoosh's matchers step through postings one Python call at a time, which is what made long
queries slow. Its on-disk blocks (``whoosh.codec.whoosh3``, pinned at whoosh-reloaded 2.7.5)
are a zlib-compressed pickle of up to 128 document numbers (delta-encoded), weights and
encoded positions: decompressing, unpickling and turning them into a ``{docnum: frequency}``
dict all run in C. Scoring then touches only the documents it needs (``whoosh_rank``).

Document numbers here are the searcher's (segment offset + number in the segment); documents
deleted from a segment are left out.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from pickle import loads

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

_LENGTHS = [byte_to_length(n) for n in range(256)]


@dataclass
class Posting:
    """One word of one field: its documents with frequencies, and (on demand) positions."""

    tf: dict[int, float] = field(default_factory=dict)
    values: dict[int, bytes] | None = None

    def positions(self, docnum: int) -> list[int]:
        value = self.values.get(docnum) if self.values else None
        return decode_positions(value) if value else []


def decode_positions(value: bytes) -> list[int]:
    """``whoosh.formats.Positions.decode_positions`` without its Python loop: a count, then a
    pickled list of deltas (whose final STOP opcode the block writer may have dropped)."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


def _blocks(matcher, only=None):
    """Yield (ids, weights, values) for each block of a W3 posting list (that may hold one of
    the sorted docnums ``only``, when given)."""
    if not isinstance(matcher, W3LeafMatcher):  # inlined: a ListMatcher of one posting
        yield matcher._ids, matcher._weights, matcher._values
        return
    below = -1
    while not matcher._atend:
        count, top = matcher._blocklength, matcher._maxid
        if only is not None and bisect_right(only, top) == bisect_right(only, below):
            below = top
            matcher._next_block()
            continue
        below = top
        raw = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        ids, weights, values = loads(zlib.decompress(raw) if matcher._compression else raw)
        if weights is None:
            weights = repeat(1.0, count)
        elif isinstance(weights, float):
            weights = repeat(weights, count)
        yield tuple(accumulate(ids)), weights, values
        matcher._next_block()


def read_posting(
    leaves, fieldname: str, word: str, positions: bool = False, only: list[int] | None = None
) -> Posting:
    """The posting list of ``word`` in ``fieldname`` over every segment of the searcher;
    with ``only`` (sorted docnums), just the blocks that may hold those documents."""
    posting = Posting(values={} if positions else None)
    btext = word.encode("utf-8")
    for reader, offset in leaves:
        try:
            matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
        except (TermNotFound, KeyError):
            continue
        local = None
        if only is not None:
            end = offset + reader.doc_count_all()
            local = [d - offset for d in only[bisect_left(only, offset) : bisect_left(only, end)]]
            if not local:
                continue
        for ids, weights, values in _blocks(matcher, local):
            if offset:
                ids = [offset + i for i in ids]
            posting.tf.update(zip(ids, weights, strict=False))
            if positions and values:
                posting.values.update(zip(ids, values, strict=False))
        for docnum in reader.deleted_docs_set:
            posting.tf.pop(offset + docnum, None)
    return posting


class DocTable:
    """Per-document values the ranking and the facets need, for every document of a searcher.

    Loaded once per segment and kept while the segment lives (a one-document update adds a
    small segment, so only its rows are read).
    """

    COLUMNS = ("kind", "org_set", "year_set", "earliest", "latest")

    def __init__(self):
        self._segments: dict[str, dict[str, list]] = {}

    def load(self, searcher, fields: tuple[str, ...]) -> dict:
        """Columns and field lengths (``len:<field>``) as lists over the searcher's documents."""
        names = (*self.COLUMNS, *(f"len:{f}" for f in fields))
        table: dict[str, list] = {name: [] for name in names}
        deleted: set[int] = set()
        live = set()
        for reader, offset in searcher.reader().leaf_readers():
            segment_id = reader.segment().segment_id()
            live.add(segment_id)
            if segment_id not in self._segments:
                self._segments[segment_id] = _segment_rows(reader, fields, self.COLUMNS)
            for name, rows in self._segments[segment_id].items():
                table[name].extend(rows)
            deleted.update(offset + d for d in reader.deleted_docs_set)
        for gone in set(self._segments) - live:
            del self._segments[gone]
        table["deleted"] = deleted
        return table


def _segment_rows(reader, fields, columns) -> dict[str, list]:
    count = reader.doc_count_all()
    rows: dict[str, list] = {}
    for name in columns:
        column = reader.column_reader(name) if reader.has_column(name) else None
        rows[name] = list(column) if column is not None else [None] * count
    perdoc = reader._perdoc
    for fieldname in fields:
        lengths = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = list(lengths) if lengths is not None else [0] * count
        rows[f"len:{fieldname}"] = [_LENGTHS[b] for b in raw]
    return rows
