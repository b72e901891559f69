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

import hashlib
import json
import queue
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import psycopg

from crewdeck.sync.state import tokens
from crewdeck.sync.state.acting import NODE_AT
from crewdeck.sync.state.clock import HybridClock, Stamp
from crewdeck.sync.state.naming import campaign_slug
from crewdeck.sync.state.oplog import OP_COLUMNS, SET, Op, dump_value
from crewdeck.sync.state.postround import (
    CONTENT_FIELDS,
    PostChange,
    PostReview,
    Reviewer,
    content_hash_of,
    post_changes_of,
    round_authors,
    steps_of,
    verdict_of,
)
from crewdeck.sync.state.push import NodeHead, PushPlan, PushRejected, RefusedOp, by_node, plan
from crewdeck.sync.state.records import WORKSPACE_ROW, composed
from crewdeck.sync.state.rules import (
    MANAGER,
    MEMBER,
    EntryFacts,
    MemberFacts,
    TaskState,
    entry_facts,
    judge_push,
    removed_members,
    task_open,
)
from crewdeck.sync.state.sshkeys import identities
from crewdeck.sync.state.store import OP_WIRE_OVERHEAD, Store
from crewdeck.sync.state.tokens import TokenInfo

if TYPE_CHECKING:
    from psycopg import Connection

CHANNEL = "crewdeck_changed"
#: Bytes of operations copied at a time by ``publish`` (notes can be large).
PUBLISH_PAGE_BYTES = 32 * 1024 * 1024
_COLUMNS = f"seq, {OP_COLUMNS}"
#: Taken while creating tables, so that processes starting together do not race.
_SCHEMA_LOCK = 0x63726577

