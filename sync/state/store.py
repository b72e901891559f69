"""The store: one SQLite file holding the operations log and the state it yields.

The same code serves a member's local replica, a shared file several
processes write at once, and the sync server.  Every write is one
``BEGIN IMMEDIATE`` transaction holding the operations, the clock that
stamped them and the materialized rows the UI reads, so a crash leaves
either all of a change or none of it.

Local edits go through ``Store.write()``; operations from elsewhere go
through ``Store.apply()``, which is idempotent and order-independent.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import operator
import os
import sqlite3
import stat
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from itertools import count, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from crewdeck.sync.state import rollup_days, rollups, schema
from crewdeck.sync.state.clock import MAX_DRIFT_MS, HybridClock, Stamp, format_duration, wall_ms
from crewdeck.sync.state.ids import new_id, new_node_id
from crewdeck.sync.state.iotrouble import disk_full, io_trouble
from crewdeck.sync.state.lockwait import LockWait, begin_immediate, clear_interrupt, gave_up_waiting
from crewdeck.sync.state.oplog import APPEND, OP_COLUMNS, RECORD, WRITE_STAMP_CHARS, Op, row_entity_clash, same_write
from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.records import ENTITIES, Entity, ValidationError, canonical_json
from crewdeck.sync.state.sharedfile import (
    FILE_MODE,
    OpenedFile,
    access_problem,
    check_local_disk,
    create_group_writable,
    restore_side_files,
)
from crewdeck.sync.state.writes import PendingWrites, Writer

if TYPE_CHECKING:
    from crewdeck.sync.state.published import Published
    from crewdeck.sync.state.push import NodeHead, PushPlan, RefusedOp

#: How long a writer waits for another process's write lock, in seconds.
BUSY_TIMEOUT = 30.0
#: Operations written between two progress reports of a long write.
_PROGRESS_STEP = 50_000

#: ``(done, total)`` while a long write or apply runs.
Progress = Callable[[int, int], None]

#: The target of an insert of whole operations.
_INTO_OPS = f"INTO ops({OP_COLUMNS}) VALUES ({', '.join('?' * len(Op._fields))})"
#: The same, with ``seq`` given (after refused operations left the top of the log).
_INTO_OPS_AT = f"INTO ops(seq, {OP_COLUMNS}) VALUES ({', '.join('?' * (len(Op._fields) + 1))})"
#: A served file's index of the log by stamp: a pushed operation may not carry a stamp already stored (``push.plan``).
STAMP_INDEX = "CREATE INDEX IF NOT EXISTS ops_by_stamp ON ops(op_id)"
#: Stamps looked up in one query (under SQLite's limit of bound values).
_STAMPS_PER_QUERY = 500
#: What identifies an operation, as the log's unique index has it: ``(op_id, row_id, field)``.
OpKey = tuple[str, str, str]


def _by_identity(ops: Iterable[Op]) -> dict[OpKey, Op]:
    """Operations by what identifies them (duplicates are one), in a key that sorts by stamp.

    Not by stamp alone: a log that holds one stamp on two fields (a
    replica that used its stamp again) is copied whole.
    """
    return {(op.op_id, op.row_id, op.field): op for op in ops}


#: An operation's columns of ``refused_ops AS r``, in ``Op`` field order.
_REFUSED_COLUMNS = ", ".join(f"r.{name}" for name in Op._fields)
#: The nodes a replica had before it turned out to be a copy of another (``Store.take_new_node``): JSON, the latest first.
META_FORMER_NODES = "node.former"
#: The highest ``seq`` ever stored, kept while it is above the log's own highest.
META_SEQ_FLOOR = "ops.seq_floor"
#: A write of at least this many rows into one table builds the table's
#: lookup indexes again afterwards instead of keeping them up to date row by
#: row: SQLite builds an index from sorted keys several times faster.
BULK_ROWS = 10_000
#: Inside ``bulk``: allocations after which the collector's young generation is collected (Python's 700).
BULK_YOUNG_COLLECTED_AFTER = 50_000


class WorkspaceError(Exception):
    """A workspace that cannot be opened or written, with the reason."""


class DiskFull(WorkspaceError):
    """A write the full disk holding the workspace refused: nothing was written."""


class WriteFailed(WorkspaceError):
    """A write the workspace's disk or file refused otherwise (the disk failed or went read-only, the file's access, the
    process's file size limit): nothing was written, and no wait for another writer mends it."""


class WorkspaceBusy(WorkspaceError):
    """The workspace stayed locked by another process past the wait (``busy_timeout``), or a write was refused by what
    passes (``_PASSING_IOERR``): nothing was done, and the same command may succeed later, which a script (a cron job)
    is to tell from input that will never do."""


@dataclass
class Change:
    """What one transaction changed: rows per entity and who did it."""

    rows: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ops: int = 0
    #: Writes made here carried over to a node of this replica's own: it turned out to be a copy (``take_new_node``).
    carried: int = 0

    def add(self, entity: str, row_id: str) -> None:
        self.rows[entity].add(row_id)


#: The SQL function every connection has: text lowercased letter for letter, for a search of a word not in ASCII (SQL's
#: ``LIKE`` and ``lower`` fold A to Z alone).  Text is stored composed (``records.composed``): nothing else is needed.
FOLDED = "crewdeck_folded"


def folded(text: str | None) -> str | None:
    """``text`` lowercased: "CAFÉ" and "café" read alike, "STRAẞE" as "straße" (and "ß" stays "ß": not "ss")."""
    return text if text is None else text.lower()


#: Page caches, KiB, each allocated only as used.  Big imports and first syncs insert into three random-keyed b-trees: a
#: large cache keeps them fast.
BULK_CACHE_KIB = 65_536
#: SQLite's default, for the connections that read small windows (the file's watchers, the ranked task list, the sync
#: engine): they read as fast through it, the OS keeping the file's pages, where the bulk cache filled as they read
#: (scoring every task each minute: ~55 MB at 100,000 tasks) and was never given back.
WINDOW_CACHE_KIB = 2_000


