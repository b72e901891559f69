"""Ledger entries as lists: windows of rows for a filter, one entry in full.

The CLI prints these rows; the app's entries table asks for the window it
shows (``window``) and how many rows the filter has (``count``).  Both sort
and page in SQLite, newest first, so no list ever holds more than a window.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from crewdeck.sync.state.acting import actor_of, actors, covers
from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import format_minor, money_json, round_minor
from crewdeck.sync.state.naming import stored_campaign_slugs
from crewdeck.sync.state.visible import visible
from crewdeck.tui.ledger.filter import APPROVED_IDS
from crewdeck.tui.ledger.rates import RateBook, at_rate, lacking
from crewdeck.tui.workspace.placeholders import member_handle
from crewdeck.tui.workspace.workspace import member_json, shown_handle

#: Newest first; the index ``ledger_by_date`` serves this order.
ORDER = "e.date DESC, e.entered_at DESC, e.id DESC"

_COLUMNS = (
    "e.id, e.date, e.campaign, e.category, e.payee, e.amount, e.currency, e.memo, e.reverses, e.task, "
    "e.entered_by, e.entered_at, e.needs_approval, "
    # Pending spend approved, or spend a crisis froze and a manager approved (``crewdeck.tui.posts.frozen``).
    f"coalesce(e.reverses, e.id) IN ({APPROVED_IDS}) AS approved, "
    "(SELECT r.id FROM ledger_entry r WHERE r.reverses = e.id ORDER BY r.op_id LIMIT 1) AS reversed_by"
)


@dataclass(frozen=True)
class EntryRow:
    """One entry as lists show it; names (campaign slug, handle) already looked up."""

    id: str
    date: str
    campaign: str
    category: str
    payee: str
    amount: int
    currency: str
    memo: str
    reverses: str | None
    task: str | None
    entered_by: str
    entered_at: str
    needs_approval: bool
    approved: bool
    reversed_by: str | None
    #: The member id of who entered it (``entered_by`` is their handle): what the rules read.
    entered_by_id: str
    #: Spend a crisis froze (``crewdeck.tui.posts.frozen``): it counts once a manager approves it.
    frozen: bool = False
    #: Who entered it was removed from the workspace: a new member may have their handle now.
    entered_by_removed: bool = False
    #: The manager who entered it acting as ``entered_by`` (``--as`` on a shared host), read by ``window``: theirs still,
    #: which the rules refuse them to approve (``approval_refused``); their handle, and whether they were removed.
    acted_by_id: str | None = None
    acted_by: str = ""
    acted_by_removed: bool = False

    @property
    def short_id(self) -> str:
        return short(self.id)

    @property
    def pending(self) -> bool:
        """Waits for a manager's approval: entered so and not approved, nor reversed (the pair nets to zero, ``COUNTED``)."""
        return self.needs_approval and not self.approved and not self.is_reversal and not self.reversed

    @property
    def is_reversal(self) -> bool:
        return self.reverses is not None

    @property
    def reversed(self) -> bool:
        return self.reversed_by is not None

    @property
    def entered_by_shown(self) -> str:
        """Who entered it as a person reads it, "@raj"; a removed member "ex-@raj" (``shown_handle``)."""
        return shown_handle(self.entered_by, self.entered_by_removed)

    @property
    def by_shown(self) -> str:
        """Who entered it as the activity log says it: "@raj", or "@ana as @raj" for spend @ana entered acting as @raj."""
        if self.acted_by_id is None:
            return self.entered_by_shown
        return f"{shown_handle(self.acted_by, self.acted_by_removed)} as {self.entered_by_shown}"

    @property
    def amount_text(self) -> str:
        return f"{format_minor(self.amount, self.currency, grouping=True)} {self.currency}"

    @property
    def status(self) -> str:
        """``pending``, ``approved``, ``reversal``, ``reversed``, ``frozen`` or ``""``: what the list shows."""
        if self.pending:
            return "pending"
        if self.is_reversal:
            return "reversal"
        if self.reversed:
            return "reversed"
        if self.frozen:
            return "frozen"
        return "approved" if self.approved else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "short_id": self.short_id,
            "date": self.date,
            "campaign": self.campaign,
            "category": self.category,
            "payee": self.payee,
            **money_json(self.amount, self.currency),
            "memo": self.memo,
            "task": self.task,
            "reverses": self.reverses,
            "reversed_by": self.reversed_by,
            "needs_approval": self.needs_approval,
            "approved": self.approved,
            "pending": self.pending,
            "frozen": self.frozen,
            **member_json("entered_by", self.entered_by_id, self.entered_by, self.entered_by_removed),
            # Who entered it acting as ``entered_by`` (``--as``), as ``log --json`` names them; ``null`` for nobody.
            **member_json("actor", self.acted_by_id, self.acted_by, self.acted_by_removed),
            "entered_at": self.entered_at,
        }


