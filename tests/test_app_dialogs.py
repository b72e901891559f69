"""Dialogs and keys a new team trips over (issue 14): typed dates and their previews, refused input, the tasks pane's keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store

from .apphelp import demo_workspace, make_app, settle

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def titled(path: Path, title: str) -> list[dict[str, object]]:
    with Store(path) as store:
        return [v for _, v in store.records("task") if v["title"] == title]


async def test_quick_add_says_when_what_it_creates_is_already_overdue(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        # 09:30 UTC is 10:30 in ana's Berlin: 08:00 today has passed.
        await pilot.press(*"Post recap due:today 08:00")
        await settle(pilot)
        preview = str(app.screen.query_one("#prompt-preview").render())
        assert "today 08:00 CET" in preview and "already overdue by 2h" in preview
        await pilot.press("ctrl+u")
        await pilot.press(*"Post recap due:tmrw")
        await settle(pilot)
        preview = str(app.screen.query_one("#prompt-preview").render())
        assert "tmrw 17:30 CET" in preview and "overdue" not in preview  # the end of ana's working day
        await pilot.press("enter")
        await settle(pilot)
        assert [t["due"] for t in titled(workspace, "Post recap")] == [{"utc": "2026-11-27T16:30:00Z", "tz": "Europe/Berlin"}]
