"""`latest` and `episode QUERY`: episode cards with their chapters and links."""
from __future__ import annotations

from bot.errors import UserError
from bot.models import EPISODE, EPISODES, Invocation, Reply
from bot.retrieval.episode_lookup import find_episodes, newest_episode
from bot.core.context import Context
from bot.core.inputs import clean_question
from bot.core.moments import episode_card
from bot.core.render import card_text, matching_episodes_text


def latest(ctx: Context, inv: Invocation) -> Reply:
    index = ctx.knowledge.searcher.index
    doc = newest_episode(index.documents.values())
    if doc is None:
        raise UserError("There is no numbered episode in the archive yet.")
    card = episode_card(doc, with_chapters=True)
    return Reply(kind=EPISODE, text="The newest episode:\n" + card_text(card), episode=card)


def episode(ctx: Context, inv: Invocation) -> Reply:
    query = clean_question(inv.text)
    if not query:
        raise UserError("Say which episode: `/episode s17e07`, `/episode volunteering` or a guest's name.")
    index = ctx.knowledge.searcher.index
    found = find_episodes(index.documents.values(), query, index.tokenizer)
    if not found:
        raise UserError(f"No episode matches “{query}”. Try its code (s17e07), words of its title or a guest's name.")
    if len(found) == 1:
        card = episode_card(found[0], with_chapters=True)
        return Reply(kind=EPISODE, text=card_text(card), episode=card)
    cards = tuple(episode_card(d) for d in found)
    return Reply(kind=EPISODES, text=matching_episodes_text(query, cards), suggestions=cards)
