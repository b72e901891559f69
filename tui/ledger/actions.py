"""Writing the ledger: add an entry, reverse one, approve one.

Nothing is ever edited.  A reversal is a new entry with the opposite
amount and the original's date, campaign, category, payee and currency, so
the two net to zero in every report, whatever it groups by.  Its id is
derived from the original's, so two members reversing the same entry on
two replicas at once make one reversal, not two.

Approval: an entry entered with ``needs_approval`` counts only once a
manager (access ``manager``), other than the member who entered it,
approves it.  Approvals are append-only records; the rules (``crewdeck.sync.state.rules``)
refuse any other approval where it is written or pushed, and a report
counts an approval only when its author is not the entry's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import format_minor
from crewdeck.sync.state.rules import EntryFacts, Refused, acting_approval_refused, approval_refused, control_character, reversal_refused
from crewdeck.tui.ledger.entries import EntryRow
from crewdeck.tui.ledger.filter import APPROVED_IDS
from crewdeck.tui.time.when import utc_iso
from crewdeck.tui.workspace.errors import Ambiguous, UserError
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Member, Workspace


@dataclass(frozen=True)
class EntryDraft:
    """A checked new entry, ready to write (see ``form.parse_entry``)."""

    date: str
    campaign: str
    category: str
    payee: str
    amount: int
    currency: str
    memo: str = ""
    task: str | None = None
    needs_approval: bool = False

    def record(self, member: Member, now: dt.datetime) -> dict[str, object]:
        return {
            "date": self.date,
            "campaign": self.campaign,
            "category": self.category,
            "payee": self.payee,
            "amount": self.amount,
            "currency": self.currency,
            "memo": self.memo,
            "task": self.task,
            "entered_by": member.id,
            "entered_at": utc_iso(now),
            "needs_approval": self.needs_approval,
        }


def derived_id(*parts: str) -> str:
    """A record id that every replica derives the same way from the same parts."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def reversal_id(entry_id: str) -> str:
    return derived_id("reversal", entry_id)


def resolve_entry(ws: Workspace, prefix: str) -> str:
    """The full id of the entry a person typed a prefix of."""
    try:
        return ws.resolve("ledger_entry", prefix)
    except Ambiguous:
        raise  # names no entity: its candidates, said under it, go with it
    except UserError as exc:
        raise UserError(str(exc).replace("ledger_entry", "ledger entry")) from None


def approval_refusal(member: Member, entry: EntryRow, actor: Member | None = None) -> str | None:
    """Why the app does not offer ``member`` to approve ``entry``, in one line (said when the key is pressed there), or
    ``None`` when it does: no approval counts for it yet and it was not reversed (``approve_entry`` refuses either), the
    rules let them (``approval_refused``, which also refuses the manager who entered it acting as another member) and
    the manager ``actor`` acting as ``member`` now, on spend they entered (``acting_approval_refused``)."""
    if entry.approved or entry.reversed:
        return f"this entry is {'approved already' if entry.approved else 'reversed'}"
    facts = EntryFacts(entry.entered_by_id, entry.needs_approval, entry.reverses, acted_by=entry.acted_by_id)
    me = member.facts()
    refusal = approval_refused(me, entry.id, facts, lambda: entry.frozen)
    if refusal is None and actor is not None:
        refusal = acting_approval_refused(actor.id, actor.facts(), me, entry.id, facts)
    return None if refusal is None else refusal.message


def may_approve(member: Member, entry: EntryRow, actor: Member | None = None) -> bool:
    """Whether the app offers ``member`` (``actor`` acting as them) to approve ``entry`` (``approval_refusal``)."""
    return approval_refusal(member, entry, actor) is None


def reversal_refusal(member: Member, entry: EntryRow) -> str | None:
    """Why the rules do not let ``member`` reverse ``entry`` (``reversal_refused``: theirs, a manager's anyone's, not a
    reversal, not reversed), in one line, or ``None`` when they do."""
    facts = EntryFacts(entry.entered_by_id, entry.needs_approval, entry.reverses)
    refusal = reversal_refused(member.facts(), entry.id, facts, lambda: entry.reversed_by)
    return None if refusal is None else refusal.message


def may_reverse(member: Member, entry: EntryRow) -> bool:
    """Whether the app offers ``member`` to reverse ``entry`` (``reversal_refusal``)."""
    return reversal_refusal(member, entry) is None


def add_entry(ws: Workspace, me: Member, draft: EntryDraft, now: dt.datetime, entry_id: str | None = None) -> str:
    if draft.task is not None and ws.store.record("task", draft.task) is None:
        raise UserError(f"no task with id {short(draft.task)}")
    with ws.store.write(me.id) as w:
        return w.append("ledger_entry", draft.record(me, now), row_id=entry_id)


#: The most characters a memo holds (``ledger_entry.memo``'s check).
MEMO_MAX = 2000


def memo_problem(memo: str, room: int = MEMO_MAX) -> str | None:
    """What is wrong with a memo (``room``: the characters it may have), as the new-entry form says it; ``None`` when none."""
    if "\n" in memo or "\r" in memo:
        return "one line only"
    # The rules refuse it at the write, where the field is no longer known.
    control = control_character("ledger_entry", "memo", json.dumps(memo))
    if control:
        return f"text may not hold control characters ({control})"
    return f"longer than {room:,} characters" if len(memo) > room else None


