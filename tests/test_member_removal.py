"""Removing a member, or making them a guest, says where their open tasks go; filters still name them (issue 14, item 3)."""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
import struct
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.posts.banner import open_crisis_banner
from crewdeck.tui.tasks.rows import CELLS

from .apphelp import make_app, settle
from .conftest import Cli


def one_line_error(result: object) -> str:
    code, err = result.code, result.err  # type: ignore[attr-defined]  # conftest's Result
    assert code == 2 and err.count("\n") == 1 and err.startswith("crewdeck: error: "), err
    return str(err)


def op_count(cli: Cli) -> int:
    with sqlite3.connect(cli.workspace) as conn:
        return int(conn.execute("SELECT count(*) FROM ops").fetchone()[0])


def assignees(cli: Cli) -> dict[str, str | None]:
    """Task title -> the assignee's id, from the store."""
    with sqlite3.connect(cli.workspace) as conn:
        return dict(conn.execute("SELECT title, assignee FROM task WHERE deleted = 0"))


def ids(cli: Cli) -> dict[str, str]:
    with sqlite3.connect(cli.workspace) as conn:
        return {handle: member_id for member_id, handle in conn.execute("SELECT id, handle FROM member")}


@pytest.fixture
def team(cli: Cli) -> Cli:
    """@tunde holds two open tasks (one of a weekly series) and a done one."""
    cli.ok("member", "add", "tunde", "--name", "Tunde Bello", "--tz", "Africa/Lagos")
    cli.ok("add", "Cut the reel @tunde")
    cli.ok("add", "Probe the feed @tunde every:mon 09:00")
    done = cli.ok("add", "Old report @tunde").strip()
    cli.ok("done", done)
    return cli


def test_removing_a_member_with_open_tasks_asks_where_they_go(team: Cli) -> None:
    before = op_count(team)
    err = one_line_error(team("member", "rm", "tunde"))
    assert "@tunde holds 2 open tasks" in err and "--reassign @HANDLE" in err and "--unassign" in err
    assert op_count(team) == before
    assert "tunde" in [m["handle"] for m in json.loads(team.ok("member", "list", "--json"))]


