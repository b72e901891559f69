"""Moving over from Taskwarrior, with the real ``task`` program making the export."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli, in_person

TASK = shutil.which("task")
needs_task = pytest.mark.skipif(
    TASK is None, reason="LOUD SKIP: Taskwarrior (`task`) is not installed here; .ci/run installs it (apt-get install taskwarrior)"
)


def _task(home: Path, *args: str) -> str:
    env = {**os.environ, "TASKRC": str(home / "taskrc"), "TASKDATA": str(home / "data")}
    done = subprocess.run(
        [TASK, "rc.confirmation=off", "rc.verbose=nothing", *args], env=env, capture_output=True, text=True, input="yes\n"
    )  # type: ignore[list-item]
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def tw_export(tmp_path: Path) -> Path:
    home = tmp_path / "tw"
    (home / "data").mkdir(parents=True)
    (home / "taskrc").write_text("data.location=" + str(home / "data") + "\nuda.assignee.type=string\nuda.tz.type=string\n")
    _task(
        home,
        "add",
        "Draft carousel",
        "project:campaign.spring-launch",
        "+instagram",
        "+urgent",
        "due:2026-12-01T16:00:00Z",
        "priority:H",
        "assignee:raj",
    )
    _task(home, "add", "Write newsletter", "project:holiday", "due:2026-12-03T09:00:00Z", "assignee:stranger")
    _task(home, "add", "Old report", "priority:L")
    # Filters by description: Taskwarrior renumbers ids as tasks close.
    _task(home, "/Draft carousel/", "annotate", "Brief is in the drive")
    _task(home, "/Write newsletter/", "modify", "depends:1")
    _task(home, "/Old report/", "done")
    _task(home, "add", "Cancelled idea")
    _task(home, "/Cancelled idea/", "delete")
    _task(home, "add", "Later", "wait:2026-12-20T08:00:00Z")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    return export


@needs_task
def test_a_real_taskwarrior_export_imports(cli: Cli, tw_export: Path) -> None:
    records = {r["description"]: r for r in json.loads(tw_export.read_text())}
    out = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(tw_export))
    assert "imported 5 tasks" in out and "+holiday" in out and "stranger" in out
    tasks = {t["title"]: t for t in json.loads(cli.ok("tasks", "all", "snoozed", "--json"))}
    tasks.update({t["title"]: t for t in json.loads(cli.ok("tasks", "all", "--json"))})
    carousel = tasks["Draft carousel"]
    assert carousel["id"] == records["Draft carousel"]["uuid"].replace("-", "")
    # Its uuid as `task` prints it, whole or its first groups, names it.
    uuid = records["Draft carousel"]["uuid"]
    for typed in (uuid, uuid.upper(), uuid[:13]):
        assert "Draft carousel" in cli.ok("show", typed), typed
    assert (carousel["campaign"], carousel["assignee"], carousel["priority"]) == ("spring-launch", "raj", "high")
    assert carousel["tags"] == ["instagram", "urgent"]
    assert carousel["due"] == {"utc": "2026-12-01T16:00:00Z", "tz": "Asia/Kolkata"}  # the assignee's zone
    assert tasks["Write newsletter"]["assignee"] is None and tasks["Write newsletter"]["campaign"] == "holiday"
    assert tasks["Old report"]["status"] == "done"
    assert tasks["Cancelled idea"]["status"] == "cancelled"
    assert tasks["Later"]["status"] == "todo"
    detail = json.loads(cli.ok("export"))
    by_title = {t["title"]: t for t in detail["task"]}
    assert "Brief is in the drive" in by_title["Draft carousel"]["notes"]
    assert by_title["Write newsletter"]["depends_on"] == [carousel["id"]]
    assert by_title["Later"]["snoozed_until"] == {"utc": "2026-12-20T08:00:00Z", "tz": "Europe/Berlin"}  # the zone its due would be in
    # Importing the same export again updates, it does not duplicate.
    cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(tw_export))
    assert len(json.loads(cli.ok("export"))["task"]) == 5


def test_a_bad_taskwarrior_file_imports_nothing(cli: Cli, tmp_path: Path) -> None:
    good = {"uuid": "11111111-2222-3333-4444-555555555555", "description": "fine", "status": "pending"}
    bad = {"uuid": "11111111-2222-3333-4444-666666666666", "description": "broken", "status": "pending", "due": "next week"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([good, bad, {"description": "no uuid"}]))
    result = cli("import", "--from", "taskwarrior", str(path))
    assert result.code == 2 and "nothing imported" in result.err
    assert "task 2 (“" in result.err and "not a Taskwarrior date" in result.err and "task 3 (“" in result.err
    assert json.loads(cli.ok("tasks", "all", "--json")) == []


def test_a_missing_uuid_a_json_null_and_a_dependency_that_is_no_uuid_are_said_as_the_file_has_them(cli: Cli, tmp_path: Path) -> None:
    uuid = "11111111-2222-3333-4444-555555555555"
    records = [
        {"description": "no uuid", "status": "pending"},
        {"uuid": None, "description": "null uuid", "status": "pending"},
        {"uuid": uuid, "description": "null due", "status": "pending", "due": None},
        {"uuid": "21111111-2222-3333-4444-555555555555", "description": "bad dep", "status": "pending", "depends": "1111-2222"},
    ]
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(records))
    result = cli("import", "--from", "taskwarrior", str(path))
    assert result.code == 2
    # Not Python's None, nor the dependency without its dashes as a "record id (32 hex digits)".
    assert result.err.splitlines() == [
        f"{path}: task 1 (“no uuid”): uuid: missing",
        f"{path}: task 2 (“null uuid”): uuid: null is not a UUID",
        f"{path}: task 3 (“null due”, uuid 11111111): due: null is not a Taskwarrior date (YYYYMMDDTHHMMSSZ)",
        f"{path}: task 4 (“bad dep”, uuid 21111111): depends: '1111-2222' is not a UUID",
        f"crewdeck: error: nothing imported: 4 bad records in {path} (listed above)",
    ]
    assert json.loads(cli.ok("tasks", "all", "--json")) == []


def test_a_dependency_removed_here_or_never_here_is_said_so_and_holds_up_nothing(cli: Cli, tmp_path: Path) -> None:
    """A task shown waiting for one removed since read "waits for … Brief (todo)", -5 for being held up, while the task
    list had it at 0; one waiting for a task of another project's export read "(removed) ()"."""
    brief, shoot, other = (f"{n}1111111-2222-3333-4444-555555555555" for n in (1, 2, 3))
    records = [
        {"uuid": brief, "description": "Brief", "status": "pending"},
        {"uuid": shoot, "description": "Shoot", "status": "pending", "depends": f"{brief},{other}"},
    ]
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(records))
    cli.ok("import", "--from", "taskwarrior", str(path))
    shoot_id = shoot.replace("-", "")
    waits = [line for line in cli.ok("show", shoot_id).splitlines() if line.startswith("  waits for")]
    assert waits == ["  waits for 11111111 Brief (todo)", "  waits for 31111111 (no such task here)"]
    assert json.loads(cli.ok("show", shoot_id, "--json"))["urgency"] == -5.0  # Brief is open: it holds Shoot up
    cli.ok("rm", brief.replace("-", ""))
    shown = cli.ok("show", shoot_id)
    assert "  waits for 11111111 Brief (removed)\n" in shown and "blocked" not in shown
    listed = {t["title"]: t["urgency"] for t in json.loads(cli.ok("tasks", "--json"))}
    assert json.loads(cli.ok("show", shoot_id, "--json"))["urgency"] == listed["Shoot"] == 0.0


