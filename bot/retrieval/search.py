"""Question in, ranked moments out: the retrieval pipeline over a SearchIndex.

1. The question becomes terms (chat filler out, typos corrected): `query.py`.
2. Every passage is scored by BM25 on its text, plus smaller weights for its chapter
   header and its episode's title, guests and speakers: one sparse pass per field.
3. The best candidates are taken in order, skipping a text already shown (two files
   can share a transcript) and keeping at most `per_chapter` per chapter, so the top
   five offer different moments rather than five windows on one.
4. Each hit's link points at the utterance inside the passage that carries most of the
   question's distinctive terms: where the answer is, not where the window starts.
5. The bot abstains when the best hit holds too little of the question's evidence
   (idf-weighted share of its terms); see `coverage`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .documents import Document
from .index import DOC, FIELD_WEIGHTS, HEAD, TEXT, SearchIndex, merge_fields
from .passages import Passage
from .query import Query, QueryParser
from .spelling import SpellingCorrector

QUOTE_WORDS = 90
INTERJECTION_WORDS = 12
LINK_LEAD_SECONDS = 20  # longer leads cost hits on the dev set (docs/retrieval.md)
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*(?=\s|$)")


@dataclass(frozen=True)
class RankingSettings:
    """Weights measured on the development set (docs/retrieval.md)."""

    head_weight: float = FIELD_WEIGHTS[HEAD]
    doc_weight: float = FIELD_WEIGHTS[DOC]
    per_chapter: int = 2
    candidates: int = 100
    min_coverage: float = 0.35
    host_weight: float = 0.25


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
        for i in range(self.anchor, len(self.passage.utterances)):
            line = self.passage.utterance_text(i)
            length = line.count(" ") + 1
            if self.passage.utterances[i][2] != self.speaker:
                if length < INTERJECTION_WORDS:
                    continue
                break
            parts.append(line)
            words += length
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


@dataclass(frozen=True)
class SearchResult:
    question: str
    abstained: bool
    hits: tuple[Hit, ...]  # kept when abstaining: the closest moments, for suggestions
    query: Query | None = None

    def to_json(self) -> dict:
        return {"question": self.question, "abstained": self.abstained,
                "results": [h.to_json() for h in self.hits]}


class Searcher:
    def __init__(self, index: SearchIndex, settings: RankingSettings = RankingSettings()) -> None:
        self.index = index
        self.settings = settings
        self.parser = QueryParser(index.tokenizer, SpellingCorrector(index.word_counts))
        self._idf: dict[str, float] = {}
        self._hosts_by_doc: dict[str, tuple[str, ...]] = {}
        weights = {TEXT: 1.0, HEAD: settings.head_weight, DOC: settings.doc_weight}
        self._ranking = index.ranking if weights == FIELD_WEIGHTS and index.ranking else merge_fields(index.fields, weights)
        docs = index.passages.columns["doc"]
        self._document_starts = np.concatenate(([0], np.flatnonzero(np.diff(docs)) + 1, [len(docs)]))

    def search(self, question: str, k: int = 5) -> SearchResult:
        query = self.parser.parse(question)
        if not query.terms:
            return SearchResult(question, True, (), query)
        scores = self.scores(query.terms)
        weights = self._utterance_weights(query.terms)
        hits = tuple(self._top_hits(scores, weights, k))
        abstained = not hits or self.coverage(query, hits[0]) < self.settings.min_coverage
        return SearchResult(question, abstained, hits, query)

    def scores(self, terms) -> np.ndarray:
        """text + head_weight * head + doc_weight * doc, through one merged model."""
        return self._ranking.scores(terms)

    def idf(self, term: str) -> float:
        idf = self._idf.get(term)
        if idf is None:
            text = self.index.fields[TEXT]
            df = text.document_frequency(term)
            idf = self._idf[term] = math.log(1.0 + (text.n_docs - df + 0.5) / (df + 0.5))
        return idf

    def coverage(self, query: Query, hit: Hit) -> float:
        """Share of the question's idf mass found anywhere in the hit's episode (its
        transcript, chapter headers, title, guests and speakers).

        An archive without the answer still returns *something*; what gives it away is
        that the question's most distinctive words appear nowhere in the best episode.
        Asking it of the whole episode, not the passage, tolerates an answer worded
        differently from the question (docs/retrieval.md)."""
        terms = set(query.terms)
        lo, hi = self._document_rows(hit.row)
        ranking = self._ranking
        found = set()
        for term in terms:
            i = ranking.vocabulary.get(term)
            if i is not None:
                rows = ranking.doc_ids[ranking.offsets[i]: ranking.offsets[i + 1]]  # sorted
                if np.searchsorted(rows, lo) < np.searchsorted(rows, hi):
                    found.add(term)
        total = sum(self.idf(t) for t in terms)
        return sum(self.idf(t) for t in found) / total if total else 0.0

    def _document_rows(self, passage_row: int) -> tuple[int, int]:
        """The rows of all passages of this passage's document (they are contiguous)."""
        starts = self._document_starts
        k = int(np.searchsorted(starts, passage_row, side="right")) - 1
        return int(starts[k]), int(starts[k + 1])

    def _utterance_rows(self, passage_row: int) -> tuple[int, int]:
        bounds = self.index.passages.columns["utt_bounds"]
        return int(bounds[passage_row]), int(bounds[passage_row + 1])

    def _utterance_weights(self, terms) -> np.ndarray:
        """Per utterance row: the idf of the distinct question terms it contains."""
        postings = self.index.utterances
        weights = np.zeros(postings.n_docs)
        for term in set(terms):
            i = postings.vocabulary.get(term)
            if i is not None:
                weights[postings.doc_ids[postings.offsets[i]: postings.offsets[i + 1]]] += self.idf(term)
        return weights

    def _top_hits(self, scores: np.ndarray, utterance_weights: np.ndarray, k: int):
        shown: set[str] = set()  # passage texts and quote openings: two files can share a transcript
        per_chapter: dict[tuple, int] = {}
        count = 0
        for i in _top(scores, self.settings.candidates):
            passage = self.index.passages[i]
            chapter = (passage.doc_id, passage.section)
            if passage.text in shown or per_chapter.get(chapter, 0) >= self.settings.per_chapter:
                continue
            document = self.index.documents[passage.doc_id]
            anchor = self._anchor(passage, utterance_weights[slice(*self._utterance_rows(i))],
                                  self._hosts(document))
            opening = passage.utterance_text(anchor)  # overlapping windows share their utterances
            if opening in shown:
                continue
            hit = Hit(document, passage, float(scores[i]), anchor, i)
            shown.update((passage.text, opening))
            per_chapter[chapter] = per_chapter.get(chapter, 0) + 1
            yield hit
            count += 1
            if count >= k:
                return


    def _hosts(self, document: Document) -> tuple[str, ...]:
        hosts = self._hosts_by_doc.get(document.doc_id)
        if hosts is None:
            hosts = self._hosts_by_doc[document.doc_id] = document.hosts
        return hosts

    def _anchor(self, passage: Passage, weights: np.ndarray, hosts: tuple[str, ...]) -> int:
        """The utterance holding the most idf of the question's distinct terms, a host's
        lines counting `host_weight` as much: hosts rephrase the question, guests answer."""
        if not len(weights):
            return 0
        speakers = [who for _, _, who in passage.utterances]
        discount = np.array([self.settings.host_weight if who in hosts else 1.0 for who in speakers])
        best = int(np.argmax(weights * discount))  # the first of equals
        return _turn_start(passage, _answer_to(passage, best, hosts))


