"""Who may do what: every role against every kind of operation, on a shared file and on the servers.

One team: ana and mia (managers), raj (member), gus (guest).  Each case
is an edit some member attempts; the expected outcome per role is the
table in DESIGN.md ("Roles and rules").  On a shared file the local write
is refused as a whole; on a server (a served file, and PostgreSQL) the
replica's rules are bypassed, as a modified client would, and the server
refuses the operation, which comes back to the replica and leaves it.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import pwd
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewdeck.sync.client.remote import Client, Pushed, push_all
from crewdeck.sync.state import schema
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.records import ENTITIES, budget_id, crisis_end_id, rate_id, result_id
from crewdeck.sync.state.rules import (
    RULES,
    TABLE,
    MemberFacts,
    Refused,
    acting_as_refused,
    commands_refused,
    member_add_refused,
    replica_refused,
    ways_in_refused,
)
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.writes import Writer

from . import conftest
from .conftest import ROOT, copy_of_workspace
from .forged import Forger
from .syncsupport import Postgres, Server, crewdeck, new_token

ROLES = ("manager", "member", "guest")
#: Who plays each role, and a second member of that role's records to act on.
PLAYER = {"manager": "ana", "member": "raj", "guest": "gus"}


@dataclass
class Team:
    path: Path
    ids: dict[str, str]
    campaign: str
    task: str
    #: A task of another campaign ("Other"): no spend of Launch is for it.
    other_task: str
    #: Ledger entries: each member's plain and pending one, a spare one for others to reverse,
    #: and one reversed (``ledger reverse``) with its reversal.
    entry: dict[str, str]
    pending: dict[str, str]
    spare: dict[str, str]
    reversed: dict[str, str]
    reversal: dict[str, str]
    #: Posts (see ``add_posts``): name -> role's handle -> post id; each post's (round id, content hash).
    posts: dict[str, dict[str, str]] = field(default_factory=dict)
    rounds: dict[str, tuple[str, str]] = field(default_factory=dict)
    crisis: str = ""
    ended_crisis: str = ""
    #: A member removed (@was), whose handle a new member has now.
    removed: str = ""
    #: raj's plain spend that nothing reverses (the matrix's: its other plain entries of raj's are reversed before a
    #: manager approves the spend a crisis froze, and reversed spend waits for no approval).
    frozen: str = ""


def build_team(directory: Path) -> Team:
    path = directory / "team.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin")
    for handle, access in (("mia", "manager"), ("raj", "member"), ("gus", "guest"), ("tmp", "member")):
        crewdeck("-w", str(path), "--as", "ana", "member", "add", handle, "--name", handle.title(), "--tz", "UTC", "--access", access)
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Other")
    task = crewdeck("-w", str(path), "--as", "raj", "add", "Draft reel").strip()
    other_task = crewdeck("-w", str(path), "--as", "raj", "add", "Other reel +other").strip()
    entry, pending, spare, reversed_, reversal = {}, {}, {}, {}, {}
    for handle in ("ana", "raj"):
        # raj's spend is his in person: from ana's account (the tests'), ``--as raj`` is ana acting, whose it stays.
        run = crewdeck if handle == "ana" else in_person
        base = ["-w", str(path), "--as", handle, "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta"]
        entry[handle] = run(*base, "--amount", "10 EUR").strip()
        pending[handle] = run(*base, "--amount", "20 EUR", "--pending").strip()
        spare[handle] = run(*base, "--amount", "30 EUR").strip()
        reversed_[handle] = run(*base, "--amount", "40 EUR").strip()
        reversal[handle] = run("-w", str(path), "--as", handle, "ledger", "reverse", reversed_[handle]).strip()
    with Store(path) as store:
        ids = dict(store.conn.execute("SELECT handle, id FROM member"))
        campaign = store.conn.execute("SELECT id FROM campaign WHERE name = 'Launch'").fetchone()[0]
    return Team(path, ids, campaign, task, other_task, entry, pending, spare, reversed_, reversal)


def in_person(*args: str) -> str:
    """``crewdeck`` by the member ``--as`` names themselves (conftest's ``in_person``)."""
    with conftest.in_person():
        return crewdeck(*args)


_TEAMS: dict[str, Team] = {}


def copy_of_team(key: str, build: Callable[[Path], Team], directory: Path) -> Team:
    """The team ``build`` makes in a directory, copied into ``directory``: its file (``copy_of_workspace``, built
    once per test process under ``key``) and what the test knows of it (ids, posts), each test's own."""

    def build_file(path: Path) -> None:
        _TEAMS[key] = build(path.parent)

    path = copy_of_workspace("team.db", build_file, directory / "team.db", key=key)
    return replace(copy.deepcopy(_TEAMS[key]), path=path)


def ssh_key(comment: str = "laptop") -> str:
    """A new ed25519 public key line (the blob is the type and 32 random bytes, as OpenSSH writes it)."""
    blob = b"".join(struct.pack(">I", len(part)) + part for part in (b"ssh-ed25519", os.urandom(32)))
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}"


#: mia's key (the team fixture registers it): nobody else may claim it.
MIA_KEY = ssh_key("mia@laptop")


def _entry(me: str, campaign: str, **extra: Any) -> dict[str, Any]:
    return {
        "date": "2026-11-20",
        "campaign": campaign,
        "category": "ads",
        "payee": "Meta",
        "amount": 500,
        "currency": "EUR",
        "entered_by": me,
        "entered_at": "2026-11-20T10:00:00Z",
        **extra,
    }


def _reversal(team: Team, me: str, entry: str, **changed: Any) -> dict[str, Any]:
    """What ``ledger reverse`` writes for ``entry`` (its fields, the opposite amount), by ``me``, with ``changed`` on top."""
    with Store(team.path) as store:
        original = store.record("ledger_entry", entry)
    assert original is not None
    mirrored = {name: original[name] for name in ("date", "campaign", "category", "payee", "currency", "task", "needs_approval")}
    return {
        **mirrored,
        "amount": -original["amount"],
        "memo": "",
        "reverses": entry,
        "entered_by": me,
        "entered_at": "2026-11-20T10:00:00Z",
        **changed,
    }


def add_posts(team: Team) -> None:
    """Posts in review for the post cases, each role with its own (so one role's verdict never decides another's).

    Chains: Launch has one step for the group "reviewers" (ana, raj and gus,
    a guest of every campaign but "Other"); "Two steps" has two such steps; "Mia only" one step
    naming mia; "Other" (not gus's) one step for "reviewers".
    """
    import datetime as dt

    from crewdeck.tui.posts import writing

    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    ids = team.ids
    group = [{"name": "review", "member": None, "group": "reviewers"}]
    with Store(team.path) as store:
        campaigns = {"launch": team.campaign}
        with store.write(ids["ana"]) as w:
            for name in ("Two steps", "Mia only", "Other", "Raj only"):
                campaigns[name] = w.create("campaign", {"name": name})
            w.set("campaign", team.campaign, {"approvals": group})
            w.set("campaign", campaigns["Two steps"], {"approvals": [group[0], {"name": "final", "member": None, "group": "reviewers"}]})
            w.set("campaign", campaigns["Mia only"], {"approvals": [{"name": "copy", "member": ids["mia"], "group": None}]})
            w.set("campaign", campaigns["Other"], {"approvals": group})
            w.set("campaign", campaigns["Raj only"], {"approvals": [{"name": "copy", "member": ids["raj"], "group": None}]})
            for handle in ("ana", "raj", "gus"):
                w.set("member", ids[handle], {"groups": ["reviewers"]})
            w.set("member", ids["gus"], {"campaigns": [team.campaign, campaigns["Two steps"], campaigns["Mia only"]]})

        def post(name: str, author: str, campaign: str) -> str:
            post_id = writing.add_post(store, ids[author], {"title": name, "campaign": campaigns[campaign], "created_by": ids[author]})
            writing.set_content(store, ids[author], post_id, now, copy=f"{name} copy")
            view = writing.submit(store, ids[author], post_id, now)
            assert view.round.round_id is not None
            row = store.conn.execute("SELECT post_round FROM task WHERE id = ?", (post_id,)).fetchone()
            team.rounds[post_id] = (view.round.round_id, json.loads(row[0])["hash"])
            return post_id

        for handle in ("ana", "raj", "gus"):
            team.posts.setdefault("by tmp", {})[handle] = post(f"by tmp for {handle}", "tmp", "launch")
            team.posts.setdefault("by raj", {})[handle] = post(f"by raj for {handle}", "raj", "launch")
            team.posts.setdefault("other", {})[handle] = post(f"other for {handle}", "tmp", "Other")
            team.posts.setdefault("two steps", {})[handle] = post(f"two for {handle}", "tmp", "Two steps")
            team.posts.setdefault("two steps, one done", {})[handle] = done = post(f"two done for {handle}", "tmp", "Two steps")
            writing.approve(store, ids[handle], done, now)
        team.posts["mia only"] = dict.fromkeys(("ana", "raj", "gus"), post("mia only", "tmp", "Mia only"))
        team.posts["raj only"] = dict.fromkeys(("ana", "raj", "gus"), post("raj only", "raj", "Raj only"))
        team.crisis = writing.start_crisis(store, ids["ana"], now, "A bad reply")
        team.ended_crisis = writing.start_crisis(store, ids["mia"], now, "Over")
        writing.end_crisis(store, ids["mia"], now, team.ended_crisis, "none")


