"""Slash commands and interactivity through the real app over HTTP, with the real core,
against the fake Slack. Requests are signed exactly as Slack signs them."""
from __future__ import annotations

import asyncio
import time

import pytest

from bot.adapters.slack.app import PIN_SHORTCUT
from bot.adapters.slack.render import HELPFUL, SHARE
from bot.models import ANSWER, Invocation, Reply
from tests.fakes.slack_app import MODERATOR, start_http_app
from tests.slack.slack_checks import assert_inert, assert_within_limits, blocks_of
from tests.fakes.slack_requests import block_action, message_shortcut

QUESTION = "How do I find volunteering projects?"


def responses(fake, rid: str):
    return [c.params for c in fake.of("response_url") if c.path == rid]


async def ask(slack, fake, rid: str = "r1", question: str = QUESTION) -> dict:
    sent = await slack.command("/ask", question, fake.response_url(rid))
    assert sent.status == 200 and sent.body == "" and sent.seconds < 3
    await fake.wait_for(lambda f: responses(f, rid))
    return responses(fake, rid)[0]


def pins_listing(core) -> str:
    return core.handle(Invocation(platform="slack", user_id="U0", user_name="x", channel_id="C0",
                                  command="pins")).text


async def test_ask_is_acked_at_once_and_answered_privately_with_a_share_button(slack, fake_slack):
    reply = await ask(slack, fake_slack)
    assert reply["response_type"] == "ephemeral"
    assert reply["unfurl_links"] is False and reply["unfurl_media"] is False
    blocks = blocks_of(reply)
    answer_block = next(b for b in blocks if b.get("block_id", "").startswith("answer:"))
    assert "watch from" in answer_block["text"]["text"] and "youtube.com" in answer_block["text"]["text"]
    buttons = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [HELPFUL, "feedback_not_helpful", SHARE]
    assert reply["text"]   # the notification fallback
    assert_within_limits(reply)
    await asyncio.sleep(0.1)   # settle: exactly one answer, no stray posts
    assert len(fake_slack.posts()) == 1


@pytest.mark.parametrize("how", ["wrong secret", "stale timestamp", "unsigned"])
async def test_bad_or_stale_signature_gets_401_and_no_work(slack, fake_slack, how):
    kwargs = {"wrong secret": {"secret": "not-the-secret"},
              "stale timestamp": {"timestamp": int(time.time()) - 6 * 60},
              "unsigned": {"sign": False}}[how]
    from tests.fakes.slack_requests import slash_body
    sent = await slack.post(slash_body("/ask", QUESTION, fake_slack.response_url("r1")), **kwargs)
    assert sent.status == 401
    await asyncio.sleep(0.1)
    assert fake_slack.calls == []


async def test_share_posts_the_same_answer_publicly_and_removes_the_private_one(slack, fake_slack):
    private = await ask(slack, fake_slack)
    answer_id = next(b for b in blocks_of(private) if b["type"] == "actions")["elements"][0]["value"]
    sent = await slack.interactive(block_action(SHARE, answer_id, fake_slack.response_url("r2")))
    assert sent.status == 200
    await fake_slack.wait_for(lambda f: f.of("chat.postMessage") and responses(f, "r2"))
    public = fake_slack.of("chat.postMessage")[0].params
    assert public["channel"] == "C1CHAN"
    assert public["unfurl_links"] is False
    public_blocks = blocks_of(public)
    assert "alice asked" in public_blocks[0]["elements"][0]["text"]
    assert next(b for b in public_blocks if b.get("block_id") == f"answer:{answer_id}")
    assert SHARE not in str(public_blocks)
    assert responses(fake_slack, "r2")[0].get("delete_original") is True


async def test_share_where_the_bot_is_not_in_channel_goes_through_the_response_url(slack, fake_slack):
    private = await ask(slack, fake_slack)
    answer_id = next(b for b in blocks_of(private) if b["type"] == "actions")["elements"][0]["value"]
    fake_slack.fail("chat.postMessage", "not_in_channel")
    await slack.interactive(block_action(SHARE, answer_id, fake_slack.response_url("r2")))
    shared = await fake_slack.wait_for(lambda f: responses(f, "r2"))
    assert shared[0]["response_type"] == "in_channel"
    assert f"answer:{answer_id}" in str(shared[0]["blocks"])


async def test_helpful_button_reaches_the_core_feedback(slack, fake_slack):
    private = await ask(slack, fake_slack)
    answer_id = next(b for b in blocks_of(private) if b["type"] == "actions")["elements"][0]["value"]
    await slack.interactive(block_action(HELPFUL, answer_id, fake_slack.response_url("r2")))
    thanks = await fake_slack.wait_for(lambda f: responses(f, "r2"))
    assert "glad it helped" in thanks[0]["text"]
    await slack.interactive(block_action(HELPFUL, "no-such-answer", fake_slack.response_url("r3")))
    unknown = await fake_slack.wait_for(lambda f: responses(f, "r3"))
    assert "couldn't record" in unknown[0]["text"]


