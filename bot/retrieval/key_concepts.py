"""The question's key concept must be in the archive, or the bot abstains.

An archive without the answer still returns *something*: the question's ordinary words
("build", "model", "data") match some passage. What gives it away is the concept the
question is about: a tool, product or acronym ("Optuna", "SOC 2"), a sport, a term of
two words ("EU Blue Card", "formula 1") that the archive never says. This module finds
such concepts that the archive lacks:

- a word no passage, header or episode title holds, unless it is chat slang (a short
  lower-case word: "ppl", "wfh"), a typo of an archive word ("oppurtunities"), the
  archive's words written together ("realtime", when the archive says "real time") or
  the start of an archive word ("bioinf" for "bioinformatics");
- a run of capitalised words inside a sentence ("EU Blue Card") that no utterance says
  in that order and that names no one in the archive;
- except when it is one of the alternatives the question weighs ("X vs Y", "X or Y") and
  the archive knows another of them ("prodigy vs label studio vs doccano"): the question
  is then answered through what the archive knows.
"""
from __future__ import annotations

import re
from typing import Protocol

_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n)\s*[\"'“(]*([A-Za-z0-9]+)")
ALTERNATIVES = frozenset({"vs", "versus", "or"})
SLANG_LETTERS = 3        # "ppl", "wfh", "eng": chat shorthand, not a concept
PREFIX_LETTERS = 5       # "bioinf" stands for an archive word it starts


class Archive(Protocol):
    """What the check asks of the archive."""

    def stem(self, word: str) -> str | None: ...        # the search term (None: a stop word)
    def known(self, term: str) -> bool: ...             # a passage, header or title holds it
    def says(self, terms: list[str]) -> bool: ...       # an utterance says them in this order
    def names(self, text: str) -> bool: ...             # it is someone's name
    def spelled_like(self, word: str) -> bool: ...      # a typo of a word the archive uses
    def has_word_starting(self, prefix: str) -> bool: ...


def missing_concept(question: str, archive: Archive) -> str | None:
    """The first key concept of `question` the archive lacks, as typed; None when the
    archive has them all."""
    tokens = _tokens(question)
    starts = {m.start(1) for m in _SENTENCE_START.finditer(question)}
    for span in _capitalised_runs(tokens, starts):
        terms = [t for t in (archive.stem(w) for _, w in span) if t]
        text = " ".join(w for _, w in span)
        if len(terms) >= 2 and not archive.says(terms) and not archive.names(text) \
                and not _weighed_against_known(tokens, span, archive):
            return text
    for at, word in tokens:
        term = archive.stem(word)
        if term is None or archive.known(term) or not _a_concept(word, archive):
            continue
        if not _weighed_against_known(tokens, [(at, word)], archive):
            return word
    return None


def _tokens(question: str) -> list[tuple[int, str]]:
    """(offset, word) pairs of the question as typed: names, acronyms, "bf16", "30%"."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9+#%]*", question)]


def _capitalised_runs(tokens: list[tuple[int, str]], sentence_starts: set[int]) -> list[list[tuple[int, str]]]:
    """Runs of capitalised words inside a sentence: they name one thing ("EU Blue Card")."""
    runs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for at, word in tokens:
        named = word[:1].isupper() and at not in sentence_starts and word != "I"
        if named:
            current.append((at, word))
            continue
        if len(current) >= 2:
            runs.append(current)
        current = []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _a_concept(word: str, archive: Archive) -> bool:
    """Not chat shorthand, a typo, or archive words written another way."""
    if len(word) <= SLANG_LETTERS and word.islower() and word.isalpha():
        return False
    lower = word.lower()
    if lower.isalpha() and (archive.spelled_like(lower)
                            or len(lower) >= PREFIX_LETTERS and archive.has_word_starting(lower)):
        return False
    for cut in range(3, len(lower) - 2):  # "realtime", said as "real time"
        parts = [archive.stem(lower[:cut]), archive.stem(lower[cut:])]
        if all(parts) and archive.says(parts):
            return False
    return True


def _weighed_against_known(tokens: list[tuple[int, str]], span, archive: Archive) -> bool:
    """Whether the span is one of the alternatives the question weighs ("X vs Y",
    "X or Y") and the archive knows another of them."""
    words = [w for _, w in tokens]
    first, last = tokens.index(span[0]), tokens.index(span[-1])
    for index, step in ((first - 1, -1), (last + 1, 1)):
        if 0 <= index < len(words) and words[index].lower() in ALTERNATIVES:
            neighbour = index + step
            if 0 <= neighbour < len(words):
                term = archive.stem(words[neighbour])
                if term and archive.known(term):
                    return True
    return False
