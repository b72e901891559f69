"""Changes in words: who did what to which record, one sentence per change.

The activity log (``crewdeck log``), a task's history (``crewdeck show``,
the detail screen), the app's notice of others' changes and its undo all
say a change the same way, from here: members by their @handle (a removed
member's marked, "ex-@raj", as task lists do: a new member may have their
handle), campaigns and tasks by their names, times on the viewer's clock ("@raj moved “Draft
reel” to Fri 11-27 17:00 CET").  ``--json`` keeps the stored form.

A change is what one write did to one record: the operations a member's
replica stamped in the same millisecond, one after another, on one record.
The write that made a record is told as "added", not field by field.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state import acting
from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import MINOR_UNITS, format_minor
from crewdeck.sync.state.naming import QUOTE, acted_as, quoted
from crewdeck.sync.state.oplog import APPEND, Op, same_write
from crewdeck.sync.state.records import BOOKKEEPING, OPEN_STATUSES, result_key
from crewdeck.sync.state.restored import restored_bounds
from crewdeck.sync.state.visible import visible
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.results import accounts, targets
from crewdeck.tui.tasks.estimates import format_estimate
from crewdeck.tui.tasks.recurrence import Rule
from crewdeck.tui.time.hours import format_hours
from crewdeck.tui.time.when import format_local, parse_utc, stamp_time
from crewdeck.tui.workspace.placeholders import member_handle
from crewdeck.tui.workspace.workspace import Workspace, campaign_slug, shown_handle

if TYPE_CHECKING:
    from crewdeck.tui.posts.voiding import RoundVoids

#: How many tasks a line names (``Naming.tasks``); the rest are counted.
NAMED_TASKS = 5

#: Fields a sentence leaves out: they say when and by whom, which the sentence says already.
_UNSAID = {"created_at", "created_by", "entered_at", "entered_by", "series"}


@dataclass(frozen=True)
class Naming:
    """What a sentence calls things, and the clock it tells times on."""

    handles: dict[str, str]
    campaigns: dict[str, str]
    #: A task's title by id (``None`` for no such task).
    title: Callable[[str], str | None]
    tz: str
    now: dt.datetime
    clock24: bool = True
    #: The workspace's base currency: a campaign's money targets are in it.
    currency: str = ""
    #: A field's stored value before an operation (``row_id, field, op_id``), ``None`` when it had none: what a rename renamed.
    earlier: Callable[[str, str, str], Any] | None = None
    #: A ledger entry's stored record by id (``None`` for no such entry): what an approval approved.
    entry: Callable[[str], Any] | None = None
    #: The ids of removed members (``Workspace.removed_ids``): their handles are marked.
    removed: frozenset[str] = frozenset()
    #: A crisis's reason by id (``None`` for no such crisis): which crisis an end ended, two may be open at once.
    crisis: Callable[[str], str | None] | None = None
    #: Who made the field's value before a write (``row_id, field, op_id`` as ``earlier``), when the log tells that
    #: the write's writer had not seen it (``unseen_in``), else ``None``.
    unseen: Callable[[str, str, str], str | None] | None = None
    #: The change that had voided a post's round by a stamp (``post, round, before``), else ``None``: what an approval of
    #: it the server refused as stale, before then, came too late for.
    void: Callable[[str, str, str], Void | None] | None = None

    @classmethod
    def of(cls, ws: Workspace, tz: str, now: dt.datetime, clock24: bool = True) -> Naming:
        conn = ws.conn
        campaigns = {row[0]: row[1] for row in conn.execute("SELECT id, name FROM campaign") if isinstance(row[1], str) and row[1].strip()}

        def title(task_id: str) -> str | None:
            row = conn.execute("SELECT title FROM task WHERE id = ?", (task_id,)).fetchone()
            return row[0] if row and isinstance(row[0], str) and row[0].strip() else None

        def earlier(row_id: str, field: str, op_id: str) -> Any:
            row = conn.execute(
                "SELECT value FROM ops WHERE row_id = ? AND field = ? AND op_id < ? ORDER BY op_id DESC LIMIT 1", (row_id, field, op_id)
            ).fetchone()
            return stored_value(row[0]) if row else None

        def entry(entry_id: str) -> Any:
            return ws.store.record("ledger_entry", entry_id)

        restored = restored_bounds(conn)

        def crisis(crisis_id: str) -> str | None:
            reason = (ws.store.record("crisis", crisis_id) or {}).get("reason")
            return reason if isinstance(reason, str) and reason.strip() else None

        return cls(
            ws.handles(),
            campaigns,
            title,
            tz,
            now,
            clock24,
            ws.base_currency,
            earlier,
            entry,
            ws.removed_ids(),
            crisis,
            lambda row_id, field, op_id: unseen_in(conn, row_id, field, op_id, restored),
            _round_voids(conn),
        )

    def writer(self, member_id: Any, actor: str | None) -> str:
        """Who wrote an operation of ``member_id``'s: "@raj", or "@ana as @raj" where ``actor`` acted as them (``--as``)."""
        return acted_as(self.member(actor), self.member(member_id)) if actor else self.member(member_id)

    def member(self, member_id: Any) -> str:
        if not isinstance(member_id, str) or not member_id:
            return "nobody"
        return self.handle(member_id, self.handles.get(member_id, member_handle(member_id)))

    def handle(self, member_id: str, handle: str) -> str:
        """A handle member ``member_id`` has or had, as read (``shown_handle``): "@raj", "ex-@raj" if they were removed."""
        return shown_handle(handle, member_id in self.removed)

    def campaign(self, campaign_id: Any) -> str:
        if not isinstance(campaign_id, str) or not campaign_id:
            return "no campaign"
        return self.campaigns.get(campaign_id, f"campaign {short(campaign_id)}")

    def task(self, task_id: str, fallback: Any = None) -> str:
        title = self.title(task_id) or (fallback if isinstance(fallback, str) and fallback.strip() else None)
        return quoted(title) if title else f"task {short(task_id)}"

    def tasks(self, task_ids: Iterable[str]) -> str:
        """The first tasks' titles, by title, and how many more: "“A”, “B” and 3 more" (a line naming 12,000 tasks was
        180 KB to scroll past)."""
        named = sorted(self.task(task_id) for task_id in task_ids)
        return ", ".join(named[:NAMED_TASKS]) + (f" and {len(named) - NAMED_TASKS:,} more" if len(named) > NAMED_TASKS else "")

    def time(self, value: Any) -> str:
        """A stored instant (``"…Z"`` or ``{"utc": …, "tz": …}``) on the viewer's clock."""
        utc = value.get("utc") if isinstance(value, dict) else value
        return format_local(parse_utc(str(utc)), self.tz, self.now, clock24=self.clock24)


