"""Test tiers, marked by what a test needs rather than by hand in every file:

    platform  the real slack-bolt / discord.py / HTTP client code against fake servers on 127.0.0.1
    process   real subprocesses (the CLI, git, concurrent writers, Slack replicas)
    postgres  the PostgreSQL test server (tests/fakes/stores.py: skipped without one, unless
              BOT_REQUIRE_POSTGRES=1)
    corpus    the whole archive in ../shared/corpus (skipped when absent)

The pure tier (core, retrieval, store on SQLite, rendering) runs alone in seconds:
    pytest -m "not platform and not process and not corpus and not postgres"
The README's test command runs everything.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PLATFORM = ("slack", "discord", "ops/test_discord_live.py", "ops/test_healthz.py", "ops/test_feed_sync.py",
            "ops/test_metrics.py")
PROCESS = ("cli", "adapters/test_console.py", "store/test_pin_processes.py", "ops/test_sync.py",
           "ops/test_sync_credentials.py", "ops/test_sync_report.py", "ops/test_reload.py",
           "ops/test_announcements.py", "store/test_broken_store.py", "slack/test_slack_replicas.py",
           "ops/test_feed_sync.py", "ops/test_stopping.py", "cli/test_progress.py")


def pytest_configure(config):
    for name, about in (("platform", "drives a platform SDK against a local fake server"),
                        ("process", "starts real subprocesses (CLI, git, writers)"),
                        ("postgres", "needs the PostgreSQL test server")):
        config.addinivalue_line("markers", f"{name}: {about}")


def pytest_collection_modifyitems(items):
    for item in items:
        where = Path(str(item.fspath)).resolve().relative_to(TESTS).as_posix()
        for marker, places in (("platform", PLATFORM), ("process", PROCESS)):
            if any(where == p or where.startswith(p + "/") for p in places):
                item.add_marker(getattr(pytest.mark, marker))
        if _needs_postgres(item):
            item.add_marker(pytest.mark.postgres)


def _needs_postgres(item) -> bool:
    """A test of the PostgreSQL server, or the PostgreSQL half of a test run on both engines."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "engine" in callspec.params:
        return callspec.params["engine"] == "postgresql"
    return bool({"postgres_run", "postgres_url"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _restore_root_logging():
    """`main()` points the root logger at the (captured) stderr of one test; undo it, or a
    later test in any folder logs to a closed stream."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _words_alone(monkeypatch):
    """Tests answer by BM25 alone unless they test the semantic layer (tests/retrieval/
    semantic): embedding an archive costs seconds per test, and the CLI and services a
    test starts read BOT_SEMANTIC like a deployment does."""
    monkeypatch.setenv("BOT_SEMANTIC", "0")
