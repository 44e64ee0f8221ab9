"""Reading a file an operator names on the command line (`eval`, `pins import`).

The name can point at anything: a folder, a device that never ends (/dev/zero), a huge
or binary file. Only a regular file or a pipe is read, at most `limit` bytes, and only
as UTF-8 (a byte order mark is allowed); anything else is a one-line UserError naming
the file, never a traceback.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.errors import UserError


def read_text_file(path: Path, what: str, limit: int) -> str:
    """The file's text; `what` names it in errors ("question set", "pins file")."""
    try:
        with open(path, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
                raise UserError(f"{what} {path} is not a file")
            data = file.read(limit + 1)
    except OSError as exc:
        raise UserError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UserError(f"{what} {path} is larger than {limit // 1_000_000} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{what} {path} is not UTF-8 text (invalid byte at offset {exc.start})") from None
