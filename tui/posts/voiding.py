"""Which content changes voided a post's round, and whose approvals each took: the one place that decides it.

A change of the content (``CONTENT_FIELDS``) after a submission voids the round, and so does a move to another campaign
or platform: the post reads draft until it is submitted again, and the approvals given on the submitted version count
no more.  A change back to the submitted version, or where it was submitted for, brings the round back.  It happens
only while the round decides the post's state (``states.round_decides``): a published or pulled post keeps its
approvals.  The notice of another member's change (the app's line, ``crewdeck sync``'s), the writer's own notice, the
history of ``crewdeck show``, ``crewdeck log`` and the app's detail say it from here, from the log alone, so that it is
said where, and only where, it happened (a value saved again unchanged changes nothing); ``post show``'s history, which
lists the content's changes and not the moves, says it of those.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from crewdeck.sync.state.oplog import APPEND, Op
from crewdeck.sync.state.postchanges import stored_rows
from crewdeck.sync.state.postround import (
    CONTENT_FIELDS,
    Reviewer,
    RoundStatus,
    Step,
    Verdict,
    content_hash_of,
    evaluate,
    moved,
    post_changes_of,
    round_authors,
)
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.reading import chains, read_post, reviewers, verdicts
from crewdeck.tui.posts.states import round_decides
from crewdeck.tui.workspace.describe import stored_value
from crewdeck.tui.workspace.workspace import shown_handles_in

#: The fields whose change voids a round: its content, and where it goes out (its campaign's chain, its platform's limits).
ROUND_FIELDS = (*CONTENT_FIELDS, "campaign", "platform")
#: The fields a write that turns a round (voids it, brings it back) has one of: those, and the stored state (a pull undone
#: after a move has the round decide again, void).
TURNING_FIELDS = (*ROUND_FIELDS, "post_state")


@dataclass(frozen=True)
class RoundTurn:
    """What one content operation did to the post's round."""

    op_id: str
    #: The round's id (``task.post_round``'s).
    round_id: str
    #: ``True``: it voided the open round; ``False``: it brought the submitted version back, and the round goes on.
    voided: bool
    #: Of a void: the members whose approvals counted in the round just before it, in the chain's order.
    approvers: tuple[str, ...] = ()
    #: Of a void: the members who approved the round stamped after it, before the round turned again or was submitted
    #: again, as the rules would have counted it: given on the version before the change, where the change had not arrived yet (offline), whichever came
    #: first in real time (clocks differ): it counts for nothing, unsaid else.
    late: tuple[str, ...] = ()
    #: Those approvals' stamps (``post_approval``'s ``op_id``): what the history says of one.
    late_approvals: frozenset[str] = frozenset()
    #: Of a void: the stamps of the approvals that counted just before it (``approvers``'s).
    approvals: frozenset[str] = frozenset()


