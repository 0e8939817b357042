"""Hearing transcripts: speaker turns parsed and shown (HTML and JSON), the hearing day checked,
a long transcript in parts (every paragraph on exactly one part, anchors unchanged), quotes deep
in it round-tripping exactly, its citations, its snippets, and short documents as before."""

from __future__ import annotations

import html
import json
import re

import bibtexparser
import pytest
import rispy

from archive.anchoring import anchor, quote_selector
from archive.canonical import canonical_text, render_version
from archive.documents import load_document
from archive.search import snippets as snippets_module
from archive.search.querylang import parse_query
from archive.search.snippets import SnippetMaker
from archive.transcripts import mark_speakers, paragraph_speakers, speaker_of
from tests.transcript_helpers import LONG_ID, SHORT_ID, transcript_archive

PARA = re.compile(r'<p class="para"[^>]*id="p(\d+)">(.*?)</p>', re.S)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    archive = transcript_archive(tmp_path_factory.mktemp("transcripts") / "root")
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def client(built):
    from webapp import create_app

    return create_app({"TESTING": True}, archive=built).test_client()


@pytest.fixture(scope="module")
def long_json(client):
    return client.get(f"/api/v1/documents/{LONG_ID}").get_json()


def words_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        ("THE CHAIR: Good morning.", "THE CHAIR"),
        ("MS O’HARA-SMITH: Yes.", "MS O’HARA-SMITH"),
        ("MR A. B. JONES-SMITH: Yes.", "MR A. B. JONES-SMITH"),
        ("Q. Did you meet them?", None),
        ("The chair: not capitals.", None),
        ("THE CHAIR:no space", None),
        ("(10.00 am)", None),
        ("A MUCH TOO LONG LABEL OF SEVEN WORDS: no.", None),
    ],
)
def test_a_turn_opens_with_a_capitalised_label_and_a_colon(paragraph, speaker):
    assert speaker_of(paragraph) == speaker


def test_marking_speakers_keeps_the_counted_words():
    body = "THE CHAIR: Good *morning*.\n\n(10.00 am)\n\nMS HILL: Thank you & more."
    canonical = canonical_text(body)
    page = render_version(body, canonical.text, tuple(canonical.paragraphs))
    marked = mark_speakers(page, paragraph_speakers(canonical.text, canonical.paragraphs))
    assert marked.count('<span class="speaker">') == 2
    assert '<span class="speaker">MS HILL:</span> Thank you' in marked
    shown = [words_of(m[2]) for m in PARA.finditer(marked)]
    assert shown == [canonical.text[s:e] for s, e in canonical.paragraphs]


@pytest.mark.parametrize(
    ("kind", "day", "problem"),
    [
        ("transcript", 11, None),
        ("transcript", 0, "whole number from 1"),
        ("transcript", "eleven", "whole number from 1"),
        ("transcript", True, "whole number from 1"),
        ("statement", 11, "is for transcripts"),
    ],
)
def test_hearing_day_is_checked(tmp_path, kind, day, problem):
    path = tmp_path / "x.md"
    path.write_text(
        f"---\nid: fx-day\ntitle: T\nkind: {kind}\norganisations: [iicsa]\ndate: '2020-10-29'\n"
        f"hearing_day: {json.dumps(day)}\nsource:\n  title: S\n  publisher: P\n---\nBody.\n",
        encoding="utf-8",
    )
    document, problems, _ = load_document(path, "documents/x.md", {"iicsa"})
    if problem is None:
        assert document is not None and document.metadata["hearing_day"] == 11
    else:
        assert document is None
        assert [p.message for p in problems if problem in p.message], problems


def test_short_transcript_shows_its_speakers_in_html_and_json(client):
    page = client.get(f"/documents/{SHORT_ID}").get_data(as_text=True)
    assert '<span class="speaker">THE CHAIR:</span> Good morning.' in page
    assert '<span class="speaker">MS O’HARA-SMITH:</span> Thank you' in page
    assert 'id="parts"' not in page  # one part: no part navigation
    data = client.get(f"/api/v1/documents/{SHORT_ID}").get_json()
    assert [p["speaker"] for p in data["paragraphs"]] == [
        "THE CHAIR",
        None,
        "MS O’HARA-SMITH",
        "THE WITNESS",
    ]
    assert data["hearing_day"] == 3 and "parts" not in data
    assert data["paragraphs"][0]["text"].startswith("THE CHAIR: ")  # the label is counted


