"""One task in full, for the detail screen and ``y`` (copy): its record, its people, why it ranks where it does, its history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from crewdeck.sync.state.acting import actors
from crewdeck.sync.state.naming import quoted
from crewdeck.sync.state.oplog import Op, same_write
from crewdeck.sync.state.records import OPEN_STATUSES
from crewdeck.sync.state.visible import visible
from crewdeck.tui.posts.voiding import GIVEN_LATE, TURNING_FIELDS, RoundTurn, given_late, round_turns, words
from crewdeck.tui.tasks import urgency
from crewdeck.tui.workspace.describe import (
    Naming,
    RefusedWrite,
    ToldChange,
    changes,
    first_ops,
    naming_refused,
    refused_of,
    refused_writes,
    told,
)
from crewdeck.tui.workspace.placeholders import text_or, untitled_task
from crewdeck.tui.workspace.workspace import REMOVED_WORDS, Member, Workspace


@dataclass(frozen=True)
class TaskDetail:
    id: str
    #: The title, or a placeholder for a task that lacks one.
    title: str
    record: dict[str, Any]
    assignee: Member | None
    #: The creator's handle ("raj (removed)" for a removed member: a new member may have their handle).
    creator: str | None
    campaign: str | None
    campaign_tz: str | None
    urgency: list[urgency.UrgencyTerm]
    #: Every change to the task, oldest first, in words on the viewer's clock.
    history: list[ToldChange]
    #: (id, title, status) of each task this one waits for: status "removed" for a task removed since, "" for one never here.
    depends_on: list[tuple[str, str, str]]
    blocking: list[tuple[str, str, str]]
    #: The title of the task this one duplicates (its id alone named nothing a person reads); ``None``: no such task here.
    duplicates: str | None = None
    #: A post's state as read now, with its round ("in review (step 1 of 2 (copy), @mia, still open)"); ``None``: no post.
    post_state: str | None = None
    #: The crises that hold the post, as ``post show``'s ``crisis:`` lines say them ("bad press (3f2a9c1b, open)").
    held_by: tuple[str, ...] = ()
    #: A booked meeting's members, the required first: ``(member, required)``.
    attendees: tuple[tuple[Member, bool], ...] = ()
    #: The assignee was removed from the workspace (the task is their history; a new member may have their handle).
    assignee_removed: bool = False
    #: The removed members among the assignee and the attendees: their handles read "ex-@raj" (``shown_handle``).
    removed: frozenset[str] = frozenset()
    #: Edits of this task made here that the sync server refused, as ``crewdeck log`` says them: ``(when made, line)``.
    refused: tuple[tuple[dt.datetime, str], ...] = ()
    #: Read as a guest reads a post (``GUEST_UNREAD``): the work on it, its urgency among them, is not theirs to read.
    guest: bool = False

    def told(self) -> list[tuple[dt.datetime, str]]:
        """The history and what the server refused of it, newest first: ``(when, sentence)``."""
        said = [(change.at, change.sentence) for change in reversed(self.history)]
        # Stable: changes made at one instant stay newest first, as the history reversed reads.
        return sorted([*said, *self.refused], key=lambda line: line[0], reverse=True)


def refused_of_task(ws: Workspace, task_id: str, naming: Naming, guest: bool, reader: str | None) -> list[RefusedWrite]:
    """The writes of the task made here that the sync server refused (a post's verdicts given on it too), newest first,
    to be told as ``crewdeck log`` tells them; a guest's without the fields a guest does not read, as their history is.
    ``reader``: the member reading, who is told of their own refused writes alone (``Store.refused``)."""
    every_refused = ws.store.refused(reader=reader)
    if guest:
        every_refused = [row for row in every_refused if row[0].field not in GUEST_UNREAD]
    # Named from every refusal, not only this task's: its campaign may be one refused with it.
    refused_naming = naming_refused(naming, (op for op, *_ in every_refused))
    return refused_writes((r for r in every_refused if refused_of(r[0], task_id)), refused_naming)


#: Fields of a post a guest does not read, and what the detail holds in their place: the team's notes, the tasks it
#: waits for or duplicates (tasks a guest may not read, named by their titles), and the work on it (who does it, with
#: their zone, by when, its priority, tags, estimate, snooze, task status): a guest reads their campaigns' posts, and a
#: post is its content, its publish slot, its state and its approvals.  The detail leaves them out, with the changes to
#: them in its history, and ranks nothing for a guest (urgency reads the work).
GUEST_UNREAD: dict[str, Any] = {
    "notes": "",
    "depends_on": [],
    "duplicate_of": None,
    "assignee": None,
    "status": "",
    "priority": "",
    "due": None,
    "tags": [],
    "estimate": None,
    "snoozed_until": None,
    "recurrence": None,
    "meeting": None,
    "series": None,
    "decline_reason": "",
}


def task_detail(
    ws: Workspace, task_id: str, now: dt.datetime, tz: str = "UTC", clock24: bool = True, guest: bool = False, reader: str | None = None
) -> TaskDetail:
    """Task ``task_id`` in full (``UserError`` if there is none), its history told on ``tz``'s clock; ``guest``: as a
    guest reads a post of their campaigns, without what ``GUEST_UNREAD`` names; ``reader``: the member reading, told of
    their own refused writes alone (none named: every one, as a command run by nobody reads the file)."""
    record = ws.task(task_id)
    if guest:
        record = {**record, **GUEST_UNREAD}
    assignee = ws.member(record["assignee"]) if record["assignee"] else None
    campaign = ws.campaign(record["campaign"]) if record["campaign"] else None
    # A task removed since reads "removed", and keeps this one waiting for nothing, as the task list's urgency has it (it
    # said "waits for … (todo)", and -5 here, 0 in the list); one never here (a Taskwarrior export's of a project not
    # imported) has no title to show.
    titles = {
        row[0]: (text_or(row[1], untitled_task(row[0])), "removed" if row[3] else row[2])
        for row in ws.conn.execute(
            "SELECT id, title, status, deleted FROM task WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(record["depends_on"]),),
        )
    }
    blocking = [
        (row[0], text_or(row[1], untitled_task(row[0])), row[2])
        for row in ws.conn.execute(
            "SELECT id, title, status FROM task WHERE deleted = 0 AND depends_on != '[]' AND "
            "EXISTS (SELECT 1 FROM json_each(depends_on) j WHERE j.value = ?)",
            (task_id,),
        )
        if not guest
    ]
    depends = [(d, *titles.get(d, ("(no such task here)", ""))) for d in record["depends_on"]]
    original = ws.store.record("task", record["duplicate_of"]) if record["duplicate_of"] else None
    ops = ws.store.history(task_id)
    actor_of = actors(ws.conn)
    naming = Naming.of(ws, tz, now, clock24)
    created = first_ops(ws.conn, [task_id])
    if guest and ops:
        # Each write told without the fields a guest does not read, and one of those alone not at all: dropped whole, a
        # rename made with the notes was missing.  The write that made the task still says so, whatever it began with.
        created |= {op.op_id for op in ops if op.field not in GUEST_UNREAD and same_write(ops[0], op)}
        ops = [op for op in ops if op.field not in GUEST_UNREAD]
    history = changes(ops, naming, created, lambda op: actor_of(op.member, op.op_id))
    if record["post_state"]:
        told = _verdicts_told(ws, task_id, naming, lambda op: actor_of(op.member, op.op_id))
        history = voids_told(ws, sorted([*history, *told], key=lambda change: change.ops[0].op_id), naming)
    refused = tuple((write.at, write.line()) for write in refused_of_task(ws, task_id, naming, guest, reader))
    terms = (
        []
        if guest
        else urgency.explain(
            now=now,
            due_utc=record["due"]["utc"] if record["due"] else None,
            priority=record["priority"],
            publish_utc=record["publish"]["utc"] if record["publish"] else None,
            status=record["status"],
            created_at=record["created_at"],
            blocking=any(status in OPEN_STATUSES for _, _, status in blocking),
            blocked=any(status in OPEN_STATUSES for _, _, status in depends),
        )
    )
    meeting = record["meeting"] or {}
    attendees = tuple(
        (member, required)
        for key, required in (("required", True), ("optional", False))
        for member in map(ws.member, meeting.get(key) or [])
        if member is not None
    )
    post_state, held_by = _post_state(ws, task_id, now, guest) if record["post_state"] else (None, ())
    return TaskDetail(
        post_state=post_state,
        held_by=held_by,
        guest=guest,
        attendees=attendees,
        id=task_id,
        title=text_or(record["title"], untitled_task(task_id)),
        record=record,
        assignee=assignee,
        creator=ws.handles(removed=REMOVED_WORDS).get(record["created_by"]) if record["created_by"] else None,
        assignee_removed=assignee is not None and ws.removed(assignee.id),
        removed=ws.removed_ids() & {member.id for member in (assignee, *(m for m, _ in attendees)) if member is not None},
        campaign=campaign.name if campaign else None,
        campaign_tz=campaign.audience_tz if campaign else None,
        urgency=terms,
        history=history,
        refused=refused,
        depends_on=depends,
        blocking=blocking,
        duplicates=text_or(original["title"], untitled_task(record["duplicate_of"])) if original else None,
    )


def voids_told(ws: Workspace, history: list[ToldChange], naming: Naming) -> list[ToldChange]:
    """``history`` with each post content change that voided its round saying so, and whose approvals it took (or that
    brought the version submitted back), as ``post show`` says it: "changed the copy" alone read as if the approvals
    given before it still stood.  The detail's history and ``crewdeck log`` say it so."""
    turns: dict[str, dict[str, RoundTurn]] = {}

    def of_post_turns(post_id: str) -> dict[str, RoundTurn]:
        if post_id not in turns:
            turns[post_id] = round_turns(ws.conn, post_id)
        return turns[post_id]

    out = []
    for change in history:
        if change.entity == "task" and any(op.field in TURNING_FIELDS for op in change.ops):
            of_post = of_post_turns(change.row_id)
            turn = next((of_post[op.op_id] for op in change.ops if op.op_id in of_post), None)
            if turn is not None:
                said = visible((": that " if turn.voided else ": ") + words(turn, {by: naming.member(by) for by in turn.approvers}))
                change = replace(change, sentence=change.sentence + said, what=change.what + said)
        elif change.entity == "post_approval" and given_late(change.ops, of_post_turns) is not None:
            # An approval given on a void round read as one that counted, after the void that took the others.
            change = replace(change, sentence=f"{change.sentence}: {GIVEN_LATE}", what=f"{change.what}: {GIVEN_LATE}")
        out.append(change)
    return out


def _verdicts_told(ws: Workspace, post_id: str, naming: Naming, actor_of: Callable[[Op], str | None]) -> list[ToldChange]:
    """The post's approvals and requests for changes as its history tells them, in ``post show``'s words after who gave
    them ("@mia approved copy: “nice”"): they are records of their own, not operations on the post."""
    from crewdeck.tui.posts.reading import verdict_words, verdicts

    out = []
    for verdict in verdicts(ws.conn, [post_id]).get(post_id, []):
        what = verdict_words(verdict) + (f": {quoted(verdict.note)}" if verdict.note else "")
        out.append(told(ws.store.history(verdict.id), what, naming, True, actor_of))
    return out


def _post_state(ws: Workspace, post_id: str, now: dt.datetime, guest: bool) -> tuple[str | None, tuple[str, ...]]:
    """What ``crewdeck post show`` says of the post's state (a task's status means nothing for a post), a removed
    reviewer "ex-@raj", and of the crises that hold it (to a guest without their ids)."""
    from crewdeck.tui.posts.reading import read_post, state_words

    view = read_post(ws.conn, post_id, now)
    if view is None:
        return None, ()
    return state_words(view, ws.shown_handles()), tuple(crisis.holding_words(guest=guest) for crisis in view.held_by)
