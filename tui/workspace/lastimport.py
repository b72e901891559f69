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

Nothing here is copied into the records themselves, so an export of the
workspace is the same with or without imports.  The memory is local to
the file: a replica that did not run the import has no run of that source,
and every field the export would change reads as a local edit there (kept,
listed: nothing is lost, the import is only more careful).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

PREFIX = "import.runs."

Run = tuple[str, str, str]


def runs(conn: sqlite3.Connection, source_key: str) -> list[Run]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PREFIX + source_key,)).fetchone()
    if row is None:
        return []
    return [(str(node), str(first), str(last)) for node, first, last in json.loads(row[0])]


def remember(conn: sqlite3.Connection, source_key: str) -> Callable[[Sequence[tuple[Any, ...]]], dict[str, str]]:
    """For ``Store.commit_local(remember=...)``: the meta setting that adds the committed run to the source's runs."""

    def setting(rows: Sequence[tuple[Any, ...]]) -> dict[str, str]:
        # Store rows start (stamp, node, node seq, ...), in stamp order.  The runs before are read
        # now, inside the write: another import of the source may have finished since the call.
        run = (str(rows[0][1]), str(rows[0][0]), str(rows[-1][0]))
        return {PREFIX + source_key: json.dumps([*runs(conn, source_key), run])}

    return setting


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
            self._runs = runs(self.conn, self.source_key)
        return self._runs

    def _ours(self, node: str, stamp: str) -> bool:
        return any(node == run_node and first <= stamp <= last for run_node, first, last in self.runs)

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

    def written(self, entity: str) -> set[str]:
        """Ids of the ``entity`` records the source's imports wrote (a scan of the log: once per import)."""
        found: set[str] = set()
        for node, first, last in self.runs:
            rows = self.conn.execute(
                "SELECT DISTINCT row_id FROM ops WHERE node = ? AND op_id BETWEEN ? AND ? AND entity = ?", (node, first, last, entity)
            )
            found.update(row[0] for row in rows)
        return found