def test_a_transcripts_canonical_text_is_computed_as_any_documents(built, long_json):
    body = (built.config.documents_dir / f"{LONG_ID}.md").read_text().split("---\n", 2)[2]
    assert long_json["canonical_text"] == canonical_text(body).text
    assert long_json["version"]["canonical_rules"] == 2


def all_parts(client, base: str, parts: list[dict]) -> dict[int, list[int]]:
    found = {}
    for part in parts:
        page = client.get(part["url"]).get_data(as_text=True)
        assert part["url"].startswith(base)
        found[part["number"]] = [
            int(n) for n in re.findall(r'<p class="para"[^>]*id="p(\d+)"', page)
        ]
    return found


@pytest.mark.parametrize("pinned", [False, True])
def test_every_paragraph_is_on_exactly_one_part(client, long_json, pinned):
    base = f"/documents/{LONG_ID}" + ("/v1" if pinned else "")
    data = client.get("/api/v1" + base).get_json()
    parts, count = data["parts"], len(data["paragraphs"])
    assert count > 1500 and len(parts) == -(-count // 200)
    found = all_parts(client, base, parts)
    everywhere = [n for numbers in found.values() for n in numbers]
    assert sorted(everywhere) == list(range(1, count + 1))  # each once, none missing
    for part in parts:
        numbers = found[part["number"]]
        assert numbers == list(range(part["first"], part["last"] + 1))
    assert [p["first"] for p in parts[1:]] == [p["last"] + 1 for p in parts[:-1]]


def test_a_part_shows_its_paragraphs_words_and_speakers(client, long_json):
    part = long_json["parts"][6]
    page = client.get(part["url"]).get_data(as_text=True)
    assert 'aria-current="page"' in page and "parts.js" in page
    shown = {int(m[1]): m[2] for m in PARA.finditer(page)}
    for paragraph in long_json["paragraphs"][part["first"] - 1 : part["last"]]:
        fragment = shown[paragraph["number"]]
        assert words_of(fragment) == paragraph["text"]
        if paragraph["speaker"]:
            assert fragment.startswith(f'<span class="speaker">{paragraph["speaker"]}:</span>')
    cite_links = re.findall(r'id="cite-p(\d+)"', page)
    assert [int(n) for n in cite_links] == list(range(part["first"], part["last"] + 1))


def test_part_links_and_bad_parts(client, long_json):
    assert long_json["part"] == 1
    assert long_json["parts"][0]["url"] == f"/documents/{LONG_ID}"
    assert long_json["parts"][3]["url"] == f"/documents/{LONG_ID}?part=4"
    for bad in ("0", "99", "x", "-1", "2.5"):
        assert client.get(f"/documents/{LONG_ID}?part={bad}").status_code == 404
    second = client.get(f"/api/v1/documents/{LONG_ID}?part=2").get_json()
    assert second["part"] == 2 and "p201" in second["html"] and 'id="p1"' not in second["html"]
    one = client.get(f"/documents/{LONG_ID}/v1?part=1")
    two = client.get(f"/documents/{LONG_ID}/v1?part=2")
    assert one.headers["ETag"] != two.headers["ETag"]


def test_a_short_document_ignores_part_and_is_unchanged(client):
    doc = "home-office-iicsa-purpose"
    plain = client.get(f"/documents/{doc}").get_data(as_text=True)
    assert client.get(f"/documents/{doc}?part=2").status_code == 200
    assert 'id="parts"' not in plain and "parts.js" not in plain and "speaker" not in plain
    data = client.get(f"/api/v1/documents/{doc}").get_json()
    assert not {"part", "parts", "hearing_day"} & set(data)
    assert all("speaker" not in p for p in data["paragraphs"])
    stored = (data["markdown"], data["canonical_text"])
    paragraphs = tuple((p["start"], p["end"]) for p in data["paragraphs"])
    assert data["html"] == render_version(*stored, paragraphs)


def test_a_quote_deep_in_a_transcript_round_trips(client, long_json):
    paragraph = long_json["paragraphs"][1233]  # paragraph 1234
    text = long_json["canonical_text"]
    start = paragraph["start"] + len(paragraph["speaker"] or "") + 2
    end = min(paragraph["end"], start + 80)
    data = client.get(f"/api/v1/documents/{LONG_ID}/v1/q/{start}-{end}").get_json()
    assert data["quote"]["text"] == text[start:end]
    assert data["quote"]["paragraphs"] == [1234]
    assert data["standing"]["status"] == "unchanged"
    page = client.get(f"/documents/{LONG_ID}/v1/q/{start}-{end}").get_data(as_text=True)
    (marked,) = re.findall(r'<mark class="quoted-words"[^>]*>(.*?)</mark>', page, re.S)
    assert html.unescape(marked) == text[start:end]
    assert f'href="/documents/{LONG_ID}/v1#p1234"' in page
    resolved = client.get(
        "/api/v1/quotes/resolve",
        query_string={"document": LONG_ID, "exact": text[start:end], **_context(text, start, end)},
    ).get_json()
    assert (resolved["start"], resolved["end"]) == (start, end)


def _context(text: str, start: int, end: int) -> dict:
    return {"prefix": text[max(0, start - 32) : start], "suffix": text[end : end + 32]}


def test_a_transcript_quote_is_cited_in_all_seven_formats(client, long_json):
    paragraph = long_json["paragraphs"][1233]
    start, end = paragraph["start"], paragraph["start"] + 40
    data = client.get(f"/api/v1/documents/{LONG_ID}/v1/q/{start}-{end}").get_json()
    cites = {s: {e["kind"]: e["text"] for e in c["entries"]} for s, c in data["citations"].items()}
    assert set(cites) == {"oscola", "apa", "chicago", "harvard", "bibtex", "ris", "csl-json"}
    url = data["quote"]["url"]
    assert cites["oscola"]["note"].startswith(
        "Independent Inquiry into Child Sexual Abuse, ‘Synthetic hearing, day 11’,"
        " Transcript, Day 11 (IICSA organised networks archive, version 1, sha256:"
    )
    assert f"13 March 2031) para 1234 <{url}> accessed " in cites["oscola"]["note"]
    assert "[Transcript, day 11]" in cites["apa"]["reference"]
    assert cites["apa"]["in-text"].endswith(", 2031, para. 1234)")
    assert ", transcript, day 11, IICSA organised networks archive," in cites["chicago"]["note"]
    assert "Synthetic hearing, day 11. Transcript, Day 11. IICSA" in cites["harvard"]["reference"]
    (entry,) = bibtexparser.parse_string(cites["bibtex"]["entry"]).entries
    assert entry["url"] == url and "para 1234" in entry["howpublished"]
    (record,) = rispy.loads(cites["ris"]["entry"])
    assert record["title"] == "Synthetic hearing, day 11"
    (item,) = json.loads(cites["csl-json"]["entry"])
    assert item["genre"] == "transcript, day 11" and item["locator"] == "1234"


def test_a_changed_quote_deep_in_a_long_text_is_found_near_its_place(long_json):
    text = long_json["canonical_text"]
    paragraph = long_json["paragraphs"][1500]
    start, end = paragraph["start"], paragraph["start"] + 60
    selector = quote_selector(text, start, end)
    edited = text[:100] + "A new line. " + text[100 : start + 20] + "XY" + text[start + 22 :]
    found = anchor(edited, selector, hint=start)
    assert found is not None and not found.exact
    assert (found.start, found.end) == (start + 12, end + 12)


@pytest.mark.parametrize("query", ["quandle", "review panel", '"board meeting"', "zorpl*", "nil"])
def test_long_text_snippets_equal_reading_every_paragraph(long_json, monkeypatch, query):
    text = long_json["canonical_text"]
    paragraphs = [(p["start"], p["end"]) for p in long_json["paragraphs"]]
    nodes = parse_query(query).positive_words()
    fast = SnippetMaker(nodes).make(text, paragraphs)
    monkeypatch.setattr(snippets_module, "word_index", lambda *_: None)
    assert SnippetMaker(nodes).make(text, paragraphs) == fast
    if query != "nil":
        assert fast[0] and all("<mark>" in s.html for s in fast[0])
