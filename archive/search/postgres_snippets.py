"""PostgreSQL snippets of a long text (a hearing transcript): ``ts_headline`` over the few
paragraphs that can hold the query's words, not over the whole text.

``ts_headline`` parses the whole text it is given: over a 60,000-word transcript it costs about
as much as the rest of a search, and ten transcripts among the hits ran past the search's
statement timeout. So for a text longer than ``LONG_TEXT`` (in bytes: PostgreSQL knows a
stored text's size in bytes without decompressing it) the paragraphs are picked first, from
the word index the build stored (``archive/renderings.py``; made here when there is none): those
holding a word that a query word's stem begins (``meet`` → meeting, meetings; PostgreSQL's own
stemming then decides what is marked), a prefix's words, or every word of a phrase, ranked by
how many of the query's words each holds. ``ts_headline`` then reads each of the best
``CANDIDATES`` paragraphs alone (one fragment each), and the two with the most marked words
(the earlier on a tie) are the snippets, each within its paragraph as before. A text whose
paragraphs hold none of the words (it matched by its title or organisation) shows its start.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import text

from ..renderings import stored_word_indexes
from .postgres_index import RANKED
from .querylang import Phrase, Word
from .snippet_index import LONG_TEXT, word_index
from .snippet_index import build as build_word_index
from .whoosh_analysis import fold
from .whoosh_index import ranked_term

CANDIDATES = 6  # paragraphs given to ts_headline for one long text
SHOWN = 2  # snippets (ts_headline's MaxFragments elsewhere)
OPTIONS = "StartSel=\ue000, StopSel=\ue001, MaxFragments=1, MaxWords=35, MinWords=12"

VERSIONS = text(
    "SELECT d.id, v.sha256, v.canonical_text, v.paragraphs FROM documents d JOIN versions v"
    " ON v.document_id = d.id AND v.number = d.current_version"
    " WHERE d.id = ANY(:ids) AND octet_length(v.canonical_text) > :long"
)  # octet_length: a TOASTed text's size is known without decompressing it (length: 0.4 s)
_fold = lru_cache(maxsize=200_000)(fold)  # a transcript's words recur from text to text


class _Version:
    """What ``stored_word_indexes`` reads of a version."""

    def __init__(self, sha256: str, canonical_text: str):
        self.sha256, self.canonical_text = sha256, canonical_text


def _terms(nodes: list) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Each query word as the folded beginnings that find it (its stem and the word itself),
    and each phrase as such beginnings for each of its words."""

    def starts(word: str, prefix: bool = False) -> tuple[str, ...]:
        folded = fold(word)
        if prefix:
            return (folded,) if folded else ()
        stem = ranked_term(folded)  # None for a stop word, which PostgreSQL leaves out too
        return tuple(sorted({folded, stem})) if stem else ()

    words = [starts(n.text, n.prefix) for n in nodes if isinstance(n, Word)]
    phrases = [tuple(starts(w) for w in n.words) for n in nodes if isinstance(n, Phrase)]
    return [w for w in words if w], [p for p in phrases if p and all(p)]


def candidates(index, paragraphs: list, nodes: list) -> list[int]:
    """The numbers of the paragraphs worth showing, best first (at most ``CANDIDATES``)."""
    words, phrases = _terms(nodes)
    holding: dict[tuple[str, ...], set[int]] = {}
    wanted = set(words) | {w for p in phrases for w in p}
    for raw in index:
        folded = _fold(raw)
        for term in wanted:
            if folded.startswith(term):
                holding.setdefault(term, set()).update(index[raw])
    score: dict[int, int] = {}
    for term in words:
        for number in holding.get(term, ()):
            score[number] = score.get(number, 0) + 1
    for phrase in phrases:
        for number in set.intersection(*(holding.get(w, set()) for w in phrase)):
            score[number] = score.get(number, 0) + len(phrase)
    best = sorted(score, key=lambda n: (-score[n], n))[:CANDIDATES]
    return best or [1]


def long_headlines(connection, headline_query: str, params: dict, ids: list, nodes: list) -> dict:
    """ts_headline's answer for each long text among ``ids`` (those not long are left out),
    in the form ``headline_snippets`` reads: fragments joined by U+E002."""
    rows = connection.execute(VERSIONS, {"ids": ids, "long": LONG_TEXT}).all()
    if not rows:
        return {}
    stored = _stored(connection, rows)
    pieces, owners = [], []
    for doc_id, sha256, body, paragraphs in rows:
        index = word_index(body, paragraphs, stored.get(sha256))
        if index is None:  # more than LONG_TEXT bytes, but not characters: no index kept
            index = build_word_index(body, paragraphs)
        for number in candidates(index, paragraphs, nodes):
            start, end = paragraphs[number - 1]
            pieces.append(body[start:end])
            owners.append((doc_id, number))
    query = text(
        f"SELECT ts_headline('{RANKED}', piece, {headline_query}, :options)"
        " FROM unnest(CAST(:pieces AS text[])) WITH ORDINALITY AS p(piece, n) ORDER BY n"
    )
    found = connection.execute(query, {**params, "pieces": pieces, "options": OPTIONS}).scalars()
    best: dict[str, list] = {}
    for (doc_id, number), headline in zip(owners, found, strict=True):
        best.setdefault(doc_id, []).append((-headline.count("\ue000"), number, headline))
    return {
        doc_id: "\ue002".join(h for _, _, h in sorted(chosen)[:SHOWN])
        for doc_id, chosen in best.items()
    }


def _stored(connection, rows) -> dict:
    """The stored word indexes of these versions, read with the search's own connection."""
    return stored_word_indexes(connection, [_Version(r[1], r[2]) for r in rows])
