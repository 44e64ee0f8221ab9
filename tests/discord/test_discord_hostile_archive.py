"""An archive written by an attacker, answered through the real discord.py client against
the fake Discord: every message the bot sends from it (answers, alternatives, episode
cards, suggestions, announcements, pinned notes, pin lists) renders as plain words, and
its only masked links are the bot's own, to YouTube with a valid id and `v`/`t` only."""
from __future__ import annotations

import pytest

from bot.adapters.discord.service import announcement_posters
from bot.app.settings import DEFAULT_KNOWLEDGE, Settings
from bot.ops.announcements import announcement
from tests.discord.markup_checks import (assert_inert_with_youtube_links_only, markdown_texts, masked_link_urls,
                                         problems)
from tests.fakes.discord_payloads import MODERATOR_ID, member, slash, user_message
from tests.fakes.fake_discord import APP_ID, CHANNEL_ID, MOD_ROLE
from tests.fakes.hostile_archive import CODES, EVIL, MARKUP, PERSON_QUESTION, QUESTION, VALID_ID, write_hostile_archive


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(semantic=False, knowledge=(DEFAULT_KNOWLEDGE, write_hostile_archive(tmp_path / "hostile")),
                    data_dir=tmp_path / "data", discord_moderator_roles=(str(MOD_ROLE),))


async def command(fake, name: str, user: dict | None = None, **options) -> dict:
    event = slash(name, user=user, **options)
    await fake.dispatch("INTERACTION_CREATE", event)
    return (await fake.wait_for_request("POST", rf"/webhooks/{APP_ID}/tok-{event['id']}")).body


async def test_an_answer_with_its_alternatives_renders_inert_and_links_only_to_the_episode(bot, fake):
    body = await command(fake, "ask", question=QUESTION)
    assert_inert_with_youtube_links_only(body)
    embed = body["embeds"][0]
    assert embed["url"] == f"https://www.youtube.com/watch?v={VALID_ID}&t=10s"
    assert "Zanzibar quokkas sleep" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert masked_link_urls(fields["Next best moments"])   # the alternatives are linked too, checked above


@pytest.mark.parametrize("code", CODES)
async def test_an_episode_card_renders_inert_and_an_invalid_id_gives_no_link(bot, fake, code):
    body = await command(fake, "episode", query=code)
    assert_inert_with_youtube_links_only(body)
    links = [u for t in markdown_texts(body) for u in masked_link_urls(t)] + [e["url"] for e in body["embeds"]
                                                                             if e.get("url")]
    assert bool(links) == (code == CODES[0]), links   # s97e02 and s97e03 declare no valid id


@pytest.mark.parametrize("name, options", [("latest", {}), ("episode", {"query": "quokka"})])
async def test_the_newest_episode_and_a_list_of_suggestions_render_inert(bot, fake, name, options):
    body = await command(fake, name, **options)
    assert_inert_with_youtube_links_only(body)


@pytest.mark.parametrize("question", [PERSON_QUESTION, "Which episodes talk about quokkas?",
                                      "How many episodes are there?"])
async def test_cards_about_people_topics_and_the_archive_render_inert(bot, fake, question):
    body = await command(fake, "ask", question=question)
    assert_inert_with_youtube_links_only(body)


async def test_a_mention_is_answered_inert(bot, fake):
    await fake.dispatch("MESSAGE_CREATE", user_message(f"<@{bot.user.id}> {QUESTION}", mentions_bot=True))
    reply = await fake.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert_inert_with_youtube_links_only(reply.body)
    assert reply.body["embeds"]


async def test_announcements_of_hostile_episodes_render_inert(bot, fake, core):
    post = announcement_posters(bot, str(CHANNEL_ID))["discord"]
    documents = core.knowledge.searcher.index.documents
    for count, doc_id in enumerate(("quokka-night-1", "quokka-night-2", "quokka-night-3"), start=1):
        await post(announcement(documents[doc_id]))
        sent = await fake.wait_for_request("POST", rf"/channels/{CHANNEL_ID}/messages", count=count)
        assert_inert_with_youtube_links_only(sent.body)


async def test_a_pinned_note_shows_one_link_to_where_it_says_and_its_words_inert(bot, fake):
    moderator = member(MODERATOR_ID, roles=[MOD_ROLE])
    note = f"see https://ok.example/notes)[pwn]({EVIL} {MARKUP}"[:500]
    pinned = await command(fake, "pin", user=moderator, question="Where are the quokka notes?", target=note)
    assert pinned["content"].startswith("Pinned #1"), pinned
    answer = await command(fake, "ask", question="Where are the quokka notes?")
    assert any(masked_link_urls(text) for text in markdown_texts(answer))
    for text in markdown_texts(answer):
        assert not problems(text), (problems(text), text)
        assert all(url == "https://ok.example/notes%29%5Bpwn%5D%28https://evil.example/pwn"
                   for url in masked_link_urls(text)), text
    listing = await command(fake, "pins")
    assert not problems(listing["content"]) and not masked_link_urls(listing["content"])
