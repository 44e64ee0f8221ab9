"""Starting the chat services: the core, an adapter, and live knowledge beside it.

The composition of `python -m bot slack` and `python -m bot discord`: settings become
the adapter's own config, the core is built once, and the adapter gets a callable that
starts live reload and new-episode announcements once it can post.
"""
from __future__ import annotations

import asyncio
from functools import partial

from bot.app.settings import Settings
from bot.app.wiring import build_core, knowledge_sources
from bot.errors import UserError


def run_slack(settings: Settings, http: bool = False, port: int = 3000, host: str = "0.0.0.0") -> int:
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN")
    asyncio.run(serve_slack(settings, build_core(settings), http=http, host=host, port=port))
    return 0


async def serve_slack(settings: Settings, core, *, http: bool, host: str, port: int) -> None:
    """The Slack service until cancelled: the adapter, live reload and announcements."""
    from bot.adapters.slack.service import serve

    await serve(slack_config(settings), core, http=http, host=host, port=port,
                start_companions=partial(_start_live_knowledge, settings, core),
                health=partial(_data_dir_problem, settings))


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
    asyncio.run(serve_discord(settings, build_client(build_core(settings), settings.discord_moderator_roles)))
    return 0


async def serve_discord(settings: Settings, client) -> None:
    """The Discord service until the client closes: the bot, live reload and announcements."""
    from bot.adapters.discord.service import serve

    await serve(client, settings.discord_token, settings.discord_announce_channel,
                partial(_start_live_knowledge, settings, client.core))


def slack_config(settings: Settings):
    from bot.adapters.slack.service import SlackConfig

    return SlackConfig(
        bot_token=settings.slack_bot_token, api_url=settings.slack_api_url, data_dir=settings.data_dir,
        app_token=settings.slack_app_token, signing_secret=settings.slack_signing_secret,
        moderators=settings.slack_moderators, moderator_group=settings.slack_moderator_group,
        announce_channel=settings.slack_announce_channel)


async def _start_live_knowledge(settings: Settings, core, posters: dict):
    from bot.ops.live_knowledge import start_live_knowledge

    return await start_live_knowledge(knowledge_sources(settings), settings.cache_dir, core.knowledge,
                                      posters, settings.reload_seconds)


def _data_dir_problem(settings: Settings) -> str | None:
    from bot.ops.health import check_data_dir

    return check_data_dir(settings.data_dir)
