"""The moves of a post and of a crisis: each checks the move against the state read now, then writes.

These are the write functions the CLI and the app call.  Each takes the
store, the acting member's id and the time now, refuses an illegal move
with ``PostRefused`` (a ``UserError``: one line saying why, nothing
written) and writes the move as one batch through the store, whose rules
(``crewdeck.sync.state.rules``) judge who may make it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crewdeck.sync.state import copylimits as limits
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.naming import quoted
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.postround import content_hash, guests_left_out, may_take, unblocking, untakable_by
from crewdeck.sync.state.records import address_problem, crisis_end_id, derived_id, not_a_web_address
from crewdeck.sync.state.rules import one_line_problem, unknown_platforms, withdrawal_closed
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts.calendar import off_peak_words, peak_frame
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.reading import (
    PostView,
    crises,
    open_crises,
    read_post,
    read_posts,
    reviewers,
    settings,
    shared_publish,
    state_words,
)
from crewdeck.tui.posts.states import CLOSED, MOVES, PUBLISHABLE, Crisis, being, instant_text, round_decides
from crewdeck.tui.posts.voiding import RoundTurn, voided_note, voiding
from crewdeck.tui.posts.voiding import words as voiding_words
from crewdeck.tui.tasks.quickadd import publish_slot
from crewdeck.tui.time.when import DateError, parse_utc
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import campaign_slug, shown_handles_in


class PostRefused(UserError):
    """A move the post's state does not allow, and why."""

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        #: Why alone, for a line that names the post and the move already (an undo's or a redo's).
        self.why = why


def _handles(store: Store) -> dict[str, str]:
    """The members as a refusal names them, "@mia"; a removed member "ex-@raj" (a new member may have their handle)."""
    return shown_handles_in(store.conn)


def view(store: Store, post_id: str, now: dt.datetime) -> PostView:
    found = read_post(store.conn, post_id, now)
    if found is None:
        raise UserError(f"{post_id[:8]} is not a post (a task becomes one with: crewdeck post add, or a post_state)")
    return found


def _refuse(post: PostView, what: str, why: str) -> PostRefused:
    """ "cannot submit “Launch reel”: ...": the post named by its title as notices name it (shown safe for a terminal)."""
    return PostRefused(f"cannot {what} {named_post(post.facts.title, post.id)}: {why}", why)


def _held(post: PostView) -> str:
    """ "paused by a crisis (Bad reply)": a held post's state and the crises holding it."""
    return f"{post.state} by a crisis ({', '.join(c.reason for c in post.held_by)})"


def _not_approved(store: Store, post: PostView) -> str:
    if post.state in ("paused", "missed"):
        return f"{_held(post)}: resume it first"
    if post.state == "in-review":
        return f"not approved: {post.round.describe(_handles(store))}"
    if post.state == "changes-requested":
        return state_words(post, _handles(store))
    return f"it is {being(post.state)}"


def _not_in_review(store: Store, post: PostView) -> str:
    """Why a post takes no verdict now: its state, and for a draft what became of its round.  Said to its reviewers
    (a client in the app among them), who submit nothing: "(submit it first)" was its author's move, and no news to a
    reviewer whose post changed under the open dialog."""
    if post.state == "idea":
        return "it is an idea: not submitted for review yet"
    if post.state == "changes-requested":
        return f"it waits to be submitted again ({post.round.describe(_handles(store))})"
    why = f"it is {being(post.state)}"
    if post.state != "draft" or post.round.open:
        return why
    if post.round.round_id is None:
        return f"{why}: not submitted for review yet"
    changed = "it moved to another campaign or platform" if post.round.moved else "its content changed"
    return f"{why}: {changed} since it was submitted, and waits to be submitted again"


# ------------------------------------------------------------ content


def add_post(store: Store, member: str, values: dict[str, Any]) -> str:
    """A new post from a task's fields (``quickadd.resolve``): an idea, or a draft when it has copy."""
    fields = {**values, "post_state": "draft" if values.get("copy") else "idea"}
    with store.write(member) as w:
        return w.create("task", fields)


def set_content(
    store: Store,
    member: str,
    post_id: str,
    now: dt.datetime,
    *,
    copy: str | None = None,
    link: str | None = None,
    media: Sequence[str] | None = None,
    first_comment: str | None = None,
) -> PostView:
    """Change a post's copy, link, media or first comment; an idea with copy becomes a draft.

    A change after the submission voids the round (the post reads draft until it is submitted again).
    """
    post = view(store, post_id, now)
    if "copy" not in legal_moves(post):  # the states the app offers the change in
        raise _refuse(post, "change", f"it is {post.state}")
    values: dict[str, Any] = {}
    if copy is not None:
        over = limits.problems(post.facts.platform, copy)
        if over:
            raise _refuse(post, "change the copy of", "; ".join(over))
        values["copy"] = copy
    if link is not None:
        values["link"] = web_address("link", link)
    if media is not None:
        problem = address_problem("media", list(media))
        if problem is not None:
            raise UserError(f"media: {problem}")
        values["media"] = list(media)
    if first_comment is not None:
        values["first_comment"] = first_comment
    if not values:
        raise UserError("give the copy, a link, media or a first comment")
    if post.facts.stored == "idea" and copy:
        values["post_state"] = "draft"
    with store.write(member) as w:
        w.set("task", post_id, values)
    return view(store, post_id, now)


