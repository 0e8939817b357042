"""The filters the timeline, search and lists share: organisation, kind, a date range and words.

Date bounds forgive the ways people write a date: ``2019``, ``2019-12``, ``2019-12-28``,
``December 2019``, ``Dec 2019``, ``28 December 2019``, ``December 28, 2019`` and ``Spring 2020``
(in words only: ``2020-21`` is EDTF's spring, but a UK reader sees a financial year). Every
problem is reported against the parameter it concerns, so a form can show each beside its box.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .dates import MONTHS, ArchiveDate, InvalidDate, parse_date
from .documents import KINDS

FILTER_NAMES = ("org", "kind", "from", "to", "q")
MAX_QUERY = 200
DATE_FORMATS = "2019, December 2019, Dec 2019, 2019-12 or 2019-12-28"
SEASON_WORDS = {"spring": "21", "summer": "22", "autumn": "23", "fall": "23", "winter": "24"}
NUMERIC = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
DAY_MONTH_YEAR = re.compile(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+(\d{4})", re.ASCII)
MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.ASCII)


class BadFilter(ValueError):
    """Filter values the archive cannot use; ``problems`` maps each parameter to what to send."""

    def __init__(self, problems: Mapping[str, str] | str):
        self.problems = dict(problems) if isinstance(problems, Mapping) else {"": problems}
        super().__init__("; ".join(self.problems.values()))


@dataclass(frozen=True)
class TimelineFilter:
    org: str | None = None
    kind: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    q: str | None = None
    given: Mapping[str, str] = field(default_factory=dict)  # the values as sent, for URLs

    @property
    def active(self) -> bool:
        return any((self.org, self.kind, self.start, self.end, self.q))


def parse_filter(args: Mapping[str, str], org_keys: Iterable[str]) -> TimelineFilter:
    """Check the filter parameters (org, kind, from, to, q); raise BadFilter with every problem."""
    given = {name: (args.get(name) or "").strip() for name in FILTER_NAMES}
    given = {name: value for name, value in given.items() if value}
    problems: dict[str, str] = {}
    org, kind = given.get("org"), given.get("kind")
    orgs = set(org_keys)
    if org is not None and org not in orgs:
        problems["org"] = f"unknown org {org!r}; use one of: {', '.join(sorted(orgs))}"
    if kind is not None and kind not in KINDS:
        problems["kind"] = f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}"
    bounds: dict[str, ArchiveDate] = {}
    for name in ("from", "to"):
        if name in given:
            try:
                bounds[name] = parse_bound(given[name], name)
            except BadFilter as exc:
                problems.update(exc.problems)
    start = bounds["from"].earliest if "from" in bounds else None
    end = bounds["to"].latest if "to" in bounds else None
    if start and end and end < start:
        problems["to"] = f"'to' ({given['to']}) is before 'from' ({given['from']})"
    q = given.get("q")
    if q is not None and len(q) > MAX_QUERY:
        problems["q"] = f"q is too long: at most {MAX_QUERY} characters"
    if problems:
        raise BadFilter(problems)
    return TimelineFilter(org, kind, start, end, q, given)


def parse_bound(value: str, name: str = "date") -> ArchiveDate:
    """A date range's bound as a reader may type it; raise BadFilter saying what to send."""
    text = " ".join(value.split()).lower()
    try:
        edtf = _numeric(text) or _in_words(text)
    except InvalidDate:
        raise BadFilter({name: f"'{name}' is not a real date: {value!r}"}) from None
    if edtf is None:
        message = f"'{name}' must be a date such as {DATE_FORMATS}, got {value!r}"
        raise BadFilter({name: message})
    try:
        return parse_date(edtf)
    except InvalidDate:
        raise BadFilter({name: f"'{name}' is not a real date: {value!r}"}) from None


def _numeric(text: str) -> str | None:
    found = NUMERIC.fullmatch(text)
    if not found:
        return None
    year, month, day = found.groups()
    if month and not 1 <= int(month) <= 12:  # 2020-21 is EDTF's spring: not a month here
        raise InvalidDate(text)
    parts = [year, *(f"{int(part):02d}" for part in (month, day) if part)]
    return "-".join(parts)


def _month(word: str) -> int | None:
    """1–12 for a month's name or its first three letters or more ("Sept", "dec"), else None."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, 1):
        if name.lower().startswith(word):
            return number
    return None


def _in_words(text: str) -> str | None:
    found = DAY_MONTH_YEAR.fullmatch(text)
    if found:
        day, word, year = found.groups()
    elif found := MONTH_DAY_YEAR.fullmatch(text):
        word, day, year = found.groups()
    else:
        return None
    if word in SEASON_WORDS and day is None:
        return f"{year}-{SEASON_WORDS[word]}"
    month = _month(word)
    if month is None:
        return None
    return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
