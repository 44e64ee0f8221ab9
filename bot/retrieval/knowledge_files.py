"""Which files of a knowledge folder are knowledge, and reading one safely: the one rule
that the loader, the people loader, the cache fingerprint and `sync` all follow.

A knowledge folder may come from an upstream git repository that anyone with commit
rights shapes, so nothing in it is trusted to point where it says:

- symbolic links (to files or folders) are never followed: a link such as
  `_posts/x.md -> /proc/self/cwd/.env` would otherwise put the bot's own secrets into
  its answers. The folder given on the command line may itself be a link; that is the
  operator's choice and is resolved once.
- FIFOs, sockets and devices are never opened (opening a FIFO blocks forever);
- hidden entries (`.git`, `.env`, `.draft.md`) are not knowledge;
- a folder named like a knowledge file (`x.md/`) is not walked into;
- a file is read through a descriptor opened with O_NOFOLLOW | O_NONBLOCK, checked to be
  a regular file inside the folder, and read to at most MAX_FILE_BYTES + 1 bytes
  (`/proc` files report size 0, so the size on disk alone proves nothing).

Documents are Markdown and text files and transcripts (`.vtt`, `.srt`, Podcasting 2.0
`.json`). Beside a transcript `STEM.vtt`, the files `STEM.yaml`/`STEM.yml`/`STEM.md`
(its metadata) and `STEM.chapters.json` (its chapters) are *parts* of that episode, not
documents; without a transcript of that stem in the same folder they are not knowledge
(a `.md` is then a document as always).

Entries refused while walking are returned with their reason (the loader warns about
them); nothing here logs, because the fingerprint walks the folders every few seconds.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from bot.errors import UserError
from bot.retrieval.documents import EXTENSIONS, TRANSCRIPT_EXTENSIONS, SkippedFile

MAX_FILE_BYTES = 5 * 1024 * 1024  # 35x the largest file of the real archive; bounds parse time and memory
PEOPLE_FOLDER = "_people"
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1 << 20
CHAPTERS_SUFFIX = ".chapters.json"
_METADATA_EXTENSIONS = (".yaml", ".yml", ".md", ".markdown")  # a transcript's sidecar
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # subtitle tools on Windows write UTF-16


class UnreadableFile(Exception):
    """A knowledge file that must not or cannot be read; the message is the reason."""


@dataclass(frozen=True)
class KnowledgeFile:
    path: Path       # as found: the knowledge folder joined with `relative`
    relative: str    # inside the folder, with '/' separators
    person: bool     # inside a `_people/` folder: a guest's name, not a document
    root: str        # the folder, resolved once: no file may resolve outside it
    part: bool = False  # a transcript's metadata or chapters, read with it (see episode_key)

    def read_bytes(self) -> bytes:
        return read_inside(self.path, self.root)

    def read_text(self) -> str:
        """The file as text; UnreadableFile (empty, binary, not UTF-8/16) or OSError."""
        return decode_text(self.read_bytes())

    @property
    def episode_key(self) -> str:
        """What ties a transcript and its parts together: folder and stem (`_podcast/ep`)."""
        return str(self.path.parent / episode_stem(self.path.name))


@dataclass(frozen=True)
class FolderScan:
    folder: Path
    files: tuple[KnowledgeFile, ...]     # in a stable order (by path parts)
    refused: tuple[SkippedFile, ...]     # entries never opened, with the reason


def is_knowledge_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in EXTENSIONS


def is_transcript_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in TRANSCRIPT_EXTENSIONS and not _is_chapters(name)


def episode_stem(name: str) -> str:
    """`ep` for `ep.vtt`, `ep.yaml` and `ep.chapters.json`."""
    return name[: -len(CHAPTERS_SUFFIX)] if _is_chapters(name) else os.path.splitext(name)[0]


def _is_chapters(name: str) -> bool:
    return name.lower().endswith(CHAPTERS_SUFFIX)


def _role(name: str, transcripts: set[str]) -> str | None:
    """"document", "part" (of the transcript with the same stem) or None: not knowledge."""
    extension = os.path.splitext(name)[1].lower()
    if _is_chapters(name) or extension in _METADATA_EXTENSIONS:
        if episode_stem(name) in transcripts:
            return "part"
        if _is_chapters(name) or extension in (".yaml", ".yml"):
            return None
    return "document" if extension in EXTENSIONS else None


def _transcript_stems(entries: list[os.DirEntry]) -> set[str]:
    return {episode_stem(e.name) for e in entries if is_transcript_name(e.name)
            and not e.name.startswith(".") and e.is_file(follow_symlinks=False)}


def scan_folder(folder: Path) -> FolderScan:
    """Every knowledge file under `folder`, following no link; UserError if it is missing."""
    if not folder.is_dir():
        raise UserError(f"knowledge folder not found: {folder}")
    root = os.path.realpath(folder)
    files: list[KnowledgeFile] = []
    refused: list[SkippedFile] = []
    folders: list[tuple[Path, tuple[str, ...]]] = [(folder, ())]
    while folders:
        directory, parts = folders.pop()
        try:
            entries = _entries(directory)
        except OSError as exc:  # unreadable, or vanished mid-walk: the rest still counts
            refused.append(SkippedFile(_printable(directory), f"unreadable folder: {exc.strerror or exc}"))
            continue
        transcripts = _transcript_stems(entries)
        for entry in entries:
            path, relative = directory / entry.name, (*parts, entry.name)
            role = _role(entry.name, transcripts)
            why = _refusal(entry, role is not None)
            if why is not None:
                if why:  # "" means: simply not knowledge (hidden folders, other files)
                    refused.append(SkippedFile(_printable(path), why))
            elif entry.is_dir(follow_symlinks=False):
                folders.append((path, relative))
            else:
                files.append(KnowledgeFile(path, "/".join(relative), PEOPLE_FOLDER in parts, root,
                                           part=role == "part"))
    files.sort(key=lambda f: f.path.parts)  # the order `sorted(folder.rglob("*"))` gave
    refused.sort(key=lambda s: s.path)
    return FolderScan(folder, tuple(files), tuple(refused))


def scan_folders(folders) -> list[FolderScan]:
    return [scan_folder(Path(folder)) for folder in folders]


def document_id(path: Path) -> str:
    """The file name without its extension(s): `slug.md.md` is still `slug`."""
    name = path.name
    while is_knowledge_name(name) and os.path.splitext(name)[0]:
        name = os.path.splitext(name)[0]
    return name


def read_inside(path: Path, root: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; UnreadableFile when it is not a regular file inside `root` or is
    larger than `limit`; OSError as the system gives it (FileNotFoundError: it vanished)."""
    real = os.path.realpath(path)
    if not real.startswith(root.rstrip(os.sep) + os.sep):
        raise UnreadableFile("resolves outside the knowledge folder (through a symbolic link)")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the last part is a symbolic link after all
            raise UnreadableFile("symbolic link (not followed)") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"not a regular file ({_kind(info.st_mode)})")
        return _read_at_most(fd, limit, info.st_size)
    finally:
        os.close(fd)


