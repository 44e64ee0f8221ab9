"""The hit rule of ../shared/eval/README.md, on hand-made hits."""
from bot.core.answering import Answer
from bot.core.evaluation import evaluate, is_hit
from bot.core.intents import QUOTE, Route
from bot.retrieval.documents import Document
from bot.retrieval.passages import Passage
from bot.retrieval.hits import Hit, SearchResult

EPISODE = Document("ep", "episode", "Episode", youtube_id="yt")
ARTICLE = Document("post", "article", "Post")


def moment(start: int) -> Hit:
    return Hit(EPISODE, Passage("ep", "Chapter", "Some words.", ((0, start, "Guest"),)), 1.0)


def test_a_link_may_land_up_to_a_minute_early_and_never_after_the_span():
    gold = {"doc": "ep", "start": 100, "end": 130}
    assert [is_hit(moment(t), gold) for t in (39, 40, 100, 130, 131)] == [False, True, True, True, False]
    assert not is_hit(moment(100), {"doc": "other", "start": 100, "end": 130})


def test_a_label_naming_a_doubled_extension_file_by_its_last_extension_still_matches():
    # `slug.md.md` in the archive: "the file name without extension" may be read either way
    assert is_hit(moment(100), {"doc": "ep.md", "start": 100, "end": 130})
    assert not is_hit(moment(100), {"doc": "ep.txt.other", "start": 100, "end": 130})


def test_an_article_hit_contains_the_phrase_ignoring_case_and_spacing():
    hit = Hit(ARTICLE, Passage("post", None, "You need to   apply\nto a project.", ((0, None, None),)), 1.0)
    assert is_hit(hit, {"doc": "post", "contains": "need to apply to a PROJECT"})
    assert not is_hit(hit, {"doc": "post", "contains": "referral code"})


def test_abstaining_counts_as_no_hit_and_reports_rank_of_first_hit():
    def ask(question, k, previous):
        hits = (moment(500), moment(100))
        return Answer(Route(QUOTE), SearchResult(question, question == "abstain", hits))
    questions = [{"id": "a", "question": "answer", "doc": "ep", "start": 100, "end": 100},
                 {"id": "b", "question": "abstain", "doc": "ep", "start": 100, "end": 100},
                 {"id": "c", "question": "abstain", "doc": None}]
    report = evaluate(ask, questions, 5)
    assert [o.first_hit for o in report.outcomes] == [2, None, None]
    figures = report.figures()
    assert (figures["hit@1"], figures["hit@3"], figures["mrr@5"]) == (0.0, 0.5, 0.25)
    assert (figures["abstained_unanswerable"], figures["abstained_answerable"]) == (1.0, 0.5)
    assert [o.question["id"] for o in report.failures()] == ["a", "b"]
