"""The deadline grid: the data built from a workspace, every key, and a snapshot."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.geometry import Size
from textual.widgets import Static

from crewdeck.tui.time.grid import ZoneChoice, build_grid, columns_of, zone_choices
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.deadline_grid import DeadlineGrid

from .conftest import Cli
from .grid_app import NOW, GridApp, demo_workspace

THU = dt.date(2026, 11, 26)


def test_a_dst_day_has_as_many_columns_as_it_has_hours() -> None:
    assert len(columns_of(THU, "Europe/Berlin", 30)) == 48
    fall = columns_of(dt.date(2026, 10, 25), "Europe/Berlin", 30)
    assert len(fall) == 50 and [c.transition for c in fall if c.transition] == ["+02:00→+01:00"]
    assert [c.title.split()[-2:] for c in fall[4:8]] == [["02:00", "CEST"], ["02:30", "CEST"], ["02:00", "CET"], ["02:30", "CET"]]
    assert fall[6].transition == "+02:00→+01:00" and fall[6].title.endswith("02:00 CET")
    spring = columns_of(dt.date(2026, 3, 29), "Europe/Berlin", 60)
    assert len(spring) == 23 and spring[2].title.endswith("03:00 CEST") and spring[2].transition == "+01:00→+02:00"
    assert [c.label for c in columns_of(THU, "UTC", 60)][:7] == ["00", "", "", "03", "", "", "06"]


def test_a_half_hour_change_of_clocks_leaves_the_hours_on_the_hour(cli: Cli) -> None:
    """Lord Howe's clocks go back half an hour on Sun 2027-04-04 (02:00 to 01:30) and forward on Sun 2027-10-03
    (02:00 to 02:30): drawn by the hour, the half hour the change leaves is a column of its own and the day's
    hours go on from the next whole one, as its members' working hours do."""
    back = columns_of(dt.date(2027, 4, 4), "Australia/Lord_Howe", 60)
    assert [c.title.split()[2] for c in back[:5]] == ["00:00", "01:00", "01:30", "02:00", "03:00"]
    assert back[2].transition == "+11:00→+10:30" and back[2].title.endswith("01:30 +1030")
    assert [c.label for c in back if c.label] == ["00", "03", "06", "09", "12", "15", "18", "21"]
    assert len(back) == 25 and back[-1].title.split()[2] == "23:00"
    forward = columns_of(dt.date(2027, 10, 3), "Australia/Lord_Howe", 60)
    assert [c.title.split()[2] for c in forward[:4]] == ["00:00", "01:00", "02:30", "03:00"]
    assert len(forward) == 24 and forward[-1].title.split()[2] == "23:00"
    cli.ok("member", "add", "lh", "--name", "Lord Howe", "--tz", "Australia/Lord_Howe", "--hours", "sun 09:00-17:00")
    ws = Workspace.open(cli.workspace)
    after_the_change = dt.datetime(2027, 4, 3, 15, 40, tzinfo=dt.UTC)  # 02:10 +1030
    grid = build_grid(ws, dt.date(2027, 4, 4), "Australia/Lord_Howe", after_the_change, resolution=60)
    ws.close()
    assert "(24.5 h day)" in grid.title and grid.now_column == 3
    lord_howe = next(r for r in grid.rows if r.label == "@lh")
    assert lord_howe.cells[10:18] == "w" * 8 and lord_howe.cells[9] == "." and lord_howe.cells[18] == "."  # 09:00-17:00
    assert lord_howe.local[10] == "09:00"


