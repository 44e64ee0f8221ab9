"""Talking like a member expects (issue 15): questions about the archive get cards,
ordinary questions get the quote, follow-ups are read with the question before them, and
`last` means the last answer. The whole core over a small archive of three interviews."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.core.dispatcher import Core
from bot.knowledge_handle import KnowledgeHandle
from bot.models import ANSWER, EPISODE, EPISODES, ERROR, INFO, NOT_FOUND, PERSON, REPLY_TO_ANSWER
from bot.ratelimit import RateLimiter
from bot.retrieval.cached_index import open_index
from bot.retrieval.search import RankingSettings, Searcher
from bot.store.answers import AnswerLog
from bot.store.sqlite import SqliteDatabase
from bot.store.pins import PinStore
from tests.fakes.knowledge import write_conversation_archive
from tests.fakes.sample import FakeClock, invocation


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = write_conversation_archive(tmp_path_factory.mktemp("archive"))
    return open_index([folder], None).index


@pytest.fixture
def clock():
    return FakeClock(datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc))


@pytest.fixture
def core(index, tmp_path, clock):
    db = SqliteDatabase(tmp_path / "bot.sqlite3")
    return Core(KnowledgeHandle(Searcher(index)), PinStore(db), AnswerLog(db), limiter=RateLimiter(0, clock.now.timestamp),
                clock=clock)


def ask(core, text, **kw):
    return core.handle(invocation("ask", text, **kw))


@pytest.mark.parametrize("question", ["what is the latest episode?", "most recent ep", "anything new on the podcast?"])
def test_the_newest_episode(core, question):
    reply = ask(core, question)
    assert reply.kind == EPISODE and reply.episode.doc_id == "feature-stores-in-production"
    assert reply.episode.chapters and reply.text.startswith("The newest episode:")


@pytest.mark.parametrize("question", ["who is ada lovelace?", "tell me about Ada Lovelace", "who's ada"])
def test_a_person_card_names_them_says_who_they_are_and_lists_their_episodes_newest_first(core, question):
    reply = ask(core, question)
    assert reply.kind == PERSON and [p.name for p in reply.people] == ["Ada Lovelace"]
    card = reply.people[0]
    assert "leads data science at Analytical Engines" in card.description
    assert [e.doc_id for e in card.episodes] == ["feature-stores-in-production", "careers-in-data-science"]
    assert all(e.url and e.url.startswith("https://www.youtube.com/watch?v=") for e in card.episodes)
    assert card.episodes_heading == "Guest of 2 episodes"


def test_the_host_is_a_person_too(core):
    card = ask(core, "who is alexey?").people[0]
    assert card.role == "host" and card.episode_count == 3 and card.episodes_heading.startswith("Host of 3 episodes")


@pytest.mark.parametrize("question, doc", [
    ("which episode was about feature stores?", "feature-stores-in-production"),
    ("was there an episode with someone from Tesla?", "careers-in-data-science"),  # the guest's description
    ("compilers episodes?", "compilers-and-debugging"),
])
def test_episodes_on_a_topic_come_from_titles_topics_guests_and_what_was_said(core, question, doc):
    reply = ask(core, question)
    assert reply.kind in (EPISODE, EPISODES)
    assert doc in ([reply.episode.doc_id] if reply.kind == EPISODE else [c.doc_id for c in reply.suggestions])


def test_an_episode_by_its_code_or_its_guest(core):
    assert ask(core, "s01e02").episode.doc_id == "compilers-and-debugging"
    assert ask(core, "season 1 episode 2").episode.doc_id == "compilers-and-debugging"
    assert ask(core, "which episode was grace hopper on").episode.doc_id == "compilers-and-debugging"


def test_how_many_episodes(core):
    reply = ask(core, "how many episodes are there?")
    assert reply.kind == INFO and reply.text.startswith("The archive has 3 episodes")


@pytest.mark.parametrize("question", [
    "how do you keep features fresh, what's the latest approach?",  # "latest" in another sense
    "how many notebooks should be in a portfolio?",                 # "how many" about something else
    "what should a beginner learn first?",
])
def test_ordinary_questions_keep_getting_the_quote(core, question):
    assert ask(core, question).kind == ANSWER


def test_a_guests_name_picks_their_episode_and_the_rest_of_the_question_the_moment(core):
    reply = ask(core, "what did Grace say about how long the compiler took?")
    assert reply.kind == ANSWER and reply.answer.doc_id == "compilers-and-debugging"
    assert reply.answer.text.startswith("The first compiler took me three years")  # not her introduction


def test_a_follow_up_is_read_with_the_question_before_it(core):
    first = ask(core, "when does a team need a feature store?", channel="c1", thread="t1")
    assert first.answer.doc_id == "feature-stores-in-production"
    follow = ask(core, "and how do you keep them fresh?", channel="c1", thread="t1")
    assert follow.kind == ANSWER and follow.notes[0] == "Following up on: “when does a team need a feature store?”"
    assert follow.answer.doc_id == "feature-stores-in-production" and "recompute" in follow.answer.text
    assert follow.answer.text != first.answer.text  # never the same quote again


def test_context_is_the_members_own_conversation_and_it_expires(core, clock):
    ask(core, "when does a team need a feature store?", user="ana", channel="c1", thread="t1")
    assert not ask(core, "and how fresh?", user="bob", channel="c1", thread="t1").notes[:1] == [
        "Following up on: “when does a team need a feature store?”"]
    assert "Following up on" not in " ".join(ask(core, "and how fresh?", user="ana", channel="c2").notes)
    clock.advance(31 * 60)
    assert "Following up on" not in " ".join(ask(core, "and how fresh?", user="ana", channel="c1", thread="t1").notes)


def test_a_new_topic_in_the_same_thread_is_searched_on_its_own(core):
    ask(core, "when does a team need a feature store?", channel="c1", thread="t1")
    reply = ask(core, "how do you debug a program nobody understands?", channel="c1", thread="t1")
    assert reply.answer.doc_id == "compilers-and-debugging" and not reply.notes[0].startswith("Following up")


def test_a_reply_to_an_answer_names_the_answer_it_follows(core):
    first = ask(core, "when does a team need a feature store?", user="ana", channel="c1")
    follow = core.handle(invocation("ask", "and how do you keep them fresh?", user="bob", channel="c1",
                                    **{REPLY_TO_ANSWER: first.answer_id}))
    assert follow.notes[0].startswith("Following up on: “when does a team need a feature store?”")


def test_last_after_a_not_found_or_cards_is_refused_and_says_why(core):
    ask(core, "qqqzzz xyzzy plugh", channel="c1")
    refused = core.handle(invocation("pin", "Q | last", moderator=True, channel="c1"))
    assert refused.kind == ERROR and "found nothing" in refused.text
    ask(core, "who is ada lovelace?", channel="c1")
    refused = core.handle(invocation("pin", "Q | last", moderator=True, channel="c1"))
    assert refused.kind == ERROR and "not a moment" in refused.text


def test_gibberish_after_an_answer_is_not_taken_for_a_follow_up(core):
    ask(core, "when does a team need a feature store?", channel="c1")
    assert ask(core, "qqqzzz", channel="c1").kind == NOT_FOUND


def test_a_question_about_something_the_archive_never_mentions_says_what(core, index):
    core.knowledge.swap(Searcher(index, RankingSettings(concept_vocabulary=0)))  # as over a big archive
    reply = ask(core, "should a team use Kubecost to allocate feature store costs?")
    assert reply.kind == NOT_FOUND and reply.text.startswith("I couldn't find anything about “Kubecost” in the episodes.")
