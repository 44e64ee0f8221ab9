"""`pin`, `pin alias`, `unpin` and `pins`: moderators curating answers.

Permission is checked by `Core` before these run; here: parse, validate, store.
"""
from __future__ import annotations

import re

from bot.errors import UserError
from bot.models import INFO, Invocation, Reply
from bot.store.pins import Alias, PhraseTaken, PinEntry
from bot.core.context import Context, actor_of
from bot.core.inputs import clean_question
from bot.core.matching import normalize
from bot.core.render import pin_line, pins_text
from bot.core.resolve import resolve_target
from bot.core.targets import AliasRequest, AnswerRef, PinRequest, parse_pin_text, parse_target


def pin(ctx: Context, inv: Invocation) -> Reply:
    request = _request(inv)
    if isinstance(request, AliasRequest):
        return _alias(ctx, inv, request)
    index = ctx.knowledge.searcher.index
    target, source = resolve_target(request.target, index, ctx.answers, inv)
    question = clean_question(request.question if request.question is not None else source.question)
    if not question:
        raise UserError("Say which question the pin answers: `/pin QUESTION | TARGET`.")
    try:
        pinned, replaced = ctx.pins.add(PinEntry(question, normalize(question), target), actor_of(inv),
                                        ctx.timestamp())
    except PhraseTaken as taken:
        raise UserError(f"“{question}” is already an alias of pin #{taken.pin_id}.") from None
    verb = "Replaced the answer of" if replaced else "Pinned"
    return Reply(kind=INFO, text=f"{verb} #{pinned.pin_id}:\n{pin_line(pinned)}", ephemeral=True)


def unpin(ctx: Context, inv: Invocation) -> Reply:
    match = re.fullmatch(r"\s*#?(\d+)\s*", inv.options.get("pin_id") or inv.text or "")
    if not match:
        raise UserError("Usage: `/unpin PIN_ID` (see `/pins` for the ids).")
    removed = ctx.pins.remove(int(match.group(1)), actor_of(inv), ctx.timestamp())
    if removed is None:
        raise UserError(f"There is no pin #{match.group(1)}; `/pins` lists them.")
    return Reply(kind=INFO, text=f"Unpinned #{removed.pin_id} “{removed.question}”.", ephemeral=True)


def pins(ctx: Context, inv: Invocation) -> Reply:
    return Reply(kind=INFO, text=pins_text(ctx.pins.all()), ephemeral=True)


def _alias(ctx: Context, inv: Invocation, request: AliasRequest) -> Reply:
    phrase = clean_question(request.phrase)
    if not phrase:
        raise UserError("Say the other phrasing after `|`.")
    try:
        pinned = ctx.pins.add_alias(request.pin_id, Alias(phrase, normalize(phrase)), actor_of(inv), ctx.timestamp())
    except PhraseTaken as taken:
        raise UserError(f"“{phrase}” already leads to pin #{taken.pin_id}.") from None
    if pinned is None:
        raise UserError(f"There is no pin #{request.pin_id}; `/pins` lists them.")
    return Reply(kind=INFO, text=f"Added an alias to #{pinned.pin_id}:\n{pin_line(pinned)}", ephemeral=True)


def _request(inv: Invocation) -> PinRequest | AliasRequest:
    """Structured options from a chat UI win over the typed text."""
    options = inv.options or {}
    if options.get("answer_id"):
        return PinRequest(options.get("question") or None, AnswerRef(options["answer_id"]))
    if options.get("target"):
        if not options.get("question"):
            raise UserError("Say which question the pin answers.")
        return PinRequest(options["question"], parse_target(options["target"]))
    return parse_pin_text(inv.text)
