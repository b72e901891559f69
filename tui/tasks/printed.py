"""``crewdeck tasks`` as printed: plain columns, read from the store as they are written out.

The columns are as wide as their widest cell over every row listed, as
``common.table`` makes them; the widths come from a first, narrow reading
(the distinct statuses, priorities, people, campaigns and due dates of the
rows, ``listing.distinct``), so the rows themselves are never held: they
are formatted and written a window at a time (``listing.stream``).  A
short list (at most ``listing.FEW`` tasks, found through the filter index)
is measured from its narrow rows read once (``listing.few_matching``), and
its rows are then fetched by rowid: one pass over the index, not three.
The title is the last column and is never padded; printed to a terminal
(``width``), it is cut to the room the other columns leave (``columns``),
and where that would leave less than a readable title the campaign, then
the priority, are left out first, as the app's narrow task table does.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crewdeck.sync.state.ids import SHORT_LEN
from crewdeck.sync.state.records import TASK_STATUSES
from crewdeck.sync.state.visible import named, visible
from crewdeck.tui.posts.states import label
from crewdeck.tui.tasks import listing
from crewdeck.tui.tasks.rows import SHORT_STATES
from crewdeck.tui.workspace.columns import READABLE, cut_cells, fitted, kept
from crewdeck.tui.workspace.kept import Kept
from crewdeck.tui.workspace.placeholders import untitled_task

#: Due dates' words kept for the rows to come (a list has a few distinct due times, or each its own: bounded either way).
DUE_CACHE = 20_000
#: The columns by their place: the ones that give way on a narrow terminal, and the title.
PRIORITY, CAMPAIGN, TITLE = 2, 5, 6
_SHOWN = ("t.id", "t.title", "t.status", "t.priority", "t.assignee", "t.campaign", "t.platform", "t.due_utc")


def short_state(state: str) -> str:
    """A post's state as the app's narrow STATUS column writes it: "changes" for "changes requested"."""
    return SHORT_STATES.get(state, label(state))


def _layout(widths: list[int], width: int | None) -> tuple[list[int], int]:
    """The columns a line ``width`` wide shows (CAMPAIGN, then PRI, giving way) and the room left for the title."""
    # The titles are not measured (they are streamed): a title may take all the room the other columns leave.
    measured = [*widths[:-1], width or 0]
    columns = kept(measured, {TITLE}, (CAMPAIGN, PRIORITY), width)
    return columns, fitted([measured[i] for i in columns], {len(columns) - 1}, width)[-1]


@dataclass
class Printed:
    """A task list's header and lines (read as they are iterated); ``untitled`` counts the placeholder titles shown."""

    header: str
    lines: Iterator[str]
    untitled: list[int] = field(default_factory=lambda: [0])


