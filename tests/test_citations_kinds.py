"""Citations of the four kinds of document in the corpus, in all seven formats, checked against
strings written by hand from each style guide (fictional data, tests/fixtures/trust/):

- a statement reported in an article (approximate month; words a newspaper carried);
- a news article (a certain day);
- a report (an uncertain day), cited as the current page (so APA gives a retrieval date);
- an event with no organisation (a season), whose author is the publisher of its source.

Rules written from (see also tests/test_citations.py):
- OSCOLA 4th edn: Author, ‘Title’ (Website, date) pinpoint <URL> accessed date. — §3.3;
  no full stops in abbreviations ("para", "c"); footnotes end with a full stop,
  bibliography entries do not; quotations in single marks, quotes within them double (§1.6.1).
- APA 7: Group author. (Date). Title (Version) [Description]. Site. URL — §9.8, §10.10,
  §10.16; "ca." for an estimated date; retrieval date only for a page designed to change
  (§9.16); "para." pinpoints (§8.28); short quotations in double marks (§8.25).
- Chicago 17 notes and bibliography, websites (§14.206), with an access date; "ca." for an
  approximate date, "?" after an uncertain one; British punctuation (single marks, commas
  outside); a question mark replaces the full stop that would follow it.
- Cite Them Right (Harvard): Author (Year) Title. Available at: URL (Accessed: date); "c." for
  an approximate year.
Titles keep their archived capitalisation in every style: quoted words inside them are verbatim.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import bibtexparser
import jsonschema
import pytest
import rispy

from archive.citations import Citable, all_citations, cite
from tests.conftest import FIXTURES

ACCESSED = dt.date(2026, 11, 29)
BASE = "https://archive.example/documents"
GAZETTE = {
    "title": "Fixture town cases reach new high",
    "publisher": "Fixture Gazette",
    "url": "https://example.org/gazette/2019/12/fixture-cases",
}

STATEMENT_TITLE = (
    "Fixture Police and Fixture County Council: “leave nothing to chance” on partnership work"
)
STATEMENT = Citable(
    key="fx-reported-statement-v1-q-86-109",
    title=STATEMENT_TITLE,
    authors=("Fixture Police", "Fixture County Council"),
    date_edtf="2019-12~",
    url=f"{BASE}/fx-reported-statement/v1/q/86-109",
    accessed=ACCESSED,
    kind="statement",
    version=1,
    paragraphs=(2,),
    quote="leave nothing to chance",
    speaker="A joint statement from Fixture Police and Fixture County Council",
    source={**GAZETTE, "published": "2019-12~", "via": "as reported in"},
    sha256="e1922916" + "0" * 56,
    provenance="As reported in the Fixture Gazette, c. December 2019",
)
ARTICLE = Citable(
    key="fx-gazette-article-v1",
    title="Fixture Gazette: “Fixture town cases reach new high”",
    authors=("Fixture Gazette",),
    date_edtf="2019-12-28",
    url=f"{BASE}/fx-gazette-article/v1",
    accessed=ACCESSED,
    kind="article",
    version=1,
    source={**GAZETTE, "published": "2019-12-28"},
    sha256="454b1a31" + "0" * 56,
    provenance="Published in the Fixture Gazette, 28 December 2019",
)
REPORT = Citable(
    key="fx-charity-report",
    title="FCPC figures: recorded offences in Fixtureshire, year to April 2019",
    authors=("FCPC",),
    date_edtf="2019-09-11?",
    url=f"{BASE}/fx-charity-report",
    accessed=ACCESSED,
    kind="report",
    source={"title": "Fixture figures 2019", "publisher": "FCPC", "published": "2019-09-11?"},
    provenance="Published by FCPC, 11 September 2019 (uncertain)",
)
EVENT = Citable(
    key="fx-hearings-event-v1",
    title="Spring 2020: the fixture inquiry's public hearings",
    authors=("Fixture Gazette",),
    date_edtf="2020-21",
    url=f"{BASE}/fx-hearings-event/v1",
    accessed=ACCESSED,
    kind="event",
    version=1,
    source={"title": "Fixture hearings timetable", "publisher": "Fixture Gazette"},
    sha256="d77a4cbc" + "0" * 56,
)
SITE = "IICSA organised networks archive"


def texts(citable, style) -> dict[str, str]:
    return {e["kind"]: e["text"] for e in cite(citable, style)}


# --- a statement reported in an article: the quote, its version, the document -----------------


def test_statement_quote_oscola():
    out = texts(STATEMENT, "oscola")
    assert out["note"] == (
        "Fixture Police and Fixture County Council, ‘Fixture Police and Fixture County Council:"
        " “leave nothing to chance” on partnership work’ (IICSA organised networks archive,"
        " version 1, sha256:e1922916, c December 2019) para 2"
        f" <{BASE}/fx-reported-statement/v1/q/86-109> accessed 29 November 2026, as reported in"
        " ‘Fixture town cases reach new high’ Fixture Gazette (c December 2019)."
    )
    assert out["bibliography"] == (
        "Fixture Police and Fixture County Council, ‘Fixture Police and Fixture County Council:"
        " “leave nothing to chance” on partnership work’ (IICSA organised networks archive,"
        " version 1, sha256:e1922916, c December 2019)"
        f" <{BASE}/fx-reported-statement/v1/q/86-109> accessed 29 November 2026, as reported in"
        " ‘Fixture town cases reach new high’ Fixture Gazette (c December 2019)"
    )
    assert out["quotation"] == "‘leave nothing to chance’¹"


def test_statement_quote_apa():
    out = texts(STATEMENT, "apa")
    assert out["reference"] == (
        "Fixture Police, & Fixture County Council. (ca. 2019, December). Fixture Police and"
        " Fixture County Council: “leave nothing to chance” on partnership work (Version 1,"
        " sha256:e1922916) [Statement as reported in Fixture Gazette]. IICSA organised networks"
        f" archive. {BASE}/fx-reported-statement/v1/q/86-109"
    )
    assert out["in-text"] == "(Fixture Police & Fixture County Council, ca. 2019, para. 2)"
    assert out["quotation"] == (
        "“leave nothing to chance” (Fixture Police & Fixture County Council, ca. 2019, para. 2)"
    )


def test_statement_quote_chicago():
    out = texts(STATEMENT, "chicago")
    assert out["note"] == (
        "Fixture Police and Fixture County Council, ‘Fixture Police and Fixture County Council:"
        " “leave nothing to chance” on partnership work’, statement as reported in ‘Fixture town"
        " cases reach new high’, Fixture Gazette, ca. December 2019, IICSA organised networks"
        " archive, version 1, sha256:e1922916, ca. December 2019, para. 2, accessed 29 November"
        f" 2026, {BASE}/fx-reported-statement/v1/q/86-109."
    )
    assert out["bibliography"] == (
        "Fixture Police and Fixture County Council. ‘Fixture Police and Fixture County Council:"
        " “leave nothing to chance” on partnership work’. Statement as reported in ‘Fixture town"
        " cases reach new high’, Fixture Gazette, ca. December 2019. IICSA organised networks"
        " archive, version 1, sha256:e1922916, ca. December 2019. Accessed 29 November 2026."
        f" {BASE}/fx-reported-statement/v1/q/86-109."
    )


def test_statement_quote_harvard():
    out = texts(STATEMENT, "harvard")
    assert out["reference"] == (
        "Fixture Police and Fixture County Council (c. 2019) Fixture Police and Fixture County"
        " Council: “leave nothing to chance” on partnership work, as reported in Fixture Gazette."
        " IICSA organised networks archive, version 1, sha256:e1922916. Available at:"
        f" {BASE}/fx-reported-statement/v1/q/86-109 (Accessed: 29 November 2026)."
    )
    assert out["in-text"] == "(Fixture Police and Fixture County Council, c. 2019, para. 2)"
    assert out["quotation"] == (
        "‘leave nothing to chance’ (Fixture Police and Fixture County Council, c. 2019, para. 2)"
    )


def test_statement_version_and_document_citations():
    version = replace(STATEMENT, url=f"{BASE}/fx-reported-statement/v1", paragraphs=(), quote=None)
    document = replace(version, url=f"{BASE}/fx-reported-statement", version=None, sha256=None)
    note = texts(version, "oscola")["note"]
    assert "(IICSA organised networks archive, version 1, sha256:e1922916, c December 2019)" in note
    assert "para" not in note.split("<")[0].split(")")[-1]  # no pinpoint without a paragraph
    assert f"<{BASE}/fx-reported-statement/v1> accessed 29 November 2026, as reported in" in note
    assert "quotation" not in texts(version, "oscola")
    current = texts(document, "oscola")["note"]
    assert "(IICSA organised networks archive, c December 2019)" in current
    assert "sha256" not in current
    assert texts(document, "apa")["reference"].endswith(
        f"archive. Retrieved November 29, 2026, from {BASE}/fx-reported-statement"
    )
    assert "Retrieved" not in texts(version, "apa")["reference"]


# --- a news article, cited by its version ---------------------------------------------------


def test_article_in_every_prose_style():
    url = f"{BASE}/fx-gazette-article/v1"
    title = "Fixture Gazette: “Fixture town cases reach new high”"
    assert texts(ARTICLE, "oscola")["note"] == (
        f"Fixture Gazette, ‘{title}’ (IICSA organised networks archive, version 1,"
        f" sha256:454b1a31, 28 December 2019) <{url}> accessed 29 November 2026."
    )
    apa = texts(ARTICLE, "apa")
    assert apa["reference"] == (
        f"Fixture Gazette. (2019, December 28). {title} (Version 1, sha256:454b1a31) [News"
        f" article]. IICSA organised networks archive. {url}"
    )
    assert apa["in-text"] == "(Fixture Gazette, 2019)"
    chicago = texts(ARTICLE, "chicago")
    assert chicago["note"] == (
        f"Fixture Gazette, ‘{title}’, news article, IICSA organised networks archive, version 1,"
        f" sha256:454b1a31, 28 December 2019, accessed 29 November 2026, {url}."
    )
    assert chicago["bibliography"] == (
        f"Fixture Gazette. ‘{title}’. News article. IICSA organised networks archive, version 1,"
        f" sha256:454b1a31, 28 December 2019. Accessed 29 November 2026. {url}."
    )
    assert texts(ARTICLE, "harvard")["reference"] == (
        f"Fixture Gazette (2019) {title}. IICSA organised networks archive, version 1,"
        f" sha256:454b1a31. Available at: {url} (Accessed: 29 November 2026)."
    )


# --- a report with an uncertain day, cited as the current page --------------------------------


def test_report_with_an_uncertain_date_in_every_prose_style():
    url = f"{BASE}/fx-charity-report"
    title = "FCPC figures: recorded offences in Fixtureshire, year to April 2019"
    assert texts(REPORT, "oscola")["note"] == (
        f"FCPC, ‘{title}’ (IICSA organised networks archive, 11 September 2019?) <{url}>"
        " accessed 29 November 2026."
    )
    apa = texts(REPORT, "apa")
    assert apa["reference"] == (
        f"FCPC. (2019, September 11?). {title} [Report]. IICSA organised networks archive."
        f" Retrieved November 29, 2026, from {url}"
    )
    assert apa["in-text"] == "(FCPC, 2019?)"
    chicago = texts(REPORT, "chicago")
    assert chicago["note"] == (
        f"FCPC, ‘{title}’, report, IICSA organised networks archive, 11 September 2019?,"
        f" accessed 29 November 2026, {url}."
    )
    assert chicago["bibliography"] == (
        f"FCPC. ‘{title}’. Report. IICSA organised networks archive, 11 September 2019?"
        f" Accessed 29 November 2026. {url}."
    )
    harvard = texts(REPORT, "harvard")
    assert harvard["reference"] == (
        f"FCPC (2019?) {title}. IICSA organised networks archive. Available at: {url}"
        " (Accessed: 29 November 2026)."
    )
    assert harvard["in-text"] == "(FCPC, 2019?)"


# --- an event with no organisation: its source's publisher is its author ---------------------


def test_event_in_every_prose_style():
    url = f"{BASE}/fx-hearings-event/v1"
    title = "Spring 2020: the fixture inquiry's public hearings"
    assert texts(EVENT, "oscola")["note"] == (
        f"Fixture Gazette, ‘{title}’ (IICSA organised networks archive, version 1,"
        f" sha256:d77a4cbc, Spring 2020) <{url}> accessed 29 November 2026."
    )
    apa = texts(EVENT, "apa")
    assert apa["reference"] == (
        f"Fixture Gazette. (2020, Spring). {title} (Version 1, sha256:d77a4cbc) [Event]. IICSA"
        f" organised networks archive. {url}"
    )
    assert apa["in-text"] == "(Fixture Gazette, 2020)"
    assert texts(EVENT, "chicago")["note"] == (
        f"Fixture Gazette, ‘{title}’, event, IICSA organised networks archive, version 1,"
        f" sha256:d77a4cbc, Spring 2020, accessed 29 November 2026, {url}."
    )
    assert texts(EVENT, "harvard")["reference"] == (
        f"Fixture Gazette (2020) {title}. IICSA organised networks archive, version 1,"
        f" sha256:d77a4cbc. Available at: {url} (Accessed: 29 November 2026)."
    )


# --- nothing a reader would have to fix by hand -------------------------------------------------


KINDS = [STATEMENT, ARTICLE, REPORT, EVENT]


@pytest.mark.parametrize("citable", KINDS, ids=lambda c: c.kind)
def test_no_style_recases_a_title_or_doubles_punctuation(citable):
    for style, result in all_citations(citable).items():
        for entry in result["entries"]:
            text = entry["text"]
            if entry["kind"] in ("note", "bibliography", "reference", "entry"):
                assert citable.title in text, (style, text)  # as archived, never re-cased
            for bad in ("..", ",,", " ,", "?.", "[December", "No Stone", "Nothing To"):
                assert bad not in text, (style, entry["kind"], text)


@pytest.mark.parametrize("citable", KINDS, ids=lambda c: c.kind)
def test_bibtex_parses_and_keeps_every_fact(citable):
    library = bibtexparser.parse_string(texts(citable, "bibtex")["entry"])
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry["title"] == "{" + citable.title + "}"
    assert entry["author"] == " and ".join("{" + a + "}" for a in citable.authors)
    assert entry["url"] == citable.url
    if citable.version:
        assert f"version 1, sha256:{citable.sha256[:8]}" in entry["howpublished"]
    if citable.provenance:
        assert citable.provenance in entry["note"]


def test_bibtex_and_ris_say_where_the_words_were_reported():
    entry = bibtexparser.parse_string(texts(STATEMENT, "bibtex")["entry"]).entries[0]
    assert entry["note"].startswith(
        "As reported in the Fixture Gazette, c. December 2019: ‘Fixture town cases reach new high’"
    )
    assert entry["howpublished"] == f"{SITE}, version 1, sha256:e1922916, para 2"
    (record,) = rispy.loads(texts(STATEMENT, "ris")["entry"])
    assert record["authors"] == ["Fixture Police", "Fixture County Council"]
    assert record["edition"] == "version 1, sha256:e1922916"
    assert any(n.startswith("As reported in the Fixture Gazette") for n in record["notes"])


@pytest.mark.parametrize("citable", KINDS, ids=lambda c: c.kind)
def test_ris_parses(citable):
    (record,) = rispy.loads(texts(citable, "ris")["entry"])
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == citable.title
    assert record["authors"] == list(citable.authors)
    assert record["access_date"] == "2026/11/29"


@pytest.mark.parametrize("citable", KINDS, ids=lambda c: c.kind)
def test_csl_json_validates_and_names_the_original_publication(citable):
    schema = json.loads((FIXTURES / "csl-data.schema.json").read_text())
    (item,) = json.loads(texts(citable, "csl-json")["entry"])
    jsonschema.validate([item], schema)
    assert item["title"] == citable.title
    assert item["original-publisher"] == citable.source["publisher"]
    assert item["original-title"] == citable.source["title"]


def test_csl_json_keeps_approximate_and_uncertain_dates_as_circa():
    (statement,) = json.loads(texts(STATEMENT, "csl-json")["entry"])
    assert statement["issued"] == {"date-parts": [[2019, 12]], "circa": True}
    assert statement["original-date"] == {"date-parts": [[2019, 12]], "circa": True}
    assert statement["version"] == "1, sha256:e1922916"
    (event,) = json.loads(texts(EVENT, "csl-json")["entry"])
    assert event["issued"] == {"date-parts": [[2020]], "season": 1}


def test_the_reported_statement_in_the_three_data_formats_field_by_field():
    url = f"{BASE}/fx-reported-statement/v1/q/86-109"
    note = (
        "As reported in the Fixture Gazette, c. December 2019: ‘Fixture town cases reach new"
        " high’. Quoted words: leave nothing to chance"
    )
    (entry,) = bibtexparser.parse_string(texts(STATEMENT, "bibtex")["entry"]).entries
    assert entry.entry_type == "misc" and entry.key == "fx-reported-statement-v1-q-86-109"
    assert {f.key: f.value for f in entry.fields} == {
        "author": "{Fixture Police} and {Fixture County Council}",
        "title": "{" + STATEMENT_TITLE + "}",
        "year": "2019",
        "date": "2019-12~",  # biblatex reads EDTF level 1: approximate stays approximate
        "howpublished": f"{SITE}, version 1, sha256:e1922916, para 2",
        "url": url,
        "urldate": "2026-11-29",
        "note": note,
    }
    (record,) = rispy.loads(texts(STATEMENT, "ris")["entry"])
    assert record == {
        "type_of_reference": "ELEC",
        "authors": ["Fixture Police", "Fixture County Council"],
        "title": STATEMENT_TITLE,
        "secondary_title": SITE,
        "year": "2019",
        "date": "2019/12//",
        "urls": [url],
        "access_date": "2026/11/29",
        "notes": [f"{SITE}, version 1, sha256:e1922916, para 2", note],
        "edition": "version 1, sha256:e1922916",
    }
    (item,) = json.loads(texts(STATEMENT, "csl-json")["entry"])
    assert item == {
        "id": "fx-reported-statement-v1-q-86-109",
        "type": "webpage",
        "title": STATEMENT_TITLE,
        "author": [{"literal": "Fixture Police"}, {"literal": "Fixture County Council"}],
        "container-title": SITE,
        "issued": {"date-parts": [[2019, 12]], "circa": True},
        "accessed": {"date-parts": [[2026, 11, 29]]},
        "URL": url,
        "genre": "statement",
        "version": "1, sha256:e1922916",
        "locator": "2",
        "original-title": "Fixture town cases reach new high",
        "original-publisher": "Fixture Gazette",
        "original-date": {"date-parts": [[2019, 12]], "circa": True},
        "note": note,
    }
