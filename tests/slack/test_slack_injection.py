"""Transcript text that looks like Slack markup must post inert: a tmp knowledge folder
holds one episode (DataTalks.Club format) whose transcript pings @channel and a user."""
from __future__ import annotations

import pytest

from tests.fakes.fake_slack import BOT_USER_ID
from tests.slack.slack_checks import assert_inert, blocks_of, linked_urls
from tests.fakes.slack_requests import mention_event

EPISODE = """---
title: 'Zebra Migration Data: Tracking Herds <!here> with Drones'
season: 9
episode: 3
guests:
- zoe
ids:
  youtube: zEbRa123456
transcript:
- header: Zebra migration tracking
- line: Attention <!channel> and <@U123>, the zebra migration dataset is at <http://evil.example|the official docs>
    and we tracked every zebra herd with drones during the great migration.
  sec: 1000
  time: '16:40'
  who: Zoe
- line: Zebras cross the river in large herds, so the migration data has gaps <!subteam^S1|@mods>.
  sec: 1100
  time: '18:20'
  who: Alexey
---
Zebra migration episode.
"""


@pytest.fixture
def knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "zebra-migration-data.md").write_text(EPISODE, encoding="utf-8")
    return (folder,)


async def test_transcript_markup_in_a_thread_answer_posts_inert(slack, fake_slack):
    question = f"<@{BOT_USER_ID}> what about the <!here> zebra migration dataset?"
    await slack.event(mention_event(question, "1700000500.000200"), "Ev1")
    posted = (await fake_slack.wait_for(lambda f: f.of("chat.postMessage")))[0].params
    answer = next(b for b in blocks_of(posted) if b.get("block_id", "").startswith("answer:"))["text"]["text"]
    assert "&lt;!channel&gt;" in answer and "&lt;@U123&gt;" in answer   # shown as text, never as a ping
    assert_inert(posted)
    assert linked_urls(posted) and all("evil.example" not in url for url in linked_urls(posted))


async def test_question_and_transcript_markup_in_slash_answer_and_share_post_inert(slack, fake_slack):
    from tests.fakes.slack_requests import block_action
    await slack.command("/ask", "<!everyone> zebra migration dataset <@U999>?", fake_slack.response_url("r1"))
    private = (await fake_slack.wait_for(lambda f: f.of("response_url")))[0].params
    assert_inert(private)
    answer_id = next(b for b in blocks_of(private) if b["type"] == "actions")["elements"][0]["value"]
    await slack.interactive(block_action("share_answer", answer_id, fake_slack.response_url("r2")))
    public = (await fake_slack.wait_for(lambda f: f.of("chat.postMessage")))[0].params
    assert_inert(public)
    assert "zebra migration dataset" in str(public["blocks"])
