"""The SQLite schema of a workspace and its migrations.

One schema serves a member's local replica, a shared file and the server's
SQLite store:

* ``ops``: every operation, with ``seq`` assigned where it is stored (the
  pull cursor) and a unique index on ``(row_id, field, op_id)``: the winning
  stamp of a field is the last entry of that index, and the same index
  deduplicates operations and gives a record's history and the value an
  undo restores.
* one materialized table per entity (``task``, ``member``, ...): the values
  that won, in plain columns, which is what the UI and the CLI read.
* ``clock`` (the last stamp handed out and the node's operation counter) and
  ``meta`` (this file's node id, and a replica's remote and sync cursors).
* ``sync_token`` and ``sync_node``: local, never replicated tables a served
  file uses: the hashes of its members' bearer tokens, and for every node
  that pushed over HTTP its member and the highest counter stored.

Migrations run through sqlite-utils, which is imported only when the file's
``user_version`` is behind: opening an up-to-date workspace costs nothing.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from crewdeck.sync.state import rollup, rollup_days, rollups
from crewdeck.sync.state.oplog import Op, check_value, dump_value
from crewdeck.sync.state.published import META_PUBLISHED
from crewdeck.sync.state.records import APPROVAL, ENTITIES, Entity, result_key

if TYPE_CHECKING:
    import sqlite_utils

#: Columns every materialized table has besides its fields.
ROW_META = {
    False: {"updated_op": str, "updated_by": str},  # set entities: the newest op on the row
    True: {"op_id": str},  # append entities: the op that added the record
}


def columns(spec: Entity) -> list[tuple[str, str]]:
    """``(name, sql type)`` of every field column, in field order."""
    out: list[tuple[str, str]] = []
    for f in spec.fields:
        sql = f.sql if len(f.sql) == len(f.columns) else f.sql * len(f.columns)
        out.extend(zip(f.columns, sql))
    return out


def default_row(spec: Entity) -> tuple[object, ...]:
    """Column values of a record none of whose fields were ever set."""
    values: list[object] = []
    for f in spec.fields:
        values.extend(f.to_columns(f.default) if f.default is not None else (None,) * len(f.columns))
    return tuple(values)


#: Which record table holds each id of a JSON list: the list read once, then one probe of each table.
_STORED_ENTITIES_SQL = "WITH wanted(id) AS MATERIALIZED (SELECT value FROM json_each(?)) " + " UNION ALL ".join(
    f"SELECT wanted.id, '{name}' FROM wanted CROSS JOIN [{name}] ON [{name}].id = wanted.id" for name in ENTITIES
)


def stored_entities(conn: sqlite3.Connection, row_ids: list[str]) -> dict[str, str]:
    """The entity of each of these row ids that the file holds.

    A record is in its table exactly when the log holds an operation on it,
    so the record tables' primary keys answer this: half the cost of
    probing the log's index, and still there while a bulk write has
    dropped that index.
    """
    return dict(conn.execute(_STORED_ENTITIES_SQL, (json.dumps(row_ids),)).fetchall())


def _create_core(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE ops (
            seq INTEGER PRIMARY KEY,
            op_id TEXT NOT NULL,
            node TEXT NOT NULL,
            node_seq INTEGER NOT NULL,
            member TEXT NOT NULL,
            kind TEXT NOT NULL,
            entity TEXT NOT NULL,
            row_id TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL
        )"""
    )
    # The one index on ops: (row, field, stamp) identifies an operation, so it
    # also deduplicates; a second index on op_id alone would cost every
    # insert a third b-tree.
    db.table("ops").create_index(["row_id", "field", "op_id"], index_name="ops_by_field", unique=True)
    db.table("clock").create({"id": int, "last": str, "node_seq": int}, pk="id", not_null={"last", "node_seq"})
    db.table("meta").create({"key": str, "value": str}, pk="key", not_null={"value"})


