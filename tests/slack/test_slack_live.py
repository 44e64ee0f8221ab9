"""The Slack service's reload and announcement wiring (`serve_slack`, `announcement_posters`)
against the fake Web API: an episode synced while the bot was down is announced at start
in SLACK_ANNOUNCE_CHANNEL, one arriving by live reload is announced once, and both carry
the episode card and ping nobody."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.adapters.slack.service import announcement_posters
from bot.app.services import serve_slack, slack_config
from bot.app.wiring import build_core, open_database
from bot.ops.announcements import open_announcer
from bot.retrieval.documents import EPISODE, Document
from tests.fakes.knowledge import write_episode
from tests.slack.slack_checks import assert_inert, assert_within_limits, blocks_of

ANNOUNCE = "C0ANNOUNCE"


@pytest.fixture
def knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    write_episode(folder, "volunteering", 17, 7, ["Volunteering with Omdena helped my career."])
    write_episode(folder, "kubeflow", 17, 8, ["Kubeflow pipelines orchestrate training."])
    return (folder,)


def announcements(fake) -> list[dict]:
    return [c.params for c in fake.of("chat.postMessage") if c.params.get("channel") == ANNOUNCE]


def header(params: dict) -> str:
    return next(b for b in blocks_of(params) if b["type"] == "header")["text"]["text"]


async def test_announcements_at_start_and_after_a_reload(settings, fake_slack, knowledge):
    settings = replace(settings, slack_announce_channel=ANNOUNCE, reload_seconds=1)
    store = open_database(settings)
    baseline = open_announcer(store, {"slack": None})
    # The last run knew s17e07; s17e08 came while the bot was down.
    await baseline.consider([Document("volunteering", EPISODE, "Volunteering", season=17, episode=7)])
    store.close()

    core = build_core(settings)
    task = asyncio.create_task(serve_slack(settings, core, http=True, port=0, host="127.0.0.1"))
    try:
        first = (await fake_slack.wait_for(announcements))[0]
        assert "Kubeflow" in header(first) and "New episode!" in str(blocks_of(first))
        assert any("youtube.com" in str(b) for b in blocks_of(first))   # the card's watch link
        assert_within_limits(first)
        assert_inert(first)
        write_episode(knowledge[0], "feature-stores", 17, 9, ["Feature stores keep training and serving in sync."])
        second = (await fake_slack.wait_for(lambda f: len(announcements(f)) == 2 and announcements(f),
                                            timeout=10))[1]
        assert "Feature Stores" in header(second)
        assert core.knowledge.searcher.search("feature stores", 1).hits   # swapped in
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(announcements(fake_slack)) == 2
    assert fake_slack.of("auth.test")   # the token was checked at start


def test_no_announce_channel_means_no_poster(settings):
    assert announcement_posters(slack_config(settings), app=None) == {}
