"""Forged and malformed requests to the Slack HTTP endpoint, over real HTTP against the
real app (`serve_http`): each gets a 4xx and one WARNING line from the boundary, never a
500 or a traceback (the autouse guard in conftest fails a test on any ERROR record), and
nothing reaches the core or the Web API."""
from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import inbound
from bot.adapters.slack.render import HELPFUL
from bot.adapters.slack.app import PIN_SHORTCUT
from tests.fakes.fake_slack import BOT_USER_ID
from tests.fakes.slack_requests import (FORM, SIGNING_SECRET, block_action, event_body, interactive_body,
                                        mention_event, message_shortcut, signed_bytes_headers, signed_headers,
                                        slash_body)

JSON = "application/json"
SLASH = slash_body("/ask", "How do I find volunteering projects?", "http://127.0.0.1:9/response/r1")


def unsigned(content_type: str = FORM, **extra) -> dict:
    return {"Content-Type": content_type, **extra}


def forged(**overrides) -> dict:
    headers = signed_headers(SLASH)
    headers.update(overrides)
    return headers


def unauthenticated() -> dict[str, tuple[bytes, dict]]:
    """(body, headers) that must get 401: no valid signature, whatever the body holds.
    Built when the test runs, as every signature here carries the current time."""
    return {
        "no headers": (SLASH.encode(), unsigned()),
        "timestamp not a number": (SLASH.encode(), forged(**{"X-Slack-Request-Timestamp": "abc"})),
        "timestamp in other digits": (SLASH.encode(), forged(**{"X-Slack-Request-Timestamp": "１７００００００００"})),
        "timestamp negative": (SLASH.encode(), forged(**{"X-Slack-Request-Timestamp": "-1"})),
        "timestamp huge": (SLASH.encode(), forged(**{"X-Slack-Request-Timestamp": "9" * 40})),
        "timestamp empty": (SLASH.encode(), forged(**{"X-Slack-Request-Timestamp": ""})),
        "signature empty": (SLASH.encode(), forged(**{"X-Slack-Signature": ""})),
        "signature wrong": (SLASH.encode(), forged(**{"X-Slack-Signature": "v0=" + "0" * 64})),
        "signature not hex": (SLASH.encode(), forged(**{"X-Slack-Signature": "v0=é<script>"})),
        "stale": (SLASH.encode(), signed_headers(SLASH, timestamp=int(time.time()) - 600)),
        "from the future": (SLASH.encode(), signed_headers(SLASH, timestamp=int(time.time()) + 600)),
        "other secret": (SLASH.encode(), signed_headers(SLASH, secret="not-the-secret")),
        "invalid UTF-8 unsigned": (b"\xff\xfe\xfa payload=", unsigned()),
        "malformed JSON unsigned": (b"{not json", unsigned(JSON)),
        "empty unsigned": (b"", unsigned()),
    }


def signed(body: str, content_type: str = FORM) -> tuple[bytes, dict]:
    return body.encode(), signed_headers(body, content_type=content_type)


def malformed() -> dict[str, tuple[bytes, dict]]:
    """Signed (so from whoever holds the secret) but not a request Slack would send: 400."""
    return {
        "invalid UTF-8": (b"text=\xff\xfe", signed_bytes_headers(b"text=\xff\xfe")),
        "empty": signed(""),
        "only spaces": signed("   \n"),
        "JSON that does not parse": signed("{not json", JSON),
        "payload= that does not parse": signed("payload=%7Bnot+json"),
        "payload= empty": signed("payload="),
        "JSON array": signed("[1, 2]", JSON),
        "JSON string": signed('"event_callback"', JSON),
        "JSON null": signed("null", JSON),
        "JSON number": signed("12", JSON),
        "payload= array": signed("payload=%5B1%5D"),
        "deeply nested JSON": signed("[" * 100_000 + "]" * 100_000, JSON),
        "deeply nested payload=": signed(urlencode({"payload": '{"a":' * 50_000 + "1" + "}" * 50_000})),
        "event is text": signed('{"type": "event_callback", "event": "x"}', JSON),
        "event text is a number": signed('{"type": "event_callback", "event": {"type": "message", "text": 5}}', JSON),
        "authorizations is text": signed('{"type": "event_callback", "authorizations": "abc", "event": {}}', JSON),
        "enterprise is a number": signed('{"type": "event_callback", "enterprise": 5}', JSON),
        "actions is text": signed(interactive_body({"type": "block_actions", "user": {"id": "U1"}, "actions": "x"})),
        "actions empty": signed(interactive_body({"type": "block_actions", "user": {"id": "U1"}, "actions": []})),
        "action is a number": signed(interactive_body({"type": "block_actions", "user": {"id": "U1"}, "actions": [1]})),
        "mention without a user": signed(event_body({"type": "app_mention", "channel": "C1", "text": "hi",
                                                     "ts": "1.2"}, "Ev9"), JSON),
        "view is text": signed(interactive_body({"type": "view_submission", "view": "x"})),
    }


