"""The Whoosh index on disk: schema, text analysis, generations and the one writer.

Words are indexed once, exactly as written (lower-cased, accents folded, stop words kept), with
positions: so ``"leave no stone unturned"`` matches exactly, stop word and all. Stemming
happens at query time instead: a ranked word stands for every word in the vocabulary with the
same English stem (``grooming`` → groom, grooms, groomed…; see ``whoosh_stems``). That halves
the postings written, which is what indexing time is spent on.

A full rebuild writes a fresh generation (``index/g<N>-f<FORMAT>/``) and then points
``index/CURRENT`` at it with ``os.replace``; readers never see a half-built index, and a crashed
rebuild leaves the old generation serving. An index of an older FORMAT counts as missing.

Segments are written by ``whoosh_writer.FastWriter`` (two at once in a large rebuild), with
``compound=False``: Whoosh maps a compound segment whole into each process that searches it
(a web worker held most of the index in memory); separate files are read a block at a time.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from filelock import FileLock
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import VarBytesColumn
from whoosh.lang.porter import stem

from .plan import STOP_WORDS
from .records import IndexRecord
from .whoosh_analysis import FastPairs, FastRuns, FastText, common_slots, lines_of
from .whoosh_writer import FastWriter, write_parallel

POINTER = "CURRENT"
FORMAT = 13  # bump when the schema or analysis changes: older generations are then rebuilt
GENERATION = re.compile(r"g\d+(-f\d+)?")
MULTIPROCESS_FROM = 2000  # below this a second process costs more than it saves


class LeanCodec(W3Codec):
    """Whoosh's codec without the per-block field-length statistics: only Whoosh's own scorers
    read them (block quality), and we score from the posting blocks and the per-document
    lengths ourselves (``whoosh_postings``), so looking up every posting's document length
    while writing (a third of the writer's time) bought nothing. Lengths are still stored."""

    length_stats = False


@lru_cache(maxsize=200_000)
def ranked_term(word: str) -> str | None:
    """The English stem of a folded word (None for a stop word)."""
    return None if word in STOP_WORDS else stem(word)


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        version=fields.STORED,  # the version's SHA-256: which entries a crash left stale
        names=fields.STORED,  # digest of its organisations' names: stale when one changes
        title=FastText(),  # weights: archive.search.ranking
        body=FastText(),
        orgname=FastText(lines=True),  # its organisations' names, one a line
        pairs=FastPairs(),  # {"the was": [slot, …], "is the": […]…}: whoosh_analysis.common_slots
        runs=FastRuns(),  # {"in the and": 2, "in the and|title": 1…}: whoosh_analysis.common_slots
        org=fields.KEYWORD(lowercase=True),
        kind=fields.ID(sortable=True),
        tag=fields.KEYWORD(lowercase=True),
        speaker=FastText(),
        earliest=fields.NUMERIC(int, bits=32, sortable=True),
        latest=fields.NUMERIC(int, bits=32, sortable=True),
        org_set=fields.COLUMN(VarBytesColumn()),
        year_set=fields.COLUMN(VarBytesColumn()),
    )


def day_number(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def whoosh_fields(record: IndexRecord) -> dict:
    """A record as the index's fields; each text is split into words once, for its own field
    and for ``pairs`` and ``runs``."""
    title, body = lines_of(record.title), lines_of(record.body)
    names = lines_of(record.names_text, lines=True)
    pairs, runs = common_slots([title, body, names])
    return {
        "id": record.id,
        "version": record.sha256,
        "names": record.stamp[1],
        "title": title,
        "body": body,
        "orgname": names,
        "pairs": pairs,
        "runs": runs,
        "org": " ".join(record.organisations),
        "kind": record.kind,
        "tag": " ".join(record.tags),
        "speaker": record.speaker,
        "earliest": day_number(record.earliest),
        "latest": day_number(record.latest),
        "org_set": " ".join(record.organisations).encode(),
        "year_set": " ".join(str(y) for y in record.years).encode(),
    }


class IndexDirectory:
    """``index/``: generations of the Whoosh index, the pointer to the current one, the lock."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock = FileLock(str(self.path / ".write.lock"), timeout=600)

    @property
    def pointer(self) -> Path:
        return self.path / POINTER

    def current_name(self) -> str | None:
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        if not name.endswith(f"-f{FORMAT}") or not (self.path / name).is_dir():
            return None  # none yet, or written by an older version of the archive
        return name

    def open_current(self):
        """The current index, or None when there is none yet."""
        name = self.current_name()
        if name is None or not index.exists_in(self.path / name):
            return None
        return index.open_dir(str(self.path / name))

    def held(self) -> dict[str, tuple] | None:
        """Each indexed document's stamp (version hash, names digest; ``IndexRecord.stamp``),
        or None when there is no index yet."""
        ix = self.open_current()
        if ix is None:
            return None
        try:
            with ix.searcher() as searcher:
                return {
                    f["id"]: (f.get("version"), f.get("names"))
                    for f in searcher.all_stored_fields()
                }
        finally:
            ix.close()

    def rebuild(self, records: Iterable[IndexRecord], count: int, progress: bool = False) -> None:
        """Write every record into a new generation, then swap it in and drop the old ones."""
        self.path.mkdir(parents=True, exist_ok=True)
        with self.lock:
            name = f"g{time.time_ns()}-f{FORMAT}"
            target = self.path / name
            target.mkdir()
            try:
                self._fill(index.create_in(str(target), make_schema()), records, count, progress)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            temporary = self.path / f".{POINTER}.{name}"
            temporary.write_text(name + "\n")
            os.replace(temporary, self.pointer)
            self._remove_old(keep=name)

    def _fill(self, ix, records, count: int, progress: bool) -> None:
        from tqdm import tqdm

        records = tqdm(records, total=count, disable=not progress, desc="Indexing", unit="doc")
        if count >= MULTIPROCESS_FROM:
            write_parallel(ix, records, whoosh_fields, LeanCodec, count=count)
        else:
            with FastWriter(ix, codec=LeanCodec(), compound=False) as writer:
                for record in records:
                    writer.add_document(**whoosh_fields(record))
        ix.close()

    def _remove_old(self, keep: str) -> None:
        for child in self.path.iterdir():
            if child.is_dir() and GENERATION.fullmatch(child.name) and child.name != keep:
                shutil.rmtree(child, ignore_errors=True)

    def update(self, records: Iterable[IndexRecord], removed: Iterable[str]) -> None:
        """Replace changed documents and delete removed ones, in one commit."""
        with self.lock:
            ix = self.open_current()
            if ix is None:
                raise FileNotFoundError("no search index yet")
            with FastWriter(ix, timeout=60, codec=LeanCodec(), compound=False) as writer:
                for doc_id in removed:
                    writer.delete_by_term("id", doc_id)
                for record in records:
                    writer.update_document(**whoosh_fields(record))
            ix.close()
