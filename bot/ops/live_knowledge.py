"""What a chat service runs beside its adapter: live reload and new-episode announcements.

A run module calls, once its event loop is running and its client can post:

    live = await start_live_knowledge(sources, cache_dir, handle, {"slack": post}, reload_seconds, db)
    ...
    await live.stop()

`posters` maps a platform name to an async callable taking a `Reply` (see
announcements.py); pass `{}` when no announcement channel is configured. `db` is the
store the announcement log lives in (its owner closes it).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from bot.metrics import NO_METRICS, Metrics
from bot.ops.announcements import Announcer, Poster, open_announcer
from bot.ops.archives import KnowledgeSources
from bot.ops.reload import KnowledgeWatcher, watcher_for
from bot.store.database import Database

log = logging.getLogger(__name__)


@dataclass
class LiveKnowledge:
    watcher: KnowledgeWatcher
    announcer: Announcer | None
    task: asyncio.Task | None

    upgrade: asyncio.Task | None = None  # the semantic layer, swapped in when its vectors are ready
    # Tells the upgrade's embedding thread to stop: cancelling the task can't stop a thread,
    # and the process can't exit before it ends (what it embedded is kept for next time).
    stopping: threading.Event = field(default_factory=threading.Event)

    async def stop(self) -> None:
        self.stopping.set()
        for task in (self.task, self.upgrade):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def start_live_knowledge(sources: KnowledgeSources, cache_dir: Path, handle,
                               posters: Mapping[str, Poster], reload_seconds: float,
                               db: Database, make_searcher: Callable | None = None,
                               metrics: Metrics = NO_METRICS) -> LiveKnowledge:
    """`make_searcher(index)`, when given, makes the searchers of reloads, and the one
    swapped in when a searcher that started by words alone can have its semantic layer."""
    announcer = open_announcer(db, posters, sources.roots) if posters else None
    watcher = watcher_for(sources, cache_dir, handle, reload_seconds, on_swap=[announcer.on_swap] if announcer else [],
                          make_searcher=make_searcher, metrics=metrics)
    await asyncio.to_thread(watcher.prime)
    if announcer is not None:
        # A first run records the newest episode; after downtime, a sync made meanwhile is announced.
        await announcer.consider(handle.searcher.index.documents.values())
    task = None
    if reload_seconds > 0:
        task = asyncio.create_task(watcher.run(), name="knowledge-watcher")
        log.info("live reload: checking knowledge every %s s", reload_seconds)
    else:
        log.info("live reload is off (BOT_RELOAD_SECONDS=0)")
    live = LiveKnowledge(watcher, announcer, task)
    if make_searcher is not None and getattr(handle.searcher, "semantic", None) is None:
        live.upgrade = asyncio.create_task(_semantic_upgrade(handle, make_searcher, live.stopping),
                                           name="semantic-layer")
    return live


async def _semantic_upgrade(handle, make_searcher, stopping: threading.Event) -> None:
    """Embed what the semantic layer lacks, off the event loop, and swap it in (unless a
    reload brought another index meanwhile: that one was made with its layer)."""
    generation = handle.generation
    try:
        searcher = await asyncio.to_thread(make_searcher, handle.searcher.index, should_stop=stopping.is_set)
    except Exception:  # the layer is a bonus: words alone keep answering
        log.exception("the semantic layer could not be built; answering by words alone")
        return
    if handle.generation == generation and searcher.semantic is not None:
        handle.swap(searcher)
        log.info("semantic layer on")
