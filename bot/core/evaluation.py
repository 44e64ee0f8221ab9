"""Run a question set (the `../shared/eval` format) and score it by its hit rule.

A result hits a gold answer when it comes from the same doc and, for an episode, its
link second t satisfies start - 60 <= t <= end; for an article, its text contains the
gold phrase (case-insensitive, white space collapsed).
"""
from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import UserError
from bot.retrieval.hits import SearchResult
from bot.retrieval.loader import document_id

EARLY_SECONDS = 60
_SPACES = re.compile(r"\s+")


@dataclass
class QuestionOutcome:
    question: dict
    result: SearchResult
    first_hit: int | None  # 1-based rank of the first hit, None if none in k
    seconds: float

    @property
    def answerable(self) -> bool:
        return self.question.get("doc") is not None


@dataclass
class Report:
    k: int
    outcomes: list[QuestionOutcome] = field(default_factory=list)
    index_seconds: float = 0.0

    def figures(self) -> dict:
        answerable = [o for o in self.outcomes if o.answerable]
        unanswerable = [o for o in self.outcomes if not o.answerable]
        n = max(len(answerable), 1)

        def hit_at(k: int) -> float:
            return sum(1 for o in answerable if o.first_hit and o.first_hit <= k) / n

        latencies = sorted(o.seconds * 1000 for o in self.outcomes) or [0.0]
        return {
            "questions": len(self.outcomes),
            "hit@1": hit_at(1), "hit@3": hit_at(3), "hit@5": hit_at(5),
            "mrr@5": sum(1 / o.first_hit for o in answerable if o.first_hit and o.first_hit <= 5) / n,
            "doc@5": sum(1 for o in answerable if _doc_in_top(o, 5)) / n,
            "abstained_unanswerable": _share(sum(o.result.abstained for o in unanswerable), len(unanswerable)),
            "abstained_answerable": sum(o.result.abstained for o in answerable) / n,
            "query_p50_ms": statistics.median(latencies),
            "query_p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "index_seconds": self.index_seconds,
        }

    def failures(self) -> list[QuestionOutcome]:
        return [o for o in self.outcomes
                if (o.answerable and o.first_hit != 1) or (not o.answerable and not o.result.abstained)]


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _doc_in_top(outcome: QuestionOutcome, k: int) -> bool:
    docs = {g["doc"] for g in gold_answers(outcome.question)}
    return any(h.document.doc_id in docs for h in outcome.result.hits[:k])


def read_questions(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"cannot read question set {path}: {exc.strerror or exc}") from None
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise UserError(f"{path}:{number}: not a JSON object") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise UserError(f"{path}:{number}: needs a \"question\" string")
        questions.append(item)
    return questions


def gold_answers(question: dict) -> list[dict]:
    if question.get("doc") is None:
        return []
    main = {k: question.get(k) for k in ("doc", "start", "end", "contains")}
    return [main] + [g for g in question.get("also") or [] if isinstance(g, dict)]


def is_hit(hit, gold: dict) -> bool:
    if gold.get("doc") is None or hit.document.doc_id != document_id(Path(gold["doc"])):
        return False
    if gold.get("contains"):
        return _fold(gold["contains"]) in _fold(hit.passage.text)
    if gold.get("start") is None or hit.start is None:
        return False
    end = gold["end"] if gold.get("end") is not None else gold["start"]
    return gold["start"] - EARLY_SECONDS <= hit.start <= end


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def evaluate(search, questions: list[dict], k: int) -> Report:
    """`search(question, k)` -> SearchResult; timed per question."""
    report = Report(k)
    for question in questions:
        began = time.perf_counter()
        result = search(question["question"], k)
        seconds = time.perf_counter() - began
        golds = gold_answers(question)
        # An abstaining bot shows no quote, so its closest moments cannot count as hits.
        first_hit = None if result.abstained else next(
            (rank for rank, hit in enumerate(result.hits[:k], 1) if any(is_hit(hit, g) for g in golds)), None)
        report.outcomes.append(QuestionOutcome(question, result, first_hit, seconds))
    return report


def render_report(report: Report, from_cache: bool) -> str:
    """The figures and the questions not answered at rank 1, for a person to read."""
    f = report.figures()
    unans = "n/a" if f["abstained_unanswerable"] is None else f"{f['abstained_unanswerable']:.2f}"
    lines = [
        f"questions {f['questions']}  (k={report.k})",
        f"hit@1 {f['hit@1']:.3f}  hit@3 {f['hit@3']:.3f}  hit@5 {f['hit@5']:.3f}  "
        f"MRR@5 {f['mrr@5']:.3f}  doc@5 {f['doc@5']:.3f}",
        f"abstained on unanswerable {unans}  wrongly abstained on answerable {f['abstained_answerable']:.2f}",
        f"query p50 {f['query_p50_ms']:.2f} ms  p99 {f['query_p99_ms']:.2f} ms",
        f"index {'loaded' if from_cache else 'built'} in {f['index_seconds']:.2f} s",
    ]
    failures = report.failures()
    if failures:
        lines += ["", f"Not a hit at rank 1 ({len(failures)}):"]
        for o in failures:
            q = o.question
            gold = f"{q['doc']} {q.get('start', '')}-{q.get('end', '')}" if q.get("doc") else "unanswerable"
            rank = f"first hit at {o.first_hit}" if o.first_hit else "no hit in top k"
            lines.append(f"- [{q.get('id', '?')}] {q['question']}  (gold: {gold}; {rank})")
            if o.result.abstained:
                lines.append("    abstained")
            for h in o.result.hits[:3]:
                lines.append(f"    {h.document.doc_id} @{h.start} {h.score:.2f}: {h.text[:100]}")
    return "\n".join(lines)
