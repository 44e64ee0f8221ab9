"""The router (bot/core/intents.py) over a small archive whose show is called
"DataTalks.Club", and how the show's name is learnt (bot/retrieval/show_names.py)."""
from __future__ import annotations

import pytest

from bot.core.intents import COUNT, EPISODES_ABOUT, LATEST, PERSON, QUOTE, route
from bot.retrieval.cached_index import open_index
from bot.retrieval.catalog import Catalog
from bot.retrieval.search import Searcher
from bot.retrieval.show_names import show_name, show_words
from tests.fakes.knowledge import write_conversation_archive


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    index = open_index([write_conversation_archive(tmp_path_factory.mktemp("archive"))], None).index
    searcher = Searcher(index)
    return Catalog(index.documents.values(), index.people, index.tokenizer, searcher.documents_saying,
                   show_name="DataTalks.Club")


@pytest.mark.parametrize("question, kind", [
    ("total number of dtc podcast episodes?", COUNT),                        # the show's initials are no topic
    ("anything new on the datatalks.club podcast this month", LATEST),
    ("did a new episode drop recently?", LATEST),
    ("has dtc done anything on feature stores", EPISODES_ABOUT),
    ("was anyone from analytical engines ever a guest?", EPISODES_ABOUT),
    ("have you had compiler people on the podcast?", EPISODES_ABOUT),
    ("that compilers one about moths", EPISODES_ABOUT),
    ("who hosts the DTC podcast", PERSON),
    ("in the podcast with grace she said to print everything. why?", QUOTE),   # an episode cited, not asked for
    ("heard in some episode that feature stores need two models. true?", QUOTE),
])
def test_routes(catalog, question, kind):
    assert route(question, catalog).kind == kind


def test_who_hosts_is_the_person_who_hosts_most_episodes(catalog):
    assert [p.name for p in route("who runs the podcast?", catalog).people] == ["Alexey"]


def test_a_misspelt_surname_beside_a_first_name_picks_the_person(catalog):
    asked = route("who is ada lovelase", catalog)
    assert asked.kind == PERSON and [p.name for p in asked.people] == ["Ada Lovelace"]


def test_the_show_name_is_the_widely_said_joined_name_its_authors_write():
    talk = ["welcome to DataTalks.Club, find us on YouTube"] * 6 + ["YouTube and GitHub"] * 4
    metadata = ["DataTalks.Club anniversary episode", "Scaling DataTalks.Club", "a YouTube tutorial"]
    assert show_name(talk, metadata) == "DataTalks.Club"
    assert show_words("DataTalks.Club") == {"datatalks", "club", "datatalksclub", "dtc"}
    assert show_name(["plain talk"] * 10, ["a title"]) is None


@pytest.mark.parametrize("question, kind", [
    ("who's ada lovelace? her name is everywhere in the club", PERSON),      # chatter after the question
    ("ada lovelace - who's that? keep seeing her name", PERSON),
    ("roughly how many episodes are there? wondering if i can binge them all", COUNT),
    ("anything on feature stores in the dtc podcast?", EPISODES_ABOUT),
    ("what did the guy from analytical engines talk about?", EPISODES_ABOUT),
    ("have u ever had compiler engineers as guests?", EPISODES_ABOUT),
    ("is the 20 dollar plan enough or do i need the 100 one", QUOTE),        # a number, not an episode
    ("my bot cant answer 'what is this whole episode about?'. how do people fix that?", QUOTE),  # quoted words
])
def test_more_routes(catalog, question, kind):
    assert route(question, catalog).kind == kind


def test_an_episode_asked_by_episode_then_season(catalog):
    assert route("can someone find me ep 2 from season 1", catalog).number == (1, 2)


@pytest.mark.parametrize("question, kind", [
    ("yo whats the newest podcast ep rn?", LATEST),                        # chat slang is no topic
    ("the episode w grace hopper - link?", "episode"),                    # "w" is "with"
    ("has a compiler engineer ever been a guest?", EPISODES_ABOUT),
    ("how does ada keep up with the new ml tools that come out every week?", QUOTE),  # no archive word
    ("is it ok to use my real title on my cv instead of the official one?", QUOTE),
    ("looking for the 'Feature Stores in Production' episode", "episode"),  # a quoted title
])
def test_chat_shorthand_and_quoted_titles(catalog, question, kind):
    assert route(question, catalog).kind == kind


@pytest.mark.parametrize("question, kind", [
    ("anything new on the datatalks pod this month? haven't checked in a while", LATEST),
    ("anything on feature stores in the archive?", EPISODES_ABOUT),
    ("heard on one of the DTC podcasts that a feature store needs two models. is that so?", QUOTE),
    ("how many podcasts has datatalks club done so far lol, feels like hundreds", COUNT),
])
def test_last_round_of_phrasings(catalog, question, kind):
    assert route(question, catalog).kind == kind


@pytest.mark.parametrize("question, kind", [
    # An episode named as the setting of a question, not what is asked for (routing set 6).
    ("the compilers episode w/ grace - why did she print everything?", QUOTE),
    ("that feature store ep: how many models does it need?", QUOTE),
    ("can someone explain the moth thing from the compilers episode", QUOTE),
    ("why print everything? heard it on the compilers ep", QUOTE),
    ("the compilers episode - got a link?", EPISODES_ABOUT),              # still asked for: no question after
    ("any episodes on feature stores?", EPISODES_ABOUT),
    ("what did datatalks publish most recently", LATEST),
])
def test_an_episode_as_the_setting_of_a_question(catalog, question, kind):
    assert route(question, catalog).kind == kind
