"""`ask`: a pinned answer when one matches; else what the question asks for (answering.py):
the quoted moment, episode or person cards, or the closest episodes when nothing fits.
Every reply to a question is logged, so feedback, `/pin last` and follow-ups can find it.

A question is answered from the archive even when the store fails: matching pins,
finding the answer a follow-up refers to, counting a pin's use and logging the reply are
each skipped with an error log line for the operator. An answer that could not be logged
has no answer id, so it comes without feedback or share buttons (nothing to attach a
vote to)."""
from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

from bot.core import answering
from bot.core.answering import Answer, Previous
from bot.core.context import Context
from bot.core.intents import COUNT, EPISODE, EPISODES_ABOUT, LATEST, PERSON
from bot.core.matching import normalize
from bot.core.moments import episode_card, moment_from_hit, moment_notes, person_card, refreshed
from bot.core.render import (answer_text, card_text, count_text, episodes_text, not_found_text, people_text,
                             pinned_text)
from bot.errors import StoreUnavailable
from bot.models import (ANSWER, EPISODE as EPISODE_REPLY, EPISODES, INFO, NOT_FOUND, PERSON as PERSON_REPLY,
                        PINNED, REPLY_TO_ANSWER, Invocation, Moment, PinInfo, Reply)
from bot.store import answers as log_kinds
from bot.store.answers import LoggedAnswer, new_answer_id
from bot.store.pins import Pin

log = logging.getLogger(__name__)

MAX_ALTERNATIVES = 3
MAX_SUGGESTIONS = 3

T = TypeVar("T")


def ask(ctx: Context, inv: Invocation, question: str) -> Reply:
    searcher = ctx.knowledge.searcher  # once: a live reload may swap it meanwhile
    pin = unless_store_down("matching pins", lambda: _matching_pin(ctx, question))
    if pin is not None:
        return _pinned(ctx, inv, question, pin, searcher.index.documents)
    previous = unless_store_down("finding the answer followed up", lambda: _previous(ctx, inv))
    began = time.perf_counter()
    found = answering.answer(searcher, question, 1 + MAX_ALTERNATIVES, previous, ctx.clock())
    kind = found.route.kind
    ctx.metrics.searched(kind, time.perf_counter() - began)
    if kind in (LATEST, EPISODE) and found.episodes:
        return _logged(ctx, inv, question, _episode_reply(found))
    if kind == EPISODES_ABOUT and found.episodes:
        return _logged(ctx, inv, question, _episodes_reply(found))
    if kind == PERSON:
        catalog = searcher.catalog
        cards = tuple(person_card(p, catalog.episodes_of(p), len(catalog.hosted_by(p)))
                      for p in found.people[:MAX_SUGGESTIONS])
        return _logged(ctx, inv, question, Reply(kind=PERSON_REPLY, text=people_text(cards), people=cards))
    if kind == COUNT:
        return _logged(ctx, inv, question, Reply(kind=INFO, text=count_text(searcher.catalog)))
    result = found.result
    if result is None or result.abstained or not result.hits:
        return _not_found(ctx, inv, question, result.hits if result else (), result.missing if result else None)
    answer, *others = [moment_from_hit(h) for h in result.hits]
    alternatives = tuple(others[:MAX_ALTERNATIVES])
    notes = _following(found) + moment_notes(answer, ctx.clock())
    offered = tuple(episode_card(d) for d in found.episodes)
    answer_id = _log(ctx, inv, question, log_kinds.FOUND, answer)
    return Reply(kind=ANSWER, text=answer_text(answer, alternatives, notes, offered), answer=answer,
                 alternatives=alternatives, answer_id=answer_id, notes=notes, suggestions=offered)


def _episode_reply(found: Answer) -> Reply:
    if len(found.episodes) == 1:
        card = episode_card(found.episodes[0], with_chapters=True)
        head = "The newest episode:\n" if found.route.kind == LATEST else ""
        return Reply(kind=EPISODE_REPLY, text=head + card_text(card), episode=card)
    return _episodes_reply(found)


