"""Settings from the environment (and an optional `.env`), read and checked once by the
entry point.

Nothing here runs at import time; `Settings.from_env()` is called by the entry point,
and only the composition root (`bot/app/`) reads settings: everything else is handed the
values it needs. Every setting is checked here, so a typo stops the start with one line
per bad setting, naming it and the form it takes, instead of surfacing later as a wrong
moderator or a crash mid-answer. Secrets are kept out of `repr` and out of messages.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bot.errors import UserError
from bot.ratelimit import DEFAULT_PER_MINUTE
from bot.store import POSTGRES_SCHEMES

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    knowledge: tuple[Path, ...] = (DEFAULT_KNOWLEDGE,)  # as configured; synced archives join at open time
    data_dir: Path = Path("data")
    database_url: str = field(default="", repr=False)   # empty: SQLite in the data folder
    rate_limit_per_minute: int = DEFAULT_PER_MINUTE
    slack_bot_token: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_api_url: str = "https://slack.com/api/"
    slack_moderators: tuple[str, ...] = ()
    slack_moderator_group: str = ""
    slack_retry_grace_seconds: int = 30
    slack_command_prefix: str = ""  # "pod-" makes /pod-ask, /pod-help ...
    discord_token: str = field(default="", repr=False)
    discord_moderator_roles: tuple[str, ...] = ()
    reload_seconds: int = 30
    semantic: bool = True         # the semantic layer, when its model is installed
    embedding_model: str = ""     # an ONNX file instead of the packaged all-MiniLM-L6-v2
    slack_announce_channel: str = ""
    discord_announce_channel: str = ""
    metrics_port: int = 0           # /metrics on its own port (Discord, Slack Socket Mode); 0: none

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, knowledge: list[str] | None = None) -> "Settings":
        """The settings, or one UserError naming every bad setting and its expected form."""
        env = dict(os.environ if environ is None else environ)
        folders = knowledge or _path_list(env.get("BOT_KNOWLEDGE", ""))
        readers: dict[str, Callable[[], object]] = {
            "knowledge": lambda: tuple(Path(f) for f in folders) or (DEFAULT_KNOWLEDGE,),
            "reload_seconds": lambda: _int(env, "BOT_RELOAD_SECONDS", 30, "seconds between knowledge checks"),
            "slack_announce_channel": lambda: _slack_id(env, "SLACK_ANNOUNCE_CHANNEL", "CG", "channel id"),
            "discord_announce_channel": lambda: _snowflake(env, "DISCORD_ANNOUNCE_CHANNEL", "channel id"),
            "data_dir": lambda: Path(env.get("BOT_DATA_DIR") or "data"),
            "database_url": lambda: _database_url(env.get("BOT_DATABASE_URL", "").strip()),
            "rate_limit_per_minute": lambda: _int(env, "BOT_RATE_LIMIT", DEFAULT_PER_MINUTE,
                                                  "questions per member per minute"),
            "slack_bot_token": lambda: env.get("SLACK_BOT_TOKEN", "").strip(),
            "slack_app_token": lambda: env.get("SLACK_APP_TOKEN", "").strip(),
            "slack_signing_secret": lambda: env.get("SLACK_SIGNING_SECRET", "").strip(),
            "slack_api_url": lambda: _url(env, "SLACK_API_URL", "https://slack.com/api/"),
            "slack_moderators": lambda: _slack_ids(env, "SLACK_MODERATORS", "UW", "user ids"),
            "slack_moderator_group": lambda: _slack_id(env, "SLACK_MODERATOR_GROUP", "S", "user group id"),
            "slack_retry_grace_seconds": lambda: _int(env, "SLACK_RETRY_GRACE_SECONDS", 30,
                                                      "seconds before an unanswered claim may be taken over"),
            "slack_command_prefix": lambda: _command_prefix(env),
            "discord_token": lambda: env.get("DISCORD_TOKEN", "").strip(),
            "discord_moderator_roles": lambda: _snowflakes(env, "DISCORD_MODERATOR_ROLES", "role ids"),
            "metrics_port": lambda: _int(env, "BOT_METRICS_PORT", 0, "a TCP port (0: no metrics port)", 65535),
            "semantic": lambda: _on_off(env, "BOT_SEMANTIC"),
            "embedding_model": lambda: env.get("BOT_EMBEDDING_MODEL", "").strip(),
        }
        values, problems = {}, []
        for name, read in readers.items():
            try:
                values[name] = read()
            except UserError as exc:
                problems.append(str(exc))
        problems += _log_problems(env)
        if len(problems) == 1:
            raise UserError(f"{problems[0]} (see .env.example)")
        if problems:
            raise UserError("invalid settings (see .env.example):\n  " + "\n  ".join(problems))
        return cls(**values)

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    def require(self, *names: str) -> None:
        """Fail with one clear line when a platform's secrets are missing."""
        missing = [n for n in names if not getattr(self, n.lower())]
        if missing:
            raise UserError(f"missing setting(s): {', '.join(missing)} (see .env.example)")