def _verdict(t: Team, me: str, post: str, step: str = "review", verdict: str = "approve", digest: str | None = None) -> dict[str, Any]:
    post_id = t.posts[post][_handle(t, me)]
    round_id, current = t.rounds[post_id]
    return {
        "post": post_id,
        "round": round_id,
        "step": step,
        "hash": digest or current,
        "verdict": verdict,
        "note": "",
        "approved_by": me,
        "approved_at": "2026-11-20T09:30:00Z",
    }


def _crisis(me: str) -> dict[str, Any]:
    return {"reason": "Outage", "campaigns": [], "platforms": [], "started_by": me, "started_at": "2026-11-20T10:00:00Z"}


def _end(t: Team, me: str, crisis: str) -> dict[str, Any]:
    return {"crisis": crisis, "resume": "none", "ended_by": me, "ended_at": "2026-11-20T11:00:00Z"}


def _import_run(me: str, node: str, last: str = "1767225600000-0003") -> dict[str, object]:
    """A run of ``node``'s operations stamped ``1767225600000-0000`` to ``last`` (2026-01-01, before every write here)."""
    first, last = f"1767225600000-0000-{node}", f"{last}-{node}"
    return {"source": "trello:board", "first_op": first, "last_op": last, "scope": None, "imported_by": me}


#: ``(name, write(writer, team, me), expected rule per role)``; ``None`` is allowed.
Case = tuple[str, Callable[[Writer, Team, str], object], dict[str, str | None]]

