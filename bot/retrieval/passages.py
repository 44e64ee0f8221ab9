"""Cut loaded documents into passages a reader can quote.

A passage is a window of consecutive utterances inside one section (a chapter never
bleeds into the next), about `target_words` long. Utterances longer than a window are
split at sentence ends first, keeping their second and speaker. Each passage remembers
where every utterance starts in its text, so the link can later point at the utterance
that carries the answer rather than the window's first second.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.retrieval.documents import LoadedDocument, Section, Utterance

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(\[A-Z0-9])")


@dataclass(frozen=True)
class Passage:
    doc_id: str
    section: str | None
    text: str
    utterances: tuple[tuple[int, int | None, str | None], ...]  # (offset in text, sec, who)

    @property
    def start(self) -> int | None:
        secs = [sec for _, sec, _ in self.utterances if sec is not None]
        return min(secs) if secs else None

    @property
    def end(self) -> int | None:
        secs = [sec for _, sec, _ in self.utterances if sec is not None]
        return max(secs) if secs else None

    def utterance_text(self, i: int) -> str:
        begin = self.utterances[i][0]
        end = self.utterances[i + 1][0] if i + 1 < len(self.utterances) else len(self.text)
        return self.text[begin:end].strip()


@dataclass(frozen=True)
class PassageSettings:
    # ~2.5 minutes of speech: long enough to hold a question's whole answer, and the
    # link still lands inside it because it points at the best utterance, not the start.
    # Measured against 60-300 words in docs/retrieval.md.
    target_words: int = 400
    overlap_utterances: int = 1


def cut_passages(loaded: LoadedDocument, settings: PassageSettings = PassageSettings()) -> list[Passage]:
    passages: list[Passage] = []
    for section in loaded.sections:
        passages.extend(_cut_section(loaded.document.doc_id, section, settings))
    return passages


def _cut_section(doc_id: str, section: Section, settings: PassageSettings) -> list[Passage]:
    units = [piece for u in section.utterances for piece in _split_long(u, settings.target_words)]
    passages: list[Passage] = []
    begin = 0
    while begin < len(units):
        end, words = begin, 0
        while end < len(units) and (words < settings.target_words or end == begin):
            words += len(units[end].text.split())
            end += 1
        passages.append(_passage(doc_id, section.header, units[begin:end]))
        if end >= len(units):
            break
        begin = max(begin + 1, end - settings.overlap_utterances)
    return passages


def _passage(doc_id: str, header: str | None, units: list[Utterance]) -> Passage:
    parts: list[str] = []
    starts: list[tuple[int, int | None, str | None]] = []
    offset = 0
    for unit in units:
        starts.append((offset, unit.sec, unit.who))
        parts.append(unit.text)
        offset += len(unit.text) + 1
    return Passage(doc_id, header, " ".join(parts), tuple(starts))


def _split_long(utterance: Utterance, limit: int) -> list[Utterance]:
    """An utterance of more than `limit` words becomes pieces of whole sentences."""
    if len(utterance.text.split()) <= limit:
        return [utterance]
    pieces: list[Utterance] = []
    current: list[str] = []
    words = 0
    for sentence in _SENTENCE_END.split(utterance.text):
        current.append(sentence)
        words += len(sentence.split())
        if words >= limit:
            pieces.append(Utterance(" ".join(current), utterance.sec, utterance.who))
            current, words = [], 0
    if current:
        pieces.append(Utterance(" ".join(current), utterance.sec, utterance.who))
    return pieces
