"""The dependency rules of DESIGN.md, checked on the source.

* ``sync`` imports neither Textual nor ``widgets`` nor ``tui``;
* ``widgets`` imports neither ``sync`` nor ``tui``;
* logic in ``tui`` outside ``tui.ui`` never imports Textual or ``widgets``,
  not even through the modules it imports.

Imports inside functions count for the direct rules; for the transitive
rule only module-level imports count, so the CLI may start the app (the
one lazy import of ``tui.ui``) without loading it on every command.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGES = ("sync", "widgets", "tui")
FORBIDDEN = {
    "sync": ("textual", "widgets", "tui", "rich"),
    "widgets": ("sync", "tui"),
}
UI_ONLY = ("textual", "widgets", "rich", "tui.ui")
#: Modules that may reach the UI lazily, from inside a function: the command
#: that starts the app, and `config set`, which checks theme names and key
#: ids against the app's own.
LAZY_UI_ENTRY = {"tui.cli.main", "tui.cli.cmd_config"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:
        # `if TYPE_CHECKING:` blocks never run.
        nodes = [n for n in nodes if not (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))]
        nodes = [n for top in nodes for n in ([top] if isinstance(top, (ast.Import, ast.ImportFrom)) else ast.walk(top) if isinstance(top, (ast.If, ast.Try)) else [])]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _hits(names: set[str], roots: tuple[str, ...]) -> set[str]:
    return {n for n in names if any(n == r or n.startswith(r + ".") for r in roots)}


def test_direct_imports_follow_the_layers() -> None:
    problems = []
    for module, path in _sources().items():
        rules = FORBIDDEN.get(module.split(".")[0], ())
        bad = _hits(_imports(path, top_level_only=False), rules)
        if bad:
            problems.append(f"{module} imports {sorted(bad)}")
    assert problems == []


def test_logic_never_reaches_textual() -> None:
    sources = _sources()
    graph = {m: {i for i in _imports(p, top_level_only=True) if i in sources or i.split(".")[0] not in PACKAGES} for m, p in sources.items()}
    problems = []
    for module, path in sources.items():
        if not module.startswith("tui") or module.startswith("tui.ui"):
            continue
        if module not in LAZY_UI_ENTRY and _hits(_imports(path, top_level_only=False), ("textual", "widgets", "tui.ui")):
            problems.append(f"{module} imports the UI")
        seen, todo = set(), [module]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(i for i in graph.get(current, ()) if i in sources)
        reached = _hits({i for m in seen for i in graph.get(m, ())}, UI_ONLY)
        if reached:
            problems.append(f"{module} reaches {sorted(reached)}")
    assert problems == []


def test_the_rules_are_checked_on_real_code() -> None:
    # Guard against a checker that finds nothing because it reads nothing.
    sources = _sources()
    assert {"sync.store", "tui.cli.main", "tui.query"} <= set(sources)
    assert "sync.records" in _imports(sources["sync.store"], top_level_only=True)
