"""The app driven by keys, checked against the store afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input

from crewdeck.sync.state.clock import wall_ms
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp, check_config
from crewdeck.tui.app.grid_pane import GridPane
from crewdeck.tui.app.ledger_pane import LedgerPane
from crewdeck.tui.app.opening import GRID_GUTTER, LEDGER_ROWS, GridQuery, Opening, first_grid, grid_resolution, grid_width
from crewdeck.tui.app.pane import Pane
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.help import HelpScreen, binding_rows
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.tasks_pane import TasksPane
from crewdeck.tui.app.triage import TRIAGE_BINDINGS, Triage
from crewdeck.tui.cli.main import main
from crewdeck.tui.ledger import pane_data
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.session.session import Session
from crewdeck.tui.tasks.listing import TaskRow
from crewdeck.tui.tasks.rows import CELLS, row_text
from crewdeck.tui.workspace.config import Config
from crewdeck.widgets.content_calendar import ContentCalendar
from crewdeck.widgets.key_footer import footer_keys
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.rendered_column import RenderedColumn
from crewdeck.widgets.task_table import TaskTable
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import (
    FirstAnswerLast,
    cursor_on,
    demo_workspace,
    help_text,
    keymapped_app,
    make_app,
    prompt_preview,
    settle,
    shown_help,
    until,
)
from .conftest import NOW

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def record(path: Path, task_id: str) -> dict[str, Any]:
    with Store(path) as store:
        row = store.record("task", task_id)
    assert row is not None
    return row


def open_tasks_tagged(path: Path, tag: str) -> int:
    with Store(path) as store:
        return sum(
            1
            for _, v in store.records("task")
            if tag in v["tags"]
            and v["status"] in ("inbox", "todo", "doing", "review")
            and not (v["snoozed_until"] or "") > "2026-11-26T09:30"
        )


def table(app: CrewdeckApp) -> TaskTable:
    return app.tasks_pane.table


async def open_detail(pilot: Any, app: CrewdeckApp) -> str:
    """The detail of the task under the cursor, opened once the app has settled; that task's id."""
    await settle(pilot)
    task = table(app).cursor_key
    assert task is not None
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)
    return task


def keys_of_rows(app: CrewdeckApp) -> list[str]:
    return [row.key for _, row in table(app).loaded_rows()]


async def open_view(pilot: Any, key: str) -> None:
    await pilot.press("v", key)
    await settle(pilot)


async def test_starts_on_the_inbox_with_who_and_where(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        assert pane.view is not None and pane.view.id == "inbox"
        assert pane.count == len(keys_of_rows(app)) > 0
        for key in keys_of_rows(app):
            row = record(workspace, key)
            assert row["status"] == "inbox"
        header = app.query_one("WorkspaceHeader")
        assert header.workspace == "Northwind Social" and header.who == "@ana" and header.zone == "Europe/Berlin"  # type: ignore[attr-defined]
        assert header.clock == "10:30 CET"  # type: ignore[attr-defined]


async def test_the_clocks_tick_while_the_app_closes_raises_nothing(workspace: Path) -> None:
    # Its 15 s tick came while the app was closing, its screen's header already removed: NoMatches, a traceback as the
    # app ended (seen once in a full run under load).
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.query_one(WorkspaceHeader).remove()
        app._tick_clock()
        await settle(pilot)
        assert app.return_code is None  # still running, nothing raised


async def test_a_move_of_your_own_zone_is_followed_by_the_open_app(workspace: Path) -> None:
    # ana moved to Tokyo (from a shell, or a manager's member set): her open app still said "@ana (Europe/Berlin) ·
    # 10:30 CET", its DUE (YOUR TIME) read Berlin's clock, and quick-add took "fri 17:00" as 17:00 in Berlin.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = app.query_one(WorkspaceHeader)
        with Store(workspace) as store:
            ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
            with store.write(ana) as w:
                w.set("member", ana, {"tz": "Asia/Tokyo"})
        await until(pilot, lambda: header.zone == "Asia/Tokyo", "the header naming ana's new zone")
        assert header.who == "@ana" and header.clock == "18:30 JST"
        table = app.tasks_pane.table
        shown = "\n".join("".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height))
        assert "JST" in shown and "CET" not in shown, shown
        await pilot.press("a", *"Call due:fri 17:00")
        await settle(pilot)
        assert "Fri 11-27 17:00 JST" in prompt_preview(app) or "tmrw 17:00 JST" in prompt_preview(app), prompt_preview(app)


@pytest.mark.parametrize("name", ["Northwind Social", "Northwind Social Media — EMEA, APAC and the Americas, Q1 2027 launch team"])
async def test_the_header_keeps_the_sync_state_whole_at_80_columns(tmp_path: Path, name: str) -> None:
    # At 80 columns the header read "● live ·": the sync state, last on the line, was cut (a replica's
    # "offline · 3 unsent" lost its count); a long workspace name pushed the clock off too.
    path = demo_workspace(tmp_path / "demo.db")
    with Store(path) as store:
        ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
        with store.write(ana) as w:
            w.set("workspace", "workspace", {"name": name})
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = app.query_one(WorkspaceHeader)
        line = "".join(segment.text for segment in header.render_line(0)).rstrip()
        assert line.endswith("● live · shared file") and "10:30 CET" in line and "@ana" in line, line
        # The app's name goes first, then the end of the workspace's.
        assert line.strip().startswith("Northwind Social") and "crewdeck" not in line, line
        assert ("…   @ana" in line) == (name != "Northwind Social"), line
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        line = "".join(segment.text for segment in header.render_line(0)).strip()
        assert line == f"crewdeck · {name}   @ana (Europe/Berlin) · 10:30 CET   ● live · shared file", line


async def test_the_header_at_80_columns_gives_up_the_zone_name_before_the_workspaces(tmp_path: Path) -> None:
    # For @leo in Los Angeles the header read "N…   @leo (America/Los_Angeles) · 01:30 PST Los Angeles": the zone,
    # which the clock names already, took the room of the workspace's name, cut to its first letter.
    path = demo_workspace(tmp_path / "demo.db")
    app = make_app(path, "leo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = app.query_one(WorkspaceHeader)
        line = "".join(segment.text for segment in header.render_line(0)).strip()
        assert line == "Northwind Social   @leo · 01:30 PST Los Angeles   ● live · shared file", line
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        line = "".join(segment.text for segment in header.render_line(0)).strip()
        assert line == "crewdeck · Northwind Social   @leo (America/Los_Angeles) · 01:30 PST Los Angeles   ● live · shared file", line


async def test_the_header_says_who_is_at_the_keys_when_a_manager_acts_as_another(tmp_path: Path) -> None:
    # ana, acting as leo (--as), read "@leo" alone at the top: nothing on screen said her approvals and edits are hers
    # too, as the activity log says them ("@ana as @leo").
    from crewdeck.tui.cli.main import main
    from crewdeck.tui.workspace.workspace import os_user

    from .conftest import in_person

    path = demo_workspace(tmp_path / "demo.db")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["-w", str(path), "--as", "ana", "member", "set", "ana", "--unix-user", os_user()]) == 0  # the tests' account
    for size, expected in [((80, 24), "Northwind Social   @ana as @leo · 01:30 PST Los Angeles   ● live · shared file"), ((160, 48), None)]:
        app = make_app(path, "leo")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            header = app.query_one(WorkspaceHeader)
            assert header.who == "@ana as @leo"
            line = "".join(segment.text for segment in header.render_line(0)).strip()
            assert expected is None or line == expected, line
    with in_person():
        app = make_app(path, "leo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.query_one(WorkspaceHeader).who == "@leo"  # leo himself


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_due_column_says_how_late_in_a_zone_whose_abbreviation_is_shared(workspace: Path, size: tuple[int, int]) -> None:
    # For @raj (IST, which Dublin and Jerusalem use too) every due read "Thu 11-26 09:30 IST Kolkata ·…": the city
    # pushed "17h late" out of the column. The column's title says whose time it is.
    app = make_app(workspace, "raj")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.tasks_pane.table
        shown = ["".join(segment.text for segment in table.render_line(y)).rstrip() for y in range(1, table.size.height)]
        dues = [line for line in shown if " IST" in line]
        assert dues, shown
        assert all(line.endswith((" late", "now")) or " · in " in line for line in dues), dues
        assert "DUE (YOUR TIME)" in "".join(segment.text for segment in table.render_line(0))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_due_column_holds_how_far_a_date_months_out_and_in_a_long_zone_name_is(workspace: Path, size: tuple[int, int]) -> None:
    # Ten months out the date takes its year: "2027-10-01 17:00 CEST · in 10…", the column cut how far it is.
    for title, due in (("Plan next year", "2027-10-01 17:00"), ("Kathmandu review", "2027-10-01 17:00 Asia/Kathmandu")):
        assert main(["-w", str(workspace), "--as", "ana", "add", f"{title} @ana !high due:{due}"]) == 0
    app = make_app(workspace, "bina")  # Asia/Kathmandu, whose clock reads "+0545"
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"due:>+180d", "enter")
        await settle(pilot)
        table = app.tasks_pane.table
        shown = ["".join(segment.text for segment in table.render_line(y)).rstrip() for y in range(1, table.size.height)]
        dues = [line for line in shown if "2027-10-01" in line]
        assert len(dues) == 2 and all(line.endswith(" +0545 · in 10mo") for line in dues), shown


@pytest.mark.parametrize(
    ("status", "post_state", "words"),
    [("todo", None, "late"), ("done", None, "ago"), ("cancelled", None, "ago"), ("todo", "missed", "late"), ("todo", "published", "ago")],
)
def test_the_due_column_says_late_only_of_what_is_still_to_do(status: str, post_state: str | None, words: str) -> None:
    # A task done, or a post out, read "2w late" in its DUE cell for ever after.
    due = (NOW - dt.timedelta(days=15)).strftime("%Y-%m-%dT%H:%M:%SZ")
    row = TaskRow(new_id(), "Recap", status, "none", None, None, None, due, "UTC", None, None, (), None, None, None, None, 0.0, post_state)
    cell = row_text(row, {}, {}, "UTC", NOW).cells[CELLS.index("due")]
    assert cell.endswith(f"· 2w {words}"), cell


