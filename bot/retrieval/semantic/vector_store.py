"""Chunk vectors on disk, named by the chunk's text digest, one store per model.

A vector is computed once for a text and reused by every later index (a new episode
costs its own chunks only). The store is a folder of three memory-mapped arrays, sorted
by key: `keys` (S20), `vectors` (int8, one row per chunk) and `scales` (float32: a
vector is `vectors[i] * scales[i]`, int8 keeping a quarter of float32's memory). A write
makes a new generation folder beside the old one and then points `current` at it, so a
reader sees one whole generation or the other; writers take a lock.
"""
from __future__ import annotations

import fcntl
import logging
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from bot.atomic_file import write_atomically

log = logging.getLogger(__name__)

POINTER = "current"


class VectorStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._generation, self.keys, self._vectors, self._scales = self._open()

    def __len__(self) -> int:
        return len(self.keys)

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """Each key's row in the store, -1 when the store does not have it."""
        if not len(self.keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.searchsorted(self.keys, keys)
        found = (at < len(self.keys)) & (self.keys[np.minimum(at, len(self.keys) - 1)] == keys)
        return np.where(found, at, -1)

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """float32 vectors of the given rows (all found)."""
        return self._vectors[rows].astype(np.float32) * self._scales[rows, None]

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> "VectorStore":
        """A store holding these vectors too (written to disk); the keys must be new."""
        if not len(keys):
            return self
        quantised, scales = quantise(vectors)
        with self._locked():
            current = VectorStore(self.folder)  # another process may have written meanwhile
            fresh = current.positions(keys) < 0
            keys, quantised, scales = keys[fresh], quantised[fresh], scales[fresh]
            merged_keys = np.concatenate([current.keys, keys])
            order = np.argsort(merged_keys, kind="stable")
            generation = f"gen-{time.time_ns()}"
            target = self.folder / generation
            target.mkdir(parents=True)
            np.save(target / "keys.npy", merged_keys[order])
            old_vectors = np.asarray(current._vectors) if len(current) else np.zeros((0, quantised.shape[1]), np.int8)
            np.save(target / "vectors.npy", np.concatenate([old_vectors, quantised])[order])
            np.save(target / "scales.npy", np.concatenate([np.asarray(current._scales), scales])[order])
            write_atomically(self.folder / POINTER, generation)
            self._remove_old(keep=generation)
        log.info("vector store %s: %d vectors (+%d)", self.folder, len(merged_keys), len(keys))
        return VectorStore(self.folder)

    def _open(self):
        try:
            generation = (self.folder / POINTER).read_text(encoding="utf-8").strip()
            where = self.folder / generation
            keys = np.load(where / "keys.npy", mmap_mode="r")
            vectors = np.load(where / "vectors.npy", mmap_mode="r")
            scales = np.load(where / "scales.npy", mmap_mode="r")
            if keys.dtype != "S20" or vectors.shape != (len(keys), vectors.shape[1]) or len(scales) != len(keys):
                raise ValueError("arrays do not fit together")
            return generation, keys, vectors, scales
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("vector store %s is unreadable (%s); starting a new one", self.folder, exc)
        return None, np.zeros(0, dtype="S20"), np.zeros((0, 0), dtype=np.int8), np.zeros(0, dtype=np.float32)

    @contextmanager
    def _locked(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _remove_old(self, keep: str) -> None:
        """Earlier generations: a reader that mapped one keeps its pages until it lets go."""
        for path in self.folder.glob("gen-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and the float32 scale of each (cosine error below 0.001 for unit vectors)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not len(vectors):
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), np.int8), np.zeros(0, np.float32)
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
    return np.round(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def store_for(cache_dir: Path, model_id: str) -> VectorStore:
    return VectorStore(Path(cache_dir) / "vectors" / model_id)
