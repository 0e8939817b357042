"""The shipped corpus: verbatim statements, sourced events, honest dates."""

from __future__ import annotations

import pytest

from archive.dates import parse_date
from archive.source import read_source

from .conftest import PROJECT, SOURCES, needs_shared

TREE = read_source(PROJECT / "documents", PROJECT)
STATEMENTS = [d for d in TREE.documents.values() if d.kind == "statement"]


@pytest.fixture(scope="module")
def article() -> str:
    """The article the statements are quoted from (read only by tests that need ../shared)."""
    return (SOURCES / "lancashire-grooming-article.txt").read_text(encoding="utf-8")


def test_corpus_loads_without_problems():
    assert TREE.problems == []


@needs_shared
@pytest.mark.parametrize("document", STATEMENTS, ids=lambda d: d.id)
def test_every_quoted_statement_is_verbatim_from_the_article(document, article):
    paragraphs = [p for p in document.body.split("\n\n") if p.strip()]
    assert paragraphs
    for paragraph in paragraphs:
        assert paragraph in article, f"{document.id}: not verbatim: {paragraph!r}"
    assert document.metadata["source"]["via"] == "as reported in"
    assert document.metadata["source"]["publisher"] == "Lancashire Telegraph"


def test_the_statements_the_article_quotes_are_all_there():
    ids = {d.id for d in STATEMENTS}
    assert ids >= {
        "lancashire-police-lcc-joint-statement-cse",
        "home-office-iicsa-purpose",
        "home-office-leave-no-stone-unturned",
    }
    joint = TREE.documents["lancashire-police-lcc-joint-statement-cse"]
    assert joint.metadata["organisations"] == ["lancashire-police", "lancashire-county-council"]
    opening = "We have been recognised nationally"
    closing = "the position they find themselves coerced into."
    assert joint.body.startswith(opening) and joint.body.rstrip().endswith(closing)
    assert TREE.documents["home-office-leave-no-stone-unturned"].body == "leave no stone unturned"


def test_article_document_reports_its_figures():
    articles = [d for d in TREE.documents.values() if d.kind == "article"]
    assert len(articles) == 1
    for figure in ("624", "18,700", "3,300"):
        assert figure in articles[0].body


def test_nspcc_report_is_attributed_with_its_figures():
    reports = [d for d in TREE.documents.values() if d.kind == "report"]
    nspcc = [d for d in reports if "nspcc" in d.metadata["organisations"]]
    assert nspcc and nspcc[0].metadata["date"] == "2019-09"
    assert "252" in nspcc[0].body and "64" in nspcc[0].body


def test_timeline_events_end_with_the_spring_2020_hearings():
    events = [d for d in TREE.documents.values() if d.kind == "event"]
    hearings = [d for d in events if d.metadata.get("milestone") == "hearings"]
    assert len(hearings) == 1 and hearings[0].metadata["date"] == "2020-21"
    before = [d for d in events if not d.metadata.get("after_hearings")]
    last = max(before, key=lambda d: parse_date(d.metadata["date"]).sort_key)
    assert last is hearings[0]
    after = [d for d in events if d.metadata.get("after_hearings")]
    assert {d.metadata["date"] for d in after} >= {"2020-09-21/2020-10-29", "2022-10-20"}


def test_uncertain_facts_stay_uncertain():
    dates = {d.metadata["date"] for d in TREE.documents.values()}
    assert "2019-09-11?" in dates  # NSPCC national figures: month confirmed, day likely
    assert "2019-12~" in dates  # the article: day not confirmed


def test_every_event_names_its_source():
    for document in TREE.documents.values():
        source = document.metadata["source"]
        assert source["title"].strip() and source["publisher"].strip(), document.id
