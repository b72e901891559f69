"""What the main screen looks like, pinned: a fixed demo workspace at a frozen clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .apphelp import demo_workspace, make_app, settle


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return make_app(demo_workspace(tmp_path / "demo.db"), watch=False)


async def _loaded(pilot: Any) -> None:
    await settle(pilot)


def test_main_screen_80x24(snap_compare: Any, app: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=_loaded)


def test_main_screen_160x48(snap_compare: Any, app: Any) -> None:
    assert snap_compare(app, terminal_size=(160, 48), run_before=_loaded)


def test_all_open_tasks_160x48(snap_compare: Any, app: Any) -> None:
    async def all_open(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("v", "a", "j", "j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=all_open)


def test_ledger_pane_zoomed_160x48(snap_compare: Any, app: Any) -> None:
    async def ledger(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("3", "z")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=ledger)


def test_ledger_pane_with_the_reports_warnings_80x24(snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warnings `ledger report` gives, above the budget: a budget rate missing, a budget outside its campaign's
    run, the spend a crisis froze; one line each, cut at the pane's width."""
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from crewdeck.tui.cli.main import main

    from .conftest import NOW

    workspace = demo_workspace(tmp_path / "demo.db")
    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana = ["-w", str(workspace), "--as", "ana"]
    with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
        assert main([*ana, "budget", "set", "spring-launch", "ads", "5000 JPY", "--month", "2026-11"]) == 0
        assert main([*ana, "budget", "set", "holiday-gifting", "tools", "100", "--month", "2026-12"]) == 0
        assert main([*ana, "campaign", "set", "holiday-gifting", "--end", "2026-11-30"]) == 0
        assert main([*ana, "crisis", "start", "--reason", "Outage", "--campaign", "holiday-gifting"]) == 0  # its spend of today

    async def ledger(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(make_app(workspace, watch=False), terminal_size=(80, 24), run_before=ledger)
