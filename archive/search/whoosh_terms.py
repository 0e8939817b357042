"""The documents and frequencies behind each part of a query, read from the Whoosh index.

A ranked word stands for all its forms with the same stem (``whoosh_stems``); a prefix for
the words it expands to; a phrase is checked word position by word position, but only in
documents that hold all its pairs of common words (the ``pairs`` field) and its other
words, so ``"the was"`` is answered by one posting list instead of by
the positions of every document that has both words. A phrase of three common words only
(``"in the and"``) is answered from its run's counts (the ``runs`` field, one term per field),
and a longer one from its pairs' positions in the documents holding all its runs. Runs are
indexed of the most frequent words only (``whoosh_analysis.indexed_run``): a phrase of
common words with no such run (``"said one of"``) is matched from its pairs' positions in the
documents holding all its pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import ranking
from .plan import COMMON_WORDS, STOP_WORDS, common_grams
from .querylang import AnyOf, Filter, Phrase, Word, words_of
from .types import MAX_EXPANSIONS
from .whoosh_analysis import FIELD_SLOTS, RUN_MARKS, common_runs, fold
from .whoosh_index import ranked_term
from .whoosh_postings import Posting, decode_positions, read_posting

TEXT_FIELDS = ("title", "body", "orgname")  # orgname: its organisations' names
FEW_CANDIDATES = 1000  # a phrase with a rarer word checks no more documents than this
HOT_WORDS = 48  # common words' posting lists kept per searcher (a few MiB each at 20,000 docs)


@dataclass
class Term:
    """One thing the ranking scores: its frequency per field and document, and where it is."""

    label: str
    tf: dict[str, dict[int, float]]  # field -> docnum -> frequency
    postings: dict[str, list[Posting]] = field(default_factory=dict)  # for positions
    idf: float = 0.0

    @property
    def docs(self) -> set[int]:
        found: set[int] = set()
        for frequencies in self.tf.values():
            found.update(frequencies)
        return found

    def positions(self, fieldname: str, docnum: int) -> list[int]:
        postings = self.postings.get(fieldname, ())
        if len(postings) == 1:
            return postings[0].positions(docnum)
        return sorted(p for posting in postings for p in posting.positions(docnum))


class Gatherer:
    """Reads what a query needs from one searcher, each posting list at most once."""

    def __init__(self, searcher, stems, notices: list[str], hot: dict | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = list(self.reader.leaf_readers())
        self.stems = stems
        self.notices = notices
        self.hot = hot if hot is not None else {}  # common words' postings, kept across queries
        self._cache: dict[tuple, Posting] = {}
        self._phrases: dict[tuple, dict[int, list[int]]] = {}

    def posting(self, fieldname: str, word: str, positions: bool = False, only=None) -> Posting:
        """A posting list, read once per query (``only``: just the blocks of these docnums).

        A common word's positions (in most documents, needed by phrases) are read whole once
        and kept for the searcher's life: decompressing them is most of a phrase's cost."""
        key = (fieldname, word)
        if positions and word in COMMON_WORDS and (key in self.hot or not _few(only)):
            if key not in self.hot:
                if len(self.hot) >= HOT_WORDS:
                    self.hot.pop(next(iter(self.hot)))
                self.hot[key] = read_posting(self.leaves, fieldname, word, True)
            return self.hot[key]
        found = self._cache.get((fieldname, word, True))
        if found is None and only is not None:
            return read_posting(self.leaves, fieldname, word, True, only)
        if found is None:
            found = self._cache.get((fieldname, word, positions))
        if found is None:
            found = read_posting(self.leaves, fieldname, word, positions)
            self._cache[(fieldname, word, positions)] = found
        return found

    # -- words -----------------------------------------------------------------------------

    def forms(self, node: Word, exact: bool = False) -> list[str]:
        word = fold(node.text)
        if node.prefix:
            return self.expand(word)
        stem = None if exact or word in STOP_WORDS else ranked_term(word)
        return (self.stems.forms(self.searcher, stem) if stem else None) or [word]

    def expand(self, prefix: str) -> list[str]:
        """The exact words starting with ``prefix``, at most MAX_EXPANSIONS of them."""
        found: set[str] = set()
        for fieldname in TEXT_FIELDS:
            for term in self.reader.expand_prefix(fieldname, prefix):
                found.add(term.decode() if isinstance(term, bytes) else term)
                if len(found) > MAX_EXPANSIONS:
                    self.notices.append(
                        f"“{prefix}*” matches too many words; only the first "
                        f"{MAX_EXPANSIONS} were searched. Type more letters to narrow it."
                    )
                    return sorted(found)[:MAX_EXPANSIONS]
        return sorted(found) or [prefix]

    def word_term(self, node: Word, label: str) -> Term:
        term, positions = Term(label, {}), bool(ranking.PARAMS.proximity)
        for fieldname in TEXT_FIELDS:
            postings = [self.posting(fieldname, f, positions) for f in self.forms(node)]
            postings = [p for p in postings if p.tf]
            term.postings[fieldname] = postings
            term.tf[fieldname] = _summed([p.tf for p in postings])
        return term

    def phrase_term(self, node: Phrase, label: str) -> Term:
        counts = self.phrase(node.words)
        return Term(label, {f: {d: c[i] for d, c in counts.items() if c[i]}
                            for i, f in enumerate(TEXT_FIELDS)})  # fmt: skip

    def term(self, node, label: str) -> Term:
        return (
            self.phrase_term(node, label)
            if isinstance(node, Phrase)
            else self.word_term(node, label)
        )

    # -- phrases ---------------------------------------------------------------------------

    def phrase(self, words, fields=TEXT_FIELDS) -> dict[int, list[int]]:
        """Documents holding the phrase, with how often it occurs in each field."""
        key = (tuple(words), fields)
        if key not in self._phrases:
            self._phrases[key] = self._phrase([fold(w) for w in words], fields)
        return self._phrases[key]

    def _phrase(self, folded: list[str], fields) -> dict[int, list[int]]:
        grams = common_grams(folded) if fields == TEXT_FIELDS else []
        if " ".join(folded) in grams:  # two common words: one posting list
            pairs = self.posting("pairs", " ".join(folded)).tf.items()
            return {d: [0, int(n), 0] for d, n in pairs}  # counted as the body's
        if grams and len(grams) == len(folded) - 1:  # common words only
            runs = common_runs(folded)  # those indexed (indexed_run)
            if len(folded) == 3 and runs:  # one run: its counts per field
                return self._run_counts(runs[0])
            return self._common_phrase(
                grams, self._run_docs(runs) if runs else self._pair_docs(grams)
            )
        candidates = self._candidates(folded, grams, fields)
        found: dict[int, list[int]] = {}
        if not candidates:
            return found
        only = sorted(candidates)
        for index, fieldname in enumerate(fields):
            postings = [self.posting(fieldname, w, True, only) for w in folded]
            docs = [d for d in candidates if all(d in p.tf for p in postings)]
            for docnum in docs:
                count = _occurrences([p.positions(docnum) for p in postings])
                if count:
                    found.setdefault(docnum, [0] * len(fields))[index] = count
        return found

    def _run_counts(self, run: str) -> dict[int, list[int]]:
        """A phrase of three common words: how often it occurs in each field, from its run's
        term in each (``whoosh_analysis.common_slots``), without any positions."""
        title, body, names = (self.posting("runs", run + mark).tf for mark in RUN_MARKS)
        found = {docnum: [0, int(count), 0] for docnum, count in body.items()}
        for index, counts in ((0, title), (2, names)):
            for docnum, count in counts.items():
                found.setdefault(docnum, [0, 0, 0])[index] = int(count)
        return found

    def _run_docs(self, runs: list[str]) -> set[int]:
        """The documents holding every one of ``runs`` (in any field)."""
        sets = []
        for run in dict.fromkeys(runs):
            docs: set[int] = set()
            for mark in RUN_MARKS:
                docs.update(self.posting("runs", run + mark).tf)
            sets.append(docs)
        sets.sort(key=len)
        return sets[0].intersection(*sets[1:])

    def _pair_docs(self, grams: list[str]) -> set[int]:
        """The documents holding every one of ``grams`` (pairs), for a phrase without runs."""
        sets = sorted((set(self.posting("pairs", g).tf) for g in dict.fromkeys(grams)), key=len)
        return sets[0].intersection(*sets[1:])

    def _common_phrase(self, grams: list[str], narrowed: set[int]) -> dict[int, list[int]]:
        """A phrase of k ≥ 3 common words: its k - 1 pairs, each at the next position of the
        same field (``whoosh_analysis.common_slots``), read only in the documents holding all
        its runs, or all its pairs when none of its runs is indexed (``narrowed``)."""
        candidates = sorted(narrowed)
        if not candidates:
            return {}
        read = {g: self.posting("pairs", g, True, candidates) for g in dict.fromkeys(grams)}
        values = [read[gram].values or {} for gram in grams]
        decoded: dict[bytes, list[int]] = {}  # a pair met once is one of a few hundred values
        found: dict[int, list[int]] = {}
        for docnum in candidates:
            starts = None
            for offset, posting in enumerate(values):
                value = posting.get(docnum, b"")
                where = decoded.get(value)
                if where is None:
                    where = decoded[value] = decode_positions(value) if value else []
                if starts is None:
                    starts = set(where)
                else:
                    starts.intersection_update(map((-offset * FIELD_SLOTS).__add__, where))
                if not starts:
                    break
            for start in starts:
                found.setdefault(docnum, [0] * len(TEXT_FIELDS))[start % FIELD_SLOTS] += 1
        return found

    def _candidates(self, folded, grams, fields) -> set[int]:
        sets = [set(self.posting("pairs", gram).tf) for gram in grams]
        rare = set(folded) - COMMON_WORDS
        for word in sorted(rare if rare or sets else set(folded)):
            docs: set[int] = set()
            for fieldname in fields:
                docs.update(self.posting(fieldname, word, positions=True).tf)
            sets.append(docs)
        sets.sort(key=len)
        return sets[0].intersection(*sets[1:]) if sets else set()

    # -- strict parts: filters, exclusions -------------------------------------------------

    def docs(self, node) -> set[int]:
        """The documents a hard or excluded node matches."""
        if isinstance(node, AnyOf):
            found: set[int] = set()
            for child in node.nodes:
                found |= self.docs(child)
            return found
        if isinstance(node, Filter):
            return self.filter_docs(node)
        if isinstance(node, Phrase):
            return set(self.phrase(node.words))
        return self.word_term(node, node.text).docs

    def filter_docs(self, node: Filter) -> set[int]:
        if node.field != "speaker":
            return set(self.posting(node.field, node.value).tf)
        words = [fold(w) for w in words_of(node.value)]
        if len(words) == 1:
            return set(self.posting("speaker", words[0]).tf)
        return set(self.phrase(words, fields=("speaker",)))


def _few(only) -> bool:
    """Whether a phrase's candidates are few enough to read a common word's positions for
    them alone (the blocks that hold them) rather than whole, to keep for later queries."""
    return only is not None and len(only) <= FEW_CANDIDATES


def _summed(dicts: list[dict[int, float]]) -> dict[int, float]:
    if not dicts:
        return {}
    dicts = sorted(dicts, key=len, reverse=True)
    total = dict(dicts[0])
    for other in dicts[1:]:
        for docnum, tf in other.items():
            total[docnum] = total.get(docnum, 0.0) + tf
    return total


def _occurrences(positions: list[list[int]]) -> int:
    """How often the words occur one after another: the first word's positions that every
    later word has, shifted back by its distance (set arithmetic, in C)."""
    starts = set(positions[0])
    for offset, later in enumerate(positions[1:], 1):
        starts.intersection_update(map((-offset).__add__, later))
        if not starts:
            return 0
    return len(starts)
