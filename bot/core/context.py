"""What every command handler may use: passed in once by `Core`, never looked up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from bot.knowledge_handle import KnowledgeHandle
from bot.metrics import NO_METRICS, Metrics
from bot.models import Invocation
from bot.store.answers import AnswerLog
from bot.store.pins import Actor, PinStore
from bot.core.matching import PinMatcher


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Context:
    knowledge: KnowledgeHandle
    pins: PinStore
    answers: AnswerLog
    matcher: PinMatcher
    clock: Callable[[], datetime]
    metrics: Metrics = NO_METRICS

    def timestamp(self) -> str:
        """Now as stored: ISO 8601 UTC to the second, sortable as text."""
        return self.clock().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def actor_of(invocation: Invocation) -> Actor:
    return Actor(invocation.platform, invocation.user_id, invocation.user_name or invocation.user_id)
