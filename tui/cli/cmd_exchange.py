"""Moving whole workspaces in and out: export and import."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import exchange, taskwarrior
from ..errors import UserError
from .common import Context, progress, read_input


def cmd_export(ctx: Context) -> int:
    text = exchange.dumps(exchange.export_state(ctx.ws.store))
    if ctx.args.output:
        Path(ctx.args.output).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(ctx: Context) -> int:
    source = ctx.args.file
    text = read_input(source)
    ws = ctx.ws
    # Into a workspace nobody is in yet, the import speaks for no one.
    me = ctx.me if ws.members() else ctx.me_or_none()
    try:
        if ctx.args.source == "taskwarrior":
            try:
                records = taskwarrior.read(text)
            except (ValueError, json.JSONDecodeError) as exc:
                raise UserError(f"{source}: not a Taskwarrior export: {exc}") from None
            plan, summary = taskwarrior.plan_import(records, ws, me, source, ctx.args.project_prefix, ctx.now)
            message = str(summary)
        else:
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                raise UserError(f"{source}: not JSON: {exc}") from None
            plan = exchange.plan_import(doc, source)
            message = f"imported {len(plan):,} records"
    except exchange.ImportProblems as exc:
        raise UserError(f"nothing imported: {exc}") from None
    exchange.write_plan(ws.store, me.id if me else "", plan, lambda done, total: progress(done, total, "writing"))
    print(message)
    return 0


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        parents=parents,
        help="export the whole workspace",
        description="Export every record as JSON (stable order: converged replicas export identical text).",
    )
    p.add_argument("--json", action="store_true", help="JSON (the default and, for now, the only whole-workspace format)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import",
        parents=parents,
        help="import an export or a Taskwarrior export",
        description="Import a crewdeck export, or with --from taskwarrior the output of `task export`. All or nothing.",
    )
    p.add_argument("file", help="the file to import (- for standard input)")
    p.add_argument("--from", dest="source", choices=["crewdeck", "taskwarrior"], default="crewdeck", help="the file's format")
    p.add_argument(
        "--project-prefix", default="", metavar="PREFIX", help="Taskwarrior: strip this from project names (e.g. campaign.)"
    )
    p.set_defaults(func=cmd_import)