def round_turns(conn: sqlite3.Connection, post_id: str) -> dict[str, RoundTurn]:
    """Each operation of the post that voided its round (a change of its content, a move to another campaign or platform
    than the round was submitted for) or brought it back, by its stamp.  Only while the round decides the post's state
    (``states.round_decides``): a published or pulled post moved to another campaign stays what it is, with its
    approvals, and nothing was voided."""
    fields = ", ".join(f"'{name}'" for name in ("post_round", "post_state", *ROUND_FIELDS))
    ops = conn.execute(
        f"SELECT op_id, seq, field, value FROM ops WHERE row_id = ? AND field IN ({fields}) ORDER BY op_id", (post_id,)
    ).fetchall()
    turns: dict[str, RoundTurn] = {}
    judged = _Judged(conn, post_id)
    held: dict[str, Any] = {}
    #: Where the post is: its campaign and platform.
    where: dict[str, Any] = {"campaign": None, "platform": None}
    #: Its stored state (``task.post_state``).
    stored: Any = None
    #: The submissions so far, ``(op_id, round)``, and the round now (``None``: none, or one taken back by an undo).
    rounds: list[tuple[str, dict[str, Any]]] = []
    submitted: dict[str, Any] | None = None

    def matches() -> bool:
        """The content and the place are the round's: submitted so."""
        return (
            submitted is not None
            and content_hash_of(held) == submitted["hash"]
            and not moved(submitted, where["campaign"], where["platform"])
        )

    def deciding() -> bool:
        return isinstance(stored, str) and round_decides(stored)

    def counts() -> bool:
        return deciding() and matches()

    round_open = False
    matching = False
    #: A void made while the round decided nothing (a pulled post moved): said by the write that has it decide again
    #: (the pull undone), which leaves the post a draft and its approvals counting for nothing.
    latent: RoundTurn | None = None
    #: How each void (a latent one by its change too) judged the round: the approvals it took, and those given after it.
    judging: dict[str, _Counted] = {}
    for op_id, seq, field, value in ops:
        decoded = stored_value(value)
        if field == "post_round":
            valid = isinstance(decoded, dict) and isinstance(decoded.get("hash"), str) and isinstance(decoded.get("id"), str)
            submitted = decoded if valid else None
            if submitted is not None:
                rounds.append((op_id, submitted))
            round_open, matching, latent = counts(), matches(), None
            continue
        if field == "post_state":
            stored = decoded
            now_open = counts()
            if latent is not None and deciding() and not round_open and not now_open:
                turns[op_id] = replace(latent, op_id=op_id)
                judging[op_id] = judging[latent.op_id]
            if deciding():
                latent = None
            round_open = now_open
            continue
        kept = held if field in CONTENT_FIELDS else where
        before = dict(where)
        old, kept[field] = kept.get(field), decoded
        if kept[field] == old:
            continue  # saved again unchanged: no change
        now_open, now_matching = counts(), matches()
        if submitted is not None and round_open != now_open:
            if round_open:
                judging[op_id] = _Counted(judged, op_id, seq, submitted, before)
                turns[op_id] = _void(op_id, submitted["id"], judging[op_id])
            else:
                turns[op_id] = RoundTurn(op_id, submitted["id"], False)
        elif submitted is not None and not deciding() and matching != now_matching:
            latent = None
            if matching:
                judging[op_id] = _Counted(judged, op_id, seq, submitted, before)
                latent = _void(op_id, submitted["id"], judging[op_id])
        round_open, matching = now_open, now_matching
    return _with_late(turns, judged, judging, rounds)


def _void(op_id: str, round_id: str, counted: _Counted) -> RoundTurn:
    approvals = counted.approvals
    return RoundTurn(op_id, round_id, True, tuple(v.by for v in approvals), approvals=frozenset(v.op_id for v in approvals))


def _with_late(
    turns: dict[str, RoundTurn],
    judged: _Judged,
    judging: Mapping[str, _Counted],
    rounds: list[tuple[str, dict[str, Any]]],
) -> dict[str, RoundTurn]:
    """``turns`` with each void's ``late`` approvers: those who approved its round after it and before that round turned
    again or was submitted again (after it, they approved the version they saw again), that the rules would have counted
    on the version before it (``judging``), as those it took were judged.  Another round's submission
    bounds nothing: an approval names its round, and one given offline after a change and a new submission, neither
    held where it was given, is of the version before the change."""
    voids = [turn for turn in turns.values() if turn.voided]
    if not voids:
        return turns
    # Found by halving, a round's approvals apart: a post changed 2,000 times has 1,000 voids to look at.
    bounds: dict[str, list[str]] = {}
    for op_id, turn in turns.items():
        bounds.setdefault(turn.round_id, []).append(op_id)
    for op_id, submitted in rounds:
        bounds.setdefault(submitted["id"], []).append(op_id)
    for listed in bounds.values():
        listed.sort()
    approvals: dict[str, list[Verdict]] = {}
    for verdict in sorted(judged.verdicts, key=lambda v: v.op_id):
        if verdict.verdict == "approve":
            approvals.setdefault(verdict.round, []).append(verdict)
    for turn in voids:
        of_round = bounds[turn.round_id]
        after = bisect_right(of_round, turn.op_id)
        until = of_round[after] if after < len(of_round) else None
        counted = judging[turn.op_id]
        late = [
            v
            for v in approvals.get(turn.round_id, ())
            if turn.op_id < v.op_id and (until is None or v.op_id < until) and counted.would_count(v)
        ]
        turns[turn.op_id] = replace(turn, late=tuple(dict.fromkeys(v.by for v in late)), late_approvals=frozenset(v.op_id for v in late))
    return turns


