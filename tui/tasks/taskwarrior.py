"""Moving over from Taskwarrior: the output of ``task export`` as crewdeck tasks.

| Taskwarrior              | crewdeck                                          |
|--------------------------|---------------------------------------------------|
| uuid                     | id (the same 128 bits: re-importing updates)      |
| description              | title; one longer than a title holds cut (``notesparts.cut``), whole as the notes' first line "full title: ..." |
| project                  | campaign, created when missing; a name longer than a campaign's cut, whole on a "project: ..." line of each of its tasks' notes (``notesparts.campaign_name``); one with no letter or digit ("🚀"), no campaign, that line alone |
| tags                     | tags; one longer than a tag holds cut to one, whole on a "tag: ..." line; those past the most a task holds on a "more tags: ..." line (``_fitted_tags``) |
| due                      | due, in the assignee's zone (UDA ``tz`` if given); the same instant again keeps the zone it has here (``_zones_kept``) |
| priority H / M / L       | high / med / low                                  |
| another priority (``uda.priority.values=P1,P2,P3``) | none, and a "priority: P1" line in the notes |
| status pending / waiting | todo (a waiting task is snoozed until ``wait``); doing when started (``start``) |
| status completed         | done                                              |
| status deleted           | cancelled                                         |
| annotations              | notes, one line each with its date in the task's zone (``tz``, else UTC: the same whoever imports, whatever zone the workspace or the assignee has then; ``annotation``); notes a task cannot hold go on in tasks titled "TITLE (notes 2/N)", each with the task's entry and status, but todo for a started one (``notesparts.part_status``) |
| depends                  | depends_on                                        |
| entry                    | created_at                                        |
| UDA ``assignee``         | assignee, when it is a member's handle, `raj` or `@raj` (a guest's, or no one's: "assigned in Taskwarrior to: @gus" in the notes) |
| UDA ``estimate`` of type duration (``PT1H30M``) | estimate, in minutes (``_estimate_minutes``); one in seconds or another type, a line of the notes |
| scheduled, until, recur, other UDAs | "FIELD: value" lines in the notes (``_kept``), the UDAs named in the summary |
| status recurring (a template) | a series (id from its uuid): ``recur`` as the ``every:`` rule, at its due time in its zone (``_every_words``) |
| its earliest pending instance | the series' open instance (its other pending ones: the series makes them) |
| its completed / deleted ones | done / cancelled tasks, as they were                               |
| a recur no rule says (``4h``) | its instances as tasks, "recur: 4h" in their notes, named in the summary (with none: said not imported) |

A template and its pending instances wait for the end of the file (an
instance may come before its template); every other record is planned as it
is read.  A template with no pending instance gets one at the rule's next
occurrence (a todo, as a pending task is; snoozed, when the template waits,
as long before its due as Taskwarrior's own instances are), once: a later
import finds the series here.  The tasks are merged like every
import (``crewdeck.tui.workspace.merging``): written as the importing
member, and a second import of the same file changes nothing; a newer
export changes only the fields nobody changed in crewdeck since the last import
(``lastimport``, as from Trello, Asana and Linear).  The
file is read a record at a time and written a batch at a time in one
transaction (``merging.merge_stream``): memory holds a batch, not the file.  A campaign
made for a project gets an id derived from its name, so it is the same
campaign on every import.  What a field cannot hold never refuses the
import, as from Trello, Asana and Linear (``foreign``): it is cut, kept
whole in the notes and named in the summary; a check that a record's text
fits costs no call when it does (a slice, not ``len``), as nearly every
record's does.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from crewdeck.sync.state.records import MAX_ESTIMATE, MAX_TAG, MAX_TAGS, MAX_TITLE, OPEN_STATUSES, WEEKDAYS, composed, load_json
from crewdeck.sync.state.rules import assignee_refused
from crewdeck.sync.state.zones import UnknownZoneError, check_zone, zone
from crewdeck.tui.tasks import notesparts
from crewdeck.tui.tasks.notesparts import NOTES_ROOM, PartsHere, cut_word, going_on, notes_parts, part_title, take_away, went_on_notes
from crewdeck.tui.tasks.notesparts import cut as cut_to_fit
from crewdeck.tui.tasks.recurrence import (
    TASKWARRIOR_RECUR,
    UNITS,
    Rule,
    has_instances,
    instance_id,
    next_ahead,
    ordinal,
    parse_rule,
    template_of,
)
from crewdeck.tui.time.when import DateError, check_iso_day, kept_local, parse_utc, utc_iso
from crewdeck.tui.workspace.columns import cut
from crewdeck.tui.workspace.errors import given_again, record_named
from crewdeck.tui.workspace.errors import summary as first_few
from crewdeck.tui.workspace.exchange import SourceFields, add_checked
from crewdeck.tui.workspace.jsonstream import CHUNK, NotJson, NotUtf8, Readable, array_items
from crewdeck.tui.workspace.merging import Source, stable_id
from crewdeck.tui.workspace.one_line import FOLDED_SAID, folded
from crewdeck.tui.workspace.unassigned import not_members_here
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import CampaignKeys, Member, Workspace, campaign_key, campaign_keys, slug

STATUS = {"pending": "todo", "waiting": "todo", "completed": "done", "deleted": "cancelled"}
PRIORITY = {"H": "high", "M": "med", "L": "low"}
#: The statuses of a task still to do (2.6 writes a waiting one as pending, with its ``wait``).
OPEN = ("pending", "waiting")
#: What the runs of this import are remembered as (``lastimport``): every Taskwarrior file is one source.
SOURCE_KEY = "taskwarrior"
#: A task's fields an export leaves out of a task that has none (``task modify due:`` takes one away), and their empty
#: value here (``merging.Source.emptied``).  An estimate the file does not read (``PT45S``, kept in the notes) leaves the
#: task's out too: the one read before is the source's no more.
EMPTIED: dict[str, dict[str, Any]] = {
    "task": {
        "due": None, "snoozed_until": None, "assignee": None, "priority": "none", "tags": [], "campaign": None, "notes": "",
        "depends_on": [], "estimate": None,
    }
}  # fmt: skip
#: Tasks planned and written at a time: well under ``store.BULK_ROWS`` operations.
BATCH = 500
_TW_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\Z")
#: The fields read into a task's own fields.
_READ = frozenset(
    {"uuid", "description", "status", "assignee", "tz", "due", "wait", "entry", "priority", "tags", "project", "annotations", "depends"}
)
#: What Taskwarrior calls the fields a task's fields come from, for the problems ("annotations: text may not hold ...").
FIELDS = {
    "title": "description", "notes": "annotations", "status": "status", "assignee": "assignee", "due": "due", "snoozed_until": "wait",
    "created_at": "entry", "priority": "priority", "estimate": "estimate", "tags": "tags", "campaign": "project", "depends_on": "depends",
}  # fmt: skip
#: The fields Taskwarrior fills itself, which nobody typed: not kept.  ``template`` and ``last`` are its newer recurrence's
#: names for ``parent`` and ``mask`` (its columns of them are not modifiable; ``recur2.cpp``): no UDAs.
_FILLED = frozenset({"id", "urgency", "modified", "mask", "imask", "parent", "template", "last", "rtype", "end", "start"})
#: ``2d``, ``3w``, ``2mo``, ``1y``: a count and a unit (``m`` alone and ``h`` are minutes and hours, which no rule says).
_RECUR_COUNTED = re.compile(r"(\d{1,3})\s*(d|days?|w|wks?|weeks?|mo|mos|months?|y|yrs?|years?)\Z")
#: ``P1M``, ``P2W``: an ISO 8601 duration, as `task add recur:P1M` keeps it (its ``M`` is months; ``PT1M``, a minute, is none).
_RECUR_ISO = re.compile(r"p(\d{1,3})([dwmy])\Z")
_UNIT_OF = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
#: A duration UDA as ``task export`` writes it: ``PT2H``, ``PT1H30M``, ``P1DT12H``, ``P14D`` (``2w``), ``P30D`` (``1mo``).
#: No ``Y`` or ``M`` before the ``T``: Taskwarrior writes days, and a year or a month of another tool's is no count of minutes.
#: At least one part, and one after a ``T``: ``P``, ``PT`` and ``P1DT`` are no duration (they read as 0 and 1 day).
_DURATION = re.compile(
    r"P(?!\Z)(?:([0-9]{1,6})W)?(?:([0-9]{1,7})D)?(?:T(?=[0-9])(?:([0-9]{1,8})H)?(?:([0-9]{1,9})M)?(?:([0-9]{1,10})S)?)?\Z"
)
#: Attributes of Taskwarrior's own that a task keeps as lines of its notes: every other field kept so is a UDA.
_CORE_KEPT = frozenset({"scheduled", "until", "recur"})
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


@dataclass
class Summary:
    """What the importer itself has to say; the merge counts what was new."""

    #: The titles of the templates that became series.
    series: list[str] = field(default_factory=list)
    #: "TITLE (recur: VALUE)" of each template whose recur no rule says: its instances came in as tasks.
    kept_recurrences: list[str] = field(default_factory=list)
    #: "TITLE (recur: VALUE)" of each such template with no pending instance in the file: nothing of it came in.
    unkept_recurrences: list[str] = field(default_factory=list)
    #: Pending instances after a series' open one: the series makes each in turn.
    later_instances: int = 0
    #: The titles of the series' open instances an earlier import made one-off tasks (it read no ``template``), left so.
    one_offs: list[str] = field(default_factory=list)
    unknown_assignees: set[str] = field(default_factory=set)
    #: A guest's handle -> the titles of the tasks the file assigns to them, left unassigned (guests see no tasks).
    guest_assignees: dict[str, list[str]] = field(default_factory=dict)
    #: The tasks whose notes go on in more tasks: their ids -> titles.
    went_on: dict[str, str] = field(default_factory=dict)
    #: The titles whose line breaks or tabs were folded onto one line, as folded.
    folded_titles: list[str] = field(default_factory=list)
    #: The titles cut from descriptions longer than a title holds.
    cut_titles: list[str] = field(default_factory=list)
    #: The tags cut to fit one, each once.
    cut_tags: dict[str, None] = field(default_factory=dict)
    #: The titles of the tasks with more tags than a task holds.
    crowded: list[str] = field(default_factory=list)
    #: A priority Taskwarrior was set up to give (``uda.priority.values``), not H, M or L -> how many tasks have it.
    kept_priorities: dict[str, int] = field(default_factory=dict)
    #: The projects' names as cut to a campaign's, each once.
    cut_projects: dict[str, None] = field(default_factory=dict)
    #: A UDA kept as a line of the notes (crewdeck has no field for it) -> how many tasks have it.
    kept_udas: Counter[str] = field(default_factory=Counter)

    def notes(self, notes_left_alone: set[str]) -> list[str]:
        """The remarks, once the merge is done: it left the tasks in ``notes_left_alone`` (``Source``) as they are here."""
        parts = []
        if self.series:
            parts.append(f"{counted(len(self.series), 'recurring template')} as series: {first_few(self.series)}")
        if self.kept_recurrences:
            parts.append(f"{counted(len(self.kept_recurrences), 'recurrence')} kept as a note: {first_few(self.kept_recurrences)}")
        if self.unkept_recurrences:  # said on each import: it is still not here
            parts.append(
                f"{counted(len(self.unkept_recurrences), 'recurring template')} not imported (no pending instance, and no"
                f" every: rule says its recur): {first_few(self.unkept_recurrences)}"
            )
        if self.later_instances:
            parts.append(
                f"left {counted(self.later_instances, 'later pending instance')} to their series (crewdeck makes the next"
                " when one is done or its time passes)"
            )
        if self.one_offs:  # said while it is so: the import cannot tell which of the two the team works on
            parts.append(
                f"{counted(len(self.one_offs), 'task')} an earlier import made a one-off (it read no Taskwarrior 3 template field)"
                f" left beside {'its' if len(self.one_offs) == 1 else 'their'} series' own instance: {first_few(self.one_offs)}"
                " (crewdeck rm ID takes away the one not wanted)"
            )
        if self.unknown_assignees:
            parts.append(not_members_here(self.unknown_assignees))
        for guest, titles in sorted(self.guest_assignees.items()):
            parts.append(f"left unassigned (@{guest} is a guest here, who sees no tasks): {first_few([cut(t, 40) for t in titles])}")
        if self.went_on:  # nearly always empty: no call
            parts.extend(went_on_notes(self.went_on, notes_left_alone))
        if self.folded_titles:  # as the other importers say it (``foreign.Cuts``)
            parts.append(
                f"{counted(len(self.folded_titles), 'title')} {FOLDED_SAID}: {first_few([cut(t, 40) for t in self.folded_titles])}"
            )
        if self.cut_titles:  # as the other importers say it (``foreign.Cuts``)
            parts.append(
                f"{counted(len(self.cut_titles), 'title')} longer than a task holds ({MAX_TITLE} characters) cut, each whole at the"
                f" start of its notes: {first_few([cut(t, 40) for t in self.cut_titles])}"
            )
        if self.cut_tags:
            parts.append(
                f"{counted(len(self.cut_tags), 'tag')} longer than a tag holds ({MAX_TAG} characters) cut to one, whole in its"
                f" task's notes: {first_few([cut(t, 40) for t in self.cut_tags])}"
            )
        if self.crowded:
            keep = "keeps" if len(self.crowded) == 1 else "keep"
            parts.append(
                f"{counted(len(self.crowded), 'task')} with more tags than a task holds ({MAX_TAGS}) {keep} the others in the notes:"
                f" {first_few([cut(t, 40) for t in self.crowded])}"
            )
        if self.kept_priorities:
            total = sum(self.kept_priorities.values())
            each = [f"{cut(value, 40)} ({counted(n, 'task')})" for value, n in self.kept_priorities.items()]
            parts.append(
                f"{counted(total, 'task')} with a priority not H, M or L (uda.priority.values) {'has' if total == 1 else 'have'}"
                f" none here, kept on a “priority: …” line of the notes: {first_few(each)}"
            )
        if self.cut_projects:
            parts.append(notesparts.cut_projects_note(list(self.cut_projects)))
        if self.kept_udas:
            # Said, as a priority kept so is: a team that tracked an estimate or a client in a UDA finds where it went.
            # An estimate is read when it is a duration of whole minutes (``_estimate_minutes``): one kept says why.
            why = {"estimate": f", not a duration of whole minutes up to {MAX_ESTIMATE // 60}h (uda.estimate.type=duration)"}
            each = [f"{cut(name, 40)} ({counted(n, 'task')}{why.get(name, '')})" for name, n in sorted(self.kept_udas.items())]
            parts.append(f"{counted(len(self.kept_udas), 'UDA')} kept on a “NAME: value” line of the notes: {first_few(each)}")
        return parts


def _utc(text: Any, name: str) -> str:
    """A Taskwarrior date as a UTC instant; ``ValueError`` naming the field ``name`` otherwise."""
    if isinstance(text, str):
        m = _TW_DATE.match(text)
        if m:
            y, mo, d, h, mi, s = m.groups()
            # Said here, as the file writes it: the record's check would quote it rewritten ("'2026-13-10T00:00:00Z' is not
            # a valid instant").  Compared as text, and a date parsed only past the 28th: every date passes through here.
            if not ("01" <= mo <= "12" and "01" <= d <= "31" and h <= "23" and mi <= "59" and s <= "59") or (
                d > "28" and not _real_day(y, mo, d)
            ):
                raise ValueError(f"{name}: {_shown(text)} is not a real date and time (YYYYMMDDTHHMMSSZ)")
            instant = f"{y}-{mo}-{d}T{h}:{mi}:{s}Z"
            try:
                check_iso_day(instant)
            except DateError as exc:
                hint = " (Taskwarrior's 'someday'? clear it first)" if y == "9999" else ""
                raise ValueError(f"{name}: {exc}{hint}") from None
            return instant
    raise ValueError(f"{name}: {_shown(text)} is not a Taskwarrior date (YYYYMMDDTHHMMSSZ)")


def _real_day(year: str, month: str, day: str) -> bool:
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:  # 2026-02-30, 2026-04-31
        return False
    return True


def _shown(value: Any) -> str:
    """A value of the wrong kind as the message quotes it; JSON's null, true and false as the file spells them."""
    text = json.dumps(value) if value is None or isinstance(value, bool) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def annotation(text: str, entry: dt.datetime | None, tz: str) -> str:
    """An annotation as a line of a task's notes: "2026-12-07 Called the printer", its day in ``tz`` (none without an
    ``entry``).  The import writes each of a task's so, and ``crewdeck annotate`` a new one."""
    day = entry.astimezone(zone(tz)).date().isoformat() if entry is not None else ""
    return f"{day} {text}".strip()


