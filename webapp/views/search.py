"""Full-text search: the page, its JSON twin, and the parameters both share."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, g, request, url_for

from archive.documents import KINDS
from archive.filters import DATE_FORMATS, BadFilter, parse_filter
from archive.queries import list_organisations
from archive.search import MAX_PAGE, SORTS, SearchError, SearchRequest, SearchResults

from ..downloads import DOCUMENT_FIELDS, csv_twin, document_row
from ..filters import KIND_LABELS
from ..forms import form_errors, problems_or_abort, without
from ..hosts import absolute
from ..serialise import document_summary, organisation_data
from ..twin import Page, archive, twin_route, wants_json
from .openapi import _get, _param, add_paths

bp = Blueprint("search", __name__)
QUERY_SAFE = "!$'()*,/:;?@"  # what werkzeug.urls leaves unquoted in a query string

PARAMS = ("q", "org", "kind", "from", "to", "sort")
FIELD_IDS = {"q": "s-q", "org": "s-org", "kind": "s-kind", "from": "s-from", "to": "s-to",
             "sort": "s-sort"}  # fmt: skip

add_paths(
    {
        "/api/v1/search": _get(
            "Full-text search: ranked results with snippets, facet counts, total and paging",
            [
                _param(
                    "q",
                    description='query: words, "phrases", OR, -word, prefix*, '
                    "org:, kind:, speaker:, tag:",
                ),  # fmt: skip
                _param("org", description="organisation key"),
                _param("kind", description="document kind"),
                _param("from", description=f"dates that can fall on or after: {DATE_FORMATS}"),
                _param("to", description=f"dates that can fall on or before: {DATE_FORMATS}"),
                _param(
                    "sort",
                    description="relevance (default) or date",
                    schema={"type": "string", "enum": ["relevance", "date"]},
                ),  # fmt: skip
                _param(
                    "page",
                    description=f"page number, 1–{MAX_PAGE}",
                    schema={"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                ),  # fmt: skip
            ],
            (200, 400),
        )
    }
)


def given_params() -> dict[str, str]:
    """The search parameters as given, stripped, without the empty ones."""
    values = {name: request.args.get(name, "").strip() for name in PARAMS}
    return {name: value for name, value in values.items() if value}


def checked_request(
    given: dict[str, str], org_keys, per_page: int = 10, page: str | None = None
) -> SearchRequest:
    """Check the parameters and make the search request; raise BadFilter with every problem."""
    problems: dict[str, str] = {}
    try:
        filters = parse_filter(
            {k: given[k] for k in ("org", "kind", "from", "to") if k in given}, org_keys
        )
    except BadFilter as exc:
        problems.update(exc.problems)
    if given.get("sort", "relevance") not in SORTS:
        problems["sort"] = f"sort must be one of: {', '.join(SORTS)}"
    page = (request.args.get("page", "1") if page is None else page).strip() or "1"
    if not page.isascii() or not page.isdigit() or not 1 <= int(page[:5]) <= MAX_PAGE:
        problems["page"] = f"page must be a whole number between 1 and {MAX_PAGE}"
    if problems:
        raise BadFilter(problems)
    try:
        return SearchRequest(
            q=given.get("q", ""), org=filters.org, kind=filters.kind,
            date_from=filters.start, date_to=filters.end,
            sort=given.get("sort", "relevance"), page=int(page), per_page=per_page,
        )  # fmt: skip
    except SearchError as exc:
        raise BadFilter({"q": str(exc)}) from None


def search_request(given: dict[str, str], org_keys, per_page: int = 10) -> SearchRequest:
    """Check the parameters and make the search request; a bad one is a 400 that says why."""
    try:
        return checked_request(given, org_keys, per_page)
    except BadFilter as exc:
        abort(400, str(exc))


def page_url(endpoint: str, given: dict, **changes) -> str:
    params = {**given, **changes}
    params = {k: v for k, v in params.items() if v not in (None, "", 1) or k == "q"}
    # A search page links to itself ~30 times (facets, pager): the endpoint's path is built
    # once a request and the parameters appended as Werkzeug appends them (in order, None
    # left out, the same safe characters), instead of a full url_for each time.
    bases = g.setdefault("search_bases", {})
    if endpoint not in bases:
        bases[endpoint] = url_for(endpoint)
    query = urlencode([(k, v) for k, v in params.items() if v is not None], safe=QUERY_SAFE)
    return f"{bases[endpoint]}?{query}" if query else bases[endpoint]


def _endpoint() -> str:
    return request.endpoint or "search.search"


def _hit_data(hit) -> dict:
    anchor = f"#p{hit.paragraph}" if hit.paragraph else ""
    highlight = " ".join(hit.matched) or None
    link = url_for("documents.document", doc_id=hit.document_id, hl=highlight) + anchor
    return {
        "document": document_summary(hit.document),
        "score": round(hit.score, 4),
        "link": link,
        "paragraph": hit.paragraph,
        "matched": hit.matched,
        "missing": hit.missing,
        "snippets": [
            {"paragraph": s.paragraph, "anchor": f"p{s.paragraph}", "text": s.text, "html": s.html}
            for s in hit.snippets
        ],
    }


def _facets(results: SearchResults, given: dict, labels: dict) -> dict:
    chosen = {"organisation": given.get("org"), "kind": given.get("kind")}
    facets = {}
    for name, param in (("organisation", "org"), ("kind", "kind")):
        facets[name] = [
            {"value": value, "label": labels.get(value, KIND_LABELS.get(value, value)),
             "count": count,
             "selected": chosen[name] == value,
             "url": page_url(_endpoint(), given, **{param: value}, page=None)}
            for value, count in results.facets.get(name, {}).items()
        ]  # fmt: skip
    facets["year"] = [
        {"value": year, "label": year, "count": count,
         "url": page_url(_endpoint(), given, **{"from": year, "to": year}, page=None)}
        for year, count in sorted(results.facets.get("year", {}).items())
    ]  # fmt: skip
    return facets


def _links(results: SearchResults, given: dict) -> dict:
    page, pages, endpoint = results.request.page, results.pages, _endpoint()
    return {
        "self": page_url(endpoint, given, page=page),
        "first": page_url(endpoint, given, page=1),
        "prev": page_url(endpoint, given, page=page - 1) if page > 1 else None,
        "next": page_url(endpoint, given, page=page + 1) if page < pages else None,
        "last": page_url(endpoint, given, page=pages),
        "atom": page_url("feeds.search_feed", given, page=None) if given.get("q") else None,
    }


def results_data(results: SearchResults, given: dict, organisations) -> dict:
    """Everything the page and the API show about one search."""
    labels = {o.key: o.name for o in organisations}  # one name everywhere
    suggestion = None
    if results.suggestion:
        suggestion = {
            "q": results.suggestion,
            "url": page_url(_endpoint(), given, q=results.suggestion, page=None),
        }
    return {
        "query": {**{k: given.get(k) for k in PARAMS}, "page": results.request.page},
        "empty": not given.get("q") and not results.request.has_filters,
        "total": results.total,
        "page": results.request.page,
        "pages": results.pages,
        "per_page": results.request.per_page,
        "partial": results.partial,
        "notices": results.notices,
        "suggestion": suggestion,
        "results": [_hit_data(hit) for hit in results.hits],
        "facets": _facets(results, given, labels),
        "links": _links(results, given),
    }


RESULT_FIELDS = ["rank", *DOCUMENT_FIELDS, "score", "paragraph", "snippet", "link"]


def _result_rows(data: dict):
    for rank, r in enumerate(data["results"], (data["page"] - 1) * data["per_page"] + 1):
        row = {"rank": rank, **document_row(r["document"]), "score": r["score"]}
        row["paragraph"] = r["paragraph"] or ""
        row["snippet"] = r["snippets"][0]["text"] if r["snippets"] else ""
        row["link"] = absolute(r["link"])
        yield row


@csv_twin(bp, "/search", _result_rows, RESULT_FIELDS, "search.csv")
@twin_route(bp, "/search")
def search() -> Page:
    """Search the archive's documents and show ranked results with snippets and facets."""
    given, problems = given_params(), {}
    with archive().session() as session:
        organisations = list_organisations(session)
    org_keys = [o.key for o in organisations]
    try:
        search_for = checked_request(given, org_keys)
    except BadFilter as exc:  # the page shows the form again, and what the other values find
        problems = problems_or_abort(exc)
        page = "1" if "page" in problems else None
        search_for = checked_request(without(given, problems), org_keys, page=page)
    results = archive().search.search(search_for)
    data = results_data(results, without(given, problems), organisations)
    data["query"] = {**data["query"], **{k: given.get(k) for k in PARAMS}}  # as the reader typed
    if not wants_json():  # the API has answered 400 already
        data["errors"] = form_errors(problems, FIELD_IDS)
    data["organisations"] = [organisation_data(o) for o in organisations]
    data["kinds"] = list(KINDS)
    status = 400 if problems else 200
    return Page("search.html", data, status=status, headers={"Cache-Control": "no-cache"})
