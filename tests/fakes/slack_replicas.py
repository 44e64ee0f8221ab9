"""Several `python -m bot slack --http` processes on one store, as deployed behind a load
balancer, driven the way Slack drives them. Used by tests/slack/test_slack_replicas.py and
benchmarks/slack_replicas.py.

- `start_replica`: one service process (its own data folder, the shared BOT_DATABASE_URL),
  answering through the fake Web API in this process.
- `RoundRobin`: a small forwarder on 127.0.0.1 that hands each request to the next
  replica; a replica that refuses connections is skipped (as a load balancer does), a
  request lost inside a replica that died is a 502.
- `SlackDelivery`: Slack's side of the Events API: every channel mention comes as
  `app_mention` and as its `message` twin, some acknowledged deliveries are re-sent
  anyway (Slack's "http_timeout" retries of slow acks), and a delivery that is not
  acknowledged with 200 within 3 s is retried on Slack's schedule, compressed
  (immediately, then after the grace, then a little later).
"""
from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.fakes.fake_slack import BOT_USER_ID, FakeSlack
from tests.fakes.slack_app import KNOWLEDGE, MODERATOR
from tests.fakes.slack_requests import SIGNING_SECRET, SlackHttp, event_body, mention_event, signed_headers

ACK_LIMIT = 3.0
QUESTIONS = ("How do I find volunteering projects?", "How can I join Omdena?", "What is a good hackathon strategy?",
             "How do I build a portfolio in machine learning?", "How do I get a mentor?",
             "How to start with open source?", "What is an MVP mindset?")


@dataclass
class Replica:
    name: str
    port: int
    process: asyncio.subprocess.Process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"


async def start_replica(name: str, fake: FakeSlack, database_url: str, data_dir: Path, grace: int) -> Replica:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SLACK_BOT_TOKEN="xoxb-replicas", SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=fake.api_url, SLACK_MODERATORS=MODERATOR, SLACK_RETRY_GRACE_SECONDS=str(grace),
               BOT_DATABASE_URL=database_url, BOT_DATA_DIR=str(data_dir), BOT_KNOWLEDGE=str(KNOWLEDGE),
               BOT_RATE_LIMIT="1000000", BOT_LOG_LEVEL="WARNING", BOT_RELOAD_SECONDS="0",
               PYTHONPATH=str(KNOWLEDGE.parent))
    log = open(data_dir / "service.log", "wb")   # kept for a failing run; closed with the process
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "slack", "--http", "--port", str(port), env=env, cwd=data_dir,
        stdout=log, stderr=log)
    log.close()
    deadline = time.monotonic() + 60
    while True:
        if process.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"replica {name} did not start: see {data_dir / 'service.log'}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return Replica(name, port, process)
        except OSError:
            await asyncio.sleep(0.05)


async def stop_replicas(replicas: list[Replica]) -> None:
    for replica in replicas:
        if replica.process.returncode is None:
            replica.process.terminate()
    for replica in replicas:
        await replica.process.wait()


class RoundRobin:
    """Each request to the next replica; refused connections move on to the one after."""

    def __init__(self, replicas: list[Replica]) -> None:
        self.replicas = replicas
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> "RoundRobin":
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=ACK_LIMIT + 1))
        app = web.Application()
        app.router.add_post("/slack/events", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/slack/events"
        return self

    async def stop(self) -> None:
        await self._session.close()
        await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith(("x-slack", "content-type"))}
        first = next(self._turn)
        for step in range(len(self.replicas)):
            replica = self.replicas[(first + step) % len(self.replicas)]
            try:
                async with self._session.post(replica.url, data=body, headers=headers) as upstream:
                    return web.Response(status=upstream.status, body=await upstream.read(),
                                        headers={"X-Replica": replica.name})
            except aiohttp.ClientConnectorError:
                continue   # nothing listening: the balancer tries the next one
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return web.Response(status=502, headers={"X-Replica": replica.name})
        return web.Response(status=503)


@dataclass
class Delivery:
    question: int
    event_id: str
    attempt: int
    status: int
    seconds: float
    replica: str
    at: float = field(default_factory=time.monotonic)   # when the answer to the delivery came


