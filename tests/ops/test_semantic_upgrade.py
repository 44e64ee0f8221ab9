"""A service answers by words at once and swaps the semantic layer in when its vectors
are embedded, in the background, through the same wiring `python -m bot slack` uses."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.app.services import service_knowledge
from bot.app.settings import Settings
from bot.app.wiring import knowledge_sources, open_database
from bot.ops.live_knowledge import start_live_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture
def settings(tmp_path):
    pytest.importorskip("onnxruntime")
    settings = Settings(semantic=True, knowledge=(KNOWLEDGE,), data_dir=tmp_path / "data", reload_seconds=0)
    from bot.app.wiring import load_embedder

    if load_embedder(settings) is None:
        pytest.skip("the semantic layer's model is not installed")
    return settings


async def test_a_service_starts_by_words_and_swaps_meaning_in_when_ready(settings):
    handle, make_searcher = service_knowledge(settings)
    assert handle.searcher.semantic is None and make_searcher is not None  # nothing embedded yet
    db = open_database(settings)
    try:
        live = await start_live_knowledge(knowledge_sources(settings), settings.cache_dir, handle, {}, 0, db,
                                          make_searcher=make_searcher)
        await asyncio.wait_for(live.upgrade, timeout=120)
        assert handle.generation == 1 and handle.searcher.semantic.ready
        assert handle.searcher.search("How do I join Omdena?", 3).hits  # the swapped searcher answers
        await live.stop()
        again, _ = service_knowledge(settings)  # a restart finds the vectors on disk: meaning at once
        assert again.searcher.semantic is not None and again.searcher.semantic.ready
    finally:
        db.close()


async def test_stopping_while_embedding_ends_the_thread_and_keeps_what_was_embedded(settings, caplog):
    caplog.set_level(logging.INFO, logger="bot")
    handle, make_searcher = service_knowledge(settings)
    db = open_database(settings)
    try:
        live = await start_live_knowledge(knowledge_sources(settings), settings.cache_dir, handle, {}, 0, db,
                                          make_searcher=make_searcher)
        await asyncio.sleep(0.5)   # the embedding thread is under way
        await asyncio.wait_for(live.stop(), timeout=30)
        # asyncio.to_thread's executor is what a stopping service waits for: it must be free.
        await asyncio.wait_for(asyncio.get_running_loop().shutdown_default_executor(), timeout=30)
    finally:
        db.close()
    assert handle.searcher.semantic is None and handle.generation == 0
    assert "stopped with" in caplog.text and "chunks left to embed" in caplog.text
