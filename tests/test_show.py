"""``crewdeck show ID``: one task in full, and ``--json`` with every field."""

from __future__ import annotations

import json

from crewdeck.sync.state.ids import new_id

from .conftest import Cli
from .forged import Forger


def _task(cli: Cli) -> str:
    task = cli.ok("add", "Draft reel @raj +spring-launch/instagram every:weekday 09:00").strip()
    cli.ok("set", task, "notes=Brief is in the drive\nsecond line", "estimate=2h", "publish=fri 10:00 America/New_York", "tags+=video")
    return task


def test_show_prints_every_field_notes_rule_estimate_publish_slot_and_history(cli: Cli) -> None:
    task = _task(cli)
    text = cli.ok("show", task[:8])
    assert text.startswith(f"Draft reel  [{task[:8]}]")
    for part in (
        "assignee  @raj (Raj Mehta, Asia/Kolkata)",
        "campaign  Spring Launch / instagram",
        "tags  #video",
        "estimate  2h",
        "repeats  every weekday 09:00 Europe/Berlin (this one: 2026-11-27)",
        "Publish slot\n  you: tmrw 16:00 CET\n  @raj: tmrw 20:30 IST Kolkata (outside their hours)\n  audience: tmrw 10:00 EST",
        "Notes\nBrief is in the drive\nsecond line",
        "History (times in Europe/Berlin)",
        "@ana added “Draft reel” for @raj, due tmrw 09:00 CET",
        "@ana edited the notes of “Draft reel”, estimated it at 2h, scheduled it to publish tmrw 16:00 CET, tagged it #video",
    ):
        assert part in text, part


def test_show_json_has_every_field_and_the_history(cli: Cli) -> None:
    task = _task(cli)
    shown = json.loads(cli.ok("show", task, "--json"))
    assert shown["notes"] == "Brief is in the drive\nsecond line" and shown["estimate"] == 120
    assert shown["repeat"] == "every weekday 09:00 Europe/Berlin" and shown["recurrence"]["on"] == "2026-11-27"
    assert shown["publish"] == {"utc": "2026-11-27T15:00:00Z", "tz": "America/New_York"}
    assert shown["assignee"] == "raj" and shown["campaign"] == "spring-launch" and shown["created_by"] == "ana"
    assert {"title", "status", "due", "tags", "depends_on", "snoozed_until", "decline_reason", "duplicate_of", "created_at"} <= set(shown)
    history = [(h["field"], h["value"], h["member"]) for h in shown["history"]]
    assert ("estimate", 120, "ana") in history and ("tags", ["video"], "ana") in history


def test_tasks_json_has_notes_rule_and_estimate(cli: Cli) -> None:
    task = _task(cli)
    row = next(r for r in json.loads(cli.ok("tasks", "--json")) if r["id"] == task)
    assert (row["notes"], row["estimate"], row["repeat"]) == (
        "Brief is in the drive\nsecond line",
        120,
        "every weekday 09:00 Europe/Berlin",
    )


def test_show_of_no_such_task_is_one_line(cli: Cli) -> None:
    result = cli("show", "abcd1234")
    assert result.code == 2 and result.err.startswith("crewdeck: error: ") and result.err.count("\n") == 1


def test_show_of_a_booked_meeting_says_who_attends_and_when_it_is_for_each(cli: Cli) -> None:
    cli.ok("member", "add", "sofia", "--name", "Sofia Russo", "--tz", "America/New_York")
    booked = cli.ok("overlap", "ana", "raj", "--optional", "sofia", "--from", "mon", "--days", "1", "--book", "Weekly sync")
    text = cli.ok("show", booked.split()[1])
    assert "meeting  30m with @ana @raj, optional @sofia" in text
    due = text.split("\nDue\n")[1].split("\n\n")[0].splitlines()
    assert len(due) == 3, due
    assert due[0].startswith("  you: Mon 11-30 ") and due[0].endswith(" CET")
    assert due[1].startswith("  @raj: Mon 11-30 ") and due[1].endswith(" IST Kolkata")
    assert due[2].startswith("  @sofia: Mon 11-30 ") and due[2].endswith(" EST (outside their hours)")


def test_a_snooze_keeps_the_zone_it_was_meant_in_after_its_member_moves(cli: Cli) -> None:
    """A snooze was stored as an instant alone: once ana moved to New York, "tmrw 09:00" (Berlin) read
    "tmrw 03:00 EST" with nothing saying it had been meant as 09:00 in Berlin."""
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task[:8], "snoozed_until=tmrw 09:00")
    shown = json.loads(cli.ok("show", task[:8], "--json"))
    assert shown["snoozed_until"] == {"utc": "2026-11-27T08:00:00Z", "tz": "Europe/Berlin"}
    cli.ok("member", "set", "ana", "--tz", "America/New_York")
    assert "snoozed until  tmrw 03:00 EST (set in: tmrw 09:00 CET)" in cli.ok("show", task[:8])
    # A reader elsewhere reads it on their clock, with whose time it was meant in.
    assert "snoozed until  tmrw 13:30 IST Kolkata (set in: tmrw 09:00 CET)" in cli.ok("show", task[:8], as_member="raj")
    cli.ok("set", task[:8], "snoozed_until=tmrw 09:00")  # now in New York: meant where it is read
    assert "snoozed until  tmrw 09:00 EST\n" in cli.ok("show", task[:8])


def test_show_of_a_task_with_no_creation_time_says_it_was_not_recorded(cli: Cli) -> None:
    """A task an older crewdeck stored with its creator and no creation time printed "created  by @ana " with nothing after."""
    ana = next(m["id"] for m in json.loads(cli.ok("export"))["member"] if m["handle"] == "ana")
    task = new_id()
    Forger(cli.workspace).set("task", task, {"title": "Old one", "created_by": ana})
    assert "      created  by @ana (time not recorded)\n" in cli.ok("show", task)


def test_show_json_names_who_acted_as_the_member_of_each_change_as_log_json_does(cli: Cli) -> None:
    """`show --json`'s history named raj alone of a task ana added --as raj, which its text and `log --json` say ana did
    acting as raj (``actor``)."""
    task = cli.ok("add", "Rough cut", as_member="raj").strip()  # from the tests' account, ana's: ana acting as raj
    cli.in_person("set", task, "priority=high", as_member="raj")
    history = json.loads(cli.ok("show", task, "--json"))["history"]
    acted = {op["op_id"]: op.get("actor") for op in json.loads(cli.ok("log", task, "--json"))}
    assert {op["op_id"]: op.get("actor") for op in history} == acted
    assert {(op["member"], op.get("actor")) for op in history} == {("raj", "ana"), ("raj", None)}
    assert all(op["actor_id"] and op["actor_removed"] is False for op in history if "actor" in op)


def test_show_names_the_task_a_duplicate_duplicates(cli: Cli) -> None:
    """``duplicate of  1a2b3c4d``: an id alone, where the history says the title and "waits for" says both."""
    original = cli.ok("add", "Draft the brief").strip()
    again = cli.ok("add", "Brief draft").strip()
    cli.ok("set", again, f"duplicate_of={original}")
    assert f" duplicate of  {original[:8]} Draft the brief\n" in cli.ok("show", again)
