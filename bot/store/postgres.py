"""The server engine: PostgreSQL through psycopg 3 and its connection pool, for replicas.

`BOT_DATABASE_URL=postgresql://user:password@host:5432/dbname` puts the whole store
there, so several Slack replicas and the Discord bot share one truth. Differences from
SQLite that the store relies on, and how they are met here:

- writes that read then decide (pins, announcements) take a transaction-scoped advisory
  lock named by the caller, as SQLite's single writer would serialise them;
- the session default is `synchronous_commit=off`; a durable write turns it on for its
  own transaction (see database.py for which writes are which);
- a pooled connection idle for more than `CHECK_AFTER_SECONDS` is checked before it is
  handed out, so one that died while idle (a server restart) is replaced instead of
  failing a question, while a busy service pays no extra round trip;
- a write's statements go out in pipeline mode: BEGIN, the statements and COMMIT travel
  together, and only a statement whose result is read waits for the server;
- when the server can't be reached, the store fails fast for `DOWN_SECONDS` instead of
  making every question wait for a connection timeout, then opens a fresh pool (after a
  look with one plain connection, so an unreachable server is reported at once).
"""
from __future__ import annotations

import functools
import hashlib
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, Sequence
from urllib.parse import urlsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from bot.errors import StoreUnavailable
from bot.store.database import Database, fetched, first_line
from bot.store.migrations import LATEST, MIGRATIONS, POSTGRES_WORDS, TABLES, statements_for

POOL_MAX = 8            # per process: the core's worker threads plus the Slack de-duplication calls
WAIT_SECONDS = 5.0      # for a free or a new connection
CONNECT_TIMEOUT = 5     # seconds, per connection attempt
DOWN_SECONDS = 5.0      # after failing to connect, fail fast this long
CHECK_AFTER_SECONDS = 2.0   # a connection idle longer than this is checked before use
MIGRATION_LOCK = "store-migrations"

_UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout, PoolClosed,
                pg_errors.ReadOnlySqlTransaction, pg_errors.InsufficientPrivilege, pg_errors.UndefinedTable)


