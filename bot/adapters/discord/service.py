"""Running the Discord bot, or registering its application commands.

`python -m bot discord` connects to the gateway and answers until stopped.
`python -m bot discord --sync [--guild ID]` only logs in over REST, registers the slash
commands and the "Pin as answer" menu, and exits: registering is an explicit action,
not something every start does (Discord rate-limits it, and a global sync takes a while
to reach every client; a guild sync is immediate, which suits testing).
"""
from __future__ import annotations

import asyncio
import logging

import discord

from bot.app.settings import Settings
from bot.errors import UserError
from bot.ops.live_knowledge import start_live_knowledge

from bot.adapters.discord.bot import PodcastBot
from bot.adapters.discord.parsing import titles_from_knowledge
from bot.adapters.discord.render import no_mentions, render

log = logging.getLogger(__name__)


def build_client(core, settings: Settings, **options) -> PodcastBot:
    titles = getattr(core, "episode_titles", None)  # the core's own, should it ever offer one
    if titles is None and core is not None:
        titles = titles_from_knowledge(core.knowledge)
    return PodcastBot(core, moderator_roles=settings.discord_moderator_roles, episode_titles=titles, **options)


async def sync_commands(client: PodcastBot, token: str, guild_id: int | None = None) -> list[str]:
    """Register the command tree with Discord (globally, or in one server); names synced."""
    async with client:
        try:
            await client.login(token)
        except discord.LoginFailure:
            raise UserError("Discord rejected DISCORD_TOKEN (check the bot token in the Developer Portal)") from None
        if guild_id is None:
            synced = await client.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
    return [command.name for command in synced]


def run(settings: Settings, sync: bool = False, guild_id: int | None = None) -> int:
    if guild_id is not None and not sync:
        raise UserError("--guild goes with --sync: python -m bot discord --sync --guild ID")
    settings.require("DISCORD_TOKEN")
    if sync:
        names = asyncio.run(sync_commands(build_client(None, settings), settings.discord_token, guild_id))
        where = f"server {guild_id}" if guild_id else "all servers (may take a while to appear)"
        print(f"registered {len(names)} commands for {where}: {', '.join(names)}")
        return 0
    from bot.app.wiring import build_core

    client = build_client(build_core(settings), settings)
    try:
        asyncio.run(serve(client, settings))
    except discord.LoginFailure:
        raise UserError("Discord rejected DISCORD_TOKEN (check the bot token in the Developer Portal)") from None
    return 0


async def serve(client: PodcastBot, settings: Settings) -> None:
    """`client.start()` with live knowledge reload and new-episode announcements beside it."""
    async with client:
        await client.login(settings.discord_token)
        live = await start_live_knowledge(settings, client.core.knowledge, announcement_posters(settings, client))
        try:
            await client.connect()
        finally:
            await live.stop()


def announcement_posters(settings: Settings, client: discord.Client) -> dict:
    """New-episode cards go to DISCORD_ANNOUNCE_CHANNEL when it is set (REST only: no cache needed)."""
    channel_id = settings.discord_announce_channel
    if not channel_id:
        return {}
    if not channel_id.isdigit():
        raise UserError("DISCORD_ANNOUNCE_CHANNEL must be a channel id (digits; Developer Mode > Copy Channel ID)")
    channel = client.get_partial_messageable(int(channel_id))

    async def post(reply) -> None:   # raising lets the announcer log and record the failure
        message = render(reply)
        await channel.send(content=message.content or "New episode!", embeds=list(message.embeds),
                           allowed_mentions=no_mentions())
    return {"discord": post}
