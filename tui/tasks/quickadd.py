"""Quick-add: one line of text to a task.

``Draft carousel for launch @ana #instagram +spring-launch !high due:fri 17:00``

* ``@handle`` assignee (``@me``: you, ``@none``: nobody, as the filters read them), ``#tag`` tag, ``+campaign`` (``+campaign/platform``),
  ``!high`` ``!med`` ``!low`` priority,
* ``due:`` a date (``fri``, ``tmrw``, ``+3d``, ``dec 9``, ``9 dec``, ``next
  week`` (the first day of the owner's next week), ``eow`` and ``eom`` (the owner's last working day of
  this week or month), ``2026-12-01``), an optional time and an optional
  zone (``due:fri 17:00 Europe/Berlin``); a time without a zone is the
  creator's; a date alone (or with ``eod``: ``due:fri eod``, ``due:eod``)
  is the end of the owner's working day in the owner's calendar (the owner
  is the assignee, else the creator; 17:00 on a day they do not work),
* ``publish:`` a publish slot, read in the audience zone of the task's
  campaign (``publish:tue 09:00``); a date alone takes the platform's first
  peak hour still ahead; without ``due:`` the draft is then due ``lead_hours`` before
  the slot, in the writer's zone, moved back into their working day,
* ``every:`` a repeat rule (``every:weekday 09:00``, ``every:tue and thu 17:00
  America/New_York``, ``every:month on the 1st``, see ``recurrence``): the
  task becomes the first instance of a series, due at the next occurrence
  (a time without a zone is the creator's; without a time, the end of the
  owner's working day),
* ``estimate:`` the work it takes (``estimate:2h``, ``90m``, ``1h30m`` or minutes, up to 10000h), as Taskwarrior's
  users type their UDA and as ``crewdeck set ID estimate=`` reads it,
* ``post:PLATFORM`` makes the task a post (an idea) for that platform
  (``post:instagram``), with or without a campaign,
* a word starting with a backslash is kept literally (``\\#1`` is "#1"),
* everything else is the title.

``parse`` only reads the syntax (it is what the app previews as you type);
``resolve`` looks names up in the workspace and returns the task's fields.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from crewdeck.sync.state.zones import zone
from crewdeck.tui.posts.reading import shared_publish
from crewdeck.tui.tasks.deadlines import draft_due, end_of_day
from crewdeck.tui.tasks.estimates import typed_estimate
from crewdeck.tui.tasks.priorities import PRIORITY_WORDS
from crewdeck.tui.tasks.query import project_note, taskwarrior_field
from crewdeck.tui.tasks.recurrence import first_instance, in_owners_zone, is_rule_word, parse_rule
from crewdeck.tui.time.roster import working_week
from crewdeck.tui.time.when import (
    DateError,
    MidnightError,
    Moment,
    ambiguous_at,
    clock_change_note,
    clock_words,
    could_be_zone,
    format_local,
    moment_words,
    not_a_time_or_zone,
    parse_moment,
    parse_moment_text,
    parse_time,
    parse_utc,
    relative,
    spelled_out,
    split_clock,
    spoken_order,
    time_shaped,
    utc_iso,
    without_eod,
    zone_after_time,
    zone_city,
)
from crewdeck.tui.workspace.config import PublishConfig
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Campaign, Member, Workspace, campaign_slug


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
    #: The words after ``publish:``, parsed in the campaign's audience zone.
    publish_words: list[str] = field(default_factory=list)
    #: The words of an ``every:`` rule.
    every_words: list[str] = field(default_factory=list)
    #: What ``estimate:`` gave (``2h``), read by ``resolve`` as ``set ID estimate=`` reads it.
    estimate: str | None = None
    #: ``post:PLATFORM``: the task is a post for this platform.
    post: bool = False
    problems: list[str] = field(default_factory=list)
    #: What ``resolve`` has to tell of what it made (``due: now: ...``), for the CLI's notes and the app's preview.
    notes: list[str] = field(default_factory=list)
    #: Taskwarrior's ``project:spring`` typed into the title, for ``resolve`` to tell (``project_note``).
    projects: list[str] = field(default_factory=list)
    #: The title's words right after a due date's time (``Kolkata`` of ``due:mon 9am Kolkata``, up to three: ``New York
    #: office``), for ``resolve`` to tell where they open with the city of a zone the team works in.
    after_due_time: tuple[str, ...] = ()


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
            if draft.assignee not in (None, word[1:].lower()):
                draft.problems.append(
                    f"{word}: a task has one assignee, and @{draft.assignee} is it already (\\{word} keeps the word in the title)"
                )
            draft.assignee = word[1:].lower()
        elif word.startswith("#") and len(word) > 1:
            if word[1:] not in draft.tags:
                draft.tags.append(word[1:])
        elif word.startswith("+") and len(word) > 1 and not word[1].isdigit():
            name, _, platform = word[1:].partition("/")
            if draft.campaign is not None and draft.campaign.lower() != name.lower():
                draft.problems.append(f"+{name}: a task is in one campaign, and +{draft.campaign} is it already")
            draft.campaign = name
            draft.platform = platform.lower() or None
        elif word.startswith("!") and len(word) > 1:
            priority = PRIORITY_WORDS.get(word[1:].lower())
            if priority is None:
                draft.problems.append(f"{word}: priority is !high, !med or !low")
            elif draft.priority not in (None, priority):
                draft.problems.append(f"{word}: a task has one priority, and !{draft.priority} is it already")
            else:
                draft.priority = priority
        elif word.lower().startswith("estimate:"):
            # Taskwarrior's UDA, typed by habit: it went into the title, unsaid, where `set ID estimate=2h` took it.
            typed = word[9:]
            if not typed:
                draft.problems.append(f"estimate: needs a duration like 90m, 2h or 1h30m (\\{word} keeps the word in the title)")
            elif draft.estimate not in (None, typed):
                draft.problems.append(f"estimate: is given twice (estimate:{draft.estimate}, estimate:{typed}): give one")
            draft.estimate = typed or draft.estimate
        elif word.lower().startswith("post:"):
            draft.post = True
            if word[5:]:
                draft.platform = word[5:].lower()
        elif word.lower().startswith("every:"):
            rule = [word[6:]] if word[6:] else []
            # A zone after the rule's time in any case ("09:00 utc"), as after a due time: checked, not read into the title.
            while i < len(words):
                if rule and words[i].lower() == "at" and i + 1 < len(words) and not clock_words(rule):
                    # every:mon at 10am, as due: reads a time after at (review rc: "at 10am" went into the title)
                    if time_shaped(words[i + 1]) or split_clock(words, i + 1) is not None:
                        i += 1
                        continue
                    if ambiguous_at(words[i:]):
                        draft.problems.append(f"every: {not_a_time_or_zone(words[i : i + 2])}")
                        i += 2
                        continue
                if not (
                    is_rule_word(words[i], words[i + 1 :], rule)
                    or (bool(rule) and (time_shaped(rule[-1]) or split_clock(rule[-2:], 0) is not None) and zone_after_time(words[i]))
                    or (bool(rule) and split_clock([rule[-1], words[i]], 0) is not None)  # the pm of "10 pm"
                ):
                    break
                rule.append(words[i])
                i += 1
            if not rule:
                draft.problems.append("every: needs a rule (weekday 09:00, tue and thu 17:00, month on the 1st)")
            elif draft.every_words:
                draft.problems.append(f"every: is given twice (every:{' '.join(draft.every_words)}, every:{' '.join(rule)}): give one rule")
            draft.every_words = rule
        elif word.lower().startswith(("due:", "publish:")):
            key, _, rest = word.partition(":")
            # The date may be followed by a time (or eod) and a zone: take them along.
            first = [rest] if rest else []
            taken = moment_words(first, words[i:])
            i += len(taken) - len(first)
            if not taken:
                draft.problems.append(f"{key.lower()}: needs a date (fri, tomorrow, +3d, 2026-12-01)")
            given = draft.due_words if key.lower() == "due" else draft.publish_words
            if given and taken:
                twice = f"{key.lower()}:{' '.join(given)}, {key.lower()}:{' '.join(taken)}"
                draft.problems.append(f"{key.lower()}: is given twice ({twice}): give one date")
            if key.lower() == "due":
                draft.due_words = taken
                draft.after_due_time = tuple(words[i : i + 3]) if clock_words(spoken_order(spelled_out(taken))[0]) else ()
            else:
                draft.publish_words = taken
        else:
            title.append(word)
            # Taskwarrior's project:spring, typed by habit, went into the title with nothing said (the CLI prints the id).
            if (term := taskwarrior_field(word)) is not None and term.startswith("+"):
                draft.projects.append(word)  # told by resolve, which knows whether the campaign is there
            elif term is not None:
                draft.notes.append(f"{word} is in the title: Taskwarrior's {word} is {term} here (\\{word} keeps it without this note)")
            elif (said := _taskwarrior_when(word)) is not None:
                draft.notes.append(f"{word} is in the title: {said} (\\{word} keeps it without this note)")
    draft.title = " ".join(title)
    if not draft.title:
        draft.problems.append("the task needs a title")
    return draft


def _taskwarrior_when(word: str) -> str | None:
    """What crewdeck has for Taskwarrior's ``wait:fri`` (a snooze) and ``recur:weekly`` (``every:weekly``), typed by habit
    into a quick-add, where they went into the title with nothing said; ``None`` for any other word, for a rule
    ``every:`` would refuse and for a wait no date (a note never names a term that is then refused: ``Ask client
    wait:what they want`` noted ``snoozed_until=what``)."""
    key, _, value = word.partition(":")
    if not value:
        return None
    if key == "wait":  # in lower case, as Taskwarrior reads its attributes (Wait:for is words there too)
        try:
            parse_moment_text(value, "UTC", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # read, not kept: only whether it is a date
        except ValueError:
            return None
        return f"Taskwarrior's wait is a snooze here: h on the task in the app, or crewdeck set ID snoozed_until={value}"
    if key not in ("recur", "recurrence"):
        return None
    try:
        parse_rule([value], "UTC", dt.date(2026, 1, 1))  # read, not kept: only whether every: takes it
    except ValueError:
        return None
    return f"Taskwarrior's {word} is every:{value} here"


def parse_due(words: list[str], owner: Member | None, default_tz: str, now: dt.datetime) -> Moment:
    """The due moment; a date alone (or ``eod``) is the end of the owner's working day in their calendar."""
    words = without_eod(words)
    explicit_zone = any(could_be_zone(w) for w in words)
    # eow and eom: the owner's last working day of the week or month.
    works, starts = working_week(owner)
    moment, used = parse_moment(words, default_tz, now, works=works, week_starts=starts)
    if used != len(words):
        raise not_a_time_or_zone(words[used:])
    if moment.has_time or owner is None or (explicit_zone and moment.tz != owner.tz):
        return moment
    # The date in the owner's own calendar, at the end of their working day.
    in_owner_zone, _ = parse_moment(words, owner.tz, now, works=works, week_starts=starts)
    day = in_owner_zone.instant.astimezone(zone(owner.tz)).date()
    return Moment(end_of_day(owner, day), owner.tz, False)


