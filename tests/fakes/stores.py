"""The store on both engines for tests: a real SQLite file, a real PostgreSQL server.

PostgreSQL is the server at $BOT_TEST_POSTGRES_URL (default postgresql://127.0.0.1:5432/test,
what this project's machines and CI run). Each test run creates a database of its own and
drops it at the end; each test gets a fresh schema in it. Without a reachable server the
PostgreSQL tests are skipped with the reason, unless BOT_REQUIRE_POSTGRES=1 (set by
.ci/run): then they fail, so CI can't pass without running them.

Conftests import the fixtures they need from here:

    from tests.fakes.stores import engine, open_db, db, postgres_run, postgres_url  # noqa: F401
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from bot.store.postgres import PostgresDatabase
from bot.store.sqlite import SqliteDatabase

SERVER_URL = os.environ.get("BOT_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
ENGINES = ("sqlite", "postgresql")


def with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", parts.query, ""))


def with_schema(url: str, schema: str) -> str:
    """The URL with `search_path` set to `schema`: every table the store makes lands there."""
    parts = urlsplit(url)
    options = "options=" + quote(f"-c search_path={schema}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(filter(None, (parts.query, options))), ""))


def admin(url: str = SERVER_URL):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


@dataclass
class RunDatabase:
    url: str
    name: str

    def new_schema(self) -> tuple[str, str]:
        schema = f"t_{secrets.token_hex(4)}"
        with admin(self.url) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return schema, with_schema(self.url, schema)

    def drop_schema(self, schema: str) -> None:
        with admin(self.url) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    def new_database(self) -> str:
        """A database of its own, for a test that takes it away; dropped with the run's."""
        name = f"{self.name}_{secrets.token_hex(3)}"
        with admin() as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return with_database(SERVER_URL, name)


def drop_database(name: str) -> None:
    with admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def postgres_run():
    """A database for this test run on the test server (skipped or failed when unreachable)."""
    try:
        with admin() as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any reason to not reach it is reported
        reason = f"no PostgreSQL server at {urlsplit(SERVER_URL).netloc} ({str(exc).strip().splitlines()[0]})"
        if os.environ.get("BOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason}; BOT_REQUIRE_POSTGRES=1 says it must be there")
        pytest.skip(f"{reason}; set BOT_TEST_POSTGRES_URL to run the PostgreSQL tests")
    name = f"bot_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin() as conn:
        conn.execute(f"CREATE DATABASE {name}")
    run = RunDatabase(with_database(SERVER_URL, name), name)
    yield run
    with admin() as conn:
        extra = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                            (f"{name}\\_%",))]
    for database in [*extra, name]:
        drop_database(database)


@pytest.fixture
def postgres_url(postgres_run):
    """A fresh, empty schema for one test, as a store URL."""
    schema, url = postgres_run.new_schema()
    yield url
    postgres_run.drop_schema(schema)


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture
def open_db(engine, tmp_path: Path, request):
    """Opens another handle on the test's store, as another process or replica would."""
    url = request.getfixturevalue("postgres_url") if engine == "postgresql" else None
    handles = []

    def open_():
        db = PostgresDatabase(url) if url else SqliteDatabase(tmp_path / "data" / "bot.sqlite3")
        handles.append(db)
        return db
    yield open_
    for handle in handles:
        handle.close()


@pytest.fixture
def db(open_db):
    return open_db()
