"""Where inside a passage the link starts: at the answer, not at the window's start.

`weights` holds, per utterance of the passage, the idf of the question's distinct terms
it contains. The densest utterance wins, a host's lines counting less (hosts rephrase
the question, guests answer it); a question is followed to its answer; and the link
moves back to where that answer began if that was only a few seconds earlier.
"""
from __future__ import annotations

import numpy as np

from bot.retrieval.hits import INTERJECTION_WORDS, speaker_turn
from bot.retrieval.passages import Passage

LINK_LEAD_SECONDS = 20  # longer leads cost hits on the dev set (docs/retrieval.md)


def choose_anchor(passage: Passage, weights: np.ndarray, by_host: np.ndarray, host_weight: float) -> int:
    """The utterance holding the most idf of the question's distinct terms, a host's
    lines (`by_host`) counting `host_weight` as much: hosts rephrase the question,
    guests answer it."""
    if not len(weights):
        return 0
    best = int(np.argmax(np.where(by_host, host_weight * weights, weights)))  # the first of equals
    return _turn_start(passage, _answer_to(passage, best, by_host))


def asks(passage: Passage, i: int, by_host: np.ndarray) -> bool:
    """Whether utterance i puts a question: any host line, or a line ending with "?"
    (a guest's rhetorical "?" mid-answer does not hand over the turn)."""
    return bool(by_host[i]) or passage.utterance_text(i).rstrip(" \"”’)").endswith("?")


def answer_in_next_window(passage: Passage, anchor: int, by_host: np.ndarray,
                          following: Passage, following_by_host: np.ndarray) -> int | None:
    """A question that ends its window is answered in the next window of the episode:
    the same chapter's next window starts with that same line (windows overlap by one
    utterance), and a new chapter often starts right at the answer (chapter headers sit
    between a question and its answer). The anchor there, or None."""
    if anchor != len(passage.utterances) - 1 or not asks(passage, anchor, by_host):
        return None
    if following.utterance_text(0) == passage.utterance_text(anchor):
        if len(following.utterances) < 2:
            return None
        return _turn_start(following, _answer_to(following, 0, following_by_host))
    asker = passage.utterances[anchor][2]
    return 0 if following.utterances[0][2] != asker and not following_by_host[0] else None


def _answer_to(passage: Passage, anchor: int, by_host: np.ndarray) -> int:
    """When the best utterance is the question being asked, the answer is the next
    speaker's turn: quote and link that. Members want the answer, not the question."""
    utterances = passage.utterances
    if anchor + 1 < len(utterances) and utterances[anchor + 1][2] != utterances[anchor][2] \
            and not by_host[anchor + 1] and asks(passage, anchor, by_host) \
            and sum(line.count(" ") + 1 for line in speaker_turn(passage, anchor + 1)) >= INTERJECTION_WORDS:
        # never onto a host's line (that is the next question), nor onto a bare "Yeah,
        # exactly." that ends the exchange: neither answers anything
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
