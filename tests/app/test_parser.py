"""The command line explains itself: every command and option has help, and every option
changes something."""
from __future__ import annotations

import argparse

import pytest

from bot.app.cli import build_parser


def commands(parser: argparse.ArgumentParser, prefix: str = "python -m bot"):
    """(name, parser) of every (sub)command, nested ones included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix} {name}", sub
                yield from commands(sub, f"{prefix} {name}")


ALL = list(commands(build_parser()))


@pytest.mark.parametrize("name, parser", ALL, ids=[name for name, _ in ALL])
def test_every_command_and_option_has_help(name, parser):
    assert parser.description, f"{name} -h says nothing about what it does"
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        assert action.help and action.help != argparse.SUPPRESS, f"{name} {action.option_strings or action.dest}"


def test_search_has_no_option_that_changes_nothing():
    search = dict(ALL)["python -m bot search"]
    assert "--json" not in {s for a in search._actions for s in a.option_strings}
