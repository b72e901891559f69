"""Recurring tasks: a rule in wall-clock time, instances that are plain tasks.

``every:weekday 09:00``, ``every:tue and thu 17:00 America/New_York``,
``every:month on the 1st`` (quick-add), or the same words on the detail
screen.  The rule is kept in the zone it was meant in, so the 09:00
stand-up stays at 09:00 local whatever UTC does; a time in a DST gap moves
forward, one in a fold is the first; a date the zone skipped has no
instance; a rule without a time (``eod``) is due at the end of the owner's
working day on the clock of the rule's zone, so it stays there when the
owner moves to another zone; "on the 31st" is the last day of shorter months.

Every instance is an ordinary task carrying ``series`` (the series id) and
``recurrence`` (the rule, the instance's date and the *template*: the
fields the next instance copies).  The id of an instance is derived from
the series and its date, so two replicas that both complete an instance,
or both notice that its time has passed, create the same next task: after
sync there is one.

* ``after_done`` (the completion hook, called by ``crewdeck done``,
  ``crewdeck set status=done`` and the app) creates the next instance: the
  first occurrence after the completed one that is still ahead.  One whose
  making an undo took back left the series, so done again it is made
  again, under its id; one deleted by hand is an occurrence skipped.
* ``catch_up`` gives every series whose latest instance is closed, deleted
  or past its time the next instance ahead of now (the app calls it on a
  timer; ``crewdeck tasks`` and the write commands call it too).
* ``edit`` changes "this one" (the instance only) or "all future ones"
  (this instance, the later ones that exist, and the template).
* ``set_rule`` changes the rule from this instance on (an open instance
  moves to the new rule's next occurrence); ``None`` ends it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import Op, same_write
from crewdeck.sync.state.records import ENTITIES, OPEN_STATUSES, TEMPLATE_FIELDS, WEEKDAYS
from crewdeck.sync.state.writes import Writer
from crewdeck.sync.state.zones import zone
from crewdeck.tui.tasks.behind import BEHIND
from crewdeck.tui.tasks.deadlines import end_of_day
from crewdeck.tui.time.roster import day_exists
from crewdeck.tui.time.when import (
    DEFAULT_DUE_TIME,
    DateError,
    clock_words,
    could_be_zone,
    joined_clocks,
    localize,
    names_a_zone,
    parse_time,
    parse_utc,
    split_clock,
    time_shaped,
    utc_iso,
    zone_after_time,
)
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member, Workspace

_DAY = dt.timedelta(days=1)
_DAY_WORDS = {
    **{d: (i,) for i, d in enumerate(WEEKDAYS)},
    **{full: (i,) for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    "tues": (1,),
    "thur": (3,),
    "thurs": (3,),
    "weekday": (0, 1, 2, 3, 4),
    "weekdays": (0, 1, 2, 3, 4),
    "weekend": (5, 6),
    "weekends": (5, 6),
}
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)?\Z")
_FILLERS = {"every", "on", "the", "and", "at", "of"}
_FREQ_WORDS = {
    "day": "daily",
    "daily": "daily",
    "days": "daily",
    "week": "weekly",
    "weekly": "weekly",
    "weeks": "weekly",
    "month": "monthly",
    "monthly": "monthly",
    "months": "monthly",
}
#: Taskwarrior's named recur words (task 2.6 takes these and no others): how many of which unit, a year being 12
#: months. The import reads recur:biannual by this table and quick-add's every:biannual by the same one.
TASKWARRIOR_RECUR = {
    "daily": (1, "daily"),
    "day": (1, "daily"),
    "weekly": (1, "weekly"),
    "week": (1, "weekly"),
    "biweekly": (2, "weekly"),
    "fortnight": (2, "weekly"),
    "monthly": (1, "monthly"),
    "month": (1, "monthly"),
    "bimonthly": (2, "monthly"),
    "quarterly": (3, "monthly"),
    "semiannual": (6, "monthly"),
    "yearly": (12, "monthly"),
    "annual": (12, "monthly"),
    "biannual": (24, "monthly"),  # every two years in Taskwarrior, as biyearly
    "biyearly": (24, "monthly"),
}
#: Every n-th week or month in one word: Taskwarrior's, and the plain English people type for them.
_COUNTED_WORDS = {
    **{word: named for word, named in TASKWARRIOR_RECUR.items() if named[0] > 1},
    "fortnightly": (2, "weekly"),
    "annually": (12, "monthly"),
    "year": (12, "monthly"),
    "years": (12, "monthly"),
}
#: Every n-th day, week or month: ``2 weeks``, ``3 months``.
_INTERVAL = re.compile(r"[0-9]{1,2}\Z")
UNITS = {"daily": "days", "weekly": "weeks", "monthly": "months"}
#: The most of each unit a rule may skip: the next date is always found within two years.
_MOST = {"daily": 99, "weekly": 52, "monthly": 24}
#: A unit typed after a number, as a refusal names it, and how many of its rule's units it is ("3 years" is 36 months).
_NOUNS = {
    **dict.fromkeys(("day", "days", "daily"), ("days", 1)),
    **dict.fromkeys(("week", "weeks", "weekly"), ("weeks", 1)),
    **dict.fromkeys(("month", "months", "monthly"), ("months", 1)),
    **dict.fromkeys(("year", "years"), ("years", 12)),
}
#: "eod": no time of day, the end of the owner's working day.
EOD = "eod"


@dataclass(frozen=True)
class Rule:
    freq: str
    #: Weekdays (Monday 0) for weekly rules.
    days: tuple[int, ...]
    #: Day of the month (1-31, -1 for the last) for monthly rules.
    monthday: int | None
    #: Wall-clock time; ``None`` for the end of the owner's working day.
    time: dt.time | None
    tz: str
    #: Every ``interval``-th day, week or month, counted from the one ``anchor`` falls in.
    interval: int = 1
    anchor: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        every = {"interval": self.interval, "anchor": self.anchor.isoformat()} if self.interval > 1 and self.anchor else {}
        return {
            "freq": self.freq,
            "days": [WEEKDAYS[d] for d in self.days],
            "monthday": self.monthday,
            "time": self.time.strftime("%H:%M") if self.time else None,
            "tz": self.tz,
            **every,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rule:
        time = parse_time(data["time"]) if data["time"] else None
        anchor = dt.date.fromisoformat(data["anchor"]) if data.get("anchor") else None
        days = tuple(WEEKDAYS.index(d) for d in data["days"])
        return cls(data["freq"], days, data["monthday"], time, data["tz"], data.get("interval", 1), anchor)

    def matches(self, day: dt.date) -> bool:
        return self._in_period(day) and self._on_day(day)

    def _on_day(self, day: dt.date) -> bool:
        if self.freq == "weekly":
            return day.weekday() in self.days
        if self.freq == "monthly":
            assert self.monthday is not None
            last = calendar.monthrange(day.year, day.month)[1]
            wanted = last if self.monthday == -1 else min(self.monthday, last)
            return day.day == wanted
        return True

    def _in_period(self, day: dt.date) -> bool:
        """Whether ``day``'s day, week or month is one the rule repeats in (every one, or every n-th from the anchor's)."""
        if self.interval == 1 or self.anchor is None:
            return True
        if self.freq == "weekly":
            periods = ((day - dt.timedelta(days=day.weekday())) - (self.anchor - dt.timedelta(days=self.anchor.weekday()))).days // 7
        elif self.freq == "monthly":
            periods = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
        else:
            periods = (day - self.anchor).days
        return periods % self.interval == 0

    def next_day(self, after: dt.date) -> dt.date:
        """The first date after ``after`` the rule falls on (and the zone has)."""
        day = after + _DAY
        for _ in range(800):
            if self.matches(day) and day_exists(self.tz, day):
                return day
            day += _DAY
        raise ValueError(f"rule {self.text()} has no date within two years of {after}")

    def text(self) -> str:
        """``every weekday 09:00 America/New_York``, ``every 2 weeks on thu 17:00 UTC``: the words ``parse_rule`` reads back."""
        if self.freq == "daily":
            what = "day"
        elif self.freq == "weekly":
            what = "weekday" if self.days == (0, 1, 2, 3, 4) else ",".join(WEEKDAYS[d] for d in self.days)
        else:
            assert self.monthday is not None
            what = "month on the last" if self.monthday == -1 else f"month on the {ordinal(self.monthday)}"
        if self.interval > 1:
            unit = f"{self.interval} {UNITS[self.freq]}"
            what = unit if self.freq == "daily" else f"{unit} on {what.removeprefix('month on ')}"
        return f"every {what} {self.time.strftime('%H:%M') if self.time else EOD} {self.tz}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def is_rule_word(word: str, following: list[str], before: list[str]) -> bool:
    """Whether quick-add's ``every:`` goes on through ``word`` (given the rule's words ``before`` it and the words after it)."""
    w = word.lower().strip(",")
    if not w:
        return False
    if all(part in _DAY_WORDS for part in w.split(",") if part):
        return True
    # Taskwarrior's words (quarterly, yearly, 2 years) only open a rule: later they are the title's ("every:mon annual plan").
    opening = not before
    after_count = len(before) == 1 and _INTERVAL.match(before[0]) is not None
    if w in _COUNTED_WORDS and (after_count or (opening and w not in ("year", "years"))):
        return True
    if w in _FREQ_WORDS or w == "last" or (_ORDINAL.match(w) and not w.isdigit()):
        return True
    if _INTERVAL.match(w) and bool(following) and following[0].lower() in (*_FREQ_WORDS, *(("year", "years") if opening else ())):
        return True  # "2 weeks", "2 years"
    # A rule has one time, as a due date has: a second is the title's ("every:day 10:00 midnight sale"); eod with a time
    # is taken, for parse_rule to refuse, as due: takes "fri 17:00 eod".
    if w == EOD:
        return not any(word.lower() == EOD for word in before)
    if time_shaped(word) or split_clock([word, *following[:1]], 0) is not None:  # 17:00, 5pm, 5 pm
        return not clock_words(before)
    if could_be_zone(word):
        return True
    # Connecting words only when a rule word follows them.
    return w in _FILLERS and bool(following) and is_rule_word(following[0], following[1:], [*before, word])


def parse_rule(words: list[str], default_tz: str, today: dt.date) -> Rule:
    """The rule in ``words`` (``weekday 09:00``, ``tue and thu 17:00 America/New_York``, ``month on the 1st``)."""
    days: set[int] = set()
    freq: str | None = None
    monthday: int | None = None
    time: dt.time | None = None
    tz = default_tz
    interval = 1
    #: A number waiting for its unit ("2" of "2 weeks").
    count: int | None = None
    #: The interval as typed (3, "years"), for a refusal in the user's words.
    typed: tuple[int, str] = (1, "")
    #: The rule's time (or eod) as typed: it has one.
    clock: str | None = None
    for word in joined_clocks(words):  # "10 am" is a time, not a count of something
        for typed_part in filter(None, word.split(",")):
            part = typed_part.lower()
            if count is not None and part not in _FREQ_WORDS and part not in ("year", "years"):
                raise DateError(f"every {count}: a number of days, weeks, months or years (every 2 weeks)")
            if part in _FILLERS:
                continue
            if _INTERVAL.match(part):
                count = int(part)
                if count < 1:
                    raise DateError("every 0: repeat every 1 or more days, weeks, months or years")
            elif part in _DAY_WORDS:
                days.update(_DAY_WORDS[part])
            elif part in _FREQ_WORDS:
                freq = _FREQ_WORDS[part]
                if count:
                    typed = (count, part)
                interval, count = count or interval, None
            elif part in _COUNTED_WORDS:  # biweekly; 2 years
                interval, freq = _COUNTED_WORDS[part]
                typed = (count or 1, part)
                interval, count = interval * (count or 1), None
            elif part == "last":
                monthday = -1
            elif part == EOD:
                clock, time = _one_clock(clock, typed_part), None
            elif (m := _ORDINAL.match(part)) and m.group(2):
                monthday = int(m.group(1))
                if not 1 <= monthday <= 31:
                    raise DateError(f"{word!r} is not a day of the month")
            elif names_a_zone(word) or (time is not None and zone_after_time(word)):
                zone(word)
                tz = word
            elif time_shaped(part):
                clock, time = _one_clock(clock, typed_part), parse_time(typed_part)
            else:
                try:
                    time = parse_time(typed_part)
                except DateError:
                    raise DateError(
                        f"{word!r} is not part of a repeat rule (try weekday 09:00, tue and thu 17:00, month on the 1st)"
                    ) from None
                clock = _one_clock(clock, typed_part)
    if count is not None:
        raise DateError(f"every {count}: a number of days, weeks, months or years (every 2 weeks)")
    if interval > 1 and days and freq != "weekly":
        raise DateError(f"{_typed(*typed)} …: say weeks (every 2 weeks on tue)")
    rule = _rule(freq, days, monthday, time, tz, today)
    if interval > _MOST[rule.freq]:
        raise _too_many(*typed, rule.freq)
    if interval == 1:
        return rule
    # Counted from the day, week or month of the first date the rule falls on.
    first = next(today + n * _DAY for n in range(62) if rule.matches(today + n * _DAY))
    return replace(rule, interval=interval, anchor=first)


def _one_clock(given: str | None, typed: str) -> str:
    """``typed``, the rule's time (or eod), refused after ``given``, another: a rule has one time, as a due date has."""
    if given is None:
        return typed
    if EOD in (given.lower(), typed.lower()):
        raise DateError("eod is a time of its own: give eod or a time, not both")
    raise DateError(f"{typed!r}: a rule has one time, and {given} is it already")