def _create_records(db: sqlite_utils.Database) -> None:
    for spec in ENTITIES.values():
        _create_record_table(db, spec)
    # Not (deleted, due_utc): nearly every task has deleted = 0, and sampled
    # statistics can make that index look selective when it is not.
    db.table("task").create_index(["due_utc"], index_name="task_due")
    db.table("ledger_entry").create_index(["campaign", "date"], index_name="ledger_by_campaign")


def _create_record_table(db: sqlite_utils.Database, spec: Entity) -> None:
    cols = ", ".join(f"[{name}] {sql}" for name, sql in columns(spec))
    meta = ", ".join(f"[{name}] TEXT" for name in ROW_META[spec.append_only])
    db.execute(f"CREATE TABLE [{spec.name}] ([id] TEXT PRIMARY KEY, {cols}, {meta})")


def _add_missing_columns(db: sqlite_utils.Database) -> None:
    """New fields in ``records`` become new columns, holding the field's default in existing rows.

    A record stored before a field existed never had it set (older code
    refuses operations on fields it does not know), so it reads exactly like
    a newer record whose field was never set: ``[]`` for a list, not NULL.
    """
    for spec in ENTITIES.values():
        table = db[spec.name]
        if not table.exists():
            _create_record_table(db, spec)
            continue
        have = set(table.columns_dict)
        defaults = dict(zip((name for name, _ in columns(spec)), default_row(spec)))
        added = [(name, sql) for name, sql in columns(spec) if name not in have]
        for name, sql in added:
            db.execute(f"ALTER TABLE [{spec.name}] ADD COLUMN [{name}] {sql}")
        filled = [name for name, _ in added if defaults[name] is not None]
        if filled:
            db.execute(f"UPDATE [{spec.name}] SET {', '.join(f'[{name}] = ?' for name in filled)}", [defaults[name] for name in filled])


def _series_index(db: sqlite_utils.Database) -> None:
    # task.meeting's column is added by _add_missing_columns; recurring
    # instances are found by series, a small part of all tasks.
    db.execute("CREATE INDEX task_series ON task(series) WHERE series IS NOT NULL")


def _create_sync_tables(db: sqlite_utils.Database) -> None:
    # Tokens are stored only as hashes; a token acts as one member.
    db.execute(
        """CREATE TABLE sync_token (
            id TEXT PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            member TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )"""
    )
    # Push idempotency: the next counter a node must send, without an index
    # on ops(node) that every insert would pay for.
    db.execute("CREATE TABLE sync_node (node TEXT PRIMARY KEY, member TEXT NOT NULL, node_seq INTEGER NOT NULL)")


def _create_ledger(db: sqlite_utils.Database) -> None:
    # A file made by migration 2 before approvals existed lacks the table;
    # the entries' new needs_approval column comes from _add_missing_columns.
    if not db["approval"].exists():
        _create_record_table(db, APPROVAL)
    db.table("approval").create_index(["entry"], index_name="approval_by_entry", if_not_exists=True)
    # The entries pane pages through all entries newest first (the whole
    # order is in the index, so a deep page is a short index scan); reversals
    # are looked up by the entry they reverse.
    db.table("ledger_entry").create_index(["date", "entered_at", "id"], index_name="ledger_by_date", if_not_exists=True)
    db.table("ledger_entry").create_index(["reverses"], index_name="ledger_by_reverses", if_not_exists=True)
    # Reports look up the rate in force on each entry's date, and sum the
    # entries per currency and span of days one rate holds: one range scan
    # of this covering index each (payee is in it for reports by payee).
    db.table("rate").create_index(["quote", "base", "date"], index_name="rate_by_pair", if_not_exists=True)
    db.table("ledger_entry").create_index(
        ["currency", "needs_approval", "date", "campaign", "category", "amount", "payee"],
        index_name="ledger_report",
        if_not_exists=True,
    )


def _publish_index(db: sqlite_utils.Database) -> None:
    # The deadline grid asks for one day's publish slots, rebuilt on every
    # change: a range over the few tasks that have one, not a scan of all.
    db.execute("CREATE INDEX task_publish ON task(publish_utc) WHERE publish_utc IS NOT NULL")


