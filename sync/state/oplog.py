"""Operations: the unit of change that replicas exchange.

An operation sets one field of one record (``set``, last writer wins by
``op_id``) or adds one immutable record (``append``).  Its ``value`` is
canonical JSON text, so every replica stores byte-identical operations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, NamedTuple

from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.records import ENTITIES, WORKSPACE_ROW, ValidationError, canonical_json

SET = "set"
#: Past every ``seq``: SQLite's largest integer.
SEQ_MAX = 2**63 - 1
APPEND = "append"
#: The ``field`` of an append operation: the whole record is its value.
RECORD = "*"

_ROW_ID = re.compile(r"[0-9a-f]{32}\Z")
_KEYED_ROW = re.compile(r"(budget|rate|result):[A-Za-z0-9:_.\-]{1,200}\Z")
#: Entities whose ids are derived from what they key (see ``records.budget_id``).
_KEYED = ("budget", "rate", "result")
_NODE = re.compile(r"[0-9a-f]{4,32}\Z")
#: What no name of a record or field holds, and no store can take as it is (SQLite no lone surrogate, PostgreSQL no NUL).
_UNNAMEABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: Counters fit a signed 64-bit column in every store.
MAX_NODE_SEQ = 2**63


class Op(NamedTuple):
    op_id: str
    node: str
    node_seq: int
    member: str
    kind: str
    entity: str
    row_id: str
    field: str
    value: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "node": self.node,
            "node_seq": self.node_seq,
            "member": self.member,
            "kind": self.kind,
            "entity": self.entity,
            "row_id": self.row_id,
            "field": self.field,
            "value": json.loads(self.value),
        }


#: How much of an operation's stamp ("<ms>-<counter>-<node>") is its millisecond: one write stamps its operations in one
#: millisecond (the counter runs on).
WRITE_STAMP_CHARS = 13


def write_key(op: Op) -> tuple[str, str, str, str, str]:
    """What ``op``'s write shares with every operation of it (``same_write``): its node, member, record and millisecond."""
    return (op.node, op.member, op.entity, op.row_id, op.op_id[:WRITE_STAMP_CHARS])


def same_write(a: Op, b: Op) -> bool:
    """Whether ``b`` is of the write ``a`` is of: what a person did at once to one record (a task typed is its title,
    status, creator and time of making, one write).  An append is a write of its own."""
    return write_key(a) == write_key(b) and a.kind != APPEND


#: The columns of an operation in every store, in ``Op`` field order.
OP_COLUMNS = ", ".join(Op._fields)
#: Every operation's fields: an object from elsewhere must have them all.
_FIELDS = frozenset(Op._fields)


#: Canonical JSON: the same value is the same text on every replica.
dump_value = canonical_json


class OpError(ValueError):
    """An operation that cannot be applied, with where and why."""


def check_row_id(entity: str, row_id: Any) -> str:
    if not (
        isinstance(row_id, str)
        and (
            (entity == "workspace" and row_id == WORKSPACE_ROW)
            or (entity in _KEYED and _KEYED_ROW.match(row_id) and row_id.startswith(entity + ":"))
            or (entity not in _KEYED and entity != "workspace" and _ROW_ID.match(row_id))
        )
    ):
        raise OpError(f"{entity}: {row_id!r} is not a valid row id")
    return row_id


class RowClash(NamedTuple):
    """A row id named as ``entity`` that is ``other``'s (stored, or earlier in the same batch)."""

    row_id: str
    entity: str
    other: str
    in_batch: bool

    def __str__(self) -> str:
        if self.in_batch:
            return f"{self.row_id} is named both as a {self.other} and as a {self.entity}"
        return f"{self.row_id} is a {self.other} record, not a {self.entity}"


def row_entity_clash(rows: Iterable[tuple[str, str]], stored_entities: Callable[[list[str]], dict[str, str]]) -> RowClash | None:
    """The first ``(entity, row id)`` pair that names a record of another entity, or ``None``.

    A row id belongs to one entity for good.  Ids are random (or derived
    from their own entity's keys), so an operation naming a stored task's
    id as a member's can only be forged; refused where operations are
    stored, it can never make a record's history, undo or the activity
    log mix two records.  ``stored_entities`` says which of the ids the
    store already holds, and as what.
    """
    claimed: dict[str, str] = {}
    for entity, row_id in rows:
        first = claimed.setdefault(row_id, entity)
        if first != entity:
            return RowClash(row_id, entity, first, in_batch=True)
    for row_id, stored in stored_entities(list(claimed)).items():
        if claimed[row_id] != stored:
            return RowClash(row_id, claimed[row_id], stored, in_batch=False)
    return None


def from_wire(data: Any) -> Op:
    """Build and fully check an operation received from elsewhere."""
    op = _envelope(data)
    return op._replace(value=_checked_value(op, data["value"]))


