"""One page of the timeline, without loading every document.

The order and the filters need only a few columns of each current document (id, kind, title,
date, organisations, and the ``milestone`` and ``after_hearings`` flags read from its metadata
in SQL); the page's own entries are then loaded in full (provenance, quotes, distance from the
hearings) exactly as ``load_timeline`` makes them, so a page of 100,000 entries costs a few
columns of each and the rest of two hundred.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Select, and_, func, select, text
from sqlalchemy.orm import Session, defer

from . import paging
from .dates import ArchiveDate, parse_date
from .filters import TimelineFilter
from .models import MAY_BE_FLAGGED, Document, Version
from .organisation_names import definite_names
from .paging import Paging, date_order
from .timeline import Entry, Timeline, _entry, _milestone_text, _texts, with_quotes, words_match
from .timeline_relation import hearings_start, relation_to_hearings

CURRENT = and_(Version.document_id == Document.id, Version.number == Document.current_version)


@dataclass(frozen=True)
class Row:
    """What ordering and filtering need of one entry."""

    id: str
    kind: str
    title: str
    date: ArchiveDate
    organisations: frozenset[str]
    milestone: bool
    after_hearings: bool

    @property
    def sort_key(self) -> tuple:  # as Entry.sort_key
        return (self.date.sort_key, self.title.casefold(), self.id)


def _rows(session: Session) -> list[Row]:
    orgs: dict[str, set[str]] = {}
    links = select(paging.LINKS.document_id, paging.LINKS.organisation_key)
    for doc_id, key in session.execute(links):
        orgs.setdefault(doc_id, set()).add(key)
    query = (
        select(
            Document.id,
            Document.kind,
            Document.title,
            Document.date_edtf,
            Version.meta["milestone"].as_string(),
            Version.meta["after_hearings"].as_boolean(),
        )
        .join(Version, CURRENT)
        .where(Document.withdrawn_at.is_(None))
    )
    rows = [
        Row(
            i, kind, title, parse_date(edtf), frozenset(orgs.get(i, ())), m == "hearings", a is True
        )
        for i, kind, title, edtf, m, a in session.execute(query)
    ]
    return sorted(rows, key=lambda row: row.sort_key)


def _kept(rows: list[Row], f: TimelineFilter, session, matching_ids) -> list[Row]:
    texts = _texts(session, None) if f.q and matching_ids is None else {}

    def keep(row: Row) -> bool:
        if (f.org and f.org not in row.organisations) or (f.kind and row.kind != f.kind):
            return False
        if not row.date.overlaps(f.start, f.end):
            return False
        if f.q and matching_ids is not None:
            return row.id in matching_ids
        return not f.q or words_match(f.q, row.title, texts.get(row.id, ("",))[0])

    return [row for row in rows if not row.milestone and keep(row)]


def _entries(session: Session, ids: list[str]) -> dict[str, Entry]:
    query = (
        select(Document, Version)
        .join(Version, CURRENT)
        .where(Document.id.in_(ids))
        .options(defer(Version.canonical_text), defer(Version.markdown), defer(Version.paragraphs))
    )
    news = definite_names(session)
    return {d.id: _entry(d, v, news) for d, v in session.execute(query)} if ids else {}


def _flagged(session: Session) -> tuple[set[str], set[str]]:
    """The current documents with ``milestone: hearings``, and those with ``after_hearings``:
    only the versions whose metadata text names either key are parsed (a few, not 100,000),
    found through the partial index ``ix_versions_flagged``."""
    # Read from the versions' side (their partial index), each checked against its document:
    # a join let SQLite scan every document first.
    published = select(Document.id).where(CURRENT, Document.withdrawn_at.is_(None)).exists()
    query = select(Version.document_id, Version.meta).where(text(f"({MAY_BE_FLAGGED})"), published)
    milestones, after = set(), set()
    for doc_id, meta in session.execute(query):
        if meta.get("milestone") == "hearings":
            milestones.add(doc_id)
        if meta.get("after_hearings") is True:
            after.add(doc_id)
    return milestones, after


def _shown(f: TimelineFilter, ids, milestones: set[str], joined: bool = True) -> Select:
    """The published entries the filters keep, but for every milestone (placed apart). An
    organisation's are read from its links (their copies of the fields filtered and ordered by,
    ``paging.LINKS``), joined to the documents unless not ``joined`` (keys and counts only)."""
    source = paging.LINKS if f.org else Document.__table__.c
    doc_id = _id(f)
    kept = paging.organisation_filter(f.org) if f.org else [source.withdrawn_at.is_(None)]
    if milestones:
        kept.append(doc_id.not_in(sorted(milestones)))
    if f.kind:
        kept.append(source.kind == f.kind)
    if f.start:
        kept.append(source.date_latest >= f.start)
    if f.end:
        kept.append(source.date_earliest <= f.end)
    if ids is not None:
        kept.append(doc_id.in_(sorted(ids)))
    query = select(doc_id).where(*kept)
    if f.org and joined:
        query = query.join(Document, Document.id == doc_id)
    return query


def _id(f: TimelineFilter):
    """The id column of the entries ``_shown`` reads."""
    return paging.LINKS.document_id if f.org else Document.id


def _order(session: Session, f: TimelineFilter) -> list:
    """The timeline's order within a section: the archive's date order, then the title in
    lower case and the id (``Entry.sort_key``); the date's keys from the links for an
    organisation's entries (``_shown``)."""
    title = func.lower(Document.title)
    if session.get_bind().dialect.name == "postgresql":
        title = title.collate("C")
    return [*(paging.LINKED if f.org else paging.INDEXED), title, date_order(session)[-1]]


