"""Typo correction against the archive's own vocabulary.

Members type "theroy" and "oppurtunities"; BM25 matches neither. A word the archive
never uses is replaced by the most frequent archive word one edit away (delete,
transpose, replace, insert), when there is one used often enough to trust. Words the
archive does use are never touched, so names and jargon stay as typed.

Building a word's edits costs about 74 x length strings of its length, so time and
memory grow with the square of its length: only words that could have a correction
are tried (one edit changes a length by one at most, so nothing longer than the
archive's longest trusted word plus one), and never longer than `MAX_LENGTH`.
"""
from __future__ import annotations

import string

_LETTERS = string.ascii_lowercase + string.digits
MIN_LENGTH = 4      # shorter words have too many neighbours to guess from
MIN_COUNT = 3       # a correction must be a word the archive uses repeatedly
MAX_LENGTH = 30     # longer words are never corrected, whatever the archive holds (~2,200 edits)
REMEMBERED = 4096   # recent answers: one question is parsed several times (routing, topic, quote)


class SpellingCorrector:
    def __init__(self, word_counts: dict[str, int]) -> None:
        self.word_counts = word_counts
        self._trusted = frozenset(w for w, count in word_counts.items() if count >= MIN_COUNT)
        self.max_length = min(max(map(len, self._trusted), default=0) + 1, MAX_LENGTH)
        self._recent: dict[str, str | None] = {}

    def worth_trying(self, word: str) -> bool:
        """Whether `correct` would build the word's edits (the costly part)."""
        return (MIN_LENGTH <= len(word) <= self.max_length and word not in self.word_counts
                and not word.isdigit())

    def correct(self, word: str) -> str | None:
        """The archive's spelling of an unknown word, or None to leave it alone."""
        if not self.worth_trying(word):
            return None
        if word not in self._recent:
            if len(self._recent) >= REMEMBERED:  # bounded: endless new words must not grow it
                self._recent.clear()
            candidates = _edits(word) & self._trusted  # one set operation in C, not a lookup per edit
            self._recent[word] = max(candidates, key=lambda c: (self.word_counts[c], c), default=None)
        return self._recent[word]


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts)
