"""Calling Slack's Web API so that a failure is always one short reason, whatever came back.

slack_sdk's errors carry the response in several shapes: usually a JSON object with an
`error` code, but a body that is not JSON (a proxy's HTML page, plain text, an empty
5xx) leaves `.data` as text or None, an invalid JSON body leaves aiohttp's own response
(no `.data`, `.status` instead of `.status_code`), and a 200 with text or a JSON array
escapes from the SDK's own check as AttributeError. Error handling that reads
`exc.response.get("error")` then fails itself, and the fallback after it never runs.
Every Web API call of the adapter goes through `call`, which turns all of that into
`WebApiFailure(reason)`, and `reason` reads any exception without assuming a shape.
"""
from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError

TRANSPORT_ERRORS = (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError, OSError)
# What slack_sdk's response check raises for a body that is not a JSON object.
UNREADABLE_BODY_ERRORS = (AttributeError, TypeError, ValueError)


class WebApiFailure(Exception):
    """A Web API call that did not succeed; `reason` is short and safe to log. `answered`
    is False when nothing answered at all (connection refused, DNS, timeout)."""

    def __init__(self, method: str, reason: str, answered: bool = True) -> None:
        super().__init__(f"{method} failed: {reason}")
        self.method = method
        self.reason = reason
        self.answered = answered


async def call(method, **kwargs) -> dict:
    """`await method(**kwargs)` for a bound AsyncWebClient method: the response's JSON
    object, or WebApiFailure whatever Slack (or anything in between) answered."""
    name = getattr(method, "__name__", "web_api").replace("_", ".")
    try:
        response = await method(**kwargs)
    except TRANSPORT_ERRORS as exc:
        raise WebApiFailure(name, reason(exc), answered=isinstance(exc, SlackApiError)) from exc
    except UNREADABLE_BODY_ERRORS as exc:
        raise WebApiFailure(name, f"unreadable_response ({type(exc).__name__})") from exc
    data = getattr(response, "data", None)
    if not isinstance(data, dict):
        raise WebApiFailure(name, "unreadable_response")
    return data


def reason(exc: BaseException) -> str:
    """Slack's error code when the response has one, else the HTTP status, else the
    exception's type: never raises, whatever the response looks like."""
    if isinstance(exc, WebApiFailure):
        return exc.reason
    if isinstance(exc, SlackApiError):
        response = getattr(exc, "response", None)
        data = getattr(response, "data", None)
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, str) and error.strip():
            return " ".join(error.split())[:80]
        status = getattr(response, "status_code", None) or getattr(response, "status", None)
        return f"http_{status}" if isinstance(status, int) else "unreadable_response"
    return type(exc).__name__
