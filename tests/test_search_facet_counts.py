"""Whoosh facets: many documents are counted by their combination of organisations, kind and
year; the counts must be exactly those of counting each column, whatever the documents."""

from __future__ import annotations

import random

from archive.search import ranking
from archive.search.whoosh_rank import MANY_DOCS, Corpus, facets


def table_of(count: int, rng: random.Random) -> dict:
    orgs = [b"home-office", b"nspcc", b"police", b"home-office nspcc", b"", b"police nspcc"]
    years = [b"2019", b"2020", b"2019 2020", b"2021", b""]
    table = {
        "org_set": [rng.choice(orgs) for _ in range(count)],
        "kind": [rng.choice([b"statement", b"report", b"event", "article"]) for _ in range(count)],
        "year_set": [rng.choice(years) for _ in range(count)],
        "earliest": [0] * count,
        "latest": [0] * count,
        "deleted": {3, 7},
    }
    for name, _, _ in ranking.field_weights(ranking.PARAMS):
        table[f"len:{name}"] = [rng.randint(1, 400) for _ in range(count)]
    return table


def test_counting_by_combination_gives_the_counts_of_each_column():
    rng = random.Random(13)
    table = table_of(6000, rng)
    corpus = Corpus(table, ranking.PARAMS)
    live = sorted(corpus.everything())
    for size in (0, 1, 50, MANY_DOCS - 1, MANY_DOCS, 2500, len(live)):
        docs = set(rng.sample(live, size))
        expected = facets(table, docs)
        assert facets(table, docs, corpus) == expected
        assert list(facets(table, docs, corpus)["organisation"]) == list(expected["organisation"])
    everything = facets(table, set(live), corpus)
    assert sum(everything["kind"].values()) == len(live)
    assert everything["organisation"]["nspcc"] == sum(
        b"nspcc" in table["org_set"][d].split() for d in live
    )
