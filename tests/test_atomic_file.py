"""The one atomic write: replaces a regular file (or creates one), never anything else."""
import os
import stat

import pytest

from bot.atomic_file import NotARegularFile, write_atomically


def test_replaces_a_regular_file_and_creates_a_missing_one(tmp_path):
    (tmp_path / "a.txt").write_text("old")
    write_atomically(tmp_path / "a.txt", "new")
    write_atomically(tmp_path / "sub" / "b.txt", b"bytes")
    assert (tmp_path / "a.txt").read_text() == "new" and (tmp_path / "sub" / "b.txt").read_bytes() == b"bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "sub"]  # no temporary file left


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    (tmp_path / "real.yaml").write_text("old")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    write_atomically(tmp_path / "link.yaml", "new")
    assert (tmp_path / "link.yaml").is_symlink() and (tmp_path / "real.yaml").read_text() == "new"


@pytest.mark.parametrize("kind", ["folder", "fifo", "link to a fifo"])
def test_anything_else_is_refused_and_left_as_it_was(tmp_path, kind):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link to a fifo").symlink_to(tmp_path / "fifo")
    with pytest.raises(NotARegularFile, match="not a regular file"):
        write_atomically(tmp_path / kind, "data")
    assert (tmp_path / "folder").is_dir() and stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "folder", "link to a fifo"]
