"""Which record is which when an id typed starts more than one: each one's id cut long enough to tell it apart, and a
few words of what it is, so that a person picks the one they meant by more than its digits."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from crewdeck.sync.state.ids import told_apart
from crewdeck.sync.state.money import MoneyError, format_minor
from crewdeck.sync.state.naming import campaign_slug
from crewdeck.sync.state.visible import cut
from crewdeck.tui.workspace.errors import Ambiguous
from crewdeck.tui.workspace.placeholders import member_handle, text_or, untitled_task

#: The most candidates named; the rest are counted ("and 3 more"): a prefix of four digits may start dozens of ids.
LISTED = 5


def ambiguity(conn: sqlite3.Connection, text: str, found: Sequence[tuple[str, str]], total: int | None = None) -> Ambiguous:
    """The error for ``text`` starting each of ``found`` (entity, id): the first ``LISTED + 1`` of them in id order, or
    fewer when that is all (the one past the listed is there to tell the last listed from it). ``total``: how many
    there are, when the reader is told of some alone (a guest, of their posts); else every record's id is counted."""
    ordered = sorted(found, key=lambda pair: pair[1])
    told = told_apart([record_id for _, record_id in ordered])[:LISTED]
    if len(ordered) > LISTED and total is None:
        total = _count(conn, text, {entity for entity, _ in ordered})
    more = total - LISTED if total is not None and len(ordered) > LISTED else 0
    width = max(len(shown) for shown in told)
    lines = [f"{shown:<{width}}  {_what(conn, entity, record_id)}" for shown, (entity, record_id) in zip(told, ordered, strict=False)]
    tail = f" and {more} more" if more else ""
    return Ambiguous(f"id {text} is ambiguous: {', '.join(told)}{tail}; type more of it", [*lines, *([tail.strip()] if tail else [])])


def _count(conn: sqlite3.Connection, text: str, entities: set[str]) -> int:
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return sum(int(conn.execute(f"SELECT count(*) FROM [{e}] WHERE id >= ? AND id < ?", (text, upper)).fetchone()[0]) for e in entities)


def _what(conn: sqlite3.Connection, entity: str, record_id: str) -> str:
    """A few words that tell the record from its kin: a task's title and status, an entry's date, campaign and amount."""
    if entity == "task":
        title, status, post_state, deleted = conn.execute(
            "SELECT title, status, post_state, deleted FROM task WHERE id = ?", (record_id,)
        ).fetchone()
        kind, state = ("post", post_state) if post_state else ("task", status)
        named = f"“{cut(title)}”" if text_or(title, "") else untitled_task(record_id)
        return f"{kind} {named}, {'deleted' if deleted else state}"
    if entity == "ledger_entry":
        day, campaign, amount, currency, name = conn.execute(
            "SELECT e.date, e.campaign, e.amount, e.currency, c.name FROM ledger_entry AS e LEFT JOIN campaign AS c ON c.id = e.campaign"
            " WHERE e.id = ?",
            (record_id,),
        ).fetchone()
        # A record that came half-written through sync may lack its campaign or currency (test_incomplete_records).
        where = f" +{campaign_slug(campaign, name)}" if campaign else ""
        money = f"{_amount(amount, currency)} {currency}" if currency else str(amount)
        return f"ledger entry {day or 'undated'}{where} {money}"
    if entity == "member":
        handle, name = conn.execute("SELECT handle, name FROM member WHERE id = ?", (record_id,)).fetchone()
        return f"member @{text_or(handle, member_handle(record_id))}" + (f" ({cut(name)})" if name else "")
    if entity == "campaign":
        (name,) = conn.execute("SELECT name FROM campaign WHERE id = ?", (record_id,)).fetchone()
        return f"campaign +{campaign_slug(record_id, name)}"
    return entity


def _amount(amount: int, currency: str) -> str:
    # A currency this build does not know (pulled from a newer one) still tells the entry apart, in minor units.
    try:
        return format_minor(amount, currency)
    except MoneyError:
        return str(amount)
