"""What users type, cleaned the same way for every platform."""
from __future__ import annotations

import pytest

from bot.core.inputs import MAX_MESSAGE_CHARS, MAX_QUESTION_CHARS, UNREADABLE, clean_question, tidy
from bot.errors import UserError
from tests.fakes.memory import peak_mb


@pytest.mark.parametrize("raw", [
    "<@U123> how do I join Omdena?", "<@U123|alex> how do I join Omdena?",
    "how do I join <#C123|general> Omdena?", "<!subteam^S1|@mods> <!here> how do I join Omdena?",
    "<@123> how do I join Omdena?", "<@!123> <@&456> how do I join <#789> Omdena?",
    "@everyone @here how do I join Omdena?",
])
def test_mentions_are_ignored(raw):
    assert clean_question(raw) == "how do I join Omdena?"


def test_control_characters_are_stripped():
    assert clean_question("how do\x00 I\x1b[31m join\u200b Omdena\x07?") == "how do I [31m join Omdena ?"


def test_only_mentions_is_empty():
    assert clean_question("<@U1> @here \n\t") == ""


def test_too_long_is_a_clear_error():
    clean_question("x" * MAX_QUESTION_CHARS)
    with pytest.raises(UserError, match=r"501 characters.*under 500"):
        clean_question("x" * (MAX_QUESTION_CHARS + 1))


def test_length_counts_characters_as_the_bot_reads_them():
    clean_question("\u3389" * 125)  # U+3389 reads "kcal": 500 characters
    with pytest.raises(UserError, match=r"504 characters.*under 500"):
        clean_question("\u3389" * 126)


def test_a_huge_message_is_refused_before_any_work_on_it():
    huge = "x" * 1_000_000

    def refuse():
        with pytest.raises(UserError, match="1000000 characters"):
            clean_question(huge)
    assert peak_mb(refuse) < 0.5  # no per-character copies of 1 MB
    clean_question(" <@U123456789> " * (MAX_MESSAGE_CHARS // 16))  # mentions count only before cleaning


@pytest.mark.parametrize("raw", ["how do I join \ud800 Omdena?", "\udcff", "pin \udfff | s17e07@26:25"])
def test_unreadable_text_is_refused_with_a_short_reply(raw):
    with pytest.raises(UserError) as refused:
        tidy(raw)
    assert str(refused.value) == UNREADABLE
    with pytest.raises(UserError, match="can't read that"):
        clean_question(raw)


def test_emoji_rtl_and_combining_marks_are_readable():
    text = "\U0001F600 \u0645\u0631\u062d\u0628\u0627 e\u0301"
    assert clean_question(text) == text
