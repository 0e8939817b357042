"""What a search is and what it answers: the request, its results, the backend protocol."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from .plan import Plan, make_plan
from .querylang import ParsedQuery, parse_query

SORTS = ("relevance", "date")
PER_PAGE = 10
MAX_PAGE = 50
TIME_LIMIT = 2.0  # seconds before an expensive query returns what it has, flagged partial
MAX_EXPANSIONS = 64  # words one prefix* may stand for


class SearchError(ValueError):
    """A search parameter the user must fix (the web layer answers 400)."""


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query text plus the form's filters, sort and page."""

    q: str = ""
    org: str | None = None
    kind: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    snippets: bool = True
    relax: bool = True  # when no document has every word, show those with most of them

    def __post_init__(self):
        if self.sort not in SORTS:
            raise SearchError(f"sort must be one of: {', '.join(SORTS)}")
        if not 1 <= self.page <= MAX_PAGE:
            raise SearchError(f"page must be between 1 and {MAX_PAGE}")
        if not 1 <= self.per_page <= 50:
            raise SearchError("per_page must be between 1 and 50")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise SearchError("the from date is after the to date")

    @cached_property
    def parsed(self) -> ParsedQuery:
        return parse_query(self.q)

    @cached_property
    def plan(self) -> Plan:
        return make_plan(self.parsed)

    @property
    def has_filters(self) -> bool:
        return bool(self.org or self.kind or self.date_from or self.date_to)


@dataclass
class Snippet:
    """A passage of the canonical text with the matched words marked (``html`` is escaped)."""

    paragraph: int
    text: str
    html: str


@dataclass
class Hit:
    document_id: str
    score: float
    snippets: list[Snippet] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # the words as they appear in the text
    missing: list[str] = field(default_factory=list)  # query words this document lacks
    document: object = None  # archive.models.Document, attached after the search

    @property
    def paragraph(self) -> int | None:
        return self.snippets[0].paragraph if self.snippets else None


@dataclass
class SearchResults:
    request: SearchRequest
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None
    partial: bool = False

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.request.per_page)))


class SearchBackend(Protocol):
    """What every backend offers the archive, the web app and the command line."""

    name: str

    def after_build(self, report, reindex: bool = False, progress: bool = False) -> None: ...

    def after_named_build(self, report) -> None: ...  # ``archive build PATH...``

    def rebuild(self, progress: bool = False) -> None: ...

    def indexed_versions(self) -> dict[str, str | None]: ...

    def search(self, request: SearchRequest) -> SearchResults: ...

    def close(self) -> None: ...
