"""The search query language, parsed once into a small tree that every backend compiles.

plain words (all must match), ``"exact phrases"``, ``a OR b``, ``-exclude``, ``prefix*`` and the
field filters ``org:``, ``kind:``, ``speaker:``, ``tag:``. A query that cannot be parsed (an
unmatched quote, a filter with no value, a dangling ``OR``) falls back to its plain words, with
a notice saying so; parsing never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

FIELDS = ("org", "kind", "speaker", "tag")
MAX_QUERY_CHARS = 500
MIN_PREFIX_CHARS = 2
MAX_CLAUSES = 24
WORD = re.compile(r"\w+(?:\.?\w+)*")
FIELD_NAME = re.compile(r"\b(?:org|kind|speaker|tag):", re.IGNORECASE)
ITEM = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"|([^\s"]*))')


class QuerySyntaxError(ValueError):
    """The query text does not follow the language (the caller falls back to plain words)."""


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    field: str
    value: str


@dataclass(frozen=True)
class Not:
    node: Word | Phrase | Filter


@dataclass(frozen=True)
class AnyOf:
    nodes: tuple


@dataclass
class ParsedQuery:
    """The clauses (all must hold) and the notices to show beside the results."""

    clauses: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def positive_words(self) -> list[Word | Phrase]:
        """The words and phrases a result should show marked (not the excluded ones)."""
        found: list = []
        for clause in self.clauses:
            nodes = clause.nodes if isinstance(clause, AnyOf) else (clause,)
            found.extend(n for n in nodes if isinstance(n, Word | Phrase))
        return found


def words_of(text: str) -> list[str]:
    """Split text into word tokens the way the index does."""
    return WORD.findall(unicodedata.normalize("NFC", text))


def clean_text(text: str) -> str:
    """Drop control characters and surrogates that no document can contain."""
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" else " "
        for ch in text
        if not "\ud800" <= ch <= "\udfff"
    )


def parse_query(text: str) -> ParsedQuery:
    """Parse the query language; on a syntax error fall back to plain words with a notice."""
    text = clean_text(text or "").strip()
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"Your query was cut to its first {MAX_QUERY_CHARS} characters.")
    try:
        parsed = _parse(text)
    except QuerySyntaxError as exc:
        parsed = ParsedQuery([Word(w) for w in words_of(FIELD_NAME.sub(" ", text))])
        notices.append(f"{exc} — searched for the plain words instead.")
    if len(parsed.clauses) > MAX_CLAUSES:
        parsed.clauses = parsed.clauses[:MAX_CLAUSES]
        notices.append(f"Only the first {MAX_CLAUSES} terms of your query were used.")
    parsed.notices = notices + parsed.notices
    return parsed


def _parse(text: str) -> ParsedQuery:
    if text.count('"') % 2:
        raise QuerySyntaxError("Your query has an unmatched quotation mark")
    parsed = ParsedQuery()
    pending_or = False
    for match in ITEM.finditer(text):
        if not match.group(0):
            continue
        if match.group(0) == "OR" and not match.group(3):
            if not parsed.clauses or pending_or:
                raise QuerySyntaxError("OR must stand between two terms")
            pending_or = True
            continue
        node = _item(match, parsed.notices)
        if node is None:
            continue
        if pending_or:
            previous = parsed.clauses.pop()
            nodes = previous.nodes if isinstance(previous, AnyOf) else (previous,)
            if isinstance(node, Not) or any(isinstance(n, Not) for n in nodes):
                raise QuerySyntaxError("OR cannot join an excluded term")
            node = AnyOf((*nodes, node))
            pending_or = False
        parsed.clauses.append(node)
    if pending_or:
        raise QuerySyntaxError("OR must stand between two terms")
    return parsed


def _item(match: re.Match, notices: list[str]):
    negate, name, quoted, bare = match.group(1), match.group(2), match.group(3), match.group(4)
    if name is not None and name.lower() in FIELDS:
        value = (quoted if quoted is not None else bare or "").strip()
        if not value or not words_of(value):
            raise QuerySyntaxError(f"The filter {name.lower()}: needs a value")
        node = Filter(name.lower(), value.lower())
    elif name is not None:
        node = _words(f"{name} {quoted if quoted is not None else bare}", quoted is not None)
    elif quoted is not None:
        node = _words(quoted, True)
    else:
        node = _bare(bare or "", notices)
    if node is None:
        return None
    return Not(node) if negate else node


def _words(text: str, phrase: bool) -> Word | Phrase | None:
    tokens = words_of(text)
    if not tokens:
        return None
    if len(tokens) == 1:
        return Word(tokens[0])
    return Phrase(tuple(tokens[:12]))


def _bare(text: str, notices: list[str]) -> Word | Phrase | None:
    prefix = text.endswith("*")
    tokens = words_of(text)
    if not tokens:
        return None
    if len(tokens) > 1:
        return Phrase(tuple(tokens[:12]))
    if prefix and len(tokens[0]) < MIN_PREFIX_CHARS:
        notices.append(f"“{text[:20]}” is too short to search by prefix.")
        return None
    return Word(tokens[0], prefix=prefix)
