"""The SQLite store itself: schema versions, audit trail, aliases, restarts."""
from __future__ import annotations

import sqlite3

import pytest

from bot.store.db import MIGRATIONS, Database
from bot.models import Moment
from bot.store.pins import Actor, Alias, PhraseTaken, PinEntry, PinStore

MOD = Actor("slack", "U1", "alice")
AT = "2025-06-01T12:00:00Z"


def entry(question: str, url: str = "https://omdena.com") -> PinEntry:
    return PinEntry(question, question.lower(), Moment(text=f"See {url}", url=url))


def test_creates_folder_wal_and_latest_schema(tmp_path):
    db = Database(tmp_path / "new" / "dir" / "bot.sqlite3")
    assert db.schema_version() == len(MIGRATIONS)
    with db.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_migrates_an_old_file_forward_keeping_its_pins(tmp_path):
    path = tmp_path / "bot.sqlite3"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO pins (question, normalized, quote, pinned_by, pinned_by_id, platform, pinned_at)"
                 " VALUES ('Q', 'q', 'see https://x.org', 'bob', 'U2', 'slack', ?)", (AT,))
    conn.commit()
    conn.close()
    db = Database(path)
    assert db.schema_version() == len(MIGRATIONS)
    assert [p.question for p in PinStore(db).all()] == ["Q"]


def test_refuses_a_file_from_a_newer_bot(tmp_path):
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(RuntimeError, match="newer"):
        Database(path).connect()


def test_every_change_is_audited_with_who_what_when(db):
    store = PinStore(db)
    pin, replaced = store.add(entry("Q1"), MOD, AT)
    assert not replaced
    store.add_alias(pin.pin_id, Alias("other words", "other words"), MOD, AT)
    _, replaced = store.add(entry("Q1", "https://example.org/new"), MOD, AT)
    assert replaced
    store.remove(pin.pin_id, MOD, AT)
    audit = store.audit()
    assert [a["action"] for a in audit] == ["pin", "alias", "pin:replace", "unpin"]
    assert {(a["actor_name"], a["actor_id"], a["platform"], a["at"], a["pin_id"]) for a in audit} == \
        {("alice", "U1", "slack", AT, pin.pin_id)}
    assert "example.org/new" in audit[2]["detail"]
    assert store.all() == []


def test_pins_survive_reopening(db):
    PinStore(db).add(entry("Q1"), MOD, AT)
    again = PinStore(Database(db.path)).all()
    assert [(p.question, p.pinned_by, p.pinned_at, p.target.url) for p in again] == \
        [("Q1", "alice", AT, "https://omdena.com")]


def test_a_phrase_belongs_to_one_pin(db):
    store = PinStore(db)
    one, _ = store.add(entry("Q1"), MOD, AT)
    two, _ = store.add(entry("Q2"), MOD, AT)
    store.add_alias(one.pin_id, Alias("shared", "shared"), MOD, AT)
    with pytest.raises(PhraseTaken) as taken:
        store.add_alias(two.pin_id, Alias("Shared", "shared"), MOD, AT)
    assert taken.value.pin_id == one.pin_id
    with pytest.raises(PhraseTaken):
        store.add_alias(two.pin_id, Alias("q1", "q1"), MOD, AT)
    assert store.get(two.pin_id).aliases == ()


def test_record_use_counts(db):
    store = PinStore(db)
    pin, _ = store.add(entry("Q1"), MOD, AT)
    for _ in range(3):
        store.record_use(pin.pin_id, AT)
    assert store.get(pin.pin_id).uses == 3
