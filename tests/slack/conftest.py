"""Fixtures for the Slack adapter: the real app and the real core, a fake Slack on
127.0.0.1, and a guard that fails a test on any ERROR log (Bolt only logs listener
failures, so without it a crashed handler would pass as green)."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.slack.service import build, connect_socket_mode
from bot.app.services import slack_config
from bot.app.settings import Settings
from bot.app.wiring import build_core, open_database, slack_state
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.slack_app import KNOWLEDGE, MODERATOR, drain_listeners, start_http_app
from tests.fakes.slack_requests import SIGNING_SECRET
from tests.fakes.stores import postgres_run, postgres_url  # noqa: F401 - the replicas' shared store

WATCHED_LOGGERS = ("slack_bolt", "slack_sdk", "asyncio", "bot", "aiohttp")


def pytest_configure(config):
    config.addinivalue_line("markers", "expect_errors: the test provokes ERROR log records on purpose")


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED_LOGGERS:
            self.records.append(record)


@pytest.fixture(autouse=True)
def error_logs(request):
    handler = _ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("expect_errors"):
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(f"ERROR log records during the test:\n{lines}")


@pytest.fixture
async def fake_slack():
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


@pytest.fixture
def knowledge() -> tuple[Path, ...]:
    """Overridden by tests that need their own episodes."""
    return (KNOWLEDGE,)


@pytest.fixture
def settings(tmp_path, fake_slack, knowledge) -> Settings:
    return Settings(semantic=False,
        knowledge=knowledge, data_dir=tmp_path / "data", rate_limit_per_minute=1000,
        slack_bot_token="xoxb-test-token", slack_app_token="xapp-test-token",
        slack_signing_secret=SIGNING_SECRET, slack_api_url=fake_slack.api_url,
        slack_moderators=(MODERATOR,))


@pytest.fixture
def core(settings):
    return build_core(settings)   # the real core over real knowledge, in a tmp data dir


@pytest.fixture
async def slack_app(settings, core, fake_slack):
    app = await start_http_app(settings, core)
    yield app
    await app.stop()


@pytest.fixture
async def slack(slack_app) -> SlackHttp:
    return slack_app.http


@pytest.fixture
async def socket_app(settings, core, fake_slack):
    db = open_database(settings)
    service = build(slack_config(settings), core, False, slack_state(settings, db))
    handler = await connect_socket_mode(service.app, settings.slack_app_token)
    yield service
    await handler.close_async()
    await drain_listeners()
    db.close()
