"""Serving the Slack app: Socket Mode (default, no public URL) or HTTP at /slack/events.

The SDK half of running the bot on Slack. `bot.app.services` composes it with the core,
live reload and announcements; tests and the benchmark use `build`, `serve_http` and
`connect_socket_mode` on their own loop.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.app import build_app
from bot.adapters.slack.client import make_client
from bot.adapters.slack.inbound import events_app
from bot.adapters.slack.memory import SlackState
from bot.adapters.slack.moderators import ModeratorCheck
from bot.adapters.slack.render import render
from bot.adapters.slack.web_api import WebApiFailure, call
from bot.errors import UserError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"   # for load balancers and uptime checks

# () -> None when healthy, else the one-line reason
HealthCheck = Callable[[], str | None]


@dataclass(frozen=True)
class SlackConfig:
    """What the Slack adapter needs to know, handed over by the composition root."""

    bot_token: str
    api_url: str
    app_token: str = ""
    signing_secret: str = ""
    moderators: tuple[str, ...] = ()
    moderator_group: str = ""
    announce_channel: str = ""

    def __repr__(self) -> str:  # tokens never reach a log line or a traceback
        return f"SlackConfig(api_url={self.api_url!r})"


@dataclass
class SlackService:
    app: AsyncApp
    state: SlackState


def build(config: SlackConfig, core, http: bool, state: SlackState) -> SlackService:
    """The Bolt app over `core`; `state` is the de-duplication memory the composition root
    hands in (on the bot's store, shared by every replica)."""
    client = make_client(config.bot_token, config.api_url)
    moderators = ModeratorCheck(config.moderators, config.moderator_group)
    app = build_app(core, client, state, moderators, config.signing_secret, http=http)
    return SlackService(app, state)


async def serve_http(app: AsyncApp, host: str, port: int, health: HealthCheck | None = None, *,
                     signing_secret: str) -> web.AppRunner:
    """Serve Bolt behind our request checks (`inbound.py`); `runner.addresses` tells the
    port when `port` is 0."""
    web_app = events_app(app, signing_secret, EVENTS_PATH)
    web_app.router.add_get(HEALTH_PATH, _healthz(health))
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def connect_socket_mode(app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()
    return handler


async def serve(config: SlackConfig, core, state: SlackState, *, http: bool, host: str, port: int,
                start_companions: Callable[[dict], Awaitable], health: HealthCheck | None = None) -> None:
    """Until cancelled: the app over HTTP or Socket Mode, with the companions (live reload,
    announcements) that `start_companions(posters)` starts and whose `stop()` ends them."""
    service = build(config, core, http, state)
    runner = handler = companions = None
    try:
        await check_token(service.app)
        companions = await start_companions(announcement_posters(config, service.app))
        if http:
            runner = await serve_http(service.app, host, port, health, signing_secret=config.signing_secret)
            log.info("Slack app serving HTTP on %s:%d%s", host, port, EVENTS_PATH)
        else:
            handler = await connect_socket_mode(service.app, config.app_token)
            log.info("Slack app connected over Socket Mode")
        await asyncio.Event().wait()   # until Ctrl-C / SIGTERM cancels the run
    finally:
        if companions is not None:
            await companions.stop()
        if handler is not None:
            await handler.close_async()
        if runner is not None:
            await runner.cleanup()


async def check_token(app: AsyncApp) -> None:
    """Fail at start with one line, not at the first question, when the token is wrong."""
    try:
        auth = await call(app.client.auth_test)
    except WebApiFailure as failure:
        if not failure.answered:
            raise   # an outage, not a setting to fix: the service fails and is restarted
        raise UserError(f"Slack did not accept SLACK_BOT_TOKEN at {app.client.base_url}: {failure.reason}") from None
    log.info("Slack: signed in as %s in team %s", auth.get("user"), auth.get("team"))


def announcement_posters(config: SlackConfig, app: AsyncApp) -> dict:
    """New-episode announcements go to the announcement channel when one is set."""
    channel = config.announce_channel
    if not channel:
        return {}

    async def post(reply) -> None:   # raising lets the announcer log and record the failure
        await call(app.client.chat_postMessage, channel=channel, **render(reply).as_kwargs())
    return {"slack": post}


def _healthz(health: HealthCheck | None):
    """GET /healthz: 200 while serving (the knowledge loaded before the server started)
    and `health` finds nothing wrong; 503 with the one-line reason otherwise."""
    async def healthz(request: web.Request) -> web.Response:
        problem = await asyncio.to_thread(health) if health is not None else None
        return web.Response(status=503 if problem else 200, text=f"unhealthy: {problem}\n" if problem else "ok\n")
    return healthz
