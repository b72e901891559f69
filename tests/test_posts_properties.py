"""The post state machine over three replicas and a server: random edits, submissions, verdicts, crises and syncs.

ana (manager, group brand), raj and kemi (groups brand and copy) each hold a replica of a served file (the server's store, in
process) and act on it through the same write functions as the CLI and
the app, offline or online (pull, act, push), pushing and pulling when the program says; the server
judges every push.  wren, who holds no replica, wrote the first copy of three posts of one campaign whose chain is
``brand:group=brand; copy:group=copy``.  After every step, on every
replica:

* no post reads approved (or scheduled, paused, missed) unless each step's
  approval is by someone who changed none of its content since the
  previous round (worked out here from the replica's log, independently
  of the code under test) and carries the hash of the content it has now;
* a post inside an open crisis's scope, approved or scheduled and not
  resumed from it, reads paused or missed, whichever replica approved it
  and whether or not that replica knew of the crisis then;
* a post that read paused or missed reads approved, scheduled or published
  again only after an explicit act on that post (a resume, a new slot, a
  change of state, content or round) reached the replica: never because a
  crisis ended, time passed or another post changed.
* ending a crisis with no resume writes nothing on any post, and ending it
  with ``--resume all`` resumes no post that read missed.

The manager's crisis moves (start, end with or without resume) are drawn
as steps of their own besides every member's moves, and whole review
rounds often, so that crises start and end around approved posts in most
examples: a reading of states that lets the end of a crisis release a post
fails the property itself (tried by breaking ``states.holding``'s rule).

At the end, after everyone pushed and pulled everything, every replica
holds the server's state and reads every post in the same state.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.postround import CONTENT_FIELDS, content_hash
from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.reading import PostView, crises, open_crises, read_posts
from crewdeck.tui.posts.states import base_state
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.exchange import dumps, export_state

from .conftest import fresh_store

ROLES = ("ana", "raj", "kemi")
POSTS = [f"{i:032x}" for i in range(1, 4)]
START = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
#: Fields whose change on a post is an explicit act on it.
EXPLICIT = frozenset({"resumed_from", "publish", "post_state", "post_round", *CONTENT_FIELDS})

ACTS = ("copy", "submit", "approve", "reject", "schedule", "publish", "pull", "resume", "slot", "crisis", "end_all", "end_none")
#: Weighted towards the moves that get a post approved, so that rounds close and crises catch approved posts.
_WEIGHTED = ("submit",) * 4 + ("approve",) * 10 + ("schedule", "resume", "resume") + ("crisis", "end_all", "end_none") * 3 + ACTS
_ACT = st.tuples(st.sampled_from(("act", "online")), st.integers(0, 2), st.sampled_from(_WEIGHTED), st.integers(0, 2))
#: The manager's crisis moves, on her replica (offline or online): a crisis must start and end often, around approved posts,
#: for a wrong reading of what ending one releases to show (it is drawn among every other move as well).
_CRISIS = st.tuples(
    st.just("manager"), st.sampled_from(("act", "online")), st.sampled_from(("crisis", "end_all", "end_none")), st.integers(0, 2)
)
step = st.one_of(
    _ACT,
    _ACT,
    _ACT,
    _ACT,
    _CRISIS,
    _CRISIS,
    st.tuples(st.just("review"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("push"), st.integers(0, 2)),
    st.tuples(st.just("pull"), st.integers(0, 2), st.integers(1, 40)),
    st.tuples(st.just("sync"), st.just(0)),
    st.tuples(st.just("review"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("tick"), st.integers(1, 12)),
)


class Team:
    def __init__(self, tmp: Path) -> None:
        self.server = fresh_store(tmp, "server.db")
        self.ids = {handle: new_id() for handle in (*ROLES, "wren")}
        self.campaign = new_id()
        self.now = START
        groups = {"ana": ["brand"], "raj": ["brand", "copy"], "kemi": ["brand", "copy"]}
        with self.server.write(self.ids["ana"]) as w:
            for handle in (*ROLES, "wren"):
                access = "manager" if handle == "ana" else "member"
                values = {"handle": handle, "name": handle, "tz": "UTC", "access": access, "groups": groups.get(handle, [])}
                w.create("member", values, row_id=self.ids[handle])
            chain = [{"name": "brand", "member": None, "group": "brand"}, {"name": "copy", "member": None, "group": "copy"}]
            w.create("campaign", {"name": "Launch", "approvals": chain}, row_id=self.campaign)
            for n, post in enumerate(POSTS):
                slot = {"utc": (START + dt.timedelta(hours=24 * (n + 2))).strftime("%Y-%m-%dT%H:%M:%SZ"), "tz": "UTC"}
                values = {"title": f"Post {n}", "campaign": self.campaign, "platform": "x", "post_state": "draft"}
                w.create("task", {**values, "publish": slot, "created_by": self.ids["ana"]}, row_id=post)
        with self.server.write(self.ids["wren"]) as w:
            for n, post in enumerate(POSTS):
                w.set("task", post, {"copy": f"copy {n}"})
        self.replicas = [fresh_store(tmp, f"{handle}.db") for handle in ROLES]
        self.pulled = [0, 0, 0]
        self.pushed = [0, 0, 0]
        for i in range(3):
            self.pull(i, 10**9)
        #: Per replica: the posts it last read paused or missed, with how many explicit acts on each it held then.
        self.held: list[dict[str, int]] = [{}, {}, {}]

    def pull(self, i: int, limit: int) -> None:
        page = self.server.ops_after(self.pulled[i], limit)
        if page:
            self.replicas[i].apply(op for _, op in page)
            self.pulled[i] = page[-1][0]

    def push(self, i: int) -> None:
        replica = self.replicas[i]
        pending = replica.own_ops_after(self.pushed[i], 10**9)
        if pending:
            result = self.server.accept_push([op for _, op in pending], self.ids[ROLES[i]])
            self.pushed[i] = pending[-1][0]
            replica.drop_refused(result.refused)

    def sync(self) -> None:
        for i in range(3):
            self.push(i)
        for i in range(3):
            self.pull(i, 10**9)

    def online(self, i: int, act: str, n: int) -> None:
        """Pull, act, push: a member working online."""
        self.pull(i, 10**9)
        self.act(i, act, n)
        self.push(i)

    def act(self, i: int, act: str, n: int) -> None:
        store, me, post, now = self.replicas[i], self.ids[ROLES[i]], POSTS[n], self.now
        before = store.max_seq()
        missed = {v.id for v in read_posts(store.conn, now) if v.state == "missed"} if act == "end_all" else set()
        try:
            if act == "copy":
                writing.set_content(store, me, post, now, copy=f"copy {n} by {ROLES[i]} at {now:%d %H}")
            elif act == "submit":
                writing.submit(store, me, post, now)
            elif act == "approve":
                writing.approve(store, me, post, now)
            elif act == "reject":
                writing.reject(store, me, post, now, "again")
            elif act == "schedule":
                writing.schedule(store, me, post, now)
            elif act == "publish":
                writing.publish(store, me, post, now)
            elif act == "pull":
                writing.pull(store, me, post, now)
            elif act == "resume":
                writing.resume(store, me, post, now, _slot(now + dt.timedelta(hours=30)))
            elif act == "slot":
                writing.move_slot(store, me, post, now, _slot(now + dt.timedelta(hours=12 * (n + 1))))
            elif act == "crisis":
                writing.start_crisis(store, me, now, f"crisis {n}", platforms=["x"] if n == 2 else [])
            else:
                current = open_crises(store.conn)
                writing.end_crisis(store, me, now, current[n % len(current)].id if current else None, "all" if act == "end_all" else "none")
        except (UserError, Refused):
            return  # an illegal move, refused with its reason: nothing was written
        if act == "end_none":  # ending a crisis with no resume touches no post
            assert not [op for _, op in store.own_ops_after(before, 10**9) if op.entity == "task"]
        if act == "end_all":  # resume all resumes no missed post: a missed post needs a new slot
            after = {v.id: v.state for v in read_posts(store.conn, now)}
            assert all(after[post] == "missed" for post in missed), after

    def close(self) -> None:
        for store in (self.server, *self.replicas):
            store.close()


def _slot(when: dt.datetime) -> dict[str, str]:
    return {"utc": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "tz": "UTC"}


def _authors(store: Store, post: str) -> set[str]:
    """Who changed the post's content since its previous round, read from the log here (not with the code under test)."""
    ops = store.history(post)
    rounds = [op.op_id for op in ops if op.field == "post_round"]
    since = rounds[-2] if len(rounds) >= 2 else ""
    return {op.member for op in ops if op.field in CONTENT_FIELDS and op.op_id > since}


