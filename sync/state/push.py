"""What a server does with a pushed batch, whatever it stores in.

A replica numbers its own operations 1, 2, 3, ... (``node_seq``).  The
server keeps, per node, the member it belongs to and the highest number
stored; a push is accepted when it continues that count.  Numbers already
stored are a retry and are skipped (after checking they are the very same
operations), a number beyond the next one is a gap, and the server says
which number it expected so the replica can resend from there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.oplog import Op, row_entity_clash

if TYPE_CHECKING:
    from crewdeck.sync.state.rules import Refusal


class PushRejected(Exception):
    """A push the server refuses as a whole; nothing of it was written."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


@dataclass(frozen=True)
class NodeHead:
    member: str
    node_seq: int


@dataclass(frozen=True)
class RefusedOp:
    """An operation the server's rules refused: never stored, sent back to its author's replica."""

    node: str
    node_seq: int
    op_id: str
    row_id: str
    field: str
    rule: str
    message: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "node_seq": self.node_seq,
            "op_id": self.op_id,
            "row_id": self.row_id,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
        }

    @classmethod
    def from_wire(cls, data: Any) -> RefusedOp:
        """``ValueError`` when the server sent something else."""
        if not isinstance(data, dict):
            raise ValueError("a refusal must be an object")
        node_seq = data.get("node_seq")
        if not isinstance(node_seq, int) or isinstance(node_seq, bool):
            raise ValueError("a refusal's node_seq must be a number")
        texts = [data.get(name) for name in ("node", "op_id", "row_id", "field", "rule", "message")]
        if not all(isinstance(t, str) for t in texts):
            raise ValueError("a refusal names node, op_id, row_id, field, rule and message")
        node, op_id, row_id, field_name, rule, message = texts
        return cls(str(node), node_seq, str(op_id), str(row_id), str(field_name), str(rule), str(message))


@dataclass
class PushPlan:
    """The operations to store, and each node's counter once they are.

    ``fresh`` are the operations new to the server; once judged, ``refused``
    holds those the rules refused (and those of a retried push refused
    before), and ``fresh`` only what is stored.
    """

    fresh: list[Op] = field(default_factory=list)
    heads: dict[str, NodeHead] = field(default_factory=dict)
    duplicates: int = 0
    refused: list[RefusedOp] = field(default_factory=list)

    def judge(self, verdicts: Sequence[Refusal | None]) -> None:
        """Split ``fresh`` by the rules' verdicts (one per operation, in order)."""
        kept: list[Op] = []
        for op, verdict in zip(self.fresh, verdicts):
            if verdict is None:
                kept.append(op)
            else:
                self.refused.append(RefusedOp(op.node, op.node_seq, op.op_id, op.row_id, op.field, verdict.rule, verdict.message))
        self.fresh = kept


def by_node(ops: Iterable[Op], member: str | None, server_node: str | None = None) -> dict[str, list[Op]]:
    """Each node's operations in counter order; refuse other members', broken runs, stamps that do not rise with the
    counter and a stamp given twice.

    ``member`` ``None``: the operations of a server-side copy's node (``crewdeck web`` on PostgreSQL), each by the
    member whose browser session made it, each judged as them."""
    groups: dict[str, list[Op]] = {}
    # Every store and replica keys what it applies by op_id: two operations under one stamp would be one here, the other there.
    stamps: set[str] = set()
    for index, op in enumerate(ops):
        if op.op_id in stamps:
            raise PushRejected(
                "duplicate_op",
                f"operation {index} carries the stamp {op.op_id} of an earlier operation in this batch; each operation has a stamp of its own",
                index=index,
                op_id=op.op_id,
            )
        stamps.add(op.op_id)
        if member is not None and op.member != member:
            raise PushRejected(
                "wrong_member",
                f"operation {index} ({op.op_id}) is by member {op.member or '(none)'}, but this token acts as member {member}",
                index=index,
            )
        if op.node == server_node:
            raise PushRejected("wrong_node", f"node {op.node} is the server's own; a replica pushes only its own node's operations")
        groups.setdefault(op.node, []).append(op)
    for node, node_ops in groups.items():
        node_ops.sort(key=lambda op: op.node_seq)
        for before, after in itertools.pairwise(node_ops):
            if after.node_seq != before.node_seq + 1:
                raise PushRejected(
                    "batch_not_contiguous",
                    f"node {node}: the batch jumps from operation #{before.node_seq} to #{after.node_seq}; "
                    "send each node's operations as one unbroken run",
                    node=node,
                )
            # A node's clock stamps each operation after the one before (``HybridClock.stamps``; a stamp's text sorts as
            # the stamp): stamps that fall would make a file (storing by stamp) and PostgreSQL (by counter) store the
            # batch in other orders, and read a post's authors from it differently.
            if after.op_id <= before.op_id:
                raise PushRejected(
                    "stamps_out_of_order",
                    f"node {node}: operation #{after.node_seq} is stamped {after.op_id}, not after #{before.node_seq}'s "
                    f"{before.op_id}; a node stamps each operation after the one before",
                    node=node,
                )
    return groups