def newest_op(store: Store, post_id: str) -> str:
    """The post's newest operation: what ``voided_words`` reads a write made after."""
    row = store.conn.execute("SELECT max(op_id) FROM ops WHERE row_id = ?", (post_id,)).fetchone()
    return str(row[0]) if row and row[0] else ""


def content_change_voids(store: Store, post: PostView, member: str, what: str, now: dt.datetime) -> str:
    """What a change of the ``post``'s content (``what``: "copy", "link") would take, for the app to ask before it
    opens the box: "“Launch reel” is scheduled: a change of its copy voids the round and the approval of @mia: it is a
    draft until it is submitted again" (``member``'s own approval said as theirs; inside the approval lead time, that
    it would be expired, as ``expired_words`` says it).  Asked of an approved round, and of one in review that holds
    approvals already: a reviewer's approval taken unasked is work lost as much as a whole round's.  "" when the change
    takes no approval (none given yet), or the round is not open, or a reviewer asked for changes (the change is what
    they asked for; its notice says what it took, as ``voided_words`` says it)."""
    status = post.round
    if not round_decides(post.facts.stored) or not status.open or status.round_id is None:
        return ""
    approvers = tuple(verdict.by for verdict in status.satisfied if verdict is not None)
    if not status.approved and (status.rejection is not None or not approvers):
        return ""
    turn = RoundTurn("", status.round_id, True, approvers)
    slot = post.facts.slot
    expires = slot is not None and now >= slot - settings(store.conn).approval_lead
    said = voiding_words(turn, _handles(store), member, waits=not expires)
    if expires:
        why, new_slot = _expiry(post, now)
        said += f": it would be expired, {why}: {new_slot} and a submission let it out"
    return f"{named_post(post.facts.title, post.id)} is {being(post.state)}: a change of its {what} {said}"


def off_peak_note(store: Store, post: PostView, viewer_tz: str, clock24: bool) -> str:
    """Whether the post's slot is off its platform's peak hours for its audience, as the content calendar flags it (its
    zone and peak hours read as ``calendar_layout.post_flags`` reads them), in a line (``calendar.off_peak_words``),
    for ``post schedule``, ``post slot`` and the app's moves to say; "" on peak or with no slot."""
    if post.facts.slot is None:
        return ""
    audience = audience_zone(store, post.id, "")
    tz, peaks = peak_frame(post.facts.platform, settings(store.conn).peak_hours, audience, post.facts.slot_tz, viewer_tz)
    return off_peak_words(post.facts.slot, tz, post.facts.platform, peaks, viewer_tz, clock24=clock24)


def off_peak_notes(store: Store, ops: Iterable[Op], now: dt.datetime, viewer_tz: str, clock24: bool) -> list[str]:
    """``off_peak_note`` of each post whose slot these operations set, for the ways a slot is set as a field (``set ID
    publish=…``, the app's ``:``), which took a slot off peak unsaid where ``post slot`` said it (review re): "publish:
    09:00 EST (15:00 CET for you) is outside …", the post named when several were set."""
    moved = list(dict.fromkeys(op.row_id for op in ops if op.entity == "task" and op.field == "publish"))
    posts = read_posts(store.conn, now, moved) if moved else []
    notes = []
    for post in posts:
        said = off_peak_note(store, post, viewer_tz, clock24)
        if said:
            notes.append(f"publish{'' if len(posts) == 1 else f' of {named_post(post.facts.title, post.id)}'}: {said}")
    return notes


def expired_words(post: PostView, now: dt.datetime) -> str:
    """What a move's line adds when it leaves the post expired (an approval withdrawn, its content changed, inside the
    approval lead time or past its slot): approved again it is not.  Its round standing, a new slot past the lead time
    brings it back to review (review ra); voided, it needs a submission too: "back to review" was false of it, a draft
    once moved."""
    back = "brings it back to review" if post.round.open else "and a submission let it out"
    why, new_slot = _expiry(post, now)
    return f": it is expired now, {why}: {new_slot} {back}"


def _expiry(post: PostView, now: dt.datetime) -> tuple[str, str]:
    """Why an unapproved post reads expired now, and the slot that lets it out: a missed post whose copy changed, its
    slot gone by during a crisis, read "inside the approval lead time" of a slot already past (review re)."""
    if post.facts.slot is not None and post.facts.slot <= now:
        return "its slot has passed", "a new slot"
    return "inside the approval lead time", "a new slot past it"


def voided_words(store: Store, post_id: str, since: str, now: dt.datetime, me: str | None = None) -> str:
    """What a content change's notice adds when it voided the post's round (the write made after ``since``, the post's
    ``newest_op`` before it): ": that voids the round and the approval of @kemi: it is a draft until it is submitted
    again" (``me``'s own approval said as theirs: "your approval"), else "".  "set the copy of …" alone left the post in draft unsaid, where it waits for its writer to submit
    it, no longer for its reviewers.  Inside the approval lead time the post reads expired, not draft, and a submission
    alone does not let it out: the void is said without that, and ``expired_words`` after it says what does."""
    written = {row[0] for row in store.conn.execute("SELECT op_id FROM ops WHERE row_id = ? AND op_id > ?", (post_id, since))}
    turn = voiding(store.conn, post_id, written)
    return voided_note(store.conn, [(post_id, turn)] if turn is not None else [], now, me)


