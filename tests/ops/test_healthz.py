"""GET /healthz on the Slack app's HTTP mode, through the real aiohttp server."""
from __future__ import annotations

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from functools import partial

from bot.adapters.slack.service import HEALTH_PATH, serve_http
from bot.ops.health import check_data_dir


def bolt_app() -> AsyncApp:
    client = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")  # never called
    return AsyncApp(client=client, signing_secret="test-secret", request_verification_enabled=True)


async def get(data_dir):
    runner = await serve_http(bolt_app(), "127.0.0.1", 0, health=partial(check_data_dir, data_dir),
                              signing_secret="test-secret")
    try:
        host, port = runner.addresses[0][:2]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://{host}:{port}{HEALTH_PATH}") as response:
                return response.status, await response.text()
    finally:
        await runner.cleanup()


async def test_healthz_is_ok_while_serving_with_a_writable_data_folder(tmp_path):
    assert await get(tmp_path / "data") == (200, "ok\n")


async def test_healthz_reports_an_unwritable_data_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    status, text = await get(blocker / "data")
    assert status == 503 and text.startswith("unhealthy: data folder")
