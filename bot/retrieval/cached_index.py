"""Get a ready SearchIndex for knowledge folders: from the cache when it is current,
otherwise by loading and building (and refreshing the cache)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from bot.progress import Progress, no_progress
from bot.retrieval.cache import cache_path, knowledge_fingerprint, read_cache, write_cache
from bot.retrieval.index import SearchIndex, build_index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexLoad:
    index: SearchIndex
    from_cache: bool
    seconds: float


def open_index(folders: list[Path], cache_dir: Path | None, rebuild: bool = False,
               progress: Progress = no_progress) -> IndexLoad:
    began = time.perf_counter()
    fingerprint = knowledge_fingerprint(folders) if cache_dir else ""
    path = cache_path(cache_dir, folders) if cache_dir else None
    if path and not rebuild:
        cached = read_cache(path, fingerprint)
        if cached is not None:
            return IndexLoad(cached, True, time.perf_counter() - began)
    from bot.retrieval.loader import load_knowledge  # PyYAML only when something must be (re)built

    index = build_index(load_knowledge(folders, progress), progress=progress)
    if path:
        try:
            write_cache(path, fingerprint, index)
        except OSError as exc:  # a read-only data folder still answers, just slower
            log.warning("could not write index cache %s: %s", path, exc.strerror or exc)
    return IndexLoad(index, False, time.perf_counter() - began)
