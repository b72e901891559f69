"""Spend a crisis freezes, derived when a report is made.

Spend in a crisis's campaigns (all of them when it names none) dated from
the day it started to the day it ended (or on, while it is open), those days
on the clock of the member who entered it as its date is (``sync.state.frozen``),
counts as frozen, not spent, until a manager other than the person who
entered it approves it (an ``approval`` record, as for pending spend).
Spend already approved and budgets are untouched, and a crisis that names
platforms only freezes no spend.  Derived from the records every time, so
an entry made offline before the crisis reached its replica is frozen too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.frozen import day_in
from crewdeck.sync.state.visible import visible
from crewdeck.tui.ledger.filter import APPROVED_IDS, REVERSED_PAIR
from crewdeck.tui.posts.reading import crises
from crewdeck.tui.posts.states import Crisis, instant_text

if TYPE_CHECKING:
    from crewdeck.sync.state.rules import MemberFacts
    from crewdeck.tui.workspace.workspace import Member

#: A named parameter of ``frozen_condition``'s SQL (its only colons).
_NAMED = re.compile(r":(\w+)")


#: Spend a crisis may freeze: not entered to wait for approval, not approved, not one of a reversed pair
#: (a frozen entry reversed nets to zero with its reversal: neither waits for a manager, as pending spend reversed).
_WAITS = f"e.needs_approval = 0 AND coalesce(e.reverses, e.id) NOT IN ({APPROVED_IDS}) AND NOT {REVERSED_PAIR}"


#: The zone of the member who entered ``ledger_entry e`` (none for one not known here: UTC's clock).
_ENTERED_IN = "(SELECT frozen_member.tz FROM member frozen_member WHERE frozen_member.id = e.entered_by)"


def _day(instant: dt.datetime, name: str, zones: list[str], params: dict[str, Any]) -> str:
    """SQL for the day ``instant`` falls on for the member who entered ``e``, its parameters added to ``params`` under
    names starting ``name``: a constant when it is one day in every zone ``zones`` holds, else a CASE on the zones whose
    day is not UTC's (a crisis started near midnight UTC)."""
    stored = instant_text(instant)
    params[name] = stored[:10]
    other = [(tz, day) for tz in zones if (day := day_in(stored, tz)) != stored[:10]]
    if not other:
        return f":{name}"
    cases = []
    for n, (tz, day) in enumerate(other):
        params[f"{name}_zone_{n}"], params[f"{name}_day_{n}"] = tz, day
        cases.append(f"WHEN :{name}_zone_{n} THEN :{name}_day_{n}")
    return f"(CASE {_ENTERED_IN} {' '.join(cases)} ELSE :{name} END)"


def _freezes(crisis: Crisis, index: int, params: dict[str, Any], zones: list[str]) -> str | None:
    """SQL over ``ledger_entry e`` true for an entry in ``crisis``'s campaigns and days (on the clock of each of
    ``zones``, the members'), its parameters added to ``params`` under names numbered ``index``; ``None`` for a crisis
    that freezes no spend (a platform-only one)."""
    if crisis.platforms:
        return None
    condition = [f"e.date >= {_day(crisis.started_at, f'frozen_from_{index}', zones, params)}"]
    if crisis.ended_at is not None:
        condition.append(f"e.date <= {_day(crisis.ended_at, f'frozen_until_{index}', zones, params)}")
    if crisis.campaigns:
        names = [f":frozen_campaign_{index}_{n}" for n in range(len(crisis.campaigns))]
        condition.append(f"e.campaign IN ({', '.join(names)})")
        params.update({name[1:]: campaign for name, campaign in zip(names, sorted(crisis.campaigns))})
    return f"({' AND '.join(condition)})"


def _zones(conn: sqlite3.Connection) -> list[str]:
    """The members' zones (removed members' too: their entries stay theirs)."""
    return [row[0] for row in conn.execute("SELECT DISTINCT tz FROM member WHERE tz IS NOT NULL ORDER BY tz")]


