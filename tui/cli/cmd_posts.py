"""Post and crisis commands: post add/copy/submit/approve/reject/schedule/publish/pull/resume/slot/show/list/export, crisis start/end/status."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys
from dataclasses import dataclass
from typing import Any

from crewdeck.sync.state import copylimits as limits
from crewdeck.sync.state.acting import actors
from crewdeck.sync.state.oplog import WRITE_STAMP_CHARS
from crewdeck.sync.state.postround import CONTENT_FIELDS
from crewdeck.sync.state.rules import Refused, crisis_refused
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import (
    NOTHING_LISTED,
    Context,
    column_widths,
    fitting_table,
    line_under,
    note_expired,
    print_json,
    read_input,
    refuse_quiet,
    table,
    with_lines_under,
)
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.reading import (
    PostView,
    needs_me,
    open_crises,
    read_post,
    read_posts,
    settings,
    state_words,
    verdict_words,
    verdicts,
)
from crewdeck.tui.posts.review import copy_review
from crewdeck.tui.posts.states import AS_STORED, STATES, label
from crewdeck.tui.time.when import utc_iso
from crewdeck.tui.workspace.columns import cut_cells, line_width, terminal_width
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import SharedName, campaign_slugs, match_campaign, member_json


def _post_id(ctx: Context) -> str:
    # A guest's is one of their posts (``Context.task_id``): what follows tells them nothing they do not read.
    post_id = ctx.task_id(ctx.args.id)
    state, deleted, title = ctx.ws.conn.execute("SELECT post_state, deleted, title FROM task WHERE id = ?", (post_id,)).fetchone()
    if state is None:
        raise UserError(f"{ctx.args.id} is a task, not a post (make posts with: crewdeck post add TEXT)")
    if deleted:
        raise UserError(f"post {post_id[:8]} “{title or post_id[:8]}” was deleted (crewdeck log {post_id[:8]} says when and by whom)")
    return post_id


def _said(view: PostView, ctx: Context, more: str = "") -> int:
    """The post's id, its state now and where its round stands; ``more``: what else the command set."""
    print(visible(f"{view.id[:8]} {state_words(view, ctx.ws.shown_handles())}" + (f", {more}" if more else "")))
    return 0


def _slot(ctx: Context, post_id: str, words: list[str]) -> tuple[dict[str, str], str]:
    """A slot typed as in quick-add's ``publish:``, read in the audience's zone of the post's campaign, and what the
    words stood for, on your clock ("sat is today 11:00 CET"), for a refusal of it to say, as ``post add``'s does."""
    from crewdeck.tui.time.when import clock_change_note

    slot, typed = writing.said_slot(ctx.ws.store, post_id, words, ctx.now, ctx.viewer_tz, ctx.config.clock24)
    note = clock_change_note(words, slot, ctx.now)
    if note:
        print(visible(f"note: slot: {note}"), file=sys.stderr)
    return slot, typed


# ------------------------------------------------------------ post


def cmd_post_add(ctx: Context) -> int:
    from crewdeck.tui.cli.cmd_tasks import say_notes
    from crewdeck.tui.tasks import quickadd

    ctx.may_change_tasks()
    draft = quickadd.parse(" ".join(ctx.args.text))
    draft.post = True
    values = quickadd.resolve(draft, ctx.ws, ctx.me, ctx.now, ctx.config.clock24)
    print(writing.add_post(ctx.ws.store, ctx.me.id, values))
    say_notes(ctx, draft, values)
    return 0


def cmd_post_copy(ctx: Context) -> int:
    post_id = _post_id(ctx)
    a = ctx.args
    if a.text is not None and a.file is not None:
        raise UserError("post copy: give the copy as TEXT or --file, not both")
    copy = read_input(a.file) if a.file is not None else a.text
    if copy is not None and a.file is not None:
        # A file saved on Windows ends its lines with CRLF: line ends, not the control character U+000D the rules refuse.
        copy = copy.replace("\r\n", "\n").rstrip("\n")
    store = ctx.ws.store
    # Read before and after in the write's transaction, as the app does: another writer's change committed between
    # (a teammate's void, an approval) would be told as this one's, or left unsaid.
    with store.held():
        since = writing.newest_op(store, post_id)
        view = writing.set_content(store, ctx.me.id, post_id, ctx.now, copy=copy, link=a.link, media=a.media, first_comment=a.first_comment)
        # As the app's notice says it: "draft" alone left the approvals the change took, and the resubmit it needs, unsaid.
        voided = writing.voided_words(store, post_id, since, ctx.now)
    if voided:
        expired = writing.expired_words(view, ctx.now) if view.state == "expired" else ""
        print(visible(f"{view.id[:8]} {label(view.state)}{voided}{expired}"))
        return 0
    return _said(view, ctx)


def cmd_post_submit(ctx: Context) -> int:
    view = writing.submit(ctx.ws.store, ctx.me.id, _post_id(ctx), ctx.now)
    _warn_untakable(ctx, view)
    return _said(view, ctx)


def cmd_post_approve(ctx: Context) -> int:
    view = writing.approve(ctx.ws.store, ctx.me.id, _post_id(ctx), ctx.now, ctx.args.note or "")
    # Taking a step may leave the next to nobody (one person, one step): said now, not found later in the round's state.
    _warn_untakable(ctx, view)
    return _said(view, ctx)


def _warn_untakable(ctx: Context, view: PostView) -> None:
    """A step of the round nobody may take, said on standard error (``writing.untakable_words``)."""
    warning = writing.untakable_words(ctx.ws.store, view)
    if warning:
        print(visible(f"warning: {warning}"), file=sys.stderr)


