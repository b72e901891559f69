"""What the ledger pane reads and writes, through the session's ``WorkspaceAccess`` (its writes through the
session's ``Edits``: each is then the last action, which ``u`` says stands, as appended records do).

The app calls these from worker threads.  Each reads or writes inside a
function handed to the access, which holds the connection for it, and every
write's operations are known as the session's own, so the app neither
announces our own entry as someone else's change nor refreshes twice for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import zone
from crewdeck.tui.ledger import entries
from crewdeck.tui.ledger.entries import EntryDetail, EntryRow
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.ledger.view import BudgetLine, FilterMatches, budget_view, entries_where, preview_filter
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.session.writing import Written
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Member, Workspace

if TYPE_CHECKING:
    # Imported when the new-entry form is first opened: not at start-up, when the opening reads a page.
    from crewdeck.tui.ledger.form import FormContext
    from crewdeck.tui.session.session import Session

#: The records whose changes the ledger pane shows (a crisis freezes spend: ``crewdeck.tui.posts.frozen``).
ENTITIES = frozenset({"ledger_entry", "approval", "budget", "rate", "campaign", "member", "workspace", "crisis", "crisis_end"})


@dataclass(frozen=True)
class LedgerPage:
    """What the pane shows of one query: the period's budget rows, and the entries around the cursor."""

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
    #: What ``ledger report`` for the period warns of, and the spend a crisis froze (``view.budget_view``).
    warnings: tuple[str, ...] = ()
    #: How many of ``warnings``, first, are rates missing (``view.BudgetView.rates_missing``).
    rates_missing: int = 0
    #: Entries of the period that wait for the viewer's approval (a manager's: pending or frozen, not theirs).
    to_approve: int = 0


#: What waits for a manager's approval, in the filter language: pending spend and spend a crisis froze (neither
#: reversed), entered by someone else (nobody approves their own: ``@me`` is also what they entered acting as another,
#: and acting as me, what the manager acting entered).
WAITING = ("is:pending -@me", "is:frozen -@me")


def today(me: Member, now: dt.datetime) -> dt.date:
    """Today in the viewer's zone: the pane's first month, the form's default date, reports' "as of"."""
    return now.astimezone(zone(me.tz)).date()


def read_page(
    access: WorkspaceAccess,
    period: Period,
    text: str,
    now: dt.datetime,
    keep: Sequence[str],
    cursor: int,
    limit: int,
) -> LedgerPage:
    """The budget of ``period`` and the entries matching ``text`` in it.

    The cursor goes to the first of ``keep`` (entry ids) still listed, else
    stays at row ``cursor``; ``limit`` rows around it come with the answer.
    """
    me = access.me

    def read(ws: Workspace) -> LedgerPage:
        base = ws.base_currency
        day = today(me, now)
        view = budget_view(ws.conn, base, period, day)
        where, params = entries_where(ws, text, period, me.id, day)
        total = entries.count(ws.conn, where, params)
        found = (entries.position(ws.conn, where, params, entry_id) for entry_id in keep)
        target = next((p for p in found if p is not None), min(cursor, max(0, total - 1)))
        offset = target - target % limit
        rows = entries.window(ws.conn, where, params, offset, limit)
        page_rows = [shown(row) for row in rows]
        waiting = sum(entries.count(ws.conn, *entries_where(ws, query, period, me.id, day)) for query in WAITING) if me.is_manager else 0
        return LedgerPage(
            period, text, base, view.lines, where, params, total, target, offset, page_rows, view.warnings, view.rates_missing, waiting
        )

    return access.read(read)


def preview(access: WorkspaceAccess, period: Period, text: str, now: dt.datetime) -> FilterMatches:
    """What the filter box's ``text`` would show in ``period``: how many entries, or why it is refused."""
    return access.read(lambda ws: preview_filter(ws, text, period, access.me.id, today(access.me, now)))


def window(access: WorkspaceAccess, where: str, params: list[Any], offset: int, limit: int) -> list[EntryRow]:
    rows = access.read(lambda ws: entries.window(ws.conn, where, params, offset, limit))
    return [shown(row) for row in rows]


def shown(row: EntryRow) -> EntryRow:
    """The row as the pane shows it: its text through ``crewdeck.sync.state.visible`` (the same row when nothing needs it)."""
    texts = (row.campaign, row.category, row.payee, row.memo, row.entered_by)
    seen = tuple(visible(text) for text in texts)
    if all(a is b for a, b in zip(texts, seen)):
        return row
    campaign, category, payee, memo, entered_by = seen
    return replace(row, campaign=campaign, category=category, payee=payee, memo=memo, entered_by=entered_by)


