"""The bot's SQLite file: opened per operation, WAL mode, numbered migrations.

One file holds pins, their audit trail, the answer log and feedback: one schema
version, one file to back up, and pinning a logged answer reads and writes one place.
Slack and Discord run as two processes on the same file; WAL lets readers run during a
write, `BEGIN IMMEDIATE` plus a generous busy timeout makes concurrent writers queue
instead of failing, and `synchronous=FULL` makes every commit survive a crash.
A connection per operation keeps the store safe to use from several threads.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000

# Append only: a migration that shipped is never edited. Index + 1 is its version.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE pins (
            pin_id INTEGER PRIMARY KEY AUTOINCREMENT,
            question TEXT NOT NULL,
            normalized TEXT NOT NULL,
            doc_id TEXT, start INTEGER, quote TEXT NOT NULL,
            speaker TEXT, chapter TEXT, title TEXT, code TEXT, released TEXT, url TEXT,
            pinned_by TEXT NOT NULL, pinned_by_id TEXT NOT NULL, platform TEXT NOT NULL,
            pinned_at TEXT NOT NULL,
            uses INTEGER NOT NULL DEFAULT 0, last_used_at TEXT)""",
        "CREATE UNIQUE INDEX pins_normalized ON pins(normalized)",
        """CREATE TABLE pin_aliases (
            alias_id INTEGER PRIMARY KEY AUTOINCREMENT,
            pin_id INTEGER NOT NULL REFERENCES pins(pin_id) ON DELETE CASCADE,
            phrase TEXT NOT NULL, normalized TEXT NOT NULL,
            added_by TEXT NOT NULL, added_at TEXT NOT NULL)""",
        "CREATE UNIQUE INDEX pin_aliases_normalized ON pin_aliases(normalized)",
        """CREATE TABLE pin_audit (
            audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL, platform TEXT NOT NULL, actor_id TEXT NOT NULL,
            actor_name TEXT NOT NULL, action TEXT NOT NULL, pin_id INTEGER,
            detail TEXT NOT NULL)""",
    ),
    (
        """CREATE TABLE answers (
            answer_id TEXT PRIMARY KEY,
            asked_at TEXT NOT NULL, platform TEXT NOT NULL, channel_id TEXT NOT NULL,
            thread_id TEXT NOT NULL, user_id TEXT NOT NULL,
            question TEXT NOT NULL, normalized TEXT NOT NULL, kind TEXT NOT NULL,
            pin_id INTEGER, doc_id TEXT, start INTEGER, quote TEXT,
            speaker TEXT, chapter TEXT, title TEXT, code TEXT, released TEXT, url TEXT)""",
        "CREATE INDEX answers_conversation ON answers(platform, channel_id, thread_id, asked_at)",
        "CREATE INDEX answers_kind ON answers(kind)",
        """CREATE TABLE feedback (
            answer_id TEXT NOT NULL REFERENCES answers(answer_id) ON DELETE CASCADE,
            platform TEXT NOT NULL, user_id TEXT NOT NULL,
            helpful INTEGER NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (answer_id, platform, user_id))""",
    ),
    (
        # `/pin ... | last` looks up the asker's own latest answer in a conversation.
        "CREATE INDEX answers_asker ON answers(platform, channel_id, thread_id, user_id, asked_at)",
    ),
)


class Database:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False
        self._lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        self._ensure_ready()
        return self._open()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that takes the write lock up front (no upgrade deadlocks)."""
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def schema_version(self) -> int:
        with self.read() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._open()
            try:
                conn.execute("PRAGMA journal_mode = WAL")  # persistent: set once per file
                _migrate(conn, self.path)
            finally:
                conn.close()
            self._ready = True


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("BEGIN IMMEDIATE")  # two services starting together migrate once
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > len(MIGRATIONS):
            raise RuntimeError(f"{path} has schema version {current}, newer than this bot ({len(MIGRATIONS)})")
        for version in range(current + 1, len(MIGRATIONS) + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            log.info("migrated %s to schema version %d", path, version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
