"""crewdeck run as a cron job runs it: its own process, a bare environment, standard output a pipe or a file.

Such a process's standard output is buffered (no ``PYTHONUNBUFFERED``), so a short listing is written only as the
process ends: a reader gone by then, or a full disk, is met there.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from crewdeck.sync.state.sshkeys import parse_key
from crewdeck.tui.cli.exit_status import STATUS_75_NOT, STATUS_ONE
from crewdeck.tui.cli.main import build_parser
from crewdeck.tui.ssh.session import running_account

from .conftest import NOW_TEXT, ROOT, Cli, Result, on_a_terminal
from .importfixtures import asana_csv, asana_rows, linear_csv, trello_board, trello_json

#: What prints to standard output without reading or writing the workspace (argparse's own output) and what reads it.
PRINTING = [("--version",), ("--help",), ("tasks", "--help"), ("member", "list"), ("log",)]


#: Two tasks, as ``task export`` writes them.
TASKWARRIOR_EXPORT = json.dumps(
    [
        {
            "uuid": f"{digit}1111111-1111-1111-1111-111111111111",
            "description": f"Task {digit}",
            "status": "pending",
            "entry": "20261201T000000Z",
        }
        for digit in "12"
    ]
).encode()

#: crewdeck as its console script runs it.
CREWDECK = ("-m", "crewdeck.tui.cli.main")


def as_cron(
    cli: Cli,
    tmp_path: Path,
    stdout: int,
    *args: str,
    stdin: bytes = b"",
    encoding: str | None = None,
    env: Mapping[str, str] | None = None,
    program: Sequence[str] = CREWDECK,
    stderr: int = subprocess.PIPE,
) -> Result:
    """``crewdeck ARGS`` in a process of its own, with no more environment than cron gives it (and ``env``), its output
    to ``stdout`` (``encoding``: the standard streams' as a locale of that encoding makes them, ISO-8859-1 say)."""
    config = tmp_path / "config.toml"
    config.touch()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config), "CREWDECK_NOW": NOW_TEXT}
    if encoding:
        environment["PYTHONIOENCODING"] = encoding
    environment.update(env or {})
    argv = [sys.executable, *program, "-w", str(cli.workspace), "--as", "ana", *args]
    done = subprocess.run(argv, input=stdin, stdout=stdout, stderr=stderr, cwd=ROOT, env=environment, timeout=120, check=False)
    return Result(done.returncode, "", done.stderr.decode() if done.stderr is not None else "")


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_output_whose_reader_went_away_ends_quietly_with_status_0(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    """``crewdeck log | head -1`` from a cron job: the interpreter's exit said "Exception ignored ... BrokenPipeError"
    with status 120, and ``--version`` ended in a traceback."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        ran = as_cron(cli, tmp_path, writer, *args)
    finally:
        os.close(writer)
    assert (ran.code, ran.err) == (0, "")


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_output_to_a_full_disk_is_one_error_line_and_status_2(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    """``crewdeck member list > report.txt`` on a full disk: status 120 and "Exception ignored", and ``--help`` lost
    with status 0 (argparse drops a failed write), where a script is to learn that nothing was written."""
    with open("/dev/full", "wb") as full:
        ran = as_cron(cli, tmp_path, full.fileno(), *args)
    assert (ran.code, ran.err) == (2, "crewdeck: error: standard output: No space left on device\n")


def test_a_change_whose_output_a_full_disk_lost_is_said_made_with_status_3(cli: Cli, tmp_path: Path) -> None:
    """``crewdeck add X > out`` on a full disk added the task, then exited 2 with no word of it, as a refusal does: a
    script that ran it again added it twice."""
    with open("/dev/full", "wb") as full:
        ran = as_cron(cli, tmp_path, full.fileno(), "add", "Brief the agency")
    (task,) = json.loads(cli.ok("tasks", "--json"))
    assert ran.code == 3
    assert ran.err == (
        f"crewdeck: error: standard output: No space left on device; the change was made all the same: task {task['id'][:8]}; "
        "do not run the command again\n"
    )


@pytest.mark.parametrize(
    ("args", "made"),
    [
        (
            ("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "12.00 EUR", "--payee", "Meta"),
            "ledger entry ",
        ),
        (("post", "add", "Launch reel +spring-launch post:instagram"), "post "),
    ],
    ids=["ledger add", "post add"],
)
def test_every_command_that_wrote_says_its_change_made_when_its_output_is_lost(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], made: str
) -> None:
    with open("/dev/full", "wb") as full:
        ran = as_cron(cli, tmp_path, full.fileno(), *args)
    assert ran.code == 3, ran.err
    assert f"; the change was made all the same: {made}" in ran.err


@pytest.mark.parametrize(
    ("args", "made"),
    [
        (("budget", "set", "spring-launch", "ads", "1000 EUR"), "the ads budget of Spring Launch for the run"),
        (("rate", "set", "2026-11-01", "USD/EUR", "0.92"), "the USD/EUR rate of 2026-11-01"),
        (("kpi", "add", "+spring-launch/instagram", "2026-11-20", "clicks=3"), "the results of Spring Launch on instagram on 2026-11-20"),
        (("rate", "import", "-"), "2 rates"),
    ],
    ids=["budget set", "rate set", "kpi add", "rate import"],
)
def test_a_record_keyed_by_what_it_holds_is_said_made_in_words_or_counted(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], made: str
) -> None:
    """A budget, a rate or a result was said made by its id cut short: "budget budget:1", "rate rate:202", "result
    result:c" (reviewer ro)."""
    rates = b"date,pair,rate\n2026-11-10,GBP/EUR,1.15\n2026-11-11,GBP/EUR,1.16\n"
    with open("/dev/full", "wb") as full:
        ran = as_cron(cli, tmp_path, full.fileno(), *args, stdin=rates)
    assert ran.code == 3, ran.err
    assert ran.err.endswith(f"; the change was made all the same: {made}; do not run the command again\n"), ran.err


def test_a_listing_whose_catch_up_wrote_is_no_change_made_and_an_undo_is_one(cli: Cli, tmp_path: Path) -> None:
    """``tasks > report`` on a full disk whose catch-up made a series' next instance would be said a change made, not
    to run again, where nobody asked for it and running it again writes nothing; ``undo`` is the change it is run for."""
    task = cli.ok("add", "Standup").strip()
    cli.ok("set", task, "every=day 09:00")
    later = {"CREWDECK_NOW": "2026-12-02T12:00:00Z"}  # days after: the series is behind
    with open("/dev/full", "wb") as full:
        listed = as_cron(cli, tmp_path, full.fileno(), "tasks", env=later)
        undone = as_cron(cli, tmp_path, full.fileno(), "undo", env=later)
    assert (listed.code, listed.err) == (2, "crewdeck: error: standard output: No space left on device\n")
    assert [row["title"] for row in json.loads(cli.ok("tasks", "all", "--json"))] == ["Standup", "Standup"]  # caught up
    assert undone.code == 3, undone.err
    assert f"; the change was made all the same: task {task[:8]}; do not run the command again\n" in undone.err


def test_an_import_whose_output_is_lost_says_what_it_imported_and_its_dry_run_nothing(cli: Cli, tmp_path: Path) -> None:
    """What a dry run wrote is rolled back: no change to say, and the status of a failure, 2; the import itself says
    the tasks it made."""
    args = ("import", "--from", "taskwarrior", "-")
    with open("/dev/full", "wb") as full:
        rehearsed = as_cron(cli, tmp_path, full.fileno(), *args, "--dry-run", stdin=TASKWARRIOR_EXPORT)
        imported = as_cron(cli, tmp_path, full.fileno(), *args, stdin=TASKWARRIOR_EXPORT)
    assert (rehearsed.code, rehearsed.err) == (2, "crewdeck: error: standard output: No space left on device\n")
    assert (imported.code, imported.err) == (
        3,
        "crewdeck: error: standard output: No space left on device; the change was made all the same: "
        "2 tasks (11111111, 21111111); do not run the command again\n",
    )


@pytest.mark.parametrize("args", [("tasks", "--bogus"), ("nosuchcmd",), ("tasks", "#nomatch"), ("ledger", "import", "/none")], ids=" ".join)
def test_a_commands_status_stays_its_own_when_standard_error_cannot_be_written(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    """``crewdeck ledger import x.csv 2>&1 | logger`` with the logger gone: a usage error or a refusal exited 0, as if
    the reader of its output had gone, and to a full disk 1, "nothing matched" (reviewer rb)."""
    status = as_cron(cli, tmp_path, subprocess.DEVNULL, *args).code
    assert status in (1, 2)
    reader, writer = os.pipe()
    os.close(reader)
    try:
        gone = as_cron(cli, tmp_path, subprocess.DEVNULL, *args, stderr=writer).code
    finally:
        os.close(writer)
    with open("/dev/full", "wb") as full:
        full_disk = as_cron(cli, tmp_path, subprocess.DEVNULL, *args, stderr=full.fileno()).code
    assert (gone, full_disk) == (status, status)


def every_command(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and each of its commands and subcommands."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from every_command(command)


def test_every_help_ends_with_its_exit_statuses_and_where_its_output_goes() -> None:
    """A script's author read ``--help`` for what a failure exits with and found nothing: not that ``tasks`` exits 1
    when its filter matches nothing, nor ``doctor`` while problems remain, nor what goes to standard error."""
    commands = list(every_command(build_parser()))
    for command in commands:
        shown = command.format_help()
        section = shown[shown.index("\nexit status:\n") :]
        assert "  0  done\n" in section and "  2  an error" in section and "standard error" in section, command.prog
        assert "  75  try again later" in section, command.prog
        assert (command.prog in STATUS_75_NOT) == (f"({STATUS_75_NOT.get(command.prog)})\n" in section), command.prog
        assert "  3  the change was made, but its output" in section, command.prog
        assert ("  1  " in section) == (command.prog == "crewdeck" or command.prog in STATUS_ONE), command.prog
        takes_json = any("--json" in action.option_strings for action in command._actions)
        assert ("--json: one JSON document" in section) == takes_json, command.prog
    assert set(STATUS_ONE) | set(STATUS_75_NOT) <= {command.prog for command in commands}


@pytest.mark.parametrize(
    ("args", "one"),
    [(("tasks",), "a filter matched no task"), (("doctor",), "problems remain"), (("ledger", "report"), None), ((), "nothing matched")],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_help_read_by_a_script_names_what_exit_status_1_means(tmp_path: Path, args: tuple[str, ...], one: str | None) -> None:
    config = tmp_path / "config.toml"
    config.touch()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config)}
    argv = [sys.executable, "-m", "crewdeck.tui.cli.main", *args, "--help"]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, cwd=ROOT, env=environment, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    section = done.stdout.decode().split("\nexit status:\n")[1]
    assert section.startswith("  0  done\n")
    assert (f"  1  {one}" in section) if one else ("  1  " not in section)


def test_an_export_to_a_file_under_a_latin_1_locale_is_utf_8_with_every_title_whole(cli: Cli, tmp_path: Path) -> None:
    """``crewdeck export > backup.json`` from a cron job under a locale of ISO-8859-1 ended in a traceback at the
    first title in Greek, CJK or an emoji, the backup left empty."""
    cli.ok("add", "Ελληνικά 日本語 🎉 reel")
    backup = tmp_path / "backup.json"
    with backup.open("wb") as out:
        ran = as_cron(cli, tmp_path, out.fileno(), "export", encoding="iso8859-1")
    assert (ran.code, ran.err) == (0, "")
    titles = [task["title"] for task in json.loads(backup.read_bytes().decode("utf-8"))["task"]]
    assert "Ελληνικά 日本語 🎉 reel" in titles


def test_spend_piped_in_under_a_latin_1_locale_is_read_as_utf_8(cli: Cli, tmp_path: Path) -> None:
    """``ledger import -`` read its UTF-8 as the locale's Latin-1: "Café Ωmega" was entered as "CafÃ© Î©mega", in a
    ledger where an entry is never edited, and said nothing."""
    csv = "date,campaign,category,payee,amount\n2026-11-20,spring-launch,ads,Café Ωmega,12.00 EUR\n".encode()
    ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "ledger", "import", "-", stdin=csv, encoding="iso8859-1")
    assert ran.code == 0, ran.err
    assert [entry["payee"] for entry in json.loads(cli.ok("ledger", "list", "--json"))] == ["Café Ωmega"]


def test_a_terminal_of_a_latin_1_locale_is_shown_what_it_cannot_write_as_escapes(cli: Cli, tmp_path: Path) -> None:
    """``crewdeck tasks`` on such a terminal ended in a traceback at a title in Greek."""
    cli.ok("add", "Ωmega reel")
    lines = on_a_terminal(cli, tmp_path, 120, "tasks", env={"PYTHONIOENCODING": "iso8859-1"})
    assert any(line.endswith("\\u03a9mega reel") for line in lines), lines


def test_an_error_to_a_file_under_a_latin_1_locale_is_utf_8_as_the_output_is(cli: Cli, tmp_path: Path) -> None:
    """A cron job's log (``> log 2>&1``) mixed two encodings: its output UTF-8, its errors the locale's Latin-1
    (reviewer rb)."""
    ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "show", "Café-Ωmega", encoding="iso8859-1")  # decoded as UTF-8
    assert ran.code == 2 and "'Café-Ωmega' is not an id" in ran.err, ran.err


