"""The content calendar's logic: moves across DST, and each flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts.calendar import gap_flags, off_peak, peak_frame, quiet_flags, shift
from crewdeck.tui.posts.reading import read_posts

from .conftest import fresh_store

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
UTC = dt.UTC


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def test_a_post_keeps_its_wall_clock_time_across_dst() -> None:
    # 09:00 in New York on Saturday 2026-03-07 (EST, UTC-5); a day on is Sunday 03-08, after the change (EDT, UTC-4).
    saturday = _at("2026-03-07T14:00:00+00:00")
    sunday = shift(saturday, "America/New_York", days=1)
    assert sunday == _at("2026-03-08T13:00:00+00:00")  # still 09:00 there
    assert shift(sunday, "America/New_York", days=-1) == saturday
    # 01:30 plus an hour is 02:30, which does not exist that night: it moves forward to 03:30 EDT.
    early = _at("2026-03-08T06:30:00+00:00")  # 01:30 EST
    assert shift(early, "America/New_York", hours=1) == _at("2026-03-08T07:30:00+00:00")
    # Half-hour zones move the same way (Adelaide leaves daylight time on 2026-04-05).
    adelaide = _at("2026-04-04T08:30:00+10:30")
    assert shift(adelaide, "Australia/Adelaide", days=1) == _at("2026-04-05T08:30:00+09:30")


def test_an_hour_earlier_or_later_is_an_hour_on_a_night_the_clocks_change() -> None:
    """`-` on 03:30 EDT the night New York springs forward read the clock an hour back (02:30, which does not
    exist), moved that forward again and left the post where it was; on the night it falls back, `+` from the
    first 01:30 skipped the second and `-` from the second skipped the first (two hours each)."""
    spring = _at("2027-03-14T07:30:00+00:00")  # 03:30 EDT
    assert shift(spring, "America/New_York", hours=-1) == _at("2027-03-14T06:30:00+00:00")  # 01:30 EST
    assert shift(shift(spring, "America/New_York", hours=-1), "America/New_York", hours=1) == spring
    first, second = _at("2027-11-07T05:30:00+00:00"), _at("2027-11-07T06:30:00+00:00")  # 01:30 EDT, 01:30 EST
    assert shift(first, "America/New_York", hours=1) == second
    assert shift(second, "America/New_York", hours=-1) == first
    # A day and an hour together: the day on the wall clock, then the hour.
    saturday = _at("2027-03-13T07:30:00+00:00")  # 02:30 EST, the day before
    assert shift(saturday, "America/New_York", days=1, hours=1) == _at("2027-03-14T08:30:00+00:00")  # 04:30 EDT


def test_off_peak_slots_get_the_nearest_peak_in_the_audience_zone() -> None:
    peaks = ["11:00", "19:00"]
    assert off_peak(_at("2026-03-02T11:30:00-05:00"), "America/New_York", peaks) is None
    assert off_peak(_at("2026-03-02T14:00:00-05:00"), "America/New_York", peaks) == _at("2026-03-02T11:00:00-05:00")
    assert off_peak(_at("2026-03-02T16:30:00-05:00"), "America/New_York", peaks) == _at("2026-03-02T19:00:00-05:00")
    assert off_peak(_at("2026-03-03T00:30:00-05:00"), "America/New_York", peaks) == _at("2026-03-02T19:00:00-05:00")
    assert off_peak(_at("2026-03-02T14:00:00-05:00"), "America/New_York", []) is None
    # A peak hour is the hour from its time, as the notes list it ("11:00-12:00") and the README says it, where the
    # README said "more than an hour from every peak hour" (review re 2): half an hour before it, or at its end, is off.
    assert off_peak(_at("2026-03-02T11:00:00-05:00"), "America/New_York", peaks) is None
    assert off_peak(_at("2026-03-02T11:59:00-05:00"), "America/New_York", peaks) is None
    assert off_peak(_at("2026-03-02T10:30:00-05:00"), "America/New_York", peaks) == _at("2026-03-02T11:00:00-05:00")
    assert off_peak(_at("2026-03-02T12:00:00-05:00"), "America/New_York", peaks) == _at("2026-03-02T11:00:00-05:00")


def test_one_place_picks_the_zone_and_the_hours_a_slot_is_judged_on_peak_in() -> None:
    # The calendar's flag, the notes of post slot/schedule and quick-add's preview each picked them on their own.
    workspace = {"tiktok": ["06:00"]}
    assert peak_frame("instagram", workspace, "America/New_York", "Europe/Madrid", "Asia/Manila") == (
        "America/New_York",
        ["11:00", "19:00"],  # the built-in hours of a platform the workspace does not name
    )
    assert peak_frame("tiktok", workspace, None, "Europe/Madrid", "Asia/Manila") == ("Europe/Madrid", ["06:00"])
    assert peak_frame("tiktok", workspace, "", None, "Asia/Manila") == ("Asia/Manila", ["06:00"])
    assert peak_frame(None, workspace, None, None, "Asia/Manila") == ("Asia/Manila", [])


def _workspace(tmp_path: Path) -> tuple[Store, str]:
    store = fresh_store(tmp_path, "cal.db")
    me, campaign = new_id(), new_id()
    with store.write(me, judged=False) as w:
        w.create("member", {"handle": "ana", "name": "Ana", "tz": "UTC", "access": "manager"}, row_id=me)
        values = {"name": "Launch", "platforms": ["instagram", "x"], "start": "2026-03-02", "end": "2026-03-10", "audience_tz": "UTC"}
        w.create("campaign", values, row_id=campaign)
        slots = [
            ("instagram", "2026-03-02T09:00:00Z", "draft"),
            ("instagram", "2026-03-02T11:00:00Z", "draft"),  # 2 h after the first: too close
            ("instagram", "2026-03-02T15:00:00Z", "pulled"),  # pulled: counts for nothing
            ("instagram", "2026-03-09T09:00:00Z", "draft"),  # 03-03 .. 03-08 with no instagram post: quiet
            ("x", "2026-03-02T09:00:00Z", "draft"),
            ("x", "2026-03-05T09:00:00Z", "draft"),
            ("x", "2026-03-08T09:00:00Z", "draft"),
        ]
        for platform, slot, state in slots:
            values = {"title": f"{platform} {slot}", "campaign": campaign, "platform": platform, "post_state": state}
            w.create("task", {**values, "publish": {"utc": slot, "tz": "UTC"}})
    return store, campaign


def test_gap_and_quiet_flags(tmp_path: Path) -> None:
    store, campaign = _workspace(tmp_path)
    try:
        views = read_posts(store.conn, NOW)
        [gap] = gap_flags(views, dt.timedelta(hours=3))
        assert (gap.first.facts.title, gap.second.facts.title, gap.gap) == (
            "instagram 2026-03-02T09:00:00Z",
            "instagram 2026-03-02T11:00:00Z",
            dt.timedelta(hours=2),
        )
        assert gap_flags(views, dt.timedelta(hours=2)) == []
        runs = [(campaign, ["instagram", "x"], "2026-03-02", "2026-03-10", "UTC")]
        flags = [(f.platform, f.first.isoformat(), f.last.isoformat()) for f in quiet_flags(views, runs, 3)]
        assert flags == [("instagram", "2026-03-03", "2026-03-08")]  # x's two-day gaps are under three days; 03-10 is one day
        assert [(f.platform, f.first.isoformat()) for f in quiet_flags(views, runs, 2)] == [
            ("instagram", "2026-03-03"),
            ("x", "2026-03-03"),
            ("x", "2026-03-06"),
            ("x", "2026-03-09"),  # to the campaign's last day
        ]
    finally:
        store.close()
