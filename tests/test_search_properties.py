"""No query string, however strange, produces an error: property-based, on both backends."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.search import SearchRequest
from webapp import create_app

SYNTAX = st.sampled_from(
    ['"', "-", "*", "OR", "org:", "kind:", "speaker:", "tag:", ":", " ", "(", ")"]
)
WORDS = st.sampled_from(["grooming", "leave", "no", "stone", "inquiry", "hearings", "é", "the"])
JUNK = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(SYNTAX, WORDS, st.text(max_size=5)), max_size=40).map("".join),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)
# The example count comes from the profile loaded in conftest.py (HYPOTHESIS_PROFILE=ci: more).
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def search_client(archive):
    return create_app({"TESTING": True}, archive=archive).test_client()


@SETTINGS
@given(q=JUNK)
@example(q="*" * 10_000)
@example(q='"unbalanced')
@example(q="org:")
@example(q="OR OR -")
@example(q="\x00\ud800\uffff")
@example(q="a* b* c* d* e*")
@example(q="-" * 50 + "x")
def test_junk_queries_never_fail(archive, q):
    results = archive.search.search(SearchRequest(q=q))
    assert results.total >= 0
    assert len(results.hits) <= results.total


@SETTINGS
@given(q=JUNK)
@example(q="%" * 500)
@example(q="kind:" + "é" * 100)
def test_junk_queries_never_500_over_http(search_client, q):
    response = search_client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["total"] >= 0
    page = search_client.get("/search", query_string={"q": q})
    assert page.status_code == 200
