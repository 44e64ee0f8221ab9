"""One store, two engines: what every table module uses to read and write.

    with db.read() as s:                      # no transaction: one statement, one snapshot
        row = s.execute("SELECT ... WHERE x = ?", (x,)).fetchone()
    with db.write(durable=False) as s:        # one transaction, committed on leaving
        s.execute("INSERT ...", (...))
    rows = db.write_one("UPDATE ... RETURNING ...", (...), durable=False)   # one statement

SQL is written once with `?` placeholders in the dialect both engines speak (upserts with
`ON CONFLICT`, `RETURNING`); rows are read by column name. Connections are kept in a
pool and reused, so an answer pays for its statements, not for opening files or sockets.

Durability is chosen per write, on purpose: `durable=True` (the default: pins, aliases,
the audit trail, feedback, announcements) is on disk when the commit returns;
`durable=False` (the answer log, pin use counts, rate-limit windows, Slack de-duplication
claims) survives a crash of the bot but may lose its last few commits on a power loss or
an operating-system crash (SQLite `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`).

`lock` names a write that must not run beside another of its kind (PostgreSQL takes an
advisory lock for it; SQLite runs one write at a time anyway): pins, announcements.

Engine errors leave as `StoreUnavailable` (the store can't be used: missing, damaged,
read-only, unreachable) or `Conflict` (a unique key is taken); anything else is a bug.
"""
from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import Any, Iterator, Protocol, Sequence

from bot.errors import StoreUnavailable
from bot.store.migrations import LATEST


class Conflict(Exception):
    """A row with the same unique key exists (e.g. an answer id drawn twice)."""


class Session(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """A cursor: `fetchone()`, `fetchall()`, iteration; rows support row["column"]."""


class Database(ABC):
    engine: str   # "sqlite" or "postgresql"

    def __init__(self) -> None:
        self._ready = False
        self._ready_lock = threading.Lock()
        self._closed = False

    # -- what the table modules use ----------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        self.prepare()
        with self._errors_translated(), self._connection() as conn:
            yield self._session(conn)

    @contextmanager
    def write(self, *, durable: bool = True, lock: str | None = None) -> Iterator[Session]:
        self.prepare()
        with self._errors_translated(), self._connection() as conn, self._transaction(conn, durable, lock):
            yield self._session(conn)

    def write_one(self, sql: str, params: Sequence[Any] = (), *, durable: bool = True) -> list:
        """One statement as a transaction of its own; the rows it returns (RETURNING ...).

        The answer's hot path writes this way: on PostgreSQL a relaxed single statement
        needs no BEGIN and COMMIT round trips."""
        with self.write(durable=durable) as s:
            return fetched(s.execute(sql, params))

    def prepare(self) -> None:
        """Create or migrate the schema once per process (safe with several processes)."""
        if self._closed:
            raise StoreUnavailable(f"{self.describe()} is closed")
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                with self._errors_translated():
                    self._migrate()
                self._ready = True

    def schema_version(self) -> int:
        self.prepare()
        with self._errors_translated(), self._connection() as conn:
            return self._version(conn)

    def check(self, thorough: bool = True) -> str | None:
        """For health checks: None when the store opens, its schema is whole and current,
        and a committed write succeeds; otherwise the one-line reason. `thorough` also
        reads every page of a SQLite file (too slow for a load balancer's frequent probe)."""
        try:
            self.prepare()
            with self._errors_translated():
                problem = self._check_integrity(thorough)
            if problem:
                return f"{self.describe()} is damaged ({problem})"
            version = self.schema_version()
            if version != LATEST:
                return f"{self.describe()} has schema version {version}, expected {LATEST}"
            with self.write() as s:
                s.execute("INSERT INTO store_probe (probe_id, at) VALUES (1, ?) ON CONFLICT (probe_id)"
                          " DO UPDATE SET at = excluded.at", (_now(),))
        except StoreUnavailable as exc:
            return str(exc)
        return None

    def close(self) -> None:
        self._closed = True
        self._close_connections()

    # -- what each engine provides -------------------------------------------------------
    @abstractmethod
    def describe(self) -> str:
        """Where the store is, for logs and health lines (never a password)."""

    @abstractmethod
    def _connection(self): ...

    @abstractmethod
    def _transaction(self, conn, durable: bool, lock: str | None): ...

    @abstractmethod
    def _session(self, conn) -> Session: ...

    @abstractmethod
    def _migrate(self) -> None: ...

    @abstractmethod
    def _version(self, conn) -> int: ...

    @abstractmethod
    def _check_integrity(self, thorough: bool) -> str | None: ...

    @abstractmethod
    def _close_connections(self) -> None: ...

    @abstractmethod
    def _unavailable(self, exc: BaseException) -> bool:
        """Is `exc` the engine saying the store can't be used (rather than a bug)?"""

    @abstractmethod
    def _conflict(self, exc: BaseException) -> bool: ...

    @contextmanager
    def _errors_translated(self) -> Iterator[None]:
        try:
            yield
        except (StoreUnavailable, Conflict):
            raise
        except Exception as exc:
            if self._conflict(exc):
                raise Conflict(str(exc)) from exc
            if self._unavailable(exc):
                raise StoreUnavailable(f"{self.describe()}: {first_line(exc)}") from exc
            raise


def fetched(cursor) -> list:
    """The rows of a statement that returns rows, else []."""
    return cursor.fetchall() if cursor.description else []


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