def publish_slot(words: list[str], audience_tz: str, platform: str | None, publish: PublishConfig, now: dt.datetime) -> Moment:
    """A publish slot read in the audience's zone; a date alone takes the platform's first peak hour still
    ahead (``publish:today`` in the evening: tonight's peak, not the morning's), or its first when none is."""
    peaks = publish.peak_hours.get(platform or "", [])
    default = parse_time(peaks[0]) if peaks else PUBLISH_DEFAULT_TIME
    moment, used = parse_moment(words, audience_tz, now, default)
    if used != len(words):
        raise not_a_time_or_zone(words[used:])
    if not moment.has_time:
        for later in peaks[1:]:
            if moment.instant > now:
                break
            moment = parse_moment(words, audience_tz, now, parse_time(later))[0]
        if moment.instant <= now:
            moment = parse_moment(words, audience_tz, now, default)[0]
    return moment


#: A publish slot's time when neither the text nor the platform's peak hours say.
PUBLISH_DEFAULT_TIME = dt.time(9, 0)


def resolve(draft: Draft, ws: Workspace, creator: Member, now: dt.datetime, clock24: bool = True) -> dict[str, Any]:
    """The task's fields, or ``UserError`` naming the first thing that is wrong (a time in it on a ``clock24`` clock, or 12-hour)."""
    if draft.problems:
        raise UserError(draft.problems[0])
    values: dict[str, Any] = {"title": draft.title, "created_by": creator.id, "created_at": utc_iso(now)}
    draft.notes[:0] = [
        f"{word} is in the title: {project_note(word, ws.campaigns())} (\\{word} keeps it without this note)" for word in draft.projects
    ]
    assignee = ws.assignee_named(draft.assignee, creator) if draft.assignee else None
    if assignee is not None:
        values["assignee"] = assignee.id
    # Someone else's new task waits in their inbox; one you make for
    # yourself is already accepted.
    values["status"] = "todo" if assignee is not None and assignee.id == creator.id else "inbox"
    if draft.tags:
        values["tags"] = draft.tags
    campaign = ws.task_campaign(draft.campaign, making=True) if draft.campaign else None
    if campaign is not None:
        values["campaign"] = campaign.id
    if draft.platform and (campaign is not None or draft.post):
        values["platform"] = draft.platform
    if campaign is not None and draft.platform and campaign.platforms and draft.platform not in campaign.platforms:
        draft.notes.append(off_campaign_note(campaign, draft.platform))
    if draft.post:
        values["post_state"] = "idea"
    if draft.priority:
        values["priority"] = draft.priority
    if draft.estimate is not None and (minutes := typed_estimate(draft.estimate)) is not None:
        values["estimate"] = minutes
    owner = assignee or creator
    if draft.due_words:
        try:
            values["due"] = parse_due(draft.due_words, owner, creator.tz, now).value()
        except (DateError, ValueError) as exc:
            raise _refused("due", draft.due_words, exc) from None
        draft.notes.extend(_city_after_time(draft, ws, values["due"]["tz"]))
    if draft.publish_words:
        config = shared_publish(ws.conn)  # the workspace's: every member's quick-add gives the same slot and due date
        audience = campaign.audience_tz if campaign and campaign.audience_tz else creator.tz
        try:
            slot = publish_slot(draft.publish_words, audience, draft.platform, config, now)
        except (DateError, ValueError) as exc:
            raise _refused("publish", draft.publish_words, exc) from None
        values["publish"] = slot.value()
        if draft.post:
            # A new post's slot, judged as a move onto it is. The posts' rules: imported when a post has a slot.
            from crewdeck.tui.posts.writing import check_new_post

            # What the words stood for, on the creator's clock: a day alone took a peak hour, in the audience's zone.
            meant = format_local(slot.instant, slot.tz, now, clock24=clock24, reader_tz=creator.tz)
            check_new_post(ws.store, values, now, f"publish:{' '.join(draft.publish_words)} is {meant}")
            # Taken, but said, as `post slot` says it: a time typed off the platform's peak hours for the audience.
            from crewdeck.tui.posts.calendar import off_peak_words, peak_frame

            audience_tz, peaks = peak_frame(
                draft.platform, config.peak_hours, campaign.audience_tz if campaign else None, slot.tz, creator.tz
            )
            off_peak = off_peak_words(slot.instant, audience_tz, draft.platform, peaks, creator.tz, clock24=clock24)
            if off_peak:
                draft.notes.append(f"publish: {off_peak}")
        if "due" not in values:
            # The lead is a plan, not a deadline missed already: a slot closer than it leaves its draft due now.
            due = draft_due(slot.instant, owner, config.lead_hours)
            if due < now:
                lead = slot.instant - dt.timedelta(hours=config.lead_hours)
                if lead < now:
                    draft.notes.append(f"due: now: the slot is closer than the workspace's publish lead ({config.lead_hours} h)")
                else:
                    # The lead is ahead, but outside the writer's hours, whose last stretch before it is over: said so, as
                    # "the slot is closer than the lead" was false of a Monday slot on a Saturday.
                    def when(instant: dt.datetime) -> str:
                        return format_local(instant, owner.tz, now, clock24=clock24, reader_tz=creator.tz)

                    draft.notes.append(
                        f"due: now: {config.lead_hours} h before the slot ({when(lead)}) is outside @{owner.handle}'s working "
                        f"hours, and the end of the last of them before it ({when(due)}) has passed"
                    )
                due = now
            values["due"] = {"utc": utc_iso(due), "tz": owner.tz}
    if draft.every_words:
        if draft.due_words or draft.publish_words:
            raise UserError("every: sets the due date of each instance: drop due: and publish:")
        try:
            rule = parse_rule(draft.every_words, creator.tz, now.astimezone(zone(creator.tz)).date())
        except (DateError, ValueError) as exc:
            raise _refused("every", draft.every_words, exc) from None
        values = first_instance(values, in_owners_zone(rule, draft.every_words, owner), owner, now)
    return values


