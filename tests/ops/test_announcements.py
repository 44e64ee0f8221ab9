"""New-episode announcements: once per platform, never on a fresh install, never twice
(the tests taking `db` run on both engines: the log is shared by replicas)."""
from __future__ import annotations

import asyncio
import logging

import pytest

from bot.ops.announcements import Announcer, open_announcer
from bot.store.announcement_log import AnnouncementLog
from bot.app import wiring
from bot.app.settings import Settings
from bot.knowledge_handle import KnowledgeHandle
from bot.ops.live_knowledge import start_live_knowledge
from bot.models import EPISODE
from bot.retrieval.documents import EPISODE as EPISODE_KIND, Document
from bot.retrieval.search import Searcher
from bot.retrieval.cached_index import open_index
from bot.ops.sync import sync_archive

from tests.fakes.knowledge import write_episode
from tests.fakes.git_repo import ArchiveRepo


def episode(season, number, slug=None):
    slug = slug or f"episode-{season}-{number}"
    return Document(doc_id=slug, kind=EPISODE_KIND, title=slug.title(), season=season, episode=number,
                    youtube_id="abc12345678", guests=("Sara",))


class Recorder:
    def __init__(self, fail=False):
        self.replies, self.fail = [], fail

    async def __call__(self, reply):
        if self.fail:
            raise RuntimeError("not_in_channel")
        self.replies.append(reply)


async def test_a_fresh_install_records_the_newest_without_posting(db):
    slack = Recorder()
    announcer = open_announcer(db, {"slack": slack})
    assert await announcer.consider([episode(17, 7), episode(16, 9)]) == []
    assert slack.replies == [] and announcer.store.status("slack", "episode-17-7") == "baseline"
    assert await announcer.consider([episode(17, 7)]) == []


async def test_a_newer_episode_is_posted_once_per_platform_also_after_a_restart(db, open_db):
    slack, discord = Recorder(), Recorder()
    announcer = open_announcer(db, {"slack": slack, "discord": discord})
    await announcer.consider([episode(17, 7)])
    assert await announcer.consider([episode(17, 7), episode(17, 8)]) == ["slack", "discord"]
    [reply] = slack.replies
    assert reply.kind == EPISODE and reply.episode.code == "s17e08" and "New episode" in reply.text
    assert reply.episode.url == "https://www.youtube.com/watch?v=abc12345678"
    assert await announcer.consider([episode(17, 8)]) == []
    db.close()
    restarted = open_announcer(open_db(), {"slack": slack, "discord": discord})
    assert await restarted.consider([episode(17, 7), episode(17, 8)]) == []
    assert len(slack.replies) == len(discord.replies) == 1
    assert await restarted.consider([episode(18, 1)]) == ["slack", "discord"]  # a new season counts


async def test_older_episodes_appearing_later_are_not_news(db):
    slack = Recorder()
    announcer = open_announcer(db, {"slack": slack})
    await announcer.consider([episode(17, 7)])
    assert await announcer.consider([episode(17, 7), episode(3, 2)]) == []
    assert slack.replies == []


async def test_two_processes_or_replicas_sharing_the_store_post_once(open_db):
    posts = Recorder()
    first = Announcer(AnnouncementLog(open_db()), {"slack": posts})
    second = Announcer(AnnouncementLog(open_db()), {"slack": posts})
    await first.consider([episode(17, 7)])
    results = await asyncio.gather(*(a.consider([episode(17, 8)]) for a in (first, second, first, second)))
    assert sorted(map(len, results)) == [0, 0, 0, 1] and len(posts.replies) == 1


async def test_a_failed_post_is_logged_and_not_repeated(db, caplog):
    broken = Recorder(fail=True)
    announcer = open_announcer(db, {"discord": broken})
    await announcer.consider([episode(17, 7)])
    with caplog.at_level(logging.ERROR, logger="bot.ops.announcements"):
        assert await announcer.consider([episode(17, 8)]) == []
    assert "announcing s17e08 on discord failed" in caplog.text
    assert announcer.store.status("discord", "episode-17-8") == "failed"
    broken.fail = False
    assert await announcer.consider([episode(17, 8)]) == [] and broken.replies == []


async def test_a_newly_configured_platform_starts_quietly(db):
    await open_announcer(db, {"slack": Recorder()}).consider([episode(17, 7)])
    discord = Recorder()
    assert await open_announcer(db, {"discord": discord}).consider([episode(17, 8)]) == []
    assert discord.replies == []