def cmd_post_withdraw(ctx: Context) -> int:
    return _said(writing.withdraw(ctx.ws.store, ctx.me.id, _post_id(ctx), ctx.now, ctx.args.note or ""), ctx)


def cmd_post_reject(ctx: Context) -> int:
    return _said(writing.reject(ctx.ws.store, ctx.me.id, _post_id(ctx), ctx.now, ctx.args.note), ctx)


def cmd_post_schedule(ctx: Context) -> int:
    view = writing.schedule(ctx.ws.store, ctx.me.id, _post_id(ctx), ctx.now)
    _said(view, ctx)
    _off_peak(ctx, view)
    return 0


def _off_peak(ctx: Context, view: PostView) -> None:
    """A slot off the audience's peak hours, said on standard error as the content calendar flags it, as the app says it."""
    words = writing.off_peak_note(ctx.ws.store, view, ctx.viewer_tz, ctx.config.clock24)
    if words:
        print(visible(f"note: {words}"), file=sys.stderr)


def cmd_post_publish(ctx: Context) -> int:
    return _said(writing.publish(ctx.ws.store, ctx.me.id, _post_id(ctx), ctx.now, ctx.args.url or ""), ctx)


def cmd_post_pull(ctx: Context) -> int:
    return _said(writing.pull(ctx.ws.store, ctx.me.id, _post_id(ctx), ctx.now), ctx)


def cmd_post_resume(ctx: Context) -> int:
    post_id = _post_id(ctx)
    slot, typed = _slot(ctx, post_id, ctx.args.slot.split()) if ctx.args.slot else (None, "")
    due = _due_utc(ctx, post_id)
    view = writing.resume(ctx.ws.store, ctx.me.id, post_id, ctx.now, slot, typed=typed)
    # A new slot is said as `post slot` says it: "wed" alone took the platform's peak hour, which only this line tells.
    _said(view, ctx, _slot_moved(ctx, view, due) if slot else "")
    if slot:
        _off_peak(ctx, view)
    return 0


def cmd_post_slot(ctx: Context) -> int:
    post_id = _post_id(ctx)
    # "fri 18:00" given as one argument reads as the two words it holds.
    words = " ".join(ctx.args.when).split()
    slot, typed = _slot(ctx, post_id, words)
    due = _due_utc(ctx, post_id)
    view = writing.move_slot(ctx.ws.store, ctx.me.id, post_id, ctx.now, slot, typed)
    _said(view, ctx, _slot_moved(ctx, view, due))
    _off_peak(ctx, view)
    return 0


def _due_utc(ctx: Context, post_id: str) -> str | None:
    row = ctx.ws.conn.execute("SELECT due_utc FROM task WHERE id = ?", (post_id,)).fetchone()
    return row[0] if row else None


def _slot_moved(ctx: Context, view: PostView, due_before: str | None) -> str:
    """When the post now goes out, on your clock and the audience's (as `post show` says it), and its draft's due
    date when the move took it along (``writing.draft_due_for_slot``)."""
    f = view.facts
    if f.slot is None:
        return ""
    said = f"slot {_slot_text(ctx, f.slot, f.slot_tz, f.campaign)}"
    due = _due_utc(ctx, view.id)
    if due is not None and due != due_before:
        said += f", its draft now due {writing.moved_due_words(due, ctx.viewer_tz, ctx.now, ctx.config.clock24)}"
    return said


def _slot_text(ctx: Context, slot: dt.datetime, slot_tz: str | None, campaign: str | None) -> str:
    """The slot in your time, the audience's, and the zone it was set in when that is neither."""
    from crewdeck.tui.time.when import format_local, same_clock

    found = ctx.ws.campaign(campaign) if campaign else None
    audience_tz = found.audience_tz if found and found.audience_tz else None
    extra = []
    # The audience's clock where it is not yours at the slot (a zone of another name may keep it: Toronto, New York).
    if audience_tz and not same_clock(slot, audience_tz, ctx.viewer_tz):
        extra.append(f"{format_local(slot, audience_tz, ctx.now, clock24=ctx.config.clock24, reader_tz=ctx.viewer_tz)} for the audience")
    if slot_tz and slot_tz not in (ctx.viewer_tz, audience_tz):
        # A slot typed with a zone of its own keeps that zone's clock (moves keep its wall time).
        extra.append(
            f"set in {slot_tz}"
            if audience_tz
            else f"{format_local(slot, slot_tz, ctx.now, clock24=ctx.config.clock24, reader_tz=ctx.viewer_tz)} where it was set"
        )
    shown = format_local(slot, ctx.viewer_tz, ctx.now, clock24=ctx.config.clock24)
    return shown + (f" ({'; '.join(extra)})" if extra else "")


