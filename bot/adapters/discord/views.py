"""Discord UI pieces: the helpful / not-helpful buttons and the "which question?" modal.

The buttons are a `DynamicItem`: the answer id lives in the button's custom_id, so a
click is understood even after a restart, with nothing kept in memory per message.
The callbacks only hand over to the client (`PodcastBot`), which talks to the core.
"""
from __future__ import annotations

import re

import discord

from bot.adapters.discord.parsing import FEEDBACK_TEMPLATE, feedback_custom_id

QUESTION_CHARS = 300


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button], template=FEEDBACK_TEMPLATE):
    def __init__(self, answer_id: str, helpful: bool) -> None:
        label, emoji = ("Helpful", "👍") if helpful else ("Not helpful", "👎")
        style = discord.ButtonStyle.secondary
        super().__init__(discord.ui.Button(label=label, emoji=emoji, style=style,
                                           custom_id=feedback_custom_id(answer_id, helpful)))
        self.answer_id = answer_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> "FeedbackButton":
        return cls(match.group("answer_id"), match.group("vote") == "y")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.client.record_feedback(interaction, self.answer_id, self.helpful)
        except Exception as exc:  # discord.py would only log it; the user gets a reply with a ref too
            await interaction.client.report_failure(interaction, "feedback button", exc)


def feedback_view(answer_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FeedbackButton(answer_id, helpful=True))
    view.add_item(FeedbackButton(answer_id, helpful=False))
    # Clicks are dispatched through the registered FeedbackButton template, so the
    # sent view needs no per-message entry in the client's view store (it would grow forever).
    view.stop()
    return view


class PinQuestionModal(discord.ui.Modal, title="Pin as answer"):
    """Asks the moderator which question the linked moment answers."""

    question = discord.ui.TextInput(label="Which question does this moment answer?",
                                    max_length=QUESTION_CHARS, min_length=3)

    def __init__(self, message: discord.Message, link: str, hint: str) -> None:
        super().__init__(custom_id=f"podbot:pin:{message.id}", timeout=600)
        self.message = message
        self.link = link
        if hint:
            self.question.default = hint[:QUESTION_CHARS]

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.client.pin_link(interaction, self.message, str(self.question.value), self.link)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await interaction.client.report_failure(interaction, "pin modal", error)
