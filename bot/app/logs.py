"""Logging for the operator: one line per event on standard output, JSON on request,
secrets masked wherever they would appear. Configured once, by the entry point."""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from urllib.parse import urlsplit

SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN", "PGPASSWORD")
CHATTY_LIBRARIES = ("discord", "slack_bolt", "slack_sdk", "aiohttp", "asyncio", "urllib3")


class SecretMask(logging.Filter):
    """Replaces any configured secret value in a record's final message."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            for secret in self._secrets:
                message = message.replace(secret, "[secret]")
            record.msg, record.args = message, None
        return True


class MaskedStreamHandler(logging.StreamHandler):
    """Masks secrets in the whole formatted event (tracebacks included: an exception
    message or a local repr can carry a token) and keeps each event on one line."""

    def __init__(self, stream, secrets: list[str]) -> None:
        super().__init__(stream)
        self._secrets = [s for s in secrets if len(s) >= 6]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text.replace("\r", "\\r").replace("\n", "\\n")  # one event, one line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _database_password(environ) -> str:
    """The password inside BOT_DATABASE_URL (the rest of the URL may be logged)."""
    try:
        return urlsplit(environ.get("BOT_DATABASE_URL", "")).password or ""
    except ValueError:
        return ""


def configure_logging(level: str = "INFO", as_json: bool = False, stream=None) -> None:
    secrets = [os.environ.get(v, "") for v in SECRET_VARIABLES] + [_database_password(os.environ)]
    handler = MaskedStreamHandler(stream or sys.stderr, secrets)
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretMask(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(root.level, logging.WARNING))