def _post_json(view: PostView, ctx: Context) -> dict[str, Any]:
    conn = ctx.ws.conn
    row = conn.execute(
        "SELECT copy, link, media, first_comment, live_url, published_at, publish_utc, publish_tz FROM task WHERE id = ?", (view.id,)
    ).fetchone()
    handles = ctx.ws.handles()
    f = view.facts
    return {
        "id": view.id,
        "title": f.title,
        "state": view.state,
        "stored_state": f.stored,
        "platform": f.platform,
        "campaign": ctx.ws.campaign_names().get(f.campaign or "") if f.campaign else None,
        "slot": {"utc": row[6], "tz": row[7]} if row[6] else None,
        "copy": row[0] or "",
        "link": row[1] or "",
        "media": json.loads(row[2] or "[]"),
        "first_comment": row[3] or "",
        "live_url": row[4] or "",
        "published_at": row[5],
        # A published or pulled post's round is over (its verdicts are in the history): evaluated against
        # nothing, it read "the content changed since it was submitted", its steps as never taken.
        "round": None if f.stored in AS_STORED else view.round.describe({member: f"@{handle}" for member, handle in handles.items()}),
        "steps": []
        if f.stored in AS_STORED
        else [
            {
                "name": step.name,
                "who": f"@{handles.get(step.member, step.member)}" if step.member else f"group={step.group}",
                "approved_by": f"@{handles.get(v.by, v.by)}" if v else None,
            }
            for step, v in zip(view.round.steps, view.round.satisfied)
        ],
        # A guest's crises have no id, as their ``crisis status --json`` gives none.
        **({} if ctx.scope.guest else {"held_by": [c.id for c in view.held_by]}),
        "crises": [{**({} if ctx.scope.guest else {"id": c.id}), "reason": c.reason, "open": c.open} for c in view.held_by],
    }


@dataclass(frozen=True)
class _Event:
    """A line of a post's history: ``cells`` as ``post show`` prints them (WHEN on the viewer's clock, WHO, WHAT, VERSION,
    NOTE); ``stamp`` the operation's id, which orders the history; ``at`` the UTC instant, ``member`` the id of who it was
    and ``actor`` of the manager who acted as them (``--as``), for ``--json``."""

    stamp: str
    at: dt.datetime
    member: str
    cells: list[str]
    actor: str | None = None


def _history(ctx: Context, post_id: str, named: dict[str, str]) -> list[_Event]:
    """Who made the post, then every change of its content, submission, approval, request for changes and void, oldest
    first, in the viewer's zone; ``named``: member id -> who it was ("@raj"; the text's ``Workspace.shown_handles``
    marks a removed member, "ex-@raj")."""
    from crewdeck.tui.posts.voiding import GIVEN_LATE, round_turns
    from crewdeck.tui.posts.voiding import words as voiding_words
    from crewdeck.tui.time.when import format_local, parse_utc, stamp_time
    from crewdeck.tui.workspace import describe

    conn = ctx.ws.conn
    tz = ctx.viewer_tz
    events: list[_Event] = []
    actor_of = actors(conn)

    def add(op_id: str, at: dt.datetime, member: str, what: str, version: str = "", note: str = "") -> None:
        when = format_local(at, tz, ctx.now, clock24=ctx.config.clock24)
        who = named.get(member, f"@{member[:8]}")
        # A change a manager made acting as another (``--as``), as the activity log says it: theirs to the rules too.
        actor = actor_of(member, op_id)
        if actor is not None:
            who = f"{named.get(actor, f'@{actor[:8]}')} as {who}"
        events.append(_Event(op_id, at, member, [when, who, what, version, note], actor))

    # The post's making comes first: the write that holds its first operation (``describe.first_ops``).
    made = conn.execute("SELECT op_id, node, member FROM ops WHERE row_id = ? ORDER BY op_id LIMIT 1", (post_id,)).fetchone()
    if made is not None:
        add(made[0], stamp_time(made[0]), made[2], "created")

    def of_making(op_id: str, node: str, member: str) -> bool:
        """Whether the operation is of the write that made the post: its copy typed with it is no change after it."""
        return made is not None and (op_id[:WRITE_STAMP_CHARS], node, member) == (made[0][:WRITE_STAMP_CHARS], made[1], made[2])

    #: Each submission's content hash, by its operation.
    rounds: dict[str, str] = {}
    #: Each text's value before the operation read (the one before it, as ``crewdeck log`` finds what a change overwrote).
    held: dict[str, Any] = {}
    # The content fields, as the round's hash reads them: a change to one of them is what voids a round.
    fields = ", ".join(f"'{name}'" for name in ("post_round", "post_state", *CONTENT_FIELDS))
    for op_id, node, member, field, value in conn.execute(
        f"SELECT op_id, node, member, field, value FROM ops WHERE row_id = ? AND field IN ({fields}) ORDER BY op_id", (post_id,)
    ):
        if field == "post_round":
            submitted = json.loads(value)
            if submitted is None:  # the submission taken back (an undo): the post waits to be submitted again
                add(op_id, stamp_time(op_id), member, "ended the approval round")
            else:
                rounds[op_id] = submitted["hash"]
                add(op_id, stamp_time(op_id), member, "submitted", rounds[op_id][:8])
        elif field == "post_state":
            state = json.loads(value)
            if state not in ("idea", "draft", "in-review"):  # those are the post's creation, its copy and its submission
                add(op_id, stamp_time(op_id), member, label(state))
        else:
            old, held[field] = held.get(field), describe.stored_value(value)
            if of_making(op_id, node, member):
                continue
            if field in describe.OVERWRITTEN and isinstance(old, str) and old.strip():
                # As the log says it, the post's name left out: what it did, and in NOTE what the text was and is.
                what, texts = describe.overwrote(field, old, held[field])
                add(op_id, stamp_time(op_id), member, what, note=texts)
            else:
                add(op_id, stamp_time(op_id), member, f"changed the {field.replace('_', ' ')}")
    for verdict in verdicts(conn, [post_id]).get(post_id, []):
        add(verdict.op_id, parse_utc(verdict.at), verdict.by, verdict_words(verdict), verdict.hash[:8], verdict.note)
    events.sort(key=lambda e: e.stamp)
    # A content change after the submission voids the round, before a verdict too (one made offline may arrive after a
    # verdict given on the submitted version): say so where it happened, with the approvals it took.
    turns = round_turns(conn, post_id)
    late = {at for turn in turns.values() for at in turn.late_approvals}
    out: list[_Event] = []
    for event in events:
        turn = turns.get(event.stamp)
        if turn is not None:
            # A void, with the approvals it took; or a change back to the version submitted: the round goes on.
            event.cells[2] += f" ({voiding_words(turn, named)})"
        elif event.stamp in late:
            event.cells[2] += f" ({GIVEN_LATE})"  # an approval on a void round, made before the change reached them
        out.append(event)
    return out


