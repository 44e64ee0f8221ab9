"""A fake Slack on 127.0.0.1: Web API, response_url endpoints and a Socket Mode websocket.

It records every call so tests can wait on conditions ("a chat.postMessage arrived")
instead of sleeping, and it can be told to fail a method the way Slack does
(`ratelimited` with HTTP 429 and Retry-After, `not_in_channel`, ...).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

BOT_USER_ID, BOT_ID, TEAM_ID = "UBOT0001", "BBOT0001", "T0000001"


@dataclass
class Call:
    method: str                   # "chat.postMessage", or "response_url" for respond() posts
    params: dict
    at: float = field(default_factory=time.monotonic)
    path: str = ""
    token: str = ""               # the bearer token the client sent


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.answered_paths: set[str] = set()   # response_url ids that got a post
        self.socket_acks: list[dict] = []
        self.admins: set[str] = set()
        self.group_members: list[str] = []
        self._failures: dict[str, list[dict]] = {}
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self._ws: web.WebSocketResponse | None = None
        self._ws_ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.answer_delay = 0.0   # seconds each post of an answer takes (a slow Slack)

    # ---- lifecycle ------------------------------------------------------------------

    async def start(self) -> "FakeSlack":
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, rid: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{rid}"

    # ---- scripting ------------------------------------------------------------------

    def fail(self, method: str, error: str, times: int = 1, status: int = 200,
             retry_after: float | None = None, delay: float = 0.0) -> None:
        """The next `times` calls of `method` fail like Slack would."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures.setdefault(method, []).extend(
            [{"error": error, "status": status, "headers": headers, "delay": delay}] * times)

    def fail_with_body(self, method: str, body: str, status: int = 200, content_type: str | None = "text/plain",
                       times: int = 1) -> None:
        """The next `times` calls of `method` get `body` as it is: an HTML error page from a
        proxy, plain text, an empty 5xx, JSON that is not an object... (None: no Content-Type)."""
        self._failures.setdefault(method, []).extend(
            [{"raw": body, "status": status, "content_type": content_type, "delay": 0.0}] * times)

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posts(self) -> list[Call]:
        """Everything that tried to put a message in front of someone (any route)."""
        return [c for c in self.calls if c.method in ("chat.postMessage", "chat.postEphemeral", "response_url")]

    async def wait_for(self, predicate, timeout: float = 5.0):
        """Wait until predicate(self) is truthy; returns its value."""
        async def satisfied():
            async with self._changed:
                while not (value := predicate(self)):
                    await self._changed.wait()
                return value
        return await asyncio.wait_for(satisfied(), timeout)

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # ---- Web API --------------------------------------------------------------------

    async def _slowly(self, request: web.Request) -> bool:
        """Take `answer_delay`; False when the caller hung up meanwhile (nothing arrived)."""
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return request.transport is not None and not request.transport.is_closing()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(request.query)
        if request.can_read_body:
            body = await request.read()
            if request.content_type == "application/json":
                params.update(json.loads(body or b"{}"))
            else:
                params.update(parse_qsl(body.decode()))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method.startswith("chat.") and not await self._slowly(request):
            return web.Response(status=499)
        await self._record(Call(method, params, token=token))
        failures = self._failures.get(method)
        if failures:
            failure = failures.pop(0)
            if failure["delay"]:
                await asyncio.sleep(failure["delay"])
            if "raw" in failure:
                return _raw(failure["raw"], failure["status"], failure["content_type"])
            return _json({"ok": False, "error": failure["error"]}, failure["status"], failure["headers"])
        return _json(self._answer(method, params))

    def _answer(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "answerbot",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        if method == "chat.postMessage":
            ts = f"{1700000000 + next(self._ts)}.000100"
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts, "bot_id": BOT_ID}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method == "users.info":
            user = params.get("user")
            return {"ok": True, "user": {"id": user, "is_admin": user in self.admins, "is_owner": False}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": list(self.group_members)}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if method in ("conversations.replies", "conversations.history"):
            return {"ok": True, "messages": self._posted_in(params)}
        return {"ok": True}

    def _posted_in(self, params: dict) -> list[dict]:
        """What the bot posted in a thread (replies), or outside threads in a channel (history)."""
        channel, thread = params.get("channel"), params.get("ts")
        return [{"type": "message", "bot_id": BOT_ID, "user": BOT_USER_ID, "text": c.params.get("text", ""),
                 "thread_ts": c.params.get("thread_ts")}
                for c in self.of("chat.postMessage") if c.params.get("channel") == channel
                and (c.params.get("thread_ts") == thread if thread else not c.params.get("thread_ts"))]

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await request.json()
        if not await self._slowly(request):
            return web.Response(status=499)
        await self._record(Call("response_url", params, path=request.match_info["rid"]))
        failures = self._failures.get("response_url")
        if failures:   # e.g. fail("response_url", "expired_url", status=404): nothing was shown
            failure = failures.pop(0)
            if "raw" in failure:
                return _raw(failure["raw"], failure["status"], failure["content_type"])
            return web.Response(text=failure["error"], status=failure["status"])
        self.answered_paths.add(request.match_info["rid"])
        return web.Response(text="ok")

    # ---- Socket Mode ----------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0000001"}, "debug_info": {"host": "fake"}})
        self._ws_ready.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
                async with self._changed:
                    self._changed.notify_all()
        return ws

    async def send_envelope(self, kind: str, payload: dict, envelope_id: str) -> None:
        """Deliver one Socket Mode envelope (e.g. kind "slash_commands")."""
        await asyncio.wait_for(self._ws_ready.wait(), 5)
        assert self._ws is not None
        await self._ws.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                  "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
                                  "retry_reason": ""})


def _json(body: dict, status: int = 200, headers: dict | None = None) -> web.Response:
    # Exactly application/json, as Slack sends it.
    return web.Response(text=json.dumps(body), status=status, headers=headers or {},
                        content_type="application/json")


def _raw(body: str, status: int, content_type: str | None) -> web.Response:
    response = web.Response(body=body.encode(), status=status)
    if content_type is None:
        response.headers.popall("Content-Type", None)
    else:
        response.headers["Content-Type"] = content_type
    return response
