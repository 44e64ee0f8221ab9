"""New-episode announcements: post the newest episode's card once per platform.

When a sync or a reload brings an episode newer (season, then episode) than any seen
before, each platform with an announcement channel gets its card once. "Once" holds
across restarts and across processes sharing the data folder: the claim is a SQLite
transaction that moves a per-platform high-water mark *before* posting. That makes
announcements at-most-once: a post that fails is logged (status `failed` in the table)
and not retried, because a timeout can't tell us whether the platform already showed it.

The first time a platform is seen, the current newest episode is recorded without
posting, so a fresh install (or a newly configured channel) does not announce old news.
The same holds for a new source: when a knowledge folder joins (typically the first sync
of an archive), its newest episode raises the mark silently. Only an episode arriving in
a source already known is news. A source is the knowledge folder a document's file is in.

Platform-neutral: posters are async callables taking a `Reply` (kind `episode`, the card
in `reply.episode`), supplied by the adapters' run modules.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Awaitable, Callable, Iterable, Mapping, NamedTuple

from bot.models import EPISODE, Reply
from bot.retrieval.episode_lookup import newest_episode

log = logging.getLogger(__name__)

DATABASE_FILE = "announcements.sqlite3"
POST_TIMEOUT_SECONDS = 60

Poster = Callable[[Reply], Awaitable[object]]

FIRST_RUN, CLAIMED, NEW_SOURCE, ALREADY_SEEN = "first-run", "claimed", "new-source", "already-seen"

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
    """
    CREATE TABLE known_sources (
        platform TEXT NOT NULL, source TEXT NOT NULL, seen_at TEXT NOT NULL,
        PRIMARY KEY (platform, source));
    """,
)


class Seen(NamedTuple):
    doc_id: str
    season: int
    episode: int

    @property
    def rank(self) -> tuple[int, int]:
        return self.season, self.episode


class AnnouncementLog:
    """The per-platform high-water mark and what was announced, in the data folder."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()  # one connection, used from worker threads: one transaction at a time
        self._closed = False
        self._migrate()

    def close(self) -> None:
        # Under the lock: closing a connection while a worker thread uses it crashes sqlite3.
        with self._lock:
            self._closed = True
            self._db.close()

    def claim(self, platform: str, newest: Mapping[str | None, Seen]) -> tuple[str, Seen | None]:
        """Atomically decide what this process announces on this platform.

        `newest` is each source's newest episode (source None: a document outside every
        known folder, treated as a known source). Returns the decision and the episode."""
        with self._transaction():
            row = self._db.execute("SELECT season, episode FROM newest_seen WHERE platform = ?",
                                   (platform,)).fetchone()
            known = {r[0] for r in self._db.execute("SELECT source FROM known_sources WHERE platform = ?",
                                                    (platform,))}
            present = {source for source in newest if source is not None}
            if not known:  # first run, or a mark from before sources were recorded: all known now
                known = present
            self._db.executemany("INSERT OR IGNORE INTO known_sources VALUES (?, ?, ?)",
                                 [(platform, source, _now()) for source in present])
            quiet = max((v for k, v in newest.items() if k is not None and k not in known),
                        key=lambda v: v.rank, default=None)
            news = max((v for k, v in newest.items() if k is None or k in known),
                       key=lambda v: v.rank, default=None)
            if row is None:
                first = max(filter(None, (quiet, news)), key=lambda v: v.rank)
                self._record(platform, first, "baseline")
                return FIRST_RUN, first
            mark = tuple(row)
            if news is not None and news.rank > mark and not self._announced(platform, news.doc_id):
                if quiet is not None and quiet.rank > news.rank:
                    self._record(platform, quiet, "baseline")
                self._record(platform, news, "posting", move_mark=quiet is None or news.rank >= quiet.rank)
                return CLAIMED, news
            if quiet is not None and quiet.rank > mark:
                self._record(platform, quiet, "baseline")
                return NEW_SOURCE, quiet
            return ALREADY_SEEN, None

    def finish(self, platform: str, doc_id: str, error: str | None = None) -> None:
        with self._lock:
            if self._closed:  # shutting down: the claim stays `posting`, which is never re-posted
                log.warning("announcement of %s on %s finished after shutdown; not recorded", doc_id, platform)
                return
            self._db.execute("UPDATE announcements SET status = ?, error = ?, at = ? WHERE platform = ? AND doc_id = ?",
                             ("failed" if error else "posted", error, _now(), platform, doc_id))

    def status(self, platform: str, doc_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT status FROM announcements WHERE platform = ? AND doc_id = ?",
                                   (platform, doc_id)).fetchone()
        return row[0] if row else None

    def _record(self, platform: str, seen: Seen, status: str, move_mark: bool = True) -> None:
        if move_mark:
            self._db.execute(
                "INSERT INTO newest_seen VALUES (?, ?, ?, ?, ?) ON CONFLICT(platform) DO UPDATE SET "
                "doc_id = excluded.doc_id, season = excluded.season, episode = excluded.episode, "
                "seen_at = excluded.seen_at", (platform, *seen, _now()))
        self._db.execute("INSERT OR REPLACE INTO announcements VALUES (?, ?, ?, ?, ?, ?, NULL)",
                         (platform, *seen, _now(), status))

    def _announced(self, platform: str, doc_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM announcements WHERE platform = ? AND doc_id = ?",
                                (platform, doc_id)).fetchone() is not None

    def _migrate(self) -> None:
        with self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

    def _transaction(self):
        return _Immediate(self)