def test_the_grid_of_a_workspace(cli: Cli) -> None:
    cli.ok("member", "add", "bina", "--name", "Bina", "--tz", "Asia/Kathmandu", "--hours", "mon-fri 10:00-17:00")
    cli.ok("member", "add", "leo", "--name", "Leo", "--tz", "America/Los_Angeles", "--days-off", "2026-11-26")
    cli.ok("add", "Edit reel @raj due:today 14:00 Asia/Kolkata")  # 08:30 UTC: overdue at 09:30
    cli.ok("add", "Post @ana +spring-launch/instagram publish:today 11:00 due:fri")  # 16:00 UTC
    ws = Workspace.open(cli.workspace)
    grid = build_grid(ws, THU, "UTC", NOW)
    ws.close()
    assert [r.label for r in grid.rows] == ["@leo", "@ana", "@raj", "@bina"]  # west to east
    assert grid.rows[2].group == "Asia/Kolkata  IST  UTC+05:30"
    # A zone whose abbreviation is its offset says it once: "Asia/Kathmandu  +0545  UTC+05:45", "in UTC  UTC UTC+00:00".
    assert grid.rows[3].group == "Asia/Kathmandu  UTC+05:45"
    assert grid.title == "Thu 2026-11-26 in UTC  UTC+00:00"
    assert grid.now_column == 19 and grid.cells_per_hour == 2 and len(grid.columns) == 48
    ana, raj, bina, leo = grid.rows[1], grid.rows[2], grid.rows[3], grid.rows[0]
    assert ana.cells[16:32] == "w" * 16 and ana.cells[15] == "." and ana.cells[32] == "."  # 09:00-17:00 CET = 08-16 UTC
    assert raj.cells[9] == "w" and raj.cells[8] == "."  # 10:00 IST is 04:30 UTC
    # Kathmandu starts at 04:15 UTC: that half hour is only partly worked.
    assert bina.cells[8] == "p" and bina.cells[9] == "w" and bina.cells[22] == "p"
    assert bina.local[8] == "09:45"
    assert "x" in leo.cells and "w" not in leo.cells[16:]  # his day off (Thursday in LA, from 08:00 UTC)
    # Each member's weekday where their time is not on the grid's day: LA's Wednesday until 08:00 UTC.
    assert leo.days[:17] == ("Wed",) * 16 + ("",) and set(leo.days[16:]) == {""} and set(ana.days[:46]) == {""}
    assert ana.days[46:] == ("Fri", "Fri")  # Berlin's midnight is 23:00 UTC
    assert bina.days[:36] == ("",) * 36 and set(bina.days[38:]) == {"Fri"}  # Kathmandu's midnight is 18:15 UTC
    assert [(m.column, m.kind, m.urgency) for m in raj.markers] == [(17, "due", "overdue")]
    assert [(m.column, m.kind, m.urgency) for m in ana.markers] == [(32, "publish", "soon")]
    assert "set in America/New_York" in ana.markers[0].text


def test_the_zones_worth_drawing_in(demo: Workspace) -> None:
    members = demo.members()
    ana = next(m for m in members if m.handle == "ana")
    zones = zone_choices(ana, members, demo.campaigns(), NOW, current="Asia/Tokyo")
    assert zones[0] == ZoneChoice("Europe/Berlin", "Thu 10:30 CET", "you")
    by_zone = {z.tz: z for z in zones}
    assert by_zone["America/New_York"] == ZoneChoice("America/New_York", "Thu 04:30 EST", "@sofia · audience of Spring Launch")
    assert by_zone["Europe/London"].who == "audience of Holiday Gifting"
    assert by_zone["Asia/Kathmandu"].local == "Thu 15:15 +0545" and by_zone["Pacific/Auckland"].local == "Thu 22:30 NZDT"
    assert by_zone["Asia/Tokyo"].who == "shown now"  # the zone on screen stays offered
    # After yours, west to east.
    assert [z.tz for z in zones][1:4] == ["America/Los_Angeles", "America/New_York", "Europe/London"]
    assert zone_choices(ana, members, [], NOW, clock24=False)[0].local == "Thu 10:30am CET"


class Recorder:
    """The messages a grid posted, by type."""

    def __init__(self, app: GridApp) -> None:
        self.app = app

    def of(self, kind: type) -> list[Any]:
        return [m for m in self.app.messages if isinstance(m, kind)]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    ws = demo_workspace(tmp_path / "demo.db")
    yield ws
    ws.close()


def test_every_key(demo: Workspace) -> None:
    asyncio.run(_every_key(GridApp(demo, THU, "Europe/Berlin")))


