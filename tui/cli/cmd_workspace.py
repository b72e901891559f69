"""Commands that make and describe a workspace: init, demo, member, campaign."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.ids import new_id, short
from crewdeck.sync.state.oplog import SET, Op, dump_value
from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.records import (
    ACCESS_LEVELS,
    CAMPAIGN_STATUSES,
    FIRST_DAY,
    LAST_DAY,
    OPEN_STATUSES,
    WORKSPACE_ROW,
    day_out_of_range,
)
from crewdeck.sync.state.rules import GUEST, Refused, member_change_refused, refuse_write
from crewdeck.sync.state.sharedfile import directory_problem, setgid_problem
from crewdeck.sync.state.sshkeys import PublicKey
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import (
    Context,
    fitting_table,
    line_under,
    no_account_here,
    note_incomplete,
    number_in,
    print_json,
    quiet_option,
    with_lines_under,
)
from crewdeck.tui.cli.zone_given import given_zone
from crewdeck.tui.ssh.keys import all_keys, keys_after, member_keys
from crewdeck.tui.time.hours import format_hours, parse_hours
from crewdeck.tui.time.when import DateError, clock_now, parse_day
from crewdeck.tui.workspace import describe, doctor
from crewdeck.tui.workspace.columns import terminal_width
from crewdeck.tui.workspace.errors import UserError, home_path
from crewdeck.tui.workspace.workspace import Member, Workspace, campaign_slug, name_key, os_user, slug

if TYPE_CHECKING:
    from crewdeck.sync.state.postround import Reviewer, Step


def _date(text: str, now: dt.datetime) -> str:
    try:
        return parse_day(text, now.date()).isoformat()
    except DateError as exc:
        raise UserError(str(exc)) from None


# ---------------------------------------------------------------- init


def cmd_init(ctx: Context) -> int:
    a = ctx.args
    path = home_path(a.path)
    handle = a.member.lstrip("@").lower() if a.member else ""  # `@ana` as member add takes it
    given = [a.member, a.name, a.tz]
    if any(given) and not all(given):
        raise UserError("init: --member, --name and --tz go together (the first member of the workspace)")
    tz = given_zone(a.tz, "--tz", ctx) if a.tz else None
    hours = parse_hours(a.hours)
    _printable_at_init(a.title or path.stem, "--title" if a.title else None, a.name)
    # Refused before the file exists: once another member has opened it, it
    # would be too late (their -wal and -shm lock the others out).
    shared_badly = setgid_problem(path)
    if shared_badly:
        raise UserError(f"init: {shared_badly}")
    # The first member writes the workspace's settings and their own record.
    member_id = new_id() if a.member else ""
    unix_user = _os_user()
    with Store.fresh(path) as store, store.write(member_id) as w:
        w.set("workspace", WORKSPACE_ROW, {"name": a.title or path.stem, "base_currency": a.currency.upper()})
        if a.member:
            w.create(
                "member",
                {"handle": handle, "name": a.name, "tz": tz, "hours": hours, "unix_user": unix_user, "access": "manager"},
                row_id=member_id,
            )
    ctx.made(f"workspace {typed_name(path)} created")
    print(visible(f"created workspace {typed_name(path)}"))
    if a.member and unix_user:
        # On a shared file a member is whoever their Unix user is: an admin who sets it up for the team lead (as root,
        # or from their own account) became the lead there, and the lead was nobody, said nowhere.
        print(
            visible(
                f"note: @{handle} is the Unix user {unix_user!r} on this host (who ran init); if @{handle} is "
                f"someone else, map them: crewdeck -w {shlex.quote(str(path))} member set {handle} --unix-user THEIRS"
            ),
            file=sys.stderr,
        )
    if not a.member:
        # Empty for a restore, as the README has it; whoever left out --member to start a team met "who are you?" at
        # their first command, and no word of how to be someone.
        where = shlex.quote(str(path))
        mapped = f" --unix-user {shlex.quote(unix_user)}" if unix_user else ""
        print(
            visible(
                f"note: nobody is in it yet: restore an export into it (crewdeck -w {where} import FILE), or be its first "
                f"member and manager: crewdeck -w {where} member add HANDLE --name NAME --tz ZONE{mapped}"
            ),
            file=sys.stderr,
        )
    problem = directory_problem(path)
    if problem:
        print(visible(f"note: to share this file with other members, {problem}"), file=sys.stderr)
    return 0


def _control(entity: str, field: str, value: object) -> str | None:
    """The first control character the rules would refuse in this value (``U+001B``), or ``None``.

    The rules refuse them in every write but a workspace's first ones, which nobody is a member
    yet to judge (``init``, the first ``member add``): those commands check here, as any later write would be.
    """
    from crewdeck.sync.state.rules import control_character

    return control_character(entity, field, json.dumps(value))


def _printable_at_init(title: str, title_flag: str | None, name: str | None) -> None:
    for entity, flag, value in (("workspace", title_flag, title), ("member", "--name", name)):
        control = _control(entity, "name", value or "")
        if control is None:
            continue
        if flag is None:
            raise UserError(
                f"init: the workspace's name '{value}' (the file's name) may not hold control characters ({control}): give --title"
            )
        raise UserError(f"init: {flag}: text may not hold control characters ({control})")


def _os_user() -> str | None:
    return os_user() or None


# ---------------------------------------------------------------- demo

#: More than a demo needs; a bigger number would only keep the command busy for minutes.
MAX_DEMO_TASKS = 100_000


def cmd_demo(ctx: Context) -> int:
    from crewdeck.tui.workspace.demo import build_demo

    path = home_path(ctx.args.path)
    with Store.fresh(path) as store:
        summary = build_demo(store, now=ctx.now, tasks=ctx.args.tasks, seed=ctx.args.seed, unix_user=_os_user(), posts=True)
    ctx.made(f"demo workspace {typed_name(path)} created")
    print(visible(f"created demo workspace {typed_name(path)}: {summary}"))
    return 0


# ---------------------------------------------------------------- members


def _member_values(ctx: Context, creating: bool) -> dict[str, Any]:
    a = ctx.args
    values: dict[str, Any] = {}
    if a.name is not None:
        values["name"] = a.name
    if a.tz is not None:
        values["tz"] = given_zone(a.tz, "--tz", ctx)
    if a.hours is not None:
        values["hours"] = parse_hours(a.hours)
    if a.role is not None:
        values["role"] = a.role
    if a.unix_user is not None:
        values["unix_user"] = a.unix_user or None
    if a.days_off is not None:
        values["days_off"] = sorted({d.strip() for d in a.days_off.split(",") if d.strip()})
    if a.access is not None:
        values["access"] = a.access
    if a.groups is not None:
        # "none" is no group, as --approvals none and --target none are none: it made a group named "none", which
        # `member list` then showed as "approval groups: none".
        given = "" if _says_none(a.groups) else a.groups
        values["groups"] = sorted({g.strip().lower() for g in given.split(",") if g.strip()})
    if creating and ("name" not in values or "tz" not in values):
        raise UserError("member add: --name and --tz are required")
    for field, flag in (("name", "--name"), ("role", "--role"), ("unix_user", "--unix-user")):
        control = _control("member", field, values[field]) if values.get(field) else None
        if control:
            raise UserError(f"{flag}: text may not hold control characters ({control})")
    outside = day_out_of_range(values.get("days_off"))
    if outside:
        raise UserError(f"--days-off: {outside} is out of range: dates run from {FIRST_DAY} to {LAST_DAY}")
    return values


def _guest_campaigns(ctx: Context) -> dict[str, Any]:
    """``--campaigns``: the campaigns whose posts a guest sees and approves."""
    if ctx.args.campaigns is None:
        return {}
    # "none" is none (a campaign named so is +none), as `member list` says a guest given none: "sees campaigns: none".
    given = "" if _says_none(ctx.args.campaigns) else ctx.args.campaigns
    return {"campaigns": sorted({ctx.ws.campaign_by_name(name.strip()).id for name in given.split(",") if name.strip()})}


def _says_none(value: str) -> bool:
    """Whether a list option's value is the word for an empty list."""
    return value.strip().lower() == "none"


