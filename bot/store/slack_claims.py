"""The Slack adapter's memory, shared by every replica: de-duplication and shared answers.

- `claim(keys)` / `mark_answered(keys)` / `release(keys)`: de-duplication. Slack re-sends
  events it thinks were not acknowledged (after ~0 s, 1 min, 5 min) and delivers a
  channel mention both as `app_mention` and as `message`, to whichever replica the load
  balancer picks; Bolt does not de-duplicate. Keys (event id, channel + message ts) are
  kept for a day, well past the last retry, and survive restarts. A key is claimed before
  the answer and marked answered after a delivery, so a replica that dies in between does
  not lose the question: Slack's retry of a claim that is unanswered, older than
  `RETRY_GRACE_SECONDS` and not being worked on in this process is answered (by any
  replica; exactly once in practice). While a process works on a claim it `refresh`es it
  every third of the grace, so a slow answer is never taken over by another replica:
  only a claim whose process stopped (died) grows old.
- `remember_answer` / `recall_answer`: the rendered private answer, so "Share in
  channel" can post exactly what the asker saw (Slack does not send the content of an
  ephemeral message back with a button click), whichever replica gets the click.

Claiming is one upsert of all keys that only takes a key that is free (new, or
unanswered and older than the grace), in a transaction that is rolled back unless every
key was taken: all or none. Keys go in sorted order, so two replicas claiming a mention
and its twin wait for each other instead of deadlocking. Claims are not flushed to disk one by one
(`durable=False`): a power loss may forget the last few, which at worst answers a retry twice.
"""
from __future__ import annotations

import json
import threading
import time

from bot.store.database import Database, Session

KEEP_SECONDS = 24 * 3600      # > 10 minutes: outlives Slack's last retry with margin
# An unanswered claim younger than this may still be in progress elsewhere (Slack's own
# retries come after ~1 and ~5 minutes; answering takes seconds).
RETRY_GRACE_SECONDS = 30
PRUNE_EVERY = 500             # writes between prunes

_TAKE = ("INSERT INTO slack_claims (key, claimed_at) VALUES {values}"
         " ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at, attempts = slack_claims.attempts + 1"
         " WHERE slack_claims.answered_at IS NULL AND slack_claims.claimed_at <= ?"
         " RETURNING key, attempts")


def _take(s: Session, keys: tuple[str, ...], now: float, free_before: float) -> list:
    """The keys this upsert took (all of them when every one was free)."""
    params = [value for key in keys for value in (key, now)] + [free_before]
    return s.execute(_TAKE.format(values=", ".join("(?, ?)" for _ in keys)), params).fetchall()


class _Taken(Exception):
    """Some key was not free: roll the whole claim back."""


class SlackClaims:
    def __init__(self, db: Database, clock=time.time, retry_grace_seconds: float = RETRY_GRACE_SECONDS) -> None:
        self.db = db
        self._clock = clock
        self._grace = retry_grace_seconds
        self.refresh_seconds = retry_grace_seconds / 3   # how often a claim being worked on is renewed
        self._lock = threading.Lock()
        self._working: set[str] = set()   # claimed by this process, delivery not finished
        self._writes = 0

    def claim(self, *keys: str) -> int:
        """Claim the keys for answering: the attempt number (1, or more when taken over from a
        process that stopped, whose answer may already be out); 0, claiming nothing, if any
        key was answered, is being worked on here, or was claimed less than the grace ago."""
        keys = tuple(sorted({k for k in keys if k}))
        if not keys:
            return 1
        with self._lock:
            if self._working.intersection(keys):
                return False
            self._working.update(keys)   # a twin arriving here meanwhile waits for this one
        now = self._clock()
        try:
            with self.db.write(durable=False) as s:
                taken = _take(s, keys, now, free_before=now - self._grace)
                if len(taken) < len(keys):
                    raise _Taken
        except BaseException as exc:
            self.release(*keys)
            if isinstance(exc, _Taken):
                return 0
            raise
        self._maybe_prune(now)
        return max(row["attempts"] for row in taken)

    def refresh(self, *keys: str) -> None:
        """Still working on these keys: keep them from looking abandoned to other replicas."""
        keys = tuple(k for k in keys if k)
        if keys:
            self.db.write_one(f"UPDATE slack_claims SET claimed_at = ? WHERE answered_at IS NULL AND key IN"
                              f" ({', '.join('?' for _ in keys)})", (self._clock(), *keys), durable=False)

    def mark_answered(self, *keys: str) -> None:
        """The answer was delivered: any later retry of these keys is a duplicate."""
        keys = tuple(k for k in keys if k)
        if keys:
            self.db.write_one(f"UPDATE slack_claims SET answered_at = ? WHERE key IN ({', '.join('?' for _ in keys)})",
                              (self._clock(), *keys), durable=False)

    def release(self, *keys: str) -> None:
        """This process stopped working on the keys (answered or not)."""
        with self._lock:
            self._working.difference_update(keys)

    def remember_answer(self, answer_id: str, message: dict) -> None:
        now = self._clock()
        self.db.write_one("INSERT INTO slack_shared_answers (answer_id, at, message) VALUES (?, ?, ?)"
                          " ON CONFLICT (answer_id) DO UPDATE SET at = excluded.at, message = excluded.message",
                          (answer_id, now, json.dumps(message)), durable=False)
        self._maybe_prune(now)

    def recall_answer(self, answer_id: str) -> dict | None:
        with self.db.read() as s:
            row = s.execute("SELECT message FROM slack_shared_answers WHERE answer_id = ?", (answer_id,)).fetchone()
        return json.loads(row["message"]) if row else None

    def _maybe_prune(self, now: float) -> None:
        with self._lock:
            self._writes += 1
            if self._writes % PRUNE_EVERY:
                return
        with self.db.write(durable=False) as s:
            s.execute("DELETE FROM slack_claims WHERE claimed_at < ?", (now - KEEP_SECONDS,))
            s.execute("DELETE FROM slack_shared_answers WHERE at < ?", (now - KEEP_SECONDS,))
