"""Compile a parsed query (``querylang``) into SQL over ``search.entries``.

User text never reaches ``to_tsquery`` as syntax: words and phrases go through
``plainto_tsquery`` / ``phraseto_tsquery`` as bound parameters, and a prefix is a word of
``\\w`` characters only, quoted as one lexeme before ``:*`` is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import SearchRequest
from .querylang import AnyOf, Filter, Not, ParsedQuery, Phrase, Word, words_of

RANKED = "search.english_folded"
EXACT = "search.exact"


@dataclass
class SqlQuery:
    """A WHERE clause with its parameters, and tsqueries for ranking and headlines."""

    where: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    rank: list[str] = field(default_factory=list)  # tsquery expressions over ``ranked``
    phrase_rank: list[str] = field(default_factory=list)  # tsquery expressions over ``exact``

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    @property
    def where_sql(self) -> str:
        return " AND ".join(self.where) if self.where else "TRUE"

    def rank_sql(self) -> str:
        parts = [f"ts_rank(e.ranked, {q})" for q in self.rank]
        parts += [f"ts_rank(e.exact, {q}) * 2" for q in self.phrase_rank]
        return " + ".join(parts) if parts else "0"

    def headline_query(self) -> str:
        return " || ".join(self.rank) if self.rank else f"plainto_tsquery('{RANKED}', '')"


class Compiler:
    """Turn clauses into SQL conditions; ``stop_words`` says which words have no stem."""

    def __init__(self, stop_words):
        self.stop_words = stop_words
        self.sql = SqlQuery()

    def compile(self, parsed: ParsedQuery, request: SearchRequest) -> SqlQuery:
        for clause in parsed.clauses:
            if isinstance(clause, Not):
                self.sql.where.append(f"NOT ({self.node(clause.node, positive=False)})")
            else:
                self.sql.where.append(self.node(clause, positive=True))
        self.form(request)
        return self.sql

    def node(self, node, positive: bool) -> str:
        if isinstance(node, AnyOf):
            return "(" + " OR ".join(self.node(n, positive) for n in node.nodes) + ")"
        if isinstance(node, Filter):
            return self.filter(node)
        if isinstance(node, Phrase):
            query = f"phraseto_tsquery('{EXACT}', {self.sql.bind(' '.join(node.words))})"
            if positive:
                self.sql.phrase_rank.append(query)
                self.sql.rank.append(
                    f"plainto_tsquery('{RANKED}', {self.sql.bind(' '.join(node.words))})"
                )
            return f"e.exact @@ {query}"
        return self.word(node, positive)

    def word(self, node: Word, positive: bool) -> str:
        if node.prefix:
            lexeme = self.sql.bind("'" + node.text.replace("'", "") + "':*")
            if positive:
                self.sql.phrase_rank.append(f"to_tsquery('{EXACT}', {lexeme})")
                self.sql.rank.append(f"to_tsquery('{RANKED}', {lexeme})")
            return f"e.exact @@ to_tsquery('{EXACT}', {lexeme})"
        if node.text.lower() in self.stop_words:
            return f"e.exact @@ plainto_tsquery('{EXACT}', {self.sql.bind(node.text)})"
        query = f"plainto_tsquery('{RANKED}', {self.sql.bind(node.text)})"
        if positive:
            self.sql.rank.append(query)
        return f"e.ranked @@ {query}"

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
            sql.where.append(f"{sql.bind(request.org)} = ANY(e.org_keys)")
        if request.kind:
            sql.where.append(f"e.kind = {sql.bind(request.kind)}")
        if request.date_from:
            sql.where.append(f"e.date_latest >= {sql.bind(request.date_from)}")
        if request.date_to:
            sql.where.append(f"e.date_earliest <= {sql.bind(request.date_to)}")
