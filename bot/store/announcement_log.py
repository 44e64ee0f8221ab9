"""What was announced where: the per-platform high-water mark of new-episode posts.

"Once per platform" holds across restarts and across every process sharing the store
(several replicas included): the claim is one transaction that moves the mark *before*
posting, and claims run one at a time (`ANNOUNCE_LOCK`). That makes announcements
at-most-once: a post that fails is recorded `failed` and not retried, because a timeout
can't tell whether the platform already showed it. The rules of what counts as news are
in `bot.ops.announcements`; this module keeps the record.
"""
from __future__ import annotations

import logging
import time
from typing import Mapping, NamedTuple

from bot.errors import StoreUnavailable
from bot.store.database import Database, Session

log = logging.getLogger(__name__)

ANNOUNCE_LOCK = "announcements"
FIRST_RUN, CLAIMED, NEW_SOURCE, ALREADY_SEEN = "first-run", "claimed", "new-source", "already-seen"


class Seen(NamedTuple):
    doc_id: str
    season: int
    episode: int

    @property
    def rank(self) -> tuple[int, int]:
        return self.season, self.episode


class AnnouncementLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, platform: str, newest: Mapping[str | None, Seen]) -> tuple[str, Seen | None]:
        """Atomically decide what this process announces on this platform.

        `newest` is each source's newest episode (source None: a document outside every
        known folder, treated as a known source). Returns the decision and the episode."""
        with self.db.write(lock=ANNOUNCE_LOCK) as s:
            row = s.execute("SELECT season, episode FROM announcement_marks WHERE platform = ?",
                            (platform,)).fetchone()
            known = {r["source"] for r in s.execute("SELECT source FROM announcement_sources WHERE platform = ?",
                                                    (platform,))}
            present = {source for source in newest if source is not None}
            if not known:  # first run, or a mark from before sources were recorded: all known now
                known = present
            s.executemany("INSERT INTO announcement_sources (platform, source, seen_at) VALUES (?, ?, ?)"
                          " ON CONFLICT (platform, source) DO NOTHING", [(platform, src, _now()) for src in present])
            quiet = max((v for k, v in newest.items() if k is not None and k not in known),
                        key=lambda v: v.rank, default=None)
            news = max((v for k, v in newest.items() if k is None or k in known),
                       key=lambda v: v.rank, default=None)
            if row is None:
                first = max(filter(None, (quiet, news)), key=lambda v: v.rank)
                _record(s, platform, first, "baseline")
                return FIRST_RUN, first
            mark = (row["season"], row["episode"])
            if news is not None and news.rank > mark and not _announced(s, platform, news.doc_id):
                if quiet is not None and quiet.rank > news.rank:
                    _record(s, platform, quiet, "baseline")
                _record(s, platform, news, "posting", move_mark=quiet is None or news.rank >= quiet.rank)
                return CLAIMED, news
            if quiet is not None and quiet.rank > mark:
                _record(s, platform, quiet, "baseline")
                return NEW_SOURCE, quiet
            return ALREADY_SEEN, None

    def finish(self, platform: str, doc_id: str, error: str | None = None) -> None:
        try:
            with self.db.write() as s:
                s.execute("UPDATE announcements SET status = ?, error = ?, at = ? WHERE platform = ? AND doc_id = ?",
                          ("failed" if error else "posted", error, _now(), platform, doc_id))
        except StoreUnavailable as exc:  # e.g. shutting down: the claim stays `posting`, never re-posted
            log.warning("announcement of %s on %s finished but not recorded: %s", doc_id, platform, exc)

    def status(self, platform: str, doc_id: str) -> str | None:
        with self.db.read() as s:
            row = s.execute("SELECT status FROM announcements WHERE platform = ? AND doc_id = ?",
                            (platform, doc_id)).fetchone()
        return row["status"] if row else None


def _record(s: Session, platform: str, seen: Seen, status: str, move_mark: bool = True) -> None:
    if move_mark:
        s.execute("INSERT INTO announcement_marks (platform, doc_id, season, episode, seen_at) VALUES (?, ?, ?, ?, ?)"
                  " ON CONFLICT (platform) DO UPDATE SET doc_id = excluded.doc_id, season = excluded.season,"
                  " episode = excluded.episode, seen_at = excluded.seen_at", (platform, *seen, _now()))
    s.execute("INSERT INTO announcements (platform, doc_id, season, episode, at, status, error)"
              " VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (platform, doc_id) DO UPDATE SET season = excluded.season,"
              " episode = excluded.episode, at = excluded.at, status = excluded.status, error = NULL",
              (platform, *seen, _now(), status))


def _announced(s: Session, platform: str, doc_id: str) -> bool:
    return s.execute("SELECT 1 AS found FROM announcements WHERE platform = ? AND doc_id = ?",
                     (platform, doc_id)).fetchone() is not None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
