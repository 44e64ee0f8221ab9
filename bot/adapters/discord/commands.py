"""The application commands: names and descriptions from the command table, each a thin
callback that hands its options to the client (`PodcastBot`).

Kept apart from the client so the declarations read as one list, like the Slack manifest.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.command_table import command

from bot.adapters.discord.parsing import episode_choices

if TYPE_CHECKING:
    from bot.adapters.discord.bot import PodcastBot

PIN_AS_ANSWER = "Pin as answer"


def _about(name: str) -> str:
    return command(name).description[:100]  # Discord's description limit


def register_commands(tree: app_commands.CommandTree, bot: "PodcastBot") -> None:
    @tree.command(name="ask", description=_about("ask"))
    @app_commands.describe(question="What do you want to know? e.g. How do I join Omdena?")
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 2000]) -> None:
        await bot.run_command(interaction, "ask", question)

    @tree.command(name="latest", description=_about("latest"))
    async def latest(interaction: discord.Interaction) -> None:
        await bot.run_command(interaction, "latest")

    @tree.command(name="episode", description=_about("episode"))
    @app_commands.describe(query="An episode code (s17e07), title words or a guest")
    async def episode(interaction: discord.Interaction, query: app_commands.Range[str, 1, 200]) -> None:
        await bot.run_command(interaction, "episode", query)

    @episode.autocomplete("query")
    async def episode_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=value)
                for name, value in episode_choices(bot.episode_titles(), current)]

    @tree.command(name="pin", description=_about("pin"))
    @app_commands.describe(
        question="The question the pin answers (or `alias PIN_ID`, or `last`)",
        target="YouTube link with t=, DOC@MM:SS, a note with a link, or `last` (default)")
    @app_commands.guild_only()
    @app_commands.default_permissions(pin_messages=True)  # UI hint only; checked again at run time
    async def pin(interaction: discord.Interaction, question: app_commands.Range[str, 1, 500],
                  target: app_commands.Range[str, 1, 500] | None = None) -> None:
        await bot.run_command(interaction, "pin", pin_text(question, target))

    @tree.command(name="unpin", description=_about("unpin"))
    @app_commands.describe(pin_id="The pin's number, as /pins shows it")
    @app_commands.guild_only()
    @app_commands.default_permissions(pin_messages=True)
    async def unpin(interaction: discord.Interaction, pin_id: app_commands.Range[int, 1]) -> None:
        await bot.run_command(interaction, "unpin", str(pin_id), {"pin_id": str(pin_id)})

    @tree.command(name="pins", description=_about("pins"))
    async def pins(interaction: discord.Interaction) -> None:
        await bot.run_command(interaction, "pins")

    @tree.command(name="help", description=_about("help"))
    async def help_(interaction: discord.Interaction) -> None:
        await bot.run_command(interaction, "help")

    @tree.context_menu(name=PIN_AS_ANSWER)
    @app_commands.guild_only()
    @app_commands.default_permissions(pin_messages=True)
    async def pin_as_answer(interaction: discord.Interaction, message: discord.Message) -> None:
        await bot.pin_from_message(interaction, message)


def pin_text(question: str, target: str | None) -> str:
    """The core's `/pin` syntax from the two options: `QUESTION | TARGET`, `last` alone."""
    question = question.strip()
    if target is None and question.lower() == "last":
        return "last"
    return f"{question} | {(target or 'last').strip()}"
