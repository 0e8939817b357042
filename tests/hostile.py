"""Helpers for hostile-input tests: raw WSGI requests and text no loader would accept."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from sqlalchemy import select
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from archive.models import Document, Version

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
)
# Characters XML cannot hold (a C0 control, a vertical tab, both non-characters) between words.
NOT_XML = "Hostile\x01 title\x0b with non\ufffe-characters\uffff"
CLEANED = "Hostile\ufffd title\ufffd with non\ufffd-characters\ufffd"


def call(app, method: str = "GET", path: str = "/", query: str = "", headers=None) -> Response:
    """Call the WSGI app as a server would: ``path`` percent-encoded, headers as sent.

    Flask's test client re-parses the URL and the Host itself and fails on some hostile values
    before the app sees them; a real server (waitress) passes them on, so this does too.
    """
    environ = EnvironBuilder(method=method).get_environ()
    environ["PATH_INFO"] = unquote_to_bytes(path).decode("latin-1")  # what waitress does
    environ["QUERY_STRING"] = query
    environ["REQUEST_URI"] = environ["RAW_URI"] = path + (f"?{query}" if query else "")
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    return Response.from_app(app, environ, buffered=True)


def archive_text_xml_cannot_hold(archive, doc_id: str, text: str = NOT_XML) -> None:
    """Give a document this title and summary straight in the database.

    The loader refuses such text, but versions archived before it did (or imported) may hold it.
    """
    with archive.transaction() as session:
        document = session.get(Document, doc_id)
        document.title = text
        versions = session.scalars(select(Version).where(Version.document_id == doc_id))
        for version in versions:
            version.meta = {**version.meta, "title": text, "summary": text}