def _refused(key: str, words: list[str], exc: ValueError) -> UserError:
    """``due: …`` for a date or rule not read; for a midnight typed as a word of its own, how it stays a word of the
    title (one written onto ``due:``, ``due:midnight``, has no backslash that keeps it)."""
    kept = ""
    if isinstance(exc, MidnightError) and exc.typed_apart(words):
        kept = f" (\\{exc.word} keeps the word in the title)"
    return UserError(f"{key}: {exc}{kept}")


def _city_after_time(draft: Draft, ws: Workspace, meant_tz: str) -> list[str]:
    """What to tell of ``due:mon 9am Kolkata``: the city is a word of the title (``17:00 Paris launch``), and the time
    was read on another clock than that of the member who works there, hours from the one the writer meant."""
    if not draft.after_due_time or any(could_be_zone(w) for w in spelled_out(draft.due_words)):
        return []
    # Of either case, and with the punctuation a title puts after a word (``Kolkata:``), the longest city first.
    said = tuple(w.rstrip(".,:;!?)").lower() for w in draft.after_due_time)
    cities = {(tuple(zone_city(m.tz).lower().split()), m.tz) for m in ws.members() if m.tz != meant_tz}
    found = [(city, tz) for city, tz in cities if said[: len(city)] == city]
    if not found:
        return []
    city, tz = max(found, key=lambda c: (len(c[0]), c[1]))
    word = " ".join(draft.after_due_time[: len(city)]).rstrip(".,:;!?)")
    return [
        f"due: {word} {'are read as words' if len(city) > 1 else 'is read as a word'} of the title, the time as {meant_tz}'s: "
        f"for {tz}'s clock write due:{' '.join(draft.due_words)} {tz}"
    ]


