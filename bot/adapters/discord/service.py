"""Running the Discord bot, or registering its application commands: the SDK half.

`python -m bot discord` connects to the gateway and answers until stopped.
`python -m bot discord --sync [--guild ID]` only logs in over REST, registers the slash
commands and the "Pin as answer" menu, and exits: registering is an explicit action,
not something every start does (Discord rate-limits it, and a global sync takes a while
to reach every client; a guild sync is immediate, which suits testing).
`bot.app.services` composes these with the core, live reload and announcements.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Iterable

import aiohttp
import discord

from bot.adapters.discord.bot import PodcastBot
from bot.adapters.discord.failures import REST_ERRORS, describe
from bot.adapters.discord.parsing import titles_from_knowledge
from bot.adapters.discord.render import no_mentions, render
from bot.errors import Unreachable, UserError
from bot.inflight import DRAIN_SECONDS

log = logging.getLogger(__name__)

TOKEN_REJECTED = "Discord rejected DISCORD_TOKEN (check the bot token in the Developer Portal)"


def build_client(core, moderator_roles: Iterable[str] = (), **options) -> PodcastBot:
    """The client over `core` (None: only to register commands); `options` go to PodcastBot."""
    _quiet_voice_notice()
    titles = titles_from_knowledge(core.knowledge) if core is not None else None
    return PodcastBot(core, moderator_roles=moderator_roles, episode_titles=titles, **options)


async def sync_commands(client: PodcastBot, token: str, guild_id: int | None = None) -> list[str]:
    """Register the command tree with Discord (globally, or in one server); names synced."""
    async with client:
        await _login(client, token)
        if guild_id is None:
            synced = await client.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
    return [command.name for command in synced]


async def clear_commands(client: PodcastBot, token: str, guild_id: int | None = None) -> None:
    """Remove every registered command, in one server or the global ones: after trying
    the commands in a server, before registering them globally, so no server lists them twice."""
    async with client:
        await _login(client, token)
        guild = discord.Object(id=guild_id) if guild_id is not None else None
        client.tree.clear_commands(guild=guild)
        await client.tree.sync(guild=guild)


async def serve(client: PodcastBot, token: str, announce_channel: str,
                start_companions: Callable[[dict], Awaitable], stop: asyncio.Event | None = None) -> None:
    """`client.start()` with the companions (live reload, announcements) beside it, until
    the client closes or `stop` is set: then no new command is taken, what was deferred is
    answered, and the client closes."""
    async with client:
        await _login(client, token)
        companions = await start_companions(announcement_posters(client, announce_channel))
        connection = asyncio.create_task(client.connect(), name="discord-gateway")
        stopping = asyncio.create_task((stop or asyncio.Event()).wait(), name="discord-stop")
        try:
            await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                await _finish_in_flight(client)
                await client.close()
            await connection
        finally:
            for task in (connection, stopping):
                task.cancel()
            await companions.stop()


async def _finish_in_flight(client: PodcastBot) -> None:
    client.in_flight.stopping = True   # new commands get "restarting, ask again" instead of an answer
    if client.in_flight.count:
        log.info("answering %d deferred command(s) and mention(s) before stopping", client.in_flight.count)
    left = await client.in_flight.drained()
    if left:
        log.warning("stopping with %d deferred command(s) or mention(s) unanswered after %.0f s",
                    left, DRAIN_SECONDS)


def _quiet_voice_notice() -> None:
    """discord.py warns at every start that voice libraries are missing: this bot has no
    voice, so the warning would only teach operators to skim past warnings."""
    client_log = logging.getLogger("discord.client")
    if not any(isinstance(f, _VoiceNotice) for f in client_log.filters):
        client_log.addFilter(_VoiceNotice())


class _VoiceNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


async def _login(client: discord.Client, token: str) -> None:
    """Log in over REST; a refused token or an API that answers with anything else than
    Discord's JSON is one line for the operator, not a traceback."""
    try:
        await client.login(token)
    except discord.LoginFailure:
        raise UserError(TOKEN_REJECTED) from None
    except (aiohttp.ClientConnectionError, asyncio.TimeoutError, OSError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise Unreachable(f"could not reach Discord's API ({type(exc).__name__}: {detail}); "
                          "check the network") from exc
    except REST_ERRORS as exc:
        raise UserError(f"Discord login failed: {describe(exc)}") from None


def announcement_posters(client: discord.Client, channel_id: str) -> dict:
    """New-episode cards go to the announcement channel when one is set (REST only: no cache needed)."""
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