def _estimate_minutes(value: Any) -> int | None:
    """A UDA ``estimate`` of type duration (``PT1H30M``) as the task's estimate, in whole minutes (0, ``PT0S``: none);
    ``None`` for another value (a number, of a unit the file does not say; ``PT45S``, no whole minute; one longer than an
    estimate holds, ``MAX_ESTIMATE``), which is kept in the notes."""
    m = _DURATION.match(value) if isinstance(value, str) else None
    if m is None:
        return None
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in m.groups())
    whole, rest = divmod(seconds, 60)
    total = ((weeks * 7 + days) * 24 + hours) * 60 + minutes + whole
    return None if rest or total > MAX_ESTIMATE else total


def _kept(record: dict[str, Any], tz: str, summary: Summary, read: str | None) -> list[str]:
    """A "FIELD: value" line for each field someone typed that the task has no field for (scheduled, until, recur, a UDA);
    ``read``: a UDA taken into a field of the task (``estimate``), which needs no line.

    scheduled and until are said on the task's clock (``tz``: its own zone, else UTC), with its zone named, as the
    annotations' days are: the same whoever imports the file (in UTC a Dec 7 in Auckland read "2026-12-06T11:00:00Z",
    so a task whose ``tz`` is Auckland's says Auckland's)."""
    lines = []
    for key, value in record.items():
        if key in _READ or key in _FILLED or key == read or value in (None, "", []):
            continue
        if key not in _CORE_KEPT:
            summary.kept_udas[key] += 1
        if key in ("scheduled", "until"):
            value = kept_local(parse_utc(_utc(value, key)), tz)
        lines.append(f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}")
    return lines


