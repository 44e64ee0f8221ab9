"""GET /metrics as Prometheus scrapes it: from the Slack app in HTTP mode (beside
/slack/events) and from the Discord service on its own port, each counting what its
members did; sync results and live reloads show up there too."""
from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app.metrics_server import METRICS_PATH, metrics_handler
from bot.app.prometheus_metrics import PrometheusMetrics
from bot.adapters.discord.service import build_client
from bot.app.services import serve_discord
from bot.app.settings import Settings
from bot.app.wiring import build_core
from bot.ops.reload import KnowledgeWatcher
from bot.ops.sync_status import record_sync_result
from tests.fakes.discord_payloads import slash
from tests.fakes.fake_discord import running_fake
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.knowledge import write_episode
from tests.fakes.sample import KNOWLEDGE
from tests.fakes.slack_app import start_http_app
from tests.fakes.slack_requests import SIGNING_SECRET, mention_event

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted label items): value} of a /metrics page."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def scrape(url: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200 and response.headers["Content-Type"] == CONTENT_TYPE
        return await response.text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_slack_http_mode_serves_what_happened(tmp_path):
    fake = await FakeSlack().start()
    settings = Settings(semantic=False, knowledge=(KNOWLEDGE,), data_dir=tmp_path / "data", rate_limit_per_minute=1000,
                        slack_bot_token="xoxb-test-token", slack_signing_secret=SIGNING_SECRET,
                        slack_api_url=fake.api_url)
    metrics = PrometheusMetrics(settings.data_dir)
    core = build_core(settings, metrics=metrics)
    app = await start_http_app(settings, core, pages={METRICS_PATH: metrics_handler(metrics.page)}, metrics=metrics)
    try:
        await app.http.command("/ask", "How do I join Omdena?", fake.response_url("a"))
        await app.http.command("/ask", "what is the latest episode?", fake.response_url("b"))
        event = mention_event("<@UBOT0001> how do I find volunteering projects?", "1700000001.000100")
        await app.http.event(event, "Ev1")
        await fake.wait_for(lambda f: len(f.of("response_url")) == 2 and f.of("chat.postMessage"))
        await app.http.event(event, "Ev1", retry_num=1)   # Slack's retry of the same event
        record_sync_result(settings.data_dir, "website", "updated", now=1_800_000_000)
        record_sync_result(settings.data_dir, "website", "failed", now=1_800_003_600)
        await asyncio.sleep(0.2)
        port = app.runner.addresses[0][1]
        page = samples(await scrape(f"http://127.0.0.1:{port}{METRICS_PATH}"))
    finally:
        await app.stop()
        await fake.stop()
    assert page[("bot_questions_total", (("kind", "searched"), ("platform", "slack")))] == 2
    assert page[("bot_questions_total", (("kind", "card"), ("platform", "slack")))] == 1
    assert page[("bot_answer_seconds_count", (("platform", "slack"),))] == 3
    assert page[("bot_routes_total", (("route", "latest"),))] == 1
    assert page[("bot_search_seconds_count", ())] == 3
    assert page[("bot_duplicates_total", (("platform", "slack"),))] == 1
    assert page[("bot_sync_runs_total", (("archive", "website"), ("result", "updated")))] == 1
    assert page[("bot_sync_runs_total", (("archive", "website"), ("result", "failed")))] == 1
    assert page[("bot_sync_last_success_timestamp_seconds", (("archive", "website"),))] == 1_800_000_000
    assert page[("bot_sync_last_failed", (("archive", "website"),))] == 1
    assert ("process_resident_memory_bytes", ()) in page


@pytest.fixture
async def fake_discord(monkeypatch):
    async with running_fake(monkeypatch) as server:
        yield server


async def test_discord_serves_metrics_on_its_own_port(fake_discord, tmp_path):
    port = free_port()
    settings = Settings(semantic=False, knowledge=(KNOWLEDGE,), data_dir=tmp_path / "data", reload_seconds=0,
                        discord_token="a-test-token-0123456789", metrics_port=port)
    metrics = PrometheusMetrics(settings.data_dir)
    client = build_client(build_core(settings, metrics=metrics), (), metrics=metrics)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_discord(settings, client, stop, metrics=metrics))
    try:
        await asyncio.wait_for(fake_discord.ready.wait(), 10)
        event = slash("ask", question="How do I join Omdena?")
        await fake_discord.dispatch("INTERACTION_CREATE", event)
        await fake_discord.wait_for_request("POST", rf"/webhooks/\d+/tok-{event['id']}")
        page = samples(await scrape(f"http://127.0.0.1:{port}{METRICS_PATH}"))
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert page[("bot_questions_total", (("kind", "searched"), ("platform", "discord")))] == 1
    with pytest.raises(aiohttp.ClientConnectionError):   # the port closes with the service
        await scrape(f"http://127.0.0.1:{port}{METRICS_PATH}")


def test_reloads_are_counted_by_outcome(tmp_path):
    folder = tmp_path / "k"
    write_episode(folder, "volunteering", 17, 7, ["Volunteering with Omdena helped my career."])
    metrics = PrometheusMetrics()

    class Handle:
        searcher = None

        def swap(self, searcher):
            self.searcher = searcher

    broken = {"now": False}

    def load(folders, cache_dir):
        if broken["now"]:
            raise RuntimeError("index build failed")
        from bot.retrieval.cached_index import open_index
        return open_index(folders, cache_dir)

    watcher = KnowledgeWatcher(Handle(), lambda: [folder], None, load=load, metrics=metrics)
    assert watcher.check_once() is not None
    write_episode(folder, "kubeflow", 17, 8, ["Kubeflow pipelines orchestrate training."])
    broken["now"] = True
    assert watcher.check_once() is None
    page = samples(metrics.page()[0].decode())
    assert page[("bot_knowledge_reloads_total", (("outcome", "swapped"),))] == 1
    assert page[("bot_knowledge_reloads_total", (("outcome", "failed"),))] == 1