def log_options(env) -> tuple[str, bool]:
    """(level, as_json) from BOT_LOG_LEVEL and BOT_LOG_JSON: read before Settings, which
    may log; a bad value means the default here and an error from `Settings.from_env`."""
    level = (env.get("BOT_LOG_LEVEL") or "INFO").strip().upper()
    return (level if level in LOG_LEVELS else "INFO"), env.get("BOT_LOG_JSON", "").strip().lower() in _TRUE


def load_dotenv(path: Path = Path(".env"), environ: dict | None = None) -> None:
    """Variables from a `.env` file, read by python-dotenv (comments, quotes, `export`,
    escapes, as every Python tool reads them); the real environment wins."""
    from dotenv import dotenv_values

    target = os.environ if environ is None else environ
    if not path.is_file():
        return
    values = dotenv_values(path)   # ${VAR} expands as in docker compose, which reads the same file
    for key, value in values.items():
        if value is not None:   # a bare `KEY` line sets nothing
            target.setdefault(key, value)


def _path_list(value: str) -> list[str]:
    return [p for p in value.split(os.pathsep) if p.strip()]


def _shown(value: str) -> str:
    """A bad (non-secret) value as the message quotes it: short and printable."""
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _on_off(env: dict, name: str, default: bool = True) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "1", "true", "yes"):
        return True
    if raw in ("off", "0", "false", "no"):
        return False
    raise UserError(f"{name} must be on or off, e.g. {name}=off; got {_shown(raw)}")


def _int(env: dict, name: str, default: int, meaning: str = "", maximum: int | None = None) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]+", raw) or (maximum is not None and int(raw) > maximum):
        upper = f" up to {maximum}" if maximum is not None else ""
        raise UserError(f"{name} must be a whole number, 0 or more{upper}"
                        f"{f' ({meaning})' if meaning else ''}, e.g. {name}={default}; got {_shown(raw)}")
    return int(raw)


def _url(env: dict, name: str, default: str) -> str:
    raw = (env.get(name) or "").strip() or default
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", raw):
        raise UserError(f"{name} must be an http:// or https:// URL, e.g. {name}={default}; got {_shown(raw)}")
    return raw if raw.endswith("/") else raw + "/"   # slack_sdk drops a last segment without it


def _database_url(url: str) -> str:
    if url and not url.startswith(POSTGRES_SCHEMES):
        raise UserError("BOT_DATABASE_URL must be a postgresql:// URL (or empty: SQLite in the data folder)")
    return url


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _slack_ids(env: dict, name: str, first_letters: str, what: str) -> tuple[str, ...]:
    ids = _csv(env.get(name, ""))
    bad = [i for i in ids if not re.fullmatch(rf"[{first_letters}][A-Z0-9]+", i)]
    if bad:
        starts = " or ".join(first_letters)
        raise UserError(f"{name} takes Slack {what} separated by commas (each starting with {starts}, "
                        f"like {first_letters[0]}0123ABCD); got {_shown(bad[0])}")
    return ids


def _slack_id(env: dict, name: str, first_letters: str, what: str) -> str:
    ids = _slack_ids(env, name, first_letters, what + "s")
    if len(ids) > 1:
        raise UserError(f"{name} takes one Slack {what}; got {len(ids)}")
    return ids[0] if ids else ""


def _snowflakes(env: dict, name: str, what: str) -> tuple[str, ...]:
    ids = _csv(env.get(name, ""))
    bad = [i for i in ids if not re.fullmatch(r"[0-9]{5,20}", i)]
    if bad:
        raise UserError(f"{name} takes Discord {what} (digits, separated by commas; Developer Mode > "
                        f"right-click > Copy ID), not names; got {_shown(bad[0])}")
    return ids


def _snowflake(env: dict, name: str, what: str) -> str:
    ids = _snowflakes(env, name, what + "s")
    if len(ids) > 1:
        raise UserError(f"{name} takes one Discord {what}; got {len(ids)}")
    return ids[0] if ids else ""


def _command_prefix(env: dict) -> str:
    raw = (env.get("SLACK_COMMAND_PREFIX") or "").strip()
    if not re.fullmatch(r"[a-z0-9_-]{0,20}", raw):
        raise UserError("SLACK_COMMAND_PREFIX must be up to 20 lowercase letters, digits, '-' or '_' "
                        f"(e.g. SLACK_COMMAND_PREFIX=pod- for /pod-ask); got {_shown(raw)}")
    return raw


def _log_problems(env: dict) -> list[str]:
    problems = []
    level = (env.get("BOT_LOG_LEVEL") or "").strip()
    if level and level.upper() not in LOG_LEVELS:
        problems.append(f"BOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}; got {_shown(level)}")
    as_json = (env.get("BOT_LOG_JSON") or "").strip()
    if as_json.lower() not in _TRUE + _FALSE:
        problems.append(f"BOT_LOG_JSON must be 1 (JSON lines) or 0 (plain lines); got {_shown(as_json)}")
    return problems
