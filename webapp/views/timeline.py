"""The timeline to the spring 2020 hearings, its overview, and its exports."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, make_response, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from archive.dates import parse_date
from archive.documents import KINDS
from archive.filters import DATE_FORMATS, FILTER_NAMES, BadFilter, parse_filter
from archive.paging import Paging
from archive.queries import list_organisations
from archive.search import MAX_PAGE, SearchRequest
from archive.timeline import (
    Entry,
    Timeline,
    group_entries,
    load_timeline,
    quote_path,
)
from archive.timeline_export import timelinejs, to_csv, to_ics
from archive.timeline_page import load_timeline_page
from archive.timeline_svg import org_colour, render_svg

from ..forms import form_errors, problems_or_abort, without
from ..hosts import base_url, public_host
from ..pager import page_number, page_or_404, paging_data
from ..security import xml_params
from ..serialise import date_data
from ..twin import Page, archive, twin_route, wants_json
from .openapi import _get, _param, add_paths

bp = Blueprint("timeline", __name__)
bp.add_app_template_filter(org_colour, "org_colour")
FIELD_IDS = {"org": "tl-org", "kind": "tl-kind", "from": "tl-from", "to": "tl-to", "q": "tl-q"}

FILTER_PARAMS = [
    _param("org", description="organisation key"),
    _param("kind", description="statement | report | article | transcript | event"),
    _param("from", description=f"entries whose date can fall on or after: {DATE_FORMATS}"),
    _param("to", description=f"entries whose date can fall on or before: {DATE_FORMATS}"),
    _param("q", description="words that must all occur in the document"),
]


def _matching_ids(q: str | None) -> set[str] | None:
    """The documents a search for ``q`` finds, through the archive's search backend."""
    if not q:
        return None
    found: set[str] = set()
    for page in range(1, MAX_PAGE + 1):
        # The timeline's words filter is strict: every word (README), never "most of them".
        request = SearchRequest(q=q, page=page, per_page=50, snippets=False, relax=False)
        results = archive().search.search(request)
        found.update(hit.document_id for hit in results.hits)
        if page >= results.pages:
            break
    return found


@bp.app_template_filter("tl_day")
def day_words(iso: str) -> str:
    return parse_date(iso).in_words()


def _matched_by(q: str | None) -> str | None:
    if not q:
        return None
    return "search"


def _filtered(session, forgive: bool) -> tuple:
    """The filters asked for, the organisations, and the problems. A bad filter is a 400,
    unless ``forgive``: then the page is made without the bad values, and the problems come
    back for the form to show."""
    problems: dict[str, str] = {}
    organisations = list_organisations(session)
    org_keys = [o.key for o in organisations]
    try:
        filters = parse_filter(request.args, org_keys)
    except BadFilter as exc:
        if not forgive:
            abort(400, str(exc))
        problems = problems_or_abort(exc)
        filters = parse_filter(without(request.args.to_dict(), problems), org_keys)
    return filters, organisations, problems


def _load(forgive: bool = False) -> tuple[Timeline, list, dict[str, str]]:
    """The whole timeline as filtered (for the exports)."""
    with archive().session() as session:
        filters, organisations, problems = _filtered(session, forgive)
        return load_timeline(session, filters, _matching_ids(filters.q)), organisations, problems


def _load_page(page: int) -> tuple[Timeline, list, dict[str, str], Paging]:
    """One page of the timeline as filtered: only its own entries are loaded in full."""
    with archive().session() as session:
        filters, organisations, problems = _filtered(session, forgive=True)
        ids = _matching_ids(filters.q)
        timeline, paging = page_or_404(lambda: load_timeline_page(session, filters, ids, page))
        return timeline, organisations, problems, paging


def entry_data(entry: Entry, number: int) -> dict:
    quote = entry.quote
    return {
        "number": number,
        "id": entry.id,
        "anchor": f"e-{entry.id}",
        "section": entry.section,
        "title": entry.title,
        "kind": entry.kind,
        "date": date_data(entry.date.edtf),
        "relation_to_hearings": entry.relation,
        "organisations": [
            {
                "key": o.key,
                "name": o.name,
                "short_name": o.short_name,
                "page": url_for("organisations.organisation", key=o.key),
            }
            for o in entry.organisations
        ],  # fmt: skip
        "speaker": entry.speaker,
        "provenance": entry.provenance,
        "summary": entry.summary,
        "quote": {
            "text": quote.text,
            "continues": quote.continues,
            "version": quote.version,
            "start": quote.start,
            "end": quote.end,
            "url": quote_path(entry.id, quote),
        }
        if quote
        else None,
        "url": url_for("documents.document", doc_id=entry.id),
    }


def _sections(timeline: Timeline, first: int = 1) -> list[dict]:
    numbers = {e.id: n for n, e in enumerate(timeline.entries, first)}
    sections = []
    for key, heading, entries in (
        ("before", "The road to the hearings", timeline.before),
        ("after", "After the hearings were due", timeline.after),
    ):
        years = [
            {"year": y.year, "months": [
                {"label": m.label, "anchor": f"{key}-{m.anchor}",
                 "entries": [entry_data(e, numbers[e.id]) for e in m.entries]}
                for m in y.months]}
            for y in group_entries(entries)
        ]  # fmt: skip
        sections.append({"key": key, "heading": heading, "years": years, "total": len(entries)})
    return sections


