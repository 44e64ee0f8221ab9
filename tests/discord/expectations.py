"""What the bot is expected to say, taken from the real core, so adapter tests follow
ranking changes instead of pinning one quote."""
from __future__ import annotations

from bot.retrieval.search import episode_first


def best_quote_start(core, question: str) -> str:
    """The opening words of the quote the core's search leads with for `question`."""
    return episode_first(core.knowledge.searcher.search(question, 4)).hits[0].text[:40]