#: The option of ``member add``/``member set`` that writes each member field.
_MEMBER_OPTIONS = {
    "name": "name",
    "tz": "tz",
    "hours": "hours",
    "role": "role",
    "unix_user": "unix_user",
    "days_off": "days_off",
    "access": "access",
    "groups": "groups",
    "campaigns": "campaigns",
    "new_handle": "handle",
    "ssh_key": "ssh_keys",
    "ssh_key_rm": "ssh_keys",
}


def _may_change_member(ctx: Context, handle: str, fields: Sequence[str], *, new: bool = False) -> None:
    """``Refused`` unless the rules let me set ``fields`` of the member ``handle`` names (``new``: one added), asked
    before the handle, a campaign or a zone is looked up: a guest's ``member set zed``, ``member rm zed`` and
    ``member set gus --campaigns nope`` listed every member or campaign, and ``member add raj`` said raj exists."""
    me = ctx.me
    # Another's handle, whoever it names (or nobody): to look it up first would say whether they exist.
    member_id = me.id if handle.lstrip("@").lower() == me.handle else ""
    for field in fields:
        refusal = member_change_refused(me.facts(), member_id, field, new=new)
        if refusal is not None:
            raise Refused(refusal)


def _fields_given(a: argparse.Namespace) -> list[str]:
    """The member fields the options given would write, in the order ``_MEMBER_OPTIONS`` names them."""
    return list(dict.fromkeys(field for option, field in _MEMBER_OPTIONS.items() if getattr(a, option, None) is not None))


