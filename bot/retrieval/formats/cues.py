"""Timed cues, whatever file they came from, and the one rule that merges them into utterances.

Real caption files are messy in known ways, each handled here once for every format:
- cues out of order or overlapping: read in order of their start (ties keep file order);
- empty cues and sound labels alone (`[Music]`): dropped;
- styling (`<c.colorE5E5E5>`, `<i>`, `{\\an8}`), inline timestamps and entities: plain text;
- YouTube's rolling auto-captions repeat each line in the next cue (and a 10 ms cue holds
  the finished line alone): a line the same speaker said in the cue just before is not
  said again, and a line that grows the previous one adds only its new words.

Utterances: consecutive cues of one speaker (a cue without a voice continues the last
one), cut at a sentence end once long, so a link can land inside a long answer; without
speakers, at every sentence end (captions without punctuation: every ~50 words). A pause
and a chapter start end an utterance too.
"""
from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass

from bot.retrieval.documents import Utterance
from bot.retrieval.values import MAX_LABEL_CHARS, MAX_SECONDS, BadValue

_CLOCK = re.compile(r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]?\d)(?:[.,](\d{1,3}))?")
_TAG = re.compile(r"<[^<>]*>")            # never crosses another '<': linear on "<<<<..."
_SSA_OVERRIDE = re.compile(r"\{\\[^{}]*\}")  # SubRip files carry `{\an8}`, `{\i1}`
_SOUND_LABEL = re.compile(r"[\[(♪][^\[\]()]*[\])♪]")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*$")
_TURN_MARK = re.compile(r"^(?:>>|-)\s+")   # ">> " (a new speaker) and a dialogue dash start a line
ROLLING_GAP_SECONDS = 2.0    # rolling captions follow each other without a pause
SPEAKER_SENTENCE_WORDS = 120  # ~45 s of speech: a speaker's turn is cut at the next sentence end
UNPUNCTUATED_WORDS = 50       # captions without punctuation: cut at a cue boundary
PAUSE_SECONDS = 5.0           # a silence this long ends an utterance, even within a turn


class TranscriptError(ValueError):
    """A transcript that can't be loaded; the message says why."""


@dataclass(frozen=True)
class Cue:
    start: float          # seconds
    end: float | None     # when the cue leaves the screen
    text: str             # cleaned; caption lines kept apart by "\n"
    who: str | None = None
    spoken_until: float | None = None  # when its words end, if sooner than `end` (timed words)

    @property
    def speech_end(self) -> float:
        return next(t for t in (self.spoken_until, self.end, self.start) if t is not None)


