"""Quick-add: one line of text to a task.

``Draft carousel for launch @ana #instagram +spring-launch !high due:fri 17:00``

* ``@handle`` assignee, ``#tag`` tag, ``+campaign`` (``+campaign/platform``),
  ``!high`` ``!med`` ``!low`` priority,
* ``due:`` a date (``fri``, ``tomorrow``, ``+3d``, ``2026-12-01``), an optional
  time and an optional zone (``due:fri 17:00 Europe/Berlin``); the zone
  defaults to the creator's, the time to the end of the creator's working
  day (17:00 when no hours are set),
* a word starting with a backslash is kept literally (``\\#1`` is "#1"),
* everything else is the title.

``parse`` only reads the syntax (it is what the app previews as you type);
``resolve`` looks names up in the workspace and returns the task's fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sync.records import WEEKDAYS
from sync.zones import zone

from .errors import UserError
from .when import DEFAULT_DUE_TIME, DateError, Moment, localize, looks_like_time, parse_moment, utc_iso
from .workspace import Member, Workspace

PRIORITY_WORDS = {"high": "high", "h": "high", "med": "med", "medium": "med", "m": "med", "low": "low", "l": "low"}


@dataclass
class Draft:
    title: str = ""
    assignee: str | None = None
    tags: list[str] = field(default_factory=list)
    campaign: str | None = None
    platform: str | None = None
    priority: str | None = None
    #: The words after ``due:``, parsed once the creator's zone is known.
    due_words: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse(text: str) -> Draft:
    draft = Draft()
    words = text.split()
    title: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("\\") and len(word) > 1:
            title.append(word[1:])
        elif word.startswith("@") and len(word) > 1:
            draft.assignee = word[1:].lower()
        elif word.startswith("#") and len(word) > 1:
            if word[1:] not in draft.tags:
                draft.tags.append(word[1:])
        elif word.startswith("+") and len(word) > 1 and not word[1].isdigit():
            name, _, platform = word[1:].partition("/")
            draft.campaign = name
            draft.platform = platform.lower() or None
        elif word.startswith("!") and len(word) > 1:
            priority = PRIORITY_WORDS.get(word[1:].lower())
            if priority is None:
                draft.problems.append(f"{word}: priority is !high, !med or !low")
            else:
                draft.priority = priority
        elif word.lower().startswith("due:"):
            rest = word[4:]
            # The date may be followed by a time and a zone: take them along.
            due = [rest] if rest else []
            while i < len(words) and len(due) < 3 and _continues_moment(words[i], due):
                due.append(words[i])
                i += 1
            if not due:
                draft.problems.append("due: needs a date (fri, tomorrow, +3d, 2026-12-01)")
            draft.due_words = due
        else:
            title.append(word)
    draft.title = " ".join(title)
    if not draft.title:
        draft.problems.append("the task needs a title")
    return draft


def _continues_moment(word: str, taken: list[str]) -> bool:
    if not taken:
        return True
    if len(taken) == 1 and looks_like_time(word) and (":" in word or word.lower().endswith(("am", "pm"))):
        return True
    return "/" in word and word[0].isupper() or word == "UTC"


def end_of_working_day(member: Member | None, day: dt.date) -> dt.time:
    """When ``member``'s working day ends on ``day``: the end of its last span."""
    spans = member.hours.get(WEEKDAYS[day.weekday()], []) if member else []
    if not spans:
        return DEFAULT_DUE_TIME
    end = spans[-1][1]
    if end == "24:00":
        return dt.time(23, 59)
    hh, mm = end.split(":")
    return dt.time(int(hh), int(mm))


def parse_due(words: list[str], owner: Member | None, default_tz: str, now: dt.datetime) -> Moment:
    """The due moment; a date alone means the end of the owner's working day."""
    moment, used = parse_moment(words, default_tz, now)
    if used != len(words):
        raise DateError(f"{' '.join(words[used:])!r} after the date is not a time or a zone")
    if not moment.has_time and owner is not None and owner.tz == moment.tz:
        local_day = moment.instant.astimezone(zone(moment.tz)).date()
        local = localize(dt.datetime.combine(local_day, end_of_working_day(owner, local_day)), zone(moment.tz))
        moment = Moment(local.astimezone(dt.timezone.utc), moment.tz, False)
    return moment


def resolve(draft: Draft, ws: Workspace, creator: Member, now: dt.datetime) -> dict[str, Any]:
    """The task's fields, or ``UserError`` naming the first thing that is wrong."""
    if draft.problems:
        raise UserError(draft.problems[0])
    values: dict[str, Any] = {"title": draft.title, "created_by": creator.id, "created_at": utc_iso(now)}
    assignee = ws.member_by_handle(draft.assignee) if draft.assignee else None
    if assignee is not None:
        values["assignee"] = assignee.id
    # Someone else's new task waits in their inbox; one you make for
    # yourself is already accepted.
    values["status"] = "todo" if assignee is not None and assignee.id == creator.id else "inbox"
    if draft.tags:
        values["tags"] = draft.tags
    if draft.campaign:
        campaign = ws.campaign_by_name(draft.campaign)
        values["campaign"] = campaign.id
        if draft.platform:
            values["platform"] = draft.platform
    if draft.priority:
        values["priority"] = draft.priority
    if draft.due_words:
        try:
            values["due"] = parse_due(draft.due_words, creator, creator.tz, now).value()
        except (DateError, ValueError) as exc:
            raise UserError(f"due: {exc}") from None
    return values
