import logging
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.retrieval.loader import document_id, load_knowledge
from bot.retrieval.passages import cut_passages

from tests.fakes.knowledge import episode_text, write


def load_one(tmp_path: Path, name: str, content) -> tuple:
    write(tmp_path, "anchor.md", episode_text(title="Anchor", youtube="anchor00001"))  # keeps the set loadable
    write(tmp_path, name, content)
    knowledge = load_knowledge([tmp_path])
    docs = {d.document.doc_id: d for d in knowledge.documents}
    skipped = {Path(s.path).name: s.reason for s in knowledge.skipped}
    return docs, skipped


def utterances(loaded):
    return [u for s in loaded.sections for u in s.utterances]


def test_utterance_without_sec_inherits_previous_and_without_who_stays_unknown(tmp_path):
    transcript = [
        {"line": "First line.", "sec": 10, "who": "Alexey"},
        {"line": "No second here.", "who": "Sara"},
        {"line": "No speaker here.", "sec": 30},
    ]
    docs, _ = load_one(tmp_path, "ep.md", episode_text(transcript=transcript))
    got = [(u.text, u.sec, u.who) for u in utterances(docs["ep"])]
    assert got == [("First line.", 10, "Alexey"), ("No second here.", 10, "Sara"), ("No speaker here.", 30, None)]


def test_first_utterance_without_sec_starts_at_zero(tmp_path):
    docs, _ = load_one(tmp_path, "ep.md", episode_text(transcript=[{"line": "Hello.", "who": "A"}]))
    assert utterances(docs["ep"])[0].sec == 0


def test_seconds_that_jump_backwards_keep_their_own_second(tmp_path):
    transcript = [
        {"line": "At one hundred.", "sec": 100, "who": "A"},
        {"line": "Back at forty.", "sec": 40, "who": "B"},
        {"line": "At one twenty.", "sec": 120, "who": "A"},
    ]
    docs, _ = load_one(tmp_path, "ep.md", episode_text(transcript=transcript))
    assert [u.sec for u in utterances(docs["ep"])] == [100, 40, 120]
    passage = cut_passages(docs["ep"])[0]
    assert (passage.start, passage.end) == (40, 120)


def test_repeated_line_is_one_utterance_keeping_the_explicit_copy(tmp_path):
    transcript = [
        {"line": "Before.", "sec": 5, "who": "A"},
        {"line": "Said twice."},
        {"line": "Said twice.", "sec": 9, "who": "B"},
        {"line": "After.", "sec": 12, "who": "A"},
    ]
    docs, _ = load_one(tmp_path, "ep.md", episode_text(transcript=transcript))
    got = [(u.text, u.sec, u.who) for u in utterances(docs["ep"])]
    assert got == [("Before.", 5, "A"), ("Said twice.", 9, "B"), ("After.", 12, "A")]


def test_stray_line_before_front_matter(tmp_path):
    docs, skipped = load_one(tmp_path, "ep.md", "oops stray line\n" + episode_text(title="Stray"))
    assert docs["ep"].document.title == "Stray" and "ep.md" not in skipped
    assert docs["ep"].document.youtube_id == "vid12345678"


def test_dashes_inside_values_are_not_a_fence(tmp_path):
    text = episode_text(extra={"ids": {"youtube": "abc12345678", "anchor": "Work---Sara"}})
    docs, _ = load_one(tmp_path, "ep.md", text)
    assert docs["ep"].document.youtube_id == "abc12345678"


@pytest.mark.parametrize("name, content, reason", [
    ("_template.md", '---\ntitle: "{{ title }}"\nguests: [{{ guest }}]\nseason: {{ season }}\n---\n', "template"),
    ("broken.md", "---\ntitle: [unclosed\nseason: 1\n---\nbody\n", "invalid YAML"),
    ("empty.md", "", "empty"),
    ("blank.md", "  \n\n", "empty"),
    ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("latin1.md", "caf\xe9 au lait".encode("latin-1"), "UTF-8"),
    ("list.md", "---\n- just\n- a list\n---\n", "mapping"),
])
def test_unloadable_files_are_skipped_with_reason_and_a_warning(tmp_path, caplog, name, content, reason):
    with caplog.at_level(logging.WARNING):
        docs, skipped = load_one(tmp_path, name, content)
    assert document_id(Path(name)) not in docs
    assert reason in skipped[name]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and name in warnings[0] and reason in warnings[0]


