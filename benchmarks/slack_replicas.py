"""Slack replicas on one PostgreSQL under load, with a replica killed (not a test).

Starts R `python -m bot slack --http` processes on a fresh PostgreSQL database (the test
server, $BOT_TEST_POSTGRES_URL, default postgresql://127.0.0.1:5432/test), puts a
round-robin forwarder in front, and sends N channel mentions the way Slack does: each as
`app_mention` and as its `message` twin, every 5th re-sent although acknowledged, and
any delivery not acknowledged with 200 within 3 s retried (immediately, after the grace,
and later). The first replica is SIGKILLed after 40% of the questions. Prints events,
replicas, answered once, duplicates, lost, and ack p50/p99.

    .venv/bin/python benchmarks/slack_replicas.py [--questions 600] [--replicas 3] [--concurrency 16]
"""
from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # the tests' fakes: fake Slack, request signing, the harness

from tests.fakes.fake_slack import FakeSlack  # noqa: E402
from tests.fakes.slack_replicas import run_load, start_replica, stop_replicas  # noqa: E402
from tests.fakes.stores import SERVER_URL, admin, drop_database, with_database  # noqa: E402

GRACE = 2


async def run(questions: int, replica_count: int, concurrency: int, kill: bool) -> dict:
    name = f"bot_bench_{secrets.token_hex(4)}"
    with admin() as conn:
        conn.execute(f"CREATE DATABASE {name}")
    fake = await FakeSlack().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            replicas = list(await asyncio.gather(*(
                start_replica(f"r{i}", fake, with_database(SERVER_URL, name), Path(tmp) / f"r{i}", GRACE)
                for i in range(replica_count))))
            try:
                return await run_load(fake, replicas, questions, concurrency, GRACE, kill_at=0.4 if kill else None)
            finally:
                await stop_replicas(replicas)
    finally:
        await fake.stop()
        drop_database(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=600)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-kill", action="store_true", help="keep every replica alive")
    args = parser.parse_args()
    f = asyncio.run(run(args.questions, args.replicas, args.concurrency, not args.no_kill))
    print(f"{f['questions']} questions as {f['deliveries']} signed events (twins, retries) over {args.replicas} "
          f"replicas on one PostgreSQL, {args.concurrency} in flight"
          f"{'' if args.no_kill else ', first replica SIGKILLed at 40%'}")
    print(f"answered once {f['answered_once']}, duplicates {f['duplicates']}, lost {f['lost']} "
          f"(+ {f['lost_after_ack_by_killed']} acknowledged by the killed replica before it answered: "
          "Slack does not re-send those)")
    print(f"deliveries not acknowledged (Slack retried them) {f['not_acked']}; "
          f"ack p50 {f['ack_p50_ms']:.1f} ms, p99 {f['ack_p99_ms']:.1f} ms")
    return 0 if f["duplicates"] == 0 and f["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
