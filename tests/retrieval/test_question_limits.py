"""One question costs a bounded amount of work, whatever its length or content.

Chat refuses questions over 500 characters, but `search`, `eval` and the benchmarks call
the searcher directly, so the bounds live in the retrieval code: a question is read to
`MAX_READ_CHARS`, searches at most `MAX_DISTINCT_TERMS` distinct and `MAX_TERMS` words,
and spelling-corrects at most `MAX_SPELLING_TRIES` words. Memory is asserted, not time.
"""
import random
import string

import pytest

from bot.retrieval.index import build_index
from bot.retrieval.loader import load_knowledge
from bot.retrieval.query import MAX_DISTINCT_TERMS, MAX_SPELLING_TRIES, MAX_TERMS, QueryParser
from bot.retrieval.search import Searcher
from bot.retrieval.spelling import MAX_LENGTH, SpellingCorrector
from bot.retrieval.tokenizer import Tokenizer
from tests.fakes.memory import peak_mb, retained_mb
from tests.fakes.sample import KNOWLEDGE

# A few MB: a normal question allocates well under one on the sample knowledge.
FEW_MB = 4.0


@pytest.fixture(scope="module")
def searcher():
    return Searcher(build_index(load_knowledge([KNOWLEDGE])))


def junk(n: int, length: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(string.ascii_lowercase, k=length)) for _ in range(n)]


class CountingSpeller(SpellingCorrector):
    def __init__(self, word_counts):
        super().__init__(word_counts)
        self.corrected: list[str] = []

    def correct(self, word):
        self.corrected.append(word)
        return super().correct(word)


@pytest.mark.parametrize("question", [
    "\u3389" * 200,            # U+3389 reads "kcal": one 800-letter word after NFKD
    "q" * 800,
    "\u33af" * 300,            # "rad/s2"
])
def test_a_long_word_costs_a_few_mb_at_most(searcher, question):
    assert peak_mb(lambda: searcher.search(question)) < FEW_MB


def test_a_word_longer_than_any_archive_word_plus_one_is_not_corrected():
    speller = SpellingCorrector({"volunteering": 9, "omdena": 5, "x" * 60: 7})
    assert speller.max_length == MAX_LENGTH  # a 60-letter archive word does not lift the cap
    assert SpellingCorrector({"volunteering": 9, "omdena": 5}).max_length == len("volunteering") + 1
    assert speller.correct("volunteerimg") == "volunteering"
    assert speller.correct("x" * 59) is None and not speller.worth_trying("x" * 59)


def test_only_the_first_distinct_unknown_words_are_tried_for_a_correction(searcher):
    speller = CountingSpeller(searcher.index.word_counts)
    parser = QueryParser(searcher.index.tokenizer, speller)
    words = junk(50, 8)
    parser.parse(" ".join(words + words))
    assert speller.corrected == words[:MAX_SPELLING_TRIES]


def test_typos_are_still_corrected_within_the_limits(searcher):
    query = searcher.parser.parse("how do I jion omdnea as a voluntere")
    assert dict(query.corrections) == {"jion": "join", "omdnea": "omdena", "voluntere": "volunteer"}


def test_a_question_searches_a_bounded_number_of_terms(searcher):
    many = searcher.parser.parse(" ".join(junk(20_000, 6)))  # 140 kB of distinct words
    assert len(many.terms) <= MAX_DISTINCT_TERMS
    assert peak_mb(lambda: searcher.search("x" * 3_000_000)) < FEW_MB  # what a file given to `eval` can hold
    repeated = searcher.parser.parse("omdena volunteering " * 5000)
    assert len(repeated.terms) == MAX_TERMS and set(repeated.terms) == {"omdena", "volunt"}


def test_the_stem_cache_keeps_no_long_words():
    tokenizer = Tokenizer()
    words = " ".join(junk(2000, 1000))
    assert retained_mb(lambda: tokenizer(words)) < 0.5  # 2,000 new 1,000-letter words: 4 MB if kept


@pytest.mark.parametrize("question", [
    "data science " * 40,
    " ".join(junk(80, 5)),
    "\u00bc" * 500,            # "1/4": 1,000 one-digit words
    "d\u0301a\u0301t\u0301a\u0301 " * 100,
])
def test_many_or_repeated_words_cost_a_few_mb_at_most(searcher, question):
    assert peak_mb(lambda: searcher.search(question)) < FEW_MB


def test_the_correctors_memory_of_recent_words_stays_bounded():
    from bot.retrieval.spelling import REMEMBERED

    speller = SpellingCorrector({"volunteering": 9, "omdena": 5})
    words = junk(REMEMBERED * 3, 12)
    assert retained_mb(lambda: [speller.correct(w) for w in words]) < 2  # 12,288 words: ~3 MB if all kept
    assert speller.correct("volunteerimg") == "volunteering"
