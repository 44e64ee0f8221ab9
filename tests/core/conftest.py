"""Fixtures for the command core: the shipped sample knowledge, a real SQLite file in
tmp_path, and a clock tests move by hand (no sleeps)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.core.dispatcher import Core
from bot.knowledge_handle import KnowledgeHandle
from bot.ratelimit import RateLimiter
from bot.retrieval.cached_index import open_index
from bot.retrieval.search import Searcher
from bot.store.answers import AnswerLog
from bot.store.sqlite import SqliteDatabase
from bot.store.pins import PinStore
from tests.fakes.sample import KNOWLEDGE, FakeClock


@pytest.fixture(scope="session")
def index(tmp_path_factory):
    return open_index([KNOWLEDGE], tmp_path_factory.mktemp("cache")).index


@pytest.fixture
def clock():
    return FakeClock(datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc))


@pytest.fixture
def db(tmp_path):
    db = SqliteDatabase(tmp_path / "data" / "bot.sqlite3")
    yield db
    db.close()


@pytest.fixture
def core(index, db, clock):
    return Core(KnowledgeHandle(Searcher(index)), PinStore(db), AnswerLog(db),
                limiter=RateLimiter(5, lambda: clock().timestamp()), clock=clock)
