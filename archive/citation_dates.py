"""Dates as each citation style prints them, and as machines should read them.

People: an approximate date (EDTF ``~``) is marked as each guide marks an estimate — OSCOLA
"c" (OSCOLA uses no full stops in abbreviations), Cite Them Right "c.", APA 7 and Chicago 17
"ca." — and an uncertain one (``?``) with a question mark after it; never the other way round.
British styles (OSCOLA, Chicago as used here with British punctuation, Cite Them Right) write
"28 December 2019"; APA writes "(2019, December 28)".

Machines: ISO 8601 never more precise than the source. A qualified date loses its least
certain part (an approximate day gives its month, an approximate month its year), because a
machine reading "2019-12" cannot see the "c."; the EDTF itself is given beside it.
"""

from __future__ import annotations

from .dates import MONTHS, SEASONS, ArchiveDate

CIRCA = {"oscola": "c", "harvard": "c.", "apa": "ca.", "chicago": "ca."}


def _day(day) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _interval(date: ArchiveDate) -> str:
    start, end = date.earliest, date.latest
    if start.year != end.year:
        return f"{_day(start)}–{_day(end)}"
    if start.month != end.month:
        return f"{start.day} {MONTHS[start.month - 1]}–{_day(end)}"
    return f"{start.day}–{_day(end)}"


def british_words(date: ArchiveDate) -> str:
    """The date without its qualifier: "28 December 2019", "Spring 2020", "20 April–1 May 2020"."""
    if date.precision == "interval":
        return _interval(date)
    if date.precision == "day":
        return _day(date.earliest)
    if date.precision == "month":
        return f"{MONTHS[date.earliest.month - 1]} {date.earliest.year}"
    if date.precision == "season":
        return f"{SEASONS[date.edtf.rstrip('?~%')[5:7]]} {date.earliest.year}"
    return str(date.earliest.year)


def _qualified(words: str, date: ArchiveDate, style: str) -> str:
    if date.qualifier in ("approximate", "uncertain and approximate"):
        words = f"{CIRCA[style]} {words}"
    if date.qualifier in ("uncertain", "uncertain and approximate"):
        words += "?"
    return words


def style_date(date: ArchiveDate, style: str) -> str:
    """The full date in a British style: "c December 2019" (OSCOLA), "ca. December 2019"
    (Chicago), "11 September 2019?" (uncertain)."""
    return _qualified(british_words(date), date, style)


def style_year(date: ArchiveDate, style: str) -> str:
    """The year as author-date styles cite it: "2019", "c. 2019", "ca. 2019", "2019?"."""
    return _qualified(str(date.earliest.year), date, style)


def apa_date(date: ArchiveDate) -> str:
    """APA 7's reference date: "2019, December 28", "ca. 2019, December", "2020, Spring"."""
    year, start, end = date.earliest.year, date.earliest, date.latest
    if date.precision == "day":
        rest = f"{MONTHS[start.month - 1]} {start.day}"
    elif date.precision == "month":
        rest = MONTHS[start.month - 1]
    elif date.precision == "season":
        rest = SEASONS[date.edtf.rstrip("?~%")[5:7]]
    elif date.precision == "interval" and start.year == end.year:
        tail = f"{end.day}" if start.month == end.month else f"{MONTHS[end.month - 1]} {end.day}"
        rest = f"{MONTHS[start.month - 1]} {start.day}–{tail}"
    elif date.precision == "interval":
        return f"{year}–{end.year}"
    else:
        rest = ""
    text = f"{year}, {rest}" if rest else str(year)
    if date.qualifier in ("approximate", "uncertain and approximate"):
        text = f"ca. {text}"
    if date.qualifier in ("uncertain", "uncertain and approximate"):
        text += "?"
    return text


def us_day(day) -> str:
    """APA's retrieval date: "November 29, 2026"."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def machine_precision(date: ArchiveDate) -> str:
    """How much of the date a machine may be told: "day", "month" or "year"."""
    known = {"day": "day", "interval": "day", "month": "month"}.get(date.precision, "year")
    if date.qualifier:
        known = {"day": "month", "month": "year"}[known] if known != "year" else "year"
    return known


def iso_date(date: ArchiveDate) -> str:
    """ISO 8601 to the known precision: "2019-12-28", "2019-12" or "2019" (an interval: its
    first day, which the source gives)."""
    day = date.earliest
    return {"day": day.isoformat(), "month": f"{day:%Y-%m}"}.get(
        machine_precision(date), f"{day.year:04d}"
    )


def highwire_date(date: ArchiveDate) -> str:
    """``citation_publication_date`` as Google Scholar reads it: "2019/12/28", "2019/12", "2019"."""
    return iso_date(date).replace("-", "/")