def parse_clock(value: str) -> float | None:
    """Seconds from `01:02:03.450`, `02:03.450` (no hours) or `01:02:03,450` (SubRip);
    None for anything else or past MAX_SECONDS."""
    match = _CLOCK.fullmatch(value.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + float(f"0.{fraction or 0}")
    return total if total <= MAX_SECONDS else None


def speaker_name(value: str) -> str | None:
    """A voice tag's or segment's speaker, as one clean line; None when there is none."""
    name = " ".join(html.unescape(value).split())
    if len(name) > MAX_LABEL_CHARS:
        raise BadValue(f"a speaker name longer than {MAX_LABEL_CHARS} characters")
    return name or None


def clean_cue_text(raw: str) -> str:
    """Caption markup to plain text, one caption line per line."""
    text = _SSA_OVERRIDE.sub("", _TAG.sub("", raw))
    if "&" in text:
        text = html.unescape(text)
    lines = (_TURN_MARK.sub("", " ".join(line.split())) for line in text.split("\n"))
    return "\n".join(line for line in lines if line and not _SOUND_LABEL.fullmatch(line))


def merge_cues(cues: list[Cue], breaks=()) -> tuple[Utterance, ...]:
    """The cues as utterances (see the module doc); none spans a pause or one of `breaks`
    (chapter starts, in seconds), so each lies in one chapter."""
    ordered = sorted((c for c in cues if c.text.strip()), key=lambda c: c.start)
    fresh = _without_rolling_repeats(ordered)
    has_speakers = any(c.who for c in fresh)
    upcoming = sorted(breaks)
    utterances: list[Utterance] = []
    words: list[str] = []
    who, start, last_end = None, 0.0, 0.0
    for cue in fresh:
        speaker = (cue.who or who) if has_speakers else None
        crossed = bool(upcoming) and cue.start >= upcoming[0]
        while upcoming and cue.start >= upcoming[0]:
            upcoming.pop(0)
        if words and (speaker != who or crossed or cue.start - last_end >= PAUSE_SECONDS
                      or _ends_utterance(words, has_speakers)):
            utterances.append(Utterance(" ".join(words), int(start), who))
            words = []
        if not words:
            start = cue.start
        who, last_end = speaker, max(last_end, cue.speech_end)
        words.extend(cue.text.split())
    if words:
        utterances.append(Utterance(" ".join(words), int(start), who))
    return tuple(utterances)


def _ends_utterance(words: list[str], has_speakers: bool) -> bool:
    sentence_end = bool(_SENTENCE_END.search(words[-1]))
    if has_speakers:
        return sentence_end and len(words) >= SPEAKER_SENTENCE_WORDS or len(words) >= 3 * SPEAKER_SENTENCE_WORDS
    return sentence_end or len(words) >= UNPUNCTUATED_WORDS


def _without_rolling_repeats(cues: list[Cue]) -> list[Cue]:
    """Each cue with only the caption lines it adds (see the module doc)."""
    kept: list[Cue] = []
    recent: deque[str] = deque(maxlen=3)  # the last lines said, folded for comparison
    last: Cue | None = None
    for cue in cues:
        rolling = last is not None and cue.who == last.who and \
            cue.start <= (last.end if last.end is not None else last.start) + ROLLING_GAP_SECONDS
        lines = []
        for line in cue.text.split("\n"):
            folded = " ".join(line.casefold().split())
            if rolling and folded in recent:
                continue
            if rolling and recent and folded.startswith(recent[-1] + " "):
                line = " ".join(line.split()[len(recent[-1].split()):])  # only the words it adds
            lines.append(line)
            recent.append(folded)
        last = cue
        if lines:
            kept.append(Cue(cue.start, cue.end, "\n".join(lines), cue.who, cue.spoken_until))
    return kept


def cue_blocks(text: str, spaces_end_a_cue: bool) -> list[tuple[str, list[str]]]:
    """(timing line, text lines) of every cue of a WebVTT or SubRip text: a line with
    `-->` starts a cue (even without the blank line before it), an empty line ends it.
    In WebVTT a line of spaces is part of the cue (YouTube writes them); in SubRip it ends it.
    Anything outside a cue (headers, NOTE and STYLE blocks, cue numbers) is not text."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "-->" in line:
            if current and current[-1].strip().isdigit():
                current.pop()  # the next cue's number, with no blank line before it
            current = []
            blocks.append((line, current))
        elif current is not None:
            if not line or (spaces_end_a_cue and not line.strip()):
                current = None
            else:
                current.append(line)
    return blocks


def timed_payloads(text: str, spaces_end_a_cue: bool, notes) -> list[tuple[float, float | None, str]]:
    """(start, end, raw text) of every cue whose start is a time (cue_blocks); the others
    are noted in `notes` (a values.Fields) and dropped."""
    found = []
    for line, payload in cue_blocks(text, spaces_end_a_cue):
        start, end = _timing(line)
        if start is None:
            notes.note("cue", f"a cue whose start is not a time: {line.strip()[:40]!r}")
        else:
            found.append((start, end, "\n".join(payload)))
    return found


def _timing(line: str) -> tuple[float | None, float | None]:
    """(start, end) of a `00:01.000 --> 00:04.000 align:start` line (settings ignored)."""
    left, _, right = line.partition("-->")
    ends = right.split()
    return parse_clock(left), parse_clock(ends[0]) if ends else None
