"""Starting the chat services: the core, an adapter, and live knowledge beside it.

The composition of `python -m bot slack` and `python -m bot discord`: settings become
the adapter's own config, the core is built once, and the adapter gets a callable that
starts live reload and new-episode announcements once it can post.
"""
from __future__ import annotations

import asyncio
from contextlib import contextmanager, nullcontext
from functools import partial
from typing import Iterator

from bot.app.metrics_server import METRICS_PATH, metrics_handler, metrics_port
from bot.app.settings import Settings
from bot.app.shutdown import until_signalled
from bot.app.wiring import (build_core, knowledge_sources, load_embedder, open_database, open_knowledge,
                            searcher_for, slack_state)
from bot.errors import UserError
from bot.store.database import Database


def run_slack(settings: Settings, http: bool = False, port: int = 3000, host: str = "0.0.0.0") -> int:
    """The Slack service until SIGTERM or SIGINT; 0 once it stopped cleanly."""
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN")
    metrics = service_metrics(settings)
    with _store(settings) as db:
        knowledge, make_searcher = service_knowledge(settings)
        core = build_core(settings, knowledge, db=db, metrics=metrics)
        asyncio.run(until_signalled(lambda stop: serve_slack(settings, core, http=http, host=host, port=port,
                                                             db=db, stop=stop, metrics=metrics,
                                                             make_searcher=make_searcher)))
    return 0


async def serve_slack(settings: Settings, core, *, http: bool, host: str, port: int,
                      db: Database | None = None, stop: asyncio.Event | None = None, metrics=None,
                      make_searcher=None) -> None:
    """The Slack service until `stop` is set or the task is cancelled: the adapter, live
    reload and announcements, on `db` (default: a handle of its own on the configured
    store); with `metrics` (PrometheusMetrics), /metrics beside /slack/events in HTTP mode
    and on BOT_METRICS_PORT."""
    from bot.adapters.slack.service import serve

    pages = {METRICS_PATH: metrics_handler(metrics.page)} if metrics is not None and http else {}
    with _store(settings, db) as db:
        async with _metrics_port(settings, metrics):
            await serve(slack_config(settings), core, slack_state(settings, db), http=http, host=host, port=port,
                        start_companions=partial(_start_live_knowledge, settings, core, db, make_searcher),
                        health=partial(_service_problem, settings, db), stop=stop, metrics=core.metrics,
                        pages=pages)


def run_discord(settings: Settings, sync: bool = False, guild_id: int | None = None, clear: bool = False) -> int:
    from bot.adapters.discord.service import build_client, clear_commands, sync_commands  # discord.py only here

    if guild_id is not None and not (sync or clear):
        raise UserError("--guild goes with --sync or --clear: python -m bot discord --sync --guild ID")
    if sync and clear:
        raise UserError("--sync or --clear, not both")
    settings.require("DISCORD_TOKEN")
    where = f"server {guild_id}" if guild_id else "all servers (may take a while to appear)"
    if clear:
        asyncio.run(clear_commands(build_client(None, settings.discord_moderator_roles), settings.discord_token,
                                   guild_id))
        print(f"removed the commands registered for {where}")
        return 0
    if sync:
        client = build_client(None, settings.discord_moderator_roles)
        names = asyncio.run(sync_commands(client, settings.discord_token, guild_id))
        print(f"registered {len(names)} commands for {where}: {', '.join(names)}")
        return 0
    metrics = service_metrics(settings)
    with _store(settings) as db:
        knowledge, make_searcher = service_knowledge(settings)
        client = build_client(build_core(settings, knowledge, db=db, metrics=metrics), settings.discord_moderator_roles,
                              metrics=metrics)
        asyncio.run(until_signalled(partial(serve_discord, settings, client, db=db, metrics=metrics,
                                            make_searcher=make_searcher)))
    return 0


async def serve_discord(settings: Settings, client, stop: asyncio.Event | None = None,
                        db: Database | None = None, metrics=None, make_searcher=None) -> None:
    """The Discord service until `stop` is set or the client closes: the bot, live reload
    and announcements, on `db` (default: a handle of its own on the configured store);
    with `metrics`, /metrics on BOT_METRICS_PORT."""
    from bot.adapters.discord.service import serve

    with _store(settings, db) as db:
        async with _metrics_port(settings, metrics):
            await serve(client, settings.discord_token, settings.discord_announce_channel,
                        partial(_start_live_knowledge, settings, client.core, db, make_searcher), stop=stop)


def service_metrics(settings: Settings):
    """The metrics a chat service keeps, for Prometheus (imported only here)."""
    from bot.app.prometheus_metrics import PrometheusMetrics

    return PrometheusMetrics(settings.data_dir)


def _metrics_port(settings: Settings, metrics):
    return metrics_port(metrics.page, settings.metrics_port) if metrics is not None else nullcontext()


def slack_config(settings: Settings):
    from bot.adapters.slack.service import SlackConfig

    return SlackConfig(
        bot_token=settings.slack_bot_token, api_url=settings.slack_api_url,
        app_token=settings.slack_app_token, signing_secret=settings.slack_signing_secret,
        moderators=settings.slack_moderators, moderator_group=settings.slack_moderator_group,
        announce_channel=settings.slack_announce_channel, command_prefix=settings.slack_command_prefix)


@contextmanager
def _store(settings: Settings, db: Database | None = None) -> Iterator[Database]:
    """`db`, or the configured store opened here (a store that can't be used stops the
    start with one line) and closed here."""
    if db is not None:
        yield db
        return
    db = open_database(settings)
    try:
        yield db
    finally:
        db.close()


def service_knowledge(settings: Settings):
    """The knowledge a service starts with, at once (by words alone until its semantic
    layer's vectors are ready), and how it makes searchers later: after a reload, and when
    those vectors are ready (embedded in the background). (knowledge, make_searcher)."""
    embedder = load_embedder(settings)
    handle = open_knowledge(settings, max_missing=0, embedder=embedder, apart=True)  # a service keeps no build's memory
    if embedder is None:
        return handle, None
    return handle, partial(searcher_for, settings, embedder=embedder, max_missing=None)


async def _start_live_knowledge(settings: Settings, core, db: Database, make_searcher, posters: dict):
    from bot.ops.live_knowledge import start_live_knowledge

    return await start_live_knowledge(knowledge_sources(settings), settings.cache_dir, core.knowledge,
                                      posters, settings.reload_seconds, db, make_searcher=make_searcher,
                                      metrics=core.metrics)


def _service_problem(settings: Settings, db: Database) -> str | None:
    from bot.ops.health import check_service

    return check_service(settings.data_dir, db, thorough=False)
