"""Operator commands given hostile files, paths and arguments: one line of error and exit
2 for the user's mistakes, never a traceback; nothing printed carries a control
character; `pins export` never replaces anything but a regular file."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app.cli import main
from tests.fakes.knowledge import episode_text, write
from tests.fakes.sample import KNOWLEDGE

ROOT = Path(__file__).resolve().parents[2]
CONTROL_CHARACTERS = ("\x1b", "\x07", "\x9b", "\x08", "\u202e")


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """`python -m bot ARGS` in this process: (exit code, stdout, stderr)."""
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BOT_KNOWLEDGE", raising=False)

    def run_main(*args: str, knowledge=(KNOWLEDGE,)) -> tuple[int, str, str]:
        folders = [a for folder in knowledge for a in ("--knowledge", str(folder))]
        code = main([*args, *folders], dotenv=None, setup_logging=lambda **options: None)
        out, err = capsys.readouterr()
        return code, out, err
    return run_main


def one_line_error(code: int, err: str, *words: str) -> bool:
    line = err.strip()
    return code == 2 and line.startswith("error: ") and "\n" not in line and all(w in line for w in words)


@pytest.mark.parametrize("content, words", [
    (b"\x00\xff\xfe\x89PNG\r\n", ("not UTF-8",)),
    (b"[" * 5000 + b"]" * 5000 + b"\n", (":1: not a JSON object",)),
    (b'{"question": "q", "doc": "a", "start": ' + b"9" * 5000 + b"}\n", (":1: not a JSON object",)),
    (b'{"question": "q", "doc": 5}\n', (':1: "doc" must be text',)),
    (b'{"question": "q", "doc": "a", "start": "ten"}\n', (':1: "start" must be a number',)),
    (b'{"question": "q", "doc": "a", "also": [{"doc": "b", "end": [1]}]}\n', (':1: "end" must be a number',)),
    (b'{"question": "q", "doc": "a", "also": "b"}\n', (':1: "also" must be a list',)),
])
def test_eval_of_a_hostile_question_file(run, tmp_path, content, words):
    path = write(tmp_path, "questions.jsonl", content)
    assert one_line_error(*run("eval", str(path))[::2], *words)


@pytest.mark.parametrize("name, words", [("folder", ("Is a directory",)), ("/dev/zero", ("is not a file",)),
                                         ("missing.jsonl", ("No such file",))])
def test_eval_of_something_that_is_not_a_question_file(run, tmp_path, name, words):
    (tmp_path / "folder").mkdir()
    assert one_line_error(*run("eval", str(tmp_path / name))[::2], *words)


ALIASES = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")) + \
    "pins: [{question: q, target: *i}]\n"


@pytest.mark.parametrize("content, words", [
    (b"\x00\xff\xfe\x89PNG\r\n", ("not UTF-8",)),
    (b"pins: " + b"[" * 5000 + b"]" * 5000 + b"\n", ("nested deeper than",)),
    (b"pins:\n" + b"".join(b" " * i + b"- \n" for i in range(0, 1000, 2)), ("nested deeper than",)),
    (ALIASES.encode(), ("aliases", "line 2")),
    (b"pins: [{question: q, target: " + b"9" * 5000 + b"}]\n", ("cannot be read",)),
    (b"pins: [{question: q, target: 2024-13-45}]\n", ("cannot be read", "month")),
    (b"pins: [{question: q, target: !!python/object:os.system x}]\n", ("not valid YAML", "line 1")),
    (b"pins: [{question: 'unclosed\n", ("not valid YAML",)),
])
def test_pins_import_of_a_hostile_yaml_file(run, tmp_path, content, words):
    path = write(tmp_path, "pins.yaml", content)
    assert one_line_error(*run("pins", "import", str(path))[::2], *words)


def test_pins_import_lists_at_most_twenty_bad_entries_and_shortens_them(run, tmp_path):
    entries = "".join(f"- question: {'long question ' * 50}{n}\n  target: nope@1\n" for n in range(100))
    code, _, err = run("pins", "import", str(write(tmp_path, "pins.yaml", "pins:\n" + entries)))
    assert code == 2 and "100 bad entries" in err and "… and 80 more" in err and len(err) < 5000


@pytest.mark.parametrize("target", ["folder", "fifo", "missing/pins.yaml", "a-file/pins.yaml", "link"])
def test_pins_export_refuses_what_is_not_a_regular_file_or_a_folder_that_is_there(run, tmp_path, target):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "a-file").write_text("keep me")
    (tmp_path / "link").symlink_to(tmp_path / "folder")
    code, _, err = run("pins", "export", str(tmp_path / target))
    assert one_line_error(code, err, "cannot write")
    assert stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode) and (tmp_path / "folder").is_dir()
    assert (tmp_path / "a-file").read_text() == "keep me" and not (tmp_path / "missing").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_pins_export_into_an_unwritable_folder(run, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert one_line_error(*run("pins", "export", str(locked / "pins.yaml"))[::2], "Permission denied")


@pytest.mark.parametrize("args, words", [
    (("eval", "{questions}", "-k", "0"), ("-k must be between 1 and 100",)),
    (("search", "omdena", "-k", "1000"), ("-k must be between 1 and 100",)),
    (("report", "-n", "-3"), ("-n must be between 1 and",)),
    (("ask", "how do I join \udcff omdena"), ("question argument is not valid UTF-8",)),
    (("console", "--user", "mo\udcff"), ("user argument is not valid UTF-8",)),
    (("sync", "--repo", "https://example.invalid/\udcff"), ("repo argument is not valid UTF-8",)),
])
def test_bad_arguments(run, tmp_path, args, words):
    questions = write(tmp_path, "questions.jsonl", '{"question": "How do I join Omdena?"}\n')
    assert one_line_error(*run(*(a.replace("{questions}", str(questions)) for a in args))[::2], *words)


def test_a_data_folder_that_is_a_file(run, tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_DATA_DIR", str(write(tmp_path, "data", "not a folder")))
    for args in (("report",), ("ask", "how do I join omdena"), ("pins", "export", str(tmp_path / "p.yaml"))):
        assert one_line_error(*run(*args)[::2], "cannot open the database", "is not a folder")


def test_nothing_printed_carries_a_control_character(run, tmp_path):
    folder = tmp_path / "k"
    transcript = [{"header": "Zebras \x1b]0;owned\x07"},
                  {"line": "Zebra herds cross the river \x1b[31mevery year\x9b2J during the migration.\x08",
                   "sec": 5, "who": "Guest \u202eevil"}]
    write(folder, "zebras.md", episode_text(title="Zebra \x1b[2J herds", season=9, episode=9, transcript=transcript))
    write(folder, "bad\x1b[31m\x07name.md", "---\ntitle: [unclosed\n---\ntext\n")
    questions = write(tmp_path, "q.jsonl", '{"question": "zebra herds \\u001b[31m river", "doc": "nope", "start": 1}\n')
    outputs = [run("ask", "why do zebra herds cross the river", knowledge=[folder]),
               run("search", "zebra herds river", knowledge=[folder]),
               run("latest", knowledge=[folder]), run("latest", "--json", knowledge=[folder]),
               run("index", knowledge=[folder]), run("eval", str(questions), knowledge=[folder])]
    assert outputs[0][1] and "Zebra" in outputs[2][1] and "skipped" in outputs[4][1]
    printed = "".join(out + err for _, out, err in outputs)
    assert not [c for c in CONTROL_CHARACTERS if c in printed]


def test_invalid_utf8_arguments_and_input_in_a_real_process(tmp_path):
    env = dict(os.environ, BOT_DATA_DIR=str(tmp_path / "data"), BOT_LOG_LEVEL="WARNING")
    common = [sys.executable, "-m", "bot"]
    asked = subprocess.run([*common, "ask", b"how do I join \xff omdena", "--knowledge", str(KNOWLEDGE)],
                           cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert asked.returncode == 2 and asked.stderr.strip() == b"error: the question argument is not valid UTF-8 text"
    console = subprocess.run([*common, "console", "--knowledge", str(KNOWLEDGE)], input=b"omdena \xc3\x28?\n/latest\n",
                             cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert console.returncode == 0 and b"can't read that" in console.stdout and b"(s17e07)" in console.stdout
    assert b"went wrong" not in console.stdout and b"Traceback" not in console.stderr


def test_a_knowledge_folder_whose_name_is_not_utf8(run, tmp_path):
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/k\xff\x1b[31m"))
    folder.mkdir()
    for source in KNOWLEDGE.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    code, out, err = run("index", knowledge=[folder])
    assert code == 0 and "2 documents" in out, err
    assert run("search", "how do I join omdena", knowledge=[folder])[0] == 0  # the cache it wrote is found