@dataclass(frozen=True)
class Names:
    """Campaign id -> slug and member id -> handle, and who was removed, read once per list."""

    campaigns: dict[str, str]
    handles: dict[str, str]
    #: The ids of removed members: a new member may have the handle of one.
    removed: frozenset[str] = frozenset()

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Names:
        campaigns = stored_campaign_slugs(conn)
        members = conn.execute("SELECT id, handle, deleted FROM member").fetchall()
        handles = {row[0]: row[1] if isinstance(row[1], str) and row[1] else member_handle(row[0]) for row in members}
        return cls(campaigns, handles, frozenset(row[0] for row in members if row[2]))


def _row(r: tuple[Any, ...], names: Names) -> EntryRow:
    return EntryRow(
        r[0],
        r[1],
        names.campaigns.get(r[2], short(r[2])),
        r[3],
        r[4],
        r[5],
        r[6],
        r[7] or "",
        r[8],
        r[9],
        names.handles.get(r[10], short(r[10])),
        r[11],
        bool(r[12]),
        bool(r[13]),
        r[14],
        r[10],
        entered_by_removed=r[10] in names.removed,
    )


def period_clause(bounds: tuple[dt.date, dt.date] | None) -> tuple[str, list[Any]]:
    if bounds is None:
        return "1", []
    return "e.date >= ? AND e.date < ?", [bounds[0].isoformat(), bounds[1].isoformat()]


def window(
    conn: sqlite3.Connection,
    where: str,
    params: list[Any],
    offset: int,
    limit: int,
    names: Names | None = None,
) -> list[EntryRow]:
    """Rows ``offset .. offset + limit`` of the entries matching ``where``, newest first."""
    names = names or Names.load(conn)
    sql = f"SELECT {_COLUMNS} FROM ledger_entry e WHERE {where} ORDER BY {ORDER} LIMIT ? OFFSET ?"
    rows = [_row(r, names) for r in conn.execute(sql, [*params, limit, offset])]
    frozen = _frozen_ids(conn, [row.id for row in rows])
    if frozen:
        rows = [replace(row, frozen=True) if row.id in frozen else row for row in rows]
    actors = _actors(conn, [row.id for row in rows])
    return [_acted(row, actors[row.id], names) if row.id in actors else row for row in rows] if actors else rows


def _acted(row: EntryRow, actor: str, names: Names) -> EntryRow:
    return replace(row, acted_by_id=actor, acted_by=names.handles.get(actor, short(actor)), acted_by_removed=actor in names.removed)


#: The manager who entered the entry ``e`` acting as its ``entered_by`` (the ``acting`` record of the write that
#: appended it, as the rules read it), or NULL.
ACTED_BY = actor_of("e.entered_by", "e.op_id")


