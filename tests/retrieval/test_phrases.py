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