def test_what_a_newer_taskwarrior_export_took_away_is_taken_away_here(cli: Cli, tmp_path: Path) -> None:
    """`task 1 modify due: wait: -video assignee: project:` and a denotated annotation: re-imported, nothing changed here."""
    first = {
        "uuid": "11111111-2222-3333-4444-555555555555", "description": "Film", "status": "pending", "assignee": "raj",
        "due": "20271210T120000Z", "wait": "20271201T000000Z", "tags": ["video"], "priority": "H", "project": "spring",
        "annotations": [{"entry": "20261201T100000Z", "description": "call the studio"}],
        "depends": "21111111-2222-3333-4444-555555555555",
    }  # fmt: skip
    other = {"uuid": "21111111-2222-3333-4444-555555555555", "description": "Book", "status": "pending"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([first, other]))
    cli.ok("import", "--from", "taskwarrior", str(path))
    bare = {key: first[key] for key in ("uuid", "description", "status")}
    path.write_text(json.dumps([bare, other]))
    assert cli.ok("import", "--from", "taskwarrior", str(path)).startswith("updated 1 task")
    film = json.loads(cli.ok("show", "11111111", "--json"))
    fields = ("assignee", "due", "snoozed_until", "tags", "priority", "campaign", "notes", "depends_on")
    assert {k: film[k] for k in fields} == {
        "assignee": None, "due": None, "snoozed_until": None, "tags": [], "priority": "none", "campaign": None, "notes": "",
        "depends_on": [],
    }  # fmt: skip
    assert cli.ok("import", "--from", "taskwarrior", str(path)).startswith("nothing new")


def test_an_annotation_is_dated_by_the_task_s_own_day_whoever_imports(cli: Cli, tmp_path: Path) -> None:
    """Ana in Berlin annotated her task at 00:30 on December 7th and at 21:00: dated by the importer's zone, Raj's
    import (Kolkata) rewrote the second to the 8th ("updated 1 task"), and Ana's next back.  The day is the task's own
    zone's, its `tz` (Berlin's 7th for the first), else UTC's (the 6th): the same whoever imports, and whatever zone
    its assignee has since (review rc 6: the assignee's zone, when it changed, rewrote the notes)."""
    record = {
        "uuid": "11111111-2222-3333-4444-555555555555", "description": "Film", "status": "pending", "entry": "20261201T100000Z",
        "assignee": "ana",
        "annotations": [
            {"entry": "20261206T233000Z", "description": "call the studio"},
            {"entry": "20261207T200000Z", "description": "studio booked"},
        ],
    }  # fmt: skip
    zoned = {**record, "uuid": "21111111-2222-3333-4444-555555555555", "tz": "Europe/Berlin"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([record, zoned]))
    cli.ok("import", "--from", "taskwarrior", str(path))
    assert json.loads(cli.ok("show", "11111111", "--json"))["notes"] == "2026-12-06 call the studio\n2026-12-07 studio booked"
    assert json.loads(cli.ok("show", "21111111", "--json"))["notes"] == "2026-12-07 call the studio\n2026-12-07 studio booked"
    with in_person():
        assert cli.ok("import", "--from", "taskwarrior", str(path), as_member="raj").startswith("nothing new")
    cli.ok("member", "set", "ana", "--tz", "Pacific/Auckland")
    assert cli.ok("import", "--from", "taskwarrior", str(path)).startswith("nothing new")


def test_notes_of_a_task_with_no_zone_of_its_own_are_on_utc_s_clock_whoever_imports(cli: Cli, tmp_path: Path) -> None:
    """An unassigned task with no tz, imported by Ana (Berlin), then by Raj (Kolkata): its scheduled time and its
    annotation's day were each importer's, so Raj's import rewrote them ("updated 1 task") to his clock, and Ana's
    next back to hers.  Then they were the workspace's, and its zone set rewrote them at the next import of the same
    file (review rc 6).  They are UTC's, whoever imports, whatever the workspace's zone."""
    record = {
        "uuid": "11111111-2222-3333-4444-666666666666", "description": "Film", "status": "pending", "entry": "20261201T100000Z",
        "scheduled": "20261206T230000Z", "until": "20270601T000000Z",
        "annotations": [{"entry": "20261206T233000Z", "description": "call the studio"}],
    }  # fmt: skip
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([record]))
    cli.ok("import", "--from", "taskwarrior", str(path))
    notes = json.loads(cli.ok("show", "11111111", "--json"))["notes"]
    assert notes == "2026-12-06 call the studio\nscheduled: Sun 2026-12-06 23:00 UTC\nuntil: Tue 2027-06-01 00:00 UTC"
    with in_person():
        assert cli.ok("import", "--from", "taskwarrior", str(path), as_member="raj").startswith("nothing new")
    cli.ok("workspace", "set", "tz", "Pacific/Auckland")
    assert cli.ok("import", "--from", "taskwarrior", str(path)).startswith("nothing new")
    assert json.loads(cli.ok("show", "11111111", "--json"))["notes"] == notes


