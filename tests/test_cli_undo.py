"""`crewdeck undo`: the last change a command made taken back, as the app's `u` does, on a real workspace file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crewdeck.sync.state.oplog import Op
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import Cli, in_person


def _task(cli: Cli, task_id: str) -> dict[str, object]:
    ws = Workspace.open(cli.workspace)
    try:
        return dict(ws.task(task_id))
    finally:
        ws.close()


def test_undo_twice_takes_back_two_changes_and_says_each_as_the_app_does(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel !high").strip()
    cli.ok("set", task_id, "priority=low", "status=doing")
    cli.ok("set", task_id, "title=Final reel")
    assert cli.ok("undo") == "undid: renamed “Draft reel” to “Final reel”\n"
    assert _task(cli, task_id)["title"] == "Draft reel"
    assert cli.ok("undo") == "undid: set “Draft reel” to low priority, set it to doing\n"
    task = _task(cli, task_id)
    assert (task["priority"], task["status"]) == ("high", "inbox")
    # New operations that sync, never history rewritten: every change stays in the log, the undos after them.
    log = cli.ok("log", task_id).splitlines()
    assert len(log) == 5 and "renamed “Final reel” to “Draft reel”" in log[1]
    assert "undid: added “Draft reel”" in cli.ok("undo")
    assert _task(cli, task_id)["deleted"]


def test_undo_keeps_what_another_member_changed_since(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task_id, "priority=high", "title=Reel v2")
    with in_person():
        cli.ok("set", task_id, "priority=low", as_member="raj")
    assert cli.ok("undo") == "undid: set “Draft reel” to high priority, renamed “Draft reel” to “Reel v2” (kept 1 later change by @raj)\n"
    task = _task(cli, task_id)
    assert (task["title"], task["priority"]) == ("Draft reel", "low")


def test_each_member_undoes_their_own_changes(cli: Cli) -> None:
    mine = cli.ok("add", "Mine").strip()
    with in_person():
        cli.ok("add", "Raj's", as_member="raj")
        assert "undid: added “Raj's”" in cli.ok("undo", as_member="raj")
    assert not _task(cli, mine)["deleted"]
    assert cli.ok("undo") == "undid: added “Mine”\n"


def test_a_ledger_entry_stands_and_undo_does_not_reach_past_it(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    spend = ("--category", "tools", "--payee", "Canva", "--amount", "12.50", "--date", "2026-11-20")
    cli.ok("ledger", "add", "--campaign", "spring-launch", *spend)
    for _ in range(2):  # it stays last, as in the app: the task made before it is not what undo takes back
        refused = cli("undo")
        assert refused.code == 2 and refused.out == ""
        assert refused.err.startswith("crewdeck: error: the entry ") and refused.err.endswith(
            "cannot be undone: ledger entries are append-only (reverse it instead)\n"
        )
    assert not _task(cli, task_id)["deleted"]


def test_the_undo_is_not_a_change_to_undo(cli: Cli) -> None:
    task_id = cli.ok("add", "Weekly report every:monday 10:00").strip()
    cli.ok("done", task_id)  # brings the next instance, in the same change
    said = cli.ok("undo")
    assert said.startswith("undid: ") and "Weekly report" in said
    assert _task(cli, task_id)["status"] != "done"
    # The next undo takes back the add, not the undo just made (there is no redo here).
    assert cli.ok("undo").startswith("undid: added “Weekly report”")
    assert _task(cli, task_id)["deleted"]


def test_a_series_caught_up_by_a_list_is_nobody_s_change_to_undo(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = cli.ok("add", "Weekly report every:monday 10:00").strip()
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-09T09:30:00Z")  # its Monday passed: the list brings the next
    assert cli.ok("tasks").count("Weekly report") == 2
    assert cli.ok("undo").startswith("undid: added “Weekly report”")
    assert _task(cli, task_id)["deleted"]


def test_nothing_to_undo_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    c = Cli(path)
    assert c("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin", as_member=None).code == 0
    result = c("undo")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "crewdeck: error: nothing to undo: no change of yours made with a crewdeck command on this file (the app's own: u)\n"
    )


def test_annotate_appends_a_dated_line_as_the_taskwarrior_import_writes_one(cli: Cli, tmp_path: Path) -> None:
    """`task annotate 3 called the printer` had no crewdeck command: the notes were set whole with `set notes=…`."""
    task_id = cli.ok("add", "Print flyers").strip()
    # 23:30 UTC on the 26th is the 27th in Kolkata: the day is the member's who writes it.
    with pytest.MonkeyPatch.context() as patch, in_person():
        patch.setenv("CREWDECK_NOW", "2026-11-26T23:30:00Z")
        said = cli.ok("annotate", task_id[:6], "called", "the", "printer", as_member="raj")
    assert said == "Annotated “Print flyers”: 2026-11-27 called the printer\n"
    assert cli.ok("annotate", "-q", task_id, "proofs Monday") == f"{task_id}\n"
    notes = "2026-11-27 called the printer\n2026-11-26 proofs Monday"
    assert _task(cli, task_id)["notes"] == notes
    # The line the Taskwarrior import writes for the same annotation (one function writes both).
    record = {
        "uuid": "11111111-2222-3333-4444-555555555555", "description": "Film", "status": "pending", "assignee": "ana",
        "annotations": [{"entry": "20261126T093000Z", "description": "proofs Monday"}],
    }  # fmt: skip
    (tmp_path / "tw.json").write_text(json.dumps([record]))
    cli.ok("import", "--from", "taskwarrior", str(tmp_path / "tw.json"))
    assert _task(cli, "11111111222233334444555555555555")["notes"] == notes.splitlines()[1]
    assert cli.ok("undo") == "undid: added “Film” for @ana\n"  # the import: a command, one change
    assert _task(cli, "11111111222233334444555555555555")["deleted"]
    undone = notes.splitlines()[0]
    assert cli.ok("undo") == f"undid: edited the notes of “Print flyers”: “{undone}” → “{notes.replace(chr(10), ' ')}”\n"
    assert _task(cli, task_id)["notes"] == undone


def test_annotate_refuses_no_text_and_a_task_it_cannot_find_in_one_line(cli: Cli) -> None:
    task_id = cli.ok("add", "Print flyers").strip()
    for args, said in (
        ((task_id, " "), "annotate: give the annotation's text"),
        (("abcd", "hello"), "no task with id abcd"),
        ((task_id, "x" * 100_000), "annotate: the notes of “Print flyers” would be longer than a task holds (100,000 characters)\n"),
    ):
        result = cli("annotate", *args)
        assert (result.code, result.out) == (2, "") and result.err.startswith(f"crewdeck: error: {said}"), result.err
    assert _task(cli, task_id)["notes"] == ""


def test_a_change_carried_to_the_replica_s_new_node_is_still_undone(cli: Cli) -> None:
    """A replica found to be a copy stamps its operations again under a node of its own: the change is the same."""
    task_id = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task_id, "priority=high")
    ws = Workspace.open(cli.workspace)
    try:
        old = ws.store.node
        assert ws.store.take_new_node(old, 1) > 0 and ws.store.node != old
    finally:
        ws.close()
    assert cli.ok("undo") == "undid: set “Draft reel” to high priority\n"
    assert _task(cli, task_id)["priority"] == "none"


def test_undo_takes_back_a_change_to_a_member_a_campaign_or_the_workspace(cli: Cli) -> None:
    """Every record was written back as a task: "task.id: … is a member record, not a task", and nothing undone."""
    cli.ok("workspace", "set", "tz", "Europe/Berlin")
    cli.ok("member", "add", "noor", "--name", "Noor Haddad", "--tz", "Europe/London")
    cli.ok("campaign", "set", "spring-launch", "--status", "paused", "--reason", "waiting on the client")
    assert cli.ok("undo") == "undid: paused campaign Spring Launch: “waiting on the client”\n"
    assert json.loads(cli.ok("campaign", "list", "--json"))[0]["status"] == "active"
    assert cli.ok("undo").startswith("undid: added ex-@noor")
    assert "@noor" not in cli.ok("member", "list")
    assert cli.ok("undo") == "undid: set tz of the workspace to Europe/Berlin\n"
    assert "tz = null" in cli.ok("workspace", "show")


def test_the_app_s_undo_of_my_name_and_zone_writes_my_member_record(cli: Cli) -> None:
    """`u` after changing your profile in the app wrote your old name back as a task's and said the id was no task's."""
    from crewdeck.tui.session.access import WorkspaceAccess
    from crewdeck.tui.session.writing import Edits

    ws = Workspace.open(cli.workspace)
    try:
        me = ws.identify("ana")
        edits = Edits(WorkspaceAccess(ws, me))
        edits.set_profile("Ana S.", "Europe/Lisbon")
        done = edits.undo()
        assert done is not None and done.said.startswith("undid: ")
        member = ws.store.record("member", me.id)
        assert member is not None and (member["name"], member["tz"]) == ("Ana Souza", "Europe/Berlin")
    finally:
        ws.close()


def test_an_import_written_in_batches_is_one_change_and_its_operations_are_not_held(cli: Cli, tmp_path: Path) -> None:
    """An import writes a batch of tasks at a time, memory holding a batch: the command's history keeps each commit's
    first and last operation, not the file's every one, in one change."""
    records = [{"uuid": f"{n:08x}-2222-3333-4444-555555555555", "description": f"Task {n}", "status": "pending"} for n in range(1, 1_201)]
    (tmp_path / "tw.json").write_text(json.dumps(records))
    assert cli.ok("import", "--from", "taskwarrior", str(tmp_path / "tw.json")).startswith("imported 1,200 tasks")
    from crewdeck.tui.cli import history

    # No index serves a stamp alone: a read of the log a commit scanned it whole each time, and an import of 100,000
    # tasks (200 commits) held the write lock for 200 scans to count what an undo would take back.
    ws = Workspace.open(cli.workspace)
    try:
        me = ws.member_by_handle("ana")
        change = history._last(ws.store, me.id)
        assert change is not None
        runs = history._runs(ws.store, change)
        assert len(runs) > 1
        reads: list[str] = []
        ws.conn.set_trace_callback(reads.append)
        counted, ops = history._counted(ws, runs), history._ops(ws, runs, me.id)
        ws.conn.set_trace_callback(None)
        assert counted == (len(ops), None, True) and len(ops) > 1_200
        assert sum("FROM ops" in sql for sql in reads) == 2, reads
    finally:
        ws.close()
    assert cli.ok("undo").startswith("undid: added ")
    assert cli("tasks", "all").err.startswith("no tasks yet")


