"""A lone surrogate in Slack's JSON ("\\ud800": no encoding can carry it) gets a short
refusal through the real app and the real core, not "something went wrong" (the
fixture fails the test on any ERROR log, which the core writes with an error ref)."""
from __future__ import annotations

from bot.core.inputs import UNREADABLE
from tests.fakes.fake_slack import BOT_USER_ID
from tests.fakes.slack_requests import block_action, mention_event


def said(fake) -> str:
    return str([c.params for c in fake.calls])


async def test_a_mention_with_a_lone_surrogate_gets_a_short_refusal(slack, fake_slack):
    sent = await slack.event(mention_event(f"<@{BOT_USER_ID}> how do I join \ud800 Omdena?", "1700000600.000100"), "Ev9")
    assert sent.status == 200
    await fake_slack.wait_for(lambda f: UNREADABLE in said(f))
    assert "went wrong" not in said(fake_slack)


async def test_a_button_with_a_lone_surrogate_gets_a_short_refusal(slack, fake_slack):
    await slack.interactive(block_action("feedback_helpful", "a1\udfff", fake_slack.response_url("r9")))
    await fake_slack.wait_for(lambda f: UNREADABLE in said(f))
    assert "went wrong" not in said(fake_slack)
