"""Choosing a quote word by word: the library's words, the word pickers on the quote page, the
form's redirect to the permalink, the citation style chosen by a plain link, and bad input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.canonical import canonical_text
from archive.quote_words import chosen_span, words_between
from archive.quotes import BadRange
from tests.conftest import FIXTURES, copy_corpus

DOC = "fx-joint-statement"
P2 = "We’re committed to “working together” with partners, and we’ll keep doing so."


def words(text: str) -> list[str]:
    return [w.text for w in words_between(text, 0, len(text))]


def test_words_keep_apostrophes_and_hyphens_inside_and_drop_punctuation():
    assert words(P2) == [
        "We’re", "committed", "to", "working", "together", "with", "partners", "and", "we’ll",
        "keep", "doing", "so",
    ]  # fmt: skip
    assert words("child-protection -- a - b 'quoted' x’") == [
        "child-protection", "a", "b", "quoted", "x"
    ]  # fmt: skip
    assert words("Łódź, Zürich; naïve 2,000") == ["Łódź", "Zürich", "naïve", "2", "000"]


def test_a_word_uses_code_point_offsets_of_the_text():
    text = "🙂 Café staff"
    found = words_between(text, 0, len(text))
    assert [(w.start, w.end) for w in found] == [(2, 6), (7, 12)]
    assert [text[w.start : w.end] for w in found] == ["Café", "staff"]


def test_chosen_span_runs_from_the_first_word_to_the_last_in_either_order():
    canonical = canonical_text("First para here.\n\n" + P2)
    text, paragraphs = canonical.text, canonical.paragraphs
    first = text.index("committed")
    last = text.index("together") + len("together")
    span = chosen_span(text, paragraphs, first, last)
    assert text[slice(*span)] == "committed to “working together"
    # chosen the wrong way round: "together" as first word, "committed" as last word
    backwards = chosen_span(text, paragraphs, text.index("together"), first + len("committed"))
    assert text[slice(*backwards)] == "committed to “working together"
    across = chosen_span(text, paragraphs, text.index("here"), text.index("We’re") + 5)
    assert text[slice(*across)] == "here.\n\nWe’re"


@pytest.mark.parametrize(("first", "last"), [(1, 5), (0, 3), (0, 10_000), (10_000, 20_000)])
def test_offsets_that_are_not_word_ends_are_refused(first, last):
    canonical = canonical_text("Some words here.")
    with pytest.raises(BadRange):
        chosen_span(canonical.text, canonical.paragraphs, first, last)


WORD = st.text(alphabet="abcdeéł’-", min_size=1, max_size=8).filter(
    lambda w: re.fullmatch(r"[a-zéł]+([’-][a-zéł]+)*", w) is not None
)


@given(st.lists(WORD, min_size=1, max_size=12), st.data())
def test_any_two_words_give_exactly_the_text_between_them(chosen, data):
    text = " ".join(chosen) + "."
    canonical = canonical_text(text)
    found = words_between(canonical.text, 0, len(canonical.text))
    assert [w.text for w in found] == chosen
    i = data.draw(st.integers(0, len(found) - 1))
    j = data.draw(st.integers(i, len(found) - 1))
    start, end = chosen_span(canonical.text, canonical.paragraphs, found[i].start, found[j].end)
    assert canonical.text[start:end] == " ".join(chosen[i : j + 1])


@pytest.fixture
def qclient(tmp_path, make_archive):
    from webapp import create_app

    archive = make_archive(copy_corpus(FIXTURES / "quotes", tmp_path / "root"))
    assert not archive.build().problems
    return create_app({"TESTING": True}, archive=archive).test_client()


def test_the_form_redirects_to_the_permalink_of_the_chosen_words(qclient):
    text = qclient.get(f"/api/v1/documents/{DOC}").get_json()["canonical_text"]
    first, last = text.index("committed"), text.index("partners") + len("partners")
    response = qclient.get(f"/documents/{DOC}/v1/q?first={first}&last={last}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/documents/{DOC}/v1/q/{first}-{last}"
    api = qclient.get(f"/api/v1/documents/{DOC}/v1/q?first={first}&last={last}")
    assert api.headers["Location"] == f"/api/v1/documents/{DOC}/v1/q/{first}-{last}"
    styled = qclient.get(f"/documents/{DOC}/v1/q?first={first}&last={last}&style=apa")
    assert styled.headers["Location"] == f"/documents/{DOC}/v1/q/{first}-{last}?style=apa"
    unknown = qclient.get(f"/documents/{DOC}/v1/q?first={first}&last={last}&style=x")
    assert unknown.headers["Location"] == f"/documents/{DOC}/v1/q/{first}-{last}"
    page = qclient.get(f"/documents/{DOC}/v1/q/83-160?style=apa").get_data(as_text=True)
    assert '<input type="hidden" name="style" value="apa">' in page
    paths = qclient.get("/api/v1/openapi.json").get_json()["paths"]
    assert "303" in paths["/api/v1/documents/{doc_id}/v{number}/q"]["get"]["responses"]


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("", 400, "choose the first word"),
        ("first=abc&last=9", 400, "choose the first word"),
        ("first=83&last=", 400, "choose the last word"),
        ("first=84&last=88", 400, "choose the first and the last word"),
        ("first=83&last=99999999", 400, "not in this version"),
        ("first=-1&last=88", 400, "choose the first word"),
    ],
)
def test_bad_choices_are_a_clear_400(qclient, query, status, says):
    for prefix in ("", "/api/v1"):
        response = qclient.get(f"{prefix}/documents/{DOC}/v1/q?{query}")
        assert response.status_code == status
        assert says in response.get_data(as_text=True)
    assert qclient.get(f"/documents/{DOC}/v7/q?first=83&last=88").status_code == 404
    assert qclient.get("/documents/no-such-document/v1/q?first=83&last=88").status_code == 404


def test_the_quote_page_offers_first_and_last_word_pickers_set_to_the_quote(qclient):
    html = qclient.get(f"/documents/{DOC}/v1/q/89-110").get_data(as_text=True)
    assert f'action="/documents/{DOC}/v1/q"' in html and 'method="get"' in html
    assert '<option value="89" selected>2: committed to “working …</option>' in html
    assert '<option value="110" selected>4: … committed to “working</option>' in html
    assert html.count("<option") == 2 * len(words(P2))


def test_the_chosen_style_comes_first_and_the_others_stay_one_step_away(qclient):
    def first_style(html: str) -> str:
        chosen = html.index('id="cite-chosen"')
        return re.search(r'data-style="([a-z-]+)"', html[chosen:])[1]

    html = qclient.get(f"/documents/{DOC}/v1/q/83-160").get_data(as_text=True)
    assert first_style(html) == "oscola"
    apa = qclient.get(f"/documents/{DOC}/v1/q/83-160?style=apa").get_data(as_text=True)
    assert first_style(apa) == "apa"
    others = apa[apa.index('id="cite-others"') :]
    for style in ("oscola", "chicago", "harvard", "bibtex", "ris", "csl-json"):
        assert f'data-style="{style}"' in others
    assert apa.count('id="q-apa-1"') == 1 and apa.count('id="q-oscola-1"') == 1
    assert apa.index('id="quote-permalink"') < apa.index('id="cite-chosen"')
    assert apa.index('class="standing') < apa.index('id="cite-chosen"')
    unknown = qclient.get(f"/documents/{DOC}/v1/q/83-160?style=mla")
    assert unknown.status_code == 200 and "no citation style “mla”" in unknown.get_data(True)


def test_the_json_twin_is_the_same_whatever_the_style(qclient):
    plain = qclient.get(f"/api/v1/documents/{DOC}/v1/q/83-160").get_json()
    styled = qclient.get(f"/api/v1/documents/{DOC}/v1/q/83-160?style=apa").get_json()
    assert plain == styled
    assert "words" not in plain and "chosen_style" not in plain
