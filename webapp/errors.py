"""One error handler: JSON ``{"error": …}`` for the API, a plain page for people."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from archive.queries import NotFound

from .twin import wants_json

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str, **extra):
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, **extra}})
    else:
        html = render_template("error.html", status=status, code=code, message=message, **extra)
        response = Flask.response_class(html, mimetype="text/html")
    response.status_code = status
    return response


def _http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or exc.name)


def _not_found(exc: NotFound):
    return error_response(404, "not_found", str(exc))


def _unexpected(exc: Exception):
    log.exception("unexpected error", exc_info=exc)
    return _http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(Exception, _unexpected)
