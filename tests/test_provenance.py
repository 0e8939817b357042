"""Who said it, when, and where it was published or reported: the one phrase pages, JSON,
citations and exports share (archive/provenance.py). Fictional names throughout."""

from __future__ import annotations

import pytest

from archive.provenance import captures_url, provenance_of

NEWS = frozenset({"fixture gazette", "the fixture independent"})


def sentence(kind="statement", organisations=("Fixture Police",), date="2019-12~", **source):
    meta = {
        "kind": kind,
        "date": date,
        "organisations": [f"o{i}" for i in range(len(organisations))],
    }
    meta["source"] = {"title": "A title", **source}
    names = {f"o{i}": name for i, name in enumerate(organisations)}
    return provenance_of(meta, names).sentence(NEWS)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"publisher": "Fixture Gazette", "via": "as reported in", "published": "2019-12~"},
            "said by Fixture Police, c. December 2019; as reported in the Fixture Gazette,"
            " c. December 2019",
        ),
        (  # a name with its own "The" is not given another
            {"publisher": "The Fixture Independent", "via": "first reported by"},
            "said by Fixture Police, c. December 2019; first reported by The Fixture Independent",
        ),
        (  # a relation that is not a preposition goes in brackets
            {"publisher": "Fixture Police", "via": "press release", "published": "2019-12-28"},
            "said by Fixture Police, c. December 2019; Fixture Police (press release),"
            " 28 December 2019",
        ),
        (  # no relation given: where it was published; not a news outlet: "by"
            {"publisher": "FCPC"},
            "said by Fixture Police, c. December 2019; published by FCPC",
        ),
    ],
)
def test_a_statement_says_who_said_it_and_where(kwargs, expected):
    assert sentence(**kwargs) == expected


def test_a_report_by_its_own_publisher_names_it_once():
    assert sentence("report", ("FCPC",), "2019-09-11?", publisher="FCPC") == "published by FCPC"
    assert sentence("report", ("FCPC",), "2019-09", publisher="Fixture Gazette") == (
        "by FCPC, September 2019; published in the Fixture Gazette"
    )


def test_an_event_is_nobodys_words():
    assert sentence("event", (), "2020-21", publisher="Fixture Gazette") == (
        "published in the Fixture Gazette"
    )


def test_captures_are_the_internet_archives_list_for_the_address():
    assert captures_url("https://example.org/a?b=1") == (
        "https://web.archive.org/web/*/https://example.org/a?b=1"
    )
    assert captures_url(None) is None


def test_words_another_publication_carried_first_are_said_after_the_source():
    meta = {
        "kind": "statement",
        "date": "2019-12~",
        "organisations": ["o0"],
        "source": {
            "title": "A title",
            "publisher": "Fixture Gazette",
            "via": "as reported in",
            "published": "2019-12-28~/2019-12-31~",
        },
        "see_also": [
            {"title": "Unrelated", "publisher": "Fixture Daily"},  # no via: not a carrier
            {
                "title": "First",
                "publisher": "The Fixture Independent",
                "via": "first reported by",
                "published": "2019-12-28",
            },
        ],
    }
    provenance = provenance_of(meta, {"o0": "Fixture Office"})
    assert provenance.sentence(NEWS) == (
        "said by Fixture Office, c. December 2019; as reported in the Fixture Gazette,"
        " c. 28–31 December 2019; first reported by The Fixture Independent, 28 December 2019"
    )
    assert provenance.as_dict(NEWS)["also_carried"] == [
        "first reported by The Fixture Independent, 28 December 2019"
    ]


def test_departments_take_the_and_publish_by_papers_publish_in():
    from archive.provenance import ProseNames

    names = ProseNames(definite={"fixture office"}, news={"fixture gazette"})
    statement = {
        "kind": "statement",
        "date": "2019-12~",
        "organisations": ["o0"],
        "source": {"title": "T", "publisher": "Fixture Gazette", "via": "as reported in"},
    }
    assert provenance_of(statement, {"o0": "Fixture Office"}).sentence(names) == (
        "said by the Fixture Office, c. December 2019; as reported in the Fixture Gazette"
    )
    report = {
        **statement,
        "kind": "report",
        "source": {"title": "T", "publisher": "Fixture Office"},
    }
    assert provenance_of(report, {"o0": "Fixture Office"}).sentence(names) == (
        "published by the Fixture Office"
    )
    police = {**statement, "source": {"title": "T", "publisher": "Fixture Gazette"}}
    assert provenance_of(police, {"o0": "Fixture Police"}).sentence(names) == (
        "said by Fixture Police, c. December 2019; published in the Fixture Gazette"
    )