def change_voids(store: Store, member: str, changes: Iterable[tuple[str, str, Mapping[str, Any]]], now: dt.datetime) -> str:
    """The question to ask before ``changes`` (``(entity, row id, values)``: the ``:`` editor's ``campaign=``, an undo's
    or a redo's) are written, when one of them would void a post's round that holds approvals, as a change of its copy
    in the app asks it (``writing.content_change_voids``): "“Launch reel” is approved: a change of its campaign voids the
    round and the approval of @mia: …"; "" when none would."""
    # The posts' writes read this module: imported when a change is judged.
    from crewdeck.tui.posts.writing import content_change_voids

    for entity, row_id, values in changes:
        changed = [name for name in ROUND_FIELDS if name in values]
        held = store.record("task", row_id) if entity == "task" and changed else None
        submitted = held.get("post_round") if held is not None else None
        if held is None or not isinstance(submitted, dict):
            continue
        after = {**held, **values}
        if content_hash_of(after) == submitted["hash"] and not moved(submitted, after["campaign"], after["platform"]):
            continue  # back to the version and the place submitted, or nothing of them changed
        post = read_post(store.conn, row_id, now)
        named = [name.replace("_", " ") for name in changed if held.get(name) != values[name]]
        said = content_change_voids(store, post, member, " and ".join(named), now) if post is not None and named else ""
        if said:
            return said
    return ""


def voiding(conn: sqlite3.Connection, post_id: str, op_ids: set[str]) -> RoundTurn | None:
    """The void among these operations (one write's), if one of them voided the post's round."""
    return void_among(round_turns(conn, post_id), op_ids)


class RoundVoids:
    """The void that had left a post's round over by a stamp (``__call__``), each post's ``round_turns`` read once: a
    replica's log names one for each approval the server refused as stale, thousands of a post changed thousands of
    times (a read each took ``crewdeck log`` two minutes)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        #: By post, then by round: its turns and their stamps, in the stamps' order.
        self._rounds: dict[str, dict[str, tuple[list[str], list[RoundTurn]]]] = {}

    def __call__(self, post_id: str, round_id: str, before: str) -> RoundTurn | None:
        """The void that had left the post's round ``round_id`` over by the stamp ``before``: its last turn stamped
        before it, when that is a void (a round a change back brought back stands).  What an approval of that round
        that the server refused as stale (rule ``stale_round``) came too late for, ``before`` its refusal: a turn after
        it (the round brought back, then voided by another change) is not what it was refused for."""
        rounds = self._rounds.get(post_id)
        if rounds is None:
            rounds = self._rounds[post_id] = {}
            for op_id, turn in sorted(round_turns(self._conn, post_id).items()):
                stamps, turns = rounds.setdefault(turn.round_id, ([], []))
                stamps.append(op_id)
                turns.append(turn)
        stamps, turns = rounds.get(round_id, ([], []))
        at = bisect_left(stamps, before)
        last = turns[at - 1] if at else None
        return last if last is not None and last.voided else None


def void_among(turns: Mapping[str, RoundTurn], op_ids: Iterable[str]) -> RoundTurn | None:
    """The void among these operations in a post's ``round_turns`` (read once for all of a notice's changes)."""
    return next((turns[op_id] for op_id in sorted(op_ids) if op_id in turns and turns[op_id].voided), None)


def words(turn: RoundTurn, names: Mapping[str, str], me: str | None = None, *, waits: bool = False, of: str = "") -> str:
    """ "voids the round and the approval of @mia" (``names``: member id -> "@mia"); the reader ``me``'s own approval
    is said as theirs ("voids the round and your approval"); ``waits``: a notice's, while the post waits for it, with
    ``WAITS`` after it; ``of``: the post named, where a line tells of several ("voids the round of “Reel” and …").  A
    change back: "the version submitted again: the round goes on"."""
    if not turn.voided:
        return "the version submitted again: the round goes on"
    return _taken(turn, names, me, of) + (f": {WAITS}" if waits else "")


def write_voids(conn: sqlite3.Connection, ops: Iterable[Op]) -> list[tuple[str, RoundTurn]]:
    """Each post whose round one write (its ``ops``: a change, an undo's, a redo's) voided, with the void, by the
    posts' ids."""
    ops = list(ops)
    written = {op.op_id for op in ops}
    turned = {op.row_id for op in ops if op.entity == "task" and op.field in TURNING_FIELDS}
    if not turned:
        return []
    # Only posts have rounds: an undo of an import that put 50,000 tasks in a campaign reads no task's log for it.
    turned &= {row[0] for row in conn.execute("SELECT id FROM task WHERE post_state IS NOT NULL")}
    return [(post_id, turn) for post_id in sorted(turned) if (turn := voiding(conn, post_id, written)) is not None]


