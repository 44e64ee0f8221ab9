"""Running the Slack app: Socket Mode (default, no public URL) or HTTP at /slack/events.

`python -m bot slack [--http] [--port N]` ends up in `run()`. Tests and the benchmark
use the async pieces (`build`, `serve_http`, `connect_socket_mode`) on their own loop.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.app.settings import Settings
from bot.errors import UserError
from bot.ops.health import check_data_dir
from bot.ops.live_knowledge import start_live_knowledge

from bot.adapters.slack.app import build_app
from bot.adapters.slack.client import make_client
from bot.adapters.slack.moderators import ModeratorCheck
from bot.adapters.slack.render import render
from bot.adapters.slack.state import SlackState

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"   # for load balancers and uptime checks (issue 7)
STATE_FILE = "slack_state.sqlite3"


@dataclass
class SlackService:
    app: AsyncApp
    state: SlackState


def build(settings: Settings, core, http: bool) -> SlackService:
    client = make_client(settings.slack_bot_token, settings.slack_api_url)
    moderators = ModeratorCheck(settings.slack_moderators, settings.slack_moderator_group)
    state = SlackState(settings.data_dir / STATE_FILE)
    app = build_app(core, client, state, moderators, settings.slack_signing_secret, http=http)
    return SlackService(app, state)


async def serve_http(app: AsyncApp, host: str, port: int, data_dir: Path | None = None) -> web.AppRunner:
    """Serve Bolt's aiohttp app; `runner.addresses` tells the port when `port` is 0."""
    web_app = app.web_app(path=EVENTS_PATH, port=port)
    web_app.router.add_get(HEALTH_PATH, _healthz(data_dir))
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def connect_socket_mode(app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()
    return handler


def run(settings: Settings, http: bool = False, port: int = 3000, host: str = "0.0.0.0") -> int:
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN")
    from bot.app.wiring import build_core   # the core loads the index: only when really starting

    core = build_core(settings)
    asyncio.run(_serve(settings, core, http, port, host))
    return 0


async def _serve(settings: Settings, core, http: bool, port: int, host: str) -> None:
    service = build(settings, core, http)
    runner = handler = live = None
    try:
        await _check_token(service.app)
        live = await start_live_knowledge(settings, core.knowledge, _posters(settings, service.app))
        if http:
            runner = await serve_http(service.app, host, port, data_dir=settings.data_dir)
            log.info("Slack app serving HTTP on %s:%d%s", host, port, EVENTS_PATH)
        else:
            handler = await connect_socket_mode(service.app, settings.slack_app_token)
            log.info("Slack app connected over Socket Mode")
        await asyncio.Event().wait()   # until Ctrl-C / SIGTERM cancels the run
    finally:
        if live is not None:
            await live.stop()
        if handler is not None:
            await handler.close_async()
        if runner is not None:
            await runner.cleanup()
        service.state.close()


async def _check_token(app: AsyncApp) -> None:
    """Fail at start with one line, not at the first question, when the token is wrong."""
    try:
        auth = await app.client.auth_test()
    except SlackApiError as exc:
        raise UserError(f"Slack rejected SLACK_BOT_TOKEN: {exc.response.get('error')}") from None
    log.info("Slack: signed in as %s in team %s", auth.get("user"), auth.get("team"))


def _posters(settings: Settings, app: AsyncApp) -> dict:
    """New-episode announcements go to SLACK_ANNOUNCE_CHANNEL when it is set."""
    channel = settings.slack_announce_channel
    if not channel:
        return {}

    async def post(reply) -> None:   # raising lets the announcer log and record the failure
        await app.client.chat_postMessage(channel=channel, **render(reply).as_kwargs())
    return {"slack": post}


def _healthz(data_dir: Path | None):
    """GET /healthz: 200 while serving (the knowledge loaded before the server started)
    and the data folder is writable; 503 with the one-line reason otherwise."""
    async def healthz(request: web.Request) -> web.Response:
        problem = await asyncio.to_thread(check_data_dir, data_dir) if data_dir is not None else None
        return web.Response(status=503 if problem else 200, text=f"unhealthy: {problem}\n" if problem else "ok\n")
    return healthz
