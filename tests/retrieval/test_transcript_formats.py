"""Transcripts in the podcast world's formats load as episodes: WebVTT with voice tags,
SubRip, Podcasting 2.0 JSON with a chapters file, YouTube's rolling auto-captions; each
messy thing real files do has its own fixture here."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.retrieval.cache import knowledge_fingerprint
from bot.retrieval.loader import collect_knowledge, load_knowledge

from tests.fakes.knowledge import write
from tests.fakes.transcripts import (ROLLING_VTT, SOURDOUGH_SRT, TELESCOPE_CHAPTERS, TELESCOPE_JSON,
                                     TELESCOPE_SIDECAR, VOICE_VTT)


def load(folder: Path, files: dict[str, str | bytes]):
    for name, content in files.items():
        write(folder, name, content)
    knowledge = collect_knowledge([folder])
    return {d.document.doc_id: d for d in knowledge.documents}, {Path(s.path).name: s.reason for s in knowledge.skipped}


def said(loaded) -> list[tuple[str, int, str | None]]:
    return [(u.text, u.sec, u.who) for s in loaded.sections for u in s.utterances]


def test_webvtt_voice_tags_are_speakers_and_consecutive_cues_of_one_speaker_one_utterance(tmp_path):
    docs, _ = load(tmp_path, {"bees.vtt": VOICE_VTT})
    bees = docs["bees"]
    assert said(bees) == [
        ("Welcome to the show. Today we talk about city beekeeping. How did you start keeping bees on a rooftop?",
         1, "Host"),
        ("I started with one hive on the rooftop and a smoker from a flea market. The first winter the colony "
         "survived because I left them enough honey.", 83, "Jane Doe"),
    ]
    assert bees.document.speakers == ("Host", "Jane Doe") and bees.document.duration == 96


def test_a_transcript_without_metadata_loads_titled_by_its_file_name(tmp_path):
    docs, _ = load(tmp_path, {"sourdough-basics.srt": SOURDOUGH_SRT})
    doc = docs["sourdough-basics"].document
    assert doc.title == "sourdough-basics" and doc.kind == "episode"
    assert doc.season is None and doc.link_at(42) is None


def test_subrip_without_speakers_is_cut_at_sentence_ends(tmp_path):
    docs, _ = load(tmp_path, {"bread.srt": SOURDOUGH_SRT})
    assert said(docs["bread"]) == [
        ("Welcome back to the kitchen.", 0, None),
        ("Today is about bread.", 3, None),
        ("A sourdough starter needs flour and water fed every single day at room temperature.", 42, None),
    ]


def test_podcasting_json_with_its_chapters_and_sidecar_is_one_episode_cut_at_chapters(tmp_path):
    docs, skipped = load(tmp_path, {"telescopes.json": TELESCOPE_JSON, "telescopes.chapters.json": TELESCOPE_CHAPTERS,
                                    "telescopes.yaml": TELESCOPE_SIDECAR})
    assert list(docs) == ["telescopes"] and skipped == {}  # the parts are no documents of their own
    loaded = docs["telescopes"]
    doc = loaded.document
    assert (doc.title, doc.code, doc.released, doc.guests) == ("Building your own telescope", "s02e04",
                                                               "2024-05-01", ("Priya Raman",))
    assert [(c.title, c.sec) for c in doc.chapters] == [("Welcome", 0), ("Mirrors", 280), ("Collimation", 600)]
    assert [(s.header, [u.sec for u in s.utterances]) for s in loaded.sections] == [
        ("Welcome", [0]), ("Mirrors", [290, 300]), ("Collimation", [610])]
    assert said(loaded)[2] == ("Grinding a parabolic mirror takes carborundum grit and patience.", 300, "Priya")
    assert doc.link_at(300) == "https://cdn.example.com/audio/telescopes.mp3#t=300"
    assert doc.link_at(None) == "https://stargazing.example.com/episodes/telescopes"


def test_youtube_rolling_auto_captions_say_each_line_once(tmp_path):
    docs, _ = load(tmp_path, {"kayak.en.vtt": ROLLING_VTT})
    # "on the lake" is spoken by 0:05 (its timed words say so) though the cue stays until
    # 0:12: that silence ends the utterance, so the eskimo roll gets its own second
    assert said(docs["kayak.en"]) == [("today we paddle kayaks on the lake", 0, None),
                                      ("the eskimo roll needs hip snap", 12, None)]


def test_a_caption_line_that_grows_in_the_next_cue_adds_only_its_new_words(tmp_path):
    growing = ("WEBVTT\n\n00:01.000 --> 00:02.000\nthe starter\n\n00:02.000 --> 00:03.000\n"
               "the starter bubbles\n\n00:03.000 --> 00:04.000\nthe starter bubbles overnight.\n")
    docs, _ = load(tmp_path, {"grow.vtt": growing})
    assert said(docs["grow"]) == [("the starter bubbles overnight.", 1, None)]


MESS = {  # case: (file name, its text, the utterances it becomes)
    "overlapping cues keep both, in order of their start": ("ep.vtt",
        "WEBVTT\n\n00:10.000 --> 00:15.000\n<v Ann>I think the hive needs a roof.\n\n"
        "00:12.000 --> 00:13.000\n<v Bob>Absolutely.\n\n00:14.000 --> 00:18.000\n<v Ann>And a screen floor.\n",
        [("I think the hive needs a roof.", 10, "Ann"), ("Absolutely.", 12, "Bob"), ("And a screen floor.", 14, "Ann")]),
    "cues out of order are read in order of their start": ("ep.vtt",
        "WEBVTT\n\n00:20.000 --> 00:22.000\nSecond sentence.\n\n00:05.000 --> 00:07.000\nFirst sentence.\n",
        [("First sentence.", 5, None), ("Second sentence.", 20, None)]),
    "empty cues and sound labels say nothing": ("ep.vtt",
        "WEBVTT\n\n00:01.000 --> 00:02.000\n\n00:02.000 --> 00:03.000\n   \n\n00:03.000 --> 00:04.000\n[Music]\n\n"
        "00:04.000 --> 00:05.000\n<c></c>\n\n00:05.000 --> 00:06.000\nFinally words.\n",
        [("Finally words.", 5, None)]),
    "styling tags, inline timestamps and entities are plain text": ("ep.vtt",
        "WEBVTT\n\n00:01.000 --> 00:04.000\n<c.colorE5E5E5>Bees</c> <i>love</i> <b>clover</b> &amp;<00:00:02.500><c> thyme.</c>\n",
        [("Bees love clover & thyme.", 1, None)]),
    "a byte order mark and CRLF line ends": ("ep.vtt",
        "\ufeffWEBVTT\r\n\r\n00:00:07.000 --> 00:00:09.000\r\n<v Ann>Windows wrote this.\r\n\r\n"
        "00:00:09.000 --> 00:00:11.000\r\n<v Ann>Every line ends twice.\r\n",
        [("Windows wrote this. Every line ends twice.", 7, "Ann")]),
    "timestamps without hours, and with hours past one": ("ep.vtt",
        "WEBVTT\n\n01:02.000 --> 01:04.000\nMinutes only.\n\n1:01:01.000 --> 1:01:03.000\nAn hour in.\n",
        [("Minutes only.", 62, None), ("An hour in.", 3661, None)]),
    "several voices in one cue are several utterances at its time": ("ep.vtt",
        "WEBVTT\n\n00:30.000 --> 00:33.000\n<v Ann>Ready?</v>\n<v.loud Bob>Ready.</v>\n",
        [("Ready?", 30, "Ann"), ("Ready.", 30, "Bob")]),
    "a cue without a voice continues the speaker before it": ("ep.vtt",
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>One thing\n\n00:02.000 --> 00:03.000\nand another.\n\n"
        "00:03.000 --> 00:04.000\n<v Bob>Yes.\n",
        [("One thing and another.", 1, "Ann"), ("Yes.", 3, "Bob")]),
    "SubRip: CRLF, a BOM and cue numbers without blank lines": ("ep.srt",
        "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nHello there.\r\n2\r\n00:00:02,000 --> 00:00:03,000\r\n"
        "General Kenobi.\r\n",
        [("Hello there.", 1, None), ("General Kenobi.", 2, None)]),
    "SubRip: font tags, positions and dialogue dashes": ("ep.srt",
        "1\n00:00:05,000 --> 00:00:07,000 X1:100 X2:200\n<font color=\"#ffff00\">- Where is the hive?</font>\n"
        "{\\an8}- On the roof.\n",
        [("Where is the hive? On the roof.", 5, None)]),
    "SubRip: missing hours and a dot before the milliseconds": ("ep.srt",
        "1\n01:05.250 --> 01:07.000\nSixty five seconds in.\n",
        [("Sixty five seconds in.", 65, None)]),
}


@pytest.mark.parametrize("case", MESS, ids=list(MESS))
def test_messy_captions(case, tmp_path):
    name, source, expected = MESS[case]
    docs, _ = load(tmp_path, {name: source})
    assert said(docs["ep"]) == expected


def test_utf16_subtitles_with_a_byte_order_mark_load(tmp_path):
    docs, _ = load(tmp_path, {"ep.srt": "1\n00:00:04,000 --> 00:00:06,000\nÜber Bienen.\n".encode("utf-16")})
    assert said(docs["ep"]) == [("Über Bienen.", 4, None)]


def test_json_segments_out_of_order_empty_and_bad_are_dropped_or_sorted(tmp_path, caplog):
    segments = [
        {"speaker": "B", "startTime": 20, "body": "Later."},
        {"speaker": "A", "startTime": 10, "body": "Earlier."},
        {"speaker": "A", "startTime": 12, "body": "   "},
        {"speaker": "A", "body": "No time."},
        {"speaker": "A", "startTime": "soon", "body": "Bad time."},
        {"speaker": ["A"], "startTime": 30, "body": "A list for a speaker."},
        "not a segment",
    ]
    with caplog.at_level(logging.WARNING):
        docs, _ = load(tmp_path, {"ep.json": json.dumps({"segments": segments})})
    # a segment whose speaker is unusable continues the speaker before it (after a pause: anew)
    assert said(docs["ep"]) == [("Earlier.", 10, "A"), ("Later.", 20, "B"), ("A list for a speaker.", 30, "B")]
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert "segments.startTime" in warning and "segments (an item that is not a mapping)" in warning


@pytest.mark.parametrize("content, reason", [
    ('{"foo": 1}', 'not a Podcasting 2.0 transcript (no "segments" list)'),
    ("[" * 200_000 + "]" * 200_000, "JSON nested too deeply"),
    ('{"segments": [{"startTime": NaN, "body": "x"}]}', "invalid JSON: NaN is not a number JSON allows"),
    ('{"segments": [{"startTime": ' + "9" * 5000 + ', "body": "x"}]}', "invalid JSON: Exceeds the limit"),
    ("WEBVTT but not json", "invalid JSON: Expecting value"),
])
def test_a_json_file_that_is_no_transcript_is_skipped_with_a_reason(content, reason, tmp_path):
    docs, skipped = load(tmp_path, {"anchor.srt": SOURDOUGH_SRT, "ep.json": content})
    assert "ep" not in docs and skipped["ep.json"].startswith(reason)


def test_caption_files_without_text_or_times_are_skipped_with_a_reason(tmp_path):
    _, skipped = load(tmp_path, {"anchor.srt": SOURDOUGH_SRT, "empty.vtt": "WEBVTT\n\nNOTE nothing here\n",
                                 "untimed.vtt": "WEBVTT\n\nsoon --> later\nWords.\n",
                                 "late.srt": "1\n200:00:00,000 --> 200:00:01,000\nPast a hundred hours.\n"})
    assert skipped == {"empty.vtt": "no cue with text in the transcript", "untimed.vtt": "no cue with text in the transcript",
                       "late.srt": "no cue with text in the transcript"}


def test_a_hostile_voice_tag_costs_linear_time(tmp_path):
    payload = "<v" + " " * 300_000 + "x\n" + "<v " * 50_000
    docs, _ = load(tmp_path, {"ep.vtt": f"WEBVTT\n\n00:01.000 --> 00:02.000\n{payload}\n"})
    assert "ep" in docs  # finishing at all is the test: a backtracking pattern would take hours


def test_a_markdown_front_matter_is_the_sidecar_of_a_transcript_with_its_stem(tmp_path):
    sidecar = "---\ntitle: Bees on roofs\nyoutube: https://youtu.be/abcdefghijk\n---\nShow notes.\n"
    docs, skipped = load(tmp_path, {"bees.vtt": VOICE_VTT, "bees.md": sidecar})
    assert list(docs) == ["bees"] and skipped == {}
    doc = docs["bees"].document
    assert doc.title == "Bees on roofs" and doc.link_at(83) == "https://www.youtube.com/watch?v=abcdefghijk&t=83s"


def test_a_broken_sidecar_or_chapters_file_costs_only_what_it_adds(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        docs, skipped = load(tmp_path, {"bees.vtt": VOICE_VTT, "bees.yaml": "title: [unclosed\n",
                                        "bees.chapters.json": '{"chapters": 5}'})
    assert skipped == {} and docs["bees"].document.title == "bees" and docs["bees"].document.chapters == ()
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert "bees.yaml (invalid YAML" in warning and 'bees.chapters.json (not a chapters file' in warning


def test_hostile_metadata_values_are_dropped_like_front_matter(tmp_path):
    sidecar = "title: Fine\nseason: .inf\naudio: javascript:alert(1)\nurl: 'https://ok.example/ep(1)'\nyoutube: NfAJAr7FvyY&t\n"
    docs, _ = load(tmp_path, {"bees.vtt": VOICE_VTT, "bees.yaml": sidecar})
    doc = docs["bees"].document
    assert (doc.title, doc.season, doc.audio_url, doc.youtube_id) == ("Fine", None, None, None)
    assert doc.url == "https://ok.example/ep%281%29" and doc.link_at(83) == doc.url  # a page: no time in it


def test_parts_without_a_transcript_are_not_knowledge_and_a_lone_markdown_is_a_document(tmp_path):
    docs, skipped = load(tmp_path, {"anchor.srt": SOURDOUGH_SRT, "_config.yml": "theme: minima\n",
                                    "orphan.chapters.json": TELESCOPE_CHAPTERS, "notes.md": "# Notes\n\nHives.\n"})
    assert sorted(docs) == ["anchor", "notes"] and skipped == {}


def test_a_sidecar_edit_changes_the_knowledge_fingerprint(tmp_path):
    write(tmp_path, "bees.vtt", VOICE_VTT)
    write(tmp_path, "bees.yaml", "title: One\n")
    before = knowledge_fingerprint([tmp_path])
    write(tmp_path, "bees.yaml", "title: Two\n")
    assert knowledge_fingerprint([tmp_path]) != before
    write(tmp_path, "unrelated.yaml", "title: Three\n")  # not knowledge: no reload for it
    assert load_knowledge([tmp_path]).documents[0].document.title == "Two"


def test_a_chapter_start_ends_an_utterance_even_mid_turn(tmp_path):
    vtt = ("WEBVTT\n\n00:58.000 --> 01:00.000\n<v Ann>So that was the intro and now\n\n"
           "01:00.000 --> 01:03.000\n<v Ann>the main topic is queen rearing.\n")
    chapters = json.dumps({"chapters": [{"startTime": 0, "title": "Intro"}, {"startTime": 60, "title": "Queens"}]})
    docs, _ = load(tmp_path, {"ep.vtt": vtt, "ep.chapters.json": chapters})
    assert [(s.header, [u.text for u in s.utterances]) for s in docs["ep"].sections] == [
        ("Intro", ["So that was the intro and now"]), ("Queens", ["the main topic is queen rearing."])]