def off_campaign_note(campaign: Campaign, platform: str) -> str:
    """A platform the campaign does not list: taken (a campaign may add it), but said, as a typo (``instagarm``) would
    otherwise sit on a platform no calendar row or report of the campaign expects."""
    name = campaign_slug(campaign.id, campaign.name)
    said = f"+{name} runs on {', '.join(campaign.platforms)}, not {platform}"
    meant = difflib.get_close_matches(platform, campaign.platforms, n=1)
    if meant:
        return f"{said}: {meant[0]} meant?"
    return f"{said} (crewdeck campaign set {name} --platforms adds it)"


def overdue_words(values: dict[str, Any], now: dt.datetime) -> str | None:
    """``already overdue by 45h`` for a due that has passed at ``now`` (today 08:00 at noon, eow on a Saturday);
    ``None`` for one ahead."""
    due = values.get("due")
    if not due or parse_utc(due["utc"]) > now:
        return None
    late = relative(parse_utc(due["utc"]), now)
    if late == "now":
        return None  # due this minute: not late yet
    return "already overdue" + (f" by {late.removesuffix(' late')}" if late.endswith(" late") else "")


def clock_change_notes(draft: Draft, values: dict[str, Any], now: dt.datetime, clock24: bool = True) -> list[str]:
    """What to tell of a due date, publish slot or repeat rule's first instance typed (at ``now``) on a day or at a
    time the zone skips (it moved forward by the gap) or at a time it repeats, on the reader's clock (``clock24``,
    else 12-hour)."""
    said = (
        clock_change_note(draft.due_words, values.get("due"), now, clock24),
        clock_change_note(draft.publish_words, values.get("publish"), now, clock24),
        # The rule's time stays as typed for the instances after: the first alone is moved, or the first of two.
        clock_change_note(draft.every_words, values.get("due"), now, clock24),
    )
    return [f"{name}: {note}" for name, note in zip(("due", "publish", "every"), said) if note]
