"""Fixtures for the command core: the shipped sample knowledge, a real SQLite file in
tmp_path, and a clock tests move by hand (no sleeps)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.app.settings import Settings
from bot.core import Core
from bot.knowledge_handle import KnowledgeHandle
from bot.models import Invocation
from bot.retrieval.search import Searcher
from bot.retrieval.cached_index import open_index
from bot.store.answers import AnswerLog
from bot.store.db import Database
from bot.store.pins import PinStore

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
EPISODE_ID = "open-source-and-volunteering-in-ai-for-data-ml-career-growth"
ARTICLE_ID = "my-experience-with-omdena"
YOUTUBE_ID = "aHdaIwOEI8Q"


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def index(tmp_path_factory):
    return open_index([KNOWLEDGE], tmp_path_factory.mktemp("cache")).index


@pytest.fixture
def clock():
    return FakeClock(datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc))


@pytest.fixture
def db(tmp_path):
    return Database(tmp_path / "data" / "bot.sqlite3")


@pytest.fixture
def core(index, db, clock):
    return Core(KnowledgeHandle(Searcher(index)), PinStore(db), AnswerLog(db),
                settings=Settings(data_dir=db.path.parent, rate_limit_per_minute=5), clock=clock)


def invocation(command: str, text: str = "", *, user: str = "u1", moderator: bool = False,
               channel: str = "c1", thread: str | None = None, **options) -> Invocation:
    return Invocation(platform="test", user_id=user, user_name=f"name-{user}", channel_id=channel,
                      command=command, text=text, thread_id=thread, is_moderator=moderator, options=options)