@lru_cache(maxsize=1024)
def _project_key(name: str) -> str:
    """The campaign key of a project's name: its slug, or for a name no slug spells ("春のキャンペーン") the name's own
    (``campaign_key``).  The few projects of an export recur in every task: each is spelled once, not once a task."""
    return slug(name) or campaign_key(name)


def _text(record: dict[str, Any], name: str) -> str | None:
    """A field that must be text when it is there."""
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name}: expected text, got {_shown(value)}")
    return value


def records(stream: Readable) -> Iterator[Any]:
    """The export's records one at a time, as they are read: a JSON array (``task export``) or one JSON object per line (older versions).

    ``jsonstream.NotJson`` when the text is neither (raised when the reading reaches it).
    """
    head = stream.read(CHUNK).removeprefix(codecs.BOM_UTF8)  # an editor's byte order mark is not text
    while head.isspace():
        more = stream.read(CHUNK)
        if not more:
            return
        head = more
    rest = _Rest(head, stream)
    if head.lstrip()[:1] == b"[":
        yield from array_items(rest)
        return
    pending = b""
    while True:
        more = rest.read(CHUNK)
        pending += more
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield from _line(line)
        if not more:
            break
    yield from _line(pending)


def _line(raw: bytes) -> Iterator[Any]:
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise NotUtf8("not UTF-8 text") from None
    if line:
        try:
            yield load_json(line.rstrip(","))
        except ValueError as exc:
            raise NotJson(str(exc)) from None