def test_an_assignee_written_as_crewdeck_writes_a_handle_is_that_member(cli: Cli, tmp_path: Path) -> None:
    """`task add ... assignee:@raj`, as crewdeck writes handles: the task went in unassigned, "no such member: @raj"."""
    records = [
        {"uuid": "11111111-2222-3333-4444-555555555555", "description": "Cut", "status": "pending", "assignee": "@raj"},
        {"uuid": "21111111-2222-3333-4444-555555555555", "description": "Film", "status": "pending", "assignee": "@stranger"},
        {"uuid": "31111111-2222-3333-4444-555555555555", "description": "Edit", "status": "pending", "assignee": "@"},
    ]
    records[0]["due"] = "20261210T120000Z"
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(records))
    assert cli.ok("import", "--from", "taskwarrior", str(path)) == "imported 3 tasks; left unassigned (not members here): stranger\n"
    found = {t["title"]: t for t in json.loads(cli.ok("tasks", "all", "--json"))}
    assert found["Cut"]["assignee"] == "raj" and found["Cut"]["due"]["tz"] == "Asia/Kolkata"  # raj's zone, as raj's task
    assert found["Film"]["assignee"] is None and found["Film"]["notes"] == "assigned in Taskwarrior to: @stranger"
    assert found["Edit"]["assignee"] is None and found["Edit"]["notes"] == ""


def test_a_file_that_is_not_utf8_is_named_with_the_line_of_its_first_such_byte(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "tw.json"
    # A character cut in two at a read's end (64 KiB) is no bad byte: the one past it is, three lines on.
    head = b'[\n{"uuid": "11111111-2222-3333-4444-555555555555", "status": "pending", "description": "'
    first = head + b"x" * (65_535 - len(head)) + "é".encode() + b'"},\n\n'  # its two bytes: the 65,536th and the next
    second = {"uuid": "21111111-2222-3333-4444-555555555555", "description": "Café", "status": "pending"}
    path.write_bytes(first + json.dumps(second, ensure_ascii=False).encode("latin-1") + b"\n]")
    assert cli("import", "--from", "taskwarrior", str(path)).err == (
        f"crewdeck: error: nothing imported: {path}: line 4: not UTF-8 text (byte 0xE9): save it as UTF-8, or convert it "
        f"(from Windows-1252, as many banks write: iconv -f WINDOWS-1252 -t UTF-8 {path} > {tmp_path / 'tw-utf8.json'})\n"
    )
    assert json.loads(cli.ok("tasks", "all", "--json")) == []


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("lines", [False, True], ids=["array", "a-record-a-line"])
def test_an_export_saved_as_utf16_is_read_as_its_utf8_twin(cli: Cli, tmp_path: Path, encoding: str, lines: bool) -> None:
    """A Windows tool's UTF-16 export (its byte order mark says so) was refused, "it is UTF-16: save it as UTF-8", though
    ``ledger import`` reads one: it is read as it goes, a chunk at a time, as UTF-8 is."""
    records = [
        {"uuid": f"{n}1111111-2222-3333-4444-555555555555", "status": "pending", "description": f"Café {n} 🚀 " + "x" * 40_000}
        for n in range(1, 4)
    ]  # long: more than a read (64 KiB) of the file each, so characters are cut between reads
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) if lines else json.dumps(records, ensure_ascii=False)
    path = tmp_path / "tw16.json"
    path.write_bytes(("\ufeff" + text).encode(encoding))
    assert cli.ok("import", "--from", "taskwarrior", str(path)).startswith("imported 3 tasks")
    titles = sorted(t["title"] for t in json.loads(cli.ok("tasks", "all", "--json")))
    assert [title[: len("Café 1 🚀")] for title in titles] == ["Café 1 🚀", "Café 2 🚀", "Café 3 🚀"]
    # The same export in UTF-8 is the same file to a later import: nothing new.
    twin = tmp_path / "tw8.json"
    twin.write_text(text, encoding="utf-8")
    assert cli.ok("import", "--from", "taskwarrior", str(twin)).startswith("nothing new")
    # A UTF-16 file cut in the middle of a character is named as such, and nothing is imported.
    cut = tmp_path / "cut.json"
    cut.write_bytes(("\ufeff" + json.dumps([{**records[0], "uuid": "91111111-2222-3333-4444-555555555555"}])).encode(encoding)[:-1])
    assert cli("import", "--from", "taskwarrior", str(cut)).err == (
        f"crewdeck: error: nothing imported: {cut}: not UTF-16 text, though it begins as UTF-16 does\n"
    )
    assert len(json.loads(cli.ok("tasks", "all", "--json"))) == 3


def test_an_export_from_standard_input_is_named_standard_input_as_a_board_s_or_a_csv_is(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def stdin(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))

    stdin('[{"uuid": "11111111-2222-3333-4444-555555555555", "status": "pending"}]')
    assert cli("import", "--from", "taskwarrior", "-").err == (
        "standard input: task 1 (uuid 11111111): description: missing\n"
        "crewdeck: error: nothing imported: 1 bad record in standard input (listed above)\n"
    )
    stdin('[{"uuid": ')
    assert cli("import", "--from", "taskwarrior", "-").err.startswith(
        "crewdeck: error: nothing imported: standard input: not a Taskwarrior export: "
    )
    stdin('{"format": "something else"}')
    assert cli("import", "-").err == (
        'crewdeck: error: nothing imported: standard input: not a crewdeck export (no "format": "crewdeck-export")\n'
    )
    stdin("{")
    assert cli("import", "-").err.startswith("crewdeck: error: nothing imported: standard input: not JSON: ")
    assert json.loads(cli.ok("tasks", "all", "--json")) == []


@needs_task
def test_a_real_recurring_task_is_a_series_at_its_time_in_its_zone(cli: Cli, tmp_path: Path) -> None:
    """Taskwarrior's template (status recurring) was skipped and its instance came in as a one-off task."""
    home = tmp_path / "tw"
    (home / "data").mkdir(parents=True)
    (home / "taskrc").write_text("data.location=" + str(home / "data") + "\nuda.tz.type=string\n")
    _task(home, "add", "Stand-up notes", "due:2027-01-05T08:00:00Z", "recur:weekly", "tz:Europe/Berlin", "until:2027-03-01T00:00:00Z")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    records = json.loads(export.read_text())
    first = min((r for r in records if r["status"] == "pending"), key=lambda r: r["due"])
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert "1 recurring template as series: Stand-up notes" in out
    [task] = [t for t in json.loads(cli.ok("export"))["task"] if t["status"] == "todo"]
    assert task["id"] == first["uuid"].replace("-", "")
    assert task["recurrence"]["rule"] == {"freq": "weekly", "days": ["tue"], "monthday": None, "time": "09:00", "tz": "Europe/Berlin"}
    assert task["due"] == {"utc": "2027-01-05T08:00:00Z", "tz": "Europe/Berlin"} and task["notes"] == "until: Mon 2027-03-01 01:00 CET"
    # Said by the import that made the series: the second's "nothing new" went on "1 recurring template as series".
    again = cli.ok("import", "--from", "taskwarrior", str(export))
    assert again.startswith("nothing new") and "as series" not in again, again


