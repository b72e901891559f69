"""A new slot typed in the app reads as `post slot` reads it: in the audience's zone, a day alone at a peak hour."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.posts import writing

from .apphelp import cursor_on, make_app, settle
from .conftest import NOW, Cli
from .postsupport import add_posts, ids, team_workspace


def slot_of(path: Path, post_id: str) -> tuple[str, str]:
    with Store(path) as store:
        row = store.conn.execute("SELECT publish_utc, publish_tz FROM task WHERE id = ?", (post_id,)).fetchone()
    return row[0], row[1]


async def test_a_day_alone_for_a_new_slot_takes_the_platforms_peak_hour_for_the_audience_as_post_slot_does(tmp_path: Path) -> None:
    # `s`, "move the slot", "mon" put an instagram post at 17:00 (a due date's hour), off-peak, where `post slot ID mon`
    # gives it Monday's first peak, 11:00 for its New York audience; and a slot typed in Berlin once made the dialog
    # read the next one in Berlin ("in Europe/Berlin unless you name a zone"), where `post slot` reads New York's.
    path = tmp_path / "slots.db"
    store = team_workspace(path, NOW)
    first, second = add_posts(store, 2, NOW + dt.timedelta(days=2), submitted=NOW)
    handles = ids(store, "member", "handle")
    for post_id in (first, second):
        writing.approve(store, handles["mia"], post_id, NOW)
        writing.approve(store, handles["kemi"], post_id, NOW)
    store.close()
    cli = Cli(path)
    cli.ok("post", "slot", first, "sat 18:00 Europe/Berlin", as_member="raj")
    assert slot_of(path, first) == ("2026-11-28T17:00:00Z", "Europe/Berlin")
    cli.ok("post", "slot", second, "mon", as_member="raj")
    by_the_command_line = slot_of(path, second)
    assert by_the_command_line == ("2026-11-30T16:00:00Z", "America/New_York")
    app = make_app(path, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == first
        await pilot.press("s", "m")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert "America/New_York" in str(app.screen.query_one(".prompt--title", Label).render())
        await pilot.press(*"mon", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
    assert slot_of(path, first) == by_the_command_line


@pytest.mark.parametrize("state", ["idea", "draft", "in-review"])
async def test_s_on_a_post_not_yet_approved_offers_to_move_its_slot_as_post_slot_does(tmp_path: Path, state: str) -> None:
    # `post slot`, `:` and the calendar's keys move the slot of a post in idea, draft or in review; `s` offered no "move the slot" there.
    path = tmp_path / "slots.db"
    store = team_workspace(path, NOW)
    (post,) = add_posts(store, 1, NOW + dt.timedelta(days=2), state=state, submitted=NOW)
    store.close()
    app = make_app(path, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post
        await pilot.press("s")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert "m  move the slot" in " ".join(str(option.prompt) for option in picker.query_one(OptionList).options)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"mon", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
    assert slot_of(path, post) == ("2026-11-30T16:00:00Z", "America/New_York")
