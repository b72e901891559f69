"""The content calendar at 80x24: every day of a month within reach, and the line under a post said whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from crewdeck.tui.app.calendar_panel import CalendarPanel

from .apphelp import calendar_on_one_post, make_app, settle
from .conftest import NOW
from .postsupport import add_posts, team_workspace

NARROW = (80, 24)


def _text(widget: Widget) -> list[str]:
    """The lines a widget draws in the room it has."""
    return [
        "".join(segment.text for segment in strip) for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    ]


async def test_the_month_view_at_80_columns_scrolls_to_the_days_past_the_ones_that_fit(tmp_path: Path) -> None:
    # A month's 31 days need 93 columns at three a day: days 24-31 were drawn past the pane's edge, and the cursor,
    # moved onto them, went out of sight with the post on Wed 30 Dec never shown.
    path = tmp_path / "month.db"
    store = team_workspace(path, NOW)
    add_posts(store, 1, dt.datetime(2026, 12, 30, 16, 0, tzinfo=dt.UTC), state="draft")  # 11:00 in New York
    store.close()
    app = make_app(path, "ana")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("C", "w", "right_square_bracket")
        await settle(pilot)
        panel = app.main_screen.query_one(CalendarPanel)
        assert panel.laid is not None and panel.laid.days[0] == dt.date(2026, 12, 1) and len(panel.laid.days) == 31
        calendar = panel.calendar
        await pilot.press(*["h"] * 31, "j")  # instagram, Tue 1 Dec
        await settle(pilot)
        assert _text(calendar)[1].split()[0] == "1"  # the month from its first day
        await pilot.press(*["l"] * 29)
        await settle(pilot)
        assert panel.placed() is not None  # the cursor is on the post, Wed 30 Dec
        lines = _text(calendar)
        assert lines[1].split()[-1] == "30", lines[1]
        [row] = [line for line in lines if line.startswith("instagram")]
        assert "○" in row, lines  # the draft's glyph, drawn
        await pilot.press("l")
        await settle(pilot)
        assert _text(calendar)[1].split()[-1] == "31"
        await pilot.press(*["h"] * 30)
        await settle(pilot)
        assert _text(calendar)[1].split()[0] == "1"  # back at the month's start


async def test_the_line_under_a_post_at_80x24_keeps_its_flags_in_view(tmp_path: Path) -> None:
    # The line under the calendar was two lines high: the post's title, state and slots took both at 80 columns, and
    # its flags (off-peak, too close to another) were cut off below them, never seen.
    path = tmp_path / "flags.db"
    store = team_workspace(path, NOW)
    add_posts(store, 1, NOW + dt.timedelta(days=1, hours=10), state="draft")  # 14:30 in New York: off-peak
    store.close()
    app = make_app(path, "ana")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        panel, _ = await calendar_on_one_post(app, pilot)
        assert "off-peak for instagram" in panel.status()
        shown = " ".join(_text(panel.query_one("#calendar-status", Static)))
        assert "nearest peak" in shown and "America/New_York" in shown.rsplit("nearest peak", 1)[-1], shown