def _refused_events(ctx: Context, post_id: str) -> list[_Event]:
    """Writes of the post made here that the sync server refused (an approval given on a round voided meanwhile), each
    a line of the history, WHAT as ``crewdeck show`` and ``crewdeck log`` say it: "REFUSED: @mia approved “Launch reel”
    (copy): … (rule stale_round)".  Not in ``--json``, as ``show --json`` has none."""
    from crewdeck.tui.session.detail import refused_of_task
    from crewdeck.tui.time.when import format_local
    from crewdeck.tui.workspace.describe import Naming

    naming = Naming.of(ctx.ws, ctx.viewer_tz, ctx.now, ctx.config.clock24)
    named = ctx.ws.shown_handles()
    return [
        _Event(
            write.ops[-1].op_id,
            write.at,
            write.ops[-1].member,
            [
                format_local(write.at, ctx.viewer_tz, ctx.now, clock24=ctx.config.clock24),
                named.get(write.ops[-1].member, ""),
                write.line(),
                "",
                "",
            ],
        )
        for write in reversed(refused_of_task(ctx.ws, post_id, naming, ctx.scope.guest, ctx.reader_id))
    ]


def _diff_since_seen(ctx: Context, post_id: str, member: str) -> list[str]:
    """The content's diff since the version this member last gave a verdict on, the copy's then the link's, the
    media's and the first comment's (nothing if none, or no change)."""
    review = copy_review(ctx.ws.conn, post_id, member)
    if review.seen is None:
        return []
    parts = [("copy", tuple(review.seen.splitlines()), tuple(review.copy.splitlines()))] if review.changed else []
    parts.extend((change.name, change.seen, change.now) for change in review.besides)
    return [
        line
        for name, seen, now in parts
        for line in difflib.unified_diff(seen, now, f"the {name} you last saw", f"the {name} now", lineterm="")
    ]


#: ``post show``'s labels, each padded to the widest ("first comment:") so that every value starts in one column.
_LABEL_WIDTH = len("first comment: ")


def _field(name: str, value: str) -> str:
    return f"{name + ':':<{_LABEL_WIDTH}}{value}"


def cmd_post_show(ctx: Context) -> int:
    me = ctx.me_or_none()
    post_id = _post_id(ctx)
    view = read_post(ctx.ws.conn, post_id, ctx.now)
    assert view is not None
    data = _post_json(view, ctx)
    diff = _diff_since_seen(ctx, post_id, me.id) if me else []
    if ctx.args.json:
        handles = {member_id: f"@{handle}" for member_id, handle in ctx.ws.handles().items()}
        removed = ctx.ws.removed_ids()
        data["history"] = [
            {
                **dict(zip(("when", "who", "what", "version", "note"), event.cells)),
                "at": utc_iso(event.at),
                # "who" keeps its "@" (as it always read); whose it is, as every JSON names a member (README, Members in JSON).
                "who": handles.get(event.member, f"@{event.member[:8]}"),
                "who_id": event.member or None,
                "who_removed": event.member in removed,
                # The manager who acted as them (``--as``), as ``log --json`` names one; ``null`` for nobody.
                "actor": handles.get(event.actor, f"@{event.actor[:8]}") if event.actor else None,
                "actor_id": event.actor,
                "actor_removed": event.actor in removed if event.actor else None,
            }
            for event in _history(ctx, post_id, handles)
        ]
        data["diff_since_seen"] = diff
        print_json(data)
        return 0
    f = view.facts
    lines = [f"{post_id[:8]}  {f.title}", _field("state", label(view.state))]
    if view.state in ("in-review", "changes-requested", "draft") and view.round.round_id:
        lines.append(_field("round", view.round.describe(ctx.ws.shown_handles())))
    for crisis in view.held_by:
        lines.append(_field("crisis", crisis.holding_words(guest=ctx.scope.guest)))
    lines.append(_field("platform", f.platform or "-") + (f"   campaign: +{data['campaign']}" if data["campaign"] else ""))
    if f.slot is not None:
        lines.append(_field("slot", _slot_text(ctx, f.slot, f.slot_tz, f.campaign)))
    # As the app's copy editor counts it: X's weighted (an emoji 2, a URL 23, said so, or 140 flags read "280
    # characters"), what is over said, and the hashtags where the platform caps them.
    lines.append(_field("copy", limits.counted(f.platform, data["copy"])[0]))
    lines.extend(f"  {line}" for line in data["copy"].splitlines() or [""])
    for name in ("link", "first_comment", "live_url"):
        if data[name]:
            lines.append(_field(name.replace("_", " "), data[name]))
    if data["media"]:
        lines.append(_field("media", ", ".join(data["media"])))
    # The post's text is someone else's: shown, never sent to the terminal as it is.
    print(visible("\n".join(lines), multiline=True))
    # A removed member reads "ex-@raj": a new member may have their handle.
    # A refused write placed among the others by its stamp, as they are ordered: by time (a verdict's is to the second),
    # an approval given in the second of its submission stood before it.
    history = sorted(_history(ctx, post_id, ctx.ws.shown_handles()) + _refused_events(ctx, post_id), key=lambda event: event.stamp)
    if history:
        print(f"\nhistory ({ctx.viewer_tz}):")
        print(table([event.cells for event in history], ["WHEN", "WHO", "WHAT", "VERSION", "NOTE"]))
    if diff:
        print("\nsince the version you last saw:")
        print(visible("\n".join(diff), multiline=True))
    return 0


