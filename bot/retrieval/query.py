"""From a chat message to the terms BM25 should look for.

Chat questions carry words that say nothing about the answer ("whats", "anyone",
"episode", "guest"): they are dropped on the query side only, so the archive's text is
indexed as spoken. Unknown words are spelling-corrected against the archive.
"""
from __future__ import annotations

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
        terms: list[str] = []
        corrections: list[tuple[str, str]] = []
        for word in self.tokenizer.words(text):
            if word in CHAT_FILLER:
                continue
            fixed = self.speller.correct(word) if self.speller else None
            if fixed and fixed not in CHAT_FILLER:
                corrections.append((word, fixed))
                word = fixed
            terms.extend(self.tokenizer(word))
        return Query(text, tuple(terms), tuple(corrections))
