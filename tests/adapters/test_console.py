"""The whole stack through the console adapter: settings -> wiring -> core -> SQLite.

Every command is typed as in chat; the store is a real file in tmp_path and the
knowledge is the shipped sample (an Omdena/volunteering episode and an article).
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.adapters.console import ConsoleSession, parse_line, run_console
from bot.app.cli import main
from bot.app.settings import Settings
from bot.app.wiring import build_core
from bot.core.inputs import UNREADABLE

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"


class Console:
    """A console session whose output is read back one typed line at a time."""

    def __init__(self, core, user="alice", moderator=False):
        self.out = io.StringIO()
        self.session = ConsoleSession(core, user=user, moderator=moderator, out=self.out)

    def say(self, line: str) -> str:
        self.out.seek(0)
        self.out.truncate()
        self.session.run([line])
        return self.out.getvalue()


def run_main(argv: list[str]) -> int:
    """`main` without a `.env` and without its logging setup: pytest's capture stays in charge."""
    return main(argv, dotenv=None, setup_logging=lambda **options: None)


@pytest.fixture
def settings(tmp_path):
    return Settings(semantic=False, knowledge=(KNOWLEDGE,), data_dir=tmp_path / "data", rate_limit_per_minute=5)


@pytest.fixture
def core(settings):
    return build_core(settings)


def test_parse_line():
    assert parse_line("how do I join Omdena?") == ("ask", "how do I join Omdena?")
    assert parse_line("/ASK  how?  ") == ("ask", "how?")
    assert parse_line("/latest") == ("latest", "")
    assert parse_line("   ") is None


def test_every_command_as_typed_in_chat(core, settings):
    member, mod = Console(core, "alice"), Console(core, "mo", moderator=True)

    out = member.say("/help")
    assert "/ask QUESTION" in out and "/episode QUERY" in out and "/pin " not in out
    assert "/pin QUESTION | TARGET" in mod.say("/help")

    out = member.say("what roles are there for data engineers in volunteer projects")
    assert "watch?v=aHdaIwOEI8Q&t=" in out and "Next best moments:" in out and "released 2024-02-29" in out
    assert "(answer " in out and "/pin last" not in out
    assert member.say("/helpful").startswith("Thanks, glad it helped!")

    out = member.say("/latest")
    assert out.startswith("The newest episode:") and "(s17e07)" in out and "26:25  Joining Challenges" in out
    out = member.say("/episode s17e07")
    assert "Chapters:" in out and "&t=1585s" in out
    assert "No episode matches" in member.say("/episode s01e01")

    assert member.say("/pin How do I join Omdena? | s17e07@26:25").startswith("Only moderators can use /pin.")
    assert mod.say("/pin How do I join Omdena? | s17e07@26:25").startswith("Pinned #1:")
    assert mod.say("/pin alias 1 | how do I sign up for Omdena").startswith("Added an alias to #1")

    out = member.say("/ask how can i join omdena")
    assert out.startswith("Pinned answer (pinned by mo on ") and "&t=1585s" in out
    assert member.say("How can I sign up for Omdena?").startswith("Pinned answer")
    assert not member.say("how do i leave omdena").startswith("Pinned answer")

    out = member.say("/pins")
    assert "#1 “How do I join Omdena?” → s17e07 @ 26:25 (pinned by mo" in out and "served 2 times" in out
    assert "how do I sign up for Omdena" in out

    assert mod.say("what roles are there for data engineers").count("/pin last") == 1
    assert mod.say("/pin Data engineering roles? | last").startswith("Pinned #2:")
    assert member.say("/unpin 2").startswith("Only moderators can use /unpin.")
    assert mod.say("/unpin 2").startswith("Unpinned #2")
    assert "#2" not in member.say("/pins")

    assert member.say("/ask").startswith("Ask me something")
    assert "under 500 characters" in member.say("x" * 501)
    assert "I don't know the command `dance`" in member.say("/dance")


def test_rate_limit_in_the_console(core):
    member = Console(core, "eager")
    for _ in range(5):
        assert "(answer " in member.say("how do I join Omdena")
    assert "up to 5 questions a minute" in member.say("how do I join Omdena")
    assert "(s17e07)" in member.say("/latest")  # only questions are limited