def _explicit_acts(store: Store, post: str) -> int:
    return sum(1 for op in store.history(post) if op.field in EXPLICIT)


def _check(team: Team, i: int) -> None:
    store = team.replicas[i]
    views = {v.id: v for v in read_posts(store.conn, team.now)}
    open_crises = [c for c in crises(store.conn) if c.open]
    for post in POSTS:
        view: PostView = views[post]
        record = store.record("task", post)
        assert record is not None
        if view.round.approved:
            current = content_hash(record["copy"], record["link"], record["media"], record["first_comment"])
            authors = _authors(store, post)
            for verdict in view.round.satisfied:
                assert verdict is not None
                assert verdict.by not in authors, (post, verdict)
                assert verdict.hash == current == record["post_round"]["hash"]
        base = base_state(view.facts.stored, view.round)
        resumed = set(record["resumed_from"])
        slot = view.facts.slot
        if base in ("approved", "scheduled") and any(
            c.id not in resumed and c.covers(view.facts.campaign, view.facts.platform) and (slot is None or slot >= c.started_at)
            for c in open_crises
        ):
            assert view.state in ("paused", "missed"), (post, view.state)
        acts = _explicit_acts(store, post)
        if post in team.held[i] and view.state in ("approved", "scheduled", "published"):
            assert acts > team.held[i][post], f"{post[:4]} left {view.state} on replica {i} with no explicit act"
        if view.state in ("paused", "missed"):
            team.held[i][post] = acts
        else:
            team.held[i].pop(post, None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=20, max_size=60))
