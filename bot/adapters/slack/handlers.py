"""What each Slack listener does once Bolt has acknowledged the request.

Listeners never let an exception escape: Bolt would only log it, and the user would be
left with silence. `_guarded` logs it with a reference id and tells the user instead.
What the adapter remembers across events and replicas is `memory.EventMemory`.
Every listener counts itself in `in_flight` from its first line (before the
acknowledgement) to its answer, so a stopping service can wait for what it acknowledged.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time

from bot import models
from bot.command_table import command as command_spec
from bot.errors import new_error_ref
from bot.inflight import InFlight
from bot.metrics import NO_METRICS, Metrics
from bot.models import Invocation, Reply

from bot.adapters.slack import delivery as send
from bot.adapters.slack.command_names import command_of, with_prefix
from bot.adapters.slack.memory import EventMemory, SlackState
from bot.adapters.slack.moderators import ModeratorCheck
from bot.adapters.slack.render import ANSWER_BLOCK_PREFIX, HELPFUL, SlackMessage, render, text_message

log = logging.getLogger(__name__)

PLATFORM = "slack"
PRIVATE_KINDS = (models.ERROR, models.REFUSED)


# Core calls are CPU-bound Python: many threads at once only fight the event loop for the
# GIL, which delays the 3-second acks (measured: unbounded, ack p50 670 ms at 58 answers/s;
# 8 at a time, ack p50 ~120 ms at 84 answers/s). See benchmarks/slack_load.py.
CORE_CONCURRENCY = 8


class SlackHandlers:
    def __init__(self, core, state: SlackState, moderators: ModeratorCheck, command_prefix: str = "",
                 in_flight: InFlight | None = None, metrics: Metrics = NO_METRICS) -> None:
        self.core = core
        self.memory = EventMemory(state)
        self.moderators = moderators
        self.command_prefix = command_prefix
        self.in_flight = in_flight or InFlight()
        self.metrics = metrics
        self._core_slots = asyncio.Semaphore(CORE_CONCURRENCY)

    # ---- slash commands -------------------------------------------------------------

    async def on_command(self, ack, command: dict, respond, client) -> None:
        with self.in_flight.track():
            await ack()   # first: Slack gives up after 3 s
            user = command.get("user_id", "")
            await self._guarded(self._command, user, respond=respond, client=client, command=command)

    async def _command(self, command: dict, respond, client) -> None:
        name = command_of(command["command"], self.command_prefix)
        user, text = command["user_id"], command.get("text", "")
        invocation = Invocation(
            platform=PLATFORM, user_id=user, user_name=command.get("user_name") or user,
            channel_id=command.get("channel_id", ""), command=name, text=text,
            is_moderator=await self._is_moderator(client, user, command_spec(name).moderator_only))
        reply = await self._call_core(invocation)
        shareable = name == "ask" and reply.kind in (models.ANSWER, models.PINNED) and bool(reply.answer_id)
        question = text if name == "ask" else None
        if shareable:
            public = render(reply, question, shared_by=invocation.user_name)
            shareable = await self.memory.remember(reply.answer_id, {"text": public.text, "blocks": public.blocks})
        message = render(reply, question, shareable=shareable)
        await send.reply_privately(respond, client, user, message, command.get("channel_id"))

    # ---- events -------------------------------------------------------------------

    async def on_mention(self, body: dict, event: dict, client, context) -> None:
        # Events are acknowledged by Bolt before this runs (its first step is scheduled
        # before the HTTP response goes back: see InFlight.drained).
        if _from_a_bot(event):
            return
        with self.in_flight.track():
            await self._guarded(self._answer_once, event.get("user", ""), client=client, body=body, event=event,
                                channel=event.get("channel"), thread_ts=_thread_of(event), context=context)

    async def on_message(self, body: dict, event: dict, client, context) -> None:
        if event.get("subtype") or _from_a_bot(event) or not event.get("user"):
            return   # edits, joins, bot posts (ours included): not questions
        is_dm = event.get("channel_type") == "im"
        mentions_bot = bool(context.bot_user_id) and f"<@{context.bot_user_id}" in event.get("text", "")
        if not (is_dm or mentions_bot):
            return
        thread = event.get("thread_ts") if is_dm else _thread_of(event)
        with self.in_flight.track():
            await self._guarded(self._answer_once, event["user"], client=client, body=body, event=event,
                                channel=event.get("channel"), thread_ts=thread, context=context)

    async def _answer_once(self, body: dict, event: dict, client, context) -> None:
        """De-duplicated inside the guard; a store that can't be used still gets the user a reply."""
        attempt, keys = await self.memory.claim(body.get("event_id"), _event_keys(body, event))
        if not attempt:
            log.info("duplicate Slack event %s ignored", body.get("event_id"))
            self.metrics.duplicate(PLATFORM)
            return
        async with self.memory.working_on(keys):
            if attempt > 1 and await self._answered_before_a_crash(event, client, context):
                log.info("Slack event %s was answered by a process that stopped before recording it",
                         body.get("event_id"))
            elif not await self._answer_event(event, client, context):
                return
            await self.memory.mark_answered(keys)   # only now is a retry of this event a duplicate

    async def _answered_before_a_crash(self, event: dict, client, context) -> bool:
        """Taken over from a process that stopped: its answer may be out, unrecorded."""
        _, thread = _answer_place(event)
        return await send.already_posted(client, event["channel"], thread, event.get("ts", ""), context.bot_user_id)

    async def _answer_event(self, event: dict, client, context) -> bool:
        user, channel = event["user"], event["channel"]
        is_dm, thread = _answer_place(event)
        text = _without_mentions(event.get("text", ""), context.bot_user_id)
        name = "help" if text.strip().lower() in ("help", "/help") else "ask"
        invocation = Invocation(
            platform=PLATFORM, user_id=user, user_name=user, channel_id=channel, command=name,
            text=text, thread_id=thread)
        reply = await self._call_core(invocation)
        private = not is_dm and (reply.ephemeral or reply.kind in PRIVATE_KINDS)
        message = render(reply)
        if not await send.to_user(client, user, message, channel, thread, private=private):
            log.error("answer to %s in %s could not be delivered by any route", user, channel)
            self.metrics.failed(PLATFORM, "delivery")
            return False
        return True

    # ---- interactivity ----------------------------------------------------------------

    async def on_share(self, ack, action: dict, body: dict, respond, client) -> None:
        with self.in_flight.track():
            await ack()
            await self._guarded(self._share, body["user"]["id"], respond=respond, client=client,
                                action=action, body=body)

    async def _share(self, action: dict, body: dict, respond, client) -> None:
        stored = await self.memory.recall(action.get("value", ""))
        channel = _channel_of(body)
        if stored is None:
            await send.reply_privately(respond, client, body["user"]["id"],
                                       text_message("That answer has expired; please ask again."), channel,
                                       replace_original=False)
            return
        message = SlackMessage(text=stored["text"], blocks=stored["blocks"])
        if await send.post(client, channel, message):
            await send.respond_with(respond, text_message("Shared."), delete_original=True)
        elif not await send.respond_with(respond, message, "in_channel", replace_original=False):
            # Neither the bot (not a member?) nor the response_url could post: say so privately.
            await send.reply_privately(respond, client, body["user"]["id"], text_message(
                "I couldn't post in this channel. Invite me with /invite and try again."), channel,
                replace_original=False)

    async def on_feedback(self, ack, action: dict, body: dict, respond, client) -> None:
        with self.in_flight.track():
            await ack()
            await self._guarded(self._feedback, body["user"]["id"], respond=respond, client=client,
                                action=action, body=body)

    async def _feedback(self, action: dict, body: dict, respond, client) -> None:
        helpful = action["action_id"] == HELPFUL
        async with self._core_slots:
            reply = await asyncio.to_thread(self.core.feedback, PLATFORM, body["user"]["id"],
                                            action.get("value", ""), helpful)
        await send.reply_privately(respond, client, body["user"]["id"], render(reply), _channel_of(body),
                                   _thread_of_container(body), replace_original=False)

    async def on_pin_shortcut(self, ack, shortcut: dict, respond, client, context) -> None:
        with self.in_flight.track():
            await ack()
            await self._guarded(self._pin_shortcut, shortcut["user"]["id"], respond=respond, client=client,
                                shortcut=shortcut, context=context)

    async def _pin_shortcut(self, shortcut: dict, respond, client, context) -> None:
        message, user = shortcut.get("message") or {}, shortcut["user"]
        answer_id = answer_id_of(message)
        ours = not context.bot_id or message.get("bot_id") == context.bot_id
        channel = _channel_of(shortcut)
        if not answer_id or not ours:
            await send.reply_privately(respond, client, user["id"],
                                       text_message("Use “Pin as answer” on an answer posted by the bot."),
                                       channel, message.get("thread_ts"))
            return
        invocation = Invocation(
            platform=PLATFORM, user_id=user["id"], user_name=user.get("username") or user.get("name") or user["id"],
            channel_id=channel, command="pin",
            thread_id=message.get("thread_ts"),
            is_moderator=await self._is_moderator(client, user["id"], True), options={"answer_id": answer_id})
        reply = await self._call_core(invocation)
        await send.reply_privately(respond, client, user["id"], render(reply), channel, message.get("thread_ts"))

    async def on_unexpected_error(self, error: Exception, body: dict) -> None:
        # Bolt's global handler: only reached for failures outside our listeners' guard.
        log.error("unhandled Slack request error: %s", type(error).__name__, exc_info=error)
        self.metrics.failed(PLATFORM, "bolt")

    # ---- helpers ------------------------------------------------------------------

    async def _guarded(self, work, user: str, client, respond=None, channel: str | None = None,
                       thread_ts: str | None = None, **kwargs) -> None:
        started = time.perf_counter()
        try:
            await work(client=client, **({"respond": respond} if respond else {}), **kwargs)
        except Exception:
            ref = new_error_ref()
            log.exception("Slack request failed (ref %s)", ref)
            self.metrics.failed(PLATFORM, work.__name__.strip("_"))
            await send.report_failure(client, user, ref, channel, thread_ts, respond)
        finally:
            log.debug("%s done in %.0f ms", work.__name__, (time.perf_counter() - started) * 1000)

    async def _call_core(self, invocation: Invocation) -> Reply:
        async with self._core_slots:
            reply = await asyncio.to_thread(self.core.handle, invocation)
        if self.command_prefix and reply.kind in (models.INFO, models.ERROR, models.REFUSED):
            reply = dataclasses.replace(reply, text=with_prefix(reply.text, self.command_prefix))   # help, usage
        log.info("slack %s by %s in %s -> %s%s", invocation.command, invocation.user_id, invocation.channel_id,
                 reply.kind, f" (ref {reply.error_ref})" if reply.error_ref else "")
        return reply

    async def _is_moderator(self, client, user: str, needed: bool) -> bool:
        # Only moderator commands pay for the Web API lookups.
        return await self.moderators.is_moderator(client, user) if needed else False


