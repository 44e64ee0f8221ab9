"""Phrase evidence: runs of the question's terms said in the question's order."""
import numpy as np
import pytest

from bot.retrieval.phrases import TermSequences, fewest_distinct_in_run, ordered_run_weight, rows_saying_a_run

VOCABULARY = {t: i for i, t in enumerate("data scientist report engin manag team career salari".split())}
DATA, SCIENTIST, REPORT, ENGIN, MANAG, TEAM, CAREER, SALARI = range(8)


def test_a_run_of_four_in_order_weighs_its_terms():
    question = [DATA, SCIENTIST, REPORT, ENGIN, MANAG]
    weights = [1.0, 2.0, 3.0, 4.0, 5.0]
    said = [TEAM, DATA, SCIENTIST, REPORT, ENGIN, CAREER]
    assert ordered_run_weight(question, weights, said) == 10.0  # data..engin, not manag


def test_the_best_run_wins_and_short_or_reordered_runs_count_nothing():
    question = [DATA, SCIENTIST, REPORT, ENGIN, MANAG]
    weights = [1.0] * 5
    assert ordered_run_weight(question, weights, [DATA, SCIENTIST, REPORT, TEAM, ENGIN, MANAG]) == 0.0
    assert ordered_run_weight(question, weights, [MANAG, ENGIN, REPORT, SCIENTIST, DATA]) == 0.0
    assert ordered_run_weight(question, weights, [SCIENTIST, REPORT, ENGIN, MANAG, TEAM, DATA, SCIENTIST]) == 4.0
    assert ordered_run_weight(question, weights, [DATA, SCIENTIST, REPORT, ENGIN, MANAG]) == 5.0


def test_a_term_the_archive_lacks_breaks_a_run():
    question = [DATA, None, REPORT, ENGIN, MANAG]
    assert ordered_run_weight(question, [1.0] * 5, [DATA, REPORT, ENGIN, MANAG]) == 0.0


def test_repeated_question_terms_match_at_each_position():
    question = [DATA, TEAM, DATA, TEAM, CAREER]
    assert ordered_run_weight(question, [1.0] * 5, [DATA, TEAM, DATA, TEAM]) == 4.0
    assert fewest_distinct_in_run(question) == 2
    assert fewest_distinct_in_run([DATA, SCIENTIST, REPORT, ENGIN, MANAG]) == 4


def test_rows_saying_a_run_are_found_without_runs_across_rows():
    rows = [
        [TEAM, DATA, SCIENTIST, REPORT, ENGIN],  # a run of four
        [CAREER, DATA, SCIENTIST],               # ends with the run's start ...
        [REPORT, ENGIN, SALARI],                 # ... and this row continues it: not one utterance
        [ENGIN, REPORT, SCIENTIST, DATA],        # reversed
        [SALARI, DATA, SCIENTIST, REPORT, ENGIN, MANAG],
    ]
    names = {i: t for t, i in VOCABULARY.items()}
    sequences = TermSequences.build([[names[i] for i in row] for row in rows], VOCABULARY)
    question = [DATA, SCIENTIST, REPORT, ENGIN, MANAG]
    assert rows_saying_a_run(question, sequences, np.arange(5)) == [0, 4]
    assert rows_saying_a_run(question, sequences, np.array([1, 2, 3])) == []
    assert rows_saying_a_run(question[:3], sequences, np.arange(5)) == []  # too short to hold a run
    assert sequences.row(4) == rows[4]


def test_term_sequences_that_do_not_fit_are_refused():
    sequences = TermSequences.build([["data", "team"], ["career"]], VOCABULARY)
    sequences.check(n_rows=2, n_terms=len(VOCABULARY))
    with pytest.raises(ValueError):
        sequences.check(n_rows=3, n_terms=len(VOCABULARY))
    with pytest.raises(ValueError):
        sequences.check(n_rows=2, n_terms=2)


def _says_a_run(question, spoken, min_run=4):
    """The plain definition, for checking the vectorised search."""
    windows = {tuple(question[i:i + min_run]) for i in range(len(question) - min_run + 1)}
    return any(tuple(spoken[j:j + min_run]) in windows and None not in spoken[j:j + min_run]
               for j in range(len(spoken) - min_run + 1))


@pytest.mark.parametrize("seed", range(20))
def test_rows_saying_a_run_agree_with_the_plain_definition(seed):
    rng = np.random.default_rng(seed)
    rows = [rng.integers(0, 6, size=rng.integers(0, 30)).tolist() for _ in range(40)]
    names = {i: t for t, i in VOCABULARY.items()}
    sequences = TermSequences.build([[names[i] for i in row] for row in rows], VOCABULARY)
    question = [None if t == 7 else t for t in rng.integers(0, 8, size=rng.integers(4, 40)).tolist()]
    expected = [i for i, row in enumerate(rows) if _says_a_run(question, row)]
    assert rows_saying_a_run(question, sequences, np.arange(len(rows))) == expected


def test_a_long_question_over_many_rows_costs_a_few_mb_at_most():
    from tests.fakes.memory import peak_mb

    rng = np.random.default_rng(0)
    names = {i: t for t, i in VOCABULARY.items()}
    rows = [[names[i] for i in rng.integers(0, 8, size=500)] for _ in range(40)]  # 20,000 spoken terms
    sequences = TermSequences.build(rows, VOCABULARY)
    question = rng.integers(0, 8, size=1000).tolist()
    # A question-term x spoken-term matrix would take 1,000 x 20,000 bytes, twice.
    assert peak_mb(lambda: rows_saying_a_run(question, sequences, np.arange(40))) < 4
