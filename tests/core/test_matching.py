"""Pin matching: same question in other words matches; a different question never does."""
from __future__ import annotations

import pytest

from bot.core.matching import PinMatcher, Phrases, normalize, similar

PHRASES = Phrases()


def matches(pinned: str, question: str) -> bool:
    if normalize(pinned) == normalize(question):
        return True
    return similar(PHRASES.content_stems(question), PHRASES.content_stems(pinned))


@pytest.mark.parametrize("pinned, question", [
    ("How do I join Omdena?", "how can i join omdena"),
    ("How do I join Omdena?", "How to join Omdena"),
    ("How do I join Omdena?", "joining omdena?"),
    ("How do I join Omdena?", "Omdena - how do I join it?"),
    ("How do I join Omdena?", "hey, how do I join omdena please"),
    ("What is the best way to find volunteer projects?", "how can I find volunteering projects"),
    ("How do I prepare for a hackathon?", "how should i prepare for hackathons"),
])
def test_same_question_in_other_words_matches(pinned, question):
    assert matches(pinned, question)


@pytest.mark.parametrize("pinned, question", [
    ("How do I join Omdena?", "how do i leave omdena"),
    ("How do I join Omdena?", "what is omdena"),
    ("How do I join Omdena?", "how do i join kaggle"),
    ("How do I join Omdena?", "how do i join omdena as a data engineer"),  # more specific than the pin
    ("What is Omdena?", "how do I join Omdena"),
    ("How do I start a podcast?", "how do I start a company"),
    ("How do I prepare for a hackathon?", "how do I judge a hackathon"),
])
def test_different_question_does_not_match(pinned, question):
    assert not matches(pinned, question)
    assert not matches(question, pinned)


def test_normalize_ignores_case_punctuation_spacing_and_leading_filler():
    assert normalize("  How do I   JOIN Omdena?! ") == "join omdena"
    assert normalize("how can i join omdena") == "join omdena"
    assert normalize("Is there a way to join Omdena") == "join omdena"
    assert normalize("how do i") == "how do i"  # nothing but filler stays itself, not empty


def test_matcher_prefers_exact_then_most_specific_and_rereads_only_on_change():
    phrases = [(1, "How do I join Omdena?"), (2, "How do I join Omdena challenges?")]
    version = [1]
    loads = []

    def load():
        loads.append(1)
        return list(phrases)

    matcher = PinMatcher(load, lambda: version[0])
    assert matcher.match("how can I join omdena") == 1
    assert matcher.match("joining omdena challenges") == 2
    assert matcher.match("how do i leave omdena") is None
    assert len(loads) == 1  # cached while the store's version stays the same
    phrases.append((3, "how do I leave Omdena"))
    version[0] = 2
    assert matcher.match("how do i leave omdena") == 3
    assert len(loads) == 2
