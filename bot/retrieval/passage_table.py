"""Passages stored as columns: cheap to cache, fast to load, a Passage on demand.

Loading 15k passage objects from a cache costs more than answering a hundred questions;
a search only ever looks at a few dozen, so the index keeps flat arrays and one text
blob, and builds a `Passage` when someone asks for one.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.retrieval.passages import Passage

NONE = -1  # "no second" / "no speaker" in the integer columns


class MappedText:
    """Bytes kept in a (memory-mapped) uint8 array, read as bytes a slice at a time: the
    texts of a cached index stay in the page cache until a hit is shown."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, part: slice) -> bytes:
        return self.values[part].tobytes()

    def decode(self, *args) -> str:
        return self.values.tobytes().decode(*args)


class PassageTable(Sequence):
    def __init__(self, columns: dict[str, np.ndarray], names: dict[str, list], blob: "bytes | MappedText") -> None:
        self.columns = columns  # text_bounds, doc, section, utt_bounds, utt_offset, utt_sec, utt_who
        self.names = names      # doc, section, who: the values the integer columns point at
        self.blob = blob        # every passage's UTF-8 text, one after another

    @classmethod
    def from_passages(cls, passages: list[Passage]) -> "PassageTable":
        lookups: dict[str, dict] = {"doc": {}, "section": {}, "who": {}}

        def ref(kind: str, value) -> int:
            return NONE if value is None else lookups[kind].setdefault(value, len(lookups[kind]))

        texts = [p.text.encode() for p in passages]  # bounds in bytes: decoding is per passage
        utts = [u for p in passages for u in p.utterances]
        columns = {
            "text_bounds": np.cumsum([0] + [len(t) for t in texts], dtype=np.int64),
            "doc": np.array([ref("doc", p.doc_id) for p in passages], dtype=np.int32),
            "section": np.array([ref("section", p.section) for p in passages], dtype=np.int32),
            "utt_bounds": np.cumsum([0] + [len(p.utterances) for p in passages], dtype=np.int64),
            "utt_offset": np.array([u[0] for u in utts], dtype=np.int32),
            "utt_sec": np.array([NONE if u[1] is None else u[1] for u in utts], dtype=np.int32),
            "utt_who": np.array([ref("who", u[2]) for u in utts], dtype=np.int32),
        }
        names = {kind: list(table) for kind, table in lookups.items()}
        return cls(columns, names, b"".join(texts))

    def indices_of(self, doc_id: str) -> list[int]:
        try:
            ref = self.names["doc"].index(doc_id)
        except ValueError:
            return []
        return [int(i) for i in np.flatnonzero(self.columns["doc"] == ref)]

    def __len__(self) -> int:
        return len(self.columns["doc"])

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        c, n = self.columns, self.names  # slices, not whole columns: a row is read, not the table
        start, end = c["text_bounds"][i: i + 2].tolist()
        text = self.blob[start:end].decode(errors="replace")  # a damaged cache must not fail a reply
        lo, hi = c["utt_bounds"][i: i + 2].tolist()
        utterances = tuple(
            (off, None if sec == NONE else sec, None if who == NONE else n["who"][who])
            for off, sec, who in zip(c["utt_offset"][lo:hi].tolist(), c["utt_sec"][lo:hi].tolist(),
                                     c["utt_who"][lo:hi].tolist())
        )
        doc, section = int(c["doc"][i]), int(c["section"][i])
        return Passage(n["doc"][doc], None if section == NONE else n["section"][section], text, utterances)

    def check(self) -> None:
        """Raise ValueError when the columns do not describe a consistent table."""
        c, n = self.columns, self.names
        count = len(c["doc"])
        if len(c["section"]) != count or len(c["text_bounds"]) != count + 1 or len(c["utt_bounds"]) != count + 1:
            raise ValueError("passage columns differ in length")
        if c["text_bounds"][-1] != len(self.blob) or c["utt_bounds"][-1] != len(c["utt_offset"]):
            raise ValueError("passage bounds point outside the data")
        if count and (c["doc"].max() >= len(n["doc"]) or c["section"].max() >= len(n["section"])
                      or c["doc"].min() < 0):
            raise ValueError("passage refers to an unknown document or section")
        if any(len(c[k]) != len(c["utt_offset"]) for k in ("utt_sec", "utt_who", "utt_host") if k in c):
            raise ValueError("utterance columns differ in length")
        if len(c["utt_who"]) and c["utt_who"].max() >= len(n["who"]):
            raise ValueError("utterance refers to an unknown speaker")
