"""Where inside a passage the link starts: at the answer, not at the window's start.

`weights` holds, per utterance of the passage, the idf of the question's distinct terms
it contains. The densest utterance wins, a host's lines counting less (hosts rephrase
the question, guests answer it); a question is followed to its answer; and the link
moves back to where that answer began if that was only a few seconds earlier.
"""
from __future__ import annotations

import numpy as np

from .hits import INTERJECTION_WORDS
from .passages import Passage

LINK_LEAD_SECONDS = 20  # longer leads cost hits on the dev set (docs/retrieval.md)


def choose_anchor(passage: Passage, weights: np.ndarray, by_host: np.ndarray, host_weight: float) -> int:
    """The utterance holding the most idf of the question's distinct terms, a host's
    lines (`by_host`) counting `host_weight` as much: hosts rephrase the question,
    guests answer it."""
    if not len(weights):
        return 0
    best = int(np.argmax(np.where(by_host, host_weight * weights, weights)))  # the first of equals
    return _turn_start(passage, _answer_to(passage, best, by_host))


def _answer_to(passage: Passage, anchor: int, by_host: np.ndarray) -> int:
    """When the best utterance is the question being asked (a line with "?", or any line
    of a host), the answer is the next speaker's turn: quote and link that. Members
    want the answer, not the question."""
    utterances = passage.utterances
    if anchor + 1 < len(utterances) and utterances[anchor + 1][2] != utterances[anchor][2] and (
            by_host[anchor] or "?" in passage.utterance_text(anchor)):
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
