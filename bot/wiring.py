"""Building the core from settings: the one place that opens the index and the database.

Entry points (console, Slack, Discord) call `build_core(settings)`; tests build a
`Core` by hand from the same pieces.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from .config import Settings
from .core import Core
from .core.context import utc_now
from .knowledge_handle import KnowledgeHandle
from .store.answers import AnswerLog
from .store.db import Database
from .store.pins import PinStore

log = logging.getLogger(__name__)

DATABASE_FILE = "bot.sqlite3"


def open_database(settings: Settings) -> Database:
    """The pins, answer log and feedback file in the data folder (created on first use)."""
    return Database(settings.data_dir / DATABASE_FILE)


def open_knowledge(settings: Settings) -> KnowledgeHandle:
    from .retrieval.search import Searcher
    from .retrieval.service import open_index

    loaded = open_index(list(settings.knowledge), settings.cache_dir)
    log.info("index %s in %.2f s: %d documents", "loaded" if loaded.from_cache else "built",
             loaded.seconds, len(loaded.index.documents))
    return KnowledgeHandle(Searcher(loaded.index))


def build_core(settings: Settings, knowledge: KnowledgeHandle | None = None,
               clock: Callable[[], datetime] = utc_now) -> Core:
    db = open_database(settings)
    return Core(knowledge or open_knowledge(settings), PinStore(db), AnswerLog(db), settings=settings, clock=clock)
