"""Question in, ranked moments out: the retrieval pipeline over a SearchIndex.

1. The question becomes terms (chat filler out, typos corrected): `query.py`.
2. Every passage is scored by BM25 on its text, plus smaller weights for its chapter
   header and its episode's title, guests and speakers, merged into one sparse model.
   The best candidates gain the weight of any long run of the question's terms one of
   their utterances says in the question's order: `phrases.py`.
3. The best candidates are taken in order, skipping a text already shown (two files
   can share a transcript) and keeping at most `per_chapter` per chapter, so the top
   five offer different moments rather than five windows on one.
4. Each hit's link points at the answer inside the passage: `anchoring.py`.
5. The bot abstains when the best hit's episode holds too little of the question's
   evidence (idf-weighted share of its terms); see `coverage`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.retrieval.anchoring import answer_in_next_window, choose_anchor
from bot.retrieval.hits import Hit, SearchResult
from bot.retrieval.hosts import host_lines
from bot.retrieval.best_rows import best_rows, top_of
from bot.retrieval.bm25 import positive_idf
from bot.retrieval.archive_words import ArchiveWords
from bot.retrieval.catalog import Catalog
from bot.retrieval.key_concepts import missing_concept
from bot.retrieval.index import DOC, FIELD_WEIGHTS, HEAD, TEXT, SearchIndex, merge_fields
from bot.retrieval.phrases import MIN_RUN_TERMS, fewest_distinct_in_run, ordered_run_weight, rows_saying_a_run
from bot.retrieval.query import Query, QueryParser
from bot.retrieval.spelling import SpellingCorrector


@dataclass(frozen=True)
class RankingSettings:
    """Weights measured on the development set (docs/retrieval.md)."""

    head_weight: float = FIELD_WEIGHTS[HEAD]
    doc_weight: float = FIELD_WEIGHTS[DOC]
    per_chapter: int = 2
    candidates: int = 100
    min_coverage: float = 0.35
    host_weight: float = 0.25
    phrase_min_terms: int = MIN_RUN_TERMS
    phrase_weight: float = 1.0  # the run's terms count once more; 0.5-4 measure the same
    # A word the archive never says is a concept of its own only when the archive says
    # enough distinct words to cover everyday talk (the DataTalks.Club archive: ~18,000;
    # the two sample documents: ~1,200).
    concept_vocabulary: int = 10_000
    # The semantic layer, when there is one: how many of BM25's best passages it re-ranks,
    # and how much meaning counts against words (docs/retrieval.md).
    semantic_candidates: int = 100
    semantic_weight: float = 0.6


class Searcher:
    def __init__(self, index: SearchIndex, settings: RankingSettings = RankingSettings(),
                 semantic=None) -> None:
        self.index = index
        self.settings = settings
        self.semantic = semantic  # a SemanticLayer (semantic/layer.py), or None: words alone
        self.parser = QueryParser(index.tokenizer, SpellingCorrector(index.word_counts))
        self._idf: dict[str, float] = {}
        self._documents_saying: dict[str, int] = {}
        self._by_host = host_lines(index)  # stored by the build; computed for an index built otherwise
        weights = {TEXT: 1.0, HEAD: settings.head_weight, DOC: settings.doc_weight}
        self._ranking = index.ranking if weights == FIELD_WEIGHTS and index.ranking else merge_fields(index.fields, weights)
        docs = index.passages.columns["doc"]
        self._document_starts = np.concatenate(([0], np.flatnonzero(np.diff(docs)) + 1, [len(docs)]))

    def search(self, question: str, k: int = 5, within: frozenset[str] | None = None) -> SearchResult:
        """The best moments for `question`; `within` limits them to those documents."""
        query = self.parser.parse(question)
        if not query.terms:
            return SearchResult(question, True, (), query)
        pool = self.settings.semantic_candidates if self.semantic is not None else self.settings.candidates
        scores, candidates = self._candidates(query.terms, max(pool, self.settings.candidates), within)
        matches = self._utterance_matches(query.terms, candidates)
        scores, candidates = self._with_phrases(query.terms, scores, candidates, matches)
        if self.semantic is not None:
            scores, candidates = self._with_meaning(question, scores, candidates)
        hits = tuple(self._top_hits(candidates, scores, matches, k))
        missing = self.missing_concept(question)
        abstained = not hits or missing is not None or self.coverage(query, hits[0]) < self.settings.min_coverage
        return SearchResult(question, abstained, hits, query, missing)

    def scores(self, terms) -> np.ndarray:
        """text + head_weight * head + doc_weight * doc, through one merged model."""
        return self._ranking.scores(terms)

    def _candidates(self, terms, n: int, within: frozenset[str] | None) -> tuple[dict[int, float], list[int]]:
        """The n best rows by BM25 (best first) and their scores; only rows that can be
        among them are scored (best_rows.py), unless the search is limited to documents."""
        if within is None:
            rows, values = best_rows(self._ranking, terms, n)
            rows = rows.tolist()
        else:
            dense = np.where(self._rows_of(within), self.scores(terms), 0.0)
            rows = top_of(dense, n)
            values = dense[rows]
        return dict(zip(rows, values.tolist())), rows

    @cached_property
    def catalog(self) -> Catalog:
        """The archive's episodes and people, for questions about the archive itself."""
        return Catalog(self.index.documents.values(), self.index.people, self.index.tokenizer,
                       self.documents_saying, self.index.show_name)

    def missing_concept(self, question: str) -> str | None:
        """The question's key concept the archive lacks, if any (key_concepts.py)."""
        if len(self.index.word_counts) < self.settings.concept_vocabulary:
            return None
        return missing_concept(question, self._archive_words)

    @cached_property
    def _archive_words(self) -> ArchiveWords:
        return ArchiveWords(self.index, self._ranking, self.parser.speller,
                            lambda text: any(m.full for m in self.catalog.mentions(text)))

    def knows_words_of(self, question: str) -> bool:
        """Whether any of the question's search terms occurs in the archive."""
        return any(self.documents_saying(term) for term in self.parser.parse(question).terms)

    def documents_saying(self, stem: str) -> int:
        """How many documents' passages contain `stem` (remembered per archive word: the
        router asks it of every word of a question)."""
        count = self._documents_saying.get(stem)
        if count is None:
            text = self.index.fields[TEXT]
            i = text.vocabulary.get(stem)
            if i is None:
                return 0
            rows = text.doc_ids[text.offsets[i]: text.offsets[i + 1]]
            count = self._documents_saying[stem] = len(np.unique(self.index.passages.columns["doc"][rows]))
        return count

    def _rows_of(self, doc_ids: frozenset[str]) -> np.ndarray:
        """Per passage row: whether it belongs to one of `doc_ids`."""
        names = self.index.passages.names["doc"]
        refs = [i for i, name in enumerate(names) if name in doc_ids]
        return np.isin(self.index.passages.columns["doc"], refs)

    def idf(self, term: str) -> float:
        idf = self._idf.get(term)
        if idf is None:
            text = self.index.fields[TEXT]
            df = text.document_frequency(term)
            idf = float(positive_idf(text.n_docs, df))
            if df:  # only the archive's own words: typed junk must not grow the cache forever
                self._idf[term] = idf
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

    def _utterance_matches(self, terms, candidates: list[int]) -> "UtteranceMatches":
        """For the utterances of the candidates: the idf of the distinct question terms
        each contains, and how many of them (a binary search per term in its postings)."""
        bounds = self.index.passages.columns["utt_bounds"]
        passages = np.sort(np.asarray(candidates, dtype=np.int64))
        starts, ends = bounds[passages], bounds[passages + 1]
        lengths = ends - starts
        rows = np.arange(int(lengths.sum())) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        weights, counts = np.zeros(len(rows)), np.zeros(len(rows), dtype=np.int64)
        for term in set(terms):  # the order of the former bincount over all rows: same sums
            postings = self.index.utterances.postings(term)
            if not len(postings):
                continue
            at = np.minimum(np.searchsorted(postings, rows), len(postings) - 1)
            found = postings[at] == rows
            weights[found] += self.idf(term)
            counts[found] += 1
        return UtteranceMatches(rows, weights, counts)

    def _with_phrases(self, terms, scores: dict[int, float], candidates: list[int], matches: "UtteranceMatches"):
        """The scores and the candidates' order (best first) once phrase runs count."""
        bonus = self._phrase_runs(terms, matches)
        if not bonus:
            return scores, candidates
        raised = dict(scores)
        for row, weight in bonus.items():
            raised[row] += self.settings.phrase_weight * weight
        return raised, sorted(candidates, key=lambda row: -raised[row])  # stable: ties keep their order

    def _with_meaning(self, question: str, scores: dict[int, float], candidates: list[int]):
        """Words and meaning blended over the candidates: BM25 (with phrase runs) scaled to
        the best candidate, and the dense similarity of each passage's closest chunk."""
        if not candidates:
            return scores, candidates
        lexical = np.array([scores[row] for row in candidates])
        lexical = lexical / max(float(lexical.max()), 1e-9)
        dense = self.semantic.passage_scores(self.semantic.question_vector(question), candidates)
        weight = self.settings.semantic_weight
        blended = dict(scores)
        blended.update(zip(candidates, ((1 - weight) * lexical + weight * dense).tolist()))
        return blended, sorted(candidates, key=lambda row: -blended[row])

    def _phrase_runs(self, terms, matches: "UtteranceMatches") -> dict[int, float]:
        """Candidate row -> the idf of the best run of the question's terms one of its
        utterances says in the question's order (`phrases.py`). Only utterances holding
        enough distinct question terms to say such a run are read."""
        sequences, run = self.index.utterance_terms, self.settings.phrase_min_terms
        if not self.settings.phrase_weight or len(terms) < run:
            return {}
        readable = matches.rows[matches.counts >= fewest_distinct_in_run(terms, run)]
        bounds = self.index.passages.columns["utt_bounds"]
        vocabulary = self.index.utterances.vocabulary
        ids = [vocabulary.get(t) for t in terms]
        idfs = [self.idf(t) for t in terms]
        best: dict[int, float] = {}
        for utterance in rows_saying_a_run(ids, sequences, readable, run):
            row = int(np.searchsorted(bounds, utterance, side="right")) - 1
            best[row] = max(best.get(row, 0.0), ordered_run_weight(ids, idfs, sequences.row(utterance), run))
        return best

    def _top_hits(self, candidates: list[int], scores: dict[int, float], matches: "UtteranceMatches", k: int):
        shown: set[str] = set()  # passage texts and quote openings: two files can share a transcript
        per_chapter: dict[tuple[int, int], int] = {}
        columns = self.index.passages.columns
        count = 0
        for i in candidates:
            chapter = (int(columns["doc"][i]), int(columns["section"][i]))
            if per_chapter.get(chapter, 0) >= self.settings.per_chapter:
                continue
            passage = self.index.passages[i]
            if passage.text in shown:
                continue
            lo, hi = self._utterance_rows(i)
            anchor = choose_anchor(passage, matches.weights_between(lo, hi), self._by_host[lo:hi],
                                   self.settings.host_weight)
            passage, anchor, row = self._follow_question(i, passage, anchor, columns)
            opening = passage.utterance_text(anchor)  # overlapping windows share their utterances
            moment = _moment(passage, anchor)  # pieces of one long utterance share its second
            if opening in shown or moment in shown:
                continue
            shown.update((passage.text, opening, moment))
            per_chapter[chapter] = per_chapter.get(chapter, 0) + 1
            yield Hit(self.index.documents[passage.doc_id], passage, float(scores[i]), anchor, row)
            count += 1
            if count >= k:
                return


    def _follow_question(self, row: int, passage, anchor: int, columns):
        """A question ending its window: move to the episode's next window, where the
        answer is (the passage, anchor and row to show)."""
        following_row = row + 1
        if following_row >= len(self.index.passages) or int(columns["doc"][row]) != int(columns["doc"][following_row]):
            return passage, anchor, row
        lo, hi = self._utterance_rows(row)
        f_lo, f_hi = self._utterance_rows(following_row)
        following = self.index.passages[following_row]
        moved = answer_in_next_window(passage, anchor, self._by_host[lo:hi], following, self._by_host[f_lo:f_hi])
        return (passage, anchor, row) if moved is None else (following, moved, following_row)


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


def _moment(passage, anchor: int) -> str | tuple[str, int]:
    """A key for the second a link plays from: one moment is offered once."""
    sec = passage.utterances[anchor][1]
    return passage.utterance_text(anchor) if sec is None else (passage.doc_id, sec)


@dataclass(frozen=True)
class UtteranceMatches:
    """Per utterance row of the candidates (ascending): the idf of the question's distinct
    terms it holds, and how many of them."""

    rows: np.ndarray
    weights: np.ndarray
    counts: np.ndarray

    def weights_between(self, lo: int, hi: int) -> np.ndarray:
        """The weights of utterance rows lo..hi-1 (one candidate's, all present)."""
        start = int(np.searchsorted(self.rows, lo))
        return self.weights[start: start + hi - lo]
