"""EDTF dates as the archive shows them: in words, with their precision, and in a defined order.

Order of imprecise dates (documented in the README and tested): by the earliest day the date
can mean, then wider dates before narrower ones (a year, a season, a month, an interval, a
day), then certain before approximate before uncertain, then by title.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
SEASONS = {"21": "Spring", "22": "Summer", "23": "Autumn", "24": "Winter"}
PRECISION_RANK = {"year": 0, "season": 1, "month": 2, "interval": 3, "day": 4}
QUALIFIER_RANK = {"": 0, "approximate": 1, "uncertain": 2, "uncertain and approximate": 3}


class InvalidDate(ValueError):
    """The text is not an EDTF date the archive accepts (level 0–1)."""


@dataclass(frozen=True)
class ArchiveDate:
    """One EDTF date with what the archive needs to show and order it honestly."""

    edtf: str
    earliest: dt.date
    latest: dt.date
    precision: str  # day | month | season | year | interval
    qualifier: str  # "" | approximate | uncertain | uncertain and approximate

    @property
    def sort_key(self) -> tuple:
        return (self.earliest, PRECISION_RANK[self.precision], QUALIFIER_RANK[self.qualifier])

    @property
    def precision_label(self) -> str:
        return f"{self.precision}, {self.qualifier}" if self.qualifier else self.precision

    def in_words(self) -> str:
        """Say the date the way a careful reader would, never more precisely than it is."""
        if self.precision == "interval":
            start, end = self.edtf.split("/")
            if len(start.rstrip("?~%")) == len(end.rstrip("?~%")) == 10:
                return _qualified(_interval_words(self.earliest, self.latest), self.qualifier)
            return f"{parse_date(start).in_words()} – {parse_date(end).in_words()}"
        core = self.edtf.rstrip("?~%")
        if self.precision == "day":
            words = _day_words(self.earliest)
        elif self.precision == "month":
            words = f"{MONTHS[self.earliest.month - 1]} {self.earliest.year}"
        elif self.precision == "season":
            words = f"{SEASONS[core[5:7]]} {core[:4]}"
        else:
            words = core[:4]
        return _qualified(words, self.qualifier)

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether any day this date can mean falls within [start, end]."""
        return (start is None or self.latest >= start) and (end is None or self.earliest <= end)


def _qualified(words: str, qualifier: str) -> str:
    if qualifier == "approximate":
        return f"c. {words}"
    if qualifier == "uncertain":
        return f"{words} (uncertain)"
    if qualifier:
        return f"c. {words} (uncertain)"
    return words


