"""Import rules that keep the tree honest, read from the source (nothing is imported).

Per folder of `bot/`, what it may import from the rest of the package:

    top-level modules       nothing else from bot (the shared vocabulary and leaf helpers)
    retrieval/, store/      top-level modules
    core/                   + retrieval/, store/
    ops/                    + core/
    adapters/<platform>/    top-level modules and its own SDK; never app/, ops/, the core
                            or another platform
    app/                    anything: it is the composition root, the only reader of settings

Platform SDKs (slack_bolt/slack_sdk, discord.py) are imported only by their adapter;
database drivers (sqlite3, psycopg) only by store/, so one place owns every table (the Slack
adapter gets its de-duplication memory from app/, the announcer its log from store/).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
SDKS = {"slack": ("slack_bolt", "slack_sdk"), "discord": ("discord",)}
DATABASE_DRIVERS = ("sqlite3", "psycopg", "psycopg_pool")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module `path` imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from x import module`
    return found


MODULES = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}
PACKAGES = {m for m in MODULES if (ROOT / m.replace(".", "/") / "__init__.py").exists()}


def area(module: str) -> str:
    """'top', 'retrieval', 'store', 'core', 'ops', 'app', 'adapters.slack', 'adapters.console', ..."""
    parts = module.split(".")
    if module == "bot.__main__":
        return "app"  # `python -m bot`: hands over to the command line at once
    if len(parts) == 2 and module not in PACKAGES or module == "bot":
        return "top"
    if parts[1] == "adapters" and len(parts) > 2:
        return f"adapters.{parts[2]}"
    return parts[1]


ALLOWED = {
    "top": {"top"},
    "retrieval": {"top", "retrieval"},
    "store": {"top", "store"},
    "core": {"top", "retrieval", "store", "core"},
    "ops": {"top", "retrieval", "store", "core", "ops"},
    "adapters.console": {"top", "adapters.console"},
    "adapters.slack": {"top", "adapters.slack"},
    "adapters.discord": {"top", "adapters.discord"},
}


def bot_imports(module: str) -> set[str]:
    """The package's own modules `module` imports (names of real modules only)."""
    return {i for i in MODULES[module] if i in MODULES and i != module and i not in ("bot", "bot.adapters")}


def test_every_area_has_a_rule():
    assert {area(m) for m in MODULES} - {"app", "adapters"} <= set(ALLOWED)
    assert {"top", "retrieval", "store", "core", "ops", "app", "adapters.slack", "adapters.discord"} \
        <= {area(m) for m in MODULES}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if area(m) in ALLOWED))
def test_each_folder_imports_only_what_its_rule_allows(module):
    own = area(module)
    forbidden = sorted(i for i in bot_imports(module) if area(i) not in ALLOWED[own])
    assert not forbidden, f"{module} ({own}/) may not import {forbidden}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_platform_sdks_stay_in_their_adapter(module):
    for platform, libraries in SDKS.items():
        if any(i == lib or i.startswith(lib + ".") for i in MODULES[module] for lib in libraries):
            assert area(module) == f"adapters.{platform}", f"{module} imports {platform}'s SDK"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_database_drivers_stay_in_the_store(module):
    drivers = sorted(i for i in MODULES[module] if i.split(".")[0] in DATABASE_DRIVERS)
    assert not drivers or area(module) == "store", f"{module} imports {drivers}"


def test_only_the_composition_root_reads_settings():
    readers = sorted(m for m in MODULES if "bot.app.settings" in MODULES[m] and area(m) != "app")
    assert readers == []


def test_the_entry_point_is_the_app():
    assert "bot.app.cli" in MODULES["bot.__main__"]
