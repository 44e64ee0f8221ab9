"""Property: whatever a knowledge file holds, loading never raises, the other files
always load, and every value the loaded document keeps is bounded (so indexing and the
cache can't overflow on it)."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.retrieval.cache import read_cache, write_cache
from bot.retrieval.index import build_index
from bot.retrieval.loader import load_knowledge
from bot.retrieval.values import MAX_ITEMS, MAX_LABEL_CHARS, MAX_NUMBER, MAX_SECONDS

from tests.fakes.knowledge import episode_text, write

FIELDS = ["title", "short", "season", "episode", "guests", "ids", "links", "dateadded", "date",
          "description", "intro", "topics", "duration", "quotableClips", "subtitle", "tags", "url",
          "datepublished"]
scalars = (st.none() | st.booleans() | st.floats() | st.text(max_size=30) | st.dates() | st.datetimes()
           | st.integers() | st.sampled_from([2**31, 2**63, 10**30, -1, "PT1H2M3S", "2024-13-45", "Theo:"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4), max_leaves=12)
items = st.dictionaries(st.sampled_from(["line", "sec", "who", "header", "time", "youtube", "name", "startOffset"]),
                        values, max_size=4)
front_matter = st.fixed_dictionaries({}, optional={
    **{name: values for name in FIELDS},
    "ids": st.dictionaries(st.just("youtube"), values) | values,
    "transcript": st.lists(items | values, max_size=8) | values,
    "quotableClips": st.lists(items, max_size=4) | values,
})


def check_bounded(doc) -> None:
    assert doc.season is None or 0 <= doc.season <= MAX_NUMBER
    assert doc.episode is None or 0 <= doc.episode <= MAX_NUMBER
    assert doc.duration is None or 0 < doc.duration <= MAX_SECONDS
    assert all(c.sec is None or 0 <= c.sec <= MAX_SECONDS for c in doc.chapters)
    assert len(doc.guests) <= MAX_ITEMS and len(doc.topics) <= MAX_ITEMS and len(doc.speakers) <= MAX_ITEMS
    assert all(isinstance(t, str) and len(t) <= MAX_LABEL_CHARS
               for t in (doc.title, doc.short, *doc.guests, *doc.topics, *doc.speakers))
    assert doc.released is None or dt.date.fromisoformat(doc.released)


def load_beside_an_anchor(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), "anchor.md", episode_text(title="Anchor", youtube="anchor"))
        write(Path(folder), "random.md", content)
        knowledge = load_knowledge([Path(folder)])
        assert "anchor" in {d.document.doc_id for d in knowledge.documents}
        for loaded in knowledge.documents:
            check_bounded(loaded.document)
            assert all(u.sec is None or 0 <= u.sec <= MAX_SECONDS for s in loaded.sections for u in s.utterances)
        index = build_index(knowledge)
        written = write_cache(Path(folder) / "cache", [Path(folder)], "key", index)
        assert read_cache(written, "key") is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter)
def test_any_front_matter_loads_or_is_skipped_and_never_stops_the_rest(front):
    load_beside_an_anchor("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nSome body text here.\n")


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b))
def test_any_file_content_loads_or_is_skipped(content):
    load_beside_an_anchor(content)
