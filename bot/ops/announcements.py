"""New-episode announcements: post the newest episode's card once per platform.

When a sync or a reload brings an episode newer (season, then episode) than any seen
before, each platform with an announcement channel gets its card once. "Once" holds
across restarts and across every process sharing the store: the record of what was
announced is `bot.store.announcement_log` (at-most-once; a failed post is not retried).

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
from pathlib import Path
from typing import Awaitable, Callable, Iterable, Mapping

from bot.models import EPISODE, Reply
from bot.retrieval.episode_lookup import newest_episode
from bot.store.announcement_log import CLAIMED, FIRST_RUN, NEW_SOURCE, AnnouncementLog, Seen
from bot.store.database import Database

log = logging.getLogger(__name__)

POST_TIMEOUT_SECONDS = 60

Poster = Callable[[Reply], Awaitable[object]]


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


def open_announcer(db: Database, posters: Mapping[str, Poster],
                   sources: Callable[[], Iterable[Path]] = tuple) -> Announcer:
    return Announcer(AnnouncementLog(db), posters, sources)


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