def spend_typed_at_a_terminal(cli: Cli, tmp_path: Path, encoding: str, typed: bytes) -> tuple[int, str]:
    """``crewdeck ledger import -`` with ``typed`` at a terminal (a pty) whose encoding is ``encoding``, then ctrl-d at a
    line's start (the end of the input): its exit status and standard error."""
    leader, follower = pty.openpty()
    config = tmp_path / "config.toml"
    config.touch()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config), "PYTHONIOENCODING": encoding}
    argv = [sys.executable, *CREWDECK, "-w", str(cli.workspace), "--as", "ana", "ledger", "import", "-"]
    with subprocess.Popen(argv, stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=environment) as proc:
        os.close(follower)
        os.write(leader, typed + b"\x04")
        _, err = proc.communicate(timeout=120)
    os.close(leader)
    return proc.returncode, err.decode()


def test_bytes_typed_at_a_terminal_its_encoding_has_no_character_for_name_that_encoding(cli: Cli, tmp_path: Path) -> None:
    """Read in the terminal's own encoding, text it cannot read was called "not UTF-8 text" (reviewer rj)."""
    typed = b"date,campaign,category,payee,amount\n2026-11-20,spring-launch,ads,Caf\x81,12.00 EUR\n"
    assert spend_typed_at_a_terminal(cli, tmp_path, "cp1252", typed) == (
        2,
        "crewdeck: error: nothing imported: standard input: not text in the terminal's encoding (cp1252)\n",
    )


