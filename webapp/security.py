"""Security headers on every response (a strict Content-Security-Policy and friends), a last
resort that keeps them when even the error page fails, and refusal of parameters XML cannot hold.
"""

from __future__ import annotations

import json
import logging
import sys
from functools import wraps

from flask import Flask, abort, request

from archive.xmltext import first_not_xml

log = logging.getLogger(__name__)

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
LAST_RESORT = "The archive could not answer this request. Please try again later."
LAST_RESORT_PAGE = (
    '<!doctype html>\n<html lang="en-GB">\n<meta charset="utf-8">\n'
    "<title>500 Something went wrong · IICSA organised networks archive</title>\n"
    f'<h1>Something went wrong</h1>\n<p>{LAST_RESORT}</p>\n<p><a href="/">Home</a></p>\n'
).encode()
LAST_RESORT_JSON = json.dumps(
    {"error": {"code": "internal_server_error", "message": LAST_RESORT}}
).encode()


def _headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def xml_params(view):
    """Refuse (400) parameters holding characters XML cannot hold: this view answers in XML."""

    @wraps(view)
    def checked(*args, **kwargs):
        for name, value in request.args.items(multi=True):
            bad = first_not_xml(name + value)
            if bad is not None:
                which = f"parameter {name!r}" if first_not_xml(name) is None else "a parameter name"
                abort(
                    400,
                    f"The {which} holds U+{ord(bad):04X}, a character an XML feed or image "
                    "cannot hold (a control character or a non-character); remove it.",
                )
        return view(*args, **kwargs)

    return checked


def _plain_500(environ) -> tuple[bytes, list[tuple[str, str]]]:
    api = environ.get("PATH_INFO", "").startswith("/api/v1")
    body = LAST_RESORT_JSON if api else LAST_RESORT_PAGE
    kind = "application/json" if api else "text/html; charset=utf-8"
    return body, [("Content-Type", kind), ("Content-Length", str(len(body))), *HEADERS.items()]


def _last_resort(app: Flask):
    """Wrap the WSGI app: if even the error handler fails, answer a plain 500 page with headers."""
    inner = app.wsgi_app

    def guarded(environ, start_response):
        started = []

        def starting(*args):
            started.append(True)
            return start_response(*args)

        try:
            return inner(environ, starting)
        except Exception:
            if app.config["PROPAGATE_EXCEPTIONS"] or app.testing:
                raise  # tests want the traceback, as Flask itself would give it
            log.exception("the error handler failed")
            body, headers = _plain_500(environ)
            if started:  # WSGI: exc_info replaces a response begun (re-raises if it was sent)
                start_response("500 INTERNAL SERVER ERROR", headers, sys.exc_info())
            else:
                start_response("500 INTERNAL SERVER ERROR", headers)
            return [body]

    return guarded


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.wsgi_app = _last_resort(app)
