"""Live reload: rebuild in the background, swap atomically, never fail a question."""
from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from pathlib import Path

import pytest

from bot.ops.archives import archive_root
from bot.app import wiring
from bot.app.settings import Settings
from bot.knowledge_handle import KnowledgeHandle
from bot.ops.reload import KnowledgeWatcher, watcher_for
from bot.retrieval.search import Searcher
from bot.retrieval.cached_index import open_index
from bot.ops.sync import sync_archive

from tests.fakes.knowledge import write_episode
from tests.fakes.git_repo import ArchiveRepo

OLD = ["Volunteering with Omdena helped my career a lot."]
NEW = ["Kubeflow pipelines orchestrate machine learning training."]


def top_doc(handle, question):
    result = handle.searcher.search(question, 1)
    return result.hits[0].document.doc_id if result.hits else None


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    write_episode(folder, "volunteering", 17, 7, OLD)
    return folder


@pytest.fixture
def handle(knowledge, tmp_path):
    return KnowledgeHandle(Searcher(open_index([knowledge], tmp_path / "cache").index))


def make_watcher(handle, knowledge, tmp_path, **kw):
    watcher = KnowledgeWatcher(handle, lambda: [knowledge], tmp_path / "cache", **kw)
    watcher.prime()
    return watcher


def test_unchanged_knowledge_is_not_rebuilt(handle, knowledge, tmp_path):
    watcher = make_watcher(handle, knowledge, tmp_path)
    assert watcher.check_once() is None and handle.generation == 0


def test_questions_during_a_rebuild_use_the_old_index_and_none_fails(handle, knowledge, tmp_path):
    started, release = threading.Event(), threading.Event()

    def slow_open_index(*args, **kwargs):
        started.set()
        assert release.wait(10)
        return open_index(*args, **kwargs)

    watcher = make_watcher(handle, knowledge, tmp_path, load=slow_open_index)
    failures, answered, stop = [], [0], threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                assert handle.searcher.search("omdena volunteering", 3).hits
                answered[0] += 1
            except Exception as exc:  # noqa: BLE001 - any failure is what we look for
                failures.append(exc)

    hammers = [threading.Thread(target=hammer) for _ in range(3)]
    for t in hammers:
        t.start()
    write_episode(knowledge, "kubeflow", 17, 8, NEW)
    rebuild = threading.Thread(target=watcher.check_once)
    rebuild.start()
    assert started.wait(10)
    assert top_doc(handle, "kubeflow pipelines") is None  # mid-rebuild: the old index answers
    release.set()
    rebuild.join(10)
    wait_for(lambda: answered[0] > 50)
    stop.set()
    for t in hammers:
        t.join(10)
    assert failures == [] and handle.generation == 1
    assert top_doc(handle, "kubeflow pipelines") == "kubeflow"


def test_a_failed_rebuild_keeps_the_old_index_then_recovers(handle, knowledge, tmp_path, caplog):
    missing = tmp_path / "not-yet"
    folders = [knowledge]
    watcher = KnowledgeWatcher(handle, lambda: list(folders), tmp_path / "cache")
    watcher.prime()
    folders.append(missing)  # a folder that does not exist: the loader refuses
    with caplog.at_level(logging.ERROR, logger="bot.ops.reload"):
        assert watcher.check_once() is None
    assert "reload failed" in caplog.text and handle.generation == 0
    assert top_doc(handle, "omdena") == "volunteering"
    assert watcher.check_once() is None  # the same broken state is not retried every tick
    write_episode(missing, "kubeflow", 17, 8, NEW)
    assert watcher.check_once() is not None and top_doc(handle, "kubeflow") == "kubeflow"


async def test_async_run_notices_a_change_and_calls_on_swap(handle, knowledge, tmp_path):
    swapped = asyncio.Event()
    seen = []

    async def announce(index):
        seen.append(len(index.episodes))
        swapped.set()

    watcher = KnowledgeWatcher(handle, lambda: [knowledge], tmp_path / "cache", interval=0.02,
                               on_swap=[lambda index: None, announce])
    watcher.prime()
    task = asyncio.create_task(watcher.run())
    await asyncio.sleep(0.1)  # a few ticks: nothing changed, nothing swapped
    assert handle.generation == 0
    write_episode(knowledge, "kubeflow", 17, 8, NEW)
    await asyncio.wait_for(swapped.wait(), 10)
    task.cancel()
    assert seen == [2] and top_doc(handle, "kubeflow") == "kubeflow"