def unseen_in(conn: sqlite3.Connection, row_id: str, field: str, since: str, restored: Sequence[tuple[int, str]] = ()) -> str | None:
    """The member whose value of ``field`` the write starting at ``since`` replaced, when that write's writer had not
    seen it: another member's, on another node, stamped before the write and stored after it in this log.  Edits travel
    only through the shared file or the server, which store them in the order they come, and a replica pulls the
    server's pages in that order: stored after, it was in no log the writer could have read it from (nor in the
    writer's own replica, when this is it).  Stored before, the log cannot tell, and nothing is said (a page applied in
    stamp order only hides such an edit, never shows one the writer had seen).  Nor when the edit replaced may be one
    a server put back from an older backup was sent again (``restored_bounds``): stored again in the order its replicas
    synced, it may have been in the writer's log long before."""
    row = conn.execute(
        """SELECT e.member FROM
               (SELECT seq, node, member FROM ops WHERE row_id = :row AND field = :field AND op_id >= :since ORDER BY op_id LIMIT 1) AS w,
               (SELECT seq, node, member, op_id FROM ops WHERE row_id = :row AND field = :field AND op_id < :since ORDER BY op_id DESC LIMIT 1) AS e
           WHERE e.seq > w.seq AND e.node != w.node AND e.member != w.member AND NOT EXISTS
               (SELECT 1 FROM json_each(:restored) AS r WHERE e.seq > json_extract(r.value, '$[0]') AND e.op_id < json_extract(r.value, '$[1]'))""",
        {"row": row_id, "field": field, "since": since, "restored": json.dumps(list(restored))},
    ).fetchone()
    return str(row[0]) if row else None


@dataclass(frozen=True)
class ToldChange:
    """One write to one record, in words."""

    at: dt.datetime
    member: str
    entity: str
    row_id: str
    #: Each field the write set and its stored value, in the order written.
    values: dict[str, Any]
    created: bool
    #: "@raj moved “Draft reel” to Fri 11-27 17:00 CET".
    sentence: str
    #: The same without the subject: "moved “Draft reel” to Fri 11-27 17:00 CET".
    what: str
    #: The operations, oldest first.
    ops: tuple[Op, ...]


def first_ops(conn: sqlite3.Connection, row_ids: Iterable[str]) -> set[str]:
    """The first operation of each record: the write holding it made the record."""
    ids = sorted(set(row_ids))
    if not ids:
        return set()
    rows = conn.execute("SELECT min(op_id) FROM ops WHERE row_id IN (SELECT value FROM json_each(?)) GROUP BY row_id", (json.dumps(ids),))
    return {row[0] for row in rows}


def grouped(ops: Iterable[Op]) -> Iterator[list[Op]]:
    """Consecutive operations of one write to one record (``ops`` in either order)."""
    group: list[Op] = []
    for op in ops:
        if group and not same_write(group[-1], op):
            yield group
            group = []
        group.append(op)
    if group:
        yield group


def changes(ops: Iterable[Op], names: Naming, created: set[str], actors: Callable[[Op], str | None] | None = None) -> list[ToldChange]:
    """``ops`` as changes, in the order given; ``created``: the first operations of records (``first_ops``).

    ``actors`` gives the id of who acted as the op's member (``crewdeck --as`` by another Unix user), if anyone.
    """
    out = []
    for group in grouped(ops):
        ordered = sorted(group, key=lambda op: op.op_id)
        first = ordered[0]
        made = any(op.op_id in created for op in ordered)
        what = describe(first.entity, first.row_id, _values(ordered), made, names, kind=first.kind, since=first.op_id)
        out.append(told(ordered, what, names, made, actors))
    return out


def told(ops: Sequence[Op], what: str, names: Naming, created: bool, actors: Callable[[Op], str | None] | None = None) -> ToldChange:
    """One write (``ops``, oldest first) told as ``what`` after whoever wrote it ("@raj", "@ana as @raj")."""
    first = ops[0]
    subject = names.writer(first.member, actors(first) if actors else None)
    return ToldChange(
        stamp_time(first.op_id),
        first.member,
        first.entity,
        first.row_id,
        _values(ops),
        created,
        visible(f"{subject} {what}"),
        visible(what),
        tuple(ops),
    )


def _values(ops: Iterable[Op]) -> dict[str, Any]:
    """Each field the operations set and its stored value, in the order written."""
    return {op.field: stored_value(op.value) for op in ops}


