"""Changing a repeat rule moves the open instance to the new rule's next occurrence (issue 14, item 2)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from textual.widgets import Input

from crewdeck.sync.state.store import Store
from crewdeck.sync.state.zones import zone
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.discard import DiscardScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.session.detail import TaskDetail
from crewdeck.tui.tasks import recurrence
from crewdeck.tui.time.when import parse_utc

from .apphelp import make_app, settle
from .conftest import Cli


def _task(cli: Cli, task_id: str) -> dict[str, Any]:
    with Store(cli.workspace) as store:
        row = store.record("task", task_id)
    assert row is not None
    return row


def _local(row: dict[str, Any]) -> dt.datetime:
    return parse_utc(row["due"]["utc"]).astimezone(zone(row["due"]["tz"]))


def _open(cli: Cli) -> list[dict[str, Any]]:
    with Store(cli.workspace) as store:
        rows = [v for _, v in store.records("task") if not v["deleted"] and v["status"] not in ("done", "cancelled")]
    return sorted(rows, key=lambda v: v["due"]["utc"])


def test_a_new_rule_moves_the_open_instance_to_its_next_occurrence(cli: Cli) -> None:
    # Thursday 10:30 in Berlin (the suite's clock): today's 11:00 is the first instance.
    first = cli.ok("add", "Probe every:weekday 11:00").strip()
    assert _local(_task(cli, first)) == dt.datetime(2026, 11, 26, 11, 0, tzinfo=zone("Europe/Berlin"))
    cli.ok("set", first, "every=tue 10:00")
    row = _task(cli, first)
    assert _local(row) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=zone("Europe/Berlin"))  # not "today 10:00"
    assert row["recurrence"]["on"] == "2026-12-01" and row["recurrence"]["rule"]["days"] == ["tue"]
    assert "Tue" in cli.ok("tasks")
    cli.ok("set", first, "every=month on the 15th")
    row = _task(cli, first)
    assert _local(row).date() == dt.date(2026, 12, 15) and row["recurrence"]["on"] == "2026-12-15"  # not "today 17:00"
    # The series goes on by the new rule.
    cli.ok("done", first)
    [nxt] = _open(cli)
    assert nxt["recurrence"]["on"] == "2027-01-15" and _local(nxt).date() == dt.date(2027, 1, 15)


def test_a_rule_whose_time_today_is_ahead_keeps_today(cli: Cli) -> None:
    first = cli.ok("add", "Probe every:weekday 11:00").strip()
    cli.ok("set", first, "every=weekday 12:00")
    assert _local(_task(cli, first)) == dt.datetime(2026, 11, 26, 12, 0, tzinfo=zone("Europe/Berlin"))
    # 10:00 today has passed (it is 10:30 in Berlin): the next occurrence is tomorrow's.
    cli.ok("set", first, "every=weekday 10:00")
    assert _local(_task(cli, first)) == dt.datetime(2026, 11, 27, 10, 0, tzinfo=zone("Europe/Berlin"))


def test_the_move_keeps_the_wall_clock_across_a_dst_change(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Thursday 2027-03-11, 09:00 in Los Angeles; clocks go forward on Sunday the 14th.
    monkeypatch.setenv("CREWDECK_NOW", "2027-03-11T17:00:00Z")
    first = cli.ok("add", "Probe every:weekday 11:00 America/Los_Angeles").strip()
    assert _task(cli, first)["due"] == {"utc": "2027-03-11T19:00:00Z", "tz": "America/Los_Angeles"}  # 11:00 PST
    cli.ok("set", first, "every=tue 10:00 America/Los_Angeles")
    assert _task(cli, first)["due"] == {"utc": "2027-03-16T17:00:00Z", "tz": "America/Los_Angeles"}  # 10:00 PDT


def test_this_one_or_all_future_ones_for_a_new_rule(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def two_instances() -> tuple[str, str]:
        first = cli.ok("add", "Report every:tue and thu 17:00").strip()  # Thu 26 Nov, 17:00 Berlin
        # A week later, nobody having done it: the Thursday after is made, the first stays open.
        monkeypatch.setenv("CREWDECK_NOW", "2026-12-03T10:00:00Z")
        cli.ok("tasks")
        series = _task(cli, first)["series"]
        return first, recurrence.instance_id(series, dt.date(2026, 12, 3))

    first, later = two_instances()
    cli.ok("set", first, "every=mon 09:00")  # this one
    assert _task(cli, first)["due"]["utc"] == "2026-12-07T08:00:00Z"  # Monday 09:00 Berlin
    assert _task(cli, later)["due"]["utc"] == "2026-12-03T16:00:00Z"  # untouched, on the old rule
    assert _task(cli, later)["recurrence"]["rule"]["days"] == ["tue", "thu"]

    monkeypatch.setenv("CREWDECK_NOW", "2026-11-26T09:30:00Z")
    cli.ok("rm", first, later)
    first, later = two_instances()
    cli.ok("set", first, "every=mon 09:00", "--future")
    # Each open instance on the occurrence after the one before: never two on one day.
    assert _task(cli, first)["due"]["utc"] == "2026-12-07T08:00:00Z"
    assert _task(cli, later)["due"]["utc"] == "2026-12-14T08:00:00Z"
    assert _task(cli, later)["recurrence"]["rule"]["days"] == ["mon"]


def test_a_bad_rule_changes_nothing(cli: Cli) -> None:
    first = cli.ok("add", "Probe every:weekday 11:00").strip()
    before = _task(cli, first)
    assert cli("set", first, "every=hourly").code == 2  # no rule says hours (fortnightly was the example: now 2 weeks)
    assert _task(cli, first) == before


async def test_the_app_asks_this_one_or_all_future_ones_for_a_new_rule(cli: Cli) -> None:
    first = cli.ok("add", "Probe every:weekday 11:00").strip()
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.tasks_pane.table.cursor_key == first
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("colon", *"every=tue 10:00", "enter")
        await settle(pilot)
        # The question, as for any change to a recurring task; nothing written until it is answered.
        assert isinstance(app.screen, PickerScreen) and [c.value for c in app.screen.choices] == ["this", "future"]
        assert _task(cli, first)["recurrence"]["rule"]["days"] == ["mon", "tue", "wed", "thu", "fri"]
        await pilot.press("t")
        await settle(pilot)
        row = _task(cli, first)
        assert _local(row) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=zone("Europe/Berlin"))
        assert row["recurrence"]["rule"]["days"] == ["tue"]
        assert "2026-12-01" in str(app.screen.query_one("#detail-body").render())


async def test_a_change_answered_before_the_detail_has_read_the_task_still_asks_this_one_or_all_future_ones(cli: Cli) -> None:
    """The detail knew a task recurs once its own read had come back: a ``:`` answered before (typed ahead, or on a
    busy machine) was written to this instance alone, without asking, and the series kept the old priority."""
    first = cli.ok("add", "Probe every:weekday 11:00").strip()
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.tasks_pane.table.cursor_key == first
        # The detail's read is held until the dialog's answer has been acted on.
        answered = threading.Event()
        detail_of = app.session.reads.detail

        def held_detail(task_id: str, now: dt.datetime, clock24: bool = True) -> TaskDetail:
            assert answered.wait(20)
            return detail_of(task_id, now, clock24)

        app.session.reads.detail = held_detail  # type: ignore[method-assign]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("colon", *"priority=high", "enter")
        for _ in range(500):  # the dialog closes once its worker has acted on the answer (the detail still unread)
            if not isinstance(app.screen, PromptScreen):
                break
            await pilot.pause()
        answered.set()
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen) and [c.value for c in app.screen.choices] == ["this", "future"]
        assert _task(cli, first)["priority"] != "high"  # nothing written until it is answered
        await pilot.press("a")
        await settle(pilot)
        row = _task(cli, first)
        assert row["priority"] == "high" and row["recurrence"]["template"]["priority"] == "high"


def test_all_future_ones_keep_the_time_typed_where_the_day_typed_skips_it(cli: Cli) -> None:
    # Berlin's clocks skip 02:30 on 2027-03-28: that day it is 03:30, but the rule is 02:30, and the open
    # instance (tomorrow, whose 02:30 exists) keeps its date at 02:30, with no note of a skipped time.
    task = cli.ok("add", "Backup every:day 01:00").strip()
    result = cli("set", task, "due=2027-03-28 02:30", "--future")
    assert result.code == 0 and "does not exist" not in result.err, result.err
    row = _task(cli, task)
    assert row["recurrence"]["rule"]["time"] == "02:30"
    assert _local(row) == dt.datetime(2026, 11, 27, 2, 30, tzinfo=zone("Europe/Berlin"))


def test_a_new_rule_and_an_edit_for_all_future_ones_in_one_command_keep_both(cli: Cli) -> None:
    """``set ID assignee=@raj every=… --future`` gave the series its new rule and put the old template back over the
    edit: the next instances went to whoever had them before (review ra)."""
    first = cli.ok("add", "Report every:tue 17:00").strip()
    cli.ok("set", first, "assignee=@raj", "every=wed 10:00", "--future")
    row = _task(cli, first)
    with Store(cli.workspace) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
    assert row["assignee"] == raj and row["recurrence"]["template"]["assignee"] == raj
    assert row["recurrence"]["rule"]["days"] == ["wed"]
    cli.ok("done", first)
    [nxt] = _open(cli)
    assert nxt["assignee"] == raj


def test_a_new_time_and_another_field_for_all_future_ones_in_one_command_keep_both(cli: Cli) -> None:
    """``set ID due="fri 10:00" priority=high --future`` moved this instance to 10:00 and put the rule's old time back
    over the new one (the template's edit rewrote the recurrence read before it): the next instance was due at 09:00."""
    first = cli.ok("add", "Standup every:weekday 09:00").strip()
    cli.ok("set", first, "due=fri 10:00", "priority=high", "--future")
    row = _task(cli, first)
    assert row["recurrence"]["rule"]["time"] == "10:00" and row["recurrence"]["template"]["priority"] == "high"
    cli.ok("done", first)
    [nxt] = _open(cli)
    assert _local(nxt) == dt.datetime(2026, 11, 30, 10, 0, tzinfo=zone("Europe/Berlin")) and nxt["priority"] == "high"


async def test_escape_on_this_one_or_all_future_ones_goes_back_to_the_change_as_typed(cli: Cli) -> None:
    # Escape on the question dropped the change typed before it, unsaid: "due=fri 18:00" was to be typed again.
    first = cli.ok("add", "Probe every:weekday 11:00").strip()
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.tasks_pane.table.cursor_key == first
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        await pilot.press("colon", *"priority=high", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("escape")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen) and prompt.query_one(Input).value == "priority=high"
        assert _task(cli, first)["priority"] != "high"  # nothing written
        # The text given back is what was typed, never saved: escape asks before dropping it (it closed at once, as a box
        # left as it opened does, and the change was gone, unasked); `n` goes back to it, `y` drops it.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is prompt and prompt.query_one(Input).value == "priority=high"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is detail and app.focused is not None and app.focused.screen is detail
        assert _task(cli, first)["priority"] != "high"
        await pilot.press("colon", *"priority=high", "enter")
        await settle(pilot)
        await pilot.press("escape", "enter")  # back to the text, and enter asks again
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is detail and _task(cli, first)["priority"] == "high"
