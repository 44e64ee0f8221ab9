"""Get a ready SearchIndex for knowledge folders: from the cache when it is current,
otherwise by loading and building (and refreshing the cache)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from bot.progress import Progress, no_progress
from bot.retrieval.cache import (FileDigests, cache_path, digests_path, knowledge_fingerprint, read_cache,
                                 write_cache)
from bot.retrieval.gc_pause import gc_paused
from bot.retrieval.index import SearchIndex, build_index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexLoad:
    index: SearchIndex
    from_cache: bool
    seconds: float


def open_index(folders: list[Path], cache_dir: Path | None, rebuild: bool = False,
               progress: Progress = no_progress, build: bool = True) -> IndexLoad | None:
    """The index from the cache when current, else built (and cached); with
    `build=False`, None instead of building."""
    began = time.perf_counter()
    fingerprint = _fingerprint(folders, cache_dir) if cache_dir else ""
    path = cache_path(cache_dir, folders, fingerprint) if cache_dir else None
    if path and not rebuild:
        with gc_paused():
            cached = read_cache(path, fingerprint)
        if cached is not None:
            return IndexLoad(cached, True, time.perf_counter() - began)
    if not build:
        return None
    from bot.retrieval.loader import load_knowledge  # PyYAML only when something must be (re)built

    with gc_paused():
        index = build_index(load_knowledge(folders, progress), progress=progress)
    if cache_dir:
        try:
            write_cache(cache_dir, folders, fingerprint, index)
        except OSError as exc:  # a read-only data folder still answers, just slower
            log.warning("could not write index cache %s: %s", path, exc.strerror or exc)
    return IndexLoad(index, False, time.perf_counter() - began)


def _fingerprint(folders: list[Path], cache_dir: Path) -> str:
    """The knowledge's fingerprint, hashing only files changed since the last process did."""
    remembered = digests_path(cache_dir, folders)
    digests = FileDigests.remembered(remembered)
    fingerprint = knowledge_fingerprint(folders, digests)
    if digests.changed:
        try:
            digests.save(remembered)
        except OSError:  # a read-only data folder: the next start hashes again
            pass
    return fingerprint
