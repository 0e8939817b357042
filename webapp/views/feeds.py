"""Atom feeds: new and changed documents, and any search (subscribe to a query).

Every text goes through ``xml_safe``: a control character in an archived title or snippet must
not stop the feed (lxml refuses it). Parameters that XML cannot hold are refused with a 400.
"""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response
from sqlalchemy import select, tuple_

from archive.corrections import change_note
from archive.models import Document, Version, utcnow
from archive.queries import list_organisations
from archive.xmltext import xml_safe

from ..hosts import external_url
from ..security import xml_params
from ..twin import archive
from .search import given_params, search_request

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
NO_NOTE = "A new version; no note was recorded with this change."
ATOM = "application/atom+xml; charset=utf-8"


def _feed(feed_id: str, title: str, alternate: str, subtitle: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(xml_safe(title))
    feed.subtitle(xml_safe(subtitle))
    feed.author({"name": "Inquiry archive"})
    feed.link(href=feed_id, rel="self", type="application/atom+xml")
    feed.link(href=alternate, rel="alternate", type="text/html")
    feed.language("en-GB")
    return feed


def _entry(feed: FeedGenerator, document: Document, version: Version, title: str, summary: str):
    url = external_url("documents.version", doc_id=document.id, number=version.number)
    entry = feed.add_entry(order="append")
    entry.id(url)
    entry.title(xml_safe(title))
    entry.link(href=url, rel="alternate", type="text/html")
    entry.updated(version.archived_at)
    entry.published(version.archived_at)
    entry.summary(xml_safe(summary))
    return entry


def _respond(feed: FeedGenerator, newest) -> Response:
    feed.updated(newest or utcnow())
    return Response(feed.atom_str(pretty=True), mimetype=ATOM)


@bp.get("/feeds/documents.atom")
@xml_params
def documents_feed():
    """Give the newest document versions (new and changed documents) as an Atom feed."""
    feed = _feed(
        external_url("feeds.documents_feed"),
        "Inquiry archive: new and changed documents",
        external_url("documents.index"),
        "Every new document and every new version of a document, newest first.",
    )
    with archive().session() as session:
        rows = session.execute(
            select(Document, Version)
            .join(Version, Version.document_id == Document.id)
            .where(Document.withdrawn_at.is_(None))
            .order_by(Version.archived_at.desc(), Version.pk.desc())
            .limit(FEED_SIZE)
        ).all()
        before = _previous_versions(session, [v for _, v in rows])
    for document, version in rows:
        title = version.meta.get("title") or document.title
        if version.number == 1:
            label, summary = f"New: {title}", version.meta.get("summary") or title
        else:
            label = f"Changed (version {version.number}): {title}"
            note = change_note(version, before.get((document.id, version.number - 1)))
            summary = f"What changed: {note}" if note else NO_NOTE
        _entry(feed, document, version, label, summary)
    return _respond(feed, rows[0][1].archived_at if rows else None)


def _previous_versions(session, versions: list[Version]) -> dict[tuple[str, int], Version]:
    """The version before each of ``versions`` (to tell whose change note is whose)."""
    wanted = sorted({(v.document_id, v.number - 1) for v in versions if v.number > 1})
    if not wanted:
        return {}
    query = select(Version).where(tuple_(Version.document_id, Version.number).in_(wanted))
    return {(v.document_id, v.number): v for v in session.scalars(query)}


@bp.get("/search.atom")
@xml_params
def search_feed():
    """Give the results of a search as an Atom feed, so readers can subscribe to it."""
    given = given_params()
    with archive().session() as session:
        org_keys = [o.key for o in list_organisations(session)]
    search_for = search_request(given, org_keys, per_page=FEED_SIZE)
    results = archive().search.search(search_for)
    page = external_url("search.search", **given)
    feed = _feed(
        external_url("feeds.search_feed", **given),
        f"Inquiry archive: search for “{given.get('q', '')}”",
        page,
        f"{results.total} document(s) match this search.",
    )
    newest = None
    with archive().session() as session:
        for hit in results.hits:
            version = session.scalar(
                select(Version).where(
                    Version.document_id == hit.document_id,
                    Version.number == hit.document.current_version,
                )
            )
            summary = " … ".join(s.text for s in hit.snippets) or hit.document.title
            _entry(feed, hit.document, version, hit.document.title, summary)
            newest = max(newest, version.archived_at) if newest else version.archived_at
    return _respond(feed, newest)
