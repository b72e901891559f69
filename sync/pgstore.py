"""Workspaces in PostgreSQL: the operations log, tokens, and publishing a file.

The server keeps only the log (no materialized rows: members' replicas
materialize, and an export comes from any replica).  Sequence numbers are
assigned under a lock on the workspace's row (``SELECT ... FOR UPDATE``),
held until commit: the next push gets its numbers only after this one is
visible, so numbers become visible in order and a reader following the
``seq`` cursor never passes a number that commits later.  Each commit
sends ``NOTIFY crewdeck_changed, '<workspace> <head>'``, which wakes the
waiting clients of every server process on the database.
"""

from __future__ import annotations

import json
import queue
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import psycopg

from . import tokens
from .hlc import HybridClock, Stamp
from .oplog import OP_COLUMNS, Op
from .push import NodeHead, PushPlan, PushRejected, by_node, plan
from .store import OP_WIRE_OVERHEAD, Store
from .tokens import TokenInfo

if TYPE_CHECKING:
    from psycopg import Connection

CHANNEL = "crewdeck_changed"
#: Bytes of operations copied at a time by ``publish`` (notes can be large).
PUBLISH_PAGE_BYTES = 32 * 1024 * 1024
_COLUMNS = f"seq, {OP_COLUMNS}"
#: Taken while creating tables, so that processes starting together do not race.
_SCHEMA_LOCK = 0x63726577

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS crewdeck_workspace (
        name TEXT PRIMARY KEY,
        head BIGINT NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE IF NOT EXISTS crewdeck_op (
        workspace TEXT NOT NULL REFERENCES crewdeck_workspace(name),
        seq BIGINT NOT NULL,
        op_id TEXT NOT NULL,
        node TEXT NOT NULL,
        node_seq BIGINT NOT NULL,
        member TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity TEXT NOT NULL,
        row_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (workspace, seq)
    )""",
    # Push idempotency and each node's head: (workspace, node, node_seq).
    "CREATE UNIQUE INDEX IF NOT EXISTS crewdeck_op_node ON crewdeck_op (workspace, node, node_seq)",
    # The entity a row id belongs to: a push may not name it as another's.
    "CREATE INDEX IF NOT EXISTS crewdeck_op_row ON crewdeck_op (workspace, row_id, entity)",
    """CREATE TABLE IF NOT EXISTS crewdeck_token (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES crewdeck_workspace(name),
        hash TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
]


class PgError(Exception):
    """A database that cannot be used, or a request it cannot satisfy, with the reason."""


def connect(dsn: str) -> Connection:
    try:
        # Autocommit: every ``conn.transaction()`` block is one real transaction.
        return psycopg.connect(dsn, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        raise PgError(f"cannot connect to PostgreSQL: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}") from None


def ensure_schema(conn: Connection) -> None:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        for statement in SCHEMA:
            conn.execute(statement)


@dataclass(frozen=True)
class MemberRef:
    id: str
    handle: str


class PgStore:
    """One connection's worth of workspace operations (not thread-safe: one per thread)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, dsn: str) -> PgStore:
        conn = connect(dsn)
        try:
            ensure_schema(conn)
        except psycopg.Error as exc:
            conn.close()
            raise PgError(f"cannot set up the crewdeck tables: {exc}") from None
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ workspaces

    def workspaces(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT name, head FROM crewdeck_workspace ORDER BY name").fetchall())

    def require(self, workspace: str) -> None:
        found = self.conn.execute("SELECT 1 FROM crewdeck_workspace WHERE name = %s", (workspace,)).fetchone()
        if found is None:
            have = ", ".join(self.workspaces()) or "none yet"
            raise PgError(f"no workspace named {workspace!r} in the database (have: {have}); copy one in with: crewdeck publish FILE --database URL")

    def head(self, workspace: str) -> int:
        row = self.conn.execute("SELECT head FROM crewdeck_workspace WHERE name = %s", (workspace,)).fetchone()
        return 0 if row is None else int(row[0])

    def members(self, workspace: str) -> list[MemberRef]:
        """Members not deleted, from the log: the newest ``handle`` and ``deleted`` of each."""
        rows = self.conn.execute(
            "SELECT DISTINCT ON (row_id, field) row_id, field, value FROM crewdeck_op "
            "WHERE workspace = %s AND entity = 'member' AND field IN ('handle', 'deleted') "
            "ORDER BY row_id, field, op_id DESC",
            (workspace,),
        ).fetchall()
        fields: dict[str, dict[str, str]] = {}
        for row_id, field_name, value in rows:
            fields.setdefault(row_id, {})[field_name] = value
        return sorted(
            (MemberRef(row_id, json.loads(f["handle"])) for row_id, f in fields.items() if "handle" in f and f.get("deleted") != "true"),
            key=lambda m: m.handle,
        )

    # ------------------------------------------------------------ the log

    def push(self, workspace: str, member: str, ops: Sequence[Op], wall: Callable[[], int] | None = None) -> tuple[PushPlan, int]:
        """Store a member's batch with the next numbers of the workspace; see the module doc."""
        groups = by_node(ops, member)
        if ops:
            clock = HybridClock("server") if wall is None else HybridClock("server", wall=wall)
            clock.check(Stamp.parse(max(op.op_id for op in ops)))
        with self.conn.transaction():
            row = self.conn.execute("SELECT head FROM crewdeck_workspace WHERE name = %s FOR UPDATE", (workspace,)).fetchone()
            if row is None:
                raise PushRejected("no_workspace", f"no workspace named {workspace!r}")
            head = int(row[0])
            nodes = list(groups)
            heads = {
                node: NodeHead(node_member, int(node_seq))
                for node, node_seq, node_member in self.conn.execute(
                    "SELECT node, max(node_seq), min(member) FROM crewdeck_op WHERE workspace = %s AND node = ANY(%s) GROUP BY node",
                    (workspace, nodes),
                )
            }
            stored: dict[tuple[str, int], str] = {}
            for node, node_ops in groups.items():
                if node in heads and node_ops[0].node_seq <= heads[node].node_seq:
                    stored.update(
                        ((node, int(n)), op_id)
                        for n, op_id in self.conn.execute(
                            "SELECT node_seq, op_id FROM crewdeck_op WHERE workspace = %s AND node = %s AND node_seq BETWEEN %s AND %s",
                            (workspace, node, node_ops[0].node_seq, heads[node].node_seq),
                        )
                    )
            result = plan(
                groups,
                member,
                heads,
                lambda seen: {op.op_id for op in seen if stored.get((op.node, op.node_seq)) == op.op_id},
                lambda row_ids: self._stored_entities(workspace, row_ids),
            )
            if result.fresh:
                self._copy_ops(workspace, ((head + i, op) for i, op in enumerate(result.fresh, start=1)))
                head += len(result.fresh)
                self.conn.execute("UPDATE crewdeck_workspace SET head = %s WHERE name = %s", (head, workspace))
                self.conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{workspace} {head}"))
        return result, head

    def _stored_entities(self, workspace: str, row_ids: list[str]) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT DISTINCT row_id, entity FROM crewdeck_op WHERE workspace = %s AND row_id = ANY(%s)", (workspace, row_ids)
        )
        return dict(rows.fetchall())

    def _copy_ops(self, workspace: str, rows: Iterator[tuple[int, Op]]) -> None:
        with self.conn.cursor() as cur, cur.copy(f"COPY crewdeck_op (workspace, {_COLUMNS}) FROM STDIN") as copy:
            for seq, op in rows:
                copy.write_row((workspace, seq, *op))

    def ops_after(self, workspace: str, after: int, limit: int, max_bytes: int | None = None) -> tuple[list[tuple[int, Op]], int]:
        """Operations after ``after`` in ``seq`` order, and the head, from one snapshot.

        With ``max_bytes``, the page stops before the operation that would
        take it past that many bytes on the wire (as ``store.op_wire_size``
        counts, from the stored lengths: no value is read to be dropped),
        keeping at least one.
        """
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if max_bytes is None:
                rows = self.conn.execute(
                    f"SELECT {_COLUMNS} FROM crewdeck_op WHERE workspace = %s AND seq > %s ORDER BY seq LIMIT %s",
                    (workspace, after, limit),
                ).fetchall()
            else:
                rows = self.conn.execute(
                    f"SELECT {_COLUMNS} FROM ("
                    f"  SELECT {_COLUMNS}, octet_length(value) + octet_length(row_id) + %s AS size,"
                    f"    sum(octet_length(value) + octet_length(row_id) + %s) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) AS upto"
                    f"  FROM crewdeck_op WHERE workspace = %s AND seq > %s ORDER BY seq LIMIT %s"
                    f") page WHERE upto <= %s OR upto = size ORDER BY seq",
                    (OP_WIRE_OVERHEAD, OP_WIRE_OVERHEAD, workspace, after, limit, max_bytes),
                ).fetchall()
            row = self.conn.execute("SELECT head FROM crewdeck_workspace WHERE name = %s", (workspace,)).fetchone()
        return [(int(r[0]), Op(r[1], r[2], int(r[3]), *r[4:])) for r in rows], (0 if row is None else int(row[0]))

    def publish(self, source: Store, workspace: str, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Copy a workspace file's whole log (same ``seq`` numbers) and its tokens; return the count."""
        total = source.max_seq()
        with self.conn.transaction():
            found = self.conn.execute(
                "INSERT INTO crewdeck_workspace(name) VALUES (%s) ON CONFLICT (name) DO NOTHING RETURNING name", (workspace,)
            ).fetchone()
            if found is None:
                raise PgError(f"the database already has a workspace named {workspace!r}; pick another with --name")
            done, after = 0, 0
            while True:
                page = source.ops_after(after, 20_000, PUBLISH_PAGE_BYTES)
                if not page:
                    break
                self._copy_ops(workspace, iter(page))
                after = page[-1][0]
                done += len(page)
                if on_progress:
                    on_progress(done, total)
            self.conn.execute("UPDATE crewdeck_workspace SET head = %s WHERE name = %s", (after, workspace))
            for token_id, digest, member, label, created_at, revoked_at in source.conn.execute(
                "SELECT id, hash, member, label, created_at, revoked_at FROM sync_token"
            ):
                self.conn.execute(
                    "INSERT INTO crewdeck_token(id, workspace, hash, member, label, created_at, revoked_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    (token_id, workspace, digest, member, label, created_at, revoked_at),
                )
        return done

    # ------------------------------------------------------------ tokens

    def create_token(self, workspace: str, member: str, label: str = "") -> tuple[str, str]:
        token_id, token, digest = tokens.new_token()
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO crewdeck_token(id, workspace, hash, member, label, created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (token_id, workspace, digest, member, label, tokens.now_text()),
            )
        return token_id, token

    def tokens(self, workspace: str) -> list[TokenInfo]:
        rows = self.conn.execute(
            "SELECT id, member, workspace, label, created_at, revoked_at FROM crewdeck_token WHERE workspace = %s ORDER BY created_at, id",
            (workspace,),
        ).fetchall()
        return [TokenInfo(*r) for r in rows]

    def revoke_token(self, workspace: str, token_id: str) -> bool:
        with self.conn.transaction():
            cur = self.conn.execute(
                "UPDATE crewdeck_token SET revoked_at = %s WHERE id = %s AND workspace = %s AND revoked_at IS NULL",
                (tokens.now_text(), token_id, workspace),
            )
        return cur.rowcount == 1

    def lookup_token(self, token: str) -> TokenInfo | None:
        row = self.conn.execute(
            "SELECT id, member, workspace, label, created_at, revoked_at FROM crewdeck_token WHERE hash = %s AND revoked_at IS NULL",
            (tokens.hash_token(token),),
        ).fetchone()
        return None if row is None else TokenInfo(*row)


class PgPool:
    """A few ``PgStore`` connections shared by threads; broken ones are replaced."""

    def __init__(self, dsn: str, size: int) -> None:
        self.dsn = dsn
        self._idle: queue.LifoQueue[PgStore] = queue.LifoQueue()
        first = PgStore.open(dsn)  # sets up the tables once, and fails early
        self._idle.put(first)
        for _ in range(size - 1):
            self._idle.put(PgStore(connect(dsn)))

    @contextmanager
    def store(self) -> Iterator[PgStore]:
        store = self._idle.get()
        try:
            if store.conn.closed:
                store = PgStore(connect(self.dsn))
            yield store
        except psycopg.OperationalError:
            store.conn.close()
            raise
        finally:
            if not store.conn.closed and store.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                store.conn.rollback()
            self._idle.put(store)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().close()
