"""A transcript's pages and lines (the optional ``pages`` field, archive/transcript_pages.py):
``archive check`` reports a wrong field with the line it is on, and quotes and paragraphs of a
transcript that gives its pages are cited by page and line ("Day 12, page 45, line 4"), on the
quote page, in its JSON twin and by ``archive cite``. Expected strings written by hand from the
fixture tests/fixtures/transcripts/fx-hearing-day-12.md, whose pages are:

- page 45: line 1 at paragraph 1, line 2 at its 9th word ("panel's"), line 3 at paragraph 2,
  line 4 at its 8th word ("met");
- page 46: line 1 at paragraph 3, line 2 at its 10th word ("were"), line 3 at paragraph 4;
- page 47 (lines not given): from paragraph 5 to the end.
"""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.cite_url import cite_url
from archive.documents import load_document
from archive.problems import Problem
from tests.conftest import FIXTURES, SHIPPED_DOCUMENTS, copy_corpus

FIXTURE = FIXTURES / "transcripts" / "fx-hearing-day-12.md"
DOC_ID = "fx-hearing-day-12"


def problems_of(tmp_path, text: str) -> list[Problem]:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    document, problems, _ = load_document(path, "documents/doc.md", {"iicsa"})
    assert (document is None) == bool(problems)
    return problems


def with_pages(pages: str, kind: str = "transcript") -> str:
    """The fixture with its ``pages`` field replaced by ``pages`` (lines 8 onwards)."""
    text = FIXTURE.read_text(encoding="utf-8").replace("kind: transcript", f"kind: {kind}")
    head, rest = text.split("pages:\n", 1)
    return head + pages + rest[rest.index("source:") :]


def test_the_fixture_is_valid(tmp_path):
    assert problems_of(tmp_path, FIXTURE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("pages", "line", "message"),
    [
        ("pages:\n  starts: [1]\n", 8, "field 'pages' is for transcripts (kind: transcript)"),
        (
            "pages: [1, 2]\n",
            8,
            "field 'pages' must be a mapping with 'starts' (a list: one entry a page) and,"
            " optionally, 'first'",
        ),
        ("pages:\n  first: 0\n  starts: [1]\n", 9, "field 'pages.first' must be a whole number"),
        ("pages:\n  starts: [1]\n  last: 3\n", 10, "unknown field pages.last"),
        (
            "pages:\n  starts:\n    - 1\n    - 3:2\n",
            11,
            "page 2: there is no paragraph 182 (the body has 6; YAML reads 3:2 as 182: write P/W)",
        ),
        (
            "pages:\n  starts:\n    - 1\n    - 3-2\n",
            11,
            "page 2: write where it begins (a paragraph number, or P/W for paragraph P's W-th"
            " word), or a list of where each of its lines begins (at most 100)",
        ),
        (
            "pages:\n  starts:\n    - 1\n    - 9\n",
            11,
            "page 2: there is no paragraph 9 (the body has 6)",
        ),
        (
            "pages:\n  first: 45\n  starts:\n    - [1, 2/40]\n",
            11,
            "page 45, line 2: paragraph 2 has 17 words, not 40",
        ),
        (
            "pages:\n  starts:\n    - 1\n    -\n      - 3\n      - 2/8\n",
            13,
            "page 2, line 2 begins before or where the one before it does",
        ),
    ],
)
def test_check_reports_a_wrong_pages_field_at_its_line(tmp_path, pages, line, message):
    kind = "statement" if "is for transcripts" in message else "transcript"
    text = with_pages(pages, kind)
    if kind != "transcript":  # hearing_day (line 7) is for transcripts too: leave it out
        text, line = text.replace("hearing_day: 12\n", ""), line - 1
    (problem,) = problems_of(tmp_path, text)
    assert (problem.path, problem.line) == ("documents/doc.md", line)
    assert problem.message.startswith(message), problem.message


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from archive.core import Archive

    root = copy_corpus(SHIPPED_DOCUMENTS, tmp_path_factory.mktemp("pages") / "root")
    shutil.copy(FIXTURE, root / "documents" / FIXTURE.name)
    archive = Archive.open(root)
    assert not archive.build().problems
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def client(built):
    from webapp import create_app

    return create_app({"TESTING": True}, archive=built).test_client()


def quote_path(client, words: str, last: str | None = None) -> str:
    text = client.get(f"/api/v1/documents/{DOC_ID}").get_json()["canonical_text"]
    start = text.index(words)
    end = text.index(last) + len(last) if last else start + len(words)
    return f"/documents/{DOC_ID}/v1/q/{start}-{end}"


@pytest.mark.parametrize(
    ("words", "last", "shown", "oscola"),
    [
        ("the board twice", None, "Day 12, page 45, line 4", "page 45, line 4"),
        ("panel's evidence", "Thank you", "Day 12, page 45, lines 2–3", "page 45, lines 2–3"),
        (
            "evidence today",
            "were sent",
            "Day 12, page 45, line 2 to page 46, line 2",
            "page 45, line 2 to page 46, line 2",
        ),
        ("minutes of both", "rise for", "Day 12, pages 46–47", "pages 46–47"),
        ("We will rise", None, "Day 12, page 47", "page 47"),
    ],
)
def test_a_quote_is_cited_by_page_and_line(client, words, last, shown, oscola):
    path = quote_path(client, words, last)
    data = client.get("/api/v1" + path).get_json()
    assert data["quote"]["pages"]["text"] == shown
    note = next(e for e in data["citations"]["oscola"]["entries"] if e["kind"] == "note")
    assert f"14 March 2031) {oscola} <" in note["text"]
    page = client.get(path).get_data(as_text=True)
    assert f'<span class="pages">{shown}</span>' in page


