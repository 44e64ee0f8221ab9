"""What the archive holds, as members ask about it: episodes by number, title words,
topic or guest, and people by name.

Built from an index's documents (and the `_people/` entries the loader found); the
metadata model for topics is built on first use, so a warm-cache start pays nothing.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable

import numpy as np

from bot.retrieval.bm25 import SparseBM25
from bot.retrieval.documents import EPISODE, Document, Person
from bot.retrieval.episode_lookup import newest_episode
from bot.retrieval.show_names import show_words

_NAME_WORD = re.compile(r"[a-z0-9]+")
_MARKS_INSIDE_A_WORD = re.compile(r"(?<=[a-z0-9])[^\x00-\x7f]+(?=[a-z0-9])")
# An episode's metadata, field by field, and how much a match there says about its topic.
METADATA_WEIGHTS = {"title": 2.0, "topics": 1.5, "chapters": 1.0, "description": 1.0, "guests": 1.0}


def name_words(text: str) -> list[str]:
    """Lower-case words without accents: how names are compared ("Zoë" == "zoe").

    Only marks between two letters change the words (they join them), so only the runs
    of non-ASCII characters between two letters are looked at, not every character."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return _NAME_WORD.findall(_MARKS_INSIDE_A_WORD.sub(_join_or_split, folded))


def _join_or_split(run: re.Match) -> str:
    return "" if all(unicodedata.combining(ch) for ch in run.group()) else " "


@dataclass(frozen=True)
class Mention:
    """People named in a text: which words of it (`start`, `end` in `name_words`), who
    (several people when only a first name is given and several have it), and whether
    it was a first and last name (`full`)."""

    people: tuple[Person, ...]
    start: int
    end: int
    full: bool

    @property
    def person(self) -> Person | None:
        """The one person named, or None when the name is ambiguous."""
        return self.people[0] if len(self.people) == 1 else None


