"""The Whoosh segment writer (``whoosh_writer``) and phrases of common words from pairs and runs.

An index written by ``FastWriter`` must be one stock whoosh-reloaded reads as it reads its own
writer's: the same terms, postings, stored fields, lengths and columns, and the same answers
to Whoosh's own queries. A phrase of three common words is answered from its run's counts
(``runs``), a longer one from the positions of its pairs (``pairs``) in the documents holding
all its runs: each must find exactly what a word-by-word check finds, never across a field
or between two organisation names.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import partial

import pytest
from whoosh import index
from whoosh.query import Phrase, Term
from whoosh.writing import SegmentWriter

from archive.search.plan import COMMON_WORDS
from archive.search.records import IndexRecord
from archive.search.whoosh_analysis import analyzer, indexed_run, words
from archive.search.whoosh_index import IndexDirectory, LeanCodec, make_schema, whoosh_fields
from archive.search.whoosh_stems import StemForms
from archive.search.whoosh_terms import TEXT_FIELDS, Gatherer
from archive.search.whoosh_writer import FastWriter, write_parallel

COMMON = sorted(["in", "the", "and", "of", "to", "was", "is", "a", "it", "said", "one"])
RARE = ["grooming", "inquiry", "lancashire", "café", "naïve", "hearing", "nspcc"]


def make_records(count: int, seed: int = 7) -> list[IndexRecord]:
    """Documents made mostly of a few common words, in titles, bodies of several paragraphs
    and organisation names, so common-word runs meet every boundary."""
    rng = random.Random(seed)

    def text(n: int) -> str:
        return " ".join(rng.choice(COMMON + COMMON + RARE) for _ in range(n))

    records = []
    for n in range(count):
        paragraphs = [text(rng.randint(1, 12)) + rng.choice([".", "", ","]) for _ in range(3)]
        day = dt.date(2019, 1, 1) + dt.timedelta(days=n)
        records.append(
            IndexRecord(
                id=f"doc-{n:03d}",
                title=text(rng.randint(1, 5)),
                body="\n\n".join(paragraphs),
                kind=rng.choice(["statement", "report"]),
                organisations=("nspcc",) if n % 3 else (),
                speaker="one said" if n % 4 == 0 else "",
                tags=("inquiry",),
                earliest=day,
                latest=day,
                sha256=f"{n:064x}",
                names=tuple(text(rng.randint(1, 4)) for _ in range(n % 3)),
            )
        )
    return records


def write(path, records, fast: bool = True):
    path.mkdir()
    ix = index.create_in(str(path), make_schema())
    writer_of = FastWriter if fast else SegmentWriter
    writer = writer_of(ix, codec=LeanCodec(), compound=False)
    for record in records:
        writer.add_document(**whoosh_fields(record))
    writer.commit()
    return index.open_dir(str(path))


def contents(ix) -> dict:
    """Everything a reader sees, through stock Whoosh's own reader and matchers."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        postings = {}
        for fieldname, btext in reader.all_terms():
            matcher = reader.postings(fieldname, btext)
            postings[fieldname, btext] = [(m.id(), m.weight(), m.value()) for m in _steps(matcher)]
        docs = [
            (
                searcher.stored_fields(d),
                [reader.doc_field_length(d, f) for f in (*TEXT_FIELDS, "pairs", "runs")],
                [reader.column_reader(c)[d] for c in ("kind", "earliest", "org_set")],
            )
            for d in range(reader.doc_count_all())
        ]
        return {"postings": postings, "docs": docs}


def _steps(matcher):
    while matcher.is_active():
        yield matcher
        matcher.next()


def test_fast_writer_index_reads_in_stock_whoosh_as_its_own_writers(tmp_path):
    records = make_records(300)
    ours = write(tmp_path / "fast", records)
    theirs = write(tmp_path / "stock", records, fast=False)
    assert contents(ours) == contents(theirs)
    with ours.searcher() as fast, theirs.searcher() as stock:
        for query in (
            Term("body", "grooming"),
            Phrase("body", ["in", "the", "and"]),
            Phrase("title", ["the", "inquiry"]),
            Term("pairs", "in the"),
            Term("runs", "in the and"),
        ):
            found = [hit["id"] for hit in fast.search(query, limit=None)]
            assert found == [hit["id"] for hit in stock.search(query, limit=None)]
            assert found or query.fieldname == "title"


def test_two_processes_write_the_same_documents_in_the_same_order(tmp_path):
    records = make_records(120)
    (tmp_path / "two").mkdir()
    ix = index.create_in(str(tmp_path / "two"), make_schema())
    write_parallel(ix, records, whoosh_fields, LeanCodec)
    two = index.open_dir(str(tmp_path / "two"))
    assert len(two._segments()) == 2
    assert _by_document(two) == _by_document(write(tmp_path / "one", records))


