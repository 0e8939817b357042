"""About, editorial policy and corrections: linked from every page's footer, each with its JSON
twin; and the favicon at the address browsers ask for."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, url_for

from archive.corrections import Correction
from archive.corrections import corrections as list_corrections
from archive.queries import counts, list_organisations

from ..downloads import csv_twin
from ..hosts import absolute
from ..serialise import document_summary, organisation_data, version_summary
from ..site_text import ABOUT, POLICY
from ..twin import Page, archive, twin_route
from .openapi import _get, add_paths

bp = Blueprint("site", __name__)
MAX_CORRECTIONS = 500

add_paths(
    {
        "/api/v1/about": _get("What the archive holds, and why", [], (200,)),
        "/api/v1/editorial-policy": _get(
            "The editorial policy: verbatim words, date precision, no victim details,"
            " corrections, how to report an error",
            [],
            (200,),
        ),
        "/api/v1/corrections": _get(
            "Every correction (each version after a document's first), newest first, with its"
            " change note and word diff",
            [],
            (200,),
        ),
    }
)


@twin_route(bp, "/about")
def about() -> Page:
    """Say what the archive holds and why."""
    with archive().session() as session:
        data = {
            "title": "About the archive",
            "sections": ABOUT,
            "counts": counts(session),
            "organisations": [organisation_data(o) for o in list_organisations(session)],
        }
    return Page("about.html", data)


@twin_route(bp, "/editorial-policy")
def policy() -> Page:
    """Give the editorial policy and how to report an error."""
    data = {
        "title": "Editorial policy",
        "sections": POLICY,
        "contact": current_app.config.get("ARCHIVE_CONTACT") or None,
    }
    return Page("policy.html", data)


def correction_data(correction: Correction) -> dict:
    return {
        "document": document_summary(correction.document),
        "version": version_summary(correction.version),
        "previous_version": version_summary(correction.previous),
        "archived_at": correction.archived_at.isoformat(timespec="seconds"),
        "change_note": correction.note,
        "diff": correction.diff(),
        "metadata_changes": correction.metadata_changes(),
    }


CORRECTION_FIELDS = ["id", "title", "version", "replaces", "archived_at", "change_note", "url"]


def _correction_rows(data: dict):
    for c in data["corrections"]:
        yield {
            "id": c["document"]["id"], "title": c["document"]["title"],
            "version": c["version"]["number"], "replaces": c["previous_version"]["number"],
            "archived_at": c["archived_at"], "change_note": c["change_note"] or "",
            "url": absolute(c["version"]["url"]),
        }  # fmt: skip


@csv_twin(bp, "/corrections", _correction_rows, CORRECTION_FIELDS, "corrections.csv")
@twin_route(bp, "/corrections")
def corrections() -> Page:
    """List every correction the archive has made, newest first, with its note and diff."""
    with archive().session() as session:
        found = list_corrections(session, limit=MAX_CORRECTIONS)
        data = {
            "title": "Corrections",
            "total": len(found),
            "corrections": [correction_data(c) for c in found],
        }
    return Page("corrections.html", data)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask here whatever the page says; the icon is an SVG."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
