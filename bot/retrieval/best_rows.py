"""The n best rows of a BM25 model for a query, without scoring every row.

A query's best rows are what the pipeline reads; scoring all rows costs time that
grows with the archive (a dense array, a pass over every posting of every common
word). This is MaxScore (Turtle and Flood, 1995): the terms that can lift a row the
most are read first; the rows they post become the candidates, scored exactly by
looking the other terms' postings up (binary search, sorted postings); reading stops
once the terms not yet read could not lift any other row above the n-th candidate
even together. The result equals ranking `model.scores(query)` in full, to the bit:
each candidate's terms are added in the same order from the same products.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

# The bar is set among at least this many times n rows of the strongest terms: a few
# more rows than n give a higher bar, and leave more of the common terms unread.
BAR_ROWS = 4
# Once the candidates are this share of all rows, one dense pass is cheaper.
DENSE_SHARE = 0.1
# The bound of the unread terms is a float sum in another order than a row's score:
# it must stay clearly below the n-th score before rows are left out.
ROUNDING_MARGIN = 1e-9


def best_rows(model, terms, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the n best positive scores (best first, lower row first on ties) and
    their scores, as `top_of(model.scores(terms), n)` would give them."""
    counted = [(model.vocabulary[t], c) for t, c in Counter(terms).items() if t in model.vocabulary]
    if not counted or n <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    bounds = {i: c * float(model.term_max[i]) for i, c in counted}
    sizes = {i: int(model.offsets[i + 1] - model.offsets[i]) for i, _ in counted}
    strongest_first = sorted(bounds, key=lambda i: -bounds[i])
    # 1. A bar: the n-th best score among the rows of the strongest terms, enough of them
    #    to hold n rows. The true n-th best score is at least that.
    first, held = [], 0
    for i in strongest_first:
        first.append(i)
        held += sizes[i]
        if held >= BAR_ROWS * n:
            break
    if held > DENSE_SHARE * model.n_docs:  # even the bar's rows are many: one dense pass costs less
        return top_of_rows(np.arange(model.n_docs), model.scores(terms), n)
    rows = _union(model, first)
    bar = _nth_best(_exact_scores(model, counted, rows), n)
    # 2. The weakest terms whose bounds together stay under the bar can't lift a row
    #    they alone hold into the n best: only rows of the other terms are candidates.
    left_out, left_out_bound = set(), 0.0
    for i in reversed(strongest_first):
        if i in first or (left_out_bound + bounds[i]) * (1 + ROUNDING_MARGIN) >= bar:
            break
        left_out_bound += bounds[i]
        left_out.add(i)
    essential = [i for i in strongest_first if i not in left_out]
    if sum(sizes[i] for i in essential) > DENSE_SHARE * model.n_docs:
        return top_of_rows(np.arange(model.n_docs), model.scores(terms), n)
    if len(essential) > len(first):
        rows = _union(model, essential)
    return top_of_rows(rows, _exact_scores(model, counted, rows), n)


def _union(model, term_ids: list[int]) -> np.ndarray:
    parts = [model.doc_ids[model.offsets[i]: model.offsets[i + 1]] for i in term_ids]
    if len(parts) == 1:
        return np.asarray(parts[0], dtype=np.int64)
    rows = np.sort(np.concatenate(parts).astype(np.int64))
    return rows[np.concatenate(([True], rows[1:] != rows[:-1]))]


def _nth_best(scores: np.ndarray, n: int) -> float:
    if len(scores) < n:
        return 0.0
    return float(np.partition(scores, len(scores) - n)[len(scores) - n])


def _exact_scores(model, counted, rows: np.ndarray) -> np.ndarray:
    """model.scores(...)[rows] for ascending `rows`, adding each term's contribution in
    the query's order; a binary search from whichever side is shorter."""
    scores = np.zeros(len(rows))
    if not len(rows):
        return scores
    for i, count in counted:
        lo, hi = int(model.offsets[i]), int(model.offsets[i + 1])
        postings, weights = model.doc_ids[lo:hi], model.weights[lo:hi]
        if len(postings) <= len(rows):
            at = np.minimum(np.searchsorted(rows, postings), len(rows) - 1)
            found = rows[at] == postings
            scores[at[found]] += count * weights[found]
        else:
            at = np.minimum(np.searchsorted(postings, rows), len(postings) - 1)
            found = postings[at] == rows
            scores[found] += count * weights[at[found]]
    return scores


def top_of(scores: np.ndarray, n: int) -> list[int]:
    """Rows of the n best positive scores of a dense array, best first, lower row first on ties."""
    return top_of_rows(np.arange(len(scores)), scores, n)[0].tolist()


def top_of_rows(rows: np.ndarray, scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Of `rows` (ascending) with `scores`: the n best positive, best first, lower row
    first on ties (at the n-th place too, so the choice never depends on the sort)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        values = scores[positive]
        nth = np.partition(values, len(values) - n)[len(values) - n]
        above = positive[values > nth]
        tied = positive[values == nth][: n - len(above)]
        positive = np.sort(np.concatenate((above, tied)))
    order = positive[np.argsort(-scores[positive], kind="stable")]
    return np.asarray(rows)[order], scores[order]
