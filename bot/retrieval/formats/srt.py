"""SubRip (`.srt`): numbered cues, `00:01:02,500 --> 00:01:05,000`, no speakers.

Styling (`<i>`, `<font color>`, `{\\an8}`) and the rest of the mess are cues.py's job."""
from __future__ import annotations

from bot.retrieval.formats.cues import Cue, clean_cue_text, cue_blocks, timing
from bot.retrieval.values import Fields


def read_srt(text: str, notes: Fields) -> list[Cue]:
    cues: list[Cue] = []
    for line, payload in cue_blocks(text, spaces_end_a_cue=True):
        start, end = timing(line)
        if start is None:
            notes.note("cue", f"a cue whose start is not a time: {line.strip()[:40]!r}")
            continue
        cleaned = clean_cue_text("\n".join(payload))
        if cleaned:
            cues.append(Cue(start, end, cleaned))
    return cues
