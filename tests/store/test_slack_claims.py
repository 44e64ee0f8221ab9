"""Slack de-duplication claims on the shared store (each test on SQLite and PostgreSQL):
a key is answered once across replicas, and a claim whose answer never came is taken
over by a retry after the grace."""
from __future__ import annotations

import threading

from bot.store.slack_claims import KEEP_SECONDS, PRUNE_EVERY, RETRY_GRACE_SECONDS, SlackClaims
from tests.fakes.sample import SecondsClock

TS = "1700000500.000200"
KEYS = ("event:Ev1", f"msg:C1CHAN:{TS}")


def test_claims_answered_marks_and_work_in_progress(open_db):
    clock = SecondsClock(1000.0)
    state = SlackClaims(open_db(), clock=clock)
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
    restarted = SlackClaims(open_db(), clock=clock)   # a restart (or another replica) remembers
    assert not restarted.claim(*KEYS) and restarted.claim("event:Ev4", "msg:C1CHAN:other")


def test_a_twin_on_another_replica_is_refused_until_the_grace_then_taken_over(open_db):
    clock = SecondsClock(1000.0)
    one, other = SlackClaims(open_db(), clock=clock), SlackClaims(open_db(), clock=clock)
    assert one.claim(*KEYS) == 1
    assert not other.claim("event:Ev2", KEYS[1])   # the `message` twin, delivered elsewhere
    clock.now += RETRY_GRACE_SECONDS + 1           # `one` died without recording an answer
    assert other.claim(*KEYS) == 2                 # the survivor takes it: a second attempt (check Slack first)
    other.mark_answered(*KEYS)
    clock.now += RETRY_GRACE_SECONDS + 1
    assert not one.claim(*KEYS)                    # answered: never again, anywhere


def test_a_refused_claim_takes_none_of_its_keys(open_db):
    one, other = SlackClaims(open_db()), SlackClaims(open_db())
    assert one.claim("msg:C1:1")
    assert not other.claim("event:EvX", "msg:C1:1")
    assert one.claim("event:EvX")                  # EvX was not left half-claimed by `other`


def test_replicas_racing_for_the_same_events_claim_each_once(open_db):
    replicas = [SlackClaims(open_db()) for _ in range(3)]
    wins: list[str] = []
    lock = threading.Lock()

    def deliver(state: SlackClaims, offset: int) -> None:
        for i in range(60):
            n = (i + offset) % 60
            keys = (f"event:Ev{n}-{offset}", f"msg:C1:{n}")   # every replica gets a twin of each message
            if state.claim(*keys):
                with lock:
                    wins.append(keys[1])
    threads = [threading.Thread(target=deliver, args=(r, k * 20)) for k, r in enumerate(replicas)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == sorted(f"msg:C1:{n}" for n in range(60))


def test_shared_answers_are_recalled_by_any_replica(open_db):
    one, other = SlackClaims(open_db()), SlackClaims(open_db())
    one.remember_answer("a1", {"text": "the answer", "blocks": [{"type": "section"}]})
    assert other.recall_answer("a1") == {"text": "the answer", "blocks": [{"type": "section"}]}
    assert other.recall_answer("nope") is None


def test_old_keys_are_pruned_after_a_day(db):
    clock = SecondsClock(1000.0)
    state = SlackClaims(db, clock=clock)
    assert state.claim("event:old")
    state.mark_answered("event:old")
    clock.now += KEEP_SECONDS + 1
    for i in range(PRUNE_EVERY):
        state.claim(f"event:new{i}")
    with db.read() as s:
        assert s.execute("SELECT count(*) AS n FROM slack_claims WHERE key = 'event:old'").fetchone()["n"] == 0


def test_a_claim_kept_fresh_by_its_process_is_never_taken_over(open_db):
    clock = SecondsClock(1000.0)
    working, other = SlackClaims(open_db(), clock=clock), SlackClaims(open_db(), clock=clock)
    assert working.claim(*KEYS)
    for _ in range(5):   # a slow answer, far past the grace, renewed as it goes
        clock.now += working.refresh_seconds
        working.refresh(*KEYS)
        assert not other.claim(*KEYS)
    clock.now += RETRY_GRACE_SECONDS + 1   # then its process dies: no more renewals
    assert other.claim(*KEYS)
