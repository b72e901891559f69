"""The app's words: counts, the help screen, the detail screen's history and notices in words."""

from __future__ import annotations

from pathlib import Path

from crewdeck.tui.app.screens.help import HelpScreen
from crewdeck.tui.cli.main import main
from crewdeck.widgets.pane_bar import PaneBar

from .apphelp import make_app, settle

SIZE = (160, 48)


def team(tmp_path: Path) -> Path:
    """ana (Berlin) and raj (Kolkata), a campaign and one task."""
    path = tmp_path / "team.db"
    assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    base = ["-w", str(path), "--as", "ana"]
    assert main([*base, "member", "add", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata"]) == 0
    assert main([*base, "campaign", "add", "Spring Launch"]) == 0
    assert main([*base, "add", "Draft reel +spring-launch due:fri 17:00"]) == 0
    return path


async def test_one_task_is_one_task(tmp_path: Path) -> None:
    app = make_app(team(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.tasks_pane.query_one(PaneBar).info == "1 task"


async def test_the_help_screen_shows_the_keymap_section_by_name(tmp_path: Path) -> None:
    app = make_app(team(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "in the config's [keymap] by its id" in str(app.screen.query_one("Static").render())
