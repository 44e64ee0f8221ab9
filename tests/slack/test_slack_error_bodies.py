"""Web API answers that are not Slack's JSON (a proxy's HTML page, plain text, an empty
5xx, JSON without `error` or not an object) through the real app against the fake Slack:
the error handling never fails itself, so the fallback route still runs, a moderator
check is a refusal rather than an internal error, and a bad token is one line at start.
The autouse guard in conftest fails any test that logs an ERROR."""
from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.adapters.slack.moderators import ModeratorCheck
from bot.adapters.slack.service import announcement_posters, check_token
from bot.adapters.slack.web_api import WebApiFailure
from bot.app.services import slack_config
from bot.errors import UserError
from tests.fakes.fake_slack import BOT_USER_ID
from tests.fakes.slack_app import start_http_app
from tests.fakes.slack_requests import mention_event

QUESTION = "How do I find volunteering projects?"

# (body, HTTP status, Content-Type): what a proxy, a gateway or a broken server sends back.
BODIES = {
    "html-502": ("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "text/html"),
    "text-500": ("Internal Server Error", 500, "text/plain"),
    "text-200": ("ok", 200, "text/plain"),
    "empty-503": ("", 503, "application/json"),
    "no-content-type": ("upstream reset", 502, None),
    "invalid-json": ("{not json", 200, "application/json"),
    "json-array": ("[1, 2]", 200, "application/json"),
    "json-string": ('"ratelimited"', 200, "application/json"),
    "json-without-error": ('{"ok": false}', 200, "application/json"),
    "error-not-text": ('{"ok": false, "error": {"code": 5}}', 400, "application/json"),
}


def responses(fake, rid: str) -> list[dict]:
    return [c.params for c in fake.of("response_url") if c.path == rid]


@pytest.mark.parametrize("shape", BODIES)
async def test_a_failed_channel_post_still_falls_back_to_a_dm(slack, fake_slack, caplog, shape):
    fake_slack.fail_with_body("chat.postMessage", *BODIES[shape])
    with caplog.at_level(logging.WARNING, logger="bot"):
        await slack.event(mention_event(f"<@{BOT_USER_ID}> {QUESTION}", "1700000700.000100"), "EvB1")
        dm = await fake_slack.wait_for(lambda f: [c for c in f.of("chat.postMessage") if c.params["channel"] == "U1USER"])
    assert "answer:" in str(dm[0].params["blocks"])
    assert any("chat.postMessage to C1CHAN failed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("shape", BODIES)
async def test_a_failed_admin_lookup_refuses_the_pin_instead_of_failing(slack, fake_slack, caplog, shape):
    fake_slack.fail_with_body("users.info", *BODIES[shape])
    with caplog.at_level(logging.WARNING, logger="bot"):
        await slack.command("/pin", "How do I volunteer? | s17e07@16:05", fake_slack.response_url("r1"))
        reply = (await fake_slack.wait_for(lambda f: responses(f, "r1")))[0]
    assert "Only moderators" in reply["text"]
    assert any("users.info failed for a moderator check" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("shape", ["html-502", "json-array", "invalid-json"])
async def test_a_failed_group_lookup_refuses_too(settings, core, fake_slack, shape):
    fake_slack.group_members = ["UGROUPMOD"]
    fake_slack.fail_with_body("usergroups.users.list", *BODIES[shape])
    app = await start_http_app(replace(settings, slack_moderator_group="S0MODS"), core)
    try:
        await app.http.command("/unpin", "7", fake_slack.response_url("r1"), user_id="UGROUPMOD")
        reply = (await fake_slack.wait_for(lambda f: responses(f, "r1")))[0]
    finally:
        await app.stop()
    assert "Only moderators" in reply["text"]


@pytest.mark.parametrize("answer", [
    '{"ok": true, "user": "UADMIN"}', '{"ok": true, "user": {"is_admin": "yes"}}', '{"ok": true}'])
async def test_an_odd_but_successful_users_info_is_not_an_admin(fake_slack, slack_app, answer):
    fake_slack.fail_with_body("users.info", answer, 200, "application/json")
    assert not await ModeratorCheck().is_moderator(slack_app.service.app.client, "UADMIN")


async def test_a_group_listed_as_text_makes_nobody_a_moderator(fake_slack, slack_app):
    fake_slack.fail_with_body("usergroups.users.list", '{"ok": true, "users": "UGROUPMOD"}', 200, "application/json")
    fake_slack.fail_with_body("users.info", '{"ok": true, "user": {}}', 200, "application/json")
    assert not await ModeratorCheck(group_id="S0MODS").is_moderator(slack_app.service.app.client, "U")


@pytest.mark.parametrize("shape", ["html-502", "text-200", "invalid-json", "json-without-error"])
async def test_a_token_check_against_a_broken_api_is_one_clear_line(slack_app, fake_slack, shape):
    fake_slack.fail_with_body("auth.test", *BODIES[shape])
    with pytest.raises(UserError, match="SLACK_BOT_TOKEN") as raised:
        await check_token(slack_app.service.app)
    assert "\n" not in str(raised.value) and "<html>" not in str(raised.value)


@pytest.mark.parametrize("shape", ["html-502", "json-array"])
async def test_a_failed_announcement_raises_one_readable_failure(slack_app, settings, core, fake_slack, shape):
    from bot.ops.announcements import announcement
    fake_slack.fail_with_body("chat.postMessage", *BODIES[shape])
    post = announcement_posters(replace(slack_config(settings), announce_channel="CANN"), slack_app.service.app)
    with pytest.raises(WebApiFailure, match="chat.postMessage failed"):
        await post["slack"](announcement(next(iter(core.knowledge.searcher.index.documents.values()))))