#: The columns of the index ``task_filter``, which migration 7 made: a count of
#: tasks whose filter reads no other column reads only this index.
TASK_FILTER_COLUMNS = ("tags", "deleted", "status", "due_utc", "snoozed_until", "assignee", "priority", "campaign", "platform")


def _filter_index(db: sqlite_utils.Database) -> None:
    # Counting the tasks a filter matches read every whole row (title, notes
    # and all) when the filter needs a few short columns.  ``tags`` leads
    # because no filter can seek on it (tags are matched inside the JSON):
    # the planner takes this index only to read it whole, never to seek and
    # then fetch row after row, as it would on ``deleted = 0`` for a scan of
    # every task.
    db.execute(f"CREATE INDEX task_filter ON task({', '.join(TASK_FILTER_COLUMNS)})")


def _create_refusals(db: sqlite_utils.Database) -> None:
    # Local, never replicated.  On a server: what it refused of each node's
    # pushes, by the node's counter (a retried push gets the same answer).
    # On a replica: its own operations the server refused, dropped from its
    # state and kept here so that its member sees what was not accepted.
    db.execute(
        """CREATE TABLE refused_ops (
            node TEXT NOT NULL,
            node_seq INTEGER NOT NULL,
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
            PRIMARY KEY (node, node_seq)
        )"""
    )
    # Members get an ``access`` field (its column comes from
    # _add_missing_columns).  A file that is not a replica writes its
    # members' access as operations when the store opens it (replicas get
    # them from their server), see ``Store._grant_access``.
    has_members = db.execute("SELECT 1 FROM member LIMIT 1").fetchone()
    replica = db.execute("SELECT 1 FROM meta WHERE key = 'remote.url'").fetchone()
    if has_members and not replica:
        db.execute("INSERT INTO meta(key, value) VALUES (?, '1')", [ACCESS_PENDING])


def _meeting_index(db: sqlite_utils.Database) -> None:
    # "@me" and "@ana" take in the meetings a member attends: found among
    # the few tasks that are meetings, not by reading every task's JSON.
    db.execute("CREATE INDEX IF NOT EXISTS task_meetings ON task(meeting) WHERE meeting IS NOT NULL")


def _ssh_columns(db: sqlite_utils.Database) -> None:
    """``member.ssh_keys`` and ``workspace.ssh_account``: their columns come from _add_missing_columns."""


def _results_indexes(db: sqlite_utils.Database) -> None:
    # The results table itself comes from _add_missing_columns.  Reports
    # read a period of days, per post or per campaign on a platform.
    if not db["result"].exists():
        _create_record_table(db, ENTITIES["result"])
    db.execute("CREATE INDEX IF NOT EXISTS result_by_day ON result(day)")
    db.execute("CREATE INDEX IF NOT EXISTS result_by_post ON result(post, day) WHERE post IS NOT NULL")
    # Conversion values are read by day where there are any (most records have none).
    db.execute("CREATE INDEX IF NOT EXISTS result_values ON result(day) WHERE value_amount IS NOT NULL")
    db.execute("CREATE INDEX IF NOT EXISTS result_followers ON result(platform, day) WHERE kind = 'followers'")
    fresh = not db[rollup.TABLE].exists()
    for statement in rollup.STATEMENTS:
        db.execute(statement)
    if fresh:
        db.execute(rollup.FILL)


def _create_posts(db: sqlite_utils.Database) -> None:
    # Posts live in the task table (their columns come from _add_missing_columns);
    # approvals are read per post, crises are few.
    _add_missing_columns(db)
    db.table("post_approval").create_index(["post"], index_name="post_approval_by_post", if_not_exists=True)
    db.execute("CREATE INDEX IF NOT EXISTS task_posts ON task(post_state) WHERE post_state IS NOT NULL")


