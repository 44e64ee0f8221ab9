"""The words names are compared by: accents off, marks inside a word joining it."""
import random
import re
import unicodedata

from bot.retrieval.catalog import name_words

_WORD = re.compile(r"[a-z0-9]+")


def plain_definition(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    return _WORD.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))


def test_accents_and_marks():
    assert name_words("Zoë Agnieszka Mikołajczyk, José") == ["zoe", "agnieszka", "miko", "ajczyk", "jose"]
    assert name_words("d\u0301a\u0301t\u0301a\u0301 \u0645\u0631\u062d\u0628\u0627 rad\u2215s2") == ["data", "rad", "s2"]


def test_the_same_words_as_the_plain_definition_for_any_text():
    rng = random.Random(12)
    alphabet = "abcXYZ019 -é\u0301\u0308\u064b\u0951ñℌ\ufdfa\u3389\u2215ßİ\u2474\u00bc\u200d\U0001F600"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert name_words(text) == plain_definition(text), text
