"""The content calendar's line under a post: its slot on its audience's clock, whatever zone it was typed in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.calendar_panel import CalendarPanel

from .apphelp import calendar_on_one_post, keymapped_app, make_app, settle
from .conftest import NOW
from .postsupport import add_posts, team_workspace


async def test_the_line_under_a_post_slotted_in_another_zone_says_its_slot_for_the_audience(tmp_path: Path) -> None:
    # A slot typed in Berlin keeps Berlin as its zone: the line gave it for "the audience" as 17:00 CET
    # (Europe/Berlin), where Spring Launch's audience, in New York, has it at 11:00.
    path = tmp_path / "zones.db"
    store = team_workspace(path, NOW)
    (post_id,) = add_posts(store, 1, dt.datetime(2026, 12, 2, 16, 0, tzinfo=dt.UTC), state="draft")
    raj = store.conn.execute("SELECT created_by FROM task WHERE id = ?", (post_id,)).fetchone()[0]
    with store.write(raj) as w:
        w.set("task", post_id, {"publish": {"utc": "2026-12-02T16:00:00Z", "tz": "Europe/Berlin"}})
    store.close()
    app = make_app(path, "raj")  # in Kolkata
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        panel, _ = await calendar_on_one_post(app, pilot, "right_square_bracket")
        assert panel.status().startswith(
            "Spring post 0 · draft · Wed 12-02 11:00 EST (America/New_York) = Wed 12-02 21:30 IST Kolkata for you"
        ), panel.status()
    with Store(path) as store:
        assert store.conn.execute("SELECT publish_tz FROM task WHERE id = ?", (post_id,)).fetchone()[0] == "Europe/Berlin"


async def test_the_line_under_one_of_a_days_posts_names_the_key_to_the_next_as_the_keymap_has_it(tmp_path: Path) -> None:
    # It said "space: next" whatever key the keymap gave.
    path = tmp_path / "two.db"
    store = team_workspace(path, NOW)
    add_posts(store, 2, dt.datetime(2026, 12, 2, 16, 0, tzinfo=dt.UTC), state="draft", every=dt.timedelta(hours=1))
    store.close()
    for keymap, said in (({}, "(1 of 2, space: next)"), ({"calendar.next_in_cell": "f6"}, "(1 of 2, f6: next)")):
        app = keymapped_app(path, keymap, "raj")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("C", "right_square_bracket")
            await settle(pilot)
            panel = app.main_screen.query_one(CalendarPanel)
            assert panel.laid is not None
            [(row, day)] = panel.laid.cells
            panel.calendar.move_to(row, day)
            await settle(pilot)
            assert said in panel.status(), panel.status()
