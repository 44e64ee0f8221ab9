"""The Slack adapter's own small memory, in its own SQLite file (not the core's store).

- `claim(keys)` / `mark_answered(keys)` / `release(keys)`: de-duplication. Slack re-sends
  events it thinks were not acknowledged (after ~0 s, 1 min, 5 min) and delivers a
  channel mention both as `app_mention` and as `message`; Bolt does not de-duplicate.
  Keys (event id, channel + message ts) are kept for a day, well past the last retry,
  and survive a restart. A key is claimed before the answer and marked answered after a
  delivery, so a process that dies in between does not lose the question: Slack's
  retry of a claim that is unanswered, older than `RETRY_GRACE_SECONDS` and not being
  worked on in this process is processed again (exactly once in practice).
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
# An unanswered claim younger than this may still be in progress elsewhere (Slack's own
# retries come after ~1 and ~5 minutes; answering takes seconds).
RETRY_GRACE_SECONDS = 30
PRUNE_EVERY = 500             # writes between prunes


class SlackState:
    def __init__(self, path: Path, clock=time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()   # one connection, used from the event loop thread
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, claimed_at REAL NOT NULL,"
                         " answered_at REAL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS shared (answer_id TEXT PRIMARY KEY, at REAL NOT NULL,"
                         " message TEXT NOT NULL)")
        self._upgrade_seen()
        self._writes = 0
        self._working: set[str] = set()   # claimed by this process, delivery not finished

    def claim(self, *keys: str) -> bool:
        """Claim the keys for answering; False (claiming nothing) if any of them was answered,
        is being worked on here, or was claimed less than RETRY_GRACE_SECONDS ago."""
        keys = tuple(k for k in keys if k)
        now = self._clock()
        with self._lock:
            if self._working.intersection(keys):
                return False
            self._db.execute("BEGIN IMMEDIATE")
            try:
                placeholders = ", ".join("?" * len(keys))
                blocked = self._db.execute(
                    f"SELECT 1 FROM claims WHERE key IN ({placeholders})"
                    " AND (answered_at IS NOT NULL OR claimed_at > ?) LIMIT 1",
                    (*keys, now - RETRY_GRACE_SECONDS)).fetchone() if keys else None
                if blocked is None:
                    self._db.executemany(
                        "INSERT INTO claims (key, claimed_at) VALUES (?, ?)"
                        " ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at",
                        [(key, now) for key in keys])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            if blocked is not None:
                return False
            self._working.update(keys)
            self._maybe_prune(now)
        return True

    def mark_answered(self, *keys: str) -> None:
        """The answer was delivered: any later retry of these keys is a duplicate."""
        keys = tuple(k for k in keys if k)
        with self._lock:
            self._db.executemany("UPDATE claims SET answered_at = ? WHERE key = ?",
                                 [(self._clock(), key) for key in keys])

    def release(self, *keys: str) -> None:
        """This process stopped working on the keys (answered or not)."""
        with self._lock:
            self._working.difference_update(keys)

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
            self._db.execute("DELETE FROM claims WHERE claimed_at < ?", (now - KEEP_SECONDS,))
            self._db.execute("DELETE FROM shared WHERE at < ?", (now - KEEP_SECONDS,))

    def _upgrade_seen(self) -> None:
        """Keys from the at-most-once `seen` table (older versions) count as answered."""
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seen'").fetchone():
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR IGNORE INTO claims (key, claimed_at, answered_at) SELECT key, at, at FROM seen")
            self._db.execute("DROP TABLE seen")
            self._db.execute("COMMIT")
