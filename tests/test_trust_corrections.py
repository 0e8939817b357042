"""Corrections as new versions with change notes: the history page, the corrections page (and
its JSON twin), and the documents feed, each saying what changed and when it was archived."""

from __future__ import annotations

import datetime as dt

import feedparser
from lxml import html as lxml_html

from tests.trust_helpers import STATEMENT, correct_statement, document_file, edit
from webapp import create_app

pytest_plugins = ("tests.trust_fixtures",)

NOTE = "Fixture County Council was named in error; a word of the statement was corrected."


def test_the_corrections_page_lists_each_correction_with_its_note_and_diff(
    trust_client, trust_root, trust_archive
):
    empty = lxml_html.fromstring(trust_client.get("/corrections").get_data(as_text=True))
    assert empty.xpath("//p[@class='empty']")[0].text == "No document has been corrected yet."
    correct_statement(trust_root, trust_archive, NOTE)
    tree = lxml_html.fromstring(trust_client.get("/corrections").get_data(as_text=True))
    (item,) = tree.xpath("//li[@class='correction']")
    assert item.get("id") == f"c-{STATEMENT}-v2"
    assert item.xpath(".//p[@class='change-note']")[0].text_content() == NOTE
    assert item.xpath(".//del")[0].text_content() == "keep"
    assert [e.text_content() for e in item.xpath(".//ins")] == ["go on"]
    assert item.xpath(".//a[contains(@href, '/v2')]") and item.xpath(".//a[contains(@href, '/v1')]")
    changed = [li.text_content() for li in item.xpath(".//ul[@class='meta-changes']/li")]
    assert changed == [
        "organisations: fixture-police, fixture-council → fixture-police"
    ]  # the note itself is not listed as a metadata change


def test_corrections_json_twin_is_newest_first(trust_client, trust_root, trust_archive):
    correct_statement(trust_root, trust_archive, NOTE)
    report = document_file(trust_root, "fx-charity-report")
    edit(report, "Its figures are made up.", "Its figures are all made up.")
    trust_archive.build()
    data = trust_client.get("/api/v1/corrections").get_json()
    assert data["total"] == 2
    first, second = data["corrections"]
    assert (first["document"]["id"], first["version"]["number"]) == ("fx-charity-report", 2)
    assert first["change_note"] is None  # none was written: the page says so
    assert (second["document"]["id"], second["change_note"]) == (STATEMENT, NOTE)
    assert first["archived_at"] >= second["archived_at"]
    assert {"op": "insert", "text": "all "} in first["diff"]
    assert "/api/v1/corrections" in trust_client.get("/api/v1/openapi.json").get_json()["paths"]


def test_a_note_left_in_the_file_belongs_to_the_version_that_brought_it(
    trust_client, trust_root, trust_archive
):
    correct_statement(trust_root, trust_archive, NOTE)
    edit(document_file(trust_root, STATEMENT), "go on doing so.", "go on doing so, always.")
    trust_archive.build()  # version 3, the same change_note still in the file
    history = trust_client.get(f"/api/v1/documents/{STATEMENT}/history").get_json()
    notes = {v["number"]: v["change_note"] for v in history["versions"]}
    assert notes == {3: None, 2: NOTE, 1: None}
    page = lxml_html.fromstring(
        trust_client.get(f"/documents/{STATEMENT}/history").get_data(as_text=True)
    )
    (shown,) = page.xpath("//p[@class='change-note']")
    assert shown.text_content() == f"What changed: {NOTE}"
    v2 = lxml_html.fromstring(trust_client.get(f"/documents/{STATEMENT}/v2").get_data(as_text=True))
    assert v2.xpath("//dd[@class='change-note']")[0].text_content() == NOTE


def test_the_documents_feed_says_what_changed_dated_when_it_was_archived(
    trust_client, trust_root, trust_archive
):
    correct_statement(trust_root, trust_archive, NOTE)
    feed = feedparser.parse(trust_client.get("/feeds/documents.atom").get_data())
    assert not feed.bozo
    newest = feed.entries[0]
    assert newest.title.startswith("Changed (version 2): Fixture Police and Fixture County")
    assert newest.summary == f"What changed: {NOTE}"
    version = trust_client.get(f"/api/v1/documents/{STATEMENT}/v2").get_json()["version"]
    archived = dt.datetime.fromisoformat(version["archived_at"])
    assert dt.datetime(*newest.updated_parsed[:6], tzinfo=dt.UTC) == archived
    first = next(e for e in feed.entries if e.link.endswith(f"/{STATEMENT}/v1"))
    assert first.title.startswith("New: ")
    v1 = trust_client.get(f"/api/v1/documents/{STATEMENT}/v1").get_json()["version"]
    assert dt.datetime(*first.updated_parsed[:6], tzinfo=dt.UTC) == dt.datetime.fromisoformat(
        v1["archived_at"]
    )


def test_corrections_and_the_feed_on_both_databases(trust_root, database_url, make_archive):
    archive = make_archive(trust_root, database_url)
    assert not archive.build().problems
    correct_statement(trust_root, archive, NOTE)
    client = create_app({"TESTING": True}, archive=archive).test_client()
    (only,) = client.get("/api/v1/corrections").get_json()["corrections"]
    assert (only["document"]["id"], only["change_note"]) == (STATEMENT, NOTE)
    feed = feedparser.parse(client.get("/feeds/documents.atom").get_data())
    assert feed.entries[0].summary == f"What changed: {NOTE}"
    names = client.get("/api/v1/organisations/fixture-police").get_json()["organisation"]
    assert names["aliases"] == ["Fixture Constabulary Service"]  # migration 0006 on this database
