"""Compile a query plan (``plan``) into SQL over ``search.entries``.

User text never reaches ``to_tsquery`` as syntax: words and phrases go through
``plainto_tsquery`` / ``phraseto_tsquery`` as bound parameters, and a prefix is a word of
``\\w`` characters only, quoted as one lexeme before ``:*`` is added.

Soft clauses (the plain words) compile to one condition each, so the same query can ask for
documents with all of them or, when none has, with any; hard clauses (phrases, exclusions,
field and form filters) always hold. The words to rank by are collected as ``RankTerm``s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .plan import COMMON_WORDS, STOP_WORDS, Plan, common_grams
from .postgres_index import EXACT, LEADS, RANKED
from .querylang import AnyOf, Filter, Phrase, Word, words_of
from .types import SearchRequest


@dataclass
class RankTerm:
    """A word to rank by: its tsquery (for the GIN index) over ``ranked`` or ``exact``."""

    label: str
    query: str
    column: str = "ranked"
    word: str = ""  # analysed in the database to the lexemes it stands for
    prefix: str | None = None
    lexemes: list[str] = field(default_factory=list)
    df: int = 0
    idf: float = 0.0
    # Whether every match holds it: "always" (a phrase's word), "strict" (a plain word, unless
    # the search is relaxed to documents with most of the words) or "" (a word of an OR).
    needed: str = ""

    def held_by_all(self, relaxed: bool) -> bool:
        return self.needed == "always" or (self.needed == "strict" and not relaxed)


@dataclass
class SqlQuery:
    hard: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    terms: list[RankTerm] = field(default_factory=list)
    positive_hard: bool = False
    soft_words_only: bool = True  # every soft clause is words or prefixes (no phrase)

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def where(self, relaxed: bool = False) -> str:
        """All the conditions; ``relaxed``: any soft clause will do, or none beside a positive
        hard one (a phrase or filter is enough)."""
        parts = list(self.hard)
        if self.soft and not (relaxed and self.positive_hard):
            joined = " OR " if relaxed else " AND "
            parts.append("(" + joined.join(f"({s})" for s in self.soft) + ")")
        return " AND ".join(parts) if parts else "TRUE"

    def headline_query(self) -> str:
        ranked = [t.query for t in self.terms if t.column == "ranked"]
        return " || ".join(ranked) if ranked else f"plainto_tsquery('{RANKED}', '')"


class Compiler:
    def __init__(self, leads: bool = False):
        self.sql = SqlQuery()
        self.leads = leads  # whether the index holds lead pairs (``lead_pairs``, migration 0012)
        self._seen: dict[tuple[str, str], RankTerm] = {}
        self._needed = ""  # what the clause being compiled makes of its words (``needed``)

    def compile(self, plan: Plan, request: SearchRequest) -> SqlQuery:
        for soft in plan.soft:
            self.sql.soft_words_only &= all(isinstance(n, Word) for n in soft.nodes)
            self._needed = "strict" if len(soft.nodes) == 1 else ""
            self.sql.soft.append(" OR ".join(f"({self.node(n, soft.label)})" for n in soft.nodes))
        for node in plan.hard:
            self._needed = "always" if isinstance(node, Phrase) else ""
            self.sql.hard.append(self.node(node, None))
        self._needed = ""
        self.sql.positive_hard = bool(plan.hard)
        for node in plan.negative:
            self.sql.hard.append(f"NOT ({self.node(node, None, positive=False)})")
        self.form(request)
        return self.sql

    def node(self, node, label: str | None, positive: bool = True) -> str:
        if isinstance(node, AnyOf):
            return "(" + " OR ".join(self.node(n, label, positive) for n in node.nodes) + ")"
        if isinstance(node, Filter):
            return self.filter(node)
        if isinstance(node, Phrase):
            return self.phrase(node, positive)
        return self.word(node, label or node.text, positive)

    def _term(self, term: RankTerm, positive: bool) -> None:
        key = (term.column, term.prefix or term.word)
        if not positive:
            return
        if key not in self._seen:
            self._seen[key] = term
            self.sql.terms.append(term)
        held = self._seen[key]
        if self._needed == "always" or (self._needed == "strict" and not held.needed):
            held.needed = self._needed

    def word(self, node: Word, label: str, positive: bool) -> str:
        sql = self.sql
        if node.prefix:
            prefix = "".join(words_of(node.text)).lower()
            query = f"to_tsquery('{EXACT}', {sql.bind(repr_lexeme(prefix) + ':*')})"
            self._term(RankTerm(label, query, "exact", prefix=prefix), positive)
            return f"e.exact @@ {query}"
        stop = node.text.lower() in STOP_WORDS
        config, column = (EXACT, "exact") if stop else (RANKED, "ranked")
        query = f"plainto_tsquery('{config}', {sql.bind(node.text)})"
        self._term(RankTerm(label, query, column, word=node.text), positive)
        return f"e.{column} @@ {query}"

    def phrase(self, node: Phrase, positive: bool) -> str:
        sql = self.sql
        words = [w.lower() for w in node.words]
        query = f"phraseto_tsquery('{EXACT}', {sql.bind(' '.join(node.words))})"
        condition = f"e.exact @@ {query}"
        grams = common_grams(words) + common_triples(words)
        grams += lead_pairs(words) if self.leads else []
        if " ".join(words) in grams:  # two or three common words, or a lead pair: exactly
            condition = f"e.pairs @> CAST({sql.bind([' '.join(words)])} AS text[])"
        elif grams:  # the GIN index over pairs of common words narrows what positions are checked
            condition = f"e.pairs @> CAST({sql.bind(grams)} AS text[]) AND {condition}"
        content = [w for w in node.words if w.lower() not in STOP_WORDS] or list(node.words)
        for word in content:
            self.word(Word(word), word, positive)
        return f"({condition})"

    def filter(self, node: Filter) -> str:
        if node.field == "speaker":
            value = " ".join(words_of(node.value))
            return f"e.speaker @@ phraseto_tsquery('{EXACT}', {self.sql.bind(value)})"
        column = {"org": "e.org_keys", "tag": "e.tags"}.get(node.field)
        if column:
            return f"{self.sql.bind(node.value)} = ANY({column})"
        return f"e.kind = {self.sql.bind(node.value)}"

    def form(self, request: SearchRequest) -> None:
        sql = self.sql
        if request.org:
            sql.hard.append(f"{sql.bind(request.org)} = ANY(e.org_keys)")
        if request.kind:
            sql.hard.append(f"e.kind = {sql.bind(request.kind)}")
        if request.date_from:
            sql.hard.append(f"e.date_latest >= {sql.bind(request.date_from)}")
        if request.date_to:
            sql.hard.append(f"e.date_earliest <= {sql.bind(request.date_to)}")


def common_triples(words: list[str]) -> list[str]:
    """The runs of three common words in ``words`` (folded), each indexed in ``pairs`` too."""
    return [
        f"{a} {b} {c}"
        for a, b, c in zip(words, words[1:], words[2:], strict=False)
        if a in COMMON_WORDS and b in COMMON_WORDS and c in COMMON_WORDS
    ]


LETTERS = re.compile("[a-z]+")  # a word the exact configuration keeps as it is, one lexeme


def lead_pairs(words: list[str]) -> list[str]:
    """The pairs in ``words`` (folded) of a most frequent word and the next, not a common word
    (``postgres_index.LEAD_PAIRS``): only of plain letters, which are their own lexemes, so
    each is exactly what the index holds for those words side by side."""
    return [
        f"{a} {b}"
        for a, b in zip(words, words[1:], strict=False)
        if a in LEADS and b not in COMMON_WORDS and LETTERS.fullmatch(b)
    ]


def repr_lexeme(word: str) -> str:
    """A word of ``\\w`` characters as one quoted tsquery lexeme."""
    return "'" + word.replace("'", "") + "'"