async def test_a_sync_seen_by_live_reload_is_announced_once(tmp_path, data_dir):
    origin = ArchiveRepo(tmp_path / "website")
    origin.add_episode("volunteering", 17, 7, ["Volunteering with Omdena helped my career."])
    origin.commit()
    sync_archive(data_dir, str(origin.path), paths=("_podcast", "_people"))
    write_episode(tmp_path / "sample", "an-old-one", 1, 1, ["An early episode."])
    settings = Settings.from_env({"BOT_SEMANTIC": "0", "BOT_DATA_DIR": str(data_dir), "BOT_KNOWLEDGE": str(tmp_path / "sample"),
                                  "BOT_RELOAD_SECONDS": "0"})  # no timer: the test drives the watcher
    handle = KnowledgeHandle(Searcher(wiring.open_index(settings).index))
    slack = Recorder()
    live = await start_live_knowledge(wiring.knowledge_sources(settings), settings.cache_dir, handle,
                                      {"slack": slack}, settings.reload_seconds, wiring.open_database(settings))
    assert slack.replies == []  # first run: recorded, not posted
    origin.add_episode("kubeflow", 17, 8, ["Kubeflow pipelines orchestrate training."])
    origin.commit()
    sync_archive(data_dir, str(origin.path), paths=("_podcast", "_people"))
    index = await asyncio.to_thread(live.watcher.check_once)
    await live.announcer.on_swap(index)
    await live.announcer.on_swap(index)  # a second reload of the same knowledge: no repeat
    assert [r.episode.code for r in slack.replies] == ["s17e08"]
    await live.stop()


async def test_the_first_sync_of_an_archive_is_not_news_its_next_episode_is(tmp_path, data_dir):
    write_episode(tmp_path / "sample", "an-old-one", 1, 1, ["An early episode."])
    settings = Settings.from_env({"BOT_SEMANTIC": "0", "BOT_DATA_DIR": str(data_dir), "BOT_KNOWLEDGE": str(tmp_path / "sample"),
                                  "BOT_RELOAD_SECONDS": "0"})
    handle = KnowledgeHandle(Searcher(wiring.open_index(settings).index))
    slack, discord = Recorder(), Recorder()
    live = await start_live_knowledge(wiring.knowledge_sources(settings), settings.cache_dir, handle,
                                      {"slack": slack, "discord": discord}, settings.reload_seconds,
                                      wiring.open_database(settings))  # records s01e01
    origin = ArchiveRepo(tmp_path / "website")
    origin.add_episode("volunteering", 17, 6, ["Volunteering with Omdena helped my career."])
    origin.add_episode("months-old", 17, 7, ["Released long before the bot knew the archive."])
    origin.commit()
    sync_archive(data_dir, str(origin.path), paths=("_podcast", "_people"))
    await live.announcer.on_swap(await asyncio.to_thread(live.watcher.check_once))
    assert slack.replies == discord.replies == []  # the archive's newest is old news
    assert live.announcer.store.status("slack", "months-old") == "baseline"

    origin.add_episode("kubeflow", 17, 8, ["Kubeflow pipelines orchestrate training."])
    origin.commit()
    sync_archive(data_dir, str(origin.path), paths=("_podcast", "_people"))
    index = await asyncio.to_thread(live.watcher.check_once)
    await live.announcer.on_swap(index)
    await live.announcer.on_swap(index)
    assert [r.episode.code for r in slack.replies] == [r.episode.code for r in discord.replies] == ["s17e08"]
    await live.stop()


async def test_a_new_source_with_a_newer_episode_than_the_news_is_still_quiet(tmp_path, db):
    sample, archive = tmp_path / "sample", tmp_path / "archive"
    folders = [sample]
    write_episode(sample, "one", 1, 1, ["An early episode."])
    slack = Recorder()
    announcer = open_announcer(db, {"slack": slack}, lambda: list(folders))
    docs = lambda: open_index(list(folders), None).index.documents.values()  # noqa: E731
    await announcer.consider(docs())
    write_episode(sample, "two", 1, 2, ["A second sample episode."])  # news in a known source...
    write_episode(archive, "much-later", 20, 1, ["Old news from a new folder."])  # ...and a new source
    folders.append(archive)
    assert await announcer.consider(docs()) == ["slack"]
    assert [r.episode.code for r in slack.replies] == ["s01e02"]
    assert announcer.store.status("slack", "much-later") == "baseline"
    write_episode(archive, "after-that", 20, 2, ["Really new."])
    assert await announcer.consider(docs()) == ["slack"]
    write_episode(sample, "three", 1, 3, ["Below the mark now."])
    assert await announcer.consider(docs()) == []
    assert [r.episode.code for r in slack.replies] == ["s01e02", "s20e02"]
