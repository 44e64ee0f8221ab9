"""Stopping the Socket Mode service (the default deployment): once `stop` is set, the
websocket closes (Slack re-delivers what it could not hand over), every envelope the app
acknowledged is still answered, and the service returns."""
from __future__ import annotations

import asyncio

from bot.app.services import serve_slack
from tests.fakes.fake_slack import BOT_USER_ID
from tests.fakes.slack_requests import mention_event, slash_payload


async def test_socket_mode_answers_every_acknowledged_envelope_before_it_stops(settings, core, fake_slack):
    fake_slack.answer_delay = 1.0   # answers are on their way when the stop comes
    stop = asyncio.Event()
    task = asyncio.create_task(serve_slack(settings, core, http=False, host="127.0.0.1", port=0, stop=stop))
    for i in range(10):
        payload = slash_payload("/ask", "How do I join Omdena?", fake_slack.response_url(f"c{i}"), user_id=f"U{i:05d}")
        await fake_slack.send_envelope("slash_commands", payload, f"cmd-{i}")
        event = {"type": "event_callback", "event_id": f"Ev{i}", "team_id": "T0000001",
                 "event": mention_event(f"<@{BOT_USER_ID}> how do I join Omdena?", f"{1700000600 + i}.000200",
                                        user=f"U{i:05d}")}
        await fake_slack.send_envelope("events_api", event, f"ev-{i}")
    await fake_slack.wait_for(lambda f: len(f.socket_acks) == 20, timeout=10)
    assert not fake_slack.of("response_url")   # nothing answered yet: all 20 are in flight
    stop.set()
    await asyncio.wait_for(task, 8)
    answered = {c.path for c in fake_slack.of("response_url")} | \
        {c.params.get("thread_ts") for c in fake_slack.of("chat.postMessage")}
    assert {f"c{i}" for i in range(10)} | {f"{1700000600 + i}.000200" for i in range(10)} <= answered
