"""The timeline: order, dates in words, the hearings marker, distances, groups and filters.

Runs on the fixture corpus in tests/fixtures/timeline (synthetic documents, not real claims),
which mixes day, month, season, year, approximate, uncertain and interval dates.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.dates import parse_date
from archive.timeline import BadFilter, load_timeline, parse_filter
from archive.timeline_relation import hearings_start, relation_to_hearings
from tests.conftest import FIXTURES, copy_corpus

TIMELINE_FIXTURES = FIXTURES / "timeline"
HEARINGS = "event-2020-21-fixture-hearings"
ORDER = [
    ("fx-day-2014", "7 July 2014", "5 years 9 months before the hearings"),
    ("fx-year-2019", "2019", "about 10 months before the hearings"),
    ("fx-month-2019", "September 2019", "about 7 months before the hearings"),
    (
        "fx-uncertain-day-2019",
        "11 September 2019 (uncertain)",
        "about 7 months before the hearings",
    ),
    ("fx-approximate-month-2019", "c. December 2019", "about 4 months before the hearings"),
    ("fx-day-2019-a", "28 December 2019", "3 months before the hearings"),
    ("fx-day-2019-b", "28 December 2019", "3 months before the hearings"),
    ("fx-interval-2020", "13–17 January 2020", "3 months before the hearings"),
    ("fx-march-2020", "10 March 2020", "1 month before the hearings"),
    (HEARINGS, "Spring 2020", "the hearings, due to open 20 April 2020"),
]
AFTER = [
    ("fx-after-season-2020", "Spring 2020", "around the time the hearings were due"),
    (
        "fx-after-interval-2020",
        "21 September – 2 October 2020",
        "5 months after the hearings were due",
    ),
    ("fx-after-day-2022", "1 February 2022", "1 year 9 months after the hearings were due"),
]


@pytest.fixture
def timeline_archive(tmp_path, database_url, make_archive):
    """The timeline fixture corpus, built on SQLite and on PostgreSQL."""
    archive = make_archive(copy_corpus(TIMELINE_FIXTURES, tmp_path / "root"), database_url)
    assert not archive.build().problems
    return archive


@pytest.fixture
def app(tmp_path, make_archive):
    from webapp import create_app

    archive = make_archive(copy_corpus(TIMELINE_FIXTURES, tmp_path / "root"))
    assert not archive.build().problems
    return create_app({"TESTING": True}, archive=archive)


def _entries(client, query: str = "") -> list[dict]:
    data = client.get(f"/api/v1/timeline{query}").get_json()
    return [
        entry
        for section in data["sections"]
        for year in section["years"]
        for month in year["months"]
        for entry in month["entries"]
    ]


def test_order_words_and_distance_from_the_hearings(timeline_archive):
    with timeline_archive.session() as session:
        timeline = load_timeline(session)
    got = [(e.id, e.date.in_words(), e.relation) for e in timeline.before]
    assert got == ORDER
    assert [(e.id, e.date.in_words(), e.relation) for e in timeline.after] == AFTER
    assert timeline.hearings_start == dt.date(2020, 4, 20)


def test_month_sits_before_an_uncertain_day_in_it():
    month, day = parse_date("2019-09"), parse_date("2019-09-11?")
    assert sorted([day, month], key=lambda d: d.sort_key) == [month, day]


def test_hearings_marker_is_last_before_the_after_section(client):
    data = client.get("/api/v1/timeline").get_json()
    before, after = data["sections"]
    assert (before["key"], after["key"]) == ("before", "after")
    last_before = before["years"][-1]["months"][-1]["entries"][-1]
    assert last_before["id"] == HEARINGS and last_before["section"] == "hearings"
    # It closes the road to the hearings even though 10 March 2020 sorts after spring's 1 March.
    assert [e["id"] for e in _entries(client)][-4:] == [HEARINGS] + [a[0] for a in AFTER]
    assert data["hearings"]["starts"] == "2020-04-20"
    html = client.get("/timeline").get_data(as_text=True)
    assert html.index(f'id="e-{HEARINGS}"') < html.index("After the hearings were due</h2>")
    assert html.index("After the hearings were due</h2>") < html.index('id="e-fx-after-day-2022"')


def test_entries_are_grouped_by_year_then_month_or_season(client):
    before = client.get("/api/v1/timeline").get_json()["sections"][0]
    groups = {y["year"]: [m["label"] for m in y["months"]] for y in before["years"]}
    assert groups == {
        2014: ["July 2014"],
        2019: ["2019, month not known", "September 2019", "December 2019"],
        2020: ["January 2020", "March 2020", "Spring 2020"],
    }


def test_page_is_an_ordered_list_with_year_headings_and_honest_dates(client):
    html = client.get("/timeline").get_data(as_text=True)
    assert '<h3 id="before-y2019" class="tl-year">2019</h3>' in html
    assert '<ol class="tl-entries" start="1">' in html
    for _, words, relation in ORDER[:-1] + AFTER:
        assert words in html and relation in html
    # Dates in words only: "c. December 2019", never its precision again nor its EDTF.
    assert "c. December 2019" in html and "(month only, approximate)" not in html
    shown = re.sub(r"<[^>]*>", " ", html)  # the words on the page, not its attributes
    assert "Spring 2020" in shown and "2020-21" not in shown and "EDTF" not in shown


def test_statement_shows_opening_words_linked_to_their_quote_permalink(client):
    entry = next(e for e in _entries(client) if e["id"] == "fx-approximate-month-2019")
    quote = entry["quote"]
    assert (
        quote["url"] == f"/documents/fx-approximate-month-2019/v1/q/{quote['start']}-{quote['end']}"
    )
    document = client.get("/api/v1/documents/fx-approximate-month-2019").get_json()
    assert document["canonical_text"][quote["start"] : quote["end"]] == quote["text"]
    assert quote["text"].startswith("This is test fixture wording") and quote["text"].endswith(".")
    assert quote["continues"]
    html = client.get("/timeline").get_data(as_text=True)
    assert f'href="{quote["url"]}"' in html
    organisations = [o["name"] for o in entry["organisations"]]  # one name everywhere
    assert organisations == [
        "Fixture County Council (test fixture)",
        "Fixture Constabulary (test fixture)",
    ]
    assert [o["short_name"] for o in entry["organisations"]] == organisations


def test_other_kinds_show_their_summary(client):
    entry = next(e for e in _entries(client) if e["id"] == "fx-month-2019")
    assert entry["quote"] is None
    assert entry["summary"] == "A synthetic report dated only to its month."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?org=fixture-charity",
         ["fx-year-2019", "fx-month-2019", "fx-uncertain-day-2019", HEARINGS]),
        ("?kind=report", ["fx-month-2019", "fx-day-2019-a", HEARINGS, "fx-after-day-2022"]),
        # Spring 2020 (1 March – 31 May) overlaps April; the day in March does not.
        ("?from=2020-04&to=2020-04", [HEARINGS, "fx-after-season-2020"]),
        ("?to=2019-09", ["fx-day-2014", "fx-year-2019", "fx-month-2019", "fx-uncertain-day-2019"]),
        ("?from=2021", ["fx-after-day-2022"]),
        ("?q=UNCERTAIN+day", ["fx-uncertain-day-2019", HEARINGS]),
        ("?q=second+synthetic+paragraph&org=fixture-council",
         ["fx-approximate-month-2019", "fx-day-2019-b", HEARINGS]),
    ],
)  # fmt: skip
def test_filters_are_shareable_urls_with_a_json_twin(client, query, expected):
    assert [e["id"] for e in _entries(client, query)] == expected
    page = client.get(f"/timeline{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert all(f'id="e-{doc_id}"' in html for doc_id in expected)
    assert html.count('class="tl-entry') == len(expected)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("org=nobody", "unknown org 'nobody'"),
        ("kind=memo", "unknown kind 'memo'"),
        ("from=2019-13", "'from' is not a real date"),
        ("from=last+year", "'from' must be a date such as 2019, December 2019"),
        ("to=2019-02-30", "'to' is not a real date"),
        ("from=2020&to=2019", "'to' (2019) is before 'from' (2020)"),
        ("to=2020-21", "'to' is not a real date"),
        ("q=" + "x" * 201, "q is too long"),
    ],
)
def test_bad_filters_are_a_clear_400(client, query, message):
    error = client.get(f"/api/v1/timeline?{query}").get_json()["error"]
    assert message in error["message"]
    for path in ("/timeline", "/timeline.csv", "/timeline.ics", "/timeline.json"):
        page = client.get(f"{path}?{query}")
        assert page.status_code == 400, path
        assert message in page.get_data(as_text=True).replace("&#39;", "'")


def test_filters_round_trip_through_the_form(client):
    html = client.get("/timeline?org=fixture-police&from=2019-09&q=statement").get_data(
        as_text=True
    )
    assert 'value="fixture-police" selected' in html
    assert 'name="from" value="2019-09"' in html
    assert "/timeline.csv?org=fixture-police&amp;from=2019-09&amp;q=statement" in html


def test_parse_filter_takes_to_as_the_last_day_it_can_mean():
    f = parse_filter({"from": "2019", "to": "2019-12"}, [])
    assert (f.start, f.end) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    with pytest.raises(BadFilter):
        parse_filter({"org": "x"}, ["y"])


@pytest.mark.parametrize(
    ("edtf", "text", "start"),
    [
        ("2020-21", "planned for 20 April – 1 May 2020", dt.date(2020, 4, 20)),
        ("2020-21", "planned 2020-04-20/2020-05-01", dt.date(2020, 4, 20)),
        ("2020-21", "no day named", dt.date(2020, 3, 1)),
        ("2020-21", "a day outside the season: 7 January 2020", dt.date(2020, 3, 1)),
    ],
)
def test_hearings_start_is_the_planned_day_when_the_milestone_names_one(edtf, text, start):
    assert hearings_start(parse_date(edtf), text) == start


class _Entry:
    milestone = False

    def __init__(self, edtf):
        self.date = parse_date(edtf)


@pytest.mark.parametrize(
    ("edtf", "relation"),
    [
        ("2020-04-20", "the day the hearings were due to open"),
        ("2020-04-13", "7 days before the hearings"),
        ("2020-03-30", "3 weeks before the hearings"),
        ("2019-04-20", "1 year before the hearings"),
        ("2019-09~", "about 7 months before the hearings"),
        ("2020-04", "around the time the hearings were due"),
        ("2020-06-01", "1 month after the hearings were due"),
    ],
)
def test_distance_is_said_no_more_precisely_than_the_date(edtf, relation):
    assert relation_to_hearings(_Entry(edtf), dt.date(2020, 4, 20)) == relation


def test_an_archive_without_hearings_or_documents_still_has_a_timeline(tmp_path, make_archive):
    from webapp import create_app

    root = tmp_path / "empty"
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "organisations.yaml").write_text(
        (TIMELINE_FIXTURES / "organisations.yaml").read_text()
    )
    archive = make_archive(root)
    archive.build()
    client = create_app({"TESTING": True}, archive=archive).test_client()
    data = client.get("/api/v1/timeline").get_json()
    assert data["hearings"] is None and data["total"] == 0
    for path in ("/timeline", "/timeline.csv", "/timeline.ics", "/timeline.svg", "/timeline.json"):
        assert client.get(path).status_code == 200, path


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["org", "kind", "from", "to", "q", "format"]),
    value=st.text(max_size=40),
)
def test_no_filter_value_is_a_500(client, name, value):
    for path in ("/api/v1/timeline", "/timeline.json"):
        response = client.get(path, query_string={name: value})
        assert response.status_code in (200, 400), (path, name, value)
