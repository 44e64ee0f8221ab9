"""Pure helpers for the Discord adapter: reading mentions, links, answer ids and roles.

No client, no network: each function takes plain values (or duck-typed objects with the
attributes named) so it is tested without fakes.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

from bot.command_table import COMMAND_NAMES
from bot.errors import UserError

# Commands a mention may start with ("@bot latest"); moderator commands stay slash-only
# because a plain message carries no channel permissions to check.
MENTION_COMMANDS = frozenset({"ask", "latest", "episode", "pins", "help"}) & COMMAND_NAMES
FEEDBACK_ID = "podbot:fb:{vote}:{answer_id}"
FEEDBACK_TEMPLATE = r"podbot:fb:(?P<vote>[yn]):(?P<answer_id>\S{1,80})"
MAX_CHOICES = 25            # Discord's limit for autocomplete choices
CHOICE_CHARS = 100          # and for a choice's name and value

_MENTION = re.compile(r"<@!?(\d+)>")
_YOUTUBE = re.compile(r"<?(https?://(?:www\.|m\.|music\.)?(?:youtube\.com/\S+|youtu\.be/\S+))", re.I)
_TIME_PARAM = re.compile(r"[?&#](?:t|start)=(?:\d+h)?(?:\d+m)?\d+s?(?:&|$)")
_URL = re.compile(r"<?https?://\S+>?")


def mention_request(content: str, bot_id: int) -> tuple[str, str]:
    """(command, text) for a message addressed to the bot: '@bot latest' -> ('latest', '')."""
    text = " ".join(_MENTION.sub(lambda m: "" if int(m.group(1)) == bot_id else m.group(0), content).split())
    if not text:
        return "help", ""
    first, _, rest = text.partition(" ")
    word = first.lower().lstrip("/!")
    if word in MENTION_COMMANDS:
        return word, rest.strip()
    return "ask", text


def timed_youtube_link(*texts: str | None) -> str | None:
    """The first YouTube link that starts at a given time (…&t=123s), if any."""
    for text in texts:
        for match in _YOUTUBE.finditer(text or ""):
            url = match.group(1).rstrip(">)].,;!?'\"")
            if _TIME_PARAM.search(url):
                return url
    return None


def question_hint(content: str, limit: int = 300) -> str:
    """A starting point for the question a pinned link answers: the message minus links."""
    words = " ".join(_MENTION.sub("", _URL.sub("", content or "")).split())
    return words[:limit]


def feedback_custom_id(answer_id: str, helpful: bool) -> str:
    return FEEDBACK_ID.format(vote="y" if helpful else "n", answer_id=answer_id)


def answer_id_from_custom_ids(custom_ids: Iterable[str | None]) -> str | None:
    for custom_id in custom_ids:
        match = re.fullmatch(FEEDBACK_TEMPLATE, custom_id or "")
        if match:
            return match.group("answer_id")
    return None


def is_moderator(pin_messages: bool, role_ids: Iterable[int], moderator_roles: Iterable[int]) -> bool:
    """Pin Messages in this channel (the narrow permission Discord split from Manage
    Messages: exactly what pinning answers is about), or one of the configured moderator
    role ids.

    Never by role name: anyone allowed to create or rename a role could take a
    moderator's name (or even the id's digits as a name)."""
    if pin_messages:
        return True
    wanted = set(moderator_roles)
    return bool(wanted) and any(r in wanted for r in role_ids)


def moderator_role_ids(configured: Iterable[str]) -> frozenset[int]:
    """DISCORD_MODERATOR_ROLES as ids; a name is refused at start rather than ignored."""
    ids = set()
    for item in (c.strip() for c in configured):
        if not item:
            continue
        if not item.isdigit():
            raise UserError(f"DISCORD_MODERATOR_ROLES takes role ids, not names (got {item!r}); "
                            "Developer Mode > right-click the role > Copy Role ID")
        ids.add(int(item))
    return frozenset(ids)


def episode_choices(titles: Iterable[tuple[str, str | None]], current: str) -> list[tuple[str, str]]:
    """Autocomplete (name, value) pairs for `/episode`: codes and title words that match."""
    needle = current.strip().lower()
    matches = []
    for title, code in titles:
        label = f"{code} · {title}" if code else title
        if needle and needle not in label.lower():
            continue
        matches.append((label[:CHOICE_CHARS], (code or title)[:CHOICE_CHARS]))
        if len(matches) == MAX_CHOICES:
            break
    return matches


def titles_from_knowledge(knowledge) -> Callable[[], list[tuple[str, str | None]]]:
    """Episode (title, code) pairs, read from the knowledge handle on each call so a live
    reload is seen; used when the core offers no method of its own."""
    def titles() -> list[tuple[str, str | None]]:
        documents = knowledge.searcher.index.documents.values()
        episodes = [d for d in documents if d.kind == "episode"]
        episodes.sort(key=lambda d: (d.season or 0, d.episode or 0), reverse=True)  # newest first
        return [(d.title, d.code) for d in episodes]
    return titles