def plan(
    groups: dict[str, list[Op]],
    member: str | None,
    heads: dict[str, NodeHead],
    already_stored: Callable[[Sequence[Op]], set[str]],
    stored_entities: Callable[[list[str]], dict[str, str]],
    stamps_stored: Callable[[Sequence[Op]], dict[str, tuple[str, str]]],
) -> PushPlan:
    """Split a batch into retries and new operations, or refuse it.

    ``heads`` holds the stored counter of each node known so far;
    ``already_stored`` returns which of the given operations' ``op_id`` the
    store holds; ``stored_entities`` the entity of each given row id the
    store holds (a new operation may not name a record of another entity);
    ``stamps_stored`` which of the given new operations' ``op_id`` the store
    holds, on whatever row and field: ``op_id -> (row_id, field)`` of the
    stored one.  A stamp names one operation (a replica stamps each of its
    own, ``HybridClock.stamps``): one used again, on the same field or on
    another record, would be a second operation under its name, which
    refusals, undo and the change log (all by stamp) would take for the
    first.  ``member`` ``None``: a server-side copy's nodes, whose operations are many members' (``by_node``).
    """
    result = PushPlan()
    for node, node_ops in groups.items():
        head = heads.get(node) or NodeHead(member or "", 0)
        if member is not None and head.member != member:
            raise PushRejected("wrong_member", f"node {node} pushes for another member; a replica belongs to one member", node=node)
        seen = [op for op in node_ops if op.node_seq <= head.node_seq]
        if seen:
            stored = already_stored(seen)
            differ = [op for op in seen if op.op_id not in stored]
            if differ:
                raise PushRejected(
                    "node_conflict",
                    f"node {node}: operation #{differ[0].node_seq} differs from the one stored under that number; "
                    "this replica looks like a copy of another (or a backup put back): crewdeck gives it a node of its own "
                    "and sends its edits from that number on again",
                    node=node,
                    # Where the copy's own edits begin: those before it are stored, those from it on are the replica's alone.
                    differs=differ[0].node_seq,
                )
            result.duplicates += len(seen)
        new = node_ops[len(seen) :]
        if new and new[0].node_seq != head.node_seq + 1:
            raise PushRejected(
                "gap",
                f"node {node}: expected operation #{head.node_seq + 1}, got #{new[0].node_seq}; resend from #{head.node_seq + 1}",
                node=node,
                expected=head.node_seq + 1,
            )
        result.fresh.extend(new)
        result.heads[node] = NodeHead(head.member, new[-1].node_seq if new else head.node_seq)
    reused = stamps_stored(result.fresh) if result.fresh else {}
    if reused:
        op = next(op for op in result.fresh if op.op_id in reused)
        row_id, field_name = reused[op.op_id]
        raise PushRejected(
            "duplicate_op",
            f"node {op.node}: operation #{op.node_seq} carries the stamp {op.op_id} of an operation already stored on "
            f"{row_id} {field_name}; each operation has a stamp of its own",
            node=op.node,
            op_id=op.op_id,
        )
    clash = row_entity_clash(((op.entity, op.row_id) for op in result.fresh), stored_entities)
    if clash:
        raise PushRejected("row_entity", f"{clash}: a record's id never changes entity", row_id=clash.row_id)
    return result
