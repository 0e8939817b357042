"""Hearing transcripts: speaker turns, and the hearing day a citation names.

A turn is a paragraph whose words begin with the speaker's label in capitals and a colon:
``THE CHAIR: …``, ``MS HILL: …``, ``Q. …`` is not one (no colon). The label is one to six words
of capital letters (with ``.``, ``'``, ``’`` or ``-`` inside them) and stays part of the
paragraph's words, so a transcript's canonical text and offsets are computed exactly as any
other document's; pages only show the label distinctly (``<span class="speaker">``).
"""

from __future__ import annotations

import html
import re

SPEAKER = re.compile(r"([A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*){0,5}):(?=\s)")
# A numbered block as nh3 writes it (attributes in name order): its number, then its words.
NUMBERED = re.compile(r'(<p class="para" data-end="\d+" data-start="\d+" id="p(\d+)">)')
MAX_HEARING_DAY = 9999


def speaker_of(paragraph: str) -> str | None:
    """The speaker's label that opens a paragraph of a transcript, or None."""
    match = SPEAKER.match(paragraph)
    return match[1] if match else None


def paragraph_speakers(text: str, paragraphs: list) -> list[str | None]:
    """Each paragraph's speaker (None where a paragraph is not a turn)."""
    return [speaker_of(text[start:end]) for start, end in paragraphs]


def mark_speakers(page: str, speakers: list[str | None]) -> str:
    """Wrap each turn's label in ``<span class="speaker">``: the same characters, so the words
    on the page are still the counted words."""

    def mark(match: re.Match) -> str:
        opening, number, rest = match[1], int(match[2]), match[3]
        speaker = speakers[number - 1] if number <= len(speakers) else None
        label = html.escape(speaker, quote=False) if speaker else None
        if not label or not rest.startswith(label + ":"):
            return match[0]
        return f'{opening}<span class="speaker">{label}:</span>{rest[len(label) + 1 :]}'

    return re.sub(NUMBERED.pattern + r"([^<]*)", mark, page)


def hearing_day_problem(value: object, kind: object) -> str | None:
    """Why a ``hearing_day`` field is wrong, or None when it is right (or absent)."""
    if value is None:
        return None
    if kind != "transcript":
        return "field 'hearing_day' is for transcripts (kind: transcript)"
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HEARING_DAY:
        return f"field 'hearing_day' must be a whole number from 1 to {MAX_HEARING_DAY}"
    return None