def web_address(what: str, text: str) -> str:
    """``text`` if it is empty or an http(s) address with a host: a scheduler takes nothing else."""
    if text and not_a_web_address(text):
        raise UserError(f"{what}: {text!r} is not a web address (https://...)")
    return text


def _content(store: Store, post_id: str) -> tuple[str, str]:
    copy, link, media, first_comment = store.conn.execute(
        "SELECT copy, link, media, first_comment FROM task WHERE id = ?", (post_id,)
    ).fetchone()
    return copy or "", content_hash(copy or "", link or "", json.loads(media or "[]"), first_comment or "")


# ------------------------------------------------------------ the round


def submit(store: Store, member: str, post_id: str, now: dt.datetime) -> PostView:
    """Start a new approval round for the content as it is now."""
    post = view(store, post_id, now)
    if post.state == "idea":
        raise _refuse(post, "submit", "it is an idea: write its copy first (crewdeck post copy ID TEXT)")
    if post.state not in ("draft", "changes-requested", "expired", "in-review"):
        raise _refuse(post, "submit", f"it is {being(post.state)}")
    copy, digest = _content(store, post_id)
    if not copy.strip():
        raise _refuse(post, "submit", "it has no copy yet (crewdeck post copy ID TEXT)")
    over = limits.problems(post.facts.platform, copy)
    if over:
        raise _refuse(post, "submit", "; ".join(over))
    lead = settings(store.conn).approval_lead
    slot = post.facts.slot
    if slot is not None and now >= slot - lead:
        raise _refuse(post, "submit", f"its slot is within the approval lead time ({lead_text(lead)}): give it a new slot first")
    if post.state == "in-review" and post.round.open:
        raise _refuse(post, "submit", f"it is in review already ({post.round.describe(_handles(store))})")
    with store.write(member) as w:
        # The round keeps its campaign and platform: moved to another, the post needs a new round (``postround.moved``).
        submitted = {
            "id": new_id(),
            "hash": digest,
            "at": instant_text(now),
            "campaign": post.facts.campaign,
            "platform": post.facts.platform,
        }
        w.set("task", post_id, {"post_state": "in-review", "post_round": submitted})
    return view(store, post_id, now)


def untakable_words(store: Store, post: PostView) -> str:
    """What a submission, and an approval, warn of when a step of its round only the round's authors may take, or
    nobody left once its earlier steps are taken (one person, one step; ``postround.untakable``): "step 1 of 2 (copy),
    @mia, can be taken by nobody but an author of this round: a manager changes the approval chain (…)", the first
    such step not taken yet; "" when every step has a reviewer, or the round is approved or closed."""
    status = post.round
    blocked = [index for index in status.untakable if status.satisfied[index] is None]
    if not blocked or not status.open or status.rejection is not None:
        return ""
    index = blocked[0]
    step = status.steps[index]
    campaign = post.facts.campaign
    row = store.conn.execute("SELECT name FROM campaign WHERE id = ?", (campaign,)).fetchone() if campaign else None
    named = None if campaign is None else campaign_slug(campaign, row[0] if row else None)
    members = reviewers(store.conn)
    guests = guests_left_out(step, members, campaign)
    # The one guest the campaign would let take it is named, as the rules cannot: they know members by id only.
    left_out = [
        someone.id
        for someone in members.values()
        if guests
        and someone.access == "guest"
        and not someone.deleted
        and step.group in someone.groups
        and campaign not in someone.campaigns
    ]
    handles = _handles(store)
    guest = handles.get(left_out[0], "@HANDLE").removeprefix("@") if len(left_out) == 1 else "HANDLE"
    left = untakable_by(step, members, status.authors, campaign)
    said = f"step {index + 1} of {len(status.steps)} ({step.name}), {step.who(handles)}, can be taken by {left}"
    return f"{said}: {unblocking(step, named, guests, guest)}"


