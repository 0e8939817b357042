"""Forms that forgive: dates as people write them, and a bad value re-shows the whole page with
the reader's input, an error summary, a message beside the box and what the other values find
(GOV.UK's error pattern); the JSON API keeps its plain 400."""

from __future__ import annotations

import re

import pytest

from archive.filters import BadFilter, parse_bound, parse_filter


@pytest.mark.parametrize(
    ("typed", "edtf"),
    [
        ("2019", "2019"),
        ("2019-12", "2019-12"),
        ("2019-1", "2019-01"),
        ("December 2019", "2019-12"),
        ("Dec 2019", "2019-12"),
        ("dec. 2019", "2019-12"),
        ("  Sept   2019 ", "2019-09"),
        ("28 December 2019", "2019-12-28"),
        ("28th Dec 2019", "2019-12-28"),
        ("December 28, 2019", "2019-12-28"),
        ("2019-12-28", "2019-12-28"),
        ("Spring 2020", "2020-21"),
    ],
)
def test_dates_are_read_as_people_write_them(typed, edtf):
    assert parse_bound(typed, "from").edtf == edtf


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("last year", "must be a date such as"),
        ("Ma 2019", "must be a date such as"),
        ("Smarch 2019", "must be a date such as"),
        ("2019-13", "not a real date"),
        ("2020-21", "not a real date"),  # EDTF's spring; a UK reader sees a financial year
        ("30 February 2019", "not a real date"),
        ("32 December 2019", "not a real date"),
    ],
)
def test_a_date_that_cannot_be_read_says_what_to_send(typed, says):
    with pytest.raises(BadFilter) as raised:
        parse_bound(typed, "from")
    assert says in str(raised.value) and list(raised.value.problems) == ["from"]


def test_every_problem_is_reported_against_its_parameter():
    with pytest.raises(BadFilter) as raised:
        parse_filter({"org": "nobody", "from": "soon", "to": "2019-13", "kind": "x"}, ["a"])
    assert set(raised.value.problems) == {"org", "kind", "from", "to"}


def _total(client, query: str) -> int:
    return client.get(f"/api/v1/search?{query}").get_json()["total"]


def test_a_month_in_words_finds_what_its_number_finds(client):
    numeric = _total(client, "q=grooming&from=2019-12")
    assert numeric > 0
    for typed in ("December+2019", "Dec+2019", "dec.+2019"):
        assert _total(client, f"q=grooming&from={typed}") == numeric
        assert client.get(f"/search?q=grooming&from={typed}").status_code == 200


def test_a_bad_date_re_shows_the_whole_search_form_with_its_errors(client):
    page = client.get("/search?q=grooming&org=home-office&from=Decmber+2019")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert html.startswith("<!doctype html>") and "<title>Error: Search: grooming" in html
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert 'role="alert"' in summary and 'href="#s-from"' in summary and "Decmber 2019" in summary
    assert 'id="s-from-error"' in html  # the message beside the box …
    field = re.search(r'<input id="s-from"[^>]*>', html).group(0)
    assert 'value="Decmber 2019"' in field  # … which keeps what the reader typed
    assert 'aria-invalid="true"' in field and "s-from-error" in field
    assert 'value="grooming"' in html and 'value="home-office" selected' in html
    assert 'class="results"' in html  # the other values still find their documents
    assert "placeholder" not in re.search(
        r"<form class=\"filters search-form\".*?</form>", html, re.S
    ).group(0)
    assert "December 2019" in html  # the hint says the formats


def test_the_api_keeps_its_plain_400(client):
    response = client.get("/api/v1/search?q=grooming&from=Decmber+2019")
    assert response.status_code == 400
    assert "must be a date such as" in response.get_json()["error"]["message"]
    response = client.get("/api/v1/timeline?from=Decmber+2019")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert client.get("/api/v1/documents?kind=memo").status_code == 400


def test_bad_sort_and_page_are_shown_with_the_results_of_the_rest(client):
    page = client.get("/search?q=grooming&sort=popularity&page=zz")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "sort must be one of" in html and "page must be a whole number" in html
    assert 'class="results"' in html


def test_a_bad_timeline_filter_re_shows_the_timeline_with_its_errors(client):
    page = client.get("/timeline?from=soon&kind=event")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'class="error-summary"' in html and 'href="#tl-from"' in html
    assert re.search(r'<input id="tl-from"[^>]*value="soon"[^>]*aria-invalid="true"', html)
    assert 'value="event" selected' in html
    assert 'class="tl-entry' in html  # the entries the other values find
    assert client.get("/timeline?from=Dec+2019").status_code == 200
    assert client.get("/timeline.csv?from=soon").status_code == 400  # exports stay strict


def test_a_bad_documents_filter_re_shows_the_list(client):
    page = client.get("/documents?org=nobody&kind=statement")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'class="error-summary"' in html and 'id="f-org-error"' in html
    assert 'value="statement" selected' in html and 'class="doc-list"' in html
