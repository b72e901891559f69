"""The README's and ``--help``'s example commands run as written on the demo workspace (`make run`'s), as a newcomer
types them, and *Sharing a workspace*'s on the new file its first line makes, in order."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main, parse

from .apphelp import demo_workspace
from .conftest import Cli

README = Path(__file__).resolve().parents[1] / "README.md"

#: Examples as the README spells them (in a code span or a code block): whole command lines, each run after the one
#: before it in its tuple, or (the command it goes to, the text it gives).  Those that need a server, another host
#: or a file of the reader's own are not here.
COMMAND_LINES: list[str | tuple[str, ...]] = [
    'crewdeck campaign add "Summer Drop" --platforms instagram,tiktok --audience-tz America/New_York --start 2027-06-01 --end 2027-07-31',
    (
        'crewdeck member add noor --name "Noor Haddad" --tz Europe/London --hours "mon-fri 10:00-18:30" --role designer',
        "crewdeck member set noor --handle noorh",
    ),
    "crewdeck member set raj --access manager",
    "crewdeck member set ana --access manager",
    "crewdeck member set raj --groups brand,legal",
    'crewdeck campaign set spring-launch --target "ctr>=1.2%" --target "cpa<=4.00 EUR" --target "er_reach>=3%" --target "roas>=3"',
    'crewdeck campaign set spring-launch --approvals "copy:@mia; brand:group=brand"',
    'crewdeck workspace set approvals "copy:@mia"',
    "crewdeck config set keymap.triage.done o",
    "crewdeck zones",
    "crewdeck overlap ana raj sofia --optional mia --duration 45m --days 5",
    'crewdeck overlap ana raj sofia --book "Weekly sync"',
    "crewdeck overlap ana sofia --json --zone UTC",
    "crewdeck export --ics -o team.ics",
    "crewdeck kpi review on",
    "crewdeck doctor",
]
TEXTS = [
    ("add", "Draft reel @raj #instagram +spring-launch/instagram !high due:fri 17:00 Europe/Berlin estimate:2h"),
    ("post add", "Launch reel +spring-launch post:instagram publish:fri 18:00"),
    ("budget", 'budget set +spring-launch ads "5000 USD"'),
    ("rate", "rate set 2026-11-01 USD/EUR 0.9215"),
    ("kpi", "kpi add /instagram today followers=5200"),
    *(
        ("tasks", term)
        for term in (
            "due:<fri 18:00",
            "due:dec 9",
            "due:>mon 09:00 Asia/Tokyo",
            "due:fri Asia/Tokyo",
            "due:fri eod",
            "due:<now",
            "due:<+3h",
        )
    ),
]


def _said(text: str) -> str:
    return " ".join(text.split())


def _readme() -> str:
    return _said(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lines", [(line,) if isinstance(line, str) else line for line in COMMAND_LINES], ids=str)
def test_a_readme_command_line_runs_as_written_on_the_demo(lines: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cli = Cli(demo_workspace(tmp_path / "demo.db"))
    for line in lines:
        assert line in _readme(), f"the README no longer gives {line}"
        result = cli(*shlex.split(line)[1:])
        assert result.code == 0, result.err


@pytest.mark.parametrize(("command", "text"), TEXTS)
def test_a_readme_example_runs_as_written_on_the_demo(command: str, text: str, tmp_path: Path) -> None:
    assert re.search(rf"`{re.escape(text)}`", _readme()), "the README no longer gives this example"
    cli = Cli(demo_workspace(tmp_path / "demo.db"))
    args = [*command.split(), text] if command in ("add", "post add", "tasks") else shlex.split(text)
    result = cli(*args)
    assert result.code == 0, result.err


def _examples() -> list[tuple[str, list[str]]]:
    """Each command's ``--help`` examples: ``(the command, its example lines)``."""
    from crewdeck.tui.cli.main import Parser, build_parser

    found: list[tuple[str, list[str]]] = []

    def walk(parser: argparse.ArgumentParser) -> None:
        if isinstance(parser, Parser) and parser.examples:
            found.append((parser.prog, list(parser.examples)))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)

    walk(build_parser())
    return found


def test_the_commands_that_need_them_give_examples_in_their_help() -> None:
    given = {prog for prog, _ in _examples()}
    assert {"crewdeck add", "crewdeck tasks", "crewdeck set", "crewdeck config set", "crewdeck ledger add", "crewdeck member add"} <= given
    assert "examples:\n  crewdeck config set theme nord\n" in build_help("config", "set")


def build_help(*command: str) -> str:
    from crewdeck.tui.cli.main import build_parser

    parser: argparse.ArgumentParser = build_parser()
    for word in command:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[word]
    return parser.format_help()


