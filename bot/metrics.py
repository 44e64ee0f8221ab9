"""What the bot counts for its operator: questions, answers by kind, how long finding and
giving an answer took, failures, Slack deliveries de-duplicated, knowledge reloads.

The core, the adapters and live reload are handed a `Metrics` and call it; this base
class counts nothing (the command line, most tests). The services get one that feeds
Prometheus (bot/app/prometheus_metrics.py), so nothing here imports a metrics library.
"""
from __future__ import annotations

# Kinds of reply to a question (the `kind` label of bot_answers_total).
PINNED, SEARCHED, NOT_FOUND, CARD, REFUSED, FAILED, USAGE = (
    "pinned", "searched", "not_found", "card", "refused", "error", "usage")


class Metrics:
    def question(self, platform: str, kind: str, seconds: float) -> None:
        """A question got a reply of `kind` after `seconds` in the core."""

    def searched(self, route: str, seconds: float) -> None:
        """The router read a question as `route` (quote, latest, episode, person,
        episodes_about, count) and finding the answer took `seconds`."""

    def failed(self, platform: str, where: str) -> None:
        """Something failed and was answered with a reference id, or not delivered."""

    def duplicate(self, platform: str) -> None:
        """A delivery the platform made again (a retry, an event's twin) was not answered again."""

    def reloaded(self, outcome: str) -> None:
        """Live reload swapped in new knowledge ("swapped") or kept the old after a failure ("failed")."""


NO_METRICS = Metrics()
