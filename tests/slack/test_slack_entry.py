"""`python -m bot slack`: missing secrets give one clear line; `--http` really serves."""
from __future__ import annotations

import asyncio
import os
import socket
import sys

import aiohttp

from bot.app.cli import main
from tests.fakes.slack_app import KNOWLEDGE, REPO
from tests.fakes.slack_requests import SIGNING_SECRET, SlackHttp


def test_missing_tokens_fail_with_one_line(monkeypatch, capsys, tmp_path):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)   # no .env here
    assert main(["slack"]) == 2
    assert capsys.readouterr().err.strip() == \
        "error: missing setting(s): SLACK_BOT_TOKEN, SLACK_APP_TOKEN (see .env.example)"
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-x")
    assert main(["slack", "--http"]) == 2
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_http_mode_process_serves_slash_commands(fake_slack, tmp_path):
    port = _free_port()
    env = dict(os.environ, SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=fake_slack.api_url.rstrip("/"),   # the setting adds the slash
               BOT_DATA_DIR=str(tmp_path / "data"), BOT_KNOWLEDGE=str(KNOWLEDGE), BOT_RELOAD_SECONDS="0",
               PYTHONPATH=str(REPO))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "slack", "--http", "--port", str(port), env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        while b"serving HTTP" not in (line := await asyncio.wait_for(proc.stdout.readline(), 20)):
            assert line, "the process ended before serving"
        assert fake_slack.of("auth.test")   # the token was checked at start
        async with aiohttp.ClientSession() as session:
            slack = SlackHttp(f"http://127.0.0.1:{port}/slack/events", session)
            sent = await slack.command("/ask", "How do I find volunteering projects?", fake_slack.response_url("r1"))
        assert sent.status == 200
        reply = (await fake_slack.wait_for(lambda f: f.of("response_url"), timeout=10))[0].params
        assert "answer:" in str(reply["blocks"])
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
