"""The command line imports only the named command's module to parse it (issue 18: ~100 ms of every command)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from crewdeck.tui.cli.main import COMMAND_MODULES, COMMAND_OF, Parser, build_parser, command_module, global_options


def test_each_command_is_registered_by_the_module_named_for_it() -> None:
    for module in COMMAND_MODULES:
        parser = Parser()  # the command line's, whose commands may give examples
        sub = parser.add_subparsers()
        importlib.import_module(f"crewdeck.tui.cli.{module}").register(sub, [global_options(suppress=True)])
        for name in sub.choices:
            # Every command in the map: one left out would still work, but build every parser to run.
            assert COMMAND_OF.get(name) == module, f"`{name}` is registered by {module}, not {COMMAND_OF.get(name)}"
    assert set(COMMAND_OF.values()) <= set(COMMAND_MODULES)


@pytest.mark.parametrize(
    "argv",
    [
        ["tasks", "#instagram", "due:<+13d", "--limit", "5"],
        ["-w", "x.db", "--as", "raj", "set", "abcd", "title=New"],
        ["--workspace=x.db", "import", "--from", "trello", "b.json", "--map-status", "Later=todo", "--dry-run"],
        ["ledger", "add", "--campaign", "c", "--category", "ads", "--amount", "1 EUR", "--payee", "P"],
    ],
)
def test_one_module_parses_a_command_as_all_of_them_do(argv: list[str]) -> None:
    module = command_module(argv)
    assert module is not None
    one, _ = build_parser([module]).parse_known_args(argv)
    every, _ = build_parser().parse_known_args(argv)
    # A command's function may be made as its parser is (a closure): the same code, another object.
    assert one.func.__code__ is every.func.__code__
    assert {**vars(one), "func": None} == {**vars(every), "func": None}


def test_what_the_peek_leaves_to_the_whole_parser() -> None:
    assert command_module(["--help"]) is None
    assert command_module(["-wx.db", "tasks"]) is None
    assert command_module(["no-such-command"]) is None
    assert command_module([]) is None


def test_parsing_a_command_imports_only_its_module() -> None:
    code = (
        "import sys; from crewdeck.tui.cli.main import parse; parse(['-w', 'x.db', 'tasks', '#a']); "
        "print(sorted(m for m in sys.modules if m.startswith('crewdeck.tui.cli.cmd_')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "['crewdeck.tui.cli.cmd_tasks']"


def test_serving_loads_nothing_a_sync_rounds_report_names_things_with() -> None:
    # ``describe`` (and what it imports) was some 13 ms of every `crewdeck serve`'s start-up, which reports no round.
    code = (
        "import sys; from crewdeck.tui.cli.main import parse; parse(['serve', 'x.db']); "
        "import crewdeck.sync.server.app, crewdeck.sync.server.filestore, crewdeck.sync.server.guard; "
        "print(sorted(m for m in sys.modules if m.startswith('crewdeck.tui.') and m.rsplit('.', 1)[1] in ('describe', 'named', 'accounts')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
