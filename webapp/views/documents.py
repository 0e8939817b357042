"""Documents: the list, the current version, immutable versions, and the history with diffs."""

from __future__ import annotations

from flask import Blueprint, request

from archive.corrections import change_note
from archive.diff import word_diff
from archive.documents import KINDS
from archive.filters import BadFilter
from archive.paging import page_of_documents
from archive.queries import Withdrawn, get_document, list_organisations

from ..citing import document_context
from ..document_parts import apply_part
from ..downloads import DOCUMENT_FIELDS, csv_twin, document_row
from ..forms import form_errors, problems_or_abort
from ..pager import page_number, page_or_404, paging_data
from ..serialise import (
    document_summary,
    organisation_data,
    pinned_document_summary,
    version_data,
    version_summary,
)
from ..twin import Page, archive, twin_route, wants_json

bp = Blueprint("documents", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
CURRENT = "public, max-age=60"


def _document_rows(data: dict):
    return map(document_row, data["documents"])


def _filter_value(name: str, allowed: set[str], problems: dict[str, str]) -> str | None:
    """The value of a filter; an unknown one is left out and said in ``problems``."""
    value = request.args.get(name, "").strip() or None
    if value is not None and value not in allowed:
        problems[name] = f"unknown {name} {value!r}; use one of: {', '.join(sorted(allowed))}"
        return None
    return value


@csv_twin(bp, "/documents", _document_rows, DOCUMENT_FIELDS, "documents.csv")
@twin_route(bp, "/documents")
def index() -> Page:
    """List every document in date order, a page at a time, filtered by organisation and kind."""
    problems: dict[str, str] = {}
    with archive().session() as session:
        organisations = list_organisations(session)
        org = _filter_value("org", {o.key for o in organisations}, problems)
        kind = _filter_value("kind", set(KINDS), problems)
        page = page_number(problems)
        if problems:
            problems_or_abort(BadFilter(problems))  # the API answers 400 at once
        documents, paging = page_or_404(lambda: page_of_documents(session, org, kind, page))
        data = {
            "filters": {"org": org, "kind": kind},
            "total": paging.total,
            "documents": [document_summary(d) for d in documents],
            "organisations": [organisation_data(o) for o in organisations],
            "kinds": list(KINDS),
            **paging_data(paging, {"org": org, "kind": kind}),
        }
    if not wants_json():  # the API has answered 400 already
        data["errors"] = form_errors(problems, {"org": "f-org", "kind": "f-kind"})
    return Page("documents.html", data, status=400 if problems else 200)


def _withdrawn_page(exc: Withdrawn) -> Page:
    data = {
        "error": {
            "code": "withdrawn",
            "message": f"“{exc.document.title}” was withdrawn from the archive. "
            "Every archived version stays readable at its own address.",
        },
        "document": document_summary(exc.document),
        "withdrawn_at": exc.document.withdrawn_at.isoformat(timespec="seconds"),
        "versions": [version_summary(v) for v in exc.versions],
    }
    return Page("withdrawn.html", data, status=410)


@twin_route(bp, "/documents/<doc_id>")
def document(doc_id: str) -> Page:
    """Show the current version of a document, with numbered paragraphs and provenance."""
    with archive().session() as session:
        try:
            view = get_document(session, doc_id)
        except Withdrawn as exc:
            return _withdrawn_page(exc)
        data = version_data(view)
        data["pinned"] = False
        apply_part(data, view.version, pinned=False)
        _cite_with(view, data)
    return Page("document.html", data, headers={"Cache-Control": CURRENT})


def _cite_with(view, data: dict) -> None:
    """Make the page's citations from the document already loaded (its session still open),
    instead of loading it again when the page is drawn; JSON shows none."""
    if not wants_json():
        number, pinned = view.version.number, data["pinned"]
        document_context(view.document.id, number, not pinned, data["paragraphs"],
                         data["canonical_text"], view)  # fmt: skip


@twin_route(bp, "/documents/<doc_id>/v<int:number>")
def version(doc_id: str, number: int) -> Page:
    """Show version N exactly as archived; it never changes, so it is cached for a year."""
    with archive().session() as session:
        view = get_document(session, doc_id, number)
        data = version_data(view)
        # Nothing on a version page may depend on later versions: it must never change.
        data["pinned"] = True
        data["is_current"] = None
        data["document"] = pinned_document_summary(view)
        data["versions"] = [v for v in data["versions"] if v["number"] <= number]
        part = apply_part(data, view.version, pinned=True)
        _cite_with(view, data)
    etag = f"{view.version.sha256[:32]}-v{number}" + (f"-{part}" if part else "")
    return Page("document.html", data, headers={"Cache-Control": IMMUTABLE}, etag=etag)


@twin_route(bp, "/documents/<doc_id>/history")
def history(doc_id: str) -> Page:
    """List every version of a document, newest first, with what changed in each."""
    with archive().session() as session:
        try:
            view = get_document(session, doc_id)
        except Withdrawn as exc:
            versions, document = exc.versions, exc.document
        else:
            versions, document = view.versions, view.document
        changes = []
        for older, newer in zip([None, *versions], versions, strict=False):
            entry = version_summary(newer)
            entry["diff"] = word_diff(older.canonical_text, newer.canonical_text) if older else None
            entry["metadata_changes"] = _metadata_changes(older, newer)
            entry["change_note"] = change_note(newer, older)
            changes.append(entry)
        data = {
            "document": document_summary(document),
            "versions": list(reversed(changes)),
        }
    return Page("history.html", data)


def _metadata_changes(older, newer) -> list[dict]:
    if older is None:
        return []
    keys = sorted(set(older.meta) | set(newer.meta))
    return [
        {"field": k, "before": older.meta.get(k), "after": newer.meta.get(k)}
        for k in keys
        if older.meta.get(k) != newer.meta.get(k) and k != "change_note"  # shown as the note
    ]
