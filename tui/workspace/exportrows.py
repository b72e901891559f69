"""The export's records of a section read from SQLite as JSON texts of their columns, a batch at a time.

Reading each column of 100,000 records into a Python object, then encoding
it again, cost most of the export's time.  Here SQLite's ``json_array``
writes a stored row's columns as one JSON text, in C, with the escapes
Python's encoder uses (``\\"``, ``\\\\``, ``\\b \\f \\n \\r \\t`` and ``\\u00XX``
for the other control characters, every other character as it is; NULL as
``null``, an integer as its digits).  Its items are parted by an extra empty
string, ``,"",``: a JSON string holds no raw quote, so that text parts two
items and nothing else, and splitting a batch's text at it gives each
column's JSON text, as ``exchange`` spells records from them.

SQLite writes a real number its own way (``1.0e+20``, ``0.3`` for
``0.30000000000000004``): the text of a row holding a real, which only a
column without text affinity can hold, opens with a NUL, which no JSON text
holds raw (it spells a NUL ``\\u0000``), and that batch is read again as
Python objects.  One search for a character tells the batches apart, where
looking for a longer mark in every batch's text cost 3% of the export.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from json import JSONDecoder
from operator import itemgetter

from crewdeck.sync.state.records import RESULT_COUNTS, Entity
from crewdeck.sync.state.schema import columns

#: Rows read and spelled together.
BATCH = 1024
#: Between two items of a row's JSON text, and between two rows of a batch.
_PART = ',"",'
#: What opens the text of a row holding a real.
_REAL = "\0"


def slot_columns(spec: Entity) -> list[str]:
    """The columns a record is spelled from, in ``exchange``'s order: the id and each field's (first) column, then the second columns of instants and money."""
    firsts = ["id"] + [f.columns[0] for f in spec.fields if f.name != "deleted"]
    seconds = [f.columns[1] for f in spec.fields if f.name != "deleted" and len(f.columns) == 2]
    return firsts + seconds


def _live(spec: Entity) -> str:
    """SQL: whether a stored row of ``spec`` is a record the export holds (``1 = 1`` for every row of most sections).

    A deleted record is not, nor a result that holds no number: results have no ``deleted``, and undoing a result's
    first numbers clears them, leaving the record (its key) with nothing reported, which every report reads as no result.
    """
    if spec.name == "result":
        return "(" + " OR ".join(f"[{name}] IS NOT NULL" for name in (*RESULT_COUNTS, "followers", "value_amount")) + ")"
    return "deleted = 0" if "deleted" in spec.by_name else "1 = 1"


def _text_affinity(declared: str) -> bool:
    """A column of SQLite's text affinity holds text, NULL or blobs, never a number."""
    upper = declared.upper()
    return "INT" not in upper and any(word in upper for word in ("CHAR", "CLOB", "TEXT"))


def _query(conn: sqlite3.Connection, spec: Entity) -> str:
    declared = {row[1]: row[2] or "" for row in conn.execute(f"PRAGMA table_info([{spec.name}])")}
    slots = slot_columns(spec)
    parted = ", '', ".join(f"[{name}]" for name in slots)
    # Without the array's brackets: the first item (the id) opens with no "[", and no item closes with "]".
    text = f"rtrim(ltrim(json_array({parted}), '['), ']')"
    reals = " OR ".join(f"typeof([{name}]) = 'real'" for name in slots if not _text_affinity(declared[name]))
    if reals:
        # Its text still made: SQLite refuses a BLOB in it as for every other row, in one line, not a traceback later.
        text = f"CASE WHEN {reals} THEN char(0) || {text} ELSE {text} END"
    return f"SELECT {text} FROM [{spec.name}] NOT INDEXED WHERE {_live(spec)} ORDER BY id"


@dataclass(frozen=True)
class Batch:
    """Rows of a section, by id: the JSON texts of their ``slot_columns``, row after row; or, where SQLite cannot spell them, their first and last ids."""

    rows: int
    texts: list[str] | None
    first: str
    last: str


_ROW = itemgetter(0)
_first_item = JSONDecoder().raw_decode


def _row_id(text: str) -> str:
    """The id of a row from its text (its first item, after the NUL of a row holding a real), for its batch's
    ``python_rows``: a damaged file's row without one is said, where the rows around it went missing from the export."""
    row_id = _first_item(text, len(_REAL) if text.startswith(_REAL) else 0)[0]
    if not isinstance(row_id, str):
        raise sqlite3.DatabaseError(f"a record's id is {json.dumps(row_id)}, not text")
    return row_id


def batches(conn: sqlite3.Connection, spec: Entity) -> Iterator[Batch]:
    """The live records of ``spec`` by id, ``BATCH`` rows at a time."""
    cursor = conn.execute(_query(conn, spec))
    while rows := cursor.fetchmany(BATCH):
        data = _PART.join(map(_ROW, rows))
        if _REAL in data:
            yield Batch(len(rows), None, _row_id(rows[0][0]), _row_id(rows[-1][0]))
        else:
            yield Batch(len(rows), data.split(_PART), "", "")


def python_rows(conn: sqlite3.Connection, spec: Entity, first: str, last: str) -> list[tuple[object, ...]]:
    """The stored rows of the live records of ``spec`` with ids from ``first`` to ``last``, by id: the id, then every column."""
    names = ", ".join(f"[{name}]" for name, _ in columns(spec))
    sql = f"SELECT id, {names} FROM [{spec.name}] WHERE {_live(spec)} AND id BETWEEN ? AND ? ORDER BY id"
    return conn.execute(sql, (first, last)).fetchall()
