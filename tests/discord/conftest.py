"""Fixtures for the Discord adapter: a fake Discord on 127.0.0.1, the real core over the
sample knowledge plus one tiny episode, and a `PodcastBot` running `client.start()`."""
from __future__ import annotations

import asyncio
import logging
import re
import sys
from pathlib import Path

import pytest


from tests.fakes.fake_discord import MOD_ROLE, running_fake  # noqa: E402

from bot.adapters.discord.bot import PodcastBot  # noqa: E402
from bot.adapters.discord.parsing import titles_from_knowledge  # noqa: E402
from bot.app.settings import DEFAULT_KNOWLEDGE, Settings  # noqa: E402
from bot.app.wiring import build_core  # noqa: E402

WATCHED_LOGGERS = ("discord", "asyncio", "bot")

# A tiny episode in the DataTalks.Club format whose transcript tries to ping everyone
# and to smuggle markdown into the answer.
PRANK_EPISODE = """\
---
title: 'Mentions and Markdown: A Test Episode'
season: 99
episode: 1
guests:
- prankster
ids:
  youtube: abcDEF12345
dateadded: 2024-05-01
transcript:
- header: Pranks
- line: Hey @everyone and @here, the secret of kombucha brewing is patience, *lots* of it.
    Also [click me](https://evil.example) and **bold** claims.
  sec: 61
  time: '1:01'
  who: Prankster
- line: That is a great point about fermentation.
  sec: 90
  time: '1:30'
  who: Alexey
---
"""


class ErrorLog(logging.Handler):
    """Collects ERROR records; a test names the ones it expects, any other fails it."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.expected: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED_LOGGERS:
            self.records.append(record)

    def expect(self, pattern: str) -> None:
        self.expected.append(pattern)

    def matching(self, pattern: str) -> list[logging.LogRecord]:
        return [r for r in self.records if re.search(pattern, r.getMessage())]

    def unexpected(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" for r in self.records
                if not any(re.search(p, r.getMessage()) for p in self.expected)]


@pytest.fixture(autouse=True)
def error_log():
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    unexpected = handler.unexpected()
    if unexpected:
        pytest.fail("unexpected ERROR log records:\n" + "\n".join(unexpected))


@pytest.fixture
async def fake(monkeypatch):
    async with running_fake(monkeypatch) as server:
        yield server


@pytest.fixture
def settings(tmp_path) -> Settings:
    extra = tmp_path / "knowledge"
    extra.mkdir()
    (extra / "mentions-and-markdown.md").write_text(PRANK_EPISODE, encoding="utf-8")
    return Settings(semantic=False, knowledge=(DEFAULT_KNOWLEDGE, extra), data_dir=tmp_path / "data",
                    discord_moderator_roles=(str(MOD_ROLE),))


@pytest.fixture
def core(settings):
    return build_core(settings)


@pytest.fixture
async def start_bot(fake):
    """Starts a bot around a given core; stops it (and surfaces gateway errors) at teardown."""
    running: list[tuple[PodcastBot, asyncio.Task]] = []

    async def start(core, settings: Settings) -> PodcastBot:
        client = PodcastBot(core, moderator_roles=settings.discord_moderator_roles,
                            episode_titles=titles_from_knowledge(core.knowledge), guild_ready_timeout=0.05)
        task = asyncio.create_task(client.start("fake-token-for-tests"))
        running.append((client, task))
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({task, ready}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # raises what stopped the client
            raise AssertionError("the bot did not become ready within 5 s")
        return client

    yield start
    for client, task in running:
        await client.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def bot(start_bot, core, settings) -> PodcastBot:
    return await start_bot(core, settings)
