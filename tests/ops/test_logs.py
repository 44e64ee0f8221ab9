"""Service logs: one line per event, JSON on request, and a token never appears,
not in a message, not in its arguments, not in a traceback."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.app.logs import configure_logging

TOKEN = "xoxb-1234567890-secretvalue"
DISCORD = "MTIz.discord-token.value"


def emit(as_json: bool, monkeypatch) -> str:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD)
    out = io.StringIO()
    configure_logging("INFO", as_json=as_json, stream=out)
    log = logging.getLogger("bot.test")
    log.info("connecting with %s", TOKEN)
    log.warning(f"header Authorization: Bot {DISCORD}\nsecond line")
    try:
        raise RuntimeError(f"auth failed for token={TOKEN}")
    except RuntimeError:
        log.exception("call failed")
    return out.getvalue()


@pytest.mark.parametrize("as_json", [False, True])
def test_tokens_never_appear_even_in_tracebacks(as_json, monkeypatch):
    text = emit(as_json, monkeypatch)
    assert TOKEN not in text and DISCORD not in text
    assert "[secret]" in text and "RuntimeError" in text


@pytest.mark.parametrize("as_json", [False, True])
def test_one_line_per_event(as_json, monkeypatch):
    lines = emit(as_json, monkeypatch).splitlines()
    assert len(lines) == 3
    if as_json:
        events = [json.loads(line) for line in lines]
        assert [e["level"] for e in events] == ["INFO", "WARNING", "ERROR"]
        assert "Traceback" in events[2]["traceback"]


def test_the_database_password_never_appears(monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql://bot:pg-Pa55word-value@db.internal:5432/bot")
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    logging.getLogger("bot.test").error("connection failed: postgresql://bot:pg-Pa55word-value@db.internal/bot")
    assert "pg-Pa55word-value" not in out.getvalue() and "db.internal" in out.getvalue()
