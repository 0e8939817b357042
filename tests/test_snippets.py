"""Whoosh snippets: what is marked depends on the query alone, never on the words a process
met before (its shared vocabulary of folded forms and stems), and the HTML is the text escaped.
"""

from __future__ import annotations

import threading

import pytest

from archive.search import snippets as snippets_module
from archive.search.querylang import parse_query
from archive.search.snippets import SnippetMaker, Vocabulary

TEXTS = [
    "Grooming networks were found. The panel said grooming & abuse <b>continued</b>.\n\n"
    "Officers groomed nobody; the grooms' café closed in 2019.",
    'Caf\u00e9 owners told the inquiry "they knew". Nobody\'s report named the CAFE.\n\n'
    "Networks of abusers: the network's reach was wide.",
    "A short one.",
]
QUERIES = ["grooming", "groomed networks", "cafe", "café network*", '"the panel" said', "nobody"]


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for part in text.split("\n\n"):
        spans.append((start, start + len(part)))
        start += len(part) + 2
    return spans


def make_all(queries=QUERIES) -> list:
    out = []
    for query in queries:
        maker = SnippetMaker(parse_query(query).positive_words())
        out.append([maker.make(text, paragraphs_of(text)) for text in TEXTS])
    return out


@pytest.fixture
def fresh(monkeypatch):
    """What a new process makes: each query with an empty vocabulary of its own."""

    def run(queries=QUERIES) -> list:
        results = []
        for query in queries:
            monkeypatch.setattr(snippets_module, "VOCABULARY", Vocabulary())
            results.extend(make_all([query]))
        return results

    return run


def test_marks_depend_on_the_query_not_on_words_met_before(fresh, monkeypatch):
    expected = fresh()
    monkeypatch.setattr(snippets_module, "VOCABULARY", Vocabulary())
    assert make_all() == expected
    assert make_all(list(reversed(QUERIES))) == list(reversed(expected))
    grooming = " ".join(s.html for s in expected[0][0][0])
    assert "<mark>Grooming</mark>" in grooming and "<mark>groomed</mark>" in grooming
    assert "<mark>grooms</mark>" in grooming and "<mark>caf" not in grooming
    cafe = [" ".join(s.html for s in snippets) for snippets, _ in expected[2]]
    assert "<mark>café</mark>" in cafe[0] and "<mark>groom" not in cafe[0]
    assert "<mark>Caf\u00e9</mark>" in cafe[1] and "<mark>CAFE</mark>" in cafe[1]


def test_a_full_vocabulary_starts_again_and_marks_the_same(fresh, monkeypatch):
    expected = fresh()
    monkeypatch.setattr(snippets_module, "VOCABULARY", Vocabulary(kept=5))
    assert make_all() == expected
    assert len(snippets_module.VOCABULARY.forms) <= 40  # started again, not grown


def test_threads_sharing_a_small_vocabulary_mark_what_one_would(fresh, monkeypatch):
    expected = fresh()
    monkeypatch.setattr(snippets_module, "VOCABULARY", Vocabulary(kept=12))
    results, errors = [], []

    def work():
        try:
            for _ in range(15):
                results.append(make_all())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 90 and all(result == expected for result in results)


def test_snippet_html_is_the_text_escaped_with_marks():
    text = 'Tom & Jerry said "<b>grooming</b>" twice: grooming\'s cost.'
    maker = SnippetMaker(parse_query("grooming").positive_words())
    (snippet,), matched = maker.make(text, [(0, len(text))])
    assert snippet.text == text[:-1]  # up to the last word
    assert snippet.html == (
        "Tom &amp; Jerry said &quot;&lt;b&gt;<mark>grooming</mark>&lt;/b&gt;&quot; twice: "
        "<mark>grooming</mark>&#x27;s cost"
    )
    assert matched == ["grooming"]
