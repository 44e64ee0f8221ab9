"""Cleaning what users type: control characters, chat mentions, Slack link markup, length.

Pure functions; the same rules for Slack, Discord and the console.
"""
from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError

MAX_QUESTION_CHARS = 500

# Slack: <@U123>, <@U123|name>, <#C123|general>, <!here>, <!subteam^S1|@team>;
# Discord: <@123>, <@!123>, <#123>, <@&123>; both: @everyone, @here.
_MENTION = re.compile(r"<[@#!][^<>\s]*(?:\|[^<>]*)?>|@(?:everyone|here)\b", re.I)
# Slack wraps links: <https://x.y/z> or <https://x.y/z|label>.
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^<>|\s]+)(?:\|[^<>]*)?>")


def strip_control(text: str) -> str:
    """Control and format characters become spaces (a tab or newline is a word break)."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def unwrap_links(text: str) -> str:
    return _SLACK_LINK.sub(r"\1", text)


def strip_mentions(text: str) -> str:
    return _MENTION.sub(" ", text)


def tidy(text: str) -> str:
    """One line of text: control characters out, Slack link markup unwrapped, spaces collapsed."""
    return " ".join(unwrap_links(strip_control(text or "")).split())


def clean_question(text: str) -> str:
    """The question as searched and logged; '' when nothing is left to ask."""
    question = " ".join(strip_mentions(tidy(text)).split())
    if len(question) > MAX_QUESTION_CHARS:
        raise UserError(f"That question is too long ({len(question)} characters); please keep it under "
                        f"{MAX_QUESTION_CHARS} characters.")
    return question


def question_or_usage(text: str, example: str) -> str:
    """`clean_question`, refusing an empty question with a hint of how to ask."""
    question = clean_question(text)
    if not question:
        raise UserError(f"the question is empty: {example}")
    return question
