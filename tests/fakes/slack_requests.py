"""Requests exactly as Slack sends them to an HTTP-mode app: signed body bytes, the
payload shapes of slash commands, Events API callbacks and interactivity."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.fakes.fake_slack import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "test-signing-secret-0123456789"
FORM = "application/x-www-form-urlencoded"


def signed_headers(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = FORM) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}


def signed_bytes_headers(body: bytes, secret: str = SIGNING_SECRET, content_type: str = FORM) -> dict:
    """Signed over raw bytes as Slack's scheme says (v0:timestamp:body), even bytes that are
    not UTF-8, which slack_sdk's verifier cannot sign."""
    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


def slash_body(command: str, text: str, response_url: str, user_id: str = "U1USER", user_name: str = "alice",
               channel_id: str = "C1CHAN") -> str:
    return urlencode({
        "token": "legacy", "team_id": TEAM_ID, "team_domain": "fake", "channel_id": channel_id,
        "channel_name": "general", "user_id": user_id, "user_name": user_name, "command": command,
        "text": text, "api_app_id": "A0000001", "response_url": response_url,
        "trigger_id": "1.2.3"})


def slash_payload(command: str, text: str, response_url: str, user_id: str = "U1USER") -> dict:
    """The same slash command as a Socket Mode envelope payload (a dict, not a form)."""
    return {"token": "legacy", "team_id": TEAM_ID, "channel_id": "C1CHAN", "user_id": user_id,
            "user_name": "alice", "command": command, "text": text, "api_app_id": "A0000001",
            "response_url": response_url, "trigger_id": "1.2.3"}


def event_body(event: dict, event_id: str) -> str:
    return json.dumps({
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0000001", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]})


def mention_event(text: str, ts: str, channel: str = "C1CHAN", user: str = "U1USER", kind: str = "app_mention",
                  **extra) -> dict:
    event = {"type": kind, "user": user, "text": text, "ts": ts, "channel": channel, "event_ts": ts}
    if kind == "message":
        event["channel_type"] = "channel"
    event.update(extra)
    return event


def interactive_body(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(action_id: str, value: str, response_url: str, user_id: str = "U1USER",
                 channel_id: str = "C1CHAN") -> dict:
    return {"type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": user_id, "username": "alice"},
            "api_app_id": "A0000001", "container": {"type": "message", "is_ephemeral": True},
            "channel": {"id": channel_id, "name": "general"}, "response_url": response_url,
            "trigger_id": "1.2.3",
            "actions": [{"type": "button", "action_id": action_id, "block_id": f"actions:{value}",
                         "value": value, "action_ts": str(time.time())}]}


def message_shortcut(callback_id: str, message: dict, response_url: str, user_id: str) -> dict:
    return {"type": "message_action", "callback_id": callback_id, "team": {"id": TEAM_ID},
            "user": {"id": user_id, "username": "mod"}, "channel": {"id": "C1CHAN", "name": "general"},
            "message": message, "message_ts": message.get("ts"), "response_url": response_url,
            "trigger_id": "1.2.3"}


@dataclass
class Sent:
    status: int
    body: str
    seconds: float


class SlackHttp:
    """Posts signed requests to the app under test, as Slack's servers would."""

    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self.url = url
        self.session = session

    async def post(self, body: str, content_type: str = FORM, headers: dict | None = None,
                   sign: bool = True, **sign_kwargs) -> Sent:
        all_headers = signed_headers(body, content_type=content_type, **sign_kwargs) if sign else \
            {"Content-Type": content_type}
        all_headers.update(headers or {})
        started = time.perf_counter()
        async with self.session.post(self.url, data=body.encode(), headers=all_headers) as resp:
            text = await resp.text()
        return Sent(resp.status, text, time.perf_counter() - started)

    async def raw(self, body: bytes, headers: dict) -> Sent:
        """Exactly these bytes and headers, nothing added (forged and malformed requests)."""
        started = time.perf_counter()
        async with self.session.post(self.url, data=body, headers=headers) as resp:
            text = await resp.text()
        return Sent(resp.status, text, time.perf_counter() - started)

    async def command(self, command: str, text: str, response_url: str, **kwargs) -> Sent:
        return await self.post(slash_body(command, text, response_url, **kwargs))

    async def event(self, event: dict, event_id: str, retry_num: int | None = None) -> Sent:
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry_num else None
        return await self.post(event_body(event, event_id), "application/json", headers)

    async def interactive(self, payload: dict) -> Sent:
        return await self.post(interactive_body(payload))
