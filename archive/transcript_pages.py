"""Pages and lines of a hearing transcript's official text, for citations as lawyers make them
("Day 11, page 45, lines 3–12"): the optional front-matter field ``pages``.

Markers in the body would change the counted canonical text, so the field says where in the
body each page (and, when given, each of its lines) begins, by paragraph and word::

    pages:
      first: 45              # the number of the first page listed (default 1)
      starts:                # one entry a page, in order
        - 1                  # page 45 begins at paragraph 1 (its lines not given)
        - [14, 14/37, 15]    # page 46: line 1 begins at paragraph 14, line 2 at its 37th word,
                             #   line 3 at paragraph 15

A position is a paragraph number, or ``P/W``: the W-th word of paragraph P (words are what
white space separates in the paragraph's canonical text, from 1). Positions run forwards through
the text; ``archive check`` reports anything else with the field's line.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache

POSITION = re.compile(r"^([1-9][0-9]{0,5})/([1-9][0-9]{0,5})$")
MAX_PAGE = 99_999
MAX_LINES = 100  # lines a page (official transcripts have 25)
MAX_PROBLEMS = 20  # reported for one field; then how many more
WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class PageSpan:
    """Where cited words begin and end: pages, and lines when the source gives both ends'."""

    first_page: int
    first_line: int | None
    last_page: int
    last_line: int | None

    def words(self, abbreviated: bool = False) -> str:
        """ "page 45, lines 3–12" (``abbreviated``: "p. 45, lines 3–12"), "pages 45–46", or
        "page 45, line 20 to page 46, line 3"."""
        page, pages = ("p.", "pp.") if abbreviated else ("page", "pages")
        same = self.first_page == self.last_page
        if self.first_line is None or self.last_line is None:
            return (
                f"{page} {self.first_page}"
                if same
                else f"{pages} {self.first_page}–{self.last_page}"
            )
        if same:
            lines = _range("line", "lines", self.first_line, self.last_line)
            return f"{page} {self.first_page}, {lines}"
        ends = (f"{page} {self.first_page}, line {self.first_line}", f"{self.last_page}, line")
        return f"{ends[0]} to {page} {ends[1]} {self.last_line}"

    def locator(self) -> str:
        """The page:line form reference managers take as a locator: "45:3–12", "45–46"."""
        if self.first_line is None or self.last_line is None:
            same = self.first_page == self.last_page
            return str(self.first_page) if same else f"{self.first_page}–{self.last_page}"
        if self.first_page == self.last_page:
            end = "" if self.first_line == self.last_line else f"–{self.last_line}"
            return f"{self.first_page}:{self.first_line}{end}"
        return f"{self.first_page}:{self.first_line}–{self.last_page}:{self.last_line}"


def _range(single: str, plural: str, first: int, last: int) -> str:
    return f"{single} {first}" if first == last else f"{plural} {first}–{last}"


def _position(value: object) -> tuple[int, int] | None:
    """(paragraph, word) of a position as written, or None when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 999_999:
        return value, 1
    match = POSITION.match(value) if isinstance(value, str) else None
    return (int(match[1]), int(match[2])) if match else None


def pages_problems(value: object, kind: object) -> list[tuple[str, str]]:
    """What is wrong with a ``pages`` field's shape, as (field for the line, message)."""
    if value is None:
        return []
    if kind != "transcript":
        return [("pages", "field 'pages' is for transcripts (kind: transcript)")]
    shape = (
        "field 'pages' must be a mapping with 'starts' (a list: one entry a page)"
        " and, optionally, 'first'"
    )
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("starts"), list)
        or not value["starts"]
    ):
        return [("pages", shape)]
    problems = [
        ("pages." + k, f"unknown field pages.{k}")
        for k in sorted(map(str, value))
        if k not in ("first", "starts")
    ]
    first = value.get("first", 1)
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        problems.append(
            ("pages.first", f"field 'pages.first' must be a whole number from 1 to {MAX_PAGE}")
        )
        first = 1
    for i, entry in enumerate(value["starts"]):
        lines = entry if isinstance(entry, list) else [entry]
        if not lines or len(lines) > MAX_LINES or any(_position(p) is None for p in lines):
            problems.append((
                f"pages.starts.{i}",
                f"page {first + i}: write where it begins (a paragraph number, or P/W for"
                " paragraph P's W-th word), or a list of where each of its lines begins"
                f" (at most {MAX_LINES})",
            ))  # fmt: skip
    return _capped(problems)