@dataclass
class SlackDelivery:
    """Slack's side: twins, spurious retries, and retries of what was not acknowledged."""

    url: str
    session: aiohttp.ClientSession
    grace: float
    deliveries: list[Delivery] = field(default_factory=list)

    def retry_delays(self) -> tuple[float, ...]:
        return (0.2, self.grace + 1.0, self.grace + 3.0)   # Slack: ~0 s, 1 min, 5 min

    async def ask(self, question: int, spurious_retry: bool) -> None:
        ts = f"{1700000000 + question}.000100"
        text = f"<@{BOT_USER_ID}> {QUESTIONS[question % len(QUESTIONS)]} ({question})"
        mention = mention_event(text, ts, channel=f"C{question % 5}", user=f"U{question % 40:04d}")
        twin = mention_event(text, ts, channel=f"C{question % 5}", user=f"U{question % 40:04d}", kind="message")
        sends = [self._until_acked(question, mention, f"EvA{question}"),
                 self._until_acked(question, twin, f"EvB{question}")]
        if spurious_retry:
            sends.append(self._until_acked(question, mention, f"EvA{question}", first_attempt=1))
        await asyncio.gather(*sends)

    async def _until_acked(self, question: int, event: dict, event_id: str, first_attempt: int = 0) -> None:
        delays = (0.0,) + self.retry_delays()
        for attempt in range(first_attempt, len(delays)):
            await asyncio.sleep(delays[attempt])
            if await self._send(question, event, event_id, attempt) == 200:
                return

    async def _send(self, question: int, event: dict, event_id: str, attempt: int) -> int:
        body = event_body(event, event_id)
        headers = signed_headers(body, content_type="application/json")
        if attempt:
            headers.update({"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"})
        started = time.perf_counter()
        try:
            async with self.session.post(self.url, data=body.encode(), headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=ACK_LIMIT)) as resp:
                status, replica = resp.status, resp.headers.get("X-Replica", "")
        except (aiohttp.ClientError, asyncio.TimeoutError):
            status, replica = 0, ""
        self.deliveries.append(Delivery(question, event_id, attempt, status, time.perf_counter() - started, replica))
        return status


def answers_by_question(fake: FakeSlack) -> Counter:
    """How many answers each question got, by its message ts (answers go in its thread)."""
    return Counter(int(c.params["thread_ts"].split(".")[0]) - 1700000000 for c in fake.of("chat.postMessage")
                   if c.params.get("thread_ts"))


def figures(questions: int, fake: FakeSlack, deliveries: list[Delivery], killed: str | None) -> dict:
    answered = answers_by_question(fake)
    unanswered = [q for q in range(questions) if not answered[q]]
    # Acknowledged by the replica that was killed before it answered: Slack never re-sends those.
    acked_by_killed = {d.question for d in deliveries if d.status == 200 and d.replica == killed}
    acks = sorted(d.seconds for d in deliveries if d.status == 200)
    return {
        "questions": questions, "deliveries": len(deliveries),
        "not_acked": sum(1 for d in deliveries if d.status != 200),
        "answered_once": sum(1 for q in range(questions) if answered[q] == 1),
        "duplicates": sum(1 for q in range(questions) if answered[q] > 1),
        "lost_after_ack_by_killed": sum(1 for q in unanswered if q in acked_by_killed),
        "lost": sum(1 for q in unanswered if q not in acked_by_killed),
        "ack_p50_ms": _percentile(acks, 50) * 1000, "ack_p99_ms": _percentile(acks, 99) * 1000,
    }


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


async def run_load(fake: FakeSlack, replicas: list[Replica], questions: int, concurrency: int, grace: float,
                   kill_at: float | None = 0.4) -> dict:
    """`questions` mentions through the forwarder; the first replica is SIGKILLed after
    `kill_at` of them were sent. Returns the figures once every retry has run and settled."""
    forwarder = await RoundRobin(replicas).start()
    gate = asyncio.Semaphore(concurrency)
    killed = None
    async with aiohttp.ClientSession() as session:
        slack = SlackDelivery(forwarder.url, session, grace)

        async def one(question: int) -> None:
            async with gate:
                await slack.ask(question, spurious_retry=question % 5 == 0)

        tasks = []
        for question in range(questions):
            if kill_at is not None and killed is None and question >= questions * kill_at:
                await asyncio.sleep(0.3)   # let the first replica be busy with work in flight
                replicas[0].process.kill()
                killed = replicas[0].name
            tasks.append(asyncio.create_task(one(question)))
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)
        await _settle(fake)
    await forwarder.stop()
    return figures(questions, fake, slack.deliveries, killed)


async def _settle(fake: FakeSlack, quiet: float = 1.0, limit: float = 60.0) -> None:
    """Until no answer arrived for `quiet` seconds (nothing may be answered late, or twice)."""
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline and len(fake.calls) != seen:
        seen = len(fake.calls)
        await asyncio.sleep(quiet)


async def ask_directly(replica: Replica, fake: FakeSlack, command: str, text: str, rid: str,
                       user: str = MODERATOR) -> dict:
    """A slash command to one replica (bypassing the forwarder); its response_url answer."""
    async with aiohttp.ClientSession() as session:
        sent = await SlackHttp(replica.url, session).command(command, text, fake.response_url(rid), user_id=user)
    assert sent.status == 200, sent
    return (await fake.wait_for(lambda f: [c.params for c in f.of("response_url") if c.path == rid], 30))[0]
