"""What a published post went out with, as a batch leaves it (rule ``published_content``, ``rules.Judge``).

A published post's content and round change no more: a change of them is
refused when the post is published before the write that holds it and
after it.  One write's fields are judged together, whichever comes first:
a write that takes the publish back changes the content as it likes, its
move reading the post as it went out (an undo of a publish puts it back in
the scheduler it went out of); one whose take-back is refused changes
nothing; one that moves a post into the scheduler from elsewhere reads the
content and round as the write leaves them (``not_publishable``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from crewdeck.sync.state.oplog import SET, WRITE_STAMP_CHARS
from crewdeck.sync.state.postround import CONTENT_FIELDS

#: A post's fields that are what it went out with: its content, and the round that approved it.
WENT_OUT_FIELDS = frozenset({*CONTENT_FIELDS, "post_round"})
#: The stored post state whose content is what went out.
PUBLISHED = "published"

#: An operation as the judge sees it: ``(member, kind, entity, row_id, field, value as JSON text)``.
_Proposal = tuple[str, str, str, str, str, str]


def _write_of(op: _Proposal, stamp: str | None) -> tuple[str, ...] | None:
    """What tells one write to a task from the next (``oplog.same_write``): its member and record, and for a stamped
    operation its millisecond and node (a local write is one write).  ``None``: no task's ``set``."""
    member, kind, entity, row_id, _, _ = op
    if kind != SET or entity != "task":
        return None
    if stamp is None:
        return (member, row_id)
    return (member, row_id, stamp[:WRITE_STAMP_CHARS], stamp.rsplit("-", 1)[-1])


def moves_of(ops: Sequence[_Proposal], stamps: Sequence[str] | None, posts: Mapping[str, object]) -> dict[int, int]:
    """Each operation on what a post of ``posts`` went out with whose write moves the post's state -> the index of the
    write's last move (before or after it)."""
    moves: dict[int, int] = {}
    changes: list[int] = []
    move: int | None = None
    write: tuple[str, ...] | None = None

    def close() -> None:
        if move is not None:
            moves.update(dict.fromkeys(changes, move))

    for index, op in enumerate(ops):
        this = _write_of(op, stamps[index] if stamps is not None else None)
        if this != write:
            close()
            changes, move, write = [], None, this
        if this is None or op[3] not in posts:
            continue
        if op[4] in WENT_OUT_FIELDS:
            changes.append(index)
        elif op[4] == "post_state":
            move = index
    close()
    return moves


class WentOut:
    """The stored posts whose content or round a batch changes, each in its state as the batch leaves it so far, and
    the changes whose write moves the post (``moves_of``)."""

    def __init__(self, states: dict[str, str | None], moves: dict[int, int]) -> None:
        #: Post id -> its state, as stored and then as the batch's accepted moves leave it.
        self.states = states
        self._moves = moves
        #: The index of a move -> the changes of its write after it.
        self._ahead: dict[int, list[int]] = {}
        for index, move in moves.items():
            if index > move:
                self._ahead.setdefault(move, []).append(index)
        #: The index of a judged move -> the post's state before it.
        self._before: dict[int, str | None] = {}
        #: The index of a move -> the changes of its write before it, waiting for its verdict.
        self._waiting: dict[int, list[int]] = {}
        #: The changes laid on the batch ahead of their turn, for the move of their write to read (``ahead``).
        self.laid: set[int] = set()
        #: The changes of a published post laid on the batch only once the move of their write after them is accepted
        #: (``moved``): the move reads the post as it went out.
        self.waits: set[int] = set()

    def __contains__(self, post_id: object) -> bool:
        return post_id in self.states

    def held_back(self, index: int) -> bool:
        """Whether the change at ``index`` is laid on the batch out of its turn: ahead of it, or once its move is judged."""
        return index in self.laid or index in self.waits

    def ahead(self, move: int, post_id: str) -> list[int]:
        """The changes of the move's write after it, which it reads, to lay on the batch before it is judged (``laid``:
        those that are); none for a published post, whose move reads it as it went out."""
        if self.states.get(post_id) == PUBLISHED:
            return []
        return self._ahead.get(move, [])

    def change(self, index: int, post_id: str) -> bool | None:
        """Whether the change at ``index`` changes a published post's content or round: published before its write and
        after it (``None``: its write's move comes after it, whose verdict decides it: ``moved``)."""
        state = self.states.get(post_id)
        move = self._moves.get(index)
        if move is None:
            return state == PUBLISHED
        if move > index:
            self._waiting.setdefault(move, []).append(index)
            if state == PUBLISHED:
                self.waits.add(index)
            return None
        return self._before.get(move, state) == PUBLISHED and state == PUBLISHED

    def moved(self, index: int, post_id: str, value: str | None) -> tuple[list[int], list[int]]:
        """The move at ``index`` judged: its value when accepted, ``None`` when not.  The changes that waited for it:
        (those that change a published post's content or round, those to lay on the batch now)."""
        self._before[index] = before = self.states.get(post_id)
        if value is not None:
            self.states[post_id] = json.loads(value)
        waited = self._waiting.pop(index, [])
        if before == PUBLISHED and self.states.get(post_id) == PUBLISHED:
            return waited, []
        return [], [change for change in waited if change in self.waits]

    def unjudged(self) -> list[int]:
        """The changes of a published post still waiting once the batch is judged, whose move was refused before the
        judge reached it (its member's standing, a value not read): they change what it went out with."""
        left = [index for waited in self._waiting.values() for index in waited if index in self.waits]
        self._waiting.clear()
        return left
