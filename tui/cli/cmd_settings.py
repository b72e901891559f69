"""Workspace settings: ``crewdeck workspace show`` and ``crewdeck workspace set KEY VALUE`` (managers only, by the rules).

What decides shared state lives in the workspace, synced, the same for
every member (DESIGN.md, "Configuration"): the approval lead time, the
minimum gap between posts, the quiet days, the publish lead and peak
hours, the zone exports use and the crisis checklist.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.oplog import SET, dump_value
from crewdeck.sync.state.postround import steps_of
from crewdeck.sync.state.records import WORKSPACE, WORKSPACE_ROW, ValidationError
from crewdeck.sync.state.rules import refuse_write
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import surprise
from crewdeck.tui.cli.common import Context, print_json
from crewdeck.tui.time.when import DateError, parse_time
from crewdeck.tui.workspace.errors import UserError


def _whole(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UserError(f"{text!r} is not a whole number") from None


def _times(text: str) -> list[str]:
    """``9:00,6pm`` as the times are stored, ``["09:00", "18:00"]``: read as a due time is (a 12-hour clock too), each once.
    Sorted as text, ``9:00`` went after ``18:00`` and was refused, the message showing the list in that order."""
    try:
        times = {parse_time(t) for t in text.split(",") if t.strip()}
    except DateError as exc:
        raise UserError(str(exc)) from None
    return [f"{t:%H:%M}" for t in sorted(times)]


def _zone_or_none(text: str) -> str | None:
    """A zone's name, checked with the field; ``none`` unsets it (exports then write times in each member's own zone)."""
    return None if text.strip().lower() == "none" else text


def _checklist(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UserError(
            f'crisis_checklist: not JSON ({exc}); e.g. \'[{{"title": "Brief legal", "group": "legal", "due_minutes": 120}}]\''
        ) from None


#: Each key: how its text is read, and what it is.
KEYS: dict[str, tuple[Callable[[str], Any], str]] = {
    "name": (str, "the workspace's name"),
    "approval_lead_minutes": (_whole, "how long before its slot a post must be approved (minutes; default 60)"),
    "min_gap_minutes": (_whole, "the least time between two posts on one platform of one campaign (minutes; default 180)"),
    "quiet_days": (_whole, "days with no post on a platform of a running campaign before the calendar flags it (default 3)"),
    "publish_lead_hours": (_whole, "how long before its slot a post's draft is due (hours; default 24)"),
    "tz": (_zone_or_none, "the workspace's zone: exports to a scheduler write times in it (IANA name; none: in yours)"),
    "crisis_checklist": (_checklist, "the tasks a crisis starts: JSON, a list of {title, group, due_minutes}"),
    # Its text is read by ``cmd_workspace_set`` itself: a chain names members, read from the workspace.
    "approvals": (str, 'the approval chain of the posts in no campaign, as a campaign\'s: "copy:@mia; brand:group=brand", or none'),
}


def cmd_workspace_show(ctx: Context) -> int:
    record = ctx.ws.store.record("workspace", WORKSPACE_ROW) or {}
    shown = {name: record.get(name, WORKSPACE.by_name[name].default) for name in (*KEYS, "peak_hours")}
    if ctx.args.json:
        # As ``campaign list --json`` gives a chain: its members by handle.
        handles = ctx.ws.handles()
        steps = steps_of(shown["approvals"])
        shown["approvals"] = [
            {"name": s.name, "member": handles.get(s.member, s.member) if s.member else None, "group": s.group} for s in steps
        ]
        print_json(shown)
        return 0
    handles = ctx.ws.shown_handles()
    for name, value in shown.items():
        text = _chain_text(value, handles) if name == "approvals" else json.dumps(value, ensure_ascii=False)
        print(visible(f"{name} = {text}"))
    return 0


def _chain_text(chain: list[dict[str, Any]], handles: dict[str, str]) -> str:
    """A chain as ``campaign list`` says it: ``copy (@mia) → brand (group brand)``, or ``none``."""
    return " → ".join(f"{step.name} ({step.who(handles)})" for step in steps_of(chain)) or "none"


def cmd_workspace_set(ctx: Context) -> int:
    key, text = ctx.args.key, ctx.args.value
    record = ctx.ws.store.record("workspace", WORKSPACE_ROW) or {}
    platform = None  # a platform's peak hours are one key of the field peak_hours
    value: Any
    if key.startswith("peak_hours."):
        platform = key.split(".", 1)[1].lower()
        peaks = dict(record.get("peak_hours") or {})
        old = peaks.get(platform)
        if text.strip().lower() == "default":
            peaks.pop(platform, None)
        else:
            try:
                peaks[platform] = _times(text)
            except UserError as exc:
                raise UserError(f"{key}: {exc}") from None
        field, value = "peak_hours", peaks
    elif key == "approvals":
        from crewdeck.tui.posts.chains import parse_chain

        field, value = key, parse_chain(text, lambda handle: ctx.ws.member_by_handle(handle).id)
        old = record.get(field, WORKSPACE.by_name[field].default)
    elif key in KEYS:
        try:
            field, value = key, KEYS[key][0](text)
        except UserError as exc:
            # The crisis checklist's message names it already.
            raise UserError(str(exc) if str(exc).startswith(f"{key}:") else f"{key}: {exc}") from None
        old = record.get(field, WORKSPACE.by_name[field].default)
    else:
        raise UserError(f"no workspace setting {key!r} (settings: {', '.join(KEYS)}, peak_hours.PLATFORM)")
    try:
        checked = WORKSPACE.check(field, value)
    except ValidationError as exc:
        raise UserError(f"{key}: {exc.problem}") from None
    new = checked if platform is None else checked.get(platform)
    handles = ctx.ws.shown_handles()
    shown = _peak_hours if platform is not None else (lambda chain: _chain_text(chain, handles)) if field == "approvals" else _setting
    if new == old:
        # Nothing to write, but whether this member may set it is still the rules' to say.
        refuse_write([(ctx.me.id, SET, "workspace", WORKSPACE_ROW, field, dump_value(checked))], FileRuleState(ctx.ws.conn))
        print(visible(f"{key} is {shown(old)} already: nothing written"))
        return 0
    with ctx.writer() as w:
        w.set("workspace", WORKSPACE_ROW, {field: checked})
    print(visible(f"{key}: {shown(old)} → {shown(new)}"))
    if field == "approvals":
        from crewdeck.tui.cli.cmd_workspace import chain_notes

        # As campaign set says of a campaign's: the posts in no campaign would wait on such a step for ever.
        for note in chain_notes(ctx.ws, ""):
            print(visible(f"note: {note}"), file=sys.stderr)
    if field == "tz" and isinstance(new, str) and (said := surprise(new, ctx.now)) is not None:
        ctx.note(f"tz: {said}", of_a_write=True)  # as member set --tz says it
    return 0


def _setting(value: Any) -> str:
    """A setting's value as ``workspace show`` prints it."""
    return json.dumps(value, ensure_ascii=False)


def _peak_hours(hours: list[str] | None) -> str:
    """A platform's peak hours; ``default``: the workspace names none for it (the built-in ones hold)."""
    return "default" if hours is None else _setting(hours)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    workspace = sub.add_parser(
        "workspace",
        parents=parents,
        help="the workspace's shared settings",
        description="The workspace's shared settings (managers change them).",
    )
    wsub = workspace.add_subparsers(dest="workspace_command", metavar="COMMAND", required=True)
    p = wsub.add_parser("show", parents=parents, help="show the workspace's settings", description="Show the workspace's shared settings.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_workspace_show)
    keys = "; ".join(f"{name}: {about}" for name, (_, about) in KEYS.items())
    p = wsub.add_parser(
        "set",
        parents=parents,
        help="change a workspace setting (managers)",
        description=f"Change a shared setting. {keys}; peak_hours.PLATFORM: times like 09:00,18:00 (default: the built-in list).",
    )
    p.add_argument("key", help="the setting, e.g. approval_lead_minutes or peak_hours.instagram")
    p.add_argument("value", help="its new value")
    p.set_defaults(func=cmd_workspace_set)