def connect(
    path: Path, *, readonly: bool = False, busy_timeout: float = BUSY_TIMEOUT, cache_kib: int = BULK_CACHE_KIB
) -> sqlite3.Connection:
    """A connection with the settings every crewdeck connection uses; ``cache_kib``: its page cache."""
    # The path's bytes as the system names the file: its text in UTF-8 named another file under a locale of ISO-8859-1.
    uri = f"file:{quote(os.fsencode(Path(path).resolve()))}?mode={'ro' if readonly else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.OperationalError as exc:
        raise WorkspaceError(f"cannot open workspace {typed_name(path)}: {access_problem(Path(path)) or exc}") from None
    # A search for "café" finds "CAFÉ", which LIKE alone does not.
    conn.create_function(FOLDED, 1, folded, deterministic=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        # NORMAL in WAL mode: a commit survives a crash of any process; only a
        # power cut can lose the last few commits, never corrupt the file.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = {-cache_kib}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        # Its first statement reads the schema: a lock another process holds is met here, and is no sign of another file.
        busy = _busy(Path(path), exc, busy_timeout)
        raise busy or WorkspaceError(_unreadable(Path(path), exc) or f"{typed_name(path)} is not a crewdeck workspace ({exc})") from None
    return conn


def _unreadable(path: Path, exc: sqlite3.Error) -> str | None:
    """Why the first read of a file failed, when it is not a matter of its contents."""
    code = _primary_code(exc)
    if code == sqlite3.SQLITE_NOTADB:
        return f"{typed_name(path)} is not a crewdeck workspace (not an SQLite database)"
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return f"cannot open workspace {typed_name(path)}: {access_problem(path) or exc}"
    if code == sqlite3.SQLITE_IOERR:  # its -shm not made (a full disk, a file size limit): no word on what the file holds
        trouble = io_trouble(path)
        return (
            f"cannot open workspace {typed_name(path)} ({exc}): {trouble}"
            if trouble
            else f"cannot open workspace {typed_name(path)}: {exc}"
        )
    return None


def _no_workspace(path: Path) -> str:
    """Why nothing is at ``path``: no workspace made there yet, or its directory is gone, where ``crewdeck init`` fails."""
    directory = path.absolute().parent
    if not directory.is_dir():
        return f"no workspace at {typed_name(path)}: its directory {typed_name(directory)} does not exist (moved or renamed, or on a disk not mounted?)"
    return f"no workspace at {typed_name(path)} (create one with: crewdeck init {typed_name(path)})"


def max_seq(conn: sqlite3.Connection) -> int:
    """The newest ``seq`` stored (0 for an empty log): the head of every pull cursor."""
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM ops").fetchone()[0])


#: Bytes an operation takes on the wire besides its value and row id (its
#: seq, stamp, node, counter, member, kind, entity, field and JSON punctuation).
OP_WIRE_OVERHEAD = 256


def op_wire_size(op: Op) -> int:
    """An operation's size in a pull page, in bytes (at least; close for the large ones that matter)."""
    value = op.value if op.value.isascii() else op.value.encode()
    return len(value) + len(op.row_id) + OP_WIRE_OVERHEAD


def ops_after(conn: sqlite3.Connection, seq: int, limit: int, max_bytes: int | None = None) -> list[tuple[int, Op]]:
    """``(seq, operation)`` stored after ``seq``, in ``seq`` order.

    With ``max_bytes``, stop before the operation that would take the page
    past that many bytes on the wire (``op_wire_size``), keeping at least
    one: rows are read one at a time, so no more than the page is read.
    """
    rows = conn.execute(f"SELECT seq, {OP_COLUMNS} FROM ops WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
    if max_bytes is None:
        return [(r[0], Op(*r[1:])) for r in rows.fetchall()]
    page: list[tuple[int, Op]] = []
    size = 0
    for r in rows:
        op = Op(*r[1:])
        size += op_wire_size(op)
        if page and size > max_bytes:
            break
        page.append((r[0], op))
    rows.close()
    return page


def _now_text() -> str:
    """When a refusal was kept (``refused_ops.refused_at``), to the millisecond: the changes stamped before it are those
    it can have been refused for (a stale approval's line names the void among them, ``describe``)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def remove_workspace_files(path: Path) -> None:
    """Remove a workspace file that was never any use, with its ``-wal`` and ``-shm``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's ``data_version``: changed by every commit of another connection since, never by this one's own."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


class Store:
    """An open workspace file.

    ``busy_timeout``: how long a write waits for another process's write
    lock before it gives up with a ``WorkspaceError``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        check_disk: bool = True,
        busy_timeout: float = BUSY_TIMEOUT,
        cache_kib: int = BULK_CACHE_KIB,
    ) -> None:
        self.path = Path(path)
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise WorkspaceError(_no_workspace(self.path)) from None
        except OSError as exc:
            raise WorkspaceError(f"cannot open workspace {typed_name(self.path)}: {exc.strerror}") from None
        if stat.S_ISDIR(st.st_mode):
            raise WorkspaceError(f"{typed_name(self.path)} is a directory, not a crewdeck workspace")
        if st.st_size == 0:
            raise WorkspaceError(
                f"{typed_name(self.path)} is an empty file, not a crewdeck workspace (remove it, then: crewdeck init {typed_name(self.path)})"
            )
        if check_disk:
            try:
                check_local_disk(self.path)
            except OSError as exc:
                raise WorkspaceError(str(exc)) from None
        #: The file the path named when opened: writes stop if it is deleted or replaced.
        self.opened = OpenedFile.at(self.path, st)
        if not readonly:
            restore_side_files(self.path, st)
        self.busy_timeout = busy_timeout
        self.conn = connect(self.path, readonly=readonly, busy_timeout=busy_timeout, cache_kib=cache_kib)
        try:
            self._identify(readonly)
        except BaseException:
            self.conn.close()
            raise
        self.readonly = readonly
        self.wall: Callable[[], int] = wall_ms
        #: A manager acting as another member here (``--as`` on a shared
        #: host): each write also records who really made it.
        self.actor: str | None = None
        #: Why the session writing here may write no more (its browser session or SSH key ended), read on this
        #: connection inside each local write's transaction; ``None`` while it may.  Set by the app of such a session.
        self.session_ended: Callable[[sqlite3.Connection], str | None] | None = None
        #: Inside ``bulk``: local commits join its one transaction.
        self._bulk = False
        #: Inside ``held``: local commits join its one transaction (and nothing else of ``bulk``'s).
        self._held = False
        #: The lists ``recording`` blocks gather this store's commits in.
        self._recorders: list[list[Op]] = []
        #: The hooks ``remembering`` blocks call inside each local commit's transaction.
        self._rememberers: list[Callable[[Op, Op], None]] = []
        #: Inside ``bulk``: the log's indexes, dropped until its end (``None``: in place).
        self._log_dropped: list[tuple[str, str]] | None = None
        #: Inside ``bulk``: something read the log by record, so its index stays.
        self._log_wanted = False
        #: Inside ``bulk``: the log's size when it began, and the operations written since.
        self._bulk_log = (0, 0)
        #: Inside ``bulk``: task and result rows written since it began, or the roll-ups' triggers, suspended
        #: until its end (``_suspend_rollups``).
        self._bulk_rollup_rows: int | list[str] = 0
        #: Inside ``bulk``: the results table's size, once it was needed.
        self._bulk_results_held: int | None = None
        #: Inside ``bulk``: the last ``stored_entities`` read (the ids asked, the answer), and the rows changed by then:
        #: an import's merge asks of a batch's records, then its commit of the same ones, with nothing written between.
        self._bulk_stored: tuple[frozenset[str], dict[str, str], int] | None = None
        #: Its waits for the write lock: ``interrupt`` ends them, and ``waiting_for_lock`` tells one under way.
        self._lock_wait = LockWait()
        if not readonly and self.get_meta(schema.ACCESS_PENDING):
            self._grant_access()
        if not readonly and self.get_meta(schema.MANAGERLESS):
            self._heal_managerless()

    @property
    def node(self) -> str:
        """This file's node id, the one its next write stamps with.

        Read from the file each time, not kept: a replica found to be a copy
        of another takes a new one (``take_new_node``), in whichever process
        syncs it, and every process writing it must stamp with that one.
        """
        return str(self.conn.execute("SELECT value FROM meta WHERE key = 'node'").fetchone()[0])

    def _identify(self, readonly: bool) -> None:
        """Check the file is a crewdeck workspace (it has a node id); then WAL mode and migrations.

        Nothing is written before the file has shown itself to be one of
        ours: another program's database keeps its journal mode and
        ``user_version``.  Three reads, as many as an open always took.
        """
        try:
            version = schema.user_version(self.conn)
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'node'").fetchone()
        except sqlite3.DatabaseError as exc:
            # Locked by another process (a file in rollback-journal mode mid-write): said as such, where it was said to
            # be no crewdeck workspace.
            raise _busy(self.path, exc, self.busy_timeout) or WorkspaceError(self._not_ours(exc)) from None
        if row is None:
            raise WorkspaceError(f"{typed_name(self.path)} is not a crewdeck workspace (no node id)")
        try:
            if readonly:
                if version != schema.SCHEMA_VERSION:
                    raise WorkspaceError(f"{typed_name(self.path)} needs a schema upgrade; open it once without read-only mode")
                return
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            if version != schema.SCHEMA_VERSION:
                schema.migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            error = _busy(self.path, exc, self.busy_timeout) or _write_error(self.path, exc)
            raise error or WorkspaceError(f"cannot open workspace {typed_name(self.path)}: {exc}") from None
        except RuntimeError as exc:
            raise WorkspaceError(str(exc)) from None

    def _not_ours(self, exc: sqlite3.DatabaseError) -> str:
        """Why a file whose first read failed is not a workspace this process can open."""
        reason = _unreadable(self.path, exc)
        if reason is not None:
            return reason
        try:
            tables = [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 4")]
        except sqlite3.DatabaseError:
            return f"{typed_name(self.path)} is not a crewdeck workspace ({exc})"
        if not tables:
            return f"{typed_name(self.path)} is an empty SQLite database, not a crewdeck workspace (remove it, then: crewdeck init {typed_name(self.path)})"
        listed = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        return f"{typed_name(self.path)} is another program's SQLite database (tables: {listed}), not a crewdeck workspace; it was left as it was"

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, check_disk: bool = True, mode: int = FILE_MODE) -> Store:
        """Create a new, empty workspace file (group-writable, WAL mode; ``mode``: another, from its first byte)."""
        target = Path(path)
        if target.exists():
            raise WorkspaceError(f"{typed_name(target)} already exists")
        if not target.parent.is_dir():
            raise WorkspaceError(f"directory {typed_name(target.parent)} does not exist")
        if check_disk:
            try:
                check_local_disk(target)
            except OSError as exc:
                raise WorkspaceError(str(exc)) from None
        try:
            create_group_writable(target, mode)
        except OSError as exc:
            raise WorkspaceError(f"cannot create {typed_name(target)}: {exc.strerror}") from None
        conn: sqlite3.Connection | None = None
        try:
            conn = connect(target)
            conn.execute("PRAGMA journal_mode = WAL")
            schema.migrate(conn)
            conn.execute("BEGIN IMMEDIATE")
            node = new_node_id()
            conn.execute("INSERT INTO meta(key, value) VALUES ('node', ?)", (node,))
            conn.execute("INSERT INTO clock(id, last, node_seq) VALUES (1, ?, 0)", (str(Stamp(0, 0, node)),))
            conn.execute("COMMIT")
            conn.close()
        except BaseException as exc:
            if conn is not None:
                conn.close()
            remove_workspace_files(target)
            if isinstance(exc, sqlite3.Error):
                raise _write_error(target, exc) or WorkspaceError(f"cannot create {typed_name(target)}: {exc}") from None
            raise
        return cls(target, check_disk=False)

    @classmethod
    @contextmanager
    def fresh(cls, path: str | os.PathLike[str]) -> Iterator[Store]:
        """A new workspace for the block to fill; if the block fails, no file is left behind."""
        store = cls.create(path)
        try:
            yield store
        except BaseException:
            store.close()
            remove_workspace_files(store.path)
            raise
        store.close()

    @contextmanager
    def rehearsal(self) -> Iterator[Store]:
        """A private copy of the file as it is now, open for the block to write to, then thrown away (a dry run).

        Making it only reads this file, in one read transaction: a dry run
        neither waits for another process's write lock on a shared file nor
        holds up theirs, and whatever it writes never reaches the file.
        """
        with tempfile.TemporaryDirectory(prefix="crewdeck-rehearsal-") as directory:
            target = Path(directory) / self.path.name
            copy = sqlite3.connect(target)
            try:
                self.conn.backup(copy)
            except sqlite3.Error as exc:
                raise _write_error(target, exc) or WorkspaceError(f"cannot copy {typed_name(self.path)} for a dry run: {exc}") from None
            finally:
                copy.close()
            rehearsed = Store(target, check_disk=False, busy_timeout=self.busy_timeout)
            rehearsed.wall = self.wall
            rehearsed.actor = self.actor
            try:
                yield rehearsed
            finally:
                rehearsed.close()

    def close(self) -> None:
        clear_interrupt(self.conn)
        self.conn.close()

    def interrupt(self, *, statement: bool = True) -> None:
        """End at once, from any thread, this store's wait for the write lock and every later wait
        (``lockwait.Interrupted``), and with ``statement`` the statement running on it: its session is closing.  A write
        ended so is rolled back whole."""
        self._lock_wait.interrupted.set()
        if statement:
            self.interrupt_statement()

    def interrupt_statement(self) -> None:
        """End at once, from any thread, the statement running on this store, and nothing later: a read's.  Only while
        one runs: an interrupt finding none stays pending until the next statement (``lockwait.clear_interrupt``)."""
        with suppress(sqlite3.ProgrammingError):  # closed already: nothing runs on it
            self.conn.interrupt()

    def waiting_for_lock(self) -> int | None:
        """The number of this store's wait under way behind another process's write lock, or ``None`` (see
        ``lockwait.LockWait.waiting``): a write of it waits, from any thread."""
        return self._lock_wait.waiting()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ reading

    def max_seq(self) -> int:
        return max_seq(self.conn)

    def ops_after(self, seq: int, limit: int = 10_000, max_bytes: int | None = None) -> list[tuple[int, Op]]:
        return ops_after(self.conn, seq, limit, max_bytes)

    def own_ops_after(self, seq: int, limit: int = 10_000) -> list[tuple[int, Op]]:
        """This node's own operations stored after ``seq``: what a push sends.

        Walks the log by ``seq`` (its primary key) from a push cursor, so it
        costs what was stored since the last acknowledged push, not the log.
        """
        rows = self.conn.execute(
            f"SELECT seq, {OP_COLUMNS} FROM ops WHERE seq > ? AND node = ? ORDER BY seq LIMIT ?", (seq, self.node, limit)
        ).fetchall()
        return [(r[0], Op(*r[1:])) for r in rows]

    def own_ops_between(self, after: int, upto: int) -> int:
        """How many of this node's own operations are stored after ``seq`` ``after`` and up to ``upto``."""
        row = self.conn.execute("SELECT count(*) FROM ops WHERE seq > ? AND seq <= ? AND node = ?", (after, upto, self.node)).fetchone()
        return int(row[0])

    def own_writes_after(self, seq: int) -> int:
        """How many writes (``oplog.same_write``: a task typed is one, not its four operations) this node's own operations
        stored after ``seq`` are."""
        row = self.conn.execute(
            "SELECT count(*) FROM (SELECT DISTINCT member, entity, row_id, substr(op_id, 1, ?), CASE WHEN kind = ? THEN op_id END"
            " FROM ops WHERE seq > ? AND node = ?)",
            (WRITE_STAMP_CHARS, APPEND, seq, self.node),
        ).fetchone()
        return int(row[0])

    def own_number_before(self, node_seq: int) -> int:
        """The ``seq`` of this node's operation with the highest number below ``node_seq`` (0: none): where a push cursor
        goes for the server to get ``node_seq`` next (a number refused here is out of the log; rare: a full scan)."""
        row = self.conn.execute(
            "SELECT seq FROM ops WHERE node = ? AND node_seq < ? ORDER BY node_seq DESC LIMIT 1", (self.node, node_seq)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def op_id_at(self, seq: int) -> str | None:
        """The ``op_id`` of the operation stored as ``seq``, if one is."""
        row = self.conn.execute("SELECT op_id FROM ops WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else str(row[0])

    def last_own_seq(self, upto: int) -> int:
        """The ``seq`` of this node's last operation at or before ``upto`` (0: none): a push cursor rewound to it sends from
        the next one on."""
        row = self.conn.execute("SELECT seq FROM ops WHERE seq <= ? AND node = ? ORDER BY seq DESC LIMIT 1", (upto, self.node)).fetchone()
        return 0 if row is None else int(row[0])

    def node_seq(self) -> int:
        """How many operations this node has made."""
        return int(self.conn.execute("SELECT node_seq FROM clock WHERE id = 1").fetchone()[0])

    def op_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM ops").fetchone()[0])

    def history(self, row_id: str) -> list[Op]:
        """Every operation on a record, oldest first."""
        rows = self.conn.execute(f"SELECT {OP_COLUMNS} FROM ops WHERE row_id = ? ORDER BY op_id", (row_id,)).fetchall()
        return [Op(*r) for r in rows]

    def field_winner(self, row_id: str, field_name: str) -> str | None:
        """The stamp of the operation that holds a field's value now."""
        row = self.conn.execute(
            "SELECT op_id FROM ops WHERE row_id = ? AND field = ? ORDER BY op_id DESC LIMIT 1", (row_id, field_name)
        ).fetchone()
        return row[0] if row else None

    def stamp_now(self, op: Op) -> str:
        """The stamp ``op`` has in the log now: its own, or, carried to a node of this replica's own since
        (``take_new_node``), the one it took then: the same time and counter under the new node."""
        held = "SELECT op_id FROM ops WHERE row_id = ? AND field = ? AND member = ? AND op_id "
        if self.conn.execute(held + "= ?", (op.row_id, op.field, op.member, op.op_id)).fetchone():
            return op.op_id
        when = op.op_id[: -len(op.node)]  # "<ms>-<counter>-": a node is hex digits, all below "g"
        row = self.conn.execute(
            held + "> ? AND op_id < ? ORDER BY op_id LIMIT 1", (op.row_id, op.field, op.member, when, when + "g")
        ).fetchone()
        return str(row[0]) if row else op.op_id

    def op_member(self, op_id: str) -> str | None:
        """The member who wrote the operation stamped ``op_id`` (``None``: no such operation here)."""
        row = self.conn.execute("SELECT member FROM ops WHERE op_id = ?", (op_id,)).fetchone()
        return row[0] if row else None

    def field_value_before(self, row_id: str, field_name: str, op_id: str) -> tuple[bool, Any]:
        """The value a field had just before ``op_id``: ``(was set, value)``."""
        row = self.conn.execute(
            "SELECT value FROM ops WHERE row_id = ? AND field = ? AND op_id < ? ORDER BY op_id DESC LIMIT 1",
            (row_id, field_name, op_id),
        ).fetchone()
        return (False, None) if row is None else (True, json.loads(row[0]))

    def record(self, entity_name: str, row_id: str) -> dict[str, Any] | None:
        """One record's field values (``None`` when it was never written)."""
        spec = ENTITIES[entity_name]
        cols = _column_names(spec)
        row = self.conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{spec.name}] WHERE id = ?", (row_id,)).fetchone()
        return None if row is None else _decode(spec, row)

    def records_of(self, entity_name: str, row_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``record`` of each of these ids that was written, in one query (an import's batch)."""
        spec = ENTITIES[entity_name]
        cols = ", ".join(f"r.[{c}]" for c in _column_names(spec))
        rows = self.conn.execute(
            f"SELECT r.id, {cols} FROM json_each(?) AS j JOIN [{spec.name}] AS r ON r.id = j.value", (json.dumps(list(row_ids)),)
        )
        return {row[0]: _decode(spec, row[1:]) for row in rows}

    def records(
        self, entity_name: str, *, include_deleted: bool = False, but: Collection[object] = ()
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, field values)`` of every record of an entity but those of ``but``, by id."""
        spec = ENTITIES[entity_name]
        for row in self.conn.execute(_records_sql(spec, include_deleted)):
            if row[0] not in but:
                yield row[0], _decode(spec, row[1:])

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Local, unreplicated settings of this file (such as its remote)."""
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def set_meta_unless_busy(self, key: str, value: str) -> None:
        """A local setting written only where the file's write lock is free now and its path still names the file
        opened, else nothing written (``WorkspaceError``): for what is worth keeping but never worth a wait, as the last
        round a sync engine made, kept as it stops (waiting there held the app's close up to the busy timeout)."""
        try:
            with _Transaction(self.conn, 0.0, self.opened, self._lock_wait):
                self.set_meta(key, value)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")

    def update_meta(self, key: str, change: Callable[[str | None], str]) -> None:
        """A local setting read and replaced in one transaction (inside ``held`` or ``bulk``, that one's): two processes
        on the file never both change the same value.  A value left as it was is not written again (every write wakes
        whoever watches the file)."""
        with self._joined():
            was = self.get_meta(key)
            now = change(was)
            if now != was:
                self.set_meta(key, now)

    def update_metas(self, keys: tuple[str, ...], change: Callable[[tuple[str | None, ...]], tuple[str, ...]]) -> None:
        """``update_meta`` for several settings read and replaced together, in one transaction (inside ``held`` or
        ``bulk``, that one's)."""
        with self._joined():
            was = tuple(self.get_meta(key) for key in keys)
            for key, old, new in zip(keys, was, change(was), strict=True):
                if new != old:
                    self.set_meta(key, new)

    def set_metas(self, values: dict[str, str]) -> None:
        """Several local settings in one transaction (inside ``held`` or ``bulk``, that one's): all of them are saved,
        or none."""
        with self._joined():
            for key, value in values.items():
                self.set_meta(key, value)

    # ------------------------------------------------------------ writing

    def write(self, member: str, on_progress: Progress | None = None, *, judged: bool = True) -> Writer:
        """Collect local edits; they are stamped and committed when the block ends.

        ``judged``: the rules decide the edits first (see ``commit_local``).
        """
        if self.readonly:
            raise WorkspaceError(f"{typed_name(self.path)} is open read-only")
        return Writer(self, member, on_progress, judged=judged)

    def _transaction(self, what: str) -> _Transaction:
        """A write transaction of its own for ``what`` (the method asking, named if it is asked for in the wrong place)."""
        if self._bulk or self._held:
            # SQLite cannot begin a transaction inside another: its words, "cannot start a transaction within a
            # transaction", read as the file locked by another writer, and the caller was told to try again.
            within = "bulk" if self._bulk else "held"
            raise RuntimeError(
                f"programming error: Store.{what} inside Store.{within}: it is a transaction of its own and cannot "
                f"join that one; call it before or after the {within} block"
            )
        return _Transaction(self.conn, self.busy_timeout, self.opened, self._lock_wait)

    def _joined(self) -> AbstractContextManager[object]:
        """A transaction of its own, or inside ``held`` or ``bulk`` that one's: what is written is kept with all of it,
        or not at all."""
        return nullcontext() if self._bulk or self._held else _Transaction(self.conn, self.busy_timeout, self.opened, self._lock_wait)

    @contextmanager
    def held(self) -> Iterator[None]:
        """One write transaction around what the block reads and the local commits it makes: no other writer's commit
        comes between them (what a write changed, read before and after it, is then its own doing).  All of it, or none.
        Inside ``bulk`` or another ``held``: that one's transaction."""
        if self._bulk or self._held:
            yield
            return
        if self.readonly:
            raise WorkspaceError(f"{typed_name(self.path)} is open read-only")
        with self._transaction("held"):
            self._held = True
            try:
                yield
            finally:
                self._held = False

    @contextmanager
    def snapshot(self) -> Iterator[int]:
        """One read transaction around what the block reads, without the write lock: one state of the file, whatever
        other writers commit meanwhile.  Yields that state's ``version``: a ``held`` block that finds it unchanged
        reads the same state, so what was read here need not be read again under the lock.  Inside ``held`` or
        ``bulk``: that one's transaction (the lock is held already)."""
        if self.conn.in_transaction:  # ``held``'s, ``bulk``'s, or one the caller opened
            yield self.version()
            return
        self.conn.execute("BEGIN")
        try:
            # The read transaction starts here: the version is the state the block reads.
            yield self.version()
        finally:
            # SQLite may have ended it itself (an error that rolls back): a second rollback would hide that error.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def version(self) -> int:
        return data_version(self.conn)

    @contextmanager
    def bulk(self, cache_mb: int = 32, *, rehearse: bool = False) -> Iterator[None]:
        """One transaction around many ``commit_local`` calls (an import written in batches): all of them, or none.

        ``rehearse``: every write is made and judged by the rules, then rolled
        back (a dry run that refuses what the real one would).

        Meanwhile the record tables' lookup indexes are dropped, and built
        again at the end (as one large commit does).  So is the log's, once
        the bulk has written as many operations as the log held (see
        ``_drop_log_index``), unless something asks to read the log by record
        (``need_log_index``); which records are here already is answered by
        the record tables meanwhile (``stored_entities``).  A larger page
        cache: the indexes kept grow by every batch.
        """
        if self.readonly:
            raise WorkspaceError(f"{typed_name(self.path)} is open read-only")
        (before,) = self.conn.execute("PRAGMA cache_size").fetchone()
        self.conn.execute(f"PRAGMA cache_size = {-1024 * cache_mb}")
        try:
            with _collecting_less(), self._transaction("bulk") as transaction, ExitStack() as rebuilt:
                for name in ENTITIES:
                    rebuilt.enter_context(_indexes_built_after(self.conn, name, BULK_ROWS))
                changes = self.conn.total_changes
                self._bulk = True
                self._bulk_log = (self.max_seq(), 0)
                self._bulk_rollup_rows = 0
                self._bulk_results_held = None
                try:
                    yield
                    self.need_log_index()
                    if isinstance(self._bulk_rollup_rows, list):
                        rollups.refill(self.conn, self._bulk_rollup_rows)
                finally:
                    self._bulk = False
                    self._bulk_stored = None
                    self._log_dropped = None
                    self._log_wanted = False
                    self._bulk_rollup_rows = 0
                    self._bulk_results_held = None
                if rehearse or self.conn.total_changes == changes:
                    # Not a row written (a second import of a file): the rollback brings the
                    # indexes back as they were, where building them again reads every row.
                    rebuilt.pop_all()  # their rebuilds, never run
                    transaction.abandon()
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(before)}")

    def need_log_index(self) -> None:
        """The log's index back in place for the rest of a ``bulk`` (a lookup of a record's operations needs it).

        Whatever reads the log by record inside a bulk calls this first
        (without the index, each such read is a scan of the whole log).
        """
        if not self._bulk:
            return
        self._log_wanted = True
        if self._log_dropped is not None:
            for _, sql in self._log_dropped:
                self.conn.execute(sql)
            self._log_dropped = None

    def _drop_log_index(self, rows: int) -> None:
        """Inside ``bulk``: once it has written as many operations as the log held (and ``BULK_ROWS``), the
        log's indexes go until its end: building them once from sorted keys costs less than keeping them up
        to date entry by entry, unless the log was much larger than what is added to it."""
        before, written = self._bulk_log
        self._bulk_log = (before, written + rows)
        if self._log_dropped is not None or self._log_wanted or written + rows < max(BULK_ROWS, before):
            return
        dropped = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ops' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in dropped:
            self.conn.execute(f'DROP INDEX "{name}"')
        self._log_dropped = dropped

    def _suspend_rollups(self, rows: int) -> None:
        """Inside ``bulk``: once it has written as many task and result rows as the results table held (and
        ``BULK_ROWS``), the roll-ups' triggers go until its end, which fills the roll-ups again from the
        records (``rollups``): one pass over the results costs less than the triggers' queries row by row."""
        if isinstance(self._bulk_rollup_rows, list):
            return
        written = self._bulk_rollup_rows + rows
        self._bulk_rollup_rows = written
        if written < BULK_ROWS:
            return
        if self._bulk_results_held is None:
            self._bulk_results_held = rollups.results_held(self.conn)
        if written >= self._bulk_results_held:
            self._bulk_rollup_rows = rollups.suspend(self.conn)

    def _load_clock(self) -> tuple[HybridClock, int]:
        last, node_seq = self.conn.execute("SELECT last, node_seq FROM clock WHERE id = 1").fetchone()
        return HybridClock(self.node, Stamp.parse(last), self.wall), int(node_seq)

    def _save_clock(self, clock: HybridClock, node_seq: int) -> None:
        self.conn.execute("UPDATE clock SET last = ?, node_seq = ? WHERE id = 1", (str(clock.last), node_seq))

    def commit_local(
        self,
        member: str,
        pending: PendingWrites,
        on_progress: Progress | None = None,
        *,
        judged: bool = True,
        forget_meta: str | None = None,
    ) -> list[tuple[Any, ...]]:
        """Stamp and store local edits in one transaction; the stored rows in ``Op`` field order.

        The rules judge them first (``rules.Refused`` refuses the whole write)
        unless ``judged`` is off: for what crewdeck writes on its own behalf
        (a migration, a restore into an empty workspace).  ``forget_meta``:
        a local setting deleted in the same transaction.
        """
        if not pending.ops:
            return []
        from crewdeck.sync.state.rules import refuse_write

        with self._joined():
            self.refuse_if_published()
            self.refuse_if_session_ended()
            stored = self.stored_entities(list({row_id: None for _, row_id in pending.records()}))
            clash = row_entity_clash(pending.records(), lambda _: stored)
            if clash:
                raise ValidationError(clash.entity, "id", str(clash))
            clock, node_seq = self._load_clock()
            self._check_own_clock(clock)
            acting = self.actor if self.actor and self.actor != member else None
            stamps = clock.stamps(len(pending.ops) + (1 if acting else 0))
            if acting:
                record = {"actor": acting, "member": member, "first_op": stamps[0], "last_op": stamps[-2]}
                pending.append("acting", new_id(), record)
            # Joined in C by ``map``, as the log's rows below: an import proposes 880,000.
            proposals = list(map(operator.add, repeat((member,)), pending.ops))
            if acting:
                proposals[-1] = (acting, *pending.ops[-1])
            if judged:
                from crewdeck.sync.state.filerules import FileRuleState

                refuse_write(
                    proposals,
                    FileRuleState(self.conn, stored),
                    {key: fields for key, (fields, _) in pending.rows.items()},
                    {pending.ops[position][4]: record for position, record in zip(pending.appends, pending.appended)},
                    stamps,
                )
            node = self.node
            # The log's rows joined by ``map`` in C, not unpacked in a comprehension (an import makes 880,000).
            rows: list[tuple[Any, ...]] = list(map(operator.add, zip(stamps, repeat(node), count(node_seq + 1)), proposals))
            step = _PROGRESS_STEP if on_progress else len(rows)
            # Fresh operations of our own: none can clash, and the log's
            # unique index checks that again when it is built after them
            # (inside ``bulk``, once at its end rather than once per batch).
            if self._bulk:
                self._drop_log_index(len(rows))
            rebuilt = nullcontext() if self._bulk else _indexes_built_after(self.conn, "ops", len(rows), unique_too=True)
            with rebuilt:
                first_seq = self._seq_floor()
                for start in range(0, len(rows), step):
                    chunk = rows[start : start + step]
                    if first_seq is None:
                        self.conn.executemany(f"INSERT {_INTO_OPS}", chunk)
                    else:
                        self.conn.executemany(f"INSERT {_INTO_OPS_AT}", [(first_seq + start + i, *row) for i, row in enumerate(chunk)])
                    if on_progress:
                        on_progress(min(start + step, len(rows)), len(rows))
            self._materialize_local(rows, pending)
            self._save_clock(clock, node_seq + len(rows))
            self._revoke_removed(proposals)
            if forget_meta:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (forget_meta,))
            for hook in self._rememberers:
                hook(Op(*rows[0]), Op(*rows[-1]))
        for recorded in self._recorders:
            recorded.extend(Op(*row) for row in rows)
        return rows

    def refuse_if_published(self, meaning: Callable[[Published], str] | None = None) -> None:
        """``Refused`` (rule ``published``) when this file was published to PostgreSQL: what is written here after
        reaches no one of the team (a token made here is a door to an old copy).  Read inside the write's transaction,
        so a write that waited for ``publish`` sees it.  ``meaning``: what the move means for what was asked, where a
        write's refusal (join the team) is not what to do instead (a sign-in link, an SSH key line)."""
        from crewdeck.sync.state.published import published

        mark = published(self.get_meta)
        if mark is not None:
            from crewdeck.sync.state.rules import Refusal, Refused

            raise Refused(Refusal("published", mark.refusal(self.path) if meaning is None else mark.left(self.path, meaning(mark))))

    def refuse_if_session_ended(self) -> None:
        """``Refused`` (rule ``session_ended``) once the session writing here has ended: read inside the write's
        transaction, so a write that comes after the revocation's commit is refused, however soon after it (the app is
        ended by a watch that asks every second or so, and a key pressed meanwhile wrote as the revoked session)."""
        why = self.session_ended(self.conn) if self.session_ended is not None else None
        if why is not None:
            from crewdeck.sync.state.rules import Refusal, Refused

            raise Refused(Refusal("session_ended", why))

    @contextmanager
    def recording(self) -> Iterator[list[Op]]:
        """The operations this store commits inside the block, in order (filled as they are committed).

        Only this connection's: on a shared file every process stamps with the
        file's node, so the log's operations of this node after a point hold
        other members' writes of that moment too.
        """
        recorded: list[Op] = []
        self._recorders.append(recorded)
        try:
            yield recorded
        finally:
            self._recorders.remove(recorded)

    @contextmanager
    def remembering(self, hook: Callable[[Op, Op], None]) -> Iterator[None]:
        """``hook(first, last)`` with each local commit's first and last operation, inside its transaction: the local
        settings it writes (``set_meta``) are kept with the commit or lost with it (a rehearsal's, a failed one's),
        where a second write after it could fail for a change made, or keep a change that never was."""
        self._rememberers.append(hook)
        try:
            yield
        finally:
            self._rememberers.remove(hook)

    def _revoke_removed(self, ops: Iterable[tuple[str, str, str, str, str, str]]) -> None:
        """A member removed by these operations loses every token in the same transaction, where they are removed once
        they are stored: a removal stamped before the member's return (last writer wins) leaves them a member."""
        from crewdeck.sync.state.rules import removed_members

        named = removed_members(ops)
        if not named:
            return
        from crewdeck.sync.state.tokens import revoke_member

        removed = "SELECT id FROM member WHERE deleted = 1 AND id IN (SELECT value FROM json_each(?))"
        for (member_id,) in self.conn.execute(removed, (json.dumps(named),)).fetchall():
            revoke_member(self.conn, member_id)

    def _grant_access(self) -> None:
        """Members' access, written once as operations when a file that predates it is opened.

        Managers: the workspace's creator (who wrote its settings first) and
        every member whose role is "project manager"; everyone else is a
        member.  Operations, not a local column, so that a served file's
        replicas pull them and every replica agrees.
        """
        from crewdeck.sync.state.rules import MANAGER, MEMBER

        creator = self._creator()
        members = self.conn.execute("SELECT id, role FROM member WHERE handle IS NOT NULL").fetchall()
        manager_ids = {row[0] for row in members if (row[1] or "").strip().lower() == "project manager"}
        if creator is not None:
            manager_ids.add(creator)
        author = creator or (members[0][0] if members else "")
        pending = PendingWrites()
        for member_id, _ in members:
            pending.set("member", member_id, {"access": MANAGER if member_id in manager_ids else MEMBER})
        if pending.ops:
            self.commit_local(author, pending, judged=False, forget_meta=schema.ACCESS_PENDING)
        else:
            self.conn.execute("DELETE FROM meta WHERE key = ?", (schema.ACCESS_PENDING,))

    def _heal_managerless(self) -> None:
        """The creator of a workspace with no manager made its manager, once, as an operation (see migration 24).

        Only where there is still none: a file from before members' access
        got its managers from ``_grant_access`` just before.  A creator since
        removed makes nobody manager: who else should be is not guessed.
        """
        from crewdeck.sync.state.rules import MANAGER

        creator = self._creator()
        present = creator is not None and self.conn.execute("SELECT 1 FROM member WHERE id = ? AND deleted = 0", (creator,)).fetchone()
        managed = self.conn.execute("SELECT 1 FROM member WHERE access = ? AND deleted = 0 LIMIT 1", (MANAGER,)).fetchone()
        if not present or managed:
            self.conn.execute("DELETE FROM meta WHERE key = ?", (schema.MANAGERLESS,))
            return
        pending = PendingWrites()
        pending.set("member", str(creator), {"access": MANAGER})
        self.commit_local(str(creator), pending, judged=False, forget_meta=schema.MANAGERLESS)

    def _creator(self) -> str | None:
        """The member who wrote the workspace's settings first (else its first member), if still one of its members."""
        row = (
            self.conn.execute("SELECT member FROM ops WHERE entity = 'workspace' ORDER BY op_id LIMIT 1").fetchone()
            or self.conn.execute("SELECT row_id FROM ops WHERE entity = 'member' AND field = 'handle' ORDER BY op_id LIMIT 1").fetchone()
        )
        if row is None:
            return None
        member = self.conn.execute("SELECT 1 FROM member WHERE id = ? AND handle IS NOT NULL", (row[0],)).fetchone()
        return str(row[0]) if member else None

    def _check_own_clock(self, clock: HybridClock) -> None:
        """Refuse to follow a stored clock far ahead of this machine's into the future.

        Stamps follow the newest stamp stored, so one writer of a shared
        file with a clock far ahead would otherwise drag every later write
        there, and servers would refuse them all.
        """
        ahead = clock.last.ms - self.wall()
        if ahead > MAX_DRIFT_MS:
            # A clock set right after it ran fast leaves the stamps made meanwhile ahead, which no setting mends: only
            # time does, and when is said (to the next whole minute), so nobody checks a right clock for an hour.
            again = dt.datetime.fromtimestamp(-(-(clock.last.ms - MAX_DRIFT_MS) // 60_000) * 60, dt.UTC)
            raise WorkspaceError(
                f"the workspace's clock is {format_duration(ahead)} ahead of this machine's clock "
                f"(limit {format_duration(MAX_DRIFT_MS)}): one of the clocks is off, this machine's or that of "
                "whoever wrote last; check the date and time settings, nothing was written; if this machine's clock is "
                f"right now, writing goes again from {again:%Y-%m-%d %H:%M} UTC"
            )

    def _materialize_local(self, rows: list[tuple[Any, ...]], pending: PendingWrites) -> None:
        # Local stamps come from a clock that has seen every stored stamp, so
        # each of these operations wins its field: write the values directly.
        groups: dict[tuple[str, tuple[str, ...]], list[tuple[str, dict[str, Any], int]]] = defaultdict(list)
        for (entity_name, row_id), (values, last) in pending.rows.items():
            groups[(entity_name, tuple(values))].append((row_id, values, last))
        for (entity_name, field_names), members in groups.items():
            spec = ENTITIES[entity_name]
            new_row = _new_row(spec)
            index = _column_index(spec)
            # Where each field's columns go, worked out once per group.
            slots = [(spec.by_name[name], [index[c] for c in spec.by_name[name].columns]) for name in field_names]
            if self._bulk and entity_name in rollups.WATCHED:
                self._suspend_rollups(len(members))
            params = []
            plain = [(f.name, positions[0]) for f, positions in slots if f.kind == "plain"]
            other = [(f, positions) for f, positions in slots if f.kind != "plain"]
            for row_id, values, last in members:
                full = new_row(row_id)
                for name, position in plain:
                    full[position] = values[name]
                for spec_field, positions in other:
                    for position, column_value in zip(positions, spec_field.to_columns(values[spec_field.name])):
                        full[position] = column_value
                params.append((row_id, *full, rows[last][0], rows[last][3]))
            with _indexes_built_after(self.conn, spec.name, len(params)):
                self.conn.executemany(_upsert_sql(spec, field_names), params)
        appends: dict[str, list[tuple[str, dict[str, Any], str]]] = defaultdict(list)
        for position, record in zip(pending.appends, pending.appended):
            row = rows[position]
            appends[row[5]].append((row[6], record, row[0]))
        for entity_name, records in appends.items():
            self._insert_appends(ENTITIES[entity_name], records)

    def _insert_appends(self, spec: Entity, records: Iterable[tuple[str, dict[str, Any], str]]) -> None:
        """Appended records as rows: ``(row id, record, op_id)`` each."""
        cols = _column_names(spec)
        placeholders = ", ".join("?" * (len(cols) + 2))
        # A plain field is its one column as it is: taken without a call of ``to_columns`` (an import appends 100,000).
        fields = [(f.name, f.default, None if f.kind == "plain" else f) for f in spec.fields]
        params = []
        given_by_id = spec.given_by_id if spec.from_id is not None else None
        for row_id, record, op_id in records:
            if given_by_id is not None:
                record = {**given_by_id(row_id), **record}
            values: list[Any] = [row_id]
            for name, default, other in fields:
                if other is None:
                    values.append(record.get(name, default))
                else:
                    values.extend(other.to_columns(record.get(name, default)))
            values.append(op_id)
            params.append(values)
        # The earliest append of an id wins, whatever order they arrive in.
        self.conn.executemany(
            f"INSERT INTO [{spec.name}] ([id], {', '.join(f'[{c}]' for c in cols)}, [op_id]) VALUES ({placeholders}) "
            f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'[{c}] = excluded.[{c}]' for c in cols)}, op_id = excluded.op_id "
            f"WHERE excluded.op_id < [{spec.name}].op_id",
            params,
        )

    def apply(self, ops: Iterable[Op], meta: dict[str, str] | None = None) -> Change:
        """Apply operations made elsewhere: idempotent, in any order, with duplicates.

        Every operation must have been checked (``oplog.from_wire``).  Stamps
        more than the drift limit ahead of our clock are refused
        (``ClockSkewError``) before anything is written.  ``meta`` keys (such
        as a pull cursor) are saved in the same transaction.
        """
        batch = _by_identity(ops)
        if not batch and not meta:
            return Change()
        self._check_clock(batch)
        with self._transaction("apply"):
            change = self._apply_locked(batch)
            for key, value in (meta or {}).items():
                self.set_meta(key, value)
        return change

    def accept_push(self, ops: Sequence[Op], member: str, invalid: dict[str, str] | None = None) -> PushPlan:
        """Operations a member's replica pushed to this (served) file.

        Idempotent by each node's counter, checked and stored in one
        transaction: a retried push stores nothing twice, a gap or another
        member's operation is refused (``PushRejected``) with nothing written.
        The rules judge each new operation against this file's state; what
        they refuse (and ``invalid``: op_id -> why its value could not be
        read) is kept in ``refused_ops`` under its node counter, so the
        node's count has no gap, and is returned in ``PushPlan.refused``.
        """
        from crewdeck.sync.state.filerules import FileRuleState
        from crewdeck.sync.state.push import NodeHead, by_node, plan  # only a served file takes pushes
        from crewdeck.sync.state.rules import judge_push

        groups = by_node(ops, member, server_node=self.node)
        self._check_clock(_by_identity(ops))
        with self._transaction("accept_push"):
            self._refuse_push_if_published()
            # Only a served file looks operations up by stamp: its first push after an upgrade builds the index.
            self.conn.execute(STAMP_INDEX)
            heads = {}
            for node in groups:
                row = self.conn.execute("SELECT member, node_seq FROM sync_node WHERE node = ?", (node,)).fetchone()
                if row is None:
                    # A node first seen here may still have operations stored
                    # by other routes (a file that was itself a replica).
                    found = self.conn.execute("SELECT max(node_seq), min(member) FROM ops WHERE node = ?", (node,)).fetchone()
                    row = (found[1], found[0]) if found[0] is not None else None
                if row is not None:
                    heads[node] = NodeHead(row[0], int(row[1]))
            result = plan(groups, member, heads, self._stored_ids, self.stored_entities, self._stamps_stored)
            earlier = self._refused_before(groups, heads)
            result.judge(judge_push(result.fresh, FileRuleState(self.conn), invalid or {}))
            # In the order judged, as PostgreSQL stores a push: a post's round authors are read in storing order.
            self._apply_locked(_by_identity(result.fresh), as_judged=True)
            self._keep_refused(ops, result.refused)
            result.refused = earlier + result.refused
            self.conn.executemany(
                "INSERT INTO sync_node(node, member, node_seq) VALUES (?, ?, ?) "
                "ON CONFLICT(node) DO UPDATE SET node_seq = excluded.node_seq",
                [(node, head.member, head.node_seq) for node, head in result.heads.items()],
            )
        return result

    def _refuse_push_if_published(self) -> None:
        """``PushRejected`` (``published``) when this served file was published to PostgreSQL: the replica keeps its
        edits, to push them to the new server (``sync --url``), where the rules' refusal would make it drop them."""
        from crewdeck.sync.state.published import published
        from crewdeck.sync.state.push import PushRejected

        mark = published(self.get_meta)
        if mark is not None:
            raise PushRejected("published", mark.moved(), url=mark.url)

    def _refused_before(self, groups: dict[str, list[Op]], heads: dict[str, NodeHead]) -> list[RefusedOp]:
        """What the rules refused earlier of a retried push's operations (one range per node)."""
        from crewdeck.sync.state.push import RefusedOp

        found = []
        for node, node_ops in groups.items():
            head = heads.get(node)
            if head is None or node_ops[0].node_seq > head.node_seq:
                continue
            sent = {op.node_seq: op.op_id for op in node_ops}
            for row in self.conn.execute(
                "SELECT node, node_seq, op_id, row_id, field, rule, message FROM refused_ops WHERE node = ? AND node_seq BETWEEN ? AND ?",
                (node, node_ops[0].node_seq, head.node_seq),
            ):
                if sent.get(row[1]) == row[2]:
                    found.append(RefusedOp(*row))
        return found

    def refusals_after(self, member: str, node: str, node_seq: int, limit: int = 1_000) -> list[RefusedOp]:
        """A member's node's refused operations with a counter above ``node_seq`` (for its pulls)."""
        from crewdeck.sync.state.push import RefusedOp

        rows = self.conn.execute(
            "SELECT node, node_seq, op_id, row_id, field, rule, message FROM refused_ops "
            "WHERE member = ? AND node = ? AND node_seq > ? ORDER BY node_seq LIMIT ?",
            (member, node, node_seq, limit),
        )
        return [RefusedOp(*row) for row in rows]

    def _keep_refused(self, ops: Sequence[Op], refused: Sequence[RefusedOp]) -> None:
        if not refused:
            return
        by_id = {op.op_id: op for op in ops}
        now = _now_text()
        self.conn.executemany(
            f"INSERT OR IGNORE INTO refused_ops({OP_COLUMNS}, rule, message, refused_at) VALUES ({', '.join('?' * 12)})",
            [(*by_id[r.op_id], r.rule, r.message, now) for r in refused],
        )

    def drop_refused(self, refused: Sequence[RefusedOp], meta: dict[str, str] | None = None) -> int:
        """Take this node's operations the server refused out of the state, and keep them listed.

        The operations leave the log for ``refused_ops`` (with the rule and
        the reason) and their records are rebuilt without them, in one
        transaction with ``meta`` (the push cursor).  How many were dropped.
        """
        dropped: list[Op] = []
        with self._transaction("drop_refused"):
            top = self.max_seq()
            now = _now_text()
            node = self.node
            for r in refused:
                if r.node != node:
                    continue
                row = self.conn.execute(
                    f"SELECT seq, {OP_COLUMNS} FROM ops WHERE row_id = ? AND field = ? AND op_id = ?", (r.row_id, r.field, r.op_id)
                ).fetchone()
                if row is None:
                    continue
                op = Op(*row[1:])
                self.conn.execute(
                    f"INSERT OR IGNORE INTO refused_ops({OP_COLUMNS}, rule, message, refused_at) VALUES ({', '.join('?' * 12)})",
                    (*op, r.rule, r.message, now),
                )
                self.conn.execute("DELETE FROM ops WHERE seq = ?", (row[0],))
                dropped.append(op)
            if dropped:
                self._forget_rows(dropped)
                if self.max_seq() < top:
                    # SQLite would hand the dropped numbers out again; cursors must never see a number twice.
                    self.set_meta(META_SEQ_FLOOR, str(top))
            for key, value in (meta or {}).items():
                self.set_meta(key, value)
        return len(dropped)

    def _own_ops_arrived(self, before: int) -> int:
        """After operations from elsewhere were stored (those past ``before``): when some are this node's, made by
        another copy of this replica (or by this one before a backup of it was put back), the count goes on after them;
        when operations made here hold the same numbers, those take a node of their own (``take_new_node``).  How many
        writes that carried over."""
        node = self.node
        first, last = self.conn.execute(
            "SELECT min(node_seq), max(node_seq) FROM ops WHERE seq > ? AND node = ?", (before, node)
        ).fetchone()
        if first is None:
            return 0
        clash = self.conn.execute(
            "SELECT 1 FROM ops WHERE seq <= ? AND node = ? AND node_seq >= ? LIMIT 1", (before, node, first)
        ).fetchone()
        if clash:
            return self._take_new_node(first, made_up_to=before)
        clock, node_seq = self._load_clock()
        if last > node_seq:
            self._save_clock(clock, last)
        return 0

    def take_new_node(self, node: str, first: int) -> int:
        """This replica is a copy of another (or a backup put back) and its server stores other operations under its
        node ``node`` from number ``first`` on: give it a node of its own, and its operations from ``first`` on under it.

        Those before ``first`` are stored elsewhere already and stay as they
        are (sent again under a new name, they would be made twice).  The
        others are stamped again, one transaction: the new node's stamp and
        counter (1, 2, ...), the same member, record, field and value, and
        the same time and counter in their stamp, so they merge as when they
        were made; the server judges them like any push.  How many writes
        (``oplog.same_write``) were carried over.
        """
        with self._transaction("take_new_node"):
            if self.node != node:
                # Another sync of this replica (the app's and a command's at once) carried them over first.
                return 0
            return self._take_new_node(first)

    def _take_new_node(self, first: int, made_up_to: int | None = None) -> int:
        """``take_new_node`` inside the caller's transaction; ``made_up_to``: the log's operations past it came from
        elsewhere (the other copy's, under this node's name): they stay as they are."""
        old, new = self.node, new_node_id()
        rows = self.conn.execute(
            f"SELECT seq, {OP_COLUMNS} FROM ops WHERE node = ? AND node_seq >= ? AND seq <= ? ORDER BY node_seq",
            (old, first, self.max_seq() if made_up_to is None else made_up_to),
        ).fetchall()
        ops = [Op(*row[1:]) for row in rows]

        def renamed(stamp: str) -> str:
            parsed = Stamp.parse(stamp)
            return str(Stamp(parsed.ms, parsed.counter, new)) if parsed.node == old else stamp

        carried = []
        for node_seq, op in enumerate(ops, 1):
            value = op.value
            if op.entity in ("acting", "import_run"):
                # "@ana as @raj" and an import's run name the operations they cover by their stamps.
                record = json.loads(value)
                record.update(first_op=renamed(record["first_op"]), last_op=renamed(record["last_op"]))
                value = canonical_json(record)
            carried.append(op._replace(op_id=renamed(op.op_id), node=new, node_seq=node_seq, value=value))
        top = self.max_seq()
        self.conn.executemany("DELETE FROM ops WHERE seq = ?", [(row[0],) for row in rows])
        if rows and self.max_seq() < top:
            # The log's numbers are every cursor's: those of the operations taken out are never handed out again.
            self.set_meta(META_SEQ_FLOOR, str(top))
        first_seq = self._seq_floor()
        if first_seq is None:
            self.conn.executemany(f"INSERT {_INTO_OPS}", carried)
        else:
            self.conn.executemany(f"INSERT {_INTO_OPS_AT}", [(first_seq + i, *op) for i, op in enumerate(carried)])
        self._forget_rows(ops)  # the records they touched, rebuilt from the log as it is now
        last = Stamp.parse(self.conn.execute("SELECT last FROM clock WHERE id = 1").fetchone()[0])
        self.conn.execute("UPDATE meta SET value = ? WHERE key = 'node'", (new,))
        self.set_meta(META_FORMER_NODES, json.dumps([old, *self.former_nodes()]))
        self._save_clock(HybridClock(new, Stamp(last.ms, last.counter, new), self.wall), len(carried))
        return sum(1 for before, op in zip([None, *carried], carried) if before is None or not same_write(before, op))

    def _seq_floor(self) -> int | None:
        """The ``seq`` the next stored operation takes when dropped operations left the top of the log, else ``None``.

        ``seq`` is every cursor's (a push's, a watcher's): a number, once
        handed out, is never handed out again.
        """
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (META_SEQ_FLOOR,)).fetchone()
        if row is None:
            return None
        if self.max_seq() >= int(row[0]):
            self.conn.execute("DELETE FROM meta WHERE key = ?", (META_SEQ_FLOOR,))
            return None
        return int(row[0]) + 1

    def _forget_rows(self, ops: Iterable[Op]) -> None:
        """Rebuild the records these (removed) operations touched from what the log still holds."""
        touched: dict[str, set[str]] = defaultdict(set)
        for op in ops:
            touched[op.entity].add(op.row_id)
        for entity_name, row_ids in touched.items():
            spec = ENTITIES[entity_name]
            self.conn.executemany(f"DELETE FROM [{spec.name}] WHERE id = ?", [(row_id,) for row_id in row_ids])
            left = [
                row_id
                for row_id in row_ids
                if self.conn.execute("SELECT 1 FROM ops WHERE row_id = ? AND entity = ? LIMIT 1", (row_id, spec.name)).fetchone()
            ]
            if spec.append_only:
                self._insert_appends(spec, self._first_appends(spec, left))
            else:
                self._rebuild(spec, left)

    def refused_counter(self) -> int:
        """The highest counter of this node's operations known to be refused (0: none)."""
        row = self.conn.execute("SELECT max(node_seq) FROM refused_ops WHERE node = ?", (self.node,)).fetchone()
        return int(row[0] or 0)

    def former_nodes(self) -> list[str]:
        """The nodes this replica had before it turned out to be a copy (``take_new_node``), the latest first."""
        return [str(node) for node in json.loads(self.get_meta(META_FORMER_NODES) or "[]")]

    def refused(self, *, reader: str | None) -> list[tuple[Op, str, str, str]]:
        """This replica's operations the server refused, under its node and the ones it had before (``former_nodes``):
        ``(operation, rule, message, when)``, newest first.  ``reader``: the member who reads them, whose own alone are
        listed; ``None`` lists every member's, named so at each call, never by leaving it out: one node may hold many
        members' writes (``crewdeck web``'s copy of a workspace in PostgreSQL), and a person reads only their own."""
        nodes = [self.node, *self.former_nodes()]
        rows = self.conn.execute(
            f"SELECT {_REFUSED_COLUMNS}, r.rule, r.message, r.refused_at FROM refused_ops AS r, json_each(?1) AS mine "
            "WHERE r.node = mine.value AND (?2 IS NULL OR r.member = ?2) ORDER BY mine.key, r.node_seq DESC",
            (json.dumps(nodes), reader),
        )
        return [(Op(*row[:9]), row[9], row[10], row[11]) for row in rows]

    def _stored_ids(self, ops: Sequence[Op]) -> set[str]:
        """Which of these operations this file holds, stored or refused (a retried push)."""
        found = set()
        for op in ops:
            if (
                self.conn.execute(
                    "SELECT 1 FROM ops WHERE row_id = ? AND field = ? AND op_id = ?", (op.row_id, op.field, op.op_id)
                ).fetchone()
                or self.conn.execute(
                    "SELECT 1 FROM refused_ops WHERE node = ? AND node_seq = ? AND op_id = ?", (op.node, op.node_seq, op.op_id)
                ).fetchone()
            ):
                found.add(op.op_id)
        return found

    def _stamps_stored(self, ops: Sequence[Op]) -> dict[str, tuple[str, str]]:
        """Which of these new operations' stamps the log holds, on any row and field: ``op_id -> (row_id, field)`` (by ``STAMP_INDEX``)."""
        stamps = sorted({op.op_id for op in ops})
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(stamps), _STAMPS_PER_QUERY):
            chunk = stamps[start : start + _STAMPS_PER_QUERY]
            query = f"SELECT op_id, row_id, field FROM ops WHERE op_id IN ({', '.join('?' * len(chunk))})"
            for op_id, row_id, field_name in self.conn.execute(query, chunk):
                found[op_id] = (row_id, field_name)
        return found

    def stored_entities(self, row_ids: list[str]) -> dict[str, str]:
        """The entity of each of these row ids that this file holds.

        Read from the record tables (``schema.stored_entities``), not the
        log, whose index may be gone for a ``bulk`` meanwhile.  Inside a
        ``bulk``, ids the last read asked of are answered by it while no row
        has changed since: the bulk holds the write lock, so only this
        connection writes, and it opens no savepoint (a row a ``ROLLBACK TO``
        takes back leaves ``total_changes`` where it was).  Each caller gets
        its own dict: a merge adds what it matched to the one it was given.
        """
        if not self._bulk:
            return schema.stored_entities(self.conn, row_ids)
        changes = self.conn.total_changes
        if self._bulk_stored is not None:
            asked, answer, then = self._bulk_stored
            if then == changes and asked.issuperset(row_ids):
                return {row_id: answer[row_id] for row_id in row_ids if row_id in answer}
        answer = schema.stored_entities(self.conn, row_ids)
        self._bulk_stored = (frozenset(row_ids), answer, changes)
        return dict(answer)

    def _check_clock(self, batch: dict[OpKey, Op]) -> None:
        if batch:
            HybridClock(self.node, wall=self.wall).check(Stamp.parse(max(batch)[0]))

    def _apply_locked(self, batch: dict[OpKey, Op], *, as_judged: bool = False) -> Change:
        """Insert and materialize, inside the caller's transaction: by stamp, or (``as_judged``, a push) in the batch's
        order."""
        change = Change()
        if not batch:
            return change
        before = self.max_seq()
        first_seq = self._seq_floor()
        keys = list(batch) if as_judged else sorted(batch)
        # The unique (row_id, field, op_id) index drops what is already here.
        if first_seq is None:
            self.conn.executemany(f"INSERT OR IGNORE {_INTO_OPS}", [batch[key] for key in keys])
        else:
            self.conn.executemany(f"INSERT OR IGNORE {_INTO_OPS_AT}", [(first_seq + i, *batch[key]) for i, key in enumerate(keys)])
        # Only which records the new operations touch: their values are read
        # again per record when it is rebuilt (a pulled batch of 100,000 need
        # not become 100,000 ``Op``s here).
        fresh = self.conn.execute("SELECT entity, row_id FROM ops WHERE seq > ? ORDER BY seq", (before,)).fetchall()
        if not fresh:
            return change
        clock, node_seq = self._load_clock()
        clock.observe(Stamp.parse(max(batch)[0]))
        self._save_clock(clock, node_seq)
        self._rematerialize_rows(fresh, change)
        change.ops = len(fresh)
        change.carried = self._own_ops_arrived(before)
        if "member" in change.rows:
            self._revoke_removed(
                self.conn.execute(
                    "SELECT member, kind, entity, row_id, field, value FROM ops WHERE seq > ? AND entity = 'member' ORDER BY seq", (before,)
                ).fetchall()
            )
        return change

    def _rematerialize_rows(self, touched_rows: Iterable[tuple[str, str]], change: Change) -> None:
        """Rebuild the touched rows (``(entity, row id)`` pairs) from the log: the result cannot depend on arrival order."""
        touched: dict[str, set[str]] = defaultdict(set)
        for entity, row_id in touched_rows:
            touched[entity].add(row_id)
        for entity_name, row_ids in touched.items():
            spec = ENTITIES[entity_name]
            for row_id in row_ids:
                change.add(entity_name, row_id)
            if spec.append_only:
                self._insert_appends(spec, self._first_appends(spec, row_ids))
            else:
                self._rebuild(spec, row_ids)

    # A record is its entity's operations on its id: pushes and local writes
    # refuse an id of another entity, but a log stored before they did may
    # hold one, and it must neither break nor leak into the other record.

    def _first_appends(self, spec: Entity, row_ids: Iterable[str]) -> Iterator[tuple[str, dict[str, Any], str]]:
        query = "SELECT value, op_id FROM ops WHERE row_id = ? AND field = ? AND entity = ? ORDER BY op_id LIMIT 1"
        for row_id in row_ids:
            value, op_id = self.conn.execute(query, (row_id, RECORD, spec.name)).fetchone()
            yield row_id, json.loads(value), op_id

    def _rebuild(self, spec: Entity, row_ids: Iterable[str]) -> None:
        new_row = _new_row(spec)
        index = _column_index(spec)
        params = []
        query = "SELECT field, value, max(op_id), member FROM ops WHERE row_id = ? AND entity = ? GROUP BY field"
        for row_id in row_ids:
            values = new_row(row_id)
            newest = ("", "")
            for field_name, value, op_id, member in self.conn.execute(query, (row_id, spec.name)):
                spec_field = spec.by_name[field_name]
                for col, col_value in zip(spec_field.columns, spec_field.to_columns(json.loads(value))):
                    values[index[col]] = col_value
                if op_id > newest[0]:
                    newest = (op_id, member)
            params.append((row_id, *values, *newest))
        with _indexes_built_after(self.conn, spec.name, len(params)):
            self.conn.executemany(_upsert_sql(spec, tuple(f.name for f in spec.fields)), params)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; a rollback on any error.

    Nothing is written once the path no longer names the file that was
    opened (it was deleted, or a backup was moved over it): checked when
    the lock is held and again just before the commit, a ``stat`` each.
    """

    def __init__(self, conn: sqlite3.Connection, busy_timeout: float, opened: OpenedFile, lock_wait: LockWait) -> None:
        self.conn = conn
        self.busy_timeout = busy_timeout
        self.opened = opened
        self.lock_wait = lock_wait
        self._abandoned = False

    def abandon(self) -> None:
        """End in a rollback rather than a commit: nothing written needs keeping."""
        self._abandoned = True

    def __enter__(self) -> _Transaction:
        try:
            begin_immediate(self.conn, self.busy_timeout, self.lock_wait)
        except sqlite3.OperationalError as exc:
            raise _write_error(self.opened.path, exc) or WorkspaceBusy(
                f"the workspace stayed locked by another writer for {self.busy_timeout:g} s ({exc}); try again"
            ) from None
        self._refuse_a_moved_file()
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None and not self._abandoned:
            self._refuse_a_moved_file()
            try:
                self.conn.execute("COMMIT")
                return
            except sqlite3.Error as failed:
                # A full disk or an I/O error may have rolled SQLite back already.
                self._roll_back()
                error = _write_error(self.opened.path, failed)
                if error is None:
                    raise
                raise error from None
        self._roll_back()
        if isinstance(exc, sqlite3.Error):
            error = _write_error(self.opened.path, exc)
            if error is not None:
                raise error from None

    def _refuse_a_moved_file(self) -> None:
        problem = self.opened.problem()
        if problem is not None:
            self._roll_back()
            raise WorkspaceError(problem)

    def _roll_back(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


@contextmanager
def _collecting_less() -> Iterator[None]:
    """Python's cycle collector runs its young generation less often in the block, as set before after it.

    A bulk write's objects (its batches' operations and records) live until
    each batch is committed: every young collection meanwhile walked them for
    nothing, 0.3-0.5 s of CPU in a 100,000-task import, for the same peak
    memory.  Only the first threshold is raised: the older generations stay
    as they were, and so does a first threshold of 0 (no collections by
    count at all); the thresholds in force before come back when the block
    ends, however it ends.
    """
    before = gc.get_threshold()
    young, *older = before
    if young:
        gc.set_threshold(max(young, BULK_YOUNG_COLLECTED_AFTER), *older)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _primary_code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of an error (0 for errors the sqlite3 module raises itself)."""
    return int(getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def _busy(path: Path, exc: sqlite3.Error, waited: float) -> WorkspaceBusy | None:
    """``WorkspaceBusy`` when ``exc`` is SQLite giving up on a lock another process held past ``waited`` seconds."""
    if not gave_up_waiting(exc):
        return None
    return WorkspaceBusy(f"{typed_name(path)} stayed locked by another process for {waited:g} s ({exc}); nothing was done, try again")


def _write_error(path: Path, exc: sqlite3.Error) -> WorkspaceError | None:
    """What a failed write means for the person, when SQLite's words would mislead them.

    SQLite rolls a transaction back on these errors: nothing was written.
    """
    code = _primary_code(exc)
    if code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and disk_full(path)):
        return DiskFull(f"disk full while writing {typed_name(path)}; nothing was written (free some space on its disk and try again)")
    if code == sqlite3.SQLITE_IOERR:
        trouble = io_trouble(path)
        if trouble is not None:
            return WriteFailed(f"cannot write {typed_name(path)} ({exc}): {trouble}; nothing was written")
        if getattr(exc, "sqlite_errorcode", None) in _PASSING_IOERR:
            return _not_for_now(path, exc)
        return WriteFailed(f"the disk failed while writing {typed_name(path)} ({exc}); nothing was written")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        problem = access_problem(path)
        if problem is None and code == sqlite3.SQLITE_CANTOPEN:
            return _not_for_now(path, exc)  # no permission or missing file in the way: too many files open, say
        return WriteFailed(f"cannot write {typed_name(path)}: {problem or exc}; nothing was written")
    return None