def stored_value(text: str) -> Any:
    """An operation's value as stored (JSON), or its text where it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def action_words(ops: Iterable[Op], names: Naming, created: set[str]) -> str:
    """What one action did, without its subject: "snoozed “Draft reel” until tmrw 09:00 CET",
    or for several records the first and how many more ("marked “A” done, and 2 more")."""
    # The record of a manager acting as another member (``--as``) is who made the change, not a change; an import's
    # ``import_run`` which of its operations it wrote.
    said = changes((op for op in ops if op.entity not in BOOKKEEPING), names, created)
    if not said:
        return "nothing"
    rows = {(c.entity, c.row_id) for c in said}
    more = len(rows) - 1
    # One record changed and one the action made (a done series' next instance), or brought back (that instance, its
    # making undone, made again): both said, as the second is no "1 more" of what the first was ("marked “A” done;
    # added “A” for @raj, due Tue 12-08 11:00 CET").
    made = [c for c in said if (c.created or c.values.get("deleted") is False) and (c.entity, c.row_id) != (said[0].entity, said[0].row_id)]
    if more == 1 and made and not said[0].created:
        return f"{said[0].what}; {made[0].what}"
    return said[0].what + (f", and {more:,} more" if more else "")


#: Fields that hold a member's id or a campaign's.
_MEMBER_FIELDS = {"assignee", "created_by", "entered_by", "approved_by", "actor", "member"}


def naming_refused(names: Naming, refused: Iterable[Op]) -> Naming:
    """``names`` that also call a task or a campaign the server refused by the title or name it was given (it is in no
    table)."""
    ops = list(refused)
    given = {op.row_id: stored_value(op.value) for op in ops if op.entity == "campaign" and op.field == "name"}
    named = {row_id: name for row_id, name in given.items() if isinstance(name, str) and name.strip()}
    titled = {op.row_id: stored_value(op.value) for op in ops if op.entity == "task" and op.field == "title"}
    titles = {row_id: title for row_id, title in titled.items() if isinstance(title, str) and title.strip()}
    if not named and not titles:
        return names
    stored = names.title
    return replace(names, campaigns={**named, **names.campaigns}, title=lambda task_id: stored(task_id) or titles.get(task_id))


@dataclass(frozen=True)
class RefusedWrite:
    """The operations of one write the server refused for one reason, in words."""

    #: Newest first, as ``Store.refused`` lists them.
    ops: tuple[Op, ...]
    rule: str
    message: str
    #: "@raj added “Rough cut” for ex-@lee, due Fri 11-27 17:00 CET"; one operation alone as it stands,
    #: "@raj set assignee of “Shoot” to ex-@lee".
    words: str

    @property
    def at(self) -> dt.datetime:
        return stamp_time(self.ops[-1].op_id)

    def line(self) -> str:
        """ "REFUSED: @raj added “Rough cut” for ex-@lee: … (rule removed_assignee)", as ``crewdeck log`` lists it."""
        return visible(f"REFUSED: {self.words}: {self.message} (rule {self.rule})")


#: A field as a line about an edit of it names it, where its stored name reads otherwise.
_FIELD_WORDS = {
    "due": "due date",
    "publish": "publish slot",
    "snoozed_until": "snooze",
    "depends_on": "dependencies",
    "post_state": "post state",
    "duplicate_of": "duplicate mark",
    "deleted": "removal",
}


def overwritten_lines(fields: Iterable[tuple[str, str, str, str, str]], names: Naming, limit: int | None = None) -> tuple[list[str], int]:
    """Fields changed here, ``(entity, row, field, by, at)``, that ``by``'s edit stamped ``at``, made meanwhile without
    seeing them, replaced in a sync round (``remote.Overwritten``): a line per record and member, saying whose edit
    stands, when (on the reader's clock; the latest of a line's), and where what was typed here is still to be read (a text's whole in the log's JSON: the log's line cuts it short).  Results are a
    line per what they count and member, their days together (``_results_overwritten``).  The lines of the first
    ``limit`` (all, with none), each naming its record, and how many there are."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    #: A day's result per what it counts and who won: its ids, by day, and the fields replaced.
    results: dict[tuple[str, str], tuple[dict[str, str], list[str]]] = {}
    #: The newest stamp of the edits standing, per line.
    latest: dict[tuple[str, str, str], str] = {}
    for entity, row_id, field, by, at in fields:
        key = result_key(row_id) if entity == "result" else None
        line = (entity, row_id, by) if key is None else ("result", _counted_of(key, names), by)
        latest[line] = max(at, latest.get(line, at))
        if key is None:
            grouped.setdefault(line, []).append(field)
            continue
        days, names_of = results.setdefault((_counted_of(key, names), by), ({}, []))
        days.setdefault(key["day"], row_id)
        if field not in names_of:
            names_of.append(field)
        # In the order met, among the records: one entry for all its days (what it counts in the row's place).
        grouped.setdefault(line, [])
    lines = []
    for (entity, row_id, by), names_of in list(grouped.items())[:limit]:
        when = format_local(stamp_time(latest[(entity, row_id, by)]), names.tz, names.now, clock24=names.clock24)
        if entity == "result":
            lines.append(_results_overwritten(row_id, *results[(row_id, by)], f"{names.member(by)}'s, made meanwhile, {when}"))
            continue
        record, logged = _overwritten_record(entity, row_id, names)
        field_words = _FIELD_WORDS | _RECORD_FIELD_WORDS.get(entity, {})
        edited = [field_words.get(field, field.replace("_", " ")) for field in names_of if field != "deleted"]
        said = ", ".join(edited[:-1]) + f" and {edited[-1]}" if len(edited) > 1 else "".join(edited)
        where = f"crewdeck log {logged}" + (" --json" if OVERWRITTEN.intersection(names_of) else "")
        one = len(names_of) == 1
        # A removal is no edit "of its deleted": an edit that writes the whole record (a budget set) brings it back.
        if not edited:
            replaced = f"your removal of it made here was undone by {names.member(by)}'s edit"
        elif "deleted" in names_of:
            edits = "edit" if len(edited) == 1 else "edits"
            replaced = f"your {edits} of its {said} and your removal of it made here were replaced by {names.member(by)}'s"
        else:
            replaced = (
                f"your {'edit' if one else 'edits'} of its {said} made here {'was' if one else 'were'} replaced by {names.member(by)}'s"
            )
        lines.append(
            visible(
                f"{record}: {replaced}, made meanwhile, {when} ({'the later edit stands' if one else 'the later edits stand'}); "
                f"yours {'is' if one else 'are'} kept in its history: {where}"
            )
        )
    return lines, len(grouped)


def _overwritten_record(entity: str, row_id: str, names: Naming) -> tuple[str, str]:
    """A record an edit replaced, as its line names it, and the id ``crewdeck log`` reads its history by: a record keyed
    by what it holds (a budget, a rate) and the workspace by their whole id, as their ids cut short name none."""
    if entity == "task":
        return names.task(row_id), short(row_id)
    if entity == "campaign":
        return names.campaign(row_id), short(row_id)
    if entity == "member":
        return f"the profile of {names.member(row_id)}", short(row_id)
    if entity == "workspace":
        return "the workspace", row_id
    keyed = keyed_record(entity, row_id, names)
    if keyed is not None:
        return keyed, row_id
    return f"{entity.replace('_', ' ')} {short(row_id)}", short(row_id)


#: The most counts a line about results replaced names (more are counted: "5 counts").
_COUNTS_NAMED = 3


def _counted_of(key: dict[str, Any], names: Naming) -> str:
    """What a result counts, as a line names it: "the results of “Launch reel”", "the results of +spring/meta", "the
    followers on instagram"."""
    if key["kind"] == "followers":
        return f"the followers on {key['platform']}"
    if key["kind"] == "post":
        return f"the results of {names.task(key['post'])}"
    campaign = key["campaign"]
    return f"the results of +{campaign_slug(campaign, names.campaigns.get(campaign))}/{key['platform']}"


def _results_overwritten(counted: str, days: dict[str, str], fields: list[str], standing: str) -> str:
    """ "the results of +spring/meta on 2026-11-02..05: your clicks and impressions made here were replaced by @ana's,
    …": a day's result is a record, and an import of the same days by another replica replaces them all at once.
    ``standing``: whose values stand, and when ("@ana's, made meanwhile, today 10:12 CET")."""
    counts = [f for f in fields if f != "source"] or fields  # the source goes with the counts; alone, it is what changed
    words = ["conversion value" if f == "value" else f.replace("_", " ") for f in counts]
    if len(words) > _COUNTS_NAMED:
        said = f"{len(words)} counts"
    else:
        said = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    one = len(words) == 1
    first = min(days)
    where = f"its history: crewdeck log {days[first]}" if len(days) == 1 else f"each day's history: crewdeck log {days[first]} ({first}'s)"
    return visible(
        f"{counted} on {_days_said(sorted(days))}: your {said} made here {'was' if one else 'were'} replaced by {standing} "
        f"({'the later value stands' if one else 'the later values stand'}); yours {'is' if one else 'are'} kept in {where}"
    )


def _days_said(days: Sequence[str]) -> str:
    """ISO days (sorted) as runs: "2026-11-02..05, 2026-11-09", a run's last day cut to what differs from its first."""
    runs: list[list[str]] = []
    for day in days:
        if runs and _day_after(runs[-1][-1]) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    said = []
    for run in runs:
        first, last = run[0], run[-1]
        if first == last:
            said.append(first)
        else:
            cut = 8 if first[:7] == last[:7] else 5 if first[:4] == last[:4] else 0
            said.append(f"{first}..{last[cut:]}")
    return ", ".join(said)


def _day_after(day: str) -> str:
    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return ""  # not a day: a run of its own


def deleted_meanwhile_line(task_id: str, by: str, at: str, names: Naming) -> str:
    """A task changed here that ``by`` deleted meanwhile (``remote.Deleted``), at the stamp ``at``, in one line: it leaves
    every list, and what was written here is kept in it."""
    when = format_local(stamp_time(at), names.tz, names.now, clock24=names.clock24)
    return visible(
        f"{names.task(task_id)}, which you changed here, was deleted by {names.member(by)} meanwhile, {when}; "
        f"what you wrote is kept in it: crewdeck show {short(task_id)}"
    )


def refused_of(op: Op, task_id: str) -> bool:
    """Whether a refused operation is one of the task's history: an operation on it, or a verdict given on it (a post's
    approval is a record of its own, naming the post), as the history tells verdicts the server took."""
    if op.row_id == task_id:
        return True
    if op.entity != "post_approval":
        return False
    record = stored_value(op.value)
    return isinstance(record, dict) and record.get("post") == task_id


def refused_writes(refused: Iterable[tuple[Op, str, str, str]], names: Naming) -> list[RefusedWrite]:
    """``Store.refused``'s rows (newest first) a write at a time: the operations one write made that the server refused
    for one reason are told as ``crewdeck log`` tells a write ("added “Rough cut” for ex-@lee", not its title, creator
    and status field by field); ``names`` from ``naming_refused``.  An approval refused as stale says which change
    voided its round, and whose (``_stale_words``)."""
    groups: list[list[tuple[Op, str, str, str]]] = []
    for op, rule, message, when in refused:
        if groups and same_write(groups[-1][-1][0], op) and groups[-1][-1][1:3] == (rule, message):
            groups[-1].append((op, rule, message, when))
        else:
            groups.append([(op, rule, message, when)])
    return [
        RefusedWrite(
            tuple(op for op, *_ in g),
            g[0][1],
            g[0][2] + _stale_words(g[0][0], g[0][1], g[0][3], names),
            _refused_words([op for op, *_ in g], names),
        )
        for g in groups
    ]


#: A field whose change voids a post's round, as the line of an approval refused for it names it.
_VOIDING_WORDS = {"first_comment": "first comment"}


@dataclass(frozen=True)
class Void:
    """The change that voided a post's round (``Naming.void``)."""

    op_id: str
    member: str
    #: Who acted as ``member`` (``--as``), else ``None``.
    actor: str | None
    field: str
    value: Any

    def words(self) -> str:
        """ "change of its copy"; "move of it back to in review" of the state a pull or publishing undone put back, which
        voided the round where the post had moved to another campaign or platform meanwhile."""
        if self.field == "post_state":
            return f"move of it back to {str(self.value).replace('-', ' ')}"
        return f"change of its {_VOIDING_WORDS.get(self.field, self.field)}"


def _stale_words(op: Op, rule: str, refused_at: str, names: Naming) -> str:
    """What the line of an approval the server refused as stale (rule ``stale_round``) adds: the change that voided its
    round, whose, and when, as this replica's log has it once the round pulled it ("; voided by @raj's change of its
    copy, today 07:41 UTC"), where the server's reason ("the content changed since it was submitted") left the approver
    to search the history for it; "" when the log holds no such void (a round cut off before its pull brought it).  The
    void stamped before the refusal came back (``refused_at``), as the server had it: not one made after it."""
    if rule != "stale_round" or op.entity != "post_approval" or names.void is None:
        return ""
    record = stored_value(op.value)
    if not isinstance(record, dict) or not isinstance(record.get("post"), str) or not isinstance(record.get("round"), str):
        return ""
    void = names.void(record["post"], record["round"], _stamps_before(refused_at))
    if void is None:
        return ""
    when = format_local(stamp_time(void.op_id), names.tz, names.now, clock24=names.clock24)
    return f"; voided by {names.writer(void.member, void.actor)}'s {void.words()}, {when}"


def _stamps_before(refused_at: str) -> str:
    """The least stamp after the instant ``refused_at`` (``refused_ops.refused_at``: to the millisecond, or to the
    second as stored before, read as its whole second): the stamps before it sort before it as text."""
    try:
        instant = dt.datetime.fromisoformat(refused_at.replace("Z", "+00:00"))
    except ValueError:
        return ""  # not as this file writes it: no void is known to be before it
    ms = (instant - _EPOCH) // dt.timedelta(milliseconds=1) + (0 if "." in refused_at else 999)
    return f"{ms + 1:013d}"


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _round_voids(conn: sqlite3.Connection) -> Callable[[str, str, str], Void | None]:
    """``Naming.void``: the change that had voided the post's round by the stamp ``before``, as ``voiding.RoundVoids``
    finds it, each post's turns read once for all of a log's refusals."""
    voids: list[RoundVoids] = []  # made at the first refusal named: most logs have none
    #: Who acted as whom (``--as``), read with the first.
    acted: list[Callable[[str, str], str | None]] = []
    #: Each void by its stamp, read once: no index serves a stamp, and the post's whole log is walked for it.
    found: dict[str, Void | None] = {}

    def void(post_id: str, round_id: str, before: str) -> Void | None:
        if not voids:
            # Imported here: voiding reads stored values from this module.
            from crewdeck.tui.posts.voiding import RoundVoids

            voids.append(RoundVoids(conn))
            acted.append(acting.actors(conn))
        turn = voids[0](post_id, round_id, before)
        if turn is None:
            return None
        if turn.op_id not in found:
            # By the post's row first: the one index on the log leads with it.
            row = conn.execute("SELECT member, field, value FROM ops WHERE row_id = ? AND op_id = ?", (post_id, turn.op_id)).fetchone()
            found[turn.op_id] = None
            if row is not None:
                member = str(row[0])
                found[turn.op_id] = Void(turn.op_id, member, acted[0](member, turn.op_id), str(row[1]), stored_value(row[2]))
        return found[turn.op_id]

    return void


def _refused_words(ops: Sequence[Op], names: Naming) -> str:
    if len(ops) == 1:
        return op_words(ops[0], names)
    ordered = sorted(ops, key=lambda op: op.op_id)
    first = ordered[0]
    values = _values(ordered)
    # The write that made a record sets who made it: refused, the record never was, and no earlier operation is in the log.
    made = bool({"created_at", "created_by"} & values.keys())
    return visible(f"{names.member(first.member)} {describe(first.entity, first.row_id, values, made, names, since=first.op_id)}")


def op_words(op: Op, names: Naming) -> str:
    """One operation as it stands, field and value, for one the server refused: "set created_by of “Draft” to @ana"."""
    if op.kind == APPEND:
        record = stored_value(op.value)
        if op.entity == "crisis_end" and isinstance(record, dict):
            # The posts an end resumed are writes of their own, judged apart: refused, the end resumed none of them, and
            # "ended the crisis and resumed its posts" said they stayed held where the server took their release.
            record = {**record, "resume": None}
        return visible(f"{names.member(op.member)} {describe(op.entity, op.row_id, {op.field: record}, False, names, kind=op.kind)}")
    value = stored_value(op.value)
    if op.entity == "member":
        # By handle, as the log says it: "set deleted of member 1a2b3c4d to yes" for a removal the server refused.
        return visible(f"{names.member(op.member)} {_member(op.row_id, {op.field: value}, False, names)}")
    if op.field in _MEMBER_FIELDS:
        shown = names.member(value)
    elif op.field == "campaign":
        shown = names.campaign(value)
    elif op.entity == "task" and op.field in ("depends_on", "duplicate_of") and value:
        # Tasks by their titles, as the history names them: a refused dependency read as two 32-digit ids.
        shown = ", ".join(names.task(str(task)) for task in (value if isinstance(value, list) else [value]))
    else:
        try:
            shown = _plain(value, names)
        except ValueError:  # an instant that does not read
            shown = str(value)
    return visible(f"{names.member(op.member)} set {op.field} of {_record_words(op, names)} to {shown}")


def _record_words(op: Op, names: Naming) -> str:
    """The record an operation sets a field of: “Draft”, "the ads budget of launch for the run", "campaign Launch"
    ("campaign 1a2b3c4d" when it has no name here)."""
    if op.entity == "task":
        return names.task(op.row_id)
    if op.entity == "budget" and op.row_id.count(":") == 3:
        return _budget_for(op.row_id, names)  # its short id, "budget:5", names nothing
    if op.entity == "campaign" and op.row_id in names.campaigns:
        return f"campaign {names.campaigns[op.row_id]}"
    return f"{op.entity} {short(op.row_id)}"


# ------------------------------------------------------------------ sentences


def describe(
    entity: str, row_id: str, values: dict[str, Any], created: bool, names: Naming, *, kind: str = "set", since: str | None = None
) -> str:
    """What a write did to a record, without its subject: "moved “Draft reel” to Fri 11-27 17:00 CET".

    ``since``: the write's first operation, when known: a rename then says the name it replaced.
    """
    try:
        if kind == APPEND:
            return _appended(entity, values.get("*"), names)
        if entity == "task":
            return _task(row_id, values, created, names, since)
        if entity == "member":
            return _member(row_id, values, created, names, _before(names, row_id, "handle", since))
        if entity == "campaign":
            return _campaign(row_id, values, created, names, _before(names, row_id, "name", since) if "name" in values else None)
        if entity == "result":
            return result_words(row_id, values, created, names)
        if entity == "budget":
            return _budget(row_id, values, names)
        if entity == "rate":
            return f"set rate {values['date']}: 1 {values['base']} = {values['rate']} {values['quote']}"
    except (KeyError, TypeError, ValueError, AttributeError):
        pass  # a pulled record may hold anything: said plainly below
    if entity == "workspace" and created:
        return f"created the workspace {_plain(values.get('name'), names)}"
    label = {"workspace": "the workspace", "budget": f"budget {short(row_id)}", "rate": f"rate {short(row_id)}"}.get(
        entity, f"{entity} {short(row_id)}"
    )
    if created:
        return f"added {label}"
    return _joined(
        [
            f"set the approval chain of posts in no campaign to {_chain(value, names)}"
            if entity == "workspace" and name == "approvals" and isinstance(value, list)
            else f"set {name} of {label} to {_plain(value, names)}"
            for name, value in values.items()
            if name not in _UNSAID
        ],
        "changed " + label,
    )


def _before(names: Naming, row_id: str, field: str, since: str | None) -> str | None:
    """The text ``field`` held before the write starting at ``since``, if it held one."""
    if since is None or names.earlier is None:
        return None
    value = names.earlier(row_id, field, since)
    return value if isinstance(value, str) and value.strip() else None


def _rule_before(names: Naming, row_id: str, since: str | None) -> Any:
    """The repeat rule a task had before the write starting at ``since``: ``None`` for none, or where it is not known."""
    if since is None or names.earlier is None:
        return None
    old = names.earlier(row_id, "recurrence", since)
    return old.get("rule") if isinstance(old, dict) else None


def _joined(phrases: list[str], fallback: str) -> str:
    return "; ".join(phrases) if phrases else fallback


def _plain(value: Any, names: Naming) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain(v, names) for v in value)
    if isinstance(value, dict) and "utc" in value:
        return names.time(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return quoted(text) if len(text) > QUOTE or " " in text else text


def _task(row_id: str, values: dict[str, Any], created: bool, names: Naming, since: str | None = None) -> str:
    """``since``: the write's first operation, when known: a change of a text then says the text it replaced."""
    name = names.task(row_id, values.get("title"))
    if values.get("deleted") is True:
        return f"deleted {name}"
    if created:
        extra = []
        if values.get("assignee"):
            extra.append(f"for {names.member(values['assignee'])}")
        if values.get("due"):
            extra.append(f"due {names.time(values['due'])}")
        return f"added {name}" + (f" {', '.join(extra)}" if extra else "")
    # The first phrase names the task, the others say "it": each phrase is given the words it calls the task by (never
    # substituted afterwards into text that holds typed words, which may read "{it}" too).
    said: list[str] = []

    def it() -> str:
        return "it" if said else name

    fields = dict(values)
    if fields.get("decline_reason") and fields.get("status") == "cancelled":
        said.append(f"declined {it()}: {quoted(str(fields.pop('decline_reason')))}")
        fields.pop("status")
    if fields.get("post_state") == "in-review" and fields.get("post_round"):
        said.append(f"submitted {it()} for approval")
        fields.pop("post_state")
        fields.pop("post_round")
    if fields.get("post_state") in _POST_STATUS and fields.get("status") == _POST_STATUS[fields["post_state"]]:
        # A post's state stands for its task's status, and publishing says when: one move ("pulled “Launch reel”").
        fields.pop("status")
        if fields["post_state"] == "published" and fields.get("published_at"):
            fields.pop("published_at")
            live = fields.pop("live_url", None)
            if live:
                # Where it went out is part of the move: "set live_url of it to https://…" named the stored field.
                fields.pop("post_state")
                said.append(f"marked {it()} published, live at {_plain(live, names)}")
    state = fields.get("post_state")
    if state and state not in _POST_STATUS and fields.get("status") in OPEN_STATUSES:
        # A post taken back from published or pulled (an undo): its state stands for the status it reopens with, and the
        # time and link of publishing go with it; said as the move back, not as stored fields ("set published_at of it").
        fields.pop("status")
        state = str(fields.pop("post_state")).replace("-", " ")
        if "published_at" in fields and not fields["published_at"]:
            fields.pop("published_at")
            if not fields.get("live_url"):
                fields.pop("live_url", None)
            said.append(f"put {it()} back to {state}, no longer published")
        else:
            said.append(f"put {it()} back to {state}")
    if fields.get("duplicate_of") and fields.get("status") == "cancelled":
        said.append(f"marked {it()} a duplicate of {names.task(str(fields.pop('duplicate_of')))}")
        fields.pop("status")
    if "duplicate_of" in fields and not fields["duplicate_of"] and fields.get("status") in OPEN_STATUSES:
        # The mark taken back reopens what it cancelled (``edits``): one move, as marking is.
        fields.pop("duplicate_of")
        said.append(f"unmarked {it()} as a duplicate, reopened as {fields.pop('status')}")
    for name_, value in fields.items():
        if name_ in _UNSAID:
            continue
        rule = value.get("rule") if name_ == "recurrence" and isinstance(value, dict) else None
        before = _rule_before(names, row_id, since) if rule else None
        if rule and before == rule:
            # The series' template took this write's change (``set --future``): the rule is as it was, not "made" now.
            said.append("the same for its next instances" if said else f"changed the next instances of {name}")
            continue
        if rule and before:
            said.append(f"changed {it()} to repeat {Rule.from_json(rule).text()}")  # it repeated already, otherwise
            continue
        old = _before(names, row_id, name_, since) if name_ in OVERWRITTEN else None
        unseen = names.unseen(row_id, name_, since) if old is not None and since is not None and names.unseen else None
        if old is None:
            said.append(_task_field(name_, value, names, it()))
        elif unseen is not None:
            # "edited “B” to “A”" read as if the writer had seen B: written meanwhile, B only went before it by stamp.
            did, texts = overwrote(name_, old, value)
            said.append(f"{did} of {it()} without having seen {names.member(unseen)}'s edit, made meanwhile: {texts}")
        elif name_ == "title" and value and not _same_words(old, str(value)):
            said.append("renamed " + " to ".join(_old_and_new(old, str(value))))
        else:
            did, texts = overwrote(name_, old, value)
            said.append(f"{did} of {it()}: {texts}")
    if not said:
        return f"changed {name}"
    return ", ".join(said)


#: A task's texts a write overwrites: its history says what they held, so nothing anyone typed is lost from sight.
OVERWRITTEN = {"title", "notes", "copy", "link", "first_comment"}


def overwrote(field: str, old: str, value: Any) -> tuple[str, str]:
    """A change of the text ``field`` that held ``old`` to ``value``: what it did and the texts, ``("changed the copy",
    "“old” → “new”")``; the log says them of the task ("changed the copy of “Launch reel”: “old” → “new”"), ``post
    show``'s history in its WHAT and NOTE (the history is the post's own)."""
    said = "the notes" if field == "notes" else f"the {field.replace('_', ' ')}"
    changed = f"{'edited' if field == 'notes' else 'changed'} {said}"
    if isinstance(value, str) and value.strip() and _same_words(old, value):
        # A dialog saved unchanged, or spacing alone (a line break, an editor's last newline): "“A” → “A”" read as a change.
        return (f"saved {said}", "unchanged") if value == old else (changed, "only its spacing")
    if not (isinstance(value, str) and value.strip()):
        return f"{'cleared' if field == 'notes' else 'removed'} {said}", f"{quoted(old)} → nothing"
    before, after = _old_and_new(old, value)
    return changed, f"{before} → {after}"


#: Of two texts cut short, how much of what they share a line keeps before where they differ.
_LEAD = 20


def _same_words(old: str, new: str) -> bool:
    """Whether two texts read the same on a line, where runs of white space are one space (as ``quoted`` shows them)."""
    return old.split() == new.split()


def _old_and_new(old: str, new: str) -> tuple[str, str]:
    """``old`` and ``new`` quoted as ``quoted`` quotes them, but where either is cut short, both shown from a little before
    where they first differ ("“…call the printer at 10”"): cut at the end, a change late in a long text read as none."""
    before, after = " ".join(old.split()), " ".join(new.split())
    if len(before) <= QUOTE and len(after) <= QUOTE:
        return quoted(before), quoted(after)
    shared = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    start = max(shared - _LEAD, 0)
    if start:
        word = before.find(" ", start, shared)  # from a word's start, where one begins before the difference
        start = word + 1 if word != -1 else start
    return _from(before, start), _from(after, start)


def _from(text: str, start: int) -> str:
    """``text`` from ``start`` in quotes, an ellipsis where it is cut at either end, at most ``QUOTE`` characters."""
    lead = "…" if start else ""
    rest = text[start:]
    room = QUOTE - len(lead)
    return f"“{lead}{rest if len(rest) <= room else rest[: room - 1] + '…'}”"


def _task_field(name: str, value: Any, names: Naming, it: str) -> str:
    """What setting the task's ``name`` to ``value`` did, the task called ``it`` (its name, or "it" after a first phrase)."""
    if name == "title":
        return f"renamed {it} to {quoted(str(value))}" if value else f"removed the title of {it}"
    if name == "status":
        return {"done": f"marked {it} done", "cancelled": f"cancelled {it}"}.get(str(value), f"set {it} to {value}")
    if name == "assignee":
        return f"assigned {it} to {names.member(value)}" if value else f"unassigned {it}"
    if name == "due":
        return f"moved {it} to {names.time(value)}" if value else f"removed the due date of {it}"
    if name == "publish":
        return f"scheduled {it} to publish {names.time(value)}" if value else f"removed the publish slot of {it}"
    if name == "snoozed_until":
        return f"snoozed {it} until {names.time(value)}" if value else f"woke {it} (no longer snoozed)"
    if name == "priority":
        return f"set {it} to {value} priority" if value != "none" else f"removed the priority of {it}"
    if name == "campaign":
        return f"put {it} in {names.campaign(value)}" if value else f"took {it} out of its campaign"
    if name == "platform":
        return f"set the platform of {it} to {value}" if value else f"removed the platform of {it}"
    if name == "tags":
        return f"tagged {it} " + " ".join(f"#{t}" for t in value) if value else f"removed the tags of {it}"
    if name == "depends_on":
        return f"made {it} wait for " + ", ".join(names.task(t) for t in value) if value else f"made {it} wait for nothing"
    if name == "estimate":
        return f"estimated {it} at {format_estimate(value)}" if value else f"removed the estimate of {it}"
    if name == "notes":
        return f"edited the notes of {it}" if value else f"cleared the notes of {it}"
    if name == "recurrence":
        rule = value.get("rule") if isinstance(value, dict) else None
        return f"made {it} repeat {Rule.from_json(rule).text()}" if rule else f"stopped {it} repeating"
    if name == "decline_reason":
        return f"gave the reason {quoted(str(value))} for {it}" if value else f"cleared the decline reason of {it}"
    if name == "duplicate_of":
        return f"marked {it} a duplicate of {names.task(str(value))}" if value else f"unmarked {it} as a duplicate"
    if name == "deleted":
        return f"restored {it}"
    if name == "meeting":
        return f"changed the attendees of {it}"
    if name == "post_state":
        if not value:
            return f"made {it} a plain task"
        template = _POST_STATES.get(str(value))
        return template.format(it=it) if template else f"set {it} to {str(value).replace('-', ' ')}"
    if name == "resumed_from":
        # The crises it was released from, by id: said without them (the detail lists the crises).
        return f"released {it} from the crisis" if value else f"put {it} back under the crisis"
    if name == "post_round":
        return f"started an approval round of {it}" if value else f"ended the approval round of {it}"
    if name in _POST_TEXTS:
        said = name.replace("_", " ")
        return f"set the {said} of {it} to {_plain(value, names)}" if value else f"removed the {said} of {it}"
    return f"set {name} of {it} to {_plain(value, names)}"


#: A post's stored state, as what the write did to it: ``{it}`` where the post is named (``str.format``: a name holding
#: "{it}" is inserted as it is, never read as the template's).
_POST_STATES = {
    "idea": "made {it} an idea",
    "draft": "made {it} a draft",
    "in-review": "put {it} in review",
    "scheduled": "scheduled {it}",
    "published": "marked {it} published",
    "pulled": "pulled {it}",
}
#: The task status a post's state stands for (``tui.posts.writing``: published is done, pulled cancelled).
_POST_STATUS = {"published": "done", "pulled": "cancelled"}
#: A post's own texts, said by name ("the first comment").
_POST_TEXTS = {"copy", "link", "media", "first_comment"}


def _member(row_id: str, values: dict[str, Any], created: bool, names: Naming, old_handle: str | None = None) -> str:
    handle = values.get("handle") if created else None
    who = names.handle(row_id, handle) if isinstance(handle, str) and handle else names.member(row_id)
    if values.get("deleted") is True:
        return f"removed {who}"
    if created:
        details = ", ".join(str(values[k]) for k in ("name", "tz") if isinstance(values.get(k), str))
        return f"added {who}" + (f" ({details})" if details else "")
    phrases = []
    for name, value in values.items():
        if name == "handle":
            phrases.append(f"renamed {names.handle(row_id, old_handle) if old_handle else who} to {names.handle(row_id, str(value))}")
        elif name == "deleted":
            phrases.append(f"brought {who} back")
        elif name == "tz":
            phrases.append(f"moved {who} to {value}")
        elif name == "campaigns" and isinstance(value, list):
            phrases.append(f"set the campaigns of {who} to {', '.join(names.campaign(c) for c in value) or 'nothing'}")
        elif name == "hours" and isinstance(value, dict):
            phrases.append(f"set the hours of {who} to {format_hours(value, names.clock24)}" if value else f"cleared the hours of {who}")
        elif name not in _UNSAID:
            phrases.append(f"set the {name.replace('_', ' ')} of {who} to {_plain(value, names)}")
    return _joined(phrases, f"changed {who}")


def _campaign(row_id: str, values: dict[str, Any], created: bool, names: Naming, old_name: str | None = None) -> str:
    name = names.campaign(row_id)
    if created and isinstance(values.get("name"), str):
        name = values["name"]
    if values.get("deleted") is True:
        return f"deleted campaign {name}"
    if created:
        return f"added campaign {name}"
    phrases = []
    for key, value in values.items():
        if key == "status":
            reason = values.get("pause_reason")
            phrases.append(
                f"paused campaign {name}" + (f": {quoted(str(reason))}" if reason else "")
                if value == "paused"
                else f"set campaign {name} {value}"
            )
        elif key == "pause_reason" and "status" in values:
            continue
        elif key == "name":
            # The name it had: "renamed the campaign to Spring 2027" named no campaign once the name was gone.
            # Both quoted, as a task's rename: a name holding " to " read as two ("renamed campaign Spring to Autumn to …").
            new_name = quoted(str(value))
            phrases.append(f"renamed campaign {quoted(old_name)} to {new_name}" if old_name else f"renamed the campaign to {new_name}")
        elif key == "kpis" and isinstance(value, dict):
            found, counts = targets.said(value, names.currency)
            phrases.append(f"set the targets of campaign {name} to {', '.join(found) or 'none'} ({counts})")
        elif key == "approvals" and isinstance(value, list):
            phrases.append(f"set the approval chain of campaign {name} to {_chain(value, names)}")
        elif key not in _UNSAID:
            said = _CAMPAIGN_FIELDS.get(key, key.replace("_", " "))
            phrases.append(f"set the {said} of campaign {name} to {_plain(value, names)}")
    return _joined(phrases, f"changed campaign {name}")


#: A campaign's fields whose stored names are not words (``audience_tz``), as ``campaign set --help`` says them.
_CAMPAIGN_FIELDS = {"audience_tz": "audience's zone", "start": "first day", "end": "last day"}
#: A field of one kind of record as a line about an edit of it names it (``overwritten_lines``), as the log says its change.
_RECORD_FIELD_WORDS = {
    "campaign": {"kpis": "targets", "approvals": "approval chain", **_CAMPAIGN_FIELDS},
    "member": {"tz": "time zone"},
}


def _chain(steps: list[dict[str, Any]], names: Naming) -> str:
    """ "copy:@raj; brand:group=brand", as ``campaign set --approvals`` takes it; "none" for no steps."""
    said = [f"{step['name']}:" + (f"group={step['group']}" if step.get("group") else names.member(step["member"])) for step in steps]
    return "; ".join(said) or "none"


def result_subject(row_id: str, names: Naming) -> str:
    """ "the results of “Launch reel” on 2026-11-20", of a campaign on a platform, or "the followers on instagram on
    2026-11-20" (a platform's count, no results of anything)."""
    key = result_key(row_id)
    if key is None:
        raise ValueError(row_id)
    if key["kind"] == "followers":
        return f"the followers on {key['platform']} on {key['day']}"
    subject = names.task(key["post"]) if key["kind"] == "post" else f"{names.campaign(key['campaign'])} on {key['platform']}"
    return f"the results of {subject} on {key['day']}"


def result_words(row_id: str, values: dict[str, Any], created: bool, names: Naming) -> str:
    """ "added the results of “Launch reel” on 2026-11-20: impressions 1,000, reach 800 (from meta import ads.csv:12)"
    (no "from" without a ``source`` among the values)."""
    key = result_key(row_id)
    if key is None:
        raise ValueError(row_id)
    counts = [
        f"{name.replace('_', ' ')} {'cleared' if value is None else _count(value, names)}"
        for name, value in values.items()
        if name not in _UNSAID and name not in key and name != "source" and (value is not None or not created)
    ]
    source = values.get("source")
    account = accounts.recorded_account(source) if isinstance(source, str) else ""
    if account and not counts and not created:
        # An import of the same numbers naming the day's ad account (``imports``): what it wrote is the account.
        where = _plain(accounts.without_account(source), names) if isinstance(source, str) else ""
        return f"named the ad account of {result_subject(row_id, names)}: {quoted(account)} (from {where})"
    said = f"{'added' if created else 'updated'} {result_subject(row_id, names)}"
    shown = accounts.shown_source(source) if isinstance(source, str) else source
    return said + (": " + ", ".join(counts) if counts else "") + (f" (from {_plain(shown, names)})" if source else "")


def _count(value: Any, names: Naming) -> str:
    """A result's count with its thousands (``1,200``), a conversion value as money (``12,345.50 EUR``, never the stored
    minor units)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, dict) and isinstance(value.get("amount"), int) and value.get("currency") in MINOR_UNITS:
        return f"{format_minor(value['amount'], value['currency'], grouping=True)} {value['currency']}"
    return _plain(value, names)  # as it arrived (a pulled record the checks would refuse), not a guess


def _budget(row_id: str, values: dict[str, Any], names: Naming) -> str:
    """ "set the ads budget of Spring Launch for the run to 5,000.00 USD": the amount in its currency, never in minor units;
    "removed the ads budget of ..." for ``budget rm``'s tombstone."""
    if values.get("deleted") is True:
        return f"removed {_budget_for(row_id, names)}"
    amount = f"{format_minor(values['amount'], values['currency'], grouping=True)} {values['currency']}"
    return f"set {_budget_for(row_id, names)} to {amount}"


def keyed_record(entity: str, row_id: str, names: Naming) -> str | None:
    """A record keyed by what it holds (``records.budget_id``, ``rate_id``, ``result_id``) in words, as its id says what
    it is: "the ads budget of Spring Launch for the run", "the USD/EUR rate of 2026-11-01", "the results of “Launch
    reel” on 2026-11-20"; ``None`` for another kind, or an id that holds no such key.  Its id cut short ("budget:1",
    "rate:202") names nothing."""
    parts = row_id.split(":")
    if entity == "budget" and len(parts) == 4:
        return _budget_for(row_id, names)
    if entity == "rate" and len(parts) == 3 and len(parts[2]) == 6:  # ISO 4217 codes, three letters each
        return f"the {parts[2][:3]}/{parts[2][3:]} rate of {parts[1]}"
    if entity == "result" and result_key(row_id) is not None:
        return result_subject(row_id, names)
    return None


def _budget_for(row_id: str, names: Naming) -> str:
    """ "the ads budget of Spring Launch for the run": the id names what the budget is for (``records.budget_id``)."""
    _, campaign, category, period = row_id.split(":")
    return f"the {category} budget of {names.campaign(campaign)} for {'the run' if period == 'run' else period}"


def _appended(entity: str, record: Any, names: Naming) -> str:
    if entity == "ledger_entry":
        # A reversal read "added -400.00 EUR to Meta (ads)" in the log and teammates' notices: said as the app says it.
        return reversal_words(record) if isinstance(record, dict) and record.get("reverses") else f"added {entry_words(record)}"
    if entity == "approval":
        return f"approved {entry_words(names.entry(record['entry']) if names.entry is not None else None)}"
    if entity == "post_approval":
        step = f"{names.task(record['post'])} ({record['step']})"
        if record["verdict"] == "approve":
            return f"approved {step}"
        if record["verdict"] == "withdraw":
            return f"withdrew their approval of {step}" + (f": {quoted(record['note'])}" if record.get("note") else "")
        return f"requested changes on {step}" + (f": {quoted(record['note'])}" if record.get("note") else "")
    if entity == "crisis":
        scope = [names.campaign(c) for c in record.get("campaigns") or []] + list(record.get("platforms") or [])
        return f"started a crisis: {quoted(record['reason'])}" + (f" ({', '.join(scope)})" if scope else "")
    if entity == "crisis_end":
        # Named as its start is: with two crises open, "ended the crisis" said nothing of which one ended.
        crisis_id = record.get("crisis")
        reason = names.crisis(crisis_id) if names.crisis is not None and isinstance(crisis_id, str) else None
        named = f"the crisis {quoted(reason)}" if reason else "the crisis" + (f" {short(crisis_id)}" if isinstance(crisis_id, str) else "")
        return {"all": f"ended {named} and resumed its posts", "none": f"ended {named} (no post resumed)"}.get(
            record["resume"], f"ended {named}"
        )
    return f"added {entity}"


def not_undoable(ws: Workspace, ops: Iterable[Op]) -> str:
    """Why undo cannot take back the write of ``ops``, and what to do instead; "" when it can.

    A write that appended a record (a post's verdict, a ledger entry or its approval, a crisis's start or
    end) stands: what is appended is never edited nor deleted (DESIGN.md, "Records"), so no new operation
    restores what was before it.  The record of a manager acting as another (``acting``) is no action, nor is an
    import's record of what it wrote (``import_run``).
    """
    for op in ops:
        if op.kind == APPEND and op.entity not in BOOKKEEPING:
            return visible(_standing(ws, op.entity, stored_value(op.value)))
    return ""


def _standing(ws: Workspace, entity: str, record: Any) -> str:
    """The appended ``record`` named as the person knows it (a post by its title, an entry by what it is), and what to do instead."""
    if entity == "post_approval":
        title = ws.conn.execute("SELECT title FROM task WHERE id = ?", (record["post"],)).fetchone()
        name = named_post(title[0] if title else None, record["post"])
        post = f"post {name}" if name.startswith("“") else name
        if record["verdict"] == "approve":
            # Taken back by a withdrawal, a record of its own, while the post can go out (rule not_withdrawable).
            return (
                f"the approval of {post} cannot be undone: verdicts are append-only "
                f"(withdraw it while the post can still go out: W on the post, or crewdeck post withdraw {short(record['post'])})"
            )
        if record["verdict"] == "withdraw":
            return f"the withdrawal of your approval of {post} cannot be undone: verdicts are append-only (approve it again; an expired post first needs a new slot)"
        return f"the request for changes on {post} cannot be undone: verdicts are append-only (the author submits it again for a new round)"
    if entity == "ledger_entry":
        if record.get("reverses"):
            original = entry_words(ws.store.record("ledger_entry", record["reverses"]))
            return f"the reversal of {original} cannot be undone: ledger entries are append-only (enter the entry again)"
        return f"the entry {entry_words(record)} cannot be undone: ledger entries are append-only (reverse it instead)"
    if entity == "approval":
        approved = entry_words(ws.store.record("ledger_entry", record["entry"]))
        return f"the approval of {approved} cannot be undone: approvals are append-only (reverse the entry instead)"
    if entity == "crisis":
        return f"the crisis {quoted(record['reason'])} cannot be undone: crises are append-only (end it instead)"
    if entity == "crisis_end":
        crisis = ws.store.record("crisis", record["crisis"]) or {}
        reason = crisis.get("reason")
        named = quoted(reason) if isinstance(reason, str) else short(record["crisis"])
        return f"the end of the crisis {named} cannot be undone: crises are append-only (start another if it is not over)"
    return f"the {entity} record cannot be undone: it is append-only"


def reversal_words(reversal: Any) -> str:
    """A reversal as the log, a teammate's notice and the app's own notice say it: the entry it nets to zero, by what
    it is and its id, "reversed 100.00 GBP to Pinterest (ads) (entry 1a2b3c4d)"; less where a pulled record lacks a field."""
    if not isinstance(reversal, dict):
        return f"reversed {entry_words(None)}"
    amount = reversal.get("amount")
    reversed_entry = {**reversal, "amount": -amount} if isinstance(amount, int) and not isinstance(amount, bool) else None
    reverses = reversal.get("reverses")
    return f"reversed {entry_words(reversed_entry)}" + (f" (entry {short(reverses)})" if isinstance(reverses, str) else "")


def entry_words(record: Any) -> str:
    """ "2,500.00 EUR to Canva (tools)", grouped as the ledger shows it, or less where a pulled record lacks a field."""
    try:
        return f"{format_minor(record['amount'], record['currency'], grouping=True)} {record['currency']} to {record['payee']} ({record['category']})"
    except (KeyError, TypeError, ValueError):
        return "a ledger entry"
