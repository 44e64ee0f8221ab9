"""Question in, ranked moments out: the retrieval pipeline over a SearchIndex."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .documents import Document
from .index import TEXT, SearchIndex
from .passages import Passage


@dataclass(frozen=True)
class Hit:
    document: Document
    passage: Passage
    score: float
    anchor: int = 0  # the utterance the link starts at

    @property
    def start(self) -> int | None:
        return self.passage.utterances[self.anchor][1]

    @property
    def end(self) -> int | None:
        return self.passage.end if self.start is not None else None

    @property
    def speaker(self) -> str | None:
        return self.passage.utterances[self.anchor][2]

    @property
    def text(self) -> str:
        """The quote: the passage from the anchor utterance on, verbatim."""
        return self.passage.text[self.passage.utterances[self.anchor][0]:].strip()

    @property
    def url(self) -> str | None:
        return self.document.link_at(self.start)

    def to_json(self) -> dict:
        return {
            "doc": self.document.doc_id, "title": self.document.title,
            "section": self.passage.section, "speaker": self.speaker,
            "start": self.start, "end": self.end, "url": self.url,
            "text": self.text, "score": round(float(self.score), 6),
        }


@dataclass(frozen=True)
class SearchResult:
    question: str
    abstained: bool
    hits: tuple[Hit, ...]

    def to_json(self) -> dict:
        return {"question": self.question, "abstained": self.abstained,
                "results": [h.to_json() for h in self.hits]}


class Searcher:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def search(self, question: str, k: int = 5) -> SearchResult:
        tokens = self.index.tokenizer(question)
        scores = self.index.fields[TEXT].scores(tokens)
        hits = tuple(self._hits(scores, k))
        return SearchResult(question, abstained=not hits, hits=hits)

    def _hits(self, scores: np.ndarray, k: int):
        seen_texts: set[str] = set()
        for i in _top(scores, max(k * 4, 20)):
            passage = self.index.passages[i]
            if passage.text in seen_texts:  # two files can share one transcript
                continue
            seen_texts.add(passage.text)
            yield Hit(self.index.documents[passage.doc_id], passage, float(scores[i]))
            if len(seen_texts) >= k:
                return


def _top(scores: np.ndarray, n: int) -> list[int]:
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        positive = positive[np.argpartition(-scores[positive], n)[:n]]
    return sorted(positive.tolist(), key=lambda i: (-scores[i], i))