def test_file_without_front_matter_is_an_article_cut_at_headings_and_paragraphs(tmp_path):
    body = "# Joining\n\nApply on the **website**.\n\nWait two weeks.\n\n## Hours\n\n- Ten hours\n- a week\n"
    docs, _ = load_one(tmp_path, "notes.markdown", body)
    article = docs["notes"]
    assert article.document.kind == "article" and article.document.title == "Joining"
    assert [(s.header, [u.text for u in s.utterances]) for s in article.sections] == [
        ("Joining", ["Apply on the website.", "Wait two weeks."]),
        ("Hours", ["Ten hours", "a week"]),
    ]


def test_article_front_matter_title_and_source_link(tmp_path):
    text = "---\ntitle: Omdena\nurl: https://example.org/omdena\n---\nSome text about Omdena.\n"
    docs, _ = load_one(tmp_path, "post.txt", text)
    doc = docs["post"].document
    assert (doc.title, doc.url, doc.link_at(None)) == ("Omdena", "https://example.org/omdena", "https://example.org/omdena")


def test_guest_names_come_from_people_folder(tmp_path):
    write(tmp_path, "_people/guest1.md", '---\ntitle: "Ada Lovelace"\n---\nbio\n')
    write(tmp_path, "_people/_template.md", '---\ntitle: "{{full}}"\n---\n')
    docs, skipped = load_one(tmp_path, "ep.md", episode_text())
    assert docs["ep"].document.guests == ("Ada Lovelace",)
    assert not any("guest1" in n or "_template" in n for n in skipped)  # people files are not documents


def test_double_extension_keeps_the_slug(tmp_path):
    docs, _ = load_one(tmp_path, "slug.md.md", episode_text())
    assert "slug" in docs


def test_same_id_in_two_folders_keeps_the_first(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "ep.md", episode_text(title="First"))
    write(b, "ep.md", episode_text(title="Second"))
    knowledge = load_knowledge([a, b])
    assert [d.document.title for d in knowledge.documents] == ["First"]
    assert "same document id" in knowledge.skipped[0].reason


def test_no_loadable_document_is_a_clear_error(tmp_path):
    write(tmp_path, "empty.md", "")
    with pytest.raises(UserError, match="no loadable knowledge document"):
        load_knowledge([tmp_path])


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_knowledge([tmp_path / "nope"])


def test_episode_metadata(tmp_path):
    extra = {"dateadded": "2024-02-29", "topics": ["open-source"], "description": "About &amp; more",
             "quotableClips": [{"name": "Intro", "startOffset": 0}]}
    docs, _ = load_one(tmp_path, "ep.md", episode_text(season=17, episode=7, extra=extra))
    doc = docs["ep"].document
    assert (doc.code, doc.released, doc.topics, doc.description) == ("s17e07", "2024-02-29", ("open-source",), "About & more")
    assert [(c.title, c.sec) for c in doc.chapters] == [("Intro", 5)]
    assert doc.link_at(65) == "https://www.youtube.com/watch?v=vid12345678&t=65s"


def test_without_people_folder_a_guest_is_named_as_the_transcript_names_them(tmp_path):
    transcript = [{"line": "Welcome.", "sec": 1, "who": "Alexey"}, {"line": "Thanks.", "sec": 2, "who": "Sara"}]
    docs, _ = load_one(tmp_path, "ep.md", episode_text(guests=("saraelateif", "nobodyhere"), transcript=transcript))
    assert docs["ep"].document.guests == ("Sara", "nobodyhere")
