"""The per-member question budget, kept in the store so it holds across replicas.

One row per member (`platform:user`) with the times of their uses in the last window.
`try_acquire` reads the row and, when the member may go ahead, writes it back only if
nobody changed it meanwhile (compare and set; on a race it reads again), so two replicas
counting the same member can't both let a question through, and a question costs two
single statements, no transaction round trips. The rule itself is `bot.ratelimit.admit`.
Windows are not flushed to disk one by one (`durable=False`): a power loss may forgive a burst.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from bot.ratelimit import WINDOW_SECONDS, admit
from bot.store.database import Database

log = logging.getLogger(__name__)

PRUNE_EVERY = 1000    # uses between deletions of idle members' rows
MAX_RACES = 20        # compare-and-set attempts before giving the member the benefit of the doubt

_INSERT = ("INSERT INTO rate_limit_windows (key, uses, updated_at) VALUES (?, ?, ?)"
           " ON CONFLICT (key) DO NOTHING RETURNING key")
_REPLACE = "UPDATE rate_limit_windows SET uses = ?, updated_at = ? WHERE key = ? AND uses = ? RETURNING key"


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
        for _ in range(MAX_RACES):
            with self.db.read() as s:
                row = s.execute("SELECT uses FROM rate_limit_windows WHERE key = ?", (key,)).fetchone()
            stored = row["uses"] if row else None
            wait, kept = admit([float(at) for at in (stored or "").split()], now, self.per_minute)
            if wait:
                return wait
            uses = " ".join(repr(at) for at in kept)
            written = self.db.write_one(_INSERT, (key, uses, now), durable=False) if stored is None else \
                self.db.write_one(_REPLACE, (uses, now, key, stored), durable=False)
            if written:
                break
        else:
            log.warning("rate limit for %s not counted: the window kept changing under it", key)
        self._prune(now)
        return 0.0

    def _prune(self, now: float) -> None:
        self._uses += 1
        if self._uses % PRUNE_EVERY == 0:
            self.db.write_one("DELETE FROM rate_limit_windows WHERE updated_at < ?", (now - WINDOW_SECONDS,),
                              durable=False)