def test_archive_cite_gives_the_page_and_lines_too(client, built):
    path = quote_path(client, "the board twice")
    with built.session() as session:
        entries = cite_url(session, "https://archive.example" + path, "apa")
    in_text = next(e for e in entries if e["kind"] == "in-text")
    assert in_text["text"] == "(Independent Inquiry into Child Sexual Abuse, 2031, p. 45, line 4)"


def test_a_paragraph_of_a_transcript_with_pages_is_cited_by_its_pages(built):
    from archive.citations import citable_for
    from archive.queries import get_document

    with built.session() as session:
        view = get_document(session, DOC_ID)
        citable = citable_for(view.document, view.version, "https://a.example/", None, (2, 3))
    assert citable.pages.words() == "page 45, line 3 to page 46, line 2"
    assert citable.pinpoint == "45:3–46:2"


def test_other_documents_are_cited_by_paragraph_as_before(client):
    listed = client.get("/api/v1/documents").get_json()["documents"]
    statement = next(d["id"] for d in listed if d["kind"] == "statement")
    data = client.get(f"/api/v1/documents/{statement}").get_json()
    first = data["paragraphs"][0]
    number, start = data["version"]["number"], first["start"]
    quote = client.get(f"/api/v1/documents/{statement}/v{number}/q/{start}-{start + 12}").get_json()
    assert "pages" not in quote["quote"]
    note = next(e for e in quote["citations"]["oscola"]["entries"] if e["kind"] == "note")
    assert ") para 1 <" in note["text"]


def test_archive_check_prints_a_wrong_page_as_path_line_message(archive_root, run_cli):
    name = "fx-hearing-day-12.md"
    text = with_pages("pages:\n  starts:\n    - 1\n    - [3, 3/40]\n")
    (archive_root / "documents" / name).write_text(text, encoding="utf-8")
    result = run_cli(archive_root, "check")
    assert result.exit_code == 1
    mine = [line for line in result.stdout.splitlines() if line.startswith(f"documents/{name}:")]
    assert mine == [f"documents/{name}:11: page 2, line 2: paragraph 3 has 15 words, not 40"]
    shutil.copy(FIXTURE, archive_root / "documents" / name)
    fixed = run_cli(archive_root, "check").stdout.splitlines()
    assert not [line for line in fixed if "page" in line and line.startswith(f"documents/{name}")]


def test_a_long_wrong_pages_field_is_reported_in_twenty_lines_and_a_count(tmp_path):
    """Hostile or careless input: 400 pages of 100 lines each, all in one 30,000-word turn,
    every line past its end. Each turn's word positions are worked out once, not per line."""
    words = " ".join(["word"] * 30_000)
    lines = ", ".join(f"1/{n}" for n in range(1, 101))
    starts = "".join(f"    - [{lines.replace('1/', f'1/{p}0')}]\n" for p in range(1, 401))
    text = with_pages(f"pages:\n  starts:\n{starts}")
    text = text[: text.index("---\n", 4) + 4] + f"THE CHAIR: {words}\n"
    problems = problems_of(tmp_path, text)
    assert len(problems) == 21
    assert problems[-1].message.startswith("field 'pages': ")
    assert problems[-1].message.endswith(" more problems")


@given(st.data())
def test_every_cited_span_is_on_the_pages_and_lines_its_ends_are_on(data):
    """Against a plain reading of the field: the page and line of a character are those of the
    last line start at or before it."""
    from types import SimpleNamespace

    from archive.canonical import canonical_text
    from archive.transcript_pages import page_span

    found = canonical_text(FIXTURE.read_text(encoding="utf-8").split("---\n", 2)[2])
    text, paragraphs = found.text, found.paragraphs
    starts = [
        (p, w)
        for p, (s, e) in enumerate(paragraphs, 1)
        for w in range(1, len(text[s:e].split()) + 1)
    ]
    chosen = sorted(data.draw(st.sets(st.sampled_from(starts), min_size=1, max_size=12)))
    cuts = (
        sorted(data.draw(st.sets(st.integers(1, len(chosen) - 1), max_size=4)))
        if len(chosen) > 1
        else []
    )
    pages = [chosen[a:b] for a, b in zip([0, *cuts], [*cuts, len(chosen)], strict=True)]
    lined = [data.draw(st.booleans()) or len(page) > 1 for page in pages]
    entries = [
        [f"{p}/{w}" for p, w in page] if with_lines else f"{page[0][0]}/{page[0][1]}"
        for page, with_lines in zip(pages, lined, strict=True)
    ]
    version = SimpleNamespace(
        meta={"kind": "transcript", "pages": {"first": 7, "starts": entries}},
        sha256=str(entries), canonical_text=text, paragraphs=paragraphs,
    )  # fmt: skip

    def offset(p: int, w: int) -> int:
        s, e = paragraphs[p - 1]
        return s + [m.start() for m in re.finditer(r"\S+", text[s:e])][w - 1]

    marks = []  # (offset, page, line or None), a plain reading of the field
    for number, (page, with_lines) in enumerate(zip(pages, lined, strict=True), 7):
        for line, (p, w) in enumerate(page if with_lines else page[:1], 1):
            marks.append((offset(p, w), number, line if with_lines else None))

    def place(at: int):
        before = [m for m in marks if m[0] <= at]
        return before[-1][1:] if before else None

    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    span = page_span(version, start, end)
    first, last = place(start), place(end - 1)
    if first is None:
        assert span is None
    else:
        assert (span.first_page, span.first_line, span.last_page, span.last_line) == (*first, *last)
