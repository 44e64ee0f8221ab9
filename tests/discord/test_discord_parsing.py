"""Pure helpers of the Discord adapter, tested with plain values."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.adapters.discord.commands import pin_text
from bot.adapters.discord.parsing import (answer_id_from_custom_ids, episode_choices, feedback_custom_id,
                                          is_moderator, mention_request, moderator_role_ids, question_hint,
                                          timed_youtube_link, titles_from_knowledge)
from bot.errors import UserError

BOT = 900000000000000002


@pytest.mark.parametrize("content, expected", [
    (f"<@{BOT}> How do I join Omdena?", ("ask", "How do I join Omdena?")),
    (f"<@!{BOT}>   latest", ("latest", "")),
    (f"<@{BOT}> episode s17e07", ("episode", "s17e07")),
    (f"<@{BOT}>", ("help", "")),
    (f"<@{BOT}> pin something | last", ("ask", "pin something | last")),     # moderators use /pin
    (f"hey <@{BOT}> what about <@123456789012345678>?", ("ask", "hey what about <@123456789012345678>?")),
])
def test_mention_request(content, expected):
    assert mention_request(content, BOT) == expected


@pytest.mark.parametrize("text, link", [
    ("see https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=668s.", "https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=668s"),
    ("<https://youtu.be/aHdaIwOEI8Q?t=90>", "https://youtu.be/aHdaIwOEI8Q?t=90"),
    ("(https://youtu.be/aHdaIwOEI8Q?t=1m5s)", "https://youtu.be/aHdaIwOEI8Q?t=1m5s"),
    ("https://www.youtube.com/watch?v=aHdaIwOEI8Q", None),                  # no time: not a moment
    ("https://example.com/watch?v=x&t=5", None),
])
def test_timed_youtube_link(text, link):
    assert timed_youtube_link(text) == link


def test_timed_youtube_link_looks_at_every_text():
    assert timed_youtube_link(None, "", "https://youtu.be/x?t=3") == "https://youtu.be/x?t=3"


def test_question_hint_drops_links_and_mentions():
    assert question_hint("<@123> Good one: https://youtu.be/x?t=3 about Omdena") == "Good one: about Omdena"


def test_feedback_custom_ids_round_trip_and_fit_discord():
    custom_id = feedback_custom_id("0c8b6ac4", helpful=False)
    assert custom_id == "podbot:fb:n:0c8b6ac4" and len(custom_id) <= 100
    assert answer_id_from_custom_ids([None, "other", custom_id]) == "0c8b6ac4"
    assert answer_id_from_custom_ids(["podbot:fb:x:1"]) is None


@pytest.mark.parametrize("manage, ids, configured, expected", [
    (True, [], [], True),
    (False, [555], [], False),
    (False, [555], ["555"], True),
    (False, [555], ["556", " 557 "], False),
])
def test_is_moderator_by_permission_or_role_id(manage, ids, configured, expected):
    assert is_moderator(manage, ids, moderator_role_ids(configured)) is expected


@pytest.mark.parametrize("configured", [["Podcast mods"], ["555", "@mods"], ["<@&555>"]])
def test_moderator_roles_by_name_are_refused(configured):
    # A role name can be taken by anyone who may create or rename roles.
    with pytest.raises(UserError, match="DISCORD_MODERATOR_ROLES takes role ids"):
        moderator_role_ids(configured)


def test_episode_choices_match_codes_and_title_words_within_discords_limits():
    titles = [("Open Source and Volunteering " + "x" * 120, "s17e07"), ("Data Engineering", "s02e01"), ("Notes", None)]
    assert episode_choices(titles, "S17")[0] == (("s17e07 · Open Source and Volunteering " + "x" * 120)[:100], "s17e07")
    assert [v for _, v in episode_choices(titles, "")] == ["s17e07", "s02e01", "Notes"]
    assert episode_choices([("t", f"s01e{i:02d}") for i in range(40)], "") .__len__() == 25


def test_titles_from_knowledge_lists_episodes_newest_first():
    doc = lambda title, kind, s, e: SimpleNamespace(title=title, kind=kind, season=s, episode=e,  # noqa: E731
                                                    code=f"s{s:02d}e{e:02d}" if s else None)
    documents = {"a": doc("Old", "episode", 1, 2), "b": doc("Article", "article", None, None),
                 "c": doc("New", "episode", 17, 7)}
    knowledge = SimpleNamespace(searcher=SimpleNamespace(index=SimpleNamespace(documents=documents)))
    assert titles_from_knowledge(knowledge)() == [("New", "s17e07"), ("Old", "s01e02")]


@pytest.mark.parametrize("question, target, text", [
    ("How do I join?", "s17e07@26:25", "How do I join? | s17e07@26:25"),
    ("How do I join?", None, "How do I join? | last"),
    ("last", None, "last"),
    ("alias 3", "other phrasing", "alias 3 | other phrasing"),
])
def test_pin_text_speaks_the_cores_syntax(question, target, text):
    assert pin_text(question, target) == text