def _too_many(count: int, word: str, freq: str) -> DateError:
    """The refusal of an interval over the most, in the unit typed: ``every 3 years: at most 2 years``, where it said
    "every 36 months: at most 24"."""
    noun, per = _NOUNS.get(word, (UNITS[freq], 1))
    return DateError(f"every {count} {noun}: at most {_MOST[freq] // per} {noun}")


def _typed(count: int, word: str) -> str:
    """``every 2 years``, ``every year``, ``quarterly``: an interval as typed, its unit as a refusal names it (it said
    "every 1 years" and "every quarterly")."""
    if word not in _NOUNS:
        return word
    noun = _NOUNS[word][0]
    return f"every {noun.removesuffix('s')}" if count == 1 else f"every {count} {noun}"


def _rule(freq: str | None, days: set[int], monthday: int | None, time: dt.time | None, tz: str, today: dt.date) -> Rule:
    if monthday is not None:
        if days:
            raise DateError("a rule repeats on weekdays or on a day of the month, not both")
        if freq in ("daily", "weekly"):  # no weekday typed: the unit is what is wrong
            raise DateError(f"a day of the month repeats by months, not {UNITS[freq]} (every month on the 1st, every 2 months on the 1st)")
        return Rule("monthly", (), monthday, time, tz)
    if freq == "monthly":
        return Rule("monthly", (), today.day, time, tz)
    if days:
        return Rule("weekly", tuple(sorted(days)), None, time, tz)
    if freq == "weekly":
        return Rule("weekly", (today.weekday(),), None, time, tz)
    if freq == "daily":
        return Rule("daily", (), None, time, tz)
    raise DateError("every: needs days (weekday, tue and thu, day) or a day of the month (month on the 1st)")