#: ``post list`` terms: ``state:``, ``post:`` (platform), ``needs:@handle``, ``+campaign``; other words match the title.
def _matches(ctx: Context, query: list[str]) -> list[PostView]:
    # A guest's: their campaigns' posts, as the app's Approvals view reads them (``read_scope``).
    views = [v for v in read_posts(ctx.ws.conn, ctx.now) if ctx.scope.reads_post(v.facts.campaign, v.facts.stored)]
    words: list[str] = []
    for term in " ".join(query).split():
        key, sep, value = term.partition(":")
        lowered = value.lower()
        if sep and key.lower() == "state":
            if lowered not in STATES:
                raise UserError(f"state:{value} is not a post state ({', '.join(STATES)})")
            views = [v for v in views if v.state == lowered]
        elif sep and key.lower() in ("post", "platform"):
            views = [v for v in views if v.facts.platform == lowered]
        elif sep and key.lower() == "needs":
            me = lowered in ("@me", "me")
            if ctx.scope.guest and not me and lowered.lstrip("@") != ctx.me.handle:
                # The handles they read are their own: another's, or one no member has, is one answer alike.
                raise UserError(f"{term}: you list the posts that need you (needs:@me), not another's")
            who = ctx.me if me else ctx.ws.member_by_handle(lowered)
            # As the app's Approvals view: acting as me (``--as``), a manager reviews no round they changed or took a step of.
            mine = {v.id for v in needs_me(ctx.ws.conn, who.id, ctx.now, ctx.ws.store.actor if me else None)}
            views = [v for v in views if v.id in mine]
        elif term.startswith("+") and len(term) > 1:
            campaign = _campaign_read(ctx, term[1:])
            views = [v for v in views if v.facts.campaign == campaign]
        elif sep and value and key.isalpha():
            # Another filter's term (status:, campaign:) read as words of a title would match nothing, and say so.
            raise UserError(
                f"{term!r} is no term of post list: give state:STATE, post:PLATFORM, needs:@HANDLE, +CAMPAIGN, or words of the title"
            )
        else:
            words.append(term.lower())
    return [v for v in views if all(w in v.facts.title.lower() for w in words)]


def _campaign_read(ctx: Context, name: str) -> str:
    """The id of the campaign ``+name`` means, matched among the guest's own campaigns for a guest (no other one named,
    listed or hinted at: ``+nope`` and ``+autum`` get one answer)."""
    campaigns = ctx.scope.campaigns
    if campaigns is None:
        return ctx.ws.campaign_by_name(name).id
    theirs = [c for c in ctx.ws.campaigns() if c.id in campaigns]
    try:
        return match_campaign(name, theirs).id
    except SharedName:
        raise  # both are theirs: named as they are to everyone
    except UserError:
        slugs = campaign_slugs(theirs).values()
        raise UserError(f"+{name.lstrip('+')}: no campaign of yours ({', '.join('+' + s for s in slugs) or 'none'})") from None


def _no_posts_yet(ctx: Context) -> str:
    """What a list with no filter and no post says: how to add one, or to a guest, who may add none (they were offered
    ``post add``, which the rules refuse them), whose posts they would see."""
    scope = ctx.scope
    if not scope.guest:
        return "no posts yet: crewdeck post add TEXT adds one"
    if scope.campaigns:
        return "no posts of your campaigns yet"
    return f"no posts: you are a guest of no campaign yet (a manager names yours: crewdeck member set {ctx.me.handle} --campaigns NAMES)"


def cmd_post_list(ctx: Context) -> int:
    from crewdeck.tui.time.when import format_local

    refuse_quiet("post list", ctx.args.query, "post")
    views = _matches(ctx, ctx.args.query)
    if ctx.args.json:
        print_json([_post_json(v, ctx) for v in views])
        return 0
    if not views:
        asked = "".join(ctx.args.query).strip()
        # With no filter every post is listed: none is a workspace with no post yet, said as `tasks` says it ("no posts
        # match" named no filter).
        print("no posts match" if asked else _no_posts_yet(ctx), file=sys.stderr)
        note_expired(ctx)
        return NOTHING_LISTED if asked else 0  # as `tasks`: a filter that matched nothing
    names = ctx.ws.campaign_names()
    handles = ctx.ws.shown_handles()  # a removed reviewer reads "ex-@raj": a new member may have their handle
    # A round changes were requested on says by whom and what (its STATE alone said nothing of it), as post show does.
    rounds = [v.round.describe(handles) if v.state in ("in-review", "changes-requested") else "" for v in views]
    rows = [
        [
            v.id[:8],
            label(v.state),
            format_local(v.facts.slot, ctx.viewer_tz, ctx.now, clock24=ctx.config.clock24) if v.facts.slot else "",
            (f"+{names.get(v.facts.campaign, '?')}" if v.facts.campaign else "") + (f"/{v.facts.platform}" if v.facts.platform else ""),
            v.facts.title,
            step,
        ]
        for v, step in zip(views, rounds, strict=True)
    ]
    headers = ["ID", "STATE", f"SLOT ({ctx.viewer_tz})", "CAMPAIGN", "TITLE", "ROUND"]
    width = terminal_width(sys.stdout)
    if width is not None and any(rounds) and line_width(column_widths(rows, headers)) > width:
        # A round is a sentence: beside a title on a terminal too narrow for both it read "step 2 of 3 …", the title
        # "Customer sto…".  It goes under its post's row, whole, as member list's groups do; the campaign gives way
        # before the title is cut.
        listed = fitting_table([row[:-1] for row in rows], headers[:-1], free=("TITLE",), give_way=("CAMPAIGN",), width=width)
        # A request for changes is one sentence, its note the writer's (commas too): cut to the width, not wrapped at them.
        under = [
            [cut_cells(line, width) for line in line_under("round", [step], ", ", width)]
            if v.state == "changes-requested"
            else line_under("round", step.split(", "), ", ", width)
            if step
            else []
            for v, step in zip(views, rounds, strict=True)
        ]
        sys.stdout.write(with_lines_under(listed, under) + "\n")
    else:
        # On a terminal: the campaign left out before a title or a round is cut unreadable, then those cut.
        listed = fitting_table(rows, headers, free=("CAMPAIGN", "TITLE", "ROUND"), give_way=("CAMPAIGN",), width=width)
        sys.stdout.write(listed + "\n")
    note_expired(ctx)
    return 0