def cmd_member_add(ctx: Context) -> int:
    ws = ctx.ws
    handle = ctx.args.handle.lstrip("@").lower()
    if ws.members():
        _may_change_member(ctx, handle, ["handle"], new=True)
    if any(m.handle == handle for m in ws.members()):
        raise UserError(f"member @{handle} already exists (change it with: crewdeck member set {handle} ...)")
    values = {"handle": handle, **_member_values(ctx, creating=True), **_guest_campaigns(ctx)}
    if ctx.args.ssh_key:
        values["ssh_keys"] = keys_after(handle, [], ctx.args.ssh_key, [])
    values.setdefault("hours", parse_hours("mon-fri 09:00-17:00"))
    # The very first member adds themselves, as the workspace's manager; after that, a manager does.
    author = ctx.me if ws.members() else None
    if author is None:
        values["access"] = "manager"
    member_id = new_id()
    with ws.store.write(author.id if author else member_id) as w:
        w.create("member", values, row_id=member_id)
    _said(ctx, f"Added @{handle} (id {short(member_id)})", member_id)
    _note_unknown_unix_user(ws, handle, values)
    if len(ws.members_in_filter(handle)) > 1:  # the handle is given again: a new member, not the removed one back
        note = f"a member removed before had @{handle}: they stay removed (their history stays theirs), and @{handle} in filters names both"
        print(visible(f"note: {note}"), file=sys.stderr)
    return 0


def _note_unknown_unix_user(ws: Workspace, handle: str, values: dict[str, Any]) -> None:
    """A ``--unix-user`` this host has no account for: a typo (``rajm`` for ``raj``) left the member nobody on the
    shared file, said nowhere until they were refused as "nobody".  Taken all the same: the account may come later."""
    user = values.get("unix_user")
    if user and no_account_here(ws, user):
        print(
            visible(f"note: this host has no Unix user {user!r} (a typo?): no one here is @{handle} until that account exists"),
            file=sys.stderr,
        )


def _said(ctx: Context, line: str, row_id: str) -> None:
    """What a write did, in one line; with ``--quiet`` only the id of the record written."""
    print(row_id if ctx.args.quiet else visible(line))


