"""The content calendar's line under a post: its slot on its audience's clock, whatever zone it was typed in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.sync.state.store import Store

from .apphelp import calendar_on_one_post, make_app, settle
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
