"""The slack-bolt app: listener declarations. Each listener acknowledges first, then turns
the Slack payload into an `Invocation` for the core (in a worker thread) and hands the
`Reply` to the renderer and the delivery helpers. No ranking, no database here.
"""
from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.inflight import InFlight
from bot.metrics import NO_METRICS, Metrics

from bot.adapters.slack.command_names import slack_commands
from bot.adapters.slack.handlers import SlackHandlers
from bot.adapters.slack.manifest import PIN_SHORTCUT
from bot.adapters.slack.memory import SlackState
from bot.adapters.slack.moderators import ModeratorCheck
from bot.adapters.slack.render import HELPFUL, NOT_HELPFUL, SHARE

log = logging.getLogger(__name__)

# Read by the command-parity test: equal to the command table and to slack/manifest.json.
SLACK_COMMANDS: tuple[str, ...] = slack_commands()


def build_app(core, client: AsyncWebClient, state: SlackState, moderators: ModeratorCheck,
              signing_secret: str = "", http: bool = True, command_prefix: str = "",
              in_flight: InFlight | None = None, metrics: Metrics = NO_METRICS) -> AsyncApp:
    """`core` offers handle(Invocation) -> Reply and feedback(...) -> Reply (sync);
    the slash commands are the command table's names after `command_prefix`."""
    bolt_log = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _ClientTokenNotice) for f in bolt_log.filters):
        bolt_log.addFilter(_ClientTokenNotice())
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=http,   # Socket Mode requests carry no signature
        process_before_response=False,       # ack goes back at once; the work runs after it
        logger=bolt_log,
    )
    handlers = SlackHandlers(core, state, moderators, command_prefix, in_flight, metrics)
    for name in slack_commands(command_prefix):
        app.command(name)(handlers.on_command)
    app.event("app_mention")(handlers.on_mention)
    app.event("message")(handlers.on_message)
    app.shortcut(PIN_SHORTCUT)(handlers.on_pin_shortcut)
    app.action(HELPFUL)(handlers.on_feedback)
    app.action(NOT_HELPFUL)(handlers.on_feedback)
    app.action(SHARE)(handlers.on_share)
    app.error(handlers.on_unexpected_error)
    return app


class _ClientTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client (which already has the
    token, plus base_url and retry handlers) takes precedence: expected, so not logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()