def voided_note(conn: sqlite3.Connection, voids: Iterable[tuple[str, RoundTurn]], now: dt.datetime, me: str | None = None) -> str:
    """What a write's notice adds when it voided posts' rounds (``write_voids``'s), the one wording of the app's
    notices (a change of the copy, the ``:`` editor's, an undo's, a redo's): ": that voids the round and the approval of
    @mia: it is a draft until it is submitted again", each post named where there are several; "" for none.  Inside the
    approval lead time the post reads expired, not draft, and a submission alone does not let it out: said without
    ``WAITS`` (``writing.expired_words`` says what does)."""
    voids = list(voids)
    if not voids:
        return ""
    names = shown_handles_in(conn)
    said = []
    for post_id, turn in voids:
        post = read_post(conn, post_id, now)
        of = f" of {named_post(post.facts.title if post is not None else None, post_id)}" if len(voids) > 1 else ""
        said.append(words(turn, names, me, waits=post is None or post.state != "expired", of=of))
    return ": that " + "; ".join(said)


def write_voided_note(conn: sqlite3.Connection, ops: Iterable[Op], now: dt.datetime, me: str | None = None) -> str:
    """``voided_note`` of the posts one write voided (``write_voids``): what the app's notice of a write adds."""
    return voided_note(conn, write_voids(conn, ops), now, me)


def _taken(turn: RoundTurn, names: Mapping[str, str], me: str | None, of: str = "") -> str:
    others = [names.get(by, f"@{by[:8]}") for by in turn.approvers if by != me]
    mine = me is not None and me in turn.approvers
    # The reader's approval stamped after the change, given on the version before it where the change had not arrived
    # yet: it never counted.  Which came first in real time the stamps cannot tell (clocks differ), so it is not said.
    late = f"; {LATE}" if me is not None and not mine and me in turn.late else ""
    if mine:
        taken = "your approval" + (f" and that of {', '.join(others)}" if others else "")
    elif others:
        taken = f"the approval{'s' if len(others) > 1 else ''} of {', '.join(others)}"
    else:
        return f"voids the round{of}" + late
    return f"voids the round{of} and {taken}" + late


#: What a void adds for a reader whose approval is stamped after it, given on the version before it (the change had not
#: reached their replica): true whichever came first in real time, which stamps cannot prove (clocks may differ).
LATE = "your approval, given on the version before this change, counts for nothing"
#: What such an approval's line adds (the history, a notice of it), for its approver and the others alike.
GIVEN_LATE = "given on the version before a change voided the round"


def given_late(ops: Iterable[Op], turns: Callable[[str], Mapping[str, RoundTurn]]) -> tuple[str, str] | None:
    """``(post, round)`` of an approval among ``ops`` (a change's) stamped after a change voided its round
    (``RoundTurn.late_approvals``), ``turns`` giving a post's ``round_turns``; ``None`` for none."""
    for op in ops:
        approval = _approval(op)
        if approval is not None and any(op.op_id in turn.late_approvals for turn in turns(approval[0]).values()):
            return approval
    return None