class PostgresDatabase(Database):
    engine = "postgresql"

    def __init__(self, url: str, pool_max: int = POOL_MAX, wait_seconds: float = WAIT_SECONDS,
                 down_seconds: float = DOWN_SECONDS) -> None:
        super().__init__()
        self.url = url
        self._pool_max = pool_max
        self._wait_seconds = wait_seconds
        self._down_seconds = down_seconds
        self._pool: ConnectionPool | None = None
        self._pool_lock = threading.Lock()
        self._down_until = 0.0
        self._down_reason = ""
        self._last_used: dict[int, float] = {}   # id(connection) -> when it went back to the pool

    def describe(self) -> str:
        return f"PostgreSQL store {address(self.url)}"

    def write_one(self, sql: str, params: Sequence[Any] = (), *, durable: bool = True) -> list:
        if durable:   # needs its own transaction to turn synchronous_commit on
            return super().write_one(sql, params, durable=durable)
        self.prepare()
        with self._errors_translated(), self._connection() as conn:   # autocommit: one statement, one transaction
            return fetched(self._session(conn).execute(sql, params))

    # -- connections -------------------------------------------------------------------
    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        pool = self._get_pool()
        try:
            conn = pool.getconn()
        except PoolTimeout as exc:
            reason = self._why_unreachable()
            if reason is None:   # the server is there: every connection is busy
                raise StoreUnavailable(f"{self.describe()}: no free connection ({first_line(exc)})") from None
            self._went_away(pool, reason)
            raise StoreUnavailable(f"{self.describe()}: {reason}") from None
        try:
            yield conn
        except BaseException:
            if conn.broken and (reason := self._why_unreachable()):
                self._went_away(pool, reason)
            raise
        finally:
            if len(self._last_used) > 4 * self._pool_max:   # connections the pool replaced (max_lifetime)
                self._last_used.clear()
            self._last_used[id(conn)] = time.monotonic()
            pool.putconn(conn)   # the pool rolls back, or discards a broken connection

    def _get_pool(self) -> ConnectionPool:
        with self._pool_lock:
            if self._closed:
                raise StoreUnavailable(f"{self.describe()} is closed")
            if self._pool is not None:
                return self._pool
            # Look before opening a pool: a pool waits `wait_seconds` for a server that refuses at once.
            if time.monotonic() >= self._down_until and (reason := self._why_unreachable()):
                self._mark_down(reason)
            if time.monotonic() < self._down_until:
                raise StoreUnavailable(f"{self.describe()}: {self._down_reason} (retrying in a few seconds)")
            self._pool = ConnectionPool(
                self.url, min_size=1, max_size=self._pool_max, timeout=self._wait_seconds, open=False,
                name="bot-store", configure=_configure, check=self._check_if_idle,
                kwargs={"autocommit": True, "row_factory": dict_row, "connect_timeout": CONNECT_TIMEOUT,
                        "application_name": "podcast-answer-bot"})
            self._pool.open(wait=False)
            return self._pool

    def _check_if_idle(self, conn: psycopg.Connection) -> None:
        if time.monotonic() - self._last_used.get(id(conn), 0.0) > CHECK_AFTER_SECONDS:
            ConnectionPool.check_connection(conn)

    def _went_away(self, pool: ConnectionPool, reason: str) -> None:
        """The server can't be reached: fail fast for `down_seconds`, then start a fresh pool
        (the old one's reconnection backs off for longer than a short outage lasts)."""
        with self._pool_lock:
            self._mark_down(reason)
            if self._pool is pool:
                self._pool = None
        threading.Thread(target=pool.close, name="bot-store-close", daemon=True).start()

    def _mark_down(self, reason: str) -> None:
        self._down_reason = reason
        self._down_until = time.monotonic() + self._down_seconds

    def _why_unreachable(self) -> str | None:
        """None when a new connection can be made now, else the server's (or network's) reason."""
        try:
            with psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT, autocommit=True):
                return None
        except psycopg.Error as exc:
            return first_line(exc)

    def _close_connections(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    @contextmanager
    def _transaction(self, conn: psycopg.Connection, durable: bool, lock: str | None) -> Iterator[None]:
        with conn.transaction():
            if durable:
                conn.execute("SET LOCAL synchronous_commit = on")
            if lock:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(lock),))
            yield

    def _session(self, conn: psycopg.Connection) -> "_Session":
        return _Session(conn)

    # -- schema ----------------------------------------------------------------------
    def _migrate(self) -> None:
        with self._connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(MIGRATION_LOCK),))  # replicas migrate once
            conn.execute("CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL)")
            current = self._version(conn)
            if current > LATEST:
                raise StoreUnavailable(f"{self.describe()} has schema version {current}, "
                                       f"newer than this bot ({LATEST})")
            for version in range(current + 1, LATEST + 1):
                for statement in statements_for(MIGRATIONS[version - 1], POSTGRES_WORDS):
                    conn.execute(statement)
            if current < LATEST:
                conn.execute("DELETE FROM store_schema")
                conn.execute("INSERT INTO store_schema (version) VALUES (%s)", (LATEST,))

    def _version(self, conn: psycopg.Connection) -> int:
        row = conn.execute("SELECT max(version) AS version FROM store_schema").fetchone()
        return row["version"] or 0

    def _check_integrity(self, thorough: bool) -> str | None:
        with self._connection() as conn:
            rows = conn.execute("SELECT table_name FROM information_schema.tables"
                                " WHERE table_schema = current_schema()").fetchall()
        missing = sorted(set(TABLES) - {r["table_name"] for r in rows})
        return f"tables missing: {', '.join(missing)}" if missing else None

    # -- errors ------------------------------------------------------------------------
    def _unavailable(self, exc: BaseException) -> bool:
        return isinstance(exc, _UNAVAILABLE)

    def _conflict(self, exc: BaseException) -> bool:
        return isinstance(exc, pg_errors.UniqueViolation)


class _Session:
    """The store's `?` placeholders, as psycopg's `%s`."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        return self._conn.execute(_placeholders(sql), params)

    def executemany(self, sql: str, rows) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)


@functools.lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def _configure(conn: psycopg.Connection) -> None:
    conn.execute("SET synchronous_commit = off")   # durable writes turn it on for themselves


def lock_key(name: str) -> int:
    """A stable 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def address(url: str) -> str:
    """host:port/dbname, for logs and health lines: never the user or the password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"