def form_context(access: WorkspaceAccess, now: dt.datetime) -> FormContext:
    from crewdeck.tui.ledger.form import FormContext

    return access.read(lambda ws: FormContext.load(ws, today(access.me, now)))


def detail(access: WorkspaceAccess, entry_id: str) -> EntryDetail | None:
    """The entry in full; ``None`` when it is gone (the sync server refused the operation that made it)."""
    return access.read(lambda ws: entries.detail(ws.conn, entry_id, ws.base_currency))


def add(session: Session, values: Mapping[str, str], needs_approval: bool, ctx: FormContext, now: dt.datetime) -> Written:
    """Save the new-entry form (``FormProblems`` names every bad field)."""
    me = session.me
    notes: list[str] = []

    def write(ws: Workspace) -> str:
        from crewdeck.tui.ledger import actions, overbudget
        from crewdeck.tui.ledger.form import parse_entry

        draft = parse_entry(values, ctx, needs_approval=needs_approval, resolve_task=lambda prefix: ws.resolve("task", prefix, live=True))
        entry_id, over = overbudget.around(
            ws.store, ws.base_currency, [(draft.campaign, draft.date)], today(me, now), lambda: actions.add_entry(ws, me, draft, now)
        )
        from crewdeck.tui.posts.frozen import freezing_crisis, frozen_note

        crisis = freezing_crisis(ws.conn, entry_id)
        if crisis is not None:
            # Saved as any other, it reads "frozen" in the list only: said as a warning that stays to be read.
            notes.append(f"{_entry_words(ws, entry_id)}: {frozen_note(crisis, me)}")
        notes.extend(over)
        return entry_id

    written = session.edits.record_write(write, lambda ws, entry_id: f"added {_entry_words(ws, entry_id)}")
    return replace(written, notes=tuple(notes))


def _approval(
    session: Session, entry_ids: Sequence[str], now: dt.datetime, work: Callable[[Workspace], str], label: Callable[[Workspace, str], str]
) -> Written:
    """``work``, an approval of ``entry_ids``, written with the budget lines it takes over budget in its ``notes``
    (``overbudget``: pending spend is not spent until approved)."""
    from crewdeck.tui.ledger import overbudget

    notes: list[str] = []

    def approving(ws: Workspace) -> str:
        row_id, over = overbudget.around(
            ws.store, ws.base_currency, overbudget.spend_of(ws.conn, entry_ids), today(session.me, now), lambda: work(ws)
        )
        notes.extend(over)
        return row_id

    return replace(session.edits.record_write(approving, label), notes=tuple(notes))


def reverse(session: Session, entry_id: str, memo: str, now: dt.datetime) -> Written:
    from crewdeck.tui.ledger import actions  # the ledger's writes, as the log's words: not imported for the first screen
    from crewdeck.tui.workspace.describe import reversal_words

    return session.edits.record_write(
        lambda ws: actions.reverse_entry(ws, session.me, entry_id, now, memo),
        lambda ws, reversal: visible(reversal_words(ws.store.record("ledger_entry", reversal))),
    )


def approve(session: Session, entry_id: str, now: dt.datetime) -> Written:
    from crewdeck.tui.ledger import actions

    return _approval(
        session,
        [entry_id],
        now,
        lambda ws: actions.approve_entry(ws, session.me, entry_id, now),
        lambda ws, _: f"approved {_entry_words(ws, entry_id)}",
    )


def approve_marked(session: Session, entry_ids: Sequence[str], now: dt.datetime) -> Written:
    """Approve every one of ``entry_ids`` in one write, or none: the refusal names each that may not be, and why."""
    from crewdeck.tui.ledger import actions

    def work(ws: Workspace) -> str:
        try:
            actions.approve_entries(ws, session.me, list(entry_ids), now)
        except actions.NotApproved as exc:
            raise UserError(f"nothing approved: {'; '.join(exc.problems)}") from None
        return entry_ids[0]

    return _approval(session, entry_ids, now, work, lambda ws, _: f"approved {counted(len(entry_ids), 'entry')}")


def _entry_words(ws: Workspace, entry_id: str) -> str:
    """An entry as a notice names it: "120.50 EUR to Canva (tools)", control characters shown."""
    from crewdeck.tui.workspace.describe import entry_words  # the log's words: not imported for the first screen

    return visible(entry_words(ws.store.record("ledger_entry", entry_id)))
