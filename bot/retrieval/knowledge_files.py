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
from bot.retrieval.documents import EXTENSIONS, SkippedFile

MAX_FILE_BYTES = 5 * 1024 * 1024  # 35x the largest file of the real archive; bounds parse time and memory
PEOPLE_FOLDER = "_people"
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1 << 20


class UnreadableFile(Exception):
    """A knowledge file that must not or cannot be read; the message is the reason."""


@dataclass(frozen=True)
class KnowledgeFile:
    path: Path       # as found: the knowledge folder joined with `relative`
    relative: str    # inside the folder, with '/' separators
    person: bool     # inside a `_people/` folder: a guest's name, not a document
    root: str        # the folder, resolved once: no file may resolve outside it

    def read_bytes(self) -> bytes:
        return read_inside(self.path, self.root)


@dataclass(frozen=True)
class FolderScan:
    folder: Path
    files: tuple[KnowledgeFile, ...]     # in a stable order (by path parts)
    refused: tuple[SkippedFile, ...]     # entries never opened, with the reason


def is_knowledge_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in EXTENSIONS


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
        for entry in entries:
            path, relative = directory / entry.name, (*parts, entry.name)
            why = _refusal(entry)
            if why is not None:
                if why:  # "" means: simply not knowledge (hidden folders, other files)
                    refused.append(SkippedFile(_printable(path), why))
            elif entry.is_dir(follow_symlinks=False):
                folders.append((path, relative))
            else:
                files.append(KnowledgeFile(path, "/".join(relative), PEOPLE_FOLDER in parts, root))
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


def _refusal(entry: os.DirEntry) -> str | None:
    """None for a folder to walk or a knowledge file; "" for an entry that is simply not
    knowledge; otherwise why this entry is refused."""
    name = entry.name
    knowledge_name = is_knowledge_name(name)
    if name.startswith("."):
        return "hidden file" if knowledge_name and not entry.is_dir(follow_symlinks=False) else ""
    if entry.is_symlink():
        return "symbolic link (not followed)"
    problem = _name_problem(name)
    if entry.is_dir(follow_symlinks=False):
        if problem:
            return f"folder {problem}"
        return "folder named like a knowledge file" if knowledge_name else None
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
