"""Plain-text rendering for the terminal: answers, episode cards, evaluation reports."""
from __future__ import annotations

import textwrap
from datetime import datetime

from bot.core.moments import moment_from_hit, moment_notes
from bot.retrieval.documents import Document
from bot.retrieval.hits import Hit, SearchResult
from bot.timefmt import clock

NOT_FOUND = "I couldn't find that in the episodes."


def render_result(result: SearchResult, now: datetime) -> str:
    if result.abstained or not result.hits:
        closest = list(dict.fromkeys(h.document for h in result.hits))[:3]
        if not closest:
            return NOT_FOUND
        lines = [NOT_FOUND, "", "The closest episodes:"]
        return "\n".join(lines + [f"  • {d.title}" + (f" ({d.code})" if d.code else "")
                                   + (f" — {d.link_at(None)}" if d.link_at(None) else "") for d in closest])
    best, *others = result.hits
    lines = [textwrap.fill(f"“{best.text}”", width=88), "", f"  — {_who(best)}, {_episode(best)}"]
    if best.url:
        lines.append(f"  {_watch(best)}: {best.url}")
    lines += [f"  {note}" for note in moment_notes(moment_from_hit(best), now)]
    if others:
        lines += ["", "Next best moments:"]
        lines += [f"  • {_where(h)}{' @ ' + clock(h.start) if h.start is not None else ''}"
                  f"{' — ' + h.url if h.url else ''}" for h in others]
    return "\n".join(lines)


def _who(hit: Hit) -> str:
    return hit.speaker or ("the article" if hit.start is None else "speaker not recorded")


def _episode(hit: Hit) -> str:
    doc = hit.document
    return f"{doc.title}" + (f" ({doc.code})" if doc.code else "")


def _where(hit: Hit) -> str:
    doc = hit.document
    code = f" ({doc.code})" if doc.code else ""
    chapter = f", chapter “{hit.passage.section}”" if hit.passage.section else ""
    return f"{doc.title}{code}{chapter}"


def _watch(hit: Hit) -> str:
    return f"watch from {clock(hit.start)}" if hit.start is not None else "read"


def episode_json(doc: Document) -> dict:
    return {
        "doc": doc.doc_id, "title": doc.title, "season": doc.season, "episode": doc.episode,
        "guests": list(doc.guests), "released": doc.released, "url": doc.link_at(None),
        "description": doc.description,
        "chapters": [{"title": c.title, "start": c.sec, "url": doc.link_at(c.sec)} for c in doc.chapters],
    }


def render_episode(doc: Document, with_chapters: bool = False) -> str:
    head = f"{doc.title}" + (f" ({doc.code})" if doc.code else "")
    lines = [head]
    if doc.guests:
        lines.append(f"  with {', '.join(doc.guests)}")
    if doc.released:
        lines.append(f"  released {doc.released}")
    if doc.link_at(None):
        lines.append(f"  {doc.link_at(None)}")
    if doc.description:
        lines += ["", textwrap.fill(doc.description, width=88)]
    if with_chapters and doc.chapters:
        lines += ["", "Chapters:"]
        lines += [f"  {clock(c.sec):>8}  {c.title}" for c in doc.chapters]
    return "\n".join(lines)


def render_eval(report, from_cache: bool) -> str:
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