def test_an_export_to_a_pipe_whose_reader_stops_is_an_error(cli: Cli, tmp_path: Path) -> None:
    """``crewdeck export -o FIFO`` whose reader stopped early lost the rest with status 0 and nothing said, as if it
    were standard output's reader gone (reviewer rj)."""
    for number in range(300):
        cli.ok("add", f"Reel {number} " + "x" * 200)
    fifo = tmp_path / "backup.fifo"
    os.mkfifo(fifo)
    with subprocess.Popen(["head", "-c", "100", str(fifo)], stdout=subprocess.DEVNULL):
        ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "export", "-o", str(fifo))
    assert (ran.code, ran.err) == (2, f"crewdeck: error: {fifo}: the reader stopped before the output was all written (Broken pipe)\n")


def test_standard_error_to_a_file_under_a_latin_1_locale_keeps_python_s_escapes() -> None:
    """Made UTF-8, standard error's errors were made strict too: a lone surrogate (a byte of no UTF-8 read from an
    argument or standard input) in a line ended the command in UnicodeEncodeError, where Python escapes it (rj)."""
    script = "import sys\nfrom crewdeck.tui.cli import main\nmain._utf8_streams()\nsys.stderr.write('\\udcff\\n')"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env={**os.environ, "PYTHONIOENCODING": "iso8859-1"}, timeout=60, check=False
    )
    assert (done.returncode, done.stderr) == (0, b"\\udcff\n")


