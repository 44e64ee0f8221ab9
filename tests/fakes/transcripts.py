"""Small transcript files in the podcast world's formats, written for the tests: a WebVTT
with voice tags, a SubRip, a Podcasting 2.0 JSON with its chapters file, and YouTube's
rolling auto-captions; each about one topic with distinctive words, at known seconds."""
from __future__ import annotations

import json

# Beekeeping: the guest's answer starts at 1:23 (83 s).
VOICE_VTT = """WEBVTT
Kind: captions

NOTE written by hand for the tests

1
00:00:01.000 --> 00:00:04.000
<v Host>Welcome to the show. Today we talk about city beekeeping.

2
00:00:04.000 --> 00:00:09.000
<v Host>How did you start keeping bees on a rooftop?

3
00:01:23.000 --> 00:01:30.000 align:start position:0%
<v Jane Doe>I started with one hive on the rooftop and a smoker from a flea market.

4
00:01:30.000 --> 00:01:36.000
<v Jane Doe>The first winter the colony survived because I left them enough honey.
"""

# Sourdough: the starter is explained from 0:42 (42 s).
SOURDOUGH_SRT = """1
00:00:00,500 --> 00:00:03,000
<i>Welcome back to the kitchen.</i>

2
00:00:03,000 --> 00:00:06,000
Today is about bread.

3
00:00:42,000 --> 00:00:46,500
{\\an8}A sourdough starter needs flour and water

4
00:00:46,500 --> 00:00:50,000
fed every single day at room temperature.
"""

# Telescopes: the guest explains mirror grinding at 5:00 (300 s), in the chapter "Mirrors".
TELESCOPE_JSON = json.dumps({"version": "1.0.0", "segments": [
    {"speaker": "Alex", "startTime": 0.4, "endTime": 3.0, "body": "Hi and welcome to the stargazing hour."},
    {"speaker": "Alex", "startTime": 3.0, "endTime": 6.0, "body": "My guest builds telescopes."},
    {"speaker": "Alex", "startTime": 290.0, "endTime": 299.5, "body": "How do you grind a mirror?"},
    {"speaker": "Priya", "startTime": 300.2, "endTime": 304.0, "body": "Grinding a parabolic mirror"},
    {"speaker": "Priya", "startTime": 304.0, "endTime": 310.0, "body": "takes carborundum grit and patience."},
    {"speaker": "Priya", "startTime": 610.0, "endTime": 615.0, "body": "Collimation comes last."},
]})
TELESCOPE_CHAPTERS = json.dumps({"version": "1.2.0", "chapters": [
    {"startTime": 0, "title": "Welcome"},
    {"startTime": 280, "title": "Mirrors"},
    {"startTime": 400, "title": "Sponsor", "toc": False},
    {"startTime": 600, "title": "Collimation"},
]})
TELESCOPE_SIDECAR = """title: Building your own telescope
season: 2
episode: 4
date: 2024-05-01
guests: [Priya Raman]
audio: https://cdn.example.com/audio/telescopes.mp3
url: https://stargazing.example.com/episodes/telescopes
description: How amateurs grind mirrors.
"""

# YouTube's automatic captions: every line is shown twice (rolling), and a 10 ms cue holds
# the finished line alone. Kayaking: the eskimo roll is explained from 0:12 (12 s).
ROLLING_VTT = """WEBVTT
Kind: captions
Language: en

00:00:00.160 --> 00:00:03.470 align:start position:0%
 
today<00:00:00.480><c> we</c><00:00:00.640><c> paddle</c><00:00:01.000><c> kayaks</c>

00:00:03.470 --> 00:00:03.480 align:start position:0%
today we paddle kayaks
 

00:00:03.480 --> 00:00:12.190 align:start position:0%
today we paddle kayaks
on<00:00:03.800><c> the</c><00:00:04.000><c.colorE5E5E5> lake</c>

00:00:12.190 --> 00:00:12.200 align:start position:0%
on the lake
 

00:00:12.200 --> 00:00:15.000 align:start position:0%
on the lake
the<00:00:12.500><c> eskimo</c><00:00:13.000><c> roll</c><00:00:13.500><c> needs</c><00:00:14.000><c> hip</c><00:00:14.500><c> snap</c>

00:00:15.000 --> 00:00:15.010 align:start position:0%
the eskimo roll needs hip snap
 
"""


def rolling_captions(lines: list[tuple[float, str]]) -> str:
    """YouTube's automatic captions for `lines` (start second, words): each cue shows the
    line before it again above the new one, with word timings and colour tags, and a
    10 ms cue holds the finished line alone."""
    cues = ["WEBVTT\nKind: captions\nLanguage: en\n"]
    previous = ""
    for i, (start, words) in enumerate(lines):
        end = lines[i + 1][0] if i + 1 < len(lines) else start + 4
        first, *rest = words.split()
        timed = first + "".join(f"<{_clock(start + 0.3 * (j + 1))}><c> {w}</c>" for j, w in enumerate(rest))
        cues.append(f"{_clock(start)} --> {_clock(end - 0.01)} align:start position:0%\n{previous or ' '}\n{timed}\n")
        cues.append(f"{_clock(end - 0.01)} --> {_clock(end)} align:start position:0%\n{words}\n \n")
        previous = words
    return "\n".join(cues)


def _clock(sec: float) -> str:
    minutes, seconds = divmod(sec, 60)
    return f"00:{int(minutes):02d}:{seconds:06.3f}"


# Kayaking, as auto-captions: no punctuation, no speakers; the eskimo roll comes at 0:50.
KAYAK_LINES = [
    (0.0, "hey everyone welcome back to the channel"), (4.0, "today we paddle kayaks on the lake"),
    (8.0, "first let's talk about choosing a paddle"), (12.0, "the blade should be light and stiff"),
    (16.0, "carbon is great but fiberglass is fine too"), (20.0, "now sit in the cockpit with your knees up"),
    (24.0, "keep your back straight and relax your grip"), (28.0, "a good stroke starts with the torso"),
    (50.0, "the eskimo roll needs a strong hip snap"), (54.0, "keep your head down until the boat is up"),
]
