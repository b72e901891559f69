"""Every command, every option, adversarial values: no input reaches a traceback.

The parser of ``crewdeck`` is walked (every subcommand, every positional
and option), and hypothesis builds command lines from values chosen to
break things: huge and negative numbers, empty strings, control
characters, bytes that are not UTF-8 (surrogates, as Python hands them
over), dates at the calendar's ends, zones that are not zones.  Each runs
in this process against a small real workspace copied fresh for the
example; it must exit 0, or 2 with exactly one line on stderr.

Nothing here may block or leave the machine: ``serve`` gets only files that
are not workspaces (it refuses before listening), ``join`` only addresses on
the loopback where nothing listens, ``--database`` only a refused port or
text that is no DSN.  The app (no command) is not run.

``CREWDECK_FUZZ_EXAMPLES=N`` runs N examples per command with fresh random
seeds (the suite's run is derandomized and small, to stay fast).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crewdeck.tui.cli.main import build_parser

from .fuzzsupport import Example, Template, make_template

LONG_RUN = int(os.environ.get("CREWDECK_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=LONG_RUN or 15,
    derandomize=not LONG_RUN,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- values

HUGE = "9" * 5000
ADVERSARIAL = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "99999999999999999999999",
    HUGE,
    "-" + HUGE,
    "1e309",
    "nan",
    "inf",
    "0x10",
    "١٢",
    "\x00",
    "a\nb",
    "\r",
    "\t",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x9b31m",
    "\u202eevil",
    "bad\udcffbyte",
    "\udcff",
    "\ud800",
    "-",
    "--",
    "-x",
    "@",
    "+",
    "#",
    "!",
    ":",
    "=",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "..",
    "/",
    "~",
    "A" * 300,
    "x" * 5000,
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "9998-12-31",
    "2026-02-30",
    "2026-13-01",
    "2026-W53",
    "2026-W99",
    "2026-Q5",
    "9999",
    "0000",
    "25:00",
    "24:00",
    "23:60",
    "13pm",
    "0am",
    "Mars/Olympus",
    "UTC+5",
    "GMT-03:30",
    "America",
    "Europe/",
    "../etc/passwd",
    "UTC",
    "Asia/Kathmandu",
    "ana",
    "@ana",
    "raj",
    "zed",
    "+spring-launch",
    "+none",
    "spring-launch",
    "#instagram",
    "today",
    "tomorrow",
    "fri",
    "next mon",
    "+3d",
    "+9999w",
    "+9999m",
    "+9999h",
    "fri 17:00",
    "eod",
    "100",
    "100 EUR",
    "-100 EUR",
    "0.001 EUR",
    "1.234 EUR",
    "12,50",
    "1e3",
    "100 XXX",
    "9223372036854775808",
    "USD/EUR",
    "EUR/EUR",
    "usd:eur",
    "0.9215",
    "0",
    "-0.5",
    "1." + "9" * 30,
    "mon-fri 09:00-17:00",
    "mon-fri 9-5",
    "sun 23:00-01:00",
    "mon 25:00-26:00",
    "run",
    "2026-11",
    "2026-00",
    "all",
    "2026-11-26",
    "2026-Q4",
    "2026-W48",
    "9998",
    "1900-01-01",
]
GENERIC = st.one_of(
    st.sampled_from(ADVERSARIAL),
    st.text(max_size=12),
    st.integers().map(str),
    st.lists(st.sampled_from(ADVERSARIAL), min_size=2, max_size=4).map(" ".join),
)

#: Files every example finds in its directory (see ``_files``); paths outside it only where nothing can be written.
PATHS = [
    "team.db",
    "missing.db",
    "new.db",
    "sub/new.db",
    "nodir/x.db",
    ".",
    "",
    "-",
    "notes.txt",
    "tw.json",
    "export.json",
    "ledger.csv",
    "rates.csv",
    "deep.toml",
    "bad.toml",
    "good.toml",
    "out.json",
    "/nonexistent/x",
    "x\x00y",
    "bad\udcff.db",
    "a\nb.db",
    "A" * 300,
]
#: ``serve`` refuses these before it listens: never the workspace, never "" (which means the workspace).
NOT_WORKSPACES = ["missing.db", "notes.txt", ".", "tw.json", "nodir/x.db", "x\x00y", "bad\udcff.db"]
#: Nothing listens on port 1; none of these names a host to look up.
URLS = [
    "http://127.0.0.1:1",
    "https://127.0.0.1:1",
    "http://[::1]:1",
    "http://127.0.0.1:99999",
    "",
    "not a url",
    "127.0.0.1:1",
    "ftp://127.0.0.1:1",
    "http://127.0.0.1:1/\x00",
    "http://\udcff",
    "http://127.0.0.1:-1",
]
DSNS = [
    "postgresql://postgres@127.0.0.1:1/x",
    "postgresql://127.0.0.1:99999/x",
    "not a dsn",
    "host",
    "x=",
    "postgresql://\x00",
    "bad\udcff",
]
HOSTS = ["127.0.0.1", "::1", "\x00", "bad\udcff"]
TOKENS = ["crewdeck_" + "A" * 43, "crewdeck_", "", "x", "bad\udcff"]
DEMO_TASKS = ["0", "1", "3", "-1", "100001", "99999999999", "", "x", HUGE, "1e3"]

QUICK_ADD = st.lists(
    st.sampled_from(
        [
            "Draft",
            "@raj",
            "@nobody",
            "#tag",
            "+spring-launch",
            "+spring-launch/instagram",
            "!high",
            "!x",
            "due:fri",
            "due:",
            "17:00",
            "25:00",
            "UTC+5",
            "Europe/Berlin",
            "due:0001-01-01",
            "due:9999-12-31",
            "publish:tue",
            "every:weekday",
            "every:",
            "09:00",
            "eod",
            "\\#1",
            "due:+9999d",
            "every:month",
            "on",
            "the",
            "31st",
            "every:tue",
            "and",
            "thu",
        ]
    )
    | GENERIC,
    min_size=1,
    max_size=6,
).map(" ".join)
ASSIGNMENTS = (
    st.sampled_from(
        [
            "title=x",
            "title=",
            "status=done",
            "status=nope",
            "priority=high",
            "assignee=@raj",
            "assignee=@nobody",
            "due=9999-12-31",
            "due=0001-01-01",
            "due=fri 25:00",
            "due=fri UTC+5",
            "publish=tue",
            "tags+=a",
            "tags-=a",
            "tags=a,b",
            "depends_on+=0000",
            "estimate=99999999999h",
            "estimate=-1h",
            "estimate=1h30m",
            "every=weekday",
            "every=none",
            "snoozed_until=9999-12-31",
            "campaign=+spring-launch",
            "platform=x y",
            "notes=a\nb",
            "colour=red",
            "=",
            "title+=x",
        ]
    )
    | GENERIC
)

QUERY = st.lists(
    st.sampled_from(
        [
            "all",
            "status:done",
            "status:",
            "status:x,y",
            "@me",
            "@none",
            "@",
            "@nobody",
            "-@raj",
            "#",
            "-#x",
            "+none",
            "+",
            "+nope",
            "!high",
            "!",
            "due:",
            "due:<",
            "due:<9999-12-31",
            "due:>0001-01-01",
            "due:<fri 25:00",
            "due:today",
            "due:none",
            "overdue",
            "snoozed",
            "platform:",
            "is:pending",
            "is:",
            "payee:",
            "cur:",
            "cur:XXX",
            "date:",
            "date:9999",
            "date:2026-W99",
            "%",
            "_",
            "\\",
            "'",
            '"',
        ]
    )
    | GENERIC,
    min_size=1,
    max_size=4,
).map(" ".join)
#: Sharper than GENERIC where a value is parsed by a language of its own.
HOSTILE = {"text": QUICK_ADD, "assignments": ASSIGNMENTS, "query": QUERY}

#: Where a value may reach something that must not run here: only these values, never random ones.
CONFINED: dict[str, st.SearchStrategy[str]] = {
    "path": st.sampled_from(PATHS),
    "file": st.sampled_from(PATHS),
    "output": st.sampled_from(PATHS),
    "ssl_certfile": st.sampled_from(PATHS),
    "ssl_keyfile": st.sampled_from(PATHS),
    "tls_cert": st.sampled_from(PATHS),
    "tls_key": st.sampled_from(PATHS),
    "config": st.sampled_from(PATHS),
    "workspace": st.sampled_from(PATHS),
    "database": st.sampled_from(DSNS),
    "url": st.sampled_from(URLS),
    "host": st.sampled_from(HOSTS),
    "token": st.sampled_from(TOKENS),
}
#: ``serve``'s file and ``demo``'s size: see the module's docstring.
CONFINED_IN = {("serve", "path"): st.sampled_from(NOT_WORKSPACES), ("demo", "tasks"): st.sampled_from(DEMO_TASKS)}

#: What a person would type, so that most examples get past the first check and the adversarial
#: value (one or two per example) reaches deep.  Keyed by (command, dest), then by dest.
PLAUSIBLE_IN = {
    ("campaign", "name"): ["Spring Launch", "+spring-launch", "Winter Sale"],
    ("init", "name"): ["Kim Lee"],
    ("member", "name"): ["Kim Lee"],
    ("serve", "name"): ["team"],
    ("token", "name"): ["team"],
    ("publish", "name"): ["team"],
    ("serve", "path"): ["missing.db", "notes.txt"],  # never the workspace: serving would block
    ("init", "path"): ["new.db"],
    ("demo", "path"): ["new.db"],
    ("join", "path"): ["replica.db"],
    ("import", "file"): ["tw.json", "export.json"],
    ("ledger", "file"): ["ledger.csv"],
    ("rate", "file"): ["rates.csv"],
    ("ledger", "amount"): ["12.50 EUR", "100", "15000 JPY"],
    ("budget", "amount"): ["100", "4000.00 EUR"],
    ("rate", "date"): ["2026-11-01", "today"],
    ("ledger", "date"): ["2026-11-20", "yesterday"],
}
PLAUSIBLE = {
    "workspace": ["team.db"],
    "as_member": ["ana", "raj"],
    "config": ["good.toml"],
    "handle": ["ana", "raj", "kim"],
    "handles": ["ana", "raj"],
    "optional": ["raj"],
    "new_handle": ["kim"],
    "member": ["ana", "ana", "Ana Souza"],
    "tz": ["Europe/Berlin", "Asia/Kolkata"],
    "audience_tz": ["America/New_York"],
    "zone": ["Asia/Tokyo"],
    "hours": ["mon-fri 09:00-17:00", "mon-thu 10:00-18:30; fri 10:00-14:00"],
    "role": ["designer"],
    "unix_user": ["kim", ""],
    "days_off": ["2026-12-24,2026-12-25"],
    "title": ["Team"],
    "currency": ["EUR", "usd"],
    "platforms": ["instagram,tiktok"],
    "start": ["2026-12-01"],
    "end": ["2026-12-31"],
    "reason": ["brand crisis"],
    "rename": ["Spring Launch 2"],
    "text": [
        "Draft carousel @raj #instagram +spring-launch !high due:fri 17:00",
        "Call due:tomorrow 09:00 Asia/Tokyo",
        "Post publish:tue",
        "Standup every:weekday 09:00",
    ],
    "query": ["all", "@raj", "#instagram", "due:<+3d", "+spring-launch", "is:pending", "date:2026-11"],
    "assignments": ["status=done", "priority=high", "due=fri 17:00", "tags+=x", "estimate=1h"],
    "limit": ["5", "1"],
    "days": ["7"],
    "pick": ["1", "2"],
    "duration": ["30m", "1h"],
    "from_day": ["2026-11-30"],
    "book": ["Sync"],
    "campaign": ["spring-launch", "+spring-launch"],
    "category": ["tools", "influencers"],
    "payee": ["Canva"],
    "memo": ["invoice 7"],
    "period": ["2026-11", "2026", "all"],
    "month": ["2026-12"],
    "pair": ["USD/EUR", "GBP/EUR"],
    "rate": ["0.92"],
    "map": ["amount=amount"],
    "label": ["laptop"],
    "key": ["time_format", "default_view", "publish.lead_hours", "theme", "keymap.triage.done", "workspace"],
    "value": ["12h", "24", "inbox", '["09:00"]'],
    "project_prefix": ["campaign."],
    "seed": ["7"],
    "tasks": ["3"],
    "port": ["8471"],
    "date": ["2026-11-20"],
    "amount": ["100"],
    "name": ["team"],
    "path": ["team.db"],
    "output": ["out.json"],
    "file": ["tw.json"],
    "url": ["http://127.0.0.1:1"],
    "token": ["crewdeck_" + "A" * 43],
    "host": ["127.0.0.1"],
    "database": ["postgresql://postgres@127.0.0.1:1/x"],
}


def leaf_commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaf_commands(sub, (*path, name))
            return
    if path:
        yield path, parser


COMMANDS = dict(leaf_commands(build_parser()))
GLOBAL = {"workspace", "as_member", "config", "help"}


def _value(command: tuple[str, ...], dest: str, choices: object, known: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """Mostly what a person would type; one time in four something adversarial (only confined values where a value could escape)."""
    plausible = PLAUSIBLE_IN.get((command[0], dest)) or known.get(f"{command[0]}.{dest}") or known.get(dest) or PLAUSIBLE.get(dest) or ["x"]
    if choices:
        plausible = sorted(map(str, choices))  # type: ignore[call-overload]
    confined = CONFINED_IN.get((command[0], dest), CONFINED.get(dest))
    hostile = confined if confined is not None else HOSTILE.get(dest, GENERIC)
    return st.one_of(st.sampled_from(plausible), st.sampled_from(plausible), st.sampled_from(plausible), hostile)


def _count(nargs: object) -> tuple[int, int]:
    return {None: (1, 1), "?": (0, 1), "*": (0, 3), "+": (1, 3)}.get(nargs, (1, 1))  # type: ignore[call-overload]


@st.composite
def command_lines(draw: st.DrawFn, command: tuple[str, ...], known: dict[str, list[str]]) -> list[str]:
    parser = COMMANDS[command]
    argv = ["-w", draw(_value(command, "workspace", None, known)), "--as", draw(_value(command, "as_member", None, known))]
    if draw(st.integers(0, 9)) == 0:
        argv += ["--config", draw(_value(command, "config", None, known))]
    argv += list(command)
    for action in parser._actions:
        if action.dest in GLOBAL:
            continue
        value = _value(command, action.dest, action.choices, known)
        low, high = _count(action.nargs)
        if action.option_strings:
            if not draw(st.booleans()):
                continue
            flag = draw(st.sampled_from(action.option_strings))
            if action.nargs == 0:
                argv.append(flag)
                continue
            values = draw(st.lists(value, min_size=max(low, 1), max_size=high))
            if len(values) == 1 and flag.startswith("--") and draw(st.booleans()):
                argv.append(f"{flag}={values[0]}")
            else:
                argv += [flag, *values]
        else:
            if command == ("serve",):
                low = 1  # without a file, serve would serve the workspace
            argv += draw(st.lists(value, min_size=low, max_size=high))
    return argv


# ---------------------------------------------------------------- the workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("fuzz-template"))


@pytest.fixture
def example(template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Example:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a fuzzed command line started the server: the generator must not allow it")

    # Serving blocks until stopped: were the generator wrong, the test fails instead of hanging.
    monkeypatch.setattr("crewdeck.sync.server.run", never)
    return Example(template.path, tmp_path)


STDIN = st.sampled_from(
    [
        "",
        "[]",
        "{}",
        "date,pair,rate\n",
        "\udcff",
        "[" * 5000,
        '{"format": "crewdeck-export", "version": 1}',
        "date,campaign,category,payee,amount\n9999-12-31,spring-launch,tools,x,1\n",
    ]
) | st.text(max_size=40)


@pytest.mark.parametrize("command", sorted(COMMANDS), ids=" ".join)
def test_no_command_line_reaches_a_traceback(template: Template, example: Example, command: tuple[str, ...]) -> None:
    @SETTINGS
    @given(argv=command_lines(command, template.known), stdin=STDIN)
    def run(argv: list[str], stdin: str) -> None:
        try:
            code, out, err = example.run(argv, stdin)
        except Exception as exc:
            raise AssertionError(f"crewdeck {argv!r} raised {exc!r}") from exc
        assert "Traceback" not in err
        # A list that lists nothing exits 1 (as Taskwarrior's report), saying so on standard error and printing nothing;
        # so does a filter given to rm, set or done that matches nothing ("set: nothing written: no tasks match").
        nothing = err.startswith("no ") or err.startswith(
            tuple(f"{c}: nothing {w}: no " for c in ("rm", "set", "done") for w in ("deleted", "written"))
        )
        # 75: try again later (a lock held past the wait, a sync server out of reach), said as an error is.
        assert code in (0, 2, 75) or (code == 1 and out == "" and nothing), (argv, code, err)
        if code in (2, 75):
            # One error line; above it, an import that lists its bad rows gives each its own line (FILE:LINE: ...), and
            # first a warning is one line of its own (join --token: the token is in the process list), said before
            # anything is done.
            *listed, last, end = err.split("\n")
            while listed and listed[0].startswith("crewdeck: warning: "):
                del listed[0]
            assert end == "" and last.startswith("crewdeck: error: "), (argv, err)
            assert not listed or last.endswith("(listed above)"), (argv, err)

    run()


def test_every_command_is_fuzzed() -> None:
    # A new command is fuzzed without a change here; this guards the walk itself.
    assert {"add", "tasks", "serve", "join", "publish", "import"} <= {c[0] for c in COMMANDS}
    assert ("ledger", "import") in COMMANDS and ("config", "set") in COMMANDS and len(COMMANDS) >= 35