def _answer_to(passage: Passage, anchor: int, hosts: tuple[str, ...]) -> int:
    """When the best utterance is the question being asked (a line with "?", or any line
    of a host), the answer is the next speaker's turn: quote and link that. Members
    want the answer, not the question."""
    utterances = passage.utterances
    if anchor + 1 < len(utterances) and utterances[anchor + 1][2] != utterances[anchor][2] and (
            utterances[anchor][2] in hosts or "?" in passage.utterance_text(anchor)):
        return anchor + 1
    return anchor


def _turn_start(passage: Passage, anchor: int) -> int:
    """Back to where this speaker's answer begins, when that is at most LINK_LEAD_SECONDS
    earlier: the link should start the answer, and never skips past its beginning."""
    utterances = passage.utterances
    speaker, sec = utterances[anchor][2], utterances[anchor][1]
    if sec is None:
        return anchor
    start = anchor
    for j in range(anchor - 1, -1, -1):
        who, at = utterances[j][2], utterances[j][1]
        if who != speaker and len(passage.utterance_text(j).split()) < INTERJECTION_WORDS:
            continue
        if who != speaker or at is None or at < sec - LINK_LEAD_SECONDS:
            break
        start = j
    return start


EPISODE_FIRST_RATIO = 0.6
SUBSTANTIVE_QUOTE_WORDS = 15


def episode_first(result: SearchResult, ratio: float = EPISODE_FIRST_RATIO) -> SearchResult:
    """The reply a person reads leads with an episode moment when one scores close to
    the best and says something (not a quip like "Join us!"): quoting the moment a guest
    said it is what the bot is for, and articles stay among the next best. Rankings for
    tools (`search --json`, eval) are untouched."""
    hits = result.hits
    if not hits or hits[0].start is not None:
        return result
    moment = next((h for h in hits if h.start is not None and h.score >= ratio * hits[0].score
                   and len(h.text.split()) >= SUBSTANTIVE_QUOTE_WORDS), None)
    if moment is None:
        return result
    return SearchResult(result.question, result.abstained,
                        (moment, *(h for h in hits if h is not moment)), result.query)


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


def _top(scores: np.ndarray, n: int) -> list[int]:
    """Rows of the n best positive scores, best first, lower row first on ties."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > n:
        positive = np.sort(positive[np.argpartition(-scores[positive], n)[:n]])
    return positive[np.argsort(-scores[positive], kind="stable")].tolist()
