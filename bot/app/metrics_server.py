"""GET /metrics on a port of its own (BOT_METRICS_PORT), for services that have no HTTP
server of their own: the Discord bot, and Slack in Socket Mode."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Callable

from aiohttp import web

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
MetricsPage = Callable[[str | None], tuple[bytes, str]]   # (Accept header) -> (body, content type)


def metrics_handler(page: MetricsPage):
    async def metrics(request: web.Request) -> web.Response:
        body, content_type = await asyncio.to_thread(page, request.headers.get("Accept"))   # reads /proc, data/
        return web.Response(body=body, headers={"Content-Type": content_type})
    return metrics


@contextlib.asynccontextmanager
async def metrics_port(page: MetricsPage, port: int, host: str = "0.0.0.0") -> AsyncIterator[None]:
    """Serve `page` at http://host:port/metrics while the block runs; port 0: nothing."""
    if not port:
        yield
        return
    app = web.Application()
    app.router.add_get(METRICS_PATH, metrics_handler(page))
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("metrics at http://%s:%d%s", host, port, METRICS_PATH)
        yield
    finally:
        await runner.cleanup()