def frozen_condition(conn: sqlite3.Connection) -> tuple[str, dict[str, Any]] | None:
    """SQL over ``ledger_entry e`` true for a frozen entry, with its named parameters (``None``: no crisis freezes spend)."""
    params: dict[str, Any] = {}
    zones = _zones(conn)
    parts = [part for index, crisis in enumerate(crises(conn)) if (part := _freezes(crisis, index, params, zones)) is not None]
    if not parts:
        return None
    return f"({_WAITS} AND ({' OR '.join(parts)}))", params


def frozen_where(conn: sqlite3.Connection) -> tuple[str, list[Any]]:
    """``frozen_condition`` with ``?`` parameters, as a filter's other terms have (false when no crisis freezes spend)."""
    found = frozen_condition(conn)
    if found is None:
        return "0", []
    condition, params = found
    return _NAMED.sub("?", condition), [params[name] for name in _NAMED.findall(condition)]


def is_frozen(conn: sqlite3.Connection, entry_id: str) -> bool:
    found = frozen_condition(conn)
    if found is None:
        return False
    condition, params = found
    return (
        conn.execute(f"SELECT 1 FROM ledger_entry e WHERE e.id = :entry AND {condition}", {**params, "entry": entry_id}).fetchone()
        is not None
    )


def frozen_ids(conn: sqlite3.Connection) -> set[str]:
    """The ids of the entries a crisis froze (exports mark them; a crisis's days hold few)."""
    found = frozen_condition(conn)
    if found is None:
        return set()
    condition, params = found
    return {row[0] for row in conn.execute(f"SELECT e.id FROM ledger_entry e WHERE {condition}", params)}


def frozen_among(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of these entries a crisis froze (one query, none without a crisis)."""
    found = frozen_condition(conn) if ids else None
    if found is None:
        return set()
    condition, params = found
    sql = f"SELECT e.id FROM json_each(:ids) j JOIN ledger_entry e ON e.id = j.value WHERE {condition}"
    return {r[0] for r in conn.execute(sql, {**params, "ids": json.dumps(ids)})}


def freezing_crisis(conn: sqlite3.Connection, entry_id: str) -> Crisis | None:
    """The crisis that froze ``entry_id`` (an open one before an ended one, then the first started, when several did);
    ``None`` when it is not frozen."""
    zones = _zones(conn)
    # The ended one named, its closed days read as the freeze's end, while an open one keeps freezing the days after.
    for crisis in sorted(crises(conn), key=lambda crisis: not crisis.open):
        params: dict[str, Any] = {"entry": entry_id}
        part = _freezes(crisis, 0, params, zones)
        if part is None:
            continue
        if conn.execute(f"SELECT 1 FROM ledger_entry e WHERE e.id = :entry AND {_WAITS} AND {part}", params).fetchone():
            return crisis
    return None


def approves_spend(me: MemberFacts) -> bool:
    """Whether the rules let ``me`` approve spend at all (another's: never their own), asked of no entry in particular as
    the app asks before it offers the key (``tui.app.role_keys``): a member or a guest is refused for their role."""
    from crewdeck.sync.state.rules import ROLE_RULES, approval_refused  # the rules load when first asked: not before the first screen

    refusal = approval_refused(me, "", None, lambda: False)
    return refusal is None or refusal.rule not in ROLE_RULES


def who_approves(me: MemberFacts) -> str:
    """Who counts spend ``me`` entered that waits for approval: another manager, or any manager for one who approves none."""
    return "a manager other than you" if approves_spend(me) else "a manager"


def frozen_note(crisis: Crisis, me: Member) -> str:
    """What ``me`` is told of spend they just entered that ``crisis`` froze: it does not count yet, and who counts it; its
    days on their clock, as the spend's date is."""
    first = day_in(instant_text(crisis.started_at), me.tz)
    days = f"from {first} on" if crisis.ended_at is None else f"{first}..{day_in(instant_text(crisis.ended_at), me.tz)}"
    # A crisis that names no campaign covers every one: "spend of its campaigns" read as if it named some.
    spend = "spend of its campaigns" if crisis.campaigns else "spend"
    return (
        f"frozen by the crisis “{visible(crisis.reason)}” ({spend} dated {days}, {visible(me.tz)}): "
        f"it counts once {who_approves(me.facts())} approves it"
    )
