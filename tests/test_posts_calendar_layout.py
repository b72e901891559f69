"""The content calendar's layout and flags: gaps, quiet stretches, off-peak slots, and moves on the audience's clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.sync.state.store import Store
from crewdeck.tui.posts.calendar_layout import (
    campaign_runs,
    layout,
    moved_slot,
    period_bounds,
    period_days,
    period_posts,
    post_flags,
)
from crewdeck.tui.posts.reading import settings

from .conftest import NOW
from .postsupport import add_posts, team_workspace

UTC = dt.UTC


def _laid(store: Store, anchor: dt.date, month: bool = False, zone: str = "America/New_York", by_campaign: bool = False):  # type: ignore[no-untyped-def]  # a test helper
    days = period_days(anchor, month)
    start, end = period_bounds(days, zone)
    posts = period_posts(store.conn, NOW, start, end)
    runs = campaign_runs(store.conn)
    flags = post_flags(posts, settings(store.conn), runs, "Europe/Berlin")
    return posts, flags, layout(posts, flags, days, zone, by_campaign, settings(store.conn).quiet_days, runs)


def test_two_posts_on_one_platform_of_one_campaign_closer_than_the_minimum_gap_are_both_flagged(tmp_path: Path) -> None:
    store = team_workspace(tmp_path / "w.db", NOW)
    # 11:00 and 11:40 in New York on Wed 2 Dec (both in the instagram peak hour), and 19:00 (the other peak, far enough).
    close = add_posts(store, 2, dt.datetime(2026, 12, 2, 16, 0, tzinfo=UTC), every=dt.timedelta(minutes=40), state="draft")
    far = add_posts(store, 1, dt.datetime(2026, 12, 3, 0, 0, tzinfo=UTC), state="draft")
    _, flags, _ = _laid(store, dt.date(2026, 12, 2))
    assert flags[close[0]] == flags[close[1]] == ("gap: 2 posts on instagram of Spring Launch 40 min apart (min 3 h 00)",)
    assert far[0] not in flags
    store.close()


def test_a_slot_outside_the_platforms_peak_hours_is_flagged_with_the_nearest_peak(tmp_path: Path) -> None:
    store = team_workspace(tmp_path / "w.db", NOW)
    (early,) = add_posts(store, 1, dt.datetime(2026, 12, 2, 10, 0, tzinfo=UTC), state="draft")  # 05:00 New York
    (peak,) = add_posts(store, 1, dt.datetime(2026, 12, 4, 16, 30, tzinfo=UTC), state="draft")  # 11:30, in the peak hour from 11:00
    _, flags, _ = _laid(store, dt.date(2026, 12, 2))
    assert flags[early] == ("off-peak for instagram: nearest peak Wed 11:00 America/New_York",)
    assert peak not in flags
    store.close()


def test_the_peak_hours_are_the_audiences_whatever_zone_the_slot_was_typed_in(tmp_path: Path) -> None:
    # A slot typed in Berlin (`post slot ID "wed 11:30 Europe/Berlin"`) keeps Berlin as its zone: the flag looked for
    # the peaks there, found 11:30 in Berlin's 11:00 peak hour and said nothing of a post going out at 05:30 in New
    # York, where Spring Launch's audience is; one at 17:00 in Berlin, 11:00 in New York, was off-peak.
    store = team_workspace(tmp_path / "w.db", NOW)
    dawn, peak = add_posts(store, 2, dt.datetime(2026, 12, 2, 10, 30, tzinfo=UTC), every=dt.timedelta(hours=5, minutes=30), state="draft")
    with store.write(store.conn.execute("SELECT created_by FROM task WHERE id = ?", (dawn,)).fetchone()[0]) as w:
        w.set("task", dawn, {"publish": {"utc": "2026-12-02T10:30:00Z", "tz": "Europe/Berlin"}})
        w.set("task", peak, {"publish": {"utc": "2026-12-02T16:00:00Z", "tz": "Europe/Berlin"}})
    _, flags, _ = _laid(store, dt.date(2026, 12, 2))
    assert flags[dawn] == ("off-peak for instagram: nearest peak Wed 11:00 America/New_York",)
    assert peak not in flags
    store.close()


def test_the_off_peak_flag_says_the_nearest_peak_on_the_readers_clock(tmp_path: Path) -> None:
    """With the 12-hour setting on, the flag still said "Wed 11:00" and "Wed 19:00", where the grid says 11:00am."""
    store = team_workspace(tmp_path / "w.db", NOW)
    (early,) = add_posts(store, 1, dt.datetime(2026, 12, 2, 10, 0, tzinfo=UTC), state="draft")  # 05:00 New York
    (late,) = add_posts(store, 1, dt.datetime(2026, 12, 3, 3, 0, tzinfo=UTC), state="draft")  # 22:00 New York, after the 19:00 peak
    days = period_days(dt.date(2026, 12, 2), False)
    posts = period_posts(store.conn, NOW, *period_bounds(days, "America/New_York"))
    flags = post_flags(posts, settings(store.conn), campaign_runs(store.conn), "Europe/Berlin", clock24=False)
    assert flags[early] == ("off-peak for instagram: nearest peak Wed 11:00am America/New_York",)
    assert flags[late] == ("off-peak for instagram: nearest peak Wed 7:00pm America/New_York",)
    store.close()


def test_a_platform_with_no_post_for_quiet_days_during_a_campaigns_run_is_flagged_in_its_row(tmp_path: Path) -> None:
    store = team_workspace(tmp_path / "w.db", NOW)
    # Spring Launch runs 6 Nov – 5 Jan on instagram, tiktok and linkedin; instagram posts on Mon and Fri only.
    add_posts(store, 1, dt.datetime(2026, 11, 30, 16, 0, tzinfo=UTC), state="draft")
    add_posts(store, 1, dt.datetime(2026, 12, 4, 16, 0, tzinfo=UTC), state="draft")
    _, _, laid = _laid(store, dt.date(2026, 11, 30))
    instagram = laid.rows.index("instagram")
    spring = sorted(day for (row, day), why in laid.quiet.items() if row == instagram and "of Spring Launch" in why)
    assert spring == [1, 2, 3]  # Tue, Wed, Thu: three days, the workspace's quiet_days
    # Holiday Gifting, on instagram too, posted nothing all week: both are said where both hold.
    assert laid.quiet[(instagram, 1)] == (
        "quiet: no instagram post of Holiday Gifting for 7 days from Mon 11-30; quiet: no instagram post of Spring Launch for 3 days from Tue 12-01"
    )
    tiktok = laid.rows.index("tiktok")
    assert sorted(day for row, day in laid.quiet if row == tiktok) == list(range(7))
    store.close()


def test_rows_per_campaign_and_days_in_another_zone(tmp_path: Path) -> None:
    store = team_workspace(tmp_path / "w.db", NOW)
    # Sun 6 Dec 23:30 in New York is Mon 7 Dec 05:30 in Berlin.
    (post_id,) = add_posts(store, 1, dt.datetime(2026, 12, 7, 4, 30, tzinfo=UTC), state="draft")
    _, _, in_new_york = _laid(store, dt.date(2026, 11, 30), by_campaign=True)
    assert "Spring Launch" in in_new_york.rows
    row = in_new_york.rows.index("Spring Launch")
    assert [p.post.id for p in in_new_york.posts_at(row, 6)] == [post_id]
    _, _, in_berlin = _laid(store, dt.date(2026, 12, 7), zone="Europe/Berlin")
    assert [p.post.id for p in in_berlin.posts_at(in_berlin.rows.index("instagram"), 0)] == [post_id]
    store.close()


def test_moves_keep_the_wall_clock_of_the_audience_across_both_changes_of_clocks() -> None:
    ny = "America/New_York"
    # Fall back (1 Nov 2026) and spring forward (14 Mar 2027): 09:00 stays 09:00.
    assert moved_slot(dt.datetime(2026, 10, 31, 13, 0, tzinfo=UTC), ny, days=1) == {"utc": "2026-11-01T14:00:00Z", "tz": ny}
    assert moved_slot(dt.datetime(2027, 3, 13, 14, 0, tzinfo=UTC), ny, days=1) == {"utc": "2027-03-14T13:00:00Z", "tz": ny}
    # An hour on the wall clock into the spring gap (02:00 → 03:00 does not exist): the time after the gap.
    assert moved_slot(dt.datetime(2027, 3, 14, 6, 30, tzinfo=UTC), ny, hours=1) == {"utc": "2027-03-14T07:30:00Z", "tz": ny}
    # Month and week days, and the bounds of a 25-hour day.
    assert len(period_days(dt.date(2027, 2, 10), month=True)) == 28
    assert period_days(dt.date(2026, 11, 26), month=False)[0] == dt.date(2026, 11, 23)
    start, end = period_bounds([dt.date(2026, 11, 1)], ny)
    assert end - start == dt.timedelta(hours=25)


async def test_a_quiet_day_is_not_drawn_as_an_idea() -> None:
    """Without colour, a quiet day's mark and an idea's glyph were the same dot."""
    from textual.app import App, ComposeResult

    from crewdeck.tui.app.calendar_panel import GLYPHS
    from crewdeck.widgets.content_calendar import QUIET_MARK, CalendarData, CalendarMark, ContentCalendar

    class OneCalendar(App[None]):
        def compose(self) -> ComposeResult:
            yield ContentCalendar(id="calendar")

    data = CalendarData(
        title=("Week",),
        days=("Mon", "Tue"),
        weekend=(False, False),
        today=None,
        rows=("instagram",),
        cells={(0, 0): (CalendarMark(GLYPHS["idea"], "idea", False),)},
        quiet=frozenset({(0, 1)}),
    )
    app = OneCalendar()
    async with app.run_test(size=(60, 6)) as pilot:
        calendar = app.query_one(ContentCalendar)
        calendar.show(data)
        await pilot.pause()
        row = calendar.render_line(2).text
    assert QUIET_MARK not in GLYPHS.values()
    assert row.count(GLYPHS["idea"]) == 1 and row.count(QUIET_MARK) == 1
