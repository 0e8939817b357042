"""Renderings stored at build time (archive/renderings.py), on SQLite and PostgreSQL: a long
transcript's page and word index are stored by the build, a process meeting the transcript for
the first time shows exactly what the renderer makes, a stored rendering is used only under
today's renderer (anything else is ignored and the page rendered), and a missing one is remade
by the next build."""

from __future__ import annotations

import zlib

import pytest
from sqlalchemy import delete, select

from archive import parts
from archive.models import Rendering
from archive.queries import get_document
from archive.renderings import PAGE, WORDS, page_key, renderer, version_page
from archive.search import snippet_index
from archive.search import snippets as snippets_module
from archive.search.querylang import parse_query
from archive.search.snippets import SnippetMaker
from tests.conftest import SHIPPED_DOCUMENTS, copy_corpus
from tests.transcript_helpers import LONG_ID, SHORT_ID, write_transcripts


@pytest.fixture
def built(tmp_path, database_url, make_archive):
    root = copy_corpus(SHIPPED_DOCUMENTS, tmp_path / "root")
    write_transcripts(root / "documents")
    archive = make_archive(root, database_url)
    assert not archive.build().problems
    return archive


def fresh_process() -> None:
    """Forget what this process keeps, as a newly started web server would have nothing."""
    parts._cache.clear()
    snippet_index._cache.clear()


def rows(archive) -> dict[tuple[str, str], str | bytes]:
    with archive.session() as session:
        found = session.execute(select(Rendering.sha256, Rendering.renderer, Rendering.content))
        return {  # but the row that says every version was looked at (sha256 "")
            (s, r): zlib.decompress(c) if r.startswith(WORDS) else zlib.decompress(c).decode()
            for s, r, c in found
            if s
        }


def long_version(archive):
    with archive.session() as session:
        version = get_document(session, LONG_ID).version
        session.expunge(version)
        return version


def test_the_build_stores_the_long_transcripts_page_and_word_index_as_the_renderer_makes_them(
    built,
):
    version = long_version(built)
    stored = rows(built)
    assert stored[(version.sha256, page_key(version))] == version_page(version)
    index = snippet_index.unpack(stored[(version.sha256, renderer(WORDS))])
    made = snippet_index.build(version.canonical_text, version.paragraphs)
    assert {word: list(numbers) for word, numbers in index.items()} == made
    # short documents (the shipped corpus, the short hearing) store nothing: they render fast
    with built.session() as session:
        short = get_document(session, SHORT_ID).version.sha256
    assert all(sha256 == version.sha256 for sha256, _ in stored)
    assert short not in {sha256 for sha256, _ in stored}


def test_a_fresh_process_shows_the_stored_page_and_it_is_the_renderers(built):
    from webapp import create_app

    version = long_version(built)
    client = create_app({"TESTING": True}, archive=built).test_client()
    fresh_process()
    shown = client.get(f"/api/v1/documents/{LONG_ID}?part=4").get_json()
    expected = parts.split_parts(version_page(version))[3]
    assert (shown["part"], shown["html"]) == (4, expected.html)
    assert shown["parts"][3]["first"] == expected.first


def test_the_page_is_read_from_the_store_not_rendered_again(built):
    """Proof that a fresh process reads the stored rendering: one altered in the database
    (as no renderer would make it) is what the page shows."""
    from webapp import create_app

    version = long_version(built)
    key = (version.sha256, page_key(version))
    altered = rows(built)[key].replace("THE CHAIR:", "THE CHAIR (stored):", 1)
    with built.transaction() as session:
        session.get(Rendering, key).content = zlib.compress(altered.encode())
    fresh_process()
    client = create_app({"TESTING": True}, archive=built).test_client()
    assert "THE CHAIR (stored):" in client.get(f"/documents/{LONG_ID}").get_data(as_text=True)


def test_a_rendering_made_by_another_renderer_is_never_shown(built):
    from webapp import create_app

    version = long_version(built)
    with built.transaction() as session:
        session.execute(delete(Rendering))
        stale = "<p>an older renderer's page</p>"
        session.add(
            Rendering(
                sha256=version.sha256,
                renderer=f"{PAGE}-0123456789abcdef01234567-r{version.canonical_rules}",
                content=zlib.compress(stale.encode()),
            )
        )
    fresh_process()
    client = create_app({"TESTING": True}, archive=built).test_client()
    page = client.get(f"/api/v1/documents/{LONG_ID}").get_json()
    assert page["html"] == parts.split_parts(version_page(version))[0].html
    assert "older renderer" not in page["html"]


