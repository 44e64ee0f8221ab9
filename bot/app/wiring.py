"""Building the parts from settings: the one place that opens the index and the store.

Entry points (CLI jobs, console, Slack, Discord) call these; tests build a `Core` by
hand from the same pieces.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from bot.app.settings import Settings
from bot.core.context import utc_now
from bot.core.dispatcher import Core
from bot.errors import StoreUnavailable, UserError
from bot.knowledge_handle import KnowledgeHandle
from bot.ops.archives import KnowledgeSources
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


def open_index(settings: Settings, rebuild: bool = False):
    """The index of all knowledge (synced archives included), from the cache when current."""
    from bot.retrieval.cached_index import open_index as open_cached

    return open_cached(list(knowledge_sources(settings).folders()), settings.cache_dir, rebuild=rebuild)


def open_searcher(settings: Settings):
    from bot.retrieval.search import Searcher

    loaded = open_index(settings)
    log.info("index %s in %.2f s: %d documents", "loaded" if loaded.from_cache else "built",
             loaded.seconds, len(loaded.index.documents))
    return Searcher(loaded.index), loaded


def open_knowledge(settings: Settings) -> KnowledgeHandle:
    return KnowledgeHandle(open_searcher(settings)[0])


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
               db: Database | None = None) -> Core:
    """The command core on `db` (default: the configured store); `rate_limit=False` for a
    local operator's own questions (CLI)."""
    db = db or open_database(settings)
    limiter = RateLimitWindows(db, settings.rate_limit_per_minute if rate_limit else 0, lambda: clock().timestamp())
    return Core(knowledge or open_knowledge(settings), PinStore(db), AnswerLog(db), limiter=limiter, clock=clock)


def slack_state(settings: Settings, db: Database) -> SlackClaims:
    """The Slack adapter's de-duplication memory, on the shared store."""
    return SlackClaims(db, retry_grace_seconds=settings.slack_retry_grace_seconds)
