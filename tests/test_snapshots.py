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
