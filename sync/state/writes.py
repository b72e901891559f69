"""Local edits on their way into the store: checked as they are collected, stamped when committed.

``Store.write(member)`` gives a ``Writer``: each value is checked as it is
added (so a bad one fails before any lock is taken), and the ``with`` block
ends in one ``Store.commit_local`` of the ``PendingWrites`` it collected.
Importers fill ``PendingWrites`` themselves with values they checked once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import APPEND, RECORD, SET, Op, OpError, check_row_id, check_value, dump_value
from crewdeck.sync.state.records import ENTITIES, ValidationError

if TYPE_CHECKING:
    from crewdeck.sync.state.store import Progress, Store


class PendingWrites:
    """Edits not yet stamped: the operations in order, and the values per row."""

    def __init__(self) -> None:
        #: ``(kind, entity, row id, field, value as canonical JSON)``
        self.ops: list[tuple[str, str, str, str, str]] = []
        #: ``(entity, row id)`` -> (field -> checked value, index of the row's last op)
        self.rows: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
        #: indexes of ``append`` operations
        self.appends: list[int] = []
        #: the records they append, in the same order
        self.appended: list[dict[str, Any]] = []

    def set(self, entity_name: str, row_id: str, values: dict[str, Any]) -> None:
        if not values:  # no operation: no row either (a record is in its table only when the log holds it)
            return
        key = (entity_name, row_id)
        ops = self.ops
        # One comprehension a record, not an append a field: an import sets a million fields.
        ops.extend([(SET, entity_name, row_id, name, dump_value(value)) for name, value in values.items()])
        held = self.rows.get(key)
        if held is None:
            fields = dict(values)
        else:
            fields = held[0]
            fields.update(values)
        self.rows[key] = (fields, len(ops) - 1)

    def append(self, entity_name: str, row_id: str, record: dict[str, Any], value_json: str | None = None) -> None:
        """``value_json``: the record's canonical JSON, where the caller spelled it (``records.canonical_json_varying``)."""
        self.appends.append(len(self.ops))
        self.appended.append(record)
        self.ops.append((APPEND, entity_name, row_id, RECORD, dump_value(record) if value_json is None else value_json))

    def records(self) -> Iterator[tuple[str, str]]:
        """``(entity, row id)`` of every record these edits write."""
        yield from self.rows
        for position in self.appends:
            yield self.ops[position][1], self.ops[position][2]


class Writer:
    """Local edits by one member, committed together when the ``with`` block ends.

    Values are checked as they are added, so a bad value raises before any
    lock is taken and nothing is written.
    """

    def __init__(self, store: Store, member: str, on_progress: Progress | None = None, *, judged: bool = True) -> None:
        self.store = store
        self.member = member
        self.on_progress = on_progress
        self.judged = judged
        self.pending = PendingWrites()
        self._stored: list[tuple[Any, ...]] = []

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()

    def commit(self) -> None:
        pending, self.pending = self.pending, PendingWrites()
        self._stored.extend(self.store.commit_local(self.member, pending, self.on_progress, judged=self.judged))

    @property
    def ops(self) -> list[Op]:
        """The operations this writer committed."""
        return [Op(*row) for row in self._stored]

    def create(self, entity_name: str, values: dict[str, Any], row_id: str | None = None) -> str:
        """A new record: its id, and one ``set`` per field given."""
        spec = ENTITIES[entity_name]
        if spec.append_only:
            raise ValidationError(entity_name, "*", "append-only records are added with append()")
        row_id = row_id or new_id()
        self.set(entity_name, row_id, values)
        return row_id

    def set(self, entity_name: str, row_id: str, values: dict[str, Any]) -> None:
        spec = ENTITIES[entity_name]
        if spec.append_only:
            raise ValidationError(entity_name, "*", "records are append-only: add a reversing entry instead")
        try:
            check_row_id(entity_name, row_id)
        except OpError as exc:
            raise ValidationError(entity_name, "id", str(exc)) from None
        self.set_checked(entity_name, row_id, {name: spec.check(name, value) for name, value in values.items()})

    def set_checked(self, entity_name: str, row_id: str, values: dict[str, Any]) -> None:
        """Like ``set`` for values that already passed ``Entity.check_record``."""
        self.pending.set(entity_name, row_id, values)

    def delete(self, entity_name: str, row_id: str) -> None:
        self.set(entity_name, row_id, {"deleted": True})

    def append(self, entity_name: str, values: dict[str, Any], row_id: str | None = None) -> str:
        spec = ENTITIES[entity_name]
        if not spec.append_only:
            raise ValidationError(entity_name, "*", "not an append-only record")
        row_id = row_id or new_id()
        op = Op("", "", 0, self.member, APPEND, entity_name, row_id, RECORD, "")
        try:
            record = check_value(op, values)
        except OpError as exc:
            # Strip the "operation <id>:" prefix: the record has no stamp yet.
            raise ValidationError(entity_name, "*", str(exc).split(": ", 1)[-1]) from None
        self.pending.append(entity_name, row_id, record)
        return row_id
