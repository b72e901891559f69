"""The habits that keep the code as it is: the import contracts hold, ruff finds nothing, the code
is formatted, the type checker finds nothing and every ignore of it says why."""

from __future__ import annotations

import argparse
import ast
import json
import os
import pkgutil
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.widgets import Input, TextArea

from crewdeck.tui.app import start_settings
from crewdeck.tui.cli.main import build_parser
from crewdeck.widgets.multi_line_input import MultiLineInput
from crewdeck.widgets.one_line_input import OneLineInput

from .conftest import LONGEST_FIRST, ROOT, Cli

BIN = Path(sys.executable).parent


def test_the_import_contracts_hold() -> None:
    """sync reaches no UI, widgets no logic, and logic no Textual (DESIGN.md, "Layout and layering")."""
    done = subprocess.run(
        [str(BIN / "lint-imports"), str(ROOT / "pyproject.toml")], capture_output=True, text=True, cwd=ROOT.parent, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_files_run_first_are_test_files_of_the_suite() -> None:
    """conftest's ``LONGEST_FIRST`` orders the run by file name: a name no file has any longer orders nothing."""
    assert [name for name in LONGEST_FIRST if not (ROOT / "tests" / name).is_file()] == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)


def test_ruff_finds_nothing_and_the_code_is_formatted() -> None:
    folders = [str(ROOT / name) for name in ("sync", "tui", "widgets", "tests")]
    lint = subprocess.run([str(BIN / "ruff"), "check", *folders], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    form = subprocess.run([str(BIN / "ruff"), "format", "--check", *folders], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert form.returncode == 0, form.stdout + form.stderr


# ---------------------------------------------------------------- text fields


def _out_of_order_field(found: object) -> bool:
    """Whether ``found`` is a text field whose bound keys (backspace, the arrows ...) act after the keys typed behind
    them (Textual's ``Input``, ``TextArea`` and their kin, ``MaskedInput``: its issue #6605), not one that acts on them
    in the order typed."""
    return isinstance(found, type) and issubclass(found, (Input, TextArea)) and not issubclass(found, (OneLineInput, MultiLineInput))


def _dotted(expression: ast.expr) -> list[str]:
    """``textual.widgets.Input`` as its names; ``ModalScreen[str]`` as ``ModalScreen``'s; [] for any other expression."""
    if isinstance(expression, ast.Subscript):
        return _dotted(expression.value)
    if isinstance(expression, ast.Attribute):
        head = _dotted(expression.value)
        return [*head, expression.attr] if head else []
    return [expression.id] if isinstance(expression, ast.Name) else []


def _out_of_order_fields_made(path: Path) -> list[str]:
    """Where the module at ``path`` makes such a field (``Input(...)``) or a class of one (``class Box(TextArea)``)."""
    module = ".".join(("crewdeck", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # What the names the module's imports bind stand for: "Input" for "textual.widgets.Input"; those inside a function
    # too (the app imports some there, for its start-up), as if at its top: a field made there was never seen.
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update((alias.asname or alias.name, f"{node.module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]  # what "import textual.widgets" binds; "... as w" binds w to the module
                names[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ClassDef) and node in tree.body:
            names[node.name] = f"{module}.{node.name}"

    def out_of_order(expression: ast.expr) -> bool:
        dotted = _dotted(expression)
        meant = names.get(dotted[0], "") if dotted else ""
        if not meant.startswith(("textual", "crewdeck")):
            return False
        named = pkgutil.resolve_name(meant)
        for name in dotted[1:]:
            named = getattr(named, name, None)
        return _out_of_order_field(named)

    made = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and out_of_order(node.func):
            made.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node.func)}(...)")
        elif isinstance(node, ast.ClassDef) and any(out_of_order(base) for base in node.bases):
            if node in tree.body and not out_of_order(ast.Name(node.name)):
                continue  # a field of its own that takes them in order (OneLineInput)
            made.append(f"{path.relative_to(ROOT)}:{node.lineno}: class {node.name}")
    return made


def test_every_text_field_the_app_makes_takes_a_burst_of_keys_in_order() -> None:
    """A text field is a ``OneLineInput``, a text area a ``MultiLineInput``: Textual's ``Input`` and ``TextArea`` run a
    bound key (backspace, the arrows, home ...) only after the characters typed behind it, so that backspace x3 and "EUR"
    typed fast over "12.50 CHF" left "12.50 CHF".  The planner's fields were plain ``Input`` a session after the others
    had moved; a new field cannot bring that back."""
    made = [
        where
        for folder in ("tui", "widgets")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for where in _out_of_order_fields_made(path)
    ]
    assert made == [], "use crewdeck.widgets' OneLineInput (MultiLineInput for several lines) instead"


# ---------------------------------------------------------------- the type checker


def _editable_tree() -> str:
    """Where the strict editable install keeps its tree of links (crewdeck/sync -> sync/, ...)."""
    site = Path(sysconfig.get_paths()["purelib"])
    found = sorted(site.glob("__editable__.crewdeck-*.pth"))
    assert found, f"crewdeck is not installed editable in {site}: run make test (it installs with editable_mode=strict)"
    return found[0].read_text().strip()


_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(.*)$")


def _unexplained_ignores() -> dict[str, list[str]]:
    """File -> its ``# type: ignore`` lines without an error code or a comment saying why (after it or on the line above)."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for folder in ("sync", "tui", "widgets") for p in (ROOT / folder).rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            ignore = _IGNORE.search(line)
            if ignore is None:
                continue
            code, after = ignore.groups()
            why = after.strip().lstrip("#").strip() or (number > 0 and lines[number - 1].strip().startswith("#"))
            if not code or not why:
                found.setdefault(path.relative_to(ROOT).as_posix(), []).append(f"{number + 1}: {line.strip()}")
    return found


def test_the_type_checker_finds_nothing(tmp_path: Path) -> None:
    """mypy --strict (pyproject.toml) over the whole package, by its import name.

    Run from outside the repository, so that the bare folders sync/, tui/ and
    widgets/ cannot stand in for crewdeck.*, with the editable install's tree
    on MYPYPATH, so that mypy checks crewdeck as our code and not as an
    installed library whose errors it keeps quiet.
    """
    done = subprocess.run(
        [str(BIN / "mypy"), "-p", "crewdeck", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(ROOT / ".mypy_cache")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": _editable_tree()},
        timeout=600,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    # mypy says "no issues found in N source files" when clean: N proves it looked at the package, not at nothing.
    assert re.search(r"no issues found in [1-9]\d+ source files", report), report


def test_every_type_ignore_names_its_error_and_why() -> None:
    """``# type: ignore[code]``, with a comment saying why after it or on the line above."""
    unexplained = _unexplained_ignores()
    assert not unexplained, "\n".join(f"{name}:{line}" for name, lines in unexplained.items() for line in lines)


# ---------------------------------------------------------------- what starting imports

#: What ``crewdeck tasks`` never imports: the app and its widgets, the server, the sync client, PostgreSQL, migrations, iCalendar.
NOT_FOR_A_LISTING = (
    "textual",
    "rich",
    "crewdeck.tui.app",
    "crewdeck.widgets",
    "httpx",
    "starlette",
    "uvicorn",
    "psycopg",
    "sqlite_utils",
    "icalendar",
)

#: What a plain ``crewdeck tasks`` (no posts, no series behind, no config file) leaves unimported as well: the
#: modules that edit tasks, describe changes, read posts' rounds, tell of expired posts or sync, and those of the
#: standard library only hashing, month names, suggestions and a config file need.  Each costs a list
#: a millisecond or a few of start-up.
NOT_FOR_A_PLAIN_LIST = (
    "crewdeck.tui.tasks.quickadd",
    "crewdeck.tui.tasks.recurrence",
    "crewdeck.tui.tasks.edits",
    "crewdeck.tui.workspace.describe",
    "crewdeck.tui.posts.reading",
    "crewdeck.tui.posts.expiry",
    "crewdeck.sync.state.postround",
    "crewdeck.sync.client.remote",
    "hashlib",
    "calendar",
    "difflib",
    "tomllib",
)


def _quiet_env(tmp_path: Path) -> dict[str, str]:
    """The suite's clock, an empty config of the test's own, and no frame rate set from outside."""
    config = tmp_path / "config.toml"
    config.write_text("")
    env = {**os.environ, "CREWDECK_CONFIG": str(config)}
    env.pop("TEXTUAL_FPS", None)
    return env


#: Runs a console script (argv: where to write the report, the script, its
#: arguments) and writes every module imported by the time it exits.
MODULES_AT_EXIT = """
import atexit, json, runpy, sys

report = sys.argv[1]
atexit.register(lambda: open(report, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _listed_modules(cli: Cli, report: Path, env: dict[str, str], *args: str) -> set[str]:
    """The modules ``crewdeck tasks ARGS`` had imported when it ended (it must have listed the task added)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            MODULES_AT_EXIT,
            str(report),
            str(BIN / "crewdeck"),
            "-w",
            str(cli.workspace),
            "--as",
            "ana",
            "tasks",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0 and "Draft reel" in done.stdout, done.stderr
    return set(json.loads(report.read_text()))


def _under(imported: set[str], packages: Iterable[str]) -> list[str]:
    names = tuple(packages)
    return sorted(m for m in imported if any(m == name or m.startswith(name + ".") for name in names))


def test_crewdeck_tasks_imports_neither_textual_nor_the_server(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Draft reel @raj due:fri")
    imported = _listed_modules(cli, tmp_path / "modules.json", _quiet_env(tmp_path))
    assert {"crewdeck.tui.cli.cmd_tasks", "crewdeck.tui.tasks.query", "sqlite3"} <= imported  # it ran the command
    assert _under(imported, NOT_FOR_A_LISTING) == []


def test_a_plain_task_list_imports_only_what_listing_needs(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Draft reel @raj #instagram due:fri")
    # No config file at all (tomllib is then not needed): HOME is the test's own.
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("CREWDECK_CONFIG", None)
    imported = _listed_modules(cli, tmp_path / "modules.json", env, "#instagram")
    assert {"crewdeck.tui.cli.cmd_tasks", "crewdeck.tui.tasks.printed", "crewdeck.tui.tasks.behind"} <= imported  # it listed
    assert _under(imported, NOT_FOR_A_PLAIN_LIST) == []


#: Opens the app (argv after ``-c``) and, the moment Textual is first imported,
#: prints what Textual and the interpreter are set to and the modules imported
#: so far, then ends the process.
AT_TEXTUAL_IMPORT = """
import gc, json, os, sys
from importlib.abc import MetaPathFinder


class FirstTextualImport(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "textual":
            seen = {"fps": os.environ.get("TEXTUAL_FPS"), "switch_interval": sys.getswitchinterval(), "gc_enabled": gc.isenabled()}
            print(json.dumps({**seen, "modules": sorted(sys.modules)}), flush=True)
            os._exit(0)
        return None


sys.meta_path.insert(0, FirstTextualImport())
from crewdeck.tui.cli.main import main

sys.exit(main())
"""


def _at_textual_import(cli: Cli, tmp_path: Path) -> dict[str, Any]:
    """What the app's process had set and imported when it first imported Textual."""
    done = subprocess.run(
        [sys.executable, "-c", AT_TEXTUAL_IMPORT, "--workspace", str(cli.workspace), "--as", "ana"],
        capture_output=True,
        text=True,
        env=_quiet_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.startswith("{"), done.stdout + done.stderr
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen


def test_start_up_settings_are_made_before_textual_is_imported(cli: Cli, tmp_path: Path) -> None:
    """Textual reads TEXTUAL_FPS when it is imported; the interpreter's start-up
    settings (the switch interval, the collector held off) must be in force by then too."""
    seen = _at_textual_import(cli, tmp_path)
    seen.pop("modules")
    # All of crewdeck.tui.app.start_settings, none of Textual's or Python's defaults (60 frames a second, 0.005 s).
    assert seen == {"fps": start_settings.FPS, "switch_interval": start_settings.SWITCH_INTERVAL, "gc_enabled": False}


#: What neither the app's start nor its modules import (the first screen needs none of it): the notices of others'
#: changes and of expired posts, which come after the first paint; the activity log's words, said after a key, and what
#: only they read (a task's detail, a post's voided rounds, the results' targets); what a write reads (quick-add and its
#: estimates and series, the edits' rules, the ledger's over-budget notes), a task copied as text and the search of the
#: picker of a duplicate's original; the notice and screen of the drafts kept, said once the first screen is drawn.
#: Each costs the first screen milliseconds of CPU, its dataclasses above all (docs/design-notes.md, "Start-up").
NOT_ON_THE_FIRST_SCREEN = (
    "crewdeck.tui.session.notices",
    "crewdeck.tui.posts.expiry",
    "crewdeck.tui.posts.writing",
    "crewdeck.tui.workspace.describe",
    "crewdeck.tui.session.detail",
    "crewdeck.tui.posts.voiding",
    "crewdeck.tui.results",
    "crewdeck.tui.tasks.quickadd",
    "crewdeck.tui.tasks.estimates",
    "crewdeck.tui.tasks.recurrence",
    "crewdeck.tui.tasks.edits",
    "crewdeck.tui.tasks.view",
    "crewdeck.tui.ledger.overbudget",
    "crewdeck.tui.session.task_search",
    "crewdeck.tui.app.kept_drafts",
)
#: What the app's start leaves unimported until Textual is: the above; the sync client, which a replica's app alone
#: starts; and the rules, which the app's keys ask (who may start a crisis) once it runs.
NOT_BEFORE_TEXTUAL = (*NOT_ON_THE_FIRST_SCREEN, "crewdeck.sync.client.remote", "crewdeck.sync.state.rules")


def test_the_app_imports_before_textual_only_what_its_first_screen_reads(cli: Cli, tmp_path: Path) -> None:
    imported = set(_at_textual_import(cli, tmp_path)["modules"])
    assert {"crewdeck.tui.app.launch", "crewdeck.tui.app.opening", "crewdeck.tui.session.session"} <= imported  # it started
    assert _under(imported, NOT_BEFORE_TEXTUAL) == []


def test_the_apps_modules_import_nothing_its_first_screen_does_not_need(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys, crewdeck.tui.app.app; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        env=_quiet_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stdout))
    assert {"crewdeck.tui.app.tasks_pane", "crewdeck.tui.app.ledger_pane", "crewdeck.tui.app.grid_pane"} <= imported  # the panes
    assert _under(imported, NOT_ON_THE_FIRST_SCREEN) == []


# ---------------------------------------------------------------- every command is explained

Command = tuple[str, argparse.ArgumentParser, "str | None"]


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _children(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = _subparsers(parser)
    return dict(sub.choices) if sub else {}


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[Command]:
    """Every command and subcommand: ``("ledger add", its parser, its help line)``."""
    found: list[Command] = []
    sub = _subparsers(parser)
    if sub is not None:
        helps = {a.dest: a.help for a in sub._choices_actions}
        for name, child in sub.choices.items():
            found.append((f"{prefix}{name}", child, helps.get(name)))
            found.extend(_commands(child, f"{prefix}{name} "))
    return found


def _readme_rows(parser: argparse.ArgumentParser) -> tuple[set[str], list[str]]:
    """``(commands the README's command tables have a row for, rows naming no command)``.

    A row's first cell names commands as ``crewdeck member add/set/rm/list
    ...``: the words that are subcommands, each ``a/b`` one of several.
    """
    found: set[str] = set()
    stale: list[str] = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `crewdeck "):
            continue
        for usage in re.findall(r"`crewdeck ([^`]*)`", line[1:].split(" | ")[0]):
            reached = [("", parser)]
            for word in usage.split():
                if not any(_children(p) for _, p in reached):
                    break  # the arguments of the command named so far
                choices = [(f"{path} {alt}".strip(), _children(p).get(alt)) for path, p in reached for alt in word.split("/")]
                if not all(child for _, child in choices):
                    stale.append(f"`crewdeck {usage}`")
                    reached = []
                    break
                reached = [(path, child) for path, child in choices if child is not None]
            found.update(path for path, _ in reached)
    return found, stale


def test_every_command_has_help_text_and_a_row_in_the_readme() -> None:
    """``crewdeck X --help`` explains X and each option, and the README's tables list X (as sqlite-utils checks its docs)."""
    parser = build_parser()
    commands = _commands(parser)
    assert len(commands) >= 40
    for name, command, short_help in commands:
        assert short_help, f"`crewdeck {name}` has no help line"
        assert command.description, f"`crewdeck {name}` has no description"
        for action in command._actions:
            if action.dest != "help" and not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"`crewdeck {name}`: option {action.dest} has no help"
    documented, stale = _readme_rows(parser)
    assert stale == [], "README rows naming no command"
    leaves = {name for name, command, _ in commands if _subparsers(command) is None}
    assert {"tasks", "member add", "ledger report", "token revoke"} <= documented
    assert sorted(leaves - documented) == [], "commands without a row in the README's tables"


def test_every_option_of_every_command_is_in_the_readme() -> None:
    """A flag ``--help`` lists is one the README names too, so that reading it tells all a command takes
    (``tasks --sort``, ``campaign set --rename`` were in ``--help`` alone)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", readme))
    missing = sorted(
        f"crewdeck {name} {option}"
        for name, command, _ in _commands(build_parser())
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help" and option not in named
    )
    assert missing == []