def _marker(session: Session, milestones: set[str]) -> Row | None:
    """The hearings marker: the first document with ``milestone: hearings`` in date order."""
    query = select(Document.id, Document.kind, Document.title, Document.date_edtf).where(
        Document.id.in_(sorted(milestones))
    )
    rows = [
        Row(i, k, t, parse_date(e), frozenset(), True, False)
        for i, k, t, e in session.execute(query)
    ]
    return min(rows, key=lambda row: row.sort_key, default=None)


def _page_ids(
    session, filters, matching_ids, page, per_page
) -> tuple[list[str], Paging, Row | None]:
    """The ids on the page (ordered and cut in SQL, unless words are matched in Python)."""
    per_page = per_page or paging.TIMELINE_PER_PAGE
    if filters.q and matching_ids is None:  # the library's word-by-word match
        rows = _rows(session)
        marker = next((row for row in rows if row.milestone), None)
        shown = _kept(rows, filters, session, matching_ids)
        before = [row for row in shown if not row.after_hearings]
        if marker and marker.date.overlaps(filters.start, filters.end):
            before.append(marker)
        ordered = before + [row for row in shown if row.after_hearings]
        chosen = Paging(page, per_page, len(ordered)).check()
        cut = ordered[chosen.offset : chosen.offset + chosen.per_page]
        return [row.id for row in cut], chosen, marker
    milestones, after = _flagged(session)
    marker = _marker(session, milestones)
    shown, order = _shown(filters, matching_ids, milestones), _order(session, filters)
    narrow, doc_id = _shown(filters, matching_ids, milestones, joined=False), _id(filters)
    # The sections in turn: the main one (most entries, cut through the index), the hearings
    # marker, then the entries after the hearings (a few, listed whole). ``shown`` holds no
    # milestone: the marker is placed by hand, the other milestones are not shown.
    main = shown.where(doc_id.not_in(sorted(after))) if after else shown
    narrow = narrow.where(doc_id.not_in(sorted(after))) if after else narrow
    counted = session.scalar(narrow.with_only_columns(func.count())) or 0
    tail = [marker.id] if marker and marker.date.overlaps(filters.start, filters.end) else []
    if after:
        tail += session.scalars(shown.where(doc_id.in_(sorted(after))).order_by(*order))
    chosen = Paging(page, per_page, counted + len(tail)).check()
    ids = []
    if chosen.offset < counted:
        ids = paging.cut(session, main, order, chosen.offset, chosen.per_page, counted, narrow)
    skip = max(0, chosen.offset - counted)
    ids += tail[skip : skip + chosen.per_page - len(ids)]
    return ids, chosen, marker


def load_timeline_page(
    session: Session,
    filters: TimelineFilter,
    matching_ids: set[str] | None,
    page: int,
    per_page: int | None = None,
) -> tuple[Timeline, Paging]:
    """Page ``page`` of the timeline as ``load_timeline`` would make it; raises
    ``PageOutOfRange`` past the last page."""
    ids, chosen, marker = _page_ids(session, filters, matching_ids, page, per_page)
    entries = _entries(session, ids + ([marker.id] if marker else []))
    hearings, start = None, None
    if marker:
        version = session.scalars(select(Version).join(Document, CURRENT)
                                  .where(Document.id == marker.id)).one()  # fmt: skip
        start = hearings_start(marker.date, _milestone_text([(None, version)], marker))
        hearings = replace(entries[marker.id], relation=relation_to_hearings(marker, start))
    placed = [replace(entries[i], relation=relation_to_hearings(entries[i], start)) for i in ids]
    timeline = Timeline(
        before=[e for e in placed if not e.after_hearings or e.milestone],
        after=[e for e in placed if e.after_hearings and not e.milestone],
        hearings=hearings,
        hearings_start=start,
        filters=filters,
    )
    return with_quotes(session, timeline), chosen