def reversal_note(entry_id: str, amount: int, currency: str, memo: str = "") -> str:
    """The memo of the entry that reverses ``entry_id`` (``memo``: the reason given, if any)."""
    return f"reverses {short(entry_id)} ({format_minor(amount, currency)} {currency})" + (f": {memo}" if memo else "")


def reverse_entry(ws: Workspace, me: Member, entry_id: str, now: dt.datetime, memo: str = "") -> str:
    original = ws.store.record("ledger_entry", entry_id)
    if original is None:
        raise UserError(f"no ledger entry with id {short(entry_id)}")
    # Whether it may be reversed (by me, and at all: once, and never a reversal) is the rules' to say as the write is judged.
    reason = memo.strip()
    note = reversal_note(entry_id, original["amount"], original["currency"], reason)
    # The reason follows "reverses 39657ad1 (8.00 EUR): " in the memo, which holds what any memo holds.
    problem = memo_problem(reason, MEMO_MAX - (len(note) - len(reason)))
    if problem:
        raise UserError(f"memo: {problem}")
    record = {
        **{k: original[k] for k in ("date", "campaign", "category", "payee", "currency", "task", "needs_approval")},
        "amount": -original["amount"],
        "memo": note,
        "reverses": entry_id,
        "entered_by": me.id,
        "entered_at": utc_iso(now),
    }
    with ws.store.write(me.id) as w:
        return w.append("ledger_entry", record, row_id=reversal_id(entry_id))


def _frozen(ws: Workspace, entry_id: str) -> bool:
    from crewdeck.tui.posts.frozen import is_frozen

    return is_frozen(ws.conn, entry_id)


def _check_approval(ws: Workspace, me: Member, entry_id: str) -> None:
    """Raise why ``me`` may not approve ``entry_id`` (``Refused`` with its rule, or ``UserError``); nothing when they may."""
    entry = ws.store.record("ledger_entry", entry_id)
    if entry is None:
        raise UserError(f"no ledger entry with id {short(entry_id)}")
    # Who may approve it, and what (a manager; spend that waits for approval or a crisis froze; never their own) is the
    # rules' to say, with their rule, before the state below: a member hears that only managers approve.
    # The entry as the rules read it, with the manager who entered it acting as another (theirs still); and a manager
    # acting as ``me`` now is judged as themselves too: each entry of several is named, not the write's first refusal.
    from crewdeck.sync.state.filerules import FileRuleState  # read on approving, not for the app's first paint

    state = FileRuleState(ws.conn)
    facts = state.ledger_entry(entry_id)
    refusal = approval_refused(me.facts(), entry_id, facts, lambda: _frozen(ws, entry_id))
    actor = ws.store.actor if ws.store.actor != me.id else None
    if refusal is None and actor is not None:
        refusal = acting_approval_refused(actor, state.member(actor), me.facts(), entry_id, facts)
    reversal = ws.conn.execute("SELECT id FROM ledger_entry WHERE reverses = ? ORDER BY op_id LIMIT 1", (entry_id,)).fetchone()
    # Frozen spend reversed is frozen no more (``frozen_condition``): the rules' "it already counts" would not say why.
    if refusal is not None and not (reversal and refusal.rule == "not_pending"):
        raise Refused(refusal)
    if reversal:
        # Approved or not, the two net to zero: an approval would change no total, so nothing waits for one.
        raise UserError(f"entry {short(entry_id)} was reversed ({short(reversal[0])}): the two net to zero, nothing to approve")
    done = ws.conn.execute(f"SELECT 1 WHERE ? IN ({APPROVED_IDS})", (entry_id,)).fetchone()
    if done:
        raise UserError(f"entry {short(entry_id)} is already approved")


class NotApproved(UserError):
    """Several entries to approve, some of which may not be: ``problems`` says why of each; nothing was approved."""

    def __init__(self, problems: list[str], asked: int) -> None:
        super().__init__(f"nothing approved: {counted(len(problems), 'entry')} of {asked:,} cannot be (listed above)")
        self.problems = problems


def approve_entry(ws: Workspace, me: Member, entry_id: str, now: dt.datetime) -> str:
    _check_approval(ws, me, entry_id)
    with ws.store.write(me.id) as w:
        return w.append("approval", {"entry": entry_id, "approved_by": me.id, "approved_at": utc_iso(now)})


def approve_entries(ws: Workspace, me: Member, entry_ids: list[str], now: dt.datetime) -> None:
    """Approve each of ``entry_ids`` in one write, or none: ``NotApproved`` names every one that may not be."""
    problems = []
    for entry_id in entry_ids:
        try:
            _check_approval(ws, me, entry_id)
        except (Refused, UserError) as exc:
            problems.append(str(exc))
    if problems:
        raise NotApproved(problems, len(entry_ids))
    with ws.store.write(me.id) as w:
        for entry_id in entry_ids:
            w.append("approval", {"entry": entry_id, "approved_by": me.id, "approved_at": utc_iso(now)})