def from_wire_pushed(data: Any) -> tuple[Op, str | None]:
    """A pushed operation, and why its content cannot be stored (``None`` when it can).

    A broken envelope (stamp, node, counter, member, kind, row id) refuses
    the whole push (``OpError``).  A value the server cannot take is that one operation's
    problem: it is refused under its node counter, and the replica goes on
    syncing the rest, instead of sending the same batch back forever.
    """
    op = _envelope(data)
    if op.kind not in (SET, APPEND):
        raise OpError(f"operation {op.op_id}: unknown kind {op.kind!r} (set or append)")
    for name in ("entity", "field"):
        _check_name(op.op_id, name, data[name])
    if isinstance(op.entity, str) and op.entity in ENTITIES:
        check_row_id(op.entity, op.row_id)
    else:
        _check_name(op.op_id, "row_id", op.row_id)
    try:
        return op._replace(value=_checked_value(op, data["value"])), None
    except (ValueError, TypeError, RecursionError) as exc:
        try:
            raw = dump_value(data["value"])
            raw.encode("utf-8")
        except (TypeError, ValueError):
            raw = "null"
        return op._replace(value=raw), str(exc).split(": ", 1)[-1]


def _check_name(op_id: str, name: str, value: object) -> None:
    """``OpError`` unless ``value`` is text a store can hold as it is, as the names of records and fields are."""
    if not isinstance(value, str) or len(value) > 200 or _UNNAMEABLE.search(value):
        raise OpError(f"operation {op_id}: {name} must be text of at most 200 characters, without control characters")


def _envelope(data: Any) -> Op:
    """The operation with its stamp, node, counter and member checked, and no value yet."""
    if not isinstance(data, dict):
        raise OpError("an operation must be a JSON object")
    if not data.keys() >= _FIELDS:
        missing = _FIELDS - data.keys()
        raise OpError(f"operation is missing {', '.join(sorted(missing))}")
    op_id, node, node_seq = data["op_id"], data["node"], data["node_seq"]
    if not isinstance(op_id, str):
        raise OpError("op_id must be a clock stamp")
    try:
        stamp = Stamp.parse(op_id)
    except ValueError as exc:
        raise OpError(str(exc)) from None
    if str(stamp) != op_id:
        # Stamps sort as text, so only the one spelling of a stamp may be stored.
        raise OpError(f"not a clock stamp in canonical form: {op_id!r}")
    if not isinstance(node, str) or not _NODE.match(node) or stamp.node != node:
        raise OpError(f"operation {op_id}: node {node!r} does not match its stamp")
    if not isinstance(node_seq, int) or isinstance(node_seq, bool) or not 1 <= node_seq < MAX_NODE_SEQ:
        raise OpError(f"operation {op_id}: node_seq must be a positive integer")
    member = data["member"]
    if not isinstance(member, str) or not (_ROW_ID.match(member) or member == ""):
        raise OpError(f"operation {op_id}: member must be a member id")
    return Op(op_id, node, node_seq, member, data["kind"], data["entity"], data["row_id"], data["field"], "")


def _checked_value(op: Op, value: Any) -> str:
    text = dump_value(check_value(op, value))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise OpError(f"operation {op.op_id}: the value holds text that is not valid Unicode") from None
    return text


def check_value(op: Op, value: Any) -> Any:
    """Check kind, entity, row id, field and value; return the normalised value."""
    spec = ENTITIES.get(op.entity) if isinstance(op.entity, str) else None
    if spec is None:
        raise OpError(f"operation {op.op_id}: unknown entity {op.entity!r}")
    check_row_id(op.entity, op.row_id)
    try:
        if op.kind == SET:
            if spec.append_only:
                raise OpError(f"operation {op.op_id}: {op.entity} records are append-only")
            return spec.check(op.field, value)
        if op.kind == APPEND:
            if not spec.append_only:
                raise OpError(f"operation {op.op_id}: {op.entity} records are not append-only")
            if op.field != RECORD or not isinstance(value, dict):
                raise OpError(f"operation {op.op_id}: an append carries the whole record")
            missing = [name for name in required_fields(op.entity) if name not in value]
            if missing:
                raise ValidationError(op.entity, missing[0], "is required")
            record = {f.name: f.default for f in spec.fields if f.name not in value}
            record.update(spec.check_record(value))
            return record
    except ValidationError as exc:
        raise OpError(f"operation {op.op_id}: {exc}") from None
    raise OpError(f"operation {op.op_id}: unknown kind {op.kind!r} (set or append)")


@cache
def required_fields(entity: str) -> tuple[str, ...]:
    """Fields a new record must give: no default, and ``None`` is not valid."""
    spec = ENTITIES[entity]
    required = []
    for f in spec.fields:
        if f.default is not None:
            continue
        try:
            f.check(None)
        except (ValueError, TypeError):
            required.append(f.name)
    return tuple(required)
