"""Running the real Slack app (HTTP mode) against the fake Slack, for tests."""
from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.adapters.slack.service import EVENTS_PATH, build, serve_http
from bot.app.services import slack_config
from bot.app.wiring import open_database, slack_state
from bot.metrics import NO_METRICS, Metrics
from tests.fakes.slack_requests import SlackHttp

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"
MODERATOR = "UMODERATOR"


async def drain_listeners(timeout: float = 5.0) -> None:
    """Wait for Bolt's after-ack listener tasks, so teardown never cuts one off."""
    tasks = [t for t in asyncio.all_tasks() if not t.done() and
             "run_ack_function_asynchronously" in getattr(t.get_coro(), "__qualname__", "")]
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)


class RunningApp:
    def __init__(self, service, runner, http: SlackHttp, db) -> None:
        self.service, self.runner, self.http, self.db = service, runner, http, db

    async def stop(self) -> None:
        await drain_listeners()
        await self.runner.cleanup()
        self.db.close()


async def start_http_app(settings, core, pages=None, metrics: Metrics = NO_METRICS) -> RunningApp:
    """The app as `serve_slack` runs it in HTTP mode, on a free port; `pages` as serve_http takes them."""
    db = open_database(settings)   # a handle of the adapter's own, as `serve_slack` opens
    service = build(slack_config(settings), core, True, slack_state(settings, db), metrics)
    runner = await serve_http(service.app, "127.0.0.1", 0, signing_secret=settings.slack_signing_secret,
                              pages=pages)
    port = runner.addresses[0][1]
    session = aiohttp.ClientSession()
    app = RunningApp(service, runner, SlackHttp(f"http://127.0.0.1:{port}{EVENTS_PATH}", session), db)
    original_stop = app.stop

    async def stop() -> None:
        await original_stop()
        await session.close()
    app.stop = stop
    return app
