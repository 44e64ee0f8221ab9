"""Write constraints.txt: the exact version of every package the bot, its tests and its
build need, so an image or a CI run next month installs what this one did.

    .venv/bin/python .ci/lock.py > constraints.txt

Versions come from the current venv (install or upgrade there first, run the tests,
then lock); the build backend, which pip installs apart from the venv, is resolved the
way pip would resolve it now. The Dockerfile and .ci/run install with -c constraints.txt.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "podcast-answer-bot"
EXTRAS = {"test"}


def installed_closure(name: str, extras: set[str]) -> dict[str, str]:
    """canonical name -> installed version, for `name[extras]` and everything it requires."""
    pinned: dict[str, str] = {}
    wanted: dict[str, set[str]] = {}
    todo = [(name, set(extras))]
    while todo:
        current, current_extras = todo.pop()
        key = canonicalize_name(current)
        if key in wanted and current_extras <= wanted[key]:
            continue
        wanted.setdefault(key, set()).update(current_extras)
        try:
            dist = distribution(current)
        except PackageNotFoundError:
            sys.exit(f"{current} is required but not installed in this venv: pip install -e '.[test]' first")
        pinned[key] = dist.version
        for line in dist.requires or ():
            requirement = Requirement(line)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": e})
                                                 for e in (current_extras or {""})):
                todo.append((requirement.name, set(requirement.extras)))
    pinned.pop(canonicalize_name(name))
    return pinned


def build_backend() -> dict[str, str]:
    """[build-system] requires, as pip would install them today."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    report = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
                             "--no-deps", "--report", "-", *requires], capture_output=True, text=True, check=True)
    return {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
            for item in json.loads(report.stdout)["install"]}


def main() -> None:
    pins = installed_closure(PROJECT, EXTRAS) | build_backend()
    print("# Exact versions of the bot's dependencies, its test tools and its build backend.")
    print("# Generated from a working venv by `.venv/bin/python .ci/lock.py > constraints.txt`;")
    print("# do not edit by hand. Used by the Dockerfile and .ci/run (pip install -c constraints.txt).")
    for name in sorted(pins):
        print(f"{name}=={pins[name]}")


if __name__ == "__main__":
    main()
