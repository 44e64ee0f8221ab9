"""The HTTP boundary of the Slack app: every POST to /slack/events is checked here, before
Bolt sees it.

Bolt's aiohttp adapter decodes the body as UTF-8 and parses it (JSON, or the `payload=`
form field) while building its request object, before its middleware verifies the
signature, and that check calls int() on the timestamp header; its routing then assumes
Slack's payload shapes. So a forged or malformed request ended in a 500 and a traceback.
Here, in this order, each refusal is one WARNING line and no traceback:

    413  a body over MAX_BODY_BYTES (aiohttp stops reading there)
    408  a body not received within BODY_SECONDS; 400 one cut off by the client
    401  the timestamp or signature header missing or not in Slack's format
    400  a body that is not UTF-8
    401  a stale timestamp or a wrong signature (slack_sdk's verifier, as Bolt uses it)
    400  an empty body, JSON that does not parse, or a payload not shaped like Slack's

Only a request that passes all of them reaches Bolt, without Bolt's internal
`X-Slack-Bolt-*` headers (which would switch its listener runner into lazy-only mode).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import build_normalized_headers, extract_content_type, parse_body
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack import payload_shape

log = logging.getLogger(__name__)

# Slack's own payloads are far smaller: a message shortcut carries the whole message, at
# most 50 blocks of 3000 characters, so even URL-encoded it stays well under this.
MAX_BODY_BYTES = 1024 * 1024
BODY_SECONDS = 10.0            # Slack sends its (small) body at once; a trickle is not Slack
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")   # hmac.compare_digest raises on non-ASCII text
_UNPARSABLE = (ValueError, RecursionError)   # json.loads on bad or absurdly nested JSON


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def events_app(bolt_app: AsyncApp, signing_secret: str, path: str,
               body_seconds: float = BODY_SECONDS) -> web.Application:
    """An aiohttp application serving Bolt at `path` behind the checks above."""
    verifier = SignatureVerifier(signing_secret)
    app = web.Application(client_max_size=MAX_BODY_BYTES)

    async def events(request: web.Request) -> web.Response:
        try:
            bolt_request = await checked_request(request, verifier, body_seconds)
        except Refused as refused:
            log.warning("refused a Slack request from %s: %d %s", request.remote, refused.status, refused.reason)
            return web.Response(status=refused.status, text=f"{refused.reason}\n")
        return await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))

    app.router.add_post(path, events)
    return app


async def checked_request(request: web.Request, verifier: SignatureVerifier,
                          body_seconds: float = BODY_SECONDS) -> AsyncBoltRequest:
    raw = await _body(request, body_seconds)
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not (_TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature)):
        raise Refused(401, "missing or malformed Slack signature headers")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the body is not UTF-8") from None
    if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
        raise Refused(401, "invalid or stale Slack signature")
    return _bolt_request(text, request)


async def _body(request: web.Request, seconds: float) -> bytes:
    try:
        return await asyncio.wait_for(request.read(), seconds)
    except web.HTTPRequestEntityTooLarge:
        raise Refused(413, f"the body is over {MAX_BODY_BYTES} bytes") from None
    except asyncio.TimeoutError:
        raise Refused(408, f"the body did not arrive within {seconds:g} s") from None
    except ConnectionError as exc:   # the client hung up half-way through the body
        raise Refused(400, f"the body was cut off ({type(exc).__name__})") from None


def _bolt_request(text: str, request: web.Request) -> AsyncBoltRequest:
    if not text.strip():
        raise Refused(400, "empty body")
    headers = {name: value for name, value in request.headers.items()
               if not name.lower().startswith("x-slack-bolt-")}
    try:
        payload = parse_body(text, extract_content_type(build_normalized_headers(headers)))   # as Bolt reads it
    except _UNPARSABLE as exc:
        raise Refused(400, f"the body does not parse ({type(exc).__name__})") from None
    problem = payload_shape.problem(payload)
    if problem:
        raise Refused(400, problem)
    return AsyncBoltRequest(body=text, query=request.query_string, headers=headers)
