"""Transcript and chapter formats of the podcast world, read into the knowledge model.

    vtt.py            WebVTT (`.vtt`): `<v Speaker>` voice tags; YouTube's captions
    srt.py            SubRip (`.srt`)
    podcast_json.py   Podcasting 2.0 JSON (`{"segments": [{"speaker", "startTime", "body"}]}`)
    chapters.py       Podcasting 2.0 chapters (`STEM.chapters.json`)
    sidecar.py        an episode's metadata: `STEM.yaml` or a `STEM.md` front matter
    cues.py           timed cues from any of them, and the one rule merging them into utterances
    episode.py        a transcript file and its parts -> one LoadedDocument
"""
