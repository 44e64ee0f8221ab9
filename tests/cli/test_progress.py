"""`index`, `sync` and `eval` show how far they got on a terminal, and nothing when their
output goes to a pipe or a file (cron, CI, `docker compose run -T`)."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.fakes.knowledge import episode_text, write

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], data_dir: Path, terminal: bool) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) with stderr on a pseudo-terminal or on a pipe."""
    env = {k: v for k, v in os.environ.items() if k != "BOT_KNOWLEDGE"}
    env.update(BOT_DATA_DIR=str(data_dir), TERM="xterm")
    if not terminal:
        out = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
        return out.returncode, out.stdout, out.stderr
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=follower, stdin=subprocess.DEVNULL)
        os.close(follower)
        stderr = _read_all(leader)
        stdout = proc.stdout.read().decode()
        proc.stdout.close()
        return proc.wait(120), stdout, stderr
    finally:
        os.close(leader)


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:   # EIO: the process closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "k"
    for n in range(1, 4):
        write(folder, f"ep{n}.md", episode_text(title=f"Episode {n}", season=1, episode=n))
    return folder


def test_index_shows_files_and_passages_on_a_terminal_only(tmp_path):
    folder = knowledge(tmp_path)
    code, stdout, stderr = run(["index", "--rebuild", "--knowledge", str(folder)], tmp_path / "d", terminal=True)
    assert code == 0 and "built" in stdout
    assert "files loaded: 3/3" in stderr and "passages:" in stderr
    assert stderr.rstrip(" \r\n").endswith("\x1b[K")   # the line is wiped before the result
    code, stdout, stderr = run(["index", "--rebuild", "--knowledge", str(folder)], tmp_path / "d", terminal=False)
    assert code == 0 and "built" in stdout
    assert "files loaded" not in stderr and "passages" not in stderr and "\r" not in stderr


def test_eval_shows_questions_on_a_terminal_only(tmp_path):
    folder = knowledge(tmp_path)
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps({"question": q, "doc": "ep1", "start": 0, "end": 60})
                                   for q in ("gardening robots", "robots in the garden")) + "\n")
    args = ["eval", str(questions), "--json", "--knowledge", str(folder)]
    code, stdout, stderr = run(args, tmp_path / "d", terminal=True)
    assert code == 0 and json.loads(stdout)["questions"] == 2
    assert "questions: 2/2" in stderr
    code, stdout, stderr = run(args, tmp_path / "d", terminal=False)
    assert code == 0 and "questions:" not in stderr and "\r" not in stderr


def test_sync_shows_its_stages_on_a_terminal_only(tmp_path):
    from tests.fakes.git_repo import ArchiveRepo

    origin = ArchiveRepo(tmp_path / "website")
    origin.add_episode("volunteering-in-ai", 17, 7, ["Volunteering with Omdena helped my career a lot."])
    origin.commit()
    (tmp_path / "sample").mkdir()
    args = ["sync", "--repo", str(origin.path), "--path", "_podcast", "--knowledge", str(tmp_path / "sample")]
    code, stdout, stderr = run(args, tmp_path / "d1", terminal=True)
    assert code == 0 and "website: cloned" in stdout
    assert "website: cloning" in stderr and "website: new revision: files loaded: 1/1" in stderr
    code, stdout, stderr = run(args, tmp_path / "d2", terminal=False)
    assert code == 0 and "website: cloned" in stdout
    assert "cloning" not in stderr and "files loaded" not in stderr
