"""What the posts' views look like, pinned: the Approvals view and the crisis banner, at a frozen clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing

from .apphelp import make_app, settle
from .conftest import NOW
from .postsupport import add_posts, ids, team_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW, tasks=40)
    posts = add_posts(store, 12, NOW + dt.timedelta(days=1), submitted=NOW)
    members = ids(store, "member", "handle")
    writing.approve(store, members["mia"], posts[0], NOW)
    writing.reject(store, members["mia"], posts[1], NOW, "shorter, please")
    store.close()
    return path


async def _approvals(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)


def test_approvals_view_160x48(snap_compare: Any, workspace: Path) -> None:
    assert snap_compare(make_app(workspace, "kemi", watch=False), terminal_size=(160, 48), run_before=_approvals)


def test_approvals_view_36x20(snap_compare: Any, workspace: Path) -> None:
    """A phone's width: SLOT gives way to POST, and the line under the list says when the post goes out, in whose time."""
    assert snap_compare(make_app(workspace, "kemi", watch=False), terminal_size=(36, 20), run_before=_approvals)


def test_crisis_banner_160x48(snap_compare: Any, workspace: Path) -> None:
    with Store(workspace) as store:
        writing.start_crisis(store, ids(store, "member", "handle")["ana"], NOW, "Product recall: hold everything")

    assert snap_compare(make_app(workspace, "raj", watch=False), terminal_size=(160, 48), run_before=settle)


def test_content_calendar_week_160x48(snap_compare: Any, workspace: Path) -> None:
    async def calendar(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("l", "l", "l", "j")
        await settle(pilot)

    assert snap_compare(make_app(workspace, "ana", watch=False), terminal_size=(160, 48), run_before=calendar)


def test_content_calendar_month_zoomed_160x48(snap_compare: Any, workspace: Path) -> None:
    async def calendar(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("C", "z", "w")
        await settle(pilot)

    assert snap_compare(make_app(workspace, "ana", watch=False), terminal_size=(160, 48), run_before=calendar)
