"""The Host header and absolute URLs.

A request whose Host header is not a host name (or address) with an optional port, or names a
host outside ``ARCHIVE_TRUSTED_HOSTS``, is refused with a 400 page. Werkzeug only half-checks the
header: some bad values fail deep inside URL building, and on others it builds no URL adapter at
all, so the error page itself could not be drawn. Here the request gets an adapter that builds
paths (for the error page) and refuses to route.

Absolute URLs (citations, JSON-LD, feeds, exports) start with ``ARCHIVE_BASE_URL`` when it is
set, so a publicly cached page never carries a host a client made up; otherwise, for local use,
with the host the request names.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.exceptions import BadHost, HTTPException, SecurityError

from archive.config import Config

LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_NAME = re.compile(rf"(?:{LABEL}\.)*{LABEL}\.?")
BAD_HOST = (
    "The Host header must name this site: a host name or an IP address, with an optional port."
)
UNTRUSTED_HOST = "This site does not answer to the host named in the Host header."


def _split(host: str) -> tuple[str, str | None]:
    """The name (or address) and the port of a Host value, as written."""
    if host.startswith("["):
        address, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return "", None
        return "[" + address + "]", rest[1:] if rest else None
    name, colon, port = host.partition(":")
    return name, port if colon else None


def _name_ok(name: str) -> bool:
    if name.startswith("["):
        try:
            return "%" not in name and bool(ipaddress.IPv6Address(name[1:-1]))
        except ValueError:
            return False
    if len(name) > 253 or not HOST_NAME.fullmatch(name):
        return False
    try:  # an "xn--" label must be real punycode, or building URLs fails later
        name.encode("ascii").decode("idna")
    except UnicodeError:
        return False
    return True


def host_ok(host: str) -> bool:
    """Whether a Host value is a host name or address with an optional port (1–65535)."""
    name, port = _split(host)
    if port is not None and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        return False
    return _name_ok(name)


def check_base_url(value: str) -> str:
    """The public base URL without a trailing slash; a ValueError says what is wrong with it."""
    if not value:
        return ""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or not host_ok(parts.netloc)
    ):
        raise ValueError(
            f"ARCHIVE_BASE_URL must be the site's origin, such as https://archive.example.org "
            f"(a scheme and a host, no path), not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


class _RefusedHost:
    """The URL adapter of a refused request: it builds paths for the error page, routes nowhere."""

    def __init__(self, adapter, refusal: HTTPException):
        self.adapter, self.refusal = adapter, refusal

    def match(self, *args, **kwargs):
        raise self.refusal

    def __getattr__(self, name: str):
        return getattr(self.adapter, name)


class ArchiveFlask(Flask):
    """Flask that answers a bad or untrusted Host with a 400 page instead of failing."""

    def create_url_adapter(self, request):
        if request is None:
            return super().create_url_adapter(request)
        try:
            if not host_ok(request.environ.get("HTTP_HOST", "localhost")):
                raise BadHost(BAD_HOST)
            return super().create_url_adapter(request)
        except SecurityError:
            refusal: HTTPException = BadHost(UNTRUSTED_HOST)
        except HTTPException as exc:
            refusal = BadHost(BAD_HOST) if isinstance(exc, BadHost) else exc
        # The placeholder host is never written: the error page uses paths only.
        paths = self.url_map.bind(
            "refused.invalid", script_name=request.root_path or "/", url_scheme=request.scheme
        )
        return _RefusedHost(paths, refusal)


def base_url() -> str:
    """Where absolute URLs start: ``ARCHIVE_BASE_URL`` if set, else this request's host."""
    # Not request.host_url: it turns punycode into Unicode; a URL here stays plain ASCII.
    return current_app.config["ARCHIVE_BASE_URL"] or f"{request.scheme}://{request.host.lower()}"


def public_host() -> str:
    """The host (and port) absolute URLs name, e.g. for iCalendar UIDs."""
    return urlsplit(base_url()).netloc


def absolute(path: str) -> str:
    return base_url() + path


def external_url(endpoint: str, **values) -> str:
    """``url_for`` as an absolute URL on the public base URL."""
    return absolute(url_for(endpoint, **values))


def init_app(app: Flask, config: Config) -> None:
    """Take the base URL and trusted hosts from the archive's configuration (unless given)."""
    if app.config.get("ARCHIVE_BASE_URL") is None:
        app.config["ARCHIVE_BASE_URL"] = config.base_url
    app.config["ARCHIVE_BASE_URL"] = check_base_url(app.config["ARCHIVE_BASE_URL"])
    if app.config.get("TRUSTED_HOSTS") is None and config.trusted_hosts:
        app.config["TRUSTED_HOSTS"] = list(config.trusted_hosts)
