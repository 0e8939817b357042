"""The ranking both backends compute: BM25F over title, body and the names of the document's
organisations, plus a term-proximity boost.

BM25F (Robertson, Zaragoza & Taylor 2004) combines a term's frequencies in the fields *before*
saturating them, each weighted and normalised by that field's length:

    x(d)  = Σ_f  w_f · tf_f(d) / (1 − b_f + b_f · len_f(d) / avglen_f)
    score = Σ_t  idf(t) · x(d) · (k1 + 1) / (x(d) + k1)

with idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)) over documents (a stem's df counts every
document holding any of its forms in any field). The proximity boost is BM25TP (Rasolofo
& Savoy 2003): pairs of query terms within ``window`` words of each other add 1/distance² to
both, and each term's sum is saturated like a frequency and weighted by min(1, idf).

The parameters were chosen with ``bench/relevance.py`` (judged questions on the shipped corpus
and a synthetic collection whose relevant documents are known by construction).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    k1: float = 1.2
    title_weight: float = 2.5
    title_b: float = 0.4
    body_b: float = 0.75
    names_weight: float = 0.5  # the names of the document's organisations (``orgname``)
    names_b: float = 0.0  # a few short names: their length says nothing (PostgreSQL assumes 0)
    proximity: float = 0.0  # weight of the BM25TP boost; off: it did not help on our judged sets
    window: int = 5  # words apart, at most, for two terms to count as near
    rerank: int = 30  # how many of the best BM25F documents the boost may reorder
    candidates: int = 100  # PostgreSQL: documents (by idf of the terms they hold) scored exactly


PARAMS = Params()


def field_weights(params: Params) -> tuple[tuple[str, float, float], ...]:
    """Each field's name, weight and length normalisation ``b``."""
    return (
        ("title", params.title_weight, params.title_b),
        ("body", 1.0, params.body_b),
        ("orgname", params.names_weight, params.names_b),
    )


def idf(df: int, count: int) -> float:
    return math.log(1.0 + (count - df + 0.5) / (df + 0.5))


def saturate(x: float, k1: float) -> float:
    return x * (k1 + 1.0) / (x + k1) if x > 0 else 0.0


def normaliser(length: float, average: float, b: float) -> float:
    return 1.0 - b + b * (length / average if average else 1.0)


def pair_closeness(first: list[int], second: list[int], window: int) -> float:
    """Σ 1/distance² over occurrences of two terms at most ``window`` words apart."""
    if not first or not second:
        return 0.0
    total = 0.0
    for position in first:
        i = bisect_left(second, position - window)
        while i < len(second) and second[i] <= position + window:
            distance = abs(second[i] - position)
            if distance:
                total += 1.0 / (distance * distance)
            i += 1
    return total


def proximity(
    positions: list[list[int]], idfs: list[float], norm: float, params: Params | None = None
) -> float:
    """BM25TP's boost for one document and field: ``positions`` per term, ``norm`` as in BM25F."""
    params = params or PARAMS
    present = [i for i, p in enumerate(positions) if p]
    if len(present) < 2:
        return 0.0
    near = [0.0] * len(positions)
    for a_index, a in enumerate(present):
        for b in present[a_index + 1 :]:
            closeness = pair_closeness(positions[a], positions[b], params.window)
            near[a] += closeness
            near[b] += closeness
    k = params.k1 * norm
    return sum(
        min(1.0, idfs[i]) * near[i] * (params.k1 + 1.0) / (near[i] + k) for i in present if near[i]
    )