def overview_key(timeline: Timeline) -> list[dict]:
    """The key to the overview's colours: each organisation whose marks it draws, in order."""
    key: dict[str | None, str] = {}
    for entry in timeline.entries:
        first = entry.organisations[0] if entry.organisations else None
        key.setdefault(first.key if first else None, first.name if first else "No organisation")
    return [{"name": name, "colour": org_colour(k)} for k, name in key.items()]


def _export_urls(given: dict) -> dict:
    return {
        "timelinejs": url_for("timeline.export_json", format="timelinejs", **given),
        "csv": url_for("timeline.export_csv", **given),
        "ics": url_for("timeline.export_ics", **given),
        "svg": url_for("timeline.export_svg", **given),
    }


@twin_route(bp, "/timeline")
def index() -> Page:
    """Show every dated document in order, up to the spring 2020 hearings and after, a page
    at a time."""
    page_problem: dict[str, str] = {}
    page = page_number(page_problem)
    if page_problem:
        problems_or_abort(BadFilter(page_problem))
    timeline, organisations, problems, paging = _load_page(page)
    problems.update(page_problem)
    hearings = timeline.hearings
    given = {k: request.args.get(k, "").strip() for k in FILTER_NAMES} if problems else None
    data = {
        "filters": given or {k: timeline.filters.given.get(k) for k in FILTER_NAMES},
        "filtered": timeline.filters.active,
        "total": paging.total,
        "hearings": {
            "id": hearings.id,
            "title": hearings.title,
            "date": date_data(hearings.date.edtf),
            "starts": timeline.hearings_start.isoformat(),
            "url": url_for("documents.document", doc_id=hearings.id),
        }
        if hearings
        else None,
        "sections": _sections(timeline, paging.offset + 1),
        "organisations": [{"key": o.key, "name": o.name} for o in organisations],
        "kinds": list(KINDS),
        "exports": _export_urls(timeline.filters.given),
        **paging_data(paging, timeline.filters.given),
    }
    data["q_matched_by"] = _matched_by(timeline.filters.q)
    if not wants_json():
        data["overview_svg"] = Markup(render_svg(timeline))
        data["overview_key"] = overview_key(timeline)
        data["errors"] = form_errors(problems, FIELD_IDS)
    return Page("timeline.html", data, status=400 if problems else 200)


@bp.get("/timeline.json")
def export_json():
    """Give the timeline as TimelineJS3 JSON (``?format=timelinejs``), with the same filters."""
    fmt = request.args.get("format", "timelinejs")
    try:
        if fmt != "timelinejs":
            abort(400, f"unknown format {fmt!r}; use format=timelinejs")
        timeline, _, _ = _load()
    except HTTPException as exc:  # a JSON file answers errors in JSON too
        response = jsonify({"error": {"code": "bad_request", "message": exc.description}})
        response.status_code = exc.code or 400
        return response
    response = jsonify(timelinejs(timeline, base_url()))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _download(body, mimetype: str, filename: str):
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/timeline.csv")
def export_csv():
    """Give the timeline as CSV, one row per entry."""
    timeline, _, _ = _load()
    # A byte order mark, so that Excel reads UTF-8 (curly quotes, accents) instead of guessing.
    body = "\ufeff" + to_csv(timeline, base_url())
    return _download(body, "text/csv", "timeline.csv")


@bp.get("/timeline.ics")
def export_ics():
    """Give the entries dated to a day as an iCalendar file."""
    timeline, _, _ = _load()
    return _download(to_ics(timeline, base_url(), public_host()), "text/calendar", "timeline.ics")


@bp.get("/timeline.svg")
@xml_params
def export_svg():
    """Give the time-scaled overview as a standalone SVG image."""
    timeline, _, _ = _load()
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + render_svg(timeline)
    return _download(svg, "image/svg+xml", "timeline.svg")


def _file(summary: str, mimetype: str) -> dict:
    path = _get(summary, FILTER_PARAMS, (200, 400))
    path["get"]["responses"]["200"]["content"] = {mimetype: {"schema": {"type": "string"}}}
    return path


add_paths(
    {
        "/api/v1/timeline": _get(
            "The timeline to the spring 2020 hearings: entries grouped by year and month, "
            "the hearings marker, and the entries after the hearings were due",
            FILTER_PARAMS,
            (200, 400),
        ),
        "/timeline.json": _get(
            "The timeline in TimelineJS3's JSON format",
            [_param("format", description="timelinejs"), *FILTER_PARAMS],
            (200, 400),
        ),
        "/timeline.csv": _file("The timeline as CSV", "text/csv"),
        "/timeline.ics": _file("Entries dated to a day, as iCalendar", "text/calendar"),
        "/timeline.svg": _file("The time-scaled overview as SVG", "image/svg+xml"),
    }
)
