"""A data folder as the bot left it before the one store: `bot.sqlite3` at schema 3 beside
`slack_state.sqlite3` and `announcements.sqlite3` (tests/fakes/legacy_data/, written by
that code); the first start carries everything over, once, and leaves the old files untouched."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from bot.ops.announcements import open_announcer
from bot.retrieval.documents import EPISODE, Document
from bot.store.answers import AnswerLog
from bot.store.migrations import LATEST
from bot.store.pins import PinStore
from bot.store.slack_claims import RETRY_GRACE_SECONDS, SlackClaims
from bot.store.sqlite import SqliteDatabase
from tests.fakes.legacy_data import FILES as LEGACY, NAMES as LEGACY_FILES, legacy_data_folder


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return legacy_data_folder(tmp_path)


@pytest.fixture
def store(data_dir):
    db = SqliteDatabase(data_dir / "bot.sqlite3")
    yield db
    db.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_files_are_what_the_old_code_wrote():
    versions = {}
    for name in LEGACY_FILES:
        with sqlite3.connect(LEGACY / name) as conn:
            versions[name] = conn.execute("PRAGMA user_version").fetchone()[0]
    assert versions == {"bot.sqlite3": 3, "slack_state.sqlite3": 0, "announcements.sqlite3": 2}


def test_pins_answers_and_feedback_carry_over(store):
    assert store.schema_version() == LATEST
    pins = PinStore(store)
    assert [(p.pin_id, p.question) for p in pins.all()] == [(1, "How do I join Omdena?"), (2, "Referral code?")]
    assert [a.phrase for a in pins.get(1).aliases] == ["how can I sign up for Omdena"]
    assert [a["action"] for a in pins.audit()] == ["pin", "alias", "pin", "pin", "unpin"]
    assert pins.get(1).uses == 1
    log = AnswerLog(store)
    pinned = log.last_for("U2", ("slack", "C1", ""))
    assert pinned.kind == "pinned" and pinned.pin_id == 1
    assert log.votes(pinned.answer_id) == (0, 1)
    assert [line.example for line in log.report()] == \
        ["how can I sign up for Omdena", "zzqx unknowable gibberish question"]


def test_slack_claims_carry_over_with_the_crash_rule(store):
    answered = ("event:EvAnswered", "msg:C1:1700000000.000100")
    crashed = ("event:EvCrashed", "msg:C1:1700000000.000200")
    claims = SlackClaims(store, clock=lambda: time.time() + RETRY_GRACE_SECONDS)
    assert not claims.claim(*answered)   # answered before the upgrade: still a duplicate
    assert claims.claim(*crashed)        # claimed, never answered: Slack's retry is answered
    with store.read() as s:
        answer_id = s.execute("SELECT answer_id FROM slack_shared_answers").fetchone()["answer_id"]
    assert claims.recall_answer(answer_id)["text"] == "shared text"


async def test_announcement_marks_carry_over_so_nothing_old_is_posted_again(store):
    posted = []

    async def post(reply):
        posted.append(reply.episode.code)
    announcer = open_announcer(store, {"slack": post, "discord": post})
    old = Document("ep-17-8", EPISODE, "Ep 17 8", season=17, episode=8)
    assert await announcer.consider([old]) == []
    assert announcer.store.status("slack", "ep-17-8") == "posted"
    assert await announcer.consider([old, Document("ep-17-9", EPISODE, "Ep 17 9", season=17, episode=9)]) \
        == ["slack", "discord"]
    assert posted == ["s17e09", "s17e09"]


def test_two_services_starting_together_carry_over_once(data_dir):
    handles = [SqliteDatabase(data_dir / "bot.sqlite3") for _ in range(3)]
    asyncio.run(_prepare_together(handles))
    with handles[0].read() as s:
        assert s.execute("SELECT count(*) AS n FROM slack_claims").fetchone()["n"] == 4
    for handle in handles:
        handle.close()


async def _prepare_together(handles):
    await asyncio.gather(*(asyncio.to_thread(h.prepare) for h in handles))


def test_the_old_files_are_left_as_they_were(data_dir, store):
    before = {name: digest(data_dir / name) for name in LEGACY_FILES[1:]}
    store.prepare()
    assert {name: digest(data_dir / name) for name in LEGACY_FILES[1:]} == before


def test_keys_from_the_even_older_seen_table_count_as_answered(tmp_path):
    old = sqlite3.connect(tmp_path / "slack_state.sqlite3")
    old.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, at REAL NOT NULL)")
    old.execute("INSERT INTO seen VALUES (?, ?)", ("event:Ev1", time.time() - 120))
    old.commit()
    old.close()
    db = SqliteDatabase(tmp_path / "bot.sqlite3")
    claims = SlackClaims(db)
    assert not claims.claim("event:Ev1", "msg:C1:1") and claims.claim("event:Ev9")
    db.close()


def test_an_unreadable_old_file_is_logged_and_skipped(tmp_path, caplog):
    (tmp_path / "announcements.sqlite3").write_bytes(b"not a database at all" * 100)
    db = SqliteDatabase(tmp_path / "bot.sqlite3")
    with caplog.at_level(logging.ERROR, logger="bot.store.legacy"):
        assert db.schema_version() == LATEST
    assert "could not carry over" in caplog.text and "announcements.sqlite3" in caplog.text
    assert db.check() is None
    db.close()
