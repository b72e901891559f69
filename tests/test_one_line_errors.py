"""Inputs that once printed a traceback: each is now one line on stderr, exit 2, and nothing written."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.published import META_PUBLISHED
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import UnknownZoneError, check_zone
from crewdeck.tui.ledger.period import Period

from .conftest import NOW_TEXT, ROOT, Cli, Result
from .syncsupport import Postgres, Server, crewdeck, crewdeck_fails, free_port, make_team, new_token


def one_line_error(result: Result) -> str:
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1 and result.err.startswith("crewdeck: error: "), result.err
    return result.err


def one_bad_record(result: Result, path: Path) -> str:
    """The one bad record of a refused JSON import, on its line (``FILE: task 2 (“name”, uuid ...): field: problem``),
    then the count naming the file, as every import of rows and records ends."""
    assert result.code == 2 and "Traceback" not in result.err, result.err
    problem, last = result.err.splitlines()
    assert last == f"crewdeck: error: nothing imported: 1 bad record in {path} (listed above)", result.err
    return problem


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "x due:0001-01-01"], "0001-01-01 is out of range: dates run from 1900-01-01 to 9998-12-31"),
        (["add", "x due:9999-12-31 23:59 America/Los_Angeles"], "9999-12-31 is out of range"),
        (["tasks", "due:<9999-12-31"], "9999-12-31 is out of range"),
        (["tasks", "due:>0001-01-01"], "0001-01-01 is out of range"),
        (["ledger", "report", "--period", "9999"], "'9999' is out of range: periods run from 1900-01-01 to 9998-12-31"),
        (["ledger", "list", "--period", "9999-W52"], "'9999-W52' is out of range"),
        (["ledger", "list", "date:0001-01"], "'0001-01' is out of range"),
        (["campaign", "add", "Far", "--end", "9999-12-31"], "9999-12-31 is out of range"),
        (["rate", "set", "0001-01-01", "USD/EUR", "0.9"], "0001-01-01 is out of range"),
        (["tasks", "--limit", "0"], "argument --limit: 0 lists nothing: give 1 or more"),
        (["tasks", "--limit", "-3"], "argument --limit: -3 lists nothing"),
        (["log", "--limit", "x"], "argument --limit: 'x' is not a whole number"),
        (["serve", "--port", "99999"], "argument --port: 99999 is not between 1 and 65,535"),
        (["serve", "--port", "0"], "argument --port: 0 is not between 1 and 65,535"),
        (["demo", "big.db", "--tasks", "99999999999"], "argument --tasks: 99999999999 is not between 0 and 100,000"),
        (["add", "Call due:fri 25:00"], "due: '25:00' is not a time of day"),
        (["add", "Call due:25:00"], "due: '25:00' is not a time of day"),
        (["add", "Call due:fri 17:00 UTC+5"], "due: 'UTC+5' is an offset, not an IANA time zone: use Etc/GMT-5 or"),
        # A clock's abbreviation or a bare offset after a time: read into the title, the task was due on the writer's clock.
        (["add", "Call due:fri 17:00 PST"], "due: 'PST' is an abbreviation, not an IANA time zone: use America/Los_Angeles or "),
        (["add", "Call due:fri 17:00 +05:30"], "due: '+05:30' is an offset, not an IANA time zone: use Asia/Colombo or Asia/Kolkata"),
        (["add", "Standup every:weekday 09:00 CEST"], "every: 'CEST' is an abbreviation, not an IANA time zone: use Europe/Paris"),
        (["tasks", "due:fri NZDT"], "'NZDT' is an abbreviation, not an IANA time zone: use Pacific/Auckland"),
        (["add", "Launch due:fri 5pm ET"], "due: 'ET' is an abbreviation, not an IANA time zone: use America/New_York"),
        # After a time, in any case: "5pm pst" was 17:00 on the writer's clock, "pst" in the title.
        (["add", "Launch due:fri 5pm pst"], "due: 'pst' is an abbreviation, not an IANA time zone: use America/Los_Angeles or "),
        (["add", "Standup every:weekday 09:00 utc"], "every: unknown time zone 'utc' (did you mean"),
        (["add", "Call publish:fri 9:75"], "publish: '9:75' is not a time of day"),
        (["add", "Standup every:weekday 24:30"], "every: '24:30' is not a time of day"),
        (["add", "Standup every:weekday 09:00 GMT-3"], "every: 'GMT-3' is an offset, not an IANA time zone: use Etc/GMT+3"),
        (
            ["member", "set", "ana", "--tz", "UTC+05:30"],
            "'UTC+05:30' is an offset, not an IANA time zone: use Asia/Colombo or Asia/Kolkata",
        ),
        (["member", "set", "ana", "--tz", "A" * 300], "unknown time zone 'AAAA"),
        # Not "did you mean MST, HST, EST?": the zones whose clocks are called so, wherever their names are spelt.
        (["member", "set", "ana", "--tz", "PST"], "--tz: 'PST' is an abbreviation, not an IANA time zone: use America/Los_Angeles or"),
        (
            ["member", "set", "ana", "--tz", "AEST"],
            "'AEST' is an abbreviation, not an IANA time zone: use Australia/Brisbane or Australia/Sydney",
        ),
        (["member", "set", "ana", "--tz=-08:00"], "'-08:00' is an offset, not an IANA time zone: use Etc/GMT+8"),
        (["member", "set", "ana", "--tz", "America"], "--tz: unknown time zone 'America'"),
        (
            ["campaign", "add", "Far", "--audience-tz", "Pacific/Aukland"],
            "--audience-tz: unknown time zone 'Pacific/Aukland' (did you mean",
        ),
        # Found by tests/test_fuzz_cli.py:
        (["tasks", "--sort=--"], "argument --sort: invalid choice: '--'"),
        (["tasks", "--limit=--"], "argument --limit: '--' is not a whole number"),
        (["config", "set", "theme", '["09:00"]'], """theme: '["09:00"]' is not a theme"""),  # a theme is text: taken as typed
        (["config", "set", "time_format.x", "1"], "time_format: expected a string, got {'x': 1}"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(cli: Cli, args: list[str], message: str) -> None:
    before = cli.ok("export")
    assert message in one_line_error(cli(*args))
    assert cli.ok("export") == before


def test_a_limit_larger_than_any_count_lists_everything(cli: Cli) -> None:
    ids = {cli.ok("add", f"task {i}").strip() for i in range(3)}
    listed = json.loads(cli.ok("tasks", "--limit", "99999999999999999999999", "--json"))
    assert {t["id"] for t in listed} == ids
    assert len(json.loads(cli.ok("tasks", "--limit", "2", "--json"))) == 2
    assert len(json.loads(cli.ok("log", "--json", "--limit", "9" * 5000))) >= 3


def test_the_first_and_last_days_a_person_may_give_are_read_everywhere(cli: Cli) -> None:
    cli.ok("add", "Far due:9998-12-31 23:59 Pacific/Kiritimati")
    cli.ok("add", "Early due:1900-01-01 00:00 America/Los_Angeles")
    assert cli.ok("export", "--ics").count("BEGIN:VEVENT") == 2
    assert "9998-12-31" in cli.ok("tasks", "all", "--json") and "Early" in cli.ok("tasks", "all")


def test_times_and_zones_after_a_date_are_never_taken_into_the_title(cli: Cli) -> None:
    # What is a time or a zone is taken and checked; only what could not be one stays in the title.
    task_id = cli.ok("add", "Call about UTC+5 rollout due:fri 17:00 Asia/Karachi").strip()
    [task] = [t for t in json.loads(cli.ok("tasks", "--json")) if t["id"] == task_id]
    assert task["title"] == "Call about UTC+5 rollout"
    assert task["due"] == {"utc": "2026-11-27T12:00:00Z", "tz": "Asia/Karachi"}


def test_an_abbreviation_the_zone_database_has_is_that_zone_after_a_date(cli: Cli) -> None:
    # GMT and EST are zones of their own (fixed offsets): 17:00 on their clocks, not ana's in Berlin, and not in the title.
    for word, utc in (("GMT", "2026-11-27T17:00:00Z"), ("EST", "2026-11-27T22:00:00Z")):
        task_id = cli.ok("add", f"Call the EST team due:fri 17:00 {word}").strip()
        [task] = [t for t in json.loads(cli.ok("tasks", "--json")) if t["id"] == task_id]
        assert task["title"] == "Call the EST team"
        assert task["due"] == {"utc": utc, "tz": word}
    # Other than in capitals, the words a title goes on with after a time are the title's.
    task_id = cli.ok("add", "Feed the team due:fri 17:00 cat food").strip()
    [task] = [t for t in json.loads(cli.ok("tasks", "--json")) if t["id"] == task_id]
    assert task["title"] == "Feed the team cat food" and task["due"] == {"utc": "2026-11-27T16:00:00Z", "tz": "Europe/Berlin"}


# ---------------------------------------------------------------- arguments that are not UTF-8

NOT_UTF8 = [
    (["add", "bad\udcffbyte"], "the argument 'bad\\xffbyte' is not UTF-8 text"),
    (["--as", "\udcff", "tasks"], "argument --as: '\\xff' is not UTF-8 text"),
    (["tasks", "--sort=\udcff"], "argument --sort: '\\xff' is not UTF-8 text"),
    (["init", "/tmp/\udcff.db"], "the argument '/tmp/\\xff.db' is not UTF-8 text"),
]


@pytest.mark.parametrize(("args", "message"), NOT_UTF8)
def test_an_argument_that_is_not_utf8_is_refused_by_name(cli: Cli, args: list[str], message: str) -> None:
    before = cli.ok("export")
    assert message in one_line_error(cli(*args, as_member=None))
    assert cli.ok("export") == before


def test_arguments_that_are_not_utf8_are_refused_in_a_real_process(cli: Cli, tmp_path: Path) -> None:
    """The bytes as a shell passes them: Python turns them into surrogates in sys.argv."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CREWDECK_NOW": NOW_TEXT}
    env.pop("CREWDECK_CONFIG", None)
    base = [sys.executable.encode(), b"-m", b"crewdeck.tui.cli.main", b"-w", str(cli.workspace).encode()]
    cases = [
        ([b"--as", b"ana", b"add", b"bad\xffbyte"], "the argument 'bad\\xffbyte' is not UTF-8 text"),
        ([b"--as", b"\xff", b"tasks"], "argument --as: '\\xff' is not UTF-8 text"),
        ([b"init", str(tmp_path).encode() + b"/\xff.db"], "\\xff.db' is not UTF-8 text"),
    ]
    before = cli.ok("export")
    for args, message in cases:
        done = subprocess.run([*base, *args], capture_output=True, env=env, cwd=tmp_path, timeout=60)
        err = done.stderr.decode("utf-8")
        assert done.returncode == 2 and err.count("\n") == 1 and err.startswith("crewdeck: error: "), err
        assert message in err
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".db"] == ["team.db"]
    assert cli.ok("export") == before
    env["CREWDECK_MEMBER"] = "\udcfe"
    done = subprocess.run([*base, b"tasks"], capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 2 and done.stderr.decode() == "crewdeck: error: CREWDECK_MEMBER: '\\xfe' is not UTF-8 text\n"


def _fed(cli: Cli, tmp_path: Path, args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
    """``crewdeck ARGS`` as @ana in a real process, ``data`` on its standard input."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CREWDECK_NOW": NOW_TEXT}
    return subprocess.run(
        [sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(cli.workspace), "--as", "ana", *args],
        input=data,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_standard_input_that_is_not_utf8_is_refused_in_a_real_process(cli: Cli, tmp_path: Path) -> None:
    before = cli.ok("export")
    for args, data in [
        (["rate", "import", "-"], b"date,pair,rate\n2026-11-01,USD/EUR,\xff\n"),
        (["import", "--from", "taskwarrior", "-"], b'[{"uuid": "11111111-2222-3333-4444-555555555555", "description": "\xff"}]'),
    ]:
        done = _fed(cli, tmp_path, args, data)
        assert (done.returncode, done.stderr) == (2, b"crewdeck: error: nothing imported: standard input: not UTF-8 text\n")
    assert cli.ok("export") == before


@pytest.mark.parametrize(
    ("args", "data", "said"),
    [
        (["ledger", "import", "-"], b"", "standard input: the file is empty (expected a header: "),
        (["ledger", "import", "-"], b"date,campaign,category,payee,amount\n2026-11-01,spring-launch,ads,Meta,abc\n", "standard input:2: "),
        (["rate", "import", "-"], b"\n", "standard input: the file is empty (expected a header: "),
        (["rate", "import", "-"], b"date,pair,rate\n2026-11-01,USD/EUR,x\n", "standard input:2: "),
        (["kpi", "import", "--format", "csv", "-"], b"", "standard input: the file is empty (expected a header "),
        (
            ["kpi", "import", "--format", "csv", "-"],
            b"date,campaign,platform,impressions\nzz,spring-launch,instagram,1\n",
            "standard input:2: ",
        ),
        (["import", "--from", "asana", "-"], b"", "standard input: the file is empty (expected a header: "),
        (["import", "-"], b"", "standard input: the file is empty (expected a crewdeck export)"),
    ],
    ids=["ledger empty", "ledger bad row", "rate empty", "rate bad row", "kpi empty", "kpi bad row", "asana empty", "export empty"],
)
def test_every_import_names_standard_input_alike(cli: Cli, tmp_path: Path, args: list[str], data: bytes, said: str) -> None:
    """The ledger, rate and kpi imports named standard input "-" ("-: the file is empty", "1 bad row in - (listed
    above)") where the task imports and the crewdeck import said "standard input": every import says it in words."""
    before = cli.ok("export")
    done = _fed(cli, tmp_path, args, data)
    err = done.stderr.decode()
    assert done.returncode == 2 and said in err, err
    assert "-:" not in err and " in - " not in err, err
    if said.endswith(":2: "):  # the bad row on its line, then the count, naming the file alike
        assert err.startswith(said) and err.endswith("crewdeck: error: nothing imported: 1 bad row in standard input (listed above)\n"), err
    assert cli.ok("export") == before


def test_control_characters_in_an_error_stay_on_one_line(cli: Cli) -> None:
    err = one_line_error(cli("add", "Draft", as_member="zed\n\x1b]52;c;cHduZWQ=\x07"))
    assert err == f"crewdeck: error: --as @zed^J^[]52;c;chduzwq=^G: no member with that handle in {cli.workspace} (members: @ana, @raj)\n"
    err = one_line_error(cli("tasks", "--sort", "a\nb\x9b\u202e"))
    assert "'a\\nb\\x9b\\u202e'" in err and "\n" not in err[:-1]  # argparse quotes it with repr: nothing raw


# ---------------------------------------------------------------- config


@pytest.mark.parametrize(
    "text",
    ["workspace = " + "[" * 5000 + "]" * 5000, "keymap = " + "{a = " * 5000 + "1" + "}" * 5000, "publish.lead_hours = " + "9" * 5000],
    ids=["arrays", "inline tables", "a long number"],
)
def test_a_config_toml_cannot_read_is_one_line_naming_the_file(cli: Cli, tmp_path: Path, text: str) -> None:
    config = tmp_path / "deep.toml"
    config.write_text(text)
    err = one_line_error(cli("--config", str(config), "tasks"))
    assert err.startswith(f"crewdeck: error: {config}: not valid TOML: ")
    assert "nested too deeply" in err or "a number too long to read" in err


def test_deep_dotted_keys_read_without_recursion(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "dotted.toml"
    config.write_text("[keymap." + ".".join(["a"] * 5000) + ']\nb = "x"\n')
    result = cli("--config", str(config), "config", "show")
    # Read whole; `config show` then says, in one line, that the app has no binding of that id (exit 1).
    assert result.code == 1 and len(result.err.splitlines()) == 1 and "no key binding has this id" in result.err, result.err
    assert json.loads(result.out)["keymap"] == {".".join(["a"] * 5000) + ".b": "x"}


def test_config_set_below_a_setting_that_is_not_a_table_is_one_line(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('time_format = "12h"\n')
    err = one_line_error(cli("--config", str(config), "config", "set", "time_format.x", "1"))
    assert err == f"crewdeck: error: {config}: time_format.x: time_format is a setting of its own, not a table\n"
    assert config.read_text() == 'time_format = "12h"\n'


def test_config_set_with_a_value_nested_too_deep_keeps_it_as_text(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    value = "[" * 5000 + "]" * 5000
    assert cli("--config", str(config), "config", "set", "member", value).code == 0
    assert json.loads(cli.ok("--config", str(config), "config", "show"))["member"] == value


# ---------------------------------------------------------------- imports

UUID = "11111111-2222-3333-4444-5555555555{:02d}"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"priority": ["H"]}, "priority: expected text, got ['H']"),
        ({"status": {}}, "status: {} is not pending, waiting"),
        ({"tags": [["a", "b"]]}, "tags: expected a list of words"),
        ({"description": "lone \udcff surrogate"}, "description: holds text that is not valid Unicode"),
        ({"annotations": [{"description": "\ud800"}]}, "annotations: holds text that is not valid Unicode"),
        ({"tz": ["UTC"]}, "tz: expected text, got ['UTC']"),
        ({"tz": "A" * 300}, "tz: unknown time zone 'AAAA"),
        ({"due": "00010101T000000Z"}, "due: 0001-01-01 is out of range"),
        ({"due": "99991230T000000Z"}, "due: 9999-12-30 is out of range: dates run from 1900-01-01 to 9998-12-31 (Taskwarrior's 'someday'?"),
        # As the file writes it: the record's check quoted it rewritten ('2026-13-01T00:00:00Z'), found nowhere in the file.
        ({"due": "20261301T000000Z"}, "due: '20261301T000000Z' is not a real date and time (YYYYMMDDTHHMMSSZ)"),
        ({"entry": "20270229T120000Z"}, "entry: '20270229T120000Z' is not a real date and time"),
        ({"wait": "20261231T240000Z"}, "wait: '20261231T240000Z' is not a real date and time"),
        ({"wait": 5}, "wait: 5 is not a Taskwarrior date"),
        ({"depends": [{"uuid": 1}]}, "depends: expected a list of UUIDs"),
        ({"uuid": "------------------------------------"}, "uuid: '------------------------------------' is not a UUID"),
    ],
)
def test_a_bad_taskwarrior_record_is_one_line_naming_record_and_field(
    cli: Cli, tmp_path: Path, record: dict[str, object], message: str
) -> None:
    good = {"uuid": UUID.format(1), "description": "fine", "project": "campaign.fine"}
    bad = {"uuid": UUID.format(2), "description": "broken", "status": "pending", **record}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([good, bad]))
    before = cli.ok("export")
    err = one_bad_record(cli("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(path)), path)
    assert err.startswith(f"{path}: task 2 (“{visible(str(bad['description']))}”, uuid {str(bad['uuid'])[:8]}): {message}"), err
    assert cli.ok("export") == before


def test_a_taskwarrior_task_twice_in_one_file_imports_nothing_and_every_control_character_is_named(cli: Cli, tmp_path: Path) -> None:
    """One uuid twice would be one task whose fields flip from import to import; the rules' refusals are named record by record."""
    twice = [{"uuid": UUID.format(1), "description": "One"}, {"uuid": UUID.format(1), "description": "Two"}]
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(twice))
    before = cli.ok("export")
    err = one_bad_record(cli("import", "--from", "taskwarrior", str(path)), path)
    # Named by its place in the file and its uuid, as Taskwarrior calls it: its "id" is the task's number in the working set.
    assert err == f"{path}: task 2 (“Two”, uuid 11111111): uuid: {UUID.format(1)} already in task 1"
    evil = [{"uuid": UUID.format(n), "description": f"Evil {n} \x1b[2J"} for n in (1, 2)]
    path.write_text(json.dumps(evil))
    result = cli("import", "--from", "taskwarrior", str(path))
    assert result.code == 2 and result.err == (
        f"{path}: task 1 (“Evil 1 ^[[2J”, uuid 11111111): description: text may not hold control characters (U+001B)\n"
        f"{path}: task 2 (“Evil 2 ^[[2J”, uuid 11111111): description: text may not hold control characters (U+001B)\n"
        f"crewdeck: error: nothing imported: 2 bad records in {path} (listed above)\n"
    )
    assert cli.ok("export") == before


def test_a_crewdeck_export_with_a_member_zone_that_is_not_text_imports_nothing(cli: Cli, tmp_path: Path) -> None:
    doc = json.loads(cli.ok("export"))
    doc["member"][0]["tz"] = ["UTC"]
    doc["task"] = [{"id": "a" * 32, "title": "lone \udcff", "status": "todo"}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    before = cli.ok("export")
    result = cli("import", str(path))
    member, task, last = result.err.splitlines()
    assert result.code == 2 and last == f"crewdeck: error: nothing imported: 2 bad records in {path} (listed above)"
    assert "member 1 (“" in member and "tz: expected an IANA time zone name as text, got list" in member
    assert "task 1 (“lone \\xff”, id aaaaaaaaaaaa): title: holds text that is not valid Unicode" in task
    assert cli.ok("export") == before


@pytest.mark.parametrize(
    ("section", "record", "message"),
    [
        (
            "task",
            {"id": "a" * 32, "title": "far", "due": {"utc": "9999-12-31T23:59:59Z", "tz": "Pacific/Kiritimati"}},
            "task 1 (“far”, id aaaaaaaaaaaa): due: 9999-12-31 is out of range: dates run from 1900-01-01 to 9998-12-31",
        ),
        ("task", {"id": "a" * 32, "title": "early", "snoozed_until": "0001-01-01T00:00:00Z"}, "snoozed_until: 0001-01-01 is out of range"),
        (
            "campaign",
            {"id": "b" * 32, "name": "Old", "start": "1066-10-14"},
            "campaign 2 (“Old”, id bbbbbbbbbbbb): start: 1066-10-14 is out of range",
        ),
        (
            "member",
            {"id": "c" * 32, "handle": "kim", "name": "Kim", "tz": "UTC", "days_off": ["2026-12-24", "9999-12-31"]},
            "member 3 (“Kim”, id cccccccccccc): days_off: 9999-12-31 is out of range",
        ),
    ],
)
def test_an_export_with_days_at_the_ends_of_the_calendar_imports_nothing(
    cli: Cli, tmp_path: Path, section: str, record: dict[str, object], message: str
) -> None:
    # The same days the command line takes: a record the CLI could not make does not come in by import.
    doc = json.loads(cli.ok("export"))
    doc[section].append(record)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    before = cli.ok("export")
    assert message in one_bad_record(cli("import", str(path)), path)
    assert cli.ok("export") == before


# ---------------------------------------------------------------- zones and periods


@pytest.mark.parametrize(
    "name",
    ["A" * 300, "a/" * 150, "America", "Europe/", "x" * 5000, "UTC+5", "", "..", "Europe/Berlin\x00"],
    ids=["300 letters", "150 directories", "a directory", "a trailing slash", "5000 letters", "an offset", "empty", "dots", "a NUL"],
)
def test_check_zone_refuses_what_is_not_a_zone_with_its_own_error(name: str) -> None:
    with pytest.raises(UnknownZoneError):
        check_zone(name)


@pytest.mark.parametrize("value", [["UTC"], {"tz": "UTC"}, 5, None])
def test_check_zone_refuses_a_value_that_is_not_text(value: object) -> None:
    with pytest.raises(UnknownZoneError, match="expected an IANA time zone name as text"):
        check_zone(value)


def test_periods_stop_at_the_ends_of_the_calendar() -> None:
    last = Period.parse("9998")
    assert last.move(1) == last and last.range is not None
    first = Period.parse("1900-01-01")
    assert first.move(-1) == first
    assert Period.parse("9998-12").move(1) == Period.parse("9998-12")
    assert Period.parse("9998-11").move(1) == Period.parse("9998-12")


# ---------------------------------------------------------------- the server and PostgreSQL


def test_a_pushed_zone_of_300_characters_is_refused_not_a_500(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        token = new_token("ana", "--workspace", str(team))
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        crewdeck("-w", str(replica), "add", "Pushed")
        from crewdeck.sync.state.store import Store

        with Store(replica) as store:
            [op] = [op for _, op in store.own_ops_after(0) if op.field == "title"]
            store_count = store.node_seq()
        push = f"{server.url}/v1/w/team/push"
        auth = {"Authorization": f"Bearer {token}"}
        crewdeck("-w", str(replica), "sync")
        # Each the next operation of the replica's count: a value the server cannot take is that operation's refusal.
        for n, tz in enumerate(("A" * 300, "America", "a/" * 150, ["UTC"]), start=1):
            stamp = str(Stamp(Stamp.parse(op.op_id).ms, 100 + n, op.node))
            forged = dict(op.to_wire(), op_id=stamp, field="due", value={"utc": "2026-12-01T09:00:00Z", "tz": tz})
            forged["node_seq"] = store_count + n
            answer = httpx.post(push, json={"ops": [forged]}, headers=auth)
            assert answer.status_code == 200, (tz, answer.text)
            [refused] = answer.json()["refused"]
            assert refused["rule"] == "invalid_value" and "due" in refused["message"], tz
    finally:
        assert server.stop() == ""  # nothing logged: no request crashed


def test_publish_again_of_a_file_never_published_is_refused_and_publishes_nothing(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    # Refused before the database is asked: this one answers nowhere.
    err = crewdeck_fails("publish", str(team), "--database", "postgresql://crewdeck@127.0.0.1:9/none", "--again")
    assert err == (
        f"crewdeck: error: publish: {team} was never published, so there is no publish to do again: publish it without "
        "--again, or give --again the file published before\n"
    )
    with Store(team) as store:
        assert store.get_meta(META_PUBLISHED) is None


def test_publishing_to_a_database_out_of_reach_names_the_file_as_its_other_refusals_do(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    err = crewdeck_fails("publish", str(team), "--database", f"postgresql://crewdeck@127.0.0.1:{free_port()}/none")
    assert err.startswith(f"crewdeck: error: publish: {team}: cannot connect to PostgreSQL: ") and err.count("\n") == 1, err


def test_publishing_the_same_file_twice_is_one_line(postgres: Postgres, tmp_path: Path) -> None:
    team = make_team(tmp_path)
    new_token("ana", "--workspace", str(team))
    url = postgres.database()
    backup = tmp_path / "backup.db"
    with closing(sqlite3.connect(team)) as source, closing(sqlite3.connect(backup)) as copy:
        source.backup(copy)  # taken before the publish, which its file's mark then does not hold
    crewdeck("publish", str(team), "--database", url)
    err = crewdeck_fails("publish", str(team), "--database", url, "--name", "again")
    assert err.startswith(f"crewdeck: error: publish: {team} was published already, on ") and err.count("\n") == 1, err
    err = crewdeck_fails("publish", str(backup), "--database", url, "--name", "again")
    assert err == (
        f"crewdeck: error: publish: {backup}: it was published already, as workspace 'team' (the database holds its tokens): "
        "serve that one with: crewdeck serve --database URL\n"
    )
    taken = tmp_path / "taken"
    taken.mkdir()
    err = crewdeck_fails("publish", str(make_team(taken)), "--database", url)
    assert (
        err
        == f"crewdeck: error: publish: {taken / 'team.db'}: the database already has a workspace named 'team'; pick another with --name\n"
    )
    # Nothing of the second publish stayed: the name is free for a file that was not published.
    other = tmp_path / "other"
    other.mkdir()
    assert "as workspace again" in crewdeck("publish", str(make_team(other)), "--database", url, "--name", "again")


# ---------------------------------------------------------------- long values


@pytest.mark.parametrize(
    ("argv", "end"),
    [
        (["show", "x" * 100_000], "' is not an id: give at least 4 hex digits of a task id\n"),
        (["campaign", "set", "spring", "--status", "x" * 100_000], "(see: crewdeck campaign set --help)\n"),
    ],
    ids=["a command's own error", "argparse's"],
)
def test_a_value_of_100_kb_is_quoted_in_part_on_an_error_line_a_terminal_can_show(cli: Cli, argv: list[str], end: str) -> None:
    # The whole value echoed made one line of 100,000 characters: thousands of rows of x, the start scrolled away.
    err = one_line_error(cli(*argv))
    assert err.startswith("crewdeck: error: ") and len(err) < 1_200, err[:200]
    assert "characters left out" in err and err.endswith(end), err


def test_a_long_mapped_column_leaves_the_header_said_and_hidden_characters_count_as_shown(cli: Cli, tmp_path: Path) -> None:
    # The name --map gave was quoted whole twice: its shortening kept 1,000 characters of it and left the header out.
    # And the cap counted a hidden character as one where it is shown as up to eight (<U+202E>): lines of ~8,000.
    source = tmp_path / "l1.csv"
    source.write_text("date,campaign,category,payee,amount\n2026-01-01,spring-launch,ads,p,1\n")
    err = one_line_error(cli("ledger", "import", "--map", "amount=" + "x" * 100_000, str(source)))
    assert "the header is: date, campaign, category, payee, amount" in err and len(err) < 1_200, err[:300]
    err = one_line_error(cli("log", "\u202e" * 30_000))
    assert len(err) < 1_200 and "characters left out" in err, err[:300]


def test_a_database_holding_another_programs_crewdeck_table_is_named_and_left_as_it_was(postgres: Postgres, tmp_path: Path) -> None:
    import psycopg

    url = postgres.database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE crewdeck_op (id INTEGER, note TEXT)")
    refusal = (
        "the database has a table crewdeck_op that is not crewdeck's (it has no column workspace): give crewdeck a "
        "database of its own; nothing was changed in this one\n"
    )
    assert crewdeck_fails("serve", "--database", url, "--port", str(free_port())) == f"crewdeck: error: {refusal}"
    assert crewdeck_fails("token", "create", "ana", "--database", url, "--name", "team") == f"crewdeck: error: {refusal}"
    team = make_team(tmp_path)
    # Said as publish's other refusals are, naming the file.
    assert crewdeck_fails("publish", str(team), "--database", url) == f"crewdeck: error: publish: {team}: {refusal}"
    with psycopg.connect(url) as conn:
        tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert tables == {"crewdeck_op"}


def test_serving_a_database_that_holds_no_workspace_says_how_one_comes_in(postgres: Postgres) -> None:
    server = Server(["--database", postgres.database()]).start()
    assert server.stop() == (
        "note: the database holds no workspace yet: copy one in with crewdeck publish FILE --database URL; until then this "
        "server knows no member's token\n"
    )