def test_the_rules_judge_an_undo_as_any_write_and_a_refused_one_stays_to_undo(cli: Cli) -> None:
    cli.ok("member", "set", "raj", "--access", "manager")
    with in_person():
        cli.ok("workspace", "set", "tz", "Asia/Kolkata", as_member="raj")
    cli.ok("member", "set", "raj", "--access", "member")
    with in_person():
        refused = cli("undo", as_member="raj")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        "crewdeck: error: cannot undo set tz of the workspace to Asia/Kolkata: only a manager may change workspace records"
        " (@raj is a member) (rule managers_only)\n"
    )
    cli.ok("member", "set", "raj", "--access", "manager")
    with in_person():
        assert cli.ok("undo", as_member="raj") == "undid: set tz of the workspace to Asia/Kolkata\n"
    assert "tz = null" in cli.ok("workspace", "show")


def _history(cli: Cli, member: str = "ana") -> list[list[list[str]]]:
    """The member's remembered changes, oldest first: each its commits' first and last stamps."""
    ws = Workspace.open(cli.workspace)
    try:
        rows = ws.conn.execute(
            "SELECT change, first, last FROM command_commit JOIN command_change ON id = change "
            "WHERE member = ? AND undo = 0 ORDER BY change, command_commit.rowid",
            (ws.identify(member).id,),
        )
        changes: dict[int, list[list[str]]] = {}
        for change, first, last in rows:
            changes.setdefault(change, []).append([first, last])
        return list(changes.values())
    finally:
        ws.close()


