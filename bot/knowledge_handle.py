"""The current searchable knowledge, swappable while the bot runs.

The core reads `handle.searcher` once per question; live reload builds a new Searcher
in the background and calls `swap`, so questions asked during a rebuild are answered
from the old index and none fails. Attribute assignment is atomic in CPython.
"""
from __future__ import annotations


class KnowledgeHandle:
    def __init__(self, searcher) -> None:
        self._searcher = searcher
        self.generation = 0

    @property
    def searcher(self):
        return self._searcher

    def swap(self, searcher) -> None:
        self._searcher = searcher
        self.generation += 1
