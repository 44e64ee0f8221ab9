"""Discord sends that fail half-way still end with the user answered: a failed delete of
the public "thinking…" message does not stop the private reply, and a mention whose reply
fails (question deleted, no Read Message History) is answered with a plain message."""
from __future__ import annotations

import logging

from tests.fakes.discord_payloads import followup_of, slash, user_message
from tests.fakes.fake_discord import APP_ID, CHANNEL_ID

UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}
EPHEMERAL = 64



async def test_a_failed_delete_of_the_thinking_message_still_sends_the_reply(bot, fake, caplog):
    event = slash("episode", query="qwertyuiop")   # deferred publicly, answered with a private error
    fake.failures[("DELETE", followup_of(event) + "/messages/@original")] = (404, UNKNOWN_MESSAGE)
    with caplog.at_level(logging.WARNING, logger="bot"):
        await fake.dispatch("INTERACTION_CREATE", event)
        follow = await fake.wait_for_request("POST", followup_of(event))
    assert fake.find("DELETE", followup_of(event) + "/messages/@original")
    assert follow.body.get("flags") == EPHEMERAL and "qwertyuiop" in str(follow.body)
    assert any("could not delete the public 'thinking' message" in r.getMessage() for r in caplog.records)


async def test_a_failed_reply_to_a_mention_falls_back_to_a_plain_message(bot, fake, caplog):
    message = user_message(f"<@{bot.user.id}> What does the Google PhD fellowship give you?", mentions_bot=True)
    fake.fail_next("POST", rf"/channels/{CHANNEL_ID}/messages", 400,
                   {"message": "Invalid Form Body", "code": 50035})   # the question was deleted meanwhile
    with caplog.at_level(logging.WARNING, logger="bot"):
        await fake.dispatch("MESSAGE_CREATE", message)
        plain = await fake.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages", count=2)
    first = fake.find("POST", rf"/channels/{CHANNEL_ID}/messages")[0]
    assert first.body["message_reference"]["message_id"] == int(message["id"])
    assert "message_reference" not in plain.body
    assert plain.body["allowed_mentions"] == {"parse": []}
    assert plain.body["embeds"] and "Google" in str(plain.body["embeds"])
    assert any("sending to the channel instead" in r.getMessage() for r in caplog.records)
