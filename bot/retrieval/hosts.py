"""Which utterances a host says: hosts rephrase questions, guests answer them."""
from __future__ import annotations

import numpy as np

HOST_COLUMN = "utt_host"  # per utterance row, stored with the passages by the build


def host_lines(index) -> np.ndarray:
    """Per utterance row: whether a host of that episode says it (see Document.hosts)."""
    stored = index.passages.columns.get(HOST_COLUMN)
    return stored.astype(bool, copy=False) if stored is not None else compute_host_lines(index)


def compute_host_lines(index) -> np.ndarray:
    """Per utterance row: whether a host of that episode says it (see Document.hosts)."""
    columns, names = index.passages.columns, index.passages.names
    row_doc = np.repeat(columns["doc"], np.diff(columns["utt_bounds"])).astype(np.int64)
    who = columns["utt_who"].astype(np.int64)
    pairs, inverse = np.unique(row_doc * (len(names["who"]) + 1) + who + 1, return_inverse=True)
    flags = np.zeros(len(pairs), dtype=bool)
    for n, pair in enumerate(pairs.tolist()):
        doc, who_ref = divmod(pair, len(names["who"]) + 1)
        if who_ref:
            flags[n] = names["who"][who_ref - 1] in index.documents[names["doc"][doc]].hosts
    return flags[inverse]