def test_spend_typed_at_a_terminal_of_a_latin_1_locale_is_read_in_its_encoding(cli: Cli, tmp_path: Path) -> None:
    """Standard input was read as UTF-8 at a terminal too, whose keys type the locale's Latin-1: "Café" refused as no
    UTF-8 text (reviewer rb)."""
    typed = "date,campaign,category,payee,amount\n2026-11-20,spring-launch,ads,Café Latin,12.00 EUR\n"
    code, err = spend_typed_at_a_terminal(cli, tmp_path, "iso8859-1", typed.encode("latin-1"))
    assert code == 0, err
    assert [entry["payee"] for entry in json.loads(cli.ok("ledger", "list", "--json"))] == ["Café Latin"]


@pytest.mark.parametrize("args", [("tasks", "all"), ("export",)], ids=" ".join)
def test_output_a_full_disk_cut_part_way_names_standard_output(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    """``crewdeck export > backup.json`` on a full disk said "No space left on device" alone once its output was
    longer than a buffer, where a short one's said ``standard output: ...``: the script's author looked for a file."""
    for number in range(200):
        cli.ok("add", f"Reel {number} " + "x" * 60)
    with open("/dev/full", "wb") as full:
        ran = as_cron(cli, tmp_path, full.fileno(), *args)
    assert (ran.code, ran.err) == (2, "crewdeck: error: standard output: No space left on device\n")


@pytest.fixture(scope="session")
def latin_1_locale(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a locale of ISO-8859-1, built with ``localedef`` (none comes with the system)."""
    if not Path("/usr/share/i18n/locales/en_US").exists():
        pytest.skip("LOUD SKIP: no locale sources to build ISO-8859-1 from (apt-get install locales; .ci/run installs it)")
    where = tmp_path_factory.mktemp("locales")
    subprocess.run(["localedef", "-i", "en_US", "-f", "ISO-8859-1", str(where / "en_US.ISO-8859-1")], check=True, capture_output=True)
    return {"LOCPATH": str(where), "LC_ALL": "en_US.ISO-8859-1"}


@pytest.mark.parametrize("locale", ["ISO-8859-1", "C"])
def test_an_argument_a_utf_8_script_types_under_a_locale_not_utf_8_is_read_as_utf_8(
    cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str], locale: str
) -> None:
    """``crewdeck add "Café Ωmega"`` from a UTF-8 script under a locale of ISO-8859-1 stored "CafÃ© Î©mega", said
    nowhere; under the C locale (its coercion to UTF-8 off), it was refused as no UTF-8 text."""
    env = latin_1_locale if locale != "C" else {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    ran = as_cron(cli, tmp_path, subprocess.DEVNULL, "add", "Café Ωmega", env=env)
    assert (ran.code, ran.err) == (0, "")
    assert [task["title"] for task in json.loads(cli.ok("tasks", "--json"))] == ["Café Ωmega"]


def test_an_argument_not_utf_8_under_a_latin_1_locale_keeps_the_locale_s_reading(
    cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str]
) -> None:
    """An ISO-8859-1 script's "Café" (its é one byte, no UTF-8) is the locale's text, as it was."""
    config = tmp_path / "config.toml"
    config.touch()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config), **latin_1_locale}
    argv = [sys.executable.encode(), *(arg.encode() for arg in CREWDECK), b"-w", bytes(cli.workspace), b"--as", b"ana"]
    done = subprocess.run(
        [*argv, b"add", "Café".encode("latin-1")], capture_output=True, cwd=ROOT, env=environment, timeout=120, check=False
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert [task["title"] for task in json.loads(cli.ok("tasks", "--json"))] == ["Café"]


def test_a_path_not_utf_8_under_a_latin_1_locale_names_the_file_of_its_bytes(
    cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str]
) -> None:
    """An ISO-8859-1 terminal's "café.csv" (its é one byte) was looked for as the UTF-8 of "café.csv", which no file is:
    a path is converted for opening as UTF-8 only where its argument was UTF-8."""
    rates = tmp_path.joinpath("rates.csv")
    rates.write_text("date,pair,rate\n2026-11-10,GBP/EUR,1.15\n", encoding="utf-8")
    named = bytes(tmp_path) + b"/caf\xe9.csv"
    os.rename(rates, named)
    config = tmp_path / "config.toml"
    config.touch()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config), **latin_1_locale}
    argv = [sys.executable.encode(), *(arg.encode() for arg in CREWDECK), b"-w", bytes(cli.workspace), b"--as", b"ana"]
    done = subprocess.run([*argv, b"rate", b"import", named], capture_output=True, cwd=ROOT, env=environment, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    assert [rate["rate"] for rate in json.loads(cli.ok("rate", "list", "--json"))] == ["1.15"]


def under_a_locale(
    tmp_path: Path, locale: Mapping[str, str], env: Mapping[str, str | bytes], *args: str, cwd: Path = ROOT
) -> subprocess.CompletedProcess[bytes]:
    """``crewdeck ARGS`` under ``locale``, with ``env`` (a value in bytes given as those bytes) and no ``--workspace``,
    run in ``cwd``."""
    config = tmp_path / "config.toml"
    config.touch()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CREWDECK_CONFIG": str(config), **locale, **env}
    argv = [sys.executable, *CREWDECK, *args]
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, cwd=cwd, env=environment, timeout=120, check=False)


def test_a_workspace_named_in_the_environment_under_a_latin_1_locale_is_read_as_utf_8(
    cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str]
) -> None:
    """``CREWDECK_WORKSPACE=~/Café Ωmega/team.db`` from a UTF-8 script under a locale of ISO-8859-1 was read as
    "CafÃ© Î©mega", which no file is ("cannot open workspace"), where ``--workspace`` named it; and ``-w`` a path of a
    character ISO-8859-1 lacks ended in a traceback."""
    folder = tmp_path / "Café Ωmega"
    folder.mkdir()
    shutil.copy(cli.workspace, folder / "team.db")
    named = under_a_locale(tmp_path, latin_1_locale, {"CREWDECK_WORKSPACE": str(folder / "team.db")}, "--as", "ana", "add", "Café")
    assert (named.returncode, named.stderr.decode()) == (0, "")
    given = under_a_locale(tmp_path, latin_1_locale, {}, "-w", str(folder / "team.db"), "--as", "ana", "tasks", "--json")
    assert given.returncode == 0, given.stderr.decode()
    assert [task["title"] for task in json.loads(given.stdout)] == ["Café"]


def test_bytes_not_utf_8_in_an_environment_variable_are_refused_by_name_under_a_latin_1_locale(
    tmp_path: Path, latin_1_locale: dict[str, str]
) -> None:
    """Under a locale of ISO-8859-1 any byte read as a character: a workspace named by bytes that are no UTF-8 was
    looked for as "ÿ", where a UTF-8 locale refused it by name before anything ran."""
    ran = under_a_locale(tmp_path, latin_1_locale, {"CREWDECK_WORKSPACE": b"/srv/team-\xff.db"}, "tasks")
    assert (ran.returncode, ran.stderr.decode()) == (2, "crewdeck: error: CREWDECK_WORKSPACE: '/srv/team-\\xff.db' is not UTF-8 text\n")


def test_a_command_sent_over_ssh_under_a_latin_1_locale_is_read_as_utf_8(cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str]) -> None:
    """``ssh team@host add "Café Ωmega"`` to a team account whose locale is ISO-8859-1 stored "CafÃ© Î©mega": sshd
    hands the command over in the environment (SSH_ORIGINAL_COMMAND), read in the locale's encoding."""
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo raj@laptop"
    cli.ok("ssh", "account", running_account())
    cli.ok("member", "set", "raj", "--ssh-key", key)
    session = ("-w", str(cli.workspace), "ssh-session", "raj", "--key", parse_key(key).fingerprint)
    env = {"SSH_ORIGINAL_COMMAND": 'add "Café Ωmega"', "XDG_CACHE_HOME": str(tmp_path / "cache")}
    ran = under_a_locale(tmp_path, latin_1_locale, env, *session)
    assert ran.returncode == 0, ran.stderr.decode()
    assert [task["title"] for task in json.loads(cli.ok("tasks", "--json"))] == ["Café Ωmega"]


@pytest.mark.parametrize("lost", ["client gone", "disk full"])
def test_a_change_over_ssh_whose_output_is_lost_is_said_made_with_status_3_and_made_once(cli: Cli, tmp_path: Path, lost: str) -> None:
    """``ssh team@host add X`` whose client went as the output was written (sshd's end of the session's output closed):
    the task was added and the session ended in 0 with no word of it; with its output on a full disk, in 2 with "No
    space left on device" alone, as a refusal ends: whoever heard either ran the command again, and had it twice."""
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo raj@laptop"
    cli.ok("ssh", "account", running_account())
    cli.ok("member", "set", "raj", "--ssh-key", key)
    session = [sys.executable, *CREWDECK, "-w", str(cli.workspace), "ssh-session", "raj", "--key", parse_key(key).fingerprint]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "CREWDECK_NOW": NOW_TEXT}
    if lost == "client gone":
        reader, output = os.pipe()
        os.close(reader)
    else:
        output = os.open("/dev/full", os.O_WRONLY)
    try:
        env["SSH_ORIGINAL_COMMAND"] = 'add "Brief the agency"'
        ran = subprocess.run(session, stdout=output, stderr=subprocess.PIPE, cwd=ROOT, env=env, timeout=120, check=False)
        env["SSH_ORIGINAL_COMMAND"] = "tasks"  # a reading, its output lost as well: nothing was made, nothing to say
        read = subprocess.run(session, stdout=output, stderr=subprocess.PIPE, cwd=ROOT, env=env, timeout=120, check=False)
    finally:
        os.close(output)
    (task,) = json.loads(cli.ok("tasks", "--json"))
    problem = "the connection closed before the output was all written" if lost == "client gone" else "No space left on device"
    assert (ran.returncode, ran.stderr.decode()) == (
        3,
        f"crewdeck: error: standard output: {problem}; the change was made all the same: task {task['id'][:8]}; "
        "do not run the command again\n",
    )
    assert (read.returncode, read.stderr.decode()) == (
        (0, "") if lost == "client gone" else (2, "crewdeck: error: standard output: No space left on device\n")
    )


def test_a_config_s_workspace_of_a_path_not_ascii_under_a_latin_1_locale_is_opened_and_said_as_written(
    cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str]
) -> None:
    """A config's ``workspace = "/x/Café Ωmega/team.db"`` was converted for the file system twice: "no workspace at
    /x/CafÃ\u0083Â© ..." (reviewer ro); ``config show`` said it "CafÃ© Î©mega"."""
    folder = tmp_path / "Café Ωmega"
    folder.mkdir()
    shutil.copy(cli.workspace, folder / "team.db")
    config = tmp_path / "named.toml"
    config.write_text(f'workspace = "{folder / "team.db"}"\n', encoding="utf-8")
    env = {"CREWDECK_CONFIG": str(config)}
    listed = under_a_locale(tmp_path, latin_1_locale, env, "--as", "ana", "tasks", "--json")
    assert (listed.returncode, listed.stderr.decode(), listed.stdout) == (0, "", b"[]\n")
    shown = under_a_locale(tmp_path, latin_1_locale, env, "config", "show")
    assert f'"workspace": "{folder / "team.db"}"' in shown.stdout.decode(), shown.stdout.decode()
    beside = folder / "c.toml"
    beside.write_text("")
    said = under_a_locale(tmp_path, latin_1_locale, {"CREWDECK_CONFIG": str(beside)}, "config", "path")
    assert said.stdout.decode() == f"{beside}\n", said.stdout.decode()  # said as typed (reviewer rr)
    # Set relative to a directory of such a name, the path is made whole with that name as typed.
    config.write_text("")
    made = under_a_locale(tmp_path, latin_1_locale, env, "config", "set", "workspace", "team.db", cwd=folder)
    assert made.returncode == 0, made.stderr.decode()
    assert config.read_text(encoding="utf-8") == f'workspace = "{folder / "team.db"}"\n'


