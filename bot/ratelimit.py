"""Per-user question budget: at most N questions in any 60-second window.

In memory on purpose: each service answers its own platform's users, and a restart
forgiving a burst is harmless. The clock is injected so tests need no sleeps.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import Callable, Hashable

WINDOW_SECONDS = 60.0
DEFAULT_PER_MINUTE = 5


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._recent: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def try_acquire(self, key: Hashable) -> float:
        """0 when `key` may go ahead (and the use is counted), else seconds to wait."""
        if self.per_minute <= 0:  # 0 turns the limit off
            return 0.0
        now = self._clock()
        with self._lock:
            recent = self._recent.setdefault(key, deque())
            while recent and recent[0] <= now - WINDOW_SECONDS:
                recent.popleft()
            if len(recent) >= self.per_minute:
                return max(recent[0] + WINDOW_SECONDS - now, 0.001)
            recent.append(now)
            self._prune(now)
            return 0.0

    def _prune(self, now: float) -> None:
        """Forget idle users now and then so the map doesn't grow forever."""
        if len(self._recent) > 10_000:
            idle = [k for k, q in self._recent.items() if not q or q[-1] <= now - WINDOW_SECONDS]
            for key in idle:
                del self._recent[key]
