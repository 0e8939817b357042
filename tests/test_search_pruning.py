"""PostgreSQL's top-k pruning and facet combinations give what scoring every match gives.

Candidates for exact scoring are the matches holding the most (idf-weighted) query terms. With
pruning (``postgres_rank.Matcher``), the rarest terms find them and the others are looked up
only in those, checked in SQL against what a document holding none of the rare terms could
score; when the check fails, every term is scored for every match. Both ways must choose the
same candidates, so the same results. Facets are counted by each entry's combination of
organisations, kind and years (``facet_set``, migration 0008), and must count what the results
are. Phrases of three to six common words (on Whoosh: three from their run's counts, longer
from their pairs' positions where all their runs are) match exactly the documents where the
words run consecutively, on both backends.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from archive.search import SearchRequest, postgres, postgres_rank, ranking
from archive.search.records import iter_records

QUESTIONS = [
    q["q"]
    for q in json.loads(
        (Path(__file__).parent / "fixtures" / "search_questions.json").read_text(encoding="utf-8")
    )["questions"]
] + [
    "grooming lancashire police report",
    "inquiry hearings evidence OR statement victims",
    "council review failures children",
]


@pytest.fixture
def pg_archive(archive_root, postgres_url, make_archive):
    built = make_archive(archive_root, postgres_url)
    report = built.build()
    assert not report.problems, report.problems
    assert built.search.name == "postgres"
    return built


def _results(archive, q: str):
    results = archive.search.search(SearchRequest(q=q, per_page=3))
    return (
        results.total,
        results.facets,
        [(h.document_id, round(h.score, 9), h.missing) for h in results.hits],
        results.notices,
    )


@pytest.mark.postgres
def test_pruned_candidates_give_what_scoring_every_match_gives(pg_archive, monkeypatch):
    # Few candidates, so that 29 documents are enough for pruning to choose among them.
    monkeypatch.setattr(ranking, "PARAMS", dataclasses.replace(ranking.PARAMS, candidates=3))
    checks: list[bool] = []
    match = postgres_rank.Matcher.match

    def spy(self, *args, **kwargs):
        yield from match(self, *args, **kwargs)
        checks.extend(self.pruned)
        self.pruned.clear()

    monkeypatch.setattr(postgres_rank.Matcher, "match", spy)
    for q in QUESTIONS:
        monkeypatch.setattr(postgres_rank, "ESSENTIAL", 10**9)  # never prune
        checked = len(checks)
        every = _results(pg_archive, q)
        assert len(checks) == checked
        monkeypatch.setattr(postgres_rank, "ESSENTIAL", 0.01)  # prune whenever possible
        pruned = _results(pg_archive, q)
        assert pruned == every, q
    # Both ways out of the check were taken: candidates from the rare terms, and the fallback.
    assert True in checks and False in checks


@pytest.mark.postgres
def test_candidates_of_a_question_relaxed_to_any_word_need_not_be_looked_up_in_the_matches(
    pg_archive, monkeypatch
):
    # Relaxed to any of its words, with nothing else to hold, every document holding a word is
    # a match: the candidates are taken without joining the matches. Beside a phrase, filter,
    # exclusion or a phrase in an OR, they are not; the results must not differ either way.
    monkeypatch.setattr(ranking, "PARAMS", dataclasses.replace(ranking.PARAMS, candidates=3))
    monkeypatch.setattr(postgres_rank, "ESSENTIAL", 0.01)  # prune whenever possible
    taken: list[bool] = []
    held: list[bool] = []  # whether each shortcut's pruned candidates held (no fallback)
    within, match = postgres_rank.Matcher.within, postgres_rank.Matcher.match

    def spy_within(self, relaxed):
        taken.append(within(self, relaxed))
        return taken[-1]

    def spy_match(self, where, candidates=True, relaxed=False):
        yield from match(self, where, candidates, relaxed)
        if candidates and relaxed and self.within(relaxed):
            held.extend(self.pruned[-1:])

    monkeypatch.setattr(postgres_rank.Matcher, "within", spy_within)
    monkeypatch.setattr(postgres_rank.Matcher, "match", spy_match)
    others = [
        "what did the inquiry say about grooming -police",
        'why was the "home office" report about grooming late',
        'what was grooming OR "the inquiry" about in lancashire',
        "kind:report what did the police say about grooming",
    ]
    for q in QUESTIONS + others:
        monkeypatch.setattr(postgres_rank, "WITHIN", True)
        start = len(taken)
        shortcut = _results(pg_archive, q)
        took = any(taken[start:])
        assert not (took and q in others), q
        monkeypatch.setattr(postgres_rank, "WITHIN", False)
        assert _results(pg_archive, q) == shortcut, q
    assert True in held  # candidates taken by the shortcut were the results' (no fallback)


@pytest.mark.postgres
def test_essential_terms_read_only_where_another_term_is_give_the_same_candidates(
    pg_archive, monkeypatch
):
    # When no term alone outscores the others together, a candidate the check accepts holds
    # two terms or more: an essential term's documents are read only where another term is.
    monkeypatch.setattr(ranking, "PARAMS", dataclasses.replace(ranking.PARAMS, candidates=3))
    monkeypatch.setattr(postgres_rank, "ESSENTIAL", 0.01)  # prune whenever possible
    narrowed: list[bool] = []
    essential_hit = postgres_rank._essential_hit

    def spy(conditions, i, *args):
        found = essential_hit(conditions, i, *args)
        narrowed.append(found != conditions[i])
        return found

    monkeypatch.setattr(postgres_rank, "_essential_hit", spy)
    held: list[bool] = []  # whether the check accepted candidates found so (no fallback)
    match = postgres_rank.Matcher.match

    def spy_match(self, *args, **kwargs):
        start = len(narrowed)
        yield from match(self, *args, **kwargs)
        if any(narrowed[start:]):
            held.extend(self.pruned[-1:])

    monkeypatch.setattr(postgres_rank.Matcher, "match", spy_match)
    mixed = ["grooming lanc* police council", "what did groom* say about the police review"]
    for q in [
        *QUESTIONS,
        "grooming lancashire OR police",
        "grooming -police council review",
        *mixed,
    ]:
        monkeypatch.setattr(postgres_rank, "TWO_TERMS", True)
        two = _results(pg_archive, q)
        monkeypatch.setattr(postgres_rank, "TWO_TERMS", False)
        assert _results(pg_archive, q) == two, q
    assert True in held


@pytest.mark.postgres
def test_a_term_beside_any_other_is_one_index_condition_finding_the_same_documents(pg_archive):
    # Candidates' conditions "a and any of b, c" are one tsquery per column, a && (b || c), so
    # the planner cannot check b and c in every tsvector of a's documents (380 ms of a ten-word
    # question at 100,000 documents); they must find what the conditions written out find.
    from archive.search.postgres_query import Compiler

    queries = [
        "grooming lancashire police report council",
        "grooming lanc* police chair*",  # prefixes are on the exact column, words on ranked
        "what did the inquiry say about grooming in lancashire",
        "inquiry hearings evidence OR statement victims",
        "what was the",  # stop words alone: searched as typed, on the exact column
    ]
    checked = 0
    with pg_archive.engine.begin() as connection:
        for q in queries:
            request = SearchRequest(q=q)
            sql = Compiler(leads=postgres._leads_indexed(connection)).compile(request.plan, request)
            terms = sql.terms
            for i, term in enumerate(terms):
                others = [k for k in range(len(terms)) if k != i]
                if not others:
                    continue
                combined = postgres_rank._with_any(terms, i, others)
                columns = {terms[k].column for k in others}
                assert combined.count("@@") == len(columns) + sum(
                    c != term.column for c in columns
                ), combined
                written = (
                    f"e.{term.column} @@ {term.query} AND ("
                    + " OR ".join(f"e.{terms[k].column} @@ {terms[k].query}" for k in others)
                    + ")"
                )
                found = {}
                for name, condition in (("combined", combined), ("written", written)):
                    query = f"SELECT e.document_id FROM search.entries e WHERE {condition}"
                    found[name] = set(connection.scalars(text(query), sql.params))
                assert found["combined"] == found["written"], (q, term.label)
                checked += bool(found["written"])
    assert checked >= 5  # most conditions find documents in the fixture archive


def _expected_facets(archive, ids: set[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {"organisation": Counter(), "kind": Counter(), "year": Counter()}
    with archive.session() as session:
        for record in iter_records(session):
            if record.id not in ids:
                continue
            counts["kind"][record.kind] += 1
            for key in set(record.organisations):
                counts["organisation"][key] += 1
            for year in record.years:
                counts["year"][str(year)] += 1
    return {name: dict(c) for name, c in counts.items() if c}


@pytest.mark.postgres
@pytest.mark.parametrize("q", ["inquiry", "grooming networks", "when was the hearing postponed"])
def test_facets_count_the_matches_by_organisation_kind_and_year(pg_archive, q):
    results = pg_archive.search.search(SearchRequest(q=q, per_page=50))
    ids = {h.document_id for h in results.hits}
    assert len(ids) == results.total > 0
    assert results.facets == _expected_facets(pg_archive, ids)


@pytest.mark.postgres
def test_facets_follow_an_edited_document(pg_archive, archive_root):
    before = pg_archive.search.search(SearchRequest(q="inquiry", per_page=50))
    doc_id = before.hits[0].document_id
    path = archive_root / "documents" / f"{doc_id}.md"
    text = path.read_text(encoding="utf-8")
    kind = re.search(r"^kind: *(\S+)", text, re.M).group(1)
    other = "event" if kind != "event" else "report"
    path.write_text(re.sub(r"^kind: *\S+", f"kind: {other}", text, count=1, flags=re.M), "utf-8")
    report = pg_archive.build()
    assert not report.problems, report.problems
    after = pg_archive.search.search(SearchRequest(q="inquiry", per_page=50))
    assert after.facets == _expected_facets(pg_archive, {h.document_id for h in after.hits})
    assert after.facets["kind"].get(other, 0) == before.facets["kind"].get(other, 0) + 1


def _texts(archive) -> dict[str, str]:
    with archive.session() as session:
        return {r.id: f"{r.title}\n{r.body}".lower() for r in iter_records(session)}


# Phrases of three to six common words: some in the shipped documents, some whose pairs (or
# runs) all occur in documents where the words never run together.
@pytest.mark.parametrize(
    "phrase",
    [
        '"to have been"',
        '"in the same"',
        '"because of the"',
        '"of the in"',
        '"the same the"',
        '"said to have been"',
        '"now said to have been"',
        '"are now said to have been"',
        '"they have been or are being"',
        '"to have been the"',
        '"said to have the"',
        '"of the in the"',
        '"it was one of the"',
    ],
)
def test_phrases_of_three_common_words_match_exactly(archive, phrase):
    assert _found(archive, phrase) == _expected(archive, phrase)


def _expected(archive, phrase: str) -> set[str]:
    words = phrase.strip('"').lower().split()
    pattern = re.compile(r"\b" + r"\W+".join(words) + r"\b")
    return {d for d, t in _texts(archive).items() if pattern.search(t)}


def _found(archive, phrase: str) -> set[str]:
    results = archive.search.search(SearchRequest(q=phrase, per_page=50))
    assert results.total == len(results.hits)  # all on one page
    return {h.document_id for h in results.hits}


# A most frequent word and the next (PostgreSQL: one GIN lookup in ``pairs``, migration 0012):
# phrases whose words are also in documents where they are not side by side (some found
# nowhere), one in capitals, longer ones, and words the index pairs with none (a common word
# after, an accent, a digit).
LEAD_PHRASES = [
    '"the inquiry"',
    '"The Inquiry"',
    '"of grooming"',
    '"in lancashire"',
    '"to the inquiry"',
    '"of the inquiry"',
    '"the home office"',
    '"the inquiry into"',
    '"a report"',
    '"in 2019"',
    '"the café"',
    '"of the"',
]


@pytest.mark.parametrize("phrase", LEAD_PHRASES)
def test_phrases_of_a_most_frequent_word_and_the_next_match_exactly(archive, phrase):
    expected = _expected(archive, phrase)
    assert _found(archive, phrase) == expected
    if phrase in ('"the inquiry"', '"of grooming"'):  # the words are apart in others too
        words = phrase.strip('"').lower().split()
        both = {d for d, t in _texts(archive).items() if all(w in t.split() for w in words)}
        assert expected and both - expected


@pytest.mark.postgres
def test_lead_pairs_are_looked_for_only_once_the_index_has_them(pg_archive):
    # A database whose entries predate migration 0012 (as a server may meet before the build
    # that migrates it): phrases are checked by positions, and found all the same; after the
    # migration, from the pairs it gave the existing entries.
    from alembic import command

    from archive.db import alembic_config

    expected = {p: _found(pg_archive, p) for p in LEAD_PHRASES}
    with pg_archive.engine.connect() as connection:
        held = connection.scalar(text("SELECT count(*) FROM search.entries WHERE pairs @> :p"),
                                 {"p": ["the inquiry"]})  # fmt: skip
    assert held == len(expected['"the inquiry"']) > 0
    command.downgrade(alembic_config(pg_archive.engine), "0011")
    with pg_archive.engine.connect() as connection:
        held = connection.scalar(text("SELECT count(*) FROM search.entries WHERE pairs @> :p"),
                                 {"p": ["the inquiry"]})  # fmt: skip
    assert held == 0
    postgres._LEADS_INDEXED.clear()
    assert {p: _found(pg_archive, p) for p in LEAD_PHRASES} == expected
    pg_archive.migrate()
    assert {p: _found(pg_archive, p) for p in LEAD_PHRASES} == expected
    assert postgres._LEADS_INDEXED