def _result_days(db: sqlite_utils.Database) -> None:
    # The Results screen's periods read results per campaign, platform and
    # day (``rollup_days``), not a record per post and day.
    fresh = not db[rollup_days.TABLE].exists()
    for statement in rollup_days.STATEMENTS:
        db.execute(statement)
    if fresh:
        db.execute(rollup_days.FILL)


def _waiting_index(db: sqlite_utils.Database) -> None:
    # The urgency's "blocking" term asks which open tasks wait for others:
    # read from the few tasks that wait for any, not from every task's row
    # (a whole-table read on every task list, filtered or not).
    db.execute("CREATE INDEX IF NOT EXISTS task_waiting ON task(deleted, status, depends_on) WHERE depends_on != '[]'")


def _rollups_again(db: sqlite_utils.Database) -> None:
    # The roll-ups are derived state: a migration that changes what they count makes them again from the records.
    rollups.rebuild(db.conn)


def _snooze_zones(db: sqlite_utils.Database) -> None:
    """``task.snoozed_tz``, the zone a snooze was meant in: its column comes from _add_missing_columns.

    A snooze stored before has no zone (it was an instant alone) and keeps none.
    """


def _workspace_chain(db: sqlite_utils.Database) -> None:
    """``workspace.approvals``: its column comes from _add_missing_columns, empty (no chain) as before."""


#: ``crewdeck undo``'s history (``tui/cli/history.py``): local, never replicated.  A change is a command's write (an
#: import's batches, one change), numbered in the order of its first commit; a commit is a row, its first and last
#: stamp.  ``undo``: the write of an undo (what it set back, by stamp), not a change to take back.
COMMAND_HISTORY = (
    """CREATE TABLE IF NOT EXISTS command_change (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        member TEXT NOT NULL,
        undo INTEGER NOT NULL
    )""",
    # A member's last change, and the ones past what is kept: a seek, however long the history.
    "CREATE INDEX IF NOT EXISTS command_change_by_member ON command_change(member, undo)",
    "CREATE TABLE IF NOT EXISTS command_commit (change INTEGER NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS command_commit_by_change ON command_commit(change)",
)
#: Where the history was before (one JSON setting per member, read and written again whole on every commit).
_OLD_HISTORY = "cli_history."


def _command_history(db: sqlite_utils.Database) -> None:
    # A row appended by each commit, in its transaction, where the member's whole history was read and written
    # again: an import's 200 commits took 4-8 s with a history of 99 earlier imports (1.4 MB).  AUTOINCREMENT: a
    # change's number is never another's, even after the newest was undone (a command still writing adds to its own).
    for statement in COMMAND_HISTORY:
        db.execute(statement)
    old = db.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?", (len(_OLD_HISTORY), _OLD_HISTORY)).fetchall()
    for key, value in old:
        member, held = key[len(_OLD_HISTORY) :], json.loads(value)
        # Each change's runs, oldest first; an undo's write was one run.
        for undo, changes in ((0, held.get("done", [])), (1, [[run] for run in held.get("undos", [])])):
            for runs in changes:
                change = db.execute("INSERT INTO command_change(member, undo) VALUES (?, ?)", (member, undo)).lastrowid
                db.conn.executemany("INSERT INTO command_commit(change, first, last) VALUES (?, ?, ?)", [(change, *run) for run in runs])
        db.execute("DELETE FROM meta WHERE key = ?", (key,))


#: A result's key fields (``records.result_key``), each its one column of the same name.
_RESULT_KEY = ("kind", "post", "campaign", "platform", "day")
#: Results missing a key column their kind has (a NULL kind or day: a kind is only ever the id's).
_KEYLESS_RESULTS = """SELECT id FROM result WHERE kind IS NULL OR day IS NULL
    OR (kind = 'post' AND post IS NULL)
    OR (kind = 'campaign' AND (campaign IS NULL OR platform IS NULL))
    OR (kind = 'followers' AND platform IS NULL)"""


