"""Getting a message to the user despite Web API trouble.

Every send reports success instead of raising, logs the Slack error code on failure
(`not_in_channel`, `ratelimited` after the bounded retry, timeouts), and the chains
below fall back to another route, so the user gets the answer or at least a short error
with a reference id. Only when every route fails is the outcome an ERROR log line.
"""
from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import SlackMessage, text_message
from bot.adapters.slack.web_api import TRANSPORT_ERRORS, WebApiFailure, call, reason

log = logging.getLogger(__name__)


def failure_message(ref: str) -> SlackMessage:
    return text_message(f"Sorry, something went wrong on my side (ref {ref}). Please try again in a moment.")


async def post(client: AsyncWebClient, channel: str, message: SlackMessage, thread_ts: str | None = None) -> bool:
    try:
        await call(client.chat_postMessage, channel=channel, thread_ts=thread_ts, **message.as_kwargs())
        return True
    except WebApiFailure as failure:
        log.warning("chat.postMessage to %s failed: %s", channel, failure.reason)
        return False


async def post_ephemeral(client: AsyncWebClient, channel: str, user: str, message: SlackMessage,
                         thread_ts: str | None = None) -> bool:
    try:
        await call(client.chat_postEphemeral, channel=channel, user=user, thread_ts=thread_ts, **message.as_kwargs())
        return True
    except WebApiFailure as failure:
        log.warning("chat.postEphemeral to %s failed: %s", channel, failure.reason)
        return False


async def respond_with(respond, message: SlackMessage, response_type: str = "ephemeral", **extra) -> bool:
    """Post through the request's response_url (works even where the bot is not a member)."""
    try:
        resp = await respond(response_type=response_type, **message.as_kwargs(), **extra)
    except (*TRANSPORT_ERRORS, ValueError) as exc:   # ValueError: the payload has no response_url
        log.warning("response_url post failed: %s", reason(exc))
        return False
    if getattr(resp, "status_code", None) != 200:
        body = " ".join(str(getattr(resp, "body", "") or "").split())[:100]   # may be an HTML page
        log.warning("response_url post failed: HTTP %s %s", getattr(resp, "status_code", "?"), body)
        return False
    return True


async def to_user(client: AsyncWebClient, user: str, message: SlackMessage, channel: str | None = None,
                  thread_ts: str | None = None, private: bool = False) -> bool:
    """Public in the channel/thread (or private there), else a direct message as a last resort."""
    if channel:
        sent = await (post_ephemeral(client, channel, user, message, thread_ts) if private
                      else post(client, channel, message, thread_ts))
        if sent:
            return True
    if channel != user and await post(client, user, message):   # posting to a user id opens the DM
        return True
    return False


async def already_posted(client: AsyncWebClient, channel: str, thread_ts: str | None, after_ts: str,
                         bot_user_id: str | None) -> bool:
    """Did the bot already post in this thread (or, outside threads, in the channel after
    `after_ts`)? Asked only for a question taken over from a process that stopped, whose
    answer may be out although it was never recorded. When Slack can't tell, False."""
    try:
        if thread_ts:
            found = await call(client.conversations_replies, channel=channel, ts=thread_ts, limit=100)
        else:
            found = await call(client.conversations_history, channel=channel, oldest=after_ts, limit=100)
    except WebApiFailure as failure:
        log.warning("could not look for an earlier answer in %s (%s); answering", channel, failure.reason)
        return False
    messages = found.get("messages")
    return isinstance(messages, list) and any(isinstance(m, dict) and m.get("user") == bot_user_id
                                              for m in messages)


async def reply_privately(respond, client: AsyncWebClient, user: str, message: SlackMessage,
                          channel: str | None = None, thread_ts: str | None = None, **extra) -> bool:
    """A private reply to a command or click: the response_url, else an ephemeral message in
    the channel, else a DM. An ERROR log line only when every route failed."""
    if await respond_with(respond, message, **extra):
        return True
    if await to_user(client, user, message, channel, thread_ts, private=True):
        return True
    log.error("private reply to %s could not be delivered by any route", user)
    return False


async def report_failure(client: AsyncWebClient, user: str, ref: str, channel: str | None = None,
                         thread_ts: str | None = None, respond=None) -> None:
    """Tell the user, by whatever route still works, that their request failed."""
    message = failure_message(ref)
    if respond is not None and await respond_with(respond, message, replace_original=False):
        return
    if await to_user(client, user, message, channel, thread_ts, private=True):
        return
    log.error("could not reach user %s about failure ref %s", user, ref)
