"""What users type, cleaned the same way for every platform."""
from __future__ import annotations

import pytest

from bot.core.inputs import MAX_QUESTION_CHARS, clean_question
from bot.errors import UserError


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
