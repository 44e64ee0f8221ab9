"""Load benchmark for the Slack app in HTTP mode (not a test).

Starts `python -m bot slack --http` as a separate process, exactly as deployed, with the
Web API pointed at the fake Slack from tests/slack (in this process), then sends N signed
`/ask` requests, C in flight at a time. Measures per request:
  ack latency:    request sent -> HTTP 200 from the app (Slack requires < 3 s)
  answer latency: request sent -> the answer arrives at the request's response_url
and checks that every request was acknowledged within 3 s and answered exactly once.

    .venv/bin/python benchmarks/slack_load.py [--requests 1000] [--concurrency 50]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # the tests' fakes: the fake Slack and the request signer

from tests.fakes.fake_slack import FakeSlack  # noqa: E402
from tests.fakes.slack_requests import SIGNING_SECRET, SlackHttp  # noqa: E402

QUESTIONS = (
    "How do I find volunteering projects?", "How can I join Omdena?", "What is a good hackathon strategy?",
    "How do I build a portfolio in machine learning?", "Where can I find data for a project?",
    "How do I get a mentor?", "What does a data engineer do in a volunteer project?",
    "How to start with open source?", "How did Sara get a Google PhD fellowship?", "What is an MVP mindset?",
)
ACK_LIMIT = 3.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def start_app(fake: FakeSlack, data_dir: Path) -> tuple[asyncio.subprocess.Process, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=fake.api_url, BOT_DATA_DIR=str(data_dir), BOT_KNOWLEDGE=str(REPO / "knowledge"),
               BOT_RATE_LIMIT="1000000", BOT_LOG_LEVEL="WARNING", BOT_RELOAD_SECONDS="0", PYTHONPATH=str(REPO))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "slack", "--http", "--port", str(port), env=env, cwd=data_dir)
    deadline = time.monotonic() + 60
    while True:   # ready when the port accepts connections (logs are at WARNING, so no banner)
        if proc.returncode is not None or time.monotonic() > deadline:
            raise SystemExit("the Slack app did not start")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return proc, port
        except OSError:
            await asyncio.sleep(0.05)


async def run(requests: int, concurrency: int, until_answered: bool = False) -> dict:
    fake = await FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = await start_app(fake, Path(tmp))
        try:
            return await _load(fake, port, requests, concurrency, until_answered)
        finally:
            proc.terminate()
            await proc.wait()
            await fake.stop()


async def _load(fake: FakeSlack, port: int, requests: int, concurrency: int, until_answered: bool) -> dict:
    gate = asyncio.Semaphore(concurrency)
    sent_at: dict[str, float] = {}
    acks: dict[str, tuple[int, float]] = {}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        slack = SlackHttp(f"http://127.0.0.1:{port}/slack/events", session)
        await slack.command("/ask", "warm up", fake.response_url("warmup"))   # first request runs auth.test
        await fake.wait_for(lambda f: f.of("response_url"), timeout=30)

        async def one(i: int) -> None:
            rid = f"q{i}"
            async with gate:
                sent_at[rid] = time.monotonic()
                result = await slack.command("/ask", QUESTIONS[i % len(QUESTIONS)], fake.response_url(rid),
                                             user_id=f"U{i % 500:05d}")
                acks[rid] = (result.status, time.monotonic() - sent_at[rid])
                if until_answered:   # a slot frees when the answer arrives, not at the ack
                    await fake.wait_for(lambda f: rid in f.answered_paths, timeout=60)

        started = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(requests)))
        try:
            await fake.wait_for(lambda f: len(_answered(f)) >= requests, timeout=120)
        except asyncio.TimeoutError:
            pass
        answered = _answered(fake)
        finished = max((c.at for c in answered), default=time.monotonic())
        await asyncio.sleep(0.5)   # settle, then count again: nothing may be answered twice
        answered = _answered(fake)
    return _figures(requests, concurrency, sent_at, acks, answered, finished - started)


def _answered(fake: FakeSlack):
    return [c for c in fake.of("response_url") if c.path.startswith("q")]


def _figures(requests, concurrency, sent_at, acks, answered, seconds) -> dict:
    counts = Counter(c.path for c in answered)
    ack_lat = [lat for _, lat in acks.values()]
    answer_lat = [min(c.at for c in answered if c.path == rid) - sent_at[rid] for rid in counts]
    return {
        "requests": requests, "concurrency": concurrency,
        "acked_200": sum(1 for status, _ in acks.values() if status == 200),
        "acked_within_3s": sum(1 for status, lat in acks.values() if status == 200 and lat < ACK_LIMIT),
        "answered_once": sum(1 for n in counts.values() if n == 1),
        "answered_twice_or_more": sum(1 for n in counts.values() if n > 1),
        "unanswered": requests - len(counts),
        "ack_p50_ms": percentile(ack_lat, 50) * 1000, "ack_p99_ms": percentile(ack_lat, 99) * 1000,
        "ack_max_ms": max(ack_lat) * 1000,
        "answer_p50_ms": percentile(answer_lat, 50) * 1000 if answer_lat else float("nan"),
        "answer_p99_ms": percentile(answer_lat, 99) * 1000 if answer_lat else float("nan"),
        "answer_mean_ms": statistics.mean(answer_lat) * 1000 if answer_lat else float("nan"),
        "seconds": seconds, "throughput_per_s": len(counts) / seconds if seconds else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--until-answered", action="store_true",
                        help="keep a request in flight until its answer arrives (default: until its ack)")
    args = parser.parse_args()
    f = asyncio.run(run(args.requests, args.concurrency, args.until_answered))
    until = "answer" if args.until_answered else "ack"
    print(f"{f['requests']} signed /ask requests, {f['concurrency']} in flight (each until its {until}), "
          "HTTP mode, fake Web API on 127.0.0.1")
    print(f"ack:    p50 {f['ack_p50_ms']:.1f} ms  p99 {f['ack_p99_ms']:.1f} ms  max {f['ack_max_ms']:.1f} ms"
          f"  ({f['acked_within_3s']}/{f['requests']} acked 200 within 3 s)")
    print(f"answer: p50 {f['answer_p50_ms']:.1f} ms  p99 {f['answer_p99_ms']:.1f} ms"
          f"  ({f['answered_once']} answered exactly once, {f['answered_twice_or_more']} more than once,"
          f" {f['unanswered']} unanswered)")
    print(f"throughput: {f['throughput_per_s']:.0f} answered requests/s ({f['seconds']:.2f} s in all)")
    ok = f["acked_within_3s"] == f["requests"] == f["answered_once"]
    print("OK" if ok else "FAILED: not every request was acked within 3 s and answered exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
