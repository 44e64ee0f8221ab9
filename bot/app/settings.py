"""Settings from the environment (and an optional `.env`), read once by the entry point.

Nothing here runs at import time; `Settings.from_env()` is called by the entry point,
and only the composition root (`bot/app/`) reads settings: everything else is handed the
values it needs. Secrets are kept out of `repr` so they can't leak into logs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import UserError
from bot.ratelimit import DEFAULT_PER_MINUTE
from bot.store import POSTGRES_SCHEMES

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


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
    discord_token: str = field(default="", repr=False)
    discord_moderator_roles: tuple[str, ...] = ()
    reload_seconds: int = 30
    semantic: bool = True         # the semantic layer, when its model is installed
    embedding_model: str = ""     # an ONNX file instead of the packaged all-MiniLM-L6-v2
    slack_announce_channel: str = ""
    discord_announce_channel: str = ""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, knowledge: list[str] | None = None) -> "Settings":
        env = dict(os.environ if environ is None else environ)
        folders = knowledge or _path_list(env.get("BOT_KNOWLEDGE", ""))
        return cls(
            knowledge=tuple(Path(f) for f in folders) or (DEFAULT_KNOWLEDGE,),
            reload_seconds=_int(env, "BOT_RELOAD_SECONDS", 30),
            semantic=_on_off(env, "BOT_SEMANTIC"),
            embedding_model=env.get("BOT_EMBEDDING_MODEL", "").strip(),
            slack_announce_channel=env.get("SLACK_ANNOUNCE_CHANNEL", "").strip(),
            discord_announce_channel=env.get("DISCORD_ANNOUNCE_CHANNEL", "").strip(),
            data_dir=Path(env.get("BOT_DATA_DIR") or "data"),
            database_url=_database_url(env.get("BOT_DATABASE_URL", "").strip()),
            rate_limit_per_minute=_int(env, "BOT_RATE_LIMIT", DEFAULT_PER_MINUTE),
            slack_bot_token=env.get("SLACK_BOT_TOKEN", ""),
            slack_app_token=env.get("SLACK_APP_TOKEN", ""),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            slack_api_url=_with_slash(env.get("SLACK_API_URL") or "https://slack.com/api/"),
            slack_moderators=_csv(env.get("SLACK_MODERATORS", "")),
            slack_moderator_group=env.get("SLACK_MODERATOR_GROUP", "").strip(),
            slack_retry_grace_seconds=_int(env, "SLACK_RETRY_GRACE_SECONDS", 30),
            discord_token=env.get("DISCORD_TOKEN", ""),
            discord_moderator_roles=_csv(env.get("DISCORD_MODERATOR_ROLES", "")),
        )

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    def require(self, *names: str) -> None:
        """Fail with one clear line when a platform's secrets are missing."""
        missing = [n for n in names if not getattr(self, n.lower())]
        if missing:
            raise UserError(f"missing setting(s): {', '.join(missing)} (see .env.example)")


def log_options(env) -> tuple[str, bool]:
    """(level, as_json) from BOT_LOG_LEVEL and BOT_LOG_JSON: read before Settings, which may log."""
    return (env.get("BOT_LOG_LEVEL") or "INFO").upper(), env.get("BOT_LOG_JSON", "").lower() in ("1", "true", "yes")


def load_dotenv(path: Path = Path(".env"), environ: dict | None = None) -> None:
    """Minimal `.env` support: KEY=VALUE lines; the real environment wins."""
    target = os.environ if environ is None else environ
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        target.setdefault(key.strip(), value.strip().strip("'\""))


def _path_list(value: str) -> list[str]:
    return [p for p in value.split(os.pathsep) if p.strip()]


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"  # slack_sdk drops a last segment without it


def _database_url(url: str) -> str:
    if url and not url.startswith(POSTGRES_SCHEMES):
        raise UserError("BOT_DATABASE_URL must be a postgresql:// URL (or empty: SQLite in the data folder)")
    return url


def _on_off(env: dict, name: str, default: bool = True) -> bool:
    value = (env.get(name) or "").strip().lower()
    if not value:
        return default
    if value in ("on", "1", "true", "yes"):
        return True
    if value in ("off", "0", "false", "no"):
        return False
    raise UserError(f"{name} must be on or off")


def _int(env: dict, name: str, default: int) -> int:
    try:
        return int(env.get(name) or default)
    except ValueError:
        raise UserError(f"{name} must be a whole number") from None
