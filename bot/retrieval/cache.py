"""The index cache: one folder of arrays per knowledge set, memory-mapped while current.

The key is a fingerprint of the knowledge files' contents and of this package's own
source (a change to the tokenizer or to passage cutting must invalidate old caches).
Each generation is a folder named after the folder set and the fingerprint, holding
one `.npy` file per array and `meta.json` (format, fingerprint, the shape and type of
every array, and the small things: documents, names, vocabularies). It is written
beside its final place and renamed into it, so a reader sees a whole generation or
none; older generations are removed once the new one is in place (a process still
mapping one keeps its pages: unlinked files live on while mapped).

Opening maps the arrays (`mmap_mode="r"`, `allow_pickle=False`: a foreign file can't
run code) instead of reading them: start-up costs what the JSON costs, and the pages a
query touches come from the page cache, shared by every process serving the archive.
Nothing is read whole at opening, so damage is found by structure, not by checksum:
a missing or short file, a type or shape other than the manifest says, postings or
term ids pointing outside the table. Anything wrong means: log why and rebuild.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.atomic_file import write_atomically
from bot.retrieval.bm25 import SparseBM25
from bot.retrieval.documents import Person, SkippedFile, document_from_dict, document_to_dict
from bot.retrieval.index import SearchIndex
from bot.retrieval.knowledge_files import UnreadableFile, read_inside, scan_folder
from bot.retrieval.passage_table import MappedText, PassageTable
from bot.retrieval.phrases import TermSequences

log = logging.getLogger(__name__)

MAGIC = "podcast-answer-bot/index"
RACY_NANOSECONDS = 2_000_000_000
FORMAT = 10
META = "meta.json"
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
        self._settled: set[Path] = set()  # hashed when already settled: safe to remember across processes
        self.changed = False

    @classmethod
    def remembered(cls, path: Path) -> "FileDigests":
        """Digests saved by an earlier process (`save`): a start with a warm cache then
        hashes only the files that changed since, as git trusts its index. Anything
        unreadable is simply not remembered."""
        digests = cls()
        try:
            saved = json.loads(path.read_bytes())
            for name, (size, mtime_ns, digest) in saved.items():
                file = Path(os.fsdecode(name.encode(errors="surrogateescape")))
                digests._known[file] = (int(size), int(mtime_ns), bytes.fromhex(digest))
                digests._settled.add(file)
        except (OSError, ValueError, TypeError, AttributeError, UnicodeError):
            return cls()
        return digests

    def save(self, path: Path) -> None:
        entries = {os.fsencode(file).decode(errors="surrogateescape"): [size, mtime_ns, digest.hex()]
                   for file, (size, mtime_ns, digest) in self._known.items() if file in self._settled}
        write_atomically(path, json.dumps(entries, ensure_ascii=False).encode(errors="surrogateescape"))
        self.changed = False

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
        self.changed = True
        if settled:
            self._settled.add(path)
        else:
            self._settled.discard(path)
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


def cache_path(cache_dir: Path, folders: list[Path], fingerprint: str) -> Path:
    """The folder of the cache generation for these folders with this content."""
    return cache_dir / f"{_folder_set(folders)}-{fingerprint[:16]}"


def _folder_set(folders: list[Path]) -> str:
    key = hashlib.sha256(b"\0".join(os.fsencode(f.resolve()) for f in folders)).hexdigest()  # any name
    return f"index-{key[:16]}"


def digests_path(cache_dir: Path, folders: list[Path]) -> Path:
    """Where the file digests of these folders are remembered between processes."""
    return cache_dir / f"digests-{_folder_set(folders)[len('index-'):]}.json"


def write_cache(cache_dir: Path, folders: list[Path], fingerprint: str, index: SearchIndex) -> Path:
    """Write a generation beside its place, rename it in, then drop the older ones."""
    final = cache_path(cache_dir, folders, fingerprint)
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f".{final.name}-", suffix=".tmp"))
    try:
        _write_generation(staging, fingerprint, index)
        try:
            os.rename(staging, final)
        except OSError:  # a generation of that name is there, damaged (or just written by another process)
            aside = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f".{final.name}-", suffix=".old"))
            os.rename(final, aside / "replaced")
            os.rename(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _fsync_folder(cache_dir)
    for old in [*cache_dir.glob(f"{_folder_set(folders)}*"), *cache_dir.glob(f".{_folder_set(folders)}*.old")]:
        if old != final:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    return final


def _write_generation(folder: Path, fingerprint: str, index: SearchIndex) -> None:
    arrays = {  # passage texts stay bytes, out of the JSON: they are decoded one hit at a time
        "passage_text": np.frombuffer(index.passages.blob, dtype=np.uint8) if isinstance(index.passages.blob, bytes)
        else index.passages.blob.values,
        "spelling_counts": np.fromiter(index.word_counts.values(), dtype=np.int64, count=len(index.word_counts)),
        "spelling_words": _word_list(index.word_counts),
    }
    for column, values in index.passages.columns.items():
        arrays[f"passages.{column}"] = values
    vocabularies: dict[str, list[str]] = {}
    fields = {}
    for name, bm in _models(index).items():
        arrays[f"{name}.offsets"] = bm.offsets
        arrays[f"{name}.doc_ids"] = bm.doc_ids
        arrays[f"{name}.weights"] = bm.weights
        arrays[f"{name}.term_max"] = bm.term_max
        terms = sorted(bm.vocabulary, key=bm.vocabulary.get)
        same = next((other for other, known in vocabularies.items() if known == terms), None)
        if same is None:
            vocabularies[name] = terms
            arrays[f"{name}.vocabulary"] = _word_list(terms)
        # the text and its utterances share a vocabulary: stored, parsed and held once
        fields[name] = {"vocabulary": name if same is None else same, "n_docs": bm.n_docs}
    arrays["utterance_terms.offsets"] = index.utterance_terms.offsets
    arrays["utterance_terms.ids"] = index.utterance_terms.ids
    for name, values in arrays.items():
        with open(folder / f"{name}.npy", "wb") as out:
            np.save(out, np.ascontiguousarray(values), allow_pickle=False)
            out.flush()
            os.fsync(out.fileno())
    meta = {
        "magic": MAGIC, "format": FORMAT, "fingerprint": fingerprint,
        "arrays": {name: [np.asarray(values).dtype.str, list(np.shape(values))] for name, values in arrays.items()},
        "documents": [document_to_dict(d) for d in index.documents.values()],
        "passage_names": index.passages.names,
        "skipped": [[s.path, s.reason] for s in index.skipped],
        "people": [[p.person_id, p.name, p.description] for p in index.people.values()],
        "show_name": index.show_name,
        "fields": fields,
    }
    # surrogateescape: file names that are not UTF-8 (a knowledge folder's) round-trip as they are
    data = json.dumps(meta, ensure_ascii=False).encode(errors="surrogateescape")
    with open(folder / META, "wb") as out:  # written last: a generation without it is not one
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_cache(path: Path, fingerprint: str) -> SearchIndex | None:
    """The cached index, or None (with the reason logged) when it can't be trusted."""
    if not path.exists():
        return None
    try:
        return _read(path, fingerprint)
    except _Stale as reason:
        log.info("index cache %s is out of date (%s); rebuilding", path, reason)
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError,
            json.JSONDecodeError, UnicodeDecodeError) as exc:
        log.warning("index cache %s is unreadable (%s); rebuilding", path, type(exc).__name__)
    return None


