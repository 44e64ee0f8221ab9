"""The slash command names a Slack workspace sees: the command table's names, after an
optional prefix (SLACK_COMMAND_PREFIX), because plain `/ask` or `/help` collide with
other apps in big workspaces. The app, the handlers and the manifest all take the names
from here, and replies that mention a command name it as the workspace knows it."""
from __future__ import annotations

import re

from bot.command_table import COMMAND_NAMES, COMMANDS

MAX_NAME = 32   # Slack's limit for a slash command, the slash included


def slack_commands(prefix: str = "") -> tuple[str, ...]:
    """`/ask`, ... or `/pod-ask`, ... in the command table's order."""
    names = tuple(f"/{prefix}{c.name}" for c in COMMANDS)
    too_long = [n for n in names if len(n) > MAX_NAME]
    if too_long:
        raise ValueError(f"Slack command names are at most {MAX_NAME} characters: {too_long[0]}")
    return names


def command_of(slash: str, prefix: str = "") -> str:
    """The command table's name for what Slack sent (`/pod-ask` -> `ask`)."""
    return slash.lstrip("/").removeprefix(prefix)


_MENTIONED = re.compile(r"(?<![\w/])/(" + "|".join(sorted(COMMAND_NAMES, key=len, reverse=True)) + r")\b")


def with_prefix(text: str, prefix: str) -> str:
    """Help and usage text naming `/pin` as `/pod-pin` when the workspace's commands have a prefix."""
    return _MENTIONED.sub(lambda m: f"/{prefix}{m.group(1)}", text) if prefix else text