def answer_id_of(message: dict) -> str | None:
    """The answer id the renderer put in a block_id or a feedback button value."""
    for block in message.get("blocks") or ():
        block_id = block.get("block_id", "")
        if block_id.startswith(ANSWER_BLOCK_PREFIX) and len(block_id) > len(ANSWER_BLOCK_PREFIX):
            return block_id[len(ANSWER_BLOCK_PREFIX):]
        for element in block.get("elements") or ():
            if isinstance(element, dict) and element.get("action_id") == HELPFUL and element.get("value"):
                return element["value"]
    return None


def _event_keys(body: dict, event: dict) -> tuple[str, ...]:
    """The event id (retries), and the channel + message ts (a mention also comes as `message`)."""
    return (f"event:{body.get('event_id', '')}" if body.get("event_id") else "",
            f"msg:{event.get('channel', '')}:{event.get('ts', '')}" if event.get("ts") else "")


def _channel_of(body: dict) -> str:
    return (body.get("channel") or {}).get("id", "")


def _thread_of_container(body: dict) -> str | None:
    """The thread of the message a button was clicked on, when it was in one."""
    return (body.get("container") or {}).get("thread_ts") or (body.get("message") or {}).get("thread_ts")


def _from_a_bot(event: dict) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") == "bot_message"


def _answer_place(event: dict) -> tuple[bool, str | None]:
    """(is it a DM, the thread the answer goes in): under a channel question, in a DM's thread if any."""
    is_dm = event.get("channel_type") == "im" or event["channel"].startswith("D")
    return is_dm, event.get("thread_ts") if is_dm else _thread_of(event)


def _thread_of(event: dict) -> str | None:
    return event.get("thread_ts") or event.get("ts")


def _without_mentions(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's own mention (others are left for the core to ignore)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return " ".join(text.split())
