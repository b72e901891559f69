"""``crewdeck show ID``: one task in full — every field, notes, repeat rule, estimate, publish slot, history."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crewdeck.sync.state.acting import actors
from crewdeck.sync.state.ids import short
from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import Context, print_json
from crewdeck.tui.session.detail import TaskDetail, task_detail
from crewdeck.tui.tasks.recurrence import Rule
from crewdeck.tui.tasks.urgency import score
from crewdeck.tui.tasks.view import detail_fields, due_lines
from crewdeck.tui.time.when import format_local, parse_utc, stamp_time
from crewdeck.tui.workspace.workspace import member_json


def cmd_show(ctx: Context) -> int:
    ws = ctx.ws
    task_id = ctx.task_id(ctx.args.id)
    viewer = ctx.me_or_none()
    tz = viewer.tz if viewer else "UTC"
    # A guest's post as the app's detail shows it to them: its content, slot, state and approvals, not the work on it.
    detail = task_detail(ws, task_id, ctx.now, tz, ctx.config.clock24, guest=ctx.scope.guest, reader=ctx.reader_id)
    if ctx.args.json:
        print_json(task_json(ctx, detail))
        return 0
    sys.stdout.write("\n".join(visible(line) for line in task_lines(ctx, detail, tz)) + "\n")
    if detail.record["notes"]:
        sys.stdout.write("\nNotes\n" + visible(detail.record["notes"], multiline=True) + "\n")
    sys.stdout.write(f"\nHistory (times in {tz})\n")
    for at, sentence in detail.told():
        sys.stdout.write(visible(f"  {format_local(at, tz, ctx.now, clock24=ctx.config.clock24)}  {sentence}") + "\n")
    return 0


def task_lines(ctx: Context, d: TaskDetail, tz: str) -> list[str]:
    """The task's fields, due date and publish slot in everyone's zone, dependencies and urgency (the notes and history follow)."""
    clock24 = ctx.config.clock24
    lines = [
        f"{d.title}  [{short(d.id)}]" + ("  (deleted: listed nowhere; the history below says when)" if d.record["deleted"] else ""),
        "",
    ]
    lines += [f"{name:>13}  {value}" for name, value in detail_fields(d, tz, ctx.now, clock24)]
    viewer = ctx.me_or_none()
    for name, heading in (("due", "Due"), ("publish", "Publish slot")):
        if d.record[name] and viewer is not None:
            lines += ["", heading, *(f"  {line}" for line in due_lines(d, viewer, ctx.now, clock24, name))]
        elif d.record[name]:
            lines += ["", heading, f"  {format_local(parse_utc(d.record[name]['utc']), tz, ctx.now, clock24=clock24)}"]
    if d.depends_on or d.blocking:
        lines += ["", "Dependencies"]
        lines += [f"  waits for {short(i)} {t}" + (f" ({s})" if s else "") for i, t, s in d.depends_on]
        lines += [f"  blocks    {short(i)} {t} ({s})" for i, t, s in d.blocking]
    if not d.guest:  # urgency ranks the work on it, which a guest does not read
        lines += ["", f"Urgency {score(d.urgency):.1f}", *(f"  {term.points:+5.1f}  {term.name:<10} {term.why}" for term in d.urgency)]
    return lines


def task_json(ctx: Context, d: TaskDetail) -> dict[str, Any]:
    """Every field as stored, members by handle (with their id and whether they were removed) and campaigns by slug as
    ``tasks --json`` has them, and the history's operations."""
    ws = ctx.ws
    handles = ws.handles()
    removed = ws.removed_ids()
    campaigns = ws.campaign_names()
    r = d.record
    actor_of = actors(ws.conn)
    fields = {f.name: r[f.name] for f in ENTITIES["task"].fields if f.name != "deleted"}
    for name in ("assignee", "created_by"):
        fields.update(member_json(name, r[name] or None, handles.get(r[name], r[name]), r[name] in removed))
    fields["campaign"] = campaigns.get(r["campaign"], r["campaign"]) if r["campaign"] else None
    rule = r["recurrence"].get("rule") if r["recurrence"] else None
    return {
        "id": d.id,
        "short_id": short(d.id),
        **fields,
        "repeat": Rule.from_json(rule).text() if rule else None,
        "urgency": None if d.guest else round(score(d.urgency), 2),
        # The post's state as read now (``post_state`` is the stored one: a paused post's reads scheduled), as
        # `post show --json` and `tasks --json` give it; ``None`` for a task that is no post.
        "state": _post_state(ctx, d) if r["post_state"] else None,
        "history": [
            {
                "op_id": op.op_id,
                "at": stamp_time(op.op_id).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                **member_json("member", op.member or None, handles.get(op.member, op.member[:8]), op.member in removed),
                # Who acted as them (``--as``), as ``log --json`` names them and the text says "@ana as @raj".
                **(member_json("actor", actor, handles.get(actor, actor[:8]), actor in removed) if actor else {}),
                "field": op.field,
                "value": json.loads(op.value),
            }
            for change in d.history
            for op in change.ops
            for actor in [actor_of(op.member, op.op_id)]
        ],
    }


def _post_state(ctx: Context, d: TaskDetail) -> str | None:
    from crewdeck.tui.posts.reading import states_of  # the posts' rules: read for a post only

    return states_of(ctx.ws.conn, [d.id], ctx.now).get(d.id)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "show",
        parents=parents,
        help="one task in full",
        description="One task in full: every field, its due date and publish slot in everyone's zone, repeat rule, estimate, "
        "dependencies, urgency, notes and history.",
    )
    p.add_argument("id", metavar="ID", help="the task's id or a unique prefix")
    p.add_argument("--json", action="store_true", help="print JSON: every field as stored, and the history's operations")
    p.set_defaults(func=cmd_show)
