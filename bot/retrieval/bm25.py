"""BM25 scoring: rank-bm25's Okapi model, scored through sparse postings.

The model is rank-bm25's `BM25Okapi` with one change: its IDF. Okapi's
log((N - n + 0.5) / (n + 0.5)) is zero when a term is in exactly half the passages and
negative above that; rank-bm25 then swaps negatives for a small epsilon (its issues #29,
#39, #43), so a common word can outweigh a rare one. We use Lucene's
log(1 + (N - n + 0.5) / (n + 0.5)), which is always positive and keeps the order.

`SparseBM25` gives the same scores as rank-bm25's `get_scores` with that IDF (checked to
1e-9 against the reference in tests/retrieval/reference_bm25.py) without looping over
every passage per query term: each term's postings carry their precomputed
contribution, so a query touches only passages that contain one of its terms.
"""
from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75


def positive_idf(n_docs, doc_freq):
    """Lucene's IDF; works on numbers and on numpy arrays alike."""
    return np.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


@dataclass(frozen=True)
class SparseBM25:
    """Term -> postings (passage ids, score contributions), stored as flat arrays."""

    vocabulary: dict[str, int]
    offsets: np.ndarray  # int64, len(vocabulary) + 1
    doc_ids: np.ndarray  # int32, grouped by term
    weights: np.ndarray  # float64, idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
    n_docs: int
    term_max: np.ndarray | None = None  # per term, its largest weight: a bound for best_rows.py

    def __post_init__(self) -> None:
        if self.term_max is None:
            object.__setattr__(self, "term_max", max_per_term(self.offsets, self.weights))

    @classmethod
    def build(cls, corpus: Iterable[Iterable[str]], k1: float = K1, b: float = B) -> "SparseBM25":
        """The numbers rank-bm25 computes (with the positive IDF), with numpy instead of
        per-passage dicts. Rows may be generators: they are read once, into 4-byte term
        ids, so a build never holds a flat list of every token of the archive."""
        vocabulary: dict[str, int] = {}
        term_ids, lengths = array("i"), array("q")
        for row in corpus:
            before = len(term_ids)
            term_ids.extend(vocabulary.setdefault(term, len(vocabulary)) for term in row)
            lengths.append(len(term_ids) - before)
        n_docs = len(lengths)
        lengths = np.array(lengths, dtype=np.int64)
        if not lengths.sum():
            return cls({}, np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0), n_docs)
        terms, doc_ids, tf = _postings(np.frombuffer(term_ids, dtype=np.int32), lengths)
        del term_ids
        df = np.bincount(terms, minlength=len(vocabulary))
        avgdl = lengths.sum() / n_docs
        norm = k1 * (1 - b + b * lengths[doc_ids] / avgdl)
        weights = positive_idf(n_docs, df)[terms] * (tf * (k1 + 1) / (tf + norm))
        offsets = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        return cls(vocabulary, offsets, doc_ids, weights, n_docs)

    @classmethod
    def weighted_sum(cls, parts: list[tuple["SparseBM25", float]]) -> "SparseBM25":
        """One model whose scores equal sum(weight * model.scores) over `parts` (all over
        the same passages): a query then pays the per-term cost once, not once per field."""
        n_docs = parts[0][0].n_docs
        vocabulary: dict[str, int] = {}
        keys, weights = [], []
        for model, weight in parts:
            terms = sorted(model.vocabulary, key=model.vocabulary.get)
            union_ids = np.array([vocabulary.setdefault(t, len(vocabulary)) for t in terms], dtype=np.int64)
            term_of_posting = np.repeat(np.arange(len(terms)), np.diff(model.offsets))
            keys.append(union_ids[term_of_posting] * n_docs + model.doc_ids)
            weights.append(weight * model.weights)
        if not vocabulary:
            return cls({}, np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0), n_docs)
        pairs, inverse = np.unique(np.concatenate(keys), return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate(weights))
        terms, doc_ids = np.divmod(pairs, n_docs)
        offsets = np.concatenate(([0], np.cumsum(np.bincount(terms, minlength=len(vocabulary))))).astype(np.int64)
        return cls(vocabulary, offsets, doc_ids.astype(np.int32), summed, n_docs)

    def scores(self, query: list[str]) -> np.ndarray:
        scores = np.zeros(self.n_docs)
        for term, count in Counter(query).items():
            i = self.vocabulary.get(term)
            if i is not None:
                lo, hi = self.offsets[i], self.offsets[i + 1]
                scores[self.doc_ids[lo:hi]] += count * self.weights[lo:hi]
        return scores

    def postings(self, term: str) -> np.ndarray:
        """The rows holding `term`, ascending."""
        i = self.vocabulary.get(term)
        return self.doc_ids[:0] if i is None else self.doc_ids[self.offsets[i]: self.offsets[i + 1]]

    def document_frequency(self, term: str) -> int:
        i = self.vocabulary.get(term)
        return 0 if i is None else int(self.offsets[i + 1] - self.offsets[i])


def max_per_term(offsets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The largest weight in each term's postings (0 for a term without any)."""
    starts = np.asarray(offsets[:-1])
    if not len(weights):
        return np.zeros(len(starts))
    filled = starts < np.asarray(offsets[1:])
    result = np.zeros(len(starts))
    result[filled] = np.maximum.reduceat(weights, starts[filled])
    return result


def _postings(term_ids: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term, row, count) of every distinct term of every row, sorted by term, then row:
    a stable sort by term keeps the rows in order, and equal neighbours are counted."""
    rows = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    order = np.argsort(term_ids, kind="stable")
    terms, rows = term_ids[order], rows[order]
    del order
    first = np.ones(len(terms), dtype=bool)
    first[1:] = (terms[1:] != terms[:-1]) | (rows[1:] != rows[:-1])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(terms)))
    return terms[starts], rows[starts], counts