@needs_task
def test_a_real_task_whose_annotations_a_task_cannot_hold_goes_on_in_more_tasks_made_when_it_was(cli: Cli, tmp_path: Path) -> None:
    """The import was refused ('annotations: longer than 100000 characters'), as no Trello, Asana or Linear one is."""
    home = tmp_path / "tw"
    (home / "data").mkdir(parents=True)
    (home / "taskrc").write_text("data.location=" + str(home / "data") + "\n")
    _task(home, "add", "Pasted logs", "entry:2026-01-10T10:00:00Z", "priority:H")
    for n in range(4):  # 120,000 characters and more: two tasks' worth
        _task(home, "/Pasted logs/", "annotate", f"log {n} " + "x" * 30_000)
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert out.startswith("imported 2 tasks")
    assert "notes longer than a task holds (100,000 characters) go on in more tasks, titled (notes 2/N), nothing cut: Pasted logs" in out
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    first, rest = tasks["Pasted logs"], tasks["Pasted logs (notes 2/2)"]
    assert first["notes"].endswith("\n(the notes go on in 1 more task: “Pasted logs (notes 2/2)”)")
    whole = first["notes"].partition("\n(the notes go on in")[0] + rest["notes"]
    assert [whole.count(f"log {n} " + "x" * 30_000) for n in range(4)] == [1] * 4
    assert rest["created_at"] == first["created_at"] == "2026-01-10T10:00:00Z"  # the task's entry, for every part
    assert rest["status"] == first["status"] == "todo"
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export))


def test_annotations_denotated_since_take_away_the_tasks_the_notes_no_longer_go_on_in(cli: Cli, tmp_path: Path) -> None:
    """Logs pasted as annotations, denotated in Taskwarrior since: the "(notes 2/3)" and "(notes 3/3)" tasks of the
    earlier import stayed, the old logs' tail, though the task's notes no longer said they went on in them."""
    logs = [{"entry": "20260110T100000Z", "description": f"log {n} " + "x" * 30_000} for n in range(7)]  # three tasks' worth
    task = {"uuid": "11111111-2222-3333-4444-555555555555", "status": "pending", "description": "Pasted logs", "entry": "20260110T100000Z"}
    export = tmp_path / "tw.json"
    export.write_text(json.dumps([{**task, "annotations": logs}]))
    assert cli.ok("import", "--from", "taskwarrior", str(export)).startswith("imported 3 tasks")
    export.write_text(json.dumps([{**task, "annotations": logs[:1]}]))
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert out.startswith("updated 1 task; removed 2 tasks the notes no longer go on in (shorter in the file)"), out
    titles = [t["title"] for t in json.loads(cli.ok("tasks", "all", "--json"))]
    assert titles == ["Pasted logs"]
    assert cli.ok("import", "--from", "taskwarrior", str(export)).startswith("nothing new")
    export.write_text(json.dumps([{**task, "annotations": logs[:4]}]))  # two tasks' worth again: the second comes back
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert out.startswith("updated 1 task; brought back 1 task an earlier import of the file, or its undo, removed;"), out
    assert sorted(t["title"] for t in json.loads(cli.ok("tasks", "all", "--json"))) == ["Pasted logs", "Pasted logs (notes 2/2)"]


def test_the_tasks_a_started_task_s_notes_go_on_in_are_todo_and_a_closed_one_s_keep_its_status(cli: Cli, tmp_path: Path) -> None:
    """A started task's "(notes 2/N)" copied its status: a second task in progress that nobody had begun."""
    notes = [{"entry": "20260111T100000Z", "description": f"log {n} " + "x" * 60_000} for n in range(2)]
    records = [
        {"uuid": f"11111111-2222-3333-4444-55555555555{n}", "description": title, "status": status, **extra, "annotations": notes}
        for n, (title, status, extra) in enumerate(
            [
                ("Started", "pending", {"start": "20260112T090000Z"}),
                ("Finished", "completed", {"start": "20260112T090000Z", "end": "20260113T090000Z"}),
                ("Dropped", "deleted", {}),
                ("Waiting", "pending", {}),
            ]
        )
    ]
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(records))
    cli.ok("import", "--from", "taskwarrior", str(path))
    statuses = {t["title"]: t["status"] for t in json.loads(cli.ok("export"))["task"]}
    assert statuses == {
        "Started": "doing",
        "Started (notes 2/2)": "todo",
        "Finished": "done",
        "Finished (notes 2/2)": "done",
        "Dropped": "cancelled",
        "Dropped (notes 2/2)": "cancelled",
        "Waiting": "todo",
        "Waiting (notes 2/2)": "todo",
    }
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(path))


def _taskwarrior_home(tmp_path: Path, *settings: str) -> Path:
    home = tmp_path / "tw"
    (home / "data").mkdir(parents=True)
    (home / "taskrc").write_text("\n".join(["data.location=" + str(home / "data"), "uda.tz.type=string", *settings, ""]))
    return home


@needs_task
def test_a_real_recurrence_written_as_an_iso_duration_is_a_series(cli: Cli, tmp_path: Path) -> None:
    """`task add recur:P1M` (Taskwarrior keeps the ISO 8601 duration as typed) came in as a one-off task with
    "recur: P1M" in its notes, where recur:monthly was a series."""
    # Taskwarrior makes instances by the real clock, which no setting pins: once 2027-01-05 passed, PT5M's made one per
    # five minutes (review rc: 8,857 tasks a month later). Its templates alone, as a replica that makes none exports.
    home = _taskwarrior_home(tmp_path, "recurrence=off")
    _task(home, "add", "Invoice", "due:2027-01-05T09:00:00Z", "recur:P1M", "tz:Europe/Berlin")
    _task(home, "add", "Sync", "due:2027-01-05T09:00:00Z", "recur:P2W", "tz:Europe/Berlin")
    _task(home, "add", "Ping", "due:2027-01-05T09:00:00Z", "recur:PT5M", "tz:Europe/Berlin")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert "2 recurring templates as series: Invoice; Sync" in out
    # Ping's template alone: nothing of it comes in (it said "kept as a note", review rd).
    assert "1 recurring template not imported (no pending instance, and no every: rule says its recur): Ping (recur: PT5M)" in out
    rules = {t["title"]: (t["recurrence"] or {}).get("rule") for t in json.loads(cli.ok("export"))["task"] if t["status"] == "todo"}
    assert rules["Invoice"] == {"freq": "monthly", "days": [], "monthday": 5, "time": "10:00", "tz": "Europe/Berlin"}
    assert rules["Sync"] is not None and rules["Sync"]["days"] == ["tue"]


