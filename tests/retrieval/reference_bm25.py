"""The reference scorer the sparse model is checked against: rank-bm25's `BM25Okapi` with
the always-positive IDF (see bot/retrieval/bm25.py). Test and benchmark code only: the
bot never imports rank-bm25."""
from __future__ import annotations

from rank_bm25 import BM25Okapi

from bot.retrieval.bm25 import B, K1, positive_idf


class PositiveIdfBM25(BM25Okapi):
    """rank-bm25's Okapi model with the always-positive IDF."""

    def __init__(self, corpus: list[list[str]], k1: float = K1, b: float = B) -> None:
        if not corpus:
            raise ValueError("BM25 needs at least one passage")  # rank-bm25 divides by zero
        super().__init__(corpus, k1=k1, b=b)

    def _calc_idf(self, nd: dict[str, int]) -> None:
        self.idf = {term: float(positive_idf(self.corpus_size, df)) for term, df in nd.items()}
