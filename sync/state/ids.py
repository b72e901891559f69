"""Random record ids and the short prefixes people type."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

#: How many leading hex digits the UI and the CLI show for an id.
SHORT_LEN = 8
#: The shortest prefix the CLI accepts when resolving an id.
MIN_PREFIX = 4


def new_id() -> str:
    """A random 128-bit id as 32 lowercase hex digits.

    Random (not time-ordered) so that the short prefix of a new record is as
    unlikely as possible to collide with one made at the same moment.
    """
    # os.urandom, as the secrets module does, without importing its HMAC (and OpenSSL) at start-up.
    return os.urandom(16).hex()


def new_node_id() -> str:
    """A random 48-bit node id, 12 hex digits, part of every stamp."""
    return os.urandom(6).hex()


#: Where a uuid written out (as Taskwarrior prints one, ``1a2b3c4d-0000-4000-8000-000000000007``) has its dashes.
_UUID_DASHES = frozenset({8, 13, 18, 23})


def typed_id(typed: str) -> str:
    """An id or its prefix as a person typed it, as ids are kept: lower case, without a uuid's dashes (a task imported
    from Taskwarrior keeps its uuid's 128 bits, and people paste it as ``task`` prints it).  Dashes anywhere else stay,
    for the caller to refuse."""
    text = typed.strip().lower()
    if "-" in text and len(text) <= 36 and all(i in _UUID_DASHES for i, c in enumerate(text) if c == "-"):
        return text.replace("-", "")
    return text


def short(record_id: str) -> str:
    return record_id[:SHORT_LEN]


def told_apart(record_ids: list[str]) -> list[str]:
    """Each id cut as ``short`` cuts it, or longer where another of ``record_ids`` begins the same: ids imported from
    Taskwarrior uuids can share their first eight digits, and "aaaaaaaa, aaaaaaaa" names neither."""
    ordered = sorted(set(record_ids))

    def shared(a: str, b: str) -> int:
        return next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))

    needed = {
        rid: max([SHORT_LEN - 1, *(shared(rid, other) for other in ordered[max(i - 1, 0) : i + 2] if other != rid)]) + 1
        for i, rid in enumerate(ordered)
    }
    return [rid[: needed[rid]] for rid in record_ids]


def _after(prefix: str) -> str:
    """The least text greater than every id that begins with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def apart_in(conn: sqlite3.Connection, table: str, record_ids: Iterable[str]) -> dict[str, str]:
    """Every id of ``table`` that shares its first ``SHORT_LEN`` digits with another and begins as one of ``record_ids``
    does, with the prefix that names it alone there (as ``told_apart`` cuts it, the CLI's ``resolve`` takes it back).

    One seek of the id index per distinct prefix: what a screen of rows, a task's page or a short list costs.  The ids
    of ``record_ids`` no other shares its prefix with are not in the answer: ``short`` names them.
    """
    prefixes = sorted({short(record_id) for record_id in record_ids if record_id})
    if not prefixes:
        return {}
    ranges = json.dumps([[prefix, _after(prefix)] for prefix in prefixes])
    found = [
        str(row_id)
        for (row_id,) in conn.execute(
            f"SELECT t.id FROM json_each(?) AS p JOIN [{table}] AS t "
            "ON t.id >= json_extract(p.value, '$[0]') AND t.id < json_extract(p.value, '$[1]')",
            (ranges,),
        )
    ]
    seen: dict[str, int] = {}
    for row_id in found:
        seen[short(row_id)] = seen.get(short(row_id), 0) + 1
    shared = [row_id for row_id in found if seen[short(row_id)] > 1]
    return dict(zip(shared, told_apart(shared), strict=True))


def all_apart(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """``apart_in`` over every id of ``table``: one pass over its id index (50 ms of 100,000 tasks), for a list too long
    to probe row by row."""
    shared = conn.execute(f"SELECT substr(id, 1, {SHORT_LEN}) FROM [{table}] GROUP BY 1 HAVING count(*) > 1").fetchall()
    return apart_in(conn, table, (str(prefix) for (prefix,) in shared))


def shown_id(record_id: str, apart: dict[str, str]) -> str:
    """``record_id`` as a person reads it: its ``short`` prefix, or the longer one ``apart`` (``apart_in``) holds for it."""
    return apart.get(record_id) or short(record_id)
