"""What the semantic layer embeds: each passage as a few chunks of about 100 words.

A 400-word passage is too long for one vector (the model reads 256 tokens) and holds
several things; a passage is as close to a question as its closest chunk. Chunks are
whole utterances, so the same words make the same chunk in every index and their vector
is computed once (chunks are named by a digest of their text).
"""
from __future__ import annotations

import hashlib

import numpy as np

CHUNK_WORDS = 100


def passage_chunks(passage, words: int = CHUNK_WORDS) -> list[str]:
    """Consecutive utterances grouped to at least `words` words; a short tail joins the
    chunk before it."""
    chunks: list[str] = []
    current: list[str] = []
    count = 0
    for i in range(len(passage.utterances)):
        text = passage.utterance_text(i)
        current.append(text)
        count += len(text.split())
        if count >= words:
            chunks.append(" ".join(current))
            current, count = [], 0
    if current:
        if chunks and count < words // 2:
            chunks[-1] += " " + " ".join(current)
        else:
            chunks.append(" ".join(current))
    return chunks


def chunk_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def chunk_table(passages) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(keys, bounds, texts): chunk keys (S20) in passage order, `bounds[r]:bounds[r+1]` the
    chunks of passage row r, and each chunk's text (for the ones still to embed)."""
    keys: list[bytes] = []
    texts: list[str] = []
    bounds = [0]
    for passage in passages:
        for text in passage_chunks(passage):
            keys.append(chunk_key(text))
            texts.append(text)
        bounds.append(len(keys))
    return np.array(keys, dtype="S20"), np.array(bounds, dtype=np.int64), texts