def test_reassign_hands_the_open_tasks_over_in_the_same_write(team: Cli) -> None:
    tunde, raj = ids(team)["tunde"], ids(team)["raj"]
    out = team.ok("member", "rm", "tunde", "--reassign", "@raj")
    assert out.strip() == (
        "removed @tunde (their history stays); 2 open tasks of theirs are now assigned to @raj: “Cut the reel”, “Probe the feed”"
    )
    held = assignees(team)
    assert (held["Cut the reel"], held["Probe the feed"], held["Old report"]) == (raj, raj, tunde)
    series = next(t for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    assert series["recurrence"]["template"]["assignee"] == raj  # the next instance is @raj's too
    assert sorted(t["title"] for t in json.loads(team.ok("tasks", "@raj", "--json"))) == ["Cut the reel", "Probe the feed"]
    assert "tunde" not in [m["handle"] for m in json.loads(team.ok("member", "list", "--json"))]


def test_unassign_leaves_the_open_tasks_to_nobody(team: Cli) -> None:
    out = team.ok("member", "rm", "tunde", "--unassign")
    assert (
        out.strip() == "removed @tunde (their history stays); 2 open tasks of theirs are now unassigned: “Cut the reel”, “Probe the feed”"
    )
    held = assignees(team)
    assert held["Cut the reel"] is None and held["Probe the feed"] is None
    series = next(t for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    assert "assignee" not in series["recurrence"]["template"]


def test_removing_a_member_names_the_tasks_handed_on_shown_safe_and_counts_those_past_five(team: Cli) -> None:
    """It said only how many ("7 open tasks unassigned"), where making them a guest names them; a title is a teammate's
    text: a bidi override in it reorders the terminal's line unless shown."""
    team.ok("add", "Cut the trailer\u202egnp.exe @tunde")
    for n in range(4):
        team.ok("add", f"Zap draft {n} @tunde")
    out = team.ok("member", "rm", "tunde", "--unassign")
    assert out == (
        "removed @tunde (their history stays); 7 open tasks of theirs are now unassigned: “Cut the reel”, "
        "“Cut the trailer<U+202E>gnp.exe”, “Probe the feed”, “Zap draft 0”, “Zap draft 1” and 2 more\n"
    )


def test_a_member_without_open_tasks_is_removed_and_told_so(cli: Cli) -> None:
    out = cli.ok("member", "rm", "raj")
    assert out.strip() == "removed @raj (their history stays); they held no open tasks"


@pytest.mark.parametrize(("answer", "heir"), [("@me", "ana"), ("none", None)])
def test_reassign_names_the_heir_as_a_tasks_assignee_is_named(team: Cli, answer: str, heir: str | None) -> None:
    """``--reassign @me`` was "unknown member @me", where ``set assignee=@me`` gives a task to whoever runs it."""
    out = team.ok("member", "rm", "tunde", "--reassign", answer)
    assert out.strip().endswith(f"now {'assigned to @ana' if heir else 'unassigned'}: “Cut the reel”, “Probe the feed”"), out
    held = assignees(team)
    assert held["Cut the reel"] == held["Probe the feed"] == (ids(team)[heir] if heir else None)


def test_bad_answers_change_nothing(team: Cli) -> None:
    before = op_count(team)
    assert "two answers" in one_line_error(team("member", "rm", "tunde", "--reassign", "raj", "--unassign"))
    assert "name another member" in one_line_error(team("member", "rm", "tunde", "--reassign", "tunde"))
    assert "unknown member @nobody" in one_line_error(team("member", "rm", "tunde", "--reassign", "nobody"))
    assert op_count(team) == before


def test_filters_still_name_a_removed_member(cli: Cli) -> None:
    done = cli.ok("add", "Old report @raj").strip()
    cli.ok("done", done)
    cli.ok("member", "rm", "raj")
    listed = json.loads(cli.ok("tasks", "@raj", "all", "--json"))
    assert [(t["title"], t["assignee"]) for t in listed] == [("Old report", "raj")]
    assert json.loads(cli.ok("tasks", "@raj", "--json")) == []
    # A handle nobody ever had is still an error.
    assert "unknown member @nobody" in one_line_error(cli("tasks", "@nobody"))


def test_removing_a_member_is_refused_to_others_by_its_rule_before_asking_where_their_tasks_go(team: Cli) -> None:
    # raj (a member) and gus (a guest) were asked where tunde's tasks go, and refused only once they said;
    # gus's --unassign was then refused as a task edit ("guests do not change tasks").
    team.ok("member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest")
    before = op_count(team)
    for handle in ("raj", "gus"):
        for answer in ((), ("--unassign",)):
            err = one_line_error(team("member", "rm", "tunde", *answer, as_member=handle))
            assert "only a manager may add or change other members" in err and err.endswith("(rule managers_only)\n"), err
    assert op_count(team) == before


def test_making_a_member_a_guest_unassigns_their_open_tasks_in_the_same_write(team: Cli) -> None:
    """A guest sees no tasks (rule guest_assignee): made one, @tunde kept two open tasks nobody saw any more."""
    tunde = ids(team)["tunde"]
    # Refused to a member and a guest by its own rule (a guest's unassigns would be refused first, as task edits).
    team.ok("member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest")
    before = op_count(team)
    for handle in ("raj", "gus"):
        err = one_line_error(team("member", "set", "tunde", "--access", "guest", as_member=handle))
        assert "only a manager may add or change other members" in err and err.endswith("(rule managers_only)\n"), err
    assert op_count(team) == before
    out = team.ok("member", "set", "tunde", "--access", "guest")
    assert out.strip() == (
        "Modified @tunde: set the access of @tunde to guest; 2 open tasks of theirs are now unassigned: “Cut the reel”, “Probe the feed”"
    )
    held = assignees(team)
    assert (held["Cut the reel"], held["Probe the feed"], held["Old report"]) == (None, None, tunde)  # history keeps the done one's
    series = next(t for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    assert "assignee" not in series["recurrence"]["template"]  # the next instance is nobody's either
    # Made a member again, then a guest with nothing open: said so.
    team.ok("member", "set", "tunde", "--access", "member")
    assert team.ok("member", "set", "tunde", "--access", "guest").strip() == "Modified @tunde: set the access of @tunde to guest"


def test_a_member_made_a_guest_behind_the_commands_back_keeps_their_open_tasks_only_by_refusal(team: Cli) -> None:
    """A write that makes @tunde a guest and leaves their tasks is refused by the rules, whole (as a sync's would be)."""
    member = ids(team)
    before = op_count(team)
    with Store(team.workspace) as store, pytest.raises(Refused) as refused, store.write(member["ana"]) as w:
        w.set("member", member["tunde"], {"access": "guest"})
    assert str(refused.value).startswith("member.access: @tunde holds 2 open tasks (")
    assert refused.value.refusal.rule == "guest_assignee"
    assert op_count(team) == before


def test_a_series_whose_next_instance_would_be_the_new_guests_goes_to_nobody_next(team: Cli) -> None:
    """Its instance given to @raj, the series still named @tunde for the next one: made a guest, the next instance was
    refused to them (rule guest_assignee), and with it closing the one before."""
    series = next(t["id"] for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    team.ok("set", series, "assignee=@raj")
    out = team.ok("member", "set", "tunde", "--access", "guest")
    assert out.strip().endswith(
        "1 open task of theirs is now unassigned: “Cut the reel”; the next instance of 1 series of theirs now goes to nobody: “Probe the feed”"
    )
    assert assignees(team)["Probe the feed"] == ids(team)["raj"]  # @raj's instance stays @raj's
    done = team.ok("done", series)
    assert "Completed 1 task" in done, done
    nxt = [t for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed" and t["status"] != "done"]
    assert [t.get("assignee") for t in nxt] == [None]


def test_a_series_whose_next_instance_would_be_the_removed_members_goes_to_their_heir(team: Cli) -> None:
    """Its instance given to @raj, the series still named @tunde for the next one, which went to a removed member."""
    series = next(t["id"] for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    team.ok("set", series, "assignee=@raj")
    ana = ids(team)["ana"]
    team.ok("member", "rm", "tunde", "--reassign", "@ana")
    assert assignees(team)["Probe the feed"] == ids(team)["raj"]
    team.ok("done", series)
    nxt = [t for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed" and t["status"] != "done"]
    assert [t.get("assignee") for t in nxt] == [ana]


def test_a_series_still_naming_a_member_removed_behind_the_commands_back_makes_its_next_instance_for_nobody(team: Cli) -> None:
    """The rule takes a removal that unassigns their open tasks, and the series' template still named @tunde: closing
    its task was refused whole ("task.assignee: @tunde was removed", rule removed_assignee), the series stuck open."""
    member = ids(team)
    series = next(t["id"] for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    with Store(team.workspace) as store, store.write(member["ana"]) as w:  # a raw write (a script's, another client's)
        for title, task_id in store.conn.execute("SELECT title, id FROM task WHERE assignee = ?", (member["tunde"],)):
            if title != "Old report":
                w.set("task", task_id, {"assignee": None})
        w.delete("member", member["tunde"])
    done = team.ok("done", series)
    assert "Completed 1 task" in done, done
    nxt = [t for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed" and t["status"] != "done"]
    assert [(t.get("assignee"), t["status"], t["recurrence"]["template"].get("assignee")) for t in nxt] == [(None, "inbox", None)]


def test_a_handle_given_again_finds_the_tasks_of_everyone_who_had_it(cli: Cli) -> None:
    """The WHO column says @raj for the removed member's tasks and for the new @raj's: `tasks @raj all` found only the
    new member's, the old one's history hidden behind a handle the listing shows; the ledger's @raj alike."""
    done = cli.ok("add", "Old report @raj").strip()
    cli.ok("done", done)
    cli.ok(
        "ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--amount", "12.50 EUR", "--payee", "Canva", as_member="raj"
    )
    cli.ok("member", "rm", "raj")
    added = cli("member", "add", "raj", "--name", "Raj Two", "--tz", "UTC")
    assert (added.code, added.err) == (
        0,
        "note: a member removed before had @raj: they stay removed (their history stays theirs), and @raj in filters names both\n",
    )
    cli.ok("add", "New brief @raj")
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--amount", "8 EUR", "--payee", "Figma", as_member="raj")
    listed = json.loads(cli.ok("tasks", "@raj", "all", "--json"))
    assert sorted((t["title"], t["assignee"]) for t in listed) == [("New brief", "raj"), ("Old report", "raj")]
    assert [t["title"] for t in json.loads(cli.ok("tasks", "@raj", "--json"))] == ["New brief"]
    assert [t["title"] for t in json.loads(cli.ok("tasks", "-@raj", "all", "--json"))] == []
    entries = json.loads(cli.ok("ledger", "list", "@raj", "--json"))
    assert sorted(e["payee"] for e in entries) == ["Canva", "Figma"]


def test_a_series_whose_next_instance_is_theirs_is_asked_for_and_named_when_they_hold_no_open_task(cli: Cli) -> None:
    """@tunde held no open task, but a series' next instance was theirs: member rm said "they held no open tasks" and
    gave the series to nobody unasked; --reassign gave it to the heir without a word."""
    cli.ok("member", "add", "tunde", "--name", "Tunde Bello", "--tz", "Africa/Lagos")
    series = cli.ok("add", "Probe the feed @tunde every:mon 09:00").strip()
    cli.ok("set", series, "assignee=@raj")
    before = op_count(cli)
    err = one_line_error(cli("member", "rm", "tunde"))
    assert "@tunde is to get the next instance of 1 series: say where it goes with --reassign @HANDLE or --unassign" in err, err
    assert op_count(cli) == before
    out = cli.ok("member", "rm", "tunde", "--reassign", "@ana")
    assert out.strip() == "removed @tunde (their history stays); the next instance of 1 series of theirs now goes to @ana: “Probe the feed”"
    task = next(t for t in json.loads(cli.ok("export"))["task"] if t["title"] == "Probe the feed")
    assert (task["assignee"], task["recurrence"]["template"]["assignee"]) == (ids(cli)["raj"], ids(cli)["ana"])


def test_the_series_handed_on_are_named_after_the_open_tasks(team: Cli) -> None:
    series = next(t["id"] for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    team.ok("set", series, "assignee=@raj")
    err = one_line_error(team("member", "rm", "tunde"))
    assert "@tunde holds 1 open task and is to get the next instance of 1 series: say where they go with --reassign" in err, err
    out = team.ok("member", "rm", "tunde", "--unassign")
    assert out.strip() == (
        "removed @tunde (their history stays); 1 open task of theirs is now unassigned: “Cut the reel”; "
        "the next instance of 1 series of theirs now goes to nobody: “Probe the feed”"
    )


def test_a_removed_member_comes_back_only_while_nobody_else_has_their_handle_unix_user_or_keys(cli: Cli) -> None:
    """Brought back (deleted = false, by a script or another client) after member add gave their handle to someone new,
    two live members had @raj: handles are unique."""
    raj = ids(cli)["raj"]
    blob = b"".join(struct.pack(">I", len(part)) + part for part in (b"ssh-ed25519", bytes(range(32))))
    key = f"ssh-ed25519 {base64.b64encode(blob).decode()} raj@laptop"
    cli.ok("member", "set", "raj", "--unix-user", "raj-unix", "--ssh-key", key)
    cli.ok("member", "rm", "raj")
    cli.ok("member", "add", "raj", "--name", "Raj Two", "--tz", "UTC")
    with Store(cli.workspace) as store, pytest.raises(Refused) as refused, store.write(ids(cli)["ana"]) as w:
        w.set("member", raj, {"deleted": False})
    assert (refused.value.refusal.rule, str(refused.value)) == (
        "unique_handle",
        "member.deleted: @raj cannot come back: @raj belongs to another member now (rule unique_handle)",
    )
    cli.ok("member", "set", "raj", "--handle", "raj2")  # the handle free, the Unix user is still taken
    cli.ok("member", "set", "raj2", "--unix-user", "raj-unix")
    with Store(cli.workspace) as store, pytest.raises(Refused) as refused, store.write(ids(cli)["ana"]) as w:
        w.set("member", raj, {"deleted": False})
    assert refused.value.refusal.rule == "unique_unix_user" and "Unix user 'raj-unix' belongs to @raj2 now" in str(refused.value)
    cli.ok("member", "set", "raj2", "--unix-user", "raj2-unix", "--ssh-key", key)
    with Store(cli.workspace) as store, pytest.raises(Refused) as refused, store.write(ids(cli)["ana"]) as w:
        w.set("member", raj, {"deleted": False})
    assert refused.value.refusal.rule == "unique_ssh_key" and "belongs to @raj2 now" in str(refused.value)
    assert [m["handle"] for m in json.loads(cli.ok("member", "list", "--json"))] == ["ana", "raj2"]  # still removed
    cli.ok("member", "set", "raj2", "--ssh-key-rm", json.loads(cli.ok("member", "list", "--json"))[1]["ssh_keys"][0]["fingerprint"])
    raj2 = ids(cli)["raj2"]
    with Store(cli.workspace) as store, pytest.raises(Refused) as refused, store.write(ids(cli)["ana"]) as w:
        w.set("member", raj, {"deleted": False})  # back, and what they held is theirs again for the rest of the batch
        w.set("member", raj2, {"unix_user": "raj-unix"})
    assert str(refused.value) == "Unix user 'raj-unix' already belongs to @raj (rule unique_unix_user)"
    with Store(cli.workspace) as store, store.write(ids(cli)["ana"]) as w:
        w.set("member", raj, {"deleted": False})
    assert sorted(m["handle"] for m in json.loads(cli.ok("member", "list", "--json"))) == ["ana", "raj", "raj2"]


def test_a_removed_members_handle_is_said_to_be_removed_where_a_live_member_is_wanted(team: Cli) -> None:
    """Named after member rm, @tunde was "unknown member @tunde", as if they had never been."""
    team.ok("member", "rm", "tunde", "--unassign")
    task = team.ok("add", "Brief").strip()
    for args in (
        ("member", "rm", "tunde"),
        ("set", task, "assignee=@tunde"),
        ("add", "Draft @tunde"),
        ("member", "rm", "raj", "--reassign", "tunde"),
    ):
        err = one_line_error(team(*args))
        assert "@tunde was removed from this workspace (members: @ana, @raj)" in err, (args, err)


def test_a_series_still_naming_a_member_removed_behind_the_commands_back_is_changed_for_nobody(team: Cli) -> None:
    """Its template still named @tunde (a raw removal), which no write may name now (rule removed_assignee): changing
    its future instances or its rule, or ending it, keeps it working, and the template names nobody, as its next
    instance would."""
    member = ids(team)
    series = next(t["id"] for t in json.loads(team.ok("export"))["task"] if t["title"] == "Probe the feed")
    with Store(team.workspace) as store, store.write(member["ana"]) as w:
        w.set("task", series, {"assignee": member["raj"]})
        w.set("task", next(row[0] for row in store.conn.execute("SELECT id FROM task WHERE title = 'Cut the reel'")), {"assignee": None})
        w.delete("member", member["tunde"])

    def template() -> dict[str, object]:
        task = next(t for t in json.loads(team.ok("export"))["task"] if t["id"] == series)
        return dict(task["recurrence"]["template"])

    assert template()["assignee"] == member["tunde"]
    team.ok("set", series, "title=Probe the feeds", "--future")
    assert template() == {"title": "Probe the feeds"}
    for every in ("every=tue 10:00", "every=none"):
        with Store(team.workspace) as store, store.write(member["ana"], judged=False) as w:  # named again, as before
            task = store.conn.execute("SELECT recurrence FROM task WHERE id = ?", (series,)).fetchone()[0]
            recurrence = json.loads(task)
            w.set("task", series, {"recurrence": {**recurrence, "template": {**recurrence["template"], "assignee": member["tunde"]}}})
        team.ok("set", series, every)
        assert "assignee" not in template(), every
    assert "Probe the feeds" in team.ok("tasks")


def handle_given_again(cli: Cli, handle: str = "raj") -> tuple[str, str]:
    """``handle``'s done task "Old report", them removed and the handle given to a new member, whose is "New brief": their
    ids (a handle other than @raj's is a new member's, removed in turn)."""
    if handle != "raj":
        cli.ok("member", "add", handle, "--name", "Rajkumar Iyer", "--tz", "Asia/Kolkata")
    old = cli.ok("add", f"Old report @{handle}", as_member=handle).strip()
    cli.ok("done", old)
    cli.ok("member", "rm", handle)
    cli.ok("member", "add", handle, "--name", "Raj Two", "--tz", "UTC")
    return old, cli.ok("add", f"New brief @{handle}", as_member=handle).strip()


def test_a_removed_members_handle_reads_apart_from_the_new_member_who_has_it(cli: Cli) -> None:
    """`tasks`' WHO column and `show` said @raj for the removed member's task and for the new @raj's: nobody could tell
    whose it was.  WHO says "ex-@raj": "@raj✗" read as the deadline grid's ✗ after a handle, out of working hours."""
    old, new = handle_given_again(cli)
    header, *lines = cli.ok("tasks", "@raj", "all").splitlines()
    who = {line.split("  ")[-1].strip(): line[header.index("WHO") :].split()[0] for line in lines}
    assert who == {"Old report": "ex-@raj", "New brief": "@raj"}
    shown = {task: cli.ok("show", task) for task in (old, new)}
    assert "     assignee  @raj (Raj Mehta, Asia/Kolkata) — removed from this workspace\n" in shown[old], shown[old]
    assert "      created  by @raj (removed) " in shown[old], shown[old]
    assert "     assignee  @raj (Raj Two, UTC)\n" in shown[new] and "      created  by @raj " in shown[new], shown[new]
    # The JSON names the handle alone, as filters take it.
    assert {t["title"]: t["assignee"] for t in json.loads(cli.ok("tasks", "@raj", "all", "--json"))} == {
        "Old report": "raj",
        "New brief": "raj",
    }


async def test_the_apps_task_table_reads_a_removed_members_handle_apart_from_the_new_member_who_has_it(cli: Cli) -> None:
    """The app's WHO column said @raj for both as well; and its 8 cells cut a longer handle's mark away ("@rajkumar✗" read
    "@rajkum…", as the new @rajkumar's did): the mark goes first."""
    handle_given_again(cli)
    handle_given_again(cli, "rajkumar")
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.tasks_pane.table
        for handle in ("raj", "rajkumar"):
            await pilot.press("v", "a", "slash", *f"@{handle} all", "enter")
            await settle(pilot)
            rows = [row.cells for _, row in table.loaded_rows()]
            who = {cells[CELLS.index("title")]: cells[CELLS.index("who")] for cells in rows}
            assert who == {"Old report": f"ex-@{handle}", "New brief": f"@{handle}"}, who
            painted = ["".join(segment.text for segment in table.render_line(y)) for y in range(1, len(rows) + 1)]
            assert [" ex-@" in line for line in painted] == [title == "Old report" for title in who], painted


def raj_ids(cli: Cli) -> tuple[str, str]:
    """The ids of the removed @raj and of the new member who has the handle now."""
    with sqlite3.connect(cli.workspace) as conn:
        held = dict(conn.execute("SELECT deleted, id FROM member WHERE handle = 'raj'"))
    return held[1], held[0]


def test_tasks_json_says_which_member_a_handle_given_again_names(cli: Cli) -> None:
    """`tasks --json` named both "raj", and nothing else told a script the removed member's tasks from the new @raj's."""
    handle_given_again(cli)
    removed, new = raj_ids(cli)
    cli.ok("add", "Nobody's chore")
    listed = {t["title"]: t for t in json.loads(cli.ok("tasks", "all", "--json"))}
    said = {title: (t["assignee"], t["assignee_id"], t["assignee_removed"]) for title, t in listed.items()}
    assert said == {"Old report": ("raj", removed, True), "New brief": ("raj", new, False), "Nobody's chore": (None, None, None)}


def test_ledger_list_reads_a_removed_members_spend_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """`ledger list`'s BY said @raj for the removed member's spend and for the new @raj's, and its JSON "entered_by": "raj"
    for both, with nothing beside it to tell them apart."""
    spend = ("ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee")
    # Each raj in person: from ana's account (the tests'), ``--as`` is ana acting, which BY says ("@ana as @raj").
    cli.in_person(*spend, "Canva", "--amount", "12.50 EUR", as_member="raj")
    handle_given_again(cli)
    cli.in_person(*spend, "Figma", "--amount", "8 EUR", as_member="raj")
    cli.ok(*spend, "Adobe", "--amount", "20 EUR")
    removed, new = raj_ids(cli)
    header, *lines = cli.ok("ledger", "list").splitlines()
    by = {line.split()[4]: line[header.index("BY") :].split()[0] for line in lines}
    assert by == {"Canva": "ex-@raj", "Figma": "@raj", "Adobe": "@ana"}
    said = {
        e["payee"]: (e["entered_by"], e["entered_by_id"], e["entered_by_removed"]) for e in json.loads(cli.ok("ledger", "list", "--json"))
    }
    assert said == {"Canva": ("raj", removed, True), "Figma": ("raj", new, False), "Adobe": ("ana", ids(cli)["ana"], False)}


def test_the_history_reads_a_removed_member_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """`log` and `show`'s history said "@ana as @raj added “Old report” for @raj" of the removed member, as of the new @raj:
    the history named the new member for what the removed one did, and took, and was."""
    cli.ok("member", "set", "raj", "--handle", "rajm")
    cli.ok("member", "set", "rajm", "--handle", "raj")
    old, new = handle_given_again(cli)
    said = [line.split("  ", 1)[1] for line in cli.ok("log").splitlines()]
    assert said[:6] == [
        "@ana as @raj added “New brief” for @raj",
        "@ana added @raj (Raj Two, UTC)",
        "@ana removed ex-@raj",
        "@ana marked “Old report” done",
        "@ana as ex-@raj added “Old report” for ex-@raj",
        "@ana renamed ex-@rajm to ex-@raj",
    ], said
    assert said[7:9] == ["@ana added campaign Spring Launch", "@ana added ex-@raj (Raj Mehta, Asia/Kolkata)"], said
    assert "  @ana as ex-@raj added “Old report” for ex-@raj\n" in cli.ok("show", old)
    assert "  @ana as @raj added “New brief” for @raj\n" in cli.ok("show", new)


async def details_read(cli: Cli, *tasks: str) -> dict[str, str]:
    """What the app's detail of each task says, opened one after another (escape between)."""
    app = make_app(cli.workspace)
    told: dict[str, str] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for task in tasks:
            await app.push_screen(DetailScreen(task, app.services))
            await settle(pilot)
            told[task] = str(app.screen.query_one("#detail-body").render())
            await pilot.press("escape")
            await settle(pilot)
    return told


async def test_the_apps_task_detail_tells_the_history_of_a_removed_member_apart_from_the_new_member_who_has_their_handle(
    cli: Cli,
) -> None:
    """The detail's history said "@ana as @raj added “Old report” for @raj", as `show` did."""
    old, new = handle_given_again(cli)
    told = await details_read(cli, old, new)
    assert told[old].endswith("  @ana as ex-@raj added “Old report” for ex-@raj"), told[old]
    assert told[new].endswith("  @ana as @raj added “New brief” for @raj"), told[new]


def test_log_and_show_json_say_which_member_a_handle_given_again_names(cli: Cli) -> None:
    """`log --json` and `show --json` named both "raj" (member, actor, assignee, created_by), with nothing beside it to tell
    the removed member from the new @raj."""
    old, new = handle_given_again(cli)
    removed, raj = raj_ids(cli)
    ana = ids(cli)["ana"]
    ops = json.loads(cli.ok("log", "--json", "--limit", "200"))
    made = {op["value"]: op for op in ops if op["entity"] == "task" and op["field"] == "title"}
    assert [(made[title]["member"], made[title]["member_id"], made[title]["member_removed"]) for title in ("Old report", "New brief")] == [
        ("raj", removed, True),
        ("raj", raj, False),
    ]
    assert (made["Old report"]["actor"], made["Old report"]["actor_id"], made["Old report"]["actor_removed"]) == ("ana", ana, False)
    for task, member in ((old, removed), (new, raj)):
        shown = json.loads(cli.ok("show", task, "--json"))
        for field in ("assignee", "created_by"):
            assert (shown[field], shown[f"{field}_id"], shown[f"{field}_removed"]) == ("raj", member, member == removed), (task, field)
        assert {(op["member"], op["member_id"], op["member_removed"]) for op in shown["history"] if op["field"] == "title"} == {
            ("raj", member, member == removed)
        }


def test_a_posts_history_reads_a_removed_member_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """`post show`'s WHO said @raj for the removed member's copy and for the new @raj's."""
    # Each raj in person: from ana's account (the tests'), ``--as`` is ana acting, which the history says ("@ana as @raj").
    post = cli.in_person("post", "add", "Launch reel +spring-launch post:instagram", as_member="raj").strip()
    cli.in_person("post", "copy", post, "First cut", as_member="raj")
    handle_given_again(cli)
    cli.in_person("post", "copy", post, "Second cut", as_member="raj")
    header, *rows = cli.ok("post", "show", post).split("\nhistory (")[1].splitlines()[1:]
    who = [(row[header.index("WHO") :].split()[0], row[header.index("WHAT") : header.index("VERSION")].strip()) for row in rows]
    assert who == [("ex-@raj", "created"), ("ex-@raj", "changed the copy"), ("@raj", "changed the copy")], who
    # Its JSON said "who": "@raj" of both, with nothing to tell them apart; and "when" only on the reader's clock.
    with sqlite3.connect(cli.workspace) as conn:
        ids = dict(conn.execute("SELECT deleted, id FROM member WHERE handle = 'raj'").fetchall())
    history = json.loads(cli.ok("post", "show", post, "--json"))["history"]
    assert [(h["who"], h["who_id"], h["who_removed"]) for h in history] == [
        ("@raj", ids[1], True),
        ("@raj", ids[1], True),
        ("@raj", ids[0], False),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", h["at"]) for h in history), history


def test_a_crisis_started_by_a_removed_manager_reads_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """`crisis status` and the app's banner said "started by @mo" of the removed manager, the handle a new member has now;
    its JSON said "started_by": "mo" and no more."""
    cli.ok("member", "add", "mo", "--name", "Mo Farouk", "--tz", "UTC", "--access", "manager")
    crisis = cli.ok("crisis", "start", "--reason", "Bad reply", as_member="mo").strip()
    with sqlite3.connect(cli.workspace) as conn:
        removed = conn.execute("SELECT id FROM member WHERE handle = 'mo'").fetchone()[0]
    cli.ok("member", "rm", "mo", "--reassign", "@ana")
    cli.ok("member", "add", "mo", "--name", "Mo Two", "--tz", "UTC")
    assert "\n  started by ex-@mo " in cli.ok("crisis", "status")
    [status] = json.loads(cli.ok("crisis", "status", "--json"))
    assert (status["id"], status["started_by"], status["started_by_id"], status["started_by_removed"]) == (crisis, "mo", removed, True)
    with sqlite3.connect(cli.workspace) as conn:
        assert [c.started_by for c in open_crisis_banner(conn)] == ["ex-@mo"]


def test_tokens_and_sign_in_links_read_a_removed_member_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """`token list` and `web links` said @raj for the removed member's (revoked) tokens and links and the new @raj's."""
    cli.ok("token", "create", "raj", "--label", "old laptop")
    cli.ok("web", "link", "@raj")
    handle_given_again(cli)
    cli.ok("token", "create", "raj", "--label", "new laptop")
    cli.ok("web", "link", "@raj")
    header, *rows = cli.ok("token", "list").splitlines()
    assert sorted((row[header.index("MEMBER") :].split()[0], row[header.index("LABEL") :].split()[0]) for row in rows) == [
        ("@raj", "new"),
        ("ex-@raj", "old"),
    ]
    header, *rows = cli.ok("web", "links").splitlines()
    assert sorted(row[header.index("MEMBER") :].split()[0] for row in rows) == ["@raj", "ex-@raj"]


def booked_then_handle_given_again(cli: Cli) -> tuple[str, str, str]:
    """A meeting booked with @raj, then ``handle_given_again``, both reports due: the meeting's, "Old report"'s and "New
    brief"'s ids."""
    cli.ok("overlap", "ana", "raj", "--book", "Sync")
    with sqlite3.connect(cli.workspace) as conn:
        meeting = conn.execute("SELECT id FROM task WHERE title = 'Sync'").fetchone()[0]
    old, new = handle_given_again(cli)
    for task in (old, new):
        cli.ok("set", task, "due=2026-12-04 17:00")
    return meeting, old, new


def test_show_reads_a_removed_members_clock_and_meeting_seat_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """`show`'s due lines and a booked meeting's attendees said @raj of the removed member, the handle a new member has now."""
    meeting, old, new = booked_then_handle_given_again(cli)
    shown = cli.ok("show", old)
    assert "\nDue\n  you: Fri 12-04 17:00 CET\n  ex-@raj: Fri 12-04 21:30 IST Kolkata (outside their hours)\n" in shown, shown
    assert "\n  @raj: Fri 12-04 16:00 UTC" in cli.ok("show", new)
    shown = cli.ok("show", meeting)
    assert "      meeting  30m with @ana ex-@raj\n" in shown and "\n  ex-@raj: today 15:30 IST Kolkata\n" in shown, shown
    assert "ex-@" not in cli.ok("show", meeting, "--json")


async def test_the_apps_task_detail_reads_a_removed_members_clock_and_meeting_seat_apart_from_the_new_member(cli: Cli) -> None:
    """The detail's due lines and meeting said @raj of the removed member, as `show` did."""
    meeting, old, _new = booked_then_handle_given_again(cli)
    told = await details_read(cli, old, meeting)
    assert "\n  ex-@raj: Fri 12-04 21:30 IST Kolkata (outside their hours)\n" in told[old], told[old]
    assert "meeting  30m with @ana ex-@raj\n" in told[meeting] and "\n  ex-@raj: today 15:30 IST Kolkata\n" in told[meeting]


def reviewed_then_handle_given_again(cli: Cli) -> str:
    """Spring Launch's one step is @raj's and "Launch reel" waits on it; then ``handle_given_again``.  The post's id."""
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@raj")
    post = cli.ok("post", "add", "Launch reel +spring-launch post:instagram").strip()
    cli.ok("post", "copy", post, "Launch reel: first cut")
    cli.ok("post", "submit", post)
    handle_given_again(cli)
    return post


def test_the_approvals_listings_read_a_removed_reviewer_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """`post list`'s ROUND and `post show`'s round said @raj of the step the removed member takes."""
    post = reviewed_then_handle_given_again(cli)
    assert "  step 1 of 1 (copy), ex-@raj, still open\n" in cli.ok("post", "list")
    assert "\nround:         step 1 of 1 (copy), ex-@raj, still open\n" in cli.ok("post", "show", post)
    shown = json.loads(cli.ok("post", "show", post, "--json"))
    assert (shown["round"], shown["steps"][0]["who"]) == ("step 1 of 1 (copy), @raj, still open", "@raj")


async def test_the_approvals_view_reads_a_removed_reviewer_apart_from_the_new_member_who_has_their_handle(cli: Cli) -> None:
    """The Approvals view's WHY said @raj of the step the removed member takes, as `post list` did."""
    post = reviewed_then_handle_given_again(cli)
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        why = {row.id: row.cells[-1] for _, row in screen.table.loaded_rows()}
    assert why == {post: "step 1 of 1 (copy), ex-@raj, still open"}, why


def test_log_json_names_nobody_null_in_all_three_for_an_operation_no_member_wrote(tmp_path: Path) -> None:
    """A workspace made with no member is written by nobody: `log --json` said "member": "?" with "member_id": "" and
    "member_removed": false, as if "" were the id of someone still here."""
    path = tmp_path / "w.db"
    with redirect_stdout(io.StringIO()):
        assert main(["init", str(path)]) == 0
    ops = json.loads(Cli(path).ok("log", "--json", as_member=None))
    assert ops
    assert {(op["member"], op["member_id"], op["member_removed"]) for op in ops} == {(None, None, None)}
