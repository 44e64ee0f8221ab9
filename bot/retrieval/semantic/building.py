"""Making an index's semantic layer: its chunks, their vectors from the store, and the
vectors still missing embedded (a batch at a time, each batch stored, so an interrupted
run resumes where it stopped)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import numpy as np

from bot.progress import Progress, no_progress
from bot.retrieval.semantic.chunks import chunk_table
from bot.retrieval.semantic.layer import SemanticLayer
from bot.retrieval.semantic.vector_store import VectorStore

log = logging.getLogger(__name__)

BATCH = 256  # chunks embedded between two writes of the store
STEP = 8     # chunks embedded between two looks at `should_stop` (about a second)


def build_layer(index, embedder, store_folder: Path, max_missing: int | None = None,
                progress: Progress = no_progress, should_stop: Callable[[], bool] = lambda: False,
                ) -> SemanticLayer | None:
    """The layer for `index`, embedding the chunks the store lacks; None when more than
    `max_missing` are missing (the caller answers with words alone meanwhile), or when
    `should_stop()` turns true first (a service stopping: what was embedded is kept)."""
    keys, bounds, texts = chunk_table(index.passages[row] for row in range(len(index.passages)))
    store = VectorStore(store_folder)
    absent = store.positions(keys) < 0
    _, first = np.unique(keys[absent], return_index=True)  # a chunk repeated in the index: once
    todo = np.flatnonzero(absent)[np.sort(first)]
    if max_missing is not None and len(todo) > max_missing:
        log.info("semantic layer: %d chunks to embed (more than %d here); searching by words meanwhile",
                 len(todo), max_missing)
        return None
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        vectors = []
        for step in range(0, len(batch), STEP):
            if should_stop():
                break
            vectors.append(embedder.embed([texts[i] for i in batch[step:step + STEP]]))
        done = sum(len(v) for v in vectors)
        if done:
            store = store.add(keys[batch[:done]], np.concatenate(vectors))
        if done < len(batch):
            log.info("semantic layer: stopped with %d chunks left to embed (kept for next time)",
                     len(todo) - start - done)
            return None
        progress("embedding chunks", min(start + BATCH, len(todo)), len(todo))
    return SemanticLayer(embedder, store, keys, bounds)