def test_unhelpful_answers_and_misses_show_up_in_the_report(core, settings, monkeypatch, capsys):
    member = Console(core, "alice")
    member.say("what roles are there for data engineers")
    assert member.say("/unhelpful").startswith("Thanks for telling me")
    monkeypatch.setenv("BOT_DATA_DIR", str(settings.data_dir))
    assert run_main(["report", "--knowledge", str(KNOWLEDGE)]) == 0
    out = capsys.readouterr().out
    assert "what roles are there for data engineers  (1× not helpful)" in out


def test_pins_export_and_import_commands(core, settings, tmp_path, monkeypatch, capsys):
    Console(core, "mo", moderator=True).say("/pin How do I join Omdena? | s17e07@26:25")
    monkeypatch.setenv("BOT_DATA_DIR", str(settings.data_dir))
    path = tmp_path / "pins.yaml"
    assert run_main(["pins", "export", str(path), "--knowledge", str(KNOWLEDGE)]) == 0
    data = yaml.safe_load(path.read_text())
    data["pins"].append({"question": "Broken", "target": "nope@1"})
    path.write_text(yaml.safe_dump(data))
    assert run_main(["pins", "import", str(path), "--knowledge", str(KNOWLEDGE)]) == 2
    assert "entry 2 (“Broken”): No document `nope`" in capsys.readouterr().err
    data["pins"][1]["target"] = "s17e07@1:43"
    path.write_text(yaml.safe_dump(data))
    assert run_main(["pins", "import", str(path), "--knowledge", str(KNOWLEDGE)]) == 0
    assert "1 added" in capsys.readouterr().out and "Broken" in Console(core).say("/pins")


def test_python_m_bot_console_reads_a_pipe(tmp_path):
    env = dict(os.environ, BOT_DATA_DIR=str(tmp_path / "data"), BOT_LOG_LEVEL="WARNING")
    lines = "/pin How do I join Omdena? | s17e07@26:25\nhow can I join omdena\n/pins\n"
    done = subprocess.run([sys.executable, "-m", "bot", "console", "--moderator", "--user", "mo",
                           "--knowledge", str(KNOWLEDGE)],
                          input=lines, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Pinned #1:")
    assert "Pinned answer (pinned by mo on" in done.stdout and "served 1 time)" in done.stdout
    assert "> " not in done.stdout  # no prompt when reading a pipe


def test_rating_after_a_not_found_says_there_is_nothing_to_rate(core):
    member = Console(core)
    assert "nothing to rate" in member.say("/unhelpful") and "haven't answered" in member.say("/helpful")
    member.say("what roles are there for data engineers")
    member.say("qqqzzz xyzzy plugh")  # the last reply found nothing
    assert "My last reply quoted no answer, so there is nothing to rate." in member.say("/unhelpful")


CONTROL_CHARACTERS = ("\x1b", "\x07", "\x9b", "\x08", "\r", "\u202e")
HOSTILE_ARTICLE = (  # the title through YAML's escapes for ESC and BEL, the text as it is
    '---\ntitle: "Zebra \\e]0;owned\\a migration"\n---\n# Zebra herds\n\n'
    "Zebra herds cross the river \x1b[31mevery year\x1b[0m during the great migration,\x07 and the herd "
    "\x9b2J follows the rain \u202ewhere the grass grows back\r quickly.\x08\n")


def test_invalid_utf8_on_standard_input_gets_a_short_reply_and_the_session_goes_on(core):
    stdin = io.TextIOWrapper(io.BytesIO(b"how do I join omdena\xff?\n/help\n"), encoding="utf-8")
    out = io.StringIO()
    assert run_console(core, "alice", False, stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert text.startswith(UNREADABLE) and "/ask QUESTION" in text and "went wrong" not in text


def test_archive_text_reaches_the_terminal_without_control_characters(tmp_path):
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "zebras.md").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    core = build_core(Settings(semantic=False, knowledge=(folder,), data_dir=tmp_path / "data"))
    out = io.StringIO()
    run_console(core, "alice", False, stdin=io.StringIO("why do zebra herds cross the river\n"), out=out)
    text = out.getvalue()
    assert "Zebra herds cross the river" in text and "\n" in text
    assert not [c for c in CONTROL_CHARACTERS if c in text]
