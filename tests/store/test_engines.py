"""What every engine promises the table modules (each test runs on SQLite and PostgreSQL):
one numbered schema, transactions that commit whole or not at all, durability chosen
per write, unique keys reported as conflicts, and a health check that finds damage."""
from __future__ import annotations

import threading

import pytest

from bot.errors import StoreUnavailable
from bot.store.database import Conflict
from bot.store.migrations import LATEST, TABLES
from bot.store.pins import PinStore


def test_a_new_store_gets_the_latest_schema_and_is_healthy(db):
    assert db.schema_version() == LATEST
    assert db.check() is None


def test_replicas_starting_together_migrate_once(open_db):
    handles = [open_db() for _ in range(4)]
    errors = []

    def start(handle):
        try:
            handle.prepare()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
    threads = [threading.Thread(target=start, args=(h,)) for h in handles]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and {h.schema_version() for h in handles} == {LATEST}


def test_a_write_that_fails_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        with db.write() as s:
            s.execute("INSERT INTO store_probe (probe_id, at) VALUES (7, 'x')")
            raise RuntimeError("changed my mind")
    with db.read() as s:
        assert s.execute("SELECT count(*) AS n FROM store_probe").fetchone()["n"] == 0


def test_a_taken_unique_key_is_a_conflict_and_the_store_goes_on(db):
    with db.write() as s:
        s.execute("INSERT INTO store_probe (probe_id, at) VALUES (1, 'x')")
    with pytest.raises(Conflict):
        with db.write() as s:
            s.execute("INSERT INTO store_probe (probe_id, at) VALUES (1, 'y')")
    with db.read() as s:
        assert s.execute("SELECT at FROM store_probe").fetchone()["at"] == "x"


def test_durability_is_chosen_per_write(db):
    """Durable writes flush at commit; relaxed ones (answer log, claims, windows) don't."""
    def flushed(durable: bool) -> bool:
        with db.write(durable=durable) as s:
            if db.engine == "sqlite":
                return s.execute("PRAGMA synchronous").fetchone()[0] == 2   # FULL
            return s.execute("SHOW synchronous_commit").fetchone()["synchronous_commit"] == "on"
    assert flushed(True) and not flushed(False) and flushed(True)


def test_refuses_a_store_from_a_newer_bot(db, open_db):
    db.prepare()
    with db.write() as s:
        if db.engine == "sqlite":
            s.execute("PRAGMA user_version = 99")
        else:
            s.execute("UPDATE store_schema SET version = 99")
    with pytest.raises(StoreUnavailable, match="newer"):
        PinStore(open_db()).all()


def test_the_health_check_finds_a_missing_table(db):
    db.prepare()
    with db.write() as s:
        s.execute("DROP TABLE slack_shared_answers")
    assert "tables missing: slack_shared_answers" in db.check()


def test_every_table_is_named_once_in_copy_order(db):
    db.prepare()
    assert len(set(TABLES)) == len(TABLES)
    with db.read() as s:
        for table in TABLES:
            s.execute(f"SELECT count(*) AS n FROM {table}").fetchone()


def test_a_closed_store_says_so(db):
    db.prepare()
    db.close()
    with pytest.raises(StoreUnavailable, match="closed"):
        with db.read() as s:
            s.execute("SELECT 1 AS one")
