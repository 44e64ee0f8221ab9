"""The index cache: one file per knowledge set, reused while nothing changed.

The key is a fingerprint of the knowledge files' contents and of this package's own
source (a change to the tokenizer or to passage cutting must invalidate old caches).
The file is an uncompressed `.npz` read with `allow_pickle=False`, so a foreign file
can't run code; zip CRCs catch truncation and corruption; a header inside names the
format and fingerprint. Anything wrong means: log why, rebuild, overwrite atomically.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import stat
import time
import zipfile
from pathlib import Path

import numpy as np

from bot.atomic_file import write_atomically
from bot.retrieval.bm25 import SparseBM25
from bot.retrieval.documents import Person, SkippedFile, document_from_dict, document_to_dict
from bot.retrieval.index import SearchIndex
from bot.retrieval.knowledge_files import UnreadableFile, read_inside, scan_folder
from bot.retrieval.passage_table import PassageTable
from bot.retrieval.phrases import TermSequences

log = logging.getLogger(__name__)

MAGIC = "podcast-answer-bot/index"
RACY_NANOSECONDS = 2_000_000_000
FORMAT = 9
UTTERANCES = "utterances"  # stored beside the fields, with one row per utterance
RANKING = "ranking"        # the fields merged with their default weights


class FileDigests:
    """Content digests of files, re-read only when a file's size or mtime changed.

    A running bot checks its knowledge for changes every few seconds; hashing tens of MB
    each time would be wasted work, while a changed file always changes its mtime. Files
    are read as the loader reads them (knowledge_files.read_inside): a file that must not
    or cannot be read gets a digest of why, so it can't fail the whole fingerprint; only
    a file that vanished mid-walk raises (FileNotFoundError: the knowledge is changing)."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[int, int, bytes]] = {}

    def digest(self, path: Path, root: str) -> bytes:
        info = os.stat(path, follow_symlinks=False)
        known = self._known.get(path)
        # A file modified in the last seconds may change again within the same mtime tick
        # ("racy git"): only older files are trusted by their size and mtime.
        settled = time.time_ns() - info.st_mtime_ns > RACY_NANOSECONDS
        if known and settled and stat.S_ISREG(info.st_mode) and known[:2] == (info.st_size, info.st_mtime_ns):
            return known[2]
        try:
            digest = hashlib.sha256(read_inside(path, root)).digest()
        except FileNotFoundError:
            raise
        except (UnreadableFile, OSError) as exc:  # not remembered: a chmod leaves the mtime as it was
            return hashlib.sha256(f"unreadable: {exc}".encode(errors="replace")).digest()
        self._known[path] = (info.st_size, info.st_mtime_ns, digest)
        return digest


def knowledge_fingerprint(folders: list[Path], digests: FileDigests | None = None) -> str:
    """A digest of every knowledge file's path and content (the files the loader would
    read, and what it refuses to), and of this package's code."""
    digests = digests or FileDigests()
    digest = hashlib.sha256(f"{MAGIC}/{FORMAT}".encode())
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):  # formats/ too: a reader's change changes documents
        digest.update(digests.digest(source, os.path.realpath(package)))
    for folder in folders:
        digest.update(os.fsencode(folder.resolve()) + b"\0")
        if not folder.is_dir():
            continue  # loading reports the missing folder
        scan = scan_folder(folder)
        for file in scan.files:
            digest.update(file.relative.encode() + b"\0" + digests.digest(file.path, file.root))
        for refused in scan.refused:
            digest.update(os.fsencode(refused.path) + b"\0" + refused.reason.encode() + b"\0")
    return digest.hexdigest()


def cache_path(cache_dir: Path, folders: list[Path]) -> Path:
    key = hashlib.sha256(b"\0".join(os.fsencode(f.resolve()) for f in folders)).hexdigest()  # any name
    return cache_dir / f"index-{key[:16]}.npz"


