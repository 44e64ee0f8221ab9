"""Finding episodes by what people call them: newest, code (`s17e07`), title or guest."""
from __future__ import annotations

import re

from bot.retrieval.documents import EPISODE, Document

_CODE = re.compile(r"^\s*s(\d{1,3})\s*e(\d{1,3})\s*$", re.I)


def newest_episode(documents) -> Document | None:
    """Highest season, then episode: in this archive `date` is an edit date."""
    numbered = [d for d in documents if d.kind == EPISODE and d.season is not None and d.episode is not None]
    return max(numbered, key=lambda d: (d.season, d.episode, d.doc_id), default=None)


def find_episodes(documents, query: str, tokenizer, limit: int = 5) -> list[Document]:
    """By code first, then by words of the title, short title, slug or guests' names."""
    episodes = [d for d in documents if d.kind == EPISODE]
    code = _CODE.match(query)
    if code:
        season, number = int(code.group(1)), int(code.group(2))
        return [d for d in episodes if (d.season, d.episode) == (season, number)][:limit]
    wanted = set(tokenizer(query))
    if not wanted:
        return []
    scored = []
    for doc in episodes:
        names = set(tokenizer(" ".join(doc.guests)))
        words = set(tokenizer(f"{doc.title} {doc.short} {doc.doc_id.replace('-', ' ')}")) | names
        overlap = len(wanted & words) + len(wanted & names)  # a guest's name counts double
        if overlap:
            scored.append((overlap / len(wanted), doc.season or 0, doc.episode or 0, doc))
    scored.sort(key=lambda t: (-t[0], -t[1], -t[2]))
    best = scored[0][0] if scored else 0
    return [t[3] for t in scored if t[0] >= best * 0.75][:limit]
