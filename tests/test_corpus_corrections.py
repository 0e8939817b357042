"""The fact-check of 2026-11-29, on the built archive: each corrected fact holds in the current
version, version 1 of each corrected document is still served exactly as archived, the two
duplicate events are withdrawn, the missing events are there, and every source is one click away.

The facts and their sources are in ``../shared/sources/timeline-facts.md`` (its last section).
"""

from __future__ import annotations

import json

import feedparser
import pytest
from lxml import html as lxml_html

from tests.conftest import SHIPPED_DOCUMENTS

LEDGER = SHIPPED_DOCUMENTS / "ledger"
TELEGRAPH_URL = (
    "http://lancashiretelegraph.co.uk/news/18128959."
    "government-launches-grooming-probe-lancashire-kid-cases-hit-624/"
)


def current(client, doc_id: str) -> dict:
    response = client.get(f"/api/v1/documents/{doc_id}")
    assert response.status_code == 200, doc_id
    return response.get_json()


def version(client, doc_id: str, number: int) -> dict:
    response = client.get(f"/api/v1/documents/{doc_id}/v{number}")
    assert response.status_code == 200, (doc_id, number)
    return response.get_json()


def text_of(data: dict) -> str:
    return "\n\n".join(p["text"] for p in data["paragraphs"])