def cmd_post_export(ctx: Context) -> int:
    import datetime as dt

    from crewdeck.sync.state.zones import UnknownZoneError, check_zone, zone
    from crewdeck.tui.cli.common import write_output
    from crewdeck.tui.cli.zone_given import given_zone
    from crewdeck.tui.posts import export
    from crewdeck.tui.time.when import localize

    a = ctx.args
    try:
        tz = given_zone(a.zone, "--zone", ctx, of_a_write=False) if a.zone else check_zone(settings(ctx.ws.conn).zone or ctx.viewer_tz)
    except UnknownZoneError as exc:
        raise UserError(str(exc)) from None
    today = ctx.now.astimezone(zone(tz)).date()
    try:
        first = dt.date.fromisoformat(a.start) if a.start else today
        last = dt.date.fromisoformat(a.end) if a.end else first + dt.timedelta(days=30)
    except ValueError as exc:
        raise UserError(f"--from/--to: {exc} (give YYYY-MM-DD)") from None
    if last < first:
        raise UserError(f"--to {last} is before --from {first}")
    start = localize(dt.datetime.combine(first, dt.time()), zone(tz))
    end = localize(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()), zone(tz))
    platform = a.platform.lower() if a.platform else None
    if a.format == "hootsuite":
        result = export.hootsuite(ctx.ws.conn, ctx.now, start, end, tz, date_order=a.date_order, platform=platform)
        order = "day/month/year" if a.date_order == "dmy" else "month/day/year"
        how = f"times in {tz} ({order}, minutes rounded up to end in 0 or 5: pick the same zone and date order in Hootsuite)"
    else:
        result = export.plain_csv(ctx.ws.conn, ctx.now, start, end, tz, ctx.ws.campaign_names(), platform)
        how = f"slots in UTC and in {tz}"
    write_output(a.output, result.text)
    left = ", ".join(f"{n} {why}" for why, n in sorted(result.left_out.items()))
    print(
        f"exported {result.written} post{'s' if result.written != 1 else ''} of {first}..{last}, {how}"
        + (f"; left out: {left}" if left else ""),
        file=sys.stderr,
    )
    if a.format == "hootsuite" and len(result.platforms) > 1:
        print(
            f"note: this file holds {', '.join(sorted(result.platforms))} posts; Hootsuite posts a file to the profiles picked at upload: export one --platform at a time",
            file=sys.stderr,
        )
    return 0


# ------------------------------------------------------------ crisis


def _managers_crisis(ctx: Context, *, ending: bool) -> None:
    """Only a manager starts or ends a crisis (``crisis_refused``): said first, before anything about the crises or the input."""
    refusal = crisis_refused(ctx.me.facts(), ending=ending)
    if refusal is not None:
        raise Refused(refusal)


def cmd_crisis_start(ctx: Context) -> int:
    _managers_crisis(ctx, ending=False)
    a = ctx.args
    campaigns = [ctx.ws.campaign_by_name(name).id for name in a.campaign or []]
    platforms = [p.strip().lower() for p in a.platform or [] if p.strip()]
    crisis_id = writing.start_crisis(ctx.ws.store, ctx.me.id, ctx.now, a.reason, campaigns, platforms)
    held = [v for v in read_posts(ctx.ws.conn, ctx.now) if any(c.id == crisis_id for c in v.held_by) and v.state in ("paused", "missed")]
    # A post another open crisis paused already is not one this crisis paused: counted so, the manager read it as more stopped.
    pausing = [{c.id for c in v.held_by if c.id != crisis_id and c.open} for v in held]
    already = sum(1 for others in pausing if others)
    print(crisis_id)
    items = len(settings(ctx.ws.conn).crisis_checklist)
    paused = len(held) - already
    by = "another crisis" if len({other for others in pausing for other in others}) == 1 else "other crises"
    before = f" ({already:,} more paused already by {by})" if already else ""
    print(
        f"crisis started: {paused:,} post{'s' if paused != 1 else ''} paused{before}, {items} checklist task{'s' if items != 1 else ''}",
        file=sys.stderr,
    )
    return 0


