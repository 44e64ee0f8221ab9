"""What a call to Discord's REST API can raise, and one short log line saying why.

discord.py raises HTTPException for an error response it can read. One it can't read
escapes as the parsing error itself: invalid JSON or an empty body under
`application/json` (ValueError), `message: null` or `errors` that is not an object
(TypeError, AttributeError); a dropped connection is aiohttp's or the OS's error. A
handler that catches only HTTPException then skips its fallback (the plain message
after a failed reply, the private note after a failed pin). Every send catches
`REST_ERRORS` instead, and logs `describe(exc)`: a proxy's HTML page is cut to a line.
"""
from __future__ import annotations

import asyncio

import aiohttp
import discord

REST_ERRORS = (discord.DiscordException, aiohttp.ClientError, asyncio.TimeoutError, OSError,
               ValueError, TypeError, AttributeError, KeyError)
DETAIL_CHARS = 200


def describe(exc: BaseException) -> str:
    """`403 Missing Permissions`, `502 <html>…`, or `ValueError (unreadable response: …)`."""
    if isinstance(exc, discord.HTTPException):
        status = getattr(exc, "status", None)
        text = " ".join(str(getattr(exc, "text", "") or "").split())[:DETAIL_CHARS]
        return f"{status if isinstance(status, int) else '?'} {text}".rstrip()
    detail = " ".join(str(exc).split())[:DETAIL_CHARS]
    return f"{type(exc).__name__} (unreadable response or connection: {detail})"
