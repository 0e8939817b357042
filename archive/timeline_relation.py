"""How long before (or after) the hearings an entry was, said no more precisely than its date.

The hearings start: the planned opening day when the milestone document names one inside its
own date (e.g. "planned for 20 April – 1 May 2020" within "spring 2020"), otherwise the earliest
day its date can mean.

The measure: an exact day (a certain day, or the first day of an interval) is counted in whole
calendar months, rounded down, the way ages are ("3 months before" for 28 December 2019 → 20 April
2020); under a month it is said in weeks or days. Any other date (a month, a season, a year, an
approximate or uncertain day) is measured from its midpoint, rounded to the nearest month, and
said with "about" ("about 7 months before the hearings" for September 2019).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Protocol

from .dates import MONTHS, ArchiveDate


class Dated(Protocol):
    """A timeline entry as far as its distance from the hearings goes (``timeline.Entry``)."""

    date: ArchiveDate
    milestone: bool


DAYS_PER_MONTH = 365.25 / 12
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
WORDS_DAY = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")\b(?: (\d{4}))?")


def hearings_start(date: ArchiveDate, text: str = "") -> dt.date:
    """The day the hearings were due to open: a day named within the date, or its earliest."""
    named = [day for day in _days_named(text, date.earliest.year) if _within(day, date)]
    return min(named) if named else date.earliest


def _days_named(text: str, default_year: int):
    for match in ISO_DAY.finditer(text):
        yield _day(int(match[1]), int(match[2]), int(match[3]))
    for match in WORDS_DAY.finditer(text):
        year = int(match[3]) if match[3] else default_year
        yield _day(year, MONTHS.index(match[2]) + 1, int(match[1]))


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _within(day: dt.date | None, date: ArchiveDate) -> bool:
    return day is not None and date.earliest <= day <= date.latest


def reference_day(date: ArchiveDate) -> tuple[dt.date, bool]:
    """The day an entry is measured from, and whether that day is exact."""
    if date.qualifier == "" and date.precision in ("day", "interval"):
        return date.earliest, True
    return date.earliest + (date.latest - date.earliest) / 2, False


def whole_months(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def span_in_words(months: int) -> str:
    years, months = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if months or not years:
        parts.append(f"{months} month{'s' if months != 1 else ''}")
    return " ".join(parts)


def _short_span(days: int) -> str:
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days // 7} weeks"


def relation_to_hearings(entry: Dated, start: dt.date | None) -> str:
    """Say how long before or after the hearings were due an entry was ("about 7 months before")."""
    if start is None:
        return ""
    if entry.milestone:
        return f"the hearings, due to open {start.day} {MONTHS[start.month - 1]} {start.year}"
    day, exact = reference_day(entry.date)
    days = (start - day).days
    side = "before the hearings" if days > 0 else "after the hearings were due"
    if exact:
        if days == 0:
            return "the day the hearings were due to open"
        earlier, later = sorted((day, start))
        months = whole_months(earlier, later)
        if months == 0:
            return f"{_short_span(abs(days))} {side}"
        return f"{span_in_words(months)} {side}"
    months = round(abs(days) / DAYS_PER_MONTH)
    if months == 0:
        return "around the time the hearings were due"
    return f"about {span_in_words(months)} {side}"


AXIS_START, AXIS_END = dt.date(2014, 1, 1), dt.date(2022, 12, 31)


def eras(hearings: ArchiveDate | None) -> list[tuple[str, dt.date, dt.date]]:
    """The story's eras (label, first day, last day): set-up, investigation, hearings due, after."""
    setup = ("Inquiry set up", AXIS_START, dt.date(2015, 12, 31))
    if hearings is None:
        return [setup, ("Investigation under way", dt.date(2016, 1, 1), AXIS_END)]
    return [
        setup,
        ("Investigation under way", dt.date(2016, 1, 1), hearings.earliest - dt.timedelta(days=1)),
        ("Hearings due", hearings.earliest, hearings.latest),
        ("After the hearings were due", hearings.latest + dt.timedelta(days=1), AXIS_END),
    ]