@needs_task
def test_a_real_started_task_is_doing(cli: Cli, tmp_path: Path) -> None:
    """`task start` (an active task, +ACTIVE) came in as todo, like one nobody had begun."""
    home = _taskwarrior_home(tmp_path)
    _task(home, "add", "Begun")
    _task(home, "add", "Begun and stopped")
    _task(home, "add", "Begun and done")
    for title in ("Begun", "Begun and stopped", "Begun and done"):
        _task(home, f"/^{title}$/", "start")
    _task(home, "/Begun and stopped/", "stop")
    _task(home, "/Begun and done/", "done")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    cli.ok("import", "--from", "taskwarrior", str(export))
    statuses = {t["title"]: t["status"] for t in json.loads(cli.ok("export"))["task"]}
    assert statuses == {"Begun": "doing", "Begun and stopped": "todo", "Begun and done": "done"}


@needs_task
def test_a_real_template_with_no_pending_instance_gets_one_that_waits_as_taskwarrior_s_own_would(cli: Cli, tmp_path: Path) -> None:
    """The instance made at the next occurrence kept the template's own wait, weeks before its due (a snooze long over)."""
    home = _taskwarrior_home(tmp_path, "recurrence=off")  # as on a replica that makes no instances: the template alone
    _task(home, "add", "Retro", "due:2026-11-05T17:00:00Z", "recur:2w", "tz:America/New_York", "wait:2026-11-04T00:00:00Z")
    _task(home, "add", "One-off", "wait:2026-11-30T00:00:00Z")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    cli.ok("import", "--from", "taskwarrior", str(export))
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    retro = tasks["Retro"]
    assert retro["due"] == {"utc": "2026-12-03T17:00:00Z", "tz": "America/New_York"}  # the next occurrence ahead
    # Taskwarrior's instances wait as long before their due as the template does (41 hours).
    assert retro["snoozed_until"] == {"utc": "2026-12-02T00:00:00Z", "tz": "America/New_York"}
    assert retro["status"] == tasks["One-off"]["status"] == "todo"  # a pending task, as every pending one is


def test_notes_nearly_a_task_s_worth_for_a_task_here_that_credits_its_author_are_no_refusal(cli: Cli, tmp_path: Path) -> None:
    """The task here ends with the credit an import of another workspace's export gave it; the merge added it to the
    annotations, over a task's 100,000 characters, and refused the import naming crewdeck's field: 'notes: longer than …'.
    Its notes were written here by that other import, so they are a local edit a Taskwarrior import keeps (and says so)."""
    uuid = "11111111-2222-3333-4444-555555555555"
    record = {"uuid": uuid, "description": "Logs", "status": "pending", "entry": "20260110T100000Z"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([record]))
    elsewhere = Cli(tmp_path / "elsewhere.db")
    elsewhere.ok("init", str(elsewhere.workspace), "--member", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata", as_member=None)
    elsewhere.ok("import", "--from", "taskwarrior", str(path), as_member="raj")
    exported = tmp_path / "elsewhere.json"
    exported.write_text(elsewhere.ok("export", as_member="raj"))
    cli.ok("add", "Something here first")  # a workspace with data: the export is merged, raj's task credited to him
    cli.ok("import", str(exported))
    [here] = [t for t in json.loads(cli.ok("export"))["task"] if t["title"] == "Logs"]
    assert here["notes"] == "imported: entered by @raj 2026-01-10"
    annotation = "y" * 99_980  # fits a task's notes, but not with the credit after it
    path.write_text(json.dumps([{**record, "annotations": [{"entry": "20260111T100000Z", "description": annotation}]}]))
    out = cli.ok("import", "--from", "taskwarrior", str(path))
    assert f"1 record keeps what was changed in crewdeck since the last import: {path}: task 1 (“Logs”, uuid 11111111): notes" in out
    [here] = [t for t in json.loads(cli.ok("export"))["task"] if t["title"] == "Logs"]
    assert here["notes"] == "imported: entered by @raj 2026-01-10"


def test_notes_kept_as_a_local_edit_leave_out_the_tasks_the_file_s_notes_go_on_in(cli: Cli, tmp_path: Path) -> None:
    """The task's notes were kept (a local edit wins), but the "(notes 2/2)" task of the file's new notes was written:
    the tail of notes whose first part was nowhere; and the summary, once none was, still named the task among those
    whose notes go on in more tasks."""
    uuid = "11111111-2222-3333-4444-555555555555"
    record = {"uuid": uuid, "description": "Logs", "status": "pending", "entry": "20260110T100000Z"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([record]))
    cli.ok("import", "--from", "taskwarrior", str(path))
    [logs] = [t["id"] for t in json.loads(cli.ok("export"))["task"]]
    cli.ok("set", logs[:8], "notes=written here")
    path.write_text(json.dumps([{**record, "annotations": [{"entry": "20260111T100000Z", "description": "y" * 150_000}]}]))
    planned = cli.ok("import", "--from", "taskwarrior", "--dry-run", str(path))
    out = cli.ok("import", "--from", "taskwarrior", str(path))
    kept = f"{path}: task 1 (“Logs”, uuid 11111111): notes (not imported either: the 1 more task the file's notes go on in)"
    assert f"1 record keeps what was changed in crewdeck since the last import: {kept}" in out
    assert kept in planned and "go on in more tasks" not in planned and "go on in more tasks" not in out
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert set(tasks) == {"Logs"} and tasks["Logs"]["notes"] == "written here"
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(path))


