"""An archive written by an attacker, answered through the real Bolt app over HTTP against
the fake Slack: whatever the bot posts from it (answers, alternatives, cards, suggestions,
mentions, announcements, pinned notes) pings nobody, and its labelled links go only to
YouTube with a valid id and `v`/`t` only; a shown URL is always one plain link."""
from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.adapters.slack.service import announcement_posters
from bot.app.services import slack_config
from bot.ops.announcements import announcement
from bot.weblinks import is_youtube_id, web_url
from tests.fakes.hostile_archive import CODES, EVIL, MARKUP, PERSON_QUESTION, QUESTION, VALID_ID, write_hostile_archive
from tests.fakes.slack_app import KNOWLEDGE, MODERATOR
from tests.fakes.slack_requests import mention_event
from tests.slack.slack_checks import assert_inert, texts_of

LINK = re.compile(r"<(https?://[^|>]*)(\|[^>]*)?>")


@pytest.fixture
def knowledge(tmp_path):
    return (KNOWLEDGE, write_hostile_archive(tmp_path / "hostile"))


def links_of(params: dict) -> list[tuple[str, bool]]:
    """(url, labelled) of every link in a posted message, entities decoded as Slack does."""
    return [(m.group(1).replace("&amp;", "&"), bool(m.group(2))) for t in texts_of(params) for m in LINK.finditer(t)]


def assert_only_youtube_labels(params: dict) -> None:
    assert_inert(params)
    for url, labelled in links_of(params):
        assert web_url(url) == url, url                     # one plain link, nothing smuggled after it
        if labelled:                                        # the only kind that can hide its address
            parts, query = urlsplit(url), parse_qs(urlsplit(url).query)
            assert (parts.netloc, parts.path) == ("www.youtube.com", "/watch") and set(query) <= {"v", "t"}, url
            assert is_youtube_id(query["v"][0]) and len(query["v"]) == 1, url


async def private_reply(slack, fake, command: str, text: str, rid: str, **kwargs) -> dict:
    await slack.command(command, text, fake.response_url(rid), **kwargs)
    return (await fake.wait_for(lambda f: [c.params for c in f.of("response_url") if c.path == rid]))[0]


async def test_an_answer_with_its_alternatives_posts_inert_with_youtube_links_only(slack, fake_slack):
    reply = await private_reply(slack, fake_slack, "/ask", QUESTION, "r1")
    assert_only_youtube_labels(reply)
    assert (f"https://www.youtube.com/watch?v={VALID_ID}&t=10s", True) in links_of(reply)


@pytest.mark.parametrize("text", [*CODES, "quokka"])
async def test_episode_cards_and_suggestions_post_inert(slack, fake_slack, text):
    reply = await private_reply(slack, fake_slack, "/episode", text, "r1")
    assert_only_youtube_labels(reply)
    if text in CODES[1:]:                                   # no valid id declared: no labelled link at all
        assert not [url for url, labelled in links_of(reply) if labelled]


@pytest.mark.parametrize("question", [PERSON_QUESTION, "Which episodes talk about quokkas?",
                                      "How many episodes are there?"])
async def test_cards_about_people_topics_and_the_archive_post_inert(slack, fake_slack, question):
    assert_only_youtube_labels(await private_reply(slack, fake_slack, "/ask", question, "r1"))


async def test_the_newest_episode_posts_inert(slack, fake_slack):
    assert_only_youtube_labels(await private_reply(slack, fake_slack, "/latest", "", "r1"))


async def test_a_mention_is_answered_inert(slack, fake_slack):
    await slack.event(mention_event(f"<@UBOT0001> {QUESTION}", "1700000600.000100"), "EvH1")
    posted = (await fake_slack.wait_for(lambda f: f.of("chat.postMessage")))[0].params
    assert_only_youtube_labels(posted)


async def test_announcements_of_hostile_episodes_post_inert(slack_app, settings, core, fake_slack):
    config = replace(slack_config(settings), announce_channel="CANNOUNCE")
    post = announcement_posters(config, slack_app.service.app)["slack"]
    for doc_id in ("quokka-night-1", "quokka-night-2", "quokka-night-3"):
        await post(announcement(core.knowledge.searcher.index.documents[doc_id]))
    for call in fake_slack.of("chat.postMessage"):
        assert_only_youtube_labels(call.params)
    assert len(fake_slack.of("chat.postMessage")) == 3


async def test_a_pinned_note_links_to_one_plain_url_and_posts_inert(slack, fake_slack):
    note = f"see https://ok.example/notes)[pwn]({EVIL}|label> {MARKUP}"[:500]
    pinned = await private_reply(slack, fake_slack, "/pin", f"Where are the quokka notes? | {note}", "r1",
                                 user_id=MODERATOR)
    assert "Pinned #1" in pinned["text"], pinned["text"]
    answer = await private_reply(slack, fake_slack, "/ask", "Where are the quokka notes?", "r2")
    assert_inert(answer)
    labelled = [url for url, has_label in links_of(answer) if has_label]
    assert labelled == ["https://ok.example/notes%29%5Bpwn%5D%28https://evil.example/pwn%7Clabel"]
    assert_inert(await private_reply(slack, fake_slack, "/pins", "", "r3"))
