"""The timeline to the spring 2020 hearings: every dated document in order, grouped, and measured.

Order: ``ArchiveDate.sort_key`` (earliest day the date can mean; wider before narrower; certain
before approximate before uncertain), then title, then id. The hearings marker (the document with
``milestone: hearings``) closes the main section whatever its sort position; documents with
``after_hearings: true`` follow in their own section. How far each entry lies from the hearings is
worked out in ``archive.timeline_relation``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, defer

from .dates import MONTHS, SEASONS, ArchiveDate, parse_date
from .filters import BadFilter, TimelineFilter, parse_filter  # noqa: F401  (importable here too)
from .models import Document, Version
from .organisation_names import definite_names
from .provenance import provenance_of
from .timeline_relation import hearings_start, relation_to_hearings

QUOTE_MAX_WORDS = 30
QUOTE_CUT_WORDS = 20
SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s|$)")


@dataclass(frozen=True)
class OrgLabel:
    key: str
    name: str
    short_name: str


@dataclass(frozen=True)
class Quote:
    """A statement's opening words: characters ``start``..``end`` of version ``version``."""

    version: int
    start: int
    end: int
    text: str
    continues: bool  # the statement goes on after the quoted words


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    kind: str
    date: ArchiveDate
    organisations: tuple[OrgLabel, ...]
    version: int
    archived_at: dt.datetime
    summary: str | None = None
    speaker: str | None = None
    quote: Quote | None = None
    milestone: bool = False
    after_hearings: bool = False
    relation: str = ""  # "about 7 months before the hearings", filled in by load_timeline
    provenance: str = ""  # who said it and where it was published, as pages say it

    @property
    def sort_key(self) -> tuple:
        return (self.date.sort_key, self.title.casefold(), self.id)

    @property
    def section(self) -> str:
        return "hearings" if self.milestone else "after" if self.after_hearings else "before"


@dataclass(frozen=True)
class MonthGroup:
    label: str  # "September 2019", "Spring 2020", "2019, month not known"
    anchor: str
    entries: list[Entry]


@dataclass(frozen=True)
class YearGroup:
    year: int
    months: list[MonthGroup]


@dataclass(frozen=True)
class Timeline:
    before: list[Entry]  # in order, ending with the hearings marker when it is shown
    after: list[Entry]
    hearings: Entry | None  # the marker, even when a filter hides it
    hearings_start: dt.date | None
    filters: TimelineFilter

    @property
    def entries(self) -> list[Entry]:
        return self.before + self.after


def words_match(q: str, *texts: str) -> bool:
    """Whether every word of ``q`` occurs (case-insensitively) somewhere in the texts."""
    haystack = "\n".join(texts).casefold()
    return all(word in haystack for word in q.casefold().split())


def load_timeline(
    session: Session,
    filters: TimelineFilter | None = None,
    matching_ids: set[str] | None = None,
    quotes: bool = True,
) -> Timeline:
    """Every current document in timeline order, filtered, with its distance from the hearings.

    ``matching_ids``: the documents a search for ``filters.q`` found; when None, ``q`` is matched
    word by word against each document's title and canonical text. Without ``quotes`` no
    canonical text is loaded (but the milestone's) and statements have no opening words yet:
    ``with_quotes`` adds them to the entries a page shows.
    """
    filters = filters or TimelineFilter()
    current = and_(Version.document_id == Document.id, Version.number == Document.current_version)
    rows = session.execute(
        select(Document, Version)
        .join(Version, current)
        .where(Document.withdrawn_at.is_(None))
        .options(defer(Version.canonical_text), defer(Version.markdown))
    ).all()
    news = definite_names(session)
    entries = sorted((_entry(d, v, news) for d, v in rows), key=lambda e: e.sort_key)
    texts = _texts(session, None) if filters.q and matching_ids is None else {}
    hearings = next((e for e in entries if e.milestone), None)
    start = hearings_start(hearings.date, _milestone_text(rows, hearings)) if hearings else None
    entries = [replace(e, relation=relation_to_hearings(e, start)) for e in entries]
    hearings = next((e for e in entries if e.milestone), None)
    shown = [e for e in entries if not e.milestone and _keep(e, filters, texts, matching_ids)]
    before = [e for e in shown if not e.after_hearings]
    if hearings and hearings.date.overlaps(filters.start, filters.end):
        before.append(hearings)
    after = [e for e in shown if e.after_hearings]
    timeline = Timeline(before, after, hearings, start, filters)
    return with_quotes(session, timeline) if quotes else timeline


def _texts(session: Session, entries: list[Entry] | None) -> dict[str, tuple[str, list]]:
    """The canonical text and paragraphs of the entries' versions (of every current one)."""
    query = select(Version.document_id, Version.canonical_text, Version.paragraphs).join(
        Document,
        and_(Version.document_id == Document.id, Version.number == Document.current_version),
    )
    if entries is not None:
        query = query.where(Version.document_id.in_([e.id for e in entries]))
    return {doc_id: (text, paragraphs) for doc_id, text, paragraphs in session.execute(query)}


