"""Quote permalinks: the quote page and its JSON twin, and turning selected words into a link.

Caching. The quoted words, their context and the citations of a quote never change (they come
from an immutable version), but two parts do: the standing, which depends on the document's
current version (and on whether it was withdrawn), and the accessed date in the citations. The
standing is computed here, server-side, so the page works without JavaScript. The page is
therefore not ``immutable``: it is cached briefly (``max-age=300``) and carries a strong ETag
built from everything it depends on (the cited version's hash, the span, the current version
number, the withdrawn flag and the accessed day). A cache may revalidate it for years with a
cheap 304, and the answer changes exactly when the standing or the date can have changed.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, abort, jsonify, redirect, request, url_for

from archive.queries import get_document
from archive.quote_words import chosen_span
from archive.quotes import BadRange, Withdrawn, get_quote, parse_range, resolve

from ..citing import document_context, quote_data
from ..hosts import absolute
from ..quote_page import chosen_style, page_extras
from ..twin import API_PREFIX, Page, archive, twin_route, wants_json
from . import quotes_api  # noqa: F401  (describes these endpoints in the OpenAPI document)

bp = Blueprint("quotes", __name__)

QUOTE_CACHE = "public, max-age=300"
OFFSET = re.compile(r"^\d{1,9}$")
bp.add_app_template_global(document_context, "cite_context")


@twin_route(bp, "/documents/<doc_id>/v<int:number>/q/<span>")
def quote(doc_id: str, number: int, span: str) -> Page:
    """Show the quoted words in their paragraph, their standing now, and ready-made citations."""
    try:
        start, end = parse_range(span)
    except BadRange as exc:
        abort(400, str(exc))
    accessed = dt.datetime.now(dt.UTC).date()
    with archive().session() as session:
        found = get_quote(session, doc_id, number, start, end)
        data = quote_data(found, accessed)
        if not wants_json():  # the JSON twin stays as it was
            data |= page_extras(found, data, request.args.get("style"))
    standing = found.standing
    etag = "-".join(
        [
            found.version.sha256[:24],
            f"{start}-{end}",
            f"now{standing.current_version}",
            "w" if standing.withdrawn else "p",
            accessed.isoformat(),
            chosen_style(request.args.get("style"))[0],
        ]
    )
    return Page("quote.html", data, headers={"Cache-Control": QUOTE_CACHE}, etag=etag)


@bp.get("/documents/<doc_id>/v<int:number>/q")
@bp.get(API_PREFIX + "/documents/<doc_id>/v<int:number>/q", endpoint="api_choose_words")
def choose_words(doc_id: str, number: int):
    """Send the first and last words chosen on a quote page to the permalink of their span."""
    first, last = _offset("first", "first word"), _offset("last", "last word")
    with archive().session() as session:
        version = get_document(session, doc_id, number).version
        try:
            start, end = chosen_span(version.canonical_text, version.paragraphs, first, last)
        except BadRange as exc:
            abort(400, str(exc))
    endpoint = "quotes.api_quote" if wants_json() else "quotes.quote"
    style = request.args.get("style")
    extra = {"style": style} if style == chosen_style(style)[0] and not wants_json() else {}
    path = url_for(endpoint, doc_id=doc_id, number=number, span=f"{start}-{end}", **extra)
    return redirect(path, 303)


def _offset(name: str, what: str) -> int:
    value = request.args.get(name, "")
    if not OFFSET.match(value):
        abort(400, f"choose the {what} (parameter {name}: a character offset, like 120)")
    return int(value)


@bp.get("/api/v1/quotes/resolve")
def resolve_quote():
    """Turn selected words of a document's current version into their quote permalink."""
    doc_id = request.args.get("document", "").strip()
    exact = request.args.get("exact", "")
    if not doc_id:
        abort(400, "give the document id (parameter document)")
    with archive().session() as session:
        try:
            number, start, end = resolve(
                session,
                doc_id,
                exact,
                request.args.get("prefix", ""),
                request.args.get("suffix", ""),
            )
        except BadRange as exc:
            abort(400, str(exc))
        except Withdrawn:
            abort(410, f"document {doc_id!r} was withdrawn; cite one of its versions")
    path = url_for("quotes.quote", doc_id=doc_id, number=number, span=f"{start}-{end}")
    return jsonify(
        {
            "document": doc_id,
            "version": number,
            "start": start,
            "end": end,
            "exact": exact,
            "permalink": path,
            "url": absolute(path),
            "api": url_for("quotes.api_quote", doc_id=doc_id, number=number, span=f"{start}-{end}"),
        }
    )