async def post(slack, body: bytes, headers: dict):
    return await slack.raw(body, headers)


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.adapters.slack.inbound"]


def refused() -> dict[str, tuple[int, tuple[bytes, dict]]]:
    return {**{case: (401, request) for case, request in unauthenticated().items()},
            **{case: (400, request) for case, request in malformed().items()}}


@pytest.mark.parametrize("case", list(refused()))
async def test_a_forged_or_malformed_request_is_refused_with_one_log_line(slack, fake_slack, caplog, case):
    status, (body, headers) = refused()[case]
    with caplog.at_level(logging.INFO):
        sent = await post(slack, body, headers)
    assert sent.status == status, sent
    assert len(refusals(caplog)) == 1 and not [r for r in caplog.records if r.exc_info]
    await asyncio.sleep(0.05)
    assert fake_slack.calls == []


async def test_bolts_internal_headers_are_not_taken_from_the_outside(slack, fake_slack):
    body = slash_body("/help", "", fake_slack.response_url("r1"))
    headers = {**signed_headers(body), "X-Slack-Bolt-Lazy-Only": "1", "X-Slack-Bolt-Lazy-Function-Name": "x"}
    assert (await post(slack, body.encode(), headers)).status == 200
    await fake_slack.wait_for(lambda f: f.of("response_url"))   # answered as usual, not skipped


async def test_a_body_over_the_limit_is_413(slack, fake_slack, caplog):
    body = "text=" + "a" * inbound.MAX_BODY_BYTES
    sent = await post(slack, body.encode(), signed_headers(body))
    assert sent.status == 413 and len(refusals(caplog)) == 1
    assert fake_slack.calls == []


async def test_a_body_that_never_finishes_is_408_and_one_cut_off_is_logged_once(caplog):
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")   # never called
    bolt = AsyncApp(client=client, signing_secret=SIGNING_SECRET)
    runner = web.AppRunner(inbound.events_app(bolt, SIGNING_SECRET, "/slack/events", body_seconds=0.2))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        await writer.drain()
        assert (await reader.readline()).startswith(b"HTTP/1.1 408")
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        await writer.drain()
        writer.close()                                   # the client hangs up half-way
        await asyncio.sleep(0.5)
    finally:
        await runner.cleanup()
    assert [m for m in refusals(caplog) if "408" in m] and len(refusals(caplog)) == 2


# --- the whole class: every field of real payloads set to every JSON kind --------------

REPLACEMENTS = (None, 5, True, "", [], {}, [1], {"id": 5})
DELETED = object()


def paths(node, prefix=()):
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from paths(child, prefix + (key,))


def mutated(payload: dict, path: tuple, value) -> dict:
    copied = copy.deepcopy(payload)
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    if value is DELETED:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copied


def templates(fake_slack) -> dict[str, tuple[dict, callable]]:
    mention = json.loads(event_body(mention_event(f"<@{BOT_USER_ID}> help", "1700000900.000100"), "EvF"))
    click = block_action(HELPFUL, "no-such-answer", fake_slack.response_url("rf"))
    shortcut = message_shortcut(PIN_SHORTCUT, {"type": "message", "ts": "1.2", "user": "U2", "text": "hi"},
                                fake_slack.response_url("rs"), "U1USER")
    return {"event": (mention, lambda p: signed(json.dumps(p), JSON)),
            "block action": (click, lambda p: signed(interactive_body(p))),
            "message shortcut": (shortcut, lambda p: signed(interactive_body(p)))}


@pytest.mark.parametrize("kind", ["event", "block action", "message shortcut"])
async def test_no_field_of_any_kind_makes_a_signed_request_fail_with_500(slack, fake_slack, kind):
    payload, encode = templates(fake_slack)[kind]
    statuses = {}
    for path in [p for p in paths(payload) if p]:
        for value in (*REPLACEMENTS, DELETED):
            sent = await post(slack, *encode(mutated(payload, path, value)))
            statuses[(path, repr(value))] = sent.status
    assert not {k: s for k, s in statuses.items() if s >= 500}
    assert {s for s in statuses.values()} <= {200, 400, 404}