class Catalog:
    def __init__(self, documents, people: dict[str, Person], tokenizer,
                 documents_saying: Callable[[str], int] = lambda stem: 0, show_name: str | None = None) -> None:
        documents = list(documents)
        self._document_count = len(documents)
        self.episodes = sorted((d for d in documents if d.kind == EPISODE),
                               key=lambda d: (d.season or 0, d.episode or 0, d.doc_id), reverse=True)
        self.people = _with_guests_and_hosts(people, self.episodes)
        self._tokenizer = tokenizer
        self._documents_saying = documents_saying  # stem -> how many documents' transcripts say it
        self.show_words = show_words(show_name)     # "datatalks", "dtc": the archive's own name
        self._names = _name_table(self.people.values())
        self._metadata: SparseBM25 | None = None
        self._lock = threading.Lock()

    # -- episodes -----------------------------------------------------------------------
    def newest(self) -> Document | None:
        return newest_episode(self.episodes)

    def by_number(self, season: int, number: int) -> list[Document]:
        return [d for d in self.episodes if (d.season, d.episode) == (season, number)]

    def titled(self, text: str) -> list[Document]:
        """Episodes whose title is, or starts with, `text` (words compared as names are)."""
        wanted = " ".join(name_words(text))
        if len(wanted) < 8:
            return []
        return [d for d in self.episodes if " ".join(name_words(d.title)).startswith(wanted)]

    def count(self) -> int:
        return len(self.episodes)

    def about(self, text: str, limit: int = 5) -> list[tuple[Document, float]]:
        """Episodes whose title, topics, chapters, description or guests (names and who
        they are) match `text`, best first, with their scores."""
        terms = self._tokenizer(text)
        if not terms or not self.episodes:
            return []
        scores = self._metadata_model().scores(terms)
        order = [int(i) for i in np.argsort(-scores, kind="stable")[:limit] if scores[i] > 0]
        return [(self.episodes[i], float(scores[i])) for i in order]

    # -- people -------------------------------------------------------------------------
    def mentions(self, text: str) -> list[Mention]:
        """People named in `text`: a whole name, first and last name, or a first or last
        name alone. Longer names win over the words inside them."""
        words = name_words(text)
        found: list[Mention] = []
        taken: set[int] = set()
        for length in (3, 2, 1):
            for start in range(len(words) - length + 1):
                span = range(start, start + length)
                if taken.intersection(span):
                    continue
                people = self._names.get(tuple(words[start:start + length]), ())
                if people:
                    start, end, people = _with_spelling_variants(words, start, start + length, people, taken)
                    found.append(Mention(people, start, end, full=end - start > 1))
                    taken.update(range(start, end))
        return sorted(found, key=lambda m: m.start)

    def is_common_word(self, word: str) -> bool:
        """Said in many episodes ("mark", "will"): as a lone name it names nobody (a
        guest's first name is said in their own episode or two)."""
        stems = self._tokenizer(word)
        return not stems or self._documents_saying(stems[0]) > max(3, len(self.episodes) // 20)

    def is_said_widely(self, word: str) -> bool:
        """Said in at least 40% of the documents: no topic of its own ("datatalks", "club",
        "help"), so it cannot pick episodes out."""
        stems = self._tokenizer(word)
        return not stems or self._documents_saying(stems[0]) >= 0.4 * self._document_count

    def main_host(self) -> Person | None:
        """The person who hosts the most episodes."""
        hosts = [(len(self.hosted_by(p)), p.name, p) for p in self.people.values()]
        best = max(hosts, default=None, key=lambda t: t[:2])
        return best[2] if best and best[0] else None

    def episodes_of(self, person: Person) -> list[Document]:
        """Episodes the person was a guest on, newest first; a host's when they were none."""
        return [d for d in self.episodes if person.name in d.guests] or self.hosted_by(person)

    def hosted_by(self, person: Person) -> list[Document]:
        """Episodes whose host (a speaker who is not a guest) has this person's first name,
        when at least a few do: one shared first name is not a host."""
        first = person.name.split()[0] if person.name.split() else person.name
        hosted = [d for d in self.episodes if first in d.hosts and person.name not in d.guests]
        return hosted if len(hosted) >= 3 else []

    # -----------------------------------------------------------------------------------
    def _metadata_model(self) -> SparseBM25:
        with self._lock:
            if self._metadata is None:
                fields = [(SparseBM25.build([self._tokenizer(text) for text in texts]), METADATA_WEIGHTS[name])
                          for name, texts in self._metadata_fields().items()]
                self._metadata = SparseBM25.weighted_sum(fields)
            return self._metadata

    def _metadata_fields(self) -> dict[str, list[str]]:
        by_name = {p.name: p for p in self.people.values()}
        return {
            "title": [f"{d.title} {d.short}" for d in self.episodes],
            "topics": [" ".join(d.topics) for d in self.episodes],
            "chapters": [" ".join(c.title for c in d.chapters) for d in self.episodes],
            "description": [d.description for d in self.episodes],
            "guests": [" ".join(f"{g} {by_name[g].description if g in by_name else ''}" for g in d.guests)
                       for d in self.episodes],
        }


def _with_guests_and_hosts(people: dict[str, Person], episodes: list[Document]) -> dict[str, Person]:
    """The `_people/` entries, plus every guest or host the episodes name without one."""
    known = dict(people)
    names = {p.name for p in known.values()}
    for doc in episodes:
        for name in (*doc.guests, *doc.hosts):
            if looks_like_a_name(name) and name not in names:
                names.add(name)
                known[name] = Person(name, name)
    return known


def looks_like_a_name(text: str) -> bool:
    """One to four capitalised words: some transcripts put a line of talk in `who`."""
    words = text.split()
    return 1 <= len(words) <= 4 and len(text) <= 40 and all(w[:1].isupper() or not w[:1].isalpha() for w in words) \
        and not any(ch in text for ch in ".,!?;:")


def _name_table(people) -> dict[tuple[str, ...], tuple[Person, ...]]:
    """Name word sequences -> the people they name: the whole name, first + last name,
    and the first or the last name alone (ambiguous ones map to several people)."""
    table: dict[tuple[str, ...], list[Person]] = {}

    def add(key: tuple[str, ...], person: Person) -> None:
        if key and all(len(w) > 1 for w in key) and (len(key) > 1 or len(key[0]) > 2):  # not "he" of He-Bleinagel
            bucket = table.setdefault(key, [])
            if person not in bucket:
                bucket.append(person)

    for person in people:
        words = name_words(person.name)
        if not words:
            continue
        add(tuple(words), person)
        add((words[0], words[-1]), person)
        for word in words:  # "Shawn Swyx Wang" is "swyx" to members
            add((word,), person)
    return {key: tuple(found) for key, found in table.items()}


def _with_spelling_variants(words: list[str], start: int, end: int, people, taken: set[int]):
    """A lone name matched, with the word beside it spelling one person's other name a
    little differently ("valeriy babushkin" for Valerii Babushkin, "vincent warmerdamm"):
    both words are that person's name. Returns (start, end, people)."""
    if end - start != 1:
        return start, end, people
    for side in (start - 1, end):
        if not 0 <= side < len(words) or side in taken:
            continue
        alike = tuple(p for p in people if any(_alike(words[side], n) for n in name_words(p.name)))
        if len(alike) == 1:
            return min(start, side), max(end, side + 1), alike
    return start, end, people


def _alike(word: str, name: str) -> bool:
    return len(word) >= 4 and word != name and SequenceMatcher(None, word, name).ratio() >= 0.75
