"""One tokenizer for passages and questions: lower-case words, English stop words
dropped, Snowball (Porter 2) stems. Corpus and query must go through the same code, or
BM25 silently matches nothing.
"""
from __future__ import annotations

import re
import unicodedata

import Stemmer

_WORD = re.compile(r"[a-z0-9]+")
_COMBINING_MARKS = re.compile("[\u0300-\u036f]")
# A long-running bot sees endless new (mis)spellings: the cache stops growing at
# MAX_CACHED_STEMS words (the whole archive needs ~20-60k) and never holds a word longer
# than MAX_CACHED_WORD_CHARS (a question can carry one of thousands of characters), so
# questions can make it grow by ~50 MB at the very most over the bot's whole life.
MAX_CACHED_STEMS = 200_000
MAX_CACHED_WORD_CHARS = 40

# NLTK's English stop word list, plus contraction leftovers our word pattern produces.
STOP_WORDS = frozenset("""
a about above after again against ain all am an and any are aren as at be because been
before being below between both but by can couldn d did didn do does doesn doing don
down during each few for from further had hadn has hasn have haven having he her here
hers herself him himself his how i if in into is isn it its itself just ll m ma me
mightn more most mustn my myself needn no nor not now o of off on once only or other
our ours ourselves out over own re s same shan she should shouldn so some such t than
that the their theirs them themselves then there these they this those through to too
under until up ve very was wasn we were weren what when where which while who whom why
will with won wouldn y you your yours yourself yourselves
""".split())


class _StemCache(dict):
    """word -> stem, or "" for a stop word; fills itself on first sight of a word."""

    def __init__(self, stemmer, stop_words: frozenset[str]) -> None:
        super().__init__()
        self._stemmer, self._stop_words = stemmer, stop_words

    def __missing__(self, word: str) -> str:
        stem = "" if word in self._stop_words else self._stemmer.stemWord(word)
        if len(word) <= MAX_CACHED_WORD_CHARS and len(self) < MAX_CACHED_STEMS:
            self[word] = stem
        return stem


class Tokenizer:
    """Callable text -> list of stems. The archive reuses words, so stems are cached."""

    def __init__(self, stop_words: frozenset[str] = STOP_WORDS) -> None:
        self._stop_words = stop_words
        # Cache size 0: PyStemmer's own cache would keep 10,000 words of any length.
        self._stems = _StemCache(Stemmer.Stemmer("english", 0), stop_words)

    @staticmethod
    def _fold(text: str) -> list[str]:
        return _WORD.findall(_COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.lower())))

    def words(self, text: str) -> list[str]:
        """Lower-cased words without accents or stop words, not yet stemmed."""
        return [w for w in self._fold(text) if w not in self._stop_words]

    def stem(self, word: str) -> str:
        return self._stems[word]

    def __call__(self, text: str) -> list[str]:
        return [s for s in map(self._stems.__getitem__, self._fold(text)) if s]
