"""Work a platform has been told we took (an acknowledged request, a deferred interaction)
and not yet answered. A stopping service stops taking new work, then waits here until
this is done, so nothing acknowledged is left unanswered by a restart."""
from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Iterator

# A stop waits this long for answers in flight, well inside Docker's default grace of
# 10 s; what is still running then is logged and cut off. Platforms never re-send what
# was acknowledged, so those members get no answer: the limit is generous for answers
# that take well under a second.
DRAIN_SECONDS = 5.0


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.stopping = False      # set when the service stops taking new work

    @property
    def count(self) -> int:
        return self._count

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Around one piece of work, from before its acknowledgement to its answer."""
        self._count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def drained(self, seconds: float = DRAIN_SECONDS) -> int:
        """Wait until nothing is in flight, for at most `seconds`; how much is left."""
        deadline = time.monotonic() + seconds
        await asyncio.sleep(0)   # listener tasks scheduled before the stop start, and count
        while self._count and time.monotonic() < deadline:
            try:
                await asyncio.wait_for(self._idle.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                break
            await asyncio.sleep(0)   # an answer's follow-up work may start right after
        return self._count
