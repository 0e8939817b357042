"""The timeline holds for the shipped corpus as well as for the fixtures: every current document
appears once, in order, the hearings marker closes the road to the hearings, and the overview and
the TimelineJS3 export carry every entry."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from archive.dates import parse_date
from tests.conftest import SHIPPED_DOCUMENTS, copy_corpus
from tests.test_timeline import TIMELINE_FIXTURES
from tests.test_timeline_exports import validate_timelinejs


@pytest.fixture(params=["shipped", "fixtures"])
def corpus_client(request, tmp_path, make_archive):
    from webapp import create_app

    source = SHIPPED_DOCUMENTS if request.param == "shipped" else TIMELINE_FIXTURES
    archive = make_archive(copy_corpus(source, tmp_path / "root"))
    report = archive.build()
    assert not report.problems, report.problems
    return create_app({"TESTING": True}, archive=archive).test_client()


def test_every_document_is_on_the_timeline_once_in_order(corpus_client):
    data = corpus_client.get("/api/v1/timeline").get_json()
    sections = {
        s["key"]: [e for y in s["years"] for m in y["months"] for e in m["entries"]]
        for s in data["sections"]
    }
    entries = sections["before"] + sections["after"]
    documents = corpus_client.get("/api/v1/documents").get_json()["documents"]
    assert sorted(e["id"] for e in entries) == sorted(d["id"] for d in documents)
    assert [e["number"] for e in entries] == list(range(1, len(entries) + 1))
    for section in sections.values():
        dated = [e for e in section if e["section"] != "hearings"]
        keys = [(parse_date(e["date"]["edtf"]).sort_key, e["title"].casefold()) for e in dated]
        assert keys == sorted(keys)
    if data["hearings"]:
        assert sections["before"][-1]["id"] == data["hearings"]["id"]
        assert all(e["relation_to_hearings"] for e in entries)
    for entry in entries:
        if entry["quote"]:
            doc = corpus_client.get(f"/api/v1/documents/{entry['id']}").get_json()
            quote = entry["quote"]
            assert doc["canonical_text"][quote["start"] : quote["end"]] == quote["text"]


def test_overview_and_timelinejs_carry_every_entry(corpus_client):
    total = corpus_client.get("/api/v1/timeline").get_json()["total"]
    svg = ET.fromstring(corpus_client.get("/timeline.svg").data)
    marks = [a for a in svg.iter("{http://www.w3.org/2000/svg}a") if "mark" in a.get("class")]
    assert len(marks) == total
    export = corpus_client.get("/timeline.json?format=timelinejs").get_json()
    validate_timelinejs(export)
    assert len(export["events"]) == total


def test_words_filter_goes_through_search(client):
    """`q` on the timeline is the search's query language: stems match, phrases are exact."""

    def ids(q):
        data = client.get("/api/v1/timeline", query_string={"q": q}).get_json()
        assert data["q_matched_by"] == "search"
        return {
            e["id"]
            for section in data["sections"]
            for year in section["years"]
            for month in year["months"]
            for e in month["entries"]
        }

    phrase = ids('"leave no stone unturned"')
    assert "home-office-leave-no-stone-unturned" in phrase
    assert "lancashire-police-lcc-joint-statement-cse" not in phrase
    assert "nspcc-lancashire-grooming-crimes-2019" in ids("groomed")  # stemmed: grooming
