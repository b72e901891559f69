"""The deadlines pane in the real app: every key, the zone picker, the meeting planner, live changes."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.filter import monochrome_style
from textual.widgets import Input

from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.grid_pane import SHOWN_TASK_FIELDS, GridPane
from crewdeck.tui.app.screens.help import HelpScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.planner import InviteList, PlannerScreen, SlotTable
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.posts import writing
from crewdeck.tui.time import overlap
from crewdeck.tui.time.grid import build_grid
from crewdeck.tui.time.when import utc_iso
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.budget_table import BudgetTable
from crewdeck.widgets.content_calendar import ContentCalendar
from crewdeck.widgets.deadline_grid import GUTTER, DeadlineGrid
from crewdeck.widgets.entries_table import EntriesTable
from crewdeck.widgets.key_footer import KeyFooter, footer_keys
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.task_table import TaskTable
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import demo_workspace, make_app, prompt_preview, settle, shown_help, until
from .conftest import NOW

SIZE = (160, 48)
#: 10:30 in Berlin at the frozen clock: the 22nd half hour of the day.
NOW_COLUMN = 21


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def member_ids(path: Path) -> dict[str, str]:
    with Store(path) as store:
        return {v["handle"]: r for r, v in store.records("member")}


def pane(app: CrewdeckApp) -> GridPane:
    return app.main_screen.query_one(GridPane)


def grid(app: CrewdeckApp) -> DeadlineGrid:
    return app.main_screen.query_one(DeadlineGrid)


def lines(app: CrewdeckApp) -> list[str]:
    """What the grid shows, line by line."""
    widget = grid(app)
    return ["".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height)]


def row_line(app: CrewdeckApp, handle: str) -> str:
    return next(line for line in lines(app) if line.startswith(f" @{handle} "))


async def open_grid(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


async def test_opens_on_today_in_your_zone_with_the_cursor_on_you_now(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        assert app.focused is grid(app)
        shown = lines(app)
        assert shown[0].startswith(" Thu 2026-11-26 in Europe/Berlin  CET UTC+01:00")
        assert grid(app).selected_row_key == member_ids(workspace)["ana"]
        assert grid(app).cursor_column == NOW_COLUMN
        assert shown[-1].startswith(" Thu 11-26 10:30 CET  ·  in hours 5/8  ·  out: @leo @sofia @tane")
        assert row_line(app, "raj").startswith(" @raj       15:00✓")


async def test_hours_members_days_and_now(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        ids = member_ids(workspace)
        await pilot.press("l")
        assert lines(app)[-1].startswith(" Thu 11-26 11:30 CET")
        await pilot.press("h", "h")
        assert lines(app)[-1].startswith(" Thu 11-26 09:30 CET") and row_line(app, "raj").startswith(" @raj       14:00✓")
        await pilot.press("j")  # west to east: the next row after Berlin is Kolkata
        assert grid(app).selected_row_key == ids["raj"]
        await pilot.press("k", "k")
        assert grid(app).selected_row_key == ids["kemi"]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert lines(app)[0].startswith(" Fri 2026-11-27 in Europe/Berlin") and pane(app).day == dt.date(2026, 11, 27)
        assert grid(app).cursor_column == NOW_COLUMN - 2 and grid(app).selected_row_key == ids["kemi"]  # same time, same member
        assert "▼" not in lines(app)[1]  # no now line on another day
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert lines(app)[0].startswith(" Wed 2026-11-25")
        await pilot.press("t")
        await settle(pilot)
        assert lines(app)[0].startswith(" Thu 2026-11-26") and grid(app).cursor_column == NOW_COLUMN
        assert lines(app)[1][grid(app).gutter_width + NOW_COLUMN] == "▼"


async def test_hours_across_where_half_hours_do_not_fit(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=(120, 36)) as pilot:  # side by side: the pane is ~50 columns wide
        await open_grid(pilot)
        assert grid(app).data.cells_per_hour == 1 and len(grid(app).data.columns) == 24  # type: ignore[union-attr]
        assert lines(app)[-1].startswith(" Thu 11-26 10:00 CET") and grid(app).cursor_column == 10
        assert len(row_line(app, "ana")) >= grid(app).gutter_width + 24  # the whole day in view
        await pilot.press("l")
        assert lines(app)[-1].startswith(" Thu 11-26 11:00 CET")
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert grid(app).data.cells_per_hour == 2 and grid(app).cursor_column == 22  # the same instant, in half hours
        assert lines(app)[-1].startswith(" Thu 11-26 11:00 CET")


async def test_the_zone_picker_offers_the_zones_that_matter_with_their_time_now(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("Z")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        labels = {c.value: (c.key, c.label) for c in picker.choices}
        assert (
            picker.choices[0].value == "Europe/Berlin"
            and "Thu 10:30 CET" in labels["Europe/Berlin"][1]
            and "you" in labels["Europe/Berlin"][1]
        )
        assert "Thu 04:30 EST" in labels["America/New_York"][1] and "@sofia · audience of Spring Launch" in labels["America/New_York"][1]
        assert "audience of Holiday Gifting" in labels["Europe/London"][1]  # no member there: a campaign's audience
        assert "Thu 22:30 NZDT" in labels["Pacific/Auckland"][1]
        await pilot.press(labels["Asia/Kolkata"][0])
        await settle(pilot)
        assert not isinstance(app.screen, PickerScreen)
        shown = lines(app)
        assert shown[0].startswith(" Thu 2026-11-26 in Asia/Kolkata  IST UTC+05:30")
        assert shown[-1].startswith(" Thu 11-26 15:00 IST")  # the cursor stayed on the same instant
        await pilot.press("Z", "escape")  # cancelled: nothing changes
        await settle(pilot)
        assert lines(app)[0].startswith(" Thu 2026-11-26 in Asia/Kolkata")


async def test_far_east_the_instant_under_the_cursor_is_on_another_day(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press(*"llllllllll")  # 20:30 in Berlin is Friday 08:30 in Auckland
        await pilot.press("Z")
        await settle(pilot)
        key = next(c.key for c in app.screen.choices if c.value == "Pacific/Auckland")  # type: ignore[attr-defined]
        await pilot.press(key)
        await settle(pilot)
        assert lines(app)[0].startswith(" Fri 2026-11-27 in Pacific/Auckland") and lines(app)[-1].startswith(" Fri 11-27 08:30 NZDT")


async def test_the_gutter_says_a_members_time_is_on_another_day(workspace: Path) -> None:
    # At Thursday 00:00 in Berlin, Leo's "15:00" was his Wednesday, and at 20:30 Tane's "08:30" his Friday, with
    # nothing on the row to say so.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press(*"hhhhhhhhhhh")  # 00:00 in Berlin
        assert lines(app)[-1].startswith(" Thu 11-26 00:00 CET")
        assert row_line(app, "leo").startswith(" @leo   Wed 15:00✓") and row_line(app, "ana").startswith(" @ana       00:00✗")
        assert row_line(app, "tane").startswith(" @tane      12:00✓")
        await pilot.press(*"llllllllllllllllllll")  # 20:00
        assert row_line(app, "tane").startswith(" @tane  Fri 08:00✗") and row_line(app, "leo").startswith(" @leo       11:00✓")
        # One cell wider than where every time is on the grid's day: a handle keeps six, and a space before the weekday.
        assert grid(app).gutter_width == GUTTER + 1 and lines(app)[1][GUTTER + 1 + NOW_COLUMN] == "▼"


async def test_g_goes_to_a_day_typed_as_quick_add_reads_one_keeping_the_cursors_time(workspace: Path) -> None:
    """Late March, where the clocks change, was a hundred and twenty presses of ] away: no key went to a day."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("g", *"whenever")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert "'whenever' is not a date" in prompt_preview(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is prompt  # refused: the text stays, to fix
        await pilot.press("ctrl+shift+a", *"2027-03-28")
        await settle(pilot)
        assert "Sun 2027-03-28" in prompt_preview(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.main_screen and app.focused is grid(app)
        assert lines(app)[0].startswith(" Sun 2027-03-28 in Europe/Berlin (23 h day)")
        assert lines(app)[-1].startswith(" Sun 03-28 10:30 CEST")  # the cursor's time of day, as ] keeps it


async def test_g_reads_eow_and_next_week_as_the_viewers_week(workspace: Path) -> None:
    """For ana, who works Sunday to Thursday, ``g next week`` went to Monday and ``g eow`` to Friday, a day off, where
    her filters and quick-add read her week: Sunday, and today (Thursday)."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["-w", str(workspace), "--as", "ana", "member", "set", "ana", "--hours", "sun-thu 09:00-17:00"]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("g", *"next week")
        await settle(pilot)
        assert "Sun 2026-11-29" in prompt_preview(app)
        await pilot.press("ctrl+shift+a", *"eow")
        await settle(pilot)
        assert "Thu 2026-11-26" in prompt_preview(app)


async def test_the_planners_slots_show_every_member_at_80_columns(workspace: Path) -> None:
    """Four members from four zones: the fourth's column was past the 80th, cut to “17” unless the table was scrolled
    sideways; where the zones do not fit, each column gives its member's clock without them (the header says whose)."""
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot)
        await pilot.press("o")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        handles = [m.handle for m in planner.members]
        for handle in ("leo", "sofia", "raj"):
            planner.invited[planner.members[handles.index(handle)].id] = "required"
        planner.replan()
        await settle(pilot)
        table = planner.query_one(SlotTable)
        assert [str(c.label) for c in table.columns.values()][3:] == ["@leo", "@sofia", "@ana", "@raj", "WHY"]
        # The members' clocks fit; why a slot costs what it does comes after them, and on a line of its own.
        assert sum(c.get_render_width(table) for c in list(table.columns.values())[:-1]) <= table.scrollable_content_region.width
        why = table.get_row_at(0)[-1]
        assert str(why) and str(planner.query_one("#planner-why").render()) == f"#1: {why}"
        seats = table.get_row_at(0)[3:-1]
        assert all(seat[-1] in "✓~✗" and seat.count(" ") == 1 for seat in seats), seats  # "08:00 ✓": no zone
        assert seats[2][:5] in table.get_row_at(0)[1]  # @ana's clock is the grid's: the slot's own times
        # The legend whole, on two lines: "⊘ in a booked meeting   ? optional" was past the 80th column, cut.
        legend = str(planner.query_one("#planner-legend").render())
        assert "⊘ in a booked meeting" in legend and "? optional" in legend
        assert planner.query_one("#planner-legend").size.height == 2
    async with make_app(workspace).run_test(size=SIZE) as pilot:  # wide enough: the zones stay
        app2 = pilot.app
        await open_grid(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
        assert app2.screen.query_one(SlotTable).get_row_at(0)[3:-1] == ["11:00 CET ✓", "15:30 IST ✓"]


async def test_the_planners_slots_are_drawn_whole_when_drawn_before_the_table_measured_them(workspace: Path) -> None:
    """Slots planned again (a field changed) and drawn before the table had measured its new rows kept that drawing:
    columns as wide as their headers, slot 10 read "1" and each member's clock "Mon" until the focus moved."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        table = planner.query_one(SlotTable)
        required = [m for m in planner.members if planner.invited[m.id] == "required"]
        duration, first, days = (planner.query_one(f"#planner-{name}", Input).value for name in ("duration", "from", "days"))
        question = overlap.read_search(required, [], duration, first, int(days), planner.tz, NOW)
        planner._show_slots(question, list(planner.slots), planner.generation)
        for y in range(table.size.height):  # drawn at once, as a busy app may before the table's next idle
            table.render_line(y)
        await settle(pilot)
        shown = ["".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height)]
        assert shown[1].split()[:4] == ["1", "Thu", "11-26", "11:00-11:30"] and "11:00 CET ✓" in shown[1], shown[1]
        assert shown[10].split()[0] == "10", shown[10]


async def test_the_planners_legend_says_the_hours_on_the_readers_clock(workspace: Path) -> None:
    """With the 12-hour setting on, the slots said "11:00am" and the legend "early or late (07:00-22:00 local)"."""
    app = make_app(workspace, config=Config(time_format="12h"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        assert "~ early or late (7:00am-10:00pm local)" in str(app.screen.query_one("#planner-legend").render())


async def test_the_planners_why_of_a_slot_is_shown_whole_at_80_columns(workspace: Path) -> None:
    """The line under the slots, there to say why the slot under the cursor costs what it does where its table
    column is past the edge, was one line high: at 80 columns it read "... 30m early and 1h in a", the rest cut."""
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot)
        await pilot.press("o")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        for member in planner.members:
            planner.invited[member.id] = "required" if member.handle in ("leo", "kemi", "raj") else ""
        planner.query_one("#planner-duration", Input).value = "9h"
        await settle(pilot)
        assert planner.slots
        said = f"#1: {planner.slots[0].why}"
        why = planner.query_one("#planner-why")
        assert len(said) > why.size.width and "in a break for @kemi" in said
        shown = ["".join(segment.text for segment in why.render_line(y)).strip() for y in range(why.size.height)]
        assert " ".join(shown) == said


async def test_plan_a_meeting_and_book_it(workspace: Path) -> None:
    ids = member_ids(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("j", "o")  # the cursor on @raj: you and raj are required
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        table = planner.query_one(SlotTable)
        assert [str(c.label) for c in table.columns.values()] == ["#", "WHEN (Europe/Berlin)", "SCORE", "@ana", "@raj", "WHY"]
        assert table.row_count == 10
        assert table.get_row_at(0)[1:] == ["Thu 11-26 11:00-11:30", "100.0", "11:00 CET ✓", "15:30 IST ✓", Text("")]
        assert str(planner.query_one("#planner-why").render()) == "#1: in everyone’s working hours"
        status = planner.query_one("#planner-status")
        assert "10 slots for @ana @raj, Thu 11-26 to Wed 12-02, best first" in str(status.render())
        # Invite @sofia (New York): required, then optional.
        members = planner.query_one(InviteList)
        members.highlighted = [m.handle for m in planner.members].index("sofia")
        await pilot.press("space")
        await settle(pilot)
        assert [str(c.label) for c in table.columns.values()][3:-1] == ["@sofia", "@ana", "@raj"]  # west to east, as in the grid
        assert "off, back in 5h30m" in str(members.get_option_at_index(members.highlighted).prompt)
        await pilot.press("space")
        await settle(pilot)
        assert [str(c.label) for c in table.columns.values()][3:-1] == ["@ana", "@raj", "@sofia?"]
        # A bad duration is said in place; a good one plans again.
        await pilot.press("tab", *"soon")
        await settle(pilot)
        assert "duration: 'soon' is not a duration" in str(status.render()) and status.has_class("-problem")
        assert table.row_count == 0
        await pilot.press("ctrl+shift+a", *"1h", "tab", *"mon", "tab", *"2")  # tab selects a field's text: typing replaces it
        await settle(pilot)
        assert not status.has_class("-problem") and "Mon 11-30 to Tue 12-01" in str(status.render())
        # Sofia is outside every hour Ana and Raj share: as she is optional, the slot is still theirs, the one
        # that asks her least (her day starts at 10:00; before 07:00 is her night).
        assert table.get_row_at(0)[1:] == [
            "Mon 11-30 13:00-14:00",
            "96.1",
            "13:00 CET ✓",
            "17:30 IST ✓",
            "07:00 EST ~",
            Text("3h early for @sofia"),
        ]
        await pilot.press("tab")
        assert app.focused is table
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("ctrl+shift+a", *"Weekly sync", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PlannerScreen)
    with Store(workspace) as store:
        booked = [v for _, v in store.records("task") if v["title"] == "Weekly sync"]
    assert len(booked) == 1
    meeting = booked[0]
    assert meeting["tags"] == ["meeting"] and meeting["status"] == "todo" and meeting["due"]["tz"] == "Europe/Berlin"
    assert meeting["meeting"] == {"minutes": 60, "required": [ids["ana"], ids["raj"]], "optional": [ids["sofia"]]}
    assert meeting["due"]["utc"] == "2026-11-30T12:00:00Z" and meeting["created_by"] == ids["ana"]


async def test_the_planner_ranks_as_crewdeck_overlap_does(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Three members with no hour in common: the app's slots, their order and why each costs what it does, are the
    command line's."""
    assert main(["-w", str(workspace), "--as", "ana", "overlap", "ana", "raj", "sofia", "--zone", "Europe/Berlin", "--json"]) == 0
    expected = [(s["start"], s["why"]) for s in json.loads(capsys.readouterr().out)]
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("j", "o")  # you and @raj
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        planner.invited[next(m.id for m in planner.members if m.handle == "sofia")] = "required"
        planner.replan()
        await settle(pilot)
        table = planner.query_one(SlotTable)
        shown = [str(table.get_row_at(row)[-1]) for row in range(table.row_count)]
    assert [(utc_iso(s.start), s.why) for s in planner.slots] == expected and shown == [why for _, why in expected]
    assert any("early for @sofia" in why for _, why in expected), expected  # none of them in everyone's hours


async def test_the_planner_says_why_days_have_no_slot(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("o", "tab", "tab", *"2026-11-20", "tab", *"3")  # tab selects a field's text: typing replaces it
        await settle(pilot)
        status = app.screen.query_one("#planner-status")
        assert app.screen.query_one(SlotTable).row_count == 0 and not status.has_class("-problem")
        # It said "no 30m slot for @ana between Fri 11-20 and Sun 11-22" alone, as if ana's hours were none.
        assert str(status.render()) == (
            "no 30m slot for @ana between Fri 11-20 and Sun 11-22: those days have passed (today is Thu 11-26 in Europe/Berlin)"
        )


async def test_j_and_k_move_over_the_planners_members_and_slots(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("o")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        members = planner.query_one(InviteList)
        assert app.focused is members and members.highlighted == 0
        await pilot.press("j", "j", "k", "j", "space")
        await settle(pilot)
        assert planner.invited[planner.members[2].id] == "required"
        await pilot.press("tab", "tab", "tab", "tab")
        await settle(pilot)
        table = planner.query_one(SlotTable)
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1


async def test_the_planner_needs_someone_required_and_escape_goes_back(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("o")  # the cursor on you: you alone are required
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        assert [m.handle for m in planner.members if planner.invited[m.id] == "required"] == ["ana"]
        planner.query_one(InviteList).highlighted = [m.handle for m in planner.members].index("ana")
        await pilot.press("space", "space")  # optional, then not invited
        await settle(pilot)
        assert "name at least one required member" in str(planner.query_one("#planner-status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main_screen and app.focused is grid(app)


async def test_another_connections_deadline_appears_without_a_key(workspace: Path) -> None:
    ids = member_ids(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("j")
        assert "◆" not in row_line(app, "mia")[grid(app).gutter_width :]
        with Store(workspace) as store, store.write(ids["raj"]) as w:
            task = w.create(
                "task",
                {
                    "title": "Caption set",
                    "assignee": ids["mia"],
                    "status": "todo",
                    "due": {"utc": "2026-11-26T13:00:00Z", "tz": "Asia/Manila"},
                },
            )
        await until(pilot, lambda: "◆" in row_line(app, "mia")[grid(app).gutter_width :], "the new due date on mia's row")
        assert row_line(app, "mia")[grid(app).gutter_width + 28] == "◆"  # 14:00 in Berlin
        mia = next(r for r in pane(app).shown.rows if r.key == ids["mia"])  # type: ignore[union-attr]
        assert [(m.column, m.task_id, m.urgency) for m in mia.markers] == [(28, task, "soon")]
        assert grid(app).selected_row_key == ids["raj"]  # the cursor stayed


async def test_a_post_a_crisis_holds_is_not_marked_as_going_out_and_is_again_once_resumed(workspace: Path) -> None:
    # The grid read a post's task status alone: an approved post of mia's, paused by a crisis, was "▲ publish Launch reel
    # (@mia, …)" coloured as any slot to come; and a resume (no field the grid rebuilt on) was not seen for a minute.
    ids = member_ids(workspace)
    with Store(workspace) as store:
        campaign = next(r for r, v in store.records("campaign") if v["name"] == "Holiday Gifting")
        post = writing.add_post(
            store,
            ids["raj"],
            {
                "title": "Launch reel",
                "status": "todo",
                "assignee": ids["mia"],
                "campaign": campaign,
                "platform": "instagram",
                "copy": "Big day",
                "publish": {"utc": "2026-11-26T15:00:00Z", "tz": "Europe/London"},
            },
        )
        assert writing.submit(store, ids["raj"], post, NOW).state == "approved"  # the campaign has no chain
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)

        def marker() -> Any:
            mia = next(r for r in pane(app).shown.rows if r.key == ids["mia"])  # type: ignore[union-attr]
            return next(m for m in mia.markers if m.task_id == post and m.kind == "publish")

        assert marker().urgency == "soon" and "paused" not in marker().text
        with Store(workspace) as store:
            crisis = writing.start_crisis(store, ids["ana"], NOW, "Bad reply")
        await until(pilot, lambda: marker().urgency == "done", "the held post's slot muted")
        assert marker().text.startswith("▲ publish Launch reel, paused by a crisis (@mia, "), marker().text
        with Store(workspace) as store:
            writing.end_crisis(store, ids["ana"], NOW, crisis, resume="all")
        await until(pilot, lambda: marker().urgency == "soon", "the resumed post's slot marked again")
        assert "paused" not in marker().text


async def test_a_grid_in_your_zone_follows_you_when_you_move(workspace: Path) -> None:
    # It stayed in Berlin after ana moved to Tokyo, as `t` did, while the header said Tokyo.
    ids = member_ids(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        with Store(workspace) as store, store.write(ids["ana"]) as w:
            w.set("member", ids["ana"], {"tz": "Asia/Tokyo"})
        await until(pilot, lambda: pane(app).zone == "Asia/Tokyo", "the grid drawn in ana's new zone")
        shown = pane(app).shown
        assert shown is not None and shown.title.startswith("Thu 2026-11-26 in Asia/Tokyo")
        # The cursor stayed on its instant: now, 18:30 in Tokyo.
        assert shown.columns[grid(app).cursor_column].title == "Thu 11-26 18:30 JST"


def test_the_fields_that_rebuild_the_grid_are_task_fields() -> None:
    assert set(ENTITIES["task"].by_name) >= SHOWN_TASK_FIELDS


async def test_the_now_line_moves_and_follows_midnight(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-26T10:00:00Z")  # 11:00 in Berlin
        pane(app).tick()
        await settle(pilot)
        assert lines(app)[1][grid(app).gutter_width + NOW_COLUMN + 1] == "▼" and pane(app).day == dt.date(2026, 11, 26)
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-26T23:15:00Z")  # 00:15 on Friday in Berlin
        pane(app).tick()
        await settle(pilot)
        ruler = lines(app)[1]
        assert lines(app)[0].startswith(" Fri 2026-11-27") and ruler[grid(app).gutter_width :].startswith("00") and "▼" not in ruler
        assert grid(app).data.now_column == 0  # marked on the hour's label, which it does not hide


async def test_keys_are_listed_and_rebound_from_the_config(workspace: Path) -> None:
    app = make_app(workspace, config=Config(keymap={"grid.plan_meeting": "P", "deadline_grid.next_day": "n"}))
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        palette = [command.title for command in app.get_system_commands(app.screen)]
        assert "Deadlines: Plan meeting" in palette and "Pane: Deadlines" in palette
        assert "Deadlines: Next day" in palette  # the grid widget's own keys too
        await pilot.press("n")
        await settle(pilot)
        assert lines(app)[0].startswith(" Fri 2026-11-27")
        await pilot.press("o")
        await settle(pilot)
        assert app.screen is app.main_screen
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = shown_help(app.screen)
        for binding_id in ("grid.plan_meeting", "deadline_grid.pick_zone", "deadline_grid.earlier", "planner.invite", "planner.book"):
            assert binding_id in text
        assert "P Plan meeting" in text


def test_snapshot_of_the_grid_focused_and_zoomed_160x48(snap_compare: Any, workspace: Path) -> None:
    async def zoomed(pilot: Any) -> None:
        await open_grid(pilot)
        await pilot.press("z", "j", "l")
        await settle(pilot)

    assert snap_compare(make_app(workspace, watch=False), terminal_size=SIZE, run_before=zoomed)


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (80, 18)])
async def test_the_detail_line_shows_the_deadline_under_the_cursor_at_any_width(workspace: Path, size: tuple[int, int]) -> None:
    # The marker's words came after the list of members out of hours: past the pane's edge at 80 columns, and at
    # 160 where the pane is 70 wide; and the title's cursor time was cut mid-word ("cursor Thu 12-03 2").
    app = make_app(workspace)
    async with app.run_test(size=size) as pilot:
        await open_grid(pilot)
        widget = grid(app)
        data = widget.data
        assert data is not None
        row, marker = next((i, m) for i, r in enumerate(data.rows) for m in r.markers if m.kind == "due")
        widget.cursor_row, widget.cursor_column = row, marker.column
        widget.refresh()
        await settle(pilot)
        shown = lines(app)
        # At 80x18 the members scroll: the scroll bar takes the last two cells, over the end of the line.
        width = widget.scrollable_content_region.width
        assert all(len(line.rstrip()) <= width for line in shown)
        detail = shown[-1].rstrip()
        assert marker.text[:24] in detail, (detail, marker.text)
        assert detail.startswith(f" {data.columns[marker.column].title}  ·  in hours ")
        title = shown[0].rstrip()
        cursor_part = f"  ·  cursor {data.columns[marker.column].title}"
        assert title.endswith(cursor_part) or "cursor" not in title, title


async def test_the_detail_line_names_a_deadline_in_the_cursors_hour(workspace: Path) -> None:
    # h and l move by an hour: from a whole hour the cursor never stood on a deadline at half past, and its words never showed.
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot)
        widget = grid(app)
        data = widget.data
        assert data is not None and data.cells_per_hour == 2
        row, marker = next((i, m) for i, r in enumerate(data.rows) for m in r.markers if m.column % 2 == 1)
        widget.cursor_row, widget.cursor_column = row, marker.column - 1
        widget.refresh()
        await settle(pilot)
        assert marker.text[:24] in lines(app)[-1], (lines(app)[-1], marker.text)


async def test_the_planners_members_line_up_whatever_their_zone_is_called(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot)
        await pilot.press("o")
        await settle(pilot)
        members = app.screen.query_one(InviteList)
        prompts = [str(members.get_option_at_index(i).prompt) for i in range(members.option_count)]
        # "today 01:30 PST Los Angeles" and "today 17:30 PST Manila" are longer than "today 10:30 CET".
        assert any("PST Los Angeles" in p for p in prompts) and any("PST Manila" in p for p in prompts)
        assert any("Thu 22:30 NZDT" in p for p in prompts) and not any("today" in p for p in prompts)  # their day, not "today"
        statuses = {p.index(next(word for word in ("no working", "working", "off") if word in p)) for p in prompts}
        assert len(statuses) == 1, prompts


async def test_the_next_day_keeps_the_cursors_time_of_day_across_a_change_of_clocks(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREWDECK_NOW", "2027-03-27T09:30:00Z")  # Saturday 10:30 in Berlin; its clocks go forward that night
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        assert lines(app)[-1].startswith(" Sat 03-27 10:30 CET")
        await pilot.press("]")
        await settle(pilot)
        assert lines(app)[-1].startswith(" Sun 03-28 10:30 CEST")  # a 23-hour day: the same column is 11:30
        await pilot.press("]")
        await settle(pilot)
        assert lines(app)[-1].startswith(" Mon 03-29 10:30 CEST")
        await pilot.press("[", "[")
        await settle(pilot)
        assert lines(app)[-1].startswith(" Sat 03-27 10:30 CET")


async def test_a_meeting_title_the_rules_refuse_keeps_the_booking_dialog_open_with_it(workspace: Path) -> None:
    """The title dialog closed on a refusal (a title over 500 characters, or none): what was typed was gone."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("j", "o")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("ctrl+shift+a", "backspace", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert "the meeting needs a title" in str(app.screen.query_one("#prompt-refused").render())
        long_title = "Sync " + "x" * 500
        app.screen.query_one("#prompt-input", Input).value = long_title
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one("#prompt-input", Input).value == long_title
        assert "longer than 500 characters" in str(app.screen.query_one("#prompt-refused").render())
        await pilot.press("ctrl+shift+a", *"Weekly sync", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, (PromptScreen, PlannerScreen))
    with Store(workspace) as store:
        assert [v["title"] for _, v in store.records("task") if "meeting" in v.get("tags", [])] == ["Weekly sync"]


async def test_a_12_hour_clock_reads_the_hours_and_every_members_time_on_it(workspace: Path) -> None:
    app = make_app(workspace, config=Config(time_format="12h"))
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        shown = lines(app)
        # Three cells wider than where every time is on the grid's day: "Wed  3:00pm" (Leo's, at midnight) leaves a
        # handle six, and a space before the weekday.
        assert grid(app).gutter_width == GUTTER + 3
        ruler = shown[1][GUTTER + 3 :]
        assert ruler.startswith("12    3a    6a    9a") and "12    3p    6p    9p" in ruler
        assert shown[-1].startswith(" Thu 11-26 10:30am CET")
        assert row_line(app, "raj").startswith(" @raj        3:00pm✓")
        await pilot.press("h", "h", "h")
        assert row_line(app, "raj").startswith(" @raj       12:00pm✓")
        await pilot.press(*"hhhhhhhh")  # midnight in Berlin
        assert row_line(app, "leo").startswith(" @leo   Wed  3:00pm✓")


@pytest.mark.parametrize("width", [153, 160])
async def test_a_12_hour_clock_and_weekdays_in_the_gutter_leave_the_whole_day_in_view(workspace: Path, width: int) -> None:
    # The gutter widens for "Wed  3:00pm": at 153 columns half hours were drawn and 23:30 fell off the pane's edge.
    app = make_app(workspace, config=Config(time_format="12h"))
    async with app.run_test(size=(width, 48)) as pilot:
        await open_grid(pilot)
        widget = grid(app)
        assert widget.gutter_width + len(widget.data.columns) <= widget.scrollable_content_region.width  # type: ignore[union-attr]


@pytest.mark.parametrize(("size", "whole"), [((80, 24), True), ((160, 48), False)])
async def test_a_long_handle_is_shown_whole_where_the_pane_has_room_else_with_an_ellipsis(
    workspace: Path, size: tuple[int, int], whole: bool
) -> None:
    # The gutter cut every handle to six cells: @christopher read "@chris", another member's name.
    assert main(["-w", str(workspace), "--as", "ana", "member", "add", "christopher", "--name", "Chris Long", "--tz", "Europe/London"]) == 0
    app = make_app(workspace)
    async with app.run_test(size=size) as pilot:
        await open_grid(pilot)
        widget = grid(app)
        shown = next(line for line in lines(app) if line.startswith(" @chris"))
        label = shown[: shown.index(":") - 2].rstrip()
        if whole:
            assert label == " @christopher"
        else:  # as much as the room beside the half hours holds, and an ellipsis that says there is more
            assert label.endswith("…") and "@christopher".startswith(label[1:-1]) and len(label) > len(" @chris")
            # Two handles cut alike would read the same: on the cursor's row the line under the grid says it whole.
            chris = member_ids(workspace)["christopher"]
            for _ in range(len(widget.data.rows)):  # type: ignore[union-attr]
                if widget.selected_row_key == chris:
                    break
                await pilot.press("k")
            assert widget.selected_row_key == chris and " ·  @christopher " in lines(app)[-1], lines(app)[-1]
        assert row_line(app, "leo").startswith(" @leo ")  # short handles as before
        # The whole day stays in view beside the wider gutter.
        assert widget.gutter_width + len(widget.data.columns) <= widget.scrollable_content_region.width  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_the_footer_says_the_key_between_the_grid_and_the_content_calendar_both_ways(workspace: Path, size: tuple[int, int]) -> None:
    # Over the calendar no key said the way back to the grid (escape does nothing there); c did it, unsaid.
    app = make_app(workspace)
    async with app.run_test(size=size) as pilot:
        await open_grid(pilot)
        assert "c" in [key.key for key in footer_keys(app.screen)[0]]
        await pilot.press("c")
        await settle(pilot)
        assert pane(app).has_class("-calendar") and not grid(app).display
        shown = footer_keys(app.screen)[0]
        assert ("c", "Calendar/grid") in [(key.key, key.description) for key in shown]
        drawn = "".join(segment.text for segment in app.screen.query_one(KeyFooter).render_line(0))
        assert " c " in drawn  # at 80 columns too, bare if the descriptions do not fit
        await pilot.press("c")
        await settle(pilot)
        assert not pane(app).has_class("-calendar") and app.focused is grid(app)


async def test_a_booked_meeting_is_on_each_attendees_row_at_their_own_time(workspace: Path) -> None:
    # The planner books a meeting with no assignee: on the grid, which marked assigned tasks only, no one invited saw it.
    ids = member_ids(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        with Store(workspace) as store, store.write(ids["ana"]) as w:
            meeting = w.create(
                "task",
                {
                    "title": "Weekly sync",
                    "status": "todo",
                    "tags": ["meeting"],
                    "due": {"utc": "2026-11-26T13:00:00Z", "tz": "Europe/Berlin"},
                    "meeting": {"minutes": 60, "required": [ids["ana"], ids["raj"]], "optional": [ids["sofia"]]},
                    "created_by": ids["ana"],
                    "created_at": utc_iso(NOW),
                },
            )

        def rows() -> dict[str, list[tuple[int, str]]]:
            shown = pane(app).shown
            assert shown is not None
            return {r.key: [(m.column, m.text) for m in r.markers if m.task_id == meeting] for r in shown.rows}

        await until(pilot, lambda: bool(rows()[ids["raj"]]), "the booked meeting on raj's row")
        marked = rows()
        assert marked[ids["ana"]] == [(28, "◆ meeting Weekly sync (@ana, today 14:00 CET, 60 min; set in Europe/Berlin)")]
        assert marked[ids["raj"]] == [(28, "◆ meeting Weekly sync (@raj, today 18:30 IST Kolkata, 60 min; set in Europe/Berlin)")]
        assert marked[ids["sofia"]] == [(28, "◆ meeting Weekly sync (@sofia, today 08:00 EST, 60 min; set in Europe/Berlin)")]
        assert marked[ids["mia"]] == []  # not invited
        for handle in ("ana", "raj", "sofia"):
            assert row_line(app, handle)[grid(app).gutter_width + 28] == "◆"
        # Taking an attendee off the meeting takes it off their row, without a key.
        with Store(workspace) as store, store.write(ids["ana"]) as w:
            w.set("task", meeting, {"meeting": {"minutes": 60, "required": [ids["ana"], ids["raj"]], "optional": []}})
        await until(pilot, lambda: not rows()[ids["sofia"]], "the meeting off sofia's row")
    # Once held, a meeting is not late: muted, not marked overdue.
    ws = Workspace.open(workspace)
    for now, urgency in (
        (NOW, "soon"),
        (dt.datetime(2026, 11, 26, 13, 30, tzinfo=dt.UTC), "soon"),
        (dt.datetime(2026, 11, 26, 14, 0, tzinfo=dt.UTC), "done"),
    ):
        data = build_grid(ws, NOW.date(), "Europe/Berlin", now)
        assert {m.urgency for r in data.rows for m in r.markers if m.task_id == meeting} == {urgency}, now
    ws.close()


async def test_scrolled_in_the_zoomed_grid_at_80x24_every_member_has_a_line(workspace: Path) -> None:
    """Zoomed at 80x24 and scrolled, the zone's line kept at the top was drawn over a member's row (@leo's)."""
    for handle, tz in (("ines", "Europe/Lisbon"), ("yuki", "Asia/Tokyo"), ("omar", "Asia/Dubai"), ("ben", "America/Chicago")):
        assert main(["-w", str(workspace), "--as", "ana", "member", "add", handle, "--name", handle, "--tz", tz]) == 0
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot)
        await pilot.press("z")
        await settle(pilot)
        widget = grid(app)
        data = pane(app).shown
        assert data is not None
        labels = [row.label for row in data.rows]
        groups = {f" {row.group}" for row in data.rows}
        assert int(widget.max_scroll_y) > 0
        for top in range(int(widget.max_scroll_y) + 1):
            widget.scroll_to(y=top, animate=False)
            await settle(pilot)
            shown = [line.split()[0] for line in lines(app)[2:-1] if line.startswith(" @")]
            # The members in view are those from the first in view down, none left out; the last is reached.
            first = labels.index(shown[0])
            assert shown == labels[first : first + len(shown)], (top, lines(app))
            # No zone's line stands over another's with none of its members between (one drawn over them).
            body = [line.rstrip() for line in lines(app)[2:-1]]
            assert not any(a in groups and b in groups for a, b in itertools.pairwise(body)), (top, body)
        assert shown[-1] == labels[-1] and "@leo" in labels


def _as_seen(style: Style) -> tuple[float, float, bool, bool]:
    """What a cell of ``style`` looks like on a terminal under NO_COLOR: the luminance of its glyph and of its cell, each
    colour first made its grey (Textual's filter for NO_COLOR), and whether it is underlined or bold."""
    grey = monochrome_style(style)
    glyph, cell = (grey.bgcolor, grey.color) if grey.reverse else (grey.color, grey.bgcolor)
    assert glyph is not None and cell is not None
    return _luminance(glyph), _luminance(cell), bool(grey.underline), bool(grey.bold)


def _luminance(color: RichColor) -> float:
    """WCAG's relative luminance."""
    channels = [value / 255 for value in Color.from_rich_color(color).rgb]
    red, green, blue = (value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(a: float, b: float) -> float:
    """WCAG's contrast ratio of two luminances: 1 (the same) to 21 (black on white); 3 is its least for what must be seen."""
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


async def test_with_no_color_a_deadlines_urgency_and_the_now_column_still_show(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # NO_COLOR turns each colour to its grey: an overdue ◆ (red) and a later one (blue) came out about the same dim grey,
    # a contrast of 2.4 and 2.9 on the grid's background (1.2 against each other), and the now column's tint 1.9.
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        assert app.no_color
        ground = _as_seen(grid(app)._style("off"))[1]
        urgencies = ("overdue", "soon", "later", "done")
        seen = {urgency: _as_seen(grid(app)._style(f"marker-{urgency}")) for urgency in urgencies}
        for urgency in ("overdue", "soon", "later"):  # a done task's is muted on purpose
            glyph, cell, _, _ = seen[urgency]
            assert _contrast(glyph, cell) >= 3 and (_contrast(glyph, ground) >= 3 or _contrast(cell, ground) >= 3), urgency
        for a, b in itertools.combinations(urgencies, 2):
            (glyph_a, cell_a, *marks_a), (glyph_b, cell_b, *marks_b) = seen[a], seen[b]
            told_apart = marks_a != marks_b or _contrast(glyph_a, glyph_b) >= 1.5 or _contrast(cell_a, cell_b) >= 1.5
            assert told_apart, (a, b, seen)
        assert _contrast(_as_seen(grid(app)._style("now"))[1], ground) >= 3


#: What says something in words or marks, by widget: each must be read on a light theme (the muted and shading classes, the
#: off hours' dots above all, recede on purpose).
READ_ON_LIGHT = {
    WorkspaceHeader: ("workspace-header--title", "workspace-header--live", "workspace-header--busy", "workspace-header--offline"),
    PaneBar: ("pane-bar--title",),
    TaskTable: ("task-table--marked", "task-table--warning", "task-table--danger", "task-table--accent"),
    DeadlineGrid: (
        "deadline-grid--group",
        "deadline-grid--in",
        "deadline-grid--working",
        "deadline-grid--transition",
        "deadline-grid--marker-overdue",
        "deadline-grid--marker-soon",
        "deadline-grid--marker-later",
    ),
    BudgetTable: ("budget-table--over", "budget-table--heading-over", "budget-table--bar", "budget-table--bar-warning"),
    EntriesTable: ("entries-table--pending", "entries-table--marked"),
    ContentCalendar: (
        "calendar--title",
        "calendar--today",
        "calendar--in-review",
        "calendar--changes-requested",
        "calendar--approved",
        "calendar--scheduled",
        "calendar--paused",
        "calendar--cursor",
    ),
}


@pytest.mark.parametrize("theme", ["textual-light", "catppuccin-latte", "solarized-light"])
async def test_on_a_light_theme_the_header_the_zones_and_the_marks_can_be_read(workspace: Path, theme: str) -> None:
    # A light theme's $accent, $warning and $success are made for backgrounds: on textual-light the workspace's name, the
    # zones' lines, ✓ in hours, a deadline due soon, a marked task, a post in review and a budget heading over read at a
    # contrast of 1.3 to 1.6 on their ground, and the post under the calendar's dark cursor at 1.7.
    app = make_app(workspace, config=Config(theme=theme))
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("C")  # the content calendar, focused: its cursor is the theme's dark block
        await settle(pilot)
        assert not app.current_theme.dark and isinstance(app.focused, ContentCalendar)
        for kind, names in READ_ON_LIGHT.items():
            widget = app.main_screen.query(kind).first()
            for name in names:
                style = widget.get_component_rich_style(name)
                assert style.color is not None and style.bgcolor is not None
                # 2.5: Textual's $text-* shades give 2.8 on the header's darker panel; 3 is WCAG's least for bold text.
                assert _contrast(_luminance(style.color), _luminance(style.bgcolor)) >= 2.5, (name, style)


async def test_a_members_day_off_reads_on_every_theme(workspace: Path) -> None:
    # A day off's dashes say the member is away all day, not a quiet hour: at half the warning colour they read at a
    # contrast of 1.7 on textual-light (2.0 on catppuccin-latte and solarized-dark, 2.2 on gruvbox), where the off
    # hours' dots recede on purpose.  3 is WCAG's least for what must be seen; a theme whose own warning text reads
    # under that (atom-one-light, solarized-dark) has no stronger warning colour to give them.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        # The ansi- themes draw in the terminal's own palette, whose colours no theme knows.
        themes = sorted(theme for theme in app.available_themes if not theme.startswith("ansi-"))
        assert {"textual-light", "textual-dark", "catppuccin-latte"} <= set(themes)
        for theme in themes:
            app.theme = theme
            await settle(pilot)
            contrasts = {}
            for name in ("day-off", "transition"):  # the transition's mark: the theme's warning text, at full strength
                style = grid(app).get_component_rich_style(f"deadline-grid--{name}")
                assert style.color is not None and style.bgcolor is not None
                contrasts[name] = _contrast(_luminance(style.color), _luminance(style.bgcolor))
            assert contrasts["day-off"] >= min(3, contrasts["transition"]), (theme, contrasts)
            if theme == "textual-light":
                assert contrasts["day-off"] >= 3


async def test_backspace_typed_in_one_burst_with_characters_in_the_planners_fields_acts_in_the_order_typed(workspace: Path) -> None:
    """Backspace x3 and `45m` typed fast over the duration's "30m" left it "30m": the field typed `45m` first, and its
    backspaces, bound keys that act once back from the app, then took that off; backspace and `3` over the days' "7"
    left "73" (refused: more than 62 days), as the Budget pane's fields did before they took the keys in order."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_grid(pilot)
        await pilot.press("o")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen)
        for name, typed, wanted in (("duration", ["backspace"] * 3 + list("45m"), "45m"), ("days", ["backspace", "3"], "3")):
            field = planner.query_one(f"#planner-{name}", Input)
            field.focus()
            await settle(pilot)
            field.cursor_position = len(field.value)  # the focus selects the text: typing at its end, as after a click
            for key in typed:
                app.post_message(events.Key(key, None if key == "backspace" else key))
            await settle(pilot)
            assert field.value == wanted
        assert "slots for @ana, Thu 11-26 to Sat 11-28," in str(planner.query_one("#planner-status").render())
        assert {slot.end - slot.start for slot in planner.slots} == {dt.timedelta(minutes=45)}


async def test_the_cursor_comes_back_to_its_hour_after_a_round_trip_through_another_zone(workspace: Path) -> None:
    """Drawn by the hour, 10:30 in Berlin is under the 10:00 column, and 15:00 in Kolkata; there the cursor went to
    14:00 (the hour 09:30 UTC, the start of Berlin's column, falls in) and back in Berlin to 09:00: each `Z` there and
    back took the cursor an hour earlier, where Kolkata's half hour is off the hour."""
    app = make_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_grid(pilot)
        assert pane(app).resolution == 60 and lines(app)[-1].startswith(" Thu 11-26 10:00 CET")

        async def draw_in(tz: str) -> None:
            await pilot.press("Z")
            await settle(pilot)
            await pilot.press(next(c.key for c in app.screen.choices if c.value == tz))  # type: ignore[attr-defined]
            await settle(pilot)

        for _ in range(2):
            await draw_in("Asia/Kolkata")
            assert lines(app)[-1].startswith(" Thu 11-26 15:00 IST")
            await draw_in("Europe/Berlin")
            assert lines(app)[-1].startswith(" Thu 11-26 10:00 CET")
        await pilot.press("l")  # moved by a key, the cursor is on its column's hour: 11:00 CET, 15:30 in Kolkata
        await draw_in("Asia/Kolkata")
        assert lines(app)[-1].startswith(" Thu 11-26 15:00 IST")