def test_a_task_removed_here_takes_none_of_the_tasks_the_file_s_notes_go_on_in(cli: Cli, tmp_path: Path) -> None:
    """The task stayed removed (a local delete wins), but the tasks of the file's new notes were written: a new "(notes
    3/3)", and the earlier import's "(notes 2/2)" made over into "(notes 2/3)", the tail of notes whose first part is gone."""
    record = {"uuid": "11111111-2222-3333-4444-555555555555", "description": "Logs", "status": "pending", "entry": "20260110T100000Z"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([{**record, "annotations": [{"entry": "20260111T100000Z", "description": "y" * 150_000}]}]))
    cli.ok("import", "--from", "taskwarrior", str(path))
    before = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    cli.ok("rm", before["Logs"]["id"][:8])
    path.write_text(json.dumps([{**record, "annotations": [{"entry": "20260112T100000Z", "description": "z" * 250_000}]}]))
    planned = cli.ok("import", "--from", "taskwarrior", "--dry-run", str(path))
    out = cli.ok("import", "--from", "taskwarrior", str(path))
    removed = "1 record removed here stays removed (not imported either: the 2 more tasks the file's notes go on in)"
    assert removed in planned and removed in out
    assert "go on in more tasks" not in planned and "go on in more tasks" not in out
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert tasks == {"Logs (notes 2/2)": before["Logs (notes 2/2)"]}  # never restored, updated nor deleted
    assert cli.ok("import", "--from", "taskwarrior", str(path)).startswith("nothing new")


def test_the_tasks_an_earlier_import_s_notes_go_on_in_stay_as_they_were_when_the_notes_are_kept(cli: Cli, tmp_path: Path) -> None:
    """A newer export's notes, kept out of a task whose notes were edited here, were written over the earlier import's
    "(notes 2/2)": its first part the local edit, its tail the file's."""
    record = {"uuid": "11111111-2222-3333-4444-555555555555", "description": "Logs", "status": "pending", "entry": "20260110T100000Z"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([{**record, "annotations": [{"entry": "20260111T100000Z", "description": "y" * 150_000}]}]))
    cli.ok("import", "--from", "taskwarrior", str(path))
    before = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}["Logs (notes 2/2)"]
    [logs] = [t["id"] for t in json.loads(cli.ok("export"))["task"] if t["title"] == "Logs"]
    cli.ok("set", logs[:8], "notes=written here")
    path.write_text(json.dumps([{**record, "annotations": [{"entry": "20260112T100000Z", "description": "z" * 150_000}]}]))
    out = cli.ok("import", "--from", "taskwarrior", str(path))
    assert "notes (not imported either: the 1 more task the file's notes go on in)" in out
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert tasks["Logs"]["notes"] == "written here"
    assert tasks["Logs (notes 2/2)"] == before


def test_notes_nearly_a_task_s_worth_go_on_in_another_task_leaving_room_for_a_credit(cli: Cli, tmp_path: Path) -> None:
    """Notes that fit a task's 100,000 characters, but not with a credit the merge may add after them, go on in a
    "(notes 2/2)" task on a first import, nothing lost: the test of a task here that credits its author covered this
    until a Taskwarrior import kept that task's notes as a local edit."""
    annotation = "y" * 99_980  # 99,991 characters of notes with its day: a task holds them, not with a credit after them
    record = {"uuid": "11111111-2222-3333-4444-555555555555", "description": "Logs", "status": "pending", "entry": "20260110T100000Z"}
    path = tmp_path / "tw.json"
    path.write_text(json.dumps([{**record, "annotations": [{"entry": "20260111T100000Z", "description": annotation}]}]))
    out = cli.ok("import", "--from", "taskwarrior", str(path))
    assert out.startswith("imported 2 tasks")
    assert "notes longer than a task holds (100,000 characters) go on in more tasks, titled (notes 2/N), nothing cut: Logs" in out
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    first, rest = tasks["Logs"]["notes"], tasks["Logs (notes 2/2)"]["notes"]
    assert first.endswith("\n(the notes go on in 1 more task: “Logs (notes 2/2)”)")
    assert first.partition("\n(the notes go on in")[0] + rest == f"2026-01-11 {annotation}"
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(path))


@needs_task
def test_a_real_task_whose_description_or_tags_crewdeck_cannot_hold_is_cut_and_kept_whole_in_its_notes(cli: Cli, tmp_path: Path) -> None:
    """The whole import was refused ('description: longer than 500 characters', a tag over 64), as no Trello, Asana or
    Linear one is: they cut a title or a label to fit and keep it whole in the notes."""
    home = _taskwarrior_home(tmp_path)
    pasted = " ".join(["pasted"] * 100)  # 699 characters
    long_tag = "quarterly_review_" * 5  # 85 characters
    crowd = [f"t{n}" for n in range(205)]
    _task(home, "add", pasted, f"+{long_tag}", "+short")
    _task(home, "/pasted pasted/", "annotate", "call the printer")
    _task(home, "add", "Tagged a lot", *(f"+{tag}" for tag in crowd))
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert out.startswith("imported 2 tasks")
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    [title] = [t for t in tasks if t.startswith("pasted")]
    assert title.endswith("pasted…") and len(title) <= 500 and pasted.startswith(title[:-1])
    first, second, third = tasks[title]["notes"].split("\n")
    assert first == f"full title: {pasted}"  # the whole description first, as the other importers keep a title
    assert second == f"tag: {long_tag}" and third.endswith(" call the printer")
    assert sorted(tasks[title]["tags"]) == sorted([long_tag[:64], "short"])
    crowded, [record] = tasks["Tagged a lot"], [r for r in json.loads(export.read_text()) if r["description"] == "Tagged a lot"]
    in_order = record["tags"]  # as Taskwarrior writes them (sorted)
    assert crowded["tags"] == in_order[:200] and crowded["notes"] == "more tags: " + ", ".join(in_order[200:])
    assert "1 title longer than a task holds (500 characters) cut, each whole at the start of its notes: pasted pasted" in out
    assert f"1 tag longer than a tag holds (64 characters) cut to one, whole in its task's notes: {long_tag[:39]}…" in out
    assert "1 task with more tags than a task holds (200) keeps the others in the notes: Tagged a lot" in out
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export))