def with_quotes(session: Session, timeline: Timeline) -> Timeline:
    """The timeline with each statement's opening words (read in one query)."""
    statements = [e for e in timeline.entries if e.kind == "statement" and e.quote is None]
    texts = _texts(session, statements) if statements else {}

    def quoted(entry: Entry) -> Entry:
        if entry.id not in texts or entry.kind != "statement":
            return entry
        return replace(entry, quote=opening_words_of(entry.version, *texts[entry.id]))

    return replace(
        timeline,
        before=[quoted(e) for e in timeline.before],
        after=[quoted(e) for e in timeline.after],
    )


def _keep(entry: Entry, f: TimelineFilter, texts: dict, matching_ids: set[str] | None) -> bool:
    if f.org and f.org not in {o.key for o in entry.organisations}:
        return False
    if f.kind and entry.kind != f.kind:
        return False
    if not entry.date.overlaps(f.start, f.end):
        return False
    if f.q:
        if matching_ids is not None:
            return entry.id in matching_ids
        return words_match(f.q, entry.title, texts.get(entry.id, ("",))[0])
    return True


def _milestone_text(rows, hearings: Entry) -> str:
    for _, version in rows:
        if version.document_id == hearings.id:
            meta = version.meta
            return "\n".join([meta.get("summary") or "", meta.get("context") or "",
                              version.canonical_text])  # fmt: skip
    return ""


def _entry(document: Document, version: Version, news: frozenset[str] = frozenset()) -> Entry:
    meta = version.meta
    names = {o.key: o.name for o in document.organisations}
    return Entry(
        id=document.id,
        title=meta["title"],
        kind=document.kind,
        date=parse_date(meta["date"]),
        # One name everywhere: the short name is the name (it stays for older JSON clients).
        organisations=tuple(OrgLabel(o.key, o.name, o.name) for o in document.organisations),
        version=version.number,
        archived_at=version.archived_at,
        summary=meta.get("summary"),
        speaker=meta.get("speaker"),
        milestone=meta.get("milestone") == "hearings",
        after_hearings=meta.get("after_hearings") is True,
        provenance=provenance_of(meta, names).sentence(news),
    )


def opening_words(version: Version) -> Quote | None:
    """The first sentence of the first paragraph (if short), else its first twenty words."""
    return opening_words_of(version.number, version.canonical_text, version.paragraphs)


def opening_words_of(number: int, canonical_text: str, paragraphs: list) -> Quote | None:
    """``opening_words`` of version ``number``, given its canonical text and paragraphs."""
    if not paragraphs:
        return None
    start, end = paragraphs[0]
    paragraph = canonical_text[start:end]
    words = list(re.finditer(r"\S+", paragraph))
    if not words:
        return None
    sentence = SENTENCE_END.search(paragraph)
    if sentence and len(re.findall(r"\S+", paragraph[: sentence.end()])) <= QUOTE_MAX_WORDS:
        cut = sentence.end()
    elif len(words) <= QUOTE_MAX_WORDS:
        cut = len(paragraph)
    else:
        cut = words[QUOTE_CUT_WORDS - 1].end()
        while cut > 0 and paragraph[cut - 1] in ",;:–—-":
            cut -= 1
    lead = len(paragraph) - len(paragraph.lstrip())
    text = paragraph[lead:cut]
    continues = start + cut < len(canonical_text.rstrip())
    return Quote(number, start + lead, start + cut, text, continues)


def group_label(date: ArchiveDate) -> tuple[str, str]:
    """The month heading an entry sits under, and its anchor."""
    year = date.earliest.year
    if date.precision == "season":
        season = date.edtf.rstrip("?~%")[5:7]
        return f"{SEASONS[season]} {year}", f"y{year}-{SEASONS[season].lower()}"
    if date.precision == "year":
        return f"{year}, month not known", f"y{year}-undated"
    month = date.earliest.month
    return f"{MONTHS[month - 1]} {year}", f"y{year}-{month:02d}"


def group_entries(entries: list[Entry]) -> list[YearGroup]:
    """Group consecutive entries by year and then by month (or season)."""
    years: list[YearGroup] = []
    for entry in entries:
        label, anchor = group_label(entry.date)
        if not years or years[-1].year != entry.date.earliest.year:
            years.append(YearGroup(entry.date.earliest.year, []))
        months = years[-1].months
        if not months or months[-1].anchor != anchor:
            months.append(MonthGroup(label, anchor, []))
        months[-1].entries.append(entry)
    return years


def document_path(doc_id: str) -> str:
    """The document's permanent address (public contract)."""
    return f"/documents/{doc_id}"


def quote_path(doc_id: str, quote: Quote) -> str:
    """The quote permalink (public contract): characters start..end of version N's text."""
    return f"/documents/{doc_id}/v{quote.version}/q/{quote.start}-{quote.end}"
