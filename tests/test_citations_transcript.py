"""Citations of a hearing transcript, as lawyers cite one: the day of hearings, and the
paragraph (the archive's numbered turn) as the pinpoint. Expected strings written by hand from
the rules in tests/test_citations_kinds.py, with the transcript's descriptor where each guide
puts a document's kind: OSCOLA and Cite Them Right after the title ("Transcript, Day 11"),
APA in the bracketed description ("[Transcript, day 11]"), Chicago as the kind of work
("transcript, day 11"). Fictional data."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import bibtexparser
import jsonschema
import rispy

from archive.citations import Citable, cite
from archive.transcript_pages import PageSpan
from tests.conftest import FIXTURES

URL = "https://archive.example/documents/fx-hearing-day-11/v1/q/212301-212356"
TRANSCRIPT = Citable(
    key="fx-hearing-day-11-v1-q-212301-212356",
    title="Synthetic hearing, day 11",
    authors=("Fixture Inquiry",),
    date_edtf="2031-03-13",
    url=URL,
    accessed=dt.date(2026, 11, 29),
    kind="transcript",
    version=1,
    paragraphs=(1234,),
    quote="the panel met the board twice",
    speaker=None,
    source={"title": "Synthetic transcript", "publisher": "Fixture Inquiry", "via": "transcript"},
    sha256="5ca1ab1e" + "0" * 56,
    provenance="Transcript published by Fixture Inquiry",
    hearing_day=11,
)
SITE = "IICSA organised networks archive, version 1, sha256:5ca1ab1e"


def texts(citable, style) -> dict[str, str]:
    return {e["kind"]: e["text"] for e in cite(citable, style)}


def test_transcript_quote_oscola():
    out = texts(TRANSCRIPT, "oscola")
    assert out["note"] == (
        "Fixture Inquiry, ‘Synthetic hearing, day 11’, Transcript, Day 11"
        f" ({SITE}, 13 March 2031) para 1234 <{URL}> accessed 29 November 2026."
    )
    assert out["bibliography"] == (
        "Fixture Inquiry, ‘Synthetic hearing, day 11’, Transcript, Day 11"
        f" ({SITE}, 13 March 2031) <{URL}> accessed 29 November 2026"
    )
    assert out["quotation"] == "‘the panel met the board twice’¹"


def test_transcript_quote_apa():
    out = texts(TRANSCRIPT, "apa")
    assert out["reference"] == (
        "Fixture Inquiry. (2031, March 13). Synthetic hearing, day 11"
        " (Version 1, sha256:5ca1ab1e) [Transcript, day 11]. IICSA organised networks archive."
        f" {URL}"
    )
    assert out["in-text"] == "(Fixture Inquiry, 2031, para. 1234)"
    assert out["quotation"] == "“the panel met the board twice” (Fixture Inquiry, 2031, para. 1234)"


def test_transcript_quote_chicago():
    out = texts(TRANSCRIPT, "chicago")
    assert out["note"] == (
        "Fixture Inquiry, ‘Synthetic hearing, day 11’, transcript, day 11,"
        f" {SITE}, 13 March 2031, para. 1234, accessed 29 November 2026, {URL}."
    )
    assert out["bibliography"] == (
        "Fixture Inquiry. ‘Synthetic hearing, day 11’. Transcript, day 11."
        f" {SITE}, 13 March 2031. Accessed 29 November 2026. {URL}."
    )


def test_transcript_quote_harvard():
    out = texts(TRANSCRIPT, "harvard")
    assert out["reference"] == (
        "Fixture Inquiry (2031) Synthetic hearing, day 11. Transcript, Day 11."
        f" {SITE}. Available at: {URL} (Accessed: 29 November 2026)."
    )
    assert out["in-text"] == "(Fixture Inquiry, 2031, para. 1234)"
    assert out["quotation"] == "‘the panel met the board twice’ (Fixture Inquiry, 2031, para. 1234)"


def test_a_transcript_without_a_hearing_day_is_cited_by_paragraph_alone():
    undated = replace(TRANSCRIPT, hearing_day=None)
    assert texts(undated, "oscola")["note"].startswith(
        f"Fixture Inquiry, ‘Synthetic hearing, day 11’ ({SITE}, 13 March 2031) para 1234 <"
    )
    assert "[Transcript]" in texts(undated, "apa")["reference"]


def test_transcript_in_the_data_formats():
    (entry,) = bibtexparser.parse_string(texts(TRANSCRIPT, "bibtex")["entry"]).entries
    assert entry["title"] == "{Synthetic hearing, day 11}"
    assert entry["url"] == URL
    assert "para 1234" in entry["howpublished"]
    (record,) = rispy.loads(texts(TRANSCRIPT, "ris")["entry"])
    assert record["title"] == TRANSCRIPT.title
    assert record["authors"] == ["Fixture Inquiry"]
    schema = json.loads((FIXTURES / "csl-data.schema.json").read_text())
    (item,) = json.loads(texts(TRANSCRIPT, "csl-json")["entry"])
    jsonschema.validate([item], schema)
    assert item["genre"] == "transcript, day 11"
    assert item["locator"] == "1234"


# The same quote in a transcript whose front matter gives its pages and lines (the official
# transcript's page 45, lines 3 to 12): every style pins it there instead of the paragraph.
PAGED = replace(TRANSCRIPT, pages=PageSpan(45, 3, 45, 12))


def test_paged_transcript_quote_oscola():
    out = texts(PAGED, "oscola")
    assert out["note"] == (
        "Fixture Inquiry, ‘Synthetic hearing, day 11’, Transcript, Day 11"
        f" ({SITE}, 13 March 2031) page 45, lines 3–12 <{URL}> accessed 29 November 2026."
    )
    assert out["bibliography"] == texts(TRANSCRIPT, "oscola")["bibliography"]


def test_paged_transcript_quote_apa():
    out = texts(PAGED, "apa")
    assert out["in-text"] == "(Fixture Inquiry, 2031, p. 45, lines 3–12)"
    assert out["quotation"] == (
        "“the panel met the board twice” (Fixture Inquiry, 2031, p. 45, lines 3–12)"
    )


def test_paged_transcript_quote_chicago():
    assert texts(PAGED, "chicago")["note"] == (
        "Fixture Inquiry, ‘Synthetic hearing, day 11’, transcript, day 11,"
        f" {SITE}, 13 March 2031, page 45, lines 3–12, accessed 29 November 2026, {URL}."
    )


def test_paged_transcript_quote_harvard():
    out = texts(PAGED, "harvard")
    assert out["in-text"] == "(Fixture Inquiry, 2031, p. 45, lines 3–12)"
    assert out["quotation"] == (
        "‘the panel met the board twice’ (Fixture Inquiry, 2031, p. 45, lines 3–12)"
    )


def test_paged_transcript_across_pages_and_without_lines():
    across = replace(TRANSCRIPT, pages=PageSpan(45, 20, 46, 3))
    assert texts(across, "oscola")["note"].endswith(
        f"13 March 2031) page 45, line 20 to page 46, line 3 <{URL}> accessed 29 November 2026."
    )
    assert (
        texts(across, "apa")["in-text"]
        == "(Fixture Inquiry, 2031, p. 45, line 20 to p. 46, line 3)"
    )
    pages_only = replace(TRANSCRIPT, pages=PageSpan(45, None, 46, None))
    assert texts(pages_only, "harvard")["in-text"] == "(Fixture Inquiry, 2031, pp. 45–46)"
    assert texts(pages_only, "chicago")["note"].endswith(
        f"13 March 2031, pages 45–46, accessed 29 November 2026, {URL}."
    )


def test_paged_transcript_in_the_data_formats():
    (entry,) = bibtexparser.parse_string(texts(PAGED, "bibtex")["entry"]).entries
    assert entry["howpublished"] == f"{SITE}, page 45, lines 3–12"
    (record,) = rispy.loads(texts(PAGED, "ris")["entry"])
    assert record["notes"][0] == f"{SITE}, page 45, lines 3–12"
    schema = json.loads((FIXTURES / "csl-data.schema.json").read_text())
    (item,) = json.loads(texts(PAGED, "csl-json")["entry"])
    jsonschema.validate([item], schema)
    assert item["locator"] == "45:3–12"
