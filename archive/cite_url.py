"""Cite an archive URL (document, version or quote) from the command line, without the web app."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from .citations import citable_for, cite
from .queries import get_document
from .quotes import BadRange, get_quote, parse_range

PATH = re.compile(
    r"^(?:/api/v1)?/documents/(?P<id>[^/]+)(?:/v(?P<number>\d{1,9})(?:/q/(?P<span>[^/]+))?)?/?$"
)


class NotAnArchiveURL(ValueError):
    """The URL is not a document, version or quote address of this archive."""


def cite_url(session: Session, url: str, style: str, accessed: dt.date | None = None) -> list[dict]:
    """Citation entries in ``style`` for a document, version or quote URL."""
    accessed = accessed or dt.datetime.now(dt.UTC).date()
    parts = urlsplit(url)
    match = PATH.match(parts.path)
    if not match:
        raise NotAnArchiveURL(
            f"{url!r} is not a document, version or quote URL "
            "(/documents/<id>, /documents/<id>/v<N> or /documents/<id>/v<N>/q/<start>-<end>)"
        )
    public = url.split("#", 1)[0].replace("/api/v1/", "/", 1)
    doc_id, number, span = match["id"], match["number"], match["span"]
    if span is not None:
        start, end = parse_range(span)
        quote = get_quote(session, doc_id, int(number), start, end)
        citable = citable_for(
            quote.document, quote.version, public, accessed, quote.paragraphs, quote.text,
            span=(quote.start, quote.end),
        )  # fmt: skip
    else:
        view = get_document(session, doc_id, int(number) if number else None)
        citable = citable_for(view.document, view.version, public, accessed, versioned=bool(number))
    return cite(citable, style)


__all__ = ["BadRange", "NotAnArchiveURL", "cite_url"]
