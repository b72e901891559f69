"""The urgency score that orders tasks by default.

Each term is a number of points; the score is their sum.  The same table
produces the SQL that sorts 100,000 tasks inside SQLite and the per-term
explanation the detail screen shows, so the two cannot disagree.

| term       | points                                                        |
|------------|---------------------------------------------------------------|
| due        | overdue 12 (+1 a day late, up to +7); due in 24 h 9; 3 d 6;   |
|            | 7 d 3; 14 d 1                                                 |
| priority   | high 6, med 3.5, low 1.5                                      |
| publishing | publish slot within 24 h 5, within 3 d 2                      |
| blocking   | 4 when an open task waits for this one                        |
| blocked    | -5 while this one waits for an open task                      |
| in hand    | 2 for doing, 1 for review                                     |
| age        | 0.5 a full week since creation, up to 2                       |

A closed task (done, cancelled) scores 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crewdeck.sync.state.records import OPEN_STATUSES
from crewdeck.tui.time.when import parse_utc, relative

PRIORITY_POINTS = {"high": 6.0, "med": 3.5, "low": 1.5, "none": 0.0}
#: (hours ahead at most, points) for a due date in the future, nearest first.
DUE_STEPS = ((24, 9.0), (72, 6.0), (168, 3.0), (336, 1.0))
OVERDUE_POINTS = 12.0
OVERDUE_PER_DAY, OVERDUE_DAYS_CAP = 1.0, 7
PUBLISH_STEPS = ((24, 5.0), (72, 2.0))
BLOCKING_POINTS = 4.0
BLOCKED_POINTS = -5.0
STATUS_POINTS = {"doing": 2.0, "review": 1.0}
AGE_PER_WEEK, AGE_CAP = 0.5, 2.0

_OPEN_SQL = ", ".join(f"'{s}'" for s in OPEN_STATUSES)


def _at(now: dt.datetime, hours: float) -> str:
    # Formatted timestamps, never user text: safe to write into the SQL.
    return (now + dt.timedelta(hours=hours)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ahead_sql(column: str, now: dt.datetime, steps: tuple[tuple[int, float], ...]) -> str:
    """Points for an instant within the next hours, as plain text comparisons.

    Instants are ``YYYY-MM-DDTHH:MM:SSZ`` text, which sorts like time, so
    comparing with precomputed thresholds costs far less per row than
    date arithmetic in SQL.
    """
    return " ".join(f"WHEN {column} <= '{_at(now, hours)}' THEN {points}" for hours, points in steps)


def sql(now: dt.datetime, alias: str = "t") -> str:
    """The score at ``now`` as an SQL expression over ``task AS alias``."""
    a = alias
    late = " ".join(
        f"WHEN {a}.due_utc <= '{_at(now, -24 * days)}' THEN {OVERDUE_POINTS + OVERDUE_PER_DAY * days}"
        for days in range(OVERDUE_DAYS_CAP, 0, -1)
    )
    due = (
        f"(CASE WHEN {a}.due_utc IS NULL THEN 0 {late} WHEN {a}.due_utc < '{_at(now, 0)}' THEN {OVERDUE_POINTS} "
        f"{_ahead_sql(a + '.due_utc', now, DUE_STEPS)} ELSE 0 END)"
    )
    publish = (
        f"(CASE WHEN {a}.publish_utc IS NULL OR {a}.publish_utc < '{_at(now, 0)}' THEN 0 "
        f"{_ahead_sql(a + '.publish_utc', now, PUBLISH_STEPS)} ELSE 0 END)"
    )
    priority = "(CASE " + " ".join(f"WHEN {a}.priority = '{k}' THEN {v}" for k, v in PRIORITY_POINTS.items()) + " ELSE 0 END)"
    status = "(CASE " + " ".join(f"WHEN {a}.status = '{k}' THEN {v}" for k, v in STATUS_POINTS.items()) + " ELSE 0 END)"
    weeks = int(AGE_CAP / AGE_PER_WEEK)
    age = (
        "(CASE "
        + " ".join(f"WHEN {a}.created_at <= '{_at(now, -24 * 7 * w)}' THEN {AGE_PER_WEEK * w}" for w in range(weeks, 0, -1))
        + " ELSE 0 END)"
    )
    blocked = (
        f"(CASE WHEN {a}.depends_on = '[]' THEN 0 WHEN EXISTS (SELECT 1 FROM json_each({a}.depends_on) j "
        f"JOIN task d ON d.id = j.value WHERE d.deleted = 0 AND d.status IN ({_OPEN_SQL})) THEN {BLOCKED_POINTS} ELSE 0 END)"
    )
    blocking = (
        f"(CASE WHEN {a}.id IN (SELECT j.value FROM task o, json_each(o.depends_on) j "
        f"WHERE o.depends_on != '[]' AND o.deleted = 0 AND o.status IN ({_OPEN_SQL})) THEN {BLOCKING_POINTS} ELSE 0 END)"
    )
    # Closed tasks have no urgency: skipping their terms also halves the work.
    return f"(CASE WHEN {a}.status IN ({_OPEN_SQL}) THEN {due} + {priority} + {publish} + {blocking} + {blocked} + {status} + {age} ELSE 0 END)"


@dataclass(frozen=True)
class UrgencyTerm:
    name: str
    points: float
    why: str


def _step(hours: float, steps: tuple[tuple[int, float], ...]) -> float:
    for limit, points in steps:
        if hours <= limit:
            return points
    return 0.0


def explain(
    *,
    now: dt.datetime,
    due_utc: str | None,
    priority: str,
    publish_utc: str | None,
    status: str,
    created_at: str | None,
    blocking: bool,
    blocked: bool,
) -> list[UrgencyTerm]:
    """The score term by term, each with the reason it counts."""
    if status not in OPEN_STATUSES:
        return [UrgencyTerm("closed", 0.0, f"{status}: a closed task has no urgency")]
    terms: list[UrgencyTerm] = []
    if due_utc:
        due = parse_utc(due_utc)
        hours = (due - now).total_seconds() / 3600
        # "due in 3mo", "due 2d late": the words the task list uses, not 2,740 hours.
        if hours < 0:
            days = min(OVERDUE_DAYS_CAP, int(-hours // 24))
            terms.append(UrgencyTerm("due", OVERDUE_POINTS + OVERDUE_PER_DAY * days, f"due {relative(due, now)}"))
        else:
            terms.append(UrgencyTerm("due", _step(hours, DUE_STEPS), f"due {relative(due, now)}"))
    terms.append(UrgencyTerm("priority", PRIORITY_POINTS.get(priority, 0.0), f"priority {priority}"))
    if publish_utc:
        slot = parse_utc(publish_utc)
        hours = (slot - now).total_seconds() / 3600
        terms.append(UrgencyTerm("publishing", _step(hours, PUBLISH_STEPS) if hours >= 0 else 0.0, f"publish slot {relative(slot, now)}"))
    if blocking:
        terms.append(UrgencyTerm("blocking", BLOCKING_POINTS, "an open task waits for this one"))
    if blocked:
        terms.append(UrgencyTerm("blocked", BLOCKED_POINTS, "waits for an open task"))
    if status in STATUS_POINTS:
        terms.append(UrgencyTerm("in hand", STATUS_POINTS[status], f"status {status}"))
    if created_at:
        age_days = (now - parse_utc(created_at)).total_seconds() / 86400
        weeks = max(0, int(age_days // 7))
        created = "created today" if age_days < 1 else f"created {int(age_days)} d ago"
        terms.append(UrgencyTerm("age", min(AGE_CAP, AGE_PER_WEEK * weeks), created))
    return terms


def score(terms: list[UrgencyTerm]) -> float:
    return sum(t.points for t in terms)
