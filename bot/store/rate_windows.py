"""The per-member question budget, kept in the store so it holds across replicas.

One row per member (`platform:user`) with the times of their uses in the last window.
`try_acquire` reads and rewrites that row in one transaction; the first statement is an
upsert, which locks the row on PostgreSQL, so two replicas counting the same member
queue instead of both letting a question through. The rule itself is `bot.ratelimit.admit`.
Windows are not flushed to disk one by one (`durable=False`): a power loss may forgive a burst.
"""
from __future__ import annotations

import time
from typing import Callable

from bot.ratelimit import WINDOW_SECONDS, admit
from bot.store.database import Database

PRUNE_EVERY = 1000    # uses between deletions of idle members' rows

_LOCK_ROW = ("INSERT INTO rate_limit_windows (key, uses, updated_at) VALUES (?, '', ?)"
             " ON CONFLICT (key) DO UPDATE SET uses = rate_limit_windows.uses RETURNING uses")


class RateLimitWindows:
    def __init__(self, db: Database, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.per_minute = per_minute
        self._clock = clock
        self._uses = 0

    def try_acquire(self, key: str) -> float:
        """0 when `key` may go ahead (and the use is counted), else seconds to wait."""
        if self.per_minute <= 0:   # 0 turns the limit off: no store round trip at all
            return 0.0
        now = self._clock()
        with self.db.write(durable=False) as s:
            stored = s.execute(_LOCK_ROW, (key, now)).fetchone()["uses"]
            wait, kept = admit([float(at) for at in stored.split()], now, self.per_minute)
            s.execute("UPDATE rate_limit_windows SET uses = ?, updated_at = ? WHERE key = ?",
                      (" ".join(repr(at) for at in kept), now, key))
        self._uses += 1
        if self._uses % PRUNE_EVERY == 0:
            with self.db.write(durable=False) as s:
                s.execute("DELETE FROM rate_limit_windows WHERE updated_at < ?", (now - WINDOW_SECONDS,))
        return wait
