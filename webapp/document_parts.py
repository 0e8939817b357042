"""A document page's body: rendered once per version and process, speakers marked on
transcripts, and a long version cut into parts (``?part=N``) whose anchors stay ``#pN``.

A short version (at most ``archive.parts.LONG`` paragraphs) is shown exactly as before: the
whole body, no ``part`` or ``parts`` in its data, and ``?part`` ignored.
"""

from __future__ import annotations

from flask import abort, request, url_for

from archive.canonical import render_version
from archive.models import Version
from archive.parts import LONG, RenderedVersion, rendered_version
from archive.transcripts import mark_speakers, paragraph_speakers

from .twin import wants_json


def _render(version: Version) -> str:
    paragraphs = tuple(tuple(pair) for pair in version.paragraphs)
    # A long version is kept in archive.parts' own cache, not in render_version's (whose 512
    # entries of half a megabyte each would outgrow a web worker).
    render = render_version.__wrapped__ if len(paragraphs) > LONG else render_version
    page = render(version.markdown, version.canonical_text, paragraphs)
    if version.meta.get("kind") == "transcript":
        page = mark_speakers(page, paragraph_speakers(version.canonical_text, paragraphs))
    return page


def rendered(version: Version) -> RenderedVersion:
    """The version's page and its parts, rendered once per process."""
    if len(version.paragraphs) <= LONG and version.meta.get("kind") != "transcript":
        page = _render(version)  # render_version keeps it
        return RenderedVersion(page, ())
    return rendered_version(version.sha256, lambda: _render(version))


def speakers(version: Version) -> list[str | None] | None:
    """Each paragraph's speaker on a transcript; None for any other kind of document."""
    if version.meta.get("kind") != "transcript":
        return None
    return paragraph_speakers(version.canonical_text, version.paragraphs)


def apply_part(data: dict, version: Version, pinned: bool) -> str | None:
    """Show one part of a long version: its HTML, and the list of parts with their paragraph
    ranges and links; return the part's name for the ETag (None for a short version)."""
    parts = rendered(version).parts
    if len(parts) <= 1:
        return None
    given = request.args.get("part", "1").strip() or "1"
    number = int(given) if given.isascii() and given.isdigit() and len(given) < 6 else 0
    if not 1 <= number <= len(parts):
        abort(404, f"there is no part {given[:12]!r}: this version has parts 1 to {len(parts)}")
    part = parts[number - 1]
    endpoint = "documents.version" if pinned else "documents.document"
    extra = {"number": version.number} if pinned else {}

    def link(n: int) -> str:
        return url_for(
            endpoint, doc_id=version.document_id, **extra, **({"part": n} if n > 1 else {})
        )

    data["html"] = part.html
    if not wants_json():  # the page links "Cite paragraph N" for its own paragraphs only
        data["paragraphs"] = data["paragraphs"][part.first - 1 : part.last]
    data["part"] = number
    data["parts"] = [
        {"number": p.number, "first": p.first, "last": p.last, "url": link(p.number)} for p in parts
    ]
    return f"part{number}"