#: Each command given a file on its command line (not -w, --config nor --token-file): its words, and what the file
#: holds (``None``: a file it writes).
FILE_COMMANDS = {
    "ledger import": (
        ("ledger", "import"),
        "date,campaign,category,payee,amount\n2026-11-20,spring-launch,ads,Café Ωmega,12.00 EUR\n",
    ),
    "rate import": (("rate", "import"), "date,pair,rate\n2026-11-10,GBP/EUR,1.15\n"),
    "kpi import": (("kpi", "import", "--format", "csv"), "date,campaign,platform,impressions\n2026-11-20,spring-launch,instagram,100\n"),
    "import --from taskwarrior": (("import", "--from", "taskwarrior"), TASKWARRIOR_EXPORT),
    "import --from trello": (("import", "--from", "trello"), trello_json(trello_board(cards=2, actions=0))),
    "import --from asana": (("import", "--from", "asana"), asana_csv(asana_rows())),
    "import --from linear": (("import", "--from", "linear"), linear_csv()),
    "export -o": (("export", "-o"), None),
}


@pytest.mark.parametrize("name", ["Café", "Ωmega"])  # é has a Latin-1 byte (another file was looked for), Ω none
@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_file_named_on_the_command_line_under_a_latin_1_locale_is_the_one_its_utf_8_names(
    cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str], command: str, name: str
) -> None:
    """``ledger import "~/Café Ωmega/spend.csv"`` under a locale of ISO-8859-1 ended in a traceback (Ω), or said
    "no such file" (é): only -w, --config and --token-file reached the file the UTF-8 names (reviewer ro)."""
    words, holds = FILE_COMMANDS[command]
    path = tmp_path / name / "file.txt"
    path.parent.mkdir()
    if holds is not None:
        path.write_bytes(holds if isinstance(holds, bytes) else holds.encode())
    ran = under_a_locale(tmp_path, latin_1_locale, {}, "-w", str(cli.workspace), "--as", "ana", *words, str(path))
    assert ran.returncode == 0, ran.stderr.decode()
    if holds is None:
        assert json.loads(path.read_bytes())["format"] == "crewdeck-export"


