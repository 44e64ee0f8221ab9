"""The Slack adapter's own small memory, in its own SQLite file (not the core's store).

- `first_time(keys)`: de-duplication. Slack re-sends events it thinks were not
  acknowledged (after ~0 s, 1 min, 5 min) and delivers a channel mention both as
  `app_mention` and as `message`; Bolt does not de-duplicate. Keys (event id, channel +
  message ts) are kept for a day, well past the last retry, and survive a restart.
- `remember_answer` / `recall_answer`: the rendered private answer, so "Share in
  channel" can post exactly what the asker saw (Slack does not send the content of an
  ephemeral message back with a button click).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

KEEP_SECONDS = 24 * 3600      # > 10 minutes: outlives Slack's last retry with margin
PRUNE_EVERY = 500             # writes between prunes


class SlackState:
    def __init__(self, path: Path, clock=time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()   # one connection, used from the event loop thread
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at REAL NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS shared (answer_id TEXT PRIMARY KEY, at REAL NOT NULL,"
                         " message TEXT NOT NULL)")
        self._writes = 0

    def first_time(self, *keys: str) -> bool:
        """Record the keys; True only if none of them was seen before (atomically)."""
        keys = tuple(k for k in keys if k)
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                fresh = 0
                for key in keys:
                    cur = self._db.execute("INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (key, now))
                    fresh += cur.rowcount
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._maybe_prune(now)
        return fresh == len(keys)

    def remember_answer(self, answer_id: str, message: dict) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO shared (answer_id, at, message) VALUES (?, ?, ?)",
                             (answer_id, self._clock(), json.dumps(message)))
            self._maybe_prune(self._clock())

    def recall_answer(self, answer_id: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT message FROM shared WHERE answer_id = ?", (answer_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _maybe_prune(self, now: float) -> None:
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            self._db.execute("DELETE FROM seen WHERE at < ?", (now - KEEP_SECONDS,))
            self._db.execute("DELETE FROM shared WHERE at < ?", (now - KEEP_SECONDS,))
