"""What earlier imports of a source wrote: a newer export changes only the fields nobody changed here since.

Every write of an import is one ``Store.commit_local``: operations of one
node with consecutive stamps.  A run is remembered as ``(node, first
stamp, last stamp)`` in the file's local settings (``meta``, key
``import.runs.SOURCE``, a JSON list), in the same transaction as the
write.  An operation belongs to a run when its node is the run's and its
stamp lies between the two: the node's own stamps only grow, so that is
exactly the run's operations and nothing else.

The operations log keeps every write of every field.  A field holds what
an import of the source put there when the operation that wins it (the
latest on that field) belongs to one of the source's runs; then nobody
changed it here since, and a newer export may change it.  Otherwise a
member changed it after (or without) an import, and the local edit wins:
the field is kept and listed.  A field never set takes the export's value.

A run also remembers the file's scope when the source has one
(``remember(..., scope=...)``): the places in the source its records live,
an Asana project, a Linear team's project.  Tasks an earlier run wrote that
a file no longer holds are "missing" (listed, never deleted) only when that
run's scope lies within the file's: the file is a newer export of what that
run imported, so what it lacks is gone from the source.  Another project's
file then lists none of the first project's tasks.  A CSV run remembered
before scopes were (three elements) covers an unknown scope: it never lists
a task as missing (a listing is only a notice; a wrong one would be worse).
A source without scopes (a Trello board: its key names it) counts every run.

Nothing here is copied into the records themselves, so an export of the
workspace is the same with or without imports.  The memory is local to
the file: a replica that did not run the import has no run of that source,
and every field the export would change reads as a local edit there (kept,
listed: nothing is lost, the import is only more careful).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

from crewdeck.sync.state.store import META_FORMER_NODES

PREFIX = "import.runs."


class Run(NamedTuple):
    """One import's write: its node's stamps from ``first`` to ``last``; ``scope``: where in the source its records live."""

    node: str
    first: str
    last: str
    #: ``None``: the whole source (a Trello board's key names it), or a run remembered before scopes were.
    scope: frozenset[str] | None = None


def runs(conn: sqlite3.Connection, source_key: str) -> list[Run]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PREFIX + source_key,)).fetchone()
    if row is None:
        return []
    return [_run(*stored) for stored in json.loads(row[0])]


def _run(node: str, first: str, last: str, scope: list[str] | None = None) -> Run:
    return Run(str(node), str(first), str(last), None if scope is None else frozenset(scope))


def _stored(run: Run) -> list[Any]:
    return [run.node, run.first, run.last] if run.scope is None else [run.node, run.first, run.last, sorted(run.scope)]


def remember(
    conn: sqlite3.Connection, source_key: str, scope: Collection[str] | None = None
) -> Callable[[Sequence[tuple[Any, ...]]], dict[str, str]]:
    """For ``Store.commit_local(remember=...)``: the meta setting that adds the committed run to the source's runs.

    ``scope``: the file's places in the source, read when the run is remembered (a set filled as the file is read).
    """

    def setting(rows: Sequence[tuple[Any, ...]]) -> dict[str, str]:
        # Store rows start (stamp, node, node seq, ...), in stamp order.  The runs before are read
        # now, inside the write: another import of the source may have finished since the call.
        run = Run(str(rows[0][1]), str(rows[0][0]), str(rows[-1][0]), None if scope is None else frozenset(scope))
        return {PREFIX + source_key: json.dumps([*map(_stored, runs(conn, source_key)), _stored(run)])}

    return setting


def carried(conn: sqlite3.Connection, found: list[Run]) -> list[Run]:
    """``found``, and each run as its unsent operations may be now: a replica found to be a copy of another carried
    them to a node of its own (``Store.take_new_node``), the same time and counter in their stamps under the new node."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_FORMER_NODES,)).fetchone()
    if row is None:
        return found
    former = [str(node) for node in json.loads(row[0])]  # the latest first
    node = conn.execute("SELECT value FROM meta WHERE key = 'node'").fetchone()[0]
    successor = dict(zip(former, [str(node), *former]))
    out = list(found)
    for run in found:
        at = run.node
        while at in successor:
            at = successor[at]
            # A stamp is "<ms>-<counter>-<node>": the node changes, the rest is kept.
            out.append(run._replace(node=at, first=run.first[: -len(run.node)] + at, last=run.last[: -len(run.node)] + at))
    return out


class Guard:
    """Which fields of a record were changed here since the source's last import."""

    def __init__(self, conn: sqlite3.Connection, source_key: str) -> None:
        self.conn = conn
        self.source_key = source_key
        self._runs: list[Run] | None = None

    @property
    def runs(self) -> list[Run]:
        # Read when first asked, inside the import's write: not when the import started, before another finished.
        if self._runs is None:
            self._runs = carried(self.conn, runs(self.conn, self.source_key))
        return self._runs

    def _ours(self, node: str, stamp: str) -> bool:
        return any(node == run.node and run.first <= stamp <= run.last for run in self.runs)

    def edited_here(self, row_id: str, fields: Sequence[str]) -> list[str]:
        """Of ``fields``, those whose value was last written by someone other than an import of the source."""
        if not fields:
            return []
        wanted = set(fields)
        latest: dict[str, tuple[str, str]] = {}
        for name, node, stamp in self.conn.execute("SELECT field, node, op_id FROM ops WHERE row_id = ? ORDER BY op_id", (row_id,)):
            if name in wanted:
                latest[name] = (node, stamp)
        return [name for name in fields if name in latest and not self._ours(*latest[name])]

    def written(self, entity: str, within: Collection[str] | None = None) -> set[str]:
        """Ids of the ``entity`` records the source's imports wrote (a scan of the log: once per import).

        ``within``: a file's scope; only the runs whose scope lies within it count (what the file is a newer export of).
        """
        found: set[str] = set()
        for run in self.runs:
            if within is not None and (run.scope is None or not run.scope <= set(within)):
                continue
            rows = self.conn.execute(
                "SELECT DISTINCT row_id FROM ops WHERE node = ? AND op_id BETWEEN ? AND ? AND entity = ?",
                (run.node, run.first, run.last, entity),
            )
            found.update(row[0] for row in rows)
        return found
