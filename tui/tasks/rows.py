"""A task as a row of the app's table: the text of each cell and its emphasis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crewdeck.sync.state.records import TASK_STATUSES
from crewdeck.sync.state.visible import visible_cells
from crewdeck.tui.posts.states import STATES, label
from crewdeck.tui.tasks.listing import TaskRow, is_open
from crewdeck.tui.time.when import format_local, parse_utc, relative

PRIORITY_MARK = {"high": "!!!", "med": "!!", "low": "!", "none": ""}
#: The keys of the cells, in order (the app's columns use the same keys).
CELLS = ("mark", "id", "title", "who", "status", "pri", "campaign", "due")

#: The app's STATUS column reads a post's state in words; the one too long for it is cut to its first word (README, "States").
SHORT_STATES = {"changes-requested": "changes"}


def status_cell(status: str, post_state: str | None) -> str:
    """What the STATUS column says: a post's state (in words, short if it has a short form) in place of its task status."""
    if post_state is None:
        return status
    return SHORT_STATES.get(post_state, label(post_state))


#: Cells of the STATUS column: its widest text (plain ASCII words, a cell a letter), so that every status reads whole.
STATUS_WIDTH = max(len(text) for text in (*TASK_STATUSES, *(status_cell("todo", state) for state in STATES)))


@dataclass(frozen=True)
class RowText:
    cells: tuple[str, ...]
    hints: tuple[str, ...]
    tone: str


def row_text(
    row: TaskRow,
    handles: dict[str, str],
    campaigns: dict[str, str],
    viewer_tz: str,
    now: dt.datetime,
    clock24: bool = True,
    off_hours: bool = False,
) -> RowText:
    """Cells for ``CELLS``; ``handles`` as shown (``Workspace.shown_handles``: "@raj", "ex-@raj"); ``off_hours`` marks a
    due time outside the assignee's hours."""
    due_text, due_hint = "", ""
    if row.due_utc:
        due = parse_utc(row.due_utc)
        # The column's title says whose time it is: a city after a shared abbreviation would push out how late.
        open_ = _open(row)
        due_text = f"{format_local(due, viewer_tz, now, clock24=clock24, city=False)} · {relative(due, now, closed=not open_)}"
        if open_ and due < now:
            due_hint = "danger"
        elif open_ and due - now < dt.timedelta(hours=24):
            due_hint = "warning"
    campaign = campaigns.get(row.campaign, "") if row.campaign else ""
    if row.platform:
        campaign = f"{campaign}/{row.platform}" if campaign else row.platform
    status_hint = _status_hint(row)
    # Text people typed is shown, never sent to the terminal (crewdeck.sync.state.visible).
    cells = visible_cells(
        (
            "⚠" if off_hours else "",
            row.short_id,
            row.title,
            handles.get(row.assignee or "", ""),
            status_cell(row.status, row.post_state),
            PRIORITY_MARK.get(row.priority, ""),
            campaign,
            due_text,
        )
    )
    hints = ("warning" if off_hours else "", "", "", "", status_hint, "danger" if row.priority == "high" else "", "", due_hint)
    tone = "" if _open(row) else "muted"
    return RowText(tuple(cells), hints, tone)


#: A post's states that need someone.
_POST_HINTS = {"in-review": "accent", "changes-requested": "accent", "paused": "warning", "expired": "danger", "missed": "danger"}


def _open(row: TaskRow) -> bool:
    return is_open(row.status, row.post_state)


def _status_hint(row: TaskRow) -> str:
    if row.post_state:
        return _POST_HINTS.get(row.post_state, "")
    return "accent" if row.status in ("doing", "review") else ""
