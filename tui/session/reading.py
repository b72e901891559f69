"""What the panes read of the workspace: queries compiled, the names rows show, members, campaigns, a task in full.

Windows of the ranked task list are ``RankedList``'s; everything here reads
the workspace's connection through ``WorkspaceAccess``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.ids import short
from crewdeck.tui.posts.reading import post_ids, states_of
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.session.read_scope import read_scope
from crewdeck.tui.tasks import query as query_language
from crewdeck.tui.tasks.index import Filter
from crewdeck.tui.tasks.listing import TaskRow, with_post_states
from crewdeck.tui.time.roster import working_week
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Campaign, Member, Workspace

if TYPE_CHECKING:
    from crewdeck.tui.session.detail import TaskDetail
    from crewdeck.tui.workspace.describe import RefusedWrite

#: Why a task's detail reads it no more: gone from the workspace (a deleted task is kept, and read).
GONE = "the operation that made it was refused or removed"
#: Why a guest's detail reads a task no more (the Approvals view's posts are those of their campaigns).
NOT_THEIRS = "it is no longer a post of your campaigns"


@dataclass(frozen=True)
class TaskRowNames:
    """What task rows show by name: handles, campaign slugs, members (for working hours)."""

    #: Member id -> the handle as shown, "@raj"; a removed member's marked, "ex-@raj" (``Workspace.shown_handles``).
    handles: dict[str, str]
    campaigns: dict[str, str]
    members: dict[str, Member]


class Reads:
    """The reads of records, each with the workspace's connection to itself."""

    def __init__(self, access: WorkspaceAccess) -> None:
        self._access = access

    def compile(self, text: str, now: dt.datetime) -> Filter:
        """The filter language of ``crewdeck tasks`` (``UserError`` for a bad query), for ``RankedList``."""
        parsed = query_language.parse(text)
        me = self._access.me
        works, week_starts = working_week(me)

        def compiled(ws: Workspace) -> Filter:  # the names are looked up in the workspace
            ctx = query_language.QueryContext(
                me=me.id,
                tz=me.tz,
                now=now,
                member_ids=ws.members_in_filter,
                campaign_id=lambda name: ws.task_campaign(name).id,
                posts=lambda kind, value, actor: post_ids(ws.conn, kind, value, now, actor),
                actor=ws.store.actor,
                works=works,
                week_starts=week_starts,
            )
            where, params = query_language.compile(parsed, ctx)
            return Filter(where, tuple(params))

        return self._access.read(compiled)

    def lists(self, f: Filter, task_id: str) -> bool:
        """Whether the list ``f`` filters holds the task."""
        where = f"SELECT 1 FROM task t WHERE t.id = ? AND {f.where}"
        return self._access.read(lambda ws: ws.conn.execute(where, [task_id, *f.params]).fetchone() is not None)

    def with_post_states(self, rows: list[TaskRow], now: dt.datetime) -> list[TaskRow]:
        """The rows, each post's with the state it reads now (the STATUS column shows it)."""
        return with_post_states(rows, self._access.read(lambda ws: states_of(ws.conn, [row.id for row in rows], now)))

    def names(self) -> TaskRowNames:
        return self._access.read(lambda ws: TaskRowNames(ws.shown_handles(), ws.campaign_names(), {m.id: m for m in ws.members()}))

    def members(self) -> list[Member]:
        return self._access.read(lambda ws: ws.members())

    def campaigns(self) -> list[Campaign]:
        return self._access.read(lambda ws: ws.campaigns())

    def workspace_name(self) -> str:
        return self._access.read(lambda ws: ws.name)

    def task(self, task_id: str) -> dict[str, Any]:
        return self._access.read(lambda ws: ws.task(task_id))

    def has_tasks(self) -> bool:
        """Whether the workspace holds any task (deleted ones aside)."""
        return self._access.read(lambda ws: ws.conn.execute("SELECT 1 FROM task WHERE deleted = 0 LIMIT 1").fetchone() is not None)

    def detail(self, task_id: str, now: dt.datetime, clock24: bool = True) -> TaskDetail:
        """Task ``task_id`` in full, its history on the clock of the member the session is (a guest: a post of their
        campaigns only, else ``UserError``)."""
        from crewdeck.tui.session.detail import task_detail  # with the log's words: not on the first screen

        me = self._access.me

        def read(ws: Workspace) -> TaskDetail:
            # A guest reads a post of their campaigns alone (``read_scope``, as their commands do).
            scope = read_scope(ws.conn, me)
            if not scope.reads_task(ws.conn, task_id):
                raise UserError(f"task {short(task_id)}: {NOT_THEIRS}")
            return task_detail(ws, task_id, now, me.tz, clock24, guest=scope.guest, reader=me.id)

        return self._access.read(read)

    def detail_if_kept(self, task_id: str, now: dt.datetime, clock24: bool = True) -> TaskDetail | str:
        """``detail``, or why the session reads the task no more: ``GONE`` (the operations that made it were refused or
        removed; a deleted task is kept, and read), or, for a guest, ``NOT_THEIRS``: an open detail follows a post moved
        to another campaign, whose copy the team goes on writing."""
        from crewdeck.tui.session.detail import task_detail

        me = self._access.me

        def read(ws: Workspace) -> TaskDetail | str:
            if ws.store.record("task", task_id) is None:
                return GONE
            scope = read_scope(ws.conn, me)
            if not scope.reads_task(ws.conn, task_id):
                return NOT_THEIRS
            return task_detail(ws, task_id, now, me.tz, clock24, guest=scope.guest, reader=me.id)

        return self._access.read(read)

    def refused(self, limit: int, now: dt.datetime, clock24: bool = True) -> list[RefusedWrite]:
        """The newest ``limit`` of our operations the server refused, a write at a time, in words as ``crewdeck log`` says
        them ("@raj added “Rough cut” for ex-@lee")."""
        from crewdeck.tui.workspace import describe

        def read(ws: Workspace) -> list[RefusedWrite]:
            refused = ws.store.refused(reader=self._access.me.id)
            names = describe.naming_refused(describe.Naming.of(ws, self._access.me.tz, now, clock24), (op for op, *_ in refused))
            return describe.refused_writes(refused[:limit], names)

        return self._access.read(read)

    def overwritten(
        self, fields: list[tuple[str, str, str, str, str]], limit: int, now: dt.datetime, clock24: bool = True
    ) -> tuple[list[str], int]:
        """Each ``(entity, row, field, by, at)`` changed here that another member's edit made meanwhile replaced in a sync
        round, in words as ``crewdeck sync`` says it (``describe.overwritten_lines``: a line per record): the first
        ``limit`` records' lines, and how many records."""
        from crewdeck.tui.workspace import describe

        def read(ws: Workspace) -> tuple[list[str], int]:
            return describe.overwritten_lines(fields, describe.Naming.of(ws, self._access.me.tz, now, clock24), limit)

        return self._access.read(read)

    def deleted_meanwhile(self, tasks: list[tuple[str, str, str]], limit: int, now: dt.datetime, clock24: bool = True) -> list[str]:
        """The first ``limit`` of ``(task, by, at)`` changed here that another member deleted meanwhile, the deletion pulled in
        a sync round, in words as ``crewdeck sync`` says it (``describe.deleted_meanwhile_line``)."""
        from crewdeck.tui.workspace import describe

        def read(ws: Workspace) -> list[str]:
            names = describe.Naming.of(ws, self._access.me.tz, now, clock24)
            return [describe.deleted_meanwhile_line(task, by, at, names) for task, by, at in tasks[:limit]]

        return self._access.read(read)
