"""Long documents in parts: a version's rendered page cut into parts of about ``PART_SIZE``
numbered paragraphs, each paragraph on exactly one part, with its anchor (``#p1234``) unchanged.

A version is immutable, so its page is rendered once per process and kept (by its SHA-256) with
its parts. A document of at most ``LONG`` paragraphs is one part, shown exactly as before.
Parts are cut only between top-level blocks, so a list or a quotation is never split.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

PART_SIZE = 200  # numbered paragraphs a part aims at
LONG = 300  # a version with more numbered paragraphs than this is cut into parts
KEEP = 64  # rendered versions kept per process (a 60,000-word transcript is about 0.5 MB)
VOID = {"br", "hr", "img", "wbr"}
TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
ANCHOR = re.compile(r'\sid="p(\d+)"')


@dataclass(frozen=True)
class Part:
    """One part: its number (from 1), its first and last paragraph, and its HTML."""

    number: int
    first: int
    last: int
    html: str


@dataclass(frozen=True)
class RenderedVersion:
    """A version's whole page and its parts (one part for a short version)."""

    html: str
    parts: tuple[Part, ...]

    def part_of(self, paragraph: int) -> Part | None:
        """The part holding paragraph number ``paragraph``."""
        return next((p for p in self.parts if p.first <= paragraph <= p.last), None)


def top_level_blocks(page: str) -> list[str]:
    """The page cut between its top-level elements (text between them goes with the next)."""
    blocks, depth, cut = [], 0, 0
    for match in TAG.finditer(page):
        closing, name = match[1] == "/", match[2].lower()
        if name in VOID:
            if depth == 0:
                blocks.append(page[cut : match.end()])
                cut = match.end()
            continue
        depth += -1 if closing else 1
        if depth == 0:
            blocks.append(page[cut : match.end()])
            cut = match.end()
    if page[cut:].strip():
        blocks.append(page[cut:])
    return blocks


def split_parts(page: str, size: int = PART_SIZE, long: int = LONG) -> tuple[Part, ...]:
    """Cut a rendered page into parts of about ``size`` numbered paragraphs."""
    numbers = [int(n) for n in ANCHOR.findall(page)]
    if len(numbers) <= long:
        return (Part(1, numbers[0] if numbers else 1, numbers[-1] if numbers else 0, page),)
    parts: list[Part] = []
    pieces: list[str] = []
    held: list[int] = []
    for block in top_level_blocks(page):
        if len(held) >= size:
            parts.append(Part(len(parts) + 1, held[0], held[-1], "".join(pieces)))
            pieces, held = [], []
        pieces.append(block)
        held += [int(n) for n in ANCHOR.findall(block)]
    if held or not parts:
        parts.append(Part(len(parts) + 1, held[0] if held else 1, held[-1] if held else 0,
                          "".join(pieces)))  # fmt: skip
    else:  # trailing blocks with no paragraph join the last part
        last = parts[-1]
        parts[-1] = Part(last.number, last.first, last.last, last.html + "".join(pieces))
    return tuple(parts)


_cache: OrderedDict[str, RenderedVersion] = OrderedDict()
_lock = threading.Lock()


def rendered_version(sha256: str, render: Callable[[], str]) -> RenderedVersion:
    """The version's page and parts, rendered by ``render`` the first time this process asks."""
    with _lock:
        found = _cache.get(sha256)
        if found is not None:
            _cache.move_to_end(sha256)
            return found
    page = render()
    found = RenderedVersion(page, split_parts(page))
    with _lock:
        _cache[sha256] = found
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return found
