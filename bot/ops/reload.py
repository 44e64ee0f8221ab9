"""Live reload: notice changed knowledge, rebuild in the background, swap atomically.

Every `interval` seconds the watcher fingerprints the knowledge folders (file contents,
and the folder list itself, which a sync can grow). When that changed it builds a new
index off the event loop and swaps it into the KnowledgeHandle; the core reads
`handle.searcher` once per question, so a question is answered wholly from the old
index or wholly from the new one, and none waits for the rebuild. A failed rebuild is
logged and the old index keeps serving; the next change tries again.

Two ways to run it: `await watcher.run()` as an asyncio task (cancel it to stop), or
`watcher.start()` / `watcher.stop()` for a daemon thread. `on_swap` callbacks get the
new index after each swap (e.g. new-episode announcements); async callbacks are awaited
by `run()`, or scheduled on the loop given to `start(loop=...)`.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence

from bot.ops.archives import knowledge_folders, swapping_archives
from bot.retrieval.cache import FileDigests, knowledge_fingerprint
from bot.retrieval.cached_index import open_index

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 30.0


class KnowledgeWatcher:
    def __init__(self, handle, folders: Callable[[], Sequence[Path]], cache_dir: Path | None,
                 interval: float = DEFAULT_INTERVAL_SECONDS, on_swap: Iterable[Callable] = (),
                 make_searcher: Callable | None = None) -> None:
        self.handle = handle
        self.interval = interval
        self.cache_dir = cache_dir
        self.on_swap = list(on_swap)
        self._folders = folders
        self._make_searcher = make_searcher or _default_searcher
        self._seen: tuple | None = None
        self._digests = FileDigests()  # re-hash only files that changed since the last tick
        self._check_lock = threading.Lock()  # one rebuild at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

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
                loaded = open_index(folders, self.cache_dir)
                searcher = self._make_searcher(loaded.index)
            except Exception:
                log.exception("knowledge reload failed; still answering from the previous index")
                self._seen = key  # don't retry the same broken state every tick
                return None
            self.handle.swap(searcher)
            self._seen = key
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
                await self._notify_async(index)

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> threading.Thread:
        """Run in a daemon thread; async callbacks go to `loop` when one is given."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._thread_main, args=(loop,),
                                        name="knowledge-watcher", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _thread_main(self, loop) -> None:
        if self._seen is None:
            self.prime()
        while not self._stop.wait(self.interval):
            try:
                index = self.check_once()
            except Exception:
                log.exception("knowledge check failed; trying again in %s s", self.interval)
                continue
            if index is not None:
                self._notify_from_thread(index, loop)

    def _state(self) -> tuple[list[Path], tuple]:
        folders = list(self._folders())
        return folders, (tuple(str(f) for f in folders), knowledge_fingerprint(folders, self._digests))

    async def _notify_async(self, index) -> None:
        for callback in self.on_swap:
            try:
                result = callback(index)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("on_swap callback %s failed", _name(callback))

    def _notify_from_thread(self, index, loop) -> None:
        for callback in self.on_swap:
            try:
                result = callback(index)
                if inspect.isawaitable(result):
                    if loop is None:
                        getattr(result, "close", lambda: None)()
                        log.error("on_swap callback %s is async: start(loop=...) is needed", _name(callback))
                    else:
                        asyncio.run_coroutine_threadsafe(result, loop)
            except Exception:
                log.exception("on_swap callback %s failed", _name(callback))


def watcher_for(settings, handle, on_swap: Iterable[Callable] = ()) -> KnowledgeWatcher:
    """The watcher a service runs: configured folders plus whatever has been synced since."""
    configured = settings.configured_knowledge or settings.knowledge

    def folders() -> tuple[Path, ...]:
        # Mid-swap an archive's checkout is missing for a moment; rebuilding then would
        # serve without it. Wait (check_once treats this like a file vanishing mid-walk).
        swapping = swapping_archives(settings.data_dir)
        if swapping:
            raise FileNotFoundError(f"archive {', '.join(swapping)} is being swapped by a sync")
        return knowledge_folders(configured, settings.data_dir)

    return KnowledgeWatcher(handle, folders, settings.cache_dir,
                            interval=settings.reload_seconds or DEFAULT_INTERVAL_SECONDS, on_swap=on_swap)


def _default_searcher(index):
    from bot.retrieval.search import Searcher

    return Searcher(index)


def _name(callback) -> str:
    return getattr(callback, "__qualname__", repr(callback))
