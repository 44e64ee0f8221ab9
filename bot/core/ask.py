"""`ask`: a pinned answer when one matches, else the best searched moment, else suggestions."""
from __future__ import annotations

import logging

from bot.models import ANSWER, NOT_FOUND, PINNED, Invocation, Moment, PinInfo, Reply
from bot.retrieval.episode_lookup import find_episodes
from bot.retrieval.search import episode_first
from bot.store import answers as log_kinds
from bot.store.answers import LoggedAnswer, new_answer_id
from bot.store.pins import Pin
from bot.core.context import Context
from bot.core.matching import normalize
from bot.core.moments import episode_card, moment_from_hit, moment_notes, refreshed
from bot.core.render import answer_text, not_found_text, pinned_text

log = logging.getLogger(__name__)

MAX_ALTERNATIVES = 3
MAX_SUGGESTIONS = 3


def ask(ctx: Context, inv: Invocation, question: str) -> Reply:
    searcher = ctx.knowledge.searcher  # once: a live reload may swap it meanwhile
    pin_id = ctx.matcher.match(question)
    pin = ctx.pins.get(pin_id) if pin_id is not None else None
    if pin is not None:
        return _pinned(ctx, inv, question, pin, searcher.index.documents)
    result = episode_first(searcher.search(question, 1 + MAX_ALTERNATIVES))
    if result.abstained or not result.hits:
        return _not_found(ctx, inv, question, searcher, result.hits)
    answer, *others = [moment_from_hit(h) for h in result.hits]
    alternatives = tuple(others[:MAX_ALTERNATIVES])
    notes = moment_notes(answer, ctx.clock())
    answer_id = _log(ctx, inv, question, log_kinds.FOUND, answer)
    return Reply(kind=ANSWER, text=answer_text(answer, alternatives, notes), answer=answer,
                 alternatives=alternatives, answer_id=answer_id, notes=notes)


def _pinned(ctx: Context, inv: Invocation, question: str, pin: Pin, documents: dict) -> Reply:
    ctx.pins.record_use(pin.pin_id, ctx.timestamp())
    answer = refreshed(pin.target, documents)
    info = PinInfo(pin.pin_id, pin.question, pin.pinned_by, pin.pinned_at)
    notes = moment_notes(answer, ctx.clock()) if answer.from_document else ()
    answer_id = _log(ctx, inv, question, log_kinds.PINNED, answer, pin.pin_id)
    log.info("question %r answered by pin #%d", question, pin.pin_id)
    return Reply(kind=PINNED, text=pinned_text(answer, info, notes), answer=answer, pin=info,
                 answer_id=answer_id, notes=notes)


def _not_found(ctx: Context, inv: Invocation, question: str, searcher, hits) -> Reply:
    documents = list(dict.fromkeys(h.document for h in hits))
    if not documents:
        documents = find_episodes(searcher.index.documents.values(), question, searcher.index.tokenizer,
                                  limit=MAX_SUGGESTIONS)
    cards = tuple(episode_card(d) for d in documents[:MAX_SUGGESTIONS])
    _log(ctx, inv, question, log_kinds.NOT_FOUND, None)
    return Reply(kind=NOT_FOUND, text=not_found_text(cards), suggestions=cards)


def _log(ctx: Context, inv: Invocation, question: str, kind: str, moment: Moment | None,
         pin_id: int | None = None) -> str:
    entry = LoggedAnswer(answer_id=new_answer_id(), asked_at=ctx.timestamp(), platform=inv.platform,
                         channel_id=inv.channel_id, thread_id=inv.thread_id or "", user_id=inv.user_id,
                         question=question, normalized=normalize(question), kind=kind, pin_id=pin_id,
                         target=moment)
    return ctx.answers.record(entry).answer_id
