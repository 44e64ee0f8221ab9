"""Live reload: notice changed knowledge, rebuild in the background, swap atomically.

Every `interval` seconds the watcher fingerprints the knowledge folders (file contents,
and the folder list itself, which a sync can grow). When that changed it builds a new
index off the event loop and swaps it into the KnowledgeHandle; the core reads
`handle.searcher` once per question, so a question is answered wholly from the old
index or wholly from the new one, and none waits for the rebuild. A failed rebuild is
logged and the old index keeps serving; the next change tries again.

Run it as an asyncio task, `await watcher.run()` (cancel it to stop). `on_swap`
callbacks get the new index after each swap (e.g. new-episode announcements); async
callbacks are awaited.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence

from bot.metrics import NO_METRICS, Metrics
from bot.ops.archives import KnowledgeSources
from bot.retrieval.cache import FileDigests, knowledge_fingerprint
from bot.retrieval.built_apart import open_index_built_apart

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 30.0


class KnowledgeWatcher:
    def __init__(self, handle, folders: Callable[[], Sequence[Path]], cache_dir: Path | None,
                 interval: float = DEFAULT_INTERVAL_SECONDS, on_swap: Iterable[Callable] = (),
                 make_searcher: Callable | None = None, load: Callable = open_index_built_apart,
                 metrics: Metrics = NO_METRICS) -> None:
        self.handle = handle
        self.metrics = metrics
        self.interval = interval
        self.cache_dir = cache_dir
        self.on_swap = list(on_swap)
        self._folders = folders
        self._make_searcher = make_searcher or _default_searcher
        self._load = load  # (folders, cache_dir) -> IndexLoad; by default built in a child, then mapped
        self._seen: tuple | None = None
        self._digests = FileDigests()  # re-hash only files that changed since the last tick
        self._check_lock = threading.Lock()  # one rebuild at a time

    def prime(self) -> None:
        """Take the current knowledge as already loaded (call right after the first load)."""
        with self._check_lock:
            try:
                self._seen = self._state()[1]
            except OSError as exc:  # unknown baseline: the first check rebuilds once
                log.info("knowledge is changing (%s); the first check will rebuild", exc)

    def check_once(self):
        """Rebuild and swap if the knowledge changed; the new index, or None."""
        with self._check_lock:
            try:
                folders, key = self._state()
            except OSError as exc:  # a file vanished mid-walk (a sync is swapping): next tick
                log.info("knowledge is changing (%s); checking again later", exc)
                return None
            if key == self._seen:
                return None
            try:
                loaded = self._load(folders, self.cache_dir)
                searcher = self._make_searcher(loaded.index)
            except Exception:
                log.exception("knowledge reload failed; still answering from the previous index")
                self._seen = key  # don't retry the same broken state every tick
                self.metrics.reloaded("failed")
                return None
            self.handle.swap(searcher)
            self._seen = key
            self.metrics.reloaded("swapped")
        index = loaded.index
        log.info("knowledge reloaded in %.2f s (%s): %d episodes, %d passages",
                 loaded.seconds, "from cache" if loaded.from_cache else "built",
                 len(index.episodes), len(index.passages))
        return index

    async def run(self) -> None:
        """Check every `interval` seconds until the task is cancelled."""
        if self._seen is None:
            await asyncio.to_thread(self.prime)
        while True:
            await asyncio.sleep(self.interval)
            try:
                index = await asyncio.to_thread(self.check_once)
            except Exception:  # never let one bad tick end live reload for good
                log.exception("knowledge check failed; trying again in %s s", self.interval)
                continue
            if index is not None:
                await self._notify(index)

    def _state(self) -> tuple[list[Path], tuple]:
        folders = list(self._folders())
        return folders, (tuple(str(f) for f in folders), knowledge_fingerprint(folders, self._digests))

    async def _notify(self, index) -> None:
        for callback in self.on_swap:
            try:
                result = callback(index)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("on_swap callback %s failed", _name(callback))


def watcher_for(sources: KnowledgeSources, cache_dir: Path, handle, interval: float,
                on_swap: Iterable[Callable] = (), make_searcher: Callable | None = None,
                metrics: Metrics = NO_METRICS) -> KnowledgeWatcher:
    """The watcher a service runs: configured folders plus whatever has been synced since."""

    def folders() -> tuple[Path, ...]:
        # Mid-swap an archive's checkout is missing for a moment; rebuilding then would
        # serve without it. Wait (check_once treats this like a file vanishing mid-walk).
        swapping = sources.swapping()
        if swapping:
            raise FileNotFoundError(f"archive {', '.join(swapping)} is being swapped by a sync")
        return sources.folders()

    return KnowledgeWatcher(handle, folders, cache_dir, interval=interval or DEFAULT_INTERVAL_SECONDS,
                            on_swap=on_swap, make_searcher=make_searcher, metrics=metrics)


def _default_searcher(index):
    from bot.retrieval.search import Searcher

    return Searcher(index)


def _name(callback) -> str:
    return getattr(callback, "__qualname__", repr(callback))
