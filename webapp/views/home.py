"""The front page: what the archive holds and why, the latest additions, and the ways in."""

from __future__ import annotations

from flask import Blueprint

from archive.queries import counts, latest_additions, list_organisations

from ..serialise import document_summary, organisation_data
from ..twin import Page, archive, twin_route

bp = Blueprint("home", __name__)


@twin_route(bp, "/")
def index() -> Page:
    """Show what the archive holds, its newest documents and where to start."""
    with archive().session() as session:
        data = {
            "counts": counts(session),
            "latest": [document_summary(d) for d in latest_additions(session)],
            "organisations": [organisation_data(o) for o in list_organisations(session)],
        }
    return Page("home.html", data)
