"""Building the core from settings: the one place that opens the index and the database.

Entry points (console, Slack, Discord) call `build_core(settings)`; tests build a
`Core` by hand from the same pieces.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from bot.app.settings import Settings
from bot.core import Core
from bot.core.context import utc_now
from bot.knowledge_handle import KnowledgeHandle
from bot.store.answers import AnswerLog
from bot.store.db import Database
from bot.store.pins import PinStore

log = logging.getLogger(__name__)

DATABASE_FILE = "bot.sqlite3"


def open_database(settings: Settings) -> Database:
    """The pins, answer log and feedback file in the data folder (created on first use)."""
    return Database(settings.data_dir / DATABASE_FILE)


def open_knowledge(settings: Settings) -> KnowledgeHandle:
    from bot.retrieval.search import Searcher
    from bot.retrieval.cached_index import open_index

    loaded = open_index(list(settings.knowledge), settings.cache_dir)
    log.info("index %s in %.2f s: %d documents", "loaded" if loaded.from_cache else "built",
             loaded.seconds, len(loaded.index.documents))
    return KnowledgeHandle(Searcher(loaded.index))


def build_core(settings: Settings, knowledge: KnowledgeHandle | None = None,
               clock: Callable[[], datetime] = utc_now) -> Core:
    db = open_database(settings)
    return Core(knowledge or open_knowledge(settings), PinStore(db), AnswerLog(db), settings=settings, clock=clock)
