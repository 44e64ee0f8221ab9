"""Typo correction against the archive's own vocabulary.

Members type "theroy" and "oppurtunities"; BM25 matches neither. A word the archive
never uses is replaced by the most frequent archive word one edit away (delete,
transpose, replace, insert), when there is one used often enough to trust. Words the
archive does use are never touched, so names and jargon stay as typed.
"""
from __future__ import annotations

import string

_LETTERS = string.ascii_lowercase + string.digits
MIN_LENGTH = 4      # shorter words have too many neighbours to guess from
MIN_COUNT = 3       # a correction must be a word the archive uses repeatedly


class SpellingCorrector:
    def __init__(self, word_counts: dict[str, int]) -> None:
        self.word_counts = word_counts

    def correct(self, word: str) -> str | None:
        """The archive's spelling of an unknown word, or None to leave it alone."""
        if len(word) < MIN_LENGTH or word in self.word_counts or word.isdigit():
            return None
        candidates = [(self.word_counts.get(c, 0), c) for c in _edits(word)]
        count, best = max(candidates, default=(0, None))
        return best if count >= MIN_COUNT else None


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts)