async def test_a_non_moderators_pin_is_refused_and_nothing_is_stored(slack, fake_slack, core):
    await ask(slack, fake_slack)
    sent = await slack.command("/pin", f"{QUESTION} | s17e07@16:05", fake_slack.response_url("r2"))
    assert sent.status == 200
    refusal = await fake_slack.wait_for(lambda f: responses(f, "r2"))
    assert "Only moderators" in refusal[0]["text"] and refusal[0]["response_type"] == "ephemeral"
    assert fake_slack.of("users.info")   # workspace admin status was checked (and is false)
    assert "No pinned answers yet" in pins_listing(core)


async def test_a_moderator_pins_a_bot_answer_with_the_message_shortcut(slack, fake_slack, core):
    private = await ask(slack, fake_slack)
    bot_message = {"type": "message", "ts": "1700000001.000100", "bot_id": "BBOT0001",
                   "blocks": blocks_of(private), "text": private["text"]}
    await slack.interactive(message_shortcut(PIN_SHORTCUT, bot_message, fake_slack.response_url("r2"), "U1USER"))
    refused = await fake_slack.wait_for(lambda f: responses(f, "r2"))
    assert "Only moderators" in refused[0]["text"]
    assert "No pinned answers yet" in pins_listing(core)

    await slack.interactive(message_shortcut(PIN_SHORTCUT, bot_message, fake_slack.response_url("r3"), MODERATOR))
    pinned = await fake_slack.wait_for(lambda f: responses(f, "r3"))
    assert "Pinned #1" in pinned[0]["text"]
    assert QUESTION in pins_listing(core)
    again = await ask(slack, fake_slack, "r4")
    assert "Pinned answer" in str(again["blocks"])


async def test_workspace_admin_counts_as_moderator(slack, fake_slack, core):
    fake_slack.admins.add("UADMIN")
    sent = await slack.command("/pin", "How do I volunteer? | s17e07@16:05", fake_slack.response_url("r1"),
                               user_id="UADMIN")
    assert sent.status == 200
    reply = await fake_slack.wait_for(lambda f: responses(f, "r1"))
    assert "Pinned #1" in reply[0]["text"], reply[0]["text"]


async def test_user_group_member_counts_as_moderator(settings, core, fake_slack):
    from dataclasses import replace
    fake_slack.group_members = ["UGROUPMOD"]
    app = await start_http_app(replace(settings, slack_moderator_group="S0MODS"), core)
    try:
        await app.http.command("/unpin", "7", fake_slack.response_url("r1"), user_id="UGROUPMOD")
        reply = await fake_slack.wait_for(lambda f: responses(f, "r1"))
        assert "no pin #7" in reply[0]["text"]   # allowed to try; there is simply no such pin
        assert fake_slack.of("usergroups.users.list")[0].params["usergroup"] == "S0MODS"
    finally:
        await app.stop()


@pytest.mark.parametrize("command", ["/latest", "/episode s17e07", "/pins", "/help"])
async def test_every_other_command_answers_privately_within_limits(slack, fake_slack, command):
    name, _, text = command.partition(" ")
    await slack.command(name, text, fake_slack.response_url("r1"))
    reply = (await fake_slack.wait_for(lambda f: responses(f, "r1")))[0]
    assert reply["response_type"] == "ephemeral" and reply["text"]
    assert_within_limits(reply)
    assert_inert(reply)


class UnrenderableCore:
    """Fault injection: a core whose answer has no moment's fields, so rendering fails after the ack."""

    def __init__(self, real) -> None:
        self.knowledge = real.knowledge

    def handle(self, invocation):
        return Reply(kind=ANSWER, text="?", answer=object(), answer_id="a1")


@pytest.mark.expect_errors
async def test_a_crash_after_the_ack_still_tells_the_user_with_a_reference(settings, core, fake_slack, error_logs):
    app = await start_http_app(settings, UnrenderableCore(core))
    try:
        sent = await app.http.command("/ask", QUESTION, fake_slack.response_url("r1"))
        assert sent.status == 200
        reply = (await fake_slack.wait_for(lambda f: responses(f, "r1")))[0]
    finally:
        await app.stop()
    ref = reply["text"].split("(ref ")[1].split(")")[0]
    assert len(ref) == 6 and reply["response_type"] == "ephemeral"
    assert any(ref in r.getMessage() for r in error_logs)   # the operator can find it by the ref
