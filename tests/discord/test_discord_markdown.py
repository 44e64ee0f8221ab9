"""Escaping for Discord markdown, pure: every kind of markup an archive or a member could
write comes out as plain words, and the renderer links only to URLs that pass weblinks."""
from __future__ import annotations

import re

import pytest

from bot.adapters.discord.markdown import escape, escape_keeping_code, escape_label
from bot.adapters.discord.render import render
from bot.models import ANSWER, EPISODE, ChapterLink, EpisodeCard, Moment, Reply
from tests.discord.markup_checks import masked_link_urls, problems

EVIL = "https://evil.example"
ATTACKS = [
    f"[[x]({EVIL})", f"[a]({EVIL}) [b](<{EVIL}>)", f'[x]({EVIL} "title")', f"\\[x]({EVIL})", f"\\\\[x]({EVIL})",
    f"[x]({EVIL}", f"x](({EVIL}))", "<@123456789012345678> <@!123456789012345678> <@&123456789012345678>",
    "<#123456789012345678>", "@everyone @here", "# heading", "## h2", "### h3", "-# subtext", "> quote",
    ">>> quote", "- item", "* item", "+ item", "1. item", "2) item", "  - indented", "text\n# heading two",
    "||spoiler||", "**b** *i* __u__ _i_ ~~s~~", "`c` ``c`` ```block```", "<t:1700000000:R>",
    "</ask:123456789012345678>", "<:emoji:123456789012345678> <a:e:123456789012345678>", f"<{EVIL}>",
    "<id:customize>", "https://ok.example/_a_*b*~c~ and **x**", "javascript:alert(1)",
]


@pytest.mark.parametrize("text", ATTACKS)
@pytest.mark.parametrize("escaper", [escape, escape_label, escape_keeping_code])
def test_markup_comes_out_as_words_with_no_link_that_hides_its_address(escaper, text):
    out = escaper(text)
    if escaper is escape_keeping_code:   # code spans are meant: inert, whatever is inside
        out = re.sub(r"`[^`\n]+`", "", out)
    assert not problems(out), (problems(out), out)
    assert masked_link_urls(out) == []


def test_a_bare_url_is_shown_as_itself_without_a_preview_and_never_inside_a_label():
    assert escape("see https://ok.example/a_b. Next") == "see <https://ok.example/a_b>. Next"
    assert escape("(https://ok.example/wiki/Foo_(bar))") == "(<https://ok.example/wiki/Foo_%28bar%29>)"
    assert "<" not in escape_label("see https://ok.example") and "https\\://" in escape_label("https://ok.example")


def moment(url: str | None) -> Moment:
    return Moment(text="Quote.", speaker="Sara", doc_id="ep", title="T", code="s01e01", chapter="C", start=5, url=url)


@pytest.mark.parametrize("url, shown", [
    (f"https://www.youtube.com/watch?v=abc)[pwn]({EVIL}", f"https://www.youtube.com/watch?v=abc%29%5Bpwn%5D%28{EVIL}"),
    ("javascript:alert(1)", None),
    ("https://user:pw@evil.example/", None),
])
def test_the_renderer_links_only_through_the_one_url_rule(url, shown):
    embed = render(Reply(kind=ANSWER, text="t", answer=moment(url), alternatives=(moment(url),))).embeds[0].to_dict()
    texts = [embed["description"]] + [f["value"] for f in embed["fields"]]
    assert [u for t in texts for u in masked_link_urls(t)] == ([shown, shown] if shown else [])
    assert embed.get("url") == shown
    card = EpisodeCard("ep", "T", "s01e01", (), None, url, "", (ChapterLink("C", 5, url),))
    card_embed = render(Reply(kind=EPISODE, text="t", episode=card)).embeds[0].to_dict()
    assert card_embed.get("url") == shown
    assert masked_link_urls(card_embed["fields"][0]["value"]) == ([shown] if shown else [])