def lead_text(delta: dt.timedelta) -> str:
    """A lead time as the refusals and notices say it: "1 h", "90 min"."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 and minutes >= 60 else f"{minutes} min"


def verdict_record(
    store: Store, member: str, post_id: str, now: dt.datetime, verdict: str, note: str, shown: str | None = None
) -> dict[str, Any]:
    """The ``post_approval`` record of ``member``'s verdict on the post's round now (``PostRefused``: it is not in review,
    or its content is no longer the content hashed ``shown``, what the screen the verdict was given on showed).

    Whether they may give it is the rules' to say as it is written (``rules.verdict_refused``: who takes
    which step, in which order, once), with their rule: no copy of them here.  The step named is the first
    open one that is theirs, else one of theirs taken already, else the next open one (not theirs).
    """
    post = view(store, post_id, now)
    doing = "approve" if verdict == "approve" else "request changes on"
    if post.state != "in-review":
        raise _refuse(post, doing, _not_in_review(store, post))
    status = post.round
    me = reviewers(store.conn).get(member)
    theirs = [index for index, step in enumerate(status.steps) if may_take(step, me, post.facts.campaign)]
    step = next((index for index in theirs if status.satisfied[index] is None), theirs[0] if theirs else status.next_step)
    if step is None:
        raise _refuse(post, doing, status.describe(_handles(store)))
    _copy, digest = _content(store, post_id)
    if shown is not None and shown != digest:
        # Rewritten and submitted again before the screen caught up: the verdict would count for text never read.
        raise _refuse(post, doing, "its content changed since it was shown to you: read it again")
    assert status.round_id is not None
    return {
        "post": post_id,
        "round": status.round_id,
        "step": status.steps[step].name,
        "hash": digest,
        "verdict": verdict,
        "note": note,
        "approved_by": member,
        "approved_at": instant_text(now),
    }


def _one_line(name: str, entity: str, text: str) -> None:
    """Refuse a one-line text (a verdict's note, a crisis's reason) the rules refuse (``rules.one_line_problem``), naming
    it: the rules refuse the record it goes into whole, where the field is no longer known."""
    problem = one_line_problem(entity, name, text)
    if problem is not None:
        raise UserError(f"{name}: {problem}")


def _verdict(store: Store, member: str, post_id: str, now: dt.datetime, verdict: str, note: str, shown: str | None = None) -> PostView:
    _one_line("note", "post_approval", note)
    record = verdict_record(store, member, post_id, now, verdict, note, shown)
    with store.write(member) as w:
        w.append("post_approval", record)
    return view(store, post_id, now)


def approve(store: Store, member: str, post_id: str, now: dt.datetime, note: str = "", shown: str | None = None) -> PostView:
    """Approve the next open step of the post's round (the member must be named by it or in its group); ``shown``: the
    content hash of what the approver was shown, refused once the content is another."""
    return _verdict(store, member, post_id, now, "approve", note, shown)


def withdrawal_record(store: Store, member: str, post_id: str, now: dt.datetime, note: str = "") -> dict[str, Any]:
    """The ``post_approval`` record that takes back ``member``'s approval of a step of the post's current round
    (``PostRefused``: the post is published or pulled, or no approval of theirs counts in the round).  Whether they may is the
    rules' to say as it is written (``rules.verdict_refused``, rule ``not_withdrawable``)."""
    post = view(store, post_id, now)
    closed = withdrawal_closed(post.facts.stored)
    if closed is not None:
        raise _refuse(post, "withdraw your approval of", f"it {closed}")
    status = post.round
    step = status.step_approved_by(member) if status.open else None
    if step is None or status.round_id is None:
        raise _refuse(post, "withdraw your approval of", "no approval of yours counts in its current round")
    _copy, digest = _content(store, post_id)
    return {
        "post": post_id,
        "round": status.round_id,
        "step": status.steps[step].name,
        "hash": digest,
        "verdict": "withdraw",
        "note": note,
        "approved_by": member,
        "approved_at": instant_text(now),
    }


def withdraw(store: Store, member: str, post_id: str, now: dt.datetime, note: str = "") -> PostView:
    """Take back my approval of a step of the post's current round while it can still go out (not published, not pulled): new records, as every
    undo is; the step is open again (the post reads in review, a scheduled one too) until someone approves it."""
    _one_line("note", "post_approval", note)
    record = withdrawal_record(store, member, post_id, now, note)
    with store.write(member) as w:
        w.append("post_approval", record)
    return view(store, post_id, now)


def reject(store: Store, member: str, post_id: str, now: dt.datetime, note: str) -> PostView:
    """Request changes, with a note: the round is blocked until the author submits again."""
    if not note.strip():
        raise UserError("a request for changes needs a note saying what to change")
    return _verdict(store, member, post_id, now, "reject", note)


# ------------------------------------------------------------ going out


def schedule(store: Store, member: str, post_id: str, now: dt.datetime) -> PostView:
    """An approved post with a slot ahead is put in the scheduler."""
    post = view(store, post_id, now)
    if post.state != "approved":
        raise _refuse(post, "schedule", _not_approved(store, post))
    if post.facts.slot is None:
        raise _refuse(post, "schedule", "it has no publish slot")
    if post.facts.slot <= now:
        raise _refuse(post, "schedule", "its slot has passed: give it a new one")
    with store.write(member) as w:
        w.set("task", post_id, {"post_state": "scheduled"})
    return view(store, post_id, now)


def publishable(store: Store, post_id: str, now: dt.datetime) -> PostView:
    """The post, if it may be published now (approved or scheduled); else why not (``PostRefused``)."""
    post = view(store, post_id, now)
    if post.state not in ("approved", "scheduled"):
        raise _refuse(post, "publish", _not_approved(store, post))
    return post


