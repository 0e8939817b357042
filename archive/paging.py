"""Long lists a page at a time: documents in date order, ordered, counted and cut in SQL.

The order is the archive's order of imprecise dates (``archive/dates.py``): the earliest day a
date can mean, then wider before narrower (year, season, month, interval, day), then certain
before approximate before uncertain, then title and id, compared by code point as Python
compares strings (the "C" collation on PostgreSQL; SQLite compares bytes, which for UTF-8 is
the same). Precision and qualifier are read from the EDTF text in SQL, so that a page of
100,000 documents loads only its own rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import String, case, func, literal, select
from sqlalchemy.orm import Session

from .dates import PRECISION_RANK, QUALIFIER_RANK, SEASONS
from .models import Document, document_organisations

PER_PAGE = 100


class PageOutOfRange(LookupError):
    """A page past the last one."""


@dataclass(frozen=True)
class Paging:
    """Which page of how many: ``number`` counts from 1."""

    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def check(self) -> Paging:
        if self.number > self.pages:
            raise PageOutOfRange(f"no page {self.number}: the last page is {self.pages}")
        return self


def date_order(session: Session) -> list:
    """SQL expressions ordering documents as ``ArchiveDate.sort_key``, then title and id."""
    edtf = Document.date_edtf
    core = func.rtrim(edtf, "?~%", type_=String)
    precision = case(
        (core.contains("/"), PRECISION_RANK["interval"]),
        (func.length(core) == 10, PRECISION_RANK["day"]),
        (
            (func.length(core) == 7) & func.substr(core, 6, 2).in_(list(SEASONS)),
            PRECISION_RANK["season"],
        ),
        (func.length(core) == 7, PRECISION_RANK["month"]),
        else_=PRECISION_RANK["year"],
    )
    last = func.substr(edtf, func.length(edtf), 1)
    qualifier = case(
        (last == "~", QUALIFIER_RANK["approximate"]),
        (last == "?", QUALIFIER_RANK["uncertain"]),
        (last == "%", QUALIFIER_RANK["uncertain and approximate"]),
        else_=literal(0),
    )
    title, doc_id = Document.title, Document.id
    if session.get_bind().dialect.name == "postgresql":
        title, doc_id = title.collate("C"), doc_id.collate("C")
    return [Document.date_earliest, precision, qualifier, title, doc_id]


def page_of_documents(
    session: Session,
    organisation: str | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> tuple[list[Document], Paging]:
    """One page of the published documents in date order, filtered; raises
    ``PageOutOfRange`` past the last page (page 1 always exists, if empty)."""
    query = select(Document).where(Document.withdrawn_at.is_(None))
    if organisation:
        query = query.join(document_organisations).where(
            document_organisations.c.organisation_key == organisation
        )
    if kind:
        query = query.where(Document.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    paging = Paging(page, per_page or PER_PAGE, total or 0).check()
    rows = session.scalars(
        query.order_by(*date_order(session)).offset(paging.offset).limit(paging.per_page)
    )
    return list(rows), paging


TIMELINE_PER_PAGE = 200  # entries on a page of /timeline (archive/timeline_page.py)
