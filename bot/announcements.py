"""New-episode announcements: post the newest episode's card once per platform.

When a sync or a reload brings an episode newer (season, then episode) than any seen
before, each platform with an announcement channel gets its card once. "Once" holds
across restarts and across processes sharing the data folder: the claim is a SQLite
transaction that moves a per-platform high-water mark *before* posting. That makes
announcements at-most-once: a post that fails is logged (status `failed` in the table)
and not retried, because a timeout can't tell us whether the platform already showed it.

The first time a platform is seen, the current newest episode is recorded without
posting, so a fresh install (or a newly configured channel) does not announce old news.

Platform-neutral: posters are async callables taking a `Reply` (kind `episode`, the card
in `reply.episode`), supplied by the adapters' run modules.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Awaitable, Callable, Mapping

from .models import EPISODE, Reply
from .retrieval.episodes_query import newest_episode

log = logging.getLogger(__name__)

DATABASE_FILE = "announcements.sqlite3"
POST_TIMEOUT_SECONDS = 60

Poster = Callable[[Reply], Awaitable[object]]

FIRST_RUN, CLAIMED, ALREADY_SEEN = "first-run", "claimed", "already-seen"

_MIGRATIONS = (
    """
    CREATE TABLE newest_seen (
        platform TEXT PRIMARY KEY, doc_id TEXT NOT NULL,
        season INTEGER NOT NULL, episode INTEGER NOT NULL, seen_at TEXT NOT NULL);
    CREATE TABLE announcements (
        platform TEXT NOT NULL, doc_id TEXT NOT NULL, season INTEGER NOT NULL,
        episode INTEGER NOT NULL, at TEXT NOT NULL,
        status TEXT NOT NULL,          -- baseline | posting | posted | failed
        error TEXT, PRIMARY KEY (platform, doc_id));
    """,
)


class AnnouncementLog:
    """The per-platform high-water mark and what was announced, in the data folder."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()  # one connection, used from worker threads: one transaction at a time
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def claim(self, platform: str, doc_id: str, season: int, episode: int) -> str:
        """Atomically decide whether this process announces this episode on this platform."""
        with self._transaction():
            row = self._db.execute("SELECT season, episode FROM newest_seen WHERE platform = ?",
                                   (platform,)).fetchone()
            done = self._db.execute("SELECT 1 FROM announcements WHERE platform = ? AND doc_id = ?",
                                    (platform, doc_id)).fetchone()
            if row is not None and ((season, episode) <= tuple(row) or done):
                return ALREADY_SEEN
            self._db.execute(
                "INSERT INTO newest_seen VALUES (?, ?, ?, ?, ?) ON CONFLICT(platform) DO UPDATE SET "
                "doc_id = excluded.doc_id, season = excluded.season, episode = excluded.episode, "
                "seen_at = excluded.seen_at", (platform, doc_id, season, episode, _now()))
            status = "baseline" if row is None else "posting"
            self._db.execute("INSERT OR REPLACE INTO announcements VALUES (?, ?, ?, ?, ?, ?, NULL)",
                             (platform, doc_id, season, episode, _now(), status))
            return FIRST_RUN if row is None else CLAIMED

    def finish(self, platform: str, doc_id: str, error: str | None = None) -> None:
        with self._lock:
            self._db.execute("UPDATE announcements SET status = ?, error = ?, at = ? WHERE platform = ? AND doc_id = ?",
                             ("failed" if error else "posted", error, _now(), platform, doc_id))

    def status(self, platform: str, doc_id: str) -> str | None:
        row = self._db.execute("SELECT status FROM announcements WHERE platform = ? AND doc_id = ?",
                               (platform, doc_id)).fetchone()
        return row[0] if row else None

    def _migrate(self) -> None:
        with self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

    def _transaction(self):
        return _Immediate(self._db, self._lock)


class Announcer:
    def __init__(self, store: AnnouncementLog, posters: Mapping[str, Poster]) -> None:
        self.store = store
        self.posters = dict(posters)

    async def consider(self, documents) -> list[str]:
        """Announce the newest episode where it is new; the platforms posted to."""
        newest = newest_episode(list(documents))
        if newest is None:
            return []
        posted = []
        for platform, post in self.posters.items():
            decision = await asyncio.to_thread(self.store.claim, platform, newest.doc_id,
                                               newest.season, newest.episode)
            if decision == FIRST_RUN:
                log.info("announcements on %s start after %s (recorded, not posted)", platform, newest.code)
            elif decision == CLAIMED and await self._post(platform, post, newest):
                posted.append(platform)
        return posted

    async def on_swap(self, index) -> None:
        """The live-reload hook: look at the new knowledge."""
        await self.consider(index.documents.values())

    async def _post(self, platform: str, post: Poster, doc) -> bool:
        reply = announcement(doc)
        try:
            await asyncio.wait_for(post(reply), POST_TIMEOUT_SECONDS)
        except Exception as exc:  # logged and recorded; never retried (see module doc)
            log.exception("announcing %s on %s failed", doc.code, platform)
            await asyncio.to_thread(self.store.finish, platform, doc.doc_id, f"{type(exc).__name__}: {exc}"[:500])
            return False
        await asyncio.to_thread(self.store.finish, platform, doc.doc_id)
        log.info("announced new episode %s on %s", doc.code, platform)
        return True


def announcement(doc) -> Reply:
    """The neutral reply an adapter renders: the episode card, headed as new."""
    from .core.moments import episode_card
    from .core.render import card_text

    card = episode_card(doc)
    return Reply(kind=EPISODE, text=f"New episode! {card_text(card)}", episode=card,
                 notes=("New episode!",))


def open_announcer(data_dir: Path, posters: Mapping[str, Poster]) -> Announcer:
    return Announcer(AnnouncementLog(data_dir / DATABASE_FILE), posters)


class _Immediate:
    """BEGIN IMMEDIATE ... COMMIT: the write lock is taken before reading the mark."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db, self._lock = db, lock

    def __enter__(self):
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise

    def __exit__(self, kind, value, traceback):
        try:
            self._db.execute("COMMIT" if kind is None else "ROLLBACK")
        finally:
            self._lock.release()
        return False


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
