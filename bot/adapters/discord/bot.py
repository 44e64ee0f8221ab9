"""The Discord client: slash commands, mentions, "Pin as answer" and feedback buttons.

Thin by design: each event becomes one `Invocation`, the core (sync) runs in a worker
thread, and the `Reply` is rendered by `discord_render`. Every interaction is deferred
first (Discord allows 3 s), every send allows no mentions, and every failure reaches the
user as a private message with a reference id and the log with its traceback.
Each piece of work counts itself in `in_flight` until it is answered; once the service
is stopping, a new command is told to try again instead of being taken.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from typing import Callable, Iterable, Mapping

import discord
from discord import app_commands

from bot.errors import new_error_ref
from bot.inflight import InFlight
from bot.metrics import NO_METRICS, Metrics
from bot.models import ERROR, REFUSED, REPLY_TO_ANSWER, Invocation, Reply

from bot.adapters.discord.commands import register_commands
from bot.adapters.discord.failures import REST_ERRORS, describe
from bot.adapters.discord.parsing import (answer_id_from_custom_ids, is_moderator, mention_request, moderator_role_ids,
                              question_hint, timed_youtube_link)
from bot.adapters.discord.render import (DiscordMessage, answer_id_from_footer, error_message, no_mentions,
                             render)
from bot.adapters.discord.views import FeedbackButton, PinQuestionModal, feedback_view

log = logging.getLogger(__name__)

PLATFORM = "discord"
PRIVATE_COMMANDS = frozenset({"pin", "unpin", "pins", "help"})  # answered to the asker only
NOT_A_MODERATOR = "Only moderators (Pin Messages in this channel) can pin answers."
RESTARTING = "I'm restarting; please ask again in a minute."
NOTHING_TO_PIN = ("That message has neither one of my answers nor a YouTube link with a time "
                  "(…&t=123s), so there is nothing to pin.")


def bot_intents() -> discord.Intents:
    """No privileged intents: slash commands need none, and Discord includes a message's
    content when the message mentions the bot (or is a DM)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


def _taken_in_flight(handler):
    """An interaction's work, counted in `in_flight` until answered; once the service is
    stopping, a new interaction is told to ask again instead of being taken."""
    @functools.wraps(handler)
    async def counted(self: "PodcastBot", interaction: discord.Interaction, *args, **kwargs) -> None:
        with self.in_flight.track():
            if self.in_flight.stopping:
                await self.send_private(interaction, DiscordMessage(RESTARTING, (), True))
                return
            await handler(self, interaction, *args, **kwargs)
    return counted


