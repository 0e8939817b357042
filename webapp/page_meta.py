"""What every page's head says about it: a canonical link, a meta description, Open Graph and
Twitter card tags, and schema.org JSON-LD (``templates/base.html`` draws them)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from archive.citations import SITE_NAME

from .downloads import download_links
from .hosts import absolute
from .linked_data import web_page_ld

SITE_DESCRIPTION = (
    "An archive of the public statements made about the Independent Inquiry into Child Sexual"
    " Abuse's investigation into child sexual exploitation by organised networks: kept word for"
    " word with their sources, every version, searchable and citable."
)
NOT_CANONICAL = {"hl"}  # search words highlighted on arrival: the same page


def canonical_url() -> str:
    """This page's one address: its path, and the parameters that change what it shows."""
    kept = sorted((k, v) for k, v in request.args.items(multi=True) if k not in NOT_CANONICAL)
    return absolute(request.path) + (f"?{urlencode(kept)}" if kept else "")


def printed_address() -> str:
    """The address printed at the foot of a page on paper: its canonical URL, or its path when
    the request came for a host this archive does not answer to (an error page)."""
    try:
        return canonical_url()
    except HTTPException:
        return request.path


def page_ld(title: str, description: str, page_type: str = "WebPage") -> Markup:
    plain = Markup(title).unescape(), Markup(description).unescape()
    return web_page_ld(plain[0], canonical_url(), plain[1], page_type)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        canonical_url=canonical_url,
        printed_address=printed_address,
        download_links=download_links,
        absolute_url=absolute,
        page_ld=page_ld,
        SITE_NAME=SITE_NAME,
        SITE_DESCRIPTION=SITE_DESCRIPTION,
    )