#: SQLite's I/O errors that say nothing of the disk: memory short, a lock call that failed.  Like a file this process
#: could not open with no permission in the way (too many files open), they pass: the same write may go in a moment.
_PASSING_IOERR = frozenset((sqlite3.SQLITE_IOERR_NOMEM, sqlite3.SQLITE_IOERR_LOCK, sqlite3.SQLITE_IOERR_RDLOCK))


def _not_for_now(path: Path, exc: sqlite3.Error) -> WorkspaceBusy:
    """A write refused by what passes (``_PASSING_IOERR``): not a ``WriteFailed``, whose disk waits for someone, but
    tried again later, as a lock is (a cron job's exit 75)."""
    return WorkspaceBusy(f"could not write {typed_name(path)} for now ({exc}); nothing was written, try again")


def _records_sql(spec: Entity, include_deleted: bool) -> str:
    cols = _column_names(spec)
    where = "" if include_deleted or "deleted" not in spec.by_name else "WHERE deleted = 0"
    return f"SELECT id, {', '.join(f'[{c}]' for c in cols)} FROM [{spec.name}] {where} ORDER BY id"


def _decode(spec: Entity, row: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    i = 0
    for f in spec.fields:
        width = len(f.columns)
        out[f.name] = f.from_columns(tuple(row[i : i + width]))
        i += width
    return out


_COLUMN_CACHE: dict[str, tuple[str, ...]] = {}
_UPSERT_CACHE: dict[tuple[str, tuple[str, ...]], str] = {}


def _new_row(spec: Entity) -> Callable[[str], list[Any]]:
    """A record's column values before any operation on it, by its id: the defaults, with the fields its id gives
    (``Entity.from_id``: a result's key), so that a record reads the same whether its writer set those or not."""
    defaults = schema.default_row(spec)
    if spec.from_id is None:
        return lambda _row_id: list(defaults)
    index = _column_index(spec)
    by_name = spec.by_name
    # A plain field is its one column as it is: put there without a call of ``to_columns`` (a result's key: five
    # fields, 100,000 records an import).
    plain = {f.name: index[f.columns[0]] for f in spec.fields if f.kind == "plain"}

    def new_row(row_id: str) -> list[Any]:
        values = list(defaults)
        for name, value in spec.given_by_id(row_id).items():
            position = plain.get(name)
            if position is not None:
                values[position] = value
                continue
            field_spec = by_name[name]
            for column, column_value in zip(field_spec.columns, field_spec.to_columns(value)):
                values[index[column]] = column_value
        return values

    return new_row


def _column_names(spec: Entity) -> tuple[str, ...]:
    cols = _COLUMN_CACHE.get(spec.name)
    if cols is None:
        cols = _COLUMN_CACHE[spec.name] = tuple(name for name, _ in schema.columns(spec))
    return cols


def _column_index(spec: Entity) -> dict[str, int]:
    return {name: i for i, name in enumerate(_column_names(spec))}


@contextmanager
def _indexes_built_after(conn: sqlite3.Connection, table: str, rows: int, unique_too: bool = False) -> Iterator[None]:
    """Around a write of ``rows`` rows into ``table``, inside its transaction: at
    ``BULK_ROWS`` or more, the table's indexes are dropped and built again
    after it (a rollback brings them back as they were).  Unique indexes stay
    unless ``unique_too``: an upsert needs them to find the row it updates; and
    those a trigger reads stay (``rollup_days.TRIGGER_INDEXES``)."""
    if rows < BULK_ROWS:
        yield
        return
    lookups = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        )
        if (unique_too or not sql.lstrip().upper().startswith("CREATE UNIQUE")) and name not in rollup_days.TRIGGER_INDEXES
    ]
    for name, _ in lookups:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in lookups:
        conn.execute(sql)


def _upsert_sql(spec: Entity, field_names: tuple[str, ...]) -> str:
    """Insert a full row, or on an existing id update only the given fields."""
    key = (spec.name, field_names)
    sql = _UPSERT_CACHE.get(key)
    if sql is None:
        cols = _column_names(spec)
        names = ["id", *cols, "updated_op", "updated_by"]
        changed = [c for name in field_names for c in spec.by_name[name].columns] + ["updated_op", "updated_by"]
        sql = (
            f"INSERT INTO [{spec.name}] ({', '.join(f'[{n}]' for n in names)}) VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'[{c}] = excluded.[{c}]' for c in changed)}"
        )
        _UPSERT_CACHE[key] = sql
    return sql
