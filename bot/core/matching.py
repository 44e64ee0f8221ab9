"""Which pin, if any, answers a question.

Two steps. First an exact match of the normalised text (case, punctuation, spacing and
leading filler such as "how do I" ignored) against pinned questions and aliases. Then a
content-word rule on Snowball stems with stop words and generic words removed:

* every content word of the pinned phrase must be in the question (so "leave omdena"
  never matches a pin for "join omdena": `join` is missing), and
* the pinned phrase's words must make up at least `MIN_COVERAGE` of the question's
  content words (so "join omdena as a beginner" is not silently answered with the
  generic "join omdena" pin; moderators add an alias if it should be).

Word order, inflection ("joining") and filler ("how can I" vs "how do I") don't matter.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable

from bot.retrieval.tokenizer import Tokenizer

MIN_COVERAGE = 0.75

_FILLER = re.compile(
    r"^(?:(?:hi|hello|hey)\s+)?(?:(?:please|pls)\s+)?"
    r"(?:(?:how|what|where|when)\s+(?:do|can|could|should|would|does|did)\s+(?:i|we|you|one)\s+"
    r"|how\s+to\s+|can\s+you\s+tell\s+me\s+|tell\s+me\s+|is\s+there\s+a\s+way\s+to\s+)")

# Words that carry no topic: differing only in these is still the same question.
GENERIC_WORDS = frozenset("""
please pls thanks thank hi hello hey anyone someone somebody actually really best good
way ways tip tips advice know want wanna like get go guys folks exactly possible
""".split())


def normalize(text: str) -> str:
    """The canonical text for exact matching and for grouping questions in the report."""
    folded = unicodedata.normalize("NFKD", text.lower())
    words = " ".join(re.findall(r"[^\W_]+", folded))
    return _FILLER.sub("", words).strip() or words


@dataclass(frozen=True)
class Candidate:
    pin_id: int
    normalized: str
    stems: frozenset[str]


class Phrases:
    """Content stems of texts, shared by pins and questions so both sides agree."""

    def __init__(self, tokenizer: Tokenizer | None = None) -> None:
        self._tokenizer = tokenizer or Tokenizer()
        self._generic = frozenset(self._tokenizer.stem(w) for w in GENERIC_WORDS)
        self._lock = threading.Lock()  # the stemmer keeps state between calls

    def content_stems(self, text: str) -> frozenset[str]:
        with self._lock:
            return frozenset(self._tokenizer(text)) - self._generic


def similar(question: frozenset[str], pinned: frozenset[str]) -> bool:
    if not pinned or not pinned <= question:
        return False
    return len(pinned) / len(question) >= MIN_COVERAGE


class PinMatcher:
    """Finds the pin for a question; re-reads the phrases only when pins changed."""

    def __init__(self, load: Callable[[], Iterable[tuple[int, str]]], version: Callable[[], int],
                 phrases: Phrases | None = None) -> None:
        self._load = load          # () -> (pin_id, phrase) for every question and alias
        self._version = version    # () -> a number that grows with every pin change
        self._phrases = phrases or Phrases()
        self._cache: tuple[int, list[Candidate]] | None = None
        self._lock = threading.Lock()

    def match(self, question: str) -> int | None:
        candidates = self._candidates()
        wanted = normalize(question)
        for c in candidates:
            if c.normalized == wanted:
                return c.pin_id
        stems = self._phrases.content_stems(question)
        best = [(len(c.stems), -c.pin_id, c.pin_id) for c in candidates if similar(stems, c.stems)]
        return max(best)[2] if best else None  # the most specific phrase, then the oldest pin

    def _candidates(self) -> list[Candidate]:
        version = self._version()
        with self._lock:
            if self._cache is None or self._cache[0] != version:
                self._cache = (version, [Candidate(pin_id, normalize(p), self._phrases.content_stems(p))
                                         for pin_id, p in self._load()])
            return self._cache[1]
