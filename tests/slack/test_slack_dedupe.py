"""Exactly-once answers to Slack events: a key is claimed before answering and marked
answered after delivery. A process that died in between leaves an unanswered claim;
Slack's retry (after ~1 min) of such a claim is answered, any retry of an answered one
is not. The memory is the bot's store, so it holds across restarts and replicas (the
claims themselves, on both engines: tests/store/test_slack_claims.py)."""
from __future__ import annotations

import asyncio
import time

from bot.app.wiring import open_database
from bot.store.slack_claims import RETRY_GRACE_SECONDS, SlackClaims
from tests.fakes.fake_slack import BOT_USER_ID, Call
from tests.fakes.slack_requests import mention_event

QUESTION = f"<@{BOT_USER_ID}> how do I find volunteering projects?"
TS = "1700000500.000200"
KEYS = ("event:Ev1", f"msg:C1CHAN:{TS}")


def answers(fake) -> list[dict]:
    return [c.params for c in fake.of("chat.postMessage")]


async def settle() -> None:
    await asyncio.sleep(0.2)   # only before a "nothing else happened" check


def claimed_by_a_process_that_died(settings, seconds_ago: float) -> None:
    """What a crash between claim and answer leaves in the store."""
    db = open_database(settings)
    assert SlackClaims(db, clock=lambda: time.time() - seconds_ago).claim(*KEYS)
    db.close()


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


async def test_an_answer_out_before_a_crash_is_not_repeated_by_the_retry(slack, fake_slack, settings):
    """The process posted the answer, then died before recording it: Slack's retry finds
    the bot's reply in the thread and records it instead of answering again."""
    claimed_by_a_process_that_died(settings, RETRY_GRACE_SECONDS + 30)
    await fake_slack._record(Call("chat.postMessage", {"channel": "C1CHAN", "thread_ts": TS, "text": "the answer"}))
    await slack.event(mention_event(QUESTION, TS), "Ev1", retry_num=1)
    await fake_slack.wait_for(lambda f: f.of("conversations.replies"))
    await settle()
    assert len(answers(fake_slack)) == 1   # only the one from before the crash
    await slack.event(mention_event(QUESTION, TS, kind="message"), "Ev2")   # and it now counts as answered
    await settle()
    assert len(answers(fake_slack)) == 1 and len(fake_slack.of("conversations.replies")) == 1
