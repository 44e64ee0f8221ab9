"""Score a question set (the `../shared/eval` format) by what members would be shown.

Each question goes through the same answer path as chat (answering.py): routing, the
named-guest and follow-up searches, abstention. A result hits a gold answer when it
comes from the same doc and, for an episode, its link second t satisfies
start - 60 <= t <= end; for an article, its text contains the gold phrase
(case-insensitive, white space collapsed). A question routed to cards, or one the bot
abstains on, shows no quote, so it has no hit.

Lines with an `intent` (a routing set) are also scored on routing: did the bot answer
with a quote, or with the episode, person or count the question asked about. A line
with `follows` is asked right after the line it names, as in a thread.
"""
from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from bot.core.answering import Answer, Previous
from bot.core.intents import QUOTE
from bot.progress import Progress, no_progress
from bot.retrieval.hits import SearchResult
from bot.retrieval.loader import document_id

EARLY_SECONDS = 60
# A rank-1 miss in the right episode: a link within these seconds of the span is "early"
# or "late" (the right exchange, the wrong second); further away it is "wrong moment".
NEAR_EARLY_SECONDS, NEAR_LATE_SECONDS = 180, 120
STYLES = ("keywords", "named", "paraphrase", "unanswerable")
_SPACES = re.compile(r"\s+")

Ask = Callable[[str, int, "Previous | None"], Answer]


@dataclass
class QuestionOutcome:
    question: dict
    answer: Answer
    first_hit: int | None  # 1-based rank of the first hit, None if none in k
    seconds: float

    @property
    def answerable(self) -> bool:
        return self.question.get("doc") is not None

    @property
    def result(self) -> SearchResult:
        return self.answer.result or SearchResult(self.question["question"], True, ())

    @property
    def routed_to_quote(self) -> bool:
        return self.answer.route.kind == QUOTE

    @property
    def abstained(self) -> bool:
        return not self.routed_to_quote or self.result.abstained

    def miss(self) -> str | None:
        """Why rank 1 is not a hit, for an answerable question; None when it is."""
        if not self.answerable or self.first_hit == 1:
            return None
        if not self.routed_to_quote:
            return "routed to cards"
        if self.result.abstained or not self.result.hits:
            return "abstained"
        top = self.result.hits[0]
        golds = [g for g in gold_answers(self.question) if _same_doc(top, g)]
        if not golds:
            return "wrong episode"
        if top.start is None or any(g.get("contains") for g in golds):
            return "wrong moment"
        gaps = [(g["start"] - EARLY_SECONDS - top.start, top.start - _end(g)) for g in golds]
        if any(0 < early <= NEAR_EARLY_SECONDS - EARLY_SECONDS for early, _ in gaps):
            return "link early"
        if any(0 < late <= NEAR_LATE_SECONDS for _, late in gaps):
            return "link late"
        return "wrong moment"


