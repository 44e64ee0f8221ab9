"""The embedded engine: one SQLite file in the data folder, the default (no setting).

Several processes (the Slack and Discord services) may share the file: WAL lets readers
run during a write, `BEGIN IMMEDIATE` takes the write lock up front (no upgrade
deadlocks), and a generous busy timeout makes concurrent writers queue instead of fail.
Connections are kept (at most `POOL_SIZE` idle) and handed to one thread at a time, so a
question no longer opens and closes the file, and so no longer checkpoints and fsyncs it.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.errors import StoreUnavailable
from bot.store.database import Database
from bot.store.legacy import carry_over
from bot.store.migrations import LATEST, MIGRATIONS, SQLITE_WORDS, TABLES, statements_for

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 8
_SYNCHRONOUS = {True: "FULL", False: "NORMAL"}   # durable commit: fsync the WAL at every commit
_BROKEN = (sqlite3.OperationalError, sqlite3.InternalError, OSError)


class _Connection(sqlite3.Connection):
    synchronous: str | None = None   # the level last set on this connection


class SqliteDatabase(Database):
    engine = "sqlite"

    def __init__(self, path: Path, pool_size: int = POOL_SIZE) -> None:
        super().__init__()
        self.path = Path(path)
        self._pool_size = pool_size
        self._idle: list[_Connection] = []
        self._idle_lock = threading.Lock()

    def describe(self) -> str:
        return f"SQLite store {self.path}"

    # -- connections -------------------------------------------------------------------
    def _open(self) -> _Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False, factory=_Connection)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _connection(self) -> Iterator[_Connection]:
        with self._idle_lock:
            conn = self._idle.pop() if self._idle else None
        conn = conn or self._open()
        try:
            yield conn
        except BaseException as exc:
            if self._unavailable(exc) or conn.in_transaction:
                conn.close()   # never hand on a connection in an unknown state
            else:
                self._give_back(conn)
            raise
        self._give_back(conn)

    def _give_back(self, conn: _Connection) -> None:
        with self._idle_lock:
            if not self._closed and len(self._idle) < self._pool_size:
                self._idle.append(conn)
                return
        conn.close()

    def _close_connections(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    @contextmanager
    def _transaction(self, conn: _Connection, durable: bool, lock: str | None) -> Iterator[None]:
        level = _SYNCHRONOUS[durable]
        if conn.synchronous != level:
            conn.execute(f"PRAGMA synchronous = {level}")
            conn.synchronous = level
        conn.execute("BEGIN IMMEDIATE")   # SQLite writes one at a time: `lock` needs nothing more
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        conn.execute("COMMIT")

    def _session(self, conn: _Connection) -> _Connection:
        return conn   # sqlite3 speaks `?` and rows are read by name

    # -- schema ----------------------------------------------------------------------
    def _migrate(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise StoreUnavailable(f"{self.describe()}: {self.path.parent} is not a folder") from None
        except OSError as exc:
            raise StoreUnavailable(f"{self.describe()}: its folder can't be created ({exc.strerror})") from None
        conn = self._open()
        try:
            conn.execute("PRAGMA journal_mode = WAL")   # persistent: set once per file
            conn.execute("BEGIN IMMEDIATE")             # two services starting together migrate once
            try:
                self._apply_migrations(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _apply_migrations(self, conn: _Connection) -> None:
        current = self._version(conn)
        if current > LATEST:
            raise StoreUnavailable(f"{self.describe()} has schema version {current}, newer than this bot ({LATEST})")
        for version in range(current + 1, LATEST + 1):
            migration = MIGRATIONS[version - 1]
            for statement in statements_for(migration, SQLITE_WORDS):
                conn.execute(statement)
            if migration.carry_over:
                carry_over(conn, migration.carry_over, self.path.parent)
            conn.execute(f"PRAGMA user_version = {version}")
            log.info("migrated %s to schema version %d", self.path, version)

    def _version(self, conn: _Connection) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_integrity(self, thorough: bool) -> str | None:
        with self._connection() as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0] if thorough else "ok"
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if verdict != "ok":
            return verdict
        missing = sorted(set(TABLES) - tables)
        return f"tables missing: {', '.join(missing)}" if missing else None

    # -- errors ------------------------------------------------------------------------
    def _unavailable(self, exc: BaseException) -> bool:
        # A bare DatabaseError is SQLite's "file is not a database" / "disk image is malformed".
        return isinstance(exc, _BROKEN) or type(exc) is sqlite3.DatabaseError

    def _conflict(self, exc: BaseException) -> bool:
        return getattr(exc, "sqlite_errorname", "") in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
