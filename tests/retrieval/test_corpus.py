"""The loader over the real archive snapshot in ../shared/corpus (skipped when absent)."""
from pathlib import Path

import pytest

from bot.core.evaluation import gold_answers
from bot.core.question_set import read_questions
from bot.retrieval.index import build_index
from bot.retrieval.loader import document_id, knowledge_files, load_knowledge
from bot.retrieval.search import Searcher

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "datatalksclub"

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")]


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge([CORPUS])


def test_every_file_is_loaded_or_skipped_with_a_reason(knowledge):
    files = knowledge_files([CORPUS])
    loaded = {Path(d.document.path) for d in knowledge.documents}
    skipped = {Path(s.path) for s in knowledge.skipped}
    assert loaded | skipped == set(files) and not loaded & skipped
    assert all(s.reason for s in knowledge.skipped)
    assert {p.name for p in skipped} == {"_template.md"}  # the only unloadable file in this snapshot


def test_episodes_have_transcripts_titles_and_links(knowledge):
    episodes = [d for d in knowledge.documents if d.document.kind == "episode"]
    assert len(episodes) >= 180
    with_transcript = [e for e in episodes if e.sections]
    assert len(with_transcript) >= len(episodes) - 5
    for e in with_transcript:
        assert e.document.title and e.document.youtube_id
        assert all(u.sec is not None for s in e.sections for u in s.utterances)
    named = [g for e in episodes for g in e.document.guests]
    assert sum(" " in g for g in named) / len(named) > 0.9  # display names from _people, not ids


def test_articles_load_from_posts(knowledge):
    articles = [d for d in knowledge.documents if d.document.kind == "article"]
    assert len(articles) >= 50 and all(a.sections for a in articles)


def test_shared_transcript_is_never_quoted_twice(knowledge):
    searcher = Searcher(build_index(knowledge))
    for question in ("hybrid search vector embeddings", "search relevance ranking"):
        texts = [h.text for h in searcher.search(question, 10).hits]
        assert len(texts) == len(set(texts))


def test_heldout_labels_point_at_real_moments_of_the_archive(knowledge):
    """eval/heldout.jsonl stays usable: every gold names a loaded episode and seconds
    its transcript really has (a renamed or re-cut episode would silently score 0)."""
    questions = read_questions(Path(__file__).resolve().parents[2] / "eval" / "heldout.jsonl")
    seconds = {d.document.doc_id: {u.sec for s in d.sections for u in s.utterances} for d in knowledge.documents}
    assert len(questions) >= 60 and len({q["id"] for q in questions}) == len(questions)
    for question in questions:
        for gold in gold_answers(question):
            doc = document_id(Path(gold["doc"]))  # a `slug.md.md` file may be labelled `slug.md`
            assert doc in seconds, question["id"]
            assert {gold["start"], gold["end"]} <= seconds[doc], question["id"]
            assert gold["start"] <= gold["end"], question["id"]
    assert sum(q["doc"] is None for q in questions) >= 3
