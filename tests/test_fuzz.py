"""Fuzzing the real WSGI app: no path, query, header or method ever gets a 5xx or loses the headers.

Requests go to the app as a server would hand them over (``tests.hostile.call``), over the
shipped corpus built on SQLite. Hypothesis is derandomised (the same examples on every run, no
example database), so the test is as repeatable as any other.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.hostile import SECURITY_HEADERS, call
from webapp import create_app

STONE = "home-office-leave-no-stone-unturned"
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
XML_TYPES = {"application/atom+xml", "image/svg+xml"}

# Path segments: real values (to reach deep code), any text or bytes (percent-encoded), broken
# percent escapes as written, and very long segments.
REAL = st.sampled_from([STONE, "home-office", "1", "2", "0-20", "20-0", "v1", "q", ".", "..", ""])
# What each route variable is when real, so that junk also reaches the code past the lookup.
VARIABLES = {
    "doc_id": st.sampled_from([STONE, "nspcc-lancashire-grooming-crimes-2019", "no-such-document"]),
    "number": st.sampled_from(["1", "1", "2", "0", "01"]),
    "span": st.sampled_from(["0-20", "0-2000", "10-5", "5-5", "0-99999", "a-b"]),
    "key": st.sampled_from(["home-office", "nspcc", "iicsa", "nobody"]),
    "filename": st.sampled_from(["site.css", "cite.js", "../README.md", "nothing.css"]),
}
RAW = st.sampled_from(["%", "%zz", "%0", "%00", "%2F", "%2e%2e", "%ff%fe", "%ED%A0%80", "%C0%AF"])
SEGMENT = st.one_of(
    REAL,
    REAL,
    REAL,
    RAW,
    st.text(max_size=30).map(lambda s: quote(s, safe="")),
    st.binary(max_size=30).map(lambda b: quote(b, safe="")),
    st.integers(-(10**30), 10**30).map(str),
    st.integers(300, 20_000).map(lambda n: "x" * n),
)
NAMES = st.sampled_from(
    ["q", "org", "kind", "from", "to", "sort", "page", "format", "hl", "document", "exact"]
    + ["prefix", "suffix", ""]
)
VALUE = st.one_of(
    st.sampled_from(["home-office", "statement", "2019", "2019-13", "date", "0", "-1", "99999"]),
    st.sampled_from(['"unbalanced', "org:", "a OR", "timelinejs", "1" * 40, "%", "\x00"]),
    st.text(max_size=60),
    st.integers(2_000, 12_000).map(lambda n: "*" * n),
)
QUERY = st.one_of(
    st.just(""),
    st.lists(st.tuples(st.one_of(NAMES, st.text(max_size=8)), VALUE), max_size=4).map(
        lambda pairs: "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    ),
    st.sampled_from(["%ff%fe=%fe", "q=%01", "q=%EF%BF%BE", "&&==&", "q", "q=%zz", "a=1;b=2"]),
)
LATIN1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
HOSTS = st.one_of(
    st.sampled_from(["localhost", "127.0.0.1:5000", "[::1]:8080", "a" * 64 + ".org", "a..b"]),
    st.sampled_from(["example.org:99999", "xn--e-ssa.com", "[::1", "", " ", "é.org", "a_b.org"]),
    st.text(LATIN1, max_size=80),
)
HEADER_NAMES = st.sampled_from(
    ["Accept", "Accept-Language", "If-None-Match", "If-Modified-Since", "Range", "Cookie"]
    + ["Content-Type", "Content-Length", "X-Forwarded-Host", "X-Forwarded-Proto", "Origin"]
    + ["Referer", "Authorization", "Accept-Encoding"]
)
HEADERS = st.builds(
    lambda host, others: ({"Host": host} if host is not None else {}) | others,
    st.one_of(st.none(), st.none(), st.none(), HOSTS),  # mostly the client's own host
    st.dictionaries(HEADER_NAMES, st.text(LATIN1, max_size=100), max_size=4),
)
METHODS = st.sampled_from(
    ["GET"] * 16 + ["HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "x"]
)


def _rules(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules())


def _variable(spec: str) -> st.SearchStrategy[str]:
    """A value for a route variable (``doc_id``, ``int:number``): mostly real, often junk."""
    real = VARIABLES.get(spec.rpartition(":")[2], REAL)
    return st.one_of(real, real, SEGMENT)


@st.composite
def paths(draw, rules: list[str]) -> str:
    """A real route with its variables filled with junk, or a path made of junk segments."""
    if draw(st.integers(0, 3)):
        parts = draw(st.sampled_from(rules)).replace(">", "<").split("<")
        path = "".join(draw(_variable(part)) if n % 2 else part for n, part in enumerate(parts))
    else:
        path = "/" + "/".join(draw(st.lists(SEGMENT, min_size=1, max_size=5)))
    return path + draw(st.sampled_from(["", "", "", "", "/", "//", "/" + draw(SEGMENT)]))


def check(response, method: str) -> None:
    """What every answer must be: no 5xx, the security headers, an error that says what."""
    body = response.get_data()
    assert response.status_code < 500, body[:500]
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    assert not missing, (response.status_code, missing)
    if response.status_code >= 400 and method != "HEAD":
        if response.mimetype == "application/json":
            error = json.loads(body)["error"]
            assert error["code"] and error["message"]
        else:
            assert response.mimetype == "text/html" and b"<h1>" in body
    if response.status_code == 200 and response.mimetype in XML_TYPES and method != "HEAD":
        ET.fromstring(body)  # raises if it is not well-formed XML


@settings(max_examples=600, **SETTINGS)
@given(data=st.data())
def test_no_request_is_a_5xx_or_loses_the_security_headers(app, data):
    method, path = data.draw(METHODS), data.draw(paths(_rules(app)))
    query, headers = data.draw(QUERY), data.draw(HEADERS)
    response = call(app, method, path, query, headers)
    event(f"{method if method in ('GET', 'HEAD') else 'other'} {response.status_code}")  # the mix
    check(response, method)


@pytest.fixture
def public_app(archive_root, sqlite_archive, make_archive):
    """The same archive as served in public: a base URL and trusted hosts."""
    archive = make_archive(
        archive_root,
        base_url="https://archive.example.org",
        trusted_hosts=("archive.example.org", ".example.net"),
    )
    return create_app({"TESTING": True}, archive=archive)


@settings(max_examples=100, **SETTINGS)
@given(data=st.data())
def test_no_request_to_a_public_site_is_a_5xx(public_app, data):
    host = data.draw(st.one_of(st.sampled_from(["archive.example.org", "www.example.net"]), HOSTS))
    method, path = data.draw(METHODS), data.draw(paths(_rules(public_app)))
    headers = data.draw(HEADERS) | {"Host": host}
    check(call(public_app, method, path, data.draw(QUERY), headers), method)


@pytest.mark.parametrize(
    ("method", "path", "query", "headers"),
    [
        ("GET", "/search.atom", "q=%01", {}),
        ("GET", "/feeds/documents.atom", "q=%EF%BF%BE", {}),
        ("GET", "/", "", {"Host": "a" * 64 + ".example.org"}),
        ("GET", "/documents", "", {"Host": "a..b"}),
        ("GET", f"/documents/{STONE}", "", {"Host": "example.org:99999"}),
        ("GET", "/documents/" + "x" * 20_000, "", {}),
        ("GET", f"/documents/{STONE}/v99999999999999999999999", "", {}),
        ("GET", f"/documents/{STONE}/v1/q/0-99999999999999999999", "", {}),
        ("GET", "/search", "page=99999999999999999999", {}),
        ("GET", "/timeline.svg", "from=9999-99", {}),
        ("GET", "/api/v1/quotes/resolve", f"document={STONE}&exact=%00", {}),
        ("GET", "/static/site.css", "", {"Range": "bytes=999999-"}),
        ("GET", "/static/%2e%2e/README.md", "", {}),
        ("POST", "/search", "", {"Content-Type": "text/plain", "Content-Length": "x"}),
        ("HEAD", "/timeline.ics", "", {"If-None-Match": '"' * 100}),
    ],
)
def test_known_hostile_requests(app, method, path, query, headers):
    check(call(app, method, path, query, headers), method)
