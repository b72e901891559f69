"""Who acted as whom: a manager's writes as another member (``--as`` on a shared host).

A write made so holds an ``acting`` record (``Store.commit_local``): the
operations ``member`` wrote stamped ``first_op`` to ``last_op`` were the
manager ``actor``'s.  The rules, the ledger's lists and filters, a post's
round authors and the activity log all read it here, one way.

A record covers only operations of the node that wrote it (the node its
stamps name): stamps are ordered by time first, so another replica of the
member's can stamp operations between ``first_op`` and ``last_op`` too, and
they were not the manager's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: Where a stamp's node starts in its text (``clock.Stamp``: 13 digits of time, 4 of counter, each with a dash after).
NODE_AT = 19


def covers(record: str, member: str, op_id: str) -> str:
    """SQL true when the acting record ``record`` (an alias of the ``acting`` table) covers the operation ``op_id`` written
    as ``member``: that operation was ``record.actor``'s.  ``member`` and ``op_id`` are SQL expressions, qualified by
    their table's alias (every record table has an ``op_id``, ``acting`` too)."""
    return (
        f"{record}.member = {member} AND {op_id} BETWEEN {record}.first_op AND {record}.last_op "
        f"AND substr({op_id}, {NODE_AT + 1}) = substr({record}.first_op, {NODE_AT + 1})"
    )


def actor_of(member: str, op_id: str) -> str:
    """SQL: the manager who wrote the operation ``op_id`` acting as ``member`` (as ``covers`` takes them), or NULL."""
    return f"(SELECT a.actor FROM acting AS a WHERE {covers('a', member, op_id)} LIMIT 1)"


def acted_by_any(members: str, member: str, op_id: str) -> str:
    """SQL true when one of ``members`` (an SQL list, ``?, ?``) wrote the operation ``op_id`` acting as ``member``; never
    NULL, so it may be negated (``actor_of(...) IN (...)`` is NULL where nobody acted)."""
    return f"EXISTS (SELECT 1 FROM acting AS a WHERE a.actor IN ({members}) AND {covers('a', member, op_id)})"


def actors(conn: sqlite3.Connection) -> Callable[[str, str], str | None]:
    """Who acted as the member of the operation ``(member, op_id)``, by member id, or ``None``: the records read once, for
    a log of many operations (a write as another is rare; its records are few)."""
    acting = conn.execute("SELECT actor, member, first_op, last_op FROM acting").fetchall()

    def actor(member: str, op_id: str) -> str | None:
        for who, as_member, first, last in acting:
            if as_member == member and first <= op_id <= last and op_id[NODE_AT:] == first[NODE_AT:]:
                return str(who)
        return None

    return actor
