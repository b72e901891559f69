"""What the tasks pane and the detail screen write: quick-add, triage, any field; undo and redo.

Every action writes in one transaction and remembers what it wrote, so
``undo`` can write the previous values back as new operations: undo syncs
like any edit and never rewrites history.  Edits are one at a time (an
undo never passes the write before it), and each holds the workspace
while it writes (``WorkspaceAccess``).

The posts' moves, the crisis key and the ledger's actions write through
here too (``store_write``, ``record_write``), so ``u`` takes back the last
action whatever it was.  An action that appended a record (a verdict, a
ledger entry, a crisis's start or end) stands: ``u`` says so and why, and
leaves the history as it is rather than reach past it to an older edit.
An undo or redo the rules refuse writes nothing and stays in the history, and so
does one that sets a post's slot back where a move of the slot would be refused
now (``check_slot``: too soon for the approval lead time, or passed), or a resume's
redo whose slot has passed since (``check_resume``).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from crewdeck.sync.state.ids import new_id, short
from crewdeck.sync.state.naming import post_name
from crewdeck.sync.state.oplog import Op, required_fields
from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.writes import Writer
from crewdeck.tui.posts.reading import read_post
from crewdeck.tui.posts.states import CLOSED
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.tasks.behind import needs_catch_up
from crewdeck.tui.time.when import current_time
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Workspace

if TYPE_CHECKING:
    from crewdeck.sync.state.rules import Refused
    from crewdeck.tui.posts.writing import PostRefused

CLOSED_STATUSES = ("done", "cancelled")
#: ``s`` walks the open statuses in this order and back to the start.
STATUS_CYCLE = ("todo", "doing", "review", "done")

#: Task id -> the values to set on it.
Changes = list[tuple[str, dict[str, Any]]]

T = TypeVar("T")


@dataclass(frozen=True)
class Written:
    """What one action wrote: a label for undo and the stored operations."""

    label: str
    ops: tuple[Op, ...]
    #: Why undo cannot take it back, and what to do instead (it appended a record); "" when it can.
    final: str = ""
    #: What else the write made worth saying (a budget line it took over budget), each a line: not in the undo label.
    notes: tuple[str, ...] = ()


class NotUndone(UserError):
    """An undo or redo that wrote nothing, and why: the history is as it was."""


@dataclass(frozen=True)
class Restored:
    """What an undo or redo wrote, and how many fields it left as they were because others changed them since."""

    written: Written
    kept: int
    #: Who made those later changes, as task lists name them ("@raj and @mia").
    kept_by: str

    @property
    def said(self) -> str:
        """The one line that tells it: what it did, and the fields it kept, unless it wrote nothing (which says why)."""
        if not self.kept or not self.written.ops:
            return self.written.label
        return f"{self.written.label} (kept {self.kept} later change{'s' if self.kept != 1 else ''} by {self.kept_by})"


@dataclass
class History:
    done: list[Written] = field(default_factory=list)
    undone: list[Written] = field(default_factory=list)
    #: What the undos and redos wrote, by stamp: a field one of them set back to the value an older action
    #: wrote is still that action's to undo, not someone else's change.
    restored: dict[str, Any] = field(default_factory=dict)


def _not_for_triage(key: str, found: list[tuple[str, str]], wanted: str, done: str) -> str:
    """Why ``key`` (accept, take, decline) leaves these ``(status, title)`` tasks as they are: they are not ``wanted``."""
    if len(found) == 1:
        status, title = found[0]
        return f"{key}: “{title}” is {status}, not {wanted}: {done}"
    statuses = ", ".join(sorted({status for status, _ in found}))
    return f"{key}: {len(found):,} tasks are not {wanted} ({statuses}): {done}"


class Edits:
    """The writes of one member from the app (tasks, posts' moves, the ledger's actions), and their undo and redo."""

    def __init__(self, access: WorkspaceAccess, clock24: bool = True, history: History | None = None) -> None:
        self._access = access
        self._clock24 = clock24
        #: ``crewdeck undo`` hands over the commands' history, read from the file (``cli.history``).
        self._history = history or History()
        # Held across a write and its place in the history: an undo waits for the write before it.
        self._lock = threading.Lock()

    # ------------------------------------------------------------ writing

    def _write(self, label: str, changes: Changes, new: bool = False) -> Written:
        """Write ``(task id, values)`` pairs in one transaction and remember it for undo.

        Closing a recurring task brings its series' next instance, in the
        same transaction (``recurrence.after_done``), and a post is done by
        being published (``recurrence.done_fields``), as ``crewdeck done`` does,
        and cancelled by being pulled (``recurrence.cancelled_fields``), as ``post pull`` does.
        """
        # The series' rules, as the quick-add and the edits below: imported by the first write, not for the first paint.
        from crewdeck.tui.tasks import recurrence

        now = current_time()

        def write(ws: Workspace, writer: Writer) -> None:
            for task_id, values in changes:
                held = None if new else ws.store.record("task", task_id)
                if held is not None:
                    # A value the task holds already is not written (nor logged) again, as `crewdeck set` and `done`
                    # leave it: d on a done task logged "marked … done" again, and so did a priority picked twice.
                    values = {name: value for name, value in values.items() if held.get(name) != value}
                if not values:
                    continue
                if not new and values.get("status") in recurrence.CLOSING:
                    values = {**recurrence.CLOSING[values["status"]](ws, task_id, now), **values}
                writer.set("task", task_id, values)
                if not new and values.get("status") in CLOSED_STATUSES:
                    recurrence.after_done(ws, writer, task_id, now)

        return self._remembered(label, write)

    def _remembered(self, label: str, write: Callable[[Workspace, Writer], None]) -> Written:
        """Commit what ``write`` adds to the writer, kept for undo."""
        with self._lock:
            _, ops = self._access.write(write)
            return self._kept(label, ops)

    def store_write(self, label: str, work: Callable[[Store], T]) -> tuple[T, Written]:
        """``work(store)``, which commits its own transactions (a post's move, a crisis's start or end): its
        answer and what it wrote, kept for undo as one action.  Nothing is written when ``work`` raises."""
        with self._lock:
            answer, ops = self._access.write_store(work)
            return answer, self._kept(label, ops)

    def record_write(self, work: Callable[[Workspace], str], label: Callable[[Workspace, str], str]) -> Written:
        """``work(workspace)``, which writes one record in a transaction of its own and returns its id (the
        ledger's actions), kept for undo as one action, named ``label(workspace, id)``."""
        with self._lock:
            row_id, ops = self._access.write_record(work)
            return self._kept(self._access.read(lambda ws: label(ws, row_id)), ops)

    def _kept(self, label: str, ops: tuple[Op, ...]) -> Written:
        """What an action wrote, on top of the history (call with the lock held, right after the write)."""
        from crewdeck.tui.workspace.describe import not_undoable  # the log's words: imported at the first write, not at start-up

        written = Written(label, ops, self._access.read(lambda ws: not_undoable(ws, ops)))
        if written.ops:
            self._history.done.append(written)
            self._history.undone.clear()
        return written

    def set_profile(self, name: str, tz: str) -> Written:
        """My own name and zone, the part of my profile every member, a guest too, may change (``rules.GUEST_PROFILE``):
        the values my record does not hold already, in one write the rules judge as any other."""
        me = self._access.me.id

        def write(ws: Workspace, writer: Writer) -> None:
            held = ws.store.record("member", me) or {}
            changed = {field: value for field, value in (("name", name), ("tz", tz)) if held.get(field) != value}
            if changed:
                writer.set("member", me, changed)

        return self._remembered("change your name and zone", write)

    def quick_add(self, text: str, now: dt.datetime) -> Written:
        """The same task ``crewdeck add TEXT`` makes (a recurring one gets its series' id)."""
        from crewdeck.tui.tasks import quickadd, recurrence

        draft = quickadd.parse(text)
        values = self._access.read(lambda ws: quickadd.resolve(draft, ws, self._access.me, now, self._clock24))
        return self._write(f"add {values['title']!r}", [(recurrence.id_for(values) or new_id(), values)], new=True)

    def catch_up(self, now: dt.datetime) -> Written | None:
        """Next instances for recurring series whose time passed (as ``crewdeck tasks`` does); ``None`` when none are due.

        Not for undo: nobody asked for them.
        """

        def write(ws: Workspace, writer: Writer) -> bool:
            if not needs_catch_up(ws, now):
                return False
            from crewdeck.tui.tasks import recurrence

            recurrence.catch_up(ws, writer, now)
            return True

        made, ops = self._access.write(write)
        return Written("next instances", ops) if made else None

    def preview(self, text: str, now: dt.datetime) -> dict[str, Any]:
        """What quick-add would create, or the problem, for the live preview."""
        from crewdeck.tui.tasks import quickadd

        draft = quickadd.parse(text)
        try:
            values = self._access.read(lambda ws: quickadd.resolve(draft, ws, self._access.me, now, self._clock24))
        except UserError as exc:
            return {"problem": str(exc), "draft": draft}
        return {"values": values, "draft": draft}

    def set_fields(self, task_ids: list[str], values: dict[str, Any], label: str) -> Written:
        return self._write(label, [(task_id, dict(values)) for task_id in task_ids])

    def set_from_text(self, task_ids: list[str], name: str, text: str, now: dt.datetime) -> Written:
        """``name=text`` on each task, read as ``crewdeck set`` reads it (a date alone is the
        end of that task's assignee's working day)."""
        from crewdeck.tui.tasks.edits import task_values

        me = self._access.me
        changes = self._access.read(
            lambda ws: [(task_id, task_values(ws, task_id, [f"{name}={text}"], me, now, self._clock24)) for task_id in task_ids]
        )
        return self._write(f"set {name}", changes)

    def field_previews(self, task_ids: list[str], name: str, text: str, now: dt.datetime) -> list[Any]:
        """What ``set_from_text`` would store on each of ``task_ids`` (for a prompt's live preview), in one read: a
        date alone is the end of each task's assignee's day, which differs between marked tasks."""
        from crewdeck.tui.tasks.edits import task_values

        me = self._access.me
        return self._access.read(
            lambda ws: [task_values(ws, task_id, [f"{name}={text}"], me, now, self._clock24)[name] for task_id in task_ids]
        )

    def overdue_words(self, task_id: str, due: dict[str, str], now: dt.datetime) -> str | None:
        """What quick-add's preview and ``set`` say of a due date already passed (``already overdue by 2h``), for the
        ``due`` a prompt would store on this task (``field_previews``); ``None`` for a closed task, which is not late."""
        from crewdeck.tui.tasks.quickadd import overdue_words

        said = overdue_words({"due": due}, now)
        if said is None:
            return None  # a date ahead: the task's status is not read (the preview asks on every key)
        ((status, _),) = self._statuses([task_id])
        return None if status in CLOSED_STATUSES else said

    def set_assignments(self, task_id: str, assignments: list[str], now: dt.datetime, *, future: bool = False) -> Written:
        """``["title=...", "tags+=x", "every=weekday 09:00"]``: what ``crewdeck set`` does
        (``future``: on this instance and the later ones of its series)."""
        from crewdeck.tui.tasks.edits import apply_assignments

        label = f"set {', '.join(a.split('=', 1)[0].rstrip('+-') for a in assignments)}"
        me = self._access.me
        written = self._remembered(
            label, lambda ws, writer: apply_assignments(ws, writer, task_id, assignments, me, now, future=future, clock24=self._clock24)
        )
        if not any(op.entity == "task" and op.field == "publish" for op in written.ops):
            return written
        # A post's slot set off its audience's peak hours: taken, and said as `post slot` says it. The posts' rules:
        # imported when a slot is set, not by every edit.
        from crewdeck.tui.posts.writing import off_peak_notes

        notes = self._access.read(lambda ws: off_peak_notes(ws.store, written.ops, now, me.tz, self._clock24))
        return replace(written, notes=(*written.notes, *notes))

    def check_assignments(self, task_id: str, assignments: list[str], now: dt.datetime) -> None:
        """What ``set_assignments`` would read, judged without writing (``UserError``: the first bad one)."""
        from crewdeck.tui.tasks.edits import check_assignments

        me = self._access.me
        self._access.read(lambda ws: check_assignments(ws, task_id, assignments, me, now, self._clock24))

    def judge_assignments(self, task_id: str, assignments: list[str], now: dt.datetime) -> None:
        """``set_assignments`` (on this task alone) judged by the rules as well, and nothing written (``Refused``,
        ``UserError``: why it would be refused): a change asked about before it is written is refused before the
        question, not after its answer."""
        from crewdeck.tui.tasks.edits import apply_assignments

        me = self._access.me
        self._access.rehearse(
            lambda ws, writer: apply_assignments(ws, writer, task_id, assignments, me, now, future=False, clock24=self._clock24)
        )

    def cycle_status(self, task_ids: list[str]) -> Written:
        statuses = self._access.read(lambda ws: [ws.task(task_id)["status"] for task_id in task_ids])
        return self._write("cycle status", [(task_id, {"status": status_after(s)}) for task_id, s in zip(task_ids, statuses)])

    def _statuses(self, task_ids: list[str]) -> list[tuple[str, str]]:
        """``(status, title)`` of each task (a task never given a status is in the inbox)."""
        return self._access.read(lambda ws: [(task.get("status") or "inbox", task.get("title") or "") for task in map(ws.task, task_ids)])

    def accept(self, task_ids: list[str], take: bool) -> Written:
        """Inbox triage: a task in the inbox becomes todo (``take``: and mine).  A task past the inbox keeps its status,
        which accepting it set back to todo (a task in hand, one in review, a done one reopened); ``take`` only makes
        an open one mine; a closed one is left as it is."""
        me = self._access.me.id
        found = self._statuses(task_ids)
        changes: list[tuple[str, dict[str, Any]]] = []
        for task_id, (status, _) in zip(task_ids, found):
            values: dict[str, Any] = {"status": "todo"} if status == "inbox" else {}
            if take and status not in CLOSED_STATUSES:
                values["assignee"] = me
            changes.append((task_id, values))
        if not any(values for _, values in changes):
            key = "take" if take else "accept"
            raise UserError(_not_for_triage(key, found, "open" if take else "in the inbox", f"nothing to {key}"))
        return self._write("take" if take else "accept", changes)

    def decline(self, task_ids: list[str], reason: str) -> Written:
        if not reason.strip():
            raise UserError("decline: say why, the creator sees it")
        found = self._statuses(task_ids)
        if any(status in CLOSED_STATUSES for status, _ in found):
            # Declining cancels: a done task would be undone, a cancelled one's reason replaced.
            closed = [(status, title) for status, title in found if status in CLOSED_STATUSES]
            raise UserError(_not_for_triage("decline", closed, "open", "nothing declined"))
        return self.set_fields(task_ids, {"status": "cancelled", "decline_reason": reason.strip()}, "decline")

    def mark_duplicate(self, task_ids: list[str], original: str) -> Written:
        original_id = self._access.read(lambda ws: ws.resolve("task", original))
        if original_id in task_ids:
            raise UserError("a task cannot duplicate itself")
        closed = [(status, title) for status, title in self._statuses(task_ids) if status in CLOSED_STATUSES]
        if closed:  # marking cancels: a done task would be undone, as declining it would
            raise UserError(_not_for_triage("duplicate", closed, "open", "nothing marked"))
        from crewdeck.tui.tasks.edits import DUPLICATE_STATUS

        return self.set_fields(task_ids, {"status": DUPLICATE_STATUS, "duplicate_of": original_id}, "mark duplicate")

    def snooze(self, task_ids: list[str], text: str, now: dt.datetime) -> Written:
        return self.set_from_text(task_ids, "snoozed_until", text, now)

    # ------------------------------------------------------------ undo

    def undo(self) -> Restored | None:
        """Write back what the last action replaced; ``None`` when there is nothing to undo.

        ``NotUndone`` when the last action appended a record (it stands, and so does the history)
        or the rules refuse the values before it now (nothing is written; it stays to undo).
        """
        return self._step(self._history.done, self._history.undone, "undo")

    def redo(self) -> Restored | None:
        """Write again what the last undo replaced (``NotUndone`` when the rules refuse it now)."""
        return self._step(self._history.undone, self._history.done, "redo")

    def step_changes(self, redo: bool) -> list[tuple[str, str, dict[str, Any]]]:
        """What ``undo`` (``redo``) would write now, ``(entity, row id, values)``, writing nothing: for the app to ask
        first when it would void a post's round.  None when there is nothing to step, or the action stands."""
        source = self._history.undone if redo else self._history.done
        with self._lock:
            action = source[-1] if source else None
            if action is None or action.final:
                return []
            return self._access.read(lambda ws: _restore(ws.store, action.ops, self._history.restored)[0])

    def _step(self, source: list[Written], target: list[Written], verb: str) -> Restored | None:
        with self._lock:
            if not source:
                return None
            action = source[-1]
            if action.final:
                raise NotUndone(action.final)
            # The rules' refusal, the posts' writes, an import's runs: imported by the first undo, not for the first paint.
            from crewdeck.sync.state.rules import Refused
            from crewdeck.tui.posts.writing import PostRefused
            from crewdeck.tui.workspace.lastimport import again, remembered

            now = current_time()
            # An import's write (or an undo's of one) remembered its run: what the step writes is the source's too.
            runs = remembered(action.ops)

            def write(ws: Workspace, writer: Writer) -> tuple[int, str]:
                with ws.store.held() if runs else nullcontext():  # the step and its run: both, or neither
                    changes, kept, by = _restore(ws.store, action.ops, self._history.restored)
                    for entity, row_id, values in changes:
                        if entity == "task" and ("publish" in values or "resumed_from" in values):
                            _check_slot(ws, row_id, values, now)
                        # Each record as what it is: a profile's name and zone are a member's, `crewdeck undo` of
                        # `workspace set` the workspace's (written as tasks, the write was refused as a bad id).
                        writer.set(entity, row_id, values)
                    if runs:
                        writer.commit()  # stamped first: the run names the step's operations, before its record
                        stamped = writer.ops
                        if stamped:
                            for record in again(runs, writer.member, stamped[0].op_id, stamped[-1].op_id):
                                writer.append("import_run", record)
                            writer.commit()
                handles = ws.shown_handles()
                return kept, " and ".join(sorted(handles.get(m, short(m)) for m in by)) or "others"

            try:
                (kept, kept_by), ops = self._access.write(write)
            except (Refused, PostRefused) as refused:
                raise NotUndone(self._refusal(verb, action, refused)) from None
            source.pop()
            self._history.restored.update((op.op_id, json.loads(op.value)) for op in ops)
            # Named by what the action did, as the activity log says it ("undid: snoozed “Draft reel” until …").
            # An undo tells the action it takes back; a redo, what it writes again.
            words = self.words(action.ops if verb == "undo" or not ops else ops)
            done = "undid" if verb == "undo" else "redid"
            if not ops:
                # Others changed every field since: nothing was written, and
                # nothing to redo; the next undo reaches the action before.
                return Restored(Written(f"{verb}: nothing to restore, {kept_by} changed it since ({words})", ()), kept, kept_by)
            # Labelled by the action in words: a redo the rules refuse says which action it could not write again.
            target.append(Written(words if verb == "undo" else action.label, ops))
            return Restored(Written(f"{done}: {words}", ops), kept, kept_by)

    def _refusal(self, verb: str, action: Written, refused: Refused | PostRefused) -> str:
        """Why ``verb`` of ``action`` wrote nothing, in one line that names its task or post once.

        ``cannot undo scheduled “Launch reel” to publish Fri 18:00: it is published``: the action in words, then why;
        or, when the rules' refusal names the post itself, ``cannot redo: “Launch reel” cannot be scheduled: …``.
        """
        # An undo's ops say the action it takes back; a redo's are that undo's, whose label says the action.
        from crewdeck.sync.state.rules import Refused

        what = self.words(action.ops) if verb == "undo" else action.label
        if not isinstance(refused, Refused):  # the move's checks: why alone, the action's words name the post
            return f"cannot {verb} {what}: {refused.why}"
        reason = str(refused)
        named = self._access.read(lambda ws: _names(ws, action.ops))
        return f"cannot {verb}: {reason}" if any(name in reason for name in named) else f"cannot {verb} {what}: {reason}"

    def words(self, told: tuple[Op, ...]) -> str:
        """What ``told`` did, as the activity log says it ("snoozed “Draft reel” until …", "pulled “Launch reel”")."""
        from crewdeck.tui.workspace.describe import Naming, action_words, first_ops

        return self._access.read(
            lambda ws: action_words(
                told, Naming.of(ws, self._access.me.tz, current_time(), self._clock24), first_ops(ws.conn, {op.row_id for op in told})
            )
        )


def _check_slot(ws: Workspace, task_id: str, values: dict[str, Any], now: dt.datetime) -> None:
    """Setting a post's slot back or again (``values``) is judged as the write it repeats: ``PostRefused`` when that
    write's checks refuse it now.

    With no crisis's hold in ``values`` it is a move of the slot (``check_slot``).  One that releases the post
    from a hold (its ``resumed_from`` grows: a resume redone) is a resume (``check_resume``): its new slot, or
    the one it has, must still be ahead.  One that puts the hold back (a resume undone) is no move: a slot
    passed since then reads missed, as it did; but a post published or pulled since keeps its slot.
    """
    from crewdeck.tui.posts.writing import check_resume, check_slot

    post = read_post(ws.conn, task_id, now)
    if post is None:
        return
    if "resumed_from" not in values:
        check_slot(ws.store, post, now, values["publish"])
    elif set(values["resumed_from"] or ()) - set(ws.task_list_field(task_id, "resumed_from")):
        # Only the app redoes: the way to a new slot there is a resume that asks for one, not the command line's flag.
        check_resume(post, now, values.get("publish"), "resume it with a new slot")
    elif "publish" in values and post.state in CLOSED:
        # A resume undone puts its old slot back: a post published or pulled since keeps the slot it closed on.
        check_slot(ws.store, post, now, None)


def _names(ws: Workspace, ops: Iterable[Op]) -> set[str]:
    """How a refusal of the rules names the tasks ``ops`` wrote: a post by its title (``naming.post_name``), a task by its short id."""
    names: set[str] = set()
    for row_id in {op.row_id for op in ops if op.entity == "task"}:
        row = ws.store.record("task", row_id)
        names.update((post_name(row["title"] if row else None, row_id), f"task {short(row_id)}"))
    return names


def _restore(store: Store, ops: Iterable[Op], restored: dict[str, Any]) -> tuple[list[tuple[str, str, dict[str, Any]]], int, set[str]]:
    """The values each field had before ``ops``, for fields nobody changed since, how many others changed,
    and the members who changed them.

    A field holds what ``ops`` wrote when its last operation is theirs, or an undo's or redo's of ours that
    set it back to that value (``restored``): undoing "scheduled" after undoing "published" on the same post.

    A record the ops created had no value before for its required
    fields: undoing that is deleting the record (and redo undeletes it).
    A series' instance deleted so leaves its series too, as if never made:
    the occurrence it was made for is free again (``recurrence._create_next``
    makes it again), where one deleted by hand is an occurrence skipped.
    """
    changes: dict[tuple[str, str], dict[str, Any]] = {}
    created: set[tuple[str, str]] = set()
    kept = 0
    by: set[str] = set()
    for op in ops:
        if op.kind != "set":
            continue
        # Carried to a node of the replica's own since it was written (the replica was a copy): the same edit.
        op = op._replace(op_id=store.stamp_now(op))
        winner = store.field_winner(op.row_id, op.field)
        if winner != op.op_id and (winner not in restored or restored[winner] != json.loads(op.value)):
            kept += 1  # someone changed it after us: theirs stays
            author = store.op_member(winner) if winner else None
            if author:
                by.add(author)
            continue
        was_set, value = store.field_value_before(op.row_id, op.field, op.op_id)
        if not was_set:
            spec = ENTITIES[op.entity].by_name[op.field]
            value = spec.default
            if value is None and op.field in required_fields(op.entity):
                created.add((op.entity, op.row_id))
        changes.setdefault((op.entity, op.row_id), {})[op.field] = value
    for record in created:
        entity, row_id = record
        # Its series taken back only where ours still stands and nobody deleted it since: their deletion skips it.
        unmade = {"series": None} if "series" in changes[record] and not _deleted(store, entity, row_id) else {}
        changes[record] = {"deleted": True, **unmade}
    return [(entity, row_id, values) for (entity, row_id), values in changes.items()], kept, by


def _deleted(store: Store, entity: str, row_id: str) -> bool:
    row = store.record(entity, row_id)
    return bool(row and row["deleted"])


def status_after(status: str) -> str:
    """The status ``s`` moves a task to; a closed task reopens as todo."""
    return STATUS_CYCLE[(STATUS_CYCLE.index(status) + 1) % len(STATUS_CYCLE)] if status in STATUS_CYCLE else "todo"
