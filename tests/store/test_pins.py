"""Pins, aliases and the audit trail, on both engines (each test runs on SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

from bot.models import Moment
from bot.store.pins import Actor, Alias, PhraseTaken, PinEntry, PinStore

MOD = Actor("slack", "U1", "alice")
AT = "2025-06-01T12:00:00Z"


def entry(question: str, url: str = "https://omdena.com") -> PinEntry:
    return PinEntry(question, question.lower(), Moment(text=f"See {url}", url=url))


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


def test_pins_survive_reopening(db, open_db):
    PinStore(db).add(entry("Q1"), MOD, AT)
    db.close()
    again = PinStore(open_db()).all()
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


def test_a_pin_made_through_one_replica_is_served_by_another_at_once(open_db):
    one, other = PinStore(open_db()), PinStore(open_db())
    seen = other.version()
    pin, _ = one.add(entry("Q1"), MOD, AT)
    assert other.version() > seen
    assert other.get(pin.pin_id).question == "Q1"
    one.add_alias(pin.pin_id, Alias("other words", "other words"), MOD, AT)
    assert [a.phrase for a in other.get(pin.pin_id).aliases] == ["other words"]


def test_ids_are_not_reused_after_an_unpin(db):
    store = PinStore(db)
    first, _ = store.add(entry("Q1"), MOD, AT)
    store.remove(first.pin_id, MOD, AT)
    second, _ = store.add(entry("Q2"), MOD, AT)
    assert second.pin_id > first.pin_id   # an old `/unpin 1` can never hit a newer pin


def test_an_import_is_all_or_nothing(db):
    store = PinStore(db)
    taken, _ = store.add(entry("Q1"), MOD, AT)
    store.add_alias(taken.pin_id, Alias("shared", "shared"), MOD, AT)
    with pytest.raises(PhraseTaken):
        store.import_entries([entry("Q2"), PinEntry("Q3", "q3", entry("Q3").target, (Alias("shared", "shared"),))],
                             MOD, AT, replace=False)
    assert [p.question for p in store.all()] == ["Q1"]
