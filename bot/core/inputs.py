"""Cleaning what users type: unreadable text, control characters, chat mentions, Slack
link markup, length.

Pure functions; the same rules for Slack, Discord, the console and the command line.
Length is checked twice: the message as received, before any work on it (a chat message
can be megabytes), and the question as the bot reads it, after Unicode compatibility
normalisation (one character such as U+3389 reads as four, "kcal").
"""
from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError

MAX_QUESTION_CHARS = 500
MAX_MESSAGE_CHARS = 4 * MAX_QUESTION_CHARS  # as received: mentions and link markup still in

UNREADABLE = ("I can't read that: part of it is not valid text (broken UTF-8 or a lone surrogate). "
              "Please type it again.")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Slack: <@U123>, <@U123|name>, <#C123|general>, <!here>, <!subteam^S1|@team>;
# Discord: <@123>, <@!123>, <#123>, <@&123>; both: @everyone, @here.
_MENTION = re.compile(r"<[@#!][^<>\s]*(?:\|[^<>]*)?>|@(?:everyone|here)\b", re.I)
# Slack wraps links: <https://x.y/z> or <https://x.y/z|label>.
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^<>|\s]+)(?:\|[^<>]*)?>")


def require_readable(*texts: str | None) -> None:
    """A UserError when a text holds a lone surrogate (invalid UTF-8 read with
    surrogateescape, or a "\\ud800" escape in a platform's JSON): no encoding can store,
    log or send it, so it would fail later, deep in the database or a platform client."""
    for text in texts:
        if isinstance(text, str) and _SURROGATE.search(text):
            raise UserError(UNREADABLE)


def check_received(*texts: str | None) -> None:
    """Every text of a message as it arrived: a UserError when one is too long to read
    (checked first, before any work on it) or unreadable."""
    for text in texts:
        if isinstance(text, str) and len(text) > MAX_MESSAGE_CHARS:
            raise _too_long("message", len(text))
    require_readable(*texts)


def strip_control(text: str) -> str:
    """Control and format characters become spaces (a tab or newline is a word break)."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def unwrap_links(text: str) -> str:
    return _SLACK_LINK.sub(r"\1", text)


def strip_mentions(text: str) -> str:
    return _MENTION.sub(" ", text)


def tidy(text: str) -> str:
    """One line of text: control characters out, Slack link markup unwrapped, spaces
    collapsed; a UserError for a message too long to read or holding unreadable text."""
    text = text or ""
    check_received(text)
    return " ".join(unwrap_links(strip_control(text)).split())


def clean_question(text: str) -> str:
    """The question as searched and logged; '' when nothing is left to ask."""
    question = " ".join(strip_mentions(tidy(text)).split())
    length = len(unicodedata.normalize("NFKC", question))
    if length > MAX_QUESTION_CHARS:
        raise _too_long("question", length)
    return question


def _too_long(what: str, length: int) -> UserError:
    return UserError(f"That {what} is too long ({length} characters); please keep it under "
                     f"{MAX_QUESTION_CHARS} characters.")


def question_or_usage(text: str, example: str) -> str:
    """`clean_question`, refusing an empty question with a hint of how to ask."""
    question = clean_question(text)
    if not question:
        raise UserError(f"the question is empty: {example}")
    return question
