"""Long lists a page at a time: documents in date order, ordered, counted and cut in SQL.

The order is the archive's order of imprecise dates (``archive/dates.py``): the earliest day a
date can mean, then wider before narrower (year, season, month, interval, day), then certain
before approximate before uncertain, then title and id, compared by code point as Python
compares strings (the "C" collation on PostgreSQL; SQLite compares bytes, which for UTF-8 is
the same). Precision and qualifier are kept with each document as ``date_rank`` (migration
0009), so that ``(date_earliest, date_rank)`` is an index and a page of 100,000 documents is a
range of it: the database neither sorts every row nor reads whole rows up to a deep page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

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
    """SQL expressions ordering documents as ``ArchiveDate.sort_key``, then title and id; the
    first two are the columns of the index ``ix_documents_date_order``."""
    title, doc_id = Document.title, Document.id
    if session.get_bind().dialect.name == "postgresql":
        title, doc_id = title.collate("C"), doc_id.collate("C")
    return [Document.date_earliest, Document.date_rank, title, doc_id]


INDEXED = (Document.date_earliest, Document.date_rank)  # the leading keys of every order here


SMALL = 5_000  # a list this short is sorted whole: one statement beats three


def cut(
    session: Session,
    query: Select,
    order: list,
    offset: int,
    limit: int,
    total: int,
    narrow: Select | None = None,
) -> list:
    """Rows ``offset`` to ``offset + limit`` of ``query`` (``total`` rows) in ``order`` (whose
    first two are an index's keys: ``INDEXED``, or an organisation's ``LINKED``). A long list is
    read by the index's two narrow keys up to the offset instead of by whole rows: the keys of
    the page's first row, how many rows come before those keys, then the page itself from those
    keys on (a range of the index, with only ties sorted). ``narrow``, when given, selects the
    same rows as ``query`` from the index's table alone (the keys and the count need no join);
    such a list is never sorted whole (PostgreSQL would hash-join it with every document)."""
    if total <= SMALL and narrow is None:
        return list(session.scalars(query.order_by(*order).offset(offset).limit(limit)))
    indexed = order[:2]
    narrow = (query if narrow is None else narrow).with_only_columns(*indexed)
    keys = session.execute(narrow.order_by(*indexed).offset(offset).limit(1)).first()
    if keys is None:
        return []
    before = session.scalar(
        select(func.count()).select_from(narrow.where(tuple_(*indexed) < tuple_(*keys)).subquery())
    )
    page = query.where(tuple_(*indexed) >= tuple_(*keys)).order_by(*order)
    return list(session.scalars(page.offset(offset - (before or 0)).limit(limit)))


# An organisation's documents: the copies of their order keys and filtered fields that each link
# holds (migration 0011), so that a page of them is a range of ``ix_document_organisations_order``.
LINKS = document_organisations.c
LINKED = (LINKS.date_earliest, LINKS.date_rank)


def organisation_filter(organisation: str, kind: str | None = None) -> list:
    """The conditions on ``document_organisations`` alone that keep an organisation's
    published documents (of one kind)."""
    kept = [LINKS.organisation_key == organisation, LINKS.withdrawn_at.is_(None)]
    return kept + ([LINKS.kind == kind] if kind else [])


def page_of_documents(
    session: Session,
    organisation: str | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> tuple[list[Document], Paging]:
    """One page of the published documents in date order, filtered; raises
    ``PageOutOfRange`` past the last page (page 1 always exists, if empty)."""
    order, narrow = date_order(session), None
    if organisation:  # the links alone count and find the page; documents joined for the page
        narrow = select(LINKS.document_id).where(*organisation_filter(organisation, kind))
        query = select(Document).join(document_organisations, LINKS.document_id == Document.id)
        query = query.where(*organisation_filter(organisation, kind))
        order = [*LINKED, *order[len(INDEXED) :]]
        total = session.scalar(narrow.with_only_columns(func.count()))
    else:
        query = select(Document).where(Document.withdrawn_at.is_(None))
        if kind:
            query = query.where(Document.kind == kind)
        total = session.scalar(query.with_only_columns(func.count()))
    paging = Paging(page, per_page or PER_PAGE, total or 0).check()
    rows = cut(session, query, order, paging.offset, paging.per_page, paging.total, narrow)
    return rows, paging


TIMELINE_PER_PAGE = 200  # entries on a page of /timeline (archive/timeline_page.py)
