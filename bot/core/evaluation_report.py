"""`eval`'s report for a person: the figures, by wording style, the kinds of miss, the
routing of a routing set, and the questions not answered at rank 1."""
from __future__ import annotations

import textwrap

from bot.core.evaluation import Report, routed_right
from bot.core.inputs import MAX_QUESTION_CHARS


def render_report(report: Report, from_cache: bool) -> str:
    f = report.figures()
    lines = [f"questions {f['questions']}  (k={report.k})", _figures_line(f), _abstention_line(f),
             f"query p50 {f['query_p50_ms']:.2f} ms  p99 {f['query_p99_ms']:.2f} ms",
             f"index {'loaded' if from_cache else 'built'} in {f['index_seconds']:.2f} s"]
    styles = report.by_style()
    if len(styles) > 1:
        lines += ["", "By wording:"]
        lines += [f"  {style:<13} n={s['questions']:<4} {_figures_line(s)}" for style, s in styles.items()
                  if style != "unanswerable"]
    misses = report.misses()
    if misses:
        lines += ["", "Rank-1 misses by kind: " + ", ".join(f"{kind} {n}" for kind, n in misses.items())]
    right, passages = report.links()
    if passages:
        lines.append(f"Links: {right} of {passages} top passages holding the answer link to it ({right / passages:.2f})")
    routing = report.routing()
    if routing:
        away = routing["ordinary_routed_away"]
        lines += ["", f"Routing: {routing['right']:.3f} right over {routing['questions']} questions; "
                      f"ordinary questions routed away {'n/a' if away is None else f'{away:.3f}'}"]
        lines += [f"  {intent:<15} {right}/{total}" for intent, (right, total) in routing["per_intent"].items()]
    failures = report.failures()
    if failures:
        lines += ["", f"Not right at rank 1 ({len(failures)}):"]
        for outcome in failures:
            lines += _failure_lines(outcome)
    return "\n".join(lines)


def _figures_line(f: dict) -> str:
    return (f"hit@1 {f['hit@1']:.3f}  hit@3 {f['hit@3']:.3f}  hit@5 {f['hit@5']:.3f}  "
            f"MRR@5 {f['mrr@5']:.3f}  doc@5 {f['doc@5']:.3f}")


def _abstention_line(f: dict) -> str:
    unanswerable = "n/a" if f["abstained_unanswerable"] is None else f"{f['abstained_unanswerable']:.2f}"
    return (f"abstained on unanswerable {unanswerable}  "
            f"wrongly abstained on answerable {f['abstained_answerable']:.2f}")


def _failure_lines(outcome) -> list[str]:
    q = outcome.question
    gold = f"{q['doc']} {q.get('start', '')}-{q.get('end', '')}" if q.get("doc") else "unanswerable"
    if q.get("intent") and q["intent"] != "quote":
        gold = f"{q['intent']} {q.get('docs') or q.get('person') or ''}"
    why = outcome.miss() or ("routed wrong" if q.get("intent") and not routed_right(outcome) else "answered")
    rank = f"first hit at {outcome.first_hit}" if outcome.first_hit else "no hit in top k"
    question = textwrap.shorten(q["question"], MAX_QUESTION_CHARS)  # a file's question can be megabytes
    lines = [f"- [{q.get('id', '?')}] {question}  (gold: {gold}; {why}; {rank}; "
             f"routed {outcome.answer.route.kind})"]
    for hit in outcome.result.hits[:3]:
        lines.append(f"    {hit.document.doc_id} @{hit.start} {hit.score:.2f}: {hit.text[:100]}")
    for doc in outcome.answer.episodes[:3]:
        lines.append(f"    card: {doc.doc_id}")
    return lines
