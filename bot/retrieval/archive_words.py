"""What the archive says, word by word: the questions key_concepts.py asks of an index."""
from __future__ import annotations

import bisect
import threading
from difflib import SequenceMatcher
from functools import cached_property

from bot.retrieval.query import CHAT_FILLER
from bot.retrieval.spelling import MIN_COUNT, SpellingCorrector

TYPO_SIMILARITY = 0.85  # "oppurtunities" ~ "opportunities": a typo further than one edit
TYPO_MIN_LETTERS = 7    # shorter words are too close to too many others to guess


class ArchiveWords:
    def __init__(self, index, ranking, speller: SpellingCorrector, names) -> None:
        self._index, self._ranking, self._speller = index, ranking, speller
        self._names = names  # text -> whether it is the name of someone in the archive
        self._lock = threading.Lock()

    def stem(self, word: str) -> str | None:
        """The search term of a word; None for stop words and chat filler ("cant", "pls")."""
        if word.lower() in CHAT_FILLER:
            return None
        stems = self._index.tokenizer(word)
        return stems[0] if stems else None

    def known(self, term: str) -> bool:
        return self._ranking.document_frequency(term) > 0

    def says(self, terms: list[str]) -> bool:
        """Whether one utterance says `terms` one after another."""
        utterances, sequences = self._index.utterances, self._index.utterance_terms
        ids = [utterances.vocabulary.get(t) for t in terms]
        if None in ids:
            return False
        sizes = [utterances.offsets[i + 1] - utterances.offsets[i] for i in ids]
        j = sizes.index(min(sizes))  # walk the utterances of the rarest term only
        rarest = ids[j]
        for row in utterances.doc_ids[utterances.offsets[rarest]: utterances.offsets[rarest + 1]].tolist():
            spoken = sequences.row(row)
            for at in (p for p, term in enumerate(spoken) if term == rarest):
                if at >= j and spoken[at - j: at - j + len(ids)] == ids:
                    return True
        return False

    def names(self, text: str) -> bool:
        return self._names(text)

    def spelled_like(self, word: str) -> bool:
        """A typo of a word the archive uses often enough to trust: one edit away, or (for
        longer words) nearly the same letters."""
        if self._speller.correct(word) is not None:
            return True
        if len(word) < TYPO_MIN_LETTERS:
            return False
        matcher = SequenceMatcher(None, "", word)  # the typed word's side is analysed once
        for other in self._similar_length(word):
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() >= TYPO_SIMILARITY and matcher.quick_ratio() >= TYPO_SIMILARITY \
                    and matcher.ratio() >= TYPO_SIMILARITY:
                return True
        return False

    def has_word_starting(self, prefix: str) -> bool:
        words = self._sorted_words
        at = bisect.bisect_left(words, prefix)
        return at < len(words) and words[at].startswith(prefix) and words[at] != prefix

    def _similar_length(self, word: str) -> list[str]:
        buckets = self._trusted_by_start
        return [w for w in buckets.get(word[:1], ()) if abs(len(w) - len(word)) <= 2]

    @cached_property
    def _sorted_words(self) -> list[str]:
        return sorted(self._index.word_counts)

    @cached_property
    def _trusted_by_start(self) -> dict[str, list[str]]:
        buckets: dict[str, list[str]] = {}
        for word, count in self._index.word_counts.items():
            if count >= MIN_COUNT and len(word) >= TYPO_MIN_LETTERS - 2:
                buckets.setdefault(word[:1], []).append(word)
        return buckets
