"""A document page's body: rendered once per version and process (a long version's page is
read from the database, where the build stored it: ``archive/renderings.py``), speakers marked
on transcripts, and a long version cut into parts (``?part=N``) whose anchors stay ``#pN``.

A short version (at most ``archive.parts.LONG`` paragraphs) is shown exactly as before: the
whole body, no ``part`` or ``parts`` in its data, and ``?part`` ignored.
"""

from __future__ import annotations

from flask import abort, request, url_for
from sqlalchemy.orm import object_session

from archive.models import Version
from archive.parts import LONG, RenderedVersion, rendered_version
from archive.renderings import is_stored, stored_page, version_page
from archive.transcripts import paragraph_speakers

from .twin import wants_json


def _page(version: Version) -> str:
    """The stored page when the build stored one under today's renderer, else rendered now."""
    stored = stored_page(object_session(version), version)
    return stored if stored is not None else version_page(version)


def rendered(version: Version) -> RenderedVersion:
    """The version's page and its parts, read or rendered once per process."""
    short = len(version.paragraphs) <= LONG and version.meta.get("kind") != "transcript"
    if short and not is_stored(version):
        return RenderedVersion(version_page(version), ())  # render_version keeps it
    found = rendered_version(version.sha256, lambda: _page(version))
    return RenderedVersion(found.html, ()) if short else found


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