@pytest.mark.parametrize("count", [120, 90, 200, 400, 7])
def test_two_processes_take_records_as_they_come_whatever_the_count_says(tmp_path, count):
    """Given a count, the child starts on its share as soon as it is read from the records
    (an iterator, read once) and this process reads the rest: every record is written once,
    in order, even when the count is wrong (the child may get them all, or a few)."""
    records = make_records(120)
    (tmp_path / "two").mkdir()
    ix = index.create_in(str(tmp_path / "two"), make_schema())
    write_parallel(ix, iter(records), whoosh_fields, LeanCodec, count=count)
    two = index.open_dir(str(tmp_path / "two"))
    assert _by_document(two) == _by_document(write(tmp_path / "one", records))


@pytest.mark.parametrize("failing", ["doc-010", "doc-100"])
def test_two_processes_a_failure_in_either_leaves_no_index_and_the_lock_free(tmp_path, failing):
    """This process writes its segment's files before it waits for the child's: a record
    failing in the child (doc-010) or here (doc-100) raises, commits no table of contents,
    and leaves the index's lock free for the next writer."""
    records = make_records(120)
    fields_of = partial(_fields_failing_at, failing)
    (tmp_path / "two").mkdir()
    ix = index.create_in(str(tmp_path / "two"), make_schema())
    with pytest.raises(ValueError, match=failing):
        write_parallel(ix, iter(records), fields_of, LeanCodec, count=len(records))
    assert index.open_dir(str(tmp_path / "two")).doc_count() == 0
    write_parallel(ix, iter(records), whoosh_fields, LeanCodec, count=len(records))
    assert _by_document(index.open_dir(str(tmp_path / "two"))) == _by_document(
        write(tmp_path / "one", records)
    )


def _fields_failing_at(failing: str, record: IndexRecord) -> dict:
    if record.id == failing:
        raise ValueError(f"cannot index {record.id}")
    return whoosh_fields(record)


def test_merged_segments_keep_every_posting(tmp_path):
    records = make_records(90)
    (tmp_path / "merged").mkdir()
    ix = index.create_in(str(tmp_path / "merged"), make_schema())
    for start in range(0, 90, 30):
        with FastWriter(ix, codec=LeanCodec(), compound=False) as writer:
            for record in records[start : start + 30]:
                writer.add_document(**whoosh_fields(record))
    FastWriter(ix, codec=LeanCodec(), compound=False).commit(optimize=True)
    merged = index.open_dir(str(tmp_path / "merged"))
    assert len(merged._segments()) == 1
    assert contents(merged) == contents(write(tmp_path / "one", records))


def _by_document(ix) -> dict:
    """Each document's postings by its id (segment boundaries and numbers aside)."""
    found = contents(ix)
    ids = [stored["id"] for stored, _, _ in found["docs"]]
    by_id = {}
    for key, rows in found["postings"].items():
        for docnum, weight, value in rows:
            by_id.setdefault(ids[docnum], []).append((key, weight, value))
    return {"order": ids, "postings": by_id, "docs": found["docs"]}


# -- phrases of common words -----------------------------------------------------------------


def field_lines(record: IndexRecord) -> list[list[list[str]]]:
    names = [words(line) for line in record.names_text.split("\n")]
    return [[words(record.title)], [words(record.body)], names]


def occurrences(lines: list[list[str]], phrase: list[str]) -> int:
    size = len(phrase)
    return sum(line[i : i + size] == phrase for line in lines for i in range(len(line) - size + 1))


def _record(n: int, title: str, body: str, names: tuple[str, ...] = ()) -> IndexRecord:
    day = dt.date(2020, 1, 1)
    return IndexRecord(f"edge-{n}", title, body, "statement", (), "", (), day, day, "", names)


# Runs of common words that meet at a boundary: title and body, two paragraphs, two names
BOUNDARIES = [
    _record(0, "Report in the", "And of the inquiry."),
    _record(1, "Grooming", "It was in the\n\nand of the hearing", ("Said one of", "the and in")),
    _record(2, "One", "Lancashire.", ("A one", "in the", "and it was")),
]


@pytest.fixture(scope="module")
def gatherer(tmp_path_factory):
    records = make_records(400, seed=11) + BOUNDARIES
    directory = IndexDirectory(tmp_path_factory.mktemp("phrases"))
    directory.rebuild(records, count=len(records))
    ix = directory.open_current()
    searcher = ix.searcher()
    yield Gatherer(searcher, StemForms(), []), records
    searcher.close()
    ix.close()