def _results_keyed(db: sqlite_utils.Database) -> None:
    # A replica of the build before ids gave a result's key (``Entity.from_id``) stored a result that came from a
    # newer replica (its numbers alone) without its key: roll-ups and reports missed it, an export could not be read
    # back.  Its key is its id's, the key columns filled from it where NULL; the roll-ups then count the records.
    keyless = [row_id for (row_id,) in db.execute(_KEYLESS_RESULTS).fetchall()]
    fill = ", ".join(f"[{name}] = coalesce([{name}], ?)" for name in _RESULT_KEY)
    params = []
    for row_id in keyless:
        key = result_key(row_id)
        if key is not None:  # an id that gives nothing stays as it is (the rules refuse writes to it)
            params.append([key[name] for name in _RESULT_KEY] + [row_id])
    if params:
        rollups.suspend(db.conn)
        db.conn.executemany(f"UPDATE result SET {fill} WHERE id = ?", params)
        rollups.rebuild(db.conn)


#: Text holding a character beyond ASCII (more bytes than characters): what composing may change, found without a call.
_NOT_ASCII = "length(CAST([{0}] AS BLOB)) != length([{0}])"


def _text_composed(db: sqlite_utils.Database) -> None:
    """Record text composed (NFC), as every write now stores it (``records.composed``): a title typed on a Mac ("e"
    and an accent) is found by a search typed anywhere.  What a field stores is asked of its check (a post's content
    is kept as written: an approval is of its bytes).  The log's values are composed too, not the rows alone: a pull
    that touches a record makes its row again from the log (``Store._rebuild``), which would bring the old form back.
    """
    changed_ops = []
    query = f"SELECT rowid, kind, entity, row_id, field, value FROM ops WHERE {_NOT_ASCII.format('value')}"
    for rowid, kind, entity, row_id, field_name, value in db.execute(query).fetchall():
        if unicodedata.is_normalized("NFC", value):
            continue
        try:
            checked = dump_value(check_value(Op("", "", 0, "", kind, entity, row_id, field_name, ""), json.loads(value)))
        except (ValueError, TypeError):  # stored before a check refused it: the doctor says what to do
            continue
        if checked != value:
            changed_ops.append((checked, rowid))
    db.conn.executemany("UPDATE ops SET value = ? WHERE rowid = ?", changed_ops)
    for spec in ENTITIES.values():
        have = {row[1] for row in db.execute(f"PRAGMA table_info([{spec.name}])").fetchall()}
        for f in (f for f in spec.fields if f.kind in ("plain", "json") and f.columns[0] in have):
            column = f.columns[0]
            changed = []
            rows = db.execute(f"SELECT rowid, [{column}] FROM [{spec.name}] WHERE {_NOT_ASCII.format(column)}").fetchall()
            for rowid, stored in rows:
                if not isinstance(stored, str) or unicodedata.is_normalized("NFC", stored):
                    continue
                try:
                    checked = f.to_columns(spec.check(f.name, f.from_columns((stored,))))[0]
                except (ValueError, TypeError):
                    continue
                if checked != stored:
                    changed.append((checked, rowid))
            db.conn.executemany(f"UPDATE [{spec.name}] SET [{column}] = ? WHERE rowid = ?", changed)


def _ledger_report_with_task(db: sqlite_utils.Database) -> None:
    # The results' spend is placed per platform by each entry's post (``spend.spend_platforms``): without ``task`` in
    # the report's covering index every entry of the period was read from the table again, a month's 6,000 entries
    # 8 ms of a Results period switch's read.
    db.execute("DROP INDEX IF EXISTS ledger_report")
    db.table("ledger_entry").create_index(
        ["currency", "needs_approval", "date", "campaign", "category", "amount", "payee", "task"], index_name="ledger_report"
    )


def _import_runs(db: sqlite_utils.Database) -> None:
    """``import_run``, what each import wrote (``records.IMPORT_RUN``): its table comes from _add_missing_columns.

    The runs an older build remembered in the file's settings (``import.runs.SOURCE``) stay there, and count as runs too.
    """


