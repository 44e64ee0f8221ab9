"""A data folder as the bot left it before the one store (commit 398efce): `bot.sqlite3`
at schema 3 beside `slack_state.sqlite3` and `announcements.sqlite3`, written by that
code through its own classes (pins, an alias, an unpin, answers, feedback, an answered
and an unanswered Slack claim, a shared answer, announcement marks for two platforms)."""
from __future__ import annotations

import shutil
from pathlib import Path

FILES = Path(__file__).with_name("legacy_data")
NAMES = ("bot.sqlite3", "slack_state.sqlite3", "announcements.sqlite3")


def legacy_data_folder(parent: Path) -> Path:
    """A copy of that data folder at `parent/data`."""
    folder = parent / "data"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(FILES / name, folder / name)
    return folder
