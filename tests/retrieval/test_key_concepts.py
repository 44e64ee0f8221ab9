"""The key-concept rule of abstention (bot/retrieval/key_concepts.py), against a small
archive vocabulary, then through the searcher over a real index."""
from __future__ import annotations

import pytest

from bot.retrieval.cached_index import open_index
from bot.retrieval.key_concepts import missing_concept
from bot.retrieval.search import RankingSettings, Searcher
from tests.fakes.knowledge import write_conversation_archive


class TinyArchive:
    """An archive that knows every word but a few, and says a few phrases."""

    UNKNOWN = {"optuna", "flyte", "soc", "doccano", "kubecost", "ppl", "oppurtunities", "realtime", "bioinf"}
    WORDS = {"bioinformatics", "real", "time"}  # what the archive's words start with, for prefixes
    SAID = {("real", "time"), ("label", "studio"), ("feature", "store")}
    NAMES = {"Grace Hopper"}

    def stem(self, word):
        word = word.lower()
        return None if word in {"the", "for", "is", "a", "on", "an", "vs", "or", "we", "use", "should", "cant"} else word

    def known(self, term):
        return term not in self.UNKNOWN

    def says(self, terms):
        return tuple(terms) in self.SAID

    def names(self, text):
        return text in self.NAMES

    def spelled_like(self, word):
        return word == "oppurtunities"

    def has_word_starting(self, prefix):
        return any(w.startswith(prefix) and w != prefix for w in self.WORDS)


@pytest.mark.parametrize("question, missing", [
    ("should we use Optuna for hyperparameter tuning?", "Optuna"),       # a tool the archive never names
    ("is the EU Blue Card for data people?", "EU Blue Card"),           # known words, never said together
    ("is SOC reporting a data team job?", "SOC"),                       # an acronym, typed as one
    ("optuna vs flyte for tuning", "optuna"),                           # alternatives the archive knows none of
])
def test_a_concept_the_archive_lacks_is_named(question, missing):
    assert missing_concept(question, TinyArchive()) == missing


@pytest.mark.parametrize("question", [
    "ppl say xgboost tuning is hard",                  # chat shorthand is not a concept
    "any oppurtunities for data people?",              # a typo of an archive word
    "is realtime feature store worth it",              # "real time", written together
    "bioinf data team",                                # the start of an archive word
    "prodigy vs label studio vs doccano",              # weighed against alternatives the archive knows
    "what did Grace Hopper say about the team?",       # a name the archive knows
    "cant find a data team",                           # chat filler
])
def test_what_is_not_a_missing_concept(question):
    assert missing_concept(question, TinyArchive()) is None


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    index = open_index([write_conversation_archive(tmp_path_factory.mktemp("archive"))], None).index
    return Searcher(index, RankingSettings(concept_vocabulary=0))  # a tiny archive: the rule on anyway


def test_a_small_archive_does_not_take_everyday_words_it_lacks_for_concepts(tmp_path):
    index = open_index([write_conversation_archive(tmp_path / "archive")], None).index
    assert Searcher(index).missing_concept("should a team decide on Kubecost?") is None


def test_the_searcher_abstains_and_says_which_concept_is_missing(searcher):
    result = searcher.search("should a team use Kubecost to allocate feature store costs?")
    assert result.abstained and result.missing == "Kubecost"
    answered = searcher.search("when does a team need a feature store?")
    assert not answered.abstained and answered.missing is None


def test_spelling_never_rewrites_a_name_or_an_acronym_and_a_typo_of_filler_is_filler():
    from bot.retrieval.query import QueryParser
    from bot.retrieval.spelling import SpellingCorrector
    from bot.retrieval.tokenizer import Tokenizer

    parser = QueryParser(Tokenizer(), SpellingCorrector({"pivot": 50, "theory": 50, "tables": 50, "really": 50}))
    assert parser.parse("does anyone use Apache Pinot tables?").corrections == ()
    assert parser.parse("does anyone use apache pinot tables?").corrections == (("pinot", "pivot"),)
    assert parser.parse("the theroy of tables").corrections == (("theroy", "theory"),)
    assert parser.parse("is it realy worth it").terms == ("worth",)  # "really" is chat filler
