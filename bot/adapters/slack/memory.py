"""What the Slack adapter remembers across events, processes and replicas, seen from the
event loop.

The memory itself (de-duplication claims, answers kept for "Share in channel") is handed
in as `state` by the composition root: `bot.store.slack_claims` on the bot's store,
shared by every replica. Its calls may wait on a database, so they run in worker threads
of their own, never on the event loop and never queued behind core calls: the sooner an
answer is marked answered after its delivery, the smaller the window in which a replica
dying would leave its answer unrecorded. When the store can't be used, a question is
still answered (a duplicate is better than silence) and the failure is logged.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from typing import AsyncIterator, Protocol

from bot.errors import StoreUnavailable

log = logging.getLogger(__name__)

STATE_THREADS = 2   # short calls, never behind the core's queue


class SlackState(Protocol):
    refresh_seconds: float   # how often `refresh` must renew a claim being worked on

    def claim(self, *keys: str) -> int: ...   # 0: not ours; 1; >1: taken over from a stopped process
    def refresh(self, *keys: str) -> None: ...
    def mark_answered(self, *keys: str) -> None: ...
    def release(self, *keys: str) -> None: ...
    def remember_answer(self, answer_id: str, message: dict) -> None: ...
    def recall_answer(self, answer_id: str) -> dict | None: ...


class EventMemory:
    def __init__(self, state: SlackState) -> None:
        self.state = state
        self._threads = ThreadPoolExecutor(STATE_THREADS, thread_name_prefix="slack-state")

    async def claim(self, event_id: str | None, keys: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
        """(attempt, keys held): attempt 0 when another delivery has the event; without a
        store, attempt 1 and no keys (answered without de-duplication)."""
        try:
            return await self._call(self.state.claim, *keys), keys
        except StoreUnavailable as exc:
            log.error("answering Slack event %s without de-duplication: %s", event_id, exc)
            return 1, ()

    @asynccontextmanager
    async def working_on(self, keys: tuple[str, ...]) -> AsyncIterator[None]:
        """While answering: the claim is renewed, so a slow answer never looks abandoned to
        another replica; afterwards this process lets go of the keys."""
        renewing = asyncio.create_task(self._renew(keys)) if keys else None
        try:
            yield
        finally:
            if renewing is not None:
                renewing.cancel()
            self.state.release(*keys)

    async def mark_answered(self, keys: tuple[str, ...]) -> None:
        if not keys:
            return
        try:
            await self._call(self.state.mark_answered, *keys)
        except StoreUnavailable as exc:   # the answer is out: no error reply; a late retry may repeat it
            log.error("Slack answer delivered but not marked answered: %s", exc)

    async def remember(self, answer_id: str, message: dict) -> bool:
        """Keep the answer for "Share in channel"; False (no share button) when the store fails."""
        try:
            await self._call(self.state.remember_answer, answer_id, message)
        except StoreUnavailable as exc:
            log.error("answer %s can't be shared, the store is unavailable: %s", answer_id, exc)
            return False
        return True

    async def recall(self, answer_id: str) -> dict | None:
        return await self._call(self.state.recall_answer, answer_id)

    async def _renew(self, keys: tuple[str, ...]) -> None:
        while True:
            await asyncio.sleep(self.state.refresh_seconds)
            try:
                await self._call(self.state.refresh, *keys)
            except StoreUnavailable as exc:
                log.warning("could not renew the claim on %s: %s", keys, exc)

    async def _call(self, call, *args):
        return await asyncio.get_running_loop().run_in_executor(self._threads, partial(call, *args))
