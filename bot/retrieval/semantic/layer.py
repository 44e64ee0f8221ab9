"""Dense scores for the passages BM25 found: how close each is to the question in meaning.

Only BM25's best few hundred candidates are scored (they hold the answer for 97-98% of
held-out questions), so the work per question does not grow with the archive. A passage
scores as its closest chunk: the cosine of unit vectors.
"""
from __future__ import annotations

import numpy as np

from bot.retrieval.semantic.vector_store import VectorStore


class SemanticLayer:
    def __init__(self, embedder, store: VectorStore, chunk_keys: np.ndarray, chunk_bounds: np.ndarray) -> None:
        self.embedder = embedder
        self._store = store
        self._rows = store.positions(chunk_keys)     # store row of each chunk, -1: not embedded yet
        self._bounds = chunk_bounds                  # chunks of passage r: bounds[r]:bounds[r+1]
        self.missing = int((self._rows < 0).sum())

    @property
    def ready(self) -> bool:
        return self.missing == 0

    @property
    def chunks(self) -> int:
        return len(self._rows)

    def question_vector(self, question: str) -> np.ndarray:
        return self.embedder.embed([question])[0]

    def passage_scores(self, vector: np.ndarray, passages: list[int]) -> np.ndarray:
        """The cosine of each passage's closest chunk to `vector` (0 for a passage without
        embedded chunks)."""
        if not passages:
            return np.zeros(0)
        starts, ends = self._bounds[passages], self._bounds[np.asarray(passages) + 1]
        rows = self._rows[np.concatenate([np.arange(a, b) for a, b in zip(starts.tolist(), ends.tolist())])]
        cosines = np.full(len(rows), -1.0)
        known = rows >= 0
        if known.any():
            cosines[known] = self._store.vectors(rows[known]) @ vector
        # every passage has at least one chunk, so each segment of reduceat is non-empty
        scores = np.maximum.reduceat(cosines, np.concatenate(([0], np.cumsum(ends - starts)[:-1])))
        return np.maximum(scores, 0.0)
