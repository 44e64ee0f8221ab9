"""Serving the Slack app: Socket Mode (default, no public URL) or HTTP at /slack/events.

The SDK half of running the bot on Slack. `bot.app.services` composes it with the core,
live reload and announcements; tests and the benchmark use `build`, `serve_http` and
`connect_socket_mode` on their own loop.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable, Mapping

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.app import build_app
from bot.adapters.slack.client import make_client
from bot.adapters.slack.inbound import events_app
from bot.adapters.slack.memory import SlackState
from bot.adapters.slack.moderators import ModeratorCheck
from bot.adapters.slack.render import render
from bot.adapters.slack.web_api import TRANSPORT_ERRORS, WebApiFailure, call, reason
from bot.errors import Unreachable, UserError
from bot.inflight import DRAIN_SECONDS, InFlight
from bot.metrics import NO_METRICS, Metrics

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"   # for load balancers and uptime checks
SHUTDOWN_SECONDS = 2.0     # for a request still being received when the service stops

# () -> None when healthy, else the one-line reason
HealthCheck = Callable[[], str | None]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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
    command_prefix: str = ""       # /pod-ask instead of /ask

    def __repr__(self) -> str:  # tokens never reach a log line or a traceback
        return f"SlackConfig(api_url={self.api_url!r})"


@dataclass
class SlackService:
    app: AsyncApp
    state: SlackState
    in_flight: InFlight


def build(config: SlackConfig, core, http: bool, state: SlackState, metrics: Metrics = NO_METRICS) -> SlackService:
    """The Bolt app over `core`; `state` is the de-duplication memory the composition root
    hands in (on the bot's store, shared by every replica)."""
    client = make_client(config.bot_token, config.api_url)
    moderators = ModeratorCheck(config.moderators, config.moderator_group)
    in_flight = InFlight()
    app = build_app(core, client, state, moderators, config.signing_secret, http=http,
                    command_prefix=config.command_prefix, in_flight=in_flight, metrics=metrics)
    return SlackService(app, state, in_flight)


async def serve_http(app: AsyncApp, host: str, port: int, health: HealthCheck | None = None, *,
                     signing_secret: str, pages: Mapping[str, Handler] | None = None) -> web.AppRunner:
    """Serve Bolt behind our request checks (`inbound.py`), /healthz, and `pages` (path ->
    GET handler, e.g. /metrics); `runner.addresses` tells the port when `port` is 0.
    `runner.cleanup()` stops listening and waits at most SHUTDOWN_SECONDS for requests
    being received (their work is tracked in `InFlight`)."""
    web_app = events_app(app, signing_secret, EVENTS_PATH)
    web_app.router.add_get(HEALTH_PATH, _healthz(health))
    for path, handler in (pages or {}).items():
        web_app.router.add_get(path, handler)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def connect_socket_mode(app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    handler = AsyncSocketModeHandler(app, app_token)
    try:
        await handler.connect_async()
    except SlackApiError as exc:
        await handler.close_async()
        raise UserError(f"Slack did not accept SLACK_APP_TOKEN for Socket Mode: {reason(exc)}") from None
    except TRANSPORT_ERRORS as exc:
        await handler.close_async()
        raise Unreachable(f"could not open Slack's Socket Mode connection ({_transport_detail(exc)}); "
                          "check the network, and SLACK_API_URL if it is set") from exc
    return handler


async def serve(config: SlackConfig, core, state: SlackState, *, http: bool, host: str, port: int,
                start_companions: Callable[[dict], Awaitable], health: HealthCheck | None = None,
                stop: asyncio.Event | None = None, metrics: Metrics = NO_METRICS,
                pages: Mapping[str, Handler] | None = None) -> None:
    """Until `stop` is set (or the task is cancelled): the app over HTTP or Socket Mode,
    with the companions (live reload, announcements) that `start_companions(posters)`
    starts and whose `stop()` ends them. On `stop`, no new request is taken (Slack
    re-sends events it could not deliver), what was acknowledged is answered, then
    everything is closed. `pages` are served beside /slack/events in HTTP mode."""
    service = build(config, core, http, state, metrics)
    runner = handler = companions = None
    try:
        await check_token(service.app)
        companions = await start_companions(announcement_posters(config, service.app))
        if http:
            runner = await serve_http(service.app, host, port, health, signing_secret=config.signing_secret,
                                      pages=pages)
            log.info("Slack app serving HTTP on %s:%d%s", host, port, EVENTS_PATH)
        else:
            handler = await connect_socket_mode(service.app, config.app_token)
            log.info("Slack app connected over Socket Mode")
        await (stop or asyncio.Event()).wait()
        if runner is not None:
            await runner.cleanup()   # no new requests; those being received finish
            runner = None
        if handler is not None:
            await handler.close_async()   # no new envelopes
            handler = None
        await _finish_in_flight(service.in_flight)
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
        if not failure.answered:   # an outage, not a setting to fix: the service fails and is restarted
            raise Unreachable(f"could not reach Slack's Web API at {app.client.base_url} "
                              f"({_transport_detail(failure.__cause__ or failure)}); "
                              "check the network, and SLACK_API_URL if it is set") from failure
        raise UserError(f"Slack did not accept SLACK_BOT_TOKEN at {app.client.base_url}: {failure.reason}") from None
    log.info("Slack: signed in as %s in team %s", auth.get("user"), auth.get("team"))


async def _finish_in_flight(in_flight: InFlight) -> None:
    in_flight.stopping = True
    if in_flight.count:
        log.info("answering %d acknowledged request(s) before stopping", in_flight.count)
    left = await in_flight.drained()
    if left:
        log.warning("stopping with %d acknowledged request(s) unanswered after %.0f s: Slack will not "
                    "re-send them", left, DRAIN_SECONDS)


def _transport_detail(exc: BaseException) -> str:
    """`ClientConnectorError: Cannot connect to host ...`: the type and a short message."""
    detail = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


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
