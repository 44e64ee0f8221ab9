"""Test tiers, marked by what a test needs rather than by hand in every file:

    platform  the real slack-bolt / discord.py code against fake servers on 127.0.0.1
    process   real subprocesses (the CLI, git, concurrent writers)
    corpus    the whole archive in ../shared/corpus (skipped when absent)

The pure tier (core, retrieval, store, rendering) runs alone in seconds:
    pytest -m "not platform and not process and not corpus"
The README's test command runs everything.
"""
from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PLATFORM = ("slack", "discord", "ops/test_discord_live.py", "ops/test_healthz.py")
PROCESS = ("cli", "adapters/test_console.py", "core/test_pin_store_processes.py", "ops/test_sync.py",
           "ops/test_sync_credentials.py", "ops/test_sync_report.py", "ops/test_reload.py",
           "ops/test_announcements.py")


def pytest_configure(config):
    for name, about in (("platform", "drives a platform SDK against a local fake server"),
                        ("process", "starts real subprocesses (CLI, git, writers)")):
        config.addinivalue_line("markers", f"{name}: {about}")


def pytest_collection_modifyitems(items):
    for item in items:
        where = Path(str(item.fspath)).resolve().relative_to(TESTS).as_posix()
        for marker, places in (("platform", PLATFORM), ("process", PROCESS)):
            if any(where == p or where.startswith(p + "/") for p in places):
                item.add_marker(getattr(pytest.mark, marker))