class _Rest:
    """A binary stream whose first bytes were read already: them, then the rest."""

    def __init__(self, head: bytes, stream: Readable) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1, /) -> bytes:
        if not self.head:
            return self.stream.read(size)
        if size < 0:
            out, self.head = self.head + self.stream.read(), b""
        else:
            out, self.head = self.head[:size], self.head[size:]
        return out


def batches(
    records: Iterable[Any],
    ws: Workspace,
    me: Member | None,
    head: Source,
    problems: list[str],
    project_prefix: str = "",
    now: dt.datetime | None = None,
    size: int = BATCH,
) -> Iterator[Source]:
    """The export's tasks (and the campaigns their projects need) for ``merging.merge_stream``, ``size`` at a time.

    Every bad record goes into ``problems``; the importer's remarks go into ``head.notes`` when the last batch is read.
    """
    summary = Summary()
    members = {m.handle: m for m in ws.members()}
    campaigns = campaign_keys(ws.campaigns())
    default_tz = me.tz if me else "UTC"
    created_at = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    batch = Source(head.name, [], [], controls_judged=True)
    held = _Held()
    parts_here = PartsHere(ws.conn)
    #: Each task's record's number in the file, to name it to a record of the same uuid after it; by the id's number,
    #: not its text (half the memory, at 100,000 tasks).
    first_at: dict[int, int] = {}
    #: The batch's tasks whose due (or wait) takes a zone the file does not give (no ``tz``): the assignee's, the importer's.
    zoned: list[str] = []
    for index, record in enumerate(records, start=1):
        if held.hold(record, index):
            continue
        _plan_one(record, index, batch, problems, summary, members, campaigns, default_tz, project_prefix, created_at, first_at, zoned)
        if len(batch.records) >= size:
            _shorter_notes(parts_here, batch)
            _zones_kept(ws, batch, zoned)
            yield batch
            batch = Source(head.name, [], [], controls_judged=True)
    for index, record, join in _series_plans(held, ws, members, default_tz, now or dt.datetime.now(dt.UTC), summary, problems, head.name):
        _plan_one(
            record, index, batch, problems, summary, members, campaigns, default_tz, project_prefix, created_at, first_at, zoned, join
        )
    _shorter_notes(parts_here, batch)
    _zones_kept(ws, batch, zoned)
    yield batch
    # Resumed once the last batch is merged: the merge has said which tasks it left as they are here.
    head.notes = summary.notes(head.notes_left_alone)


#: Makes a planned task (its id, its values) part of a series, changing the values in place; the task's id in the end.
Join = Callable[[str, dict[str, Any]], str]


@dataclass
class _Held:
    """Recurring templates and their pending instances, planned once the whole file is read (an instance may come first)."""

    #: A template's uuid -> its record number and record.
    templates: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    #: A template's uuid -> its pending instances' record numbers and records.
    pending: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)

    def hold(self, record: Any, index: int) -> bool:
        """Whether ``record`` waits for the end of the file: a template or a pending instance (everything else is a task as it is)."""
        if not isinstance(record, dict):
            return False
        status = record.get("status")
        if status == "recurring":
            self.templates[str(record.get("uuid")).lower()] = (index, record)
            return True
        parent = record.get("parent") or record.get("template")  # an instance's template, by either name
        if parent and status in OPEN:
            self.pending.setdefault(str(parent).lower(), []).append((index, record))
            return True
        return False