def test_posts_converge_and_nobody_skips_an_approval_or_a_crisis(tmp_path_factory: Any, steps: list[tuple[Any, ...]]) -> None:
    team = Team(tmp_path_factory.mktemp("posts"))
    try:
        for s in steps:
            if s[0] == "act":
                team.act(s[1], s[2], s[3])
            elif s[0] == "online":
                team.online(s[1], s[2], s[3])
            elif s[0] == "manager":
                (team.online if s[1] == "online" else team.act)(0, s[2], s[3])
            elif s[0] == "push":
                team.push(s[1])
            elif s[0] == "pull":
                team.pull(s[1], s[2])
            elif s[0] == "sync":
                team.sync()
            elif s[0] == "review":  # a whole round online: submitted, then everyone tries the next step in turn
                team.online(s[1], "submit", s[2])
                for i in range(3):
                    team.online(i, "approve", s[2])
            else:
                team.now += dt.timedelta(hours=s[1])
            for i in range(3):
                _check(team, i)
        team.sync()
        team.sync()
        expected = dumps(export_state(team.server))
        states = json.dumps({v.id: v.state for v in read_posts(team.server.conn, team.now)})
        for i, replica in enumerate(team.replicas):
            assert dumps(export_state(replica)) == expected
            assert json.dumps({v.id: v.state for v in read_posts(replica.conn, team.now)}) == states
            _check(team, i)
    finally:
        team.close()


def test_a_post_approved_offline_during_a_crisis_it_has_not_heard_of_is_paused_when_the_crisis_arrives(tmp_path: Path) -> None:
    team = Team(tmp_path)
    try:
        post = POSTS[0]
        team.act(1, "submit", 0)  # raj submits; kemi approves the brand step, then ana starts a crisis
        team.push(1)
        team.pull(2, 10**9)
        team.act(2, "approve", 0)
        team.push(2)
        team.act(0, "crisis", 0)
        team.push(0)
        team.pull(1, 3)  # raj's replica gets its own two operations back and kemi's approval, not the crisis
        raj = team.replicas[1]
        assert not crises(raj.conn)
        team.act(1, "approve", 0)  # the last step, offline, during a crisis raj's replica has not heard of
        assert {v.id: v.state for v in read_posts(raj.conn, team.now)}[post] == "approved"
        team.push(1)
        team.pull(1, 10**9)
        assert {v.id: v.state for v in read_posts(raj.conn, team.now)}[post] == "paused"
        team.pull(2, 10**9)
        assert {v.id: v.state for v in read_posts(team.replicas[2].conn, team.now)}[post] == "paused"
    finally:
        team.close()


def test_ending_a_crisis_without_resuming_releases_no_post(tmp_path: Path) -> None:
    team = Team(tmp_path)
    try:
        team.online(1, "submit", 0)
        for i in range(3):
            team.online(i, "approve", 0)
        team.online(0, "crisis", 0)
        team.sync()
        for i in range(3):
            _check(team, i)
        assert all(POSTS[0] in held for held in team.held)
        team.online(0, "end_none", 0)
        team.sync()
        for i in range(3):
            _check(team, i)
            assert {v.id: v.state for v in read_posts(team.replicas[i].conn, team.now)}[POSTS[0]] == "paused"
        team.online(1, "resume", 0)  # an explicit resume (with a new slot) releases it
        team.sync()
        assert {v.id: v.state for v in read_posts(team.replicas[2].conn, team.now)}[POSTS[0]] == "approved"
    finally:
        team.close()
