"""The search index: documents, their passages and BM25 postings per field.

Fields, each a BM25 model over the same passages:
- `text`: what was said (the passage itself);
- `head`: the chapter header the passage sits under, an abstract of the topic;
- `doc`:  the episode's title, short title, guests and speakers, so a question that
          names a guest or the episode's theme finds that episode's passages.
A fourth model, `utterances`, has one row per utterance of every passage (rows in
passage order, as `PassageTable` keeps them): it tells which utterance of a hit holds
the question's terms, so the link can start there, without re-reading any text, and
`utterance_terms` keeps each of those rows' terms in spoken order, for phrase matching.
Built from loaded knowledge, or restored from the cache; it does no I/O.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.progress import Progress, no_progress
from bot.retrieval.bm25 import SparseBM25
from bot.retrieval.documents import Document
from bot.retrieval.hosts import HOST_COLUMN, compute_host_lines
from bot.retrieval.passage_table import PassageTable
from bot.retrieval.passages import PassageSettings, cut_passages
from bot.retrieval.phrases import TermSequences
from bot.retrieval.show_names import show_name
from bot.retrieval.tokenizer import Tokenizer

if TYPE_CHECKING:  # the loader needs PyYAML, which a warm-cache start never imports
    from bot.retrieval.loader import Knowledge

TEXT, HEAD, DOC = "text", "head", "doc"
# How much a match in the chapter header and in the episode's metadata counts against
# one in the passage text (docs/retrieval.md); merged into `ranking` at build time.
FIELD_WEIGHTS = {TEXT: 1.0, HEAD: 0.3, DOC: 0.3}


@dataclass
class SearchIndex:
    documents: dict[str, Document]
    passages: PassageTable
    fields: dict[str, SparseBM25]
    tokenizer: Tokenizer = field(default_factory=Tokenizer)
    skipped: tuple = ()
    word_counts: dict[str, int] = field(default_factory=dict)  # unstemmed, for spelling
    utterances: SparseBM25 | None = None  # rows: every passage's utterances, in table order
    ranking: SparseBM25 | None = None     # the fields merged with FIELD_WEIGHTS
    utterance_terms: TermSequences | None = None  # rows as in `utterances`, ids of its vocabulary
    people: dict = field(default_factory=dict)  # person id -> Person, from `_people/` folders
    show_name: str | None = None  # how the archive names itself ("DataTalks.Club"): show_names.py

    @property
    def episodes(self) -> list[Document]:
        return [d for d in self.documents.values() if d.kind == "episode"]

    def passages_of(self, doc_id: str) -> list:
        """The passages of one document, in order, without touching the others."""
        return [self.passages[i] for i in self.passages.indices_of(doc_id)]


def document_terms(doc: Document) -> str:
    return " ".join([doc.title, doc.short, *doc.guests, *doc.speakers])


def merge_fields(fields: dict[str, SparseBM25], weights: dict[str, float]) -> SparseBM25:
    return SparseBM25.weighted_sum([(fields[name], weight) for name, weight in weights.items()])


def build_index(knowledge: "Knowledge", settings: PassageSettings = PassageSettings(),
                progress: Progress = no_progress) -> SearchIndex:
    tokenizer = Tokenizer()
    documents = {loaded.document.doc_id: loaded.document for loaded in knowledge.documents}
    passages = []
    for loaded in knowledge.documents:
        passages += cut_passages(loaded, settings)
        progress("passages", len(passages), None)
    progress("indexing passages", len(passages), None)
    doc_tokens = {doc_id: tokenizer(document_terms(doc)) for doc_id, doc in documents.items()}
    words: Counter = Counter()
    tokens_of: dict[str, list[str]] = {}  # each distinct line is read once: windows overlap

    def tokens(text: str) -> list[str]:
        found = tokens_of.get(text)
        if found is None:
            line_words = tokenizer.words(text)
            words.update(line_words)
            found = tokens_of[text] = [tokenizer.stem(w) for w in line_words]
        return found

    utterance_tokens = [[tokens(p.utterance_text(i)) for i in range(len(p.utterances))] for p in passages]
    fields = {
        TEXT: SparseBM25.build(chain.from_iterable(utts) for utts in utterance_tokens),
        HEAD: SparseBM25.build([tokenizer(p.section or "") for p in passages]),
        DOC: SparseBM25.build([doc_tokens[p.doc_id] for p in passages]),
    }
    utterance_rows = [u for utts in utterance_tokens for u in utts]
    utterances = SparseBM25.build(utterance_rows)
    index = SearchIndex(documents, PassageTable.from_passages(passages), fields, tokenizer,
                        knowledge.skipped, dict(words), utterances, merge_fields(fields, FIELD_WEIGHTS),
                        TermSequences.build(utterance_rows, utterances.vocabulary), dict(knowledge.people),
                        _show_name(knowledge))
    index.passages.columns[HOST_COLUMN] = compute_host_lines(index)  # once here, not at every start
    return index


def _show_name(knowledge: "Knowledge") -> str | None:
    talk = (" ".join(u.text for s in loaded.sections for u in s.utterances) for loaded in knowledge.documents)
    metadata = (f"{d.title} {d.short} {d.description}" for d in (loaded.document for loaded in knowledge.documents))
    return show_name(talk, metadata)