def in_owners_zone(rule: Rule, words: list[str], owner: Member) -> Rule:
    """``rule`` read from ``words`` in the setter's zone, moved to ``owner``'s when it says no time and names no zone:
    the end of the owner's working day, on the owner's clock (``every:weekday`` for raj in Kolkata ends at 18:30 IST,
    whoever sets it)."""
    if rule.time is None and not any(could_be_zone(word) for word in words):
        return replace(rule, tz=owner.tz)
    return rule


def rule_owner(ws: Workspace, task_id: str, changes: Mapping[str, Any], *, future: bool = False) -> Member | None:
    """Whose working day a rule with no time ends for the task, as ``start_series`` (the task as ``changes`` leave it)
    and ``set_rule`` (its series' template, as ``changes`` leave it with ``future``) read it."""
    task = {**ws.task(task_id), **changes}
    if task["series"] and task["recurrence"]:
        return _series_owner(ws, task, _template_updates(changes, future))
    return _owner(ws, task, task["created_by"])


def _series_owner(ws: Workspace, task: dict[str, Any], template_updates: Mapping[str, Any]) -> Member | None:
    """Whose working day a rule with no time ends on for ``task``'s series: its template's, as ``template_updates`` leave it."""
    return _owner(ws, _with_template(ws, task["recurrence"], template_updates)["template"], _maker(ws, task))


