"""The search index: documents, their passages and BM25 postings per field.

Built from loaded knowledge, or restored from the cache; it holds no file handles and
does no I/O, so the core can be handed one in tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .bm25 import SparseBM25
from .documents import Document
from .loader import Knowledge
from .passage_table import PassageTable
from .passages import PassageSettings, cut_passages
from .tokenizer import Tokenizer

TEXT = "text"


@dataclass
class SearchIndex:
    documents: dict[str, Document]
    passages: PassageTable
    fields: dict[str, SparseBM25]
    tokenizer: Tokenizer = field(default_factory=Tokenizer)
    skipped: tuple = ()

    @property
    def episodes(self) -> list[Document]:
        return [d for d in self.documents.values() if d.kind == "episode"]


def build_index(knowledge: Knowledge, settings: PassageSettings = PassageSettings()) -> SearchIndex:
    tokenizer = Tokenizer()
    documents = {loaded.document.doc_id: loaded.document for loaded in knowledge.documents}
    passages = [p for loaded in knowledge.documents for p in cut_passages(loaded, settings)]
    fields = {TEXT: SparseBM25.build([tokenizer(p.text) for p in passages])}
    return SearchIndex(documents, PassageTable.from_passages(passages), fields, tokenizer, knowledge.skipped)
