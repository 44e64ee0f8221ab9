"""The command core over the shipped sample knowledge and a real SQLite file."""
from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.core import Core
from bot.knowledge_handle import KnowledgeHandle
from bot.models import ANSWER, EPISODE, EPISODES, ERROR, INFO, NOT_FOUND, PINNED, REFUSED
from bot.retrieval.hits import SearchResult
from bot.retrieval.search import Searcher
from bot.store.answers import AnswerLog
from bot.store.pins import PinStore

from tests.fakes.sample import EPISODE_ID, YOUTUBE_ID, invocation


def ask(core, text, **kw):
    return core.handle(invocation("ask", text, **kw))


def pin(core, text, **kw):
    return core.handle(invocation("pin", text, moderator=True, **kw))


# -- ask ----------------------------------------------------------------------------
def test_answer_has_moment_alternatives_notes_and_a_logged_id(core, db):
    reply = ask(core, "what roles are there for data engineers in volunteer projects")
    assert reply.kind == ANSWER and not reply.ephemeral
    assert reply.answer.doc_id == EPISODE_ID and reply.answer.url and reply.answer.start is not None
    assert f"t={reply.answer.start}s" in reply.answer.url
    assert 1 <= len(reply.alternatives) <= 3
    assert any("released 2024-02-29" in n and reply.answer.chapter in n for n in reply.notes)
    assert not any("years ago" in n for n in reply.notes)  # 2024 is recent for the test clock (2025)
    assert reply.answer.text[:40] in reply.text and reply.answer.url in reply.text
    logged = AnswerLog(db).get(reply.answer_id)
    assert (logged.question, logged.target.doc_id, logged.target.start) == (
        "what roles are there for data engineers in volunteer projects", EPISODE_ID, reply.answer.start)


def test_old_advice_gets_a_note(core, clock):
    clock.now = datetime(2027, 3, 1, tzinfo=timezone.utc)
    reply = ask(core, "what roles are there for data engineers in volunteer projects")
    assert any("from 2024, more than 3 years ago" in n for n in reply.notes)
    assert "more than 3 years ago" in reply.text


def test_abstained_search_gives_not_found_with_suggestions(core, db):
    searcher = core.knowledge.searcher
    core.knowledge.swap(AbstainingSearcher(searcher))
    reply = ask(core, "how does volunteering help careers")
    assert reply.kind == NOT_FOUND and reply.answer is None
    assert reply.text.startswith("I couldn't find that in the episodes.")
    assert [c.doc_id for c in reply.suggestions] == [EPISODE_ID]
    assert AnswerLog(db).report()[0].example == "how does volunteering help careers"


class AbstainingSearcher:
    """The retrieval interface with abstention forced on, keeping its hits."""

    def __init__(self, real):
        self.real, self.index, self.catalog = real, real.index, real.catalog

    def search(self, question, k=5, within=None):
        result = self.real.search(question, k, within)
        return SearchResult(result.question, True, result.hits)


def test_reads_the_searcher_once_per_question_so_a_reload_swap_is_safe(core, index):
    calls = []

    class Recording:
        def __init__(self):
            self.index, self.catalog = index, Searcher(index).catalog

        def search(self, question, k=5, within=None):
            calls.append(question)
            return SearchResult(question, True, ())

    core.knowledge.swap(Recording())
    assert ask(core, "anything at all").kind == NOT_FOUND
    assert calls == ["anything at all"]


def test_mentions_and_control_characters_do_not_reach_search(core, index):
    seen = []

    class Recording:
        def __init__(self):
            self.index, self.catalog = index, Searcher(index).catalog

        def search(self, question, k=5, within=None):
            seen.append(question)
            return SearchResult(question, True, ())

    core.knowledge.swap(Recording())
    ask(core, "<@U123|bob> @everyone how do\x00 I join <#C1|general> Omdena?")
    assert seen == ["how do I join Omdena?"]


def test_empty_question_gives_usage_help(core):
    reply = ask(core, "  <@U1>  ")
    assert reply.kind == INFO and reply.ephemeral and "/ask" in reply.text


def test_too_long_question_is_a_clear_private_error(core, db):
    reply = ask(core, "why " * 200)
    assert reply.kind == ERROR and reply.ephemeral and "under 500 characters" in reply.text
    assert AnswerLog(db).report() == []


