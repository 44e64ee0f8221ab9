"""Data from the files older versions kept beside `bot.sqlite3`, carried into the store once.

Before the one store, the Slack adapter kept its de-duplication keys and shared answers in
`slack_state.sqlite3`, and the announcer its marks in `announcements.sqlite3`, each with a
schema of its own. When a SQLite store migrates past the version that took their tables
in, it copies their rows in the same transaction (so two services starting together copy
once) and leaves the files where they are, no longer read. A file that can't be read is
logged and skipped: what it held is worth a day of de-duplication, or one quiet first
run of announcements (the baseline is recorded again, nothing old is posted).
"""
from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)

SLACK_STATE_FILE = "slack_state.sqlite3"
ANNOUNCEMENTS_FILE = "announcements.sqlite3"

# (legacy file, its table, the SELECT that reads it, the store's INSERT)
_COPIES = {
    "slack_state": (SLACK_STATE_FILE, (
        ("claims", "SELECT key, claimed_at, answered_at FROM claims",
         "INSERT INTO slack_claims (key, claimed_at, answered_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING"),
        # the at-most-once table of even older versions: its keys count as answered
        ("seen", "SELECT key, at, at FROM seen",
         "INSERT INTO slack_claims (key, claimed_at, answered_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING"),
        ("shared", "SELECT answer_id, at, message FROM shared",
         "INSERT INTO slack_shared_answers (answer_id, at, message) VALUES (?, ?, ?)"
         " ON CONFLICT (answer_id) DO NOTHING"),
    )),
    "announcements": (ANNOUNCEMENTS_FILE, (
        ("newest_seen", "SELECT platform, doc_id, season, episode, seen_at FROM newest_seen",
         "INSERT INTO announcement_marks (platform, doc_id, season, episode, seen_at) VALUES (?, ?, ?, ?, ?)"
         " ON CONFLICT (platform) DO NOTHING"),
        ("announcements", "SELECT platform, doc_id, season, episode, at, status, error FROM announcements",
         "INSERT INTO announcements (platform, doc_id, season, episode, at, status, error)"
         " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, doc_id) DO NOTHING"),
        ("known_sources", "SELECT platform, source, seen_at FROM known_sources",  # from its version 2 on
         "INSERT INTO announcement_sources (platform, source, seen_at) VALUES (?, ?, ?)"
         " ON CONFLICT (platform, source) DO NOTHING"),
    )),
}


def carry_over(conn: sqlite3.Connection, which: str, folder: Path) -> None:
    """Copy the legacy file's rows (if the file is there) into the store through `conn`."""
    file_name, copies = _COPIES[which]
    path = folder / file_name
    if not path.is_file():
        return
    try:
        rows = _read(path, copies)
    except sqlite3.Error as exc:
        log.error("could not carry over %s (%s); continuing without it", path, exc)
        return
    for (_, _, insert), found in zip(copies, rows):
        conn.executemany(insert, found)
    log.info("carried over %s from %s; the file is no longer used and may be deleted",
             ", ".join(f"{len(found)} {table}" for (table, _, _), found in zip(copies, rows)), path)


def _read(path: Path, copies) -> list[list[tuple]]:
    with closing(sqlite3.connect(path, timeout=30)) as old:
        tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return [old.execute(select).fetchall() if table in tables else [] for table, select, _ in copies]
