"""The platform-neutral brain: one `Invocation` in, one `Reply` out, never an exception.

Adapters call `handle` (sync; safe from several threads, e.g. via asyncio.to_thread)
and `feedback`. A `UserError` becomes a private error reply with its message; a store
that can't be used (pins, moderator actions, feedback) a private reply saying so, with a
reference id; anything else is logged with a traceback and answered with a short
reference id. Questions are still answered when only the store fails (see ask.py).
"""
from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Callable

from bot.command_table import COMMAND_NAMES, command
from bot import metrics as kinds
from bot.errors import STORE_DOWN_TEXT, StoreUnavailable, UserError, new_error_ref
from bot.knowledge_handle import KnowledgeHandle
from bot.metrics import NO_METRICS, Metrics
from bot.models import ANSWER, ERROR, INFO, NOT_FOUND, PINNED, REFUSED, Invocation, Reply
from bot.ratelimit import DEFAULT_PER_MINUTE, Limiter, RateLimiter
from bot.store.answers import AnswerLog
from bot.store.pins import PinStore
from bot.core import ask, episode_commands, pinning
from bot.core.context import Context, utc_now
from bot.core.inputs import check_received, clean_question
from bot.core.matching import PinMatcher
from bot.core.render import help_text

log = logging.getLogger(__name__)

ASK_USAGE = "Ask me something about the episodes, e.g. `/ask How do I join Omdena?`"
# What a reply to a question counts as (bot.metrics); episode, person and count cards are CARD.
_ANSWER_KINDS = {PINNED: kinds.PINNED, ANSWER: kinds.SEARCHED, NOT_FOUND: kinds.NOT_FOUND, REFUSED: kinds.REFUSED}


class Core:
    def __init__(self, knowledge: KnowledgeHandle, pins: PinStore, answers: AnswerLog, *,
                 limiter: Limiter | None = None, clock: Callable[[], datetime] = utc_now,
                 metrics: Metrics = NO_METRICS) -> None:
        self.knowledge = knowledge  # adapters' live reload swaps its searcher
        self.limiter = limiter or RateLimiter(DEFAULT_PER_MINUTE, lambda: clock().timestamp())
        self.metrics = metrics
        matcher = PinMatcher(lambda: _phrases(pins), pins.version)
        self._ctx = Context(knowledge, pins, answers, matcher, clock, metrics)
        self._handlers = {
            "ask": self._ask, "latest": episode_commands.latest, "episode": episode_commands.episode,
            "pin": pinning.pin, "unpin": pinning.unpin, "pins": pinning.pins,
            "help": lambda ctx, inv: Reply(kind=INFO, text=help_text(inv.is_moderator), ephemeral=True),
        }
        missing = COMMAND_NAMES - self._handlers.keys()
        if missing:
            raise RuntimeError(f"commands without a handler: {sorted(missing)}")

    def handle(self, invocation: Invocation) -> Reply:
        began = time.perf_counter()
        reply = self._guarded(f"/{invocation.command}", lambda: self._dispatch(invocation))
        if reply.error_ref:
            self.metrics.failed(invocation.platform, "core")
        if invocation.command == "ask":
            self.metrics.question(invocation.platform, _answer_kind(reply), time.perf_counter() - began)
        return reply

    def feedback(self, platform: str, user_id: str, answer_id: str, helpful: bool) -> Reply:
        return self._guarded("feedback", lambda: self._feedback(platform, user_id, answer_id, helpful))

    # -----------------------------------------------------------------------------
    def _guarded(self, what: str, run: Callable[[], Reply]) -> Reply:
        try:
            return run()
        except UserError as exc:
            return Reply(kind=ERROR, text=str(exc), ephemeral=True)
        except StoreUnavailable as exc:
            ref = new_error_ref()
            log.error("%s failed, the store is unavailable (ref %s): %s", what, ref, exc)
            return Reply(kind=ERROR, text=STORE_DOWN_TEXT.format(ref=ref), ephemeral=True, error_ref=ref)
        except Exception:
            ref = new_error_ref()
            log.exception("%s failed (ref %s)", what, ref)
            return Reply(kind=ERROR, text=f"Something went wrong (ref {ref}). Please try again later; "
                                           "if it keeps happening, tell a moderator the ref.",
                         ephemeral=True, error_ref=ref)

    def _dispatch(self, inv: Invocation) -> Reply:
        check_received(inv.command, inv.text, inv.user_id, inv.user_name, inv.channel_id, inv.thread_id,
                       *(inv.options or {}).values())
        if inv.command not in COMMAND_NAMES:
            raise UserError(f"I don't know the command `{inv.command}`; try `/help`.")
        if command(inv.command).moderator_only and not inv.is_moderator:
            log.info("refused /%s for %s:%s (not a moderator)", inv.command, inv.platform, inv.user_id)
            return Reply(kind=REFUSED, text=f"Only moderators can use /{inv.command}.", ephemeral=True)
        return self._handlers[inv.command](self._ctx, inv)

    def _ask(self, ctx: Context, inv: Invocation) -> Reply:
        question = clean_question(inv.text)
        if not question:
            return Reply(kind=INFO, text=ASK_USAGE, ephemeral=True)
        # Fail open: a member's answer matters more than the budget while the store is down.
        member = f"{inv.platform}:{inv.user_id}"
        wait = ask.unless_store_down("the rate limit", lambda: self.limiter.try_acquire(member))
        if wait:
            per_minute = self.limiter.per_minute
            return Reply(kind=REFUSED, ephemeral=True,
                         text=f"You're asking faster than I can keep up (up to {per_minute} questions a minute). "
                              f"Please try again in {max(1, round(wait))} seconds.")
        return ask.ask(ctx, inv, question)

    def _feedback(self, platform: str, user_id: str, answer_id: str, helpful: bool) -> Reply:
        check_received(platform, user_id, answer_id)
        if not self._ctx.answers.vote(answer_id, platform, user_id, helpful, self._ctx.timestamp()):
            raise UserError("I don't know that answer any more, so I couldn't record your feedback.")
        log.info("feedback on %s by %s:%s: %s", answer_id, platform, user_id, "helpful" if helpful else "not helpful")
        thanks = "Thanks, glad it helped!" if helpful else "Thanks for telling me; moderators will look at it."
        return Reply(kind=INFO, text=thanks, ephemeral=True)


def _answer_kind(reply: Reply) -> str:
    if reply.kind == ERROR:
        return kinds.FAILED if reply.error_ref else kinds.REFUSED   # a bug, or input the core refused
    if reply.kind == INFO and reply.text == ASK_USAGE:
        return kinds.USAGE
    return _ANSWER_KINDS.get(reply.kind, kinds.CARD)


def _phrases(pins: PinStore):
    for pin in pins.all():
        yield pin.pin_id, pin.question
        for alias in pin.aliases:
            yield pin.pin_id, alias.phrase