@pytest.mark.parametrize("length", [2, 3, 4, 5])
def test_common_word_phrases_match_exactly_what_a_word_by_word_check_finds(gatherer, length):
    gather, records = gatherer
    rng = random.Random(length)
    runs = [
        line[i : i + length]
        for record in records
        for lines in field_lines(record)
        for line in lines
        for i in range(len(line) - length + 1)
        if all(w in COMMON_WORDS for w in line[i : i + length])
    ]
    phrases = rng.sample(runs, 30) + [
        [rng.choice(COMMON) for _ in range(length)] for _ in range(20)
    ]
    phrases += [["in", "the", "and", "of", "it"][:length], ["the"] * length]
    assert all(w in COMMON_WORDS for phrase in phrases for w in phrase)
    checked = 0
    for phrase in phrases:
        found = gather.phrase(phrase)
        expected = {}
        for docnum, record in enumerate(records):
            counts = [occurrences(lines, phrase) for lines in field_lines(record)]
            if any(counts):
                expected[docnum] = counts
        if length == 2:  # one posting list: occurrences counted together, as the body's
            expected = {d: [0, sum(c), 0] for d, c in expected.items()}
        assert found == expected, phrase
        checked += bool(expected)
    assert checked >= 30  # the runs found in the corpus, at least


def test_a_common_phrase_never_spans_title_and_body_or_two_names(gatherer):
    gather, records = gatherer
    first = len(records) - len(BOUNDARIES)
    in_the_and = gather.phrase(["in", "the", "and"])
    assert first not in in_the_and  # title "… in the", body "And …"
    assert in_the_and[first + 1] == [0, 1, 0]  # across two paragraphs of the body: one text
    assert first + 2 not in in_the_and  # names "in the" and "and it was"
    assert gather.phrase(["of", "the", "and", "in"]).get(first + 1) is None  # two names
    assert gather.phrase(["said", "one", "of"])[first + 1] == [0, 0, 1]
    assert gather.phrase(["the", "and", "in"])[first + 1] == [0, 0, 1]
    assert gather.phrase(["it", "was", "in", "the", "and"])[first + 1] == [0, 1, 0]
    assert first + 2 not in gather.phrase(["in", "the", "and", "it"])  # two names
    assert first + 2 not in gather.phrase(["one", "in", "the"])  # "A one", "in the"
    assert gather.phrase(["and", "it", "was"])[first + 2] == [0, 0, 1]
    assert first not in gather.phrase(["report", "in", "the", "and"])  # title, body
    assert first not in gather.phrase(["in", "the", "and", "of"])


def test_a_three_word_run_is_one_term_per_field(gatherer):
    """What the index holds for a run: its count in each field, each field's its own term;
    runs only of the most frequent words (``indexed_run``): "said one of" is found from its
    pairs alone."""
    gather, records = gatherer
    first = len(records) - len(BOUNDARIES)
    runs = set(gather.reader.field_terms("runs"))
    assert "the and in|names" in runs and "it was in" in runs
    assert gather.posting("runs", "it was in").tf[first + 1] == 1
    assert first + 1 not in gather.posting("runs", "it was in|title").tf
    assert indexed_run("one", "of", "the") and not indexed_run("said", "one", "of")
    assert all(indexed_run(*run.split("|")[0].split()) for run in runs)
    assert "said one of|names" not in runs
    assert gather.phrase(["said", "one", "of"])[first + 1] == [0, 0, 1]


def test_an_index_of_format_10_without_runs_is_rebuilt_not_served(tmp_path):
    """Format 10 had the pairs but not the runs: its three-word phrases would find nothing."""
    records = make_records(20) + BOUNDARIES
    directory = IndexDirectory(tmp_path / "index")
    directory.rebuild(records, count=len(records))
    old = directory.path / "g1-f10"
    (directory.path / directory.current_name()).rename(old)
    directory.pointer.write_text("g1-f10\n")
    assert directory.current_name() is None and directory.open_current() is None
    directory.rebuild(records, count=len(records))
    assert not old.exists()
    ix = directory.open_current()
    with ix.searcher() as searcher:
        assert "runs" in searcher.schema
        found = Gatherer(searcher, StemForms(), []).phrase(["it", "was", "in"])
        assert found[len(records) - 2] == [0, 1, 0]
    ix.close()


def test_words_are_what_whooshs_own_analyser_gives():
    """``words`` (one ``re.findall``) splits and folds as the field's Whoosh analyser does,
    dots, accents, underscores and digits included."""
    rng = random.Random(3)
    alphabet = "ab.É_1 .\n-'ïç"
    analyse = analyzer()
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert words(text) == [token.text for token in analyse(text)], text
