"""Building the parts from settings: the one place that opens the index and the store.

Entry points (CLI jobs, console, Slack, Discord) call these; tests build a `Core` by
hand from the same pieces.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime
from typing import Callable

from bot.app.settings import Settings
from bot.core.context import utc_now
from bot.core.dispatcher import Core
from bot.errors import StoreUnavailable, UserError
from bot.knowledge_handle import KnowledgeHandle
from bot.metrics import NO_METRICS, Metrics
from bot.ops.archives import KnowledgeSources
from bot.progress import Progress, no_progress
from bot.store import open_database as open_store
from bot.store.answers import AnswerLog
from bot.store.database import Database
from bot.store.pins import PinStore
from bot.store.rate_windows import RateLimitWindows
from bot.store.slack_claims import SlackClaims

log = logging.getLogger(__name__)


def knowledge_sources(settings: Settings) -> KnowledgeSources:
    """The configured knowledge folders plus every archive `sync` has recorded."""
    return KnowledgeSources(tuple(settings.knowledge), settings.data_dir)


def open_index(settings: Settings, rebuild: bool = False, progress: Progress = no_progress, apart: bool = False):
    """The index of all knowledge (synced archives included), from the cache when current;
    `apart`: a build runs in a child process (a long-running service keeps only the map)."""
    if apart:
        from bot.retrieval.built_apart import open_index_built_apart as open_cached
    else:
        from bot.retrieval.cached_index import open_index as open_cached

    return open_cached(list(knowledge_sources(settings).folders()), settings.cache_dir, rebuild=rebuild,
                       progress=progress)


# Chunks a question-time job may embed before answering: a new episode's worth (seconds).
# Beyond that it answers by words and says how to embed the archive (`python -m bot index`).
NEW_EPISODE_CHUNKS = 200


def load_embedder(settings: Settings):
    """The semantic layer's model, or None (off, or not installed: words alone). It runs on
    every core: a question's embedding is most of what meaning costs an answer (13 ms on one
    core of the development machine, 10 ms on two), and a first embed of an archive is long."""
    if not settings.semantic:
        return None
    from bot.retrieval.semantic.embedder import load_embedder as load

    return load(settings.embedding_model or None, all_cores())


def all_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def searcher_for(settings: Settings, index, embedder, max_missing: int | None = NEW_EPISODE_CHUNKS,
                 progress: Progress = no_progress, should_stop: Callable[[], bool] = lambda: False):
    """A searcher over `index`, with the semantic layer when there is an embedder and at
    most `max_missing` chunks still to embed (None: embed them all now, unless
    `should_stop()` turns true first)."""
    from bot.retrieval.search import Searcher

    layer = None
    if embedder is not None:
        from bot.retrieval.semantic.building import build_layer

        layer = build_layer(index, embedder, settings.cache_dir / "vectors" / embedder.model_id, max_missing, progress,
                            should_stop)
    return Searcher(index, semantic=layer)


def open_searcher(settings: Settings, progress: Progress = no_progress,
                  max_missing: int | None = NEW_EPISODE_CHUNKS, embedder=None, apart: bool = False):
    loaded = open_index(settings, progress=progress, apart=apart)
    log.info("index %s in %.2f s: %d documents", "loaded" if loaded.from_cache else "built",
             loaded.seconds, len(loaded.index.documents))
    embedder = embedder if embedder is not None else load_embedder(settings)
    return searcher_for(settings, loaded.index, embedder, max_missing, progress), loaded


def open_knowledge(settings: Settings, max_missing: int | None = NEW_EPISODE_CHUNKS, embedder=None,
                   apart: bool = False) -> KnowledgeHandle:
    return KnowledgeHandle(open_searcher(settings, max_missing=max_missing, embedder=embedder, apart=apart)[0])


def open_database(settings: Settings) -> Database:
    """The store, opened (created or migrated) now: PostgreSQL when BOT_DATABASE_URL is set,
    else `bot.sqlite3` in the data folder. A store that can't be used is one line of error
    at start, not a failure on every question (a store that breaks later costs no answer)."""
    db = open_store(settings.database_url, settings.data_dir)
    try:
        db.prepare()
    except StoreUnavailable as exc:
        raise UserError(f"cannot open the database: {exc}") from None
    return db


def build_core(settings: Settings, knowledge: KnowledgeHandle | None = None,
               clock: Callable[[], datetime] = utc_now, rate_limit: bool = True,
               db: Database | None = None, metrics: Metrics = NO_METRICS) -> Core:
    """The command core on `db` (default: the configured store); `rate_limit=False` for a
    local operator's own questions (CLI)."""
    db = db or open_database(settings)
    limiter = RateLimitWindows(db, settings.rate_limit_per_minute if rate_limit else 0, lambda: clock().timestamp())
    return Core(knowledge or open_knowledge(settings), PinStore(db), AnswerLog(db), limiter=limiter, clock=clock,
                metrics=metrics)


def slack_state(settings: Settings, db: Database) -> SlackClaims:
    """The Slack adapter's de-duplication memory, on the shared store."""
    return SlackClaims(db, retry_grace_seconds=settings.slack_retry_grace_seconds)
