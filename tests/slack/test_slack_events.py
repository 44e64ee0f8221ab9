"""Events API through the real app over HTTP: mentions in threads, DMs, de-duplication of
retries and mention-plus-message pairs (also across a restart), ignoring bots, and Web
API failures (ratelimited, not_in_channel) that still end with the user told."""
from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.fakes.slack_app import start_http_app
from tests.fakes.fake_slack import BOT_ID, BOT_USER_ID
from tests.slack.slack_checks import assert_inert, assert_within_limits, blocks_of
from tests.fakes.slack_requests import mention_event

QUESTION = f"<@{BOT_USER_ID}> how do I find volunteering projects?"
TS = "1700000500.000200"


def answers(fake) -> list[dict]:
    return [c.params for c in fake.of("chat.postMessage")]


async def settle() -> None:
    """A short pause before a "nothing else happened" check (never used to wait for work)."""
    await asyncio.sleep(0.2)


async def test_mention_is_answered_in_a_thread_under_the_question(slack, fake_slack):
    sent = await slack.event(mention_event(QUESTION, TS), "Ev1")
    assert sent.status == 200 and sent.seconds < 3
    posted = (await fake_slack.wait_for(answers))[0]
    assert posted["channel"] == "C1CHAN" and posted["thread_ts"] == TS
    assert any(b.get("block_id", "").startswith("answer:") for b in blocks_of(posted))
    assert posted["unfurl_links"] is False
    assert_within_limits(posted)
    assert_inert(posted)


async def test_mention_inside_a_thread_is_answered_in_that_thread(slack, fake_slack):
    await slack.event(mention_event(QUESTION, TS, thread_ts="1700000400.000100"), "Ev1")
    posted = (await fake_slack.wait_for(answers))[0]
    assert posted["thread_ts"] == "1700000400.000100"


async def test_retries_and_the_mention_message_pair_are_answered_once(slack, fake_slack, slack_app,
                                                                      settings, core):
    acks = [await slack.event(mention_event(QUESTION, TS), "Ev1"),
            await slack.event(mention_event(QUESTION, TS, kind="message"), "Ev2"),
            await slack.event(mention_event(QUESTION, TS), "Ev1", retry_num=1)]
    assert [a.status for a in acks] == [200, 200, 200]
    await fake_slack.wait_for(answers)
    await settle()
    assert len(answers(fake_slack)) == 1

    # A restart keeps the memory: Slack's 5-minute retry after a redeploy is still a duplicate.
    await slack_app.stop()
    restarted = await start_http_app(settings, core)
    try:
        await restarted.http.event(mention_event(QUESTION, TS), "Ev1", retry_num=2)
        await restarted.http.event(mention_event(QUESTION, TS, kind="message"), "Ev3")
        await settle()
        assert len(answers(fake_slack)) == 1
        await restarted.http.event(mention_event(QUESTION, "1700000600.000300"), "Ev4")   # a new question
        await fake_slack.wait_for(lambda f: len(answers(f)) == 2)
    finally:
        await restarted.stop()


async def test_message_event_first_still_answers_once_in_thread(slack, fake_slack):
    await slack.event(mention_event(QUESTION, TS, kind="message"), "Ev2")
    await slack.event(mention_event(QUESTION, TS), "Ev1")
    await fake_slack.wait_for(answers)
    await settle()
    assert [a["thread_ts"] for a in answers(fake_slack)] == [TS]


async def test_direct_message_is_answered_in_the_dm(slack, fake_slack):
    event = {"type": "message", "channel_type": "im", "channel": "D1DM", "user": "U1USER",
             "text": "how do I find volunteering projects?", "ts": TS}
    await slack.event(event, "Ev1")
    posted = (await fake_slack.wait_for(answers))[0]
    assert posted["channel"] == "D1DM" and not posted.get("thread_ts")
    assert any(b.get("block_id", "").startswith("answer:") for b in blocks_of(posted))