def published_fields(store: Store, post_id: str, now: dt.datetime, url: str = "") -> dict[str, Any]:
    """What publishing writes on the post, if it may be published now (else ``PostRefused``, and nothing is written).

    Every way a post's task becomes done comes here (``publish``, and
    ``recurrence.done_fields`` for ``done``, ``set status=done`` and the app).
    """
    publishable(store, post_id, now)
    web_address("live URL", url)
    # The task is done: a post's state stands for its task's status (published is done, pulled cancelled).
    return {"post_state": "published", "published_at": instant_text(now), "live_url": url, "status": "done"}


def publish(store: Store, member: str, post_id: str, now: dt.datetime, url: str = "") -> PostView:
    """Mark an approved or scheduled post as published (crewdeck posts nothing itself)."""
    fields = published_fields(store, post_id, now, url)
    with store.write(member) as w:
        w.set("task", post_id, fields)
    return view(store, post_id, now)


def pulled_fields(store: Store, post_id: str, now: dt.datetime) -> dict[str, Any]:
    """What pulling writes on the post, if it may be pulled (not published or pulled already; else ``PostRefused``).

    Every way a post's task becomes cancelled comes here (``pull``, and
    ``recurrence.cancelled_fields`` for ``set status=cancelled`` and the app's ``:``):
    a post's state stands for its task's status, and a pulled post holds no slot.
    """
    post = view(store, post_id, now)
    if post.state in ("published", "pulled"):
        raise _refuse(post, "pull", f"it is {post.state}")
    return {"post_state": "pulled", "status": "cancelled"}


def pull(store: Store, member: str, post_id: str, now: dt.datetime) -> PostView:
    fields = pulled_fields(store, post_id, now)
    with store.write(member) as w:
        w.set("task", post_id, fields)
    return view(store, post_id, now)


#: The states of a post whose round is approved: a crisis's hold (paused, missed) leaves it approved, as a resume finds it.
APPROVED = (*PUBLISHABLE, "paused", "missed")


def move_slot(store: Store, member: str, post_id: str, now: dt.datetime, slot: dict[str, str], typed: str = "") -> PostView:
    """A new publish slot (approvals stay: the content is the same), if ``check_slot`` lets the post take it, and the
    draft's due date with it when the slot goes before it (``draft_due_for_slot``).  ``typed``: what the words
    given stood for ("sat is today 11:00 CET"), said after a refusal of the slot."""
    check_slot(store, view(store, post_id, now), now, slot, typed)
    due = draft_due_for_slot(store, post_id, slot, now)
    with store.write(member) as w:
        w.set("task", post_id, {"publish": slot, **({"due": due} if due else {})})
    return view(store, post_id, now)


def draft_due_for_slot(store: Store, post_id: str, slot: dict[str, str], now: dt.datetime) -> dict[str, str] | None:
    """The post's new due date for ``slot`` (``None``: it keeps its own): when a post still being drafted (not approved)
    has a due date after the new slot, the publish lead before the slot, in its writer's working hours, as ``post add``
    sets it (``quickadd``).  A slot moved earlier than the due date left "due tmrw" on a post that went out today, in the
    task list, its urgency and the calendar export.  A due date before the slot is someone's plan, kept wherever the
    slot goes (nothing records whether ``post add`` derived it, and a teammate may have typed it); an approved post's
    draft is done, so its due date is history, not a deadline to move.  One the lead puts in the past is said late, as
    it is: the draft is behind its lead."""
    from crewdeck.tui.tasks.deadlines import draft_due
    from crewdeck.tui.workspace.workspace import Workspace

    post = read_post(store.conn, post_id, now)  # approved as everyone reads it (its round), not as stored
    row = store.conn.execute("SELECT due_utc, due_tz, assignee, created_by FROM task WHERE id = ?", (post_id,)).fetchone()
    if post is None or post.state in APPROVED or row is None or row[0] is None:
        return None
    at = _slot_instant(slot)
    if parse_utc(row[0]) <= at:
        return None
    writer = Workspace(store).member(row[2] or row[3] or "")
    new = draft_due(at, writer, shared_publish(store.conn).lead_hours)
    return {"utc": instant_text(new), "tz": writer.tz if writer else row[1]}


def moved_due_words(due: str, viewer_tz: str, now: dt.datetime, clock24: bool) -> str:
    """The draft's due date a move of the slot took along (``draft_due_for_slot``), as `post slot` and the app's notice
    say it: "Wed 12-09 17:00 -03"; one the lead put in the past says so, "(already overdue by 22h)", as `add` does of
    a due date passed: the date alone read as a deadline still ahead."""
    from crewdeck.tui.tasks.quickadd import overdue_words
    from crewdeck.tui.time.when import format_local

    said = format_local(parse_utc(due), viewer_tz, now, clock24=clock24)
    late = overdue_words({"due": {"utc": due}}, now)
    return f"{said} ({late})" if late else said


