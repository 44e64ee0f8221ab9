"""A long answer stays within Slack's limits through the real app (issue 5): a tmp
knowledge folder holds an episode where everything is enormous (title, speaker, chapter
headers, transcript lines, 120 chapters), and every message the app posts to the fake
Web API or a response_url has at most 50 blocks and section texts of at most 3000
characters."""
from __future__ import annotations

import pytest

from bot.adapters.slack.render import SHARE
from tests.fakes.fake_slack import BOT_USER_ID
from tests.slack.slack_checks import assert_within_limits, blocks_of
from tests.fakes.slack_requests import block_action, mention_event

SENTENCE = "Zebra herds cross the Mara river during the great migration and the drones count every zebra. "
HUGE_LINE = (SENTENCE * 250).strip()                  # ~24,000 characters in one utterance
SPEAKER = "Zoe " + "Wildebeest-Researcher " * 25      # ~550 characters
TITLE = "Zebra Migration Data " + "and Drones " * 180   # ~2,000 characters
CHAPTERS = 120
QUESTION = "how do drones count zebra herds in the migration?"


def episode() -> str:
    transcript = []
    for i in range(CHAPTERS):
        sec = 60 * i
        transcript.append(f"- header: Chapter {i} about zebra herds {'and river crossings ' * 70}")
        transcript.append(f"- line: {HUGE_LINE}\n  sec: {sec}\n  time: '{sec // 60}:00'\n  who: {SPEAKER.strip()}")
    return (f"---\ntitle: {TITLE.strip()}\nseason: 9\nepisode: 4\nguests:\n- zoe\nids:\n  youtube: zEbRa654321\n"
            f"transcript:\n" + "\n".join(transcript) + f"\n---\n{HUGE_LINE}\n")


@pytest.fixture
def knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "zebra-migration-long.md").write_text(episode(), encoding="utf-8")
    return (folder,)


def answer_text(params: dict) -> str:
    return next(b for b in blocks_of(params) if b.get("block_id", "").startswith("answer:"))["text"]["text"]


def responses(fake, rid: str) -> list[dict]:
    return [c.params for c in fake.of("response_url") if c.path == rid]


async def test_oversized_mention_answer_is_posted_within_limits(slack, fake_slack):
    await slack.event(mention_event(f"<@{BOT_USER_ID}> {QUESTION}", "1700000500.000200"), "Ev1")
    posted = (await fake_slack.wait_for(lambda f: f.of("chat.postMessage")))[0].params
    assert_within_limits(posted)
    assert "Zebra herds cross the Mara river" in answer_text(posted)   # trimmed, not dropped


async def test_oversized_slash_answer_and_its_shared_copy_are_within_limits(slack, fake_slack):
    await slack.command("/ask", QUESTION * 9, fake_slack.response_url("r1"))   # near the 500-character cap
    private = (await fake_slack.wait_for(lambda f: responses(f, "r1")))[0]
    assert_within_limits(private)
    assert "Zebra herds cross the Mara river" in answer_text(private)
    answer_id = next(b for b in blocks_of(private) if b["type"] == "actions")["elements"][0]["value"]
    await slack.interactive(block_action(SHARE, answer_id, fake_slack.response_url("r2")))
    public = (await fake_slack.wait_for(lambda f: f.of("chat.postMessage")))[0].params
    assert_within_limits(public)


async def test_an_episode_card_with_120_long_chapters_is_cut_to_50_blocks(slack, fake_slack):
    await slack.command("/episode", "s09e04", fake_slack.response_url("r1"))
    card = (await fake_slack.wait_for(lambda f: responses(f, "r1")))[0]
    assert_within_limits(card)
    assert len(blocks_of(card)) == 50 and "more in the episode page" in str(blocks_of(card)[-1])
