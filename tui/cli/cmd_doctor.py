"""``crewdeck doctor``: incomplete or invalid records, listed and (``--repair``) repaired."""

from __future__ import annotations

import argparse
import json
import sys

from crewdeck.tui.cli.common import Context, table
from crewdeck.tui.workspace import doctor

#: The exit status while problems remain (errors are 2, as everywhere).
EXIT_PROBLEMS = 1


def cmd_doctor(ctx: Context) -> int:
    ws = ctx.ws
    problems = doctor.scan(ws)
    if ctx.args.repair and any(p.repairable for p in problems):
        with ctx.writer() as writer:
            repaired = doctor.repair(writer, problems)
        records = len({(p.entity, p.row_id) for p in repaired})
        print(f"repaired {_count(len(repaired), 'field')} of {_count(records, 'record')}")
        problems = doctor.scan(ws)
    if not problems:
        print("every record is complete and valid")
        return 0
    rows = [
        [p.entity, p.short_id, p.field, p.what, f"repair: {json.dumps(p.repair, ensure_ascii=False)}" if p.repairable else p.advice]
        for p in problems
    ]
    print(table(rows, ["RECORD", "ID", "FIELD", "PROBLEM", "WHAT TO DO"]))
    repairable = sum(p.repairable for p in problems)
    records = len({(p.entity, p.row_id) for p in problems})
    hint = f"; crewdeck doctor --repair fixes {repairable}" if repairable else ""
    print(f"{_count(len(problems), 'problem')} in {_count(records, 'record')}{hint}", file=sys.stderr)
    return EXIT_PROBLEMS


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "doctor",
        parents=parents,
        help="list incomplete or invalid records; --repair fixes what it can",
        description="List every record that lacks a required field or holds a value the checks refuse "
        "(record, short id, field, what is wrong). --repair writes placeholders for missing fields "
        '(a title "(untitled task 1a2b3c4d)", a handle member-1a2b3c4d, the zone UTC) and spells out '
        "control characters, as normal edits that sync; it never deletes what someone typed. "
        "Exit status 1 while problems remain.",
    )
    p.add_argument("--repair", action="store_true", help="write the repairs (as you; they sync like any edit)")
    p.set_defaults(func=cmd_doctor)