def check_slot(store: Store, post: PostView, now: dt.datetime, slot: dict[str, str] | None, typed: str = "") -> None:
    """Refuse (``PostRefused``) to give the post ``slot`` (``None``: no slot) now: a closed post keeps its slot, a
    slot that has passed takes no post, and one within the approval lead time only an approved post.  A
    missed post takes a slot only as a resume gives it one (``check_resume``): moved, a crisis would still hold it.

    A move of the slot asks here, and so do an undo and a redo that set a post's slot back (``Edits``): a slot
    that was fine when it was left may be too soon or past by the time ``u`` returns to it; and ``set
    publish=WHEN`` on a post, from the CLI or the app's ``:`` (``check_task_slot``).  ``typed``: what the words
    given stood for, said with a refusal of the slot, as a new post's says it (``check_new_post``): "sat" on a
    Saturday evening is today's peak hour, gone by, which "has passed already" alone does not tell.
    """
    kept = slot_kept(post)
    if kept is not None:
        raise _refuse(post, "move", kept)
    why = None if slot is None else slot_refused(store, post.state, now, slot)
    if why is not None:
        raise _refuse(post, "move", why + (f" ({typed})" if typed else ""))


#: Why no post takes a slot gone by.
PASSED = "the slot it would take has passed already"


def slot_refused(store: Store, state: str | None, now: dt.datetime, slot: dict[str, str]) -> str | None:
    """Why a post in ``state`` (``None``: a new post) takes no ``slot`` now (``None``: it may): a slot that has passed
    takes no post, and one within the approval lead time only an approved one, which a new post never is.  A move asks
    (``check_slot``), a new post (``check_new_post``), and so does a Trello card's due date (``foreign._slot_refused``):
    its note reads the same when the next import finds the post here."""
    lead = settings(store.conn).approval_lead
    if _slot_instant(slot) <= now:
        return PASSED
    if _within(slot, now, lead) and state not in APPROVED:
        if state is None:
            return f"a new post needs its slot more than the approval lead time ({lead_text(lead)}) away, for a review"
        return f"a slot within the approval lead time ({lead_text(lead)}) needs an approved post; it is {being(state)}"
    return None


def _within(slot: dict[str, str], now: dt.datetime, lead: dt.timedelta) -> bool:
    """Whether ``slot`` (ahead) is within the approval lead time ``lead`` of ``now``."""
    return now >= _slot_instant(slot) - lead


def check_new_post(store: Store, values: dict[str, Any], now: dt.datetime, typed: str) -> None:
    """Refuse (``PostRefused``) to make a post of ``values`` (a new task's fields) now on a slot no move could give
    it (``slot_refused``): a new post is never approved, so one inside the lead time would read expired at once.
    ``typed``: where the slot was given (``publish:fri``), for the line that says so.  A plain task's slot is its own.

    ``quickadd.resolve`` asks here, so ``post add``, ``add ... post:`` and the app's quick-add (and its preview) refuse alike."""
    slot = values.get("publish")
    if values.get("post_state") is None or slot is None:
        return
    why = slot_refused(store, None, now, slot)
    if why is not None:
        raise PostRefused(f"cannot add {named_post(values.get('title'), '')}: {why} ({typed})", why)


def slot_kept(post: PostView) -> str | None:
    """Why no move gives the post another slot, whichever (``None``: ``check_slot`` judges the slot): a closed post
    keeps its own, and a missed one takes one only from its resume.  The app withholds its slot keys on such a post."""
    if post.state in CLOSED:
        return f"it is {post.state}"
    if post.state == "missed":
        # The app's ``n`` and the CLI's resume --slot both give one: the hint names neither.
        return f"it is {_held(post)}: resume it with a new slot"
    return None


def check_task_slot(store: Store, task_id: str, now: dt.datetime, slot: dict[str, str] | None, closing: str | None = None) -> None:
    """``check_slot`` on ``task_id`` when it is a post; a plain task's publish slot is its own to set.

    ``closing``: the state (published, pulled) the same change closes the post in, whose slot it then keeps.
    """
    post = read_post(store.conn, task_id, now)
    if post is None:
        return
    if closing is not None:
        raise _refuse(post, "move", f"it would be {closing} by the same change")
    check_slot(store, post, now, slot)


def _slot_instant(slot: dict[str, str]) -> dt.datetime:
    return dt.datetime.fromisoformat(slot["utc"][:-1]).replace(tzinfo=dt.UTC)


#: How a missed post resumed with no slot is told to get one, on the command line (the app names its own key).
NEW_SLOT_HINT = "give it a new slot (--slot WHEN)"


def audience_zone(store: Store, post_id: str, fallback: str) -> str:
    """The zone a post's new slot is typed in: its campaign's audience's (``fallback`` when it has none)."""
    row = store.conn.execute("SELECT c.audience_tz FROM task t JOIN campaign c ON c.id = t.campaign WHERE t.id = ?", (post_id,)).fetchone()
    return row[0] if row and row[0] else fallback


def typed_slot(store: Store, post_id: str, words: list[str], now: dt.datetime, fallback_tz: str) -> dict[str, str]:
    """A new slot for the post as typed, wherever it is typed (``post slot``, the app's dialogs): read in its audience's
    zone (``audience_zone``), a day alone at its platform's first peak hour still ahead, as quick-add's ``publish:``."""
    row = store.conn.execute("SELECT platform FROM task WHERE id = ?", (post_id,)).fetchone()
    try:
        moment = publish_slot(words, audience_zone(store, post_id, fallback_tz), row[0] if row else None, shared_publish(store.conn), now)
        return moment.value()
    except (DateError, ValueError) as exc:
        raise UserError(f"slot: {exc}") from None