def first_entry(doc_id: str) -> dict:
    return json.loads((LEDGER / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines()[0])


# Each correction: the document, a check on its current version, and words version 1 said.
CORRECTIONS = {
    "event-2017-04-03-sexual-communication-offence-in-force": (
        lambda d: (
            d["source"]["publisher"] == "Ministry of Justice"
            and "Ministry of Justice circular 2017/01" in text_of(d)
        ),
        "named as a Home Office circular",
    ),
    "event-2020-09-21-virtual-public-hearing": (
        lambda d: (
            d["date"]["edtf"] == "2020-09-21/2020-10-29"
            and "Day 11, the final day of the substantive hearing" in text_of(d)
        ),
        "From 21 September to 2 October 2020",
    ),
    "event-2022-02-01-investigation-report-published": (
        lambda d: (
            d["source"]["publisher"] == "Independent Inquiry into Child Sexual Abuse"
            and "part L.2" in d["source"]["reference"]
            and d["source"]["url"].endswith("/l2-recommendations")
            and "made six recommendations, numbered Recommendation 1 to 6" in text_of(d)
        ),
        "Source: the response of the Independent Office for Police Conduct",
    ),
    "event-2019-09-11-nspcc-national-grooming-figures": (
        lambda d: (
            "recorded at least 4,373 offences" in text_of(d) and "at least 4,373" in d["summary"]
        ),
        "recorded 4,373 offences",
    ),
    "event-2020-spring-public-hearings": (
        lambda d: d["title"].startswith("Planned for spring 2020"),
        "were due in spring 2020",
    ),
    "event-2019-03-06-core-participant-applications-open": (
        lambda d: (
            d["source"]["title"] == "Preliminary hearing transcript, 2 May 2019"
            and "“On 6 March 2019, the inquiry published an update note”" in text_of(d)
        ),
        "Source: the inquiry's investigation page (2019 version).",
    ),
    "event-2019-12-28-national-exploitation-figures-reported": (
        lambda d: (
            "suspected victims of child sexual exploitation" in d["title"]
            and "home-office" in d["organisation_keys"]
        ),
        "suspected child victims of exploitation",
    ),
}


@pytest.mark.parametrize("doc_id", sorted(CORRECTIONS))
def test_each_corrected_fact_holds_and_version_1_is_unchanged(client, doc_id):
    holds, old_words = CORRECTIONS[doc_id]
    latest = current(client, doc_id)
    assert latest["version"]["number"] >= 2
    assert holds(latest), doc_id
    assert latest["change_note"], "a correction says what it changed"
    v1 = version(client, doc_id, 1)
    archived = first_entry(doc_id)
    assert text_of(v1) == archived["canonical"]["text"]  # exactly as archived, for ever
    assert v1["version"]["sha256"] == archived["sha256"]
    assert old_words in archived["canonical"]["text"] + archived["metadata"]["title"]
    assert old_words in text_of(v1) + v1["title"]


@pytest.mark.parametrize(
    "doc_id",
    ["home-office-leave-no-stone-unturned", "home-office-iicsa-purpose"],
)
def test_home_office_words_are_reported_by_the_telegraph_and_first_by_the_independent(
    client, doc_id
):
    data = current(client, doc_id)
    assert data["provenance"]["sentence"] == (
        "said by the Home Office, c. December 2019;"
        " as reported in the Lancashire Telegraph, c. 28–31 December 2019;"
        " first reported by The Independent, 28 December 2019"
    )
    assert data["source"]["url"] == TELEGRAPH_URL
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "first reported by The Independent, 28 December 2019" in page
    assert f'href="https://web.archive.org/web/*/{TELEGRAPH_URL}"' in page


@pytest.mark.parametrize(
    "doc_id",
    ["event-2019-09-nspcc-lancashire-figures", "event-2019-12-lancashire-telegraph-article"],
)
def test_the_duplicate_events_are_withdrawn_and_still_readable(client, doc_id):
    assert client.get(f"/documents/{doc_id}").status_code == 410
    assert client.get(f"/documents/{doc_id}/v1").status_code == 200
    timeline = client.get("/api/v1/timeline").get_json()
    assert doc_id not in json.dumps(timeline)


@pytest.mark.parametrize(
    ("doc_id", "edtf", "in_words"),
    [
        ("event-2019-05-themes-and-case-study-areas-chosen", "2019-05", "May 2019"),
        ("event-2020-03-virtual-hearing-consultation", "2020-03-23/2020-03-27", "23–27 March 2020"),
        ("event-2020-10-29-final-hearing-day", "2020-10-29", "29 October 2020"),
        ("event-2022-07-27-government-response-published", "2022-07-27", "27 July 2022"),
    ],
)
def test_the_missing_events_are_on_the_timeline(client, doc_id, edtf, in_words):
    data = current(client, doc_id)
    assert (data["date"]["edtf"], data["date"]["in_words"]) == (edtf, in_words)
    assert data["source"]["publisher"]
    entries = client.get("/api/v1/timeline").get_json()
    found = [e for e in json.dumps(entries).split('"id": ') if e.startswith(f'"{doc_id}"')]
    assert found, f"{doc_id} is not on the timeline"


def test_every_statement_article_and_report_links_its_source(client):
    checked = 0
    for path in sorted(SHIPPED_DOCUMENTS.glob("*.md")):
        data = current(client, path.stem)
        if data["kind"] == "event":
            continue
        url = data["source"].get("url") or ""
        assert url.startswith(("https://", "http://")), path.stem
        checked += 1
    assert checked >= 5  # three statements, the article and the report


def test_the_telegraph_article_is_dated_c_28_to_31_december_2019(client):
    data = current(client, "lancashire-telegraph-grooming-probe-624")
    assert data["date"]["in_words"] == "c. 28–31 December 2019"
    assert "not accurate: the investigation was announced on 27 November 2015" in text_of(data)


def test_one_name_per_organisation_on_pages(client):
    joint = current(client, "lancashire-police-lcc-joint-statement-cse")
    names = [o["name"] for o in joint["document"]["organisations"]]
    assert names == ["Lancashire County Council", "Lancashire Police"] or names == [
        "Lancashire Police",
        "Lancashire County Council",
    ]
    police = client.get("/api/v1/organisations/lancashire-police").get_json()
    organisation = police.get("organisation", police)
    assert organisation["formal_name"] == "Lancashire Constabulary"
    assert organisation["name"] == "Lancashire Police"


def test_the_corrections_page_and_feed_show_the_corrections_with_their_notes(client):
    tree = lxml_html.fromstring(client.get("/corrections").get_data(as_text=True))
    item = tree.xpath("//li[@id='c-event-2020-09-21-virtual-public-hearing-v2']")[0]
    note = item.xpath(".//p[@class='change-note']")[0].text_content()
    assert note.startswith("Corrected: the hearing ended on 29 October 2020")
    changes = [li.text_content() for li in item.xpath(".//ul[@class='meta-changes']/li")]
    assert "date: 2020-09-21/2020-10-02 → 2020-09-21/2020-10-29" in changes
    assert any(c.startswith("source.url: (none) → https://www.iicsa.org.uk/") for c in changes)
    feed = feedparser.parse(client.get("/feeds/documents.atom").get_data(as_text=True))
    summaries = " ".join(entry.get("summary", "") for entry in feed.entries)
    assert "the NSPCC's figure is “at least” 4,373 offences" in summaries