@dataclass
class Report:
    k: int
    outcomes: list[QuestionOutcome] = field(default_factory=list)
    index_seconds: float = 0.0

    def figures(self, outcomes: list[QuestionOutcome] | None = None) -> dict:
        outcomes = self.outcomes if outcomes is None else outcomes
        answerable = [o for o in outcomes if o.answerable]
        unanswerable = [o for o in outcomes if not o.answerable and _asks_for_a_quote(o)]
        n = max(len(answerable), 1)

        def hit_at(k: int) -> float:
            return sum(1 for o in answerable if o.first_hit and o.first_hit <= k) / n

        latencies = sorted(o.seconds * 1000 for o in outcomes) or [0.0]
        return {
            "questions": len(outcomes),
            "hit@1": hit_at(1), "hit@3": hit_at(3), "hit@5": hit_at(5),
            "mrr@5": sum(1 / o.first_hit for o in answerable if o.first_hit and o.first_hit <= 5) / n,
            "doc@5": sum(1 for o in answerable if _doc_in_top(o, 5)) / n,
            "abstained_unanswerable": _share(sum(o.abstained for o in unanswerable), len(unanswerable)),
            "abstained_answerable": sum(o.abstained for o in answerable) / n,
            "query_p50_ms": statistics.median(latencies),
            "query_p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "index_seconds": self.index_seconds,
        }

    def by_style(self) -> dict[str, dict]:
        """The figures per wording style (keywords, named, paraphrase, unanswerable)."""
        styles = sorted({o.question.get("style") for o in self.outcomes if o.question.get("style")},
                        key=lambda s: (STYLES.index(s) if s in STYLES else len(STYLES), s))
        return {s: self.figures([o for o in self.outcomes if o.question.get("style") == s]) for s in styles}

    def misses(self) -> dict[str, int]:
        """Rank-1 misses of answerable questions, by kind."""
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            kind = outcome.miss()
            if kind:
                counts[kind] = counts.get(kind, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def links(self) -> tuple[int, int]:
        """(right second, right passage): of the top hits whose passage holds a gold span
        of an episode, how many link to that span (the link lands on the answer)."""
        in_passage = [o for o in self.outcomes if o.answerable and o.routed_to_quote and not o.result.abstained
                      and o.result.hits and _passage_holds_gold(o.result.hits[0], o.question)]
        return sum(o.first_hit == 1 for o in in_passage), len(in_passage)

    def routing(self) -> dict | None:
        """For lines with an `intent`: right routing overall and per intent, and how many
        ordinary (quote) questions were routed away from the quote."""
        routed = [o for o in self.outcomes if o.question.get("intent")]
        if not routed:
            return None
        per_intent: dict[str, list[bool]] = {}
        for outcome in routed:
            per_intent.setdefault(outcome.question["intent"], []).append(routed_right(outcome))
        ordinary = per_intent.get("quote", [])
        return {
            "questions": len(routed),
            "right": sum(sum(v) for v in per_intent.values()) / len(routed),
            "per_intent": {k: (sum(v), len(v)) for k, v in sorted(per_intent.items())},
            "ordinary_routed_away": _share(len(ordinary) - sum(ordinary), len(ordinary)),
        }

    def failures(self) -> list[QuestionOutcome]:
        return [o for o in self.outcomes
                if (o.answerable and o.first_hit != 1) or (not o.answerable and _asks_for_a_quote(o)
                                                           and not o.abstained)
                or (o.question.get("intent") and not routed_right(o))]


def routed_right(outcome: QuestionOutcome) -> bool:
    """Whether the bot answered the way a routing-set line's `intent` asks."""
    q, found = outcome.question, outcome.answer
    kind = found.route.kind
    if q["intent"] == "quote":
        return kind == QUOTE
    if q["intent"] in ("latest", "count"):
        return kind == q["intent"]
    if q["intent"] == "person":
        wanted = {q.get("person"), q.get("name")} - {None}
        return kind == "person" and any(p.person_id in wanted or p.name in wanted for p in found.people)
    docs = {document_id(Path(d)) for d in q.get("docs") or ()}
    return kind in ("episode", "episodes_about", "latest") and any(d.doc_id in docs for d in found.episodes)


def _passage_holds_gold(hit, question: dict) -> bool:
    passage = hit.passage
    if passage.start is None:
        return False
    return any(_same_doc(hit, g) and g.get("start") is not None
               and passage.start <= _end(g) and passage.end >= g["start"] for g in gold_answers(question))


def _asks_for_a_quote(outcome: QuestionOutcome) -> bool:
    return outcome.question.get("intent", "quote") == "quote"


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _doc_in_top(outcome: QuestionOutcome, k: int) -> bool:
    if outcome.abstained:
        return False
    return any(_same_doc(h, g) for h in outcome.result.hits[:k] for g in gold_answers(outcome.question))


def gold_coverage(questions: list[dict], documents) -> tuple[int, int]:
    """(how many, of all) documents the set's gold answers name are in `documents` (ids)."""
    wanted = {document_id(Path(g["doc"])) for q in questions for g in gold_answers(q) if g.get("doc")}
    return len(wanted & set(documents)), len(wanted)


def gold_answers(question: dict) -> list[dict]:
    if question.get("doc") is None:
        return []
    main = {k: question.get(k) for k in ("doc", "start", "end", "contains")}
    return [main] + [g for g in question.get("also") or [] if isinstance(g, dict)]


def is_hit(hit, gold: dict) -> bool:
    if not _same_doc(hit, gold):
        return False
    if gold.get("contains"):
        return _fold(gold["contains"]) in _fold(hit.passage.text)
    if gold.get("start") is None or hit.start is None:
        return False
    return gold["start"] - EARLY_SECONDS <= hit.start <= _end(gold)


def _same_doc(hit, gold: dict) -> bool:
    return gold.get("doc") is not None and hit.document.doc_id == document_id(Path(gold["doc"]))


def _end(gold: dict) -> int:
    return gold["end"] if gold.get("end") is not None else gold["start"]


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def evaluate(ask: Ask, questions: list[dict], k: int, progress: Progress = no_progress) -> Report:
    """`ask(question, k, previous)` -> Answer, timed per question; a line with `follows`
    is asked with the answer to the line it names as the previous one."""
    report = Report(k)
    previous: dict[str, Previous] = {}
    for number, question in enumerate(questions, 1):
        progress("questions", number - 1, len(questions))
        began = time.perf_counter()
        found = ask(question["question"], k, previous.get(question.get("follows") or ""))
        seconds = time.perf_counter() - began
        outcome = QuestionOutcome(question, found, _first_hit(question, found, k), seconds)
        report.outcomes.append(outcome)
        if found.result is not None and found.result.hits and not found.result.abstained:
            top = found.result.hits[0]
            previous[question.get("id", "")] = Previous(question["question"], top.document.doc_id,
                                                        datetime.now(timezone.utc), top.text)
    progress("questions", len(questions), len(questions))
    return report


def _first_hit(question: dict, found: Answer, k: int) -> int | None:
    """Rank of the first hit; an abstaining or card reply shows no quote, so none."""
    result = found.result
    if found.route.kind != QUOTE or result is None or result.abstained:
        return None
    golds = gold_answers(question)
    return next((rank for rank, hit in enumerate(result.hits[:k], 1) if any(is_hit(hit, g) for g in golds)), None)