def _template_updates(changes: Mapping[str, Any], future: bool) -> dict[str, Any]:
    """What of ``changes`` goes to a series' template: its template fields, when they are for all future instances."""
    return {k: v for k, v in changes.items() if k in TEMPLATE_FIELDS} if future else {}


def occurrence(rule: Rule, day: dt.date, owner: Member | None) -> dt.datetime:
    """The instant of the rule's occurrence on local ``day`` (UTC)."""
    if rule.time is not None:
        return localize(dt.datetime.combine(day, rule.time), zone(rule.tz)).astimezone(dt.UTC)
    if owner is not None:
        # The owner's working day on the clock the rule was set on: it stays there when they move.
        return end_of_day(owner, day, rule.tz)
    return localize(dt.datetime.combine(day, DEFAULT_DUE_TIME), zone(rule.tz)).astimezone(dt.UTC)


def next_ahead(rule: Rule, after: dt.date, owner: Member | None, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The first occurrence after date ``after`` whose instant is still ahead of ``now``."""
    # Missed occurrences are not made up for: start the search near now.
    day = max(after, now.astimezone(zone(rule.tz)).date() - 2 * _DAY)
    while True:
        day = rule.next_day(day)
        instant = occurrence(rule, day, owner)
        if instant > now:
            return day, instant


def instance_id(series: str, day: dt.date) -> str:
    """The id every replica gives the series' instance on ``day``."""
    import hashlib  # here: OpenSSL's import is a cost the app's start need not pay

    return hashlib.sha256(f"crewdeck-series:{series}:{day.isoformat()}".encode()).hexdigest()[:32]


def template_of(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in TEMPLATE_FIELDS if values.get(k) not in (None, "", [])}


def first_instance(values: dict[str, Any], rule: Rule, owner: Member | None, now: dt.datetime) -> dict[str, Any]:
    """A new series from quick-add's fields: the first instance, due at the rule's next occurrence."""
    day, instant = next_ahead(rule, now.astimezone(zone(rule.tz)).date() - _DAY, owner, now)
    return {
        **values,
        "series": new_id(),
        "due": {"utc": utc_iso(instant), "tz": rule.tz},
        "recurrence": {"rule": rule.to_json(), "on": day.isoformat(), "template": template_of(values)},
    }


def id_for(values: dict[str, Any]) -> str | None:
    """The id a new task with these values gets: derived for a series instance, else random (``None``)."""
    if not values.get("series") or not values.get("recurrence"):
        return None
    return instance_id(values["series"], dt.date.fromisoformat(values["recurrence"]["on"]))


def _owner(ws: Workspace, template: dict[str, Any], created_by: str | None) -> Member | None:
    member_id = template.get("assignee") or created_by
    return ws.member(member_id) if member_id else None


def _maker(ws: Workspace, task: dict[str, Any]) -> str | None:
    """Who made the series (its first instance's maker): the owner of its clock when nobody is assigned.

    Later instances are made by whoever closed the one before (the rules hold
    ``created_by`` to the writing member), so their own makers vary.
    """
    row = ws.conn.execute(
        "SELECT created_by FROM task WHERE series = ? ORDER BY json_extract(recurrence, '$.on'), created_at LIMIT 1", (task["series"],)
    ).fetchone()
    maker: str | None = row[0] if row and row[0] else task["created_by"]
    return maker


def _takeable(ws: Workspace, template: dict[str, Any]) -> dict[str, Any]:
    """The series' template, without what the rules refuse a task to name: an assignee who is removed, a guest or no
    member here, a campaign the workspace does not hold (``unknown_member``, ``unknown_campaign``).  A change made behind
    ``member rm``'s back, or a record pulled before what it names, may leave a series naming them.  The next instance,
    and the series after it, go to nobody, in no campaign, as ``member rm --unassign`` hands them on; closing the one
    before, or listing tasks, is never refused for it."""
    # The rules load when first asked, as the store loads them: not for the app's first paint.
    from crewdeck.sync.state.filerules import FileRuleState
    from crewdeck.sync.state.rules import assignee_refused

    state = FileRuleState(ws.conn)
    assignee, campaign = template.get("assignee"), template.get("campaign")
    left_out = set()
    if isinstance(assignee, str):
        facts = state.member(assignee)
        if facts is None or assignee_refused(facts) is not None:
            left_out.add("assignee")
    if isinstance(campaign, str) and not state.record_exists("campaign", campaign):
        left_out.add("campaign")
    return {k: v for k, v in template.items() if k not in left_out} if left_out else template


def _rewritten(ws: Workspace, recurrence: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """An instance's ``recurrence`` with ``changes``, written again: its template as ``_takeable`` leaves it, as the rules
    refuse a write that names a guest or a removed member there (``guest_assignee``, ``removed_assignee``)."""
    return {**recurrence, "template": _takeable(ws, recurrence["template"]), **changes}


def _create_next(ws: Workspace, w: Writer, task: dict[str, Any], after: dt.date, now: dt.datetime) -> str | None:
    recurrence = task["recurrence"]
    rule = Rule.from_json(recurrence["rule"])
    template = _takeable(ws, recurrence["template"])
    day, instant = next_ahead(rule, after, _owner(ws, template, _maker(ws, task)), now)
    task_id = instance_id(task["series"], day)
    values: dict[str, Any] = {
        **template,
        "status": "todo" if template.get("assignee") else "inbox",
        "due": {"utc": utc_iso(instant), "tz": rule.tz},
        "series": task["series"],
        "recurrence": {"rule": recurrence["rule"], "on": day.isoformat(), "template": template},
    }
    held = ws.store.record("task", task_id)
    if held is None:
        w.create("task", {**values, "created_by": w.member, "created_at": utc_iso(now)}, row_id=task_id)
    elif held["deleted"] and held["series"] is None and _taken_back_by_undo(history := ws.store.history(task_id)):
        w.set("task", task_id, _made_again(history, held, values))
    else:
        return None  # made already, here or by another replica (or deleted from the series: that occurrence is skipped)
    return task_id


def _taken_back_by_undo(history: list[Op]) -> bool:
    """Whether an instance, deleted and out of its series, was last deleted by the undo of its making, which took it out
    of its series in the same write.  A deletion made or stamped since (a teammate's ``rm``, synced later) skips that
    occurrence as any other ``rm`` does: the instance is not made again over it."""
    newest = {op.field: op for op in history}
    deleted, series = newest.get("deleted"), newest.get("series")
    return deleted is not None and series is not None and same_write(deleted, series)


def _made_again(history: list[Op], held: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """What makes an instance again whose making an undo took back (``history``: its operations, oldest first): back in
    the series, with ``values`` (the series' own now) in each field that holds what it was made with.  A field someone
    changed since keeps their change, as a redo of its making would; its maker and time of making stay."""
    made = {op.field: json.loads(op.value) for op in history if same_write(op, history[0])}
    fields = ENTITIES["task"].by_name
    again: dict[str, Any] = {"deleted": False, "series": values["series"]}
    for name in dict.fromkeys([*values, *made]):
        if name in again or name in ("created_by", "created_at"):
            continue
        default = fields[name].default
        now_value = values.get(name, default)
        if held[name] != now_value and held[name] == made.get(name, default):
            again[name] = now_value
    return again


def after_done(ws: Workspace, w: Writer, task_id: str, now: dt.datetime) -> str | None:
    """The completion hook: ``task_id`` is being closed in ``w``; create its series' next instance.

    Returns the new instance's id, or ``None`` (not recurring, the series
    ended, or the next instance exists already).
    """
    task = ws.task(task_id)
    recurrence = task["recurrence"]
    if not task["series"] or not recurrence or not recurrence["rule"]:
        return None
    if _latest_on(ws, task["series"]) > recurrence["on"]:
        return None  # a later instance exists: this one is not the series' front
    return _create_next(ws, w, task, dt.date.fromisoformat(recurrence["on"]), now)


def done_fields(ws: Workspace, task_id: str, now: dt.datetime) -> dict[str, Any]:
    """What closing ``task_id`` as done writes: its status; a post's publication.

    A post is done by being published, as ``d`` does in the app: only an
    approved or scheduled one (``PostRefused`` otherwise, before anything is
    written); a post done already stays as it is.  ``crewdeck done``, ``crewdeck set status=done`` and every
    edit of the app close a task through here.
    """
    task = ws.task(task_id)
    if task["post_state"] is None or task["status"] == "done":
        return {"status": "done"}
    # The posts' rules: imported when a post is closed, not by every command that closes tasks.
    from crewdeck.tui.posts.writing import published_fields

    return published_fields(ws.store, task_id, now)


def cancelled_fields(ws: Workspace, task_id: str, now: dt.datetime) -> dict[str, Any]:
    """What cancelling ``task_id`` writes: its status; a post is pulled from its slot, as ``post pull`` does.

    A published post is not cancelled (``PostRefused``, before anything is
    written); a post pulled already stays as it is.
    """
    task = ws.task(task_id)
    if task["post_state"] in (None, "pulled"):
        return {"status": "cancelled"}
    # The posts' rules: imported when a post is cancelled, not by every command that closes tasks.
    from crewdeck.tui.posts.writing import pulled_fields

    return pulled_fields(ws.store, task_id, now)


#: What closing a task with each closed status writes (a post's state stands for its task's status).
CLOSING = {"done": done_fields, "cancelled": cancelled_fields}


def mark_done(ws: Workspace, w: Writer, task_id: str, now: dt.datetime) -> str | None:
    """Set ``task_id`` done (a post: published) and run the completion hook."""
    w.set("task", task_id, done_fields(ws, task_id, now))
    return after_done(ws, w, task_id, now)


def _instances(ws: Workspace, series: str) -> list[tuple[str, dict[str, Any]]]:
    ids = [r[0] for r in ws.conn.execute("SELECT id FROM task WHERE series = ?", (series,))]
    found = [(i, ws.task(i)) for i in ids]
    return sorted((pair for pair in found if pair[1]["recurrence"]), key=lambda p: p[1]["recurrence"]["on"])


def has_instances(ws: Workspace, series: str) -> bool:
    """Whether the workspace holds a task of ``series`` (an import made its instance already)."""
    return ws.conn.execute("SELECT 1 FROM task WHERE series = ? LIMIT 1", (series,)).fetchone() is not None


def _latest_on(ws: Workspace, series: str) -> str:
    row = ws.conn.execute("SELECT max(json_extract(recurrence, '$.on')) FROM task WHERE series = ?", (series,)).fetchone()
    return str(row[0])


def catch_up(ws: Workspace, w: Writer, now: dt.datetime) -> list[str]:
    """Give each live series whose latest instance is closed, deleted or past its time its next instance."""
    made = []
    for (task_id,) in ws.conn.execute(BEHIND, {"now": utc_iso(now)}).fetchall():
        latest = ws.task(task_id)
        created = _create_next(ws, w, latest, dt.date.fromisoformat(latest["recurrence"]["on"]), now)
        if created:
            made.append(created)
    return made


def _later(ws: Workspace, task: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    on = task["recurrence"]["on"]
    return [(i, t) for i, t in _instances(ws, task["series"]) if t["recurrence"]["on"] > on and not t["deleted"]]


def edit(ws: Workspace, w: Writer, task_id: str, values: dict[str, Any], *, future: bool, typed: dt.time | None = None) -> list[str]:
    """Set ``values`` on this instance, or ("all future ones") on it, the later ones and the template.

    A new due for all future ones moves the rule's time of day to the due's
    wall-clock time in its zone: ``typed``, the time as typed, where given
    (02:30 typed for a night that skips it is stored as 03:30, and the rule
    is still 02:30).  Returns the ids changed.
    """
    task = ws.task(task_id)
    if not future or not task["series"] or not task["recurrence"]:
        w.set("task", task_id, values)
        return [task_id]
    retimed: dict[str, Any] = {}
    if "due" in values and task["recurrence"]["rule"] and values["due"]:
        due = values["due"]
        rule = Rule.from_json(task["recurrence"]["rule"])
        local = parse_utc(due["utc"]).astimezone(zone(due["tz"]))
        new_rule = replace(rule, time=typed or local.time().replace(second=0), tz=due["tz"])
        changed = _retime(ws, w, task_id, new_rule)
        values = {k: v for k, v in values.items() if k != "due"}
        if not values:
            return changed
        retimed = {"rule": new_rule.to_json()}  # the rule as this write leaves it: the rows still hold the old one
    targets = [(task_id, task), *_later(ws, task)]
    template_updates = _template_updates(values, future=True)
    for target_id, target in targets:
        updates = dict(values)
        if template_updates:
            updates["recurrence"] = _with_template(ws, {**target["recurrence"], **retimed}, template_updates)
        w.set("task", target_id, updates)
    return [t for t, _ in targets]


def _with_template(ws: Workspace, recurrence: dict[str, Any], template_updates: Mapping[str, Any]) -> dict[str, Any]:
    """``recurrence`` with its template given ``template_updates`` (a field emptied is dropped from it)."""
    template = {**_takeable(ws, recurrence["template"]), **template_updates}
    return {**recurrence, "template": {k: v for k, v in template.items() if v not in (None, "", [])}}


def set_rule(
    ws: Workspace, w: Writer, task_id: str, rule: Rule | None, now: dt.datetime, *, future: bool, edited: Mapping[str, Any] | None = None
) -> list[str]:
    """A new rule from this instance on, or (``None``) the end of the series.

    The new rule moves an open instance to its next occurrence: the first on
    or after the instance's date that is still ahead of ``now`` (a Thursday
    stand-up given ``every=tue 10:00`` moves to Tuesday 10:00).  "This one"
    changes this instance, and so the ones the series makes after it;
    ``future`` also the later instances that exist already, each to the
    occurrence after the one before.  Ending the series deletes the later
    open instances either way.  ``edited``: what the same write set with
    ``edit`` (its template fields, with ``future``, are the template's now:
    this rewrite of the recurrence must not put the old ones back).
    """
    task = ws.task(task_id)
    template_updates = _template_updates(edited or {}, future)
    if not task["series"] or not task["recurrence"]:
        raise UserError(f"task {task_id[:8]} is not recurring: every=none ends a series, and it is in none (every=RULE starts one)")
    targets = [(task_id, task), *_later(ws, task)]
    if rule is None:
        for target_id, target in targets:
            updates: dict[str, Any] = {"recurrence": _rewritten(ws, _with_template(ws, target["recurrence"], template_updates), rule=None)}
            if target_id != task_id and target["status"] in OPEN_STATUSES:
                updates["deleted"] = True  # the series ends here: later instances go
            w.set("task", target_id, updates)
        return [t for t, _ in targets]
    owner = _series_owner(ws, task, template_updates)
    earliest: dt.date | None = None
    for target_id, target in targets if future else targets[:1]:
        recurrence = _rewritten(ws, _with_template(ws, target["recurrence"], template_updates), rule=rule.to_json())
        updates = {"recurrence": recurrence}
        if target["status"] in OPEN_STATUSES:
            on = dt.date.fromisoformat(target["recurrence"]["on"])
            # Only ever forward: an instance's id is derived from the date it was made for,
            # and a later date the series reaches must not be one an instance moved away from.
            on = max(on, earliest) if earliest else on
            day, instant = next_ahead(rule, on - _DAY, owner, now)
            recurrence["on"] = day.isoformat()
            updates["due"] = {"utc": utc_iso(instant), "tz": rule.tz}
            earliest = day + _DAY
        w.set("task", target_id, updates)
    return [t for t, _ in (targets if future else targets[:1])]


def _retime(ws: Workspace, w: Writer, task_id: str, rule: Rule) -> list[str]:
    """A new time of day for the rule from this instance on: open instances keep their dates."""
    task = ws.task(task_id)
    owner = _owner(ws, _takeable(ws, task["recurrence"]["template"]), _maker(ws, task))
    changed = []
    for target_id, target in [(task_id, task), *_later(ws, task)]:
        updates: dict[str, Any] = {"recurrence": _rewritten(ws, target["recurrence"], rule=rule.to_json())}
        if target["status"] in OPEN_STATUSES:
            instant = occurrence(rule, dt.date.fromisoformat(target["recurrence"]["on"]), owner)
            updates["due"] = {"utc": utc_iso(instant), "tz": rule.tz}
        w.set("task", target_id, updates)
        changed.append(target_id)
    return changed


def start_series(ws: Workspace, w: Writer, task_id: str, rule: Rule, now: dt.datetime, changes: Mapping[str, Any] | None = None) -> str:
    """Make an ordinary task recurring: it becomes the series' first instance, due at its next occurrence.

    ``changes``: what the same write sets on the task before (``set ID assignee=@ana every=mon``): the template copies
    the task as they leave it."""
    task = {**ws.task(task_id), **(changes or {})}
    if task["series"]:
        raise UserError(f"task {task_id[:8]} already recurs: change its rule instead")
    if (task["status"] or "inbox") in OPEN_STATUSES:  # a task never given a status is in the inbox
        values = first_instance(template_of(task), rule, _owner(ws, task, task["created_by"]), now)
        w.set("task", task_id, {k: values[k] for k in ("series", "due", "recurrence")})
        return task_id
    # A closed task stays as it was closed, its due its own, the occurrence of its day (today's, with none); the series'
    # next instance is the rule's next occurrence.  Moved to that occurrence, it had the next made for the one after.
    due = task["due"]
    day = parse_utc(due["utc"]).astimezone(zone(rule.tz)).date() if due else now.astimezone(zone(rule.tz)).date()
    recurrence = {"rule": rule.to_json(), "on": day.isoformat(), "template": template_of(task)}
    started = {"series": new_id(), "recurrence": recurrence}
    w.set("task", task_id, started)
    # As the completion hook makes it, from the task as this write leaves it: after_done reads the saved row, which
    # has no series until the commit, and the next instance would wait for a listing's catch_up, made by its reader.
    _create_next(ws, w, {**task, **started}, day, now)
    return task_id