def said_slot(store: Store, post_id: str, words: list[str], now: dt.datetime, viewer_tz: str, clock24: bool) -> tuple[dict[str, str], str]:
    """``typed_slot``, and what the words stood for on the viewer's clock ("sat is today 11:00 CET"): a refusal of
    the slot says it (``check_slot``, ``check_resume``), as a new post's says it (``check_new_post``)."""
    from crewdeck.tui.time.when import format_local

    slot = typed_slot(store, post_id, words, now, viewer_tz)
    meant = format_local(_slot_instant(slot), slot["tz"], now, clock24=clock24, reader_tz=viewer_tz)
    return slot, f"{' '.join(words)} is {meant}"


def check_resume(
    post: PostView, now: dt.datetime, slot: dict[str, str] | None, new_slot_hint: str = NEW_SLOT_HINT, typed: str = ""
) -> None:
    """Refuse (``PostRefused``) to release the post now, onto ``slot`` (``None``: the one it has): only a paused or
    missed post, never onto a slot that has passed; a missed one with no slot is told ``new_slot_hint``.  ``typed``:
    what the words given for the slot stood for, said when it has passed (as ``check_slot`` says it).

    ``resume`` asks here, and so does a redo of a resume (``Edits``): a slot ahead when the post was resumed may
    have passed by the time ``ctrl+r`` releases it again.
    """
    if post.state not in ("paused", "missed"):
        raise _refuse(post, "resume", f"it is {being(post.state)}, not paused")
    if slot is not None:
        if _slot_instant(slot) <= now:
            raise _refuse(post, "resume", "the new slot has passed already" + (f" ({typed})" if typed else ""))
    elif post.state == "missed":
        raise _refuse(post, "resume", f"its slot passed during the crisis: {new_slot_hint}")


def resume(
    store: Store,
    member: str,
    post_id: str,
    now: dt.datetime,
    slot: dict[str, str] | None = None,
    new_slot_hint: str = NEW_SLOT_HINT,
    *,
    ended_only: bool = False,
    typed: str = "",
) -> PostView:
    """Release a paused or missed post from the crises holding it; a missed one needs a new slot ahead (``check_resume``,
    which says ``typed``, what the words given for the slot stood for, with a slot gone by).

    ``ended_only``: from the crises that have ended, as the posts a crisis held when it ended are resumed (the app's
    list of them): one that another crisis, still open, holds too is refused, rather than let out in its middle.
    """
    post = view(store, post_id, now)
    check_resume(post, now, slot, new_slot_hint, typed)
    still_open = [c for c in post.held_by if c.open]
    if ended_only and still_open:
        named = ", ".join(f"“{c.reason}” ({c.id[:8]})" for c in still_open)
        raise _refuse(post, "resume", f"{named}, still open, holds it too: it is released when that crisis ends")
    values: dict[str, Any] = {"resumed_from": sorted({*_resumed(store, post_id), *(c.id for c in post.held_by)})}
    if slot is not None:
        values["publish"] = slot
        due = draft_due_for_slot(store, post_id, slot, now)
        if due:
            values["due"] = due
    with store.write(member) as w:
        w.set("task", post_id, values)
    return view(store, post_id, now)


def _resumed(store: Store, post_id: str) -> list[str]:
    row = store.conn.execute("SELECT resumed_from FROM task WHERE id = ?", (post_id,)).fetchone()
    return list(json.loads(row[0] or "[]")) if row else []


# ------------------------------------------------------------ crises


def checklist_task_id(crisis_id: str, index: int) -> str:
    """Checklist tasks' ids come from the crisis's: two replicas never make two lists."""
    return derived_id("crisis-checklist", crisis_id, str(index))


def check_crisis_reason(reason: str) -> None:
    """Refuse a crisis's reason ``start_crisis`` would refuse: the app asks it before it asks what the crisis stops."""
    if not reason.strip():
        raise UserError("a crisis needs a reason")
    _one_line("reason", "crisis", reason)


def start_crisis(
    store: Store, member: str, now: dt.datetime, reason: str, campaigns: Iterable[str] = (), platforms: Iterable[str] = ()
) -> str:
    """Start a crisis (managers only, by the rules) and its checklist's tasks; the crisis's id.

    Nothing is written to the posts: they read ``paused`` because the crisis exists.
    """
    check_crisis_reason(reason)
    platforms = list(platforms)
    # The rules' judgement (``unknown_platform``), said with the platforms there are: a typo would start a crisis that
    # holds nothing back.
    from crewdeck.sync.state.filerules import FileRuleState  # read on starting a crisis, not for the app's first paint

    in_use = FileRuleState(store.conn).platforms_in_use()
    unknown = unknown_platforms(platforms, in_use)
    if unknown:
        known = sorted({*limits.LIMITS, *in_use}, key=str.lower)
        raise UserError(f"no campaign or post here uses platform {unknown[0]!r} (platforms: {', '.join(known)})")
    crisis_id = new_id()
    started = instant_text(now)
    items = settings(store.conn).crisis_checklist
    with store.write(member) as w:
        w.append(
            "crisis",
            {
                "reason": reason,
                "campaigns": sorted(set(campaigns)),
                "platforms": sorted(set(platforms)),
                "started_by": member,
                "started_at": started,
            },
            row_id=crisis_id,
        )
        for index, item in enumerate(items):
            assignee, tz = _checklist_assignee(store, item["group"], member)
            due = now + dt.timedelta(minutes=int(item["due_minutes"]))
            w.create(
                "task",
                {
                    "title": f"Crisis: {item['title']}",
                    "status": "todo",
                    "priority": "high",
                    "assignee": assignee,
                    "due": {"utc": instant_text(due), "tz": tz},
                    "tags": ["crisis"],
                    "notes": f"Crisis {crisis_id[:8]}: {reason}",
                    "created_by": member,
                    "created_at": started,
                },
                row_id=checklist_task_id(crisis_id, index),
            )
    return crisis_id


