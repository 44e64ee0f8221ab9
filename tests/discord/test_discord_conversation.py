"""Conversations on Discord through discord.py against the fake Discord (issue 15): a
question about a person gets the person card, and a reply to the bot's answer (even
without pinging it) is read as a follow-up of the question that answer was for."""
from __future__ import annotations

import pytest

from bot.app.settings import Settings
from bot.models import Invocation
from tests.fakes.discord_payloads import bot_answer, followup_of, slash, user_message
from tests.fakes.fake_discord import CHANNEL_ID, MOD_ROLE
from tests.fakes.knowledge import write_conversation_archive


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(semantic=False, knowledge=(write_conversation_archive(tmp_path / "archive"),), data_dir=tmp_path / "data",
                    discord_moderator_roles=(str(MOD_ROLE),))


async def test_who_is_gets_the_person_card(bot, fake):
    event = slash("ask", question="who is ada lovelace?")
    await fake.dispatch("INTERACTION_CREATE", event)
    follow = await fake.wait_for_request("POST", followup_of(event))
    [embed] = follow.body["embeds"]
    assert embed["title"] == "Ada Lovelace" and "Analytical Engines" in embed["description"]
    field = embed["fields"][0]
    assert field["name"] == "Guest of 2 episodes" and "Feature Stores in Production" in field["value"]
    assert follow.body["allowed_mentions"] == {"parse": []}


async def test_a_reply_to_the_bots_answer_is_a_follow_up(bot, fake, core):
    first = core.handle(Invocation(platform="discord", user_id="42", user_name="ana", channel_id=str(CHANNEL_ID),
                                   command="ask", text="when does a team need a feature store?"))
    answer_message = bot_answer(first.answer_id)
    reply = user_message("and how do you keep them fresh?")  # a reply that does not ping the bot
    reply.update(type=19, referenced_message=answer_message,
                 message_reference={"message_id": answer_message["id"], "channel_id": str(CHANNEL_ID)})
    await fake.dispatch("MESSAGE_CREATE", reply)
    sent = await fake.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages")
    embed = sent.body["embeds"][0]
    assert "recompute the streaming features" in embed["description"]
    assert any("Following up on" in f["value"] for f in embed["fields"] if f["name"] == "Note")
    assert sent.body["message_reference"]["message_id"] == int(reply["id"])
