"""Conversations on Slack through the real app over HTTP (issue 15): a question about a
person gets the person card, a follow-up mention in the thread under the bot's answer is
read with the question before it, and a question about the newest episode gets its card."""
from __future__ import annotations

import pytest

from tests.fakes.fake_slack import BOT_USER_ID
from tests.fakes.knowledge import write_conversation_archive
from tests.fakes.slack_requests import mention_event
from tests.slack.slack_checks import assert_inert, assert_within_limits, blocks_of

QUESTION_TS, FOLLOW_UP_TS = "1700000500.000200", "1700000560.000300"


@pytest.fixture
def knowledge(tmp_path):
    return (write_conversation_archive(tmp_path / "archive"),)


def posts(fake) -> list[dict]:
    return [c.params for c in fake.of("chat.postMessage")]


def text_of(params: dict) -> str:
    return str(blocks_of(params))


async def test_who_is_gets_the_person_card(slack, fake_slack):
    await slack.event(mention_event(f"<@{BOT_USER_ID}> who is ada lovelace?", QUESTION_TS), "Ev1")
    posted = (await fake_slack.wait_for(posts))[0]
    header = next(b for b in blocks_of(posted) if b["type"] == "header")
    assert header["text"]["text"] == "Ada Lovelace"
    assert "Analytical Engines" in text_of(posted) and "Guest of 2 episodes" in text_of(posted)
    assert "Feature Stores in Production" in text_of(posted) and "youtube.com" in text_of(posted)
    assert_within_limits(posted)
    assert_inert(posted)


async def test_a_follow_up_in_the_thread_is_read_with_the_question_before_it(slack, fake_slack):
    await slack.event(mention_event(f"<@{BOT_USER_ID}> when does a team need a feature store?", QUESTION_TS), "Ev1")
    first = (await fake_slack.wait_for(posts))[0]
    assert first["thread_ts"] == QUESTION_TS and "pays off once two models share" in text_of(first)
    await slack.event(mention_event(f"<@{BOT_USER_ID}> and how do you keep them fresh?", FOLLOW_UP_TS,
                                    thread_ts=QUESTION_TS), "Ev2")
    follow = (await fake_slack.wait_for(lambda f: posts(f)[1:]))[0]
    assert follow["thread_ts"] == QUESTION_TS
    assert "Following up on: “when does a team need a feature store?”" in text_of(follow)
    assert "recompute the streaming features" in text_of(follow)


async def test_the_newest_episode_by_mention(slack, fake_slack):
    await slack.event(mention_event(f"<@{BOT_USER_ID}> what's the latest episode?", QUESTION_TS), "Ev1")
    posted = (await fake_slack.wait_for(posts))[0]
    header = next(b for b in blocks_of(posted) if b["type"] == "header")
    assert "Feature Stores in Production" in header["text"]["text"]