class Announcer:
    def __init__(self, store: AnnouncementLog, posters: Mapping[str, Poster],
                 sources: Callable[[], Iterable[Path]] = tuple) -> None:
        self.store = store
        self.posters = dict(posters)
        self.sources = sources  # the knowledge folders, synced archives included

    async def consider(self, documents) -> list[str]:
        """Announce the newest episode where it is new; the platforms posted to."""
        by_source = newest_by_source(documents, list(self.sources()))
        if not by_source:
            return []
        marks = {source: Seen(d.doc_id, d.season, d.episode) for source, d in by_source.items()}
        docs = {d.doc_id: d for d in by_source.values()}
        posted = []
        for platform, post in self.posters.items():
            decision, seen = await asyncio.to_thread(self.store.claim, platform, marks)
            if decision == FIRST_RUN:
                log.info("announcements on %s start after %s (recorded, not posted)", platform, docs[seen.doc_id].code)
            elif decision == NEW_SOURCE:
                log.info("announcements on %s: %s came with new knowledge (recorded, not posted)",
                         platform, docs[seen.doc_id].code)
            elif decision == CLAIMED and await self._post(platform, post, docs[seen.doc_id]):
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
    from bot.core.moments import episode_card
    from bot.core.render import card_text

    card = episode_card(doc)
    return Reply(kind=EPISODE, text=f"New episode! {card_text(card)}", episode=card,
                 notes=("New episode!",))


def open_announcer(data_dir: Path, posters: Mapping[str, Poster],
                   sources: Callable[[], Iterable[Path]] = tuple) -> Announcer:
    return Announcer(AnnouncementLog(data_dir / DATABASE_FILE), posters, sources)


def newest_by_source(documents, folders: list[Path]) -> dict[str | None, object]:
    """Each source's newest episode; the source is the innermost folder holding the file
    (None when no folder does), named by its resolved path."""
    prefixes = []
    for folder in folders:
        for spelling in {str(folder), os.path.abspath(folder), str(Path(folder).resolve())}:
            prefixes.append((spelling.rstrip(os.sep) + os.sep, str(Path(folder).resolve())))
    prefixes.sort(key=lambda p: len(p[0]), reverse=True)  # innermost first
    groups: dict[str | None, list] = {}
    for doc in documents:
        path = os.path.abspath(doc.path) if doc.path else ""
        source = next((name for prefix, name in prefixes if path.startswith(prefix)), None)
        groups.setdefault(source, []).append(doc)
    newest = {source: newest_episode(docs) for source, docs in groups.items()}
    return {source: doc for source, doc in newest.items() if doc is not None}


class _Immediate:
    """BEGIN IMMEDIATE ... COMMIT: the write lock is taken before reading the mark."""

    def __init__(self, store: AnnouncementLog) -> None:
        self._store, self._db, self._lock = store, store._db, store._lock

    def __enter__(self):
        self._lock.acquire()
        try:
            if self._store._closed:
                raise RuntimeError("the announcement log is closed")
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