#: What the tables need: each object, and the statement that makes it (a column named ``table.column``).  A statement
#: runs only where its object is missing: DDL waits for its table's lock even when IF NOT EXISTS finds the object there
#: (an index for one that excludes writers, ALTER TABLE for the strongest), behind a push or a publish under way, and
#: every request of every server process would queue behind it.  Each token command and each server starting runs this.
SCHEMA: list[tuple[str, str]] = [
    (
        "crewdeck_workspace",
        """CREATE TABLE IF NOT EXISTS crewdeck_workspace (
        name TEXT PRIMARY KEY,
        head BIGINT NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )""",
    ),
    (
        "crewdeck_op",
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
    ),
    # Push idempotency and each node's head: (workspace, node, node_seq).
    ("crewdeck_op_node", "CREATE UNIQUE INDEX IF NOT EXISTS crewdeck_op_node ON crewdeck_op (workspace, node, node_seq)"),
    # Stamps already stored: a pushed operation may not carry one (a stamp names one operation).
    ("crewdeck_op_stamp", "CREATE INDEX IF NOT EXISTS crewdeck_op_stamp ON crewdeck_op (workspace, op_id)"),
    # The entity a row id belongs to: a push may not name it as another's.
    ("crewdeck_op_row", "CREATE INDEX IF NOT EXISTS crewdeck_op_row ON crewdeck_op (workspace, row_id, entity)"),
    # What the rules read, kept up to date in every push transaction:
    # members' handle, access, Unix user and removal (the newest value of
    # each field, by op_id) and each ledger entry (its first append).
    (
        "crewdeck_state",
        """CREATE TABLE IF NOT EXISTS crewdeck_state (
        workspace TEXT NOT NULL REFERENCES crewdeck_workspace(name),
        entity TEXT NOT NULL,
        row_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        op_id TEXT NOT NULL,
        PRIMARY KEY (workspace, row_id, field)
    )""",
    ),
    # The entry that reverses a ledger entry, which the rules read when judging another reversal of it.
    (
        "crewdeck_state_reverses",
        "CREATE INDEX IF NOT EXISTS crewdeck_state_reverses ON crewdeck_state (workspace, ((value::jsonb) ->> 'reverses')) "
        "WHERE entity = 'ledger_entry'",
    ),
    # A post's verdicts, which the rules read when judging another one.
    (
        "crewdeck_op_post_approval",
        "CREATE INDEX IF NOT EXISTS crewdeck_op_post_approval ON crewdeck_op (workspace, ((value::jsonb) ->> 'post')) "
        "WHERE entity = 'post_approval'",
    ),
    # Who acted as a member in a write on a shared host (``acting``), which the rules read when what they made is approved.
    (
        "crewdeck_op_acting",
        "CREATE INDEX IF NOT EXISTS crewdeck_op_acting ON crewdeck_op (workspace, ((value::jsonb) ->> 'member')) WHERE entity = 'acting'",
    ),
    # The tasks ever assigned to a member, which the rules read when the member is made a guest (``guest_assignee``).
    (
        "crewdeck_op_assignee",
        "CREATE INDEX IF NOT EXISTS crewdeck_op_assignee ON crewdeck_op (workspace, value) WHERE entity = 'task' AND field = 'assignee'",
    ),
    # Pushed operations the rules refused, by their node counter: a retried
    # push gets the same answer, and the node's count has no gap.
    (
        "crewdeck_refused",
        """CREATE TABLE IF NOT EXISTS crewdeck_refused (
        workspace TEXT NOT NULL REFERENCES crewdeck_workspace(name),
        node TEXT NOT NULL,
        node_seq BIGINT NOT NULL,
        op_id TEXT NOT NULL,
        member TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity TEXT NOT NULL,
        row_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        rule TEXT NOT NULL,
        message TEXT NOT NULL,
        refused_at TEXT NOT NULL,
        PRIMARY KEY (workspace, node, node_seq)
    )""",
    ),
    # 0: a workspace stored before the rules; else the RULES_VERSION its rule state was filled in for.
    (
        "crewdeck_workspace.rules_version",
        "ALTER TABLE crewdeck_workspace ADD COLUMN IF NOT EXISTS rules_version INTEGER NOT NULL DEFAULT 0",
    ),
    # The nodes of crewdeck web's copies of a workspace (``tui/web/mirror.py``): their operations are many members', each
    # judged as its own, and pushed with the database's credentials alone; a replica's token pushes under none of them.
    (
        "crewdeck_mirror_node",
        """CREATE TABLE IF NOT EXISTS crewdeck_mirror_node (
        workspace TEXT NOT NULL REFERENCES crewdeck_workspace(name),
        node TEXT NOT NULL,
        PRIMARY KEY (workspace, node)
    )""",
    ),
    (
        "crewdeck_token",
        """CREATE TABLE IF NOT EXISTS crewdeck_token (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES crewdeck_workspace(name),
        hash TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    ),
]


class PgError(Exception):
    """A database that cannot be used, or a request it cannot satisfy, with the reason."""


def first_line(exc: psycopg.Error) -> str:
    """The driver's message without its DETAIL, HINT and CONTEXT lines."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


#: Where libpq takes a password from when the URL holds none, said where one is missing or wrong: a password in the URL
#: is on the command line, which every user of the machine reads in the process list.
PASSWORD_HOW = "give the password in PGPASSWORD or a ~/.pgpass line"
#: What libpq says when the server asked for a password and got none, or a wrong one.
_PASSWORD_REFUSED = ("no password supplied", "password authentication failed")


def connect(dsn: str) -> Connection:
    try:
        # Autocommit: every ``conn.transaction()`` block is one real transaction.
        return psycopg.connect(dsn, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        said = _redacted(first_line(exc), dsn)
        how = (
            f": {PASSWORD_HOW} (not in the URL, where every user of this machine sees it)"
            if any(w in said for w in _PASSWORD_REFUSED)
            else ""
        )
        raise PgError(f"cannot connect to PostgreSQL: {said}{how}") from None


def holds_password(dsn: str) -> bool:
    """Whether a database URL (or ``key=value`` string) carries a password: as libpq reads it, or, where libpq cannot
    read it, anything that stands where a password goes (it is on the command line all the same)."""
    try:
        return bool(psycopg.conninfo.conninfo_to_dict(dsn).get("password"))
    except psycopg.Error:
        return bool(_loosely_read_passwords(dsn))


#: Where a URL's password stands: ``postgresql://USER:PASSWORD@HOST``, ``?password=PASSWORD``.
_URL = re.compile(r"\s*postgres(?:ql)?://", re.IGNORECASE)
_URL_PARAMETER = re.compile(r"[?&]password=([^&]*)", re.IGNORECASE)
_QUERY = re.compile(r"[?#]")
_HOST_PORT = re.compile(r"\d*/")
#: ``password=VALUE`` of a ``key=value`` string: quoted, or up to the next ``key=`` (``password=my s3cret`` is
#: refused by libpq as ``missing "=" after "s3cret"``, so the words after the first are the password's too).
_KEYWORD = re.compile(r"(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'?|.*?(?=\s+\w+\s*=|\s*$))", re.IGNORECASE | re.DOTALL)


def _loosely_read_passwords(dsn: str) -> list[str]:
    """Every text of ``dsn`` that stands where a password goes, read loosely: a URL's ``@`` may be the password's own,
    unencoded (libpq then takes what follows it for the host, and says so quoting it), or ``dsn`` one libpq cannot read
    (its error quotes the URL, or the part of it it stopped at)."""
    found: list[str] = []
    url = _URL.match(dsn)
    if url:
        rest = dsn[url.end() :]
        # A password stands before the query: an ``@`` in it (``?user=ana@corp``) is a parameter's, and a URL with
        # one that libpq cannot read for another reason (``&sslmode`` with no ``=``) was said to hold a password.  The
        # query is what follows a ``?`` after the path's ``/``: before it, a ``?`` may be the password's own.  With no
        # ``/``, libpq reads credentials up to an ``@`` anywhere (``crew:Xk9?Lm2@db``): the query follows the last one.
        slash = rest.find("/")
        query = _QUERY.search(rest, slash if slash >= 0 else rest.rfind("@") + 1)
        for at in (i for i, ch in enumerate(rest[: query.start() if query else len(rest)]) if ch == "@"):
            user, colon, password = rest[:at].partition(":")
            # Nor is HOST:PORT/PATH one (``db:5432/team@x``), or an IPv6 host's address (``[::1]:5432/...``).
            if colon and not _HOST_PORT.match(password) and "[" not in user:
                found.append(password)
        found += _URL_PARAMETER.findall(rest)
    else:
        for value in _KEYWORD.findall(dsn):
            found += [value, value.strip("'")]
    found += [unquote(text) for text in found]
    return [text for text in dict.fromkeys(found) if text]


def _redacted(message: str, dsn: str) -> str:
    """libpq's ``message`` about ``dsn`` without its password: libpq quotes a URL it cannot read (``in URI:
    "postgresql://crew:s3cret@[::1/db"``), or a part of it (``unexpected spaces found in "my s3cret"``, ``missing "="
    after "s3cret"``), and the line goes to a terminal, a log, the journal.  Within what it quotes, each word of the
    password is taken out too."""
    loose = _loosely_read_passwords(dsn)
    try:
        read = psycopg.conninfo.conninfo_to_dict(dsn).get("password")
    except psycopg.Error:
        read = None
    else:
        # A URL libpq read as it was meant: its errors quote names (the user's, the database's), never the password
        # it took, and taken out of them that password would garble them (user and password both "crew").
        if {unquote(text) for text in loose} <= {str(read)} if read else not loose:
            return message
    texts = sorted({*loose, *([str(read)] if read else [])}, key=len, reverse=True)
    if not texts:
        return message
    words = sorted({*texts, *(part for text in texts for part in re.split(r"[\s@/]+", text) if part)}, key=len, reverse=True)
    # A password's unencoded ``@`` (``crew:p@ss@db``): libpq takes what follows it for the host, quoted as ``'ss@db'``;
    # however short, that part of the password stands at the host's start, before an ``@``.
    tails = sorted({text[i + 1 :] + "@" for text in texts for i, ch in enumerate(text) if ch == "@"} - {"@"}, key=len, reverse=True)

    def hidden(quoted: re.Match[str]) -> str:
        inside = quoted.group()[1:-1]
        if inside in words:
            inside = "…"
        for tail in tails:
            inside = inside.replace(tail, "…@")
        # Within a longer text, a word of three characters or more: a shorter one says next to nothing of the
        # password, and taken out of the text it would garble it.
        for word in words:
            if len(word) >= 3:
                inside = inside.replace(word, "…")
        return f"{quoted.group()[0]}{inside}{quoted.group()[-1]}"

    message = re.sub(r'"[^"]*"|\'[^\']*\'', hidden, message)
    # Anywhere in the line, a password of four characters or more (a shorter one would garble the line's own words).
    for text in texts:
        if len(text) >= 4:
            message = message.replace(text, "…")
    return message


def ensure_schema(conn: Connection) -> None:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        _refuse_others_tables(conn)
        for name, statement in SCHEMA:
            if _missing(conn, name):
                conn.execute(statement)
        for workspace, version in conn.execute(
            "SELECT name, rules_version FROM crewdeck_workspace WHERE rules_version < %s", (RULES_VERSION,)
        ).fetchall():
            _start_rules(conn, workspace, granted=version > 0)


def _refuse_others_tables(conn: Connection) -> None:
    """``PgError`` for a table of one of crewdeck's names that lacks a column crewdeck makes it with: another program's,
    which crewdeck's indexes and references failed on with the driver's words alone (column "workspace" does not exist)."""
    for name, statement in SCHEMA:
        if not statement.startswith("CREATE TABLE"):
            continue
        has = {
            str(row[0])
            for row in conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND NOT attisdropped", (name,))
        }
        lacks = [column for column in re.findall(r"^\s+([a-z_]+) [A-Z]", statement, re.MULTILINE) if column not in has]
        if has and lacks:
            raise PgError(
                f"the database has a table {name} that is not crewdeck's (it has no column {lacks[0]}): give crewdeck a "
                "database of its own; nothing was changed in this one"
            )


def _missing(conn: Connection, name: str) -> bool:
    """Whether a table or an index (``name``), or a column (``table.column``), is not in the database yet."""
    relation, _, column = name.partition(".")
    if column:
        found = conn.execute(
            "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s AND NOT attisdropped", (relation, column)
        ).fetchone()
    else:
        found = conn.execute("SELECT 1 WHERE to_regclass(%s) IS NOT NULL", (relation,)).fetchone()
    return found is None


#: The fields of each record that the rules read (``None``: an append's whole record); a member's zone, for the days of
#: the spend they entered (``PgRuleState.frozen``).
RULE_FIELDS = {"member": ("handle", "access", "unix_user", "deleted", "ssh_keys", "tz"), "ledger_entry": None}
#: What a workspace's rule state holds (``crewdeck_workspace.rules_version``): 1, RULE_FIELDS without members' zones;
#: 2, with them.  A database's workspaces filled in for a smaller one are filled in again when it is opened.
RULES_VERSION = 2


def _start_rules(conn: Connection, workspace: str, *, granted: bool = False) -> None:
    """Fill a workspace's rule state from its log, and give its members their access unless it was ``granted`` (a rule
    state filled in before, for a smaller RULES_VERSION: access written since is the members', not the server's to redo).

    For a workspace stored before the rules: its members' access is written
    as operations of the server (as ``Store._grant_access`` does in a file),
    so that every replica pulls the same access.
    """
    # Filled in before, only the members' fields are filled in again (a RULES_VERSION has added one of theirs so far):
    # the ledger's rows, every entry of the workspace, are what they were, and a refill of them held pushes up.
    entities = ["member"] if granted else ["member", "ledger_entry"]
    conn.execute("DELETE FROM crewdeck_state WHERE workspace = %s AND entity = ANY(%s)", (workspace, entities))
    conn.execute(
        "INSERT INTO crewdeck_state (workspace, entity, row_id, field, value, op_id) "
        "SELECT DISTINCT ON (row_id, field) workspace, entity, row_id, field, value, op_id FROM crewdeck_op "
        "WHERE workspace = %s AND entity = 'member' AND field = ANY(%s) ORDER BY row_id, field, op_id DESC",
        (workspace, list(RULE_FIELDS["member"] or ())),
    )
    if not granted:
        conn.execute(
            "INSERT INTO crewdeck_state (workspace, entity, row_id, field, value, op_id) "
            "SELECT DISTINCT ON (row_id) workspace, entity, row_id, field, value, op_id FROM crewdeck_op "
            "WHERE workspace = %s AND entity = 'ledger_entry' ORDER BY row_id, op_id",
            (workspace,),
        )
    has_access = conn.execute(
        "SELECT 1 FROM crewdeck_op WHERE workspace = %s AND entity = 'member' AND field = 'access' LIMIT 1", (workspace,)
    ).fetchone()
    if not (granted or has_access):
        _grant_access(conn, workspace)
    conn.execute("UPDATE crewdeck_workspace SET rules_version = %s WHERE name = %s", (RULES_VERSION, workspace))


def _grant_access(conn: Connection, workspace: str) -> None:
    creator = conn.execute(
        "SELECT member FROM crewdeck_op WHERE workspace = %s AND entity = 'workspace' ORDER BY op_id LIMIT 1", (workspace,)
    ).fetchone()
    roles: dict[str, str] = dict(
        conn.execute(
            "SELECT DISTINCT ON (row_id) row_id, value FROM crewdeck_op WHERE workspace = %s AND entity = 'member' "
            "AND field = 'role' ORDER BY row_id, op_id DESC",
            (workspace,),
        ).fetchall()
    )
    members = [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT row_id FROM crewdeck_op WHERE workspace = %s AND entity = 'member' AND field = 'handle' ORDER BY row_id",
            (workspace,),
        )
    ]
    if not members:
        return
    author = creator[0] if creator and creator[0] in members else members[0]
    managers = {m for m in members if json.loads(roles.get(m, '""')).strip().lower() == "project manager"} | {author}
    node = hashlib.sha256(f"crewdeck server {workspace}".encode()).hexdigest()[:16]
    row = conn.execute("SELECT head FROM crewdeck_workspace WHERE name = %s FOR UPDATE", (workspace,)).fetchone()
    assert row is not None, f"workspace {workspace} is migrated only once it is stored"
    head = int(row[0])
    clock = HybridClock(node)
    ops = [
        Op(stamp, node, seq, author, SET, "member", member_id, "access", json.dumps(MANAGER if member_id in managers else MEMBER))
        for seq, (stamp, member_id) in enumerate(zip(clock.stamps(len(members)), members), start=1)
    ]
    with conn.cursor() as cur, cur.copy(f"COPY crewdeck_op (workspace, {_COLUMNS}) FROM STDIN") as copy:
        for seq, op in enumerate(ops, start=head + 1):
            copy.write_row((workspace, seq, *op))
    conn.execute("UPDATE crewdeck_workspace SET head = %s WHERE name = %s", (head + len(ops), workspace))
    _keep_rule_state(conn, workspace, ops)
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{workspace} {head + len(ops)}"))


def _keep_rule_state(conn: Connection, workspace: str, ops: Sequence[Op]) -> None:
    """Bring the rule state up to date with stored operations (in their transaction)."""
    fields = RULE_FIELDS
    rows = [
        (workspace, op.entity, op.row_id, op.field, op.value, op.op_id)
        for op in ops
        if op.entity in fields and (fields[op.entity] is None or op.field in (fields[op.entity] or ()))
    ]
    if not rows:
        return
    conn.cursor().executemany(
        "INSERT INTO crewdeck_state (workspace, entity, row_id, field, value, op_id) VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (workspace, row_id, field) DO UPDATE SET value = excluded.value, op_id = excluded.op_id "
        # Set fields: the newest value wins; appends: the first one.
        "WHERE (excluded.field = '*') = (excluded.op_id < crewdeck_state.op_id)",
        rows,
    )


class PgRuleState:
    """``rules.RuleState`` over a workspace's rule state, inside a push transaction."""

    def __init__(self, conn: Connection, workspace: str) -> None:
        self.conn = conn
        self.workspace = workspace
        self._members: dict[str, MemberFacts] | None = None
        self._reviewers: dict[str, Reviewer] | None = None

    def _all_members(self) -> dict[str, MemberFacts]:
        if self._members is None:
            fields: dict[str, dict[str, Any]] = {}
            for row_id, field_name, value in self.conn.execute(
                "SELECT row_id, field, value FROM crewdeck_state WHERE workspace = %s AND entity = 'member'", (self.workspace,)
            ):
                fields.setdefault(row_id, {})[field_name] = json.loads(value)
            self._members = {
                row_id: MemberFacts(
                    row_id,
                    f.get("handle"),
                    f.get("access") or MEMBER,
                    f.get("unix_user"),
                    bool(f.get("deleted")),
                    identities(f.get("ssh_keys")),
                    f.get("tz"),
                )
                for row_id, f in fields.items()
            }
        return self._members

    def has_members(self) -> bool:
        return any(m.handle and not m.deleted for m in self._all_members().values())

    def member(self, member_id: str) -> MemberFacts | None:
        return self._all_members().get(member_id)

    def members_with(self, field: str, value: str) -> list[str]:
        if field == "ssh_key":
            return [m.id for m in self._all_members().values() if not m.deleted and value in m.ssh_keys]
        return [m.id for m in self._all_members().values() if not m.deleted and getattr(m, field) == value]

    def managers(self) -> set[str]:
        return {m.id for m in self._all_members().values() if m.handle and not m.deleted and m.access == MANAGER}

    def stored_rows(self, row_ids: list[str]) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT DISTINCT row_id, entity FROM crewdeck_op WHERE workspace = %s AND row_id = ANY(%s)", (self.workspace, row_ids)
        )
        return dict(rows.fetchall())

    def entities_of(self, row_ids: list[str]) -> dict[str, str]:
        return self.stored_rows(row_ids)

    def ledger_entry(self, entry_id: str) -> EntryFacts | None:
        row = self.conn.execute(
            "SELECT value, op_id FROM crewdeck_state WHERE workspace = %s AND row_id = %s AND field = '*'", (self.workspace, entry_id)
        ).fetchone()
        if row is None:
            return None
        facts = entry_facts(json.loads(row[0]))
        # The acting record of the write on a shared host that appended it (a published file's): who entered it as its author.
        actor = self.conn.execute(
            "SELECT (value::jsonb) ->> 'actor' FROM crewdeck_op WHERE workspace = %s AND entity = 'acting' "
            "AND ((value::jsonb) ->> 'member') = %s AND ((value::jsonb) ->> 'first_op') <= %s AND ((value::jsonb) ->> 'last_op') >= %s "
            f"AND substr((value::jsonb) ->> 'first_op', {NODE_AT + 1}) = %s LIMIT 1",
            (self.workspace, facts.entered_by, row[1], row[1], row[1][NODE_AT:]),
        ).fetchone()
        return replace(facts, acted_by=actor[0]) if actor else facts

    def reversed_by(self, entry_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT row_id FROM crewdeck_state WHERE workspace = %s AND entity = 'ledger_entry' AND ((value::jsonb) ->> 'reverses') = %s "
            "ORDER BY op_id LIMIT 1",
            (self.workspace, entry_id),
        ).fetchone()
        return None if row is None else str(row[0])

    def approvers(self, entry_id: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT (value::jsonb) ->> 'approved_by' FROM crewdeck_op WHERE workspace = %s AND entity = 'approval' "
            "AND ((value::jsonb) ->> 'entry') = %s",
            (self.workspace, entry_id),
        )
        return {str(row[0]) for row in rows.fetchall()}

    def result_currency(self, row_id: str) -> str | None:
        # Read from the log (one row's few operations, by the crewdeck_op_row index): results keep no rule state.
        row = self.conn.execute(
            "SELECT value FROM crewdeck_op WHERE workspace = %s AND row_id = %s AND entity = 'result' AND field = 'conversion_value' "
            "ORDER BY op_id DESC LIMIT 1",
            (self.workspace, row_id),
        ).fetchone()
        if row is None:
            return None
        value = json.loads(row[0])
        return value["currency"] if isinstance(value, dict) else None

    def _latest(self, row_id: str, fields: Sequence[str]) -> dict[str, Any]:
        """The newest value of each of these fields of a record, from the log."""
        rows = self.conn.execute(
            "SELECT DISTINCT ON (field) field, value FROM crewdeck_op WHERE workspace = %s AND row_id = %s AND field = ANY(%s) "
            "ORDER BY field, op_id DESC",
            (self.workspace, row_id, list(fields)),
        )
        return {name: _as_stored(name, json.loads(value)) for name, value in rows.fetchall()}

    def _latest_of(self, row_ids: Sequence[str], fields: Sequence[str], entity: str) -> dict[str, dict[str, Any]]:
        """The newest value of each of these fields of each of these records, from the log, in one round trip (the
        crewdeck_op_row index); a record with none of them is not in it."""
        latest: dict[str, dict[str, Any]] = {}
        for row_id, name, value in self.conn.execute(
            "SELECT DISTINCT ON (row_id, field) row_id, field, value FROM crewdeck_op WHERE workspace = %s AND row_id = ANY(%s) "
            "AND entity = %s AND field = ANY(%s) ORDER BY row_id, field, op_id DESC",
            (self.workspace, list(row_ids), entity, list(fields)),
        ).fetchall():
            latest.setdefault(row_id, {})[name] = _as_stored(name, json.loads(value))
        return latest

    def post_review(self, post_id: str) -> PostReview | None:
        task = self._latest(
            post_id, ("post_state", "campaign", "platform", "post_round", "resumed_from", "publish", "title", *CONTENT_FIELDS)
        )
        if task.get("post_state") is None:
            return None
        campaign = task.get("campaign")
        # A post in no campaign takes the workspace's chain.
        scope = self._latest(campaign or WORKSPACE_ROW, ("approvals", "name"))
        chain = scope.get("approvals") or []
        first: dict[str, tuple[str, str]] = {}
        for row_id, op_id, value in self.conn.execute(
            "SELECT row_id, op_id, value FROM crewdeck_op WHERE workspace = %s AND entity = 'post_approval' "
            "AND ((value::jsonb) ->> 'post') = %s ORDER BY op_id",
            (self.workspace, post_id),
        ).fetchall():
            first.setdefault(row_id, (op_id, value))  # the first append of an id wins
        verdicts = tuple(verdict_of(row_id, op_id, json.loads(value)) for row_id, (op_id, value) in first.items())
        return PostReview(
            campaign,
            task.get("post_round"),
            content_hash_of(task),
            steps_of(chain),
            verdicts,
            round_authors(self.post_changes(post_id), (task.get("post_round") or {}).get("hash")),
            # Every member (whoever gave a verdict among them): whether anyone but the round's authors may take a step
            # (``postround.untakable``).
            self._all_reviewers(),
            task.get("platform"),
            frozenset(task.get("resumed_from") or ()),
            task["post_state"],
            (task.get("publish") or {}).get("utc"),
            task.get("title"),
            campaign_slug(campaign, scope.get("name")) if campaign else None,
        )

    def post_changes(self, post_id: str) -> list[PostChange]:
        rows = self.conn.execute(
            # In the order they were stored (``postchanges.stored_changes``), a content change with the manager who made it
            # acting as its member on a shared host (a published file's ``acting``).
            "SELECT o.field, o.member, CASE WHEN o.field = 'post_round' THEN o.value::jsonb ->> 'id' END, "
            "CASE WHEN o.field = 'post_round' THEN o.value::jsonb ->> 'hash' END, a.value::jsonb ->> 'actor' FROM crewdeck_op AS o "
            "LEFT JOIN crewdeck_op AS a ON o.field <> 'post_round' AND a.workspace = o.workspace AND a.entity = 'acting' "
            "AND (a.value::jsonb ->> 'member') = o.member AND o.op_id BETWEEN (a.value::jsonb ->> 'first_op') AND (a.value::jsonb ->> 'last_op') "
            f"AND substr(a.value::jsonb ->> 'first_op', {NODE_AT + 1}) = o.node "
            "WHERE o.workspace = %s AND o.row_id = %s AND o.field = ANY(%s) ORDER BY o.seq",
            (self.workspace, post_id, [*CONTENT_FIELDS, "post_round"]),
        )
        return post_changes_of(rows.fetchall())

    def reviewer(self, member_id: str) -> Reviewer | None:
        return self._all_reviewers().get(member_id)

    def _all_reviewers(self) -> dict[str, Reviewer]:
        """Every member's facts as a reviewer, their groups and campaigns (not in the rule state) read from the log in one
        round trip the first time asked, for the push: each post judged reads all of them (``post_review``)."""
        if self._reviewers is None:
            members = self._all_members()
            more = self._latest_of(list(members), ("groups", "campaigns"), "member")
            self._reviewers = {
                member_id: Reviewer(
                    member_id,
                    facts.access,
                    frozenset(more.get(member_id, {}).get("groups") or ()),
                    frozenset(more.get(member_id, {}).get("campaigns") or ()),
                    facts.deleted,
                )
                for member_id, facts in members.items()
            }
        return self._reviewers

    def crises(self) -> list[tuple[str, dict[str, Any], str | None]]:
        starts: dict[str, tuple[str, dict[str, Any]]] = {}
        ends: dict[str, str] = {}
        for entity, row_id, op_id, value in self.conn.execute(
            "SELECT entity, row_id, op_id, value FROM crewdeck_op WHERE workspace = %s AND entity IN ('crisis', 'crisis_end')",
            (self.workspace,),
        ).fetchall():
            record = json.loads(value)
            if entity == "crisis":
                if row_id not in starts or op_id < starts[row_id][0]:  # the first append wins
                    starts[row_id] = (op_id, record)
            elif record["crisis"] not in ends or record["ended_at"] < ends[record["crisis"]]:
                ends[record["crisis"]] = record["ended_at"]
        return [(crisis_id, record, ends.get(crisis_id)) for crisis_id, (_, record) in starts.items()]

    def platforms_in_use(self) -> set[str]:
        # From the log (the server keeps no campaign or task rows), read only for a crisis that names platforms: the newest
        # platforms of each campaign and platform of each task, and whether it was removed.
        latest: dict[str, dict[str, Any]] = {}
        for row_id, field_name, value in self.conn.execute(
            "SELECT DISTINCT ON (row_id, field) row_id, field, value FROM crewdeck_op WHERE workspace = %s "
            "AND entity IN ('campaign', 'task') AND field IN ('platforms', 'platform', 'deleted') ORDER BY row_id, field, op_id DESC",
            (self.workspace,),
        ).fetchall():
            latest.setdefault(row_id, {})[field_name] = json.loads(value)
        found: set[str] = set()
        for record in latest.values():
            if record.get("deleted"):
                continue
            named = record.get("platforms") or []
            found.update(item for item in (*named, record.get("platform")) if isinstance(item, str))
        return found

    def record_exists(self, entity: str, row_id: str) -> bool:
        found = self.conn.execute(
            "SELECT 1 FROM crewdeck_op WHERE workspace = %s AND row_id = %s AND entity = %s LIMIT 1", (self.workspace, row_id, entity)
        )
        return found.fetchone() is not None

    def task_campaign(self, task_id: str) -> str | None:
        campaign = self._latest(task_id, ("campaign",)).get("campaign")
        return str(campaign) if campaign else None

    def task_content(self, task_id: str) -> dict[str, Any]:
        return self._latest(task_id, (*CONTENT_FIELDS, "platform"))

    def had_round(self, post_id: str, round_id: str, digest: str) -> bool:
        found = self.conn.execute(
            "SELECT 1 FROM crewdeck_op WHERE workspace = %s AND row_id = %s AND field = 'post_round' "
            "AND (value::jsonb ->> 'id') = %s AND (value::jsonb ->> 'hash') = %s LIMIT 1",
            (self.workspace, post_id, round_id, digest),
        ).fetchone()
        return found is not None

    def field_winners(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        if not keys:
            return {}
        wanted = set(keys)
        rows = self.conn.execute(
            "SELECT DISTINCT ON (row_id, field) row_id, field, op_id FROM crewdeck_op WHERE workspace = %s AND row_id = ANY(%s) "
            "AND field = ANY(%s) ORDER BY row_id, field, op_id DESC",
            (self.workspace, sorted({row_id for row_id, _ in wanted}), sorted({name for _, name in wanted})),
        )
        return {(row_id, name): op_id for row_id, name, op_id in rows.fetchall() if (row_id, name) in wanted}

    def task_assignees(self, task_ids: Sequence[str]) -> dict[str, str]:
        if not task_ids:
            return {}
        # One query for a batch's reopened tasks, each the newest of its assignee operations.
        latest = self._latest_of(task_ids, ("assignee",), "task")
        return {row_id: assignee for row_id, task in latest.items() if isinstance(assignee := task.get("assignee"), str)}

    def task_states(self, task_ids: Sequence[str]) -> dict[str, TaskState]:
        if not task_ids:
            return {}
        # One query for the tasks a batch opens for someone who may not hold them: the newest status and removal of each.
        latest = self._latest_of(task_ids, ("status", "deleted"), "task")
        return {
            row_id: TaskState(status if isinstance(status := task.get("status"), str) else None, bool(task.get("deleted")))
            for row_id, task in latest.items()
        }

    def post_states(self, task_ids: Sequence[str]) -> dict[str, str]:
        latest = self._latest_of(task_ids, ("post_state",), "task")
        return {row_id: state for row_id, task in latest.items() if isinstance(state := task.get("post_state"), str)}

    def removed_campaigns(self, campaign_ids: Sequence[str]) -> set[str]:
        # From the log (the server keeps no campaign rows): the newest removal of each.
        rows = self.conn.execute(
            "SELECT DISTINCT ON (row_id) row_id, value FROM crewdeck_op WHERE workspace = %s AND entity = 'campaign' "
            "AND field = 'deleted' AND row_id = ANY(%s) ORDER BY row_id, op_id DESC",
            (self.workspace, list(campaign_ids)),
        )
        return {row_id for row_id, value in rows.fetchall() if json.loads(value) is True}

    def campaign_name(self, campaign_id: str) -> str | None:
        name = self._latest(campaign_id, ("name",)).get("name")
        return str(name) if name else None

    def campaign_run(self, campaign_id: str) -> tuple[str | None, str | None]:
        run = self._latest(campaign_id, ("start", "end"))
        return run.get("start"), run.get("end")

    def open_tasks_of(self, member_id: str) -> list[str]:
        # From the log (the server keeps no task rows): the tasks ever assigned to them (the crewdeck_op_assignee
        # index), then the newest assignee, status and removal of each.
        latest: dict[str, dict[str, Any]] = {}
        for row_id, field_name, value in self.conn.execute(
            "SELECT DISTINCT ON (row_id, field) row_id, field, value FROM crewdeck_op WHERE workspace = %(ws)s AND entity = 'task' "
            "AND field IN ('assignee', 'status', 'deleted') AND row_id IN (SELECT row_id FROM crewdeck_op WHERE workspace = %(ws)s "
            "AND entity = 'task' AND field = 'assignee' AND value = %(member)s) ORDER BY row_id, field, op_id DESC",
            {"ws": self.workspace, "member": dump_value(member_id)},
        ).fetchall():
            latest.setdefault(row_id, {})[field_name] = json.loads(value)
        return sorted(row_id for row_id, task in latest.items() if task.get("assignee") == member_id and task_open(task))


@dataclass(frozen=True)
class MemberRef:
    id: str
    handle: str
    #: Removed from the workspace (listed only when asked for: their tokens are still listed, revoked).
    removed: bool = False
    #: Their time zone, on whose clock a listing they read shows its times.
    tz: str | None = None
    #: The Unix user they are on the server's host: who runs a command there.
    unix_user: str | None = None


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
            raise PgError(
                f"no workspace named {workspace!r} in the database (have: {have}); copy one in with: crewdeck publish FILE --database URL"
            )

    def head(self, workspace: str) -> int:
        row = self.conn.execute("SELECT head FROM crewdeck_workspace WHERE name = %s", (workspace,)).fetchone()
        return 0 if row is None else int(row[0])

    def op_id_at(self, workspace: str, seq: int) -> str | None:
        row = self.conn.execute("SELECT op_id FROM crewdeck_op WHERE workspace = %s AND seq = %s", (workspace, seq)).fetchone()
        return None if row is None else str(row[0])

    def members(self, workspace: str, *, with_removed: bool = False) -> list[MemberRef]:
        """Members not deleted (and those deleted, ``with_removed``), from the log: the newest ``handle``, ``deleted``,
        ``tz`` and ``unix_user`` of each."""
        rows = self.conn.execute(
            "SELECT DISTINCT ON (row_id, field) row_id, field, value FROM crewdeck_op "
            "WHERE workspace = %s AND entity = 'member' AND field IN ('handle', 'deleted', 'tz', 'unix_user') "
            "ORDER BY row_id, field, op_id DESC",
            (workspace,),
        ).fetchall()
        fields: dict[str, dict[str, Any]] = {}
        for row_id, field_name, value in rows:
            fields.setdefault(row_id, {})[field_name] = json.loads(value)
        listed = (
            MemberRef(row_id, f["handle"], f.get("deleted") is True, f.get("tz"), f.get("unix_user"))
            for row_id, f in fields.items()
            if "handle" in f
        )
        return sorted((m for m in listed if with_removed or not m.removed), key=lambda m: m.handle)

    # ------------------------------------------------------------ the log

    def push(
        self,
        workspace: str,
        member: str | None,
        ops: Sequence[Op],
        invalid: dict[str, str] | None = None,
        wall: Callable[[], int] | None = None,
    ) -> tuple[PushPlan, int]:
        """Judge and store a member's batch with the next numbers of the workspace; see the module doc.

        ``member`` ``None``: the batch of a copy ``crewdeck web`` keeps (``tui/web/mirror.py``), whose node holds the
        operations of every member signed in to it, each judged as its own member; its node is kept in
        ``crewdeck_mirror_node``, under which no replica's token pushes.
        """
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
            # A node's count runs through what was stored and what was refused.
            heads = {
                node: NodeHead(node_member, int(node_seq))
                for node, node_seq, node_member in self.conn.execute(
                    "SELECT node, max(node_seq), min(member) FROM ("
                    "SELECT node, node_seq, member FROM crewdeck_op WHERE workspace = %s AND node = ANY(%s) "
                    "UNION ALL SELECT node, node_seq, member FROM crewdeck_refused WHERE workspace = %s AND node = ANY(%s)"
                    ") AS counted GROUP BY node",
                    (workspace, nodes, workspace, nodes),
                )
            }
            self._check_mirror_nodes(workspace, member, nodes, heads)
            stored: dict[tuple[str, int], str] = {}
            earlier: list[RefusedOp] = []
            for node, node_ops in groups.items():
                if node in heads and node_ops[0].node_seq <= heads[node].node_seq:
                    span = (workspace, node, node_ops[0].node_seq, heads[node].node_seq)
                    stored.update(
                        ((node, int(n)), op_id)
                        for n, op_id in self.conn.execute(
                            "SELECT node_seq, op_id FROM crewdeck_op WHERE workspace = %s AND node = %s AND node_seq BETWEEN %s AND %s",
                            span,
                        )
                    )
                    for n, op_id, row_id, field_name, rule, message in self.conn.execute(
                        "SELECT node_seq, op_id, row_id, field, rule, message FROM crewdeck_refused "
                        "WHERE workspace = %s AND node = %s AND node_seq BETWEEN %s AND %s",
                        span,
                    ):
                        stored[(node, int(n))] = op_id
                        earlier.append(RefusedOp(node, int(n), op_id, row_id, field_name, rule, message))
            result = plan(
                groups,
                member,
                heads,
                lambda seen: {op.op_id for op in seen if stored.get((op.node, op.node_seq)) == op.op_id},
                lambda row_ids: self._stored_entities(workspace, row_ids),
                lambda fresh: self._stamps_stored(workspace, fresh),
            )
            if result.fresh:
                by_id = {op.op_id: op for op in result.fresh}
                result.judge(judge_push(result.fresh, PgRuleState(self.conn, workspace), invalid or {}))
                self._keep_refused(workspace, [by_id[r.op_id] for r in result.refused], result.refused)
            result.refused = earlier + result.refused
            if result.fresh:
                self._copy_ops(workspace, ((head + i, op) for i, op in enumerate(result.fresh, start=1)))
                head += len(result.fresh)
                self.conn.execute("UPDATE crewdeck_workspace SET head = %s WHERE name = %s", (head, workspace))
                _keep_rule_state(self.conn, workspace, result.fresh)
                for removed in self._still_removed(
                    workspace, removed_members((op.member, op.kind, op.entity, op.row_id, op.field, op.value) for op in result.fresh)
                ):
                    self.conn.execute(
                        "UPDATE crewdeck_token SET revoked_at = %s WHERE workspace = %s AND member = %s AND revoked_at IS NULL",
                        (tokens.now_text(), workspace, removed),
                    )
                self.conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{workspace} {head}"))
        return result, head

    def _still_removed(self, workspace: str, named: list[str]) -> list[str]:
        """Those of ``named`` (members a push removes) whom the log leaves removed: a removal stamped before the member's
        return (last writer wins) leaves them a member, and their tokens live."""
        if not named:
            return []
        rows = self.conn.execute(
            "SELECT DISTINCT ON (row_id) row_id, value FROM crewdeck_op WHERE workspace = %s AND entity = 'member' AND field = 'deleted' "
            "AND row_id = ANY(%s) ORDER BY row_id, op_id DESC",
            (workspace, named),
        ).fetchall()
        return [str(row_id) for row_id, value in rows if json.loads(value) is True]

    def _check_mirror_nodes(self, workspace: str, member: str | None, nodes: list[str], heads: dict[str, NodeHead]) -> None:
        """A replica's push names no node of crewdeck web's copies (their operations are anyone's); a copy's push names
        only its own nodes, and a node new to the workspace becomes one."""
        mirrors = {
            str(row[0])
            for row in self.conn.execute(
                "SELECT node FROM crewdeck_mirror_node WHERE workspace = %s AND node = ANY(%s)", (workspace, nodes)
            ).fetchall()
        }
        if member is not None:
            if mirrors:
                node = min(mirrors)
                raise PushRejected(
                    "wrong_node", f"node {node} is crewdeck web's copy of this workspace; a replica pushes only its own node's operations"
                )
            return
        theirs = sorted(node for node in nodes if node in heads and node not in mirrors)
        if theirs:
            raise PushRejected("wrong_node", f"node {theirs[0]} is a replica's; crewdeck web's copy pushes only its own node's operations")
        self.conn.cursor().executemany(
            "INSERT INTO crewdeck_mirror_node (workspace, node) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [(workspace, node) for node in nodes if node not in mirrors],
        )

    def _keep_refused(self, workspace: str, ops: Sequence[Op], refused: Sequence[RefusedOp]) -> None:
        if not refused:
            return
        now = tokens.now_text()
        self.conn.cursor().executemany(
            f"INSERT INTO crewdeck_refused (workspace, {OP_COLUMNS}, rule, message, refused_at) "
            f"VALUES ({', '.join(['%s'] * 13)}) ON CONFLICT DO NOTHING",
            [(workspace, *op, r.rule, r.message, now) for op, r in zip(ops, refused)],
        )

    def refusals_after(self, workspace: str, member: str, node: str, node_seq: int, limit: int = 1_000) -> list[RefusedOp]:
        rows = self.conn.execute(
            "SELECT node, node_seq, op_id, row_id, field, rule, message FROM crewdeck_refused "
            "WHERE workspace = %s AND member = %s AND node = %s AND node_seq > %s ORDER BY node_seq LIMIT %s",
            (workspace, member, node, node_seq, limit),
        ).fetchall()
        return [RefusedOp(r[0], int(r[1]), *r[2:]) for r in rows]

    def member_facts(self, workspace: str, member: str) -> MemberFacts | None:
        return PgRuleState(self.conn, workspace).member(member)

    def revoked_member(self, token: str) -> tuple[str, str] | None:
        """``(workspace, member)`` of a revoked token with this secret."""
        row = self.conn.execute(
            "SELECT workspace, member FROM crewdeck_token WHERE hash = %s AND revoked_at IS NOT NULL", (tokens.hash_token(token),)
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def _stamps_stored(self, workspace: str, ops: Sequence[Op]) -> dict[str, tuple[str, str]]:
        """Which of these operations' stamps the log holds, on any row and field: ``op_id -> (row_id, field)`` (by ``crewdeck_op_stamp``)."""
        rows = self.conn.execute(
            "SELECT op_id, row_id, field FROM crewdeck_op WHERE workspace = %s AND op_id = ANY(%s)",
            (workspace, list({op.op_id for op in ops})),
        )
        return {op_id: (row_id, field_name) for op_id, row_id, field_name in rows.fetchall()}

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
            refused = source.conn.execute(f"SELECT {OP_COLUMNS}, rule, message, refused_at FROM refused_ops").fetchall()
            if refused:
                self.conn.cursor().executemany(
                    f"INSERT INTO crewdeck_refused (workspace, {OP_COLUMNS}, rule, message, refused_at) VALUES ({', '.join(['%s'] * 13)})",
                    [(workspace, *row) for row in refused],
                )
            _start_rules(self.conn, workspace)
            file_tokens = source.conn.execute("SELECT id, hash, member, label, created_at, revoked_at FROM sync_token").fetchall()
            # A token belongs to one workspace: the file's tokens already here mean the file was published before.
            holder = self.conn.execute(
                "SELECT workspace FROM crewdeck_token WHERE id = ANY(%s) OR hash = ANY(%s) LIMIT 1",
                ([t[0] for t in file_tokens], [t[1] for t in file_tokens]),
            ).fetchone()
            if holder is not None:
                raise PgError(
                    f"it was published already, as workspace {holder[0]!r} (the database holds its tokens): "
                    "serve that one with: crewdeck serve --database URL"
                )
            for token_id, digest, member, label, created_at, revoked_at in file_tokens:
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

    def drop_idle(self) -> None:
        """Close the idle connections; each is opened again when next used (``store``)."""
        parked = []
        while True:
            try:
                parked.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for store in parked:
            store.conn.close()
            self._idle.put(store)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().close()


def _as_stored(field: str, value: Any) -> Any:
    """A value of the log as the rules read it: its text composed (``records.composed``), as a replica's migration 21
    composed what it held.  The log keeps what an older build pushed as it came (no migration rewrites it here), and a
    rule compares letter for letter (a step's group with a member's); a post's content stays byte for byte, as its
    approvals' hash was made of it."""
    if field in CONTENT_FIELDS:
        return value
    return _composed_text(value)


def _composed_text(value: Any) -> Any:
    if isinstance(value, str):
        return composed(value)
    if isinstance(value, list):
        return [_composed_text(item) for item in value]
    if isinstance(value, dict):
        return {key: _composed_text(item) for key, item in value.items()}
    return value
