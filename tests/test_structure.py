"""Import rules that keep the shape honest (read from the source, nothing is imported):
only Slack adapter modules import the Slack SDKs, only Discord adapter modules import
discord.py, adapters never import each other, and nothing outside the adapters imports
one, except the entry points that choose which adapter to run."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
ENTRY_POINTS = {"bot.app.cli", "bot.__main__", "bot.app.jobs"}   # they pick and start an adapter
SLACK_LIBRARIES = ("slack_bolt", "slack_sdk", "slack")
DISCORD_LIBRARIES = ("discord",)


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
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x`
    return found


MODULES = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def family(module: str) -> str | None:
    """'slack', 'discord' or 'console' for an adapter module; None elsewhere."""
    if not module.startswith("bot.adapters."):
        return None
    leaf = module.removeprefix("bot.adapters.").split(".")[0]
    return next((f for f in ("slack", "discord", "console") if leaf.startswith(f)), "other")


def uses(imports: set[str], libraries: tuple[str, ...]) -> bool:
    return any(i == lib or i.startswith(lib + ".") for i in imports for lib in libraries)


def test_the_rules_see_the_adapters():
    families = {family(m) for m in MODULES}
    assert {"slack", "discord", "console"} <= families


@pytest.mark.parametrize("module", sorted(MODULES))
def test_platform_libraries_stay_in_their_adapter(module):
    imports = MODULES[module]
    if uses(imports, SLACK_LIBRARIES):
        assert family(module) == "slack", f"{module} imports a Slack library"
    if uses(imports, DISCORD_LIBRARIES):
        assert family(module) == "discord", f"{module} imports discord.py"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_adapters_do_not_import_each_other_and_the_core_imports_none(module):
    own = family(module)
    adapter_imports = {i for i in MODULES[module] if family(i) not in (None, "other")}
    if own is None:
        allowed = module in ENTRY_POINTS
        assert allowed or not adapter_imports, f"{module} (not an adapter) imports {sorted(adapter_imports)}"
    else:
        foreign = {i for i in adapter_imports if family(i) != own}
        assert not foreign, f"{module} imports another adapter: {sorted(foreign)}"
