"""Hostile values in front matter and transcripts: a bad field is dropped (or its file
skipped) with a warning naming the file, and the rest of the archive always loads,
indexes and goes through the cache."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.retrieval.cached_index import open_index
from bot.retrieval.values import MAX_ITEMS, MAX_SECONDS

from tests.fakes.knowledge import episode_text, write

FRONT = {  # YAML text of each field of a small episode; a case replaces one or adds one
    "title": "Hostile", "short": "hostile short", "season": "3", "episode": "4",
    "guests": "[guest1]", "ids": "{youtube: vid123}",
    "transcript": '\n- {header: Intro}\n- {line: "Gardening robots water tomatoes.", sec: 5, who: Host}'
                  '\n- {line: "A second line about robots.", sec: 9, who: Guest}',
}


def hostile_episode(**fields: str) -> str:
    front = {**FRONT, **fields}
    return "---\n" + "".join(f"{key}: {value}\n" for key, value in front.items()) + "---\n"


def transcript_with(item: str) -> str:
    return FRONT["transcript"] + f"\n- {item}"


def load(tmp_path: Path, text: str):
    """The archive with one hostile file, loaded twice: built (and cached), then from the cache."""
    folder = tmp_path / "knowledge"
    write(folder, "anchor.md", episode_text(title="Anchor", youtube="anchor"))
    write(folder, "hostile.md", text)
    built = open_index([folder], tmp_path / "cache").index
    cached = open_index([folder], tmp_path / "cache")
    assert cached.from_cache and set(cached.index.documents) == set(built.documents)
    assert "anchor" in built.documents
    return built


CASES = [  # (field, YAML value, what the document keeps)
    ("season", ".inf", lambda d: d.season is None),
    ("season", ".nan", lambda d: d.season is None),
    ("season", "-3", lambda d: d.season is None),
    ("season", "true", lambda d: d.season is None),
    ("season", "2147483648", lambda d: d.season is None),
    ("season", "1.0e+300", lambda d: d.season is None),
    ("season", "9" * 5000, lambda d: d.season is None),  # more digits than int() takes
    ("episode", "[1, 2]", lambda d: d.episode is None),
    ("duration", ".inf", lambda d: d.duration is None),
    ("duration", "PT99999999999H", lambda d: d.duration is None),
    ("duration", "PT" + "9" * 5000 + "H", lambda d: d.duration is None),
    ("title", "[a, b]", lambda d: d.title == "hostile short"),
    ("title", "{a: b}", lambda d: d.title == "hostile short"),
    ("title", "!!binary aGVsbG8=", lambda d: d.title == "hostile short"),
    ("title", "x" * 5000, lambda d: d.title == "hostile short"),
    ("guests", "{a: b}", lambda d: d.guests == ()),
    ("guests", "[[nested], {d: 1}, .inf, ok]", lambda d: d.guests == ("ok",)),
    ("guests", "[" + ", ".join(f"g{i}" for i in range(500)) + "]", lambda d: len(d.guests) == MAX_ITEMS),
    ("topics", "!!set {a, b}", lambda d: d.topics == ()),
    ("ids", "[youtube, x]", lambda d: d.youtube_id is None),
    ("ids", '{youtube: "abc def <!channel>"}', lambda d: d.youtube_id is None),
    ("links", '{youtube: "javascript:alert(1)"}', lambda d: d.url is None),
    ("dateadded", "2024-13-45", lambda d: d.released is None),
    ("dateadded", "0000-01-01", lambda d: d.released is None),
    ("description", "[a, b]", lambda d: d.description == ""),
    ("transcript", "{line: not a list}", lambda d: d.title == "Hostile"),
    ("transcript", "just a string", lambda d: d.title == "Hostile"),
]


@pytest.mark.parametrize("field, value, kept", CASES, ids=[f"{f}={v[:20]}" for f, v, _ in CASES])
def test_a_bad_field_is_dropped_with_a_warning_and_everything_loads(tmp_path, caplog, field, value, kept):
    with caplog.at_level(logging.WARNING):
        index = load(tmp_path, hostile_episode(**{field: value}))
    assert kept(index.documents["hostile"])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("hostile.md" in w and field in w for w in warnings), warnings


TRANSCRIPT_ITEMS = [
    "{line: Infinite second., sec: .inf, who: Guest}",
    "{line: Past int32., sec: 2147483648, who: Guest}",
    "{line: Far too late., sec: 1.0e+29, who: Guest}",
    "{line: Before the start., sec: -1, who: Guest}",
    "{line: A list of seconds., sec: [1, 2], who: Guest}",
    "{line: Not a number., sec: .nan, who: Guest}",
    "{line: A mapping speaker., sec: 20, who: {a: b}}",
    "{line: A long speaker., sec: 20, who: " + "w" * 5000 + "}",
    "{line: {a: b}, sec: 20, who: Guest}",
    "{header: [not, text]}",
    "[a, list, entry]",
    "{1: non-string key, null: another}",
]


@pytest.mark.parametrize("item", TRANSCRIPT_ITEMS, ids=[i[:30] for i in TRANSCRIPT_ITEMS])
def test_a_bad_transcript_value_costs_that_value_only(tmp_path, item):
    index = load(tmp_path, hostile_episode(transcript=transcript_with(item)))
    doc = index.documents["hostile"]
    assert doc.title == "Hostile" and doc.season == 3
    passages = index.passages_of("hostile")
    assert "Gardening robots water tomatoes." in passages[0].text
    assert all(0 <= sec <= MAX_SECONDS for p in passages for _, sec, _ in p.utterances if sec is not None)
    assert all(len(who) <= 2000 for p in passages for _, _, who in p.utterances if who)


def test_a_chapter_second_out_of_range_is_dropped(tmp_path):
    index = load(tmp_path, hostile_episode(
        quotableClips="[{name: Intro, startOffset: .inf}, {name: Later, startOffset: 30}]",
        transcript='[{line: "Only one line.", sec: 5, who: Host}]'))
    assert [(c.title, c.sec) for c in index.documents["hostile"].chapters] == [("Intro", None), ("Later", 30)]


def test_a_value_of_another_type_where_text_is_expected_is_not_shown_as_python(tmp_path):
    index = load(tmp_path, hostile_episode(short="!!binary aGVsbG8=", title="2024"))
    assert (index.documents["hostile"].title, index.documents["hostile"].short) == ("2024", "")


@pytest.mark.parametrize("front, reason", [
    ("a: &a [x, y]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ntitle: Laughs\nseason: 1\nepisode: 1\n"
     "transcript: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n", "aliases"),
    ("l: &l {line: " + "word " * 2000 + ", sec: 1}\nm: &m {line: other, sec: 2}\ntitle: Lines\nseason: 1\n"
     "episode: 1\ntranscript: [" + ", ".join(["*l, *m"] * 500) + "]\n", "aliases"),
    ("title: &t [*t]\nseason: 1\nepisode: 1\n", "aliases"),
])
def test_yaml_aliases_that_repeat_more_than_the_file_holds_skip_the_file(tmp_path, caplog, front, reason):
    with caplog.at_level(logging.WARNING):
        index = load(tmp_path, f"---\n{front}---\n")
    assert "hostile" not in index.documents
    assert [s.reason for s in index.skipped if s.path.endswith("hostile.md")] == [
        "YAML aliases repeat more text than the file holds"]


def test_a_few_honest_aliases_still_load(tmp_path):
    front = "who: &who Host\ntitle: Aliased\nseason: 1\nepisode: 1\ntranscript:\n" \
            "- {line: First line here., sec: 1, who: *who}\n- {line: Second line here., sec: 2, who: *who}\n"
    index = load(tmp_path, f"---\n{front}---\n")
    assert index.documents["hostile"].speakers == ("Host",)
