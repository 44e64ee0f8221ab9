"""`docker stop` under load: each service, started as `python -m bot ...` in its own
process against a fake platform whose answers take a second to arrive, gets SIGTERM
while answers are in flight. It must stop taking new work, answer everything it had
acknowledged, and exit 0 within 5 s (Docker's default grace is 10 s)."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from tests.fakes.discord_payloads import slash
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_slack import BOT_USER_ID, FakeSlack
from tests.fakes.slack_replicas import start_replica
from tests.fakes.slack_requests import SlackHttp, mention_event

REPO = Path(__file__).resolve().parents[2]
STOP_SECONDS = 5.0
QUESTION = "How do I join Omdena?"


def service_env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "BOT_"))}
    env.update(BOT_DATA_DIR=str(data_dir), BOT_KNOWLEDGE=str(REPO / "knowledge"), BOT_RATE_LIMIT="0",
               BOT_RELOAD_SECONDS="0", PYTHONPATH=str(REPO), **extra)
    return env


async def stopped_within(proc: asyncio.subprocess.Process, seconds: float) -> tuple[int, float]:
    """SIGTERM, then (exit code, seconds it took)."""
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = await asyncio.wait_for(proc.wait(), seconds)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"still running {seconds} s after SIGTERM") from None
    return code, time.monotonic() - began


# ---- Slack over HTTP -----------------------------------------------------------------

async def test_slack_http_answers_what_it_acknowledged_and_exits_0_on_sigterm(tmp_path):
    fake = await FakeSlack().start()
    fake.answer_delay = 1.0
    service = await start_replica("stopping", fake, "", tmp_path / "data", grace=30)   # SQLite: no URL
    proc, port = service.process, service.port
    acked: dict[str, int | None] = {}
    try:
        async with aiohttp.ClientSession() as session:
            slack = SlackHttp(f"http://127.0.0.1:{port}/slack/events", session)

            async def command(i: int) -> None:
                rid = f"c{i}"
                try:
                    acked[rid] = (await slack.command("/ask", QUESTION, fake.response_url(rid),
                                                      user_id=f"U{i:05d}")).status
                except aiohttp.ClientError:   # refused once the service stopped listening
                    acked[rid] = None

            async def mention(i: int) -> None:
                ts = f"{1700001000 + i}.000100"
                event = mention_event(f"<@{BOT_USER_ID}> {QUESTION}", ts, user=f"U{i:05d}")
                try:
                    acked[ts] = (await slack.event(event, f"Ev{i:05d}")).status
                except aiohttp.ClientError:
                    acked[ts] = None

            await asyncio.gather(*(command(i) for i in range(30)), *(mention(i) for i in range(15)))
            assert all(status == 200 for status in acked.values())   # answers are still on their way
            during = asyncio.gather(*(command(i) for i in range(30, 45)))
            code, seconds = await stopped_within(proc, STOP_SECONDS)
            await during
    finally:
        if proc.returncode is None:
            proc.kill()
        await fake.stop()
    assert code == 0 and seconds < STOP_SECONDS
    answered_commands = {c.path for c in fake.of("response_url")}
    answered_mentions = {c.params.get("thread_ts") for c in fake.of("chat.postMessage")}
    unanswered = [key for key, status in acked.items() if status == 200
                  and key not in answered_commands and key not in answered_mentions]
    assert not unanswered, f"acknowledged but never answered: {unanswered}"
    assert sum(status == 200 for status in acked.values()) >= 45


# ---- Discord ------------------------------------------------------------------------

async def test_discord_answers_what_it_deferred_and_exits_0_on_sigterm(tmp_path):
    fake = FakeDiscord()
    await fake.start()
    fake.followup_delay = 1.0
    env = service_env(tmp_path / "data", DISCORD_TOKEN="a-test-token-0123456789")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.fakes.discord_process",
                                                fake.rest_base, fake.gateway_url, env=env, cwd=REPO)
    try:
        await asyncio.wait_for(fake.ready.wait(), 60)
        first = [slash("ask", question=QUESTION) for _ in range(25)]
        for event in first:
            await fake.dispatch("INTERACTION_CREATE", event)
        await fake.wait_for_request("POST", r"/interactions/\d+/[^/]+/callback", count=len(first), timeout=30)
        proc.send_signal(signal.SIGTERM)
        began = time.monotonic()
        late = [slash("ask", question=QUESTION) for _ in range(5)]
        for event in late:
            try:
                await fake.dispatch("INTERACTION_CREATE", event)
            except (ConnectionError, AssertionError, RuntimeError):   # the gateway is already closed
                break
        code = await asyncio.wait_for(proc.wait(), STOP_SECONDS)
        seconds = time.monotonic() - began
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await fake.close()
    assert code == 0 and seconds < STOP_SECONDS
    callbacks = {r.path.split("/")[2]: r.body for r in fake.find("POST", r"/interactions/\d+/[^/]+/callback")}
    followed_up = {r.path.split("/")[-1].removeprefix("tok-") for r in fake.find("POST", r"/webhooks/\d+/[^/]+")}
    deferred = [e["id"] for e in first + late if callbacks.get(e["id"], {}).get("type") == 5]
    assert len(deferred) >= len(first)
    assert not [i for i in deferred if i not in followed_up], "deferred but never answered"
    turned_away = [callbacks[e["id"]] for e in late if callbacks.get(e["id"], {}).get("type") == 4]
    assert all("restarting" in body["data"]["content"] for body in turned_away)