def _series_plans(
    held: _Held,
    ws: Workspace,
    members: dict[str, Member],
    default_tz: str,
    now: dt.datetime,
    summary: Summary,
    problems: list[str],
    name: str,
) -> Iterator[tuple[int, dict[str, Any], Join | None]]:
    """The held records to plan: a series' open instance joined to it, the rest as tasks."""
    for parent, instances in held.pending.items():
        if parent not in held.templates:  # its template is not in the file: a task, as it always was
            yield from ((index, record, None) for index, record in instances)
    for uuid, (index, template) in held.templates.items():
        title = str(template.get("description", ""))
        # Named in the summary as its tasks are titled (``_task`` puts a description of several lines on one).
        shown = folded(title) or title
        try:
            rule = _rule_of(template, members, default_tz)
        except ValueError as exc:
            problems.append(f"{record_named(name, 'task', index, title, f'uuid {uuid[:8]}')}: {exc}")
            continue
        # The earliest due first: Taskwarrior's own order of instances (imask) when two are due alike.
        instances = sorted(held.pending.get(uuid, []), key=lambda pair: (str(pair[1].get("due", "~")), pair[1].get("imask", 0)))
        if rule is None:
            named = f"{cut(shown, 40)} (recur: {template.get('recur')})"
            if not instances:  # no instance holds the note: said as what it is, not "kept"
                summary.unkept_recurrences.append(named)
            # Said by the import that brings its instances in: a re-import's "nothing new" went on "1 recurrence kept as a note".
            elif not all(_here(ws, record) for _, record in instances):
                summary.kept_recurrences.append(named)
            yield from ((i, record, None) for i, record in instances)
            continue
        series = stable_id("taskwarrior-series", uuid.replace("-", ""))
        here = has_instances(ws, series)
        if not here:  # said by the import that makes it: a later one's "nothing new" went on "1 recurring template as series"
            summary.series.append(cut(shown, 40))
        if instances:
            if not here:  # said once, as the series: a re-import of the same file leaves them to the series it made
                summary.later_instances += len(instances) - 1
            one_off = _one_off_here(ws, instances[0][1], series) if here else None
            if one_off is not None:
                # An older crewdeck read no ``template`` (Taskwarrior 3's ``parent``): the instance came in as a one-off and
                # the series made its own. Joined now, the series had two open instances; which one the team works on is
                # theirs to say, so the one-off stays a task of its own, updated as one (said unless removed here).
                if one_off:
                    summary.one_offs.append(cut(shown, 40))
                yield instances[0][0], instances[0][1], None
                continue
            yield instances[0][0], instances[0][1], _joining(series, rule, now)
        elif not here:  # made at the next occurrence once; after that the series is crewdeck's
            yield index, {**template, "status": "pending"}, _starting(series, rule, now)


def _here(ws: Workspace, record: dict[str, Any]) -> bool:
    """Whether the task of ``record`` came in by an earlier import (its id is its uuid's)."""
    uuid = record.get("uuid")
    return isinstance(uuid, str) and ws.store.record("task", uuid.replace("-", "").lower()) is not None


def _one_off_here(ws: Workspace, record: dict[str, Any], series: str) -> bool | None:
    """Whether the task of ``record``, here of no series or another (an earlier import made it a one-off task), is open
    here beside an open instance of ``series`` (``False``: removed or closed here, or the series has none open: nothing
    to say); ``None`` when it is not here so."""
    uuid = record.get("uuid")
    if not isinstance(uuid, str):
        return None
    open_here = f"deleted = 0 AND status IN ({', '.join('?' * len(OPEN_STATUSES))})"
    row = ws.conn.execute(
        f"SELECT series, {open_here}, EXISTS (SELECT 1 FROM task WHERE series = ? AND {open_here}) FROM task WHERE id = ?",
        (*OPEN_STATUSES, series, *OPEN_STATUSES, uuid.replace("-", "").lower()),
    ).fetchone()
    return None if row is None or row[0] == series else bool(row[1] and row[2])


def _every_words(recur: Any, local: dt.datetime) -> list[str] | None:
    """``every:``'s words for a Taskwarrior recur value whose first date is ``local`` (``None``: no rule says it)."""
    text = recur.strip().lower() if isinstance(recur, str) else ""
    if text == "weekdays":
        return ["weekday"]
    if (named := TASKWARRIOR_RECUR.get(text)) is not None:
        count, unit = named[0], UNITS[named[1]]
    else:
        m = _RECUR_COUNTED.match(text) or _RECUR_ISO.match(text)
        if m is None:
            return None
        unit = _UNIT_OF[m.group(2)[0]]
        count = int(m.group(1)) * (12 if unit == "years" else 1)
        unit = "months" if unit == "years" else unit
    if count < 1:
        return None
    lead = [str(count), unit] if count > 1 else [unit.removesuffix("s")]
    if unit == "weeks":
        return [*lead, "on", WEEKDAYS[local.weekday()]]
    if unit == "months":
        return [*lead, "on", "the", ordinal(local.day)]
    return lead


def _rule_of(template: dict[str, Any], members: dict[str, Member], default_tz: str) -> Rule | None:
    """The rule a template repeats by, at its due time of day in the task's zone; ``None`` when no rule says its recur.

    ``ValueError`` for a due or zone that is not one.
    """
    if "due" not in template:
        return None
    tz = _zone_of(template, members, default_tz)
    local = parse_utc(_utc(template["due"], "due")).astimezone(zone(tz))
    words = _every_words(template.get("recur"), local)
    if words is None:
        return None
    try:
        return parse_rule([*words, local.strftime("%H:%M"), tz], tz, local.date())
    except DateError:  # more than a rule skips ("100 days")
        return None


