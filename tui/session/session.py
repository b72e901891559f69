"""A member's working session on a workspace: what the app does, without the UI.

The app calls these methods from worker threads (the UI thread only takes
the first page ``warm_up`` has ready): reading windows of the task list, the
triage actions, undo and redo, the detail of a task.  The workspace's
connection and the ranked list's each have a lock that serialises their
use; where both are taken, the workspace's comes first.  Every action writes in one transaction and remembers what it wrote, so
``undo`` can write the previous values back as new operations: undo syncs
like any edit and never rewrites history.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crewdeck.sync.client.remote import Remote
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.money import format_minor
from crewdeck.sync.state.oplog import Op, required_fields
from crewdeck.sync.state.records import ENTITIES, OPEN_STATUSES
from crewdeck.sync.state.store import Store, Writer, connect
from crewdeck.tui.tasks import listing as tasklist
from crewdeck.tui.tasks import query as query_language
from crewdeck.tui.tasks import quickadd, recurrence, urgency
from crewdeck.tui.tasks.edits import apply_assignments, task_values
from crewdeck.tui.tasks.index import Filter, TaskIndex
from crewdeck.tui.tasks.listing import TaskRow
from crewdeck.tui.time.when import current_time, stamp_time
from crewdeck.tui.workspace.config import Config, PublishConfig
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.placeholders import text_or, untitled_task
from crewdeck.tui.workspace.workspace import Campaign, Member, Workspace

CLOSED_STATUSES = ("done", "cancelled")
#: ``s`` walks the open statuses in this order and back to the start.
STATUS_CYCLE = ("todo", "doing", "review", "done")


@dataclass(frozen=True)
class Written:
    """What one action wrote: a label for undo and the stored operations."""

    label: str
    ops: tuple[Op, ...]


@dataclass
class History:
    done: list[Written] = field(default_factory=list)
    undone: list[Written] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    who: str
    field: str
    value: Any


@dataclass(frozen=True)
class TaskDetail:
    id: str
    #: The title, or a placeholder for a task that lacks one.
    title: str
    record: dict[str, Any]
    assignee: Member | None
    creator: str | None
    campaign: str | None
    campaign_tz: str | None
    urgency: list[urgency.Term]
    history: list[HistoryEntry]
    depends_on: list[tuple[str, str, str]]
    blocking: list[tuple[str, str, str]]


@dataclass(frozen=True)
class Names:
    """What task rows show by name: handles, campaign slugs, members (for working hours)."""

    handles: dict[str, str]
    campaigns: dict[str, str]
    members: dict[str, Member]


@dataclass(frozen=True)
class FirstPage:
    """The start of a list, ready before the ranked index is."""

    text: str
    filter: Filter
    count: int
    rows: list[TaskRow]
    names: Names


class Session:
    def __init__(self, path: Path, me: Member, ws: Workspace, publish: PublishConfig | None = None) -> None:
        self.path = path
        self.me = me
        self.ws = ws
        self.publish = publish or PublishConfig()
        #: A replica of a sync server (else a shared or local file).
        self.replica = Remote.of(ws.store) is not None
        #: The last operation stored when the session opened: the app watches from here.
        self.opened_at_seq = ws.store.max_seq()
        self.store: Store = ws.store
        #: Guards the workspace's connection: reads and writes of records.
        self.lock = threading.RLock()
        #: The ranked list (and counts of it) on a connection of its own:
        #: scoring every task holds up no other read.
        self.index = TaskIndex(connect(path))
        self.index_lock = threading.Lock()
        self.history = History()
        #: Stamps this session wrote: the app tells others' changes from ours.
        self.own_ops: set[str] = set()
        #: Fields the last undo or redo left alone because someone changed them since.
        self.last_skipped = 0
        self._first_page: FirstPage | None = None
        self._first_page_ready = threading.Event()
        self._first_page_ready.set()
        self._first_page_taken = threading.Lock()
        #: Clear while a warm-up has yet to score every task: the ranked list is not whole.
        self._scored = threading.Event()
        self._scored.set()
        #: Set when the warm-up may score: once the first screen is drawn, or
        #: as soon as a read needs the ranked list.
        self._may_score = threading.Event()
        self._may_score.set()
        self._warm_up_cancelled = False
        self._warm_up: threading.Thread | None = None

    @classmethod
    def open(cls, path: Path, handle: str | None, config: Config | None = None) -> Session:
        config = config or Config()
        ws = Workspace.open(path)
        try:
            me = ws.identify(handle, config.member)
        except UserError:
            ws.close()
            raise
        return cls(path, me, ws, config.publish)

    def close(self) -> None:
        self.cancel_warm_up()
        if self._warm_up is not None:
            self._warm_up.join()
        with self.lock, self.index_lock:
            self.ws.close()
            self.index.conn.close()

    # ------------------------------------------------------------ reading

    def compile(self, text: str, now: dt.datetime) -> Filter:
        parsed = query_language.parse(text)
        ctx = query_language.Context(
            me=self.me.id,
            tz=self.me.tz,
            now=now,
            member_id=lambda handle: self.ws.member_by_handle(handle).id,
            campaign_id=lambda name: self.ws.campaign_by_name(name).id,
        )
        with self.lock:  # the names are looked up in the workspace
            where, params = query_language.compile(parsed, ctx)
        return Filter(where, tuple(params))

    @contextmanager
    def _ranked(self) -> Iterator[TaskIndex]:
        """The ranked list, whole: a read that needs it before the warm-up scored lets it score now, and waits."""
        self._may_score.set()
        self._scored.wait()
        with self.index_lock:
            yield self.index

    def rescore(self, now: dt.datetime) -> None:
        with self._ranked() as index:
            index.rescore(now)

    def warm_up(self, text: str | None, now: dt.datetime, rows: int) -> threading.Thread:
        """Make the task list ready in a thread: the first ``rows`` of query ``text``, then every score.

        Scoring every task takes longer than Textual takes to start; the
        first screen needs only its first page, which a top-N sort finds
        sooner.  ``first_page`` hands that page over.  Scoring waits for
        ``start_scoring`` (the first screen is drawn) or for the first read
        of the ranked list: at 100,000 tasks it keeps a core busy for
        ~200 ms, which the first paint would share.  No read sees the
        list half built.
        """
        self._first_page_ready.clear()
        self._scored.clear()
        self._may_score.clear()
        self._warm_up_cancelled = False

        def work() -> None:
            prepared: tuple[str, Filter, Names] | None = None
            try:
                if text is not None:
                    prepared = (text, self.compile(text, now), self.names())
            except Exception:
                prepared = None
            with self.index_lock:
                try:
                    if prepared is not None:
                        query, f, names = prepared
                        count, first = self.index.first_page(f, now, rows)
                        self._first_page = FirstPage(query, f, count, first, names)
                except sqlite3.Error:  # as above: the pane's own load reports it
                    self._first_page = None
                finally:
                    self._first_page_ready.set()
            self._may_score.wait()
            try:
                if not self._warm_up_cancelled:
                    with self.index_lock:
                        self.index.rescore(now)
            except sqlite3.Error:  # every read of the list fails the same way, and reports it
                pass
            finally:
                self._scored.set()

        thread = self._warm_up = threading.Thread(target=work, name="warm-up", daemon=True)
        thread.start()
        return thread

    def start_scoring(self) -> None:
        """The first screen is drawn: the warm-up may score every task now."""
        self._may_score.set()

    def cancel_warm_up(self) -> None:
        """Closing: a warm-up still waiting to score does not."""
        self._warm_up_cancelled = True
        self._may_score.set()

    def first_page(self, text: str, rows: int, wait: bool = True) -> FirstPage | None:
        """The page ``warm_up`` prepared, once: if it is of query ``text`` and has ``rows`` rows (or all).

        Waits for it (it comes sooner than any other query could), unless
        ``wait`` is false: then ``None`` while it is not ready yet.
        """
        if not wait and not self._first_page_ready.is_set():
            return None
        self._first_page_ready.wait()
        with self._first_page_taken:
            page, self._first_page = self._first_page, None
        if page is None or page.text != text or len(page.rows) < min(rows, page.count):
            return None
        return page

    def rescore_rows(self, task_ids: Iterable[str], now: dt.datetime) -> None:
        with self._ranked() as index:
            index.rescore_rows(task_ids, now)

    def count(self, f: Filter) -> int:
        """How many tasks match."""
        with self._ranked() as index:
            return tasklist.count(index.conn, f.where, list(f.params))

    def window(self, f: Filter, offset: int, limit: int, matching: int | None = None) -> list[TaskRow]:
        with self._ranked() as index:
            return index.window(f, offset, limit, matching)

    def position(self, f: Filter, task_id: str) -> int | None:
        with self._ranked() as index:
            return index.position(f, task_id)

    def members(self) -> list[Member]:
        with self.lock:
            return self.ws.members()

    def campaigns(self) -> list[Campaign]:
        with self.lock:
            return self.ws.campaigns()

    def names(self) -> Names:
        with self.lock:
            return Names(self.ws.handles(), self.ws.campaign_names(), {m.id: m for m in self.ws.members()})

    def task(self, task_id: str) -> dict[str, Any]:
        with self.lock:
            return self.ws.task(task_id)

    def detail(self, task_id: str, now: dt.datetime) -> TaskDetail:
        with self.lock:
            record = self.ws.task(task_id)
            handles = self.ws.handles()
            assignee = self.ws.member(record["assignee"]) if record["assignee"] else None
            campaign = self.ws.campaign(record["campaign"]) if record["campaign"] else None
            titles = {
                row[0]: (text_or(row[1], untitled_task(row[0])), row[2])
                for row in self.ws.conn.execute(
                    "SELECT id, title, status FROM task WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(record["depends_on"]),)
                )
            }
            blocking = [
                (row[0], text_or(row[1], untitled_task(row[0])), row[2])
                for row in self.ws.conn.execute(
                    "SELECT id, title, status FROM task WHERE deleted = 0 AND depends_on != '[]' AND "
                    "EXISTS (SELECT 1 FROM json_each(depends_on) j WHERE j.value = ?)",
                    (task_id,),
                )
            ]
            depends = [(d, *titles.get(d, ("(removed)", ""))) for d in record["depends_on"]]
            history = [
                HistoryEntry(stamp_time(op.op_id), handles.get(op.member, op.member[:8] or "?"), op.field, json.loads(op.value))
                for op in self.store.history(task_id)
            ]
        terms = urgency.explain(
            now=now,
            due_utc=record["due"]["utc"] if record["due"] else None,
            priority=record["priority"],
            publish_utc=record["publish"]["utc"] if record["publish"] else None,
            status=record["status"],
            created_at=record["created_at"],
            blocking=any(status in OPEN_STATUSES for _, _, status in blocking),
            blocked=any(status in OPEN_STATUSES for _, _, status in depends),
        )
        return TaskDetail(
            id=task_id,
            title=text_or(record["title"], untitled_task(task_id)),
            record=record,
            assignee=assignee,
            creator=handles.get(record["created_by"]) if record["created_by"] else None,
            campaign=campaign.name if campaign else None,
            campaign_tz=campaign.audience_tz if campaign else None,
            urgency=terms,
            history=history,
            depends_on=depends,
            blocking=blocking,
        )

    # ------------------------------------------------------------ writing

    def _write(self, label: str, changes: list[tuple[str, dict[str, Any]]], new: bool = False) -> Written:
        """Write ``(task id, values)`` pairs in one transaction and remember it for undo.

        Closing a recurring task brings its series' next instance, in the
        same transaction (``recurrence.after_done``), as ``crewdeck done`` does.
        """
        now = current_time()
        with self.lock:
            writer = self.store.write(self.me.id)
            for task_id, values in changes:
                if not values:
                    continue
                writer.set("task", task_id, values)
                if not new and values.get("status") in CLOSED_STATUSES:
                    recurrence.after_done(self.ws, writer, task_id, now)
            writer.commit()
            return self._remember(label, writer)

    def _remember(self, label: str, writer: Writer) -> Written:
        """What a committed writer wrote, kept for undo and known as ours."""
        written = Written(label, tuple(writer.ops))
        self.own_ops.update(op.op_id for op in written.ops)
        if written.ops:
            self.history.done.append(written)
            self.history.undone.clear()
        return written

    def quick_add(self, text: str, now: dt.datetime) -> Written:
        """The same task ``crewdeck add TEXT`` makes (a recurring one gets its series' id)."""
        with self.lock:
            values = quickadd.resolve(quickadd.parse(text), self.ws, self.me, now, self.publish)
        return self._write(f"add {values['title']!r}", [(recurrence.id_for(values) or new_id(), values)], new=True)

    def catch_up(self, now: dt.datetime) -> Written | None:
        """Next instances for recurring series whose time passed (as ``crewdeck tasks`` does)."""
        with self.lock:
            if not recurrence.needs_catch_up(self.ws, now):
                return None
            writer = self.store.write(self.me.id)
            recurrence.catch_up(self.ws, writer, now)
            writer.commit()
            written = Written("next instances", tuple(writer.ops))
            self.own_ops.update(op.op_id for op in written.ops)
            return written

    def preview(self, text: str, now: dt.datetime) -> dict[str, Any]:
        """What quick-add would create, or the problem, for the live preview."""
        draft = quickadd.parse(text)
        with self.lock:
            try:
                values = quickadd.resolve(draft, self.ws, self.me, now, self.publish)
            except UserError as exc:
                return {"problem": str(exc), "draft": draft}
        return {"values": values, "draft": draft}

    def set_fields(self, task_ids: list[str], values: dict[str, Any], label: str) -> Written:
        return self._write(label, [(task_id, dict(values)) for task_id in task_ids])

    def set_from_text(self, task_ids: list[str], name: str, text: str, now: dt.datetime) -> Written:
        """``name=text`` on each task, read as ``crewdeck set`` reads it (a date alone is the
        end of that task's assignee's working day)."""
        with self.lock:
            changes = [(task_id, task_values(self.ws, task_id, [f"{name}={text}"], self.me, now)) for task_id in task_ids]
        return self._write(f"set {name}", changes)

    def field_preview(self, task_id: str, name: str, text: str, now: dt.datetime) -> Any:
        """What ``set_from_text`` would store on ``task_id`` (for a prompt's live preview)."""
        with self.lock:
            return task_values(self.ws, task_id, [f"{name}={text}"], self.me, now)[name]

    def set_assignments(self, task_id: str, assignments: list[str], now: dt.datetime, *, future: bool = False) -> Written:
        """``["title=...", "tags+=x", "every=weekday 09:00"]``: what ``crewdeck set`` does
        (``future``: on this instance and the later ones of its series)."""
        with self.lock:
            writer = self.store.write(self.me.id)
            apply_assignments(self.ws, writer, task_id, assignments, self.me, now, future=future)
            writer.commit()
            return self._remember(f"set {', '.join(a.split('=', 1)[0].rstrip('+-') for a in assignments)}", writer)

    def cycle_status(self, task_ids: list[str]) -> Written:
        with self.lock:
            changes = []
            for task_id in task_ids:
                changes.append((task_id, {"status": status_after(self.ws.task(task_id)["status"])}))
        return self._write("cycle status", changes)

    def accept(self, task_ids: list[str], take: bool) -> Written:
        values: dict[str, Any] = {"status": "todo"}
        if take:
            values["assignee"] = self.me.id
        return self.set_fields(task_ids, values, "take" if take else "accept")

    def decline(self, task_ids: list[str], reason: str) -> Written:
        if not reason.strip():
            raise UserError("decline: say why, the creator sees it")
        return self.set_fields(task_ids, {"status": "cancelled", "decline_reason": reason.strip()}, "decline")

    def mark_duplicate(self, task_ids: list[str], original: str) -> Written:
        with self.lock:
            original_id = self.ws.resolve("task", original)
        if original_id in task_ids:
            raise UserError("a task cannot duplicate itself")
        return self.set_fields(task_ids, {"status": "cancelled", "duplicate_of": original_id}, "mark duplicate")

    def snooze(self, task_ids: list[str], text: str, now: dt.datetime) -> Written:
        return self.set_from_text(task_ids, "snoozed_until", text, now)

    # ------------------------------------------------------------ undo

    def undo(self) -> Written | None:
        """Write back what the last action replaced; ``None`` when there is nothing to undo."""
        return self._step(self.history.done, self.history.undone, "undo")

    def redo(self) -> Written | None:
        """Write again what the last undo replaced."""
        return self._step(self.history.undone, self.history.done, "redo")

    def _step(self, source: list[Written], target: list[Written], verb: str) -> Written | None:
        with self.lock:
            if not source:
                return None
            action = source.pop()
            restore = self._restore(action.ops)
            if not restore:
                # Others changed every field since: nothing to write, and
                # nothing to redo; the next undo reaches the action before.
                return Written(f"{verb} {action.label}: nothing to restore", ())
            written = self._write_restore(f"{verb} {action.label}", restore)
            target.append(Written(action.label, written.ops))
            return written

    def _restore(self, ops: Iterable[Op]) -> list[tuple[str, dict[str, Any]]]:
        """The values each field had before ``ops``, for fields nobody changed since.

        A record the ops created had no value before for its required
        fields: undoing that is deleting the record (and redo undeletes it).
        """
        changes: dict[str, dict[str, Any]] = {}
        created: set[str] = set()
        skipped = 0
        for op in ops:
            if op.kind != "set":
                continue
            if self.store.field_winner(op.row_id, op.field) != op.op_id:
                skipped += 1  # someone changed it after us: theirs stays
                continue
            was_set, value = self.store.field_value_before(op.row_id, op.field, op.op_id)
            if not was_set:
                spec = ENTITIES[op.entity].by_name[op.field]
                value = spec.default
                if value is None and op.field in required_fields(op.entity):
                    created.add(op.row_id)
            changes.setdefault(op.row_id, {})[op.field] = value
        for row_id in created:
            changes[row_id] = {"deleted": True}
        self.last_skipped = skipped
        return list(changes.items())

    def _write_restore(self, label: str, changes: list[tuple[str, dict[str, Any]]]) -> Written:
        writer = self.store.write(self.me.id)
        for task_id, values in changes:
            writer.set("task", task_id, values)
        writer.commit()
        written = Written(label, tuple(writer.ops))
        self.own_ops.update(op.op_id for op in written.ops)
        return written

    def refused(self, limit: int) -> list[tuple[Op, str, str]]:
        """The newest of our operations the server refused: ``(operation, rule, message)``."""
        with self.lock:
            return [(op, rule, message) for op, rule, message, _ in self.store.refused()[:limit]]

    # ------------------------------------------------------------ others' changes

    def foreign(self, ops: list[Op]) -> list[Op]:
        """The operations this session did not write (another member's, another process's)."""
        with self.lock:  # a write holds the lock until its stamps are in own_ops
            return [op for op in ops if op.op_id not in self.own_ops]

    def describe(self, theirs: list[Op]) -> str | None:
        """One line about operations others made: who, and what, in the words of the record."""
        if not theirs:
            return None
        with self.lock:
            handles = self.ws.handles()
            who = "@" + ", @".join(sorted({handles.get(op.member, "someone") for op in theirs}))
            rows = {(op.entity, op.row_id) for op in theirs}
            if len(rows) > 1:
                return f"{who} changed {len(rows)} records"
            op = theirs[-1]
            value = json.loads(op.value)
            if op.entity == "ledger_entry":
                return f"{who} added {_entry_words(value)}"
            if op.entity == "approval":
                return f"{who} approved a pending entry"
            name = self._record_name(op.entity, op.row_id)
            fields = sorted({o.field for o in theirs})
            if op.entity == "task" and fields == ["status"]:
                return f"{who} set {name} to {value}"
            return f"{who} changed {name} ({', '.join(fields)})"

    def _record_name(self, entity: str, row_id: str) -> str:
        column = {"task": "title", "campaign": "name", "member": "handle", "workspace": "name"}.get(entity)
        row = self.ws.conn.execute(f"SELECT [{column}] FROM [{entity}] WHERE id = ?", (row_id,)).fetchone() if column else None
        label = {"ledger_entry": "a ledger entry", "budget": "a budget", "rate": "a rate"}.get(entity, entity)
        return f"{entity} “{row[0]}”" if row and row[0] else label


def _entry_words(record: Any) -> str:
    """ "120.50 EUR to Canva (tools)", or less where a pulled record lacks a field."""
    try:
        return f"{format_minor(record['amount'], record['currency'])} {record['currency']} to {record['payee']} ({record['category']})"
    except (KeyError, TypeError, ValueError):
        return "a ledger entry"


def status_after(status: str) -> str:
    """The status ``s`` moves a task to; a closed task reopens as todo."""
    return STATUS_CYCLE[(STATUS_CYCLE.index(status) + 1) % len(STATUS_CYCLE)] if status in STATUS_CYCLE else "todo"