# -- rate limit ------------------------------------------------------------------------
def test_rate_limit_per_user_with_a_friendly_note(core, clock):
    for _ in range(5):
        assert ask(core, "how do I join Omdena", user="fast").kind in (ANSWER, PINNED)
    refused = ask(core, "how do I join Omdena", user="fast")
    assert refused.kind == REFUSED and refused.ephemeral and "5 questions a minute" in refused.text
    assert ask(core, "how do I join Omdena", user="other").kind == ANSWER  # per user
    clock.advance(59)
    assert ask(core, "how do I join Omdena", user="fast").kind == REFUSED
    clock.advance(2)
    assert ask(core, "how do I join Omdena", user="fast").kind == ANSWER


# -- pins -----------------------------------------------------------------------------
def test_pin_by_moment_then_matching_questions_get_it_and_count_it(core, db):
    confirm = pin(core, "How do I join Omdena? | s17e07@26:25")
    assert confirm.kind == INFO and confirm.ephemeral and "#1" in confirm.text
    reply = ask(core, "how can i join omdena")
    assert reply.kind == PINNED
    assert (reply.pin.pin_id, reply.pin.pinned_by, reply.pin.question) == (1, "name-u1", "How do I join Omdena?")
    assert reply.answer.doc_id == EPISODE_ID and reply.answer.start == 1585
    assert reply.answer.url.endswith(f"v={YOUTUBE_ID}&t=1585s")
    assert reply.answer.chapter.startswith("Joining Challenges") and reply.answer.speaker
    assert "Pinned answer (pinned by name-u1 on 2025-06-01)" in reply.text
    assert reply.answer_id and AnswerLog(db).get(reply.answer_id).pin_id == 1
    assert ask(core, "how do i leave omdena").kind == ANSWER  # a different question searches
    assert PinStore(db).get(1).uses == 1
    assert "served 1 time" in core.handle(invocation("pins")).text


