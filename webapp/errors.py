"""One error handler: JSON ``{"error": …}`` for the API, a plain page for people."""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRoute
from werkzeug.routing import RequestRedirect

from archive.queries import NotFound

from .twin import wants_json

log = logging.getLogger(__name__)
SLUG_PATH = re.compile(r"[a-z0-9/.-]+")


# Werkzeug's default descriptions, in the archive's own words.
OUR_WORDS = {
    404: "There is no page at this address. Check it for a mistyped letter; an address this"
    " archive gave out, for a document, a version or a quote, keeps working for as long as the"
    " archive exists.",
    405: "This address does not answer that kind of request.",
    500: "Something went wrong on our side, and the page could not be shown. Please try again"
    " later.",
}


def error_response(status: int, code: str, message: str, **extra):
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, **extra}})
    else:
        html = render_template(
            "error.html", status=status, code=code, message=message, named=_named_document(status),
            **extra,
        )  # fmt: skip
        response = Flask.response_class(html, mimetype="text/html")
    response.status_code = status
    return response


def _named_document(status: int) -> dict | None:
    """The document a bad address names (``/documents/<id>/v1/q/20-10``), to link it."""
    doc_id = (request.view_args or {}).get("doc_id")
    if status != 400 or not doc_id:
        return None
    return {"id": doc_id, "url": url_for("documents.document", doc_id=doc_id)}


def _http_error(exc: HTTPException):
    if isinstance(exc, RequestRedirect):  # Werkzeug's own slash redirects are not errors
        return exc.get_response()
    if isinstance(exc, NoRoute) and (canonical := _canonical_redirect()):
        return canonical
    code = (exc.name or "error").lower().replace(" ", "_")
    message = exc.description or exc.name
    if message == type(exc).description or isinstance(exc, MethodNotAllowed):
        message = OUR_WORDS.get(exc.code or 500, message)
    return error_response(exc.code or 500, code, message)


def _not_found(exc: NotFound):
    return _canonical_redirect() or error_response(404, "not_found", str(exc))


def _canonical_redirect():
    """Redirect (308) ``/documents/ID/`` and a capitalised id to the one canonical address."""
    if request.method not in ("GET", "HEAD"):
        return None
    canonical = request.path.rstrip("/") or "/"
    lowered = canonical.lower()
    if lowered.startswith(("/documents/", "/organisations/", "/api/v1/")) and SLUG_PATH.fullmatch(
        lowered
    ):
        canonical = lowered  # ids and keys are lowercase slugs: NOT_AN_ID is not a near miss
    if canonical == request.path:
        return None
    try:
        current_app.create_url_adapter(request).match(canonical, method="GET")
    except HTTPException:
        return None
    query = request.query_string.decode("latin-1")
    return redirect(canonical + (f"?{query}" if query else ""), code=308)


def _unexpected(exc: Exception):
    log.exception("unexpected error", exc_info=exc)
    return _http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Exception, _unexpected)
