"""A message too long to read, or text no encoding can carry (a lone surrogate: "\\ud800"
in a platform's JSON, invalid UTF-8 read with surrogateescape), gets a short refusal
from the core, whichever field of the invocation holds it, and never "something went
wrong" with an error reference."""
from __future__ import annotations

import pytest

from bot.core.inputs import UNREADABLE
from bot.models import ERROR
from tests.fakes.sample import invocation

BAD = "\ud800"


def refused_plainly(reply) -> bool:
    return reply.kind == ERROR and reply.text == UNREADABLE and reply.error_ref is None


@pytest.mark.parametrize("command, text", [
    ("ask", f"how do I join Omdena{BAD}?"), ("episode", f"s17e07{BAD}"), ("help", BAD), ("latest", BAD),
    ("pin", f"How do I join{BAD} Omdena? | s17e07@26:25"), ("pin", f"Referral? | see https://x.example/{BAD}"),
    ("pin", f"alias 1 | sign up {BAD}"), ("unpin", f"1{BAD}"), ("pins", BAD), (f"ask{BAD}", "hello"),
])
def test_in_what_was_typed(core, command, text):
    assert refused_plainly(core.handle(invocation(command, text, moderator=True)))


@pytest.mark.parametrize("field", ["user_id", "user_name", "channel_id", "thread_id"])
def test_in_who_asked_and_where(core, field):
    from dataclasses import replace

    pin = replace(invocation("pin", "How do I join Omdena? | s17e07@26:25", moderator=True), **{field: BAD})
    assert refused_plainly(core.handle(pin))
    assert refused_plainly(core.handle(replace(invocation("ask", "how do I join omdena"), **{field: BAD})))
    assert core.handle(invocation("pins")).text.startswith("No pinned answers yet")


def test_in_structured_options_and_feedback(core):
    assert refused_plainly(core.handle(invocation("pin", moderator=True, question=f"q{BAD}", target="s17e07@26:25")))
    assert refused_plainly(core.handle(invocation("pin", moderator=True, answer_id=BAD)))
    assert refused_plainly(core.feedback("test", "u1", BAD, True))
    assert refused_plainly(core.feedback("test", BAD, "a1", True))


@pytest.mark.parametrize("command", ["ask", "help", "episode", "pin"])
def test_a_huge_message_is_refused_before_anything_reads_it(core, command):
    from tests.fakes.memory import peak_mb

    huge = invocation(command, "\u3389" * 1_000_000, moderator=True)
    replies = []
    assert peak_mb(lambda: replies.append(core.handle(huge))) < 0.5
    assert replies[0].kind == ERROR and "too long (1000000 characters)" in replies[0].text and not replies[0].error_ref


def test_the_answer_path_reads_a_bounded_part_of_a_long_question(index):
    """`eval` hands the answer path a file's question as it is (3 MB here)."""
    from bot.core.answering import answer
    from bot.retrieval.search import Searcher
    from tests.fakes.memory import peak_mb

    searcher = Searcher(index)
    huge = "who was the guest on omdena volunteering " * 75_000
    assert peak_mb(lambda: answer(searcher, huge, 5)) < 4
