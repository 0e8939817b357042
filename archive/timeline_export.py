"""The timeline for other programs: TimelineJS3 JSON, CSV and iCalendar.

TimelineJS3 dates carry only what is known: a year always; a month when the month is known; a day
only for a certain day. What TimelineJS cannot express (a season, "c.", "uncertain") goes in
``display_date``, which TimelineJS shows instead of its own formatting.

iCalendar holds only entries dated to a day (or a span of days): a month or a season has no day
to put in a calendar. An approximate or uncertain day says so in its summary.

CSV cells that a spreadsheet would run as a formula (beginning with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) get a leading single quote, OWASP's rule against CSV injection: the
quote makes Excel, LibreOffice and Google Sheets show the cell as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io

from icalendar import Calendar, Event

from .dates import ArchiveDate
from .timeline import Entry, Timeline, document_path, quote_path
from .timeline_relation import eras
from .xmltext import xml_safe

CSV_FIELDS = [
    "number", "section", "id", "title", "kind", "date_edtf", "date_in_words", "precision",
    "qualifier", "earliest", "latest", "relation_to_hearings", "organisations",
    "organisation_keys", "summary", "quote", "quote_url", "document_url", "provenance",
]  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TITLE = "The timeline to the spring 2020 hearings"
INTRO = (
    "Public statements and events about the Independent Inquiry into Child Sexual Abuse's "
    "investigation into child sexual exploitation by organised networks, in date order."
)


def one_line(entry: Entry) -> str:
    """The entry's one-line summary: a statement's opening words, else its summary."""
    if entry.quote:
        return f"“{entry.quote.text}{' …' if entry.quote.continues else ''}”"
    return entry.summary or ""


def _tl_date(day: dt.date, fields: int) -> dict:
    date = {"year": day.year}
    if fields >= 2:
        date["month"] = day.month
    if fields >= 3:
        date["day"] = day.day
    return date


def timelinejs_dates(date: ArchiveDate) -> dict:
    """start_date, end_date (for spans) and display_date, with only the fields that are known."""
    known = {"year": 1, "season": 2, "month": 2, "day": 3, "interval": 3}[date.precision]
    if date.precision in ("day", "interval") and date.qualifier:
        known = 2  # the days themselves are in doubt; the month is what we know
    out = {"start_date": _tl_date(date.earliest, known)}
    if date.precision in ("season", "interval"):
        out["end_date"] = _tl_date(date.latest, known)
    if date.qualifier or date.precision in ("season", "year"):
        out["display_date"] = date.in_words()
        out["start_date"]["display_date"] = date.in_words()
    return out


def _tl_text(entry: Entry, base_url: str) -> str:
    parts = [f"<p>{html.escape(one_line(entry))}</p>"] if one_line(entry) else []
    if entry.relation:
        parts.append(f"<p><em>{html.escape(entry.relation.capitalize())}.</em></p>")
    link = base_url + document_path(entry.id)
    parts.append(f'<p><a href="{html.escape(link)}">Read the document in the archive</a></p>')
    return "".join(parts)


def _group(entry: Entry) -> str:
    if entry.organisations:
        return " & ".join(o.short_name for o in entry.organisations)
    return "Inquiry milestones" if entry.milestone else "Events"


def timelinejs(timeline: Timeline, base_url: str = "") -> dict:
    """The timeline in TimelineJS3's JSON format, ready for ``new TL.Timeline(id, data)``."""
    events = []
    for entry in timeline.entries:
        event = {
            "unique_id": f"e-{entry.id}",
            **timelinejs_dates(entry.date),
            "text": {"headline": html.escape(entry.title), "text": _tl_text(entry, base_url)},
            "group": _group(entry),
        }
        events.append(event)
    hearings = timeline.hearings.date if timeline.hearings else None
    return {
        "title": {"text": {"headline": TITLE, "text": f"<p>{html.escape(INTRO)}</p>"}},
        "events": events,
        "eras": [
            {
                "start_date": _tl_date(first, 3),
                "end_date": _tl_date(last, 3),
                "text": {"headline": label},
            }
            for label, first, last in eras(hearings)
        ],
    }


def csv_rows(timeline: Timeline, base_url: str = "") -> list[dict]:
    rows = []
    for number, entry in enumerate(timeline.entries, 1):
        date = entry.date
        rows.append({
            "number": number, "section": entry.section, "id": entry.id, "title": entry.title,
            "kind": entry.kind, "date_edtf": date.edtf, "date_in_words": date.in_words(),
            "precision": date.precision, "qualifier": date.qualifier,
            "earliest": date.earliest.isoformat(), "latest": date.latest.isoformat(),
            "relation_to_hearings": entry.relation,
            "organisations": "; ".join(o.name for o in entry.organisations),
            "organisation_keys": "; ".join(o.key for o in entry.organisations),
            "summary": entry.summary or "", "quote": entry.quote.text if entry.quote else "",
            "quote_url": base_url + quote_path(entry.id, entry.quote) if entry.quote else "",
            "document_url": base_url + document_path(entry.id),
            "provenance": entry.provenance,
        })  # fmt: skip
    return rows


def neutralise(cell):
    """A cell a spreadsheet shows as text: a leading ``'`` before what would start a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def to_csv(timeline: Timeline, base_url: str = "") -> str:
    """The timeline as CSV (one row per entry, header first), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in csv_rows(timeline, base_url):
        writer.writerow({name: neutralise(cell) for name, cell in row.items()})
    return out.getvalue()


def in_calendar(entry: Entry) -> bool:
    return entry.date.precision in ("day", "interval")


def to_ics(timeline: Timeline, base_url: str = "", host: str = "inquiry-archive") -> bytes:
    """The entries dated to a day or a span of days, as all-day iCalendar events."""
    calendar = Calendar()
    calendar.add("prodid", "-//Inquiry archive//Timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", TITLE)
    for entry in filter(in_calendar, timeline.entries):
        calendar.add_component(_event(entry, base_url, host))
    return calendar.to_ical()


def _text(text: str) -> str:
    # iCalendar forbids the control characters XML forbids, and DEL too (RFC 5545, 3.3.11).
    return xml_safe(text).replace("\x7f", "\ufffd")


def _event(entry: Entry, base_url: str, host: str) -> Event:
    date = entry.date
    event = Event()
    event.add("uid", f"{entry.id}@{host}")
    event.add("dtstamp", entry.archived_at)
    note = f" ({date.qualifier} date)" if date.qualifier else ""
    event.add("summary", _text(entry.title + note))
    event.add("dtstart", date.earliest)
    event.add("dtend", date.latest + dt.timedelta(days=1))  # all-day: the end is exclusive
    lines = [f"Date: {date.in_words()}", entry.relation.capitalize(), one_line(entry)]
    if entry.provenance:
        lines.append(entry.provenance[0].upper() + entry.provenance[1:] + ".")
    if entry.organisations:
        lines.insert(1, "Organisations: " + ", ".join(o.name for o in entry.organisations))
    event.add("description", _text("\n".join(line for line in lines if line)))
    event.add("url", base_url + document_path(entry.id))
    event.add("categories", [entry.kind])
    return event
