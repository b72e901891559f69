"""Task commands: add, tasks, set, done, rm, log."""

from __future__ import annotations

import argparse
import json
import sys

from crewdeck.sync.client.remote import META_PUSH_SEQ, META_REMOVED, Remote
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import Context, limit_number, note_incomplete, print_json, table
from crewdeck.tui.posts.reading import post_ids
from crewdeck.tui.tasks import listing as tasklist
from crewdeck.tui.tasks import query as query_language
from crewdeck.tui.tasks import quickadd, recurrence
from crewdeck.tui.tasks.edits import apply_assignments
from crewdeck.tui.time.when import format_local, stamp_time
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.history import describe_op


def cmd_add(ctx: Context) -> int:
    draft = quickadd.parse(" ".join(ctx.args.text))
    values = quickadd.resolve(draft, ctx.ws, ctx.me, ctx.now, ctx.config.publish)
    with ctx.writer() as w:
        task_id = w.create("task", values, row_id=recurrence.id_for(values))
    print(task_id)
    return 0


def query_context(ctx: Context) -> query_language.QueryContext:
    me = ctx.me_or_none()
    return query_language.QueryContext(
        me=me.id if me else None,
        tz=me.tz if me else "UTC",
        now=ctx.now,
        member_id=lambda handle: ctx.ws.member_in_filter(handle).id,
        campaign_id=lambda name: ctx.ws.campaign_by_name(name).id,
        posts=lambda kind, value: post_ids(ctx.ws.conn, kind, value, ctx.now),
    )


def cmd_tasks(ctx: Context) -> int:
    parsed = query_language.parse(" ".join(ctx.args.query))
    qctx = query_context(ctx)
    me = ctx.me_or_none()
    # Recurring tasks whose time passed get their next instance before listing.
    if me is not None and recurrence.needs_catch_up(ctx.ws, ctx.now):
        with ctx.ws.store.write(me.id) as w:
            recurrence.catch_up(ctx.ws, w, ctx.now)
    where, params = query_language.compile(parsed, qctx)
    rows = tasklist.fetch(ctx.ws.conn, where, params, ctx.now, order=ctx.args.sort, limit=ctx.args.limit)
    handles = ctx.ws.handles()
    campaigns = ctx.ws.campaign_names()
    if ctx.args.json:
        print_json([tasklist.as_json(r, handles, campaigns) for r in rows])
        return 0
    clock24 = ctx.config.clock24
    out = [
        [
            r.short_id,
            r.status,
            r.priority if r.priority != "none" else "",
            f"@{handles[r.assignee]}" if r.assignee in handles else "",
            tasklist.due_text(r, qctx.tz, ctx.now, clock24),
            (f"+{campaigns.get(r.campaign, '?')}" if r.campaign else "") + (f"/{r.platform}" if r.platform else ""),
            r.title,
        ]
        for r in rows
    ]
    if not out:
        print("no tasks match", file=sys.stderr)
        return 0
    sys.stdout.write(table(out, ["ID", "STATUS", "PRI", "WHO", f"DUE ({qctx.tz})", "CAMPAIGN", "TITLE"]) + "\n")
    untitled = ctx.ws.conn.execute(
        "SELECT count(*) FROM task WHERE id IN (SELECT value FROM json_each(?)) AND (title IS NULL OR trim(title) = '')",
        (json.dumps([r.id for r in rows]),),
    ).fetchone()[0]
    note_incomplete(untitled, "task")
    return 0


def cmd_set(ctx: Context) -> int:
    task_id = ctx.ws.resolve("task", ctx.args.id)
    if not ctx.args.assignments:
        raise UserError("set: give at least one FIELD=VALUE")
    with ctx.writer() as w:
        apply_assignments(ctx.ws, w, task_id, ctx.args.assignments, ctx.me, ctx.now, future=ctx.args.future)
    return 0


def _each_task(ctx: Context, ids: list[str], values: dict[str, object]) -> int:
    task_ids = [ctx.ws.resolve("task", i) for i in ids]
    with ctx.writer() as w:
        for task_id in task_ids:
            w.set("task", task_id, values)
    return 0


def cmd_done(ctx: Context) -> int:
    task_ids = [ctx.ws.resolve("task", i) for i in ctx.args.ids]
    with ctx.writer() as w:
        for task_id in task_ids:
            recurrence.mark_done(ctx.ws, w, task_id, ctx.now)
    return 0


def cmd_rm(ctx: Context) -> int:
    return _each_task(ctx, ctx.args.ids, {"deleted": True})


