"""Command-line jobs of the command core: `console`, `pins export|import`, `report`.

`bot/cli.py` registers these with two lines; heavy imports happen inside each job.
"""
from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from bot.app.settings import Settings


def add_core_parsers(sub, common: argparse.ArgumentParser) -> None:
    console = sub.add_parser("console", parents=[common], help="talk to the bot in the terminal (or a pipe)")
    console.add_argument("--moderator", action="store_true", help="act as a moderator (may pin)")
    console.add_argument("--user", default=None, help="your name in the session (default: your login)")
    pins = sub.add_parser("pins", help="export or import the pinned answers as YAML")
    action = pins.add_subparsers(dest="pins_action", required=True, metavar="ACTION")
    export = action.add_parser("export", parents=[common], help="write every pin to FILE.yaml")
    export.add_argument("file", type=Path)
    imp = action.add_parser("import", parents=[common], help="validate FILE.yaml and apply it all-or-nothing")
    imp.add_argument("file", type=Path)
    imp.add_argument("--replace", action="store_true", help="also remove pins that are not in the file")
    report = sub.add_parser("report", parents=[common], help="questions that found nothing or were unhelpful")
    report.add_argument("-n", type=int, default=30, help="how many lines (default 30)")


def _console(args, settings: Settings) -> int:
    from bot.adapters.console import run_console
    from bot.app.wiring import build_core

    return run_console(build_core(settings), args.user or _login(), args.moderator)


def _pins(args, settings: Settings) -> int:
    from bot.core.context import utc_now
    from bot.core.pin_transfer import export_pins, import_pins
    from bot.store.pins import Actor, PinStore
    from bot.app.wiring import open_database, open_knowledge

    store = PinStore(open_database(settings))
    if args.pins_action == "export":
        count = export_pins(store, args.file)
        print(f"exported {count} pin{'s' if count != 1 else ''} to {args.file}")
        return 0
    index = open_knowledge(settings).searcher.index
    at = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    counts = import_pins(store, args.file, index, Actor("cli", _login(), _login()), at, replace=args.replace)
    print(f"imported {args.file}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def _report(args, settings: Settings) -> int:
    from bot.store.answers import AnswerLog
    from bot.app.wiring import open_database

    lines = AnswerLog(open_database(settings)).report(limit=args.n)
    if not lines:
        print("Nothing to report: every question found an answer and none was marked unhelpful.")
        return 0
    print("Questions to pin next (most frequent first):")
    for line in lines:
        why = ", ".join(part for part in (
            f"{line.not_found}× not found" if line.not_found else "",
            f"{line.not_helpful}× not helpful" if line.not_helpful else "") if part)
        print(f"{line.total:>4}  {line.example}  ({why})")
    return 0


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "console"


CORE_JOBS = {"console": _console, "pins": _pins, "report": _report}
