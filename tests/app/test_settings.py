"""Settings as an operator writes them: `.env` with comments and quotes, and one clear
error per bad setting, naming it and the form it takes."""
from __future__ import annotations

import pytest

from bot.app.settings import Settings, load_dotenv
from bot.errors import UserError

DOTENV = """\
# Settings of the bot
BOT_RATE_LIMIT=5  # per minute
SLACK_MODERATORS="U1,U2" # mods
SLACK_MODERATOR_GROUP='S0123'   # single quotes
export BOT_RELOAD_SECONDS=12
SLACK_ANNOUNCE_CHANNEL=C0123 #no space before the hash is still a comment after a space
DISCORD_MODERATOR_ROLES="900000000000000030, 900000000000000031"
BOT_DATA_DIR="/srv/bot data"
SLACK_BOT_TOKEN=xoxb-abc#def
JUST_A_NAME
"""


def read(tmp_path, text: str, environ: dict | None = None) -> dict:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    env = dict(environ or {})
    load_dotenv(path, env)
    return env


def test_dotenv_comments_quotes_and_export(tmp_path):
    settings = Settings.from_env(read(tmp_path, DOTENV))
    assert settings.rate_limit_per_minute == 5
    assert settings.slack_moderators == ("U1", "U2")
    assert settings.slack_moderator_group == "S0123"
    assert settings.reload_seconds == 12
    assert settings.slack_announce_channel == "C0123"
    assert settings.discord_moderator_roles == ("900000000000000030", "900000000000000031")
    assert str(settings.data_dir) == "/srv/bot data"
    assert settings.slack_bot_token == "xoxb-abc#def"   # a '#' inside a value is not a comment


def test_the_real_environment_wins_over_dotenv(tmp_path):
    env = read(tmp_path, "BOT_RATE_LIMIT=5\nBOT_RELOAD_SECONDS=9\n", {"BOT_RATE_LIMIT": "7"})
    assert env == {"BOT_RATE_LIMIT": "7", "BOT_RELOAD_SECONDS": "9"}


def test_a_bare_name_sets_nothing_and_no_file_is_no_error(tmp_path):
    assert "JUST_A_NAME" not in read(tmp_path, DOTENV)
    env: dict = {}
    load_dotenv(tmp_path / "missing.env", env)
    assert env == {}


@pytest.mark.parametrize("name, value, expected", [
    ("BOT_RATE_LIMIT", "5 per minute", "BOT_RATE_LIMIT must be a whole number"),
    ("BOT_RELOAD_SECONDS", "-1", "BOT_RELOAD_SECONDS must be a whole number, 0 or more"),
    ("BOT_METRICS_PORT", "70000", "BOT_METRICS_PORT must be a whole number, 0 or more up to 65535"),
    ("SLACK_MODERATORS", "U1,alice", "SLACK_MODERATORS takes Slack user ids"),
    ("SLACK_MODERATOR_GROUP", "mods", "SLACK_MODERATOR_GROUP takes Slack user group ids"),
    ("SLACK_ANNOUNCE_CHANNEL", "#general", "SLACK_ANNOUNCE_CHANNEL takes Slack channel ids"),
    ("SLACK_ANNOUNCE_CHANNEL", "C1,C2", "SLACK_ANNOUNCE_CHANNEL takes one Slack channel id"),
    ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL must be an http:// or https:// URL"),
    ("SLACK_COMMAND_PREFIX", "Pod ", "SLACK_COMMAND_PREFIX must be up to 20 lowercase letters"),
    ("DISCORD_MODERATOR_ROLES", "Podcast mods", "DISCORD_MODERATOR_ROLES takes Discord role ids"),
    ("DISCORD_ANNOUNCE_CHANNEL", "general", "DISCORD_ANNOUNCE_CHANNEL takes Discord channel ids"),
    ("BOT_LOG_LEVEL", "LOUD", "BOT_LOG_LEVEL must be one of DEBUG, INFO"),
    ("BOT_LOG_JSON", "maybe", "BOT_LOG_JSON must be 1"),
])
def test_each_bad_setting_is_named_with_its_form(name, value, expected):
    with pytest.raises(UserError) as caught:
        Settings.from_env({name: value})
    assert expected in str(caught.value)


def test_every_bad_setting_is_reported_at_once_and_no_secret_is_quoted():
    with pytest.raises(UserError) as caught:
        Settings.from_env({"BOT_RATE_LIMIT": "lots", "SLACK_MODERATORS": "alice", "SLACK_BOT_TOKEN": "not-a-token"})
    message = str(caught.value)
    assert "BOT_RATE_LIMIT" in message and "SLACK_MODERATORS" in message and "'lots'" in message
    assert "not-a-token" not in message


def test_defaults_and_a_url_without_its_last_slash():
    settings = Settings.from_env({"SLACK_API_URL": "http://127.0.0.1:8080/api"})
    assert settings.slack_api_url == "http://127.0.0.1:8080/api/"
    assert (settings.rate_limit_per_minute, settings.reload_seconds, settings.metrics_port) == (5, 30, 0)
    assert settings.slack_command_prefix == ""
