import random

import numpy as np

from bot.retrieval.best_rows import best_rows, top_of
from bot.retrieval.bm25 import SparseBM25
from tests.retrieval.test_bm25 import random_corpus


def test_best_rows_equal_ranking_every_row_to_the_bit():
    rng = random.Random(11)
    corpus, words = random_corpus(rng, n_docs=2000, vocab=400)
    model = SparseBM25.build(corpus)
    for _ in range(300):
        query = rng.choices(words + ["unknown"], k=rng.randint(1, 10))
        n = rng.choice([1, 5, 100, 300])
        rows, scores = best_rows(model, query, n)
        dense = model.scores(query)
        assert rows.tolist() == top_of(dense, n)
        assert scores.tolist() == dense[rows].tolist()  # the same sums, not merely close


def test_ties_at_the_cut_keep_the_lower_rows():
    model = SparseBM25.build([["a"], ["b"], ["a"], ["a"], ["c"]])
    assert best_rows(model, ["a"], 2)[0].tolist() == [0, 2]
    assert top_of(model.scores(["a"]), 2) == [0, 2]


def test_a_query_of_rare_terms_does_not_read_a_common_terms_postings():
    common = ["the"] * 3
    corpus = [common + (["rare"] if 7 <= i < 12 else []) for i in range(1000)]
    model = SparseBM25.build(corpus)

    class Watched:  # the model, noting which terms' postings are sliced
        def __init__(self):
            self.sliced = []

        def __getattr__(self, name):
            return getattr(model, name)

        @property
        def doc_ids(self):
            outer = self

            class Slicer:
                def __getitem__(self, key):
                    outer.sliced.append((key.start, key.stop))
                    return model.doc_ids[key]
            return Slicer()

    watched = Watched()
    rows, _ = best_rows(watched, ["rare", "the"], 1)
    assert rows.tolist() == [7]
    rare = model.vocabulary["rare"]
    assert watched.sliced[0] == (model.offsets[rare], model.offsets[rare + 1])


def test_no_known_terms_gives_no_rows():
    model = SparseBM25.build([["a"], ["b"]])
    assert best_rows(model, ["zzz"], 5)[0].tolist() == []
    assert np.array_equal(best_rows(model, [], 5)[1], np.zeros(0))
