"""The oplog store: local writes, foreign operations, clock, schema."""

from __future__ import annotations

import gc
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from crewdeck.sync.client.remote import Remote
from crewdeck.sync.state import schema
from crewdeck.sync.state import store as store_module
from crewdeck.sync.state.clock import MAX_DRIFT_MS, ClockSkewError, Stamp, wall_ms
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import Op, OpError, from_wire
from crewdeck.sync.state.push import PushRejected
from crewdeck.sync.state.records import (
    ENTITIES,
    Entity,
    Field,
    ValidationError,
    boolean,
    integer,
    list_of,
    load_json,
    optional,
    record_id,
)
from crewdeck.sync.state.restored import MAX_WINDOWS, mark_restored, restored_bounds
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.tui.workspace.describe import unseen_in

from .conftest import fresh_store

ANA = new_id()


def test_a_new_workspace_is_wal_group_writable_and_current(tmp_path: Path) -> None:
    s = Store.create(tmp_path / "w.db")
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema.user_version(s.conn) == schema.SCHEMA_VERSION
    assert (tmp_path / "w.db").stat().st_mode & 0o777 == 0o660
    assert len(s.node) == 12
    s.close()


def test_creating_over_an_existing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "w.db").write_text("keep me")
    with pytest.raises(WorkspaceError, match="already exists"):
        Store.create(tmp_path / "w.db")
    assert (tmp_path / "w.db").read_text() == "keep me"


def test_a_file_that_is_not_a_workspace_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello " * 1000)
    with pytest.raises(WorkspaceError, match="not a crewdeck workspace"):
        Store(tmp_path / "notes.txt")


def test_a_workspace_from_a_newer_crewdeck_is_refused(store: Store) -> None:
    store.conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    path = store.path
    store.close()
    with pytest.raises(WorkspaceError, match="newer crewdeck"):
        Store(path)


def test_migrations_bring_an_empty_file_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    done = schema.migrate(conn)
    assert [d.split(":")[0] for d in done] == [str(i) for i in range(1, schema.SCHEMA_VERSION + 1)]
    assert schema.migrate(conn) == []
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"ops", "clock", "meta", "task", "member", "campaign", "ledger_entry", "budget", "rate", "workspace"} <= tables


def test_local_edits_are_ops_and_rows(store: Store) -> None:
    with store.write(ANA) as w:
        task = w.create("task", {"title": "Draft carousel", "priority": "high"})
    row = store.record("task", task)
    assert row is not None
    assert row["title"] == "Draft carousel"
    assert row["priority"] == "high"
    assert row["status"] == "inbox"  # the default of a field never set
    ops = [op for _, op in store.ops_after(0)]
    assert {op.field for op in ops} == {"title", "priority"}
    assert all(op.member == ANA and op.node == store.node for op in ops)
    assert [op.node_seq for op in ops] == [1, 2]


def indexes(store: Store) -> list[tuple[str, str]]:
    return sorted(
        store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('task', 'ops')")
    )