def cmd_crisis_end(ctx: Context) -> int:
    _managers_crisis(ctx, ending=True)
    ended = writing.end_crisis(ctx.ws.store, ctx.me.id, ctx.now, ctx.args.id, ctx.args.resume)
    print(
        visible(
            f"crisis {ended.crisis.id[:8]} ended ({ended.crisis.reason}); {len(ended.resumed):,} post{'s' if len(ended.resumed) != 1 else ''} resumed"
        )
    )
    if ended.held_elsewhere:
        others = sorted({f"{c.reason} ({c.id[:8]})" for v in ended.held_elsewhere for c in v.held_by})
        print(visible(f"{counted(len(ended.held_elsewhere), 'post')} still paused by another open crisis: {', '.join(others)}"))
        print(table([[v.id[:8], label(v.state), v.facts.title] for v in ended.held_elsewhere], ["ID", "STATE", "TITLE"]))
    if ended.held:
        print(f"{len(ended.held):,} still held: resume (crewdeck post resume ID), give a new slot (--slot WHEN) or pull each:")
        rows = [[v.id[:8], label(v.state), v.facts.title] for v in ended.held]
        print(table(rows, ["ID", "STATE", "TITLE"]))
    return 0


def _checklist_progress(ctx: Context, crisis_id: str) -> tuple[int, int]:
    count = len(settings(ctx.ws.conn).crisis_checklist)
    ids = [writing.checklist_task_id(crisis_id, i) for i in range(count)]
    rows = ctx.ws.conn.execute(
        "SELECT status FROM task WHERE id IN (SELECT value FROM json_each(?)) AND deleted = 0", (json.dumps(ids),)
    ).fetchall()
    return sum(1 for r in rows if r[0] in ("done", "cancelled")), len(rows)


def cmd_crisis_status(ctx: Context) -> int:
    from crewdeck.tui.time.when import format_local

    if ctx.scope.guest:
        return _guest_crisis_status(ctx)
    current = open_crises(ctx.ws.conn)
    if ctx.args.json:
        handles, removed = ctx.ws.handles(), ctx.ws.removed_ids()
        print_json(
            [
                {
                    "id": c.id,
                    "reason": c.reason,
                    **member_json("started_by", c.started_by, handles.get(c.started_by), c.started_by in removed),
                    "started_at": c.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "campaigns": sorted(ctx.ws.campaign_names().get(i, i) for i in c.campaigns),
                    "platforms": sorted(c.platforms),
                    "checklist": dict(zip(("done", "total"), _checklist_progress(ctx, c.id))),
                }
                for c in current
            ]
        )
        return 0
    views = read_posts(ctx.ws.conn, ctx.now)
    if not current:
        print("no crisis is open")
    handles = ctx.ws.shown_handles()  # a removed manager's "ex-@mo": a new member may have their handle
    names = ctx.ws.campaign_names()
    for c in current:
        since = format_local(c.started_at, ctx.viewer_tz, ctx.now, clock24=ctx.config.clock24)
        scope = ", ".join([*(f"+{names.get(i, i[:8])}" for i in sorted(c.campaigns)), *sorted(c.platforms)]) or "everything"
        done, total = _checklist_progress(ctx, c.id)
        held = [v for v in views if any(h.id == c.id for h in v.held_by)]
        paused = sum(1 for v in held if v.state == "paused")
        missed = sum(1 for v in held if v.state == "missed")
        print(visible(f"CRISIS {c.id[:8]}: {c.reason}"))
        print(visible(f"  started by {handles.get(c.started_by, '@' + c.started_by[:8])} {since}; scope: {scope}"))
        print(f"  checklist {done}/{total} done; {paused:,} paused, {missed:,} missed")
    _held_after_crises(views)
    return 0


def _guest_crisis_status(ctx: Context) -> int:
    """A guest's status: what the app's banner shows them (``open_crisis_banner(guest_of=…)``): the open crises that may
    hold a post of theirs, each naming their campaigns alone, with no id, checklist or other campaigns' posts."""
    from crewdeck.tui.posts.banner import open_crisis_banner
    from crewdeck.tui.time.when import format_local

    crises = open_crisis_banner(ctx.ws.conn, ctx.scope.campaigns)
    if ctx.args.json:
        print_json(
            [
                {
                    "reason": c.reason,
                    "started_by": c.started_by,
                    "started_at": c.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "scope": c.scope,
                }
                for c in crises
            ]
        )
        return 0
    if not crises:
        print("no crisis is open")
    for c in crises:
        since = format_local(c.started_at, ctx.viewer_tz, ctx.now, clock24=ctx.config.clock24)
        print(visible(f"CRISIS: {c.reason}"))
        print(visible(f"  started by {c.started_by} {since}; scope: {c.scope}; posts paused"))
    return 0


def _held_after_crises(views: list[PostView]) -> None:
    """The posts that ended crises alone still hold: once a crisis has ended any member resumes them, and
    nothing else tells them which (the banner is gone with the crisis)."""
    held = [v for v in views if v.held_by and not any(c.open for c in v.held_by) and v.state in ("paused", "missed")]
    if not held:
        return
    print(
        f"{counted(len(held), 'post')} still held by an ended crisis: resume (crewdeck post resume ID), "
        "give a new slot (--slot WHEN) or pull each:"
    )
    rows = [[v.id[:8], label(v.state), ", ".join(f"{c.reason} ({c.id[:8]})" for c in v.held_by), v.facts.title] for v in held]
    print(table(rows, ["ID", "STATE", "CRISIS", "TITLE"]))


