"""Every Slack reply has a fallback route: a button click or the "Pin as answer" shortcut
whose response_url fails still reaches the user (ephemeral in the channel, else a DM), and
a failing de-duplication store ends in "something went wrong (ref …)", not silence."""
from __future__ import annotations

import pytest

from bot.adapters.slack.app import PIN_SHORTCUT
from bot.adapters.slack.render import HELPFUL
from tests.fakes.slack_app import MODERATOR
from tests.fakes.fake_slack import BOT_ID, BOT_USER_ID
from tests.slack.slack_checks import blocks_of
from tests.fakes.slack_requests import block_action, mention_event, message_shortcut

QUESTION = "How do I find volunteering projects?"


def responses(fake, rid: str) -> list[dict]:
    return [c.params for c in fake.of("response_url") if c.path == rid]


async def ask(slack, fake) -> dict:
    await slack.command("/ask", QUESTION, fake.response_url("r1"))
    return (await fake.wait_for(lambda f: responses(f, "r1")))[0]


def answer_id(private: dict) -> str:
    return next(b for b in blocks_of(private) if b["type"] == "actions")["elements"][0]["value"]


def ephemerals(fake, user: str) -> list[dict]:
    return [c.params for c in fake.of("chat.postEphemeral") if c.params["user"] == user]


async def test_feedback_with_an_expired_response_url_is_answered_in_the_channel(slack, fake_slack):
    answer = answer_id(await ask(slack, fake_slack))
    fake_slack.fail("response_url", "expired_url", status=404)
    await slack.interactive(block_action(HELPFUL, answer, fake_slack.response_url("r2")))
    thanks = (await fake_slack.wait_for(lambda f: ephemerals(f, "U1USER")))[0]
    assert thanks["channel"] == "C1CHAN" and "glad it helped" in thanks["text"]


async def test_feedback_reaches_the_user_by_dm_when_the_channel_route_fails_too(slack, fake_slack):
    answer = answer_id(await ask(slack, fake_slack))
    fake_slack.fail("response_url", "expired_url", status=404)
    fake_slack.fail("chat.postEphemeral", "channel_not_found")
    await slack.interactive(block_action(HELPFUL, answer, fake_slack.response_url("r2")))
    dm = await fake_slack.wait_for(lambda f: [c.params for c in f.of("chat.postMessage")
                                              if c.params["channel"] == "U1USER"])
    assert "glad it helped" in dm[0]["text"]


async def test_pin_shortcut_with_an_expired_response_url_still_confirms_the_pin(slack, fake_slack):
    private = await ask(slack, fake_slack)
    bot_message = {"type": "message", "ts": "1700000001.000100", "bot_id": BOT_ID,
                   "blocks": blocks_of(private), "text": private["text"]}
    fake_slack.fail("response_url", "expired_url", status=404)
    await slack.interactive(message_shortcut(PIN_SHORTCUT, bot_message, fake_slack.response_url("r2"), MODERATOR))
    confirmed = (await fake_slack.wait_for(lambda f: ephemerals(f, MODERATOR)))[0]
    assert confirmed["channel"] == "C1CHAN" and "Pinned #1" in confirmed["text"]


async def test_pin_shortcut_on_a_foreign_message_still_explains(slack, fake_slack):
    foreign = {"type": "message", "ts": "1700000001.000100", "user": "U2OTHER", "text": "hello"}
    fake_slack.fail("response_url", "expired_url", status=404)
    await slack.interactive(message_shortcut(PIN_SHORTCUT, foreign, fake_slack.response_url("r1"), MODERATOR))
    explained = (await fake_slack.wait_for(lambda f: ephemerals(f, MODERATOR)))[0]
    assert "posted by the bot" in explained["text"]


@pytest.mark.expect_errors
async def test_a_failing_dedupe_store_still_answers_the_question_and_logs_why(slack, fake_slack, slack_app,
                                                                             error_logs):
    slack_app.db.close()   # the adapter's store is gone: every claim now raises StoreUnavailable
    ts = "1700000500.000200"
    await slack.event(mention_event(f"<@{BOT_USER_ID}> {QUESTION}", ts), "Ev1")
    answered = (await fake_slack.wait_for(lambda f: f.of("chat.postMessage")))[0].params
    assert answered["thread_ts"] == ts and "answer:" in str(blocks_of(answered))
    assert any("without de-duplication" in r.getMessage() for r in error_logs)
    assert not [r for r in error_logs if r.name.startswith("slack_bolt")]   # handled by us, not Bolt
