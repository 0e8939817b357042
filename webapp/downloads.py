"""Lists as data: every list and search page also answers as CSV at the same path plus ``.csv``
(its JSON is its twin under ``/api/v1``), with the same filters, showing what the page shows.

The CSV starts with a UTF-8 byte order mark, so that Excel reads curly quotes and accents as
they are; a cell that a spreadsheet would run as a formula gets a leading ``'`` (OWASP's rule, as
in the timeline's CSV).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from flask import Blueprint, abort, make_response, request

from archive.timeline_export import neutralise

from .hosts import absolute
from .twin import API_PREFIX

Rows = Callable[[dict], Iterable[dict]]


def csv_twin(bp: Blueprint, rule: str, rows: Rows, fields: list[str], filename: str) -> Callable:
    """Also answer ``rule + ".csv"`` with the rows ``rows`` makes of the page's data."""

    def decorator(respond: Callable) -> Callable:
        view = respond.__wrapped__  # the view behind twin_route: it returns a Page

        def download(**kwargs):
            page = view(**kwargs)
            if page.status != 200:
                errors = page.data.get("errors") or [{"message": "bad request"}]
                abort(page.status, "; ".join(e["message"] for e in errors))
            return csv_response(rows(page.data), fields, filename)

        bp.add_url_rule(rule + ".csv", view.__name__ + "_csv", download)
        return respond

    return decorator


def csv_response(rows: Iterable[dict], fields: list[str], filename: str):
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: neutralise(cell) for name, cell in row.items()})
    response = make_response(out.getvalue())
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


DOCUMENT_FIELDS = [
    "id", "title", "kind", "date_in_words", "date_edtf", "earliest", "latest", "organisations",
    "url",
]  # fmt: skip


def document_row(d: dict) -> dict:
    """One document of a list, as a CSV row."""
    return {
        "id": d["id"],
        "title": d["title"],
        "kind": d["kind"],
        "date_in_words": d["date"]["in_words"],
        "date_edtf": d["date"]["edtf"],
        "earliest": d["date"]["earliest"],
        "latest": d["date"]["latest"],
        "organisations": "; ".join(o["name"] for o in d.get("organisations", [])),
        "url": absolute(d["url"]),
    }


def download_links(extension: str = ".csv") -> dict:
    """This page's CSV and JSON, with the filters it was asked for."""
    query = request.query_string.decode("latin-1")
    suffix = f"?{query}" if query else ""
    return {
        "csv": request.path.rstrip("/") + extension + suffix,
        "json": API_PREFIX + request.path + suffix,
    }