def voided_now(ops: Iterable[Op], turns: Callable[[str], Mapping[str, RoundTurn]]) -> tuple[str, str] | None:
    """``(post, round)`` of an approval among ``ops`` (a change's) that a void of its round took and that stands: the
    round's last turn is a void that took it (it counted just before) or that it came after (``late_approvals``),
    ``turns`` giving a post's ``round_turns``; ``None`` for none.  Whichever of the approval and the change came in
    first, the approval counts for nothing now."""
    for op in ops:
        approval = _approval(op)
        if approval is None:
            continue
        of_round = [turn for turn in turns(approval[0]).values() if turn.round_id == approval[1]]
        last = max(of_round, key=lambda turn: turn.op_id, default=None)
        if last is not None and last.voided and (op.op_id in last.approvals or op.op_id in last.late_approvals):
            return approval
    return None


def _approval(op: Op) -> tuple[str, str] | None:
    """``(post, round)`` of ``op`` if it is an approval."""
    record = stored_value(op.value) if op.entity == "post_approval" and op.kind == APPEND else None
    if not (isinstance(record, dict) and record.get("verdict") == "approve" and isinstance(record.get("post"), str)):
        return None
    return record["post"], str(record.get("round"))


#: What a notice adds after the void's words while the post waits for it: its writer's next move, no longer its reviewers'.
WAITS = "it is a draft until it is submitted again"


class _Judged:
    """What the approvers of a post's voids are judged against, read once for all of them: read a void at a time, a post
    changed 2,000 times read its verdicts, every chain and every member 1,000 times."""

    def __init__(self, conn: sqlite3.Connection, post_id: str) -> None:
        self._conn = conn
        self._post_id = post_id

    @cached_property
    def verdicts(self) -> list[Verdict]:
        return verdicts(self._conn, [self._post_id]).get(self._post_id, [])

    @cached_property
    def changes(self) -> tuple[list[int], list[tuple[Any, ...]]]:
        r"""The post's changes the rules read its rounds' authors from, in the order they were stored: their ``seq``\ s,
        and their rows (``postchanges.stored_rows``)."""
        rows = stored_rows(self._conn, [self._post_id]).get(self._post_id, [])
        return [row[0] for row in rows], rows

    def authors_before(self, seq: int, digest: str) -> frozenset[str]:
        """The authors of a round of the content hash ``digest`` as the rules read them before the operation ``seq`` was
        stored: ``postround.round_authors`` of the changes stored before it."""
        seqs, rows = self.changes
        return round_authors(post_changes_of(row[1:] for row in rows[: bisect_left(seqs, seq)]), digest)

    @cached_property
    def chains(self) -> Mapping[str, tuple[Step, ...]]:
        return chains(self._conn)

    @cached_property
    def reviewers(self) -> Mapping[str, Reviewer]:
        return reviewers(self._conn)


class _Counted:
    """How the rules judged the round ``submitted``, open before a void (``op_id``, stored as ``seq``): in the campaign
    and on the platform the post was in then (``where``), its chain and reviewers as they are now, its authors as the
    rules read them before the void was stored (``_Judged.authors_before``)."""

    def __init__(self, judged: _Judged, op_id: str, seq: int, submitted: Mapping[str, Any], where: Mapping[str, Any]) -> None:
        self._judged = judged
        self._op_id = op_id
        self._seq = seq
        self._submitted = submitted
        self._campaign, self._platform = where["campaign"], where["platform"]

    @cached_property
    def approvals(self) -> tuple[Verdict, ...]:
        """The approvals that counted just before the void, in the chain's order."""
        before = [v for v in self._judged.verdicts if v.op_id < self._op_id]
        if not any(v.verdict == "approve" for v in before):
            return ()
        return tuple(v for v in self._status(before).satisfied if v is not None)

    def would_count(self, verdict: Verdict) -> bool:
        """Whether the rules count ``verdict``, an approval of the round stamped after the void, on the version before it
        (its step in the chain, its approver one who may take it, no author of the round)."""
        return any(v is not None for v in self._status([verdict]).satisfied)

    @cached_property
    def _authors(self) -> frozenset[str]:
        return self._judged.authors_before(self._seq, self._submitted["hash"])

    def _status(self, verdicts: list[Verdict]) -> RoundStatus:
        return evaluate(
            post_round=self._submitted,
            current_hash=self._submitted["hash"],
            chain=self._judged.chains.get(self._campaign or "", ()),
            verdicts=verdicts,
            authors=self._authors,
            reviewers=self._judged.reviewers,
            campaign=self._campaign,
            platform=self._platform,
        )
