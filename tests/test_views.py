"""The task pane's saved views as each viewer reads them."""

from __future__ import annotations

import json

import pytest

from crewdeck.tui.tasks.views import find, views, week_end

from .conftest import Cli
from .test_deadlines import RAJ, member

NOOR = member("noor", "Asia/Dubai", "sun-thu 09:00-17:00")


def test_this_week_ends_on_the_last_day_of_the_viewers_working_week() -> None:
    assert week_end(RAJ) == "fri"
    assert week_end(NOOR) == "thu"
    assert week_end(member("tia", "UTC", "tue-sat 09:00-17:00")) == "sat"
    assert week_end(member("al", "UTC", "mon-sun 09:00-17:00")) == "sun"
    assert week_end(None) == "fri"  # no viewer (the command line with nobody named): Monday to Friday
    week = find("week", [], NOOR)
    assert week is not None and week.query == "due:<thu"
    assert [v.query for v in views([], NOOR) if v.id == "week"] == ["due:<thu"]


@pytest.mark.parametrize(
    ("now", "titles"),
    [
        # Sunday 10:00 in Dubai: Noor's week has begun; it ends on Thursday (the view read due:<sun, today's alone).
        ("2026-12-06T06:00:00Z", {"Late", "Sun", "Thu"}),
        # Thursday: the last day of her week, today's and the overdue ones.
        ("2026-12-10T06:00:00Z", {"Late", "Sun", "Thu"}),
        # Friday, a day off: the week ahead, to next Thursday.
        ("2026-12-11T06:00:00Z", {"Late", "Sun", "Thu", "Next thu"}),
    ],
)
def test_this_week_is_today_to_the_end_of_the_viewers_working_week(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, now: str, titles: set[str]
) -> None:
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-06T06:00:00Z")
    cli.ok("member", "add", "noor", "--name", "Noor", "--tz", "Asia/Dubai", "--hours", "sun-thu 09:00-17:00")
    for line in ("Late due:2026-12-01", "Sun due:2026-12-06", "Thu due:2026-12-10", "Next thu due:2026-12-17", "Later due:2026-12-24"):
        cli.ok("add", line, as_member="noor")
    monkeypatch.setenv("CREWDECK_NOW", now)
    week = find("week", [], NOOR)
    assert week is not None
    assert {row["title"] for row in json.loads(cli.ok("tasks", week.query, "--json", as_member="noor"))} == titles
