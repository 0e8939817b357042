"""Quote permalinks through the web app and the database: words, errors, standing, caching."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.quotes import text_fragment
from tests.conftest import FIXTURES, SHIPPED_DOCUMENTS, copy_corpus

QUOTES = FIXTURES / "quotes"
DOC = "fx-joint-statement"
SHIPPED_STATEMENTS = [
    "lancashire-police-lcc-joint-statement-cse",
    "home-office-iicsa-purpose",
    "home-office-leave-no-stone-unturned",
]


@pytest.fixture
def quotes_root(tmp_path: Path) -> Path:
    return copy_corpus(QUOTES, tmp_path / "root")


@pytest.fixture
def quotes_archive(quotes_root, database_url, make_archive):
    built = make_archive(quotes_root, database_url)
    assert not built.build().problems
    return built


@pytest.fixture
def qclient(quotes_archive):
    from webapp import create_app

    return create_app({"TESTING": True}, archive=quotes_archive).test_client()


def current_text(client, doc_id=DOC) -> dict:
    return client.get(f"/api/v1/documents/{doc_id}").get_json()


def test_every_paragraph_permalink_shows_exactly_its_words(qclient):
    doc = current_text(qclient)
    for p in doc["paragraphs"]:
        data = qclient.get(f"/api/v1/documents/{DOC}/v1/q/{p['start']}-{p['end']}").get_json()
        assert data["quote"]["text"] == p["text"]
        assert data["quote"]["paragraphs"] == [p["number"]]
        assert data["standing"]["status"] == "unchanged"


def test_a_quote_across_two_paragraphs_includes_the_separator(qclient):
    doc = current_text(qclient)
    text = doc["canonical_text"]
    start = text.index("keep doing so.")
    end = text.index("Café staff") + len("Café staff")
    data = qclient.get(f"/api/v1/documents/{DOC}/v1/q/{start}-{end}").get_json()
    assert data["quote"]["text"] == "keep doing so.\n\nCafé staff"
    assert data["quote"]["paragraphs"] == [2, 3]
    html = qclient.get(f"/documents/{DOC}/v1/q/{start}-{end}").get_data(as_text=True)
    assert "<mark" in html and ">keep doing so.</mark>" in html and ">Café staff</mark>" in html


def test_offsets_count_code_points_not_bytes_or_utf16(qclient):
    text = current_text(qclient)["canonical_text"]
    start = text.index("Łódź")
    data = qclient.get(f"/api/v1/documents/{DOC}/v1/q/{start}-{start + 4}").get_json()
    assert data["quote"]["text"] == "Łódź"


def test_the_quote_page_shows_words_paragraph_source_standing_and_citations(qclient):
    text = current_text(qclient)["canonical_text"]
    start = text.index("“working together”")
    end = start + len("“working together”")
    response = qclient.get(f"/documents/{DOC}/v1/q/{start}-{end}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<mark class="quoted-words"' in html and "“working together”</mark>" in html
    assert "paragraph 2" in html and "Fixture Gazette" in html
    assert 'In the current version: <span class="standing-status">unchanged</span>' in html
    for label in ("OSCOLA", "APA 7", "Chicago", "Harvard", "BibTeX", "RIS", "CSL-JSON"):
        assert label in html
    assert '<meta name="citation_title" content="Joint statement on partnership work' in html
    assert '<script type="application/ld+json">' in html and '"@type": "Quotation"' in html
    assert "&lt;blockquote cite=" in html  # the embed snippet, shown as code to copy


def test_the_json_twin_carries_text_selectors_standing_and_citations(qclient):
    data = qclient.get(f"/api/v1/documents/{DOC}/v1/q/0-4").get_json()
    assert data["quote"]["text"] == "This"
    position, quote = data["selectors"]
    assert position == {"type": "TextPositionSelector", "start": 0, "end": 4}
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "This"
    assert quote["prefix"] == "" and quote["suffix"] == " is a fictional statement writte"
    assert set(data["citations"]) == {
        "oscola", "apa", "chicago", "harvard", "bibtex", "ris", "csl-json"
    }  # fmt: skip
    assert data["standing"]["status"] == "unchanged"


@pytest.mark.parametrize(
    ("span", "status", "words"),
    [
        ("20-10", 400, "reversed"),
        ("10-10", 400, "empty"),
        ("0-2001", 400, "at most 2000"),
        ("a-b", 400, "not a range"),
        ("10", 400, "not a range"),
        ("-5-10", 400, "not a range"),
        ("99999999999-99999999999", 400, "not a range"),
        ("240-260", 404, "runs past its end"),
    ],
)
def test_bad_ranges_get_a_clear_error_never_a_500(qclient, span, status, words):
    api = qclient.get(f"/api/v1/documents/{DOC}/v1/q/{span}")
    assert api.status_code == status
    assert words in api.get_json()["error"]["message"]
    page = qclient.get(f"/documents/{DOC}/v1/q/{span}")
    assert page.status_code == status
    assert words in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/documents/no-such-doc/v1/q/0-4", f"/documents/{DOC}/v9/q/0-4", f"/documents/{DOC}/v0/q/0-4"],
)
def test_unknown_documents_and_versions_are_404(qclient, path):
    assert qclient.get(path).status_code == 404
    assert qclient.get("/api/v1" + path).get_json()["error"]["code"] == "not_found"


def test_resolve_turns_selected_words_into_their_permalink(qclient):
    response = qclient.get(
        "/api/v1/quotes/resolve", query_string={"document": DOC, "exact": "naïve or not"}
    )
    data = response.get_json()
    assert response.status_code == 200
    assert data["permalink"].startswith(f"/documents/{DOC}/v1/q/")
    quote = qclient.get(data["api"]).get_json()
    assert quote["quote"]["text"] == "naïve or not"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"exact": "words"}, 400),
        ({"document": DOC}, 400),
        ({"document": DOC, "exact": "x" * 2001}, 400),
        ({"document": DOC, "exact": "words that are not there"}, 404),
        ({"document": "no-such-doc", "exact": "words"}, 404),
    ],
)
def test_resolve_errors_are_json(qclient, query, status):
    response = qclient.get("/api/v1/quotes/resolve", query_string=query)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]


def test_text_fragment_links_are_percent_encoded():
    assert text_fragment("we’re - here, & there") == (
        "#:~:text=we%E2%80%99re%20%2D%20here%2C%20%26%20there"
    )
    long = text_fragment("one two three four five six seven eight nine ten")
    assert long == "#:~:text=one%20two%20three%20four,seven%20eight%20nine%20ten"


def test_quote_pages_are_cached_with_an_etag_that_follows_the_standing(
    qclient, quotes_archive, quotes_root
):
    url = f"/documents/{DOC}/v1/q/0-4"
    first = qclient.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    again = qclient.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    path = quotes_root / "documents" / f"{DOC}.md"
    path.write_text(path.read_text().replace("This is a fictional", "Preface. This is a fictional"))
    assert quotes_archive.build().changed
    after = qclient.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert "moved" in after.get_data(as_text=True)


def test_version_pages_stay_immutable(qclient):
    response = qclient.get(f"/documents/{DOC}/v1")
    assert "immutable" in response.headers["Cache-Control"] and response.headers["ETag"]


def test_every_v1_permalink_keeps_its_words_after_v2(qclient, quotes_archive, quotes_root):
    before = current_text(qclient)
    text = before["canonical_text"]
    spans = {
        "moved": text.index("Café staff"),
        "changed": text.index("We’re committed"),
        "gone": text.index("it quotes nobody"),
        "unchanged": 0,
    }
    lengths = {"moved": 10, "changed": 51, "gone": 16, "unchanged": 4}
    path = quotes_root / "documents" / f"{DOC}.md"
    body = path.read_text()
    body = body.replace("— it quotes nobody.", "— it is fiction.")
    body = body.replace(
        "We’re committed to “working together”", "We’re committed to “working closely together”"
    )
    body = body.replace("Café staff", "Some more words. Café staff")
    path.write_text(body)
    assert quotes_archive.build().changed
    for expected, start in spans.items():
        end = start + lengths[expected]
        data = qclient.get(f"/api/v1/documents/{DOC}/v1/q/{start}-{end}").get_json()
        assert data["quote"]["text"] == text[start:end], expected
        assert data["standing"]["status"] == expected, (expected, data["standing"])
        assert data["standing"]["current_version"] == 2


def test_a_withdrawn_document_s_quotes_are_gone_but_readable(qclient, quotes_archive, quotes_root):
    (quotes_root / "documents" / f"{DOC}.md").unlink()
    quotes_archive.build()
    data = qclient.get(f"/api/v1/documents/{DOC}/v1/q/0-4").get_json()
    assert data["quote"]["text"] == "This"
    assert data["standing"]["status"] == "gone" and data["standing"]["withdrawn"]
    assert qclient.get(f"/documents/{DOC}/v1/q/0-4").status_code == 200


@pytest.mark.parametrize("doc_id", SHIPPED_STATEMENTS)
def test_a_shipped_statement_changed_again_keeps_every_permalink(doc_id, request):
    if not (SHIPPED_DOCUMENTS / f"{doc_id}.md").exists():
        pytest.skip(f"the shipped corpus has no {doc_id} yet")
    from webapp import create_app

    sqlite_archive = request.getfixturevalue("sqlite_archive")
    path = request.getfixturevalue("archive_root") / "documents" / f"{doc_id}.md"

    client = create_app({"TESTING": True}, archive=sqlite_archive).test_client()
    latest = current_text(client, doc_id)
    number = latest["version"]["number"]  # 1, or later once the corpus has been corrected
    permalinks = [(p["start"], p["end"], p["text"]) for p in latest["paragraphs"]]
    head, _, body = path.read_text().partition("\n---\n")
    path.write_text(head + "\n---\nAn editorial note added before the statement.\n\n" + body)
    assert sqlite_archive.build().changed
    for start, end, words in permalinks:
        data = client.get(f"/api/v1/documents/{doc_id}/v{number}/q/{start}-{end}").get_json()
        assert data["quote"]["text"] == words
        assert data["standing"]["status"] == "moved"
        assert data["standing"]["current_version"] == number + 1
        assert data["standing"]["text"] == words


def test_the_openapi_document_describes_the_quote_endpoints(qclient):
    paths = qclient.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/quotes/resolve" in paths
    assert "/api/v1/documents/{doc_id}/v{number}/q/{span}" in paths


def test_document_pages_carry_meta_tags_json_ld_and_paragraph_links(qclient):
    html = qclient.get(f"/documents/{DOC}").get_data(as_text=True)
    assert '<meta name="citation_author" content="Fixture Constabulary">' in html
    assert '"@type": "CreativeWork"' in html
    assert f'href="/documents/{DOC}/v1/q/0-81">Cite paragraph 1</a>' in html
    assert "cite.js" in html


def test_cli_cites_a_quote_url(quotes_root, run_cli):
    assert run_cli(quotes_root, "build").exit_code == 0
    url = f"https://archive.example/documents/{DOC}/v1/q/0-4"
    result = run_cli(quotes_root, "cite", url, "--style", "oscola")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Fixture Constabulary and Fixture County Council, ‘Joint")
    assert f"para 1 <{url}> accessed" in result.output
    bad = run_cli(quotes_root, "cite", "https://archive.example/about", "--style", "apa")
    assert bad.exit_code == 1 and "not a document, version or quote URL" in bad.output
