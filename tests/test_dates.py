"""Dates in words, with their precision, in a defined order."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.dates import InvalidDate, parse_date


@pytest.mark.parametrize(
    ("edtf", "words", "precision"),
    [
        ("2014-07-07", "7 July 2014", "day"),
        ("2019-09", "September 2019", "month"),
        ("2020-21", "Spring 2020", "season"),
        ("2019-12~", "c. December 2019", "month, approximate"),
        ("2019-09-11?", "11 September 2019 (uncertain)", "day, uncertain"),
        ("2020-04-20/2020-05-01", "20 April – 1 May 2020", "interval"),
        ("2020-09-21/2020-10-02", "21 September – 2 October 2020", "interval"),
        ("2019-12-30/2020-01-02", "30 December 2019 – 2 January 2020", "interval"),
        ("2019", "2019", "year"),
        ("2019-12-28~/2019-12-31~", "c. 28–31 December 2019", "interval, approximate"),
        ("2019-12-28?/2019-12-31?", "28–31 December 2019 (uncertain)", "interval, uncertain"),
        ("2019-12~/2020-01~", "c. December 2019 – c. January 2020", "interval, approximate"),
    ],
)
def test_date_in_words_with_precision(edtf, words, precision):
    date = parse_date(edtf)
    assert date.in_words() == words
    assert date.precision_label == precision


def test_spring_is_march_to_may():
    spring = parse_date("2020-21")
    assert (spring.earliest.isoformat(), spring.latest.isoformat()) == ("2020-03-01", "2020-05-31")


def test_winter_runs_into_the_next_year():
    winter = parse_date("2019-24")
    assert (winter.earliest.isoformat(), winter.latest.isoformat()) == ("2019-12-01", "2020-02-29")
    assert winter.in_words() == "Winter 2019"
    assert winter.overlaps(dt.date(2020, 2, 1), None)


def test_order_of_imprecise_dates():
    # Earliest possible day first; then wider before narrower; then certain before qualified.
    dates = ["2019-09-11?", "2019-09-11", "2019-09", "2019", "2019-21", "2019-09-01", "2019-09~"]
    ordered = sorted(dates, key=lambda d: parse_date(d).sort_key)
    assert ordered == [
        "2019",
        "2019-21",
        "2019-09",
        "2019-09~",
        "2019-09-01",
        "2019-09-11",
        "2019-09-11?",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "2019-13",
        "2019-02-30",
        "yesterday",
        "",
        "2019-12-28/2019-01-01",
        "2019/",
        "2019-12-28~/2019-12-31",  # one end approximate, the other not: no words say that
        "2019-12-28~/2019-12-31?",
    ],
)
def test_invalid_dates_are_refused(bad):
    with pytest.raises(InvalidDate):
        parse_date(bad)


def test_overlap_with_a_range():
    spring = parse_date("2020-21")
    assert spring.overlaps(dt.date(2020, 4, 1), None)
    assert not spring.overlaps(None, dt.date(2019, 12, 31))


def test_plain_dates_are_read_without_edtf_to_the_same_result():
    """A plain day, month or year skips edtf's grammar (13 ms a call) and must mean exactly
    what edtf says; an impossible day is left to edtf to refuse."""
    from archive.dates import _parse_edtf, _plain

    days = [dt.date(2019, 12, 25) + dt.timedelta(days=n) for n in range(0, 800, 7)]
    days += [dt.date(2020, 2, 29), dt.date(2019, 2, 28), dt.date(2100, 12, 31)]
    texts = ["1000", "2019", "9999", *(f"2020-{m:02d}" for m in range(1, 13)), "2019-02"]
    texts += [day.isoformat() for day in days]
    for text in texts:
        assert _plain(text) == _parse_edtf(text), text
    for text in ("2019-02-29", "2019-13", "2019-00", "0999", "2019-04-31", "2019-25"):
        assert _plain(text) is None, text
    with pytest.raises(InvalidDate):
        parse_date("2019-02-29")


def test_qualified_dates_and_seasons_are_read_without_edtf_to_the_same_result():
    """A qualified day, month or year and an unqualified season skip edtf's grammar too (a
    search page showed ten such dates, 13 ms each the first time), and must mean exactly what
    edtf says, winter into the next year's February included; a qualified season, which edtf
    refuses, is left to edtf."""
    from archive.dates import _parse_edtf, _plain

    texts = []
    for year in (1000, 2019, 2020, 2023, 2024, 2100, 9998):
        texts += [f"{year}-{season}" for season in (21, 22, 23, 24)]
        for mark in "~?%":
            texts += [f"{year}{mark}", f"{year}-02{mark}", f"{year}-12{mark}"]
            texts += [f"{year}-02-28{mark}", f"{year}-12-31{mark}", f"{year}-06-15{mark}"]
    for text in texts:
        assert _plain(text) == _parse_edtf(text), text
    assert _plain("0999~") is None  # years before 1000: edtf's business, as before
    for text in ("2020-21~", "2019-24?", "2019-21-01", "2019-02-29~", "2019-13%"):
        assert _plain(text) is None, text
        with pytest.raises(InvalidDate):
            parse_date(text)
