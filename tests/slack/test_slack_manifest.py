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


# ---- one source for both manifests, and the command prefix -------------------------------

import dataclasses  # noqa: E402

from bot.adapters.slack.manifest import PLACEHOLDER_URL, app_manifest, manifest_json  # noqa: E402
from bot.app.cli import main  # noqa: E402
from tests.fakes.slack_app import start_http_app  # noqa: E402


def test_the_checked_in_manifests_are_the_generated_ones():
    assert (REPO / "slack" / "manifest.json").read_text(encoding="utf-8") == manifest_json()
    assert (REPO / "slack" / "manifest-http.json").read_text(encoding="utf-8") == \
        manifest_json(request_url=PLACEHOLDER_URL), "regenerate: python -m bot slack-manifest --http URL"


def test_the_http_manifest_sends_everything_to_the_request_url():
    url = "https://bot.example.org/slack/events"
    manifest = app_manifest(request_url=url)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == settings["interactivity"]["request_url"] == url
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {url}
    socket = app_manifest()
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["interactivity"]
    assert all("url" not in c for c in socket["features"]["slash_commands"])
    # Apart from where requests go, the two are the same app.
    assert socket["oauth_config"] == manifest["oauth_config"]
    assert socket["features"]["shortcuts"] == manifest["features"]["shortcuts"]


def test_the_manifest_follows_the_command_prefix(monkeypatch, capsys):
    monkeypatch.setenv("SLACK_COMMAND_PREFIX", "pod-")
    assert main(["slack-manifest"], dotenv=None, setup_logging=lambda **kw: None) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [f"/pod-{c.name}" for c in COMMANDS]
    assert "/pod-ask" in manifest["display_information"]["long_description"]


async def test_a_prefixed_app_answers_its_own_names_and_says_them_in_help(settings, core, fake_slack):
    app = await start_http_app(dataclasses.replace(settings, slack_command_prefix="pod-"), core)
    try:
        sent = await app.http.command("/pod-ask", "How do I join Omdena?", fake_slack.response_url("a"))
        assert sent.status == 200
        answer = await fake_slack.wait_for(lambda f: [c for c in f.of("response_url") if c.path == "a"])
        assert "youtube.com" in json.dumps(answer[0].params)
        await app.http.command("/pod-help", "", fake_slack.response_url("h"))
        [help_reply] = await fake_slack.wait_for(lambda f: [c for c in f.of("response_url") if c.path == "h"])
        text = help_reply.params["text"]
        assert "/pod-ask" in text and "/pod-pins" in text and "/ask " not in text.replace("/pod-ask ", "")
        unprefixed = await app.http.command("/ask", "How do I join Omdena?", fake_slack.response_url("x"))
        assert unprefixed.status == 404   # Bolt has no listener for a name the workspace doesn't have
    finally:
        await app.stop()