def _changed(ctx: Context, entity: str, row_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values the record does not hold already: only they are written (and logged), as ``workspace set`` does.
    With none to write, whether this member may set them is still the rules' to say (the write judges the others)."""
    held = ctx.ws.store.record(entity, row_id) or {}
    changed = {name: value for name, value in values.items() if held.get(name) != value}
    if not changed:
        refuse_write(
            [(ctx.me.id, SET, entity, row_id, name, dump_value(value)) for name, value in values.items()], FileRuleState(ctx.ws.conn)
        )
    return changed


def _names(ctx: Context) -> describe.Naming:
    return describe.Naming.of(ctx.ws, ctx.viewer_tz, ctx.now, ctx.config.clock24)


def _words(ctx: Context, ops: Sequence[Op]) -> str:
    return describe.action_words(ops, _names(ctx), set())


def _handed_on(ctx: Context, task_ids: Sequence[str], series: Sequence[str], heir: Member | None = None) -> str:
    """What a member made a guest, or removed, no longer holds, said after the change (titles as stored: the caller
    shows the line with ``visible``): "; 2 open tasks of theirs are now unassigned: “A”, “B”", or "… now assigned to @raj: …",
    then the series whose next instance was theirs, of tasks others hold ("; the next instance of 1 series of theirs now
    goes to nobody: “C”")."""
    said = ""
    if task_ids:
        held = f"{len(task_ids):,} open task{'s of theirs are' if len(task_ids) != 1 else ' of theirs is'}"
        said += f"; {held} now {f'assigned to @{heir.handle}' if heir else 'unassigned'}: {_names(ctx).tasks(task_ids)}"
    if series:
        said += f"; the next instance of {len(series):,} series of theirs now goes to {f'@{heir.handle}' if heir else 'nobody'}: {_names(ctx).tasks(series)}"
    return said


def _to_hand_on(open_tasks: Sequence[str], series: Sequence[str]) -> str:
    """What a member holds that ``member rm`` asks an answer for: "1 open task and is to get the next instance of 2 series"."""
    held = f"holds {len(open_tasks):,} open task{'s' if len(open_tasks) != 1 else ''}" if open_tasks else ""
    next_ones = f"is to get the next instance of {len(series):,} series" if series else ""
    return " and ".join(part for part in (held, next_ones) if part)


def _handle_meant(ctx: Context, typed: str) -> str:
    """The handle ``typed`` names in ``member set`` and ``member rm``: ``me``/``@me`` is the member acting, as
    ``assignee_named`` reads it, where ``member set me`` and ``member rm me`` by a member were refused as a change of another's.  A member made before handles were kept from the filters'
    words (``FILTER_WORDS``) may still be @me: ``crewdeck doctor`` renames them with ``member set me --handle …``."""
    if typed.strip().lstrip("@").lower() != "me" or ctx.ws.member_with_handle("me") is not None:
        return typed
    return ctx.me.handle


def _own_fields_to_change(ctx: Context, handle: str, fields: Sequence[str]) -> list[str]:
    """``fields`` less those the options set to what the member acting holds already, when ``handle`` is their own:
    raj's ``--tz UTC --access member`` (a member already) was refused whole for its access.  Another's row is not read
    (whether it holds a value would tell of them), nor values that need a look-up (campaigns, SSH keys)."""
    me = ctx.me
    if handle.lstrip("@").lower() != me.handle:
        return list(fields)
    try:
        values = _member_values(ctx, creating=False)
    except UserError:
        return list(fields)  # a value that does not read: the rules judge every field first, as for another's row
    if ctx.args.new_handle:
        values["handle"] = ctx.args.new_handle.lstrip("@").lower()
    held = ctx.ws.store.record("member", me.id) or {}
    return [field for field in fields if field not in values or held.get(field) != values[field]]


def cmd_member_set(ctx: Context) -> int:
    fields = _fields_given(ctx.args)
    if not fields:
        # Said before the handle is looked up: "unknown member @zed (members: …)" told a guest who the members are.
        raise UserError(
            "member set: nothing to change (give --name, --tz, --hours, --role, --access, --unix-user, --days-off, --ssh-key or --ssh-key-rm)"
        )
    handle = _handle_meant(ctx, ctx.args.handle)
    _may_change_member(ctx, handle, _own_fields_to_change(ctx, handle, fields))
    member = ctx.ws.member_by_handle(handle)
    values = {**_member_values(ctx, creating=False), **_guest_campaigns(ctx)}
    if ctx.args.new_handle:
        values["handle"] = ctx.args.new_handle.lstrip("@").lower()
    if ctx.args.ssh_key or ctx.args.ssh_key_rm:
        current = member_keys(ctx.ws.conn, member.id)
        values["ssh_keys"] = keys_after(member.handle, current, ctx.args.ssh_key or [], ctx.args.ssh_key_rm or [])
    values = _changed(ctx, "member", member.id, values)
    if not values:
        _said(ctx, f"@{member.handle} is as given already: nothing written", member.id)
        return 0
    before = _stranded_steps(ctx.ws, member) if {"groups", "campaigns", "access"} & values.keys() else []
    # A guest sees no tasks (rule guest_assignee): the change that makes one leaves their open tasks to nobody.
    guest = values.get("access") == GUEST
    dropped = ctx.ws.open_tasks_of(member.id) if guest else []
    series = [task for task in _series_to(ctx.ws, member.id) if task not in dropped] if guest else []
    if dropped or series:
        refusal = member_change_refused(ctx.me.facts(), member.id, "access")
        if refusal is not None:
            raise Refused(refusal)  # before the tasks: the rules would refuse a guest's unassign as a task edit first
    with ctx.writer() as w:
        # In the change's own write, before it (its author may be the one made a guest): no moment sees a guest holding them.
        for task_id in sorted({*dropped, *series}):
            w.set("task", task_id, _handed_over(ctx.ws.task(task_id), member.id, None))
        w.set("member", member.id, values)
    # A new handle is said after the one it replaced as the log says it (``Naming.earlier``): "renamed @cleo to @cleo.b".
    line = f"Modified @{member.handle}: {_words(ctx, [op for op in w.ops if op.entity == 'member'])}"
    _said(ctx, line + _handed_on(ctx, dropped, series), member.id)
    _note_unknown_unix_user(ctx.ws, values.get("handle", member.handle), values)
    if {"groups", "campaigns", "access"} & values.keys():
        for note in _stranded_steps(ctx.ws, member, before):
            print(visible(f"note: {note}"), file=sys.stderr)
    return 0


def cmd_member_rm(ctx: Context) -> int:
    a = ctx.args
    ws = ctx.ws
    handle = _handle_meant(ctx, a.handle)
    # Before the handle is looked up, and before asking where their tasks go: no answer changes it.
    _may_change_member(ctx, handle, ["deleted"])
    member = ws.member_by_handle(handle)
    if a.reassign and a.unassign:
        raise UserError("member rm: --reassign and --unassign are two answers; give one")
    # Named as a task's assignee is: --reassign @me takes them, --reassign none is --unassign.
    heir = ws.assignee_named(a.reassign, ctx.me) if a.reassign else None
    unassign = a.unassign or (heir is None and bool(a.reassign))
    if heir is not None and heir.id == member.id:
        raise UserError(f"member rm: @{member.handle}'s tasks cannot go to @{member.handle}; name another member")
    open_tasks = ws.open_tasks_of(member.id)
    # The series whose next instance is theirs, of tasks others hold (or nobody): handed on with the open tasks.
    series = [task for task in _series_to(ws, member.id) if task not in open_tasks]
    if (open_tasks or series) and heir is None and not unassign:
        they = "they go" if len(open_tasks) + len(series) > 1 else "it goes"
        raise UserError(
            f"member rm: @{member.handle} {_to_hand_on(open_tasks, series)}: say where {they} with --reassign @HANDLE or --unassign "
            "(nothing was changed)"
        )
    live = ws.conn.execute("SELECT count(*) FROM sync_token WHERE member = ? AND revoked_at IS NULL", (member.id,)).fetchone()[0]
    with ctx.writer() as w:
        # In the removal's own write: no moment sees the member gone and their tasks still theirs.
        for task_id in sorted({*open_tasks, *series}):
            w.set("task", task_id, _handed_over(ws.task(task_id), member.id, heir.id if heir else None))
        w.delete("member", member.id)
    revoked = f"; {live} sync token{'s' if live != 1 else ''} revoked" if live else ""
    tasks = _handed_on(ctx, open_tasks, series, heir) or "; they held no open tasks"
    print(visible(f"removed @{member.handle} (their history stays){tasks}{revoked}"))
    for note in _stranded_steps(ws, member):
        print(visible(f"note: {note}"), file=sys.stderr)
    return 0


def _stranded_steps(ws: Workspace, member: Member, known: Sequence[str] = ()) -> list[str]:
    """The approval steps of the member (named, or of a group they were in) that nobody may take now (removed,
    out of a group, a guest losing a campaign): their campaigns' posts would wait on them for ever.  ``known``: notes
    that held already before the change (not said again)."""
    from crewdeck.tui.posts.reading import reviewers

    facts = reviewers(ws.conn).get(member.id)
    groups = _earlier_groups(ws, member.id) | (facts.groups if facts else frozenset())
    # "": the workspace's chain, which the posts in no campaign wait on as a campaign's posts wait on its own.
    live = ["", *(row[0] for row in ws.conn.execute("SELECT id FROM campaign WHERE deleted = 0"))]
    notes = [note for campaign in live for note in chain_notes(ws, campaign, lambda s: s.member == member.id or s.group in groups)]
    return [note for note in notes if note not in known]


def _earlier_groups(ws: Workspace, member_id: str) -> set[str]:
    """Every approval group the member has been in (the log keeps them): a step of a group they just left counts."""
    found: set[str] = set()
    for (value,) in ws.conn.execute("SELECT value FROM ops WHERE row_id = ? AND field = 'groups'", (member_id,)):
        found.update(json.loads(value) or [])
    return found


def chain_notes(ws: Workspace, campaign: str, which: Callable[[Step], bool] = lambda step: True) -> list[str]:
    """A note for each step of the campaign's chain (``""``: the workspace's, for the posts in no campaign) that nobody
    may take (of those ``which`` picks), with the fix."""
    from crewdeck.tui.posts.reading import steps_nobody_takes

    if campaign:
        name = ws.campaign_names()[campaign]
        chain, change = f"+{name}'s approval chain", f"crewdeck campaign set {name} --approvals ..."
    else:
        chain, change = "the workspace's approval chain (posts in no campaign)", "crewdeck workspace set approvals ..."
    return [
        f"nobody can take step {step.name} of {chain} now ({why}): change it with {change}"
        # ``--groups`` replaces a member's groups: "--groups legal" alone would take them out of their others.
        + (f", or crewdeck member set HANDLE --groups …: their groups plus {step.group}" if step.group else "")
        for step, why in steps_nobody_takes(ws.conn, campaign, ws.handles())
        if which(step)
    ]


def _series_to(ws: Workspace, member_id: str) -> list[str]:
    """Ids of the open tasks whose series' next instance goes to the member (its template names them), whoever holds this one."""
    marks = ", ".join("?" * len(OPEN_STATUSES))
    query = (
        f"SELECT id FROM task WHERE deleted = 0 AND status IN ({marks}) AND recurrence IS NOT NULL "
        "AND json_extract(recurrence, '$.template.assignee') = ? ORDER BY id"
    )
    return [row[0] for row in ws.conn.execute(query, (*OPEN_STATUSES, member_id))]


def _handed_over(task: dict[str, Any], member_id: str, heir_id: str | None) -> dict[str, Any]:
    """What a task the member no longer holds gets (removed, or made a guest): its new assignee where it is theirs, and
    its series' template's where that names them (the next instance would be theirs)."""
    values: dict[str, Any] = {"assignee": heir_id} if task.get("assignee") == member_id else {}
    recurrence = task.get("recurrence")
    if recurrence and recurrence["template"].get("assignee") == member_id:
        template = {k: v for k, v in recurrence["template"].items() if k != "assignee"}
        if heir_id is not None:
            template["assignee"] = heir_id
        values["recurrence"] = {**recurrence, "template": template}
    return values


def cmd_member_list(ctx: Context) -> int:
    from crewdeck.tui.posts.reading import reviewers

    members = ctx.ws.members()
    people = reviewers(ctx.ws.conn)  # each member's approval groups and campaigns, as the rules read them
    keys: dict[str, list[PublicKey]] = {}
    for found in all_keys(ctx.ws.conn):
        keys.setdefault(found.member_id, []).append(found.key)
    if ctx.args.json:
        print_json(
            [
                {
                    "id": m.id,
                    "handle": m.handle,
                    "name": m.name,
                    "role": m.role,
                    "access": m.access,
                    "tz": m.tz,
                    "hours": m.hours,
                    "days_off": m.days_off,
                    "unix_user": m.unix_user,
                    "ssh_keys": [{"fingerprint": k.fingerprint, "type": k.type, "comment": k.comment} for k in keys.get(m.id, [])],
                    "groups": sorted(people[m.id].groups),
                    # A guest's campaigns (ids, as campaign list --json gives them); null: a member or manager sees all.
                    "campaigns": sorted(people[m.id].campaigns) if m.access == "guest" else None,
                }
                for m in members
            ]
        )
        return 0
    rows = [
        [
            f"@{m.handle}",
            m.name,
            m.tz,
            clock_now(ctx.now, m.tz, ctx.config.clock24),
            format_hours(m.hours, ctx.config.clock24),
            m.access,
            m.role,
            " ".join(k.fingerprint for k in keys.get(m.id, [])),
        ]
        for m in members
    ]
    width = terminal_width(sys.stdout)
    slugs = {c.id: c.slug for c in ctx.ws.campaigns()}
    # On a terminal: the keys, the role, the access and the zone (its city is in LOCAL NOW) left out, in that order,
    # before a name or the hours are cut unreadable, then those cut.
    listed = fitting_table(
        rows,
        ["HANDLE", "NAME", "ZONE", "LOCAL NOW", "HOURS", "ACCESS", "ROLE", "SSH KEYS"],
        free=("NAME", "HOURS", "ROLE", "SSH KEYS"),
        give_way=("SSH KEYS", "ROLE", "ACCESS", "ZONE"),
        width=width,
        # Hours are read to the end of a day's span ("mon-fri 09:00-17:30"): cut shorter, when the day ends is lost.
        readable={
            "HOURS": len(format_hours({day: [["09:00", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}, ctx.config.clock24))
        },
    )
    print(with_lines_under(listed, [_member_lines(m, people[m.id], slugs, width) for m in members]))
    note_incomplete(doctor.count(ctx.ws, "member"), "member")
    return 0


def _member_lines(member: Member, reviewer: Reviewer, slugs: dict[str, str], width: int | None) -> list[str]:
    """What a member's row has no room for: the approval groups whose steps they take, and a guest's campaigns."""
    lines = line_under("approval groups", sorted(reviewer.groups), ", ", width) if reviewer.groups else []
    if member.access == "guest":
        seen = [f"+{slug}" for cid, slug in slugs.items() if cid in reviewer.campaigns]
        seen += sorted(f"+{short(cid)}" for cid in reviewer.campaigns if cid not in slugs)  # a campaign since removed
        lines += line_under("sees campaigns", seen or [f"none (crewdeck member set {member.handle} --campaigns NAMES)"], ", ", width)
    return lines


# ---------------------------------------------------------------- campaigns


def _campaign_values(ctx: Context, creating: bool) -> dict[str, Any]:
    a = ctx.args
    values: dict[str, Any] = {}
    if a.platforms is not None:
        values["platforms"] = [p.strip().lower() for p in a.platforms.split(",") if p.strip()]
    if a.audience_tz is not None:
        values["audience_tz"] = given_zone(a.audience_tz, "--audience-tz", ctx)
    if a.start is not None:
        values["start"] = _date(a.start, ctx.now)
    if a.end is not None:
        values["end"] = _date(a.end, ctx.now)
    if not creating:
        if a.status is not None:
            values["status"] = a.status
        if a.reason is not None:
            values["pause_reason"] = a.reason
        if a.rename is not None:
            values["name"] = a.rename
        if a.target:
            from crewdeck.tui.results import targets

            kept = {} if targets.clears(a.target) else targets.parse(a.target, ctx.ws.base_currency)
            current = ctx.ws.campaign_by_name(a.name).kpis
            values["kpis"] = {k: v for k, v in current.items() if k not in ("targets", "result")} | kept
        if a.approvals is not None:
            from crewdeck.tui.posts.chains import parse_chain

            values["approvals"] = parse_chain(a.approvals, lambda handle: ctx.ws.member_by_handle(handle).id)
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        raise UserError(f"campaign: --end {end} is before --start {start}")
    return values


def cmd_campaign_add(ctx: Context) -> int:
    ws = ctx.ws
    # A name no slug spells ("春のキャンペーン") is matched as the name itself: a second campaign of it was added.
    wanted, key = slug(ctx.args.name), name_key(ctx.args.name)
    same = next((c for c in ws.campaigns() if c.slug == wanted or name_key(c.name) == key), None)
    if same is not None:
        raise UserError(f"campaign +{same.slug} already exists" + ("" if wanted else f" ({same.name})"))
    values = {"name": ctx.args.name, **_campaign_values(ctx, creating=True)}
    with ctx.writer() as w:
        campaign_id = w.create("campaign", values)
    _said(ctx, f"Added campaign {ctx.args.name} (+{campaign_slug(campaign_id, ctx.args.name)}, id {short(campaign_id)})", campaign_id)
    return 0


def cmd_campaign_set(ctx: Context) -> int:
    campaign = ctx.ws.campaign_by_name(ctx.args.name)
    values = _campaign_values(ctx, creating=False)
    if values.get("status") == "paused" and not (values.get("pause_reason") or campaign.pause_reason):
        raise UserError("campaign set: pausing needs --reason (the team sees why)")
    if values.get("status") == "active" and "pause_reason" not in values:
        values["pause_reason"] = ""
    if not values:
        raise UserError("campaign set: nothing to change")
    renamed = slug(values["name"]) if isinstance(values.get("name"), str) else None
    if renamed and any(c.slug == renamed and c.id != campaign.id for c in ctx.ws.campaigns()):
        raise UserError(f"campaign set: campaign +{renamed} already exists (pick another name)")
    start, end = values.get("start", campaign.start), values.get("end", campaign.end)
    if start and end and end < start:
        # Both given are checked with the values; one given is checked against what the campaign holds.
        if "start" in values:
            raise UserError(f"campaign set: --start {start} is after the campaign's end, {end} (give --end too)")
        raise UserError(f"campaign set: --end {end} is before the campaign's start, {start} (give --start too)")
    values = _changed(ctx, "campaign", campaign.id, values)
    if not values:
        _said(ctx, f"campaign {campaign.name} is as given already: nothing written", campaign.id)
        return 0
    with ctx.writer() as w:
        w.set("campaign", campaign.id, values)
    _said(ctx, f"Modified campaign {campaign.name}: {_words(ctx, w.ops)}", campaign.id)
    if "approvals" in values:
        for note in chain_notes(ctx.ws, campaign.id):
            print(visible(f"note: {note}"), file=sys.stderr)
    return 0


def cmd_campaign_list(ctx: Context) -> int:
    from crewdeck.tui.posts.reading import chains as read_chains

    campaigns = ctx.ws.campaigns()
    chains, handles = read_chains(ctx.ws.conn), ctx.ws.handles()
    if ctx.args.json:
        print_json(
            [
                {
                    "id": c.id,
                    "name": c.name,
                    "slug": c.slug,
                    "platforms": c.platforms,
                    "audience_tz": c.audience_tz,
                    "start": c.start,
                    "end": c.end,
                    "status": c.status,
                    "pause_reason": c.pause_reason,
                    "kpis": c.kpis,
                    "approvals": [
                        {"name": step.name, "member": handles.get(step.member, step.member) if step.member else None, "group": step.group}
                        for step in chains.get(c.id, ())
                    ],
                }
                for c in campaigns
            ]
        )
        return 0
    slugs = ctx.ws.campaign_names()  # two campaigns of one name told apart by id
    rows = [
        [
            f"+{slugs.get(c.id, c.slug)}",
            c.name,
            c.status + (f" ({c.pause_reason})" if c.status == "paused" and c.pause_reason else ""),
            ",".join(c.platforms),
            c.audience_tz or "",
            f"{c.start or ''}..{c.end or ''}",
        ]
        for c in campaigns
    ]
    width = terminal_width(sys.stdout)
    # On a terminal: the name (the slug says it) left out before the status, platforms or audience are cut unreadable.
    listed = fitting_table(
        rows,
        ["CAMPAIGN", "NAME", "STATUS", "PLATFORMS", "AUDIENCE", "RUN"],
        free=("NAME", "STATUS", "PLATFORMS", "AUDIENCE"),
        give_way=("NAME",),
        width=width,
    )
    shown = ctx.ws.shown_handles()  # a step of a removed member reads "ex-@raj": a new member may have their handle
    under = [
        line_under("approval chain", [f"{s.name} ({s.who(shown)})" for s in chains.get(c.id, ())] or ["none"], " → ", width)
        + _targets_under(c.kpis, ctx.ws.base_currency, width)
        for c in campaigns
    ]
    print(with_lines_under(listed, under))
    note_incomplete(doctor.count(ctx.ws, "campaign"), "campaign")
    return 0


def _targets_under(kpis: dict[str, Any], currency: str, width: int | None) -> list[str]:
    """``  targets: ctr>=1.2%, cpa<=4.00 EUR (CPA counts clicks)`` under a campaign with targets, as ``campaign set``
    said them: set, they were read back only in JSON (``kpi report`` names those missed, the Results screen how many)."""
    from crewdeck.tui.results import targets

    wanted, counts = targets.said(kpis, currency)
    if not wanted:
        return []
    wanted[-1] += f" ({counts})"
    return line_under("targets", wanted, ", ", width)


# ---------------------------------------------------------------- registration


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "init",
        parents=parents,
        help="create a workspace file",
        description="Create a new workspace file.",
        examples=['crewdeck init team.db --member ana --name "Ana Souza" --tz Europe/Berlin --hours "mon-fri 09:00-17:30"'],
    )
    p.add_argument("path", help="the workspace file to create")
    p.add_argument("--member", metavar="HANDLE", help="your handle (the first member)")
    p.add_argument("--name", help="your name")
    p.add_argument("--tz", metavar="ZONE", help="your IANA time zone, e.g. Europe/Berlin")
    p.add_argument("--hours", default="mon-fri 09:00-17:00", help="your working hours (default: %(default)s)")
    p.add_argument("--title", help="the workspace's name (default: the file name)")
    p.add_argument("--currency", default="EUR", help="base currency of reports (default: %(default)s)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "demo",
        parents=parents,
        help="create a demo workspace",
        description="Create a realistic demo workspace.",
        examples=["crewdeck demo demo.db", "crewdeck -w demo.db tasks"],
    )
    p.add_argument("path", help="the workspace file to create")
    p.add_argument("--tasks", type=number_in(0, MAX_DEMO_TASKS), default=180, help="how many tasks (default: %(default)s)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default: %(default)s)")
    p.set_defaults(func=cmd_demo)

    member = sub.add_parser("member", parents=parents, help="add, change and list members", description="Members of the workspace.")
    msub = member.add_subparsers(dest="member_command", metavar="COMMAND", required=True)

    def member_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--name", help="full name")
        p.add_argument("--tz", metavar="ZONE", help="IANA time zone")
        p.add_argument("--hours", help='working hours, e.g. "mon-fri 09:00-17:30"')
        p.add_argument("--role", help="role, the words shown, e.g. designer")
        p.add_argument("--access", choices=ACCESS_LEVELS, help="what the member may do: manager, member or guest (managers only)")
        p.add_argument("--unix-user", metavar="USER", help="the Unix user that is this member on a shared server")
        p.add_argument("--days-off", metavar="DATES", help="comma-separated dates off (YYYY-MM-DD)")
        p.add_argument(
            "--ssh-key",
            action="append",
            metavar="KEY",
            help='add an SSH public key, e.g. "ssh-ed25519 AAAA... ana@laptop" (repeat for several; see crewdeck ssh --help)',
        )
        p.add_argument("--groups", metavar="GROUPS", help='comma-separated approval groups, e.g. brand,legal ("none": none; managers only)')
        p.add_argument(
            "--campaigns",
            metavar="NAMES",
            help='a guest\'s campaigns, comma-separated: the posts they see and approve ("none": none; a campaign so named: +none)',
        )

    p = msub.add_parser(
        "add",
        parents=parents,
        help="add a member",
        description="Add a member.",
        examples=['crewdeck member add noor --name "Noor Haddad" --tz Europe/London --hours "mon-fri 10:00-18:30" --role designer'],
    )
    p.add_argument("handle", help="short handle, e.g. ana")
    member_options(p)
    quiet_option(p)
    p.set_defaults(func=cmd_member_add)
    p = msub.add_parser("set", parents=parents, help="change a member", description="Change a member's details.")
    p.add_argument("handle", help="the member's handle (me: you)")
    p.add_argument("--handle", dest="new_handle", metavar="NEW", help="a new handle")
    member_options(p)
    p.add_argument("--ssh-key-rm", action="append", metavar="FINGERPRINT", help="remove the SSH key with this SHA256 fingerprint")
    quiet_option(p)
    p.set_defaults(func=cmd_member_set)
    p = msub.add_parser(
        "rm",
        parents=parents,
        help="remove a member",
        description="Remove a member (their history stays). A member who holds open tasks is removed only with "
        "--reassign @HANDLE or --unassign, which says where the tasks go.",
    )
    p.add_argument("handle", help="the member's handle (me: you)")
    p.add_argument(
        "--reassign", metavar="HANDLE", help="give the member's open tasks to this member (@me: you; none: nobody, as --unassign)"
    )
    p.add_argument("--unassign", action="store_true", help="leave the member's open tasks unassigned")
    p.set_defaults(func=cmd_member_rm)
    p = msub.add_parser("list", parents=parents, help="list members", description="List members with their local time now.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_member_list)

    campaign = sub.add_parser("campaign", parents=parents, help="add, change and list campaigns", description="Campaigns.")
    csub = campaign.add_subparsers(dest="campaign_command", metavar="COMMAND", required=True)

    def campaign_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--platforms", help="comma-separated platforms, e.g. instagram,linkedin")
        p.add_argument("--audience-tz", metavar="ZONE", help="the audience's IANA time zone")
        p.add_argument("--start", metavar="DATE", help="first day")
        p.add_argument("--end", metavar="DATE", help="last day")

    p = csub.add_parser(
        "add",
        parents=parents,
        help="add a campaign",
        description="Add a campaign.",
        examples=[
            'crewdeck campaign add "Summer Drop" --platforms instagram,tiktok --audience-tz America/New_York '
            "--start 2027-06-01 --end 2027-07-31"
        ],
    )
    p.add_argument("name", help="the campaign's name")
    campaign_options(p)
    quiet_option(p)
    p.set_defaults(func=cmd_campaign_add)
    p = csub.add_parser("set", parents=parents, help="change or pause a campaign", description="Change a campaign.")
    p.add_argument("name", help="the campaign (name or +slug)")
    campaign_options(p)
    p.add_argument("--status", choices=CAMPAIGN_STATUSES, help="active, paused or done")
    p.add_argument("--reason", help="why it is paused")
    p.add_argument("--rename", metavar="NAME", help="a new name")
    quiet_option(p)
    p.add_argument(
        "--target",
        action="append",
        metavar="T",
        help='a KPI target, repeatable: "ctr>=1.2%%", "cpa<=4.00 EUR", "roas>=3", "result=clicks" (what CPA counts); "none" clears them',
    )
    p.add_argument(
        "--approvals",
        metavar="CHAIN",
        help='the posts\' approval chain, 0-3 steps in order: "copy:@mia; brand:group=brand" ("none": no approval needed; managers only)',
    )
    p.set_defaults(func=cmd_campaign_set)
    p = csub.add_parser("list", parents=parents, help="list campaigns", description="List campaigns.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_campaign_list)