@needs_task
def test_a_real_task_with_a_priority_taskwarrior_was_set_up_with_keeps_it_in_its_notes(cli: Cli, tmp_path: Path) -> None:
    """`uda.priority.values=P1,P2,P3`: the whole import was refused ('priority: 'P1' is not H, M or L')."""
    home = _taskwarrior_home(tmp_path, "uda.priority.values=P1,P2,P3,")
    _task(home, "add", "Ship it", "priority:P1", "scheduled:2026-12-10T09:00:00Z")
    _task(home, "add", "Ship that", "priority:P1")
    _task(home, "add", "Someday", "priority:P3")
    _task(home, "add", "Whenever")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert out.startswith("imported 4 tasks")
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert {title: t["priority"] for title, t in tasks.items()} == dict.fromkeys(tasks, "none")
    assert tasks["Ship it"]["notes"] == "priority: P1\nscheduled: Thu 2026-12-10 09:00 UTC"  # no zone of its own, nor the workspace
    assert tasks["Someday"]["notes"] == "priority: P3" and not tasks["Whenever"]["notes"]
    said = "3 tasks with a priority not H, M or L (uda.priority.values) have none here, kept on a “priority: …” line of the notes"
    assert f"{said}: P1 (2 tasks); P3 (1 task)" in out
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export))


@needs_task
def test_a_real_task_whose_project_is_longer_than_a_campaign_s_name_has_it_cut_and_whole_in_its_notes(cli: Cli, tmp_path: Path) -> None:
    """The whole import was refused ('project: longer than 200 characters'), as no Trello, Asana or Linear one is: they cut
    a project's name to a campaign's."""
    home = _taskwarrior_home(tmp_path)
    project = "campaign." + "spring_launch_and_the_rest." * 9  # 252 characters after the prefix
    _task(home, "add", "Draft carousel", f"project:{project}")
    _task(home, "add", "Book studio", f"project:{project}")
    _task(home, "add", "Short one", "project:campaign.holiday")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    out = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export))
    assert out.startswith("imported 3 tasks")
    exported = json.loads(cli.ok("export"))
    full = project.removeprefix("campaign.")
    [name] = [c["name"] for c in exported["campaign"] if full.startswith(c["name"][:-1])]
    assert name.endswith("…") and len(name) <= 200
    tasks = {t["title"]: t for t in exported["task"]}
    for title in ("Draft carousel", "Book studio"):  # each task keeps where it came from
        assert tasks[title]["notes"] == f"project: {project}"
        assert tasks[title]["campaign"] == tasks["Draft carousel"]["campaign"] != tasks["Short one"]["campaign"]
    assert not tasks["Short one"]["notes"]
    said = "1 project name longer than a campaign's name holds (200 characters) cut, whole on a “project: …” line of its tasks' notes"
    assert f"{said}: {name[:39]}…" in out
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export))


def test_a_project_with_no_letter_or_digit_is_kept_in_the_notes_as_from_the_other_importers(cli: Cli, tmp_path: Path) -> None:
    """A project no campaign can be named by ("🚀", or the prefix alone) refused the whole import; Trello, Asana and
    Linear keep it on a "project: …" line of the task's notes."""
    export = tmp_path / "export.json"
    uuid = "11111111-2222-3333-4444-5555555555{:02d}"
    records = [
        {"uuid": uuid.format(1), "description": "Rocket", "status": "pending", "entry": "20261101T090000Z", "project": "🚀"},
        {"uuid": uuid.format(2), "description": "Bare prefix", "status": "pending", "entry": "20261101T090000Z", "project": "campaign."},
        {"uuid": uuid.format(3), "description": "Named", "status": "pending", "entry": "20261101T090000Z", "project": "campaign.holiday"},
    ]
    export.write_text(json.dumps(records))
    out = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export))
    assert out.startswith("imported 3 tasks")
    exported = json.loads(cli.ok("export"))
    tasks = {t["title"]: t for t in exported["task"]}
    assert (tasks["Rocket"]["notes"], tasks["Rocket"]["campaign"]) == ("project: 🚀", None)
    assert (tasks["Bare prefix"]["notes"], tasks["Bare prefix"]["campaign"]) == ("project: campaign.", None)
    assert tasks["Named"]["campaign"] and not tasks["Named"]["notes"]
    assert "holiday" in [c["name"] for c in exported["campaign"]] and len(exported["campaign"]) == 2  # Spring Launch was here
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export))


@needs_task
def test_a_real_estimate_uda_is_the_task_s_estimate_and_the_udas_kept_in_the_notes_are_named(cli: Cli, tmp_path: Path) -> None:
    """`uda.estimate.type=duration` came in as an "estimate: PT1H30M" line of the notes, where crewdeck has an estimate
    (minutes), and nothing said which of a file's UDAs went into the notes: a team found them only by opening tasks."""
    home = _taskwarrior_home(
        tmp_path, "uda.estimate.type=duration", "uda.client.type=string", "uda.points.type=numeric", "uda.size.type=duration"
    )
    _task(home, "add", "Cut the reel", "estimate:90min", "client:Acme", "points:3")
    _task(home, "add", "Plan the launch", "estimate:P1DT12H", "client:Acme")
    _task(home, "add", "Ping", "estimate:45s", "size:2h")
    _task(home, "add", "Whenever")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    assert '"estimate":"PT1H30M"' in export.read_text()  # as Taskwarrior writes a duration
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert out.startswith("imported 4 tasks")
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert {title: t["estimate"] for title, t in tasks.items()} == {
        "Cut the reel": 90,
        "Plan the launch": 36 * 60,
        "Ping": None,  # 45 seconds is no whole minute: kept as the file has it
        "Whenever": None,
    }
    assert tasks["Cut the reel"]["notes"] == "client: Acme\npoints: 3"
    assert tasks["Ping"]["notes"] == "estimate: PT45S\nsize: PT2H"  # another UDA of type duration is no estimate
    assert not tasks["Whenever"]["notes"]
    said = "4 UDAs kept on a “NAME: value” line of the notes: client (2 tasks); "
    why = "not a duration of whole minutes up to 10000h (uda.estimate.type=duration)"
    assert f"{said}estimate (1 task, {why}); points (1 task); size (1 task)" in out
    assert "estimate  1h30m" in cli.ok("show", tasks["Cut the reel"]["id"][:8])
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export))


