"""What earlier imports of a source wrote: a newer export changes only the fields nobody changed since.

Every write of an import is one or more ``Store.commit_local`` of one
transaction: operations of one node with consecutive stamps.  A run is
remembered as an ``import_run`` record (``records.IMPORT_RUN``: the source,
the run's first and last stamp, its scope) appended in the same
transaction, after the run's operations.  It is replicated like every
record, and the operations keep their node and stamp on every replica, so
the run means the same wherever it is read: an operation belongs to a run
when its node is the run's (the one its stamps name), its stamp lies
between the two, since the node's own stamps only grow, and its member is
the run's importer (a shared file is one node for everyone; the rules
refuse a run naming another node's operations, ``own_run``).  Runs remembered
before the record was (the file's local settings, ``meta`` key
``import.runs.SOURCE``) count too, in the file that holds them.

The operations log keeps every write of every field.  A field holds what
an import of the source put there when the operation that wins it (the
latest on that field) belongs to one of the source's runs; then nobody
changed it since, as far as this copy has pulled, and a newer export may
change it, whoever imports it and wherever.  Otherwise a member changed it
after (or without) an import, on any replica, and that edit wins: the field
is kept and listed.  A field never set takes the export's value.  A joined
replica pulls before it imports (``crewdeck import``), so an edit made
elsewhere is in its log; where its server cannot be reached, only the runs
made on it count (``Guard``'s ``nodes``): a run made elsewhere may be older
than an edit not pulled yet.

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

A source key or scope place longer than the record holds (a huge Trello board id, an Asana project
named at length) is kept as its SHA-256 (``bounded``), read the same way, so matching still works and
the record passes the server's checks; a source key is composed (NFC) first, as the record stores it.

An undo (or redo) of an import's write is the source's write too (``again``): taking the import back leaves the
copy as if it was never made, so the same file imported again brings back what the undo removed and changes what it
set back, where those fields read as a member's edits.  An edit made after the undo still wins.

The runs are records of their own: the tasks an import wrote hold nothing
of it, and an export of the workspace (which leaves ``import_run`` out) is
the same with or without imports.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, NamedTuple

from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import APPEND, RECORD, Op, OpError, check_value
from crewdeck.sync.state.records import composed
from crewdeck.sync.state.store import META_FORMER_NODES
from crewdeck.sync.state.writes import PendingWrites
from crewdeck.tui.workspace.exchange import ImportProblems

PREFIX = "import.runs."
#: What the runs of a crewdeck export's import are remembered as: every crewdeck export is one source.
CREWDECK_SOURCE = "crewdeck"
#: The longest source key and scope place ``records.IMPORT_RUN`` holds.
SOURCE_LIMIT = 200
PLACE_LIMIT = 2000


def bounded(key: str, limit: int) -> str:
    """``key``, or its SHA-256 where it is longer than ``limit``: what a run record holds of it, written and read."""
    return key if len(key) <= limit else "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _source(key: str) -> str:
    """What a run record's ``source`` holds of ``key``: composed (NFC), as the record stores its text, then ``bounded``;
    written and read alike, so a key spelled decomposed (as a Mac may) finds the runs its import remembered."""
    return bounded(composed(key), SOURCE_LIMIT)


def _places(scope: Collection[str]) -> frozenset[str]:
    return frozenset(bounded(place, PLACE_LIMIT) for place in scope)


class Run(NamedTuple):
    """One import's write: its node's stamps from ``first`` to ``last``; ``scope``: where in the source its records live."""

    node: str
    first: str
    last: str
    #: ``None``: the whole source (a Trello board's key names it), or a run remembered before scopes were.
    scope: frozenset[str] | None = None
    #: The member who imported (``None``: a run the file's settings remember, written here by crewdeck itself).
    member: str | None = None


def runs(conn: sqlite3.Connection, source_key: str) -> list[Run]:
    """The source's runs: its ``import_run`` records, and those an older crewdeck remembered in the file's settings."""
    found = [
        # A record's places read bounded as the file's are (``written``): one held at length matches its file's hash.
        Run(Stamp.parse(first).node, first, last, None if scope is None else _places(json.loads(scope)), member)
        for first, last, scope, member in conn.execute(
            "SELECT first_op, last_op, scope, imported_by FROM import_run WHERE source = ?", (_source(source_key),)
        )
    ]
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PREFIX + source_key,)).fetchone()
    if row is not None:
        found.extend(_run(*stored) for stored in json.loads(row[0]))
    return found


def _run(node: str, first: str, last: str, scope: list[str] | None = None) -> Run:
    return Run(str(node), str(first), str(last), None if scope is None else _places(scope))


def remember(source_key: str, scope: Collection[str] | None = None) -> Callable[[str, str, str], PendingWrites]:
    """``(member id, first stamp, last stamp) -> the write that remembers the run``: its ``import_run`` record, committed
    after the run's operations, in their transaction.

    ``scope``: the file's places in the source, read when the run is remembered (a set filled as the file is read).
    """

    def record(member: str, first: str, last: str) -> PendingWrites:
        held = None if scope is None else sorted(_places(scope))
        values = {"source": _source(source_key), "first_op": first, "last_op": last, "scope": held, "imported_by": member}
        row_id = new_id()
        try:
            # Checked as every record is (``Writer.append``): refused by the server, the run would be lost for everyone.
            checked = check_value(Op("", "", 0, member, APPEND, "import_run", row_id, RECORD, ""), values)
        except OpError as exc:
            raise ImportProblems([f"the import's record of what it wrote: {str(exc).split(': ', 1)[-1]}"]) from None
        pending = PendingWrites()
        pending.append("import_run", row_id, checked)
        return pending

    return record


def remembered(ops: Iterable[Op]) -> list[tuple[str, list[str] | None]]:
    """The source and scope of each run ``ops`` remembered (their ``import_run`` records), once each."""
    found: dict[str, tuple[str, list[str] | None]] = {}
    for op in ops:
        if op.kind == APPEND and op.entity == "import_run":
            record = json.loads(op.value)
            found.setdefault(json.dumps([record["source"], record.get("scope")]), (record["source"], record.get("scope")))
    return list(found.values())


def again(runs: Iterable[tuple[str, list[str] | None]], member: str, first: str, last: str) -> list[dict[str, Any]]:
    """``import_run`` records of ``runs``' sources and scopes for ``member``'s operations ``first`` to ``last``: an undo
    (or redo) of an import's write.  Taking it back is the source's own write, not a member's edit: importing again
    brings back what it removed and changes what it restored, where every such field read as changed since."""
    # Held as the first run's record holds them (composed, bounded): read the same way, written again unchanged.
    return [{"source": source, "first_op": first, "last_op": last, "scope": scope, "imported_by": member} for source, scope in runs]


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

    def __init__(self, conn: sqlite3.Connection, source_key: str, nodes: Collection[str] | None = None) -> None:
        """``nodes``: only the runs of these nodes count (a replica's own, when its server could not be reached to pull
        the others' edits since: a run made elsewhere may be older than an edit not pulled yet); ``None``: every run."""
        self.conn = conn
        self.source_key = source_key
        self.nodes = None if nodes is None else frozenset(nodes)
        self._runs: list[Run] | None = None

    @property
    def runs(self) -> list[Run]:
        # Read when first asked, inside the import's write: not when the import started, before another finished.
        if self._runs is None:
            found = carried(self.conn, runs(self.conn, self.source_key))
            self._runs = found if self.nodes is None else [run for run in found if run.node in self.nodes]
        return self._runs

    def _ours(self, node: str, stamp: str, member: str) -> bool:
        return any(node == run.node and run.first <= stamp <= run.last and run.member in (None, member) for run in self.runs)

    def wrote(self, row_id: str, name: str, *, unnamed: bool = False) -> bool:
        """Whether the record's field holds what an import of the source wrote: its last write belongs to one of the
        source's runs.  ``unnamed``: or was made by nobody, as an import into a workspace with no member yet writes (a
        restore of an export, whose run names no importer and is not remembered)."""
        last = self.conn.execute(
            "SELECT node, op_id, member FROM ops WHERE row_id = ? AND field = ? ORDER BY op_id DESC LIMIT 1", (row_id, name)
        ).fetchone()
        return last is not None and ((unnamed and not last[2]) or self._ours(*last))

    def edited_here(self, row_id: str, fields: Sequence[str]) -> list[str]:
        """Of ``fields``, those whose value was last written by someone other than an import of the source."""
        if not fields:
            return []
        wanted = set(fields)
        latest: dict[str, tuple[str, str, str]] = {}
        for name, node, stamp, member in self.conn.execute(
            "SELECT field, node, op_id, member FROM ops WHERE row_id = ? ORDER BY op_id", (row_id,)
        ):
            if name in wanted:
                latest[name] = (node, stamp, member)
        return [name for name in fields if name in latest and not self._ours(*latest[name])]

    def written(self, entity: str, within: Collection[str] | None = None) -> set[str]:
        """Ids of the ``entity`` records the source's imports wrote (a scan of the log: once per import).

        ``within``: a file's scope; only the runs whose scope lies within it count (what the file is a newer export of).
        """
        found: set[str] = set()
        places = None if within is None else _places(within)
        for run in self.runs:
            if places is not None and (run.scope is None or not run.scope <= places):
                continue
            rows = self.conn.execute(
                "SELECT DISTINCT row_id FROM ops WHERE node = ? AND op_id BETWEEN ? AND ? AND entity = ? AND member = COALESCE(?, member)",
                (run.node, run.first, run.last, entity, run.member),
            )
            found.update(row[0] for row in rows)
        return found
