""""Pin as answer", mentions and feedback buttons, end to end against the fake Discord."""
from __future__ import annotations

from tests.fakes.discord_payloads import (MODERATOR_ID, bot_answer, button, followup_of, member, message_command, modal_submit,
                              slash, user_message)
from tests.discord.expectations import best_quote_start
from tests.fakes.fake_discord import APP_ID, CHANNEL_ID, MOD_ROLE, PIN_MESSAGES, THREAD_ID

from bot.models import Invocation

EPHEMERAL = 64
MODERATOR = member(MODERATOR_ID, roles=[MOD_ROLE])



def callback_of(event: dict) -> str:
    return f"/interactions/{event['id']}/tok-{event['id']}/callback"


def ask_core(core, command: str, text: str = "", **extra):
    return core.handle(Invocation(platform="discord", user_id="42", user_name="tester",
                                  channel_id=str(CHANNEL_ID), command=command, text=text, **extra))


async def test_a_moderator_pins_a_bot_answer_from_the_message_menu(bot, fake, core):
    answer = ask_core(core, "ask", "What does the Google PhD fellowship give you?")
    target = bot_answer(answer.answer_id)
    event = message_command("Pin as answer", target, user=MODERATOR)
    await fake.dispatch("INTERACTION_CREATE", event)

    pinned = await fake.wait_for_request("PUT", rf"/channels/{CHANNEL_ID}/messages/pins/{target['id']}")
    follow = await fake.wait_for_request("POST", followup_of(event))
    assert fake.requests.index(pinned) < fake.requests.index(follow)
    assert follow.body["flags"] == EPHEMERAL and follow.body["content"].startswith("Pinned #1")
    assert "Google PhD fellowship" in ask_core(core, "pins").text


async def test_a_moderator_pins_a_youtube_link_message_with_the_question_from_a_modal(bot, fake, core):
    target = user_message("Great answer here https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=668s")
    moderator = member(MODERATOR_ID, permissions=PIN_MESSAGES | (1 << 10))
    event = message_command("Pin as answer", target, user=moderator)
    await fake.dispatch("INTERACTION_CREATE", event)
    modal = await fake.wait_for_request("POST", callback_of(event))
    assert modal.body["type"] == 9 and modal.body["data"]["custom_id"] == f"podbot:pin:{target['id']}"
    field = modal.body["data"]["components"][0]["components"][0]
    assert field["value"] == "Great answer here"                     # the message text as a starting point

    submit = modal_submit(f"podbot:pin:{target['id']}", {field["custom_id"]: "Where can I volunteer on AI projects?"},
                          user=moderator)
    await fake.dispatch("INTERACTION_CREATE", submit)
    await fake.wait_for_request("PUT", rf"/channels/{CHANNEL_ID}/messages/pins/{target['id']}")
    follow = await fake.wait_for_request("POST", followup_of(submit))
    assert follow.body["flags"] == EPHEMERAL and "Pinned #1" in follow.body["content"]
    assert "Where can I volunteer on AI projects?" in ask_core(core, "pins").text


async def test_pin_as_answer_is_refused_for_a_non_moderator(bot, fake, core):
    answer = ask_core(core, "ask", "What does the Google PhD fellowship give you?")
    event = message_command("Pin as answer", bot_answer(answer.answer_id))
    await fake.dispatch("INTERACTION_CREATE", event)
    callback = await fake.wait_for_request("POST", callback_of(event))
    assert callback.body["type"] == 4 and callback.body["data"]["flags"] == EPHEMERAL
    assert "Only moderators" in callback.body["data"]["content"]
    assert not fake.find("PUT", r"/channels/.*/pins/.*")
    assert "No pinned answers yet" in ask_core(core, "pins").text


async def test_a_failed_message_pin_is_logged_and_told(bot, fake, core, error_log):
    error_log.expect("pinning message .* failed: 403")
    answer = ask_core(core, "ask", "What does the Google PhD fellowship give you?")
    target = bot_answer(answer.answer_id)
    fake.failures[("PUT", r"/channels/\d+/messages/pins/\d+")] = (403, {"message": "Missing Permissions", "code": 50013})
    event = message_command("Pin as answer", target, user=MODERATOR)
    await fake.dispatch("INTERACTION_CREATE", event)
    follow = await fake.wait_for_request("POST", followup_of(event))
    assert "couldn't pin the message" in follow.body["content"]
    assert error_log.matching("pinning message")


async def test_a_mention_in_a_thread_gets_a_reply_in_that_thread(bot, fake, core):
    message = user_message(f"<@{bot.user.id}> What does the Google PhD fellowship give you?",
                           channel_id=THREAD_ID, mentions_bot=True)
    await fake.dispatch("MESSAGE_CREATE", message)
    reply = await fake.wait_for_request("POST", rf"/channels/{THREAD_ID}/messages")
    assert reply.body["message_reference"]["message_id"] == int(message["id"])
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert best_quote_start(core, "What does the Google PhD fellowship give you?") in reply.body["embeds"][0]["description"]


async def test_a_message_without_a_mention_is_ignored(bot, fake):
    await fake.dispatch("MESSAGE_CREATE", user_message("just chatting about the Google PhD fellowship"))
    marker = slash("help")                      # anything the bot answers after the first event
    await fake.dispatch("INTERACTION_CREATE", marker)
    await fake.wait_for_request("POST", followup_of(marker))
    assert not fake.find("POST", r"/channels/\d+/messages")


async def test_transcript_text_with_everyone_pings_nobody(bot, fake):
    event = slash("ask", question="What is the secret of kombucha brewing?")
    await fake.dispatch("INTERACTION_CREATE", event)
    follow = await fake.wait_for_request("POST", followup_of(event))
    assert follow.body["allowed_mentions"] == {"parse": []}
    description = follow.body["embeds"][0]["description"]
    assert "@\u200beveryone" in description and "@\u200bhere" in description
    assert "@everyone" not in str(follow.body) and "@here" not in str(follow.body)
    assert r"\*lots\*" in description and r"\[click me\]" in description and r"\*\*bold\*\*" in description

    mention = user_message(f"<@{bot.user.id}> kombucha brewing secret?", mentions_bot=True)
    await fake.dispatch("MESSAGE_CREATE", mention)
    reply = await fake.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert reply.body["allowed_mentions"]["parse"] == []
    assert "@everyone" not in str(reply.body)


async def test_a_helpful_click_reaches_the_cores_feedback(bot, fake, core):
    answer = ask_core(core, "ask", "What does the Google PhD fellowship give you?")
    event = button(f"podbot:fb:y:{answer.answer_id}", bot_answer(answer.answer_id))
    await fake.dispatch("INTERACTION_CREATE", event)
    follow = await fake.wait_for_request("POST", followup_of(event))
    assert follow.body["flags"] == EPHEMERAL and "glad it helped" in follow.body["content"]
    assert core.knowledge is bot.core.knowledge
