from bot.retrieval.tokenizer import Tokenizer


def test_stems_and_drops_stop_words():
    assert Tokenizer()("How do I join the volunteering projects?") == ["join", "volunt", "project"]


def test_query_and_passage_forms_meet():
    t = Tokenizer()
    assert set(t("volunteers")) == set(t("volunteering")) == {"volunt"}


def test_accents_and_curly_apostrophes_fold():
    t = Tokenizer()
    assert t("naïve café") == t("naive cafe")
    assert t("don’t panic") == t("don't panic") == ["panic"]


def test_numbers_and_hyphenated_words_split():
    assert Tokenizer()("GPT-4 in 2023") == ["gpt", "4", "2023"]