def test_a_running_bot_learns_a_newly_synced_archive(tmp_path, knowledge):
    data_dir = tmp_path / "data"
    settings = Settings.from_env({"BOT_SEMANTIC": "0", "BOT_DATA_DIR": str(data_dir), "BOT_KNOWLEDGE": str(knowledge)})
    handle = KnowledgeHandle(Searcher(wiring.open_index(settings).index))
    watcher = watcher_for(wiring.knowledge_sources(settings), settings.cache_dir, handle, settings.reload_seconds)
    watcher.prime()
    origin = ArchiveRepo(tmp_path / "website")
    origin.add_episode("kubeflow", 17, 8, NEW)
    origin.commit()
    sync_archive(data_dir, str(origin.path), paths=("_podcast", "_people"))
    assert watcher.check_once() is not None
    assert top_doc(handle, "kubeflow pipelines") == "kubeflow"
    assert top_doc(handle, "omdena volunteering") == "volunteering"  # configured folder still there


def synced_bot(tmp_path, knowledge):
    """A bot serving the configured folder plus a synced archive; its watcher primed."""
    data_dir = tmp_path / "data"
    origin = ArchiveRepo(tmp_path / "website")
    origin.add_episode("kubeflow", 17, 8, NEW)
    origin.commit()
    sync_archive(data_dir, str(origin.path), paths=("_podcast", "_people"))
    settings = Settings.from_env({"BOT_SEMANTIC": "0", "BOT_DATA_DIR": str(data_dir), "BOT_KNOWLEDGE": str(knowledge)})
    handle = KnowledgeHandle(Searcher(wiring.open_index(settings).index))
    watcher = watcher_for(wiring.knowledge_sources(settings), settings.cache_dir, handle, settings.reload_seconds)
    watcher.prime()
    return origin, data_dir, handle, watcher


def test_a_reload_between_the_renames_of_a_swap_keeps_the_archive(tmp_path, knowledge):
    origin, data_dir, handle, watcher = synced_bot(tmp_path, knowledge)
    root = archive_root(data_dir, "website")
    parked = root.parent / f".website-old-{time.time_ns()}-{os.getpid()}"  # as a sync parks it mid-swap
    os.rename(root, parked)
    assert watcher.check_once() is None and handle.generation == 0  # no rebuild without the archive
    assert top_doc(handle, "kubeflow pipelines") == "kubeflow"
    os.rename(parked, root)
    origin.add_episode("volunteering-again", 17, 9, ["Mentoring juniors through community projects."])
    origin.commit()
    assert sync_archive(data_dir, str(origin.path), paths=("_podcast", "_people")).action == "updated"
    assert watcher.check_once() is not None  # after the swap: the new revision, archive and all
    assert top_doc(handle, "mentoring juniors community") == "volunteering-again"
    assert top_doc(handle, "kubeflow pipelines") == "kubeflow"


def test_a_checkout_deleted_by_hand_is_dropped_on_reload(tmp_path, knowledge):
    import shutil

    _, data_dir, handle, watcher = synced_bot(tmp_path, knowledge)
    shutil.rmtree(archive_root(data_dir, "website"))  # nothing parked: not a swap, don't wait for it
    assert watcher.check_once() is not None
    assert top_doc(handle, "kubeflow pipelines") is None
    assert top_doc(handle, "omdena volunteering") == "volunteering"


def test_reload_interval_comes_from_the_environment(tmp_path):
    settings = Settings.from_env({"BOT_RELOAD_SECONDS": "7", "BOT_DATA_DIR": str(tmp_path)})
    assert watcher_for(wiring.knowledge_sources(settings), settings.cache_dir, None,
                       settings.reload_seconds).interval == 7


async def test_an_unexpected_error_in_one_tick_does_not_end_live_reload(handle, knowledge, tmp_path):
    calls = []

    def flaky_folders():
        calls.append(1)
        if len(calls) == 2:  # the first tick after priming
            raise RuntimeError("disk hiccup")
        return [knowledge]

    watcher = KnowledgeWatcher(handle, flaky_folders, tmp_path / "cache", interval=0.02)
    watcher.prime()  # before the change, so the change is news
    task = asyncio.create_task(watcher.run())
    write_episode(knowledge, "kubeflow", 17, 8, NEW)
    for _ in range(500):
        if handle.generation:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    assert len(calls) >= 3 and handle.generation == 1