def test_a_file_under_a_latin_1_locale_is_named_in_messages_as_typed(cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str]) -> None:
    """A path not ASCII was said converted for the file system, "CafÃ©" for "Café" (reviewer ro)."""
    folder = tmp_path / "Café Ωmega"
    folder.mkdir()
    (folder / "spend.csv").write_bytes(b"")
    workspace = folder / "new.db"
    made = under_a_locale(tmp_path, latin_1_locale, {}, "init", str(workspace), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    assert made.returncode == 0, made.stderr.decode()
    assert f"created workspace {workspace}\n" in made.stdout.decode()
    empty = under_a_locale(
        tmp_path, latin_1_locale, {}, "-w", str(cli.workspace), "--as", "ana", "ledger", "import", str(folder / "spend.csv")
    )
    assert empty.stderr.decode().startswith(f"crewdeck: error: nothing imported: {folder / 'spend.csv'}: the file is empty"), (
        empty.stderr.decode()
    )
    nobody = under_a_locale(tmp_path, latin_1_locale, {}, "-w", str(workspace), "--as", "nobody", "tasks")
    assert f"no member with that handle in {workspace} " in nobody.stderr.decode(), nobody.stderr.decode()
    homeless = under_a_locale(tmp_path, latin_1_locale, {"HOME": str(folder)}, "tasks")
    assert f"make the local one ({folder}/.local/share/crewdeck/workspace.db)" in homeless.stderr.decode(), homeless.stderr.decode()
    nowhere = under_a_locale(tmp_path, latin_1_locale, {}, "init", str(folder / "gone" / "new.db"))
    assert nowhere.stderr.decode() == f"crewdeck: error: directory {folder / 'gone'} does not exist\n"
    gone = under_a_locale(tmp_path, latin_1_locale, {}, "-w", str(folder / "gone.db"), "tasks")
    assert (
        gone.stderr.decode()
        == f"crewdeck: error: no workspace at {folder / 'gone.db'} (create one with: crewdeck init {folder / 'gone.db'})\n"
    )


def test_an_ssh_line_under_a_latin_1_locale_names_the_workspace_as_typed(cli: Cli, tmp_path: Path, latin_1_locale: dict[str, str]) -> None:
    """``ssh authorized-keys`` wrote the workspace's path converted for opening, "CafÃ© Î©mega", in UTF-8: sshd's
    session read those bytes as UTF-8 and looked for another file (reviewer ro's mojibake, in a file)."""
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo raj@laptop"
    cli.ok("ssh", "account", running_account())
    cli.ok("member", "set", "raj", "--ssh-key", key)
    folder = tmp_path / "Café Ωmega"
    folder.mkdir()
    shutil.copy(cli.workspace, folder / "team.db")
    ran = under_a_locale(tmp_path, latin_1_locale, {}, "-w", str(folder / "team.db"), "--as", "ana", "ssh", "authorized-keys")
    assert ran.returncode == 0, ran.stderr.decode()
    assert f"--workspace {shlex.quote(str(folder / 'team.db'))} ssh-session raj" in ran.stdout.decode(), ran.stdout.decode()


#: A draft kept in the default drafts directory, then dropped on a disk that takes nothing more (RLIMIT_FSIZE 0): the
#: app's notice, as the app's ``dropped`` makes it, printed.
DROPPED_ON_A_FULL_DISK = r"""
import resource
from pathlib import Path
from crewdeck.tui.app.drafts import dropped
from crewdeck.tui.workspace.drafts import DraftStore

class Notices:
    def notify(self, line, **options):
        print(line)

store = DraftStore.for_member(Path("team.db"), "m1")
store.keep("notes:1", "the notes of 1", {"text": "Café"}, {"text": ""}, "UTC")
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
dropped(Notices(), store, "notes:1")()
"""


def test_a_drafts_notice_under_a_latin_1_locale_names_the_file_as_typed(tmp_path: Path, latin_1_locale: dict[str, str]) -> None:
    """A home in ~/Café Ωmega under a locale of ISO-8859-1: "the draft stays in /home/CafÃ© Î©mega/..."."""
    home = tmp_path / "Café Ωmega"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONIOENCODING": "utf-8", **latin_1_locale}
    done = subprocess.run(
        [sys.executable, "-c", DROPPED_ON_A_FULL_DISK], capture_output=True, cwd=tmp_path, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    (kept,) = home.joinpath(".local/state/crewdeck/drafts").glob("*.json")
    assert done.stdout.decode() == f"the draft stays in {kept}: File too large\n"