def test_a_dry_run_is_no_change_to_undo(cli: Cli, tmp_path: Path) -> None:
    """`import --dry-run` was remembered as a change whose operations were rolled back: every undo after it said
    "nothing to undo", and the changes before it were out of reach."""
    task_id = cli.ok("add", "Draft reel").strip()
    remembered = _history(cli)
    record = {"uuid": "11111111-2222-3333-4444-555555555555", "description": "Film", "status": "pending"}
    (tmp_path / "tw.json").write_text(json.dumps([record]))
    assert cli.ok("import", "--dry-run", "--from", "taskwarrior", str(tmp_path / "tw.json")).startswith("dry run")
    assert _history(cli) == remembered
    assert cli.ok("undo") == "undid: added “Draft reel”\n"
    assert _task(cli, task_id)["deleted"]


def test_a_change_that_cannot_be_remembered_is_not_made(cli: Cli) -> None:
    """Remembering was a second write after the change: when it failed (the file locked by another writer for 30 s),
    the command said an error for a task it had added, and trying again added it twice."""
    ws = Workspace.open(cli.workspace)
    try:
        ws.conn.execute(
            "CREATE TRIGGER no_history BEFORE INSERT ON command_commit BEGIN SELECT RAISE(ABORT, 'the history cannot be written'); END"
        )
    finally:
        ws.close()
    result = cli("add", "Buy paper")
    assert (result.code, result.out) == (2, "") and "the history cannot be written" in result.err
    assert cli("tasks", "all").err.startswith("no tasks yet")  # the change and its place in the history: neither


