"""What a reader sees of the trust work: one name per organisation everywhere, every source one
click away (and its captures at the Internet Archive), who said it and where it was reported said
the same way by pages, JSON, citations and exports, and old versions that keep naming the
organisations they named. On the fictional corpus in tests/fixtures/trust/."""

from __future__ import annotations

import csv
import io

import bibtexparser
import icalendar
from lxml import html as lxml_html

from archive.organisation_names import document_names
from tests.trust_helpers import GAZETTE_URL, STATEMENT, correct_statement, edit

pytest_plugins = ("tests.trust_fixtures",)  # the trust corpus fixtures

PROVENANCE = (
    "Said by Fixture Police and Fixture County Council, c. December 2019; as reported in the"
    " Fixture Gazette, c. December 2019."
)
CAPTURES = f"https://web.archive.org/web/*/{GAZETTE_URL}"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.get_data(as_text=True))


def texts(tree, xpath) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def test_one_name_on_pages_dropdowns_and_facets(trust_client, trust_root, trust_archive):
    # An old-style second name is an alias now: no page shows it, nor the formal name.
    orgs = trust_root / "documents" / "organisations.yaml"
    edit(
        orgs,
        "  name: Fixture Police\n",
        "  name: Fixture Police\n  short_name: Fixtureshire Police\n",
    )
    trust_archive.build()
    document = page(trust_client, f"/documents/{STATEMENT}")
    assert texts(document, "//p[@class='kicker']/a") == ["Fixture County Council", "Fixture Police"]
    listing = page(trust_client, "/documents")
    assert "Fixture Police" in texts(listing, "//select[@id='f-org']/option")
    timeline = page(trust_client, "/timeline")
    assert "Fixture Police" in texts(timeline, "//select[@id='tl-org']/option")
    assert "Fixture Police" in texts(timeline, "//a[contains(@class, 'tl-org')]")
    search = page(trust_client, "/search?q=chance")
    assert "Fixture Police" in texts(search, "//aside[@class='facets']//a")
    for tree in (document, listing, timeline, search):
        assert (
            "Fixtureshire Constabulary" not in tree.text_content()
        )  # the formal name is not shown


def test_organisations_json_keeps_the_formal_name_and_aliases(trust_client):
    data = trust_client.get("/api/v1/organisations/fixture-police").get_json()["organisation"]
    assert data["name"] == data["short_name"] == "Fixture Police"
    assert data["formal_name"] == "Fixtureshire Constabulary"
    assert data["aliases"] == ["Fixture Constabulary Service"]


def test_search_can_index_every_name_of_a_documents_organisations(trust_archive):
    with trust_archive.session() as session:
        names = document_names(session, [STATEMENT])
    assert names[STATEMENT] == (
        "Fixture County Council",
        "Fixture Police",
        "Fixtureshire Constabulary",
        "Fixture Constabulary Service",
    )


def test_every_source_is_one_click_away_with_its_captures(trust_client):
    document = page(trust_client, f"/documents/{STATEMENT}")
    assert document.xpath(f"//a[@class='source-link'][@href='{GAZETTE_URL}']")
    assert document.xpath(f"//a[@class='captures-link'][@href='{CAPTURES}']")
    quote = page(trust_client, f"/documents/{STATEMENT}/v1/q/86-109")
    assert quote.xpath(f"//a[@class='captures-link'][@href='{CAPTURES}']")
    source = trust_client.get(f"/api/v1/documents/{STATEMENT}").get_json()["source"]
    assert source["url"] == GAZETTE_URL and source["captures_url"] == CAPTURES


def test_a_source_without_an_address_says_so(trust_client, trust_root, trust_archive):
    path = trust_root / "documents" / "fx-charity-report.md"
    path.write_text(path.read_text().replace("  url: https://example.org/fcpc/figures-2019\n", ""))
    trust_archive.build()
    document = page(trust_client, "/documents/fx-charity-report")
    assert not document.xpath("//a[@class='captures-link']")
    (note,) = texts(document, "//span[@class='no-source-url']")
    assert note == "The archive does not yet record an address for this source (FCPC)."


