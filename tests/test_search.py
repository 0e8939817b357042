"""Search on the shipped corpus, on both backends (Whoosh with SQLite, PostgreSQL with PostgreSQL).

Each test states what a user would notice: which documents a query finds, what is marked, where
a result links to, what the counts say.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from archive.search import SearchError, SearchRequest

SPRING = "event-2020-spring-public-hearings"
STONE = "home-office-leave-no-stone-unturned"


def search(archive, q: str = "", **options):
    return archive.search.search(SearchRequest(q=q, **options))


def ids(archive, q: str = "", **options) -> list[str]:
    results = search(archive, q, per_page=50, **options)
    assert results.total == len(results.hits)
    return [hit.document_id for hit in results.hits]


def texts(archive) -> dict[str, str]:
    """Every current document's title and canonical text, lower-cased."""
    from archive.search.records import iter_records

    with archive.session() as session:
        return {r.id: f"{r.title}\n{r.body}".lower() for r in iter_records(session)}


def test_backend_follows_the_database(archive):
    expected = "postgres" if archive.config.is_postgres else "whoosh"
    assert archive.search.name == expected


def test_plain_words_must_all_appear_and_titles_weigh_more(archive):
    found = ids(archive, "grooming lancashire")
    corpus = texts(archive)
    assert found and set(found) == {
        doc_id for doc_id, text in corpus.items() if "groom" in text and "lancashire" in text
    }
    with_title = [d for d in found if "grooming" in d]
    assert found[0] in with_title  # a title match outranks body-only matches


def test_stemming_case_and_accents(archive):
    plain = ids(archive, "hearing")
    assert ids(archive, "HEARINGS") == plain
    assert set(ids(archive, "héaring")) == set(plain)
    assert SPRING in plain  # its text says "hearings"


def test_phrase_is_exact_even_with_stop_words(archive):
    found = set(ids(archive, '"leave no stone unturned"'))
    corpus = texts(archive)
    assert found == {d for d, text in corpus.items() if "leave no stone unturned" in text}
    assert STONE in found
    assert ids(archive, '"leave stone unturned"') == []  # the stop word is part of the phrase
    assert set(ids(archive, "leave stone unturned")) >= found  # plain words still find them


def test_or_joins_alternatives(archive):
    either = set(ids(archive, "goddard OR woolf"))
    assert either == set(ids(archive, "goddard")) | set(ids(archive, "woolf"))
    assert "event-2014-10-31-woolf-stands-down" in either


def test_minus_excludes(archive):
    lancashire = set(ids(archive, "lancashire"))
    without = set(ids(archive, "lancashire -police"))
    corpus = texts(archive)
    assert without == {d for d in lancashire if "police" not in corpus[d]}
    assert without < lancashire
    assert set(ids(archive, 'lancashire -"county council"')) < lancashire


def test_prefix(archive):
    found = set(ids(archive, "statutor*"))
    corpus = texts(archive)
    assert found == {d for d, text in corpus.items() if re.search(r"\bstatutor", text)}
    assert "event-2015-03-12-statutory-inquiry-set-up" in found


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (
            "org:home-office",
            {"home-office-iicsa-purpose", STONE, "event-2014-07-07-inquiry-announced"},
        ),
        (
            "kind:statement",
            {"home-office-iicsa-purpose", STONE, "lancashire-police-lcc-joint-statement-cse"},
        ),
        ('speaker:"home office"', {"home-office-iicsa-purpose", STONE}),
        ("tag:legislation", {"event-2017-04-03-sexual-communication-offence-in-force"}),
    ],
)
def test_field_filters(archive, q, expected):
    found = set(ids(archive, q))
    assert expected <= found
    if not q.startswith("org:"):
        assert found == expected


def test_field_filter_with_words(archive):
    assert ids(archive, "kind:article grooming") == ["lancashire-telegraph-grooming-probe-624"]
    assert set(ids(archive, "grooming -kind:event")) == {
        d for d in ids(archive, "grooming") if not d.startswith("event-")
    }


def test_form_filters_for_organisation_and_kind(archive):
    assert set(ids(archive, "grooming", org="nspcc")) <= set(ids(archive, "org:nspcc"))
    assert all(d.startswith("event-") for d in ids(archive, "inquiry", kind="event"))


def test_dates_filter_by_overlap_of_edtf_ranges(archive):
    spring_from = ids(archive, "hearings", date_from=dt.date(2020, 4, 1))
    assert SPRING in spring_from  # spring 2020 runs 1 March – 31 May
    assert SPRING not in ids(archive, "hearings", date_to=dt.date(2019, 12, 31))
    assert SPRING in ids(archive, "hearings", date_to=dt.date(2020, 3, 1))
    assert SPRING not in ids(archive, "hearings", date_from=dt.date(2020, 6, 1))
    only_range = ids(archive, date_from=dt.date(2014, 1, 1), date_to=dt.date(2014, 12, 31))
    assert set(only_range) == {d for d in texts(archive) if d.startswith("event-2014")}