def _assignee(record: dict[str, Any]) -> str | None:
    """The handle the record's ``assignee`` names: "@raj", as crewdeck writes one, is raj (it was no member's)."""
    handle = record.get("assignee")
    return handle.strip().removeprefix("@") if isinstance(handle, str) else None


def _zone_of(record: dict[str, Any], members: dict[str, Member], default_tz: str) -> str:
    """The zone ``_task`` gives the record's due: its ``tz``, else its assignee's (a member's, not a guest's), else the default."""
    return _own_zone(record, members) or default_tz


#: Whether a task may go to a member, by what ``Member.facts`` gives the rules of them (their id, handle, access and
#: Unix user): asked twice of every task that names an assignee, where the facts made and judged each time cost
#: 1.7 µs (0.12 µs looked up), about a third of a second of a 100,000-task import.
_ASSIGNABLE: dict[tuple[str, str, str, str | None], bool] = {}


def _assignable(owner: Member) -> bool:
    """Whether the rules let a task be assigned to ``owner`` (``assignee_refused``: not a guest, not removed)."""
    key = (owner.id, owner.handle, owner.access, owner.unix_user)
    known = _ASSIGNABLE.get(key)
    if known is None:
        known = _ASSIGNABLE[key] = assignee_refused(owner.facts()) is None
    return known


def _own_zone(record: dict[str, Any], members: dict[str, Member]) -> str | None:
    """The record's own zone: its ``tz``, else its assignee's (a member's, not a guest's); ``None`` when it has neither."""
    tz = _text(record, "tz")
    if not tz:
        handle = _assignee(record)
        owner = members.get(handle.lower()) if handle else None
        tz = owner.tz if owner is not None and _assignable(owner) else None
        if tz is None:
            return None
    try:
        check_zone(tz)
    except UnknownZoneError as exc:
        raise ValueError(f"tz: {exc}") from None
    return tz


def _joining(series: str, rule: Rule, now: dt.datetime) -> Join:
    """The series' open instance is the task as it came, on its own date; its recur is the rule now, not a note."""

    def join(task_id: str, values: dict[str, Any]) -> str:
        if "due" in values:
            day = parse_utc(values["due"]["utc"]).astimezone(zone(rule.tz)).date()
        else:
            day, instant = next_ahead(rule, now.astimezone(zone(rule.tz)).date(), None, now)
            values["due"] = {"utc": utc_iso(instant), "tz": rule.tz}
        _to_series(values, series, rule, day)
        return task_id

    return join


def _starting(series: str, rule: Rule, now: dt.datetime) -> Join:
    """A template with no pending instance: its instance at the rule's next occurrence ahead, with the id the series gives it."""

    def join(task_id: str, values: dict[str, Any]) -> str:
        due = parse_utc(values["due"]["utc"])
        day, instant = next_ahead(rule, due.astimezone(zone(rule.tz)).date() - dt.timedelta(days=1), None, now)
        values["due"] = {"utc": utc_iso(instant), "tz": rule.tz}
        if "snoozed_until" in values:  # as Taskwarrior's own instances: waiting as long before their due as the template
            snoozed = values["snoozed_until"]
            values["snoozed_until"] = {"utc": utc_iso(parse_utc(snoozed["utc"]) + (instant - due)), "tz": snoozed["tz"]}
        _to_series(values, series, rule, day)
        return instance_id(series, day)

    return join


def _to_series(values: dict[str, Any], series: str, rule: Rule, day: dt.date) -> None:
    lines = [line for line in values.get("notes", "").split("\n") if not line.startswith("recur: ")]
    values.pop("notes", None)
    if any(lines):
        values["notes"] = "\n".join(lines)
    values["series"] = series
    values["recurrence"] = {"rule": rule.to_json(), "on": day.isoformat(), "template": template_of(values)}


def _plan_one(
    record: Any,
    index: int,
    batch: Source,
    problems: list[str],
    summary: Summary,
    members: dict[str, Member],
    campaigns: CampaignKeys,
    default_tz: str,
    project_prefix: str,
    created_at: str,
    first_at: dict[int, int],
    zoned: list[str],
    join: Join | None = None,
) -> None:
    if not isinstance(record, dict):
        problems.append(f"{record_named(batch.name, 'task', index)}: not a JSON object")
        return
    try:
        task_id, values, campaign = _task(record, members, campaigns, default_tz, project_prefix, summary, created_at)
        if join is not None:
            task_id = join(task_id, values)
    except ValueError as exc:
        uuid = "" if record.get("uuid") is None else f"uuid {str(record['uuid'])[:8]}"
        problems.append(f"{record_named(batch.name, 'task', index, record.get('description'), uuid)}: {exc}")
        return
    before = len(problems)
    where = record_named(batch.name, "task", index, record.get("description"), f"uuid {task_id[:8]}")
    id_number = int(task_id, 16)
    if id_number in first_at:  # one task of two records would take the last one's fields, and flip from import to import
        first = record_named(batch.name, "task", first_at[id_number])
        problems.append(f"{where}: {given_again(batch.name, 'uuid', str(record.get('uuid', task_id)), first)}")
        return
    first_at[id_number] = index
    if not record.get("tz") and ("due" in values or "snoozed_until" in values):
        zoned.append(task_id)
    texts = partial(_texts, record)  # read only when there is a problem
    # Nearly every task's notes fit (most have none): asked of a record only when they may not.
    more_notes = _more_notes(values) if "notes" in values and len(values["notes"]) > NOTES_ROOM else []
    if campaign is not None:
        # A new campaign goes through the same checks as the tasks: a name that is empty or too long imports nothing.
        key, name = campaign
        campaigns[key] = stable_id("taskwarrior-project", key)
        values["campaign"] = campaigns[key]
        add_checked(batch.records, problems, "campaign", campaigns[key], {"name": name}, where, SourceFields({"name": "project"}, texts))
        batch.where[campaigns[key]] = f"{where}: project"
    add_checked(batch.records, problems, "task", task_id, values, where, SourceFields(FIELDS, texts))
    if len(problems) == before:
        batch.where[task_id] = where
        if more_notes:
            summary.went_on[task_id] = values["title"]
            _plan_parts(more_notes, task_id, values, batch, problems, where, SourceFields(FIELDS, texts))