def _checklist_assignee(store: Store, group: str, starter: str) -> tuple[str, str]:
    """The member of the group with the fewest open tasks (ties: the handle first), else the starter; and their zone."""
    rows = store.conn.execute(
        "SELECT m.id, m.tz, (SELECT count(*) FROM task t WHERE t.assignee = m.id AND t.deleted = 0 "
        "AND t.status IN ('inbox', 'todo', 'doing', 'review')) AS open_tasks "
        "FROM member m, json_each(m.groups) g WHERE m.deleted = 0 AND m.access != 'guest' AND g.value = ? ORDER BY open_tasks, m.handle LIMIT 1",
        (group,),
    ).fetchone()
    if rows is not None:
        return rows[0], rows[1] or "UTC"
    tz = store.conn.execute("SELECT tz FROM member WHERE id = ?", (starter,)).fetchone()
    return starter, (tz[0] if tz and tz[0] else "UTC")


@dataclass(frozen=True)
class CrisisEnded:
    crisis: Crisis
    #: Posts resumed now (``--resume all``).
    resumed: list[PostView]
    #: Posts the crisis still holds: paused ones to resume, missed ones to give a new slot, or to pull.
    held: list[PostView]
    #: Posts ``--resume all`` released from this crisis that another crisis, still open, holds: they stay paused.
    held_elsewhere: list[PostView]


def end_crisis(store: Store, member: str, now: dt.datetime, crisis_id: str | None = None, resume: str = "ask") -> CrisisEnded:
    """End a crisis (the only open one when no id is given); ``resume``: all, none or ask.

    ``all`` resumes the paused posts whose slot is still ahead; a missed
    post always needs a new slot.  ``none`` and ``ask`` resume nothing
    (``ask``: the caller lists the held posts for a decision, one by one).
    """
    crisis = _open_crisis(store, crisis_id)
    held_before = [p for p in read_posts(store.conn, now) if any(c.id == crisis.id for c in p.held_by) and p.state in ("paused", "missed")]
    resumed = [p for p in held_before if resume == "all" and p.state == "paused"]
    # Ending one crisis releases nothing from another still open: a post both hold stays paused by that one.
    still_open = {c.id for c in open_crises(store.conn)} - {crisis.id}
    with store.write(member) as w:
        w.append(
            "crisis_end",
            {"crisis": crisis.id, "resume": resume, "ended_by": member, "ended_at": instant_text(now)},
            row_id=crisis_end_id(crisis.id),
        )
        for post in resumed:
            released = {c.id for c in post.held_by if c.id not in still_open}
            w.set("task", post.id, {"resumed_from": sorted({*_resumed(store, post.id), *released})})
    ids = [p.id for p in held_before]
    after = {p.id: p for p in read_posts(store.conn, now, ids)} if ids else {}
    ended = next(c for c in _all_crises(store) if c.id == crisis.id)
    resumed_ids = {p.id for p in resumed}
    still_held = {p.id for p in after.values() if p.state in ("paused", "missed")}
    return CrisisEnded(
        ended,
        [after[p.id] for p in resumed if p.id in after and p.id not in still_held],
        [p for p in after.values() if p.id in still_held - resumed_ids],
        [p for p in after.values() if p.id in still_held & resumed_ids],
    )


def _all_crises(store: Store) -> list[Crisis]:
    return crises(store.conn)


def _open_crisis(store: Store, crisis_id: str | None) -> Crisis:
    current = open_crises(store.conn)
    if crisis_id is None:
        if not current:
            raise UserError("no crisis is open")
        if len(current) > 1:
            named = ", ".join(f"{c.id[:8]} {quoted(c.reason)}" for c in current)
            raise UserError(f"{len(current)} crises are open: name one ({named})")
        return current[0]
    matches = [c for c in _all_crises(store) if c.id.startswith(crisis_id.lower())]
    if not matches:
        raise UserError(f"no crisis {crisis_id}")
    if len(matches) > 1:
        raise UserError(f"{crisis_id} names {len(matches)} crises: give more of the id")
    if not matches[0].open:
        raise UserError(f"crisis {matches[0].id[:8]} has ended already")
    return matches[0]


def legal_moves(post: PostView) -> tuple[str, ...]:
    return MOVES[post.state]