def test_who_said_it_and_where_it_was_reported_is_said_the_same_everywhere(trust_client):
    document = page(trust_client, f"/documents/{STATEMENT}")
    assert texts(document, "//p[@id='provenance']") == [PROVENANCE]
    quote = page(trust_client, f"/documents/{STATEMENT}/v1/q/86-109")
    assert texts(quote, "//dd[@class='provenance-sentence']") == [PROVENANCE]
    data = trust_client.get(f"/api/v1/documents/{STATEMENT}/v1/q/86-109").get_json()
    assert data["provenance"]["sentence"][0].upper() + data["provenance"]["sentence"][1:] + "." == (
        PROVENANCE
    )
    assert data["provenance"]["reported"] is True
    oscola = data["citations"]["oscola"]["entries"]
    note = next(e["text"] for e in oscola if e["kind"] == "note")
    assert note.startswith("Fixture Police and Fixture County Council, ‘Fixture Police and")
    assert note.endswith(
        ", as reported in ‘Fixture town cases reach new high’ Fixture Gazette (c December 2019)."
    )
    bibtex = data["citations"]["bibtex"]["entries"][0]["text"]
    entry = bibtexparser.parse_string(bibtex).entries[0]
    assert entry["note"].startswith("As reported in the Fixture Gazette, c. December 2019")


def test_the_embed_ends_with_one_full_stop_and_links_the_permalink(trust_client):
    data = trust_client.get(f"/api/v1/documents/{STATEMENT}/v1/q/86-109").get_json()
    assert data["quote"]["text"] == "leave nothing to chance"
    embed = data["embed"]
    assert ".." not in embed
    footer = lxml_html.fromstring(embed).xpath("//footer")[0]
    assert footer.text_content().endswith("(c December 2019).")
    assert footer.xpath("a/@href") == [data["quote"]["url"]]


def test_an_old_version_names_an_organisation_a_later_version_dropped(
    trust_client, trust_root, trust_archive, run_cli
):
    correct_statement(trust_root, trust_archive, "Fixture County Council was named in error.")
    old = page(trust_client, f"/documents/{STATEMENT}/v1")
    assert texts(old, "//p[@class='kicker']/a") == ["Fixture Police", "Fixture County Council"]
    current = page(trust_client, f"/documents/{STATEMENT}")
    assert texts(current, "//p[@class='kicker']/a") == ["Fixture Police"]
    data = trust_client.get(f"/api/v1/documents/{STATEMENT}/v1").get_json()
    assert [o["name"] for o in data["document"]["organisations"]] == [
        "Fixture Police",
        "Fixture County Council",
    ]
    result = run_cli(trust_root, "cite", f"http://localhost/documents/{STATEMENT}/v1")
    assert result.output.startswith("Fixture Police and Fixture County Council, ‘Fixture Police")
    assert "fixture-council" not in result.output


def test_timeline_exports_say_who_said_it_and_where_as_the_pages_do(trust_client):
    sentence = PROVENANCE[0].lower() + PROVENANCE[1:-1]  # the page's sentence, in running text
    text = trust_client.get("/timeline.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    (row,) = [r for r in rows if r["id"] == STATEMENT]
    assert row["provenance"] == sentence
    entries = trust_client.get("/api/v1/timeline").get_json()["sections"]
    found = [
        e
        for section in entries
        for year in section["years"]
        for month in year["months"]
        for e in month["entries"]
        if e["id"] == STATEMENT
    ]
    assert found[0]["provenance"] == sentence
    calendar = icalendar.Calendar.from_ical(trust_client.get("/timeline.ics").get_data())
    descriptions = [str(e["description"]) for e in calendar.walk("VEVENT")]
    assert any(
        "Published in the Fixture Gazette, 28 December 2019." in d for d in descriptions
    )  # the article, the one entry dated to a day