class _Stale(Exception):
    pass


def _read(path: Path, fingerprint: str) -> SearchIndex:
    meta = json.loads((path / META).read_bytes().decode(errors="surrogateescape"))
    if not isinstance(meta, dict) or meta.get("magic") != MAGIC or meta.get("format") != FORMAT:
        raise _Stale("written by another program or version")
    if meta.get("fingerprint") != fingerprint:
        raise _Stale("knowledge changed")
    arrays = {name: _mapped(path, name, dtype, shape) for name, (dtype, shape) in meta["arrays"].items()}
    fields, vocabularies = {}, {}
    for name, info in meta["fields"].items():
        stored = info["vocabulary"]
        if stored not in vocabularies:
            terms = _words(arrays[f"{stored}.vocabulary"])
            vocabularies[stored] = dict(zip(terms, range(len(terms))))
        vocabulary = vocabularies[stored]
        offsets, doc_ids, weights, term_max = (arrays[f"{name}.{a}"] for a in ("offsets", "doc_ids", "weights", "term_max"))
        _check_shapes(offsets, doc_ids, weights, term_max, len(vocabulary), info["n_docs"])
        fields[name] = SparseBM25(vocabulary, offsets, doc_ids, weights, info["n_docs"], term_max)
    columns = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("passages.")}
    blob = MappedText(arrays["passage_text"])
    counts, words = arrays["spelling_counts"], _words(arrays["spelling_words"])
    if len(counts) != len(words):
        raise ValueError("spelling vocabulary and counts disagree")
    word_counts = dict(zip(words, counts.tolist()))
    utterance_terms = TermSequences(arrays["utterance_terms.offsets"], arrays["utterance_terms.ids"])
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


def _word_list(words) -> np.ndarray:
    """Words (the tokenizer's: letters and digits) one per line, as bytes: splitting them
    is many times faster than parsing a JSON list of them."""
    return np.frombuffer("\n".join(words).encode(), dtype=np.uint8)


def _words(stored: np.ndarray) -> list[str]:
    text = stored.tobytes().decode()
    return text.split("\n") if text else []


def _mapped(folder: Path, name: str, dtype: str, shape: list) -> np.ndarray:
    """One array of the generation, mapped read-only; its type and shape as the manifest says."""
    if "/" in name or name.startswith("."):
        raise ValueError("array name outside the cache folder")
    values = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
    if values.dtype.str != dtype or list(values.shape) != shape:
        raise ValueError(f"array {name} is not what the manifest says")
    # A plain view of the same pages: slicing an np.memmap runs Python code each time,
    # and a query slices postings dozens of times.
    return values.view(np.ndarray)


def _models(index: SearchIndex) -> dict:
    return {**index.fields, UTTERANCES: index.utterances, RANKING: index.ranking}


def _check_shapes(offsets, doc_ids, weights, term_max, n_terms: int, n_docs: int) -> None:
    if offsets.shape != (n_terms + 1,) or doc_ids.shape != weights.shape or term_max.shape != (n_terms,):
        raise ValueError("index arrays do not fit together")
    if int(offsets[-1]) != len(doc_ids) or (len(doc_ids) and int(doc_ids.max()) >= n_docs):
        raise ValueError("index arrays point outside the passages")
    if len(doc_ids) and (int(offsets[0]) != 0 or int(doc_ids.min()) < 0 or np.any(np.diff(offsets) < 0)):
        raise ValueError("index arrays point outside the passages")
