"""The embedded engine's own promises: WAL in a file it creates, kept connections, and
files from older versions migrated forward."""
from __future__ import annotations

import sqlite3

from bot.store.migrations import LATEST, MIGRATIONS, SQLITE_WORDS, statements_for
from bot.store.pins import PinStore
from bot.store.sqlite import SqliteDatabase

AT = "2025-06-01T12:00:00Z"


def test_creates_folder_wal_and_latest_schema(tmp_path):
    db = SqliteDatabase(tmp_path / "new" / "dir" / "bot.sqlite3")
    assert db.schema_version() == LATEST
    with db.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()


def test_connections_are_kept_not_opened_per_operation(tmp_path):
    db = SqliteDatabase(tmp_path / "bot.sqlite3")
    with db.read() as first:
        pass
    for _ in range(5):
        with db.write(durable=False) as again:
            assert again is first   # the same connection: no open, no close checkpoint
    db.close()


def test_migrates_a_version_1_file_forward_keeping_its_pins(tmp_path):
    path = tmp_path / "bot.sqlite3"
    conn = sqlite3.connect(path)
    for statement in statements_for(MIGRATIONS[0], SQLITE_WORDS):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO pins (question, normalized, quote, pinned_by, pinned_by_id, platform, pinned_at)"
                 " VALUES ('Q', 'q', 'see https://x.org', 'bob', 'U2', 'slack', ?)", (AT,))
    conn.commit()
    conn.close()
    db = SqliteDatabase(path)
    assert db.schema_version() == LATEST
    assert [p.question for p in PinStore(db).all()] == ["Q"]
    db.close()
