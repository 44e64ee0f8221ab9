"""Per-member question budget: at most N questions in any 60-second window.

A limiter offers `try_acquire(key) -> seconds to wait` (0: go ahead, and the use is
counted) and `per_minute`. The rule is `admit`; where the window lives is the limiter's
business: `bot.store.rate_windows` keeps it in the store, so it holds across processes
and replicas (what the services use); `RateLimiter` here keeps it in memory, for one
process with no store (tests, tools). The clock is injected so tests need no sleeps.
"""
from __future__ import annotations

import threading
from typing import Callable, Hashable, Protocol

WINDOW_SECONDS = 60.0
DEFAULT_PER_MINUTE = 5


class Limiter(Protocol):
    per_minute: int

    def try_acquire(self, key: str) -> float: ...


def admit(uses: list[float], now: float, per_minute: int) -> tuple[float, list[float]]:
    """(seconds to wait, the uses to keep): 0 and `now` added when the window has room."""
    recent = [at for at in uses if at > now - WINDOW_SECONDS]
    if per_minute <= 0:   # 0 turns the limit off
        return 0.0, recent
    if len(recent) >= per_minute:
        return max(min(recent) + WINDOW_SECONDS - now, 0.001), recent
    return 0.0, recent + [now]


class RateLimiter:
    """The window in this process's memory."""

    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._recent: dict[Hashable, list[float]] = {}
        self._lock = threading.Lock()

    def try_acquire(self, key: Hashable) -> float:
        if self.per_minute <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            wait, self._recent[key] = admit(self._recent.get(key, []), now, self.per_minute)
            self._prune(now)
            return wait

    def _prune(self, now: float) -> None:
        """Forget idle users now and then so the map doesn't grow forever."""
        if len(self._recent) > 10_000:
            idle = [k for k, uses in self._recent.items() if not uses or uses[-1] <= now - WINDOW_SECONDS]
            for key in idle:
                del self._recent[key]