@pytest.mark.parametrize("event", [
    {"type": "message", "channel_type": "im", "channel": "D1DM", "bot_id": BOT_ID, "user": BOT_USER_ID,
     "text": "my own answer", "ts": TS},
    {"type": "message", "channel_type": "im", "channel": "D1DM", "bot_id": "BOTHER", "subtype": "bot_message",
     "text": "another bot", "ts": TS},
    {"type": "app_mention", "channel": "C1CHAN", "bot_id": "BOTHER", "user": "UOTHERBOT",
     "text": f"<@{BOT_USER_ID}> loop?", "ts": TS},
    {"type": "message", "channel_type": "im", "channel": "D1DM", "subtype": "message_changed", "ts": TS,
     "message": {"text": "edited"}},
    {"type": "message", "channel_type": "channel", "channel": "C1CHAN", "user": "U1USER",
     "text": "chat that does not mention the bot", "ts": TS},
])
async def test_bots_edits_and_unrelated_chatter_are_ignored(slack, fake_slack, event):
    sent = await slack.event(event, "Ev1")
    assert sent.status == 200
    await settle()
    assert fake_slack.posts() == []


async def test_ratelimited_post_is_retried_after_retry_after(slack, fake_slack):
    fake_slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=1)
    await slack.event(mention_event(QUESTION, TS), "Ev1")
    await fake_slack.wait_for(lambda f: len(f.of("chat.postMessage")) == 2, timeout=5)
    first, second = fake_slack.of("chat.postMessage")
    assert second.at - first.at >= 1.0
    assert second.params["thread_ts"] == TS
    await settle()
    assert len(fake_slack.posts()) == 2


async def test_long_ratelimit_is_not_waited_out_and_the_user_gets_the_answer_by_dm(slack, fake_slack):
    fake_slack.fail("chat.postMessage", "ratelimited", status=429, retry_after=120)
    started = time.monotonic()
    await slack.event(mention_event(QUESTION, TS), "Ev1")
    dm = await fake_slack.wait_for(lambda f: [c for c in f.of("chat.postMessage") if c.params["channel"] == "U1USER"])
    assert time.monotonic() - started < 3
    assert any(b.get("block_id", "").startswith("answer:") for b in blocks_of(dm[0].params))


@pytest.mark.expect_errors
async def test_when_every_route_fails_it_is_logged_as_an_error(slack, fake_slack, error_logs):
    fake_slack.fail("chat.postMessage", "not_in_channel", times=2)
    await slack.event(mention_event(QUESTION, TS), "Ev1")
    await fake_slack.wait_for(lambda f: len(f.of("chat.postMessage")) == 2)
    await settle()
    assert [r.getMessage() for r in error_logs if "could not be delivered" in r.getMessage()]


async def test_a_web_api_timeout_falls_back_to_a_dm(settings, core, fake_slack):
    from bot.adapters.slack.app import build_app
    from bot.adapters.slack.client import make_client
    from bot.adapters.slack.moderators import ModeratorCheck
    from bot.adapters.slack.service import serve_http
    from bot.store.slack_claims import SlackClaims
    from bot.store.sqlite import SqliteDatabase
    from tests.fakes.slack_app import drain_listeners
    from tests.fakes.slack_requests import SlackHttp

    client = make_client(settings.slack_bot_token, settings.slack_api_url, timeout=1)
    db = SqliteDatabase(settings.data_dir / "bot.sqlite3")
    state = SlackClaims(db)
    app = build_app(core, client, state, ModeratorCheck(), settings.slack_signing_secret)
    runner = await serve_http(app, "127.0.0.1", 0, signing_secret=settings.slack_signing_secret)
    fake_slack.fail("chat.postMessage", "ok_but_slow", delay=1.5)   # answers after the client gave up
    async with aiohttp.ClientSession() as session:
        slack = SlackHttp(f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events", session)
        await slack.event(mention_event(QUESTION, TS), "Ev1")
        dm = await fake_slack.wait_for(
            lambda f: [c for c in f.of("chat.postMessage") if c.params["channel"] == "U1USER"])
    assert any(b.get("block_id", "").startswith("answer:") for b in blocks_of(dm[0].params))
    await drain_listeners()
    await runner.cleanup()
    db.close()
