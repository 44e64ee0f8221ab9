import logging

import numpy as np

from bot.retrieval.cache import cache_path
from bot.retrieval.cached_index import open_index

from tests.fakes.knowledge import episode_text, write


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


def corrupt_and_reopen(tmp_path, damage, caplog):
    folder, cache = make_knowledge(tmp_path), tmp_path / "cache"
    built = open_index([folder], cache)
    path = cache_path(cache, [folder])
    damage(path)
    with caplog.at_level(logging.INFO):
        reopened = open_index([folder], cache)
    assert not reopened.from_cache
    assert [p.text for p in reopened.index.passages] == [p.text for p in built.index.passages]
    assert open_index([folder], cache).from_cache  # and the rebuilt cache is good again
    return caplog.text


def test_truncated_cache_is_rebuilt(tmp_path, caplog):
    log = corrupt_and_reopen(tmp_path, lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), caplog)
    assert "unreadable" in log


def test_flipped_bytes_are_detected(tmp_path, caplog):
    def flip(path):
        data = bytearray(path.read_bytes())
        middle = len(data) // 3
        data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
        path.write_bytes(bytes(data))
    assert "rebuilding" in corrupt_and_reopen(tmp_path, flip, caplog)


def test_foreign_file_is_not_trusted(tmp_path, caplog):
    def foreign(path):
        np.savez(path, meta=np.frombuffer(b'{"magic": "someone-else"}', dtype=np.uint8))
    assert "rebuilding" in corrupt_and_reopen(tmp_path, foreign, caplog)


def test_garbage_file_is_not_trusted(tmp_path, caplog):
    assert "unreadable" in corrupt_and_reopen(tmp_path, lambda p: p.write_bytes(b"not a cache at all"), caplog)


def test_pickled_payload_is_refused(tmp_path, caplog):
    def pickled(path):
        np.savez(path, meta=np.array([{"evil": True}], dtype=object))
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
