"""Quote permalinks: a span of a version's canonical text, and its standing in the current version.

A quote is ``/documents/<id>/v<N>/q/<start>-<end>``: code points start..end (end exclusive) of
version N's stored canonical text. Nothing else is stored: the words come from the immutable
version, and the standing is worked out afresh against the current version each time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote as percent_encode

from sqlalchemy.orm import Session

from .anchoring import Anchor, TextQuoteSelector, anchor, quote_selector
from .diff import word_diff
from .models import Document, Version
from .queries import NotFound, Withdrawn, get_document

MAX_LENGTH = 2000
RANGE = re.compile(r"^(\d{1,9})-(\d{1,9})$")
STANDINGS = ("unchanged", "moved", "changed", "gone")


class BadRange(ValueError):
    """A quote range that can never be valid: not numbers, reversed, empty or too long."""


class OutOfBounds(NotFound):
    """A range that is well formed but lies outside the version's text."""


@dataclass(frozen=True)
class Standing:
    """How the cited words stand in the current version."""

    status: str  # one of STANDINGS
    current_version: int | None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    paragraphs: tuple[int, ...] = ()
    score: float | None = None
    diff: tuple[dict, ...] = ()
    withdrawn: bool = False


@dataclass(frozen=True)
class Quote:
    """The cited words of one version, their selectors, paragraphs and current standing."""

    document: Document
    version: Version
    start: int
    end: int
    selector: TextQuoteSelector
    paragraphs: tuple[int, ...]
    standing: Standing

    @property
    def text(self) -> str:
        return self.selector.exact


def parse_range(value: str) -> tuple[int, int]:
    """Read ``start-end`` from a URL; refuse anything that can never be a quote."""
    match = RANGE.match(value or "")
    if not match:
        raise BadRange(f"{value!r} is not a range: use two whole numbers, like 120-185")
    start, end = int(match[1]), int(match[2])
    check_range(start, end)
    return start, end


def check_range(start: int, end: int) -> None:
    """Refuse ranges that are reversed, empty or longer than MAX_LENGTH characters."""
    if start < 0 or end < 0:
        raise BadRange("a range cannot start or end before the first character")
    if end < start:
        raise BadRange(f"the range {start}-{end} is reversed: the end comes before the start")
    if end == start:
        raise BadRange(f"the range {start}-{end} is empty: it quotes no characters")
    if end - start > MAX_LENGTH:
        raise BadRange(f"a quote may be at most {MAX_LENGTH} characters; this is {end - start}")


def paragraph_numbers(paragraphs: list, start: int, end: int) -> tuple[int, ...]:
    """The numbers of the paragraphs that the span [start, end) touches."""
    return tuple(
        n for n, (p_start, p_end) in enumerate(paragraphs, 1) if p_start < end and start < p_end
    )


def get_quote(session: Session, doc_id: str, number: int, start: int, end: int) -> Quote:
    """The quote start..end of version ``number``, with its standing in the current version."""
    check_range(start, end)
    view = get_document(session, doc_id, number)
    version = view.version
    length = len(version.canonical_text)
    if end > length:
        raise OutOfBounds(
            f"version {number} of {doc_id!r} has {length} characters; "
            f"the range {start}-{end} runs past its end"
        )
    selector = quote_selector(version.canonical_text, start, end)
    paragraphs = paragraph_numbers(version.paragraphs, start, end)
    current = next((v for v in view.versions if v.number == view.document.current_version), None)
    standing = standing_in(selector, start, current, withdrawn=view.document.withdrawn)
    return Quote(view.document, version, start, end, selector, paragraphs, standing)


def standing_in(
    selector: TextQuoteSelector, start: int, current: Version | None, withdrawn: bool = False
) -> Standing:
    """Unchanged, moved, changed (approximate, with a diff) or gone, in the ``current`` version."""
    if withdrawn or current is None:
        return Standing("gone", current.number if current else None, withdrawn=withdrawn)
    text, exact = current.canonical_text, selector.exact
    if text[start : start + len(exact)] == exact:
        return _standing("unchanged", current, Anchor(start, start + len(exact), 1.0, True))
    found = anchor(text, selector, hint=start)
    if found is None:
        return Standing("gone", current.number)
    if found.exact:
        return _standing("moved", current, found)
    diff = tuple(word_diff(exact, text[found.start : found.end]))
    return _standing("changed", current, found, diff)


def _standing(status: str, current: Version, found: Anchor, diff: tuple = ()) -> Standing:
    return Standing(
        status,
        current.number,
        found.start,
        found.end,
        current.canonical_text[found.start : found.end],
        paragraph_numbers(current.paragraphs, found.start, found.end),
        round(found.score, 3),
        diff,
    )


def resolve(
    session: Session, doc_id: str, exact: str, prefix: str = "", suffix: str = ""
) -> tuple[int, int, int]:
    """Find selected words in the current version: (version number, start, end)."""
    if not exact:
        raise BadRange("give the exact words to find (parameter exact)")
    if len(exact) > MAX_LENGTH:
        raise BadRange(f"a quote may be at most {MAX_LENGTH} characters; this is {len(exact)}")
    view = get_document(session, doc_id)  # raises Withdrawn for a withdrawn document
    found = anchor(view.version.canonical_text, TextQuoteSelector(exact, prefix, suffix))
    if found is None or not found.exact:
        raise NotFound(f"the words {exact[:60]!r} are not in the current version of {doc_id!r}")
    return view.version.number, found.start, found.end


def text_fragment(exact: str, words: int = 4) -> str:
    """A Text Fragment directive (``#:~:text=…``) that finds ``exact`` in a browser."""
    flat = " ".join(exact.split())
    parts = flat.split(" ")
    if len(parts) <= 2 * words and len(flat) <= 300:
        return "#:~:text=" + _fragment_encode(flat)
    start, end = " ".join(parts[:words]), " ".join(parts[-words:])
    return f"#:~:text={_fragment_encode(start)},{_fragment_encode(end)}"


def _fragment_encode(value: str) -> str:
    # The directive's own syntax uses "-", "," and "&", so they must be encoded inside a term;
    # urllib leaves "-" alone, hence the replacement.
    return percent_encode(value, safe="").replace("-", "%2D")


__all__ = [
    "BadRange",
    "MAX_LENGTH",
    "NotFound",
    "OutOfBounds",
    "Quote",
    "Standing",
    "Withdrawn",
    "get_quote",
    "parse_range",
    "resolve",
    "standing_in",
    "text_fragment",
]
