"""The ranking pipeline on a small hand-made archive: what a member sees for a question."""
import pytest

from bot.retrieval.documents import Document
from bot.retrieval.index import build_index
from bot.retrieval.loader import load_knowledge
from bot.retrieval.hits import trim_at_sentence
from bot.retrieval.search import RankingSettings, Searcher, episode_first

from tests.fakes.knowledge import episode_text, write

GARDEN = [
    {"header": "Introduction"},
    {"line": "Welcome to the show. Today our guest is Maria, who builds robots for gardens.", "sec": 10, "who": "Alexey"},
    {"line": "Thanks for having me.", "sec": 20, "who": "Maria"},
    {"header": "Watering tomatoes"},
    {"line": "How do your robots know when to water the tomatoes?", "sec": 100, "who": "Alexey"},
    {"line": "Each robot carries a soil moisture sensor. When the soil dries below a threshold, "
             "it opens a valve for the tomatoes. We calibrated the threshold over two summers.", "sec": 112, "who": "Maria"},
    {"line": "Right.", "sec": 130, "who": "Alexey"},
    {"line": "And it logs every watering, so farmers see how much water each tomato bed used.", "sec": 131, "who": "Maria"},
    {"header": "Soil"},
    {"line": "We tried many fields. Who would have guessed? Sandy fields were the hardest for the wheels.",
     "sec": 200, "who": "Maria"},
    {"line": "Interesting. And which soil do the robots prefer?", "sec": 220, "who": "Alexey"},
    {"header": "Loam"},
    {"line": "Loamy ground is best: it holds moisture and the wheels grip it.", "sec": 230, "who": "Maria"},
    {"header": "Funding"},
    {"line": "How did you fund the company at the beginning?", "sec": 300, "who": "Alexey"},
    {"line": "We started with a grant from the regional agriculture fund and later raised a seed round.", "sec": 310, "who": "Maria"},
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("k")
    write(folder, "gardening-robots.md", episode_text(title="Robots for Gardens", season=3, episode=4,
                                                      youtube="garden00001", guests=("Maria Lopez",), transcript=GARDEN))
    write(folder, "gardening-robots-copy.md", episode_text(title="Robots for Gardens (reupload)", season=3, episode=5,
                                                           youtube="garden00002", guests=("Maria Lopez",), transcript=GARDEN))
    write(folder, "post.md", "---\ntitle: Composting notes\n---\n# Composting\n\nCompost needs brown and green "
                             "material.\n\nTurn the compost pile every week so it gets air. A dry compost "
                             "pile needs water; good compost smells of earth.\n")
    return Searcher(build_index(load_knowledge([folder])))


def test_link_points_at_the_answer_not_the_question_or_the_chapter_start(archive):
    result = archive.search("how does the robot decide when to water tomatoes", 5)
    best = result.hits[0]
    assert not result.abstained
    assert (best.document.doc_id, best.start, best.speaker) == ("gardening-robots", 112, "Maria")
    assert best.url == "https://www.youtube.com/watch?v=garden00001&t=112s"
    assert best.passage.section == "Watering tomatoes"


def test_a_question_closing_a_chapter_is_answered_at_the_next_chapters_start(archive):
    best = archive.search("which soil do the robots prefer", 3).hits[0]
    assert (best.start, best.speaker) == (230, "Maria") and best.text.startswith("Loamy ground is best")


def test_a_guests_rhetorical_question_does_not_hand_the_quote_to_the_host(archive):
    best = archive.search("who guessed sandy fields were hardest for wheels", 3).hits[0]
    assert (best.start, best.speaker) == (200, "Maria")


def test_quote_is_the_guests_words_stepping_over_interjections(archive):
    quote = archive.search("how does the robot decide when to water tomatoes", 1).hits[0].text
    assert quote.startswith("Each robot carries a soil moisture sensor.")
    assert "how much water each tomato bed used" in quote and "Right." not in quote


def test_a_bare_thank_you_is_not_taken_for_the_answer(archive):
    best = archive.search("who builds robots for gardens", 3).hits[0]
    assert (best.start, best.speaker) == (10, "Alexey")  # the line that says it, not "Thanks for having me."
    assert best.text.startswith("Welcome to the show.")


def test_one_moment_is_offered_once_even_when_its_utterance_spans_windows(tmp_path):
    sentences = " ".join(f"Sentence {n} is about drip irrigation for orchards." for n in range(150))
    transcript = [{"header": "Irrigation"}, {"line": "Tell us about irrigation.", "sec": 40, "who": "Alexey"},
                  {"line": sentences, "sec": 50, "who": "Maria"}]
    write(tmp_path, "orchards.md", episode_text(guests=("Maria Lopez",), transcript=transcript))
    searcher = Searcher(build_index(load_knowledge([tmp_path])))
    assert len(searcher.index.passages) >= 3  # the long answer is cut into several windows
    hits = searcher.search("drip irrigation orchards", 5).hits
    assert [h.start for h in hits].count(50) == 1


def test_a_shared_transcript_is_quoted_once(archive):
    hits = archive.search("robot soil moisture sensor tomatoes", 5).hits
    quotes = [h.text for h in hits]
    assert len(quotes) == len(set(quotes))
    assert len({h.document.doc_id for h in hits if "sensor" in h.text}) == 1


def test_typos_are_corrected_against_the_archive(archive):
    result = archive.search("compsot pile", 3)
    assert ("compsot", "compost") in result.query.corrections
    assert result.hits[0].document.doc_id == "post" and not result.abstained


def test_chat_filler_is_not_searched(archive):
    assert archive.search("hey whats the episode about funding", 3).query.terms == ("fund",)
    assert archive.search("any tips on funding pls, guys?", 3).query.terms == ("fund",)


def test_guest_name_and_episode_title_find_the_episode(archive):
    assert archive.search("Maria Lopez", 3).hits[0].document.doc_id.startswith("gardening-robots")
    assert archive.search("gardens robots", 3).hits[0].document.doc_id.startswith("gardening-robots")


def test_abstains_when_the_archive_lacks_the_questions_distinctive_words(archive):
    result = archive.search("did anyone use seismic sensors to predict earthquakes", 5)
    assert result.abstained
    assert not archive.search("how did the robot company get its funding", 5).abstained


def test_empty_after_filler_abstains_without_error(archive):
    result = archive.search("hey, thanks!", 5)
    assert result.abstained and result.hits == ()


def test_reply_order_prefers_a_close_episode_moment_over_an_article(archive):
    result = archive.search("compost for tomatoes", 5)
    if result.hits[0].start is None:
        reordered = episode_first(result, ratio=0.01)
        assert reordered.hits[0].start is not None and set(reordered.hits) == set(result.hits)
    assert episode_first(result, ratio=10.0).hits == result.hits  # nothing close enough: unchanged


def test_reply_never_leads_with_a_quip(archive):
    result = archive.search("compost pile", 5)
    quips = [h for h in result.hits if h.start is not None and len(h.text.split()) < 15]
    lead = episode_first(result, ratio=0.0).hits[0]
    assert lead not in quips


def test_hosts_are_speakers_who_are_not_guests():
    doc = Document("d", "episode", "t", guests=("Maria Lopez",), speakers=("Alexey", "Maria"))
    assert doc.hosts == ("Alexey",)
    assert Document("d", "episode", "t", guests=("marialopez",), speakers=("Maria", "Alexey")).hosts == ("Alexey",)
    assert Document("d", "episode", "t", speakers=("A", "B")).hosts == ()  # no guest list: nobody assumed


def test_trim_at_sentence():
    text = "One two three. Four five six seven. Eight nine ten eleven twelve."
    assert trim_at_sentence(text, 100) == text
    assert trim_at_sentence(text, 8) == "One two three. Four five six seven."
    assert trim_at_sentence("a b c d e f", 3) == "a b c …"


def test_an_exchange_saying_the_questions_words_in_order_outranks_scattered_matches(tmp_path):
    """The host putting the member's very question to a guest beats a passage that only
    holds the same words, more often, in no particular order."""
    folder = tmp_path / "k"
    write(folder, "team-structures.md", episode_text(
        title="Team structures", youtube="teams000001", guests=("Lisa Cohen",), transcript=[
            {"header": "Reporting lines"},
            {"line": "What goes wrong when data scientists report to an engineering manager?", "sec": 100, "who": "Alexey"},
            {"line": "They ship fast, but nobody reviews their models and their growth stalls.", "sec": 110, "who": "Lisa"},
        ]))
    write(folder, "managers.md", episode_text(
        title="Managers", youtube="mgr00000001", guests=("Tom Berg",), transcript=[
            {"header": "Managing"},
            {"line": "Every engineering manager I know says engineering and data argue. The data people want "
                     "scientists, the manager wants a report, engineering wants a report too, and it goes wrong "
                     "for the data manager.", "sec": 50, "who": "Tom"},
        ]))
    index = build_index(load_knowledge([folder]))
    question = "what goes wrong when data scientists report to an engineering manager"

    without = Searcher(index, RankingSettings(phrase_weight=0)).search(question, 2).hits[0]
    best = Searcher(index).search(question, 2).hits[0]

    assert without.document.doc_id == "managers"
    assert (best.document.doc_id, best.start, best.speaker) == ("team-structures", 110, "Lisa")