@pytest.mark.parametrize("target, start", [
    (f"{EPISODE_ID}@1585", 1585), (f"{EPISODE_ID}@26:25", 1585), (f"{EPISODE_ID}@0:26:25", 1585),
    (f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=1585s", 1585), (f"https://youtu.be/{YOUTUBE_ID}?t=90", 90),
    (f"https://youtu.be/{YOUTUBE_ID}?t=1m5s", 65),
])
def test_pin_target_forms(core, db, target, start):
    assert pin(core, f"How do I join Omdena? | {target}").kind == INFO
    assert PinStore(db).all()[0].target.start == start


@pytest.mark.parametrize("target, message", [
    ("no-such-episode@10", "No document `no-such-episode`"),
    (f"{EPISODE_ID}@5:00:00", "beyond the end"),
    ("https://www.youtube.com/watch?v=UNKNOWN1234&t=5", "No episode in the knowledge has the YouTube id"),
    (f"https://youtu.be/{YOUTUBE_ID}", "no moment"),
    ("nothing useful", "don't understand"),
])
def test_bad_targets_are_refused_with_a_reason_and_store_nothing(core, db, target, message):
    reply = pin(core, f"How do I join Omdena? | {target}")
    assert reply.kind == ERROR and reply.ephemeral and message in reply.text
    assert PinStore(db).all() == [] and PinStore(db).audit() == []


def test_text_pin_with_a_link(core):
    pin(core, "Where is the Omdena referral code? | Use the code at the end of <https://omdena.com/blog|the post>")
    reply = ask(core, "where can I find the omdena referral code")
    assert reply.kind == PINNED and reply.answer.url == "https://omdena.com/blog"
    assert "Use the code at the end of https://omdena.com/blog" in reply.text and reply.notes == ()


def test_pin_last_answer_in_this_conversation(core, db):
    answered = ask(core, "what roles are there for data engineers", channel="c9", thread="t1")
    assert pin(core, "last", channel="c9", thread="t1").kind == INFO
    stored = PinStore(db).all()[0]
    assert stored.question == "what roles are there for data engineers"
    assert (stored.target.doc_id, stored.target.start) == (answered.answer.doc_id, answered.answer.start)
    other = pin(core, "Q | last", channel="c9", thread="another")
    assert other.kind == ERROR and "haven't answered" in other.text


def test_after_a_not_found_there_is_no_last_answer_to_pin(core, db):
    ask(core, "what roles are there for data engineers", channel="c9", thread="t1")
    ask(core, "qqqqzzzz", channel="c9", thread="t1")  # the last reply found nothing
    refused = pin(core, "Q | last", channel="c9", thread="t1")
    assert refused.kind == ERROR and "found nothing" in refused.text and PinStore(db).all() == []


def test_pin_last_never_reaches_another_members_answer(core, db):
    # A member's answer (maybe private, e.g. a Slack /ask) is the latest in the conversation;
    # the moderator's `last` means the moderator's own previous answer, never the member's.
    mine = ask(core, "what roles are there for data engineers", user="mod", channel="c9")
    ask(core, "how do I join omdena", user="member", channel="c9")
    assert pin(core, "last", user="mod", channel="c9").kind == INFO
    stored = PinStore(db).all()[0]
    assert (stored.question, stored.target.start) == ("what roles are there for data engineers", mine.answer.start)
    refused = pin(core, "Q | last", user="someone-else", channel="c9")
    assert refused.kind == ERROR and "haven't answered you" in refused.text
    assert len(PinStore(db).all()) == 1


def test_pin_from_structured_options(core, db):
    answered = ask(core, "what roles are there for data engineers")
    assert core.handle(invocation("pin", moderator=True, answer_id=answered.answer_id)).kind == INFO
    assert core.handle(invocation("pin", moderator=True, answer_id=answered.answer_id,
                                  question="What do data engineers do in volunteer projects?")).kind == INFO
    assert core.handle(invocation("pin", moderator=True, question="Where to start?",
                                  target=f"{EPISODE_ID}@1:43")).kind == INFO
    questions = [(p.question, p.target.start) for p in PinStore(db).all()]
    assert questions == [("what roles are there for data engineers", answered.answer.start),
                         ("What do data engineers do in volunteer projects?", answered.answer.start),
                         ("Where to start?", 103)]
    assert core.handle(invocation("pin", moderator=True, answer_id="nope")).kind == ERROR


def test_alias_then_unpin(core, db):
    pin(core, "How do I join Omdena? | s17e07@26:25")
    assert ask(core, "how do I sign up for omdena").kind != PINNED  # too different before the alias
    assert pin(core, "alias 1 | how do I sign up for Omdena").kind == INFO
    assert ask(core, "How can I sign up for Omdena?").kind == PINNED
    assert pin(core, "alias 9 | something").kind == ERROR
    unpinned = core.handle(invocation("unpin", "#1", moderator=True))
    assert unpinned.kind == INFO and "How do I join Omdena?" in unpinned.text
    assert ask(core, "how can i join omdena").kind == ANSWER
    assert core.handle(invocation("unpin", "1", moderator=True)).kind == ERROR
    assert [a["action"] for a in PinStore(db).audit()] == ["pin", "alias", "unpin"]


def test_only_moderators_pin_unpin_or_alias(core, db):
    pin(core, "How do I join Omdena? | s17e07@26:25")
    before = PinStore(db).audit()
    for command, text in (("pin", "Q | s17e07@10"), ("pin", "alias 1 | other"), ("unpin", "1")):
        reply = core.handle(invocation(command, text, user="member"))
        assert reply.kind == REFUSED and reply.ephemeral and "Only moderators" in reply.text
    assert PinStore(db).audit() == before and len(PinStore(db).all()) == 1
    assert core.handle(invocation("pins", user="member")).kind == INFO


# -- episodes, help ----------------------------------------------------------------------
def test_latest_is_an_episode_card_with_chapters(core):
    reply = core.handle(invocation("latest"))
    assert reply.kind == EPISODE and reply.episode.code == "s17e07"
    assert reply.episode.chapters[0].url.endswith("&t=103s") and "Chapters:" in reply.text


@pytest.mark.parametrize("query", ["s17e07", "S17E7", "volunteering open source", "Sara"])
def test_episode_by_code_title_or_guest(core, query):
    reply = core.handle(invocation("episode", query))
    assert reply.kind == EPISODE and reply.episode.doc_id == EPISODE_ID and reply.episode.chapters


def test_episode_not_found_and_several(core, index):
    missing = core.handle(invocation("episode", "s99e99"))
    assert missing.kind == ERROR and "No episode matches" in missing.text
    assert core.handle(invocation("episode", "")).kind == ERROR
    twin = dict(index.documents)
    ep = twin[EPISODE_ID]
    twin["twin"] = replace(ep, doc_id="twin", episode=8, title="Open Source Again")
    core.knowledge.swap(StubSearcher(replace_documents(index, twin)))
    several = core.handle(invocation("episode", "open source"))
    assert several.kind == EPISODES and {c.doc_id for c in several.suggestions} == {EPISODE_ID, "twin"}


class StubSearcher:
    def __init__(self, index):
        self.index = index

    def search(self, question, k=5):
        return SearchResult(question, True, ())


def replace_documents(index, documents):
    return replace(index, documents=documents)


def test_help_lists_commands_for_the_role(core):
    member = core.handle(invocation("help")).text
    moderator = core.handle(invocation("help", moderator=True)).text
    assert "/ask" in member and "/episode" in member and "/pin " not in member
    assert "/pin QUESTION | TARGET" in moderator and "/unpin" in moderator


# -- errors, feedback, threads -------------------------------------------------------------
def test_unexpected_failure_is_logged_with_a_ref_and_never_raised(core, caplog, index):
    class Broken:
        def __init__(self):
            self.index, self.catalog = index, Searcher(index).catalog

        def search(self, question, k=5, within=None):
            raise RuntimeError("index exploded")

    core.knowledge.swap(Broken())
    with caplog.at_level(logging.ERROR):
        reply = ask(core, "how do I join omdena")
    assert reply.kind == ERROR and reply.error_ref and f"(ref {reply.error_ref})" in reply.text
    assert "index exploded" not in reply.text
    record = next(r for r in caplog.records if reply.error_ref in r.getMessage())
    assert record.exc_info and "index exploded" in str(record.exc_info[1])


def test_unknown_command_is_a_user_error(core):
    reply = core.handle(invocation("dance"))
    assert reply.kind == ERROR and "/help" in reply.text


def test_feedback_one_vote_per_user_latest_wins_and_report(core, db):
    answer = ask(core, "what roles are there for data engineers")
    assert core.feedback("test", "u2", answer.answer_id, helpful=True).kind == INFO
    assert core.feedback("test", "u2", answer.answer_id, helpful=False).kind == INFO
    assert core.feedback("test", "u3", answer.answer_id, helpful=False).kind == INFO
    assert AnswerLog(db).votes(answer.answer_id) == (0, 2)
    assert core.feedback("test", "u2", "unknown", helpful=True).kind == ERROR
    core.knowledge.swap(AbstainingSearcher(core.knowledge.searcher))
    for text in ("Is there a podcast about knitting?", "is there a podcast about knitting", "something else"):
        ask(core, text, user=text)
    report = AnswerLog(db).report()
    assert [(r.normalized, r.not_found, r.not_helpful) for r in report] == [
        ("is there a podcast about knitting", 2, 0),
        ("what roles are there for data engineers", 0, 2),
        ("something else", 1, 0)]


def test_handle_is_safe_from_several_threads(core, db):
    pin(core, "How do I join Omdena? | s17e07@26:25")
    core.limiter.per_minute = 0  # off: this is about concurrency
    replies = []

    def worker(n):
        for i in range(10):
            replies.append(ask(core, "how can I join omdena" if i % 2 else "roles for data engineers", user=f"t{n}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(replies) == 60 and {r.kind for r in replies} == {PINNED, ANSWER}
    assert PinStore(db).get(1).uses == 30
    assert len({r.answer_id for r in replies}) == 60


def test_core_builds_without_io_from_its_parts(tmp_path, index):
    from bot.retrieval.search import Searcher
    from bot.store.sqlite import SqliteDatabase

    db = SqliteDatabase(tmp_path / "lazy" / "bot.sqlite3")
    Core(KnowledgeHandle(Searcher(index)), PinStore(db), AnswerLog(db))
    assert not (tmp_path / "lazy").exists()  # the file appears on first use, not before
