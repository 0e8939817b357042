"""Machine-readable metadata on every page: schema.org JSON-LD expanded by a real JSON-LD
processor (pyld) with valid ISO 8601 dates no more precise than the source, the EDTF beside
them; Open Graph and Twitter card tags, a meta description, a canonical link and a favicon;
Highwire ``citation_*`` tags whose dates and authors a reference manager can trust.

The test machine has no network, so pyld is given the part of schema.org's own JSON-LD context
these pages use (tests/fixtures/schemaorg-context.jsonld: ``@vocab`` and the ``schema:Date``
and ``@id`` coercions of schema.org's context); every property and type is then checked against
the schema.org terms below, so a misspelled or invented one fails.
"""

from __future__ import annotations

import json
import re

import isodate
import pytest
from lxml import html as lxml_html
from pyld import jsonld

from archive.dates import parse_date
from tests.conftest import FIXTURES
from tests.trust_helpers import STATEMENT

pytest_plugins = ("tests.trust_fixtures",)

SCHEMA = "https://schema.org/"
EDTF_PROPERTY = "https://www.loc.gov/standards/datetime/#date"
EDTF_TYPE = "http://id.loc.gov/datatypes/edtf/EDTF"
TYPES = {"WebPage", "AboutPage", "WebSite", "CreativeWork", "NewsArticle", "Report", "Quotation"}
TYPES |= {"Organization"}
PROPERTIES = {
    "name", "description", "url", "isPartOf", "inLanguage", "author", "datePublished",
    "publisher", "isBasedOn", "version", "identifier", "text", "spokenByCharacter",
}  # fmt: skip
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # ISO 8601 calendar date, reduced precision
PAGES = [
    "/",
    "/documents",
    "/documents?org=fixture-police",
    f"/documents/{STATEMENT}",
    f"/documents/{STATEMENT}/v1",
    f"/documents/{STATEMENT}/history",
    f"/documents/{STATEMENT}/v1/q/86-109",
    "/documents/fx-gazette-article/v1",
    "/documents/fx-charity-report",
    "/documents/fx-hearings-event/v1",
    "/search?q=chance",
    "/timeline",
    "/organisations",
    "/organisations/fixture-police",
    "/about",
    "/editorial-policy",
    "/corrections",
]


def _loader(url, options=None):
    if url.rstrip("/") != SCHEMA.rstrip("/"):
        raise AssertionError(f"JSON-LD asked for a context other than schema.org's: {url}")
    document = json.loads((FIXTURES / "schemaorg-context.jsonld").read_text())
    return {"contextUrl": None, "documentUrl": url, "document": document}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.get_data(as_text=True))


def meta(tree, attribute, name) -> str:
    (value,) = tree.xpath(f"//meta[@{attribute}='{name}']/@content")
    return value


def linked_data(tree) -> dict:
    (script,) = tree.xpath("//script[@type='application/ld+json']")  # one per page
    return json.loads(script.text)


def check_node(node, dates: list[str]) -> None:
    """Walk expanded JSON-LD: schema.org terms only, and every schema:Date an ISO 8601 date."""
    if isinstance(node, list):
        for item in node:
            check_node(item, dates)
        return
    if not isinstance(node, dict) or "@value" in node:
        return
    for type_iri in node.get("@type", []):
        assert type_iri.removeprefix(SCHEMA) in TYPES, type_iri
    for key, values in node.items():
        if key.startswith("@"):
            continue
        if key == EDTF_PROPERTY:
            for value in values:
                assert value["@type"] == EDTF_TYPE
                parse_date(value["@value"])  # a valid EDTF date
            continue
        assert key.startswith(SCHEMA) and key.removeprefix(SCHEMA) in PROPERTIES, key
        for value in values:
            if isinstance(value, dict) and value.get("@type") == SCHEMA + "Date":
                assert ISO_DATE.match(value["@value"]), (key, value)
                isodate.parse_date(value["@value"])
                dates.append(value["@value"])
        check_node(values, dates)


