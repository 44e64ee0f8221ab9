"""One command set everywhere: the core's command table, the Discord command tree, the
Slack app's declarations and the Slack app manifest users install."""
from __future__ import annotations

import json
from pathlib import Path

from discord import AppCommandType

from bot.adapters.discord.bot import PodcastBot
from bot.adapters.slack.app import SLACK_COMMANDS
from bot.command_table import COMMAND_NAMES, COMMANDS

ROOT = Path(__file__).resolve().parent.parent
SLACK_MANIFEST = ROOT / "slack" / "manifest.json"


def discord_tree():
    # Declaring the commands needs no token and no network: only the constructor runs.
    return PodcastBot(core=None).tree


def test_the_table_itself_is_well_formed():
    assert len(COMMAND_NAMES) == len(COMMANDS)
    assert all(c.name.islower() and 1 <= len(c.name) <= 32 for c in COMMANDS)
    assert all(1 <= len(c.description) <= 100 for c in COMMANDS)  # Discord's limit


def test_discord_declares_exactly_the_core_commands():
    tree = discord_tree()
    slash = tree.get_commands(type=AppCommandType.chat_input)
    assert {c.name for c in slash} == COMMAND_NAMES
    by_name = {c.name: c for c in COMMANDS}
    assert all(c.description == by_name[c.name].description for c in slash)
    assert [c.name for c in tree.get_commands(type=AppCommandType.message)] == ["Pin as answer"]


def test_slack_declares_exactly_the_core_commands():
    assert {c.lstrip("/") for c in SLACK_COMMANDS} == COMMAND_NAMES
    assert len(SLACK_COMMANDS) == len(set(SLACK_COMMANDS))


def test_the_slack_manifest_declares_exactly_the_core_commands():
    assert SLACK_MANIFEST.is_file(), f"the Slack app manifest is missing: {SLACK_MANIFEST}"
    manifest = json.loads(SLACK_MANIFEST.read_text(encoding="utf-8"))
    declared = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert {c.lstrip("/") for c in declared} == COMMAND_NAMES
    assert len(declared) == len(set(declared))