def _zones_kept(ws: Workspace, batch: Source, zoned: list[str]) -> None:
    """A due (or wait) the file gives at the instant it has here keeps the zone it has here, for a task the file gives
    no ``tz``: its zone was its assignee's, or the importer's, when it came in. Re-imported after the assignee moved, or by
    a member in another zone, the same file "updated" every such task, and the log said each was moved to the time it had.
    As the other importers keep it (``foreign._due``); a series' rule still takes the assignee's zone (``_rule_of``).
    One read a batch; ``zoned`` is emptied."""
    if not zoned:
        return
    planned = {row_id: values for entity, row_id, values in batch.records if entity == "task"}
    rows = ws.conn.execute(
        "SELECT id, due_utc, due_tz, snoozed_until, snoozed_tz FROM task WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(zoned),),
    )
    for task_id, due_utc, due_tz, wait_utc, wait_tz in rows:
        values = planned.get(task_id, {})
        for name, utc, tz in (("due", due_utc, due_tz), ("snoozed_until", wait_utc, wait_tz)):
            given = values.get(name)
            if given is not None and tz and given["utc"] == utc:
                values[name] = {"utc": utc, "tz": tz}
    zoned.clear()


def _shorter_notes(parts_here: PartsHere, batch: Source) -> None:
    """Take away the tasks that the notes of the batch's tasks, shorter than an earlier import's, no longer go on in."""
    firsts = [row_id for entity, row_id, _ in batch.records if entity == "task" and row_id not in batch.continues]
    here = parts_here(firsts)
    if not here:  # nearly always
        return
    parts = Counter(batch.continues.values())
    for task_id, total in here.items():
        for number in range(parts[task_id] + 2, total + 1):
            part_id = stable_id("taskwarrior-notes", task_id, str(number))
            take_away(batch, task_id, part_id, f"{batch.where_of('task', task_id)}: annotations, part {number} of {total} (no longer)")


def _plan_parts(
    parts: list[str], task_id: str, values: dict[str, Any], batch: Source, problems: list[str], where: str, fields: SourceFields
) -> None:
    """The tasks that hold ``parts`` of the task's notes after its first, titled "TITLE (notes 2/N)"."""
    total = len(parts) + 1
    for number, part in enumerate(parts, start=2):
        part_id = stable_id("taskwarrior-notes", task_id, str(number))
        part_where = f"{where}: annotations, part {number} of {total}"
        # Made when the task was (its entry), as its first part: not when this import ran.
        part_values = {
            "title": part_title(values["title"], number, total),
            "status": notesparts.part_status(values["status"]),
            "notes": part,
            "created_at": values["created_at"],
        }
        add_checked(batch.records, problems, "task", part_id, part_values, part_where, fields)
        batch.where[part_id] = part_where
        batch.continues[part_id] = task_id


def _more_notes(values: dict[str, Any]) -> list[str]:
    """The parts after the first of notes longer than a task holds, the first left in ``values`` saying where they go on."""
    first, *rest = notes_parts(values["notes"])
    values["notes"] = f"{first}\n{going_on(values['title'], len(rest) + 1)}"
    if "recurrence" in values:  # the series' next instances copy the notes the task holds
        values["recurrence"]["template"] = template_of(values)
    return rest


def _fitted_tags(tags: Any, values: dict[str, Any], summary: Summary) -> list[str]:
    """Sets the tags a task holds of ``tags``, some too long for a tag or too many; the notes' lines keeping what they could not hold.

    As the other importers do with labels (``foreign``): a tag too long is cut to fit (where a word ends near the limit)
    and kept whole on a "tag: ..." line; the tags past the most a task holds are kept on a "more tags: ..." line.
    ``ValueError`` when ``tags`` is not a list of words.
    """
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(f"tags: expected a list of words, got {_shown(tags)}")
    fitted: dict[str, None] = {}
    kept = []
    past = []
    for tag in dict.fromkeys(map(composed, tags)):
        short = cut_word(tag, MAX_TAG)
        if short != tag:
            kept.append(f"tag: {tag}")
            summary.cut_tags.setdefault(tag)
        if short in fitted or len(fitted) < MAX_TAGS:
            fitted.setdefault(short)
        else:
            past.append(tag)
    values["tags"] = list(fitted)
    if past:
        summary.crowded.append(values["title"])
        kept.append(f"more tags: {', '.join(past)}")
    return kept