def test_a_bulk_write_builds_the_indexes_again_after_it(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BULK_ROWS", 3)  # as 100,000 tasks from an import
    before = indexes(store)
    assert {name for name, _ in before} >= {"task_filter", "task_due", "ops_by_field"}
    with store.write(ANA) as w:
        made = [w.create("task", {"title": f"Post {i}", "due": {"utc": f"2026-12-0{i + 1}T10:00:00Z", "tz": "UTC"}}) for i in range(5)]
    assert indexes(store) == before
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    plan = " ".join(str(r) for r in store.conn.execute("EXPLAIN QUERY PLAN SELECT id FROM task WHERE due_utc < '2026-12-03'"))
    assert "task_due" in plan
    assert [store.record("task", t)["title"] for t in made] == [f"Post {i}" for i in range(5)]  # type: ignore[index]


def test_a_bulk_write_that_fails_leaves_the_indexes_and_the_rows_as_they_were(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BULK_ROWS", 3)
    before = indexes(store)

    def fail(done: int, total: int) -> None:
        raise OSError("disk full")  # while the log's index is dropped

    with pytest.raises(OSError), store.write(ANA, fail) as w:
        for i in range(5):
            w.create("task", {"title": f"Post {i}"})
    assert indexes(store) == before
    assert store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM ops").fetchone()[0] == 0


@pytest.mark.parametrize("thresholds", [(700, 10, 10), (700, 10, 1_000), (0, 10, 10)])
def test_a_bulk_collects_its_young_objects_less_often_and_leaves_the_collector_as_it_found_it(
    store: Store, thresholds: tuple[int, int, int]
) -> None:
    # Python's default, the app's (collector.THRESHOLDS), and no collections by count at all (which stays so).
    before = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        with pytest.raises(OSError), store.bulk():
            with store.write(ANA) as w:
                w.create("task", {"title": "Post"})
            young, *older = thresholds
            assert gc.get_threshold() == (young and store_module.BULK_YOUNG_COLLECTED_AFTER, *older)
            raise OSError("disk full")
        assert gc.get_threshold() == thresholds
    finally:
        gc.set_threshold(*before)


def _bulk_of_batches(store: Store, batches: int, *, midway: bool = False) -> list[str]:
    """The statements of a ``bulk`` of five tasks a batch (``midway``: the log's index asked for after the first)."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    with store.bulk():
        for batch in range(batches):
            with store.write(ANA) as w:
                for i in range(5):
                    w.create("task", {"title": f"Post {batch}.{i}", "notes": "five fields", "tags": ["x"]})
            if midway and batch == 0:
                store.need_log_index()
    store.conn.set_trace_callback(None)
    return statements


def test_a_bulk_answers_which_records_are_here_from_its_last_read_until_a_row_changes(store: Store) -> None:
    # An import's merge asks of a batch's records, then its commit asks of the same ones: one read, nothing written between.
    task, other = new_id(), new_id()
    statements: list[str] = []
    with store.bulk():
        assert store.stored_entities([task, other]) == {}
        store.conn.set_trace_callback(statements.append)
        assert store.stored_entities([other, task]) == {}
        assert statements == []
        store.conn.set_trace_callback(None)
        with store.write(ANA) as w:
            w.create("task", {"title": "Draft carousel"}, row_id=task)
        answer = store.stored_entities([task, other])
        assert answer == {task: "task"}
        answer[other] = "campaign"  # a merge adds what it matched to its own answer, not to the one kept
        assert store.stored_entities([task, other]) == {task: "task"}
        store.conn.set_trace_callback(statements.append)
        assert store.stored_entities([new_id()]) == {}
        assert statements  # an id it was not asked of is read
        store.conn.set_trace_callback(None)
    assert store.stored_entities([task]) == {task: "task"}


def test_a_store_bulk_builds_the_logs_index_once_after_its_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Keeping the index up to date entry by entry costs more than one sorted build at the end
    # (100,000 Taskwarrior tasks: 11.2 s -> 9.6 s); dropping it per batch meant building it from
    # the whole log every batch (30 batches of 11,000 operations: 9.1 s -> 3.6 s).
    monkeypatch.setattr(store_module, "BULK_ROWS", 3)
    before = indexes(store)
    store.need_log_index()  # outside a bulk (a dry run's): nothing, now or for the next bulk
    statements = _bulk_of_batches(store, 3)
    on_log = [i for i, s in enumerate(statements) if "ops_by_field" in s]
    assert [statements[i].split(" INDEX")[0] for i in on_log] == ["DROP", "CREATE UNIQUE"]
    inserts = [i for i, s in enumerate(statements) if s.startswith("INSERT INTO ops")]
    assert on_log[0] < inserts[0] and on_log[1] > inserts[-1]
    assert 'DROP INDEX "task_filter"' in statements  # the record tables' lookups go too, once
    assert indexes(store) == before
    assert store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 15
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_store_bulk_keeps_the_index_of_a_log_larger_than_what_it_adds(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Building it again reads the whole log: not worth it for a small import into a large workspace.
    monkeypatch.setattr(store_module, "BULK_ROWS", 3)
    with store.write(ANA) as w:
        for i in range(20):
            w.create("task", {"title": f"here already {i}", "notes": "five fields", "tags": ["x"]})
    statements = _bulk_of_batches(store, 2)
    assert not [s for s in statements if "ops_by_field" in s]
    assert store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 30


def test_a_store_bulk_asked_for_the_logs_index_builds_it_then_keeps_it(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # A newer export's import reads a record's operations (was it edited here?): a scan of the log without it.
    monkeypatch.setattr(store_module, "BULK_ROWS", 3)
    statements = _bulk_of_batches(store, 3, midway=True)
    on_log = [s.split(" ")[0] for s in statements if "ops_by_field" in s]
    assert on_log == ["DROP", "CREATE"]
    plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT field FROM ops WHERE row_id = ?", ("x",)).fetchall()
    assert "ops_by_field" in str(plan)
    assert store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 15


def test_a_bulk_rolled_back_leaves_the_logs_index_as_it_was(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BULK_ROWS", 3)
    before = indexes(store)
    with pytest.raises(RuntimeError), store.bulk():
        with store.write(ANA) as w:
            for i in range(5):
                w.create("task", {"title": f"Post {i}"})
        raise RuntimeError("the import found a bad record")
    assert indexes(store) == before and store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 0
    statements = _bulk_of_batches(store, 1)  # and the next bulk drops and builds it as usual
    assert [s.split(" INDEX")[0] for s in statements if "ops_by_field" in s] == ["DROP", "CREATE UNIQUE"]
    assert indexes(store) == before


def test_a_setting_written_inside_held_or_bulk_joins_its_transaction(store: Store) -> None:
    """Review rb: inside ``held`` a setting's write began a transaction of its own, which SQLite refuses, and was said
    as "the workspace stayed locked by another writer ...; try again"."""
    with store.held():
        with store.write(ANA) as w:
            task = w.create("task", {"title": "Brief"})
        store.update_meta("x-one", lambda was: "1")
        store.set_metas({"x-two": "2"})
        store.update_metas(("x-three",), lambda was: ("3",))
        with store.snapshot() as version:  # a read of one state of the file: under the lock, the one it holds
            assert version == store.version() and store.get_meta("x-one") == "1"
    assert [store.get_meta(key) for key in ("x-one", "x-two", "x-three")] == ["1", "2", "3"]
    with pytest.raises(OSError, match="undone"), store.bulk():
        store.set_metas({"x-four": "4"})
        with store.write(ANA) as w:
            w.set("task", task, {"title": "Brief v2"})
        raise OSError("the import was undone")
    # All of it, or none: the setting went with the bulk's rollback.
    assert store.get_meta("x-four") is None and store.record("task", task)["title"] == "Brief"  # type: ignore[index]


def test_a_transaction_of_its_own_inside_held_or_bulk_is_refused_as_the_misuse_it_is(store: Store) -> None:
    for outer, inner in (("held", "bulk"), ("bulk", "bulk"), ("held", "take_new_node")):
        with pytest.raises(RuntimeError) as refused, getattr(store, outer)():
            if inner == "bulk":
                with store.bulk():
                    pass
            else:
                store.take_new_node(new_id(), 1)
        assert str(refused.value) == (
            f"programming error: Store.{inner} inside Store.{outer}: it is a transaction of its own and cannot join that one; "
            f"call it before or after the {outer} block"
        )
    # Nothing was left half done: the next write is a transaction of its own as ever.
    with store.write(ANA) as w:
        task = w.create("task", {"title": "Brief"})
    assert store.record("task", task) is not None and not store.conn.in_transaction


def test_a_store_bulk_that_writes_nothing_builds_no_index_again(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # A second import of a file writes nothing: its indexes come back with the rollback, not rebuilt from every row.
    monkeypatch.setattr(store_module, "BULK_ROWS", 3)
    with store.write(ANA) as w:
        w.create("task", {"title": "here already"})
    before = indexes(store)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    with store.bulk():
        assert store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 1
    store.conn.set_trace_callback(None)
    assert 'DROP INDEX "task_filter"' in statements and "ROLLBACK" in statements
    assert not [s for s in statements if s.startswith("CREATE")]
    assert indexes(store) == before
    with store.bulk(), store.write(ANA) as w:  # one that writes commits as before
        w.create("task", {"title": "new"})
    assert indexes(store) == before and store.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 2


def test_a_write_of_no_fields_leaves_no_row(store: Store) -> None:
    # A record is in its table exactly when the log holds an operation on it: the rules read which records are here from the tables.
    row_id = new_id()
    with store.write(ANA) as w:
        w.set("task", row_id, {})
        other = w.create("task", {"title": "written with it"})
    assert store.conn.execute("SELECT id FROM task").fetchall() == [(other,)]
    assert store.stored_entities([row_id]) == {}


def test_the_clock_is_saved_with_the_operations_it_stamped(store: Store) -> None:
    with store.write(ANA) as w:
        w.create("task", {"title": "a", "notes": "b"})
    last, node_seq = store.conn.execute("SELECT last, node_seq FROM clock").fetchone()
    newest = store.conn.execute("SELECT max(op_id) FROM ops").fetchone()[0]
    assert last == newest
    assert node_seq == 2


def test_a_failed_write_leaves_nothing_behind(store: Store) -> None:
    with store.write(ANA) as w:
        task = w.create("task", {"title": "keep"})
    before = store.op_count()
    store.conn.execute("CREATE TRIGGER boom BEFORE INSERT ON ops WHEN NEW.field = 'notes' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
    with pytest.raises(sqlite3.IntegrityError), store.write(ANA) as w:
        w.set("task", task, {"title": "changed", "notes": "x"})
    assert store.op_count() == before
    assert store.record("task", task)["title"] == "keep"  # type: ignore[index]
    assert store.conn.execute("SELECT node_seq FROM clock").fetchone()[0] == 1


def test_a_bad_value_raises_before_anything_is_written(store: Store) -> None:
    with pytest.raises(ValidationError) as info, store.write(ANA) as w:
        w.create("task", {"title": "ok"})
        w.create("task", {"title": "bad", "due": {"utc": "tomorrow", "tz": "Europe/Berlin"}})
    assert info.value.entity == "task" and info.value.field == "due"
    assert store.op_count() == 0


def test_last_writer_wins_per_field(store: Store, tmp_path: Path) -> None:
    other = fresh_store(tmp_path, "other.db")
    with store.write(ANA) as w:
        task = w.create("task", {"title": "first", "priority": "low"})
    other.apply(op for _, op in store.ops_after(0))
    with other.write(ANA) as w:
        w.set("task", task, {"title": "renamed"})
    with store.write(ANA) as w:
        w.set("task", task, {"priority": "high"})
    store.apply(op for _, op in other.ops_after(0))
    other.apply(op for _, op in store.ops_after(0))
    for s in (store, other):
        row = s.record("task", task)
        assert row is not None and (row["title"], row["priority"]) == ("renamed", "high")
    other.close()


def test_delete_is_a_tombstone_that_merges_like_a_field(store: Store) -> None:
    with store.write(ANA) as w:
        task = w.create("task", {"title": "gone soon"})
    with store.write(ANA) as w:
        w.delete("task", task)
    assert [r for r, _ in store.records("task")] == []
    assert store.record("task", task)["deleted"] is True  # type: ignore[index]
    with store.write(ANA) as w:
        w.set("task", task, {"deleted": False})  # undo of the delete
    assert [r for r, _ in store.records("task")] == [task]


def test_a_due_date_and_its_zone_are_one_value(store: Store, tmp_path: Path) -> None:
    other = fresh_store(tmp_path, "other.db")
    with store.write(ANA) as w:
        task = w.create("task", {"title": "t"})
    other.apply(op for _, op in store.ops_after(0))
    with store.write(ANA) as w:
        w.set("task", task, {"due": {"utc": "2026-12-01T16:00:00Z", "tz": "Europe/Berlin"}})
    with other.write(ANA) as w:
        w.set("task", task, {"due": {"utc": "2026-12-02T03:00:00Z", "tz": "Asia/Tokyo"}})
    store.apply(op for _, op in other.ops_after(0))
    other.apply(op for _, op in store.ops_after(0))
    dues = {(s.record("task", task) or {})["due"]["tz"] + (s.record("task", task) or {})["due"]["utc"] for s in (store, other)}
    assert len(dues) == 1  # never Berlin's zone with Tokyo's instant
    other.close()


def test_ledger_entries_are_append_only(store: Store) -> None:
    campaign = new_id()
    entry = {
        "date": "2026-11-20",
        "campaign": campaign,
        "category": "influencers",
        "payee": "@cafe_mila",
        "amount": 12050,
        "currency": "EUR",
        "entered_by": ANA,
        "entered_at": "2026-11-26T09:00:00Z",
    }
    with store.write(ANA) as w:
        entry_id = w.append("ledger_entry", entry)
    with pytest.raises(ValidationError, match="append-only"), store.write(ANA) as w:
        w.set("ledger_entry", entry_id, {"amount": 1})
    op = next(op for _, op in store.ops_after(0))
    forged = op._replace(
        op_id=str(Stamp(Stamp.parse(op.op_id).ms + 1, 0, "ffffffffffff")), node="ffffffffffff", value=op.value.replace("12050", "99999")
    )
    store.apply([forged])  # a second append of the same id, stamped later, changes nothing
    assert store.record("ledger_entry", entry_id)["amount"] == 12050  # type: ignore[index]


def test_foreign_operations_apply_idempotently(store: Store, tmp_path: Path) -> None:
    other = fresh_store(tmp_path, "other.db")
    with store.write(ANA) as w:
        for i in range(10):
            w.create("task", {"title": f"t{i}"})
    ops = [op for _, op in store.ops_after(0)]
    first = other.apply(ops)
    again = other.apply(ops + ops[:3])
    assert first.ops == 10 and again.ops == 0
    assert other.op_count() == 10
    assert set(first.rows["task"]) == {op.row_id for op in ops}
    other.close()


def test_seq_is_assigned_where_stored_not_by_the_sender(store: Store, tmp_path: Path) -> None:
    # An op made "yesterday" offline and applied today still gets the next seq.
    other = fresh_store(tmp_path, "other.db")
    with store.write(ANA) as w:
        w.create("task", {"title": "today"})
    old = Op(str(Stamp(1_000_000_000_000, 0, other.node)), other.node, 1, ANA, "set", "task", new_id(), "title", '"yesterday"')
    cursor = store.max_seq()
    store.apply([old])
    after = store.ops_after(cursor)
    assert [op.op_id for _, op in after] == [old.op_id]
    other.close()


def test_operations_from_the_future_are_refused_whole(store: Store) -> None:
    wall = store.wall()
    ok = Op(str(Stamp(wall, 0, "bbbbbbbbbbbb")), "bbbbbbbbbbbb", 1, ANA, "set", "task", new_id(), "title", '"fine"')
    ahead = Op(str(Stamp(wall + MAX_DRIFT_MS + 60_000, 0, "bbbbbbbbbbbb")), "bbbbbbbbbbbb", 2, ANA, "set", "task", new_id(), "title", '"x"')
    with pytest.raises(ClockSkewError, match="ahead of this machine's clock"):
        store.apply([ok, ahead])
    assert store.op_count() == 0


def test_two_writers_on_one_file_never_reuse_or_go_below_each_others_stamps(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    fast = Store.create(path)
    slow = Store(path)
    fast.wall = lambda: 2_000_000_000_000
    slow.wall = lambda: 2_000_000_000_000 - 60_000  # this process's clock is a minute behind
    with fast.write(ANA) as w:
        w.create("task", {"title": "from the fast clock"})
    with slow.write(ANA) as w:
        w.create("task", {"title": "from the slow clock"})
    ops = [op.op_id for _, op in fast.ops_after(0)]
    assert ops == sorted(ops) and len(set(ops)) == 2
    assert Stamp.parse(ops[1]).ms == 2_000_000_000_001  # after the fast clock's, in a millisecond of its own (a write of its own)
    fast.close()
    slow.close()


def test_a_restore_found_after_this_machines_clock_was_set_back_still_holds_what_was_stamped_before(tmp_path: Path) -> None:
    # The window a restore marks ended the drift past this machine's clock: set back since (it ran eight minutes fast
    # when these edits were stamped), it left them out, and the log said "without having seen" of them again.
    store = Store.create(tmp_path / "replica.db")
    now = wall_ms()
    store.wall = lambda: now + 8 * 60_000
    with store.write(ANA) as w:
        w.create("task", {"title": "stamped by a fast clock"})
    store.wall = lambda: now
    mark_restored(store)
    [(_, before)] = restored_bounds(store.conn)
    stamps = [op.op_id for _, op in store.ops_after(0)]
    assert stamps and all(stamp < before for stamp in stamps), (stamps, before)
    store.close()


def test_a_second_restore_keeps_what_the_log_tells_of_edits_stored_between_the_two(tmp_path: Path) -> None:
    # Two restores were kept as one window, from the first's head to the second's time: an edit stored between them and
    # written without having seen the one it replaced, an hour after the first, was no longer said to be, for good.
    store = Store.create(tmp_path / "log.db")
    now = wall_ms()
    store.wall = lambda: now
    mark_restored(store)
    later = now + 3_600_000
    store.wall = lambda: later + 1_000
    row, raj = new_id(), new_id()
    rajs = Op(str(Stamp(later + 1, 0, "bbbbbbbbbbbb")), "bbbbbbbbbbbb", 1, raj, "set", "task", row, "title", '"By raj"')
    anas = Op(str(Stamp(later, 0, "cccccccccccc")), "cccccccccccc", 1, ANA, "set", "task", row, "title", '"By ana"')
    store.apply([rajs])
    store.apply([anas])  # stamped before raj's, stored after it: he had not seen it
    assert unseen_in(store.conn, row, "title", rajs.op_id, restored_bounds(store.conn)) == ANA
    store.wall = lambda: later + 7_200_000
    mark_restored(store)
    assert unseen_in(store.conn, row, "title", rajs.op_id, restored_bounds(store.conn)) == ANA
    for _ in range(MAX_WINDOWS):
        mark_restored(store)
    assert len(restored_bounds(store.conn)) == MAX_WINDOWS  # kept within bounds, the oldest made one
    store.close()


def test_a_write_is_refused_while_the_workspace_clock_is_far_ahead_of_this_machines(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    fast = Store.create(path)
    slow = Store(path)
    now = 1_800_000_000_000
    fast.wall = lambda: now + 3_600_000  # another process's clock is an hour ahead
    slow.wall = lambda: now
    with fast.write(ANA) as w:
        task = w.create("task", {"title": "stamped an hour ahead"})
    before = (slow.op_count(), slow.node_seq())
    with (
        pytest.raises(WorkspaceError, match=r"clock is 1h00m ahead of this machine's clock \(limit 5m00s\): one of the clocks is off"),
        slow.write(ANA) as w,
    ):
        w.set("task", task, {"title": "would follow it into the future"})
    assert (slow.op_count(), slow.node_seq()) == before
    assert slow.record("task", task)["title"] == "stamped an hour ahead"  # type: ignore[index]
    slow.wall = lambda: now + 3_600_000 - MAX_DRIFT_MS  # within the limit, writes follow the clock again
    with slow.write(ANA) as w:
        w.set("task", task, {"title": "within the limit"})
    assert slow.record("task", task)["title"] == "within the limit"  # type: ignore[index]
    fast.close()
    slow.close()


def test_wire_form_is_checked(store: Store) -> None:
    good = {
        "op_id": "1700000000000-0000-aaaaaaaaaaaa",
        "node": "aaaaaaaaaaaa",
        "node_seq": 1,
        "member": ANA,
        "kind": "set",
        "entity": "task",
        "row_id": new_id(),
        "field": "title",
        "value": "hello",
    }
    assert from_wire(good).value == '"hello"'
    bad_cases = [
        ({**good, "entity": "planet"}, "unknown entity"),
        ({**good, "field": "colour"}, "no such field"),
        ({**good, "value": 42}, "expected text"),
        ({**good, "row_id": "x"}, "not a valid row id"),
        ({**good, "node": "bbbbbbbbbbbb"}, "does not match its stamp"),
        ({**good, "kind": "append"}, "not append-only"),
        ({**good, "node_seq": 0}, "positive integer"),
        ({k: v for k, v in good.items() if k != "value"}, "missing value"),
        ("nope", "JSON object"),
    ]
    for data, message in bad_cases:
        with pytest.raises(OpError, match=message):
            from_wire(data)


def test_a_remote_is_saved_whole_or_not_at_all(store: Store) -> None:
    store.conn.execute(
        "CREATE TRIGGER full BEFORE INSERT ON meta WHEN NEW.key = 'remote.token' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    remote = Remote("https://crewdeck.example.com", "team", "crewdeck_" + "a" * 43, ANA)
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        remote.save(store)
    assert store.conn.execute("SELECT count(*) FROM meta WHERE key LIKE 'remote.%'").fetchone()[0] == 0
    store.conn.execute("DROP TRIGGER full")
    remote.save(store)
    assert Remote.of(store) == remote


def test_json_is_read_strictly() -> None:
    assert load_json('{"reach": 1.5, "posts": [1, -2e3], "note": "NaN"}') == {"reach": 1.5, "posts": [1, -2000.0], "note": "NaN"}
    for text, problem in [
        ('{"reach": NaN}', "NaN is not a JSON number"),
        ("[Infinity]", "Infinity is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ("[1e999]", "1e999 is too large for a JSON number"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("{", "Expecting property name"),
        # Python's own refusal names a setting of the reader's (sys.set_int_max_str_digits), nothing the sender can do.
        ("[" + "9" * 5000 + "]", r"^a number of 5,000 digits is too long \(at most 4,300\)$"),
    ]:
        with pytest.raises(ValueError, match=problem):
            load_json(text)


def test_a_non_finite_number_is_refused_before_it_is_written(store: Store) -> None:
    campaign = new_id()
    for bad in (float("nan"), float("inf"), {"nested": [float("-inf")]}):
        with pytest.raises(ValidationError, match=r"campaign\.kpis: .* is not a JSON number"), store.write(ANA) as w:
            w.set("campaign", campaign, {"name": "Spring", "kpis": {"reach": bad}})
    assert store.op_count() == 0


def test_dates_times_months_and_rates_are_ascii_digits_in_their_one_spelling() -> None:
    # Text that sorts wrongly (or is not the canonical spelling) would break
    # text-ordered filters and reports on every replica.
    bad = [
        ("member", "days_off", ["2026-W01-1"]),  # an ISO week date: fromisoformat reads it
        ("member", "days_off", ["2026-12-0\u0661"]),  # an Arabic-Indic digit
        ("rate", "date", "2026-W52-7"),
        ("member", "hours", {"mon": [["0\u0669:00", "17:00"]]}),
        ("task", "snoozed_until", "2026-12-01T1\u0666:00:00Z"),
        ("budget", "period", "\uff12\uff10\uff12\uff16-01"),  # fullwidth digits
        ("rate", "rate", "\u0661.5"),
    ]
    for entity, field, value in bad:
        with pytest.raises(ValidationError):
            ENTITIES[entity].check(field, value)
    assert ENTITIES["member"].check("days_off", ["2026-12-01"]) == ["2026-12-01"]
    assert ENTITIES["budget"].check("period", "2026-01") == "2026-01"
    for text in ("\u0661700000000000-0000-aa", "1700000000000- 1ab-aa", "1700000000000-1_ab-aa", "1700000000000-+1ab-aa"):
        with pytest.raises(ValueError, match="not a clock stamp"):
            Stamp.parse(text)


def test_history_and_previous_values(store: Store) -> None:
    with store.write(ANA) as w:
        task = w.create("task", {"title": "v1"})
    with store.write(ANA) as w:
        w.set("task", task, {"title": "v2"})
    history = store.history(task)
    assert [op.value for op in history] == ['"v1"', '"v2"']
    assert store.field_value_before(task, "title", history[1].op_id) == (True, "v1")
    assert store.field_value_before(task, "title", history[0].op_id) == (False, None)


def test_a_migration_that_adds_a_field_gives_existing_rows_its_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.db"
    with Store.create(path) as s, s.write(ANA) as w:
        task = w.create("task", {"title": "written before the new fields existed"})
    # A later crewdeck: two new task fields, and a migration step (new columns come with any).
    new_fields = (
        Field("reviewers", list_of(record_id), default=[], kind="json"),
        Field("boosted", boolean, sql=("INTEGER NOT NULL DEFAULT 0",), default=False, kind="bool"),
        Field("reach", optional(integer(minimum=0)), sql=("INTEGER",)),
    )
    monkeypatch.setitem(ENTITIES, "task", Entity("task", (*ENTITIES["task"].fields, *new_fields)))
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, ("task.reviewers, boosted and reach", lambda db: None)])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setattr(store_module, "_COLUMN_CACHE", {})
    monkeypatch.setattr(store_module, "_UPSERT_CACHE", {})
    with Store(path) as s:
        with s.write(ANA) as w:
            new = w.create("task", {"title": "written after"})
        # The old record reads exactly like a new one whose new fields were never set.
        for row_id in (task, new):
            record = s.record("task", row_id)
            assert record is not None and (record["reviewers"], record["boosted"], record["reach"]) == ([], False, None)
        assert s.conn.execute("SELECT reviewers FROM task WHERE id = ?", (task,)).fetchone() == ("[]",)


FORGER = "ffffffffffff"
ENTRY = {
    "date": "2026-11-20",
    "campaign": new_id(),
    "category": "influencers",
    "payee": "@cafe_mila",
    "amount": 12050,
    "currency": "EUR",
    "entered_by": ANA,
    "entered_at": "2026-11-26T09:00:00Z",
}


def _forged(row_id: str, node_seq: int = 1, entity: str = "member", field: str = "name", value: str = '"Forged"', kind: str = "set") -> Op:
    """An operation that names an existing record's id under another entity."""
    return Op(str(Stamp(wall_ms(), node_seq, FORGER)), FORGER, node_seq, ANA, kind, entity, row_id, field, value)


def test_a_pushed_operation_naming_another_entitys_record_is_refused(store: Store) -> None:
    with store.write(ANA) as w:
        task = w.create("task", {"title": "Real task"})
    before = store.op_count()
    with pytest.raises(PushRejected) as refused:
        store.accept_push([_forged(task)], ANA)
    assert refused.value.code == "row_entity"
    assert f"{task} is a task record, not a member" in refused.value.message
    fresh = new_id()  # one id named under two entities inside one batch
    with pytest.raises(PushRejected, match=f"{fresh} is named both as a task and as a member"):
        store.accept_push([_forged(fresh, 1, "task", "title", '"t"'), _forged(fresh, 2)], ANA)
    assert store.op_count() == before
    assert store.record("task", task)["title"] == "Real task"  # type: ignore[index]
    assert store.record("member", task) is None


def test_a_local_write_naming_another_entitys_record_is_refused(store: Store) -> None:
    with store.write(ANA) as w:
        task = w.create("task", {"title": "Real task"})
    with pytest.raises(ValidationError, match=f"member.id: {task} is a task record, not a member"), store.write(ANA) as w:
        w.create("member", {"handle": "zoe", "name": "Zoe", "tz": "UTC"}, row_id=task)
    with pytest.raises(ValidationError, match="is a task record, not a ledger_entry"), store.write(ANA) as w:
        w.append("ledger_entry", ENTRY, row_id=task)
    assert store.op_count() == 1 and store.record("member", task) is None


def test_a_clash_already_stored_upstream_is_materialized_per_entity(store: Store, tmp_path: Path) -> None:
    # A log written before clashes were refused may still hold one: every
    # replica builds each entity's record from that entity's operations alone.
    with store.write(ANA) as w:
        task = w.create("task", {"title": "Real task"})
        entry = w.append("ledger_entry", ENTRY)
    forged = [
        _forged(task),
        _forged(entry, 2, "approval", "*", f'{{"approved_at":"2026-11-26T09:00:00Z","approved_by":"{ANA}","entry":"{entry}"}}', "append"),
    ]
    ops = [op for _, op in store.ops_after(0)]
    exports = []
    for name, order in (("first.db", ops + forged), ("second.db", forged[::-1] + ops)):
        replica = fresh_store(tmp_path, name)
        for op in order:
            replica.apply([op])
        assert replica.record("task", task)["title"] == "Real task"  # type: ignore[index]
        assert replica.record("member", task)["name"] == "Forged"  # type: ignore[index]
        assert replica.record("ledger_entry", entry)["amount"] == 12050  # type: ignore[index]
        assert replica.record("approval", entry)["entry"] == entry  # type: ignore[index]
        exports.append([list(replica.records(e, include_deleted=True)) for e in ("task", "member", "ledger_entry", "approval")])
        replica.close()
    assert exports[0] == exports[1]


def test_a_fresh_workspace_whose_filling_fails_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with pytest.raises(ValidationError), Store.fresh(path) as store, store.write(ANA) as w:
        w.create("task", {"title": "kept only if all of it is written"})
        w.create("task", {"title": "bad", "priority": "urgent"})
    assert list(tmp_path.iterdir()) == []
    with Store.fresh(path) as store, store.write(ANA) as w:
        w.create("task", {"title": "kept"})
    with Store(path) as store:
        assert [r["title"] for _, r in store.records("task")] == ["kept"]


def test_operations_of_its_node_from_another_copy_carry_the_ones_made_here_to_a_node_of_its_own(store: Store, tmp_path: Path) -> None:
    """Two copies of one replica each wrote; one pulls the other's operations, under the node they share: its own take a
    new node (the same stamps' time, counters from 1), and every record is in both once they have exchanged."""
    with store.write(ANA) as w:
        before = w.create("task", {"title": "before the copy"})
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(store.path, tmp_path / "copy.db")
    copy = Store(tmp_path / "copy.db")
    with store.write(ANA) as w:
        w.create("task", {"title": "typed there"})
    with copy.write(ANA) as w:
        here = w.create("task", {"title": "typed here"})
        w.set("task", before, {"priority": "high"})
    made_here = [op for _, op in copy.ops_after(0) if op.row_id == here or op.field == "priority"]

    change = copy.apply(op for _, op in store.ops_after(0))
    assert change.carried == 2  # two writes: the task typed, the priority set
    assert copy.node != store.node and copy.former_nodes() == [store.node]
    carried = [op for _, op in copy.own_ops_after(0)]
    assert [op.node_seq for op in carried] == list(range(1, len(made_here) + 1))
    assert [(op.op_id[:19], op.row_id, op.field, op.value) for op in carried] == [
        (op.op_id[:19], op.row_id, op.field, op.value) for op in made_here
    ]
    with copy.write(ANA) as w:  # the count goes on under the new node
        w.set("task", here, {"status": "doing"})
    assert [op.node_seq for _, op in copy.own_ops_after(0)][-1] == len(made_here) + 1

    store.apply(op for _, op in copy.ops_after(0))
    for s in (store, copy):
        assert sorted(v["title"] for _, v in s.records("task")) == ["before the copy", "typed here", "typed there"]
        assert (s.record("task", before)["priority"], s.record("task", here)["status"]) == ("high", "doing")  # type: ignore[index]
        assert s.op_count() == store.op_count()
    assert store.node not in {op.node for _, op in copy.own_ops_after(0)}
    copy.close()


def test_the_readmes_upgrading_paragraph_quotes_what_an_older_crewdeck_says(store: Store) -> None:
    """Upgrading the installation on a shared host was said nowhere, nor what members with an older crewdeck see."""
    store.conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    path = store.path
    store.close()
    with pytest.raises(WorkspaceError) as refused:
        Store(path)
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    quoted = readme.split("**Upgrading.**", 1)[1].split("“", 1)[1].split("”", 1)[0]
    numbers = (schema.SCHEMA_VERSION + 1, schema.SCHEMA_VERSION)
    assert str(refused.value) == re.sub(r"schema \d+, this one knows \d+", "schema {}, this one knows {}".format(*numbers), quoted)
