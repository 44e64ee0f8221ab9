"""Stopping a service cleanly: SIGTERM (`docker stop`) or SIGINT (Ctrl-C) asks it to stop.

The service gets an `asyncio.Event` that the first signal sets; it then stops taking new
work, finishes what it acknowledged (bot.inflight), closes its store and returns, and the
process exits 0. A second signal stops at once (exit 130). In a container the bot is
process 1, which the kernel never kills with a signal it does not handle: without this,
`docker stop` waits out the grace period and kills it.
"""
from __future__ import annotations

import asyncio
import logging
import signal
from typing import Awaitable, Callable

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def until_signalled(serve: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run `serve(stop)`, where `stop` is set by the first SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    main = asyncio.current_task()
    forced = False

    def first(sig: signal.Signals) -> None:
        log.info("%s received: finishing the answers in flight, then stopping (again: stop now)", sig.name)
        stop.set()
        for each in SIGNALS:
            loop.add_signal_handler(each, again, each)

    def again(sig: signal.Signals) -> None:
        nonlocal forced
        log.warning("%s received again: stopping now", sig.name)
        forced = True
        main.cancel()

    for each in SIGNALS:
        loop.add_signal_handler(each, first, each)
    try:
        await serve(stop)
    except asyncio.CancelledError:
        if forced:
            raise KeyboardInterrupt from None   # the entry point's exit 130
        raise
    finally:
        for each in SIGNALS:
            loop.remove_signal_handler(each)
    log.info("stopped")
