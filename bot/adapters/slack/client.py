"""The Web API client the Slack app uses, with a bounded rate-limit retry.

slack_sdk's own `AsyncRateLimitErrorRetryHandler` waits whatever `Retry-After` says,
however long. Ours waits only when the delay is short enough to still answer the user
(and at most twice); otherwise the call fails with `ratelimited` and the adapter reports
it instead of hanging. Bolt copies these handlers into its per-request clients.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Optional

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 20.0
MAX_RETRIES = 2
TIMEOUT_SECONDS = 15


class BoundedRateLimitRetry(AsyncRetryHandler):
    """Retry a 429 after its Retry-After delay, if that delay is at most `max_wait`."""

    def __init__(self, max_retry_count: int = MAX_RETRIES, max_wait: float = MAX_WAIT_SECONDS) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: Optional[HttpResponse] = None,
                               error: Optional[Exception] = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        delay = retry_after(response)
        if delay > self.max_wait:
            log.warning("%s rate limited for %.0f s: not waiting", _method(request), delay)
            return False
        return True

    async def prepare_for_next_attempt_async(self, *, state: RetryState, request: HttpRequest,
                                             response: Optional[HttpResponse] = None,
                                             error: Optional[Exception] = None) -> None:
        delay = retry_after(response) if response is not None else 1.0
        log.warning("%s rate limited: retrying in %.1f s", _method(request), delay)
        state.next_attempt_requested = True
        await asyncio.sleep(delay)
        state.increment_current_attempt()


def retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, (list, tuple)) else values
            try:
                return max(float(value), 0.0)
            except ValueError:
                break
    return 1.0


def make_client(token: str, base_url: str, timeout: int = TIMEOUT_SECONDS,
                max_wait: float = MAX_WAIT_SECONDS) -> AsyncWebClient:
    """`base_url` must end with '/' (Settings normalizes SLACK_API_URL)."""
    return AsyncWebClient(
        token=token, base_url=base_url, timeout=timeout,
        retry_handlers=[AsyncConnectionErrorRetryHandler(), BoundedRateLimitRetry(max_wait=max_wait)],
    )


def _method(request: HttpRequest) -> str:
    return request.url.rsplit("/", 1)[-1]
