"""The results' roll-ups (``rollup``: per record and month; ``rollup_days``: per campaign, platform and day) as one
set of derived tables: their triggers taken away through a big write, and the tables filled again from the records.

Their triggers run queries for every task and result row written (a
task's results, a result's task, the roll-up rows to add to): for 100,000
rows, half as much again as writing the rows.  One pass over the records at the end gives the same sums
(the fill is what a migration uses on a workspace that holds results
already), and exact largest reaches, where the triggers may have marked
rows stale.
"""

from __future__ import annotations

import sqlite3

from crewdeck.sync.state import rollup, rollup_days

_ROLLUPS = (rollup, rollup_days)
#: The record tables whose rows the triggers read: what a write must count towards suspending them.
WATCHED = frozenset({"task", "result"})


def results_held(conn: sqlite3.Connection) -> int:
    """How many result records the fill would read."""
    (rows,) = conn.execute("SELECT count(*) FROM result").fetchone()
    return int(rows)


def suspend(conn: sqlite3.Connection) -> list[str]:
    """Take the roll-ups' triggers away (inside a transaction: a rollback brings them back); the statements
    that make them again, for ``refill``."""
    dropped = []
    for module in _ROLLUPS:
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?) = ?",
            (len(module.TABLE) + 1, f"{module.TABLE}_"),
        ).fetchall()
        for name, sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
            dropped.append(sql)
    return dropped


def refill(conn: sqlite3.Connection, triggers: list[str]) -> None:
    """The roll-ups made again from the records, and their ``triggers`` back.

    A roll-up's lookup indexes are built again after it is filled: the fill writes its rows in the order of their key,
    the index's in another (``result_day_by_campaign``: 0.53 s where it took 0.60 for 100,000 campaign days)."""
    for module in _ROLLUPS:
        lookups = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (module.TABLE,)
        ).fetchall()
        for name, _ in lookups:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute(f"DELETE FROM {module.TABLE}")
        conn.execute(module.FILL)
        for _, sql in lookups:
            conn.execute(sql)
    for sql in triggers:
        conn.execute(sql)


def rebuild(conn: sqlite3.Connection) -> None:
    """The roll-ups made anew in the shape this code gives them, from the records (a migration that changes it)."""
    suspend(conn)
    for module in _ROLLUPS:
        conn.execute(f"DROP TABLE IF EXISTS {module.TABLE}")
        for statement in module.STATEMENTS:
            conn.execute(statement)
        conn.execute(module.FILL)
