"""The Discord service end to end against the Discord adapter's fake server: an episode
synced while the bot was down is announced at start, one arriving by live reload is
announced once, and announcements ping nobody."""
from __future__ import annotations

import asyncio

import discord
import pytest

from bot.adapters.discord import service as discord_run
from bot.app.services import serve_discord
from bot.app.settings import Settings
from bot.app.wiring import build_core, open_database
from bot.errors import UserError
from bot.ops.announcements import open_announcer
from bot.retrieval.documents import EPISODE, Document
from tests.fakes.fake_discord import running_fake
from tests.fakes.knowledge import write_episode

CHANNEL = 4242


@pytest.fixture
async def fake(monkeypatch):
    async with running_fake(monkeypatch) as server:
        yield server


def settings_for(tmp_path, channel=str(CHANNEL)) -> Settings:
    return Settings(semantic=False, knowledge=(tmp_path / "knowledge",), data_dir=tmp_path / "data", reload_seconds=1,
                    discord_token="a-test-token-0123456789", discord_announce_channel=channel)


async def test_announcements_at_start_and_after_a_reload(fake, tmp_path):
    folder = tmp_path / "knowledge"
    write_episode(folder, "volunteering", 17, 7, ["Volunteering with Omdena helped my career."])
    write_episode(folder, "kubeflow", 17, 8, ["Kubeflow pipelines orchestrate training."])
    settings = settings_for(tmp_path)
    seen_before = Document("volunteering", EPISODE, "Volunteering", season=17, episode=7)
    store = open_database(settings)
    baseline = open_announcer(store, {"discord": None})
    await baseline.consider([seen_before])  # the last run knew s17e07; s17e08 came while it was down
    store.close()

    client = discord_run.build_client(build_core(settings), settings.discord_moderator_roles)
    task = asyncio.create_task(serve_discord(settings, client))
    try:
        first = await fake.wait_for_request("POST", rf"/channels/{CHANNEL}/messages")
        assert first.body["content"] == "New episode!"
        assert "Kubeflow" in first.body["embeds"][0]["title"]
        assert first.body["allowed_mentions"] == {"parse": []}
        write_episode(folder, "feature-stores", 17, 9, ["Feature stores keep training and serving in sync."])
        second = await fake.wait_for_request("POST", rf"/channels/{CHANNEL}/messages", count=2, timeout=10)
        assert "Feature Stores" in second.body["embeds"][0]["title"]
        assert client.core.knowledge.searcher.search("feature stores", 1).hits  # swapped in
    finally:
        await client.close()
        await asyncio.wait_for(task, 10)
    assert len(fake.find("POST", rf"/channels/{CHANNEL}/messages")) == 2


def test_an_announce_channel_must_be_an_id(tmp_path):
    with pytest.raises(UserError, match="DISCORD_ANNOUNCE_CHANNEL"):
        discord_run.announcement_posters(discord.Client(intents=discord.Intents.none()), "#general")
