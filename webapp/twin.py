"""Every page has a JSON twin: one view function, registered at ``/path`` and ``/api/v1/path``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, current_app, jsonify, render_template, request

from archive.core import Archive

API_PREFIX = "/api/v1"


@dataclass
class Page:
    """What a view returns: the data (shared by both twins) and how to show it as HTML."""

    template: str
    data: dict
    status: int = 200
    headers: dict = field(default_factory=dict)
    etag: str | None = None


def wants_json() -> bool:
    return request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX


def archive() -> Archive:
    return current_app.extensions["archive"]


def twin_route(bp: Blueprint, rule: str, **options) -> Callable:
    """Register a view for HTML at ``rule`` and for JSON at ``/api/v1`` + ``rule``."""

    def decorator(view: Callable[..., Page]) -> Callable:
        @wraps(view)
        def respond(*args, **kwargs):
            page = view(*args, **kwargs)
            if wants_json():
                response = jsonify(page.data)
            else:
                response = current_app.make_response(render_template(page.template, **page.data))
            response.status_code = page.status
            response.headers.update(page.headers)
            if page.etag:
                response.set_etag(f"{page.etag}-{'json' if wants_json() else 'html'}")
                response = response.make_conditional(request)
            return response

        bp.add_url_rule(rule, view.__name__, respond, **options)
        bp.add_url_rule(API_PREFIX + rule, "api_" + view.__name__, respond, **options)
        return respond

    return decorator
