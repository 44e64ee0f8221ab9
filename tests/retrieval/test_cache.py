import logging

import numpy as np

from bot.retrieval.cache import cache_path, knowledge_fingerprint
from bot.retrieval.cached_index import open_index
from bot.retrieval.search import Searcher

from tests.fakes.knowledge import episode_text, write
from tests.retrieval.mapped import mapped


def make_knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    write(folder, "ep.md", episode_text())
    return folder


def test_second_open_reuses_cache_with_same_results(tmp_path):
    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    first = open_index([folder], cache)
    second = open_index([folder], cache)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert [p.text for p in second.index.passages] == [p.text for p in first.index.passages]
    assert second.index.documents == first.index.documents
    q = second.index.tokenizer("gardening robots")
    np.testing.assert_array_equal(second.index.fields["text"].scores(q), first.index.fields["text"].scores(q))
    for part in ("offsets", "ids"):  # phrase matching reads the utterances' terms in order
        np.testing.assert_array_equal(getattr(second.index.utterance_terms, part), getattr(first.index.utterance_terms, part))


def test_changed_content_rebuilds_even_with_same_size_and_name(tmp_path):
    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    open_index([folder], cache)
    path = folder / "ep.md"
    path.write_text(path.read_text().replace("tomatoes", "potatoes"))
    again = open_index([folder], cache)
    assert not again.from_cache
    assert "potatoes" in again.index.passages[0].text + again.index.passages[-1].text


def test_added_and_removed_files_rebuild(tmp_path):
    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    open_index([folder], cache)
    write(folder, "more.md", episode_text(title="More", youtube="more0000001"))
    assert not open_index([folder], cache).from_cache
    (folder / "more.md").unlink()
    reopened = open_index([folder], cache)
    assert not reopened.from_cache and set(reopened.index.documents) == {"ep"}


def generation(cache, folder):
    return cache_path(cache, [folder], knowledge_fingerprint([folder]))


def corrupt_and_reopen(tmp_path, damage, caplog):
    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    built = open_index([folder], cache)
    damage(generation(cache, folder))
    with caplog.at_level(logging.INFO):
        reopened = open_index([folder], cache)
    assert not reopened.from_cache
    assert [p.text for p in reopened.index.passages] == [p.text for p in built.index.passages]
    assert open_index([folder], cache).from_cache  # and the rebuilt cache is good again
    return caplog.text


def test_cache_is_mapped_not_read_and_answers_as_a_fresh_build(tmp_path):
    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    fresh = open_index([folder], cache).index
    cached = open_index([folder], cache).index
    for model in (cached.ranking, cached.utterances, cached.fields["text"]):
        assert mapped(model.doc_ids) and mapped(model.weights)
    assert mapped(cached.passages.columns["utt_bounds"])
    assert cached.utterances.vocabulary is cached.fields["text"].vocabulary  # parsed once
    question = "What do robots do in the garden with tomatoes?"
    a, b = Searcher(fresh).search(question), Searcher(cached).search(question)
    assert [(h.row, h.anchor, h.score) for h in a.hits] == [(h.row, h.anchor, h.score) for h in b.hits]
    assert a.hits and a.abstained == b.abstained


def test_a_new_generation_replaces_the_old_one(tmp_path):
    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    open_index([folder], cache)
    first = generation(cache, folder)
    path = folder / "ep.md"
    path.write_text(path.read_text().replace("tomatoes", "potatoes"))
    open_index([folder], cache)
    assert generation(cache, folder) != first and generation(cache, folder).is_dir()
    generations = sorted(p.name for p in cache.iterdir() if not p.name.startswith("digests-"))
    assert generations == [generation(cache, folder).name]  # no leftovers


def largest_array(path):
    return max(path.glob("*.npy"), key=lambda p: p.stat().st_size)


def test_truncated_cache_is_rebuilt(tmp_path, caplog):
    def truncate(path):
        target = largest_array(path)
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    assert "unreadable" in corrupt_and_reopen(tmp_path, truncate, caplog)


def test_missing_array_is_rebuilt(tmp_path, caplog):
    assert "unreadable" in corrupt_and_reopen(tmp_path, lambda p: (p / "ranking.doc_ids.npy").unlink(), caplog)