def _capped(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [("pages", f"field 'pages': {more} more problems")]


def pages_text_problems(value: dict, text: str, paragraphs: list) -> list[tuple[str, str]]:
    """Positions that are not in the text, or that do not run forwards (a well-shaped field);
    at most ``MAX_PROBLEMS``, then how many more."""
    problems, previous, words = [], -1, _WordStarts(text, paragraphs)
    for i, (number, lines, many) in enumerate(_entries(value)):
        for line, (paragraph, word) in enumerate(lines, 1):
            where = f"page {number}" + (f", line {line}" if many else "")
            field = f"pages.starts.{i}" + (f".{line - 1}" if many else "")
            offset = words.offset(paragraph, word)
            if offset is None:
                problems.append((field, f"{where}: {words.missing(paragraph, word)}"))
            elif offset <= previous:
                problems.append((field, f"{where} begins before or where the one before it does"))
            previous = max(previous, -1 if offset is None else offset)
    return _capped(problems)


def _entries(value: dict):
    """(page number, [(paragraph, word) of each line], whether its lines are given) of a
    well-shaped field (a list of one position is line 1 of a page whose lines are given)."""
    for number, entry in enumerate(value["starts"], value.get("first", 1)):
        lines = entry if isinstance(entry, list) else [entry]
        yield number, [_position(p) for p in lines], isinstance(entry, list)


class _WordStarts:
    """Where each word of a paragraph begins, worked out once a paragraph (a page's 25 lines
    often begin in the same long turn)."""

    def __init__(self, text: str, paragraphs: list):
        self.text, self.paragraphs, self._starts = text, paragraphs, {}

    def _of(self, paragraph: int) -> list[int]:
        if paragraph not in self._starts:
            start, end = self.paragraphs[paragraph - 1]
            self._starts[paragraph] = [m.start() for m in WORDS.finditer(self.text, start, end)]
        return self._starts[paragraph]

    def offset(self, paragraph: int, word: int) -> int | None:
        if paragraph > len(self.paragraphs):
            return None
        starts = self._of(paragraph)
        return starts[word - 1] if word <= len(starts) else None

    def missing(self, paragraph: int, word: int) -> str:
        """Why a position is not in the text."""
        if paragraph > len(self.paragraphs):
            count, hint = len(self.paragraphs), ""
            if paragraph >= 60:  # YAML 1.1 reads 3:2, unquoted, as 182 (base 60)
                hint = f"; YAML reads {paragraph // 60}:{paragraph % 60} as {paragraph}: write P/W"
            return f"there is no paragraph {paragraph} (the body has {count}{hint})"
        return f"paragraph {paragraph} has {len(self._of(paragraph))} words, not {word}"


@lru_cache(maxsize=64)
def _starts(sha256: str, value_key: str, text: str, paragraphs: tuple) -> tuple[list, list]:
    """The offset of each line (or page) start, in text order, and its (page, line or None).
    Keyed by the version's SHA-256 too: hashing a long text is cheap, comparing two is not."""
    offsets, places, words = [], [], _WordStarts(text, paragraphs)
    for number, lines, lined in _entries(json.loads(value_key)):
        for line, (paragraph, word) in enumerate(lines, 1):
            offset = words.offset(paragraph, word)
            if offset is not None and (not offsets or offset > offsets[-1]):
                offsets.append(offset)
                places.append((number, line if lined else None))
    return offsets, places


def page_span(version, start: int, end: int) -> PageSpan | None:
    """The pages (and lines) of the version's characters ``start``..``end``, when its
    front matter gives its pages; else None."""
    meta = version.meta or {}
    value = meta.get("pages")
    if meta.get("kind") != "transcript" or not isinstance(value, dict) or end <= start:
        return None
    key = json.dumps(value, sort_keys=True)
    paragraphs = tuple(tuple(p) for p in version.paragraphs)
    offsets, places = _starts(version.sha256, key, version.canonical_text, paragraphs)
    first = bisect.bisect_right(offsets, start) - 1
    last = bisect.bisect_right(offsets, end - 1) - 1
    if first < 0:
        return None  # words before the first page's start: the source gives no page for them
    return PageSpan(*places[first], *places[last])
