"""Building the parts from settings: the one place that opens the index and the store.

Entry points (CLI jobs, console, Slack, Discord) call these; tests build a `Core` by
hand from the same pieces.
"""
from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from typing import Callable

from bot.app.settings import Settings
from bot.core.context import utc_now
from bot.core.dispatcher import Core
from bot.errors import UserError
from bot.knowledge_handle import KnowledgeHandle
from bot.ops.archives import KnowledgeSources
from bot.ratelimit import RateLimiter
from bot.store.answers import AnswerLog
from bot.store.db import Database
from bot.store.pins import PinStore

log = logging.getLogger(__name__)

DATABASE_FILE = "bot.sqlite3"


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
    """The pins, answer log and feedback file in the data folder, opened (created and
    migrated) now: a data folder that cannot hold it is one line of error at start, not a
    failure on every question."""
    db = Database(settings.data_dir / DATABASE_FILE)
    try:
        db.schema_version()
    except (OSError, sqlite3.Error, RuntimeError) as exc:  # RuntimeError: a newer bot's schema
        if isinstance(exc, (FileExistsError, NotADirectoryError)):  # the data folder is a file
            reason = f"{settings.data_dir} is not a folder"
        else:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(f"cannot open the database {db.path}: {reason}") from None
    return db


def build_core(settings: Settings, knowledge: KnowledgeHandle | None = None,
               clock: Callable[[], datetime] = utc_now, rate_limit: bool = True) -> Core:
    """The command core; `rate_limit=False` for a local operator's own questions (CLI)."""
    db = open_database(settings)
    limiter = RateLimiter(settings.rate_limit_per_minute if rate_limit else 0, lambda: clock().timestamp())
    return Core(knowledge or open_knowledge(settings), PinStore(db), AnswerLog(db), limiter=limiter, clock=clock)
