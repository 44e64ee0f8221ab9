"""The Block Kit renderer alone: pure functions, no fakes."""
from __future__ import annotations

import pytest

from bot import models
from bot.adapters.slack.render import SHARE, autolink, escape, link, render, trim
from bot.adapters.slack.handlers import answer_id_of
from bot.models import ChapterLink, EpisodeCard, Moment, Reply
from tests.slack.slack_checks import assert_inert, assert_within_limits, linked_urls

URL = "https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=2932s"


def moment(text: str, start: int = 2932, speaker: str = "Sara") -> Moment:
    return Moment(text=text, speaker=speaker, doc_id="ep", title="Open Source & Volunteering", code="s17e07",
                  chapter="Finding projects", start=start, url=URL)


def answer(text: str, **kwargs) -> Reply:
    return Reply(kind=models.ANSWER, text=text, answer=moment(text), answer_id="a1b2", **kwargs)


def test_escape_makes_mentions_broadcasts_and_links_inert():
    hostile = "<!channel> <!here> <@U123> <!subteam^S1|@mods> <#C1|general> <http://evil.example|docs> @everyone"
    escaped = escape(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert "&lt;!channel&gt;" in escaped and "@\u200beveryone" in escaped
    assert escape("a & b") == "a &amp; b"


def test_answer_has_quote_speaker_episode_chapter_watch_link_and_buttons():
    reply = answer("Start small. Pick a project you care about.",
                   alternatives=(moment("Another good moment.", 100, "Alexey"),))
    message = render(reply, question="How do I start?", shareable=True)
    section = message.blocks[1]
    assert section["block_id"] == "answer:a1b2"
    body = section["text"]["text"]
    assert "*Sara*" in body and ">Start small." in body
    assert "_Open Source &amp; Volunteering_" in body and "s17e07" in body and "chapter: Finding projects" in body
    assert f"<{URL.replace('&', '&amp;')}|▶ watch from 48:52>" in body
    small_print = message.blocks[2]
    assert small_print["type"] == "context" and "Next best moments" in small_print["elements"][0]["text"]
    actions = message.blocks[-1]["elements"]
    assert [a["action_id"] for a in actions][-1] == SHARE and all(a["value"] == "a1b2" for a in actions)
    assert message.as_kwargs()["unfurl_links"] is False and message.as_kwargs()["unfurl_media"] is False
    assert "Sara: Start small." in message.text
    assert answer_id_of({"blocks": message.blocks}) == "a1b2"


def test_not_shareable_answer_has_no_share_button():
    message = render(answer("Quote."), shareable=False)
    assert SHARE not in [e["action_id"] for e in message.blocks[-1]["elements"]]


def test_transcript_and_question_markup_is_inert_everywhere():
    hostile = "Ping <!channel> and <@U123>, see <http://evil.example|the docs> &c."
    reply = answer(hostile, alternatives=(moment(hostile, 10),), notes=("note <!here>",))
    params = render(reply, question="why <!everyone> <@U999>?", shareable=True, shared_by="<@U5>").as_kwargs()
    assert_inert(params)
    assert all("evil.example" not in url for url in linked_urls(params))


def test_trim_cuts_at_a_sentence_end():
    text = "First sentence here. " * 200
    cut = trim(text, 3000)
    assert len(cut) <= 3000 and cut.endswith("here. …")
    assert trim("no sentence end at all " * 300, 100).endswith("…")
    assert not trim("&amp;" * 100, 12).rstrip("…").endswith(("&", "&a", "&am", "&amp"))


def test_a_huge_answer_and_a_huge_episode_card_stay_within_limits():
    long_quote = "This is a sentence about volunteering & <open> source. " * 300
    reply = answer(long_quote, alternatives=tuple(moment(long_quote, i) for i in range(8)),
                   notes=tuple("note " * 500 for _ in range(3)))
    message = render(reply, question="q " * 2000, shareable=True)
    assert_within_limits(message.as_kwargs())
    assert message.blocks[1]["text"]["text"].count("▶ watch from 48:52") == 1   # the link survives the trim
    assert len(message.text) <= 300

    chapters = tuple(ChapterLink(f"Chapter {i} " + "words " * 40, i * 60, URL) for i in range(2000))
    card = EpisodeCard("ep", "T" * 400, "s17e07", ("Sara",), "2024-02-29", URL, "d" * 5000, chapters)
    card_message = render(Reply(kind=models.EPISODE, text="card", episode=card))
    assert_within_limits(card_message.as_kwargs())
    assert len(card_message.blocks) == 50 and "more in the episode page" in str(card_message.blocks[-1])
    assert card_message.blocks[0]["text"]["text"].startswith("s17e07 · TTTT")


def test_error_reply_shows_its_reference():
    message = render(Reply(kind=models.ERROR, text="Something went wrong.", error_ref="AB12CD"))
    assert "AB12CD" in message.blocks[0]["text"]["text"] and "AB12CD" in message.text


def test_bare_urls_become_plain_visible_links_and_hostile_ones_stay_text():
    reply = answer("Apply on https://omdena.com/projects/#our_challenges). Or <http://evil.example|docs>.")
    body = render(reply).blocks[0]["text"]["text"]
    assert "<https://omdena.com/projects/#our_challenges>)." in body
    # The hostile markup is escaped; its URL is at most shown as itself, never behind a label.
    assert "&lt;<http://evil.example>|docs&gt;." in body
    bracketed = render(answer("see <https://x.example/a?b=1&c=2> now")).blocks[0]["text"]["text"]
    assert "&lt;<https://x.example/a?b=1&amp;c=2>&gt; now" in bracketed   # the URL ends before &gt;
    assert all("evil.example" not in url for url in linked_urls(render(reply).as_kwargs()))


@pytest.mark.parametrize("url, label, expected", [
    ("https://ok.example/a|b>c d", "▶ watch", "▶ watch"),                                      # a space: not a link
    ("https://ok.example/a|b>c", "▶ watch", "<https://ok.example/a%7Cb%3Ec|▶ watch>"),
    ("https://ok.example/?a=1&b=2", "x|y>z <!here>", "<https://ok.example/?a=1&amp;b=2|x|y&gt;z &lt;!here&gt;>"),
    ("javascript:alert(1)", "open", "open"),
    ("https://user:pw@evil.example/", "open", "open"),
])
def test_a_labelled_link_holds_one_url_that_passed_weblinks(url, label, expected):
    assert link(url, label) == expected


def test_a_bare_url_in_a_quote_is_linked_only_when_it_is_a_plain_web_link():
    assert autolink(escape("see https://ok.example/a_(b) and https://u:p@evil.example/x.")) == \
        "see <https://ok.example/a_%28b>) and https://u:p@evil.example/x."


@pytest.mark.parametrize("url, footer", [
    ("https://cdn.example.com/ep.mp3#t=1421", "<https://cdn.example.com/ep.mp3#t=1421|▶ listen from 23:41>"),
    ("https://example.com/episodes/7", "at 23:41 · <https://example.com/episodes/7|open>"),
    (None, "at 23:41"),
])
def test_without_a_video_the_answer_links_the_audio_at_the_moment_or_says_the_time(url, footer):
    reply = Reply(kind=models.ANSWER, text="t", answer=Moment(text="Bees like clover.", doc_id="ep", title="Bees",
                                                               start=1421, url=url), answer_id="a1")
    body = render(reply, question="q", shareable=False).blocks[1]["text"]["text"]
    assert body.endswith("\n" + footer)