def _episodes_reply(found: Answer) -> Reply:
    cards = tuple(episode_card(d) for d in found.episodes)
    about = found.route.topic or ", ".join(p.name for p in found.people or found.route.people)
    return Reply(kind=EPISODES, text=episodes_text(about, cards), suggestions=cards)


def _following(found: Answer) -> tuple[str, ...]:
    return (f"Following up on: “{found.follows.question}”",) if found.follows else ()


def _previous(ctx: Context, inv: Invocation) -> Previous | None:
    """The answer a follow-up may refer to: the one a platform reply points at (a public
    message), else the bot's latest answer to this member in this conversation."""
    referenced = inv.options.get(REPLY_TO_ANSWER)
    logged = ctx.answers.get(referenced) if referenced else ctx.answers.last_for(inv.user_id, inv.conversation)
    if logged is None or logged.kind == log_kinds.NOT_FOUND or logged.target is None:
        return None
    return Previous(logged.question, logged.target.doc_id, _parse_time(logged.asked_at), logged.target.text)


def _pinned(ctx: Context, inv: Invocation, question: str, pin: Pin, documents: dict) -> Reply:
    unless_store_down("counting a pin's use", lambda: ctx.pins.record_use(pin.pin_id, ctx.timestamp()))
    answer = refreshed(pin.target, documents)
    info = PinInfo(pin.pin_id, pin.question, pin.pinned_by, pin.pinned_at)
    notes = moment_notes(answer, ctx.clock()) if answer.from_document else ()
    answer_id = _log(ctx, inv, question, log_kinds.PINNED, answer, pin.pin_id)
    log.info("question %r answered by pin #%d", question, pin.pin_id)
    return Reply(kind=PINNED, text=pinned_text(answer, info, notes), answer=answer, pin=info,
                 answer_id=answer_id, notes=notes)


def _not_found(ctx: Context, inv: Invocation, question: str, hits, missing: str | None = None) -> Reply:
    searcher = ctx.knowledge.searcher
    documents = list(dict.fromkeys(h.document for h in hits))
    if not documents:
        documents = [d for d, _ in searcher.catalog.about(question, limit=MAX_SUGGESTIONS)]
    cards = tuple(episode_card(d) for d in documents[:MAX_SUGGESTIONS])
    _log(ctx, inv, question, log_kinds.NOT_FOUND, None)
    return Reply(kind=NOT_FOUND, text=not_found_text(cards, missing), suggestions=cards)


def _logged(ctx: Context, inv: Invocation, question: str, reply: Reply) -> Reply:
    """A reply about the archive (cards), logged as answered: it quotes no moment."""
    _log(ctx, inv, question, log_kinds.CARDS, None)
    return reply


def unless_store_down(what: str, action: Callable[[], T]) -> T | None:
    """`action()`, or None (logged for the operator) when the store is unavailable."""
    try:
        return action()
    except StoreUnavailable as exc:
        log.error("%s skipped, the store is unavailable: %s", what, exc)
        return None


def _matching_pin(ctx: Context, question: str) -> Pin | None:
    pin_id = ctx.matcher.match(question)
    return ctx.pins.get(pin_id) if pin_id is not None else None


def _log(ctx: Context, inv: Invocation, question: str, kind: str, moment: Moment | None,
         pin_id: int | None = None) -> str | None:
    """The reply's id in the log; None when it could not be logged."""
    entry = LoggedAnswer(answer_id=new_answer_id(), asked_at=ctx.timestamp(), platform=inv.platform,
                         channel_id=inv.channel_id, thread_id=inv.thread_id or "", user_id=inv.user_id,
                         question=question, normalized=normalize(question), kind=kind, pin_id=pin_id,
                         target=moment)
    logged = unless_store_down("logging the answer", lambda: ctx.answers.record(entry))
    return logged.answer_id if logged else None


def _parse_time(stamp: str):
    from datetime import datetime, timezone

    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
