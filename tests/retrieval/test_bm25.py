import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.retrieval.bm25 import SparseBM25
from tests.retrieval.reference_bm25 import PositiveIdfBM25


def random_corpus(rng: random.Random, n_docs=300, vocab=80):
    words = [f"w{i}" for i in range(vocab)]
    weights = [1 / (i + 1) for i in range(vocab)]  # Zipf-like: some words in most passages
    return [rng.choices(words, weights, k=rng.randint(1, 40)) for _ in range(n_docs)], words


def test_sparse_scores_equal_rank_bm25_model_on_random_queries():
    rng = random.Random(7)
    corpus, words = random_corpus(rng)
    model = PositiveIdfBM25(corpus)
    sparse = SparseBM25.build(corpus)
    for _ in range(200):
        query = rng.choices(words + ["unknown"], k=rng.randint(1, 8))  # repeats and misses included
        np.testing.assert_allclose(sparse.scores(query), model.get_scores(query), rtol=0, atol=1e-9)


def test_build_equals_model_built_the_same_way():
    rng = random.Random(3)
    corpus, words = random_corpus(rng, n_docs=50)
    query = words[:5]
    np.testing.assert_allclose(SparseBM25.build(corpus).scores(query), PositiveIdfBM25(corpus).get_scores(query), atol=1e-9)


def test_idf_stays_positive_where_okapi_goes_zero_or_negative():
    corpus = [["common", "rare"], ["common"], ["common"], ["other"]]  # "common" in 3 of 4
    okapi = BM25Okapi(corpus)
    assert okapi.idf["common"] == pytest.approx(okapi.epsilon * okapi.average_idf)  # rank-bm25's floor
    ours = PositiveIdfBM25(corpus)
    assert 0 < ours.idf["common"] < ours.idf["rare"]
    half = [["a"], ["a"], ["b"], ["b"]]  # a term in exactly half the passages
    assert BM25Okapi(half).idf["a"] == 0 and PositiveIdfBM25(half).idf["a"] > 0.5
    scores = SparseBM25.build(corpus).scores(["common"])
    assert (scores[:3] > 0).all() and scores[3] == 0


def test_empty_corpus_scores_nothing_instead_of_dividing_by_zero():
    with pytest.raises(ValueError):
        PositiveIdfBM25([])
    empty = SparseBM25.build([])
    assert empty.scores(["anything"]).shape == (0,)


def test_document_frequency():
    sparse = SparseBM25.build([["a", "a", "b"], ["b"], ["c"]])
    assert (sparse.document_frequency("a"), sparse.document_frequency("b"), sparse.document_frequency("z")) == (1, 2, 0)


def test_weighted_sum_scores_like_the_weighted_fields():
    rng = random.Random(11)
    corpus_a, words = random_corpus(rng, n_docs=120)
    corpus_b, _ = random_corpus(rng, n_docs=120, vocab=30)
    a, b = SparseBM25.build(corpus_a), SparseBM25.build(corpus_b)
    merged = SparseBM25.weighted_sum([(a, 1.0), (b, 0.3)])
    for _ in range(100):
        query = rng.choices(words + ["unknown"], k=rng.randint(1, 6))
        np.testing.assert_allclose(merged.scores(query), a.scores(query) + 0.3 * b.scores(query), atol=1e-9)
