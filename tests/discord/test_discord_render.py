"""The renderer is pure: Reply in, content/embeds out, checked without any fake."""
from __future__ import annotations

from bot.adapters.discord.markdown import escape
from bot.adapters.discord.render import (CONTENT_LIMIT, DESCRIPTION_LIMIT, FIELD_LIMIT, answer_id_from_footer, fit,
                                         render, trim)
from bot.models import (ANSWER, ERROR, EPISODE, INFO, NOT_FOUND, PINNED, ChapterLink, EpisodeCard, Moment,
                        PinInfo, Reply)

LINK = "https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=1585s"


def moment(text: str = "People are really nice. Everyone is willing to help.", **extra) -> Moment:
    values = dict(text=text, speaker="Sara", doc_id="ep", title="Open Source and Volunteering", code="s17e07",
                  chapter="Joining Challenges", start=1585, url=LINK, released="2024-02-29")
    return Moment(**{**values, **extra})


def test_an_answer_is_an_embed_with_quote_speaker_chapter_link_and_answer_id():
    alt = moment(text="other", chapter="Data Sourcing", start=965, url=LINK.replace("1585", "965"))
    out = render(Reply(kind=ANSWER, text="plain", answer=moment(), alternatives=(alt,), answer_id="ab12cd34",
                       notes=("This advice is from 2024.",)))
    embed = out.embeds[0].to_dict()
    assert out.content is None and not out.ephemeral and out.answer_id == "ab12cd34"
    assert embed["title"] == "Open Source and Volunteering (s17e07)" and embed["url"] == LINK
    assert embed["description"].startswith("> People are really nice.")
    assert "— **Sara**" in embed["description"] and f"[▶ Watch from 26:25]({LINK})" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Chapter"] == "Joining Challenges"
    assert fields["Next best moments"].startswith("• [Open Source and Volunteering (s17e07), Data Sourcing @ 16:05](")
    assert fields["Note"] == "This advice is from 2024."
    assert answer_id_from_footer(embed["footer"]["text"]) == "ab12cd34"


def test_a_pinned_text_answer_says_who_pinned_it():
    out = render(Reply(kind=PINNED, text="t", answer=moment(start=None, url=None, speaker=None),
                       pin=PinInfo(3, "q", "mod", "2024-01-01T00:00:00Z"), answer_id="x1"))
    embed = out.embeds[0].to_dict()
    assert "Watch" not in embed["description"]
    assert embed["footer"]["text"] == "Pinned answer #3 by mod · answer id: x1"


def test_transcript_text_cannot_ping_or_format():
    out = render(Reply(kind=ANSWER, text="t", answer=moment(text="@everyone look: **bold** <@&123456789012345678>")))
    description = out.embeds[0].description
    assert "@\u200beveryone" in description and r"\*\*bold\*\*" in description
    assert "<@&123456789012345678>" not in description


def test_a_heading_at_a_line_start_is_escaped():
    assert escape("# Big\nnormal") == "\\# Big\nnormal"


def test_every_limit_holds_and_quotes_are_cut_at_a_sentence_end():
    sentence = "This sentence is about twenty-nine characters. "
    long_text = sentence * 400
    many = tuple(moment(title="T" * 150, chapter="C" * 50) for _ in range(20))
    out = render(Reply(kind=ANSWER, text="t", answer=moment(text=long_text, chapter="x" * 5000), alternatives=many))
    embed = out.embeds[0]
    assert len(embed.description) <= DESCRIPTION_LIMIT
    assert all(len(f.value) <= FIELD_LIMIT for f in embed.fields)
    quote = embed.description.split("\n")[0]
    assert quote.endswith("characters.")
    assert len(embed) <= 6000                                       # Discord's total per embed
    text = render(Reply(kind=INFO, text=long_text))
    assert len(text.content) <= CONTENT_LIMIT and text.content.endswith("characters.")


def test_trim_falls_back_to_a_word_end_with_an_ellipsis():
    assert trim("no sentence end in this rather long line of words", 20) == "no sentence end in…"
    assert trim("short", 20) == "short"


def test_fit_counts_escapes_against_the_limit():
    out = fit("*a* " * 600, 100)
    assert len(out) <= 100 and out.endswith("…")


def test_plain_replies_keep_the_cores_code_spans_and_errors_are_private_with_their_ref():
    help_ = render(Reply(kind=INFO, text="Try `/pin QUESTION | TARGET` *now*", ephemeral=True))
    assert help_.content == r"Try `/pin QUESTION | TARGET` \*now\*" and help_.ephemeral
    error = render(Reply(kind=ERROR, text="Something broke.", error_ref="ABC123"))
    assert error.ephemeral and error.content == "Something broke. (ref ABC123)"


def test_an_episode_card_lists_chapters_with_links():
    card = EpisodeCard(doc_id="ep", title="Open Source", code="s17e07", guests=("Sara",), released="2024-02-29",
                       url="https://www.youtube.com/watch?v=aHdaIwOEI8Q", description="About volunteering.",
                       chapters=(ChapterLink("Intro [part 1]", 0, "https://y/?t=0s"),))
    embed = render(Reply(kind=EPISODE, text="t", episode=card)).embeds[0].to_dict()
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Guests"] == "Sara" and fields["Chapters"] == "`   0:00` [Intro (part 1)](https://y/?t=0s)"


def test_not_found_with_suggestions_lists_the_closest_episodes():
    card = EpisodeCard(doc_id="ep", title="Open Source", code="s17e07", guests=(), released=None,
                       url="https://y/", description="")
    out = render(Reply(kind=NOT_FOUND, text="I couldn't find that.\nClosest: ...", suggestions=(card,)))
    assert out.content == "I couldn't find that."
    assert out.embeds[0].description == "• [Open Source (s17e07)](https://y/)"


def test_without_a_video_the_answer_links_the_audio_at_the_moment_or_says_the_time():
    def description(url):
        reply = Reply(kind=ANSWER, text="plain", answer=moment(start=1421, url=url), answer_id="ab12cd34")
        return render(reply).embeds[0].to_dict()["description"]

    audio = "https://cdn.example.com/ep.mp3#t=1421"
    assert f"[▶ Listen from 23:41]({audio})" in description(audio)
    assert description("https://example.com/episodes/7").endswith(
        "At 23:41 · [▶ Open the episode](https://example.com/episodes/7)")
    assert description(None).endswith("At 23:41")
