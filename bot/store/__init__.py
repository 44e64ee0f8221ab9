"""Durable and shared state of the bot, behind one interface with two engines.

Pins with their audit trail, the answer log and feedback, Slack de-duplication claims
and shared answers, the announcement log and rate-limit windows: one schema with one
numbered migration scheme (migrations.py), in one SQLite file in the data folder by
default, or in PostgreSQL when `BOT_DATABASE_URL` names a server (for replicas).
"""
from __future__ import annotations

from pathlib import Path

DATABASE_FILE = "bot.sqlite3"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_database(url: str, data_dir: Path):
    """The store `url` names (a PostgreSQL URL), or the SQLite file in `data_dir` when empty.

    Nothing is opened yet: the first use connects and migrates."""
    if url:
        from bot.store.postgres import PostgresDatabase

        return PostgresDatabase(url)
    from bot.store.sqlite import SqliteDatabase

    return SqliteDatabase(Path(data_dir) / DATABASE_FILE)