def _managerless(db: sqlite_utils.Database) -> None:
    # The workspace the app made on its first start had one member and no manager (``init`` made its first member the
    # manager; the app did not): nobody there could add the team, a campaign or a setting, nor ever become a manager.
    # A file that is not a replica gets its creator as manager when the store opens it (``Store._heal_managerless``);
    # a replica gets it from its server, and a published file's database is where its team writes.  A file from
    # before members' access (migration 8 in this same run) gets its managers from ``Store._grant_access``, and has
    # no access column yet to read.
    elsewhere = db.execute("SELECT 1 FROM meta WHERE key IN ('remote.url', ?, ?)", [META_PUBLISHED, ACCESS_PENDING]).fetchone()
    if elsewhere or not db.execute("SELECT 1 FROM member WHERE deleted = 0 LIMIT 1").fetchone():
        return
    if not db.execute("SELECT 1 FROM member WHERE deleted = 0 AND access = 'manager' LIMIT 1").fetchone():
        db.execute("INSERT INTO meta(key, value) VALUES (?, '1')", [MANAGERLESS])


#: Set by migration 8 until ``Store`` has written the members' access.
ACCESS_PENDING = "rules.access_pending"
#: Set by migration 24 until ``Store`` has made the creator of a workspace with no manager its manager.
MANAGERLESS = "rules.managerless"

#: The registry: migration n brings a file from user_version n-1 to n.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("operations log, clock and meta", _create_core),
    ("materialized record tables", _create_records),
    ("task.meeting (booked meetings) and an index of recurring series", _series_index),
    ("sync server tokens and node counters (local, unreplicated)", _create_sync_tables),
    ("ledger approvals and indexes", _create_ledger),
    ("an index of publish slots (the deadline grid's days)", _publish_index),
    ("an index of the columns task filters read (counts of matching tasks)", _filter_index),
    ("refused operations, and members' access for the rules", _create_refusals),
    ("an index of booked meetings (their attendees' tasks)", _meeting_index),
    ("members' SSH keys and the workspace's SSH account", _ssh_columns),
    ("results: daily counts per post, campaign and platform, and followers", _results_indexes),
    ("posts: content and state on tasks, post approvals, crises", _create_posts),
    ("results summed per campaign, platform and day (the Results screen's periods)", _result_days),
    ("an index of the tasks that wait for others (the urgency's blocking term)", _waiting_index),
    ("results' roll-ups count the records that gave each count (a metric never reported is not 0)", _rollups_again),
    ("task.snoozed_tz: the zone a snooze was meant in", _snooze_zones),
    ("workspace.approvals: the approval chain of the posts in no campaign", _workspace_chain),
    ("results' roll-ups count a record whose every count was cleared as no day", _rollups_again),
    ("crewdeck undo's history: a row per commit in a local table, where a setting per member was rewritten whole", _command_history),
    ("results: key columns a replica of the build before stored NULL are read from the result's id", _results_keyed),
    ("record text composed (NFC), as every write stores it: a search finds a title however its accents were typed", _text_composed),
    ("the ledger's report index holds each entry's post (the results' spend per platform reads no entry)", _ledger_report_with_task),
    ("import_run: which operations each import wrote, replicated, where the file's settings remembered it", _import_runs),
    ("a workspace with no manager (the one the app made on its first start): its creator made its manager", _managerless),
]

SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Bring the schema up to date in one transaction; return what was done."""
    current = user_version(conn)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"this workspace was written by a newer crewdeck (schema {current}, this one knows {SCHEMA_VERSION}); upgrade crewdeck"
        )
    if current == SCHEMA_VERSION:
        return []
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    done: list[str] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock.
        current = user_version(conn)
        for version, (description, step) in enumerate(MIGRATIONS[current:], start=current + 1):
            step(db)
            done.append(f"{version}: {description}")
        if done:
            _add_missing_columns(db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        # A full disk has rolled SQLite back already.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return done