@needs_task
def test_a_due_of_no_zone_of_its_own_keeps_its_zone_here_when_the_same_file_comes_again(cli: Cli, tmp_path: Path) -> None:
    """A task with no `tz` took its due's zone from its assignee, or the importer: after raj moved, or imported by bo in
    New York, the same file "updated 2 tasks" and the log said each was moved to the time it already had. The same instant
    keeps its zone here, as from Trello, Asana and Linear; a due moved in Taskwarrior takes the assignee's zone now."""
    cli.ok("member", "add", "bo", "--name", "Bo", "--tz", "America/New_York")
    home = _taskwarrior_home(tmp_path, "uda.assignee.type=string")
    _task(home, "add", "Cut the reel", "assignee:raj", "due:2026-12-04T12:00:00Z")
    _task(home, "add", "Loose end", "due:2026-12-05T12:00:00Z", "wait:2026-12-01T08:00:00Z")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    cli.ok("import", "--from", "taskwarrior", str(export))

    def zones() -> dict[str, tuple[str | None, str | None]]:
        tasks = json.loads(cli.ok("export"))["task"]
        return {t["title"]: (t["due"]["tz"], (t["snoozed_until"] or {}).get("tz")) for t in tasks}

    first = {"Cut the reel": ("Asia/Kolkata", None), "Loose end": ("Europe/Berlin", "Europe/Berlin")}
    assert zones() == first
    cli.ok("member", "set", "raj", "--tz", "Europe/London")
    log = cli.ok("log")
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export))
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export), as_member="bo")
    assert zones() == first and cli.ok("log") == log
    _task(home, "/Cut the reel/", "modify", "due:2026-12-04T15:00:00Z")
    export.write_text(_task(home, "export"))
    assert cli.ok("import", "--from", "taskwarrior", str(export)).startswith("updated 1 task")
    assert zones() == {**first, "Cut the reel": ("Europe/London", None)}


@needs_task
def test_an_estimate_taken_away_or_no_longer_read_in_a_newer_export_is_emptied_here(cli: Cli, tmp_path: Path) -> None:
    """Review rb 1: `task modify estimate:` "updated 1 task" (the due taken away with it went) and the task kept its 1h30m;
    an estimate changed to one not read (45s, kept in the notes) kept the 1h30m beside its "estimate: PT45S" line."""
    home = _taskwarrior_home(tmp_path, "uda.estimate.type=duration")
    _task(home, "add", "Cut the reel", "estimate:90min", "due:2026-12-10T10:00:00Z")
    export = tmp_path / "export.json"
    export.write_text(_task(home, "export"))
    cli.ok("import", "--from", "taskwarrior", str(export))

    def task() -> dict[str, Any]:
        (only,) = json.loads(cli.ok("export"))["task"]
        return {"estimate": only["estimate"], "due": only["due"], "notes": only["notes"]}

    assert task()["estimate"] == 90
    _task(home, "/Cut the reel/", "modify", "estimate:", "due:")
    export.write_text(_task(home, "export"))
    assert cli.ok("import", "--from", "taskwarrior", str(export)).startswith("updated 1 task")
    assert task() == {"estimate": None, "due": None, "notes": ""}
    assert "removed the due date of “Cut the reel”, removed the estimate of it" in cli.ok("log")
    _task(home, "/Cut the reel/", "modify", "estimate:90min")
    export.write_text(_task(home, "export"))
    cli.ok("import", "--from", "taskwarrior", str(export))
    assert task()["estimate"] == 90
    _task(home, "/Cut the reel/", "modify", "estimate:45s")
    export.write_text(_task(home, "export"))
    cli.ok("import", "--from", "taskwarrior", str(export))
    assert task() == {"estimate": None, "due": None, "notes": "estimate: PT45S"}
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export))


def test_an_estimate_that_is_no_iso_duration_or_longer_than_a_task_holds_is_kept_in_the_notes(cli: Cli, tmp_path: Path) -> None:
    """Review rb 6: "PT" read as 0 minutes, "P1DT" as a day, PT0S as an estimate of 0 (shown blank), and P999999W as
    524666473h39m: each a duration no ISO 8601 reader takes, or none, or none a task is."""
    estimates = {"PT": None, "P1DT": None, "P": None, "PT0S": None, "P999999W": None, "PT10000H": 600_000, "P1DT2H": 26 * 60}
    records = [
        {"uuid": f"5a0c1e7e-0000-4000-8000-{n:012x}", "description": value, "status": "pending", "estimate": value}
        for n, value in enumerate(estimates, start=1)
    ]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(records))
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    why = "not a duration of whole minutes up to 10000h (uda.estimate.type=duration)"
    assert f"1 UDA kept on a “NAME: value” line of the notes: estimate (4 tasks, {why})" in out, out
    tasks = {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}
    assert {title: t["estimate"] for title, t in tasks.items()} == estimates
    kept = {title: t["notes"] for title, t in tasks.items() if t["notes"]}
    assert kept == {value: f"estimate: {value}" for value in ("PT", "P1DT", "P", "P999999W")}  # PT0S is read: none
    assert "nothing new" in cli.ok("import", "--from", "taskwarrior", str(export))


def test_whether_a_task_may_go_to_a_member_follows_their_access_as_it_is_now() -> None:
    """The answer is kept per member as the rules read them: one made a guest, then a member again, is asked anew."""
    from crewdeck.tui.tasks.taskwarrior import _assignable
    from crewdeck.tui.workspace.workspace import Member

    def raj(access: str) -> Member:
        return Member("a" * 32, "raj", "Raj", "", "UTC", {}, [], None, access)

    assert [_assignable(raj(access)) for access in ("member", "guest", "member", "manager", "guest")] == [True, False, True, True, False]


def test_a_taskwarrior_import_looks_into_each_task_for_control_characters_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each task is looked into where it is checked, naming the file's field (``exchange.add_checked``); the merge
    creating it as the file gives it does not look again (issue 18: a tenth of a second more at 100,000 tasks)."""
    from crewdeck.tui.workspace import exchange, merging

    looked: list[str] = []
    all_printable = exchange.all_printable

    def counted(values: Any) -> bool:
        looked.append(values.get("title"))
        return all_printable(values)

    monkeypatch.setattr(exchange, "all_printable", counted)
    monkeypatch.setattr(merging, "all_printable", counted)
    tasks = [
        {"uuid": f"11111111-2222-3333-4444-55555555555{n}", "description": f"task {n}", "status": "pending", "due": "20261114T130000Z"}
        for n in range(3)
    ]
    path = tmp_path / "tw.json"
    path.write_text(json.dumps(tasks))
    cli.ok("import", "--from", "taskwarrior", str(path))
    assert sorted(looked) == ["task 0", "task 1", "task 2"]
    assert len(json.loads(cli.ok("tasks", "all", "--json"))) == 3
