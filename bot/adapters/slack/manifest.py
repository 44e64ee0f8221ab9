"""The Slack app manifest, built from the command table: Socket Mode (no public URL) or
HTTP mode (Slack posts to a request URL), with the workspace's command prefix.

`python -m bot slack-manifest [--http URL]` prints it for the running settings; the two
checked-in files, `slack/manifest.json` (Socket Mode) and `slack/manifest-http.json`
(HTTP, with a placeholder URL), are this module's output without a prefix, and a test
keeps them so. Needs no Slack SDK.
"""
from __future__ import annotations

import json

from bot.command_table import COMMANDS

from bot.adapters.slack.command_names import slack_commands

PLACEHOLDER_URL = "https://YOUR-HOST/slack/events"
PIN_SHORTCUT = "pin_as_answer"       # callback_id of the message shortcut
BOT_EVENTS = ("app_mention", "message.im")
BOT_SCOPES = (
    "app_mentions:read",   # mentions in channels
    "chat:write",          # answers
    "chat:write.public",   # announcements in a channel the bot was not invited to
    "channels:history",    # a question taken over after a crash: did the bot already answer
    "groups:history",      # in that thread? (public and private channels)
    "commands",            # slash commands and the shortcut
    "im:history",          # direct messages
    "users:read",          # is this member a workspace admin (a moderator)?
    "usergroups:read",     # ... or in SLACK_MODERATOR_GROUP?
)
DISPLAY = {
    "name": "Podcast Answers",
    "description": "Answers questions by quoting the exact moment of a podcast episode",
    "long_description": "Ask with /ask, mention the bot in a channel, or send it a direct message: it replies "
                        "with the transcript quote that answers your question, who said it, the episode and "
                        "chapter, and a link that starts the video at that second. Moderators can pin curated "
                        "answers.",
    "background_color": "#1f2937",
}


def app_manifest(prefix: str = "", request_url: str | None = None) -> dict:
    """The manifest for Socket Mode, or for HTTP mode when `request_url` is given."""
    display = dict(DISPLAY, long_description=DISPLAY["long_description"].replace("/ask", f"/{prefix}ask"))
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": display,
        "features": {
            "app_home": {"home_tab_enabled": False, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": "podcast-answers", "always_online": True},
            "shortcuts": [{"name": "Pin as answer", "type": "message", "callback_id": PIN_SHORTCUT,
                           "description": "Moderators: pin this bot answer for the question it answered"}],
            "slash_commands": [_command(name, spec, request_url)
                               for name, spec in zip(slack_commands(prefix), COMMANDS)],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": _settings(request_url),
    }


def manifest_json(prefix: str = "", request_url: str | None = None) -> str:
    return json.dumps(app_manifest(prefix, request_url), indent=2, ensure_ascii=False) + "\n"


def _command(name: str, spec, request_url: str | None) -> dict:
    command = {"command": name, "description": spec.description}
    if request_url:
        command["url"] = request_url
    if spec.usage:
        command["usage_hint"] = spec.usage
    command["should_escape"] = False
    return command


def _settings(request_url: str | None) -> dict:
    events: dict = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict = {"is_enabled": True}
    if request_url:
        events = {"request_url": request_url, **events}
        interactivity["request_url"] = request_url
    return {"event_subscriptions": events, "interactivity": interactivity, "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None, "token_rotation_enabled": False}
