"""What the ledger pane reads and writes, through a member's ``Session``.

The app calls these from worker threads.  Each holds the session's lock
while it uses the connection, and every write records its operations as
the session's own, so the app neither announces our own entry as someone
else's change nor refreshes twice for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import zone
from crewdeck.tui.ledger import actions, entries
from crewdeck.tui.ledger.entries import EntryDetail, EntryRow
from crewdeck.tui.ledger.form import FormContext, parse_entry
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.ledger.view import BudgetLine, budget_lines, entries_where
from crewdeck.tui.session.session import Session, Written
from crewdeck.tui.workspace.errors import UserError

#: The records whose changes the ledger pane shows.
ENTITIES = frozenset({"ledger_entry", "approval", "budget", "rate", "campaign", "member", "workspace"})


@dataclass(frozen=True)
class Listing:
    """One answer for the pane: the budget rows, and the entries around the cursor."""

    period: Period
    text: str
    base: str
    budget: list[BudgetLine]
    where: str
    params: list[Any]
    total: int
    cursor: int
    offset: int
    rows: list[EntryRow]


def today(session: Session, now: dt.datetime) -> dt.date:
    """Today in the viewer's zone: the pane's first month, the form's default date, reports' "as of"."""
    return now.astimezone(zone(session.me.tz)).date()


def listing(
    session: Session,
    period: Period,
    text: str,
    now: dt.datetime,
    keep: Sequence[str],
    cursor: int,
    limit: int,
) -> Listing:
    """The budget of ``period`` and the entries matching ``text`` in it.

    The cursor goes to the first of ``keep`` (entry ids) still listed, else
    stays at row ``cursor``; ``limit`` rows around it come with the answer.
    """
    with session.lock:
        ws = session.ws
        base = ws.base_currency
        budget = budget_lines(ws.conn, base, period, today(session, now))
        where, params = entries_where(ws, text, period, session.me.id)
        total = entries.count(ws.conn, where, params)
        found = (entries.position(ws.conn, where, params, entry_id) for entry_id in keep)
        target = next((p for p in found if p is not None), min(cursor, max(0, total - 1)))
        offset = target - target % limit
        rows = entries.window(ws.conn, where, params, offset, limit)
    return Listing(period, text, base, budget, where, params, total, target, offset, [shown(row) for row in rows])


def window(session: Session, where: str, params: list[Any], offset: int, limit: int) -> list[EntryRow]:
    with session.lock:
        rows = entries.window(session.ws.conn, where, params, offset, limit)
    return [shown(row) for row in rows]


def shown(row: EntryRow) -> EntryRow:
    """The row as the pane shows it: its text through ``crewdeck.sync.state.visible`` (the same row when nothing needs it)."""
    texts = (row.campaign, row.category, row.payee, row.memo, row.entered_by)
    seen = tuple(visible(text) for text in texts)
    if all(a is b for a, b in zip(texts, seen)):
        return row
    campaign, category, payee, memo, entered_by = seen
    return replace(row, campaign=campaign, category=category, payee=payee, memo=memo, entered_by=entered_by)


def form_context(session: Session, now: dt.datetime) -> FormContext:
    with session.lock:
        return FormContext.load(session.ws, today(session, now))


def detail(session: Session, entry_id: str) -> EntryDetail:
    with session.lock:
        shown = entries.detail(session.ws.conn, entry_id)
    if shown is None:
        raise UserError(f"no ledger entry with id {short(entry_id)}")
    return shown


def add(session: Session, values: Mapping[str, str], needs_approval: bool, ctx: FormContext, now: dt.datetime) -> Written:
    """Save the new-entry form (``FormProblems`` names every bad field)."""
    with session.lock:
        ws = session.ws
        draft = parse_entry(values, ctx, needs_approval=needs_approval, resolve_task=lambda prefix: ws.resolve("task", prefix))
        entry_id = actions.add_entry(ws, session.me, draft, now)
        return _written(session, f"added {short(entry_id)}", entry_id)


def reverse(session: Session, entry_id: str, memo: str, now: dt.datetime) -> Written:
    with session.lock:
        new_id = actions.reverse_entry(session.ws, session.me, entry_id, now, memo)
        return _written(session, f"reversed {short(entry_id)} by {short(new_id)}", new_id)


def approve(session: Session, entry_id: str, now: dt.datetime) -> Written:
    with session.lock:
        approval = actions.approve_entry(session.ws, session.me, entry_id, now)
        return _written(session, f"approved {short(entry_id)}", approval)


def _written(session: Session, label: str, row_id: str) -> Written:
    """The operations that made ``row_id``, marked as ours (call with the lock held, right after the write)."""
    ops = tuple(session.store.history(row_id))
    session.own_ops.update(op.op_id for op in ops)
    return Written(label, ops)
