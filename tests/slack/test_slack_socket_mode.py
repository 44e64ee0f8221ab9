"""Socket Mode: the real AsyncSocketModeHandler connects to the fake's websocket (URL from
apps.connections.open), acknowledges the envelope, and the answer goes to response_url."""
from __future__ import annotations

import asyncio

from tests.fakes.fake_slack import BOT_USER_ID
from tests.slack.slack_checks import assert_within_limits, blocks_of
from tests.fakes.slack_requests import mention_event, slash_payload


async def test_slash_command_over_socket_mode_is_acked_and_answered(socket_app, fake_slack):
    assert fake_slack.of("apps.connections.open")[0].token == "xapp-test-token"   # the app-level token
    payload = slash_payload("/ask", "How do I find volunteering projects?", fake_slack.response_url("r1"))
    await fake_slack.send_envelope("slash_commands", payload, "env-1")
    await fake_slack.wait_for(lambda f: [a for a in f.socket_acks if a.get("envelope_id") == "env-1"])
    reply = (await fake_slack.wait_for(lambda f: f.of("response_url")))[0].params
    assert reply["response_type"] == "ephemeral"
    assert any(b.get("block_id", "").startswith("answer:") for b in blocks_of(reply))
    assert_within_limits(reply)


async def test_mention_over_socket_mode_is_answered_once_in_thread(socket_app, fake_slack):
    event = {"type": "event_callback", "event_id": "Ev1", "team_id": "T0000001",
             "event": mention_event(f"<@{BOT_USER_ID}> how do I find volunteering projects?", "1700000500.000200")}
    await fake_slack.send_envelope("events_api", event, "env-1")
    await fake_slack.send_envelope("events_api", event, "env-2")   # Slack's retry of the same event
    posted = await fake_slack.wait_for(lambda f: f.of("chat.postMessage"))
    assert posted[0].params["thread_ts"] == "1700000500.000200"
    await fake_slack.wait_for(lambda f: {"env-1", "env-2"} <= {a.get("envelope_id") for a in f.socket_acks})
    await asyncio.sleep(0.2)
    assert len(fake_slack.of("chat.postMessage")) == 1