def test_the_next_build_stores_what_is_missing_and_search_snippets_read_it(built, monkeypatch):
    from webapp import create_app

    version = long_version(built)
    with built.transaction() as session:
        session.execute(delete(Rendering))
    fresh_process()
    client = create_app({"TESTING": True}, archive=built).test_client()
    rendered = client.get(f"/api/v1/documents/{LONG_ID}").get_json()["html"]
    built.build()  # nothing changed in documents/: only the renderings are remade
    assert set(rows(built)) == {
        (version.sha256, page_key(version)),
        (version.sha256, renderer(WORDS)),
    }
    fresh_process()
    assert client.get(f"/api/v1/documents/{LONG_ID}").get_json()["html"] == rendered
    if built.config.search_backend != "whoosh":
        return
    # a search meeting the transcript for the first time reads the stored word index (it makes
    # none), and its snippets are those of reading every paragraph
    with monkeypatch.context() as patched:
        patched.setattr(snippet_index, "build", None)
        found = client.get("/api/v1/search", query_string={"q": "quandle", "kind": "transcript"})
    assert found.status_code == 200
    hit = next(h for h in found.get_json()["results"] if h["document"]["id"] == LONG_ID)
    assert snippet_index.is_kept(version.canonical_text)
    nodes = parse_query("quandle").positive_words()
    expected, _ = SnippetMaker(nodes).make(version.canonical_text, version.paragraphs)
    assert [s["html"] for s in hit["snippets"]] == [s.html for s in expected]


@pytest.mark.parametrize(
    "query",
    ["quandle", "review panel", '"board meeting"', '"the panel" quandle', "zorpl*", "nil"],
)
def test_snippets_from_a_stored_index_are_those_of_reading_every_paragraph(
    built, query, monkeypatch
):
    version = long_version(built)
    text, paragraphs = version.canonical_text, version.paragraphs
    stored = snippet_index.unpack(rows(built)[(version.sha256, renderer(WORDS))])
    nodes = parse_query(query).positive_words()
    fresh_process()
    from_store = SnippetMaker(nodes).make(text, paragraphs, stored=stored)
    monkeypatch.setattr(snippets_module, "word_index", lambda *_: None)  # read every paragraph
    assert SnippetMaker(nodes).make(text, paragraphs) == from_store
    if query != "nil":
        assert from_store[0] and all("<mark>" in s.html for s in from_store[0])


@pytest.mark.parametrize("query", ["quandle", "quandle trenish", '"board meeting"', "zorpl*"])
def test_a_long_transcripts_snippets_are_its_matching_paragraphs(built, query):
    """On both backends (PostgreSQL: ts_headline over the candidate paragraphs only, not the
    whole 60,000 words), each snippet marks a matched word and lies within the paragraph it
    names."""
    from webapp import create_app

    version = long_version(built)
    fresh_process()
    client = create_app({"TESTING": True}, archive=built).test_client()
    found = client.get("/api/v1/search", query_string={"q": query, "kind": "transcript"})
    hit = next(h for h in found.get_json()["results"] if h["document"]["id"] == LONG_ID)
    assert hit["snippets"]
    for snippet in hit["snippets"]:
        start, end = version.paragraphs[snippet["paragraph"] - 1]
        words = snippet["text"].removeprefix("… ").removesuffix(" …")
        assert words in version.canonical_text[start:end]
        if query.endswith("*"):  # PostgreSQL's ts_headline marks no prefix (as before)
            assert "zorpl" in version.canonical_text[start:end].lower()
        else:
            assert "<mark>" in snippet["html"]


def test_a_transcript_found_by_its_title_alone_shows_its_start(built):
    from webapp import create_app

    fresh_process()
    client = create_app({"TESTING": True}, archive=built).test_client()
    found = client.get("/api/v1/search", query_string={"q": "synthetic", "kind": "transcript"})
    hit = next(h for h in found.get_json()["results"] if h["document"]["id"] == LONG_ID)
    assert [s["paragraph"] for s in hit["snippets"]] == [1]