def test_a_command_s_commits_are_one_change_whatever_another_command_remembers_meanwhile(cli: Cli) -> None:
    """Each commit is remembered in its own transaction, with the command's change: another command of the member
    remembered between two commits leaves the first command's change whole."""
    from crewdeck.tui.cli import history

    ws = Workspace.open(cli.workspace)
    try:
        me = ws.identify("ana")
        ops = [Op(f"{ms:013d}-0000-{ws.store.node}", ws.store.node, ms, me.id, "set", "task", "t", "title", '"x"') for ms in (1, 2, 3)]
        with ws.store.held():
            first = history.remember(ws.store, me.id, ops[0], ops[0], None)
            other = history.remember(ws.store, me.id, ops[1], ops[1], None)
            assert history.remember(ws.store, me.id, ops[2], ops[2], first) == first
            assert other > first
    finally:
        ws.close()
    assert _history(cli)[-2:] == [[[ops[0].op_id] * 2, [ops[2].op_id] * 2], [[ops[1].op_id] * 2]]


def test_a_change_the_server_refused_is_passed_by_and_said(tmp_path: Path) -> None:
    """Every operation of the last change taken out of the log (the server refused them): undo said "nothing to
    undo" for good, the changes before it out of reach."""
    from crewdeck.sync.state.push import RefusedOp

    cli = Cli(tmp_path / "w.db")
    cli.ok("init", str(cli.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin", as_member=None)

    task_id = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task_id, "priority=high")
    ws = Workspace.open(cli.workspace)
    try:
        (op,) = [op for op in ws.store.history(task_id) if op.field == "priority"]
        refused = RefusedOp(op.node, op.node_seq, op.op_id, op.row_id, op.field, "assignee_only", "not yours")
        assert ws.store.drop_refused([refused]) == 1
    finally:
        ws.close()
    result = cli("undo")
    assert (result.code, result.out) == (0, "undid: added “Draft reel”\n")
    assert result.err == (
        "note: your last change made with a crewdeck command is no longer in this file (the sync server refused it): "
        "undoing the one before\n"
    )
    assert _task(cli, task_id)["deleted"]
    other = cli.ok("add", "Print flyers").strip()  # refused in turn, whole: nothing before it is left to undo
    ws = Workspace.open(cli.workspace)
    try:
        ops = ws.store.history(other)
        assert ws.store.drop_refused([RefusedOp(op.node, op.node_seq, op.op_id, op.row_id, op.field, "r", "m") for op in ops]) == len(ops)
    finally:
        ws.close()
    result = cli("undo")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "crewdeck: error: nothing to undo: your last change made with a crewdeck command is no longer in this file "
        "(the sync server refused it), and none before it is remembered\n"
    )
    assert cli("undo").err.endswith("nothing to undo: no change of yours made with a crewdeck command on this file (the app's own: u)\n")