@pytest.mark.parametrize(("prog", "lines"), _examples(), ids=[prog for prog, _ in _examples()])
def test_every_help_example_runs_as_written_on_the_demo(
    prog: str, lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    demo = demo_workspace(tmp_path / "demo.db") if not prog.endswith(("init", "demo")) else None
    with Store(demo or tmp_path / "none.db") if demo else contextlib.nullcontext() as store:
        task = (
            next((row_id for row_id, v in store.records("task") if v.get("status") == "todo" and not v.get("publish")), "") if store else ""
        )
    for line in lines:
        words = shlex.split(line.replace("1a2b3c4d", task[:8]))[1:]
        if demo is None:  # a command that makes its workspace, and what runs on it
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(words)
            assert code == 0, err.getvalue()
        else:
            result = Cli(demo)(*words)
            assert result.code == 0, (line, result.err)


#: What a line of *Sharing a workspace* needs that a test on one machine has not: a server running, another host, a
#: database.  Those lines are left out; every other `crewdeck` line runs, in the README's order.
NEEDS_A_SERVER = {"serve", "join", "sync", "publish"}
#: Words the reader replaces with their own: a key pasted in part, an id `token list` or `web links` gives.
PLACEHOLDERS = ("...", "3f9c2a1b7d4e")


def sharing_lines(*, every: bool = False) -> list[list[str]]:
    """The `crewdeck` lines of *Sharing a workspace*'s shell blocks, continuations joined, as a team lead types them
    one after another; the blocks for PostgreSQL (`--database`), the lines that need a server and those with words to
    replace left out, unless ``every``."""
    section = README.read_text(encoding="utf-8").split("\n## Sharing a workspace\n", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```sh\n")[1:]]
    lines: list[list[str]] = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if not words or words[0] != "crewdeck":
                continue
            command = _command(words)
            serving = command[0] == "web" and command[1:2] not in (["link"], ["links"], ["unlink"])
            runs_here = "--database" not in block and not any(p in line for p in PLACEHOLDERS)
            if every or (runs_here and command[0] not in NEEDS_A_SERVER and not serving):
                lines.append(words)
    return lines


def test_every_crewdeck_line_of_sharing_a_workspace_names_commands_and_options_crewdeck_has() -> None:
    # The lines the test below cannot run (a server, a database, an id to replace) are read as crewdeck reads its
    # arguments: `web unlnk` or `--ssh-key-remove` typed there went unseen.
    lines = sharing_lines(every=True)
    assert len(lines) > len(sharing_lines()), "no line was left out of the run"
    for words in lines:
        argv = words[1 : words.index("|") if "|" in words else len(words)]
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                parse(argv)
            except SystemExit:
                pytest.fail(f"{shlex.join(words)}: {err.getvalue().strip()}")


def _command(words: list[str]) -> list[str]:
    """``crewdeck -w FILE member set raj ...``'s ``["member", "set", "raj", ...]``: the words after the global options."""
    rest = words[1:]
    while rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in ("-w", "--workspace") else rest[1:]
    return rest


def test_the_readmes_sharing_commands_run_in_order_on_a_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The block of `web link @acme-client` named a client no line had added: followed as written, it was refused
    # ("unknown member @acme-client").
    lines = sharing_lines()
    said = [" ".join(words) for words in lines]
    monkeypatch.chdir(tmp_path)
    places = {"/srv/team/": tmp_path / "srv-team", "/srv/restore/": tmp_path / "srv-restore", "~/": tmp_path / "home"}
    for place in places.values():
        place.mkdir()
    ran: list[list[str]] = []
    for words, line in zip(lines, said, strict=True):
        piped = words.index("|") if "|" in words else len(words)
        command = [_here(word, places) for word in words[1:piped]]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(command)
        assert code == 0, (line, err.getvalue())
        ran.append(_command(words))
        if piped < len(words):  # `export | cmp - team.json && echo same`: the copy exports as the backup, byte for byte
            assert words[piped + 1 : piped + 3] == ["cmp", "-"], line
            assert out.getvalue() == (tmp_path / words[piped + 3]).read_text(encoding="utf-8"), line
    # Each of the section's ways that needs no server was run, not left out as one.
    assert {"init", "member", "ssh", "web", "token", "config", "export", "import"} <= {command[0] for command in ran}, ran


def _here(word: str, places: dict[str, Path]) -> str:
    """``word`` with the README's places (``/srv/team/``, ``~/``) put in the test's own directory."""
    for written, here in places.items():
        word = word.replace(written, f"{here}/")
    return word
