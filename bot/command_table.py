"""The one command table every adapter exposes (Slack slash commands, Discord
application commands, the console). A structural test keeps the adapters and the
Slack manifest equal to it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str              # shown in Slack/Discord command pickers (Discord: <= 100 chars)
    usage: str                    # argument hint
    moderator_only: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("ask", "Ask a question; get the podcast moment that answers it", "QUESTION"),
    CommandSpec("latest", "Show the newest podcast episode", ""),
    CommandSpec("episode", "Find an episode by code (s17e07), title words or guest", "QUERY"),
    CommandSpec("pin", "Moderators: pin a curated answer for a question",
                "QUESTION | TARGET  (or: alias PIN_ID | other phrasing)", moderator_only=True),
    CommandSpec("unpin", "Moderators: remove a pinned answer", "PIN_ID", moderator_only=True),
    CommandSpec("pins", "List the pinned answers", ""),
    CommandSpec("help", "How to use the bot", ""),
)

COMMAND_NAMES = frozenset(c.name for c in COMMANDS)


def command(name: str) -> CommandSpec:
    return next(c for c in COMMANDS if c.name == name)
