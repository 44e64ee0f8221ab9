"""The question's words said in the question's order: evidence BM25 cannot see.

BM25 scores a passage by which words it holds, not how they are put together. An
utterance that says four or more of the question's terms one after another, in the
question's order (stop words aside, as everywhere in the index), is about the
question itself: typically the host putting the member's very question to the guest.
Runs of two or three terms are not: "data science team" is said everywhere. On the
dev and held-out sets a run of four fires on about one question in twenty, and each
time on the answering exchange (docs/retrieval.md).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_RUN_TERMS = 4


@dataclass(frozen=True)
class TermSequences:
    """Per utterance row, its terms as ids of one vocabulary, in spoken order."""

    offsets: np.ndarray  # int64, rows + 1
    ids: np.ndarray      # int32

    @classmethod
    def build(cls, rows: list[list[str]], vocabulary: dict[str, int]) -> "TermSequences":
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        ids = np.fromiter((vocabulary[t] for row in rows for t in row), dtype=np.int32, count=int(lengths.sum()))
        return cls(np.concatenate(([0], np.cumsum(lengths))).astype(np.int64), ids)

    def row(self, i: int) -> list[int]:
        return self.ids[self.offsets[i]: self.offsets[i + 1]].tolist()

    def check(self, n_rows: int, n_terms: int) -> None:
        if self.offsets.shape != (n_rows + 1,) or int(self.offsets[-1]) != len(self.ids):
            raise ValueError("term sequences do not fit the utterance rows")
        if len(self.ids) and (int(self.ids.min()) < 0 or int(self.ids.max()) >= n_terms):
            raise ValueError("term sequences point outside the vocabulary")


def fewest_distinct_in_run(query_ids: Sequence, min_run: int = MIN_RUN_TERMS) -> int:
    """How many distinct terms any run of `min_run` consecutive question terms holds at
    the least: an utterance with fewer of the question's terms cannot say such a run."""
    return min(len(set(query_ids[i:i + min_run])) for i in range(len(query_ids) - min_run + 1))


def rows_saying_a_run(query_ids: Sequence, sequences: TermSequences, rows: np.ndarray,
                      min_run: int = MIN_RUN_TERMS) -> list[int]:
    """Those of `rows` that say `min_run` consecutive question terms consecutively.

    One vectorised pass over all the rows at once, so the exact, per-term weighing in
    `ordered_run_weight` only reads the rare rows that have a run: the rows are joined
    by a separator no term matches, every spoken term becomes its rank among the
    question's distinct terms (0 for any other), and each window of `min_run` ranks one
    number, looked up among the question's own windows. Time and memory grow with the
    spoken terms only, not with the question's length or its repeats."""
    if len(query_ids) < min_run or not len(rows):
        return []
    distinct = np.unique([t for t in query_ids if t is not None])
    base = len(distinct) + 1
    if base ** min_run >= 2 ** 63:
        raise ValueError("too many distinct question terms to number their runs")
    asked = _window_keys(np.array([-1 if t is None else t for t in query_ids]), distinct, base, min_run)
    joined, owner = _joined(sequences, rows)
    said = _window_keys(joined, distinct, base, min_run)
    asked = asked[asked >= 0]  # a window with a term the archive lacks matches nothing
    return sorted(set(owner[np.flatnonzero(np.isin(said, asked))].tolist()))


def _window_keys(ids: np.ndarray, distinct: np.ndarray, base: int, width: int) -> np.ndarray:
    """One number per window of `width` consecutive ids (their ranks in `distinct`, 1 up,
    read as digits in `base`); -1 for a window holding an id outside `distinct`."""
    if len(ids) < width:
        return np.zeros(0, dtype=np.int64)
    at = np.searchsorted(distinct, ids).clip(max=max(len(distinct) - 1, 0))
    known = (distinct[at] == ids) if len(distinct) else np.zeros(len(ids), dtype=bool)
    rank = np.where(known, at + 1, 0).astype(np.int64)
    keys = np.zeros(len(ids) - width + 1, dtype=np.int64)
    outside = np.zeros(len(keys), dtype=bool)
    for step in range(width):
        window = rank[step: step + len(keys)]
        keys = keys * base + window
        outside |= window == 0
    keys[outside] = -1
    return keys


def _joined(sequences: TermSequences, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows' term ids one after another, each row followed by -1; and the row of each."""
    lengths = sequences.offsets[rows + 1] - sequences.offsets[rows]
    total = int(lengths.sum())
    earlier = np.cumsum(lengths) - lengths  # terms of the rows before each row
    joined = np.full(total + len(rows), -1, dtype=np.int64)
    spoken = np.arange(total)
    # Term t of the rows (in order) sits after one separator per earlier row.
    joined[spoken + np.repeat(np.arange(len(rows)), lengths)] = \
        sequences.ids[spoken + np.repeat(sequences.offsets[rows] - earlier, lengths)]
    return joined, np.repeat(rows, lengths + 1)


def ordered_run_weight(query_ids: Sequence, weights: Sequence[float], spoken: Sequence[int],
                       min_run: int = MIN_RUN_TERMS) -> float:
    """The summed weight of the best run of consecutive question terms (`query_ids`,
    None for a term the archive lacks) that `spoken` says consecutively; 0.0 when no
    run is `min_run` terms long."""
    positions: dict[int, list[int]] = {}
    for i, term in enumerate(query_ids):
        if term is not None:
            positions.setdefault(term, []).append(i)
    best = 0.0
    previous: dict[int, tuple[int, float]] = {}  # question position -> run ending there
    for term in spoken:
        current = {}
        for i in positions.get(term, ()):
            length, weight = previous.get(i - 1, (0, 0.0))
            current[i] = length + 1, weight + weights[i]
            if length + 1 >= min_run:
                best = max(best, weight + weights[i])
        previous = current
    return best
