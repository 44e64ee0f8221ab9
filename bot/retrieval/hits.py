"""What a search returns: hits (a moment of a passage) and the result around them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from bot.retrieval.documents import Document
from bot.retrieval.passages import Passage
from bot.retrieval.query import Query

QUOTE_WORDS = 90
INTERJECTION_WORDS = 12  # shorter lines from someone else ("Right.") don't end a quote
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*(?=\s|$)")


@dataclass(frozen=True)
class Hit:
    document: Document
    passage: Passage
    score: float
    anchor: int = 0  # the utterance the link starts at
    row: int = -1    # the passage's row in the index

    @property
    def start(self) -> int | None:
        return self.passage.utterances[self.anchor][1]

    @property
    def end(self) -> int | None:
        return self.passage.end if self.start is not None else None

    @property
    def speaker(self) -> str | None:
        return self.passage.utterances[self.anchor][2]

    @cached_property
    def text(self) -> str:
        """The quote: verbatim from the anchor, this speaker's words (stepping over short
        interjections like "Right." from others), cut at a sentence end."""
        parts: list[str] = []
        words = 0
        for line in speaker_turn(self.passage, self.anchor):
            parts.append(line)
            words += line.count(" ") + 1
            if words >= QUOTE_WORDS:
                break
        return trim_at_sentence(" ".join(parts), QUOTE_WORDS)

    @property
    def url(self) -> str | None:
        return self.document.link_at(self.start)

    def to_json(self) -> dict:
        return {
            "doc": self.document.doc_id, "title": self.document.title,
            "section": self.passage.section, "speaker": self.speaker,
            "start": self.start, "end": self.end, "url": self.url,
            "text": self.passage.text, "score": round(float(self.score), 6),
        }


def speaker_turn(passage: Passage, i: int):
    """The lines utterance i's speaker says from there on in this window, stepping over
    others' short interjections ("Right."): what a quote from i is made of."""
    speaker = passage.utterances[i][2]
    for j in range(i, len(passage.utterances)):
        line = passage.utterance_text(j)
        if passage.utterances[j][2] == speaker:
            yield line
        elif line.count(" ") + 1 >= INTERJECTION_WORDS:
            return


@dataclass(frozen=True)
class SearchResult:
    question: str
    abstained: bool
    hits: tuple[Hit, ...]  # kept when abstaining: the closest moments, for suggestions
    query: Query | None = None
    missing: str | None = None  # the question's key concept the archive lacks (why it abstained)

    def to_json(self) -> dict:
        return {"question": self.question, "abstained": self.abstained,
                "results": [h.to_json() for h in self.hits]}


def trim_at_sentence(text: str, max_words: int) -> str:
    """At most about `max_words`, ending at a sentence end when one is near."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    ends = [m.end() for m in _SENTENCE_END.finditer(cut)]
    if ends and ends[-1] > len(cut) // 2:
        return cut[: ends[-1]]
    return cut + " …"