def test_facets_count_every_match(archive):
    results = search(archive, "grooming")
    assert sum(results.facets["kind"].values()) == results.total
    assert results.facets["organisation"]["nspcc"] == len(ids(archive, "grooming org:nspcc"))
    assert results.facets["year"]["2019"] == len(
        ids(archive, "grooming", date_from=dt.date(2019, 1, 1), date_to=dt.date(2019, 12, 31))
    )


def test_snippets_mark_the_words_in_the_paragraph_they_link_to(archive):
    results = search(archive, "grooming")
    hit = next(h for h in results.hits if h.document_id == "nspcc-lancashire-grooming-crimes-2019")
    assert hit.snippets and "<mark>grooming</mark>" in hit.snippets[0].html.lower()
    with archive.session() as session:
        from archive.queries import get_document

        version = get_document(session, hit.document_id).version
    start, end = version.paragraphs[hit.paragraph - 1]
    assert "grooming" in version.canonical_text[start:end].lower()
    assert "grooming" in [w.lower() for w in hit.matched]


def test_phrase_snippet_marks_the_phrase(archive):
    hit = search(archive, '"leave no stone unturned"').hits[0]
    html = hit.snippets[0].html
    for word in ("leave", "stone", "unturned"):
        assert f"<mark>{word}</mark>" in html


def test_did_you_mean_uses_the_archives_words(archive):
    results = search(archive, "grroming")
    assert results.total == 0
    assert results.suggestion == "grooming"
    assert search(archive, "grooming").suggestion is None


def test_unparseable_query_falls_back_to_plain_words(archive):
    results = search(archive, '"leave no stone')
    assert any("unmatched quotation mark" in n for n in results.notices)
    assert STONE in [h.document_id for h in results.hits]
    results = search(archive, "org: grooming")
    assert results.notices and results.total > 0


def test_sort_by_date_and_pages(archive):
    by_date = search(archive, "inquiry", sort="date", per_page=50)
    days = [h.document.date_earliest for h in by_date.hits]
    assert days == sorted(days)
    first = search(archive, "inquiry", per_page=3)
    second = search(archive, "inquiry", per_page=3, page=2)
    assert first.total == second.total > 6
    assert not {h.document_id for h in first.hits} & {h.document_id for h in second.hits}
    assert first.pages == -(-first.total // 3)


def test_empty_query_finds_nothing_and_says_nothing_wrong(archive):
    results = search(archive, "   ")
    assert results.total == 0 and results.hits == [] and results.notices == []


def test_limits(archive):
    long = search(archive, "grooming " * 200)
    assert long.total > 0 and any("cut to" in n for n in long.notices)
    with pytest.raises(SearchError):
        SearchRequest(q="x", page=51)
    with pytest.raises(SearchError):
        SearchRequest(q="x", sort="popularity")
    assert search(archive, "g*").notices  # too short a prefix is refused, with a reason


def test_index_follows_edits_and_withdrawals(archive, archive_root):
    documents = archive_root / "documents"
    path = documents / f"{STONE}.md"
    path.write_text(
        path.read_text().replace("leave no stone unturned", "leave no stone unturned, zebrafish", 1)
    )
    archive.build()
    assert ids(archive, "zebrafish") == [STONE]
    (documents / "event-2014-10-31-woolf-stands-down.md").unlink()
    archive.build()
    assert ids(archive, "woolf") == []
    assert "event-2014-10-31-woolf-stands-down" not in ids(archive, "tag:inquiry-chair")


def test_reindex_gives_the_same_answers(archive):
    before = ids(archive, "grooming")
    archive.search.rebuild()
    assert ids(archive, "grooming") == before


def test_a_prefix_cannot_expand_to_the_whole_vocabulary(sqlite_archive, archive_root):
    letters = "abcdefghij"
    words = " ".join(f"zq{a}{b}" for a in letters for b in letters)  # 100 words starting zq
    (archive_root / "documents" / "zq-vocabulary.md").write_text(
        "---\nid: zq-vocabulary\ntitle: Many words\nkind: event\ndate: 2019-01-01\n"
        "source:\n  title: A test\n  publisher: Tests\n---\n" + words + "\n",
        encoding="utf-8",
    )
    sqlite_archive.build()
    results = search(sqlite_archive, "zq*")
    assert [h.document_id for h in results.hits] == ["zq-vocabulary"]
    assert any("too many words" in n for n in results.notices)


def test_a_query_past_its_time_limit_is_flagged_partial(sqlite_archive, monkeypatch):
    from archive.search import whoosh_backend

    monkeypatch.setattr(whoosh_backend, "TIME_LIMIT", -1.0)  # the deadline has always passed
    results = search(sqlite_archive, "inquiry")
    assert results.partial
    assert any("took too long" in n for n in results.notices)