def write_cache(path: Path, fingerprint: str, index: SearchIndex) -> None:
    meta = {
        "magic": MAGIC, "format": FORMAT, "fingerprint": fingerprint,
        "documents": [document_to_dict(d) for d in index.documents.values()],
        "passage_names": index.passages.names,
        "skipped": [[s.path, s.reason] for s in index.skipped],
        "people": [[p.person_id, p.name, p.description] for p in index.people.values()],
        "show_name": index.show_name,
        "spelling_words": list(index.word_counts),
        "fields": {name: {"vocabulary": sorted(bm.vocabulary, key=bm.vocabulary.get), "n_docs": bm.n_docs}
                   for name, bm in _models(index).items()},
    }
    arrays = {  # passage texts stay bytes, out of the JSON: they are decoded one hit at a time
        # surrogateescape: file names that are not UTF-8 (a knowledge folder's) round-trip as they are
        "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(errors="surrogateescape"), dtype=np.uint8),
        "passage_text": np.frombuffer(index.passages.blob, dtype=np.uint8),
        "spelling_counts": np.fromiter(index.word_counts.values(), dtype=np.int64, count=len(index.word_counts)),
    }
    for column, values in index.passages.columns.items():
        arrays[f"passages.{column}"] = values
    for name, bm in _models(index).items():
        arrays[f"{name}.offsets"] = bm.offsets
        arrays[f"{name}.doc_ids"] = bm.doc_ids
        arrays[f"{name}.weights"] = bm.weights
    arrays["utterance_terms.offsets"] = index.utterance_terms.offsets
    arrays["utterance_terms.ids"] = index.utterance_terms.ids
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_atomically(path, buffer.getvalue())


def read_cache(path: Path, fingerprint: str) -> SearchIndex | None:
    """The cached index, or None (with the reason logged) when it can't be trusted."""
    if not path.exists():
        return None
    try:
        return _read(path, fingerprint)
    except _Stale as reason:
        log.info("index cache %s is out of date (%s); rebuilding", path, reason)
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError,
            zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
        log.warning("index cache %s is unreadable (%s); rebuilding", path, type(exc).__name__)
    return None


class _Stale(Exception):
    pass


def _read(path: Path, fingerprint: str) -> SearchIndex:
    with open(path, "rb") as raw:
        data = raw.read()  # read once: the file may be replaced while we read it
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        meta = json.loads(npz["meta"].tobytes().decode(errors="surrogateescape"))
        if meta.get("magic") != MAGIC or meta.get("format") != FORMAT:
            raise _Stale("written by another program or version")
        if meta.get("fingerprint") != fingerprint:
            raise _Stale("knowledge changed")
        fields = {}
        for name, info in meta["fields"].items():
            offsets, doc_ids, weights = (npz[f"{name}.{a}"] for a in ("offsets", "doc_ids", "weights"))
            vocabulary = {term: i for i, term in enumerate(info["vocabulary"])}
            _check_shapes(offsets, doc_ids, weights, len(vocabulary), info["n_docs"])
            fields[name] = SparseBM25(vocabulary, offsets, doc_ids, weights, info["n_docs"])
        columns = {k.split(".", 1)[1]: npz[k] for k in npz.files if k.startswith("passages.")}
        blob = npz["passage_text"].tobytes()
        counts = npz["spelling_counts"]
        if len(counts) != len(meta["spelling_words"]):
            raise ValueError("spelling vocabulary and counts disagree")
        word_counts = dict(zip(meta["spelling_words"], counts.tolist()))
        utterance_terms = TermSequences(npz["utterance_terms.offsets"], npz["utterance_terms.ids"])
    passages = PassageTable(columns, meta["passage_names"], blob)
    passages.check()
    documents = [document_from_dict(d) for d in meta["documents"]]
    skipped = tuple(SkippedFile(p, r) for p, r in meta["skipped"])
    utterances, ranking = fields.pop(UTTERANCES), fields.pop(RANKING)
    if utterances.n_docs != len(passages.columns["utt_offset"]):
        raise ValueError("utterance rows and passages disagree")
    utterance_terms.check(utterances.n_docs, len(utterances.vocabulary))
    by_id = {d.doc_id: d for d in documents}
    if any(bm.n_docs != len(passages) for bm in fields.values()) or not set(passages.names["doc"]) <= set(by_id):
        raise ValueError("index arrays, passages and documents disagree")
    people = {person_id: Person(person_id, name, about) for person_id, name, about in meta["people"]}
    return SearchIndex(by_id, passages, fields, skipped=skipped, word_counts=word_counts, people=people,
                       show_name=meta["show_name"],
                       utterances=utterances, ranking=ranking, utterance_terms=utterance_terms)


def _models(index: SearchIndex) -> dict:
    return {**index.fields, UTTERANCES: index.utterances, RANKING: index.ranking}


def _check_shapes(offsets, doc_ids, weights, n_terms: int, n_docs: int) -> None:
    if offsets.shape != (n_terms + 1,) or doc_ids.shape != weights.shape:
        raise ValueError("index arrays do not fit together")
    if int(offsets[-1]) != len(doc_ids) or (len(doc_ids) and int(doc_ids.max()) >= n_docs):
        raise ValueError("index arrays point outside the passages")
