"""A small fake of Discord's REST API and gateway on 127.0.0.1, for driving an
unmodified `client.start()` (see ../shared/notes/platform-testing.md).

Only what our bot touches is served. Every REST request is recorded, and tests wait
on conditions (`wait_for_request`) instead of sleeping. Payloads follow Discord's wire
format: snowflakes go out as strings, JSON goes out with exactly `application/json`.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 900000000000000010
CHANNEL_ID = 900000000000000020
THREAD_ID = 900000000000000021
EVERYONE_ROLE = GUILD_ID            # Discord: the @everyone role id equals the guild id
MOD_ROLE = 900000000000000030
IMPOSTOR_ROLE = 900000000000000031   # any member could make it: named like the mods' role and id
TIMESTAMP = "2024-03-01T12:00:00.000000+00:00"
MANAGE_MESSAGES = 1 << 13
PIN_MESSAGES = 1 << 51             # split from Manage Messages by Discord; what moderators need here
BASIC_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)   # view channel, send messages, use app commands


@dataclass
class Recorded:
    method: str
    path: str                      # after /api/v10
    query: dict[str, str]
    body: Any                      # parsed JSON, or None

    def __repr__(self) -> str:     # short, for assertion messages
        return f"{self.method} {self.path} {json.dumps(self.body)[:300] if self.body else ''}"


def user_json(user_id: int, name: str, bot: bool = False) -> dict:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name,
            "avatar": None, "bot": bot}


def member_json(user_id: int, name: str, roles=(), permissions: int = BASIC_PERMISSIONS) -> dict:
    return {"user": user_json(user_id, name), "roles": [str(r) for r in roles], "joined_at": TIMESTAMP,
            "deaf": False, "mute": False, "flags": 0, "permissions": str(permissions)}


def message_json(message_id: int, content: str, author: dict, channel_id: int = CHANNEL_ID,
                 embeds=(), components=(), guild: bool = True) -> dict:
    data = {"id": str(message_id), "channel_id": str(channel_id), "author": author,
            "content": content, "timestamp": TIMESTAMP, "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": list(embeds), "components": list(components), "pinned": False, "type": 0}
    if guild:
        data["guild_id"] = str(GUILD_ID)
    return data


def guild_json() -> dict:
    return {
        "id": str(GUILD_ID), "name": "Podcast fans", "icon": None, "owner_id": "1",
        "unavailable": False, "member_count": 1, "large": False, "features": [],
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "mfa_level": 0, "premium_tier": 0, "nsfw_level": 0, "preferred_locale": "en-US",
        "system_channel_flags": 0, "afk_timeout": 300, "emojis": [], "stickers": [],
        "roles": [
            {"id": str(EVERYONE_ROLE), "name": "@everyone", "permissions": str(BASIC_PERMISSIONS),
             "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0},
            {"id": str(MOD_ROLE), "name": "Podcast mods", "permissions": "0",
             "position": 1, "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0},
            {"id": str(IMPOSTOR_ROLE), "name": str(MOD_ROLE), "permissions": "0",
             "position": 2, "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0},
        ],
        "channels": [{"id": str(CHANNEL_ID), "type": 0, "name": "general", "position": 0,
                      "permission_overwrites": [], "nsfw": False, "guild_id": str(GUILD_ID)}],
        "threads": [{"id": str(THREAD_ID), "type": 11, "name": "a question", "parent_id": str(CHANNEL_ID),
                     "guild_id": str(GUILD_ID), "owner_id": "1", "message_count": 1, "member_count": 1,
                     "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                         "archive_timestamp": TIMESTAMP, "locked": False}}],
        "members": [member_json(BOT_ID, "podbot")], "voice_states": [], "presences": [],
    }


class FakeDiscord:
    """REST at http://127.0.0.1:PORT/api/v10, gateway at ws://127.0.0.1:PORT/gateway."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.failures: dict[tuple[str, str], tuple[int, dict]] = {}   # (method, path regex) -> reply
        self._fail_next: list[tuple[str, str, int, dict]] = []          # one-shot failures, in order
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._seq = itertools.count(1)
        self._ids = itertools.count(910000000000000000)
        self.ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.followup_delay = 0.0   # seconds each interaction follow-up takes (a slow Discord)

    # --- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def rest_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    def fail_next(self, method: str, pattern: str, status: int, reply: dict | str,
                  content_type: str = "application/json") -> None:
        """Only the next matching request fails (e.g. a reply fails, the plain send after it works).
        A `reply` given as text is sent as it is, with `content_type`: a proxy's HTML page,
        JSON Discord would never send, an empty body..."""
        self._fail_next.append((method, pattern, status, (reply, content_type) if isinstance(reply, str) else reply))

    # --- waiting -----------------------------------------------------------------------
    def find(self, method: str, pattern: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    async def wait_for_request(self, method: str, pattern: str, count: int = 1, timeout: float = 5) -> Recorded:
        async def found():
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.find(method, pattern)) >= count)
        try:
            await asyncio.wait_for(found(), timeout)
        except TimeoutError:
            raise AssertionError(f"no {method} {pattern} within {timeout}s; saw {self.requests}") from None
        return self.find(method, pattern)[count - 1]

    # --- REST ----------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body = json.loads(raw) if raw and request.content_type == "application/json" else None
        if body is None and raw and request.content_type.startswith("multipart"):
            body = {"multipart": raw.decode("utf-8", "replace")}
        if self.followup_delay and request.method == "POST" and path.startswith("/webhooks/"):
            await asyncio.sleep(self.followup_delay)
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)   # the bot hung up: the follow-up never arrived
        record = Recorded(request.method, path, dict(request.query), body)
        async with self._changed:
            self.requests.append(record)
            self._changed.notify_all()
        for i, (method, pattern, status, reply) in enumerate(self._fail_next):
            if method == request.method and re.fullmatch(pattern, path):
                del self._fail_next[i]
                if isinstance(reply, tuple):
                    return web.Response(body=reply[0].encode(), status=status, headers={"Content-Type": reply[1]})
                return _json(reply, status)
        for (method, pattern), (status, reply) in self.failures.items():
            if method == request.method and re.fullmatch(pattern, path):
                return _json(reply, status)
        return self._answer(record)

    def _answer(self, r: Recorded) -> web.Response:
        bot = user_json(BOT_ID, "podbot", bot=True)
        if r.path == "/users/@me":
            return _json(bot)
        if r.path == "/oauth2/applications/@me":
            return _json({"id": str(APP_ID), "name": "podbot", "icon": None, "description": "",
                          "bot_public": True, "bot_require_code_grant": False,
                          "owner": user_json(1, "owner"), "verify_key": "00", "flags": 0})
        if m := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", r.path):
            flags = ((r.body or {}).get("data") or {}).get("flags", 0)
            return _json({"interaction": {"id": m.group(1), "type": 2,
                                          "response_message_loading": r.body.get("type") == 5,
                                          "response_message_ephemeral": bool(flags & 64)}})
        if re.fullmatch(r"/webhooks/\d+/[^/]+(/messages/@original)?", r.path) and r.method in ("POST", "PATCH"):
            return _json(self._echo_message(r.body or {}, bot))
        if re.fullmatch(r"/webhooks/\d+/[^/]+/messages/@original", r.path) and r.method == "DELETE":
            return web.Response(status=204)
        if m := re.fullmatch(r"/channels/(\d+)/messages", r.path):
            return _json(self._echo_message(r.body or {}, bot, int(m.group(1))))
        if re.fullmatch(r"/channels/\d+/messages/pins/\d+", r.path):
            return web.Response(status=204)
        if re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", r.path) and r.method == "PUT":
            # Discord echoes the commands with ids; a context menu comes back with description "".
            return _json([{"description": "", **c, "id": str(self.next_id()), "application_id": str(APP_ID),
                           "version": "1"} for c in r.body])
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _echo_message(self, body: dict, author: dict, channel_id: int = CHANNEL_ID) -> dict:
        return message_json(self.next_id(), body.get("content") or "", author, channel_id,
                            embeds=body.get("embeds") or (), components=body.get("components") or ())

    # --- gateway ----------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                break
            data = json.loads(msg.data)
            if data["op"] == 1:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif data["op"] == 2:
                await self._identify()
        return ws

    async def _identify(self) -> None:
        await self.dispatch("READY", {
            "v": 10, "user": user_json(BOT_ID, "podbot", bot=True),
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}], "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url, "application": {"id": str(APP_ID), "flags": 0}})
        await self.dispatch("GUILD_CREATE", guild_json())
        self.ready.set()

    async def dispatch(self, event: str, data: dict) -> None:
        assert self._ws is not None, "the client has not connected to the gateway"
        await self._ws.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only for exactly this content type (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


@contextlib.asynccontextmanager
async def running_fake(monkeypatch):
    """A started FakeDiscord with discord.py pointed at it. The only two seams: where
    discord.py sends REST calls and where it opens the gateway."""
    import discord
    import yarl

    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.rest_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    try:
        yield server
    finally:
        await server.close()
