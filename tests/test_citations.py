"""Each citation style for one fixed quote, checked against strings written by hand from the
style's rules; BibTeX parsed by bibtexparser, RIS by rispy, CSL-JSON validated by its schema.

Rule sources:
- OSCOLA 4th edn (Oxford): §3.3.2/3.4 websites and "other secondary sources": Author, 'Title'
  (Publisher or website, date) pinpoint <URL> accessed day month year. Footnotes end with a full
  stop (§1.1.3); titles in single quotes (kept as archived: re-casing would change words quoted
  inside a title); pinpoint paragraphs as "para" (§1.4 / §2.4); quotations in single marks,
  quotes within them in double marks (§1.6.1).
- APA 7th edn: §9.8 group authors; §10.16 webpage on a website: Author. (Year, Month Day).
  Title (Version) [Description]. Site Name. URL (§10.10 puts a version in parentheses after
  the title); §8.28 paragraph pinpoints "para. 2", "paras. 2–3"; §9.16 retrieval
  dates only for pages designed to change (our document page; never a version or quote link);
  §8.25-8.27 short quotations in double marks with quotes within them in single marks.
- Chicago 17th edn, notes and bibliography, §14.205-206 websites, with access date (we must
  give the accessed date); British punctuation (single quotation marks, commas outside),
  §6.11 / §13.28.
- Cite Them Right (Harvard), 11th edn, "Web pages with individual authors / organisations":
  Author (Year) Title of web page. Available at: URL (Accessed: day month year).
"""

from __future__ import annotations

import datetime as dt
import json

import bibtexparser
import jsonschema
import pytest
import rispy

from archive.citations import Citable, all_citations, cite, csl_date
from tests.conftest import FIXTURES

URL = "https://archive.example/documents/fx-joint-statement/v1/q/83-134"
QUOTE = Citable(
    key="fx-joint-statement-v1-q-83-134",
    title="Joint statement on partnership work",
    authors=("Fixture Constabulary", "Fixture County Council"),
    date_edtf="2019-12-28",
    url=URL,
    accessed=dt.date(2026, 11, 29),
    version=1,
    paragraphs=(2,),
    quote="We’re committed to “working together” with partners",
    source={"title": "Fixture Gazette article", "publisher": "Fixture Gazette"},
)
DOCUMENT = Citable(
    key="fx",
    title="Joint statement on partnership work",
    authors=("Fixture Constabulary",),
    date_edtf="2019-12-28",
    url="https://archive.example/documents/fx-joint-statement",
    accessed=dt.date(2026, 11, 29),
)
AUTHORS = "Fixture Constabulary and Fixture County Council"


def texts(citable, style) -> dict[str, str]:
    return {e["kind"]: e["text"] for e in cite(citable, style)}


def test_oscola():
    out = texts(QUOTE, "oscola")
    assert out["note"] == (
        f"{AUTHORS}, ‘Joint statement on partnership work’ (IICSA organised networks archive,"
        f" version 1, 28 December 2019) para 2 <{URL}> accessed 29 November 2026."
    )
    assert out["bibliography"] == (
        f"{AUTHORS}, ‘Joint statement on partnership work’ (IICSA organised networks archive,"
        f" version 1, 28 December 2019) <{URL}> accessed 29 November 2026"
    )
    assert out["quotation"] == "‘We’re committed to “working together” with partners’¹"


def test_apa():
    out = texts(QUOTE, "apa")
    in_text = "(Fixture Constabulary & Fixture County Council, 2019, para. 2)"
    assert out["in-text"] == in_text
    assert out["reference"] == (
        "Fixture Constabulary, & Fixture County Council. (2019, December 28). Joint statement"
        f" on partnership work (Version 1) [Statement]. IICSA organised networks archive. {URL}"
    )
    assert out["quotation"] == f"“We’re committed to ‘working together’ with partners” {in_text}"


def test_apa_gives_a_retrieval_date_only_for_the_changing_document_page():
    reference = texts(DOCUMENT, "apa")["reference"]
    assert reference.endswith(
        "Retrieved November 29, 2026, from https://archive.example/documents/fx-joint-statement"
    )
    assert "Retrieved" not in texts(QUOTE, "apa")["reference"]


