"""Text that made the Markdown clean-up backtrack: each of these lines took hours with the
old patterns (quadratic, or cubic for headings) and must now load like any other file.
The time limit below only tells a hang from an answer; it is not a speed target."""
from __future__ import annotations

import threading

import pytest

from bot.retrieval.loader import load_knowledge

from tests.fakes.knowledge import episode_text, write

HOSTILE_LINES = {
    "tags": "<" * 300_000,
    "links": "[" * 300_000,
    "link targets": "[a](" * 100_000,
    "images": "![](" * 100_000,
    "attributes": "{:" * 150_000,
    "heading": "# x" + " " * 20_000 + "y",
    "closing hashes": "# x" + " #" * 20_000 + "y",
}


@pytest.mark.parametrize("name", HOSTILE_LINES)
def test_a_pathological_line_loads_in_linear_time(tmp_path, name):
    write(tmp_path, "anchor.md", episode_text(title="Anchor"))
    write(tmp_path, "post.md", f"# Post\n\nBefore.\n\n{HOSTILE_LINES[name]}\n\nAfter.\n")
    result = {}
    worker = threading.Thread(target=lambda: result.update(k=load_knowledge([tmp_path])), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), f"{name}: still cleaning after 60 s"
    post = next(d for d in result["k"].documents if d.document.doc_id == "post")
    assert "After." in [u.text for s in post.sections for u in s.utterances]
