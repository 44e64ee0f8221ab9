import gc
import os
import weakref

import numpy as np

from bot.knowledge_handle import KnowledgeHandle
from bot.ops.reload import KnowledgeWatcher
from bot.retrieval.built_apart import open_index_built_apart
from bot.retrieval.cached_index import open_index
from bot.retrieval.search import Searcher

from tests.fakes.knowledge import episode_text, write
from tests.retrieval.mapped import mapped


def test_a_build_apart_is_mapped_from_the_cache_and_equals_a_build_here(tmp_path):
    folder = tmp_path / "knowledge"
    write(folder, "ep.md", episode_text())
    apart = open_index_built_apart([folder], tmp_path / "cache")
    assert not apart.from_cache
    assert mapped(apart.index.ranking.doc_ids)  # built elsewhere, only mapped here
    here = open_index([folder], None).index
    assert [p.text for p in apart.index.passages] == [p.text for p in here.passages]
    question = "tomatoes in the garden"
    assert [(h.row, h.score) for h in Searcher(apart.index).search(question).hits] == \
           [(h.row, h.score) for h in Searcher(here).search(question).hits]


def test_without_a_cache_the_build_happens_here(tmp_path):
    folder = tmp_path / "knowledge"
    write(folder, "ep.md", episode_text())
    loaded = open_index_built_apart([folder], None)
    assert not loaded.from_cache and not mapped(loaded.index.ranking.doc_ids)


def test_a_reload_keeps_nothing_of_the_old_index(tmp_path):
    folder, cache = tmp_path / "knowledge", tmp_path / "cache"
    write(folder, "ep.md", episode_text())
    handle = KnowledgeHandle(Searcher(open_index([folder], cache).index))
    old = weakref.ref(handle.searcher.index)
    old_generation = next(p for p in cache.iterdir() if p.name.startswith("index-"))
    watcher = KnowledgeWatcher(handle, lambda: [folder], cache)
    watcher.prime()
    write(folder, "more.md", episode_text(title="More", youtube="more0000001"))
    assert watcher.check_once() is not None
    gc.collect()
    assert old() is None  # the old arrays are unmapped once nothing answers from them
    assert "more" in handle.searcher.index.documents
    assert not old_generation.exists() and len([n for n in os.listdir(cache) if n.startswith("index-")]) == 1