class PodcastBot(discord.Client):
    def __init__(self, core, *, moderator_roles: Iterable[str] = (),
                 episode_titles: Callable[[], list[tuple[str, str | None]]] | None = None,
                 metrics: Metrics = NO_METRICS, **options) -> None:
        options.setdefault("intents", bot_intents())
        options.setdefault("allowed_mentions", no_mentions())
        super().__init__(**options)
        self.core = core
        self.in_flight = InFlight()
        self.metrics = metrics
        self.moderator_roles = moderator_role_ids(moderator_roles)   # ids only; a name is refused
        self.episode_titles = episode_titles or (lambda: [])
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self.on_app_command_error
        register_commands(self.tree, self)

    async def setup_hook(self) -> None:
        # No tree.sync() here: commands are registered by `python -m bot discord --sync`.
        self.add_dynamic_items(FeedbackButton)

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d server(s)", self.user, len(self.guilds))

    # --- slash commands --------------------------------------------------------------------
    @_taken_in_flight
    async def run_command(self, interaction: discord.Interaction, command: str, text: str = "",
                          options: Mapping[str, str] | None = None) -> None:
        if not await self._defer(interaction, private=command in PRIVATE_COMMANDS):
            return
        invocation = self._invocation(interaction, command, text, options)
        await self.deliver(interaction, render(await self.call_core(invocation)))

    async def call_core(self, invocation: Invocation) -> Reply:
        """The core never raises by contract; this guard keeps the adapter's promise if it does."""
        try:
            return await asyncio.to_thread(self.core.handle, invocation)
        except Exception:
            ref = new_error_ref()
            log.exception("core failed on /%s (ref %s)", invocation.command, ref)
            self.metrics.failed(PLATFORM, "core")
            return Reply(kind=ERROR, text=f"Sorry, something went wrong (ref {ref}).", ephemeral=True,
                         error_ref=ref)

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.NoPrivateMessage):
            await self.send_private(interaction, DiscordMessage("That only works in a server channel.", (), True))
            return
        await self.report_failure(interaction, f"/{getattr(interaction.command, 'name', '?')}",
                                  getattr(error, "original", error))

    async def report_failure(self, interaction: discord.Interaction, what: str, error: BaseException) -> None:
        ref = new_error_ref()
        log.error("%s failed (ref %s)", what, ref, exc_info=error)
        self.metrics.failed(PLATFORM, what.lstrip("/"))
        await self.send_private(interaction, error_message(ref))

    # --- pins from a message -------------------------------------------------------------
    @_taken_in_flight
    async def pin_from_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        if not self._is_moderator(interaction):
            log.info("refused 'Pin as answer' for %s (not a moderator)", interaction.user.id)
            await self.send_private(interaction, DiscordMessage(NOT_A_MODERATOR, (), True))
            return
        answer_id = self._answer_id_of(message)
        if answer_id:
            await self._store_pin(interaction, message, {"answer_id": answer_id}, "")
            return
        link = timed_youtube_link(message.content, *(e.url for e in message.embeds))
        if link:
            # A modal must be the first response, so this path answers with it instead of deferring.
            await interaction.response.send_modal(PinQuestionModal(message, link, question_hint(message.content)))
            return
        await self.send_private(interaction, DiscordMessage(NOTHING_TO_PIN, (), True))

    @_taken_in_flight
    async def pin_link(self, interaction: discord.Interaction, message: discord.Message,
                       question: str, link: str) -> None:
        """The modal's answer: pin `link` as the answer to `question`."""
        await self._store_pin(interaction, message, {"question": question, "target": link}, f"{question} | {link}")

    async def _store_pin(self, interaction: discord.Interaction, message: discord.Message,
                         options: dict[str, str], text: str) -> None:
        if not await self._defer(interaction, private=True):
            return
        invocation = self._invocation(interaction, "pin", text, options)
        reply = await self.call_core(invocation)
        rendered = render(reply)
        if reply.kind not in (ERROR, REFUSED):
            try:
                await message.pin(reason=f"Pinned as an answer by {interaction.user}")
            except REST_ERRORS as exc:
                log.error("pin stored but pinning message %s failed: %s", message.id, describe(exc))
                note = "\n(I saved the pin but couldn't pin the message here: I need the Pin Messages permission.)"
                rendered = DiscordMessage((rendered.content or "") + note, rendered.embeds, True)
        await self.deliver(interaction, rendered)

    def _answer_id_of(self, message: discord.Message) -> str | None:
        if self.user is None or message.author.id != self.user.id:
            return None  # only our own answers carry a trustworthy answer id
        custom_ids = (getattr(child, "custom_id", None) for row in message.components
                      for child in getattr(row, "children", ()))
        return answer_id_from_custom_ids(custom_ids) or next(
            (found for e in message.embeds if (found := answer_id_from_footer(e.footer.text))), None)

    # --- feedback buttons -----------------------------------------------------------------
    @_taken_in_flight
    async def record_feedback(self, interaction: discord.Interaction, answer_id: str, helpful: bool) -> None:
        if not await self._defer(interaction, private=True):
            return
        try:
            reply = await asyncio.to_thread(self.core.feedback, PLATFORM, str(interaction.user.id), answer_id, helpful)
        except Exception as exc:
            await self.report_failure(interaction, "feedback", exc)
            return
        await self.deliver(interaction, render(reply))

    # --- mentions ------------------------------------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        replying_to = self._answer_replied_to(message)
        addressed = message.guild is None or any(u.id == self.user.id for u in message.mentions) \
            or (replying_to is not None and bool(message.content.strip()))
        if not addressed:
            return
        with self.in_flight.track():
            if self.in_flight.stopping:
                rendered = DiscordMessage(RESTARTING, (), False)
            else:
                rendered = await self._answer_message(message, replying_to)
            await self._reply_to(message, rendered)

    async def _answer_message(self, message: discord.Message, replying_to: str | None) -> DiscordMessage:
        try:
            return render(await self.call_core(self._mention_invocation(message, replying_to)))
        except Exception:
            ref = new_error_ref()
            log.exception("answering message %s failed (ref %s)", message.id, ref)
            self.metrics.failed(PLATFORM, "mention")
            return error_message(ref)

    def _mention_invocation(self, message: discord.Message, replying_to: str | None = None) -> Invocation:
        command, text = mention_request(message.content, self.user.id)
        thread = message.channel if isinstance(message.channel, discord.Thread) else None
        return Invocation(
            platform=PLATFORM, user_id=str(message.author.id), user_name=message.author.display_name,
            channel_id=str(thread.parent_id if thread else message.channel.id), command=command, text=text,
            thread_id=str(thread.id) if thread else None,
            options={REPLY_TO_ANSWER: replying_to} if replying_to else {})

    def _answer_replied_to(self, message: discord.Message) -> str | None:
        """The answer id of our answer this message replies to (a follow-up), if it does."""
        reference = message.reference
        resolved = reference.resolved if reference is not None else None
        return self._answer_id_of(resolved) if isinstance(resolved, discord.Message) else None

    async def _reply_to(self, message: discord.Message, rendered: DiscordMessage) -> None:
        # A reply lands in the message's own channel, which is the thread when there is one.
        kwargs = _send_kwargs(rendered)
        try:
            await message.reply(**kwargs, mention_author=False)
            return
        except REST_ERRORS as exc:
            # E.g. the question was deleted meanwhile, or no Read Message History: a reply
            # needs the original; a plain message in the same channel does not.
            log.warning("could not reply to message %s in %s (%s); sending to the channel instead",
                        message.id, message.channel.id, describe(exc))
        try:
            await message.channel.send(**kwargs)
        except REST_ERRORS as exc:
            log.error("could not answer message %s in %s: %s", message.id, message.channel.id, describe(exc))
            self.metrics.failed(PLATFORM, "delivery")

    # --- sending ---------------------------------------------------------------------------------
    async def _defer(self, interaction: discord.Interaction, private: bool) -> bool:
        try:
            await interaction.response.defer(ephemeral=private, thinking=True)
        except discord.NotFound:
            log.error("interaction %s expired before it was acknowledged (over 3 s); the user saw "
                      "'The application did not respond'", interaction.id)
            return False
        except REST_ERRORS as exc:
            log.error("could not acknowledge interaction %s: %s", interaction.id, describe(exc))
            return False
        interaction.extras["public_defer"] = not private
        return True

    async def deliver(self, interaction: discord.Interaction, rendered: DiscordMessage) -> None:
        """The follow-up of a deferred interaction."""
        public_defer = interaction.extras.get("public_defer")
        if rendered.ephemeral and public_defer:
            await self._delete_thinking(interaction)
        private = rendered.ephemeral or not public_defer
        await _logged_send(interaction, interaction.followup.send(**_send_kwargs(rendered), ephemeral=private),
                           "the reply")

    async def _delete_thinking(self, interaction: discord.Interaction) -> None:
        """The first follow-up inherits the deferred message's visibility; remove the public
        "thinking…" message so a private reply really is private. A failed delete is only
        logged: the reply is still sent (then in place of the public message)."""
        interaction.extras["public_defer"] = False   # the next follow-up consumes it either way
        try:
            await interaction.delete_original_response()
        except REST_ERRORS as exc:
            log.warning("could not delete the public 'thinking' message of interaction %s (%s); "
                        "the private reply replaces it", interaction.id, describe(exc))

    async def send_private(self, interaction: discord.Interaction, rendered: DiscordMessage) -> None:
        """A short private message, whether or not the interaction was answered already."""
        rendered = DiscordMessage(rendered.content, rendered.embeds, True)
        if interaction.response.is_done():
            await self.deliver(interaction, rendered)
            return
        await _logged_send(interaction, interaction.response.send_message(**_send_kwargs(rendered), ephemeral=True),
                           "the private message")

    # --- building invocations ----------------------------------------------------------------------
    def _invocation(self, interaction: discord.Interaction, command: str, text: str,
                    options: Mapping[str, str] | None) -> Invocation:
        channel = interaction.channel
        thread = channel if isinstance(channel, discord.Thread) else None
        return Invocation(
            platform=PLATFORM, user_id=str(interaction.user.id), user_name=interaction.user.display_name,
            channel_id=str(thread.parent_id if thread else interaction.channel_id), command=command,
            text=text, thread_id=str(thread.id) if thread else None,
            is_moderator=self._is_moderator(interaction), options=dict(options or {}))

    def _is_moderator(self, interaction: discord.Interaction) -> bool:
        """Checked on every use: the permissions come with the interaction, resolved for this channel."""
        roles = getattr(interaction.user, "roles", [])
        return is_moderator(interaction.permissions.pin_messages, (r.id for r in roles), self.moderator_roles)


async def _logged_send(interaction: discord.Interaction, sending, what: str) -> None:
    """Await one send to Discord; a failure is logged for the operator, never raised
    into the event loop (the member already sees "thinking…" or nothing)."""
    try:
        await sending
    except discord.NotFound:
        log.error("interaction %s expired before %s was sent", interaction.id, what)
    except REST_ERRORS as exc:
        log.error("could not send %s to interaction %s: %s", what, interaction.id, describe(exc))


def _send_kwargs(rendered: DiscordMessage) -> dict:
    kwargs = {"content": rendered.content, "embeds": list(rendered.embeds), "allowed_mentions": no_mentions()}
    if rendered.answer_id:
        kwargs["view"] = feedback_view(rendered.answer_id)
    return kwargs