def _texts(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The record's texts by the fields that hold them (each annotation's and tag's under its list), for the problems."""
    texts = []
    for key, value in record.items():
        if isinstance(value, str):
            texts.append((key, value))
        elif key == "annotations" and isinstance(value, list):
            texts.extend(
                (key, note["description"]) for note in value if isinstance(note, dict) and isinstance(note.get("description"), str)
            )
        elif key == "tags" and isinstance(value, list):
            texts.extend((key, tag) for tag in value if isinstance(tag, str))
    return texts


def _task(
    record: dict[str, Any],
    members: dict[str, Member],
    campaigns: CampaignKeys,
    default_tz: str,
    project_prefix: str,
    summary: Summary,
    created_at: str,
) -> tuple[str, dict[str, Any], tuple[str, str] | None]:
    """The task's id and fields, and the campaign to create for it (its slug and name), if any.

    ``default_tz``: the due's zone for a task with no zone of its own (the importer's).

    Only the shape of each field is checked here (a wrong type says which
    field); the values then go through the records' own checks.
    """
    uuid = record.get("uuid")
    if not isinstance(uuid, str) or not _UUID.fullmatch(uuid):
        raise ValueError("uuid: missing" if "uuid" not in record else f"uuid: {_shown(uuid)} is not a UUID")
    task_id = uuid.replace("-", "").lower()
    title = _text(record, "description")
    if not title or not title.strip():
        raise ValueError("description: missing")
    # A description typed or pasted over several lines: on one line, as the other importers put a title (``one_line``).
    flat = folded(title)
    if flat is not None:
        if flat != title.strip():
            summary.folded_titles.append(flat)
        title = flat
    status = record.get("status", "pending")
    if not isinstance(status, str) or status not in STATUS:
        raise ValueError(f"status: {_shown(status)} is not pending, waiting, completed, deleted or recurring")
    # A started task (``task start``: +ACTIVE) is one someone is doing; ``task stop`` takes its start away.
    values: dict[str, Any] = {"title": title, "status": "doing" if "start" in record and status in OPEN else STATUS[status]}
    #: The notes' first lines: what a field could not hold, kept whole (as the other importers keep it).
    whole: list[str] = []
    if title[MAX_TITLE:]:  # a slice, not len(): the common case (it fits) costs no call
        whole.append(f"full title: {title}")
        values["title"] = title = cut_to_fit(title, MAX_TITLE)
        summary.cut_titles.append(title)
    assignee_handle = _assignee(record)
    owner = None
    #: The notes' lines: the annotations, then the assignee when the task goes in unassigned.
    lines = []
    if assignee_handle:
        owner = members.get(assignee_handle.lower())
        if owner is None:
            summary.unknown_assignees.add(assignee_handle)
        elif not _assignable(owner):
            summary.guest_assignees.setdefault(owner.handle, []).append(title)
            owner = None
        else:
            values["assignee"] = owner.id
        if owner is None:  # who the file assigned it to is kept, as the summary names them
            lines.append(f"assigned in Taskwarrior to: @{assignee_handle}")
    own_tz = _own_zone(record, members)
    tz = own_tz or default_tz
    # The notes' days and times (annotations, scheduled, until) in the zone the file gives the task, else UTC: never
    # one that changes outside the file (the importer's, the workspace's, the assignee's), or a re-import of the same
    # file would rewrite them, each naming another day.
    notes_tz = own_tz if own_tz and _text(record, "tz") else "UTC"
    if "due" in record:
        values["due"] = {"utc": _utc(record["due"], "due"), "tz": tz}
    if "wait" in record and status in OPEN:  # 2.6 keeps waiting tasks pending
        values["snoozed_until"] = {"utc": _utc(record["wait"], "wait"), "tz": tz}
    values["created_at"] = _utc(record["entry"], "entry") if "entry" in record else created_at
    priority = record.get("priority")
    if priority:
        mapped = PRIORITY.get(priority) if isinstance(priority, str) else None
        if mapped is not None:
            values["priority"] = mapped
        elif isinstance(priority, str):
            # Taskwarrior set up with other values (uda.priority.values=P1,P2,P3): which of them is high is the user's to say.
            lines.append(f"priority: {priority}")
            summary.kept_priorities[priority] = summary.kept_priorities.get(priority, 0) + 1
        else:
            raise ValueError(f"priority: expected text, got {_shown(priority)}")
    tags = record.get("tags")
    if tags:
        # Composed as stored: a tag spelled twice, its accent once as its own mark (as a Mac may), is one tag.
        # Slices, not len(): tags that fit (nearly every task's) cost no call more than the check of their type.
        if not isinstance(tags, list) or tags[MAX_TAGS:] or not all(isinstance(t, str) and not t[MAX_TAG:] for t in tags):
            whole.extend(_fitted_tags(tags, values, summary))
        else:
            values["tags"] = list(dict.fromkeys(map(composed, tags)))
    campaign = None
    project = _text(record, "project")
    if project:
        name = project[len(project_prefix) :] if project_prefix and project.startswith(project_prefix) else project
        key = _project_key(name)
        if not key:  # no letter or digit after the prefix ("🚀"): no campaign's slug, kept whole, not lost
            whole.append(f"project: {project}")
        else:
            # Every task of a project too long for a campaign's name keeps it whole: called for each, not once.
            name = notesparts.campaign_name(name, project, whole, summary.cut_projects)
            if key in campaigns.shared:
                raise ValueError(f"project: {campaigns.shared[key]}")
            if key in campaigns:
                values["campaign"] = campaigns[key]
            else:
                campaign = (key, name)
    annotations = record.get("annotations")
    if annotations:
        if not isinstance(annotations, list):
            raise ValueError("annotations: expected a list")
        annotated = []
        for note in annotations:
            if not isinstance(note, dict) or not isinstance(note.get("description"), str):
                raise ValueError("annotations: each needs a description")
            entry = _utc(note["entry"], "annotations.entry") if "entry" in note else None
            annotated.append(annotation(note["description"], parse_utc(entry) if entry else None, notes_tz))
        lines[:0] = annotated
    minutes = _estimate_minutes(record["estimate"]) if "estimate" in record else None
    if minutes:  # PT0S is read, as none: an estimate of 0 read as one, and showed blank
        values["estimate"] = minutes
    lines.extend(_kept(record, notes_tz, summary, "estimate" if minutes is not None else None))
    if whole:
        lines[:0] = whole
    if lines:
        values["notes"] = "\n".join(lines)
    depends = record.get("depends")
    if depends:
        items = depends.split(",") if isinstance(depends, str) else depends
        if not isinstance(items, list) or not all(isinstance(d, str) for d in items):
            raise ValueError(f"depends: expected a list of UUIDs, got {_shown(depends)}")
        for d in items:  # said as the file has it: the record's own check sees it without its dashes, as a record id
            if not _UUID.fullmatch(d):
                raise ValueError(f"depends: {_shown(d)} is not a UUID")
        values["depends_on"] = [d.replace("-", "").lower() for d in items]
    return task_id, values, campaign
