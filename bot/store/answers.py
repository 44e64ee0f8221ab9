"""The answer log and feedback on it.

Every reply to a question gets a short id and a row here, so feedback buttons, "pin
this answer" and `/pin ... | last` (the asker's own latest answer) work after a restart and across both services.
The report reads it back: questions that found nothing or were voted not helpful.
The log is written on every answer, so its commits are not flushed to disk one by one
(`durable=False`): a power loss may cost its last few entries, never a crash of the bot.
Feedback is a member's action and is durable.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields, replace

from bot.store.database import Conflict, Database
from bot.models import Moment
from bot.store.pins import MOMENT_COLUMNS, moment_from_row, moment_values

FOUND = "answer"
PINNED = "pinned"
NOT_FOUND = "not_found"
CARDS = "cards"        # episode or person cards: a reply about the archive, no quoted moment


@dataclass(frozen=True)
class LoggedAnswer:
    answer_id: str
    asked_at: str
    platform: str
    channel_id: str
    thread_id: str
    user_id: str
    question: str
    normalized: str
    kind: str
    pin_id: int | None = None
    target: Moment | None = None  # what the reply quoted, as a pin would; None: found nothing


@dataclass(frozen=True)
class ReportLine:
    normalized: str
    example: str          # the latest wording someone used
    not_found: int
    not_helpful: int

    @property
    def total(self) -> int:
        return self.not_found + self.not_helpful


_ANSWER_COLUMNS = tuple(f.name for f in fields(LoggedAnswer) if f.name != "target")
_COLUMNS = _ANSWER_COLUMNS + MOMENT_COLUMNS  # the target is stored flat, beside the answer


_INSERT = f"INSERT INTO answers ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


def new_answer_id() -> str:
    return secrets.token_hex(4)  # 8 characters: short enough to type after /pin


class AnswerLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, answer: LoggedAnswer) -> LoggedAnswer:
        """Store `answer`; on the rare id collision, under a fresh id."""
        for _ in range(5):
            try:
                self.db.write_one(_INSERT, _row_values(answer), durable=False)
                return answer
            except Conflict:
                answer = _with_id(answer, new_answer_id())
        raise RuntimeError("could not allocate an answer id")

    def get(self, answer_id: str) -> LoggedAnswer | None:
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM answers WHERE answer_id = ?", (answer_id,)).fetchone()
        return _row_to_answer(row) if row else None

    def last_for(self, user_id: str, conversation: tuple[str, str, str]) -> LoggedAnswer | None:
        """The bot's latest reply to a question of `user_id` in this conversation, whatever
        it was (a not-found included: "my last answer" then means that nothing was found).

        Only the user's own answers: another member's answer may have been private
        (ephemeral), and "last" must never reach it.
        """
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT * FROM answers WHERE platform = ? AND channel_id = ? AND thread_id = ? AND user_id = ?"
                " ORDER BY asked_at DESC, rowid DESC LIMIT 1",   # PostgreSQL: see migrations' {rowid}
                (*conversation, user_id)).fetchone()
        return _row_to_answer(row) if row else None

    def vote(self, answer_id: str, platform: str, user_id: str, helpful: bool, at: str) -> bool:
        """One vote per user and answer; the latest wins. False when the answer is unknown."""
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM answers WHERE answer_id = ?", (answer_id,)).fetchone() is None:
                return False
            conn.execute("INSERT INTO feedback (answer_id, platform, user_id, helpful, at) VALUES (?, ?, ?, ?, ?)"
                         " ON CONFLICT (answer_id, platform, user_id) DO UPDATE SET helpful = excluded.helpful,"
                         " at = excluded.at", (answer_id, platform, user_id, int(helpful), at))
        return True

    def votes(self, answer_id: str) -> tuple[int, int]:
        with self.db.read() as conn:
            row = conn.execute("SELECT coalesce(sum(helpful), 0) AS helpful, count(*) AS votes"
                               " FROM feedback WHERE answer_id = ?", (answer_id,)).fetchone()
        return row["helpful"], row["votes"] - row["helpful"]

    def report(self, limit: int = 50) -> list[ReportLine]:
        """What to pin next: unanswered or unhelpful questions, most frequent first."""
        with self.db.read() as conn:
            rows = conn.execute("""
                WITH misses AS (
                    SELECT normalized, question, asked_at, 1 AS not_found, 0 AS not_helpful
                      FROM answers WHERE kind = ?
                    UNION ALL
                    SELECT a.normalized, a.question, f.at, 0, 1
                      FROM feedback f JOIN answers a USING (answer_id) WHERE f.helpful = 0)
                SELECT normalized,
                       (SELECT question FROM misses m2 WHERE m2.normalized = m.normalized
                         ORDER BY asked_at DESC LIMIT 1) AS example,
                       sum(not_found) AS not_found, sum(not_helpful) AS not_helpful
                  FROM misses m GROUP BY normalized
                 ORDER BY count(*) DESC, max(asked_at) DESC LIMIT ?""", (NOT_FOUND, limit)).fetchall()
        return [ReportLine(r["normalized"], r["example"], r["not_found"], r["not_helpful"]) for r in rows]


def _row_values(answer: LoggedAnswer) -> list:
    target = answer.target
    return ([getattr(answer, c) for c in _ANSWER_COLUMNS]
            + moment_values(target))


def _row_to_answer(row) -> LoggedAnswer:
    target = moment_from_row(row) if row["quote"] is not None else None
    return LoggedAnswer(**{c: row[c] for c in _ANSWER_COLUMNS}, target=target)


def _with_id(answer: LoggedAnswer, answer_id: str) -> LoggedAnswer:
    return replace(answer, answer_id=answer_id)
