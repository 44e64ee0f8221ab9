"""BM25 scoring: rank-bm25's Okapi model, scored through sparse postings.

`PositiveIdfBM25` is rank-bm25's `BM25Okapi` with one change: its IDF. Okapi's
log((N - n + 0.5) / (n + 0.5)) is zero when a term is in exactly half the passages and
negative above that; rank-bm25 then swaps negatives for a small epsilon (its issues #29,
#39, #43), so a common word can outweigh a rare one. We use Lucene's
log(1 + (N - n + 0.5) / (n + 0.5)), which is always positive and keeps the order.

`SparseBM25` gives the same scores as `PositiveIdfBM25.get_scores` (checked to 1e-9 by
the tests) without looping over every passage per query term: each term's postings
carry their precomputed contribution, so a query touches only passages that contain
one of its terms.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

K1 = 1.2
B = 0.75


class PositiveIdfBM25(BM25Okapi):
    def __init__(self, corpus: list[list[str]], k1: float = K1, b: float = B) -> None:
        if not corpus:
            raise ValueError("BM25 needs at least one passage")  # rank-bm25 divides by zero
        super().__init__(corpus, k1=k1, b=b)

    def _calc_idf(self, nd: dict[str, int]) -> None:
        n = self.corpus_size
        self.idf = {term: math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for term, df in nd.items()}


@dataclass(frozen=True)
class SparseBM25:
    """Term -> postings (passage ids, score contributions), stored as flat arrays."""

    vocabulary: dict[str, int]
    offsets: np.ndarray  # int64, len(vocabulary) + 1
    doc_ids: np.ndarray  # int32
    weights: np.ndarray  # float64
    n_docs: int

    @classmethod
    def build(cls, corpus: list[list[str]], k1: float = K1, b: float = B) -> "SparseBM25":
        if not corpus:
            return cls({}, np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0), 0)
        return cls.from_model(PositiveIdfBM25(corpus, k1=k1, b=b))

    @classmethod
    def from_model(cls, model: BM25Okapi) -> "SparseBM25":
        postings: dict[str, list[tuple[int, float]]] = {}
        for doc_id, (freqs, length) in enumerate(zip(model.doc_freqs, model.doc_len)):
            norm = model.k1 * (1 - model.b + model.b * length / model.avgdl)
            for term, tf in freqs.items():
                weight = model.idf[term] * (tf * (model.k1 + 1) / (tf + norm))
                postings.setdefault(term, []).append((doc_id, weight))
        vocabulary = {term: i for i, term in enumerate(sorted(postings))}
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        for term, i in vocabulary.items():
            offsets[i + 1] = len(postings[term])
        np.cumsum(offsets, out=offsets)
        doc_ids = np.empty(offsets[-1], dtype=np.int32)
        weights = np.empty(offsets[-1], dtype=np.float64)
        for term, i in vocabulary.items():
            ids, ws = zip(*postings[term])
            doc_ids[offsets[i] : offsets[i + 1]] = ids
            weights[offsets[i] : offsets[i + 1]] = ws
        return cls(vocabulary, offsets, doc_ids, weights, len(model.doc_len))

    def scores(self, query: list[str]) -> np.ndarray:
        scores = np.zeros(self.n_docs)
        for term, count in Counter(query).items():
            i = self.vocabulary.get(term)
            if i is not None:
                lo, hi = self.offsets[i], self.offsets[i + 1]
                scores[self.doc_ids[lo:hi]] += count * self.weights[lo:hi]
        return scores

    def document_frequency(self, term: str) -> int:
        i = self.vocabulary.get(term)
        return 0 if i is None else int(self.offsets[i + 1] - self.offsets[i])
