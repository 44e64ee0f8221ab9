"""Three Slack HTTP replicas (`python -m bot slack --http` processes) on one PostgreSQL,
behind a round-robin forwarder, against the fake Slack: hundreds of signed events with
`app_mention`/`message` twins and retries spread over the replicas, one replica killed
with SIGKILL in the middle. No question is answered twice; none that Slack re-sends is
lost; a pin made through one replica is served by the others, also after the kill.

What no replica can save: events the killed replica had acknowledged but not yet
answered (Slack never re-sends an acknowledged event). They are counted apart."""
from __future__ import annotations

import asyncio
import signal

from tests.fakes.slack_replicas import ask_directly, run_load, start_replica, stop_replicas

GRACE = 2          # SLACK_RETRY_GRACE_SECONDS in the replicas: Slack's schedule, compressed
QUESTIONS = 150
PIN = "How do I join Omdena? | See https://omdena.com/projects"


async def test_replicas_answer_each_question_once_through_a_kill(fake_slack, postgres_url, tmp_path):
    replicas = list(await asyncio.gather(*(
        start_replica(f"r{i}", fake_slack, postgres_url, tmp_path / f"r{i}", GRACE) for i in range(3))))
    try:
        pinned = await ask_directly(replicas[0], fake_slack, "/pin", PIN, "pin")
        assert "Pinned #1" in pinned["text"]
        served = await ask_directly(replicas[1], fake_slack, "/ask", "how can I join Omdena", "ask-1", user="U9")
        assert "omdena.com/projects" in str(served)

        figures = await run_load(fake_slack, replicas, QUESTIONS, concurrency=12, grace=GRACE)
        assert replicas[0].process.returncode == -signal.SIGKILL
        assert figures["deliveries"] >= 2.2 * QUESTIONS   # twins and retries: hundreds of events
        assert figures["duplicates"] == 0, figures
        assert figures["lost"] == 0, figures
        assert figures["answered_once"] + figures["lost_after_ack_by_killed"] == QUESTIONS, figures

        after = await ask_directly(replicas[2], fake_slack, "/ask", "How do I join Omdena?", "ask-2", user="U8")
        assert "omdena.com/projects" in str(after)
        listed = await ask_directly(replicas[1], fake_slack, "/pins", "", "pins")
        assert "#1" in listed["text"] and "#2" not in listed["text"]
    finally:
        await stop_replicas(replicas)