def test_chicago_notes_and_bibliography():
    out = texts(QUOTE, "chicago")
    assert out["note"] == (
        f"{AUTHORS}, ‘Joint statement on partnership work’, statement, IICSA organised networks"
        f" archive, version 1, 28 December 2019, para. 2, accessed 29 November 2026, {URL}."
    )
    assert out["bibliography"] == (
        "Fixture Constabulary and Fixture County Council. ‘Joint statement on partnership"
        " work’. Statement. IICSA organised networks archive, version 1, 28 December 2019."
        f" Accessed 29 November 2026. {URL}."
    )


def test_harvard_cite_them_right():
    out = texts(QUOTE, "harvard")
    assert out["in-text"] == f"({AUTHORS}, 2019, para. 2)"
    assert out["reference"] == (
        f"{AUTHORS} (2019) Joint statement on partnership work. IICSA organised networks"
        f" archive, version 1. Available at: {URL} (Accessed: 29 November 2026)."
    )


def test_a_span_across_paragraphs_is_cited_as_paras():
    across = Citable(**{**QUOTE.__dict__, "paragraphs": (2, 3)})
    assert "paras 2–3" in texts(across, "oscola")["note"]
    assert "paras. 2–3" in texts(across, "apa")["in-text"]  # APA 7 §8.28
    assert "paras. 2–3" in texts(across, "chicago")["note"]


def test_bibtex_parses_with_bibtexparser():
    library = bibtexparser.parse_string(texts(QUOTE, "bibtex")["entry"])
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "fx-joint-statement-v1-q-83-134"
    assert entry.entry_type == "misc"
    assert entry["author"] == "{Fixture Constabulary} and {Fixture County Council}"
    assert entry["title"] == "{Joint statement on partnership work}"
    assert entry["url"] == URL and entry["urldate"] == "2026-11-29"
    assert entry["howpublished"] == "IICSA organised networks archive, version 1, para 2"


def test_bibtex_escapes_tex_specials():
    odd = Citable(**{**QUOTE.__dict__, "title": "50% of {cases} & more_here #1"})
    library = bibtexparser.parse_string(texts(odd, "bibtex")["entry"])
    assert not library.failed_blocks
    assert library.entries[0]["title"] == r"{50\% of \{cases\} \& more\_here \#1}"


def test_ris_parses_with_rispy():
    (record,) = rispy.loads(texts(QUOTE, "ris")["entry"])
    assert record["type_of_reference"] == "ELEC"
    assert record["authors"] == ["Fixture Constabulary", "Fixture County Council"]
    assert record["title"] == "Joint statement on partnership work"
    assert record["urls"] == [URL]
    assert record["date"] == "2019/12/28/"
    assert record["access_date"] == "2026/11/29"
    assert "IICSA organised networks archive, version 1, para 2" in record["notes"]


@pytest.mark.parametrize("citable", [QUOTE, DOCUMENT])
def test_csl_json_validates_against_the_csl_data_schema(citable):
    schema = json.loads((FIXTURES / "csl-data.schema.json").read_text())
    data = json.loads(texts(citable, "csl-json")["entry"])
    jsonschema.validate(data, schema)
    assert data[0]["issued"] == {"date-parts": [[2019, 12, 28]]}


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("2019-12-28", {"date-parts": [[2019, 12, 28]]}),
        ("2019-12~", {"date-parts": [[2019, 12]], "circa": True}),
        ("2019-09-11?", {"date-parts": [[2019, 9, 11]], "circa": True}),
        ("2020-21", {"date-parts": [[2020]], "season": 1}),
        ("2020-04-20/2020-05-01", {"date-parts": [[2020, 4, 20], [2020, 5, 1]]}),
        ("2019", {"date-parts": [[2019]]}),
    ],
)
def test_edtf_dates_become_csl_dates(edtf, expected):
    assert csl_date(edtf) == expected
    schema = json.loads((FIXTURES / "csl-data.schema.json").read_text())
    jsonschema.validate([{"id": "x", "type": "webpage", "issued": expected}], schema)


def test_every_style_for_every_date_precision_renders_without_error():
    for edtf in ("2019-12~", "2020-21", "2020-04-20/2020-05-01", "2019"):
        citable = Citable(**{**QUOTE.__dict__, "date_edtf": edtf})
        for style, result in all_citations(citable).items():
            assert all(entry["text"].strip() for entry in result["entries"]), style


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown style"):
        cite(QUOTE, "mla")