CASES: list[Case] = [
    (
        "create a task",
        lambda w, t, me: w.create("task", {"title": "New", "created_by": me}),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "edit a task",
        lambda w, t, me: w.set("task", t.task, {"priority": "high"}),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "create a task as someone else",
        lambda w, t, me: w.create("task", {"title": "New", "created_by": t.ids["mia"]}),
        {"manager": "author_field", "member": "author_field", "guest": "guest_read_only"},
    ),
    (
        # An import's record of its run (``lastimport``): whoever may import writes it, as their own.
        "remember an import's run",
        lambda w, t, me: w.append("import_run", _import_run(me, w.store.node)),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "remember an import's run as someone else",
        lambda w, t, me: w.append("import_run", _import_run(t.ids["mia"], w.store.node)),
        {"manager": "author_field", "member": "author_field", "guest": "author_field"},
    ),
    (
        # A run claiming another replica's operations: a newer export imported anywhere would overwrite their edits.
        "remember an import's run of another node's operations",
        lambda w, t, me: w.append("import_run", _import_run(me, "0" * 16)),
        {"manager": "own_run", "member": "own_run", "guest": "guest_read_only"},
    ),
    (
        # ... or operations its node makes after it (on a shared file, the one node everyone writes under).
        "remember an import's run of operations not made yet",
        lambda w, t, me: w.append("import_run", _import_run(me, w.store.node, last="9999999999999-ffff")),
        {"manager": "own_run", "member": "own_run", "guest": "guest_read_only"},
    ),
    (
        "claim another's task as its maker",
        lambda w, t, me: w.set("task", t.posts["by tmp"][_handle(t, me)], {"created_by": me}),
        {"manager": "author_field", "member": "author_field", "guest": "guest_read_only"},
    ),
    (
        "a task with an escape sequence",
        lambda w, t, me: w.create("task", {"title": "A\x1b]52;c;cHduZWQ=\x07B"}),
        {"manager": "control_characters", "member": "control_characters", "guest": "control_characters"},
    ),
    (
        "a task due at the calendar's end",
        lambda w, t, me: w.set("task", t.task, {"due": {"utc": "9999-12-31T23:00:00Z", "tz": "UTC"}}),
        {"manager": "out_of_range", "member": "out_of_range", "guest": "guest_read_only"},
    ),
    (
        "spend dated in year 1",
        lambda w, t, me: w.append("ledger_entry", _entry(me, t.campaign, date="0001-01-01")),
        {"manager": "out_of_range", "member": "out_of_range", "guest": "guest_read_only"},
    ),
    (
        "a task without a title",
        lambda w, t, me: w.set("task", new_id(), {"priority": "high"}),
        {"manager": "incomplete_record", "member": "incomplete_record", "guest": "incomplete_record"},
    ),
    (
        "add spend",
        lambda w, t, me: w.append("ledger_entry", _entry(me, t.campaign)),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "add spend for a task of no campaign",
        lambda w, t, me: w.append("ledger_entry", _entry(me, t.campaign, task=t.task)),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "add spend for a task of another campaign",
        lambda w, t, me: w.append("ledger_entry", _entry(me, t.campaign, task=t.other_task)),
        {"manager": "task_campaign", "member": "task_campaign", "guest": "guest_read_only"},
    ),
    (
        "add spend entered by someone else",
        lambda w, t, me: w.append("ledger_entry", _entry(t.ids["mia"], t.campaign)),
        {"manager": "author_field", "member": "author_field", "guest": "author_field"},
    ),
    (
        "reverse one's own entry",
        lambda w, t, me: w.append("ledger_entry", _reversal(t, me, t.entry.get(_handle(t, me), t.entry["raj"]))),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "reverse another's entry",
        lambda w, t, me: w.append("ledger_entry", _reversal(t, me, t.spare["ana" if _handle(t, me) != "ana" else "raj"])),
        {"manager": None, "member": "own_entry_only", "guest": "guest_read_only"},
    ),
    (
        "reverse one's own reversal",
        lambda w, t, me: w.append(
            "ledger_entry", _entry(me, t.campaign, amount=4000, reverses=t.reversal.get(_handle(t, me), t.reversal["raj"]))
        ),
        {"manager": "reverses_reversal", "member": "reverses_reversal", "guest": "guest_read_only"},
    ),
    (
        "reverse one's own entry a second time",
        lambda w, t, me: w.append(
            "ledger_entry", _entry(me, t.campaign, amount=-4000, reverses=t.reversed.get(_handle(t, me), t.reversed["raj"]))
        ),
        {"manager": "reversed_once", "member": "reversed_once", "guest": "guest_read_only"},
    ),
    (
        "approve another's pending spend",
        lambda w, t, me: w.append(
            "approval",
            {"entry": t.pending["raj" if _handle(t, me) != "raj" else "ana"], "approved_by": me, "approved_at": "2026-11-26T09:00:00Z"},
        ),
        {"manager": None, "member": "managers_only", "guest": "guest_read_only"},
    ),
    (
        # The first append of an id wins: stamped earlier (a push's stamps are the replica's), it would replace the entry.
        "add spend under the id of an entry there is",
        lambda w, t, me: w.append("ledger_entry", _entry(me, t.campaign), row_id=t.spare["raj"]),
        {"manager": "added_once", "member": "added_once", "guest": "guest_read_only"},
    ),
    (
        "approve one's own pending spend",
        lambda w, t, me: w.append(
            "approval", {"entry": t.pending.get(_handle(t, me), t.pending["raj"]), "approved_by": me, "approved_at": "2026-11-26T09:00:00Z"}
        ),
        {"manager": "self_approval", "member": "managers_only", "guest": "guest_read_only"},
    ),
    (
        "approve in someone else's name",
        lambda w, t, me: w.append(
            "approval", {"entry": t.pending["raj"], "approved_by": t.ids["mia"], "approved_at": "2026-11-26T09:00:00Z"}
        ),
        {"manager": "author_field", "member": "author_field", "guest": "author_field"},
    ),
    (
        "set a budget",
        lambda w, t, me: w.set(
            "budget",
            budget_id(t.campaign, "ads", "run"),
            {"campaign": t.campaign, "category": "ads", "period": "run", "amount": 100, "currency": "EUR"},
        ),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "set a rate",
        lambda w, t, me: w.set(
            "rate", rate_id("2026-11-01", "USD", "EUR"), {"date": "2026-11-01", "base": "USD", "quote": "EUR", "rate": "0.9"}
        ),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "add a campaign",
        lambda w, t, me: w.create("campaign", {"name": f"C {new_id()[:6]}"}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "edit a campaign",
        lambda w, t, me: w.set("campaign", t.campaign, {"kpis": {"ctr": "1.2"}}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "change a workspace setting",
        lambda w, t, me: w.set("workspace", "workspace", {"name": "Renamed"}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "one's own name and zone",
        lambda w, t, me: w.set("member", me, {"name": "New Name", "tz": "Asia/Tokyo"}),
        {"manager": None, "member": None, "guest": None},
    ),
    (
        "one's own hours",
        lambda w, t, me: w.set("member", me, {"hours": {"mon": [["08:00", "12:00"]]}}),
        {"manager": None, "member": None, "guest": "own_profile_only"},
    ),
    (
        "one's own role",
        lambda w, t, me: w.set("member", me, {"role": "project manager"}),
        {"manager": None, "member": "own_profile_only", "guest": "own_profile_only"},
    ),
    (
        "one's own access",
        lambda w, t, me: w.set("member", me, {"access": "manager"}),
        {"manager": None, "member": "own_profile_only", "guest": "own_profile_only"},
    ),
    (
        "one's own Unix user",
        lambda w, t, me: w.set("member", me, {"unix_user": f"u{new_id()[:6]}"}),
        {"manager": None, "member": "own_profile_only", "guest": "own_profile_only"},
    ),
    (
        "one's own SSH keys",
        lambda w, t, me: w.set("member", me, {"ssh_keys": [ssh_key()]}),
        {"manager": None, "member": None, "guest": "own_profile_only"},
    ),
    (
        "another member's SSH keys",
        lambda w, t, me: w.set("member", t.ids["tmp"], {"ssh_keys": [ssh_key()]}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "claim an SSH key another member has",
        lambda w, t, me: w.set("member", me, {"ssh_keys": [ssh_key(), MIA_KEY.rsplit(" ", 1)[0] + " copied"]}),
        {"manager": "unique_ssh_key", "member": "unique_ssh_key", "guest": "own_profile_only"},
    ),
    (
        "another member's name",
        lambda w, t, me: w.set("member", t.ids["tmp"], {"name": "Renamed"}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "another member's role",
        lambda w, t, me: w.set("member", t.ids["tmp"], {"role": ""}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "add a member",
        lambda w, t, me: w.create("member", {"handle": f"n{new_id()[:6]}", "name": "New", "tz": "UTC"}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "add a member whose handle is taken",
        lambda w, t, me: w.create("member", {"handle": "raj", "name": "Raj Two", "tz": "UTC"}),
        {"manager": "unique_handle", "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "bring back a removed member whose handle was given again",
        lambda w, t, me: w.set("member", t.removed, {"deleted": False}),
        {"manager": "unique_handle", "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "add a post's results",
        lambda w, t, me: w.set("result", _post_result(t, "2026-11-20"), {**_post_key(t, "2026-11-20"), "impressions": 1200, "clicks": 14}),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "import a campaign's results on a platform",
        lambda w, t, me: w.set(
            "result",
            result_id("campaign", "2026-11-20", campaign=t.campaign, platform="meta"),
            {"kind": "campaign", "campaign": t.campaign, "platform": "meta", "day": "2026-11-20", "reach": 900, "source": "meta.csv:2"},
        ),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "count a platform's followers",
        lambda w, t, me: w.set(
            "result",
            result_id("followers", "2026-11-20", platform="meta"),
            {"kind": "followers", "platform": "meta", "day": "2026-11-20", "followers": 5000},
        ),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "a result on another day than its id's",
        lambda w, t, me: w.set("result", _post_result(t, "2026-11-20"), {"day": "2026-11-21"}),
        {"manager": "result_key", "member": "result_key", "guest": "guest_read_only"},
    ),
    (
        "followers on a post's result",
        lambda w, t, me: w.set("result", _post_result(t, "2026-11-20"), {"followers": 10}),
        {"manager": "result_key", "member": "result_key", "guest": "guest_read_only"},
    ),
    (
        "a result created with its numbers alone (its id gives its key)",
        lambda w, t, me: w.set("result", _post_result(t, "2026-11-22"), {"clicks": 1}),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "a result of a day out of range, named by its id alone",
        lambda w, t, me: w.set("result", _post_result(t, "9999-12-31"), {"clicks": 1}),
        {"manager": "out_of_range", "member": "out_of_range", "guest": "guest_read_only"},
    ),
    (
        "a second currency for a day's conversion value",
        lambda w, t, me: w.set("result", _post_result(t, "2026-11-19"), {"conversion_value": {"amount": 100, "currency": "USD"}}),
        {"manager": "one_currency", "member": "one_currency", "guest": "guest_read_only"},
    ),
    (
        "map a Unix user someone has",
        lambda w, t, me: w.set("member", t.ids["tmp"], {"unix_user": "mia-unix"}),
        {"manager": "unique_unix_user", "member": "managers_only", "guest": "managers_only"},
    ),
    # Posts: approvals nobody can skip, and crises.
    (
        "approve a post's step",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "by tmp")),
        {"manager": None, "member": None, "guest": None},
    ),
    (
        "request changes on a post",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "two steps", step="final", verdict="reject") | {"note": "Too long"}),
        {"manager": None, "member": None, "guest": None},
    ),
    (
        "approve a post raj wrote",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "by raj")),
        {"manager": None, "member": "round_author", "guest": None},
    ),
    (
        "approve a step that names mia",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "mia only", step="copy")),
        {"manager": "not_a_reviewer", "member": "not_a_reviewer", "guest": "not_a_reviewer"},
    ),
    (
        "approve a post of a campaign not the guest's",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "other")),
        {"manager": None, "member": None, "guest": "not_a_reviewer"},
    ),
    (
        "approve content that changed since",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "by tmp", digest="0" * 64)),
        {"manager": "stale_round", "member": "stale_round", "guest": "stale_round"},
    ),
    (
        "approve the second step first",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "two steps", step="final")),
        {"manager": "step_order", "member": "step_order", "guest": "step_order"},
    ),
    (
        "approve a second step of one round",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "two steps, one done", step="final")),
        {"manager": "one_step_per_round", "member": "one_step_per_round", "guest": "one_step_per_round"},
    ),
    (
        "approve in someone else's name",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "by tmp") | {"approved_by": t.ids["tmp"]}),
        {"manager": "author_field", "member": "author_field", "guest": "author_field"},
    ),
    # After the cases that read "two steps, one done" approved: a withdrawal opens its step again.
    (
        "withdraw one's own approval of a step",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "two steps, one done", verdict="withdraw")),
        {"manager": None, "member": None, "guest": None},
    ),
    (
        "withdraw an approval one never gave",
        lambda w, t, me: w.append("post_approval", _verdict(t, me, "two steps", verdict="withdraw")),
        {"manager": "not_withdrawable", "member": "not_withdrawable", "guest": "not_withdrawable"},
    ),
    (
        "set a campaign's approval chain",
        lambda w, t, me: w.set("campaign", t.campaign, {"approvals": [{"name": "legal", "member": None, "group": "legal"}]}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "give a member approval groups",
        lambda w, t, me: w.set("member", t.ids["tmp"], {"groups": ["legal"]}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "change the approval lead time",
        lambda w, t, me: w.set("workspace", "workspace", {"approval_lead_minutes": 90}),
        {"manager": None, "member": "managers_only", "guest": "managers_only"},
    ),
    (
        "approve spend a crisis froze",  # the plain entries are dated after the open crisis of add_posts started
        lambda w, t, me: w.append(
            "approval",
            {"entry": t.frozen if _handle(t, me) != "raj" else t.entry["ana"], "approved_by": me, "approved_at": "2026-11-26T09:00:00Z"},
        ),
        {"manager": None, "member": "managers_only", "guest": "guest_read_only"},
    ),
    (
        "start a crisis",
        lambda w, t, me: w.append("crisis", _crisis(me)),
        {"manager": None, "member": "managers_only", "guest": "guest_read_only"},
    ),
    (
        # Ending a crisis for one post: a manager's, as the end is (each role releases its own post).
        "release a post from an open crisis",
        lambda w, t, me: w.set("task", t.posts["by tmp"][_handle(t, me)], {"resumed_from": [t.crisis]}),
        {"manager": None, "member": "managers_only", "guest": "guest_read_only"},
    ),
    (
        "release a post from a crisis that ended",
        lambda w, t, me: w.set("task", t.posts["other"][_handle(t, me)], {"resumed_from": [t.ended_crisis]}),
        {"manager": None, "member": None, "guest": "guest_read_only"},
    ),
    (
        "end a crisis",
        lambda w, t, me: w.append("crisis_end", _end(t, me, t.crisis), row_id=crisis_end_id(t.crisis)),
        {"manager": None, "member": "managers_only", "guest": "guest_read_only"},
    ),
    (
        "end a crisis that ended",
        lambda w, t, me: w.append("crisis_end", _end(t, me, t.ended_crisis), row_id=crisis_end_id(t.ended_crisis)),
        {"manager": "crisis_ended", "member": "managers_only", "guest": "guest_read_only"},
    ),
    (
        "end a crisis that never was",
        lambda w, t, me: w.append("crisis_end", _end(t, me, "f" * 32), row_id=crisis_end_id("f" * 32)),
        {"manager": "unknown_crisis", "member": "managers_only", "guest": "guest_read_only"},
    ),
]


def _post_result(team: Team, day: str) -> str:
    return result_id("post", day, post=team.task)


def _post_key(team: Team, day: str) -> dict[str, Any]:
    return {"kind": "post", "post": team.task, "day": day}


def _handle(team: Team, member_id: str) -> str:
    return next(h for h, i in team.ids.items() if i == member_id)


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return copy_of_team("rules-team", _matrix_team, tmp_path)


def _matrix_team(directory: Path) -> Team:
    """``build_team`` with mia's Unix user and key, a post's results, a member removed whose handle is taken again, and posts."""
    t = build_team(directory)
    with Store(t.path) as store, store.write(t.ids["ana"]) as w:  # ana is the Unix user running the tests (init maps her)
        w.set("member", t.ids["mia"], {"unix_user": "mia-unix", "ssh_keys": [MIA_KEY]})
        w.set(
            "result", _post_result(t, "2026-11-19"), {**_post_key(t, "2026-11-19"), "conversion_value": {"amount": 4200, "currency": "EUR"}}
        )
    with Store(t.path) as store:
        with store.write(t.ids["ana"]) as w:
            t.removed = w.create("member", {"handle": "was", "name": "Was", "tz": "UTC"})
        with store.write(t.ids["ana"]) as w:
            w.delete("member", t.removed)
        with store.write(t.ids["ana"]) as w:
            w.create("member", {"handle": "was", "name": "Was Again", "tz": "UTC"})
    spend = ["ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta", "--amount", "50 EUR"]
    t.frozen = in_person("-w", str(t.path), "--as", "raj", *spend).strip()
    add_posts(t)
    return t


def _play_matrix(store: Store, team: Team) -> dict[tuple[str, str], str | None]:
    """Every case's write by every role on a shared file: the rule that refused it, or ``None``."""
    outcomes: dict[tuple[str, str], str | None] = {}
    for name, write, _expected in CASES:
        for role in ROLES:
            me = team.ids[PLAYER[role]]
            try:
                with store.write(me) as w:
                    write(w, team, me)
                outcomes[(name, role)] = None
            except Refused as exc:
                outcomes[(name, role)] = exc.refusal.rule
    return outcomes


def test_the_matrix_on_a_shared_file(team: Team) -> None:
    with Store(team.path) as store:
        outcomes = _play_matrix(store, team)
    assert outcomes == {(name, role): expected[role] for name, _, expected in CASES for role in ROLES}


def test_the_record_tables_say_which_entity_the_log_holds_each_id_as(team: Team) -> None:
    # Which records are here is read from the record tables (the log's index may be gone for a bulk write).
    with Store(team.path) as store:
        _play_matrix(store, team)
        in_log = dict(store.conn.execute("SELECT DISTINCT row_id, entity FROM ops").fetchall())
        assert set(in_log.values()) == set(ENTITIES)  # every kind of record, appended or set
        assert store.stored_entities([*in_log, new_id(), "budget:nothing"]) == in_log


@pytest.fixture(params=["file", "postgres"])
def served(request: pytest.FixtureRequest, team: Team) -> Iterator[Server]:
    if request.param == "file":
        server = Server([str(team.path)]).start()
    else:
        postgres: Postgres = request.getfixturevalue("postgres")
        url = postgres.database()
        crewdeck("publish", str(team.path), "--database", url)
        server = Server(["--database", url]).start()
    server.kind = request.param  # type: ignore[attr-defined]
    yield server
    assert server.stop() == ""  # no request failed on the server's side


def _replicas(team: Team, server: Server, tmp_path: Path) -> dict[str, tuple[Store, Client]]:
    """A joined replica per role (guests hold none: their token is refused; theirs is joined as raj, then bound to gus)."""
    out = {}
    database = getattr(server, "kind", "file") == "postgres"
    for role in ROLES:
        handle = PLAYER[role]
        where = ["--database", server.args[1], "--name", "team"] if database else ["--workspace", str(team.path), "--as", "ana"]
        # A guest's token is refused for a replica: gus's pushes go through a copy of raj's replica under gus's member.
        token = new_token(handle if role != "guest" else "raj", *where)
        path = tmp_path / f"{role}.db"
        crewdeck("join", server.url, "--token", token, str(path))
        store = Store(path)
        out[role] = (store, Client(server.url, token, "team"))
    return out


def test_the_matrix_on_the_servers(team: Team, served: Server, tmp_path: Path) -> None:
    replicas = _replicas(team, served, tmp_path)
    outcomes = {}
    try:
        for name, write, _expected in CASES:
            for role in ROLES:
                if role == "guest":
                    continue  # a guest holds no replica: see test_a_guest_token_holds_no_replica
                store, client = replicas[role]
                me = team.ids[PLAYER[role]]
                with store.write(me, judged=False) as w:  # a modified client: no rules of its own
                    write(w, team, me)
                pushed = push_all(store, client)
                stored, refused = pushed.stored, pushed.refused
                outcomes[(name, role)] = store.refused(reader=None)[0][1] if refused else None
                assert (stored == 0) if refused else (stored > 0), (name, role, stored, refused)
    finally:
        for store, client in replicas.values():
            store.close()
            client.close()
    assert outcomes == {(name, role): expected[role] for name, _, expected in CASES for role in ROLES if role != "guest"}


#: What raj is told of the post cases, each post named by its title (``add_posts``), as notices name it.
POST_REFUSALS = {
    "approve a post raj wrote": "@raj changed the content of “by raj for raj” in this round: another reviewer takes it (rule round_author)",
    "approve a step that names mia": "step 'copy' is not @raj's to take for “mia only” (rule not_a_reviewer)",
    "approve content that changed since": (
        "the content of “by tmp for raj” changed since it was submitted: it needs a new round (rule stale_round)"
    ),
    "approve the second step first": (
        "“two for raj”: steps go in order: step 1 of 2 (review) is still open; 'final' is not the next step (rule step_order)"
    ),
    "approve a second step of one round": "@raj approved a step of this round of “two done for raj” already (rule one_step_per_round)",
    # The command names the campaign as ``+campaign`` does, as the submit's warning does: it read "CAMPAIGN".
    "approve the post only its author may review": (
        "@raj changed the content of “raj only” in this round, and nobody else may take step 'copy': a manager changes the "
        'approval chain (crewdeck campaign set raj-only --approvals "…") (rule round_author)'
    ),
    "schedule a post in review": (
        "“by tmp for raj” cannot be scheduled: it is not approved in its current round "
        "(step 1 of 1 (review), group reviewers, still open) (rule not_publishable)"
    ),
}


def _post_writes() -> dict[str, Callable[[Writer, Team, str], object]]:
    """The writes ``POST_REFUSALS`` tells of, by their names."""
    writes = {name: write for name, write, _ in CASES if name in POST_REFUSALS}
    writes["approve the post only its author may review"] = lambda w, t, me: w.append(
        "post_approval", _verdict(t, me, "raj only", step="copy")
    )
    writes["schedule a post in review"] = lambda w, t, me: w.set("task", t.posts["by tmp"][_handle(t, me)], {"post_state": "scheduled"})
    return writes


def _said_on_a_file(store: Store, team: Team, me: str, write: Callable[[Writer, Team, str], object]) -> str:
    with pytest.raises(Refused) as refused, store.write(me) as w:
        write(w, team, me)
    return str(refused.value)


def test_a_refused_post_is_named_by_its_title_on_a_shared_file(team: Team) -> None:
    """Refusals said "post 1a2b3c4d ...": an id nobody reads, where every notice names the post by its title."""
    raj = team.ids["raj"]
    with Store(team.path) as store:
        said = {name: _said_on_a_file(store, team, raj, write) for name, write in _post_writes().items()}
    assert said == POST_REFUSALS
    # Untitled (as a pull may bring a post), it is named by its short id, as notices name it.
    untitled = team.posts["two steps"]["raj"]
    Forger(team.path).set("task", untitled, {"title": " "})
    with Store(team.path) as store:
        said_untitled = _said_on_a_file(store, team, raj, _post_writes()["approve the second step first"])
    assert said_untitled.startswith(f"post {untitled[:8]}: steps go in order: "), said_untitled


def test_a_refused_post_is_named_by_its_title_on_the_servers(team: Team, served: Server, tmp_path: Path) -> None:
    """The refusal a push gets back, which the member's replica shows: the post by its title, as on a shared file."""
    replicas = _replicas(team, served, tmp_path)
    store, client = replicas["member"]
    raj = team.ids["raj"]
    said = {}
    try:
        for name, write in _post_writes().items():
            with store.write(raj, judged=False) as w:  # a modified client: no rules of its own
                write(w, team, raj)
            assert push_all(store, client).refused == 1, name
            _, rule, message, _ = store.refused(reader=None)[0]
            said[name] = f"{message} (rule {rule})"
    finally:
        for each_store, each_client in replicas.values():
            each_store.close()
            each_client.close()
    assert said == POST_REFUSALS


def test_a_guest_token_holds_no_replica(team: Team, served: Server, tmp_path: Path) -> None:
    database = getattr(served, "kind", "file") == "postgres"
    where = ["--database", served.args[1], "--name", "team"] if database else ["--workspace", str(team.path), "--as", "ana"]
    with Store(team.path) as store:
        from crewdeck.sync.state import tokens

        if not database:
            with store.conn:
                _, token = tokens.create(store.conn, team.ids["gus"])
        else:
            from crewdeck.sync.server.pgstore import PgStore

            pg = PgStore.open(served.args[1])
            _, token = pg.create_token("team", team.ids["gus"])
            pg.close()
    assert "guest" in crewdeck_fails_text("join", served.url, "--token", token, str(tmp_path / "gus.db"))
    assert "guest" in crewdeck_fails_text("token", "create", "gus", *where)


def crewdeck_fails_text(*args: str) -> str:
    from .syncsupport import crewdeck_fails

    return crewdeck_fails(*args)


# ---------------------------------------------------------------- the reproductions of the issue


def test_a_member_cannot_forge_spend_and_its_approval_with_their_token(team: Team, tmp_path: Path) -> None:
    """kemi's token pushes a 5,000 EUR pending entry "entered" by herself and "approved" by ana: both refused."""
    server = Server([str(team.path)]).start()
    try:
        token = new_token("raj", "--workspace", str(team.path), "--as", "ana")
        crewdeck("join", server.url, "--token", token, str(tmp_path / "raj.db"))
        with Store(tmp_path / "raj.db") as store:
            client = Client(server.url, token, "team")
            with store.write(team.ids["raj"], judged=False) as w:
                entry = w.append("ledger_entry", _entry(team.ids["raj"], team.campaign, amount=500_000, needs_approval=True))
                w.append("approval", {"entry": entry, "approved_by": team.ids["ana"], "approved_at": "2026-11-26T09:00:00Z"})
            assert push_all(store, client) == Pushed(stored=1, refused=1)
            assert [r[1] for r in store.refused(reader=None)] == ["author_field"]
            client.close()
        report = crewdeck("-w", str(team.path), "--as", "ana", "ledger", "report", "--json")
        assert '"500000"' not in report and "5000.00" not in report.split('"pending"')[0]
        log = crewdeck("-w", str(tmp_path / "raj.db"), "log")
        assert "REFUSED: @raj approved 5,000.00 EUR to Meta (ads)" in log and "rule author_field" in log
        # Through `crewdeck sync`: what was refused is said, and the rest goes on.
        with Store(tmp_path / "raj.db") as store, store.write(team.ids["raj"], judged=False) as w:
            w.set(
                "budget",
                budget_id(team.campaign, "ads", "run"),
                {"campaign": team.campaign, "category": "ads", "period": "run", "amount": 100, "currency": "EUR"},
            )
            w.set("task", team.task, {"priority": "high"})
        out = crewdeck("-w", str(tmp_path / "raj.db"), "sync")
        assert out.startswith("pushed 1,") and "the server refused 1 edit made here" in out and "(rule managers_only)" in out
        assert "@raj set the ads budget of Launch for the run to 1.00 EUR: " in out  # the refused write in words, its amount as money
    finally:
        assert server.stop() == ""


def test_plain_commands_on_a_members_replica_cannot_make_them_a_manager(team: Team, tmp_path: Path) -> None:
    server = Server([str(team.path)]).start()
    try:
        token = new_token("raj", "--workspace", str(team.path), "--as", "ana")
        replica = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        for args in (
            ("member", "set", "ana", "--role", ""),
            ("member", "set", "raj", "--role", "project manager"),
            ("member", "set", "raj", "--access", "manager"),
            ("ledger", "approve", team.pending["ana"]),
        ):
            err = crewdeck_fails_text("-w", str(replica), *args)
            assert re.search(r"rule (managers_only|own_profile_only)|only a manager", err), err
        assert crewdeck("-w", str(replica), "sync").startswith("pushed 0,")
        members = crewdeck("-w", str(team.path), "--as", "ana", "member", "list", "--json")
        assert '"access": "member"' in members.split('"handle": "raj"')[1].split("}")[0]
    finally:
        assert server.stop() == ""


def test_spend_for_a_task_is_judged_against_the_campaign_the_same_batch_moves_it_to(team: Team) -> None:
    other = team.other_task
    with Store(team.path) as store:
        (campaign,) = store.conn.execute("SELECT campaign FROM task WHERE id = ?", (other,)).fetchone()
        with pytest.raises(Refused, match="rule task_campaign"), store.write(team.ids["raj"]) as w:
            w.set("task", team.task, {"campaign": campaign})
            w.append("ledger_entry", _entry(team.ids["raj"], team.campaign, task=team.task))
        with store.write(team.ids["raj"]) as w:  # moved into the entry's campaign: its spend is
            w.set("task", other, {"campaign": team.campaign})
            w.append("ledger_entry", _entry(team.ids["raj"], team.campaign, task=other))
        assert store.conn.execute("SELECT count(*) FROM ledger_entry WHERE task = ?", (other,)).fetchone() == (1,)


def test_an_entry_is_reversed_once_and_a_reversal_never_even_within_one_batch(team: Team) -> None:
    raj = team.ids["raj"]
    with Store(team.path) as store:
        with pytest.raises(Refused) as refused, store.write(raj) as w:
            w.append("ledger_entry", _reversal(team, raj, team.spare["raj"]))
            w.append("ledger_entry", _reversal(team, raj, team.spare["raj"]))
        assert refused.value.refusal.rule == "reversed_once"
        assert str(refused.value).startswith(f"entry {team.spare['raj'][:8]} is already reversed by ")
        with pytest.raises(Refused) as refused, store.write(raj) as w:
            entry = w.append("ledger_entry", _entry(raj, team.campaign))
            reversal = w.append("ledger_entry", _entry(raj, team.campaign, amount=-500, reverses=entry))
            w.append("ledger_entry", _entry(raj, team.campaign, amount=500, reverses=reversal))
        assert str(refused.value) == (
            f"entry {reversal[:8]} is itself a reversal (of {entry[:8]}); to count that spend again, add it anew (rule reverses_reversal)"
        )
        assert store.conn.execute("SELECT count(*) FROM ledger_entry WHERE reverses = ?", (team.spare["raj"],)).fetchone() == (0,)


def test_two_replicas_reversing_one_entry_make_one_reversal_and_the_second_is_told(team: Team, tmp_path: Path) -> None:
    server = Server([str(team.path)]).start()
    try:
        replicas = {}
        for handle in ("ana", "mia"):
            token = new_token(handle, "--workspace", str(team.path), "--as", "ana")
            replicas[handle] = str(tmp_path / f"{handle}.db")
            crewdeck("join", server.url, "--token", token, replicas[handle])
        entry = team.spare["raj"]
        reversal = crewdeck("-w", replicas["ana"], "ledger", "reverse", entry, "--memo", "booked twice").strip()
        assert crewdeck("-w", replicas["mia"], "ledger", "reverse", entry, "--memo", "wrong campaign").strip() == reversal
        assert crewdeck("-w", replicas["ana"], "sync").startswith("pushed 1,")
        out = crewdeck("-w", replicas["mia"], "sync")
        assert (
            "the server refused 1 edit made here" in out
            and f"entry {entry[:8]} is already reversed by {reversal[:8]} (rule reversed_once)" in out
        )
        listed = json.loads(crewdeck("-w", replicas["mia"], "ledger", "list", "is:reversal", "--json"))
        assert [(r["id"], r["memo"]) for r in listed if r["reverses"] == entry] == [
            (reversal, f"reverses {entry[:8]} (30.00 EUR): booked twice")
        ]
    finally:
        assert server.stop() == ""


def test_handles_and_unix_users_stay_unique_and_a_member_cannot_take_anothers_unix_user(team: Team) -> None:
    assert "unique_handle" in crewdeck_fails_text("-w", str(team.path), "--as", "ana", "member", "set", "tmp", "--handle", "raj")
    assert "already belongs to @mia" in crewdeck_fails_text(
        "-w", str(team.path), "--as", "ana", "member", "set", "tmp", "--unix-user", "mia-unix"
    )
    # kemi (a member) pushing raj's unix_user = root is another member's record.
    with Store(team.path) as store, pytest.raises(Refused) as refused, store.write(team.ids["raj"]) as w:
        w.set("member", team.ids["tmp"], {"unix_user": "root"})
    assert refused.value.refusal.rule == "managers_only"


def test_the_last_manager_cannot_give_up_the_role(team: Team) -> None:
    crewdeck("-w", str(team.path), "--as", "ana", "member", "set", "mia", "--access", "member")
    err = crewdeck_fails_text("-w", str(team.path), "--as", "ana", "member", "set", "ana", "--access", "member")
    assert "last manager" in err and "rule last_manager" in err
    assert "rule last_manager" in crewdeck_fails_text("-w", str(team.path), "--as", "ana", "member", "rm", "ana", "--unassign")


def test_removing_a_member_revokes_their_tokens_in_the_same_transaction_and_their_next_sync_is_told(team: Team, tmp_path: Path) -> None:
    server = Server([str(team.path)]).start()
    try:
        token = new_token("raj", "--workspace", str(team.path), "--as", "ana")
        replica = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        crewdeck("-w", str(replica), "add", "Made offline, never sent")
        with Store(team.path) as store:
            store.conn.execute(
                "CREATE TEMP TRIGGER seen AFTER UPDATE OF revoked_at ON sync_token BEGIN "
                "SELECT CASE WHEN (SELECT deleted FROM member WHERE id = NEW.member) = 0 "
                "THEN RAISE(ABORT, 'revoked before the removal') END; END"
            )
            with store.write(team.ids["ana"]) as w:
                w.delete("member", team.ids["raj"])
            live = store.conn.execute(
                "SELECT count(*) FROM sync_token WHERE member = ? AND revoked_at IS NULL", (team.ids["raj"],)
            ).fetchone()[0]
        assert live == 0
        err = crewdeck_fails_text("-w", str(replica), "sync")
        assert "you were removed from this workspace" in err and "never sent" in err
        answer = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert (answer.status_code, answer.json()["error"], answer.json()["rule"]) == (403, "member_removed", "member_removed")
        assert "Made offline, never sent" in crewdeck("-w", str(replica), "tasks")
        assert "(never sent: you were removed)" in crewdeck("-w", str(replica), "log")
    finally:
        assert server.stop() == ""


def test_acting_as_another_member_needs_a_manager_and_the_log_says_who(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    from crewdeck.tui.workspace import workspace

    task = crewdeck("-w", str(team.path), "--as", "raj", "add", "Made by ana for raj").strip()
    assert "@ana as @raj added “Made by ana for raj”" in crewdeck("-w", str(team.path), "log", task[:8])
    crewdeck("-w", str(team.path), "--as", "ana", "member", "set", "raj", "--unix-user", "raj-unix")
    monkeypatch.setattr(workspace, "os_user", lambda: "raj-unix")
    refused = crewdeck_fails_text("-w", str(team.path), "--as", "ana", "add", "x")
    assert "you are @raj on this host" in refused and refused.rstrip().endswith("(rule managers_only)"), refused


def test_on_a_shared_host_a_member_is_their_unix_account_whatever_logname_and_user_say(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """A member read who they were from LOGNAME and USER (``getpass``): set to another's account, they wrote as that
    member, a manager included, with nothing in the log saying who really did."""
    where = ["-w", str(team.path)]
    crewdeck(*where, "member", "set", "raj", "--unix-user", "raj-unix")
    monkeypatch.setenv("LOGNAME", "raj-unix")
    monkeypatch.setenv("USER", "raj-unix")
    task = crewdeck(*where, "add", "Who made this").strip()
    assert "@ana added “Who made this”" in crewdeck(*where, "log", task[:8])
    acted = crewdeck(*where, "--as", "raj", "add", "Made for raj").strip()
    assert "@ana as @raj added “Made for raj”" in crewdeck(*where, "log", acted[:8])


def test_the_unix_account_of_a_removed_member_acts_as_no_one(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """Removed, raj's account was mapped to no member, and so named with ``--as`` any member mapped to no account: a
    manager's writes, made by someone the workspace removed."""
    from crewdeck.tui.workspace import workspace

    where = ["-w", str(team.path)]
    crewdeck(*where, "member", "add", "boss", "--name", "Boss", "--tz", "UTC", "--access", "manager")
    crewdeck(*where, "member", "set", "raj", "--unix-user", "raj-unix")
    crewdeck(*where, "member", "rm", "raj", "--reassign", "ana")
    monkeypatch.setattr(workspace, "os_user", lambda: "raj-unix")
    with Store(team.path) as store:
        before = store.conn.execute("SELECT count(*) FROM ops").fetchone()[0]
    refused = crewdeck_fails_text(*where, "--as", "boss", "add", "Made by raj as boss")
    assert refused.strip() == (
        "crewdeck: error: the Unix user 'raj-unix' is @raj's, who was removed from this workspace: it acts as no member here "
        "(@boss included)"
    ), refused
    with Store(team.path) as store:
        assert store.conn.execute("SELECT count(*) FROM ops").fetchone()[0] == before
    # An account no member ever had still names a member mapped to none, as the docs say.
    monkeypatch.setattr(workspace, "os_user", lambda: "someone-new")
    task = crewdeck(*where, "--as", "boss", "add", "Made as boss").strip()
    assert "@boss added “Made as boss”" in crewdeck(*where, "log", task[:8])


def test_a_manager_acting_as_another_is_still_who_they_are_to_the_rules_of_approval(team: Team) -> None:
    """ana approved her own pending spend as mia (``--as mia ledger approve``), took a second step of a post's round as
    raj, and reviewed as raj a round whose content she wrote: nobody approves their own entry, one person takes one
    step, no author reviews, whoever they act as."""
    where = ["-w", str(team.path)]

    def approvals() -> int:
        with Store(team.path) as store:
            counts = [store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("approval", "post_approval")]
        return int(sum(counts))

    refused = crewdeck_fails_text(*where, "--as", "mia", "ledger", "approve", team.pending["ana"])
    assert refused.strip().endswith(
        f"@ana entered {team.pending['ana'][:8]}: acting as @mia, another manager must approve it (rule self_approval)"
    ), refused
    two_steps = team.posts["two steps"]["ana"]
    crewdeck(*where, "post", "approve", two_steps[:8])  # step 1, as herself
    before = approvals()
    refused = crewdeck_fails_text(*where, "--as", "raj", "post", "approve", two_steps[:8])
    assert "@ana (acting as @raj) approved a step of this round of “two for ana” already (rule one_step_per_round)" in refused, refused
    assert approvals() == before
    written = team.posts["by tmp"]["raj"]
    crewdeck(*where, "post", "copy", written[:8], "Ana's words")
    crewdeck(*where, "post", "submit", written[:8])
    refused = crewdeck_fails_text(*where, "--as", "raj", "post", "approve", written[:8])
    assert "@ana (acting as @raj) changed the content of “by tmp for raj” in this round: another reviewer takes it (rule round_author)" in (
        refused
    ), refused
    assert approvals() == before
    # Acting as raj on a round she neither wrote nor approved a step of, ana approves as raj would.
    crewdeck(*where, "--as", "raj", "post", "approve", team.posts["by tmp"]["ana"][:8])
    assert approvals() == before + 1
    # Her approval of step 1 withdrawn, she took no step of the round any more: as raj, she approves it as raj would
    # (it was refused "already approved a step", the withdrawn approval counted).
    crewdeck(*where, "post", "withdraw", two_steps[:8])
    crewdeck(*where, "--as", "raj", "post", "approve", two_steps[:8])
    assert approvals() == before + 3


def test_a_file_from_before_the_rules_gives_its_creator_and_project_managers_manager_access(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    for handle, role in (("raj", "designer"), ("pm", "Project Manager")):
        crewdeck("-w", str(path), "--as", "ana", "member", "add", handle, "--name", handle, "--tz", "UTC", "--role", role)
    with Store(path) as store:  # back to schema 7: no access column, nothing granted
        store.conn.execute("DELETE FROM ops WHERE field = 'access'")
        store.conn.execute("ALTER TABLE member DROP COLUMN access")
        store.conn.execute("DROP TABLE refused_ops")
        store.conn.execute("DROP TABLE acting")
        store.conn.execute("PRAGMA user_version = 7")
    with Store(path) as store:
        access = dict(store.conn.execute("SELECT handle, access FROM member"))
        granted = store.conn.execute("SELECT count(*) FROM ops WHERE field = 'access'").fetchone()[0]
    assert access == {"ana": "manager", "raj": "member", "pm": "manager"} and granted == 3
    with Store(path) as store:  # once only
        assert store.conn.execute("SELECT count(*) FROM ops WHERE field = 'access'").fetchone()[0] == 3


def _made_by_the_apps_first_start_before_it_made_a_manager(path: Path, *, replica: bool = False) -> str:
    """A workspace as the app's first start made it until migration 24: its one member a plain member."""
    member = new_id()
    with Store.fresh(path) as store, store.write(member) as w:
        w.set("workspace", "workspace", {"name": "My workspace", "base_currency": "EUR"})
        me = pwd.getpwuid(os.getuid()).pw_name
        w.create("member", {"handle": "noor", "name": "noor", "tz": "UTC", "unix_user": me, "access": "member"}, row_id=member)
    with Store(path) as store:
        if replica:
            store.set_meta("remote.url", "http://127.0.0.1:9/")
        store.conn.execute(f"PRAGMA user_version = {len(schema.MIGRATIONS) - 1}")
    return member


def test_the_one_member_of_a_workspace_the_app_made_without_a_manager_is_made_its_manager_once(tmp_path: Path) -> None:
    path = tmp_path / "first-run.db"
    _made_by_the_apps_first_start_before_it_made_a_manager(path)
    with Store(path) as store:
        assert store.conn.execute("SELECT handle, access FROM member").fetchall() == [("noor", "manager")]
    crewdeck("-w", str(path), "campaign", "add", "Summer Drop")  # refused to a plain member
    with Store(path) as store:  # once only, and not again after a write
        assert store.conn.execute("SELECT count(*) FROM ops WHERE field = 'access'").fetchone() == (2,)
        assert store.get_meta(schema.MANAGERLESS) is None


def test_a_replica_of_a_workspace_with_no_manager_is_not_made_one_by_itself(tmp_path: Path) -> None:
    # Its server judges every write: a manager made here would be refused there, and the replica's own rules would
    # let its member do what the team's do not.
    path = tmp_path / "replica.db"
    _made_by_the_apps_first_start_before_it_made_a_manager(path, replica=True)
    with Store(path) as store:
        assert store.conn.execute("SELECT handle, access FROM member").fetchall() == [("noor", "member")]
        assert store.get_meta(schema.MANAGERLESS) is None


# ---------------------------------------------------------------- the README keeps a copy of the table


def test_the_readme_has_the_roles_table_the_rules_enforce() -> None:
    def table(text: str) -> list[list[str]]:
        start = text.index("| operation | manager | member | guest")
        rows = []
        for line in text[start:].splitlines():
            if not line.startswith("|"):
                break
            cells = [re.sub(r"\s+", " ", cell.strip()) for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= set("-: ") for cell in cells):
                rows.append(cells)
        return rows

    readme = (ROOT / "README.md").read_text()
    assert table(readme) == [list(row) for row in TABLE]
    design = ROOT.parent / "shared" / "DESIGN.md"
    if design.exists():  # the design's table, where the design lies next to the checkout
        assert table(design.read_text()) == [list(row) for row in TABLE]
    for rule, _meaning in RULES.items():
        assert f"`{rule}`" in readme, rule


def test_the_readme_says_each_rule_in_the_rules_own_words() -> None:
    """The README's list of rules is a copy of ``RULES``: a meaning reworded in one (a result's key fields need not be
    given, the id gives them) is reworded in the other."""
    readme = (ROOT / "README.md").read_text()
    said = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", readme, flags=re.MULTILINE))
    assert {rule: said.get(rule) for rule in RULES} == RULES
    assert "need not be given" in RULES["result_key"]


def test_only_a_manager_adds_a_member_and_the_rules_say_so_for_every_way_in() -> None:
    # Imports bring the members a file names: they ask this, not a member's access of their own.
    def facts(access: str) -> MemberFacts:
        return MemberFacts("a" * 32, "bo", access, None, False)

    assert member_add_refused(facts("manager")) is None
    for access in ("member", "guest"):
        refusal = member_add_refused(facts(access))
        assert refusal is not None and refusal.rule == "managers_only"
        assert refusal.message == f"only a manager may add members (@bo is a {access})"


def test_only_a_manager_handles_members_ways_in_and_acts_as_another_and_the_rules_say_so() -> None:
    def facts(access: str) -> MemberFacts:
        return MemberFacts("a" * 32, "bo", access, None, False)

    assert ways_in_refused(facts("manager"), "makes sign-in links") is None and acting_as_refused(facts("manager")) is None
    for access in ("member", "guest"):
        ways_in = ways_in_refused(facts(access), "makes sign-in links")
        acting = acting_as_refused(facts(access))
        assert ways_in is not None and acting is not None and {ways_in.rule, acting.rule} == {"managers_only"}
        assert ways_in.message == f"only a manager makes sign-in links (@bo is a {access})"
        assert acting.message == f"only a manager may act as another member (@bo is a {access})"


@pytest.mark.parametrize("handle", ["raj", "gus"])
def test_tokens_and_sign_in_links_are_refused_to_a_member_and_a_guest_by_the_rules(team: Team, handle: str) -> None:
    me = ["-w", str(team.path), "--as", handle]
    for args, doing in (
        (["token", "create", "mia"], "creates and revokes tokens"),
        (["token", "revoke", "0123abcd"], "creates and revokes tokens"),
        (["web", "link", "@mia", "--expires", "7d"], "makes sign-in links"),
        (["web", "links"], "lists sign-in links"),
        (["web", "unlink", "0123abcd"], "revokes sign-in links"),
    ):
        access = "guest" if handle == "gus" else "member"
        refused = crewdeck_fails_text(*me, *args)
        assert f"only a manager {doing} (@{handle} is a {access}) (rule managers_only)" in refused, (args, refused)


def test_a_guest_alone_holds_no_replica_and_runs_no_commands_over_ssh_and_the_rules_say_so() -> None:
    # The server (a guest's token on the replication endpoints), token create and the SSH session ask these.
    def facts(access: str) -> MemberFacts:
        return MemberFacts("a" * 32, "bo", access, None, False)

    for access in ("manager", "member"):
        assert replica_refused(facts(access)) is None and commands_refused(facts(access)) is None
    replica, commands = replica_refused(facts("guest")), commands_refused(facts("guest"))
    assert replica is not None and commands is not None and {replica.rule, commands.rule} == {"guest_read_only"}
    assert str(replica) == (
        "a guest's token holds no replica: a guest signs in to crewdeck web with a link a manager makes "
        "(crewdeck web link @H; a workspace in PostgreSQL is served by crewdeck web COPY --database URL --name W) (rule guest_read_only)"
    )
    assert commands.message.startswith("@bo is a guest: over SSH a guest has the app only (ssh -t)")


def _refused_rule(store: Store, me: str, write: Callable[[Writer], object]) -> str | None:
    try:
        with store.write(me) as w:
            write(w)
    except Refused as exc:
        return exc.refusal.rule
    return None


def test_a_local_write_moves_a_post_out_only_approved_in_its_round_and_released_from_a_crisis(team: Team) -> None:
    """The shared-file way in (the CLI's, the app's ``Store.write``): the same rule as a push."""
    raj, post = team.ids["raj"], team.posts["by tmp"]["raj"]
    with Store(team.path) as store:
        for state in ("scheduled", "published"):
            assert _refused_rule(store, raj, lambda w, state=state: w.set("task", post, {"post_state": state})) == "not_publishable"
        # Approved in the same batch: the open crisis holds it (every campaign; the post has no slot before its start).
        verdict = _verdict(team, raj, "by tmp")

        def approve_and_publish(w: Writer) -> None:
            w.append("post_approval", verdict)
            w.set("task", post, {"post_state": "published"})

        assert _refused_rule(store, raj, approve_and_publish) == "not_publishable"
        assert _refused_rule(store, raj, lambda w: w.append("post_approval", verdict)) is None
        assert _refused_rule(store, team.ids["ana"], lambda w: w.set("task", post, {"resumed_from": [team.crisis]})) is None
        # Approved and released: content changed in the batch that moves it is content nobody approved.
        assert _refused_rule(store, raj, lambda w: w.set("task", post, {"copy": "other", "post_state": "published"})) == "not_publishable"
        # The write's state first: the same (the move reads the content as its write leaves it, its copy after it too).
        assert _refused_rule(store, raj, lambda w: w.set("task", post, {"post_state": "published", "copy": "other"})) == "not_publishable"
        assert _refused_rule(store, raj, lambda w: w.set("task", post, {"post_state": "scheduled"})) is None
        assert _refused_rule(store, raj, lambda w: w.set("task", post, {"post_state": "published"})) is None
        # An import records a post that went out before crewdeck as a new record: history, not a move.
        new = {"title": "Went out", "campaign": team.campaign, "post_state": "published", "created_by": raj}
        assert _refused_rule(store, raj, lambda w: w.create("task", new)) is None
        assert store.conn.execute("SELECT post_state FROM task WHERE id = ?", (post,)).fetchone() == ("published",)
        # Its publish taken back and its copy changed in one write, the copy first: as with the state first.
        assert _refused_rule(store, raj, lambda w: w.set("task", post, {"copy": "Fixed", "post_state": "draft"})) is None
        assert store.conn.execute("SELECT post_state, copy FROM task WHERE id = ?", (post,)).fetchone() == ("draft", "Fixed")


def test_a_task_is_assigned_to_no_guest_from_the_command_line(tmp_path: Path) -> None:
    """`set ID assignee=@guest` and quick-add's `@guest` assigned a task to someone who sees no tasks."""
    team = build_team(tmp_path)
    raj = ["-w", str(team.path), "--as", "raj"]
    line = "task.assignee: @gus is a guest: guests see no tasks, so no task is assigned to them (rule guest_assignee)"
    before = crewdeck(*raj, "export")
    for args in (("set", team.task, "assignee=@gus"), ("add", "Approve the visuals @gus")):
        err = crewdeck_fails_text(*raj, *args)
        assert line in err and err.count("\n") == 1, err
    assert crewdeck(*raj, "export") == before
    crewdeck(*raj, "set", team.task, "assignee=@mia")  # a member or a manager still takes it


def test_the_codes_that_refuse_for_a_role_are_one_copy_the_app_and_the_command_line_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # The app's keys (role_keys) and the command line's "crewdeck ledger approve" (approves_spend) each kept the codes.
    from crewdeck.sync.state import rules
    from crewdeck.tui.app import role_keys
    from crewdeck.tui.posts.frozen import approves_spend

    assert role_keys.ROLE_RULES is rules.ROLE_RULES
    assert set(rules.ROLE_RULES) <= set(rules.RULES)
    member = MemberFacts("a" * 32, "bo", "member", None, False)
    assert not approves_spend(member)
    monkeypatch.setattr(rules, "ROLE_RULES", frozenset())  # no rule refuses for a role: the refusal is then the entry's
    assert approves_spend(member)
