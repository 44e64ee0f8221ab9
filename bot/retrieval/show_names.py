"""The show's own name, learnt from the archive: how members refer to the archive itself.

"how many DTC episodes are there?" asks about the archive, not about a topic called
"DTC". A show's name is a proper noun of joined capitalised words ("DataTalks.Club"):
said in many of its documents, and written by its authors in their episodes' titles and
descriptions more often than any other such name. Its words, written together, its dotted
parts and its initials ("datatalks", "datatalksclub", "club", "dtc"), then name the
archive; its ordinary parts ("data", "talks") stay ordinary words.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

_JOINED_NAME = re.compile(r"\b(?:[A-Z][a-z]+){2,}(?:\.[A-Z][a-z]+)?\b|\b[A-Z][a-z]+(?:\.[A-Z][a-z]+)+\b")
_CAPITALISED = re.compile(r"[A-Z][a-z]+")
MIN_SHARE = 0.2          # said in at least a fifth of the documents
MIN_DOCUMENTS = 5


def show_name(talk: Iterable[str], metadata: Iterable[str]) -> str | None:
    """The name said in many documents' talk (`talk`, one text per document) that their
    titles and descriptions (`metadata`) write most often; None when there is none."""
    said: Counter = Counter()
    total = 0
    for text in talk:
        total += 1
        said.update(set(_JOINED_NAME.findall(text)))
    widely = {name for name, n in said.items() if n >= max(MIN_DOCUMENTS, MIN_SHARE * total)}
    written = Counter(name for text in metadata for name in set(_JOINED_NAME.findall(text)) if name in widely)
    return written.most_common(1)[0][0] if written else None


def show_words(name: str | None) -> frozenset[str]:
    """The lower-case words that name the show ("datatalks", "club", "datatalksclub", "dtc")."""
    if not name:
        return frozenset()
    segments = [s for s in name.split(".") if s]
    parts = _CAPITALISED.findall(name)
    words = {s.lower() for s in segments} | {"".join(segments).lower()}
    if len(parts) >= 2:
        words.add("".join(p[0] for p in parts).lower())
    return frozenset(w for w in words if len(w) >= 2)
