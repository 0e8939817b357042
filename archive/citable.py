"""What a citation needs to know about a document, a version or a quote."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .dates import ArchiveDate, parse_date
from .transcript_pages import PageSpan

KIND_WORDS = {
    "statement": "statement",
    "report": "report",
    "article": "news article",
    "transcript": "transcript",
    "event": "event",
}


@dataclass(frozen=True)
class Citable:
    """What a citation needs: who, what, when, which version, where, and which words."""

    key: str
    title: str
    authors: tuple[str, ...]
    date_edtf: str
    url: str
    accessed: dt.date
    kind: str = "statement"
    version: int | None = None
    paragraphs: tuple[int, ...] = ()
    quote: str | None = None
    speaker: str | None = None
    source: dict = field(default_factory=dict)
    sha256: str | None = None  # the version's hash, so a reader can check the cited text
    # Where the words were published or reported, as pages say it ("As reported in the
    # Lancashire Telegraph, c. December 2019"); exports carry it in their notes.
    provenance: str | None = None
    hearing_day: int | None = None  # a transcript's day of hearings ("Day 11")
    # A transcript's pages and lines of the cited words, when its front matter gives its pages
    # (archive/transcript_pages.py): then the pinpoint is "page 45, lines 3–12", not the paragraph.
    pages: PageSpan | None = None

    @property
    def date(self) -> ArchiveDate:
        return parse_date(self.date_edtf)

    @property
    def kind_words(self) -> str:
        words = KIND_WORDS.get(self.kind, self.kind)
        return f"{words}, day {self.hearing_day}" if self.hearing else words

    @property
    def hearing(self) -> str | None:
        """How lawyers name a hearing transcript: "Transcript, Day 11" (None for other kinds)."""
        if self.kind != "transcript" or not self.hearing_day:
            return None
        return f"Transcript, Day {self.hearing_day}"

    @property
    def designation(self) -> str | None:
        """The version and, when known, its short hash: ``version 2, sha256:9acec09e``."""
        if self.version is None:
            return None
        short = f", sha256:{self.sha256[:8]}" if self.sha256 else ""
        return f"version {self.version}{short}"

    @property
    def pinpoint(self) -> str | None:
        """The locator: the paragraph ("3", or "3–4" for a span across paragraphs), or a
        transcript's page and lines ("45:3–12") when its source gives them."""
        if self.pages is not None:
            return self.pages.locator()
        if not self.paragraphs:
            return None
        first, last = self.paragraphs[0], self.paragraphs[-1]
        return str(first) if first == last else f"{first}–{last}"

    @property
    def reported_via(self) -> str | None:
        """How another publication carried these words ("as reported in", "first reported
        by"), when the source says so with a phrase ending in "in" or "by"; else None."""
        via = " ".join(str(self.source.get("via") or "").split())
        reported = via.split()[-1:] in (["in"], ["by"]) and self.source.get("publisher")
        return via if reported else None

    @property
    def source_date(self) -> ArchiveDate | None:
        published = self.source.get("published")
        return parse_date(published) if published else None
