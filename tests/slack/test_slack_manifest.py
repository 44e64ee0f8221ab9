"""The checked-in Slack app manifest matches the command table and what the app handles."""
from __future__ import annotations

import json

from bot.adapters.slack.app import PIN_SHORTCUT, SLACK_COMMANDS
from bot.command_table import COMMAND_NAMES, COMMANDS
from tests.fakes.slack_app import REPO

MANIFEST = json.loads((REPO / "slack" / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_commands_equal_the_command_table_and_the_adapter():
    declared = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert sorted(declared) == sorted(f"/{name}" for name in COMMAND_NAMES) == sorted(SLACK_COMMANDS)
    descriptions = {c["command"]: c["description"] for c in MANIFEST["features"]["slash_commands"]}
    assert descriptions == {f"/{c.name}": c.description for c in COMMANDS}


def test_manifest_declares_what_the_app_listens_to_and_calls():
    assert MANIFEST["features"]["shortcuts"][0]["callback_id"] == PIN_SHORTCUT
    assert MANIFEST["features"]["shortcuts"][0]["type"] == "message"
    settings = MANIFEST["settings"]
    assert {"app_mention", "message.im"} <= set(settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # app_mention, slash commands, chat.postMessage/postEphemeral, DMs, users.info, usergroups.users.list
    assert {"app_mentions:read", "commands", "chat:write", "im:history", "users:read", "usergroups:read"} <= scopes
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"]   # members can DM the bot