def _day_words(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _interval_words(start: dt.date, end: dt.date) -> str:
    if start.year != end.year:
        return f"{_day_words(start)} – {_day_words(end)}"
    if start.month != end.month:
        return f"{start.day} {MONTHS[start.month - 1]} – {_day_words(end)}"
    return f"{start.day}–{_day_words(end)}"


def _as_date(struct) -> dt.date:
    return dt.date(struct.tm_year, struct.tm_mon, struct.tm_mday)


def _precision(text: str) -> str:
    core = text.rstrip("?~%")
    if "/" in core:
        return "interval"
    if len(core) == 10:
        return "day"
    if len(core) == 7:
        return "season" if core[5:7] in SEASONS else "month"
    return "year"


def _qualifier(text: str) -> str:
    mark = text[-1:] if text else ""
    return {"~": "approximate", "?": "uncertain", "%": "uncertain and approximate"}.get(mark, "")


def parse_date(text: object) -> ArchiveDate:
    """Parse an EDTF level 0–1 date (day, month, year, season, qualified, or an interval whose
    two ends carry the same qualifier)."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidDate(f"date must be an EDTF string such as 2019-12-28, got {text!r}")
    return _parse_text(text.strip())


@lru_cache(maxsize=8192)
def _parse_text(text: str) -> ArchiveDate:
    """Parse once per distinct text: edtf's pyparsing grammar costs ~13 ms a call, so a plain
    day, month, season or year, qualified or not (most dates), is read without it, to the same
    result."""
    return _plain(text) or _parse_edtf(text)


PLAIN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]|2[1-4])(?:-(\d{2}))?)?([~?%]?)$")
# The months a season spans, as edtf reads them (northern hemisphere; winter into next year).
SEASON_MONTHS = {"21": (3, 5), "22": (6, 8), "23": (9, 11), "24": (12, 14)}


def _plain(text: str) -> ArchiveDate | None:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, qualified (``~``, ``?``, ``%``) or not, or an
    unqualified season ``YYYY-21``…``YYYY-24``; None for anything else (an impossible day, a
    qualified season: edtf then refuses them in its own words). The tests check every form
    against edtf."""
    match = PLAIN.match(text)
    if not match or match[1] < "1000":
        return None
    year, month, day, mark = int(match[1]), match[2], match[3], match[4]
    if month in SEASON_MONTHS and (day or mark):
        return None
    try:
        if day:
            earliest = latest = dt.date(year, int(month), int(day))
        elif month in SEASON_MONTHS:
            first, last = SEASON_MONTHS[month]
            earliest = dt.date(year, first, 1)
            latest = dt.date(year + last // 12, last % 12 + 1, 1) - dt.timedelta(1)
        elif month:
            earliest = dt.date(year, int(month), 1)
            latest = dt.date(year + int(month) // 12, int(month) % 12 + 1, 1) - dt.timedelta(1)
        else:
            earliest, latest = dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None
    return ArchiveDate(text, earliest, latest, _precision(text), _qualifier(text))


def _parse_edtf(text: str) -> ArchiveDate:
    if "/" in text and len({_qualifier(end) for end in text.split("/")}) > 1:
        # "c. 28–31 December 2019" is 2019-12-28~/2019-12-31~: one qualifier for the whole
        # interval. Ends qualified differently would need words of their own for each end.
        raise InvalidDate(
            f"both ends of an interval must carry the same qualifier (~, ? or %): {text!r}"
        )
    if text.startswith("-") or "X" in text or "x" in text or ".." in text or text.count("/") > 1:
        raise InvalidDate(f"only dates in years 1000–9999 with known digits are accepted: {text!r}")
    # edtf (~0.1 s to import) is loaded by the first date that is not plain, never by a
    # command whose dates are all plain (``archive build`` of most documents).
    with warnings.catch_warnings():
        # pyparsing warns about edtf's grammar at import time; it is edtf's business, not ours.
        warnings.simplefilter("ignore")
        from edtf import parse_edtf
        from edtf.parser.edtf_exceptions import EDTFParseException
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = parse_edtf(text)
        earliest, latest = _as_date(parsed.lower_strict()), _as_date(parsed.upper_strict())
    except (EDTFParseException, AttributeError, TypeError, ValueError, OverflowError) as exc:
        raise InvalidDate(f"not a valid EDTF date: {text!r}") from exc
    if "/" in text and "" in text.split("/"):
        raise InvalidDate(f"open intervals are not supported: {text!r}")
    if text.rstrip("?~%").endswith("-24") and len(text.rstrip("?~%")) == 7:
        # Winter runs from December into the next year's February (northern hemisphere, as
        # EDTF's other seasons); edtf 5 stops it at 31 December.
        next_march = dt.date(earliest.year + 1, 3, 1)
        latest = next_march - dt.timedelta(days=1)
    if latest < earliest:
        raise InvalidDate(f"interval ends before it starts: {text!r}")
    return ArchiveDate(text, earliest, latest, _precision(text), _qualifier(text))


def parse_day(text: str) -> dt.date:
    """Parse a filter bound (YYYY, YYYY-MM or YYYY-MM-DD) as the first day it can mean."""
    return parse_date(text).earliest
