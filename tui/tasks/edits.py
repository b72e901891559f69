"""Turning what a person types for a task field into the value stored.

``crewdeck set ID due="fri 17:00"`` and the app's edit screen both go
through ``task_values``, so a field accepts the same text everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from crewdeck.sync.state.oplog import same_write
from crewdeck.sync.state.records import OPEN_STATUSES, PRIORITIES, TASK_STATUSES
from crewdeck.sync.state.writes import Writer
from crewdeck.sync.state.zones import zone
from crewdeck.tui.posts.reading import shared_publish
from crewdeck.tui.tasks import recurrence
from crewdeck.tui.tasks.estimates import typed_estimate
from crewdeck.tui.tasks.priorities import PRIORITY_WORDS
from crewdeck.tui.tasks.quickadd import overdue_words, parse_due, publish_slot
from crewdeck.tui.time.roster import day_spans, week_of, working_week
from crewdeck.tui.time.when import DateError, Moment, format_local, parse_moment_text, parse_utc, typed_clock
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member, Workspace

EDITABLE = (
    "title",
    "notes",
    "status",
    "assignee",
    "priority",
    "campaign",
    "platform",
    "due",
    "publish",
    "tags",
    "depends_on",
    "estimate",
    "snoozed_until",
    "duplicate_of",
    "decline_reason",
)
#: The status of a task marked a duplicate of another (the app's ``m``, ``set duplicate_of=``): it is not worked on.
DUPLICATE_STATUS = "cancelled"
_NONE = ("", "none", "-")


def _ids(ws: Workspace, text: str) -> list[str]:
    return [ws.resolve("task", part) for part in re.split(r"[,\s]+", text.strip()) if part]


def field_value(
    ws: Workspace,
    name: str,
    text: str,
    me: Member,
    now: dt.datetime,
    current: Any = None,
    *,
    owner: Member | None = None,
    audience_tz: str | None = None,
    platform: str | None = None,
    clock24: bool = True,
) -> Any:
    """The stored value for ``name`` from ``text`` (``current`` for ``+=``/``-=`` lists).

    ``owner`` (the task's assignee) decides what a due date alone means (the
    end of their working day); ``audience_tz`` is the zone a publish slot is
    read in (the campaign's audience), and ``platform``'s first peak hour
    still ahead the time of a slot given as a day alone, as in quick-add.
    ``clock24``: the reader's clock, for a time said in a refusal.
    """
    raw = text.strip()
    lowered = raw.lower()
    if name == "title":
        return raw  # as quick-add takes it: "title= Hero copy" sorted first, and sat out of line in every list
    if name in ("notes", "decline_reason"):
        return text
    if name == "status":
        if lowered not in TASK_STATUSES:
            raise UserError(f"status: {raw!r} is not one of {', '.join(TASK_STATUSES)}")
        return lowered
    if name == "priority":
        value = PRIORITY_WORDS.get(lowered, lowered)
        if value not in PRIORITIES:
            raise UserError(f"priority: {raw!r} is not one of {', '.join(PRIORITIES)}")
        return value
    if name == "assignee":
        member = None if lowered in _NONE else ws.assignee_named(raw, me)
        return member.id if member else None
    if name == "campaign":
        return None if lowered in _NONE else ws.campaign_by_name(raw).id
    if name == "platform":
        return None if lowered in _NONE else lowered
    if name in ("due", "publish"):
        if lowered.startswith(f"{name}:") and raw[len(name) + 1 :].strip():
            # As quick-add writes it (due:tmrw), typed by habit into the box that is the date, or after set's due=: the
            # word before the colon names the field this is already ("due:" alone is no date still, never none).
            raw = raw[len(name) + 1 :].strip()
            lowered = raw.lower()
        if lowered in _NONE:
            return None
        try:
            if name == "publish":
                return publish_slot(raw.split(), audience_tz or me.tz, platform, shared_publish(ws.conn), now).value()
            return parse_due(raw.split(), owner or me, me.tz, now).value()
        except (DateError, ValueError) as exc:
            raise UserError(f"{name}: {exc}") from None
    if name == "snoozed_until":
        if lowered in _NONE:
            return None
        try:
            return _snooze_moment(raw, me, now, clock24).value()
        except (DateError, ValueError) as exc:
            raise UserError(f"snooze: {exc}") from None
    if name == "tags":
        return [t.lstrip("#") for t in re.split(r"[,\s]+", raw) if t.strip("#")]
    if name == "depends_on":
        return [] if lowered in _NONE else _ids(ws, raw)
    if name == "duplicate_of":
        return None if lowered in _NONE else ws.resolve("task", raw)
    if name == "estimate":
        return None if lowered in _NONE else typed_estimate(raw)
    raise _not_a_field(name)


def _not_a_field(name: str) -> UserError:
    """``name`` is no field ``set`` takes: said with the one it may have meant (``prio``: priority), else every one."""
    import difflib  # only for a mistyped field: a plain task list imports this module

    close = difflib.get_close_matches(name, EDITABLE, n=1, cutoff=0.6)
    return UserError(f"{name!r} is not a task field you can set ({f'did you mean {close[0]}?' if close else ', '.join(EDITABLE)})")


#: How far a snooze to a day off looks for the working day it wakes on.
_WAKE_REACH = 14


def _snooze_moment(text: str, me: Member, now: dt.datetime, clock24: bool) -> Moment:
    """A snooze as typed: in ``me``'s zone unless it names one.  A day alone on ``me``'s clock wakes as their working day
    starts (on a day they do not work, as their next one does: the task is back before they are); on another's clock,
    or for one with no hours, at 08:00."""
    works, week_starts = working_week(me)  # snooze:eow, as due:eow reads the week: theirs
    moment = _wake_moment(parse_moment_text(text, me.tz, now, dt.time(8, 0), works, week_starts), me)
    if moment.instant <= now:
        # It would wake at once, hiding nothing, and be said as snoozed.
        raise DateError(
            f"{format_local(moment.instant, moment.tz, now, clock24=clock24)} has passed already: snooze to a later time (none wakes it now)"
        )
    return moment


def wakes_overdue(task: dict[str, Any], snoozed: dict[str, str] | None, now: dt.datetime) -> str | None:
    """What to say of a snooze that wakes an open ``task`` after its due date, in the words ``add`` and ``set`` say a
    due date already passed in (``wakes already overdue by 1d``): it hides the task past its deadline.  ``None`` for a
    snooze that wakes before it or woke already (at ``now``), a task with no due date, or a closed one, not late."""
    if not snoozed or not task["due"] or (task["status"] or "inbox") not in OPEN_STATUSES:
        return None
    wakes = parse_utc(snoozed["utc"])
    late = overdue_words({"due": task["due"]}, wakes) if wakes > now else None
    return f"wakes {late}" if late else None


def _wake_moment(moment: Moment, me: Member) -> Moment:
    if moment.has_time or moment.tz != me.tz:
        return moment
    week = week_of(me)
    first = moment.instant.astimezone(zone(me.tz)).date()
    for day in (first + dt.timedelta(days=n) for n in range(_WAKE_REACH)):
        spans = day_spans(week, day)
        if spans:
            return Moment(min(span.start for span in spans), me.tz, False)
    return moment


def task_values(ws: Workspace, task_id: str, assignments: list[str], me: Member, now: dt.datetime, clock24: bool = True) -> dict[str, Any]:
    """``["status=done", "tags+=urgent"]`` -> the fields to set on ``task_id``."""
    values: dict[str, Any] = {}
    task = ws.task(task_id)
    context: dict[str, Any] = {}
    parsed = [_assignment(a) for a in assignments]
    _given_once([(name, f"{name}={text}") for name, op, text in parsed if op == "="])
    # Dates last: "due=fri assignee=@raj" is the end of raj's Friday, as "assignee=@raj due=fri" is.
    for name, op, text in sorted(parsed, key=lambda p: p[0] in ("due", "publish")):
        if op != "=":
            if name not in ("tags", "depends_on"):
                raise UserError(f"{name}{op}: only tags and depends_on take += and -=")
            current = values.get(name)
            if current is None:
                current = ws.task_list_field(task_id, name)
            change = field_value(ws, name, text, me, now, clock24=clock24)
            if not change:
                raise UserError(f"{name}{op}: give what to {'add' if op == '+=' else 'remove'} (to clear them: {name}=)")
            values[name] = [*current, *(x for x in change if x not in current)] if op == "+=" else [x for x in current if x not in change]
        else:
            if name in ("due", "publish") and not context:
                context = _time_context(ws, task, values, me)
            values[name] = field_value(ws, name, text, me, now, **context, clock24=clock24)
    values = {name: values[name] for name in dict.fromkeys(p[0] for p in parsed)}  # in the order typed, as the log tells it
    itself = f"“{task['title'] or task_id[:8]}”"
    if task_id in (values.get("depends_on") or []):
        raise UserError(f"depends_on: {itself} cannot wait for itself")
    if values.get("duplicate_of") == task_id:
        raise UserError(f"duplicate_of: {itself} cannot be a duplicate of itself")
    if values.get("duplicate_of") not in (None, task["duplicate_of"]) and "status" not in values:
        # Marked as the app's m marks it: a duplicate is not worked on, so it is cancelled (its series moves on, a post is
        # pulled).  A cancelled one (a duplicate pointed at another original) stays as it is; a done one is refused, as
        # m refuses it: it would be undone.
        status = task["status"] or "inbox"
        if status in OPEN_STATUSES:
            values["status"] = DUPLICATE_STATUS
        elif status != DUPLICATE_STATUS:
            raise UserError(f"duplicate_of: {itself} is {status}, not open: a duplicate is cancelled, so nothing was marked")
    if "duplicate_of" in values and values["duplicate_of"] is None and task["duplicate_of"] and "status" not in values:
        # The mark taken back takes back the cancelling it brought: the task is open again, as it was.
        reopened = _status_before_marked(ws, task_id, task)
        if reopened is not None:
            values["status"] = reopened
    return values


def _status_before_marked(ws: Workspace, task_id: str, task: dict[str, Any]) -> str | None:
    """The status a task had before marking it a duplicate cancelled it: the open one its history says, else todo;
    ``None`` when the mark did not cancel it (it was cancelled before, or since: declined, say), or it is a post, whose
    pulling the mark did is undone by the posts' own moves, not by a status."""
    if task["status"] != DUPLICATE_STATUS or task["post_state"] is not None:
        return None
    history = ws.store.history(task_id)
    statuses = [op for op in history if op.field == "status"]
    if not statuses:
        return None
    cancelled = statuses[-1]  # the status's operation now: the history is in the order the last writer wins
    if not any(op.field == "duplicate_of" and json.loads(op.value) and same_write(op, cancelled) for op in history):
        return None
    before = json.loads(statuses[-2].value) if len(statuses) > 1 else None
    return before if before in OPEN_STATUSES else "todo"


#: Other names ``set`` reads a field by.
_FIELD_ALIASES = {"due_date": "due", "snooze": "snoozed_until"}


def assigned_field(assignment: str) -> str:
    """The field a ``FIELD=VALUE`` (``+=``, ``-=``) names, unchecked: ``due_date`` is ``due`` and ``snooze`` (as the app's
    key and set's notes name it) ``snoozed_until``, as ``set`` reads them."""
    name = re.split(r"\+=|-=|=", assignment, maxsplit=1)[0].strip().lower()  # Due=fri, as a shell's line may have it
    return _FIELD_ALIASES.get(name, name)


def _assignment(assignment: str) -> tuple[str, str, str]:
    """``tags+=urgent`` -> ``("tags", "+=", "urgent")``, the field checked."""
    m = re.match(r"\s*([A-Za-z_]+)\s*(\+=|-=|=)(.*)\Z", assignment, re.DOTALL)
    if not m:
        habit = taskwarrior_assignment(assignment)
        said = f": Taskwarrior's {assignment.strip()} is {habit} here" if habit else " (or tags+=x, tags-=x)"
        raise UserError(f"{assignment!r}: write FIELD=VALUE{said}")
    name, op, text = assigned_field(m.group(1)), m.group(2), m.group(3)
    if name not in EDITABLE:
        raise _not_a_field(name)
    return name, op, text


#: Taskwarrior's attributes as ``task modify`` takes them (``project:spring``), by the field ``set`` writes them to.
_TASKWARRIOR_FIELDS = {
    "project": "campaign",
    "proj": "campaign",
    "pro": "campaign",
    "description": "title",
    "desc": "title",
    "pri": "priority",
    "prio": "priority",
    "depends": "depends_on",
    "wait": "snoozed_until",
    "recur": "every",
    "tag": "tags",
}
#: The fields whose value is words with spaces (``due:fri 17:00`` in the app's ``:``); another field's value is one word,
#: so ``priority:H +urgent`` is two of Taskwarrior's arguments, no value to write.
#: Taskwarrior's statuses a task is set to as crewdeck names them (an open one has no one status here).
_TASKWARRIOR_STATUSES = {"completed": "done", "deleted": "cancelled"}
_WORDY_FIELDS = frozenset({"title", "notes", "due", "publish", "snoozed_until", "decline_reason", "every"})


def taskwarrior_assignment(text: str) -> str | None:
    """How ``set`` (and the app's ``:``) writes one of ``task modify``'s arguments typed by habit: ``due:fri`` is
    ``due=fri``, ``+urgent`` ``tags+=urgent`` and ``-urgent`` ``tags-=urgent`` (a tag in Taskwarrior, whatever ``+`` is in
    a filter here), ``project:spring`` ``campaign=spring``; ``None`` for any other text, which no field here takes."""
    typed = text.strip()
    if tag := re.fullmatch(r"([+-])([^\s+=-][^\s=]*)", typed):
        return f"tags{tag[1]}={tag[2]}"
    attribute = re.fullmatch(r"([A-Za-z_]+):(\S.*)", typed, re.DOTALL)
    if attribute is None:
        return None
    key, value = attribute[1].lower(), attribute[2]
    name = _TASKWARRIOR_FIELDS.get(key) or _FIELD_ALIASES.get(key, key)
    if name not in (*EDITABLE, "every") or (" " in value and name not in _WORDY_FIELDS):
        return None
    if name == "status":
        value = _TASKWARRIOR_STATUSES.get(value.lower(), value)
        if value.lower() not in TASK_STATUSES:
            return None  # pending, waiting: a hint never names a value that is then refused
    return f"{name}={value}"


def _time_context(ws: Workspace, task: dict[str, Any], values: dict[str, Any], me: Member) -> dict[str, Any]:
    """Whose working day a due means and which zone a publish slot is in, with this command's changes."""
    assignee_id = values.get("assignee", task["assignee"])
    campaign_id = values.get("campaign", task["campaign"])
    campaign = ws.campaign(campaign_id) if campaign_id else None
    return {
        "owner": (ws.member(assignee_id) if assignee_id else None) or me,
        "audience_tz": campaign.audience_tz if campaign else None,
        "platform": values.get("platform", task["platform"]),
    }


#: What ``every=`` takes for no rule: the series ends.
_NO_RULE = ("", "none", "-")


def parse_rule_text(text: str, me: Member, now: dt.datetime, owner: Member | None = None) -> recurrence.Rule | None:
    """``every=`` text: a rule in ``me``'s zone by default (one with no time in ``owner``'s, as quick-add reads it), or
    ``None`` for ``none`` (the series ends)."""
    if text.strip().lower() in _NO_RULE:
        return None
    words = text.split()
    try:
        rule = recurrence.parse_rule(words, me.tz, now.astimezone(zone(me.tz)).date())
    except ValueError as exc:  # DateError too
        raise UserError(f"every: {exc}") from None
    return recurrence.in_owners_zone(rule, words, owner) if owner is not None else rule


def _rules_and_fields(assignments: list[str]) -> tuple[list[str], list[str]]:
    """``every=RULE`` assignments, and the others (FIELD=VALUE)."""
    rules = [a for a in assignments if a.strip().lower().startswith("every=")]
    _given_once([("every", rule.strip()) for rule in rules])
    return rules, [a for a in assignments if a not in rules]


def _refuse_dates_a_rule_drops(task: dict[str, Any], values: dict[str, Any], rules: list[str], fields: list[str], future: bool) -> None:
    """``UserError`` for ``due=`` or ``publish=`` given with ``every=RULE`` where the rule sets the due date, as quick-add
    refuses ``every:`` with them: on a task open after this write (``values`` set on it) the rule moved it to its next
    time, the date given dropped unsaid (a post's draft due after its slot); with ``future`` on an instance, the later
    ones.  A task closed keeps its date, and the series' next instance is another task; but an instance of a series
    still open as stored is moved by the new rule before a ``status=done`` in the same command closes it."""
    if not rules or rules[-1].split("=", 1)[1].strip().lower() in _NO_RULE:
        return
    if not any(assigned_field(a) in ("due", "publish") for a in fields):
        return
    after = {**task, **values}
    open_now = (task["status"] or "inbox") in OPEN_STATUSES
    if (after["status"] or "inbox") in OPEN_STATUSES or (after["series"] and (future or open_now)):
        raise UserError("every= sets the due date of each instance: drop due= and publish=")


def _given_once(given: list[tuple[str, str]]) -> None:
    """``(field, as typed)`` of each value given: ``UserError`` for a field given twice, as quick-add refuses a second
    ``due:`` (the last one was taken unsaid, and a clock-change note told of the first typed against the last stored)."""
    for n, (name, typed) in enumerate(given):
        again = next((other for other_name, other in given[n + 1 :] if other_name == name), None)
        if again is not None:
            raise UserError(f"{name}: is given twice ({typed}, {again}): give one")


def check_assignments(ws: Workspace, task_id: str, assignments: list[str], me: Member, now: dt.datetime, clock24: bool = True) -> None:
    """Read ``assignments`` as ``apply_assignments`` reads them, writing nothing: ``UserError`` names a bad one (the
    app's ``:`` on a recurring task, before it asks which instances to change)."""
    rules, fields = _rules_and_fields(assignments)
    _refuse_dates_a_rule_drops(ws.task(task_id), task_values(ws, task_id, fields, me, now, clock24), rules, fields, future=False)
    if rules:
        parse_rule_text(rules[-1].split("=", 1)[1], me, now)


def check_assignments_alone(ws: Workspace, assignments: list[str], me: Member, now: dt.datetime, clock24: bool = True) -> None:
    """Read ``assignments`` as far as they are read without a task: ``UserError`` for a FIELD=VALUE no task takes (no
    field's, given twice, ``+=`` on a field of one value, a value none of the field's: ``priority=urgent``), before
    ``set FILTER`` lists what it matches: the list offered a --yes that was then refused.  A publish slot is left to the
    task's, read in its campaign's audience's zone at its platform's peak hours."""
    rules, fields = _rules_and_fields(assignments)
    parsed = [_assignment(a) for a in fields]
    _given_once([(name, f"{name}={text}") for name, op, text in parsed if op == "="])
    for name, op, text in parsed:
        if op != "=" and name not in ("tags", "depends_on"):
            raise UserError(f"{name}{op}: only tags and depends_on take += and -=")
        if name != "publish":
            field_value(ws, name, text, me, now, clock24=clock24)
    if rules:
        parse_rule_text(rules[-1].split("=", 1)[1], me, now)


def apply_assignments(
    ws: Workspace, w: Writer, task_id: str, assignments: list[str], me: Member, now: dt.datetime, *, future: bool, clock24: bool = True
) -> None:
    """``crewdeck set``'s work, for the CLI and the app's ``:``: FIELD=VALUE on this task
    (or, with ``future``, on it and the later instances of its series), ``every=RULE``
    to start, change or end (``every=none``) a series, and the completion hook."""
    rules, fields = _rules_and_fields(assignments)
    values = task_values(ws, task_id, fields, me, now, clock24)
    _refuse_dates_a_rule_drops(ws.task(task_id), values, rules, fields, future)
    if not future:
        # A value the task holds already is not written (nor logged) again; the later instances may differ from it.
        held = ws.task(task_id)
        values = {name: value for name, value in values.items() if held[name] != value}
    # status=done closes as `crewdeck done` does: a post is published (only an approved or scheduled one), this post alone;
    # status=cancelled as `post pull` does: a post is pulled from its slot.
    closed: dict[str, Any] = {}
    if values.get("status") in recurrence.CLOSING:
        closed = {name: value for name, value in recurrence.CLOSING[values["status"]](ws, task_id, now).items() if name not in values}
    if "publish" in values:
        # publish=WHEN on a post is a move of its slot, judged as `post slot` judges it (none with a status that
        # publishes or pulls it: a closed post keeps its slot). The posts' rules: imported
        # when a slot is set, not by every edit.
        from crewdeck.tui.posts.writing import check_task_slot, draft_due_for_slot

        check_task_slot(ws.store, task_id, now, values["publish"], closed.get("post_state"))
        due = draft_due_for_slot(ws.store, task_id, values["publish"], now) if values["publish"] and "due" not in values else None
        if due:
            values["due"] = due  # as `post slot` moves it: a draft's due date never falls after its slot
    if values:
        typed = [typed_clock(text.split()) for name, _, text in map(_assignment, fields) if name == "due"]
        recurrence.edit(ws, w, task_id, values, future=future, typed=typed[-1] if typed else None)
    w.set("task", task_id, closed)
    if rules:
        rule = parse_rule_text(rules[-1].split("=", 1)[1], me, now, recurrence.rule_owner(ws, task_id, values, future=future))
        if rule is not None and not ws.task(task_id)["series"]:
            recurrence.start_series(ws, w, task_id, rule, now, values)
        else:
            recurrence.set_rule(ws, w, task_id, rule, now, future=future, edited=values)
    if values.get("status") in ("done", "cancelled"):
        recurrence.after_done(ws, w, task_id, now)
