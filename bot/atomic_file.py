"""Replace a file so that readers see the old content or the new, never half of it."""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


class NotARegularFile(OSError):
    """The path is a folder, a device, a pipe or a socket: renaming over it would destroy
    it (as root, `/dev/full` would become a plain file), so it is left alone."""


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over `path`.

    `path` must be a regular file or not exist yet (missing folders are created); a
    symbolic link is followed, so the file it points at is replaced and the link stays."""
    path = Path(os.path.realpath(path))
    _require_regular_or_missing(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _require_regular_or_missing(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a special file")
        raise NotARegularFile(errno.EEXIST, f"it is {kind}, not a regular file, so it is not replaced", str(path))
