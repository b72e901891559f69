"""The moves of a post the app offers a member: those its state allows (``states.MOVES``) that would be written.

Whether the rules accept a move is asked of the rules' own functions
(``task_change_refused``, ``resume_refused``, ``verdict_refused``: the ones the
judge decides with), never of a copy of a rule, so that no key is offered
only to be refused, after its dialog or not, and none is hidden that the
judge would accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.rules import (
    MemberFacts,
    Refusal,
    acting_verdict_refused,
    resume_refused,
    task_change_refused,
    verdict_refused,
)
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.reading import PostView, read_post
from crewdeck.tui.posts.states import VERDICTS, being

#: Every move of a post.
ALL_MOVES = ("copy", "submit", "approve", "reject", "withdraw", "schedule", "publish", "slot", "resume", "pull")


@dataclass(frozen=True)
class PostMoves:
    """A post as read now, and why each of its moves would be refused to the member asking (``None``: it is offered)."""

    post: PostView
    refusals: Mapping[str, str | None]

    @property
    def offered(self) -> tuple[str, ...]:
        """The moves offered, in the order of the post's state (``states.MOVES``)."""
        return tuple(move for move in writing.legal_moves(self.post) if self.refusals[move] is None)


def post_moves(store: Store, me: MemberFacts, post: PostView, now: dt.datetime) -> PostMoves:
    """``post`` with the moves ``me`` may make now."""
    return PostMoves(post, {move: move_refusal(store, me, post, now, move) for move in ALL_MOVES})


def move_refusal(store: Store, me: MemberFacts, post: PostView, now: dt.datetime, move: str) -> str | None:
    """Why ``me`` may not make ``move`` on ``post`` now, in one line, or ``None``."""
    name = named_post(post.facts.title, post.id)
    if not writing.legal_moves(post):
        return f"{name} is {being(post.state)}: no moves left"
    if move not in writing.legal_moves(post):
        return f"cannot {move} {name}: it is {being(post.state)}"
    if move in VERDICTS:
        return verdict_refusal(store, me, post.id, now, move)
    refusal = task_change_refused(me) or (resume_refusal(me, post) if move == "resume" else None)
    return None if refusal is None else f"cannot {move} {name}: {refusal}"


def verdict_refusal(store: Store, me: MemberFacts, post_id: str, now: dt.datetime, verdict: str) -> str | None:
    """Why ``me`` may not approve (``verdict`` "approve"), request changes on ("reject") the post's round now, or
    withdraw their approval of it ("withdraw"): the round takes no step from them (holds no approval of theirs), or the
    rules refuse the record the move would write; ``None`` when they may."""
    try:
        if verdict == "withdraw":
            record = writing.withdrawal_record(store, me.id, post_id, now)
        else:
            record = writing.verdict_record(store, me.id, post_id, now, verdict, "")
    except writing.PostRefused as refused:
        return str(refused)
    state = FileRuleState(store.conn)
    review = state.post_review(post_id)
    refusal = verdict_refused(me, record, review, state.reviewer(me.id))
    actor = store.actor if store.actor != me.id else None  # a manager acting as ``me`` (``--as``): the judge asks them too
    if refusal is None and actor is not None and review is not None:
        refusal = acting_verdict_refused(actor, state.member(actor), me, record, review)
    return None if refusal is None else str(refusal)


def verdict_refusals(
    store: Store, me: MemberFacts, post_id: str, now: dt.datetime, verdicts: Iterable[str]
) -> dict[str, str | None] | None:
    """Why ``me`` may not give each of ``verdicts`` on the post now (``verdict_refusal``); None when it is no longer a post
    (deleted, or made a plain task, since it was listed).  Asked as the cursor lands on it, the read of one deleted
    meanwhile was an error in the CLI's words ("00000000 is not a post (a task becomes one with: crewdeck post add …)"),
    where the list read again says what happened ("@raj deleted …")."""
    if read_post(store.conn, post_id, now) is None:
        return None
    return {verdict: verdict_refusal(store, me, post_id, now, verdict) for verdict in verdicts}


def resume_refusal(me: MemberFacts, post: PostView) -> Refusal | None:
    """Why the rules refuse ``me`` to release ``post`` from the crises holding it (from an open one: only a manager may)."""
    held = {crisis.id: crisis.open for crisis in post.held_by}
    return resume_refused(me, list(held), post.facts.resumed_from, lambda crisis: held.get(crisis, False))
