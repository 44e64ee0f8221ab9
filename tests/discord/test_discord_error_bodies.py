"""REST answers that are not Discord's JSON (a proxy's HTML page, invalid or empty JSON,
`message: null`, `errors` that is not an object) through the real discord.py client
against the fake Discord: each failure is one short log line and the fallback still
runs; nothing escapes into discord.py's "Ignoring exception" handler. (5xx bodies are
left out: discord.py retries them for half a minute before giving up.)"""
from __future__ import annotations

import asyncio
import logging

import pytest

from bot.adapters.discord.service import sync_commands
from bot.errors import UserError
from bot.models import Invocation
from tests.fakes.discord_payloads import MODERATOR_ID, bot_answer, member, message_command, slash, user_message
from tests.fakes.fake_discord import APP_ID, CHANNEL_ID, MOD_ROLE

QUESTION = "What does the Google PhD fellowship give you?"
BODIES = {
    "html-403": ("<html><body><h1>403 Forbidden</h1>" + "<p>cloudflare</p>" * 200 + "</body></html>", 403, "text/html"),
    "invalid-json": ("{not json", 400, "application/json"),
    "empty-json": ("", 404, "application/json"),
    "message-null": ('{"message": null, "code": 50013}', 403, "application/json"),
    "errors-not-an-object": ('{"message": "Invalid Form Body", "code": 50035, "errors": "bad"}', 400,
                             "application/json"),
    "message-not-text": ('{"message": 5, "errors": {"content": {"_errors": [{"code": "X"}]}}}', 400,
                         "application/json"),
    "json-array": ("[1, 2]", 400, "application/json"),
}


def short_lines(caplog) -> list[str]:
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert all(len(line) < 600 and "\n" not in line for line in lines), lines
    return lines


@pytest.mark.parametrize("shape", BODIES)
async def test_a_failed_reply_to_a_mention_still_falls_back_to_a_plain_message(bot, fake, caplog, shape):
    fake.fail_next("POST", rf"/channels/{CHANNEL_ID}/messages", BODIES[shape][1], BODIES[shape][0], BODIES[shape][2])
    with caplog.at_level(logging.WARNING, logger="bot"):
        await fake.dispatch("MESSAGE_CREATE", user_message(f"<@{bot.user.id}> {QUESTION}", mentions_bot=True))
        plain = await fake.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages", count=2)
    assert "message_reference" not in plain.body and "Google" in str(plain.body["embeds"])
    assert any("sending to the channel instead" in line for line in short_lines(caplog))


@pytest.mark.parametrize("shape", BODIES)
async def test_a_failed_follow_up_is_one_logged_line(bot, fake, error_log, caplog, shape):
    error_log.expect("could not send the reply to interaction")
    event = slash("ask", question=QUESTION)
    fake.fail_next("POST", rf"/webhooks/{APP_ID}/tok-{event['id']}", BODIES[shape][1], BODIES[shape][0],
                   BODIES[shape][2])
    with caplog.at_level(logging.WARNING, logger="bot"):
        await fake.dispatch("INTERACTION_CREATE", event)
        await fake.wait_for_request("POST", rf"/webhooks/{APP_ID}/tok-{event['id']}")
        await _until(lambda: error_log.matching("could not send the reply"))
    short_lines(caplog)


@pytest.mark.parametrize("shape", ["html-403", "invalid-json", "message-null"])
async def test_a_failed_acknowledgement_is_one_logged_line(bot, fake, error_log, shape):
    error_log.expect("could not acknowledge interaction")
    event = slash("ask", question=QUESTION)
    fake.fail_next("POST", rf"/interactions/{event['id']}/tok-{event['id']}/callback", BODIES[shape][1],
                   BODIES[shape][0], BODIES[shape][2])
    await fake.dispatch("INTERACTION_CREATE", event)
    await _until(lambda: error_log.matching("could not acknowledge interaction"))
    assert not fake.find("POST", rf"/webhooks/{APP_ID}/tok-{event['id']}")   # nothing to follow up


@pytest.mark.parametrize("shape", ["invalid-json", "errors-not-an-object", "empty-json"])
async def test_a_failed_message_pin_still_stores_the_pin_and_says_so(bot, fake, core, error_log, shape):
    error_log.expect("pin stored but pinning message")
    answer = core.handle(Invocation(platform="discord", user_id="42", user_name="t", channel_id=str(CHANNEL_ID),
                                    command="ask", text=QUESTION))
    target = bot_answer(answer.answer_id)
    fake.fail_next("PUT", rf"/channels/{CHANNEL_ID}/messages/pins/{target['id']}", BODIES[shape][1],
                   BODIES[shape][0], BODIES[shape][2])
    event = message_command("Pin as answer", target, user=member(MODERATOR_ID, roles=[MOD_ROLE]))
    await fake.dispatch("INTERACTION_CREATE", event)
    follow = await fake.wait_for_request("POST", rf"/webhooks/{APP_ID}/tok-{event['id']}")
    assert "Pinned #1" in follow.body["content"] and "couldn't pin the message" in follow.body["content"]


@pytest.mark.parametrize("shape", ["html-403", "invalid-json", "message-null"])
async def test_a_login_against_a_broken_api_is_one_clear_line(fake, core, shape):
    from bot.adapters.discord.service import build_client
    fake.fail_next("GET", r"/users/@me", BODIES[shape][1], BODIES[shape][0], BODIES[shape][2])
    with pytest.raises(UserError, match="Discord login failed") as raised:
        await sync_commands(build_client(core), "fake-token-for-tests")
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 300


async def _until(condition, timeout: float = 5.0) -> None:
    """Wait for a log record (the fake records requests, not what the bot logged after them)."""
    async def wait():
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(wait(), timeout)
