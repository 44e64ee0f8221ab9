"""From a chat message to the terms BM25 should look for.

Chat questions carry words that say nothing about the answer ("whats", "anyone",
"episode", "guest"): they are dropped on the query side only, so the archive's text is
indexed as spoken. Unknown words are spelling-corrected against the archive.

Every caller (chat, `search`, `eval`, benchmarks) goes through `parse`, so the work one
question can cause is bounded here, whatever its length: only its first
`MAX_READ_CHARS` characters are read (normalising can make them at most 18 times
longer, e.g. U+FDFA), only its first `MAX_DISTINCT_TERMS` distinct content words are
searched, `MAX_TERMS` words at most with repeats, and at most `MAX_SPELLING_TRIES`
unknown words are spelling-corrected. Normal questions are far below all of them (the
dev and held-out sets: 270 characters, 26 distinct terms, 2 typos).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.retrieval.spelling import SpellingCorrector
from bot.retrieval.tokenizer import Tokenizer

# Words that carry no topic in a question to a podcast archive. Contractions without
# apostrophes ("whats", "dont") slip past the stop word list, so they are here too.
CHAT_FILLER = frozenset("""
whats hows whos wheres whens whys im ive id dont doesnt didnt cant isnt arent wasnt
thats theres anyone someone somebody something anything guest guests episode episodes
podcast podcasts show shows interview talk talked talks say said says mention mentioned
like actually really please thanks thank hi hey hello would could also get got know
tip tips advice guys folks pls plz btw lol wanna gonna kinda u ur
""".split())

MAX_READ_CHARS = 2000      # chat refuses questions over 500 characters (core/inputs.py)
MAX_DISTINCT_TERMS = 32    # each costs a pass over its postings: later new words are ignored
MAX_TERMS = 64             # words searched, repeats included; the rest of a question is ignored
MAX_SPELLING_TRIES = 6     # distinct unknown words tried for a correction (~0.6 ms each at most)


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[str, ...]                      # stems, in order, repeats kept
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, corrected)


class QueryParser:
    def __init__(self, tokenizer: Tokenizer, speller: SpellingCorrector | None = None) -> None:
        self.tokenizer = tokenizer
        self.speller = speller

    def parse(self, text: str) -> Query:
        words = self._searched_words(text)
        fixes = self._corrections(words, names_and_acronyms(text[:MAX_READ_CHARS]))
        terms: list[str] = []
        corrections: list[tuple[str, str]] = []
        for word in words:
            if word in fixes:
                corrections.append((word, fixes[word]))
                word = fixes[word]
            if word not in CHAT_FILLER:  # a typo of filler ("realy") is filler too
                terms.extend(self.tokenizer(word))
        return Query(text, tuple(terms), tuple(corrections))

    def _searched_words(self, text: str) -> list[str]:
        """The question's content words in order, within the limits above."""
        words: list[str] = []
        distinct: set[str] = set()
        for word in self.tokenizer.words(text[:MAX_READ_CHARS]):
            if word in CHAT_FILLER or (word not in distinct and len(distinct) >= MAX_DISTINCT_TERMS):
                continue
            distinct.add(word)
            words.append(word)
            if len(words) >= MAX_TERMS:
                break
        return words

    def _corrections(self, words: list[str], protected: set[str]) -> dict[str, str]:
        """Typed word -> the archive's spelling, for the first few unknown words; never for
        a name or an acronym ("Pinot" is not a typo of "pivot")."""
        fixes: dict[str, str] = {}
        if self.speller is None:
            return fixes
        tries = [w for w in dict.fromkeys(words)
                 if w not in protected and self.speller.worth_trying(w)][:MAX_SPELLING_TRIES]
        for word in tries:
            fixed = self.speller.correct(word)
            if fixed:
                fixes[word] = fixed
        return fixes


_TYPED = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)[\"'“(]*(?=[A-Za-z])")


def names_and_acronyms(text: str) -> set[str]:
    """Words typed as names or acronyms, lower-cased: capitalised inside a sentence
    ("Apache Pinot"), all capitals ("SOC"), or letters with digits ("bf16")."""
    starts = {m.end() for m in _SENTENCE_START.finditer(text)}
    found = set()
    for match in _TYPED.finditer(text):
        word = match.group(0)
        if (len(word) >= 2 and word.isupper()) or any(c.isdigit() for c in word) \
                or (word[0].isupper() and match.start() not in starts and word != "I"):
            found.add(word.lower())
    return found
