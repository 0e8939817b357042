"""Organisations: each one's statements and documents, in date order."""

from __future__ import annotations

from flask import Blueprint, abort

from archive.paging import page_of_documents
from archive.queries import get_organisation, list_organisations

from ..downloads import DOCUMENT_FIELDS, csv_twin, document_row
from ..hosts import absolute
from ..pager import page_number, page_or_404, paging_data
from ..serialise import document_summary, organisation_data
from ..twin import Page, archive, twin_route

bp = Blueprint("organisations", __name__)


ORG_FIELDS = ["key", "name", "kind", "website", "page"]


def _document_rows(data: dict):
    return map(document_row, data["documents"])


def _organisation_rows(data: dict):
    for o in data["organisations"]:
        yield {"key": o["key"], "name": o["name"], "kind": o["kind"], "website": o["url"],
               "page": absolute(o["page"])}  # fmt: skip


@csv_twin(bp, "/organisations", _organisation_rows, ORG_FIELDS, "organisations.csv")
@twin_route(bp, "/organisations")
def index() -> Page:
    """List the organisations the archive follows."""
    with archive().session() as session:
        data = {"organisations": [organisation_data(o) for o in list_organisations(session)]}
    return Page("organisations.html", data)


@csv_twin(bp, "/organisations/<key>", _document_rows, DOCUMENT_FIELDS, "organisation.csv")
@twin_route(bp, "/organisations/<key>")
def organisation(key: str) -> Page:
    """Show one organisation and its documents, earliest first, a page at a time."""
    problems: dict[str, str] = {}
    page = page_number(problems)
    if problems:
        abort(400, problems["page"])
    with archive().session() as session:
        org = get_organisation(session, key)
        documents, paging = page_or_404(lambda: page_of_documents(session, org.key, page=page))
        data = {
            "organisation": organisation_data(org),
            "total": paging.total,
            "documents": [document_summary(d) for d in documents],
            **paging_data(paging, {"key": org.key}),
        }
    return Page("organisation.html", data)
