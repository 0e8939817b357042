"""Security headers on every response (a strict Content-Security-Policy and friends), and
refusal of parameters XML cannot hold.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, request

from archive.xmltext import first_not_xml

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


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
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


def init_app(app: Flask) -> None:
    app.after_request(_headers)