def decode_text(data: bytes) -> str:
    """Knowledge text: UTF-8 (a BOM dropped) or UTF-16 with its BOM; UnreadableFile otherwise."""
    if not data.strip():
        raise UnreadableFile("empty file")
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile("not UTF-16 text despite its byte order mark") from None
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("not UTF-8 text") from None


def _read_at_most(fd: int, limit: int, size_hint: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(limit + 1 - total, max(size_hint + 1, _CHUNK)))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise UnreadableFile(f"larger than the {limit // 1024 // 1024} MB limit")
    return b"".join(chunks)


def _entries(directory: Path) -> list[os.DirEntry]:
    with os.scandir(directory) as entries:
        return list(entries)


def _refusal(entry: os.DirEntry, knowledge_name: bool) -> str | None:
    """None for a folder to walk or a knowledge file; "" for an entry that is simply not
    knowledge; otherwise why this entry is refused."""
    name = entry.name
    if name.startswith("."):
        return "hidden file" if knowledge_name and not entry.is_dir(follow_symlinks=False) else ""
    if entry.is_symlink():
        return "symbolic link (not followed)"
    problem = _name_problem(name)
    if entry.is_dir(follow_symlinks=False):
        if problem:
            return f"folder {problem}"
        return "folder named like a knowledge file" if is_knowledge_name(name) else None
    if not entry.is_file(follow_symlinks=False):
        try:
            return f"not a regular file ({_kind(entry.stat(follow_symlinks=False).st_mode)})"
        except OSError:
            return "vanished while the folder was read"
    if not knowledge_name:
        return ""
    return problem or None


def _printable(path: Path) -> str:
    """The path for logs and the cache: bytes that aren't UTF-8 and control characters escaped."""
    shown = str(path)
    return shown if shown.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)


def _name_problem(name: str) -> str | None:
    """Names go into logs, the cache (UTF-8 JSON) and answers: they must be clean text."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "name is not UTF-8"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "name has control characters"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"