async def test_the_first_screen_is_the_page_found_while_textual_started(workspace: Path) -> None:
    config = Config(default_view="all")
    session = Session.open(workspace, "ana", config)
    warming = session.warm_up.start("", NOW, SIZE[1])  # as launch does: a page as tall as the terminal
    app = CrewdeckApp(session, config, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert session.warm_up.first_page("", 0) is None  # the pane took it
        ranked = session.ranked.window(session.reads.compile("", NOW), 0, 30)
        assert keys_of_rows(app)[:30] == [r.id for r in ranked]
        assert table(app).total == session.ranked.count(session.reads.compile("", NOW))
        await pilot.press("j")
        assert table(app).cursor_key == ranked[1].id
    warming.join()  # the app let it score once its first screen was up
    session.close()


async def test_a_change_while_the_first_page_is_pending_is_not_hidden_by_it(workspace: Path) -> None:

    config = Config(default_view="all")
    session = Session.open(workspace, "ana", config)
    warming = session.warm_up.start("", NOW, SIZE[1])
    session.warm_up._page_ready.wait()
    other = Session.open(workspace, "raj", config)
    written = other.edits.quick_add("A new thing !high due:today", NOW)  # after the page was read
    session.warm_up._page_ready.clear()  # the page is still on its way when the change arrives
    app = CrewdeckApp(session, config, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            app.tasks_pane.store_changed(list(written.ops), False)  # as the watcher would
            expected = session.ranked.count(session.reads.compile("", NOW))
            deadline = time.monotonic() + 20
            while table(app).total != expected:  # the reload does not wait for the page
                assert time.monotonic() < deadline, "the reload after the change never showed it"
                await pilot.pause(0.01)
        finally:
            session.warm_up._page_ready.set()
        await settle(pilot)
        assert table(app).total == expected  # the late start-up page was dropped
    warming.join()
    other.close()
    session.close()


def test_every_triage_key_runs_one_of_the_triage_actions() -> None:
    actions = [binding.action for binding in TRIAGE_BINDINGS]
    assert sorted(actions) == sorted(f"triage('{name}')" for name in Triage.KEYS)


async def test_moving_the_cursor(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "a")
        t = table(app)
        assert t.cursor == 0
        await pilot.press("j", "j", "down")
        assert t.cursor == 3
        await pilot.press("k", "up")
        assert t.cursor == 1
        await pilot.press("G")
        await settle(pilot)
        assert t.cursor == t.total - 1 and t.cursor_key is not None
        await pilot.press("g")
        assert t.cursor == 0


async def test_status_done_and_undo_redo_are_operations(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "a")
        first = table(app).cursor_key
        assert first is not None
        before = record(workspace, first)["status"]
        await pilot.press("d")
        await settle(pilot)
        assert record(workspace, first)["status"] == "done"
        await pilot.press("u")
        await settle(pilot)
        assert record(workspace, first)["status"] == before
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert record(workspace, first)["status"] == "done"
        with Store(workspace) as store:
            statuses = [op.value for op in store.history(first) if op.field == "status"]
        assert statuses[-3:] == ['"done"', f'"{before}"', '"done"']  # undo wrote, never rewrote


async def test_cycle_status_keeps_the_cursor_on_its_task(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "a")
        await pilot.press("j", "j")
        target = table(app).cursor_key
        assert target is not None
        before = record(workspace, target)["status"]
        await pilot.press("s")
        await settle(pilot)
        after = record(workspace, target)["status"]
        assert after != before and after in ("todo", "doing", "review", "done")
        if after != "done":
            assert table(app).cursor_key == target
        # Said as the log says it, naming the task: it said "status: 1 task", of no task in particular.
        title = record(workspace, target)["title"]
        assert [n.message for n in app._notifications][-1] == f"set “{title}” to {after}"
        await pilot.press("x", "j", "x", "s")  # on two marked tasks: the first named, and how many more
        await settle(pilot)
        assert re.fullmatch(r"set “.+” to \w+, and 1 more", [n.message for n in app._notifications][-1])


async def test_assign_priority_due_snooze(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "a")
        task = table(app).cursor_key
        assert task is not None
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("2")  # the second member in handle order: bina
        await settle(pilot)
        with Store(workspace) as store:
            bina = next(r for r, v in store.records("member") if v["handle"] == "bina")
        assert record(workspace, task)["assignee"] == bina
        await pilot.press("p", "l")
        await settle(pilot)
        assert record(workspace, task)["priority"] == "low"
        await pilot.press("D")
        await pilot.press(*"fri 17:00")
        await settle(pilot)
        preview = prompt_preview(app)
        assert "tmrw 17:00 CET" in preview
        await pilot.press("enter")
        await settle(pilot)
        assert record(workspace, task)["due"] == {"utc": "2026-11-27T16:00:00Z", "tz": "Europe/Berlin"}
        await pilot.press("h")
        await pilot.press("enter")  # the default answer: tomorrow
        await settle(pilot)
        assert record(workspace, task)["snoozed_until"] == {"utc": "2026-11-27T08:00:00Z", "tz": "Europe/Berlin"}  # as her day starts
        assert task not in keys_of_rows(app)  # snoozed tasks leave the view


async def test_inbox_triage_keys(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        inbox = keys_of_rows(app)
        assert len(inbox) >= 4
        with Store(workspace) as store:
            ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
        first = table(app).cursor_key
        await pilot.press("t")  # take: accept and assign to me
        await settle(pilot)
        assert record(workspace, first)["status"] == "todo" and record(workspace, first)["assignee"] == ana  # type: ignore[arg-type]
        second = table(app).cursor_key
        await pilot.press("c")  # accept
        await settle(pilot)
        assert record(workspace, second)["status"] == "todo"  # type: ignore[arg-type]
        third = table(app).cursor_key
        await pilot.press("r")
        await pilot.press(*"out of scope")
        await pilot.press("enter")
        await settle(pilot)
        declined = record(workspace, third)  # type: ignore[arg-type]
        assert (declined["status"], declined["decline_reason"]) == ("cancelled", "out of scope")
        fourth = table(app).cursor_key
        await pilot.press("m")
        await pilot.press(*first[:8])  # type: ignore[index]
        await pilot.press("enter")
        await settle(pilot)
        duplicate = record(workspace, fourth)  # type: ignore[arg-type]
        assert (duplicate["status"], duplicate["duplicate_of"]) == ("cancelled", first)


async def test_inbox_triage_keys_leave_a_task_past_the_inbox_in_its_status(workspace: Path) -> None:
    # c (accept) on a task in hand set it back to todo, and on a done one reopened it; t did too; r cancelled a done task.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with Store(workspace) as store:
            ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
        await pilot.press("slash", *"status:doing -@me", "enter")
        await settle(pilot)
        doing = table(app).cursor_key
        assert doing is not None and record(workspace, doing)["status"] == "doing"
        await pilot.press("c")  # accept: nothing to accept, and it says so
        await settle(pilot)
        assert record(workspace, doing)["status"] == "doing"
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("accept: “") and m.endswith("” is doing, not in the inbox: nothing to accept") for m in said), said
        await pilot.press("t")  # take: mine now, still in hand
        await settle(pilot)
        assert (record(workspace, doing)["status"], record(workspace, doing)["assignee"]) == ("doing", ana)
        await pilot.press("slash", "ctrl+u", *"status:done", "enter")
        await settle(pilot)
        done = table(app).cursor_key
        assert done is not None and record(workspace, done)["status"] == "done"
        await pilot.press("c", "t")
        await settle(pilot)
        assert record(workspace, done)["status"] == "done"
        await pilot.press("r", *"out of scope", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # refused: the reason stays typed, and why is said under it
        assert "is done, not open: nothing declined" in str(app.screen.query_one("#prompt-refused").render())
        await pilot.press("escape", "y")  # what was typed, discarded
        await settle(pilot)
        other = next(key for key in keys_of_rows(app) if key != done)
        await pilot.press("m", *other[:8])  # marked a duplicate of another, it would be cancelled too
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "is done, not open: nothing marked" in str(app.screen.query_one("#task-picker-refused").render())
        await pilot.press("escape")
        await settle(pilot)
    assert record(workspace, done)["status"] == "done" and not record(workspace, done).get("decline_reason")
    assert not record(workspace, done).get("duplicate_of")


async def test_marking_acts_on_every_marked_task(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "a")
        await pilot.press("x", "j", "x")  # mark the 1st and 3rd
        marked = sorted(app.tasks_pane.marked)
        assert len(marked) == 2
        await pilot.press("p", "h")
        await settle(pilot)
        assert [record(workspace, t)["priority"] for t in marked] == ["high", "high"]
        assert app.tasks_pane.marked == set()


async def test_quick_add_previews_and_creates(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.press(*"Film teaser @raj #tiktok +spring-launch/tiktok !high due:mon 10:00")
        await settle(pilot)
        preview = prompt_preview(app)
        assert "“Film teaser”" in preview and "@raj" in preview and "!high" in preview and "Mon 11-30 10:00 CET" in preview
        await pilot.press("enter")
        await settle(pilot)
        with Store(workspace) as store:
            added = [v for _, v in store.records("task") if v["title"] == "Film teaser"]
        assert len(added) == 1 and added[0]["tags"] == ["tiktok"] and added[0]["priority"] == "high"
        assert added[0]["due"] == {"utc": "2026-11-30T09:00:00Z", "tz": "Europe/Berlin"}
        # Said as the log says it: a task for someone else leaves the Inbox, and its id alone said nothing of it.
        told = [str(n.message) for n in app._notifications]
        assert "added “Film teaser” for @raj, due Mon 11-30 10:00 CET: not in Inbox (v picks another view)" in told, told


async def test_the_triage_keys_say_what_they_did_and_a_series_next_instance(workspace: Path) -> None:
    """The notice said "done: 1 task", "assigned: 2 tasks": neither the task nor the change, nor the next instance."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["-w", str(workspace), "--as", "ana", "add", "Check KPIs @ana every:tue 11:00"]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "KPIs")
        await pilot.press("d")
        await settle(pilot)
        told = [str(n.message) for n in app._notifications]
        assert "marked “Check KPIs” done; added “Check KPIs” for @ana, due Tue 12-08 11:00 CET" in told, told
        await pilot.press("u")
        await settle(pilot)
        told = [str(n.message) for n in app._notifications]
        assert "undid: marked “Check KPIs” done; added “Check KPIs” for @ana, due Tue 12-08 11:00 CET" in told, told


async def test_d_u_and_d_again_on_a_repeating_task_brings_back_the_instance_the_first_d_made_and_so_does_ctrl_r(
    workspace: Path,
) -> None:
    """`d`, `u` and `d` again made no next instance (the id of the one `u` removed was taken) and the series had none
    open until a list made the one after it: a week skipped."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["-w", str(workspace), "--as", "ana", "add", "Check KPIs @ana every:tue 11:00"]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = await cursor_on(app, pilot, "KPIs")
        await pilot.press("d")
        await settle(pilot)
        made = open_of_series(workspace, first)
        assert len(made) == 1 and made[0] != first
        await pilot.press("u")
        await settle(pilot)
        assert await cursor_on(app, pilot, "KPIs") == first
        await pilot.press("d")
        await settle(pilot)
        assert open_of_series(workspace, first) == made
        told = [str(n.message) for n in app._notifications]
        assert "marked “Check KPIs” done; restored “Check KPIs”" in told, told
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert open_of_series(workspace, first) == made


def open_of_series(path: Path, task_id: str) -> list[str]:
    """The live open tasks of the series ``task_id`` is in, with their due dates."""
    with Store(path) as store:
        series = store.record("task", task_id)["series"]  # type: ignore[index]
        return [
            f"{row[0]} {row[1]}"
            for row in store.conn.execute(
                "SELECT id, due_utc FROM task WHERE series = ? AND deleted = 0 AND status NOT IN ('done', 'cancelled')", (series,)
            )
        ]


async def test_quick_add_says_what_it_added_and_when_the_list_shown_does_not_hold_it(workspace: Path) -> None:
    # The notice said "added 1a2b3c4d", and a task added for a teammate from the Inbox (yours) went where no row showed.
    app = make_app(workspace)
    told: list[str] = []
    notify = app.notify

    def told_too(message: str, **options: Any) -> None:
        # Each notice as it is given: one shown for 3 s may be gone by the time a loaded machine looks.
        told.append(message)
        notify(message, **options)

    app.notify = told_too  # type: ignore[method-assign]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for text in ("Moodboard @raj", "Mood check"):
            await pilot.press("a", *text, "enter")
            await settle(pilot)
        said = [message for message in told if message.startswith("added")]
        assert said == ["added “Moodboard” for @raj: not in Inbox (v picks another view)", "added “Mood check”"]


async def test_quick_adds_word_on_where_the_task_went_names_the_views_key_as_the_keymap_has_it(workspace: Path) -> None:
    # It said "(v picks another view)" with the views rebound, where v did nothing.
    app = keymapped_app(workspace, {"tasks.views": "f6"})
    told: list[str] = []
    notify = app.notify

    def told_too(message: str, **options: Any) -> None:
        told.append(message)  # as given: a notice shown for a few seconds may be gone when a loaded machine looks
        notify(message, **options)

    app.notify = told_too  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Moodboard @raj", "enter")
        await until(pilot, lambda: any("Moodboard" in message for message in told), "the notice of the task added")
        assert "added “Moodboard” for @raj: not in Inbox (f6 picks another view)" in told, told


async def test_quick_add_says_what_is_wrong(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.press(*"Film teaser @nobody")
        await settle(pilot)
        preview = app.screen.query_one("#prompt-preview")
        assert "unknown member @nobody" in str(preview.render()) and preview.has_class("-problem")


async def test_filter_and_views(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"#tiktok", "enter")
        await settle(pilot)
        rows = keys_of_rows(app)
        assert rows and all("tiktok" in record(workspace, r)["tags"] for r in rows)
        await open_view(pilot, "o")
        assert app.tasks_pane.view.id == "overdue"  # type: ignore[union-attr]
        assert all(record(workspace, r)["due"]["utc"] < "2026-11-26T09:30:00Z" for r in keys_of_rows(app))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.tasks_pane.view.id == "mine"  # type: ignore[union-attr]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert app.tasks_pane.view.id == "today"  # type: ignore[union-attr]


async def test_this_week_is_the_viewers_working_week(workspace: Path) -> None:
    """The view read ``due:<sun`` for everyone: for ana, who works Sunday to Thursday, on a Thursday it ran past her
    week's end into the weekend (and on a Sunday held only that day's).  Now it ends on her last working day."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["-w", str(workspace), "--as", "ana", "member", "set", "ana", "--hours", "sun-thu 09:00-17:00"]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "w")
        assert app.tasks_pane.view.id == "week" and app.tasks_pane.query_text == "due:<thu"  # type: ignore[union-attr]
        rows = keys_of_rows(app)
        # Thursday, her week's last day: the overdue ones and today's (in Berlin), none of the weekend's.
        assert rows and all(record(workspace, r)["due"]["utc"] < "2026-11-26T23:00:00Z" for r in rows)


async def test_this_week_on_screen_follows_the_viewers_hours_changed_while_the_app_is_open(workspace: Path) -> None:
    """Review rd: the app read the new hours, yet the list shown stayed on the old week (due:<fri, 16 tasks) while the
    view picker's This week read due:<thu (21)."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "w")
        assert app.tasks_pane.query_text == "due:<fri"
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["-w", str(workspace), "--as", "ana", "member", "set", "ana", "--hours", "sun-thu 09:00-17:00"]) == 0
        await until(pilot, lambda: "sun" in app.session.me.hours, "the app reading ana's new hours")
        await settle(pilot)
        assert app.tasks_pane.view is not None and app.tasks_pane.view.id == "week"
        assert app.tasks_pane.query_text == "due:<thu"
        rows = keys_of_rows(app)
        assert rows and all(record(workspace, r)["due"]["utc"] < "2026-11-26T23:00:00Z" for r in rows)


async def test_the_filter_box_takes_the_bar_line_and_the_title_changes_with_the_rows(workspace: Path) -> None:
    from crewdeck.widgets.pane_bar import PaneBar

    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.tasks_pane.query_one(PaneBar)
        where = table(app).region
        held = app.session.ranked._lock
        held.acquire()  # the filtered list cannot load yet
        try:
            await pilot.press("slash", *"#tiktok")
            await pilot.pause()
            assert table(app).region == where  # not moved, not resized: not drawn again
            await pilot.press("enter")
            await pilot.pause()
            assert table(app).region == where and bar.title == "Inbox"  # still the rows it named
            assert app.tasks_pane.filtering  # the box closes with the rows: one layout
        finally:
            held.release()
        await until(pilot, lambda: bar.title == "/ #tiktok", "the filtered rows")
        assert bar.info == (f"{app.tasks_pane.count:,} tasks",) and keys_of_rows(app)
        assert not app.tasks_pane.filtering and app.focused is table(app)


def count_reads(app: CrewdeckApp) -> list[str]:
    """The filters the session queries from now on, each query of the list once: by its first rows (read before the
    count, or instead of it when they are every match), or by its count."""
    reads: list[str] = []
    count, leading = app.session.ranked.count, app.session.ranked.leading_window
    led: list[Any] = []

    def counting(f: Any) -> int:
        if not (led and led[-1] is f):  # not the count of the rows just read
            reads.append(f.where)
        return count(f)

    def leading_window(f: Any, limit: int) -> list[TaskRow] | None:
        led.append(f)
        reads.append(f.where)
        return leading(f, limit)

    app.session.ranked.count = counting  # type: ignore[method-assign]
    app.session.ranked.leading_window = leading_window  # type: ignore[method-assign]
    return reads


async def test_the_filter_box_previews_the_count_and_enter_shows_that_answer(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        reads = count_reads(app)
        await pilot.press("slash", *"#tiktok")
        await until(pilot, lambda: pane.filter_box.preview.message != "", "a preview")
        expected = open_tasks_tagged(workspace, "tiktok")
        assert pane.filter_box.preview.message == f"{expected:,} tasks" and not pane.filter_box.preview.refused
        assert reads[-1] == app.session.reads.compile("#tiktok", NOW).where  # the last read is of the whole text
        previewed = len(reads)
        await pilot.press("enter")
        await settle(pilot)
        assert pane.list_title == "/ #tiktok" and pane.count == expected and len(keys_of_rows(app)) == expected
        assert len(reads) == previewed  # the previewed answer, not a second query
        assert not pane.filtering and app.focused is table(app)


async def test_a_refused_filter_says_why_in_the_box_which_stays_open(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        shown = pane.query_text
        await pilot.press("slash", *"due:<notadate")
        # What was typed on the way (due:<notadat) is refused too: the test waits for the refusal of the whole text.
        await until(pilot, lambda: "'notadate' is not a date" in pane.filter_box.preview.message, "the refusal")
        assert pane.filter_box.preview.refused
        await pilot.press("enter")
        await settle(pilot)
        assert pane.filtering and app.focused is pane.filter_box.input  # to fix it
        assert pane.list_title == "Inbox" and pane.query_text == shown
        await pilot.press(*["backspace"] * len("notadate"), *"fri", "enter")
        # The keys typed after the refused enter may wait for it up to HOLD_AT_MOST, a timer settle does not wait for.
        await until(pilot, lambda: pane.list_title == "/ due:<fri", "the fixed filter applied")
        assert not pane.filtering


async def test_a_refused_filter_s_whole_reason_is_read_at_80_columns_after_enter(workspace: Path) -> None:
    """At 80 columns the box's line cut the reason before its hint ("...is not a status (in…"), and enter only rang the
    bell: the Taskwarrior user never read that status:pending is is:open here."""
    app = make_app(workspace)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        await pilot.press("slash", *"status:pending")
        preview = pane.filter_box.preview
        await until(pilot, lambda: preview.refused and preview.message.startswith("status:pending:"), "the refusal")
        hint = "Taskwarrior's status:pending is is:open here"
        assert preview.message.endswith(hint) and len(preview.message) > preview.region.width  # the line cuts it
        await pilot.press("enter")
        await settle(pilot)
        assert pane.filtering and app.focused is pane.filter_box.input  # still there to fix
        [said] = [n for n in app._notifications if n.severity == "error"]
        assert said.message == preview.message
        shown = " ".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert hint in " ".join(shown.split())  # on the screen whole, wrapped in the notice


async def test_a_filter_that_matches_nothing_names_crewdeck_s_term_for_a_taskwarrior_habit(workspace: Path) -> None:
    """`/due.before:fri` showed an empty list and "0 tasks", where `crewdeck tasks due.before:fri` says that it is
    "due:<fri 00:00" here: the Taskwarrior user was never told."""
    app = make_app(workspace)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        warnings = lambda: [str(n.message) for n in app._notifications if n.severity == "warning"]  # noqa: E731
        await pilot.press("slash", *"zzz-no-such-word", "enter")  # nothing typed by habit: nothing more said
        await until(pilot, lambda: pane.list_title == "/ zzz-no-such-word", "the first filter applied")
        await settle(pilot)
        assert pane.count == 0 and warnings() == []
        await pilot.press("slash", "ctrl+u", *"due.before:fri", "enter")
        await until(pilot, lambda: pane.list_title == "/ due.before:fri", "the filter applied")
        assert pane.count == 0
        await until(pilot, lambda: warnings() != [], "the notice")
        assert warnings() == ['no tasks match: Taskwarrior\'s due.before:fri is "due:<fri 00:00" here']


async def test_enter_again_on_the_same_refused_or_empty_filter_stacks_no_second_notice(workspace: Path) -> None:
    """Review rd: each enter on the same refused filter stacked one more 3-line notice (three alike after three), and the
    same empty filter applied again said its "no tasks match" once more."""
    app = make_app(workspace)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        said = lambda severity: [str(n.message) for n in app._notifications if n.severity == severity]  # noqa: E731
        await pilot.press("slash", *"status:pending")
        await until(pilot, lambda: pane.filter_box.preview.refused, "the refusal")
        for _ in range(3):
            await pilot.press("enter")
            await settle(pilot)
        assert len(said("error")) == 1 and pane.filtering
        await pilot.press("ctrl+u", *"status:todo", "enter")  # another reason: said too
        await until(pilot, lambda: pane.list_title == "/ status:todo", "the filter applied")
        for _ in range(2):
            await pilot.press("slash", "ctrl+u", *"due.before:fri", "enter")
            await until(pilot, lambda: pane.list_title == "/ due.before:fri" and said("warning") != [], "the filter applied")
            await settle(pilot)
        assert said("warning") == ['no tasks match: Taskwarrior\'s due.before:fri is "due:<fri 00:00" here']


async def test_a_change_after_the_preview_is_not_lost_on_enter(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        await pilot.press("slash", *"#tiktok")
        await until(pilot, lambda: pane.filter_box.preview.message != "", "a preview")
        before = pane.filter_box.preview.message
        other = Session.open(workspace, "raj")
        other.edits.quick_add("Fresh cut #tiktok", NOW)
        other.close()
        await until(pilot, lambda: pane.filter_box.preview.message not in ("", before), "the new count")
        await pilot.press("enter")
        await settle(pilot)
        assert any(record(workspace, key)["title"] == "Fresh cut" for key in keys_of_rows(app))


async def test_the_view_picker_says_how_many_each_view_holds_and_shows_the_one_picked_at_once(workspace: Path) -> None:
    from crewdeck.tui.app.screens.picker import PickerScreen

    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reads = count_reads(app)
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        notes = {c.value: c.note for c in picker.choices}
        overdue = Session.open(workspace, "ana")
        try:
            expected = overdue.ranked.count(overdue.reads.compile("overdue", NOW))
        finally:
            overdue.close()
        assert notes["overdue"] == f"{expected:,}" and all(notes.values())
        asked = len(reads)
        await pilot.press("o")
        await settle(pilot)
        pane = app.tasks_pane
        assert pane.list_title == "Overdue" and pane.count == expected and len(keys_of_rows(app)) == expected
        assert len(reads) == asked  # the answer the picker had, not a new query


async def test_a_view_picked_after_a_change_is_queried_again(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        app.tasks_pane.reload()  # as a change by someone else does
        await settle(pilot)
        reads = count_reads(app)
        await pilot.press("t")
        await settle(pilot)
        assert app.tasks_pane.list_title == "Today" and len(reads) == 1


async def test_detail_shows_history_and_urgency(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = table(app).cursor_key
        await pilot.press("p", "l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        body = str(app.screen.query_one("#detail-body").render())
        assert "Urgency" in body and "priority low" in body and "History" in body
        assert f"@ana set “{record(workspace, task)['title']}” to low priority" in body
        await pilot.press("colon", *"estimate=2h", "enter")
        await settle(pilot)
        assert record(workspace, task)["estimate"] == 120  # type: ignore[arg-type]
        with sqlite3.connect(workspace) as conn:
            estimates = conn.execute("SELECT count(*) FROM ops WHERE row_id = ? AND field = 'estimate'", (task,)).fetchone()[0]
        # The same value again writes nothing, and says so: it was written and logged again, "set: 1 task".
        await pilot.press("colon", *"estimate=2h", "enter")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == "set: nothing written (the task is as given already)"
        with sqlite3.connect(workspace) as conn:
            assert conn.execute("SELECT count(*) FROM ops WHERE row_id = ? AND field = 'estimate'", (task,)).fetchone()[0] == estimates
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DetailScreen)


async def test_an_estimate_longer_than_a_task_holds_is_refused_in_the_detail_s_colon_as_by_set(workspace: Path) -> None:
    """Review rb 6: the app's `:` took estimate=10001h (and 999999999h) as `crewdeck set` did: no bound anywhere."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        task = await open_detail(pilot, app)
        before = record(workspace, task)["estimate"]
        await pilot.press("colon", *"estimate=10001h", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # refused: what was typed stays, and why is said under it
        said = str(app.screen.query_one("#prompt-refused").render())
        assert said == "estimate: 10001h is more than 10000h"
        assert record(workspace, task)["estimate"] == before


async def test_taskwarrior_s_modify_argument_in_the_detail_s_colon_is_told_crewdeck_s_field_value(workspace: Path) -> None:
    """`:` due:tomorrow, as a Taskwarrior user types `task ID modify due:tomorrow`, was told "write FIELD=VALUE (or
    tags+=x, tags-=x)" alone; told now how crewdeck writes it, and the text typed stays to fix."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        task = await open_detail(pilot, app)
        before = record(workspace, task)
        await pilot.press("colon", *"due:fri 17:00", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        said = str(app.screen.query_one("#prompt-refused").render())
        assert said == "'due:fri 17:00': write FIELD=VALUE: Taskwarrior's due:fri 17:00 is due=fri 17:00 here"
        assert app.screen.query_one(Input).value == "due:fri 17:00"
        assert record(workspace, task) == before


async def test_quick_add_s_preview_says_how_a_tag_is_written_for_taskwarrior_s_plus_tag(workspace: Path) -> None:
    """`a` then "Cut reel +audio", as `task add Cut reel +audio` makes a tag, was told only that +audio is no campaign."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Cut reel +audio")
        await settle(pilot)
        assert prompt_preview(app).endswith("; a tag is written #audio"), prompt_preview(app)


async def test_the_due_prompt_takes_quick_add_s_due_word_typed_by_habit(workspace: Path) -> None:
    """`D` then "due:fri 17:00", as quick-add and Taskwarrior write a due date, was refused: "'due:fri' is not a date"."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = table(app).cursor_key
        await pilot.press("D", *"due:fri 17:00")
        await settle(pilot)
        assert "Fri 11-27 17:00 CET" in prompt_preview(app) or "tmrw 17:00 CET" in prompt_preview(app), prompt_preview(app)
        await pilot.press("enter")
        await settle(pilot)
        assert record(workspace, task)["due"] == {"utc": "2026-11-27T16:00:00Z", "tz": "Europe/Berlin"}


async def test_copy_puts_the_task_on_the_clipboard(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = table(app).cursor_key
        await pilot.press("y")
        await settle(pilot)
        title = record(workspace, task)["title"]  # type: ignore[arg-type]
        assert app.clipboard.startswith(title) and "status:" in app.clipboard


async def test_copy_with_tasks_marked_copies_them_all_and_notes_say_they_are_one_tasks(workspace: Path) -> None:
    # Three marked and y copied one of them (the first by id, not even the one under the cursor), saying "the task".
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x", "x", "x")
        await settle(pilot)
        marked = sorted(app.tasks_pane.marked)
        assert len(marked) == 3
        await pilot.press("y")
        await settle(pilot)
        titles = [str(record(workspace, task)["title"]) for task in marked]
        assert all(title in app.clipboard for title in titles) and app.clipboard.count("status:") == 3
        assert [n.message for n in app._notifications][-1] == "copied 3 tasks (OSC 52: works over SSH)"
        # The notes are one task's: with three marked, e says so rather than open the first one's.
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert [n.message for n in app._notifications][-1] == "notes: one task at a time, and 3 are marked"


async def test_help_lists_every_key_with_its_id(workspace: Path) -> None:
    app = make_app(workspace, config=Config(keymap={"triage.done": "o"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await help_text(pilot)
        for binding_id in ("triage.cycle_status", "tasks.quick_add", "table.cursor_down", "app.zoom", "detail.set_field"):
            assert binding_id in text
        assert "o Done" in text  # the keymap is shown, not the default


async def test_help_scrolls_with_j_and_k_as_every_list_of_the_app_does(workspace: Path) -> None:
    # j and k did nothing on the help screen (only the arrows scrolled it), while every list of the app moves with them.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await help_text(pilot)
        scroll = app.screen.query_one(RenderedColumn)
        assert scroll.max_scroll_y > 2  # the keys run past the screen
        seen = []
        for key in ("j", "j", "k", "G", "g", "space", "pageup"):
            await pilot.press(key)
            await settle(pilot)
            seen.append(scroll.scroll_y)
        page = scroll.scrollable_content_region.height
        assert seen == [1, 2, 1, scroll.max_scroll_y, 0, min(page, scroll.max_scroll_y), 0]
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is app.main_screen


async def test_the_list_of_keys_is_laid_out_once_however_it_is_scrolled(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its ~250 lines were laid out in full several times over before its first screen was drawn, and again on each
    # scroll: ? took ~300 ms in a terminal where a cursor move takes ~30.  Each section's table is laid out once now.
    laid_out: list[Table] = []
    render = Table.__rich_console__

    def counted(table: Table, console: Console, options: ConsoleOptions) -> RenderResult:
        laid_out.append(table)
        return render(table, console, options)

    monkeypatch.setattr(Table, "__rich_console__", counted)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = await help_text(pilot)
        laid_out.clear()  # help_text itself prints the list once, outside the app
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        for key in ("j", "space", "G", "g"):
            await pilot.press(key)
            await settle(pilot)
        assert len(laid_out) == len(screen.sections)  # one table a section
        assert shown_help(screen) == before  # the same keys as before
        # And what it draws is every line of them, as a console of its width lays them out.
        column = screen.query_one(RenderedColumn)
        width = column.scrollable_content_region.width
        drawn = ["".join(s.text for s in column.render_line(y)).rstrip() for y in range(column.virtual_size.height)]
        console = Console(width=width, file=io.StringIO(), color_system=None)
        with console.capture() as printed:
            console.print(Group(*column.parts))
        expected = [line.rstrip() for line in printed.get().splitlines()]
        assert drawn == expected


async def test_the_list_of_keys_is_drawn_first_from_the_sections_its_first_screen_shows(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Laid out in full before its first screen, the list took ~160 ms to show; the sections past the first screen are
    # laid out once it is drawn, and a move to the end waits for them.
    laid_out: list[Table] = []
    render = Table.__rich_console__
    first_screen: list[int] = []

    def counted(table: Table, console: Console, options: ConsoleOptions) -> RenderResult:
        laid_out.append(table)
        return render(table, console, options)

    lay_out_rest = RenderedColumn._lay_out_rest

    def after_first_screen(column: RenderedColumn, width: int) -> None:
        first_screen.append(len(laid_out))
        lay_out_rest(column, width)

    monkeypatch.setattr(Table, "__rich_console__", counted)
    monkeypatch.setattr(RenderedColumn, "_lay_out_rest", after_first_screen)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        column = screen.query_one(RenderedColumn)
        assert first_screen and 0 < first_screen[0] < len(screen.sections) // 2
        assert len(laid_out) == len(screen.sections)  # the rest, once the first screen is drawn
        await pilot.press("G")
        await settle(pilot)
        assert column.scroll_y == column.max_scroll_y > 0
        last = "".join(s.text for s in column.render_line(column.scrollable_content_region.height - 1))
        assert "help.bottom" in last  # the list's own last key, at the foot of the screen


@pytest.mark.parametrize("key", ["end", "pagedown"])
async def test_end_and_page_down_in_the_list_of_keys_wait_for_the_whole_length(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    # The column's own end and pagedown, which come before the screen's keys while it has the focus, stopped at what was
    # laid out of the list by then: the screen's first sections (reviewer rc).
    monkeypatch.setattr(RenderedColumn, "_lay_out_rest", lambda column, width: None)  # the rest not laid out yet
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        column = app.screen.query_one(RenderedColumn)
        await pilot.press(key)
        await settle(pilot)
        moved = column.scroll_y
        column.lay_out()
        column.scroll_home(animate=False)
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert moved == column.scroll_y > 0  # as far as the same key goes with the whole list laid out


async def test_the_key_the_keymap_gives_the_list_of_keys_closes_it_as_it_opened_it(workspace: Path) -> None:
    # With app.help = f1, f1 opened the list and did nothing in it: only escape, ? and q closed it.
    app = keymapped_app(workspace, {"app.help": "f1"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(2):  # open, closed, and again
            await pilot.press("f1")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("f1")
            await settle(pilot)
            assert app.screen is app.main_screen
        await pilot.press("f1", "question_mark")  # ? still closes it too
        await settle(pilot)
        assert app.screen is app.main_screen


async def test_a_tasks_detail_scrolls_with_j_and_k_as_every_list_does_and_help_says_so(workspace: Path) -> None:
    # At 80x24 the history runs past the screen: ? named no key that scrolled it, and j and k did nothing.
    app = make_app(workspace)
    async with app.run_test(size=(80, 16)) as pilot:
        await open_detail(pilot, app)
        scroll = app.screen.query_one(VerticalScroll)
        await until(pilot, lambda: scroll.max_scroll_y > 2, "the detail, read, runs past the screen")
        seen = []
        for key in ("j", "j", "k", "G", "g"):
            await pilot.press(key)
            await settle(pilot)
            seen.append(scroll.scroll_y)
        assert seen == [1, 2, 1, scroll.max_scroll_y, 0]
        await pilot.press("escape")
        await settle(pilot)
        text = await help_text(pilot)
        assert "detail.down" in text and "detail.top" in text


async def test_help_shows_each_key_as_the_character_it_types(workspace: Path) -> None:
    # The crisis key read "exclamation_mark", the calendar's "plus", "minus", "less_than_sign".
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await help_text(pilot)
        assert "! Crisis" in text and "exclamation_mark" not in text
        assert "/ Filter" in text and "slash" not in text
    shown = {description: keys for keys, description, _ in binding_rows(ContentCalendar.BINDINGS, {})}
    assert (shown["+1 hour"], shown["-1 hour"], shown["+1 day"], shown["-1 day"]) == ("+", "-", ">", "<")
    assert [keys for keys, _, _ in binding_rows([Binding("space,shift+tab,ctrl+r", "x")], {})] == ["space, shift+tab, ctrl+r"]
    # A keymap's list spaced as Textual takes it: "o,  [" had two spaces.
    spaced = binding_rows([Binding("d", "done", id="triage.done")], {"triage.done": "o, left_square_bracket"})
    assert [keys for keys, _, _ in spaced] == ["o, ["]


async def test_the_palette_names_each_key_as_the_keymap_has_it(workspace: Path) -> None:
    # It said "key d (triage.done)" after done was rebound to o, "key left_square_bracket" for [, and "(key !)" for a rebound crisis key.
    config = Config(keymap={"triage.done": "o", "app.crisis": "ctrl+k", "app.approvals": "W"})
    app = make_app(workspace, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        helps = {str(c.title): str(c.help) for c in app.get_system_commands(app.screen)}
        assert helps["Tasks: Done"] == "key o (triage.done)"
        assert helps["Tasks: Prev view"] == "key [ (tasks.prev_view)"
        assert helps["Crisis"].endswith("(key ctrl+k)") and helps["Approvals"].endswith("(key W)")
        assert helps["Content calendar"].endswith("(key C)")


async def test_every_app_wide_command_of_the_palette_names_its_key(workspace: Path) -> None:
    # "Keys: List every key", the panes, Results and Zoom named no key (Approvals, Content calendar and the others did): a
    # newcomer who rebound ? to f1 found the list of keys in the palette, and not the key that opens it.
    config = Config(keymap={"app.help": "f1", "app.pane_grid": "f2"})
    app = make_app(workspace, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        helps = {str(c.title): str(c.help) for c in app.get_system_commands(app.screen)}
        assert helps["Keys"] == "List every key (key f1)"
        assert helps["Pane: Tasks"].endswith("(key 1)") and helps["Pane: Deadlines"].endswith("(key f2)")
        assert helps["Pane: Budget"].endswith("(key 3)") and helps["Results"].endswith("(key 4)") and helps["Zoom"].endswith("(key z)")


async def test_zoom_is_found_in_the_palette_as_opened(workspace: Path) -> None:
    # The palette asks for its commands while it is the screen on top: "Zoom" asked whether the screen was the panes',
    # and never was found ("No matches found" for "zoom"), though the footer offered `z` and the palette's tests, which
    # asked with no palette open, listed it.
    from textual.command import CommandList, CommandPalette

    app = make_app(workspace, config=Config(keymap={"app.zoom": "f"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"zoom")
        assert isinstance(app.screen, CommandPalette)
        found = app.screen.query_one(CommandList)
        await until(pilot, lambda: found.option_count > 0, "a command found for 'zoom'")
        assert str(found.get_option_at_index(0).prompt).splitlines() == ["Zoom", "Zoom the focused pane, or back (key f)"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.zoomed and app.screen is app.main_screen


async def test_the_palette_lists_the_apps_commands_not_the_filter_boxs_text_editing(workspace: Path) -> None:
    # The filter boxes' cursor moves and deletions were commands ("Tasks: Move cursor left a word", "Budget: Delete
    # all to the left", "key left (None)"), with or without a box open: every binding of every widget in a pane was listed.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for opened in (False, True):
            if opened:
                await pilot.press("slash")
                await settle(pilot)
            helps = {str(c.title): str(c.help) for c in app.get_system_commands(app.screen)}
            from_keys = {title: text for title, text in helps.items() if text.startswith("key ")}
            assert [title for title, text in from_keys.items() if text.endswith("(None)")] == []
            assert not [title for title in helps if "cursor" in title or "Delete" in title or "Paste" in title]
            assert helps["Tasks: Filter"] == "key / (tasks.filter)" and helps["Budget: Filter"] == "key / (ledger.filter)"


async def test_a_key_some_terminals_send_as_another_works_and_the_app_says_where_it_does_not(workspace: Path) -> None:
    # "triage.done" = "ctrl+h" stopped the app from opening; in a kitty-protocol terminal (as Pilot presses keys) it works.
    config = Config(keymap={"triage.done": "ctrl+h"})
    check_config(config)
    app = make_app(workspace, config=config)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        told = [str(n.message) for n in app._notifications if n.title == "config"]
        assert len(told) == 1 and "keymap.triage.done: in tmux and terminals without the kitty keyboard protocol, ctrl+h arrives" in told[0]
        task = table(app).cursor_key
        await pilot.press("ctrl+h")
        await settle(pilot)
        assert record(workspace, task)["status"] == "done"  # type: ignore[arg-type]


async def test_keys_are_rebound_from_the_config(workspace: Path) -> None:
    app = make_app(workspace, config=Config(keymap={"triage.done": "o"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = table(app).cursor_key
        await pilot.press("d")
        await settle(pilot)
        assert record(workspace, task)["status"] == "inbox"  # type: ignore[arg-type]
        await pilot.press("o")
        await settle(pilot)
        assert record(workspace, task)["status"] == "done"  # type: ignore[arg-type]


async def test_another_members_change_appears_without_a_key(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "a")
        await pilot.press("j", "j", "j")
        mine = table(app).cursor_key
        rows = keys_of_rows(app)
        other = rows[0]
        with Store(workspace) as store:
            raj = next(r for r, v in store.records("member") if v["handle"] == "raj")
            with store.write(raj) as w:
                w.set(
                    "task",
                    other,
                    {"title": "Renamed by Raj", "priority": "high", "due": {"utc": "2026-11-20T10:00:00Z", "tz": "Asia/Kolkata"}},
                )

        def renamed() -> bool:
            return any(r.key == other and "Renamed by Raj" in r.cells for _, r in table(app).loaded_rows())

        await until(pilot, renamed, "raj's change")
        assert table(app).cursor_key == mine


async def test_panes_focus_zoom_and_tabs_when_narrow(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.main_screen.has_class("-single")  # narrow: tabs
        assert app.focused is table(app)
        # One pane at a time already: `z` changed nothing on screen, and the footer offered it.
        assert "z" not in [key.key for key in footer_keys(app.screen)[0]]
        assert "Zoom" not in [command.title for command in app.get_system_commands(app.screen)]  # nor the palette
        # Nor Textual's own zoom of the focused widget: one way to zoom, named as the key's description is.
        assert not {"Maximize", "Minimize"} & {str(command.title) for command in app.get_system_commands(app.screen)}
        await pilot.press("z")
        assert not app.zoomed
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert "z" in [key.key for key in footer_keys(app.screen)[0]]
        assert "Zoom" in [command.title for command in app.get_system_commands(app.screen)]
        assert not {"Maximize", "Minimize"} & {str(command.title) for command in app.get_system_commands(app.screen)}
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.main_screen.has_class("-single")
        await pilot.press("z")
        assert app.main_screen.has_class("-single")
        await pilot.press("z")
        assert not app.main_screen.has_class("-single")


async def test_the_pane_with_the_focus_is_the_highlighted_one_however_it_got_there(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panes = {pane.pane_name: pane for pane in app.query(Pane)}
        assert [name for name, pane in panes.items() if pane.has_class("-active")] == ["tasks"]
        await pilot.click("#entries-table")
        await pilot.pause()
        assert app.active_pane == "ledger" and app.focused is app.query_one("#entries-table")
        assert [name for name, pane in panes.items() if pane.has_class("-active")] == ["ledger"]
        await pilot.press("1")
        await pilot.press("slash")  # a move of the focus inside the pane keeps it the active one
        assert [name for name, pane in panes.items() if pane.has_class("-active")] == ["tasks"]


def _record_paints(app: CrewdeckApp, monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, bool, bool]]:
    """For every paint of the main screen: whether the task list, the grid and the budget had their content."""
    painted: list[tuple[bool, bool, bool]] = []
    display = app._display

    def recording_display(screen: Any, renderable: Any) -> None:
        if renderable is not None and screen is app.main_screen:
            grid, ledger = app.query_one(GridPane), app.query_one(LedgerPane)
            painted.append((app.tasks_pane.loaded_once, grid.shown is not None, ledger.page is not None))
        display(screen, renderable)

    monkeypatch.setattr(app, "_display", recording_display)
    return painted


async def test_all_three_panes_are_in_the_first_paint_with_what_was_read_while_textual_started(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(default_view="all")
    session = Session.open(workspace, "ana", config)
    # As launch does; both are ready by the first paint, as they usually are.
    warming = session.warm_up.start("", NOW, SIZE[1])
    opening = Opening(session, config.clock24, NOW, SIZE[0])
    session.warm_up._page_ready.wait()
    opening._done.wait()
    app = CrewdeckApp(session, config, watch=False, opening=opening)
    painted = _record_paints(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid, ledger = app.query_one(GridPane), app.query_one(LedgerPane)
        assert opening.grid(opening.grid_query, wait=False) is None  # the panes took their answers
        assert opening.page(opening.period, LEDGER_ROWS, wait=False) is None
        # What they show is what they would have read themselves.
        assert grid.shown == GridQuery(NOW.date(), session.me.tz, grid.resolution, config.clock24).read(session, NOW)
        assert ledger.page == pane_data.read_page(session.access, ledger.period, "", NOW, [], 0, LEDGER_ROWS)
        assert ledger.period == Period.containing("month", NOW.date())
    assert painted[0] == (True, True, True)
    warming.join()
    session.close()


async def test_the_budget_pane_is_made_with_the_warnings_its_first_page_read_while_textual_started_shows(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its class that shows the lines of warnings was set once the pane was styled, restyling it and its children
    before the first paint; it is styled once, with it."""
    with contextlib.redirect_stdout(io.StringIO()):  # a budget in yen and no rate to EUR: the report warns
        assert main(["-w", str(workspace), "--as", "ana", "budget", "set", "spring-launch", "ads", "5000 JPY", "--month", "2026-11"]) == 0
    config = Config(default_view="all")
    session = Session.open(workspace, "ana", config)
    opening = Opening(session, config.clock24, NOW, SIZE[0])
    opening._done.wait()
    warned_when_styled: list[bool] = []
    compose = LedgerPane.compose

    def composing(pane: LedgerPane) -> Any:  # after the pane is styled, before its children are
        warned_when_styled.append(pane.has_class("-warned"))
        return compose(pane)

    monkeypatch.setattr(LedgerPane, "compose", composing)
    app = CrewdeckApp(session, config, watch=False, opening=opening)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ledger = app.query_one(LedgerPane)
        assert ledger.page is not None and ledger.page.warnings and ledger.has_class("-warned")
    assert warned_when_styled == [True]
    session.close()


async def test_the_panes_read_their_own_first_answers_when_the_opening_is_of_another_query(workspace: Path) -> None:
    config = Config(default_view="all")
    session = Session.open(workspace, "ana", config)
    # Read for another day than the panes open on (as if the app started past midnight): not theirs.
    opening = Opening(session, config.clock24, NOW + dt.timedelta(days=40), SIZE[0])
    assert opening.grid_query.day != NOW.date() and opening.period != Period.containing("month", NOW.date())
    app = CrewdeckApp(session, config, watch=False, opening=opening)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid, ledger = app.query_one(GridPane), app.query_one(LedgerPane)
        assert grid.shown is not None and grid.shown.day == NOW.date()
        assert ledger.page is not None and ledger.page.period == Period.containing("month", NOW.date())
    session.close()


@pytest.mark.parametrize("width", [80, 120, 153, 154, 160, 211])
async def test_the_opening_reads_the_grid_at_the_resolution_the_pane_is_laid_out_for(workspace: Path, width: int) -> None:
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(width, 40)) as pilot:
        await pilot.press("2")  # in a narrow terminal the grid is drawn once it is the pane shown
        await settle(pilot)
        grid = app.query_one(GridPane)
        assert grid.content_size.width == grid_width(width)
        assert grid.resolution == grid_resolution(grid_width(width)) == first_grid(app.session.me, NOW, True, width).resolution
        assert grid.generation == 1  # no second build for another resolution


def test_the_opening_knows_the_grid_gutter_and_the_entries_window() -> None:
    from crewdeck.widgets.deadline_grid import WIDEST_GUTTER
    from crewdeck.widgets.windowed_table import BLOCK

    assert (GRID_GUTTER, LEDGER_ROWS) == (WIDEST_GUTTER, BLOCK)


async def test_every_task_is_scored_only_once_all_three_panes_are_drawn(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(workspace)
    painted = _record_paints(app, monkeypatch)
    at_scoring: list[bool] = []
    start_scoring = app.session.warm_up.start_scoring

    def recording_start_scoring() -> None:
        at_scoring.append((True, True, True) in painted)
        start_scoring()

    monkeypatch.setattr(app.session.warm_up, "start_scoring", recording_start_scoring)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    # Sooner, scoring every task would share the GIL with the panes' first paint.
    assert at_scoring == [True]


@pytest.mark.parametrize("failing", ["tasks", "grid", "ledger"])
async def test_the_app_collects_and_scores_even_when_a_pane_fails_to_load(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    import gc
    import sqlite3

    def broken(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    app = make_app(workspace)
    if failing == "tasks":
        monkeypatch.setattr(app.session.reads, "compile", broken)
    else:  # the opening's read and the pane's own
        monkeypatch.setattr(GridQuery if failing == "grid" else pane_data, "read" if failing == "grid" else "read_page", broken)
    gc.unfreeze()
    gc.disable()  # as launch leaves it while starting
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert all(pane.started for pane in app.query(Pane))
            assert any("disk I/O error" in str(n.message) for n in app._notifications)
            assert gc.isenabled()  # the app went on as once all panes are drawn
    finally:
        gc.enable()


async def test_the_collector_is_back_once_the_first_screen_is_up(workspace: Path) -> None:
    import gc

    gc.unfreeze()
    gc.disable()  # as launch leaves it while starting
    try:
        app = make_app(workspace)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.enable()


def test_new_task_id_is_random() -> None:
    assert new_id() != new_id()
    assert os.environ["CREWDECK_NOW"] == "2026-11-26T09:30:00Z"


async def test_a_write_error_is_a_notification_not_a_crash(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await pilot.press(*"zz", "enter")  # not a date
        await settle(pilot)
        assert app.is_running
        # Said under the question, which stays open with what was typed.
        assert "'zz' is not a date" in str(app.screen.query_one("#prompt-refused").render())
        assert isinstance(app.tasks_pane, TasksPane)


async def test_a_write_refused_by_the_workspace_is_one_line_and_changes_nothing(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_view(pilot, "a")
        first = table(app).cursor_key
        assert first is not None
        with Store(workspace) as other:
            other.wall = lambda: wall_ms() + 3_600_000  # a teammate's machine an hour fast
            ana = other.conn.execute("SELECT id FROM member WHERE handle = 'ana'").fetchone()[0]
            with other.write(ana) as w:
                w.set("task", first, {"priority": "high"})
        before = record(workspace, first)["status"]
        await pilot.press("d")
        await settle(pilot)
        assert app.is_running
        assert record(workspace, first)["status"] == before
        assert any("ahead of this machine's clock" in str(n.message) and n.severity == "error" for n in app._notifications)
        assert not any(n.title == "unexpected error" for n in app._notifications)


async def test_q_quits(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_the_command_palette_reaches_the_actions(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {c.title for c in app.get_system_commands(app.screen)}
        for title in (
            "View: Overdue",
            "Tasks: Done",
            "Tasks: Assign",
            "Tasks: Due",
            "Tasks: Undo",
            "Tasks: Redo",
            "Zoom",
            "Keys",
            "Pane: Tasks",
        ):
            assert title in commands
        assert any(title.startswith("Budget: ") for title in commands)  # the other panes' actions too
        task = table(app).cursor_key
        done = next(c for c in app.get_system_commands(app.screen) if c.title == "Tasks: Done")
        done.callback()
        await settle(pilot)
        assert record(workspace, task)["status"] == "done"  # type: ignore[arg-type]


async def test_the_palette_lists_what_acts_on_the_panes_shown(workspace: Path) -> None:
    # At 80 columns, over the Tasks tab, it listed every pane's keys, moves and all: "Budget: Down", "Deadlines: First".
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = {str(c.title) for c in app.get_system_commands(app.screen)}
        assert not [title for title in commands if title.startswith(("Budget: ", "Deadlines: "))], sorted(commands)
        assert {"Tasks: Done", "Tasks: Down", "Pane: Budget", "Keys", "Approvals"} <= commands
        await pilot.press("3")
        await settle(pilot)
        commands = {str(c.title) for c in app.get_system_commands(app.screen)}
        assert "Budget: New entry" in commands and not [title for title in commands if title.startswith("Tasks: ")]
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:  # the three panes shown: each one's actions, the others' moves left out
        await settle(pilot)
        commands = {str(c.title) for c in app.get_system_commands(app.screen)}
        assert {"Tasks: Done", "Tasks: Down", "Budget: New entry"} <= commands and "Budget: Down" not in commands


async def test_a_triage_key_that_changes_nothing_writes_nothing_and_says_so(workspace: Path) -> None:
    # d on a done task wrote its status again, logged "marked … done" again and said so, where crewdeck done says
    # "is already done: nothing written"; a priority picked twice was written twice too.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = await cursor_on(app, pilot, "status:todo -is:post")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)

        def logged() -> int:
            with sqlite3.connect(workspace) as conn:
                return int(conn.execute("SELECT count(*) FROM ops WHERE row_id = ?", (task,)).fetchone()[0])

        await pilot.press("d")
        await settle(pilot)
        assert record(workspace, task)["status"] == "done"
        ops = logged()
        await pilot.press("d")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == "done: nothing written (the task is as given already)"
        assert logged() == ops


async def test_a_task_list_with_nothing_listed_offers_no_key_that_acts_on_a_task(workspace: Path) -> None:
    # A filter that matched nothing (an empty workspace too) left "⏎ Open  x Mark  s Status  d Done …" in the footer,
    # each of which did nothing there.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def offered() -> set[str]:
            return {key.description for key in footer_keys(app.screen)[0]}

        acting = {"Open", "Mark", "Status", "Done", "Assign", "Priority", "Due", "Snooze"}
        assert acting <= offered()
        await pilot.press("slash", *"zzzqq", "enter")
        await settle(pilot)
        assert table(app).row_count() == 0
        assert not acting & offered() and {"Add", "Filter", "Undo"} <= offered(), offered()
        assert "Tasks: Done" not in {str(c.title) for c in app.get_system_commands(app.screen)}
        await pilot.press("escape")  # the filter cleared: the tasks, and their keys, are back
        await settle(pilot)
        assert table(app).row_count() > 0 and acting <= offered()


async def test_the_palette_has_one_keys_command_the_apps_list_of_keys(workspace: Path) -> None:
    # Two "Keys" stood in it: Textual's opened a side panel of its own, which no key closed (escape, ? neither).
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = [c for c in app.get_system_commands(app.screen) if str(c.title) == "Keys"]
        assert len(keys) == 1
        keys[0].callback()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and not app.query("HelpPanel")


async def test_the_palette_over_a_dialog_offers_the_dialogs_commands_not_the_apps(workspace: Path) -> None:
    # Over quick-add with a title typed, "Content calendar" closed the prompt and the title with it, unasked;
    # "Results" and "Crisis" opened over the prompt.  The app's keys do nothing over a dialog, nor do its commands.
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Launch plan")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        titles = {str(c.title) for c in app.get_system_commands(prompt)}
        assert "Cancel" in titles and "Quit" in titles
        assert not titles & {"Content calendar", "Results", "Crisis", "Approvals", "Pane: Budget", "Keys"}, titles
        assert app.screen is prompt and prompt.query_one("#prompt-input", Input).value == "Launch plan"


async def test_a_view_picked_in_the_palette_over_another_pane_is_shown(workspace: Path) -> None:
    # At 80 columns over the Budget pane, "View: Overdue" changed the Tasks pane's view behind it, unseen.
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        overdue = next(c for c in app.get_system_commands(app.screen) if str(c.title) == "View: Overdue")
        overdue.callback()
        await settle(pilot)
        assert app.active_pane == "tasks" and app.focused is table(app)
        assert app.tasks_pane.view is not None and app.tasks_pane.view.name == "Overdue"


@pytest.mark.parametrize("opens", [("enter",), ("4",), ("R",)])
async def test_a_pane_from_the_palette_over_a_screen_is_shown_as_its_key_shows_it(workspace: Path, opens: tuple[str, ...]) -> None:
    # "Pane: Budget" over a task's detail, Results or Approvals focused the pane behind them: nothing changed on screen.
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*opens)
        await settle(pilot)
        assert app.screen is not app.main_screen
        budget = next(c for c in app.get_system_commands(app.screen) if str(c.title) == "Pane: Budget")
        budget.callback()
        await settle(pilot)
        assert app.screen is app.main_screen and app.active_pane == "ledger"
        assert app.focused is not None and app.query_one(LedgerPane) in app.focused.ancestors_with_self


async def test_a_due_date_alone_is_the_end_of_the_assignees_day(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"@raj", "enter")
        await settle(pilot)
        task = table(app).cursor_key
        assert task is not None
        await pilot.press("D", *"fri")
        await settle(pilot)
        preview = prompt_preview(app)
        assert "18:30 IST" in preview and "for you" in preview  # raj's end of day, also in ana's time
        await pilot.press("enter")
        await settle(pilot)
        assert record(workspace, task)["due"] == {"utc": "2026-11-27T13:00:00Z", "tz": "Asia/Kolkata"}


async def test_a_due_date_alone_on_marked_tasks_previews_each_assignees_day(workspace: Path) -> None:
    # Marked tasks of @raj (Kolkata) and @sofia (New York) and "fri": the preview said one instant, the first task's,
    # and the write gave each the end of their assignee's Friday, nine hours apart.
    for title in ("Cut the reel @raj #handoff", "Caption the reel @sofia #handoff"):
        assert main(["-w", str(workspace), "--as", "ana", "add", title]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "#handoff")
        tasks = keys_of_rows(app)
        assert len(tasks) == 2
        await pilot.press("x", "x", "D", *"fri")
        await settle(pilot)
        preview = prompt_preview(app)
        assert "1 of the 2 by their assignee's day" in preview
        assert "tmrw 14:00 CET" in preview and "Sat 11-28 00:00 CET" in preview  # raj's and sofia's, in ana's time
        await pilot.press("enter")
        await settle(pilot)
        assert {record(workspace, task)["due"]["utc"] for task in tasks} == {"2026-11-27T13:00:00Z", "2026-11-27T23:00:00Z"}


async def test_a_snooze_of_marked_tasks_says_how_many_it_hides_past_their_due_date(workspace: Path) -> None:
    # The preview read the first marked task alone: a snooze to Monday of tasks due Friday and Dec 9 said "wakes
    # already overdue" or nothing, by which was first.
    for title in ("Cut the reel @raj #pair due:fri", "Caption the reel @raj #pair due:dec 9"):
        assert main(["-w", str(workspace), "--as", "ana", "add", title]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "#pair")
        await pilot.press("x", "x", "h", "ctrl+u", *"mon")
        await settle(pilot)
        preview = prompt_preview(app)
        assert "1 of the 2: wakes already overdue by 2d" in preview, preview


async def test_a_due_date_on_marked_tasks_says_how_many_it_makes_late_already(workspace: Path) -> None:
    # "today" for @raj and @tane: the end of tane's Thursday in Auckland has passed, raj's in Kolkata is ahead; the
    # preview read the first marked task alone and said "already overdue" or nothing, by which was first.
    for title in ("Cut the reel @raj #today", "Caption the reel @tane #today"):
        assert main(["-w", str(workspace), "--as", "ana", "add", title]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "#today")
        await pilot.press("x", "x", "D", *"today")
        await settle(pilot)
        preview = prompt_preview(app)
        assert "1 of the 2: already overdue by 5h" in preview, preview


async def test_the_default_view_may_be_a_campaign(workspace: Path) -> None:
    app = make_app(workspace, config=Config(default_view="campaign:spring-launch"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.tasks_pane.view is not None and app.tasks_pane.view.id == "campaign:spring-launch"
        with Store(workspace) as store:
            spring = next(r for r, v in store.records("campaign") if v["name"] == "Spring Launch")
        assert keys_of_rows(app) and all(record(workspace, k)["campaign"] == spring for k in keys_of_rows(app))


async def test_a_campaign_as_the_default_view_is_shown_when_a_change_is_read_before_it_is_found(workspace: Path) -> None:
    # The campaign is looked up in the same group of workers as the list's reads: a change read before it ran (a
    # teammate writing as the app started) cancelled it, and the app showed another view than the one asked for.
    app = make_app(workspace, config=Config(default_view="all"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        # As at start-up with a campaign's view: the list read again before the event loop ran the look-up.
        pane._start_on_campaign("campaign:spring-launch")
        pane.reload()
        await settle(pilot)
        assert pane.view is not None and pane.view.id == "campaign:spring-launch"


async def test_a_change_made_while_a_dialog_is_over_the_detail_shows_in_the_detail_below_it(workspace: Path) -> None:
    """A dialog over a task's detail writes before it closes (a refused answer keeps it open): the change reached the
    panes but not the detail, which only the top screen's reload refreshed, so it read as before the change."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        task = await open_detail(pilot, app)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await pilot.press("colon")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["-w", str(workspace), "--as", "ana", "set", task, "title=Renamed while the dialog was open"]) == 0
        await until(
            pilot, lambda: "Renamed while the dialog was open" in str(detail.query_one("#detail-body").render()), "the renamed title"
        )
        assert isinstance(app.screen, PromptScreen)  # the dialog is still open, over the detail it refreshed


async def test_recurrence_from_the_detail_screen(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        task = await open_detail(pilot, app)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        # The detail reads the task again after the dialog's worker writes it; let that reload (the task now
        # recurs) land before the dialog closes, as a busy machine may: the rule just set was taken for a change
        # to a recurring task and asked "this one, or all future ones?" over it.
        reloaded = threading.Event()
        show, write = detail._show, detail.triage.write

        def show_then_tell(*args: Any) -> None:
            show(*args)
            reloaded.set()

        def write_then_wait_for_the_reload(*args: Any) -> None:
            reloaded.clear()
            write(*args)
            assert reloaded.wait(20)

        detail._show = show_then_tell  # type: ignore[method-assign]
        detail.triage.write = write_then_wait_for_the_reload  # type: ignore[method-assign]
        await pilot.press("colon", *"every=weekday 09:00", "enter")
        await settle(pilot)
        row = record(workspace, task)
        assert row["series"] and row["recurrence"]["rule"]["freq"] == "weekly"
        assert app.screen is detail
        assert "repeats" in str(detail.query_one("#detail-body").render())
        detail.triage.write = write  # type: ignore[method-assign]
        # A change to a recurring task asks: this one, or all future ones.
        await pilot.press("colon", *"priority=high", "enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        row = record(workspace, task)
        assert row["priority"] == "high" and row["recurrence"]["template"]["priority"] == "high"
        await pilot.press("colon", *"every=none", "enter")
        await settle(pilot)
        assert record(workspace, task)["recurrence"]["rule"] is None


async def test_a_recurring_tasks_detail_names_the_key_that_changes_its_rule_as_the_keymap_has_it(workspace: Path) -> None:
    # Its "repeats" line said "`:` every=... changes it" with the key rebound, where `:` did nothing.
    app = keymapped_app(workspace, {"detail.set_field": "f4"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        task = table(app).cursor_key
        assert task is not None
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["-w", str(workspace), "--as", "ana", "set", task, "every=weekday 09:00"]) == 0
        await open_detail(pilot, app)
        body = app.screen.query_one("#detail-body")
        await until(pilot, lambda: "repeats" in str(body.render()), "the rule on the detail")
        assert "every weekday 09:00 Europe/Berlin (this one: 2026-11-27) — `f4` every=... changes it" in str(body.render())


async def test_the_cursor_moved_while_the_list_is_read_again_stays_where_it_was_moved(workspace: Path) -> None:
    """`j` pressed while the list was being read again (after an add, or someone else's change): the read's
    answer put the cursor back on the task it had been on when the read was asked for."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.tasks_pane.table
        start = table.cursor
        app.tasks_pane.reload()
        # Moved before the read's answer can be handled: that needs the event loop, not yet given back.
        table.action_cursor_down()
        table.action_cursor_down()
        moved_to = table.cursor_key
        await settle(pilot)
        assert (table.cursor, table.cursor_key) == (start + 2, moved_to)


async def test_a_detail_read_from_before_a_change_that_comes_back_last_leaves_the_change_shown(workspace: Path) -> None:
    """Two reads of a task's detail in flight (one for someone else's change, then one for mine): the first, made
    before my change, could come back last, and the detail showed the task as it was before the change."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        # The first read, once made, comes back only after the second; the change waits for that read.
        answers = FirstAnswerLast(app, "detail")
        write = detail.triage.write

        def write_after_the_first_read(*args: Any) -> None:
            assert answers.read.wait(20)
            write(*args)

        detail.triage.write = write_after_the_first_read  # type: ignore[method-assign]
        detail.load()  # someone else's change: the detail reads the task again
        await pilot.press("colon", *"title=Renamed here", "enter")
        await answers.both_back(pilot)
        assert "Renamed here" in str(detail.query_one("#detail-body").render())


async def test_a_member_added_elsewhere_stays_known_when_a_read_from_before_comes_back_last(workspace: Path) -> None:
    """Two reads of the members in flight: the first, made before a member was added, could come back after the one
    made since, and the app forgot the new member (not offered by `A`, not in the grid) until the next change."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        answers = FirstAnswerLast(app, "people")
        app._load_people()  # another change: the app reads the members again
        await answers.first_read(pilot)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["-w", str(workspace), "--as", "ana", "member", "add", "zoe", "--name", "Zoe", "--tz", "Asia/Tokyo"]) == 0
        await answers.both_back(pilot)
        assert "zoe" in [m.handle for m in app.services.members]


async def test_a_field_the_detail_refuses_keeps_the_set_field_dialog_open_with_the_text(workspace: Path) -> None:
    """`:` closed its dialog on a refusal: "due=fri 25:00" was gone, said only in a notice."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        task = await open_detail(pilot, app)
        await pilot.press("colon", *"due=fri 25:00", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one("#prompt-input", Input).value == "due=fri 25:00"
        assert "'25:00' is not a time of day" in str(app.screen.query_one("#prompt-refused").render())
        await pilot.press(*["backspace"] * 5, *"17:00", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert record(workspace, task)["due"]["tz"] == "Europe/Berlin"  # type: ignore[index]


@pytest.mark.parametrize(
    ("opens", "screen_name"),
    [(("enter",), "DetailScreen"), (("3", "enter"), "EntryScreen"), (("2", "o"), "PlannerScreen"), (("R",), "ApprovalsScreen")],
)
async def test_a_panes_key_over_a_screen_of_the_panes_shows_that_pane(workspace: Path, opens: tuple[str, ...], screen_name: str) -> None:
    # `1` `2` `3` and `C` focus a pane everywhere (README, `?`): over a task's detail, an entry, the planner or the
    # Approvals they moved the focus to the pane behind, unseen, and the screen stayed up over it.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*opens)
        await settle(pilot)
        assert type(app.screen).__name__ == screen_name
        await pilot.press("1")
        await settle(pilot)
        assert app.screen is app.main_screen and app.active_pane == "tasks"
        assert app.focused is not None and app.tasks_pane in app.focused.ancestors_with_self
        await pilot.press(*opens)
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert app.screen is app.main_screen and app.active_pane == "grid"
        assert app.main_screen.query_one(GridPane).has_class("-calendar")


async def test_a_panes_key_over_a_dialog_leaves_the_dialog_and_the_panes_as_they_are(workspace: Path) -> None:
    # A dialog waits for its answer: it takes the app's keys, and closing the screens over the panes must not
    # close it unanswered.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        await pilot.press("3")
        await settle(pilot)
        assert app.screen is help_screen and app.active_pane == "tasks"


async def test_a_bad_field_on_a_recurring_task_keeps_the_set_field_dialog_open_before_asking_which(workspace: Path) -> None:
    """On a recurring task `:` asked "this one, or all future ones?" for "priority=bogus" too, then said the refusal in
    a notice with the text gone; on any other task the dialog stays open with it."""
    from crewdeck.tui.app.screens.picker import PickerScreen

    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        task = await open_detail(pilot, app)
        await pilot.press("colon", *"every=weekday 09:00", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert record(workspace, task)["series"]  # the question is asked of the task as stored
        for typed, why in (("priority=bogus", "'bogus' is not one of high"), ("every=fortnightly-ish", "every: ")):
            await pilot.press("colon", *typed, "enter")
            await settle(pilot)
            assert isinstance(app.screen, PromptScreen), (typed, app.screen)
            assert app.screen.query_one("#prompt-input", Input).value == typed
            assert why in str(app.screen.query_one("#prompt-refused").render())
            await pilot.press("escape", "y")  # what was typed, discarded
            await settle(pilot)
        await pilot.press("colon", *"priority=high", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)  # a good one still asks which instances
        await pilot.press("t")
        await settle(pilot)
        assert record(workspace, task)["priority"] == "high"


def body_lines(screen: Any, body: str) -> list[str]:
    return str(screen.query_one(body).render()).split("\n")


async def test_a_task_deleted_elsewhere_while_its_detail_is_open_reads_as_deleted(workspace: Path) -> None:
    """A teammate deleted the task the detail shows: it read on as if the task were still there, its keys offered."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        task = await open_detail(pilot, app)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.check_action("triage", ("done",))
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["-w", str(workspace), "--as", "ana", "rm", task]) == 0
        await until(pilot, lambda: body_lines(detail, "#detail-body")[1].startswith("deleted"), "the deleted line")
        assert "@ana deleted" in body_lines(detail, "#detail-body")[1]
        assert not detail.check_action("triage", ("done",)) and not detail.check_action("set_field", ())
        assert detail.check_action("triage", ("copy",)) and detail.check_action("triage", ("undo",))


async def test_a_task_that_is_gone_says_so_in_its_detail(workspace: Path) -> None:
    """A task whose making was refused or removed: the read failed, and the detail kept what it showed, its keys offered."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        gone = "0123456789abcdef0123456789abcdef"
        detail = DetailScreen(gone, app.services)
        await app.push_screen(detail)
        await until(pilot, lambda: detail.gone, "the task read as gone")
        assert body_lines(detail, "#detail-body")[:2] == ["task 01234567", "gone  the operation that made it was refused or removed"]
        assert any("task 01234567 is gone" in n.message for n in app._notifications)
        assert not detail.check_action("triage", ("copy",)) and not detail.check_action("set_field", ())


async def test_the_key_that_clears_a_filter_can_be_rebound_as_every_other(workspace: Path) -> None:
    # escape cleared a filter in a key handler of each pane's own: no id, so not in ?, and no keymap could move it.
    app = keymapped_app(workspace, {"tasks.clear_filter": "f2", "ledger.clear_filter": "f3"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tasks = app.tasks_pane
        await pilot.press("slash", *"#tiktok", "enter")
        await settle(pilot)
        assert tasks.view is None and not tasks.filtering
        await pilot.press("escape")
        await settle(pilot)
        assert tasks.view is None  # escape no longer clears it
        await pilot.press("f2")
        await settle(pilot)
        assert tasks.view is not None and tasks.view.id == "inbox"
        await pilot.press("slash", *"#tik", "f2")  # the box open: f2 closes it, as escape did
        await settle(pilot)
        assert not tasks.filtering and app.focused is tasks.table and tasks.view.id == "inbox"
        assert "f2 Clear filter tasks.clear_filter" in await help_text(pilot)
        await pilot.press("escape", "3", "slash", *"#influencers", "enter")
        await settle(pilot)
        ledger = app.query_one(LedgerPane)
        assert ledger.filter_text == "#influencers"
        await pilot.press("escape")
        await settle(pilot)
        assert ledger.filter_text == "#influencers"
        await pilot.press("f3")
        await settle(pilot)
        assert ledger.filter_text == ""


async def test_the_panes_lines_name_their_keys_as_the_keymap_has_them(workspace: Path) -> None:
    # The filter boxes said "escape closes" and the Budget bar "[ ] { } period" whatever keys the keymap gave.
    app = keymapped_app(workspace, {"tasks.clear_filter": "f2", "ledger.clear_filter": "f3", "ledger.narrow_period": "comma"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.tasks_pane.filter_box.query_one(Input).placeholder.endswith("enter applies, f2 closes")
        ledger = app.query_one(LedgerPane)
        assert ledger.filter_box.query_one(Input).placeholder.endswith("enter applies, f3 closes")
        assert ledger.query_one(PaneBar).hint == "[ ] , } period"


async def test_two_pane_keys_before_the_tab_bar_answers_leave_the_last_pane_shown_and_the_app_idle(workspace: Path) -> None:
    """At 80 columns, `2` then `1` read before the tab bar said the first ("Deadlines is the active tab") left the app
    flipping the panes for good: each tab's word, come late, made its pane active again, which set the other tab, whose
    word came late in turn; the bar's underline stood between the two, the Tasks pane stayed on screen under a
    Deadlines tab, keys seemed to do nothing, and the app took a core while nobody typed."""
    from textual.widgets import Tabs

    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        focused: list[str] = []
        focus_pane = app.focus_pane

        def counted(name: str) -> None:
            focused.append(name)
            focus_pane(name)

        app.focus_pane = counted  # type: ignore[method-assign]
        app.action_focus_pane("grid")
        app.action_focus_pane("tasks")  # the tab bar has not said "grid" yet
        for _ in range(200):  # turns of the event loop: a loop of messages goes on through them, a settled app does not
            await asyncio.sleep(0)
        assert len(focused) <= 4, focused[:10]
        await settle(pilot)
        assert app.active_pane == "tasks"
        assert app.main_screen.query_one("#pane-tabs", Tabs).active == "tab-tasks"
