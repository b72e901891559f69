"""Cells of the record tables that crewdeck never writes: a file changed by raw SQL, or damaged on disk.

Every write goes through a field's check and ``Field.to_columns``, so a
stored cell has its column's type: text in a text column (never a BLOB), an
integer in an integer one, valid JSON in a JSON one, 0 or 1 for a flag, and
never NULL where the field has a default (a new row and an added column
are given it).  A teammate with write access to the shared file can still
store anything, and readers built on those types then fail far from the
cell.  This module finds such cells in SQL, a query per table, so that the
one who reads can say which table, record and column hold what: the
commands and the app ask it after a read failed (the listings pay nothing
before), ``doctor`` every time.

An invalid value of the right type (an empty title, a status no version
knows) is not here: readers show it with placeholders, and ``doctor`` lists it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from crewdeck.sync.state.records import ENTITIES, Entity, Field
from crewdeck.sync.state.schema import columns
from crewdeck.sync.state.visible import quoted

_DATE_FORMAT = "%Y-%m-%d"
#: The spelling of every UTC instant crewdeck writes (``records.utc_instant``).
_UTC_FORMAT = _DATE_FORMAT + "T%H:%M:%SZ"
_UTC_SAMPLE = "2026-01-01T00:00:00Z"
_SAMPLES = (("2026-01-01", _DATE_FORMAT), (_UTC_SAMPLE, _UTC_FORMAT), ({"utc": _UTC_SAMPLE, "tz": "UTC"}, _UTC_FORMAT))

#: The JSON a field of each default's type holds: its default's kind (a field with none holds an object or a list).
_JSON_SHAPES: dict[type, str] = {list: "'array'", dict: "'object'"}

#: The tables a reader of the workspace's records reads, in the order they are searched.
READ_TABLES = ("task", "ledger_entry", "result", "member", "campaign")


@dataclass(frozen=True)
class DamagedCell:
    table: str
    #: The record's id, or its rowid where the id itself is damaged.
    row_id: str
    column: str
    #: The name of the field the column stores ("due" for ``due_utc``), as ``doctor`` lists a record's problems.
    field: str
    #: What the cell holds, as a person reads it ("NULL", "a real number, 12.5").
    holds: str
    #: The id cell as stored (NULL, a BLOB...): what ``Store.records`` gives as the record's id.
    stored_id: object = None

    def __str__(self) -> str:
        return f"table {self.table}, record {self.row_id}, column {self.column} holds {self.holds}, which crewdeck never writes"


def _conditions(spec: Entity) -> list[tuple[str, str, str]]:
    """``(column, field, SQL true of a cell crewdeck never writes there)`` for each of ``spec``'s columns, the id first."""
    found = [("id", "id", "typeof(id) != 'text'")]
    sql_of = dict(columns(spec))
    for field in spec.fields:
        for name in field.columns:
            cell = f"[{name}]"
            wrong = [f"typeof({cell}) IN ('blob', 'real')"]
            if "INT" in sql_of[name].upper():
                wrong.append(f"typeof({cell}) = 'text'")
            if name == field.columns[0] and (field.default is not None or (spec.append_only and not _takes(field, None))):
                # A new row and an added column are given the default; an appended record arrives whole, once.
                wrong.append(f"{cell} IS NULL")
            if name != field.columns[0] and (field.kind == "money" or not _takes(field, _UTC_SAMPLE)):
                # The second column of an amount (its currency) or of a due date (its zone) is written with the first.
                wrong.append(f"([{field.columns[0]}] IS NOT NULL AND {cell} IS NULL)")
            spelling = _day_format(spec, field) if name == field.columns[0] else None
            if spelling:
                # Readers parse a day or an instant by its spelling, which every writer gives it, of a day that is
                # (SQLite moves 02-30 or 24:00 on a day, and reads no month 13 or year 0, which Python refuses).
                wrong.append(f"(typeof({cell}) = 'text' AND (strftime('{spelling}', {cell}, '+0 days') IS NOT {cell} OR {cell} < '0001'))")
            if field.kind == "json":
                shapes = _JSON_SHAPES.get(type(field.default), "'object', 'array'")
                # A CASE, as SQLite's AND does not keep json_type from reading a text that is not JSON (an error).
                valid = f"WHEN NOT json_valid({cell}) THEN 1 ELSE json_type({cell}) NOT IN ({shapes})"
                wrong.append(f"CASE WHEN typeof({cell}) != 'text' THEN 0 {valid} END")
            if field.kind == "bool":
                wrong.append(f"{cell} NOT IN (0, 1)")
            found.append((name, field.name, " OR ".join(wrong)))
    return found


def _day_format(spec: Entity, field: Field) -> str | None:
    """SQLite's format of every stored day or instant of ``field``; ``None`` for a field of neither (or a JSON list)."""
    if field.name not in spec.day_fields or field.kind not in ("plain", "instant"):
        return None
    return next((shape for sample, shape in _SAMPLES if _takes(field, sample)), None)


def _takes(field: Field, value: object) -> bool:
    try:
        field.check(value)
    except (ValueError, TypeError):
        return False
    return True


def _holds(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return f"a BLOB of {len(value):,} byte{'' if len(value) == 1 else 's'}"
    if isinstance(value, float):
        return f"a real number, {value!r}"
    if isinstance(value, int):
        return f"the number {value}"
    return f"the text {quoted(str(value))}"


def damaged_cells(
    conn: sqlite3.Connection, tables: Collection[str] = READ_TABLES, *, records: Sequence[object] | None = None
) -> Iterator[DamagedCell]:
    """Every cell of ``tables`` that crewdeck never writes, table by table in ``tables``' order, by rowid; of the
    records whose ids as stored (NULL too) are ``records`` alone, where given (a search by their key)."""
    for table in tables:
        spec = ENTITIES[table]
        conditions = _conditions(spec)
        flags = ", ".join(f"({condition})" for *_, condition in conditions)
        which = " OR ".join(f"({condition})" for *_, condition in conditions)
        if records is not None:
            which = f"({' OR '.join(['id IS ?'] * len(records)) or 'false'}) AND ({which})"
        sql = f"SELECT rowid, id, {flags} FROM [{table}] WHERE {which} ORDER BY rowid"
        for rowid, stored_id, *flagged in conn.execute(sql, records or ()):
            named = stored_id if isinstance(stored_id, str) else f"at rowid {rowid}"
            for (column, field, _), wrong in zip(conditions, flagged):
                if wrong:
                    (value,) = conn.execute(f"SELECT [{column}] FROM [{table}] WHERE rowid = ?", (rowid,)).fetchone()
                    yield DamagedCell(table, named, column, field, _holds(value), stored_id)


def first_damaged_cell(conn: sqlite3.Connection, read_first: Sequence[str] = ()) -> DamagedCell | None:
    """The first of ``damaged_cells`` of ``READ_TABLES``, of ``read_first`` before the others (the tables a failed
    command read), or ``None`` for a file whose cells are all of their column's type."""
    tables = sorted(READ_TABLES, key=lambda table: read_first.index(table) if table in read_first else len(read_first))
    return next(damaged_cells(conn, tables), None)