def _actors(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """Entry id -> the manager who entered it acting as another member, of these few entries (a window's)."""
    if not ids:
        return {}
    sql = f"SELECT e.id, {ACTED_BY} FROM json_each(?) j JOIN ledger_entry e ON e.id = j.value"
    return {row[0]: row[1] for row in conn.execute(sql, [json.dumps(ids)]) if row[1] is not None}


def _frozen_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of these entries a crisis froze (a window's few)."""
    from crewdeck.tui.posts.frozen import frozen_among

    return frozen_among(conn, ids)


def stream(conn: sqlite3.Connection, where: str, params: list[Any], *, oldest_first: bool = False) -> Iterator[EntryRow]:
    """Every matching entry, one at a time (exports: never a list of them all)."""
    names = Names.load(conn)
    order = "e.date, e.entered_at, e.id" if oldest_first else ORDER
    for r in conn.execute(f"SELECT {_COLUMNS} FROM ledger_entry e WHERE {where} ORDER BY {order}", params):
        yield _row(r, names)


def count(conn: sqlite3.Connection, where: str, params: list[Any]) -> int:
    return int(conn.execute(f"SELECT count(*) FROM ledger_entry e WHERE {where}", params).fetchone()[0])


def position(conn: sqlite3.Connection, where: str, params: list[Any], entry_id: str) -> int | None:
    """Where an entry is in the newest-first order of ``where`` (``None``: it does not match).

    The pane keeps its cursor on an entry across refreshes with this: the
    rows before it are counted over the date index, never listed.
    """
    key = conn.execute(
        f"SELECT e.date, e.entered_at, e.id FROM ledger_entry e WHERE e.id = ? AND ({where})", [entry_id, *params]
    ).fetchone()
    if key is None:
        return None
    return count(conn, f"({where}) AND (e.date, e.entered_at, e.id) > (?, ?, ?)", [*params, *key])


def get(conn: sqlite3.Connection, entry_id: str, names: Names | None = None) -> EntryRow | None:
    rows = window(conn, "e.id = ?", [entry_id], 0, 1, names)
    return rows[0] if rows else None


@dataclass(frozen=True)
class EntryDetail:
    """What ``enter`` shows: the entry, its linked task, its reversal (or what it reverses), its approvals."""

    entry: EntryRow
    task_title: str | None
    reverses: EntryRow | None
    reversed_by: EntryRow | None
    #: ``(handle, when)`` of each approval, valid ones only; the handle as shown (``shown_handle``: "@raj", "ex-@raj").
    approvals: list[tuple[str, str]]
    #: The reports' currency, and what the entry counts in it at which rate, or which rate is missing (``in_base``).
    base: str = ""
    in_base: str = ""
    #: The manager who entered it acting as its ``entered_by`` (``--as``), as shown ("@ana"), or "".
    acted_by: str = ""


def in_base(conn: sqlite3.Connection, entry: EntryRow, base: str) -> str:
    """What ``entry`` counts in the reports' ``base`` currency, at the rate in force on its date and which one that is
    (as ``reports`` converts it, rounded once as a total is); which rate to add when there is none; ``""`` in ``base``."""
    if entry.currency == base:
        return ""
    book = RateBook.load(conn, base)
    found = book.in_force(entry.currency, entry.date)
    if found is None:
        return visible(lacking(book, entry.currency, entry.date) or "")
    day, rate = found
    value = round_minor(at_rate(entry.amount, entry.currency, rate), base)
    return f"{format_minor(value, base, grouping=True)} {base} at {book.stated(entry.currency, day)}, the rate of {day}"


def detail(conn: sqlite3.Connection, entry_id: str, base: str) -> EntryDetail | None:
    names = Names.load(conn)
    entry = get(conn, entry_id, names)
    if entry is None:
        return None
    task_title = None
    if entry.task:
        row = conn.execute("SELECT title FROM task WHERE id = ?", (entry.task,)).fetchone()
        task_title = row[0] if row else None
    original = get(conn, entry.reverses, names) if entry.reverses else None
    reversal = get(conn, entry.reversed_by, names) if entry.reversed_by else None
    approved_entry = entry.reverses or entry.id
    actor_of = actors(conn)
    approvals = [
        (_approver(names, who, actor_of(who, op_id)), when)
        for _, who, when, op_id in conn.execute(f"{_APPROVALS} AND a.entry = ? {_APPROVALS_ORDER}", (approved_entry,))
    ]
    acted_by = shown_handle(entry.acted_by, entry.acted_by_removed) if entry.acted_by_id else ""
    return EntryDetail(entry, task_title, original, reversal, approvals, base, in_base(conn, entry, base), acted_by)


def _approver(names: Names, who: str, actor: str | None) -> str:
    """Who approved, as shown: "@bo", or "@ana as @bo" for a manager acting as them (``--as``), as the activity log says it."""
    shown = shown_handle(names.handles.get(who, short(who)), who in names.removed)
    return f"{shown_handle(names.handles.get(actor, short(actor)), actor in names.removed)} as {shown}" if actor else shown


#: ``(entry, approved_by, approved_at, op_id)`` of the valid approvals (by someone other than who entered the entry).
_APPROVALS = (
    "SELECT a.entry, a.approved_by, a.approved_at, a.op_id FROM approval a JOIN ledger_entry o ON o.id = a.entry "
    "WHERE a.approved_by <> o.entered_by"
)
_APPROVALS_ORDER = "ORDER BY a.approved_at, a.id"


def first_approvals(conn: sqlite3.Connection, names: Names) -> dict[str, tuple[str, str, str]]:
    """Entry id -> ``(handle, when, actor)`` of its first valid approval, for every approved entry; ``actor``: the handle
    of the manager who approved it acting as ``handle`` (``--as``), or ``""``."""
    actor_of = actors(conn)
    first: dict[str, tuple[str, str, str]] = {}
    for entry, who, when, op_id in conn.execute(f"{_APPROVALS} {_APPROVALS_ORDER}"):
        if entry not in first:
            actor = actor_of(who, op_id)
            first[entry] = (names.handles.get(who, short(who)), when, names.handles.get(actor, short(actor)) if actor else "")
    return first


def entry_actors(conn: sqlite3.Connection, names: Names) -> dict[str, str]:
    """Entry id -> the handle of the manager who entered it acting as its ``entered_by`` (``--as``), of every such entry:
    one query from the acting records, which are few (``window`` reads a window's own)."""
    sql = f"SELECT e.id, a.actor FROM acting AS a JOIN ledger_entry AS e ON {covers('a', 'e.entered_by', 'e.op_id')}"
    return {entry: names.handles.get(actor, short(actor)) for entry, actor in conn.execute(sql)}
