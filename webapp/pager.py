"""Paging of long lists (``/documents``, ``/timeline``): the ``page`` parameter and the links
every page and its JSON twin carry (``self``, ``first``, ``prev``, ``next``, ``last``)."""

from __future__ import annotations

from flask import abort, request, url_for

from archive.paging import PageOutOfRange, Paging

BAD_PAGE = "page must be a whole number, 1 or more"


def page_number(problems: dict[str, str]) -> int:
    """The ``page`` asked for (1 when none); a bad one is said in ``problems``."""
    given = request.args.get("page", "").strip() or "1"
    if not (given.isascii() and given.isdigit() and 1 <= int(given[:9]) < 10**8):
        problems["page"] = BAD_PAGE
        return 1
    return int(given)


def page_or_404(load):
    """``load()``'s result, or a 404 that names the last page."""
    try:
        return load()
    except PageOutOfRange as exc:
        abort(404, str(exc))


def paging_data(paging: Paging, given: dict) -> dict:
    """What a paged list adds to its page and JSON: its page, the pages and their links."""
    endpoint = request.endpoint
    params = {k: v for k, v in given.items() if v not in (None, "") and k != "page"}

    def link(number: int) -> str:
        return url_for(endpoint, **params, **({"page": number} if number > 1 else {}))

    last = paging.pages
    return {
        "page": paging.number,
        "pages": last,
        "per_page": paging.per_page,
        "links": {
            "self": link(paging.number),
            "first": link(1),
            "prev": link(paging.number - 1) if paging.number > 1 else None,
            "next": link(paging.number + 1) if paging.number < last else None,
            "last": link(last),
        },
    }
