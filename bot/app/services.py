"""Starting the chat services: the core, an adapter, and live knowledge beside it.

The composition of `python -m bot slack` and `python -m bot discord`: settings become
the adapter's own config, the core is built once, and the adapter gets a callable that
starts live reload and new-episode announcements once it can post.
"""
from __future__ import annotations

import asyncio
from contextlib import contextmanager
from functools import partial
from typing import Iterator

from bot.app.settings import Settings
from bot.app.wiring import (build_core, knowledge_sources, load_embedder, open_database, open_knowledge,
                            searcher_for, slack_state)
from bot.errors import UserError
from bot.store.database import Database


def run_slack(settings: Settings, http: bool = False, port: int = 3000, host: str = "0.0.0.0") -> int:
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN")
    with _store(settings) as db:
        knowledge, make_searcher = service_knowledge(settings)
        asyncio.run(serve_slack(settings, build_core(settings, knowledge, db=db), http=http, host=host, port=port,
                                db=db, make_searcher=make_searcher))
    return 0


async def serve_slack(settings: Settings, core, *, http: bool, host: str, port: int,
                      db: Database | None = None, make_searcher=None) -> None:
    """The Slack service until cancelled: the adapter, live reload and announcements, on
    `db` (default: a handle of its own on the configured store)."""
    from bot.adapters.slack.service import serve

    with _store(settings, db) as db:
        await serve(slack_config(settings), core, slack_state(settings, db), http=http, host=host, port=port,
                    start_companions=partial(_start_live_knowledge, settings, core, db, make_searcher),
                    health=partial(_service_problem, settings, db))


def run_discord(settings: Settings, sync: bool = False, guild_id: int | None = None) -> int:
    from bot.adapters.discord.service import build_client, sync_commands  # discord.py only here

    if guild_id is not None and not sync:
        raise UserError("--guild goes with --sync: python -m bot discord --sync --guild ID")
    settings.require("DISCORD_TOKEN")
    if sync:
        client = build_client(None, settings.discord_moderator_roles)
        names = asyncio.run(sync_commands(client, settings.discord_token, guild_id))
        where = f"server {guild_id}" if guild_id else "all servers (may take a while to appear)"
        print(f"registered {len(names)} commands for {where}: {', '.join(names)}")
        return 0
    with _store(settings) as db:
        knowledge, make_searcher = service_knowledge(settings)
        client = build_client(build_core(settings, knowledge, db=db), settings.discord_moderator_roles)
        asyncio.run(serve_discord(settings, client, db=db, make_searcher=make_searcher))
    return 0


async def serve_discord(settings: Settings, client, db: Database | None = None, make_searcher=None) -> None:
    """The Discord service until the client closes: the bot, live reload and announcements."""
    from bot.adapters.discord.service import serve

    with _store(settings, db) as db:
        await serve(client, settings.discord_token, settings.discord_announce_channel,
                    partial(_start_live_knowledge, settings, client.core, db, make_searcher))


def slack_config(settings: Settings):
    from bot.adapters.slack.service import SlackConfig

    return SlackConfig(
        bot_token=settings.slack_bot_token, api_url=settings.slack_api_url,
        app_token=settings.slack_app_token, signing_secret=settings.slack_signing_secret,
        moderators=settings.slack_moderators, moderator_group=settings.slack_moderator_group,
        announce_channel=settings.slack_announce_channel)


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
    those vectors are ready (embedded in the background)."""
    embedder = load_embedder(settings)
    handle = open_knowledge(settings, max_missing=0, embedder=embedder)
    if embedder is None:
        return handle, None
    return handle, partial(searcher_for, settings, embedder=embedder, max_missing=None)


async def _start_live_knowledge(settings: Settings, core, db: Database, make_searcher, posters: dict):
    from bot.ops.live_knowledge import start_live_knowledge

    return await start_live_knowledge(knowledge_sources(settings), settings.cache_dir, core.knowledge,
                                      posters, settings.reload_seconds, db, make_searcher=make_searcher)


def _service_problem(settings: Settings, db: Database) -> str | None:
    from bot.ops.health import check_service

    return check_service(settings.data_dir, db, thorough=False)
