"""Writing a Whoosh segment without Whoosh's posting pool: the same files, a fraction of the calls.

Whoosh's ``SegmentWriter`` passes every posting through a pool (an external merge sort of
pickled runs) and then through ``W3PostingsWriter.add_posting``, a Python call or two per
posting; at ~360 postings a document that was most of the indexing time. ``FastWriter`` keeps
Whoosh's segment, per-document writer (stored fields, lengths, columns), term table, TOC,
locking, deletions and merging, and replaces only the postings: each document's postings are
appended to in-memory lists per term (one ``list +=`` each), and at commit each term's list is
cut into blocks of 128 written as ``W3PostingsWriter`` writes them (a tuple of delta-coded ids,
weights and values, a zlib stream, after a pickled block header), with the ``W3TermInfo`` it
would have made. Two things differ: the block is pickled with protocol 4, not 2 (below), so
the stock reader's ``pickle.loads`` reads it as it reads its own, and compressed by ISA-L, not
zlib (below), so ``zlib.decompress`` reads it as it reads zlib's. Stock Whoosh reads a segment
written here as it reads its own writer's, term for term and posting for posting
(``tests/test_search_writer.py``), and ``whoosh_postings`` reads its blocks as before.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from itertools import islice
from multiprocessing import get_all_start_methods, get_context
from operator import itemgetter, sub
from pickle import dumps

from isal.isal_zlib import compress as deflate
from whoosh import index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from ..collector import no_collection

BLOCK = 128  # postings a block (W3Codec's blocklimit)
# Blocks are compressed by ISA-L's deflate (``isal``), level 1: a zlib stream as zlib's own
# (``zlib.decompress`` in either reader reads it), made 2.3 times faster than zlib's level 3
# (W3Codec's), 6% larger; zlib's levels 1 to 3 all took the same time. It was ~40% of a
# segment's commit.
COMPRESSION = 1
# Whoosh pickles a block with protocol 2, which has no opcode for bytes (each position list
# becomes a call to ``_codecs.encode``): protocol 4 pickles a block ten times faster, into
# half the bytes, and any reader's ``pickle.loads`` reads it.
PROTOCOL = 4
# A block header as W3PostingsWriter pickles it: count, last id, max weight, compression,
# the min and max length bytes (0 and 0: segments are written without length statistics).
# Readers decompress a block whose header's compression is not 0: it must not be.
_TAIL = (COMPRESSION, 0, 0)
# A block whose pickle is shorter than this is written as it is, its header saying compression
# 0 (both readers honour it): zlib saves a few bytes of a short pickle, or none, and
# ``zlib.compress`` costs ~7 µs a call whatever the size (setting up its window), which was a
# fifth of writing a segment, most terms having one short block.
COMPRESS_FROM = 96
_PLAIN = (0, 0, 0)
# A term's info as ``W3TermInfo.to_bytes`` packs it (not inlined, no length statistics).
_TERM_INFO = W3TermInfo._struct
_NO_LENGTH = length_to_byte(0)


class PostingTable:
    """A segment's postings in memory: field -> term -> [docnum, weight, value, …].

    Stands in for Whoosh's ``PostingPool`` (``add``, ``cleanup``), so merges that feed a
    writer posting by posting (``add_reader``) still work; documents come in bulk. The terms
    of fields that give their postings as text (``FastText``) are kept as ``str`` and
    encoded when written (UTF-8 sorts as the code points do)."""

    def __init__(self, text_fields: frozenset[str] = frozenset()):
        self.fields: dict[str, dict] = defaultdict(dict)
        self.text_fields = text_fields
        self.unordered = False  # postings from merged segments may arrive out of order

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        if fieldname in self.text_fields:
            btext = btext.decode("utf-8")
        terms = self.fields[fieldname]
        entry = terms.get(btext)
        if entry is None:
            terms[btext] = [docnum, weight, value]
        else:
            if entry[-3] > docnum:
                self.unordered = True
            entry += (docnum, weight, value)

    def cleanup(self) -> None:
        self.fields.clear()


class FastWriter(SegmentWriter):
    """A ``SegmentWriter`` whose postings go to a ``PostingTable`` and are written in blocks."""

    def __init__(self, ix, **options):
        super().__init__(ix, **options)
        self.pool.cleanup()
        fast = frozenset(n for n, f in self.schema.items() if hasattr(f, "postings"))
        self.pool = PostingTable(fast)
        self._terms: dict[tuple, list] = {}  # (field, value) -> its terms: dates, kinds, tags

    def add_document(self, **fields) -> None:
        """``SegmentWriter.add_document`` without field boosts or ``_stored_<field>``
        values (the archive passes neither), its postings appended to the table."""
        self._check_state()
        schema, docnum, table = self.schema, self.docnum, self.pool.fields
        perdoc = self.perdocwriter
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    length = _add_postings(table[name], docnum, field, value, self._terms)
                    if not field.scorable:
                        length = 0
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        for fieldname in sorted(name for name, terms in self.pool.fields.items() if terms):
            writer.start_field(fieldname, self.schema[fieldname])
            _write_field(writer, self.pool.fields[fieldname], self.pool.unordered)
            writer.finish_field()
        writer.close()


def _add_postings(terms: dict, docnum: int, field, value, known: dict | None = None) -> int:
    """Append one field's postings of one document; its length (the sum of frequencies).
    ``known`` keeps the terms of a value of a field of Whoosh's own (a date's eight numeric
    terms, a kind, a tag list: a few hundred distinct values in thousands of documents)."""
    if hasattr(field, "add_postings"):
        return field.add_postings(terms, docnum, value)
    fast = getattr(field, "postings", None)
    if fast:
        items = fast(value)
    elif known is None or field.unique or not isinstance(value, (str, int)):
        items = field.index(value)
    else:
        items = known.get((id(field), value))
        if items is None:
            items = known[id(field), value] = list(field.index(value))
    length = 0
    for btext, freq, weight, encoded in items:
        length += freq
        entry = terms.get(btext)
        if entry is None:
            terms[btext] = [docnum, weight, encoded]
        else:
            entry += (docnum, weight, encoded)
    return length


def _write_field(writer, terms: dict[bytes, list], unordered: bool) -> None:
    """Each term's posting list into the postings file and its entry into the term table, in
    term order, as ``W3FieldWriter`` writes them, but each buffered and written in bulk: the
    postings file's offsets are counted, not asked for, and the term table's entries are
    added by ``_add_terms``, not one ``OrderedHashWriter.add`` call a term."""
    fixed = writer._format.fixed_value_size()
    prefix = pack_ushort(writer._fieldid)
    postfile = writer._postfile
    offset = postfile.tell()
    chunks, keys, infos = [], [], []
    for term in sorted(terms):
        flat = terms[term]
        ids, weights, values = flat[0::3], flat[1::3], flat[2::3]
        if unordered:
            rows = sorted(zip(ids, weights, values, strict=True), key=itemgetter(0))
            ids, weights, values = (list(column) for column in zip(*rows, strict=True))
        chunk, weight, maxweight = _postings(ids, weights, values, fixed)
        infos.append(
            _TERM_INFO.pack(0, weight, len(ids), 0, _NO_LENGTH, maxweight, ids[0], ids[-1])
            + pack_long(offset)
            + pack_int(len(chunk))
        )
        offset += len(chunk)
        chunks.append(chunk)
        keys.append(prefix + (term.encode("utf-8") if isinstance(term, str) else term))
        if len(chunks) == 1024:
            postfile.write(b"".join(chunks))
            chunks.clear()
    postfile.write(b"".join(chunks))
    _add_terms(writer._tindex, keys, infos)


def _add_terms(table, keys: list[bytes], values: list[bytes]) -> None:
    """``OrderedHashWriter.add`` of each (key, value), keys in increasing order: the same
    records, hash pointers and position index, the records written at once."""
    if not keys:
        return
    if keys[0] <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{keys[0]!r}")
    dbfile, hashfn, buckets = table.dbfile, table.hashfn, table.buckets
    position = dbfile.tell()
    positions, records = [], []
    for key, value in zip(keys, values, strict=True):
        record = _LENGTHS.pack(len(key), len(value)) + key + value
        positions.append(position)
        records.append(record)
        position += len(record)
        hashed = hashfn(key)
        buckets[hashed & 255].append((hashed, positions[-1]))
    dbfile.write(b"".join(records))
    table.index.extend(positions)
    table.lastkey = keys[-1]


def _postings(ids, weights, values, fixed) -> tuple[bytes, float, float]:
    """One term's posting list as ``W3PostingsWriter`` writes it, with its term info's
    weight (the sum of the weights) and max weight."""
    chunks = [WHOOSH3_HEADER_MAGIC]
    count = len(ids)
    weight = maxweight = 0.0
    for first in range(0, count, BLOCK):
        last = min(first + BLOCK, count)
        if count <= BLOCK:  # most terms: one block
            block_ids, block_weights, block_values = ids, weights, values
        else:
            block_ids, block_weights = ids[first:last], weights[first:last]
            block_values = values[first:last]
        size = last - first
        if block_weights.count(1.0) == size:
            mini_weights, top, total = None, 1.0, float(size)
        else:
            rounded = array("f", block_weights)  # Whoosh keeps weights as 32-bit floats
            top, total = max(rounded), sum(rounded)
            same = rounded.count(rounded[0]) == size
            mini_weights = rounded[0] if same else tuple(rounded)
        if fixed is None or fixed < 0:
            mini_values = tuple(filter(None, block_values))
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(block_values)
        deltas = (block_ids[0], *map(sub, block_ids[1:], block_ids))  # from 0 in each block
        data = dumps((deltas, mini_weights, mini_values), PROTOCOL)
        if len(data) < COMPRESS_FROM:
            header = dumps((size, block_ids[-1], top, *_PLAIN), 2)
        else:
            data = deflate(data, COMPRESSION)
            header = dumps((size, block_ids[-1], top, *_TAIL), 2)
        length = len(header) + len(data)
        chunks += (pack_int(-length if last == count else length), header, data)
        weight += total
        maxweight = max(maxweight, top)
    return b"".join(chunks), weight, maxweight


def write_parallel(
    ix, records, fields_of, codec_class, processes: int = 2, count: int | None = None
) -> None:
    """Write ``records`` as ``processes`` segments at once, in their order: the first shares
    in child processes, the last in this one, then one commit lists them all (Whoosh's
    ``multisegment`` writer, without its pool). ``fields_of`` turns a record into fields.
    With ``count`` (how many records there are) each child starts as soon as its share is
    read, and this process reads its own share while the children write; where processes
    are forked a child inherits its share instead of being sent it pickled. This process
    writes its segment's files before it waits for the children's, so the last two
    segments' commits (a fifth of a rebuild) overlap instead of following each other."""
    if count is None:
        records = list(records)
        count = len(records)
    records = iter(records)
    share = max(1, -(-count // processes))
    folder, name = ix.storage.folder, ix.indexname
    with ExitStack() as children, no_collection():
        futures = []
        for _ in range(processes - 1):
            chunk = list(islice(records, share))
            if not chunk:
                break
            pool = children.enter_context(
                ProcessPoolExecutor(1, mp_context=_FORK, initializer=_hold, initargs=(chunk,))
            )
            futures.append(pool.submit(_write_segment, folder, name, fields_of, codec_class))
        writer = FastWriter(ix, codec=codec_class(), compound=False)
        try:
            for record in records:
                writer.add_document(**fields_of(record))
            # This segment is written out while the children finish theirs, not after.
            own = [writer._finalize_segment()] if writer._added else []
            writer._close_segment()  # its files closed, written or not
            segments = [future.result() for future in futures]
        except BaseException:
            writer.cancel()
            raise
    # ``SegmentWriter.commit`` with the segments already written: the children's, then this
    # process's (document numbers follow the records' order).
    writer._commit_toc([*writer.segments, *segments, *own])
    writer._finish()


# A child's share of the records, set as it starts (``ProcessPoolExecutor``'s initializer,
# whose arguments a forked child inherits).
_HELD: dict[str, list] = {}
_FORK = get_context("fork") if "fork" in get_all_start_methods() else None


def _hold(records: list) -> None:
    _HELD["records"] = records


def _write_segment(folder: str, name: str, fields_of, codec_class):
    """In a child process: one segment of the index (no lock, no TOC: the parent commits)."""
    ix = index.open_dir(folder, indexname=name)
    writer = FastWriter(ix, _lk=False, codec=codec_class(), compound=False)
    with no_collection():
        for record in _HELD.pop("records"):
            writer.add_document(**fields_of(record))
        return writer._finalize_segment()