# ------------------------------------------------------------ registration


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    post = sub.add_parser(
        "post", parents=parents, help="posts: copy, approvals, schedule, publish", description="Posts: the content pipeline."
    )
    psub = post.add_subparsers(dest="post_command", metavar="COMMAND", required=True)

    def one(name: str, helptext: str, func: Any) -> argparse.ArgumentParser:
        p = psub.add_parser(name, parents=parents, help=helptext, description=helptext[0].upper() + helptext[1:] + ".")
        p.add_argument("id", help="the post's id or a unique prefix")
        p.set_defaults(func=func)
        return p

    p = psub.add_parser(
        "add",
        parents=parents,
        help="add a post (quick-add syntax)",
        description="Add a post: an idea until it has copy.",
        examples=['crewdeck post add "Launch reel +spring-launch post:instagram publish:fri 18:00 @mia"'],
    )
    p.add_argument("text", nargs="+", help='e.g. "Launch reel +spring-launch post:instagram publish:fri 18:00 @mia"')
    p.set_defaults(func=cmd_post_add)
    p = one("copy", "set a post's copy, link, media or first comment", cmd_post_copy)
    p.add_argument("text", nargs="?", help="the copy")
    p.add_argument("--file", metavar="F", help="read the copy from a file (- for standard input)")
    p.add_argument("--link", help="the link")
    # extend: `--media a --media b` keeps both, as `--media a b` does; `--media` alone takes them all away.
    p.add_argument(
        "--media", nargs="*", action="extend", metavar="REF", help="media references: paths or URLs (nothing is uploaded); repeatable"
    )
    p.add_argument("--first-comment", metavar="TEXT", help="the first comment")
    one("submit", "submit a post for approval (starts a round)", cmd_post_submit)
    p = one("approve", "approve the next step of a post's round", cmd_post_approve)
    p.add_argument("--note", help="a note for the author")
    p = one(
        "withdraw", "take back your approval of a post's round while it can still go out (not published, not pulled)", cmd_post_withdraw
    )
    p.add_argument("--note", help="a note for the author")
    p = one("reject", "request changes on a post, with a note", cmd_post_reject)
    p.add_argument("--note", required=True, help="what to change")
    one("schedule", "mark an approved post as scheduled", cmd_post_schedule)
    p = one("publish", "mark an approved or scheduled post as published", cmd_post_publish)
    p.add_argument("--url", metavar="U", help="the live URL")
    one("pull", "pull a post (it will not go out)", cmd_post_pull)
    p = one("resume", "resume a post a crisis holds", cmd_post_resume)
    p.add_argument("--slot", metavar="WHEN", help="a new slot (a missed post needs one), e.g. 'fri 18:00'")
    p = one("slot", "move a post's publish slot (in its audience's zone)", cmd_post_slot)
    p.add_argument("when", nargs="+", help="e.g. fri 18:00 (the campaign's audience zone unless a zone is given)")
    p = one("show", "show a post: state, round, copy, history, diff since you last saw it", cmd_post_show)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = psub.add_parser("list", parents=parents, help="list posts with their state", description="List posts with their state now.")
    p.add_argument("query", nargs="*", help="terms: state:in-review post:instagram needs:@me +campaign, words of the title")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_post_list)
    p = psub.add_parser(
        "export",
        parents=parents,
        help="approved posts out to a scheduler (Hootsuite's bulk CSV, or plain CSV)",
        description="Write the approved, not yet published posts of a period for a scheduler.",
    )
    p.add_argument("--format", choices=("hootsuite", "csv"), required=True, help="hootsuite: its bulk-composer CSV; csv: every field")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (default: today in the zone)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (default: 30 days after the first)")
    p.add_argument("--zone", metavar="ZONE", help="write times in this zone (default: the workspace's, else yours)")
    p.add_argument(
        "--date-order", choices=("dmy", "mdy"), default="mdy", help="hootsuite: day/month/year or month/day/year (default: %(default)s)"
    )
    p.add_argument("--platform", metavar="P", help="only this platform's posts (Hootsuite takes one platform per file)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    p.set_defaults(func=cmd_post_export)

    crisis = sub.add_parser(
        "crisis", parents=parents, help="start, end and show a crisis", description="Crisis mode: pause scheduled posts."
    )
    csub = crisis.add_subparsers(dest="crisis_command", metavar="COMMAND", required=True)
    p = csub.add_parser("start", parents=parents, help="start a crisis (managers)", description="Start a crisis: posts in its scope pause.")
    p.add_argument("--reason", required=True, help="why (everyone sees it)")
    p.add_argument("--campaign", action="append", metavar="C", help="only this campaign (repeatable; default: all)")
    p.add_argument("--platform", action="append", metavar="P", help="only this platform (repeatable; default: all)")
    p.set_defaults(func=cmd_crisis_start)
    p = csub.add_parser(
        "end", parents=parents, help="end a crisis (managers)", description="End a crisis; paused posts stay paused unless resumed."
    )
    p.add_argument("id", nargs="?", help="the crisis (default: the only open one)")
    p.add_argument(
        "--resume",
        choices=("all", "none", "ask"),
        default="ask",
        help="all: resume paused posts whose slot is ahead; none/ask: resume none and list them (default: %(default)s)",
    )
    p.set_defaults(func=cmd_crisis_end)
    p = csub.add_parser(
        "status",
        parents=parents,
        help="show open crises",
        description="Show open crises, their scope and checklist (a guest: those that may hold a post of their campaigns, "
        "as the app's banner shows them, with no checklist).",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_crisis_status)