def cmd_log(ctx: Context) -> int:
    ws = ctx.ws
    params: list[object] = []
    where = ""
    if ctx.args.id:
        row_id = ctx.args.id
        for entity in ("task", "member", "campaign", "ledger_entry"):
            try:
                row_id = ws.resolve(entity, ctx.args.id)
                break
            except UserError:
                continue
        else:
            raise UserError(f"no record with id {ctx.args.id}")
        where, params = "WHERE row_id = ?", [row_id]
    clause = f"{where} AND entity != 'acting'" if where else "WHERE entity != 'acting'"
    rows = ws.conn.execute(
        f"SELECT seq, op_id, node, member, kind, entity, row_id, field, value FROM ops {clause} ORDER BY seq DESC LIMIT ?",
        [*params, ctx.args.limit],
    ).fetchall()
    handles = ws.handles()
    viewer = ctx.viewer_tz
    acting = ws.conn.execute("SELECT actor, member, first_op, last_op FROM acting").fetchall()

    def actor_of(member: str, op_id: str) -> str | None:
        for actor, as_member, first, last in acting:
            if as_member == member and first <= op_id <= last:
                handle: str = handles.get(actor, actor[:8])
                return handle
        return None

    # A replica's own work not yet accepted by its server; never, once the server removed its member.
    remote = Remote.of(ws.store)
    sent = int(ws.store.get_meta(META_PUSH_SEQ) or 0) if remote else 10**18
    unsent_mark = "  (never sent: you were removed)" if ws.store.get_meta(META_REMOVED) else "  (not sent yet)"
    own = ws.store.node
    entries = []
    for seq, op_id, node, member, kind, entity, row_id, field, value in rows:
        at = stamp_time(op_id)
        waiting = node == own and seq > sent
        entries.append(
            (seq, op_id, waiting, at, handles.get(member, member[:8] or "?"), actor_of(member, op_id), kind, entity, row_id, field, value)
        )
    refused = [r for r in ws.store.refused() if not ctx.args.id or r[0].row_id == params[0]]
    if ctx.args.json:
        print_json(
            [
                {
                    "seq": None,
                    "op_id": op.op_id,
                    "at": stamp_time(op.op_id).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "member": handles.get(op.member, op.member[:8]),
                    "kind": op.kind,
                    "entity": op.entity,
                    "id": op.row_id,
                    "field": op.field,
                    "value": json.loads(op.value),
                    "refused": {"rule": rule, "message": message, "at": when},
                }
                for op, rule, message, when in refused
            ]
            + [
                {
                    "seq": seq,
                    "op_id": op_id,
                    "at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "member": who,
                    **({"actor": actor} if actor else {}),
                    **({"unsent": True} if waiting else {}),
                    "kind": kind,
                    "entity": entity,
                    "id": row_id,
                    "field": field,
                    "value": json.loads(value),
                }
                for seq, op_id, waiting, at, who, actor, kind, entity, row_id, field, value in entries
            ]
        )
        return 0
    lines = []
    for op, rule, message, _ in refused:
        when = format_local(stamp_time(op.op_id), viewer, ctx.now, clock24=ctx.config.clock24)
        lines.append(f"{when}  @{handles.get(op.member, op.member[:8])}  REFUSED {describe_op(op, handles)}: {message} (rule {rule})")
    for _seq, op_id, waiting, at, who, actor, kind, entity, row_id, field, value in entries:
        when = format_local(at, viewer, ctx.now, clock24=ctx.config.clock24)
        by = f"@{actor} as @{who}" if actor else f"@{who}"
        what = describe_op(Op(op_id, "", 0, "", kind, entity, row_id, field, value), handles)
        lines.append(visible(f"{when}  {by}  {what}{unsent_mark if waiting else ''}"))
    print("\n".join(lines) if lines else "no activity yet")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "add",
        parents=parents,
        help="add a task with quick-add syntax",
        description="Add a task: TEXT with @handle, #tag, +campaign[/platform], !high|!med|!low and due:DATE [TIME] [ZONE].",
    )
    p.add_argument("text", nargs="+", help='e.g. "Draft carousel @ana #instagram +launch !high due:fri 17:00"')
    p.set_defaults(func=cmd_add)

    p = sub.add_parser(
        "tasks",
        parents=parents,
        help="list tasks matching a filter",
        description="List tasks. QUERY: status:S,S @handle @me @none #tag +campaign platform:P !high due:<DATE due:today overdue all, and free text.",
    )
    p.add_argument("query", nargs="*", help="filter terms (default: open tasks)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--sort", choices=list(tasklist.SORTS), default="urgency", help="order (default: %(default)s)")
    p.add_argument("--limit", type=limit_number, default=-1, help="at most this many tasks")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser(
        "set",
        parents=parents,
        help="change fields of a task",
        description="Change a task: FIELD=VALUE ... (title, notes, status, assignee, priority, campaign, platform, due, publish, tags, tags+=X, tags-=X, depends_on, estimate, snoozed_until; every=RULE or every=none for repeats).",
    )
    p.add_argument("id", help="the task's id or a unique prefix")
    p.add_argument("assignments", nargs="*", metavar="FIELD=VALUE", help="what to change (every=RULE repeats the task)")
    p.add_argument("--future", action="store_true", help="a recurring task: change this and all future instances")
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("done", parents=parents, help="mark tasks done", description="Mark tasks done.")
    p.add_argument("ids", nargs="+", metavar="ID", help="task ids or unique prefixes")
    p.set_defaults(func=cmd_done)

    p = sub.add_parser("rm", parents=parents, help="delete tasks", description="Delete tasks (their history stays in the log).")
    p.add_argument("ids", nargs="+", metavar="ID", help="task ids or unique prefixes")
    p.set_defaults(func=cmd_rm)

    p = sub.add_parser("log", parents=parents, help="show the activity log", description="Who changed what, when (newest first).")
    p.add_argument("id", nargs="?", help="only this record's history")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=limit_number, default=50, help="at most this many entries (default: %(default)s)")
    p.set_defaults(func=cmd_log)
