"""Replicas converge when the server refuses some of their operations.

A server (a served file's store, in process) and three replicas: ana a
manager, raj and kemi members.  Replicas write offline without judging
(as a replica with stale state, or a modified client, may), push when
the program says, and pull in pieces.  What the server refuses leaves the
author's replica; in the end every replica holds exactly the server's
state, and no refused operation is anywhere but in the refusal lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.records import budget_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.workspace.exchange import dumps, export_state

from .conftest import fresh_store

ROLES = ("ana", "raj", "kemi")
TASKS = [f"{i:032x}" for i in range(1, 6)]

#: What a replica may try, allowed or not.
ATTEMPTS = ("title", "priority", "new_task", "untitled", "escape", "budget", "promote", "spend", "approve", "rename_other")

step = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 2), st.sampled_from(ATTEMPTS), st.integers(0, 4)),
    st.tuples(st.just("push"), st.integers(0, 2)),
    st.tuples(st.just("pull"), st.integers(0, 2), st.integers(1, 50)),
)


class Team:
    def __init__(self, tmp: Path) -> None:
        self.server = fresh_store(tmp, "server.db")
        self.ids = {handle: new_id() for handle in ROLES}
        self.campaign = new_id()
        with self.server.write(self.ids["ana"]) as w:
            for handle in ROLES:
                access = "manager" if handle == "ana" else "member"
                w.create("member", {"handle": handle, "name": handle, "tz": "UTC", "access": access}, row_id=self.ids[handle])
            w.create("campaign", {"name": "Launch"}, row_id=self.campaign)
            for task in TASKS:
                w.create("task", {"title": "Draft"}, row_id=task)
        self.replicas = [fresh_store(tmp, f"{handle}.db") for handle in ROLES]
        self.pulled = [0, 0, 0]
        self.pushed = [0, 0, 0]
        self.entries: list[str] = []
        for i in range(3):
            self.pull(i, 10**9)

    def pull(self, i: int, limit: int) -> None:
        page = self.server.ops_after(self.pulled[i], limit)
        if page:
            self.replicas[i].apply(op for _, op in page)
            self.pulled[i] = page[-1][0]

    def push(self, i: int) -> None:
        replica = self.replicas[i]
        pending = replica.own_ops_after(self.pushed[i], 10**9)
        if not pending:
            return
        result = self.server.accept_push([op for _, op in pending], self.ids[ROLES[i]])
        self.pushed[i] = pending[-1][0]
        replica.drop_refused(result.refused)

    def write(self, i: int, attempt: str, n: int) -> None:
        me = self.ids[ROLES[i]]
        task = TASKS[n]
        values: dict[str, Any]
        with self.replicas[i].write(me, judged=False) as w:
            if attempt == "title":
                w.set("task", task, {"title": f"Draft {n} by {ROLES[i]}"})
            elif attempt == "priority":
                w.set("task", task, {"priority": ("high", "low")[n % 2]})
            elif attempt == "new_task":
                w.create("task", {"title": f"New {n}", "created_by": me, "priority": "med"})
            elif attempt == "untitled":
                w.set("task", new_id(), {"priority": "high"})
            elif attempt == "escape":
                w.create("task", {"title": "A\x1b[2JB", "priority": "low"})
            elif attempt == "budget":
                values = {"campaign": self.campaign, "category": "ads", "period": "run", "amount": 100 * n, "currency": "EUR"}
                w.set("budget", budget_id(self.campaign, "ads", "run"), values)
            elif attempt == "promote":
                w.set("member", me, {"access": "manager"})
            elif attempt == "spend":
                entry = w.append(
                    "ledger_entry",
                    {
                        "date": "2026-11-20",
                        "campaign": self.campaign,
                        "category": "ads",
                        "payee": "Meta",
                        "amount": 100 + n,
                        "currency": "EUR",
                        "entered_by": me,
                        "entered_at": "2026-11-20T10:00:00Z",
                        "needs_approval": True,
                    },
                )
                self.entries.append(entry)
            elif attempt == "approve" and self.entries:
                w.append(
                    "approval", {"entry": self.entries[n % len(self.entries)], "approved_by": me, "approved_at": "2026-11-26T09:00:00Z"}
                )
            elif attempt == "rename_other":
                w.set("member", self.ids[ROLES[(i + 1) % 3]], {"name": f"Renamed by {ROLES[i]}"})

    def close(self) -> None:
        for store in (self.server, *self.replicas):
            store.close()


def _refused_anywhere(team: Team) -> set[str]:
    return {row[0] for row in team.server.conn.execute("SELECT op_id FROM refused_ops")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, max_size=40))
def test_replicas_converge_when_the_server_refuses_some_operations(tmp_path_factory: Any, steps: list[tuple[Any, ...]]) -> None:
    team = Team(tmp_path_factory.mktemp("rules"))
    try:
        for s in steps:
            if s[0] == "write":
                team.write(s[1], s[2], s[3])
            elif s[0] == "push":
                team.push(s[1])
            else:
                team.pull(s[1], s[2])
        for _ in range(2):
            for i in range(3):
                team.push(i)
            for i in range(3):
                team.pull(i, 10**9)
        expected = dumps(export_state(team.server))
        refused = _refused_anywhere(team)
        for replica in team.replicas:
            assert dumps(export_state(replica)) == expected
            held = {row[0] for row in replica.conn.execute("SELECT op_id FROM ops")}
            assert not held & refused
        # Nobody but a manager changed a budget or anyone's access; escapes and untitled records never landed.
        assert {row[0] for row in team.server.conn.execute("SELECT DISTINCT member FROM ops WHERE entity = 'budget'")} <= {team.ids["ana"]}
        assert team.server.conn.execute("SELECT count(*) FROM member WHERE access = 'manager'").fetchone()[0] == 1
        assert (
            team.server.conn.execute("SELECT count(*) FROM task WHERE title IS NULL OR title LIKE '%' || char(27) || '%'").fetchone()[0]
            == 0
        )
        # No approval by a member, or of one's own entry.
        assert (
            team.server.conn.execute(
                "SELECT count(*) FROM approval a JOIN ledger_entry e ON e.id = a.entry "
                "WHERE a.approved_by = e.entered_by OR a.approved_by != ?",
                (team.ids["ana"],),
            ).fetchone()[0]
            == 0
        )
    finally:
        team.close()


def test_a_store_not_served_keeps_its_own_log_when_nothing_is_refused(tmp_path: Path) -> None:
    """A drop of nothing changes nothing (the push answer of a round without refusals)."""
    store = Store.create(tmp_path / "x.db")
    try:
        before = store.max_seq()
        assert store.drop_refused([]) == 0 and store.max_seq() == before
    finally:
        store.close()