def expanded_dates(data: dict) -> list[str]:
    expanded = jsonld.expand(data, {"documentLoader": _loader})
    assert expanded, data
    dates: list[str] = []
    check_node(expanded, dates)
    return dates


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_valid_json_ld_and_open_graph(trust_client, url):
    tree = parse(trust_client, url)
    expanded_dates(linked_data(tree))
    (canonical,) = tree.xpath("//link[@rel='canonical']/@href")
    assert canonical.startswith("http://localhost/")
    assert meta(tree, "property", "og:url") == canonical
    assert meta(tree, "property", "og:title") == meta(tree, "name", "twitter:title")
    assert meta(tree, "property", "og:title").strip()
    assert meta(tree, "property", "og:site_name") == "IICSA organised networks archive"
    assert meta(tree, "property", "og:type") in ("website", "article")
    description = meta(tree, "name", "description")
    assert description.strip() and meta(tree, "property", "og:description") == description
    assert meta(tree, "name", "twitter:card") == "summary"
    (icon,) = tree.xpath("//link[@rel='icon']/@href")
    response = trust_client.get(icon)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    response.close()
    footer = tree.xpath("//footer[@class='site wrap']//a/@href")
    assert {"/about", "/editorial-policy", "/corrections"} <= set(footer)


@pytest.mark.parametrize(
    ("url", "published", "highwire"),
    [
        ("/documents/fx-gazette-article/v1", "2019-12-28", "2019/12/28"),  # a certain day
        ("/documents/fx-charity-report", "2019-09", "2019/09"),  # an uncertain day: its month
        (f"/documents/{STATEMENT}/v1", "2019", "2019"),  # an approximate month: its year
        ("/documents/fx-hearings-event/v1", "2020", "2020"),  # spring 2020: the year, no day
    ],
)
def test_dates_for_machines_are_never_more_precise_than_the_source(
    trust_client, url, published, highwire
):
    tree = parse(trust_client, url)
    data = linked_data(tree)
    assert data["datePublished"] == published
    assert expanded_dates(data)[0] == published
    assert meta(tree, "name", "citation_publication_date") == highwire
    edtf = trust_client.get("/api/v1" + url).get_json()["date"]["edtf"]
    assert data["dateEDTF"] == edtf  # the exact date, in its own property


def test_an_event_is_authored_by_its_sources_publisher_not_the_archive(trust_client):
    tree = parse(trust_client, "/documents/fx-hearings-event/v1")
    assert tree.xpath("//meta[@name='citation_author']/@content") == ["Fixture Gazette"]
    assert [a["name"] for a in linked_data(tree)["author"]] == ["Fixture Gazette"]
    assert meta(tree, "property", "og:type") == "article"


def test_version_tags_name_the_version_and_its_short_hash(trust_client):
    tree = parse(trust_client, f"/documents/{STATEMENT}/v1")
    version = trust_client.get(f"/api/v1/documents/{STATEMENT}/v1").get_json()["version"]
    assert meta(tree, "name", "citation_version") == f"1, {version['short_hash']}"
    data = linked_data(tree)
    assert data["version"] == "1" and data["identifier"] == f"sha256:{version['sha256']}"
    based = data["isBasedOn"]
    assert based["url"] == "https://example.org/gazette/2019/12/fixture-cases"
    assert (based["datePublished"], based["dateEDTF"]) == ("2019", "2019-12~")
    current = parse(trust_client, f"/documents/{STATEMENT}")
    assert not current.xpath("//meta[@name='citation_version']")  # the page that changes


def test_the_canonical_link_leaves_out_search_highlighting(trust_client):
    tree = parse(trust_client, f"/documents/{STATEMENT}?hl=chance")
    (canonical,) = tree.xpath("//link[@rel='canonical']/@href")
    assert canonical == f"http://localhost/documents/{STATEMENT}"


def test_the_quote_page_is_a_quotation_of_its_version(trust_client):
    data = linked_data(parse(trust_client, f"/documents/{STATEMENT}/v1/q/86-109"))
    assert data["@type"] == "Quotation"
    assert data["text"] == "leave nothing to chance"
    assert data["isBasedOn"]["url"] == f"http://localhost/documents/{STATEMENT}/v1"
    assert [a["name"] for a in data["author"]] == ["Fixture Police", "Fixture County Council"]