def task_lines(
    conn: sqlite3.Connection,
    where: str,
    params: list[Any],
    now: dt.datetime,
    *,
    tz: str,
    clock24: bool,
    handles: dict[str, str],
    campaigns: dict[str, str],
    order: str = "urgency",
    limit: int = -1,
    post_states: dict[str, str] | None = None,
    width: int | None = None,
) -> Printed | None:
    """The list of the tasks matching ``where``, or ``None`` when none does.

    ``post_states`` holds the state each listed post reads now
    (``crewdeck.tui.posts.reading.states_of``): a post's STATUS is its state.
    ``width``: a terminal's (``columns.terminal_width``), which the titles are cut to; ``None``: whole lines.
    ``handles``: as WHO shows them (``Workspace.shown_handles``: "@raj", a removed member's "ex-@raj").
    """

    def who(member: str | None) -> str:
        return visible(handles.get(member or "", ""))

    def place(campaign: str | None, platform: str | None) -> str:
        return visible((f"+{campaigns.get(campaign, '?')}" if campaign else "") + (f"/{platform}" if platform else ""))

    def due(due_utc: str | None, closed: bool = False) -> str:
        """The due cell; ``closed`` (a task done, a post out: ``listing.is_open``) is never late."""
        cache = dues[closed]
        text = cache.get(due_utc)
        if text is None:
            if len(cache) >= DUE_CACHE:
                cache.clear()
            text = cache[due_utc] = visible(listing.due_words(due_utc, tz, now, clock24, closed=closed))
        return text

    headers = [visible(h) for h in ("ID", "STATUS", "PRI", "WHO", f"DUE ({tz})", "CAMPAIGN", "TITLE")]
    widths = [len(h) for h in headers]
    dues: tuple[dict[str | None, str], dict[str | None, str]] = ({}, {})
    found = False
    widths[0] = max(widths[0], SHORT_LEN)  # every task id is longer (32 hex digits: the log's own check)
    # A short list's rows are found once, and measured here; a long one is measured in SQLite.
    few = listing.few_matching(conn, where, params, limit=limit)
    keys = "t.status, t.priority, t.assignee, t.campaign, t.platform"
    kinds: Iterable[tuple[Any, ...]] = (
        dict.fromkeys(row[1:6] for row in few)
        if few is not None
        else listing.distinct(conn, where, params, now, keys, order=order, limit=limit)
    )
    for status, priority, assignee, campaign, platform in kinds:
        found = True
        cells = ("", visible(status), visible(priority if priority != "none" else ""), who(assignee), "", place(campaign, platform))
        widths[:6] = [max(w, len(c)) for w, c in zip(widths[:6], cells)]
    if not found:
        return None
    states = post_states or {}
    statuses_width = widths[1]
    for state in set(states.values()):
        widths[1] = max(widths[1], len(visible(label(state))))
    due_times: Iterable[Any] = (
        dict.fromkeys(row[6] for row in few)
        if few is not None
        else (due_utc for (due_utc,) in listing.distinct(conn, where, params, now, "t.due_utc", order=order, limit=limit))
    )
    for due_utc in due_times:
        widths[4] = max(widths[4], len(due(due_utc)))

    columns, title_width = _layout(widths, width)
    state_words: Callable[[str], str] = label
    if width is not None and title_width < READABLE and states:
        # Where CAMPAIGN and PRI gave way and a title is still too short to read, a post's state is written as the
        # app's narrow column writes it ("changes" for "changes requested"), as a STATUS 17 wide left titles 11.
        short = max([statuses_width, *(len(visible(short_state(state))) for state in set(states.values()))])
        if short < widths[1]:
            widths[1], state_words = short, short_state
            columns, title_width = _layout(widths, width)
    # A column's cells by the value they show, padded to the column: made once a value (statuses, people and campaigns
    # recur; a list has a few distinct due times, or each its own: those are kept up to a bound).
    status_cells: Kept[str, str] = Kept(lambda s: visible(s).ljust(widths[1]))
    state_cells: Kept[str, str] = Kept(lambda s: visible(state_words(s)).ljust(widths[1]))
    priority_cells: Kept[str, str] = Kept(lambda p: visible(p if p != "none" else "").ljust(widths[2]))
    who_cells: Kept[str | None, str] = Kept(lambda member: who(member).ljust(widths[3]))
    place_cells: Kept[tuple[str | None, str | None], str] = Kept(lambda key: place(*key).ljust(widths[CAMPAIGN]))
    due_cells: tuple[Kept[str | None, str], Kept[str | None, str]] = (
        Kept(lambda d: due(d).ljust(widths[4]), DUE_CACHE),
        Kept(lambda d: due(d, True).ljust(widths[4]), DUE_CACHE),
    )
    rowids = [row[0] for row in few] if few is not None else None
    # Cut by the columns a terminal gives them, as ledger list's cells are: a title in Japanese, cut by its characters,
    # took twice the room left and wrapped its row.
    title_header = headers[-1] if width is None else cut_cells(headers[-1], title_width)
    header = "  ".join(headers[i].ljust(widths[i]) for i in columns[:-1]) + "  " + title_header
    printed = Printed(header, iter(()))
    with_priority, with_campaign = PRIORITY in columns, CAMPAIGN in columns

    def lines() -> Iterator[str]:
        id_width = widths[0]
        # Whether a row is finished (never late): a post's state, any other task's status, answered once a status.
        finished = frozenset(status for status in TASK_STATUSES if not listing.is_open(status, None))
        for task_id, title, status, priority, assignee, campaign, platform, due_utc, _score in listing.stream(
            conn, where, params, now, _SHOWN, order=order, limit=limit, rowids=rowids
        ):
            if title.__class__ is not str or not title.strip():
                printed.untitled[0] += 1
                title = untitled_task(task_id)
            state = states.get(task_id)
            if state is None:
                status_text, closed = status_cells[status], status in finished
            else:
                status_text, closed = state_cells[state], not listing.is_open(status, state)
            # Printable text is what ``visible`` and ``named`` leave as it is (a tab is not printable): nearly every
            # id and title, written without a call a row.
            short = task_id[:SHORT_LEN]
            shown_title = title if title.isprintable() else named(title)
            yield (
                f"{(short if short.isprintable() else visible(short)).ljust(id_width)}  {status_text}  "
                f"{priority_cells[priority] + '  ' if with_priority else ''}"
                f"{who_cells[assignee]}  {due_cells[closed][due_utc]}  "
                f"{place_cells[campaign, platform] + '  ' if with_campaign else ''}"
                f"{shown_title if width is None else cut_cells(shown_title, title_width)}"
            ).rstrip()

    printed.lines = lines()
    return printed
