"""Exactly-once answers to Slack events: a key is claimed before answering and marked
answered after delivery. A process that died in between leaves an unanswered claim;
Slack's retry (after ~1 min) of such a claim is answered, any retry of an answered one
is not. The memory is a SQLite file, so it holds across restarts."""
from __future__ import annotations

import asyncio
import sqlite3
import time

from bot.adapters.slack.service import STATE_FILE
from bot.adapters.slack.state import RETRY_GRACE_SECONDS, SlackState
from tests.fakes.fake_slack import BOT_USER_ID
from tests.fakes.slack_requests import mention_event

QUESTION = f"<@{BOT_USER_ID}> how do I find volunteering projects?"
TS = "1700000500.000200"
KEYS = ("event:Ev1", f"msg:C1CHAN:{TS}")


def answers(fake) -> list[dict]:
    return [c.params for c in fake.of("chat.postMessage")]


async def settle() -> None:
    await asyncio.sleep(0.2)   # only before a "nothing else happened" check


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def claimed_by_a_process_that_died(settings, seconds_ago: float) -> None:
    """What a crash between claim and answer leaves in the state file."""
    dead = SlackState(settings.data_dir / STATE_FILE, clock=lambda: time.time() - seconds_ago)
    assert dead.claim(*KEYS)
    dead.close()


async def test_a_retry_after_a_crash_is_answered_once(slack, fake_slack, settings):
    claimed_by_a_process_that_died(settings, RETRY_GRACE_SECONDS + 30)   # Slack retries after ~1 min
    await slack.event(mention_event(QUESTION, TS), "Ev1", retry_num=1)
    posted = (await fake_slack.wait_for(answers))[0]
    assert posted["thread_ts"] == TS
    # Answered now: the 5-minute retry and the mention's `message` twin are duplicates.
    await slack.event(mention_event(QUESTION, TS), "Ev1", retry_num=2)
    await slack.event(mention_event(QUESTION, TS, kind="message"), "Ev2")
    await settle()
    assert len(answers(fake_slack)) == 1


async def test_a_recent_unanswered_claim_is_left_to_whoever_holds_it(slack, fake_slack, settings):
    claimed_by_a_process_that_died(settings, 5)   # maybe still answering in another process
    await slack.event(mention_event(QUESTION, TS), "Ev1", retry_num=1)
    await settle()
    assert answers(fake_slack) == []


def test_claims_answered_marks_and_work_in_progress(tmp_path):
    clock = Clock(1000.0)
    state = SlackState(tmp_path / "state.sqlite3", clock=clock)
    assert state.claim(*KEYS)
    assert not state.claim("event:Ev2", KEYS[1])   # the twin event shares the message key
    clock.now += RETRY_GRACE_SECONDS + 60
    assert not state.claim(*KEYS)                   # still being answered in this process
    state.release(*KEYS)                            # ... which gave up without an answer
    assert state.claim(*KEYS)
    state.mark_answered(*KEYS)
    state.release(*KEYS)
    clock.now += 300
    assert not state.claim(*KEYS) and not state.claim("event:Ev3", KEYS[1])
    state.close()
    reopened = SlackState(tmp_path / "state.sqlite3", clock=clock)   # a restart remembers
    assert not reopened.claim(*KEYS) and reopened.claim("event:Ev4", "msg:C1CHAN:other")
    reopened.close()


def test_keys_from_the_older_seen_table_count_as_answered(tmp_path):
    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, at REAL NOT NULL)")
    old.execute("INSERT INTO seen VALUES (?, ?)", (KEYS[0], time.time() - 120))
    old.commit()
    old.close()
    state = SlackState(path)
    assert not state.claim(*KEYS) and state.claim("event:Ev9")
    state.close()