def test_two_annotations_at_once_keep_both_lines(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """annotate read the notes before it waited for the write lock: raj's line, written while it waited, was lost
    when it wrote the notes it had read with its own line after them (both said "Annotated")."""
    from crewdeck.sync.state import store

    task_id = cli.ok("add", "Print flyers").strip()
    enter = store._Transaction.__enter__
    others: list[str] = []

    def raj_first(self: store._Transaction) -> store._Transaction:
        if not others:  # raj's annotate writes just before ana's takes the lock (his own, once)
            others.append("")
            others[0] = cli.in_person("annotate", task_id, "proofs Monday", as_member="raj")
        return enter(self)

    monkeypatch.setattr(store._Transaction, "__enter__", raj_first)
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-26T09:30:00Z")
    assert cli.ok("annotate", task_id, "called the printer").startswith("Annotated")
    assert others == ["Annotated “Print flyers”: 2026-11-26 proofs Monday\n"]
    assert _task(cli, task_id)["notes"] == "2026-11-26 proofs Monday\n2026-11-26 called the printer"


def test_rm_of_a_filter_deletes_what_it_matches_once_it_holds_the_file(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """rm FILTER --yes read the filter before it waited for the write lock: a task raj took out of it meanwhile was
    deleted all the same (annotate reads under the lock for the same race)."""
    from crewdeck.sync.state import store

    untagged = cli.ok("add", "Print flyers #old").strip()
    cli.ok("add", "Draft reel #old")
    enter = store._Transaction.__enter__
    others: list[str] = []

    def raj_first(self: store._Transaction) -> store._Transaction:
        if not others:  # raj's change is written just before ana's rm takes the lock (his own, once)
            others.append("")
            others[0] = cli.in_person("set", untagged, "tags=", as_member="raj")
        return enter(self)

    monkeypatch.setattr(store._Transaction, "__enter__", raj_first)
    assert cli.ok("rm", "#old", "--yes") == "Deleted 1 task: “Draft reel”\n"
    assert len(others) == 1 and others[0].startswith("Modified 1 task")
    assert not _task(cli, untagged)["deleted"]


def test_an_undo_too_large_to_write_while_others_wait_is_refused_counted_not_read_and_passed_by(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undoing a 100,000-task import read every operation (1.1 GB) and held the write lock past the 30 s other
    writers wait: their writes failed meanwhile.  Refused, it then stayed last: every undo after it said the same, and
    the changes before it were out of undo's reach for good (final read rg 5)."""
    from crewdeck.tui.cli import history

    cli = Cli(tmp_path / "w.db")
    cli.ok("init", str(cli.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin", as_member=None)
    monkeypatch.setattr(history, "MOST_OPS", 11)
    records = [{"uuid": f"{n:08x}-2222-3333-4444-555555555555", "description": f"Task {n}", "status": "pending"} for n in (1, 2, 3)]
    (tmp_path / "tw.json").write_text(json.dumps(records))
    before = cli.ok("add", "Draft reel").strip()
    cli.ok("import", "--from", "taskwarrior", str(tmp_path / "tw.json"))
    monkeypatch.setattr(history, "_ops", lambda *_: pytest.fail("the operations of a change too large were read"))
    refusal = (
        "crewdeck: error: cannot undo your last change made with a crewdeck command: its 13 operations are more than "
        "an undo takes back (11: the workspace would stay locked past what other writers wait); delete the tasks it added "
        "with crewdeck rm ID... (or crewdeck rm FILTER --yes), or put back a copy of the file taken before it (README: Backups); "
        "it is no longer remembered"
    )
    refused = cli("undo")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == f"{refusal}: crewdeck undo again takes back the change before it\n"
    assert cli.ok("tasks", "all").count("Task ") == 3
    monkeypatch.undo()  # the change before it is small: read and undone
    assert cli.ok("undo") == "undid: added “Draft reel”\n"
    assert _task(cli, before)["deleted"] and cli.ok("tasks", "all").count("Task ") == 3
    # The only change remembered: nothing before it to take back.
    monkeypatch.setattr(history, "MOST_OPS", 11)
    (tmp_path / "tw.json").write_text(json.dumps([{**record, "uuid": f"9{record['uuid'][1:]}"} for record in records]))
    cli.ok("import", "--from", "taskwarrior", str(tmp_path / "tw.json"))
    assert cli("undo").err == f"{refusal}, nor is any before it\n"
    assert cli("undo").err.endswith("nothing to undo: no change of yours made with a crewdeck command on this file (the app's own: u)\n")


def test_a_too_large_change_that_appended_records_stands_and_undo_does_not_reach_past_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger import too large to undo was forgotten, so the next undo took back the task added before it, where a
    small one stays last (test_a_ledger_entry_stands_...): its entries stand whatever its size (ra 1)."""
    from crewdeck.tui.cli import history

    task_id = cli.ok("add", "Draft reel").strip()
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "date,campaign,category,payee,amount\n2026-11-23,spring-launch,tools,Figma,15.00\n2026-11-24,spring-launch,tools,Slack,8.00\n"
    )
    cli.ok("ledger", "import", str(spend))
    monkeypatch.setattr(history, "MOST_OPS", 1)
    for _ in range(2):
        refused = cli("undo")
        assert (refused.code, refused.out) == (2, "")
        assert refused.err.startswith("crewdeck: error: the entry ") and refused.err.endswith(
            "cannot be undone: ledger entries are append-only (reverse it instead)\n"
        )
    assert not _task(cli, task_id)["deleted"]


def test_a_too_large_change_that_added_no_task_is_not_told_to_crewdeck_rm(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """rm deletes tasks: the refusal of a KPI entry's undo advised it all the same (ra 1)."""
    from crewdeck.tui.cli import history

    cli.ok("kpi", "add", "+spring-launch/instagram", "2026-11-20", "impressions=500", "clicks=7")
    monkeypatch.setattr(history, "MOST_OPS", 1)
    refused = cli("undo")
    assert refused.code == 2 and "operations are more than an undo takes back" in refused.err
    assert "crewdeck rm" not in refused.err and "; put back a copy of the file taken before it (README: Backups)" in refused.err


def test_a_field_an_undo_set_back_is_the_older_change_s_to_undo(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task_id, "priority=high")
    cli.ok("set", task_id, "priority=low")
    assert cli.ok("undo") == "undid: set “Draft reel” to low priority\n"
    # The undo's write is the field's last: it set back what the change before wrote, so that change undoes it.
    assert cli.ok("undo") == "undid: set “Draft reel” to high priority\n"
    assert _task(cli, task_id)["priority"] == "none"


def test_a_manager_s_change_as_another_member_is_that_member_s_to_undo(cli: Cli) -> None:
    mine = cli.ok("add", "Mine").strip()
    theirs = cli.ok("add", "For Raj", as_member="raj").strip()  # ana, a manager, acting as raj
    assert cli.ok("undo") == "undid: added “Mine”\n"
    assert not _task(cli, theirs)["deleted"]
    assert cli.ok("undo", as_member="raj") == "undid: added “For Raj”\n"
    assert _task(cli, mine)["deleted"] and _task(cli, theirs)["deleted"]


def test_a_history_kept_in_the_file_s_settings_moves_to_its_table_when_the_file_is_opened(cli: Cli) -> None:
    """A file an older crewdeck wrote holds each member's history as one setting (`cli_history.ID`, JSON): opened, it
    is moved into the history's table, changes, commits and undos, and undo goes on from where it was."""

    task_id = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task_id, "priority=high")
    cli.ok("set", task_id, "priority=low")
    assert cli.ok("undo") == "undid: set “Draft reel” to low priority\n"
    done = _history(cli)
    ws = Workspace.open(cli.workspace)
    try:  # the file as the version before this table wrote it
        me = ws.identify("ana")
        undos = [
            list(row) for row in ws.conn.execute("SELECT first, last FROM command_commit JOIN command_change ON id = change WHERE undo = 1")
        ]
        assert len(undos) == 1
        for table in ("command_commit", "command_change"):
            ws.conn.execute(f"DROP TABLE {table}")
        ws.store.set_meta(f"cli_history.{me.id}", json.dumps({"done": done, "undos": undos}))
        ws.conn.execute("PRAGMA user_version = 18")  # before migration 19 made the table
    finally:
        ws.close()
    # The undo's write is remembered too: the priority it set back is the older change's to undo.
    assert cli.ok("undo") == "undid: set “Draft reel” to high priority\n"
    assert _task(cli, task_id)["priority"] == "none"
    ws = Workspace.open(cli.workspace)
    try:
        assert ws.store.get_meta(f"cli_history.{ws.identify('ana').id}") is None
    finally:
        ws.close()
    assert _history(cli) == done[:-1]
    assert cli.ok("undo") == "undid: added “Draft reel”\n"


def test_a_commit_is_remembered_at_a_cost_the_length_of_the_history_does_not_change(cli: Cli) -> None:
    """The history was one setting read and written again whole by every commit: an import's 200 commits took 4-8 s
    with a history of 99 earlier imports (1.4 MB).  Each commit now appends a row, and its reads are seeks."""
    from crewdeck.tui.cli import history

    ws = Workspace.open(cli.workspace)
    try:
        me, node = ws.identify("ana"), ws.store.node
        stamps = (f"{ms:013d}-0000-{node}" for ms in range(1, 10_000))

        def commit(change: int | None) -> int:
            op = Op(next(stamps), node, 1, me.id, "set", "task", "t", "title", '"x"')
            return history.remember(ws.store, me.id, op, op, change)

        with ws.store.held():
            for _ in range(history.KEEP + 20):  # changes of several commits each, as imports are
                change = commit(None)
                for _ in range(3):
                    commit(change)
            statements: list[str] = []
            ws.conn.set_trace_callback(statements.append)
            commit(commit(None))  # a new change (and the oldest forgotten), then a commit of it
            ws.conn.set_trace_callback(None)
            for sql in statements:
                plan = " ".join(row[-1] for row in ws.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
                assert "SCAN command_" not in plan, (sql, plan)
        kept = _history(cli)
        assert len(kept) == history.KEEP and [len(runs) for runs in kept] == [4] * (history.KEEP - 1) + [2]
    finally:
        ws.close()


def test_a_result_whose_first_numbers_are_undone_is_no_result_in_reports_or_the_export(cli: Cli) -> None:
    """Undo of a first `kpi add` clears its numbers; results have no `deleted`, so the record stays, holding nothing:
    every reader takes it as absent, the export too (it restored as a result of no numbers)."""
    before = cli.ok("export")
    post = cli.ok("add", "Reel one +spring-launch").strip()
    for added in (
        (post[:8], "2026-11-20", "impressions=500", "value=12.50"),
        ("+spring-launch/instagram", "2026-11-20", "clicks=7"),
        ("/instagram", "2026-11-20", "followers=4200"),
    ):
        cli.ok("kpi", "add", *added)
        assert cli.ok("undo").startswith("undid: added the ")
    assert json.loads(cli.ok("export"))["result"] == json.loads(before)["result"] == []
    report = cli("kpi", "report", "--by", "post")
    assert (report.code, report.out, report.err) == (0, "", "no results or spend\n")
