"""The services' metrics in Prometheus' text format, on a registry of their own.

`PrometheusMetrics` is the `bot.metrics.Metrics` the Slack and Discord services are
built with; `page()` is what GET /metrics returns (Slack's HTTP mode serves it beside
/slack/events, other services on BOT_METRICS_PORT, see metrics_server.py). The sync
results come from the data folder at scrape time, since `sync` runs in its own process.
Imported only by the services: the command line never pays for prometheus_client.
"""
from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.process_collector import ProcessCollector

from bot.metrics import Metrics
from bot.ops.sync_status import FAILED, read_sync_status

# Seconds. A search is ~1 ms on a warm index and tens of ms over a large archive; a whole
# answer adds the pins and the answer log, and waits behind other questions under load.
SEARCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
ANSWER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class PrometheusMetrics(Metrics):
    def __init__(self, data_dir: Path | None = None) -> None:
        self.registry = registry = CollectorRegistry()
        self._questions = Counter("bot_questions", "Questions answered by the core, by platform and kind of reply "
                                  "(pinned, searched, not_found, card, refused, usage, error)",
                                  ["platform", "kind"], registry=registry)
        self._answer_seconds = Histogram("bot_answer_seconds", "A question from the core receiving it to its reply "
                                         "(pins, search, answer log)", ["platform"], buckets=ANSWER_BUCKETS,
                                         registry=registry)
        self._routes = Counter("bot_routes", "How questions were read: quote, latest, episode, person, "
                               "episodes_about, count", ["route"], registry=registry)
        self._search_seconds = Histogram("bot_search_seconds", "Finding a question's answer in the index "
                                         "(routing and search)", buckets=SEARCH_BUCKETS, registry=registry)
        self._errors = Counter("bot_errors", "Failures answered with a reference id, or answers not delivered",
                               ["platform", "where"], registry=registry)
        self._duplicates = Counter("bot_duplicates", "Deliveries a platform made again (Slack retries, an event's "
                                   "twin) that were not answered again", ["platform"], registry=registry)
        self._reloads = Counter("bot_knowledge_reloads", "Live reloads of the knowledge, by outcome "
                                "(swapped, failed)", ["outcome"], registry=registry)
        ProcessCollector(registry=registry)   # memory, CPU, open files of this process
        if data_dir is not None:
            registry.register(SyncStatusCollector(data_dir))

    def question(self, platform: str, kind: str, seconds: float) -> None:
        self._questions.labels(platform, kind).inc()
        self._answer_seconds.labels(platform).observe(seconds)

    def searched(self, route: str, seconds: float) -> None:
        self._routes.labels(route).inc()
        self._search_seconds.observe(seconds)

    def failed(self, platform: str, where: str) -> None:
        self._errors.labels(platform, where).inc()

    def duplicate(self, platform: str) -> None:
        self._duplicates.labels(platform).inc()

    def reloaded(self, outcome: str) -> None:
        self._reloads.labels(outcome).inc()

    def page(self, accept: str | None = None) -> tuple[bytes, str]:
        """(body, content type) of GET /metrics, in the format the scraper's Accept header
        asks for (Prometheus' text format 0.0.4 when it names none, OpenMetrics on request)."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


class SyncStatusCollector:
    """`sync`'s recorded results (bot.ops.sync_status), read at each scrape."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def describe(self):
        return []   # read at scrape time; nothing to check at registration

    def collect(self):
        runs = CounterMetricFamily("bot_sync_runs", "Syncs of each archive so far, by result "
                                   "(cloned, updated, unchanged, failed)", labels=["archive", "result"])
        last_run = GaugeMetricFamily("bot_sync_last_run_timestamp_seconds", "When each archive last synced, "
                                     "whatever the result", labels=["archive"])
        last_success = GaugeMetricFamily("bot_sync_last_success_timestamp_seconds", "When each archive last "
                                         "synced without failing", labels=["archive"])
        last_failed = GaugeMetricFamily("bot_sync_last_failed", "1 when the archive's last sync failed",
                                        labels=["archive"])
        for status in read_sync_status(self.data_dir):
            for result, count in sorted(status.runs.items()):
                runs.add_metric([status.archive, result], count)
            last_run.add_metric([status.archive], status.last_run)
            if status.last_success is not None:
                last_success.add_metric([status.archive], status.last_success)
            last_failed.add_metric([status.archive], 1.0 if status.last_result == FAILED else 0.0)
        return [runs, last_run, last_success, last_failed]
