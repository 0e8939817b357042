"""The search page, its JSON twin and ``archive search``, on both backends."""

from __future__ import annotations

import json
import re

import pytest

from webapp import create_app

STONE = "home-office-leave-no-stone-unturned"


@pytest.fixture
def search_client(archive):
    """A test client over the shipped corpus on SQLite (Whoosh) and PostgreSQL (its backend)."""
    return create_app({"TESTING": True}, archive=archive).test_client()


def test_page_shows_ranked_results_with_marked_snippets_and_facets(search_client):
    page = search_client.get("/search?q=grooming")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<mark>grooming</mark>" in html.lower()
    assert re.search(r'href="/documents/[a-z0-9-]+\?hl=[^"#]+#p\d+"', html)
    assert "Organisation</h2>" in html and "Year</h2>" in html
    assert "c. December 2019" in html and "(month, approximate)" not in html  # in words only
    assert 'type="application/atom+xml"' in html and "/search.atom?q=grooming" in html


def test_result_links_to_the_paragraph_with_the_words_highlighted_on_arrival(search_client):
    data = search_client.get("/api/v1/search?q=%22leave+no+stone+unturned%22").get_json()
    first = data["results"][0]
    assert first["document"]["id"] == STONE
    path, anchor = first["link"].split("#")
    assert anchor == f"p{first['paragraph']}"
    document = search_client.get(path)
    html = document.get_data(as_text=True)
    assert f'id="{anchor}"' in html
    assert "search-highlight.js" in html
    with search_client.get("/static/search-highlight.js") as script:
        assert script.status_code == 200


def test_json_shape(search_client):
    data = search_client.get("/api/v1/search?q=inquiry&kind=event&page=2").get_json()
    assert data["query"] == {"q": "inquiry", "org": None, "kind": "event", "from": None,
                             "to": None, "sort": None, "page": 2}  # fmt: skip
    assert data["total"] > 10 and data["page"] == 2 and data["pages"] >= 2
    assert set(data["facets"]) == {"organisation", "kind", "year"}
    assert data["facets"]["kind"] == [
        {"value": "event", "label": "Event", "count": data["total"], "selected": True,
         "url": "/api/v1/search?q=inquiry&kind=event"}
    ]  # fmt: skip
    assert data["links"]["prev"] == "/api/v1/search?q=inquiry&kind=event"
    assert data["links"]["self"] == "/api/v1/search?q=inquiry&kind=event&page=2"
    result = data["results"][0]
    assert set(result) == {
        "document",
        "score",
        "link",
        "paragraph",
        "matched",
        "missing",
        "snippets",
    }
    assert set(result["snippets"][0]) == {"paragraph", "anchor", "text", "html"}
    assert {"id", "title", "kind", "date", "organisations", "url"} <= set(result["document"])


def test_did_you_mean_links_to_the_corrected_search(search_client):
    html = search_client.get("/search?q=grroming").get_data(as_text=True)
    assert "Did you mean" in html and 'href="/search?q=grooming"' in html
    assert "No documents match" in html
    data = search_client.get("/api/v1/search?q=grroming").get_json()
    assert data["suggestion"] == {"q": "grooming", "url": "/api/v1/search?q=grooming"}


def test_empty_query_shows_help(search_client):
    html = search_client.get("/search").get_data(as_text=True)
    assert "How to search" in html and '<details class="search-help" id="s-help" open>' in html
    assert search_client.get("/api/v1/search").get_json()["empty"] is True


def test_bad_syntax_is_a_notice_not_an_error(search_client):
    page = search_client.get("/search?q=%22leave+no+stone")
    assert page.status_code == 200
    assert "unmatched quotation mark" in page.get_data(as_text=True)


def test_date_filters_on_the_page(search_client):
    data = search_client.get("/api/v1/search?q=hearings&from=2020-04-01").get_json()
    assert "event-2020-spring-public-hearings" in [r["document"]["id"] for r in data["results"]]
    data = search_client.get("/api/v1/search?q=hearings&to=2019-12-31").get_json()
    assert "event-2020-spring-public-hearings" not in [r["document"]["id"] for r in data["results"]]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("q=x&org=nobody", "unknown org"),
        ("q=x&kind=poem", "unknown kind"),
        ("q=x&from=2020-13", "not a real date"),
        ("q=x&from=2021&to=2020", "before"),
        ("q=x&page=0", "page"),
        ("q=x&page=51", "page"),
        ("q=x&page=two", "page"),
        ("q=x&sort=popularity", "sort"),
    ],
)
def test_bad_parameters_are_400_with_a_reason(search_client, query, says):
    response = search_client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    assert says in response.get_json()["error"]["message"]
    assert search_client.get(f"/search?{query}").status_code == 400


def test_openapi_describes_search(search_client):
    spec = search_client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert names == {"q", "org", "kind", "from", "to", "sort", "page"}


def test_cli_search(archive, archive_root, run_cli):
    env = {"ARCHIVE_DATABASE_URL": archive.config.database_url}
    result = run_cli(
        archive_root, "search", "leave", "no", "stone", "--org", "home-office", env=env
    )
    assert result.exit_code == 0
    assert f"/documents/{STONE}#p1" in result.output
    result = run_cli(archive_root, "search", '"leave no stone unturned"', "--json", env=env)
    data = json.loads(result.output)
    assert data["total"] >= 3 and data["results"][0]["id"] == STONE
    assert "<mark>leave</mark>" in data["results"][0]["snippets"][0]["html"]


def test_cli_search_bad_option_and_suggestion(archive, archive_root, run_cli):
    env = {"ARCHIVE_DATABASE_URL": archive.config.database_url}
    result = run_cli(archive_root, "search", "x", "--from", "2020-13", env=env)
    assert result.exit_code == 1 and "not a real date" in result.output
    result = run_cli(archive_root, "search", "grroming", env=env)
    assert "Did you mean: grooming" in result.output and "0 document(s)" in result.output


def test_the_words_filter_never_relaxes_to_most_of_the_words(client):
    """Search shows documents with most of the words when none has them all (with a notice);
    the timeline's words filter keeps only entries holding every word."""
    searched = client.get("/api/v1/search?q=Woolf+grooming").get_json()
    assert searched["total"] > 0 and searched["notices"]
    data = client.get("/api/v1/timeline?q=Woolf+grooming").get_json()
    hearings = data["hearings"]["id"] if isinstance(data.get("hearings"), dict) else None
    assert [i for i in _ids(data["sections"]) if i != hearings] == []


def _ids(value) -> list[str]:
    """Every entry id anywhere in the timeline's sections."""
    if isinstance(value, dict):
        own = [value["id"]] if isinstance(value.get("id"), str) and "date" in value else []
        return own + [i for v in value.values() for i in _ids(v)]
    if isinstance(value, list):
        return [i for v in value for i in _ids(v)]
    return []