async def _every_key(app: GridApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one(DeadlineGrid)
        grid.focus()
        seen = Recorder(app)
        assert grid.cursor_column == grid.data.now_column == 21  # 10:30 CET
        await pilot.press("l")
        assert grid.cursor_column == 23
        await pilot.press("h", "h")
        assert grid.cursor_column == 19
        await pilot.press("j", "j")
        assert grid.cursor_row == 2 and grid.selected_row_key == grid.data.rows[2].key
        await pilot.press("k")
        assert grid.cursor_row == 1
        cells = seen.of(DeadlineGrid.CellSelected)
        assert [(m.row_key, m.column) for m in cells][-1] == (grid.data.rows[1].key, 19)
        row_key = grid.selected_row_key
        await pilot.press("]")
        assert [m.offset for m in seen.of(DeadlineGrid.DayRequested)] == [1]
        assert app.day == dt.date(2026, 11, 27) and grid.data.now_column is None
        assert grid.selected_row_key == row_key and grid.cursor_column == 19  # same member, same time of day
        await pilot.press("[", "[")
        assert app.day == dt.date(2026, 11, 25)
        await pilot.press("t")  # another day: the app is asked for today, the cursor goes to now
        assert len(seen.of(DeadlineGrid.NowRequested)) == 1
        assert app.day == THU and grid.cursor_column == 21
        await pilot.press("l", "t")  # today: t just moves the cursor
        assert grid.cursor_column == 21 and len(seen.of(DeadlineGrid.NowRequested)) == 1
        await pilot.press("Z")
        assert [m.zone for m in seen.of(DeadlineGrid.ZonePickRequested)] == ["Europe/Berlin"]
        assert grid.data.zone == "Asia/Kolkata" and grid.data.title.startswith("Thu 2026-11-26 in Asia/Kolkata")
        # The cursor stops at the edges.
        await pilot.press(*["l"] * 14)
        assert grid.cursor_column == len(grid.data.columns) - 1
        await pilot.press(*["j"] * 8)
        assert grid.cursor_row == len(grid.data.rows) - 1


def test_the_detail_line_reads_the_selected_column(demo: Workspace) -> None:
    asyncio.run(_detail_line(GridApp(demo, THU, "Europe/Berlin")))


async def _detail_line(app: GridApp) -> None:
    async with app.run_test(size=(90, 24)) as pilot:
        grid = app.query_one(DeadlineGrid)
        await pilot.pause()

        def line(y: int) -> str:
            return "".join(s.text for s in grid.render_line(y))

        assert "Thu 11-26 10:30 CET  ·  in hours 5/8  ·  out: @leo @sofia @tane" in line(grid.size.height - 1)
        # The gutter shows each member's local time at the cursor, with in/out marks.
        body = [line(y) for y in range(2, grid.size.height - 1)]
        assert any(text.startswith(" @raj       15:00✓") for text in body)
        assert any(text.startswith(" @leo       01:30✗") for text in body)
        await pilot.press("l", "l", "l", "l", "l", "l")  # 16:30 CET: New York is in, Asia is out
        assert "16:30 CET  ·  in hours 3/8  ·  out: @leo @raj @bina @mia @tane" in line(grid.size.height - 1)


def test_a_narrow_grid_keeps_the_length_of_its_day_in_the_title(demo: Workspace) -> None:
    asyncio.run(_narrow_title(GridApp(demo, dt.date(2027, 4, 4), "Australia/Lord_Howe")))


async def _narrow_title(app: GridApp) -> None:
    """52 columns wide (beside the tasks in a 120-column terminal) the title was cut at the pane's edge,
    "Sun 2027-04-04 in Australia/Lord_Howe  +1030 UTC+": an offset cut to none, the day's 24.5 hours gone."""
    async with app.run_test(size=(52, 24)) as pilot:
        grid = app.query_one(DeadlineGrid)
        await pilot.pause()
        title = "".join(s.text for s in grid.render_line(0)).rstrip()
        assert title.startswith(" Sun 2027-04-04 in Australia/Lord_Howe (24.5 h day)"), title
        assert title.endswith("…") and len(title) <= grid.scrollable_content_region.width, title
        assert grid.data.title == "Sun 2027-04-04 in Australia/Lord_Howe (24.5 h day)  UTC+10:30"


def test_grid_snapshot(snap_compare: Any, demo: Workspace) -> None:
    assert snap_compare(GridApp(demo, THU, "Europe/Berlin"), terminal_size=(80, 24), press=["j", "j", "l"])


def test_a_scrolled_grid_keeps_saying_whose_time_each_gutter_reads(demo: Workspace) -> None:
    asyncio.run(_scrolled(GridApp(demo, THU, "Europe/Berlin")))


async def _scrolled(app: GridApp) -> None:
    """Scrolled down to the last member, the first rows in view had lost their zone's header above them:
    "@kemi 11:30~" read an hour with nothing on screen saying whose (Lagos) it was."""
    async with app.run_test(size=(80, 12)) as pilot:
        grid = app.query_one(DeadlineGrid)
        grid.focus()
        await pilot.press(*["j"] * (len(grid.data.rows) - 1))
        assert grid.scroll_offset.y > 0

        def line(y: int) -> str:
            return "".join(s.text for s in grid.render_line(y))

        body = [line(y).rstrip() for y in range(2, grid.size.height - 1)]
        groups = {f" {row.group}" for row in grid.data.rows}
        # Every member's row in view is under its own zone's header, the cursor's among them.
        assert body[0] in groups, body
        under = ""
        for text in body:
            if not text:
                continue  # below the last member
            if text in groups:
                under = text
            else:
                label = text.split()[0]
                assert any(row.label == label and f" {row.group}" == under for row in grid.data.rows), (text, under)
        assert any(text.startswith(f" {grid.data.rows[-1].label}") for text in body)


SKIPPED = dt.date(2011, 12, 30)  # Samoa went from Thu 2011-12-29 23:59 (UTC-10) to Sat 2011-12-31 00:00 (UTC+14)


def test_a_day_a_zone_skipped_is_a_day_of_no_hours(cli: Cli) -> None:
    """Drawn in Pacific/Apia, Friday 2011-12-30 raised an IndexError: the day has no hours there to make columns of."""
    cli.ok("member", "add", "sina", "--name", "Sina", "--tz", "Pacific/Apia", "--hours", "mon-fri 09:00-17:00")
    ws = Workspace.open(cli.workspace)
    now = dt.datetime(2011, 12, 30, 12, 0, tzinfo=dt.UTC)
    apia = build_grid(ws, SKIPPED, "Pacific/Apia", now)
    berlin = build_grid(ws, SKIPPED, "Europe/Berlin", now)
    asyncio.run(_skipped_day(GridApp(ws, SKIPPED, "Pacific/Apia", now)))
    ws.close()
    assert apia.columns == () and apia.now_column is None and apia.title.startswith("Fri 2011-12-30 in Pacific/Apia (0 h day)")
    assert {(row.cells, row.local) for row in apia.rows} == {("", ())}
    # Berlin's Friday is Samoa's Thursday afternoon (from 13:00), then its Saturday: Sina's hours end at 17:00.
    sina = next(row for row in berlin.rows if row.label == "@sina")
    assert len(sina.cells) == 48 and sina.cells[:8] == "w" * 8 and sina.local[:2] == ("13:00", "13:30") and sina.local[22] == "00:00"


async def _skipped_day(app: GridApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one(DeadlineGrid)
        grid.focus()
        await pilot.press("l", "h", "j", "k")
        shown = ["".join(s.text for s in grid.render_line(y)).rstrip() for y in range(grid.size.height)]
        assert shown[0].startswith(" Fri 2011-12-30 in Pacific/Apia (0 h day)"), shown
        assert shown[-1] == " no hours: Pacific/Apia skipped this day", shown
        await pilot.press("t")  # noon UTC is Saturday 02:00 in Apia
        await pilot.pause()
        assert "".join(s.text for s in grid.render_line(0)).startswith(" Sat 2011-12-31 in Pacific/Apia")


def test_a_markers_today_is_the_readers_not_the_grids(cli: Cli) -> None:
    """ana (Berlin, Thursday) drew the grid in Honolulu, where it is still Wednesday: kai's due read "today 23:00 HST",
    Wednesday, where her task list says the same due is today's (Thursday's) 10:00 CET."""
    from crewdeck.tui.app.opening import GridQuery
    from crewdeck.tui.session.session import Session

    cli.ok("member", "add", "kai", "--name", "Kai", "--tz", "Pacific/Honolulu", "--hours", "mon-fri 09:00-17:00")
    cli.ok("add", "Surf reel @kai due:2026-11-25 23:00 Pacific/Honolulu")  # 09:00 UTC on Thursday
    session = Session.open(cli.workspace, "ana")
    try:
        grid = GridQuery(dt.date(2026, 11, 25), "Pacific/Honolulu", 30, True).read(session, NOW)
    finally:
        session.close()
    [kai] = [row for row in grid.rows if row.label == "@kai"]
    assert [m.text for m in kai.markers] == ["◆ due Surf reel (@kai, Wed 11-25 23:00 HST; set in Pacific/Honolulu)"]
    # Read by someone in Honolulu, it is their today.
    ws = Workspace.open(cli.workspace)
    try:
        own = build_grid(ws, dt.date(2026, 11, 25), "Pacific/Honolulu", NOW, reader_tz="Pacific/Honolulu")
    finally:
        ws.close()
    assert "(@kai, today 23:00 HST;" in next(row for row in own.rows if row.label == "@kai").markers[0].text


def test_a_closed_tasks_marker_says_it_is_closed(cli: Cli) -> None:
    """A done task's ◆ read "◆ due Brief (@raj, today 17:00 IST; …)" under the cursor, as if it were still to do
    (its dimmed glyph the only sign); a post's slot held by a crisis said so already."""
    done = cli.ok("add", "Brief @raj due:2026-11-26 17:00 Asia/Kolkata").strip()
    dropped = cli.ok("add", "Recut @raj due:2026-11-26 18:00 Asia/Kolkata").strip()
    cli.ok("add", "Caption @raj due:2026-11-26 16:00 Asia/Kolkata")
    cli.ok("done", done)
    cli.ok("set", dropped, "status=cancelled")
    post = cli.ok("post", "add", "Reel @raj post:instagram publish:2026-11-26 20:00 Asia/Kolkata").strip()  # in no campaign: no review
    for step in (("copy", post, "Out tonight"), ("submit", post), ("publish", post)):
        cli.ok("post", *step)
    ws = Workspace.open(cli.workspace)
    try:
        grid = build_grid(ws, dt.date(2026, 11, 26), "Asia/Kolkata", NOW, reader_tz="Asia/Kolkata")
    finally:
        ws.close()
    [raj] = [row for row in grid.rows if row.label == "@raj"]
    shown = [m.text.split(" (")[0] for m in raj.markers]
    # A post is closed by going out: its slot and its draft's due say so.
    assert shown == ["◆ due Reel, published", "◆ due Caption", "◆ due Brief, done", "◆ due Recut, cancelled", "▲ publish Reel, published"]


def test_a_change_of_clocks_on_an_hour_keeps_the_hour_on_the_ruler(demo: Workspace) -> None:
    asyncio.run(_spring_forward_ruler(GridApp(demo, dt.date(2027, 3, 28), "Europe/Berlin")))


async def _spring_forward_ruler(app: GridApp) -> None:
    """On Berlin's spring-forward day 02:00 becomes 03:00: the ruler read "»3" where the hour 03 starts."""
    async with app.run_test(size=(160, 24)) as pilot:
        grid = app.query_one(DeadlineGrid)
        await pilot.pause()
        ruler = "".join(s.text for s in grid.render_line(1))[grid.gutter_width :]
        assert grid.data.columns[4].transition == "+01:00→+02:00" and grid.data.columns[4].label == "03"
        assert ruler.startswith("00  03    06"), ruler  # 02:00 and 02:30 are not on its clocks
        # The mark is drawn where no hour's label is (the fall-back change, at the second 02:00) and on the rows.
        rows = ["".join(s.text for s in grid.render_line(y))[grid.gutter_width :] for y in range(2, grid.size.height - 1)]
        assert any(row[4] == "»" for row in rows), rows
        app.day = dt.date(2027, 10, 31)
        app._redraw()
        await pilot.pause()
        ruler = "".join(s.text for s in grid.render_line(1))[grid.gutter_width :]
        assert ruler.startswith("00    » 03"), ruler  # the second 02:00, then 02:30 and 03:00


def test_hour_labels_that_would_touch_on_the_ruler_are_apart(demo: Workspace) -> None:
    asyncio.run(_spring_forward_ruler_by_the_hour(GridApp(demo, dt.date(2027, 3, 28), "Europe/Berlin")))


async def _spring_forward_ruler_by_the_hour(app: GridApp) -> None:
    """Drawn by the hour (a pane too narrow for half hours), Berlin's spring-forward day has 03 right after 01: the
    ruler read "0003 06", one number, as do "123a 6a" on the 12-hour clock; the change's mark stands for the 03."""
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one(DeadlineGrid)
        for clock24, start in ((True, "00»  06 09"), (False, "12»  6a 9a")):
            grid.data = build_grid(app.ws, app.day, app.zone, app.now, resolution=60, clock24=clock24)
            await pilot.pause()
            ruler = "".join(s.text for s in grid.render_line(1))[grid.gutter_width :]
            assert ruler.startswith(start), ruler


def test_the_zone_line_kept_at_the_top_covers_no_member(demo: Workspace) -> None:
    asyncio.run(_no_member_covered(GridApp(demo, THU, "Europe/Berlin")))


async def _no_member_covered(app: GridApp) -> None:
    """Scrolled, the zone's line at the top was drawn over the first member's row: with the last member of a zone
    there (@leo), "America/Los_Angeles" stood over the next zone's line and @leo was on no line at all."""
    async with app.run_test(size=(80, 12)) as pilot:
        grid = app.query_one(DeadlineGrid)
        await pilot.pause()
        labels = [row.label for row in grid.data.rows]
        groups = {f" {row.group}" for row in grid.data.rows}
        for top in range(int(grid.max_scroll_y) + 1):
            grid.scroll_to(y=top, animate=False)
            await pilot.pause()
            body = ["".join(s.text for s in grid.render_line(y)).rstrip() for y in range(2, grid.size.height - 1)]
            shown = [text.split()[0] for text in body if text and text not in groups]
            # The members in view are those from the top down, none left out.
            first = labels.index(shown[0])
            assert shown == labels[first : first + len(shown)], (top, body)
            kind, row = grid._lines[top]
            assert kind == "group" or labels[row] == shown[0], (top, body)
            assert body[0] in groups and body[1] not in groups, (top, body)
        assert shown[-1] == labels[-1]


class GridAndLineApp(GridApp):
    def compose(self) -> ComposeResult:
        yield Static("a line above", id="line")
        yield from super().compose()


def test_a_layout_elsewhere_leaves_the_grids_scrollbars_alone(demo: Workspace) -> None:
    asyncio.run(_steady_scrollbars(GridAndLineApp(demo, THU, "Europe/Berlin")))


async def _steady_scrollbars(app: GridAndLineApp) -> None:
    """Textual's ScrollView updated them at every layout of the screen (the grid's region, handed to it as its virtual
    size, always differs from its lines and columns): a filter typed in the tasks pane redrew the grid's scrollbars."""
    async with app.run_test(size=(80, 12)) as pilot:
        grid = app.query_one(DeadlineGrid)
        await pilot.pause()
        assert grid.show_vertical_scrollbar
        updates: list[Size] = []
        update = grid._scroll_update

        def counted(virtual_size: Size) -> None:
            updates.append(virtual_size)
            update(virtual_size)

        grid._scroll_update = counted  # type: ignore[method-assign]
        line = app.query_one("#line", Static)
        line.styles.color = "red"  # a layout that changes nothing of the grid's
        line.refresh(layout=True)
        await pilot.pause()
        assert updates == [], "the scrollbars were updated by a layout that moved nothing of the grid's"
        line.update("a line above\nnow two")  # the grid is a line shorter: its scrollbars follow
        await pilot.pause()
        assert updates and grid.show_vertical_scrollbar
