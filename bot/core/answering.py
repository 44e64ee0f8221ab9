"""From a question to what the bot will show: the one answer path of chat, the console,
the CLI and `eval`.

The router (intents.py) says what is asked. A quote is searched for; a question naming
a guest is searched inside that guest's episodes first, without the name (the name is
said in the introduction, not in the answer); a follow-up is searched together with the
question before it, inside that answer's episode first. Questions about the archive get
episodes or people. Nothing here writes anything: `ask.py` logs and renders.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.intents import COUNT, EPISODE, EPISODES_ABOUT, LATEST, PERSON, QUOTE, Route, route
from bot.retrieval.catalog import name_words
from bot.retrieval.documents import EPISODE as EPISODE_KIND, Document, Person
from bot.retrieval.hits import SearchResult
from bot.retrieval.query import MAX_READ_CHARS

FOLLOW_UP_WINDOW = timedelta(minutes=30)
MAX_EPISODE_CARDS = 5
# How a message that continues the previous one starts ("and if I'm a beginner?").
CONTINUATIONS = ("and", "but", "also", "so", "or", "then", "what about", "how about", "what if",
                 "same", "ok", "okay", "plus", "any", "anything else")
# Words that point back at the previous answer ("how long did that take her?").
REFERENCES = frozenset("it that this those these them there he she they his her their him its".split())
FRESH_TOPIC_WORDS = 4  # a message with this many topical words of its own is a new question


@dataclass(frozen=True)
class Previous:
    """The answer a follow-up may refer to: what was asked, and the episode quoted."""

    question: str
    doc_id: str | None
    asked_at: datetime
    quote: str = ""  # what it quoted: a follow-up's reply never repeats it


@dataclass(frozen=True)
class Answer:
    route: Route
    result: SearchResult | None = None       # the quote search, for quote routes
    episodes: tuple[Document, ...] = ()      # cards: the episode(s) asked for, or offered beside a quote
    people: tuple[Person, ...] = ()
    follows: Previous | None = None          # the earlier question this one was read with


def answer(searcher, question: str, k: int, previous: Previous | None = None,
           now: datetime | None = None) -> Answer:
    question = question[:MAX_READ_CHARS]  # as search reads it: `eval` hands over any length
    catalog = searcher.catalog
    asked = route(question, catalog)
    if asked.kind == LATEST:
        newest = catalog.newest()
        return Answer(asked, episodes=(newest,) if newest else ())
    if asked.kind == COUNT:
        return Answer(asked, episodes=tuple(catalog.episodes[:1]))
    if asked.kind == PERSON:
        return Answer(asked, people=asked.people)
    if asked.kind == EPISODE:
        found = _episodes_asked_for(catalog, asked)
        if found:
            return Answer(asked, episodes=found)
        if asked.people:  # named, but a guest of no episode (a host): who they are
            return Answer(Route(PERSON, people=asked.people), people=asked.people)
    if asked.kind == EPISODES_ABOUT:
        found = tuple(episodes_about(searcher, asked.topic, asked.people))
        if found:
            return Answer(asked, episodes=found)
    return _quote(searcher, question, k, asked, _live(previous, now))


def _quote(searcher, question: str, k: int, asked: Route, previous: Previous | None) -> Answer:
    asked = Route(QUOTE, topic=asked.topic, people=asked.people, offer_cards=asked.offer_cards,
                  without_names=asked.without_names)
    offered = tuple(episodes_about(searcher, asked.topic, ())[:3]) if asked.offer_cards else ()
    if previous is not None and is_follow_up(question, asked) \
            and (not asked.topic or searcher.knows_words_of(asked.topic)):  # not gibberish
        return Answer(asked, _follow_up(searcher, question, k, previous), offered, follows=previous)
    named = frozenset(d.doc_id for p in asked.people for d in searcher.catalog.episodes_of(p))
    if named and asked.without_names.strip():
        return Answer(asked, _first_confident(searcher, asked.without_names, k, named, fallback=question), offered)
    return Answer(asked, searcher.search(question, k), offered)


def _follow_up(searcher, question: str, k: int, previous: Previous) -> SearchResult:
    """The follow-up's own words inside the episode it follows (the episode is the
    context); then its words with the earlier question's, there and in the whole archive.
    The answer being followed up is never quoted again."""
    combined = f"{question} {question} {previous.question}"  # the new words count double
    if previous.doc_id:
        inside = _without_quote(searcher.search(question, k + 1, within=frozenset({previous.doc_id})), previous.quote)
        if not inside.abstained and inside.hits:
            return inside
    return _first_confident(searcher, combined, k + 1, {previous.doc_id} if previous.doc_id else None,
                            skip=previous.quote)


def _first_confident(searcher, question: str, k: int, within: set[str] | frozenset[str] | None,
                     fallback: str | None = None, skip: str = "") -> SearchResult:
    """Inside `within` first; the whole archive when nothing there answers. A hit quoting
    `skip` (the answer being followed up) is left out."""
    if within:
        inside = _without_quote(searcher.search(question, k, within=frozenset(within)), skip)
        if not inside.abstained and inside.hits:
            return inside
    return _without_quote(searcher.search(fallback or question, k), skip)


def _without_quote(result: SearchResult, quote: str) -> SearchResult:
    if not quote:
        return result
    kept = tuple(h for h in result.hits if h.text != quote)
    return replace(result, hits=kept, abstained=result.abstained or not kept)


def is_follow_up(question: str, asked: Route) -> bool:
    """A message that continues the previous question rather than asking a new one: it
    starts like a continuation or points back ("that", "her"), and has few topical words
    of its own."""
    words = name_words(question)
    text = " ".join(words)
    topical = len(asked.topic.split())
    if topical >= FRESH_TOPIC_WORDS:
        return False
    continues = any(text == c or text.startswith(c + " ") for c in CONTINUATIONS)
    return continues or bool(REFERENCES.intersection(words)) or topical <= 1


def _live(previous: Previous | None, now: datetime | None) -> Previous | None:
    if previous is None or now is None:
        return previous
    return previous if now - previous.asked_at <= FOLLOW_UP_WINDOW else None


def episodes_about(searcher, topic: str, people: tuple[Person, ...] = ()) -> list[Document]:
    """Episodes on a topic: their metadata (title, topics, chapters, description, guests)
    and what is said in them, each scaled to its best, summed; a named guest's episodes only
    when someone is named."""
    if not topic.strip():
        return []
    catalog = searcher.catalog
    allowed = {d.doc_id for p in people for d in catalog.episodes_of(p)} or None
    scores: dict[str, float] = {}
    metadata = [(d, s) for d, s in catalog.about(topic, limit=10) if allowed is None or d.doc_id in allowed]
    for doc, score in metadata:
        scores[doc.doc_id] = score / metadata[0][1]
    said = searcher.search(topic, 20, within=frozenset(allowed) if allowed else None)
    best_said = {}
    for hit in said.hits:
        if hit.document.kind == EPISODE_KIND:
            best_said.setdefault(hit.document.doc_id, hit.score)
    if best_said and not said.abstained:
        top = max(best_said.values())
        for doc_id, score in best_said.items():
            scores[doc_id] = scores.get(doc_id, 0.0) + score / top
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted((s, doc_id) for doc_id, s in scores.items() if s >= 0.5 * best)
    documents = searcher.index.documents
    return [documents[doc_id] for _, doc_id in sorted(ranked, key=lambda t: -t[0])[:MAX_EPISODE_CARDS]]


def _episodes_asked_for(catalog, asked: Route) -> tuple[Document, ...]:
    if asked.episodes:
        return asked.episodes
    if asked.number is not None:
        return tuple(catalog.by_number(*asked.number))
    found = [d for p in asked.people for d in catalog.episodes_of(p) if p.name in d.guests]
    return tuple(dict.fromkeys(found))[:MAX_EPISODE_CARDS]