def test_flipped_bytes_in_postings_are_detected(tmp_path, caplog):
    def flip(path):
        target = path / "ranking.doc_ids.npy"
        data = bytearray(target.read_bytes())
        middle = 128 + (len(data) - 128) // 3
        data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
        target.write_bytes(bytes(data))
    assert "rebuilding" in corrupt_and_reopen(tmp_path, flip, caplog)


def test_flipped_bytes_in_the_manifest_are_detected(tmp_path, caplog):
    def flip(path):
        data = bytearray((path / "meta.json").read_bytes())
        data[10:74] = bytes(b ^ 0xFF for b in data[10:74])
        (path / "meta.json").write_bytes(bytes(data))
    assert "rebuilding" in corrupt_and_reopen(tmp_path, flip, caplog)


def test_an_array_of_another_type_is_not_trusted(tmp_path, caplog):
    def retype(path):
        np.save(path / "ranking.weights.npy", np.load(path / "ranking.weights.npy").astype(np.float32))
    assert "unreadable" in corrupt_and_reopen(tmp_path, retype, caplog)


def test_foreign_file_is_not_trusted(tmp_path, caplog):
    def foreign(path):
        (path / "meta.json").write_text('{"magic": "someone-else"}')
    assert "rebuilding" in corrupt_and_reopen(tmp_path, foreign, caplog)


def test_garbage_file_is_not_trusted(tmp_path, caplog):
    assert "unreadable" in corrupt_and_reopen(tmp_path, lambda p: (p / "meta.json").write_bytes(b"not a cache"), caplog)


def test_pickled_payload_is_refused(tmp_path, caplog):
    def pickled(path):
        np.save(path / "ranking.weights.npy", np.array([{"evil": True}], dtype=object), allow_pickle=True)
    assert "unreadable" in corrupt_and_reopen(tmp_path, pickled, caplog)


def test_unwritable_cache_dir_still_answers(tmp_path, caplog):
    folder = make_knowledge(tmp_path)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING):
        loaded = open_index([folder], blocker)
    assert loaded.index.passages and "could not write index cache" in caplog.text


def test_fingerprint_follows_content_and_ignores_hidden_folders(tmp_path):
    from bot.retrieval.cache import FileDigests, knowledge_fingerprint

    folder = make_knowledge(tmp_path)
    digests = FileDigests()
    before = knowledge_fingerprint([folder], digests)
    write(folder, ".git/objects/x.md", "not knowledge")
    assert knowledge_fingerprint([folder], digests) == before
    path = folder / "ep.md"
    path.write_text(path.read_text().replace("tomatoes", "potatoes"))
    changed = knowledge_fingerprint([folder], digests)
    assert changed != before and changed == knowledge_fingerprint([folder])  # memo agrees with a fresh read


def test_a_later_start_hashes_only_files_changed_since(tmp_path, monkeypatch):
    import os

    from bot.retrieval import cache as cache_module

    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    write(folder, "old.md", episode_text(title="Old", youtube="old00000001"))
    for path in folder.iterdir():  # settled files: older than a racy mtime tick
        os.utime(path, ns=(path.stat().st_mtime_ns - 10**10, path.stat().st_mtime_ns - 10**10))
    open_index([folder], cache)
    read = []
    real = cache_module.read_inside
    monkeypatch.setattr(cache_module, "read_inside", lambda path, root: read.append(path.name) or real(path, root))
    assert open_index([folder], cache).from_cache and not [n for n in read if n.endswith(".md")]
    path = folder / "ep.md"
    path.write_text(path.read_text().replace("tomatoes", "potatoes"))
    again = open_index([folder], cache)
    assert not again.from_cache and [n for n in read if n.endswith(".md")] == ["ep.md"]


def test_host_lines_are_stored_by_the_build_and_equal_computing_them(tmp_path):
    from bot.retrieval.hosts import HOST_COLUMN, compute_host_lines

    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    open_index([folder], cache)
    cached = open_index([folder], cache).index
    assert mapped(cached.passages.columns[HOST_COLUMN])
    assert cached.passages.columns[HOST_COLUMN].tolist() == compute_host_lines(cached).tolist()
    assert any(cached.passages.columns[HOST_COLUMN])
