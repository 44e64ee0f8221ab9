"""The /pin text syntax, parsed without lookups."""
from __future__ import annotations

import pytest

from bot.core.targets import (AliasRequest, AnswerRef, MomentRef, NoteRef, PinRequest, YouTubeRef,
                              parse_pin_text, parse_seconds)
from bot.errors import UserError


@pytest.mark.parametrize("text, target", [
    ("Q | ep-1@1585", MomentRef("ep-1", 1585)),
    ("Q | ep-1@26:25", MomentRef("ep-1", 1585)),
    ("Q | ep-1 @ 1:02:03", MomentRef("ep-1", 3723)),
    ("Q | s17e07@26:25", MomentRef("s17e07", 1585)),
    ("Q | https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=1585s", YouTubeRef("aHdaIwOEI8Q", 1585)),
    ("Q | https://youtu.be/aHdaIwOEI8Q?t=90", YouTubeRef("aHdaIwOEI8Q", 90)),
    ("Q | https://youtu.be/aHdaIwOEI8Q?t=1m5s", YouTubeRef("aHdaIwOEI8Q", 65)),
    ("Q | <https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=1h2m3s>", YouTubeRef("aHdaIwOEI8Q", 3723)),  # Slack's link markup
    ("Q | last", AnswerRef(None)),
    ("Q | Apply on <https://omdena.com/projects|their site> with a referral",
     NoteRef("Apply on https://omdena.com/projects with a referral", "https://omdena.com/projects")),
])
def test_pin_targets(text, target):
    assert parse_pin_text(text) == PinRequest("Q", target)


def test_bare_last_pins_the_previous_answer_for_its_own_question():
    assert parse_pin_text("last") == PinRequest(None, AnswerRef(None))


def test_alias():
    assert parse_pin_text("alias #3 | how can I sign up for Omdena") == AliasRequest(3, "how can I sign up for Omdena")


@pytest.mark.parametrize("text, message", [
    ("How do I join Omdena?", "Usage"),
    ("Q | just some words", "don't understand"),
    ("Q | https://youtu.be/aHdaIwOEI8Q", "t="),
    ("Q | https://youtu.be/abc?t=90", "no video id"),
    ("Q | https://www.youtube.com/watch?v=aHdaIwOEI8Q)[pwn](https://evil.example&t=5", "no video id"),
    ("Q | https://www.youtube.com/watch?t=5", "no video id"),
    ("Q | ep@61:99", "not a valid time"),
    ("Q | ep@soon", "not a time"),
    (" | ep@10", "Usage"),
    ("alias 3 | ", "other phrasing"),
    ("Q | see https://x.org " + "y" * 600, "at most"),
])
def test_bad_pin_text_says_what_is_wrong(text, message):
    with pytest.raises(UserError, match=message):
        parse_pin_text(text)


@pytest.mark.parametrize("value, seconds", [("0", 0), ("90s", 90), ("1:30", 90), ("1:00:00", 3600), ("2m", 120)])
def test_seconds(value, seconds):
    assert parse_seconds(value) == seconds


def test_a_note_cannot_ping_anyone():
    request = parse_pin_text("Q | ask <@U1> or @everyone <!here> <@&99> at https://omdena.com")
    assert request.target == NoteRef("ask or at https://omdena.com", "https://omdena.com")


@pytest.mark.parametrize("note, url", [
    ("see https://ok.example/x)[pwn](https://evil.example", "https://ok.example/x%29%5Bpwn%5D%28https://evil.example"),
    ("see https://ok.example/a|b>c here", "https://ok.example/a%7Cb%3Ec"),
])
def test_a_notes_link_is_one_plain_link_whatever_follows_it(note, url):
    assert parse_pin_text(f"Q | {note}").target.url == url


@pytest.mark.parametrize("note", ["log in at https://user:secret@evil.example/",
                                  "see https://ok.example)[pwn](https://evil.example"])
def test_a_note_whose_link_is_not_a_plain_web_link_is_refused(note):
    with pytest.raises(UserError, match="http"):
        parse_pin_text(f"Q | {note}")
