"""A hostile member's pushes, sent as a modified client would: raw operations to a real server.

The team of ``test_rules`` (ana and mia managers, raj a member, gus a
guest) with its posts; raj's token pushes operations his replica would
never make: stamps from the past, ids of records that exist.  The server
judges each against its own state (a served file, and PostgreSQL) and
refuses what the rules table does not allow, with a rule code, storing
nothing of it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewdeck.sync.state.clock import Stamp, wall_ms
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.postround import content_hash
from crewdeck.sync.state.records import budget_id, crisis_end_id, rate_id, result_id
from crewdeck.sync.state.rules import JUDGED_AGAIN_AT_MOST, Refused
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing

from .conftest import NOW
from .forged import Forger
from .postsupport import add_posts as add_spring_posts
from .postsupport import ids, team_workspace
from .syncsupport import ServedDatabase, ServedFiles, Server, crewdeck, listing, new_token
from .test_rules import Team, _crisis, _end, _entry, _reversal, _verdict, add_posts, build_team, copy_of_team, crewdeck_fails_text

#: The hostile replica's node (any node no store has made).
NODE = "abcdef0123456789"
#: A stamp from long ago: an operation made offline then would win every "first append" of its id.
LONG_AGO_MS = 1_000_000


class Hostile:
    """Raw pushes under one member's token, numbered as one node's."""

    def __init__(self, server: Server, token: str, member: str, where: list[str], node: str = NODE, workspace: str = "team") -> None:
        self.http = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})
        self.server = server
        self.member = member
        #: How ``new_token`` finds the served workspace (another member's token joins it so).
        self.where = where
        #: The workspace's name in the server's URLs.
        self.workspace = workspace
        self.node = node
        self.seq = 0

    def push(self, *ops: tuple[str, str, str, str, Any], ms: int | None = None) -> dict[str, Any]:
        return self.push_stamped(*((ms, *op) for op in ops))

    def push_stamped(self, *ops: tuple[int | None, str, str, str, str, Any]) -> dict[str, Any]:
        """A push of operations each stamped at its own wall time (``None``: now)."""
        wire = []
        for ms, *op in ops:
            self.seq += 1
            wire.append(self._wire(self.node, self.seq, wall_ms() if ms is None else ms, *op))
        return self._push(wire)

    def push_from_nodes(self, *ops: tuple[str, int, str, str, str, str, Any]) -> dict[str, Any]:
        """One push of operations from several new nodes of this member, each ``(node, wall ms, kind, entity, row_id,
        field, value)``, each node's numbered from 1 in the order given."""
        seqs: dict[str, int] = {}
        wire = []
        for node, ms, *op in ops:
            seqs[node] = seqs.get(node, 0) + 1
            wire.append(self._wire(node, seqs[node], ms, *op))
        return self._push(wire)

    def _wire(self, node: str, seq: int, ms: int, kind: str, entity: str, row_id: str, field: str, value: Any) -> dict[str, Any]:
        return {
            "op_id": str(Stamp(ms, seq, node)),
            "node": node,
            "node_seq": seq,
            "member": self.member,
            "kind": kind,
            "entity": entity,
            "row_id": row_id,
            "field": field,
            "value": value,
        }

    def _push(self, wire: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.http.post(f"/v1/w/{self.workspace}/push", json={"ops": wire})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return copy_of_team("hostile-team", _team_with_posts, tmp_path)


def _team_with_posts(directory: Path) -> Team:
    t = build_team(directory)
    add_posts(t)
    return t


@pytest.fixture(params=["file", "postgres"])
def raj(request: pytest.FixtureRequest, team: Team) -> Iterator[Hostile]:
    yield from _served(request, team)


def _served(request: pytest.FixtureRequest, team: Team) -> Iterator[Hostile]:
    """raj's raw pushes to the team's file, or to it published to PostgreSQL, served under a name of its own by the
    module's server over such files (``served_files``) or over that database (``served_database``)."""
    if request.param == "file":
        files: ServedFiles = request.getfixturevalue("served_files")
        served = files.serve(team.path)
        where = ["--workspace", str(team.path), "--as", "ana"]
        hostile = Hostile(files.server, new_token("raj", *where), team.ids["raj"], where, workspace=served)
        yield hostile
        hostile.http.close()
        assert files.unserve(served) == ""  # no request of this test failed on the server's side
        return
    database: ServedDatabase = request.getfixturevalue("served_database")
    name = database.new_name()
    crewdeck("publish", str(team.path), "--database", database.url, "--name", name)
    where = ["--database", database.url, "--name", name]
    hostile = Hostile(database.server, new_token("raj", *where), team.ids["raj"], where, workspace=name)
    yield hostile
    hostile.http.close()
    assert database.said() == ""  # no request of this test failed on the server's side


def _ana(team: Team, hostile: Hostile) -> Hostile:
    """ana (a manager) pushing raw operations to ``hostile``'s server, from a node of her own."""
    return Hostile(
        hostile.server,
        new_token("ana", *hostile.where),
        team.ids["ana"],
        hostile.where,
        node="0123456789abcdef",
        workspace=hostile.workspace,
    )


def _pulled(hostile: Hostile, row_id: str) -> list[dict[str, Any]]:
    """The server's stored operations on ``row_id``, as a replica pulls them."""
    response = hostile.http.get(f"/v1/w/{hostile.workspace}/ops", params={"after": 0, "limit": 10_000})
    assert response.status_code == 200
    ops: list[dict[str, Any]] = response.json()["ops"]
    return [op for op in ops if op["row_id"] == row_id]


def _refused(answer: dict[str, Any]) -> list[str]:
    assert answer["stored"] == 0, answer
    return [r["rule"] for r in answer["refused"]]


def test_an_entry_added_under_the_id_of_one_that_exists_is_refused_and_never_replaces_it(team: Team, raj: Hostile) -> None:
    """Appends are insert-if-absent, the earliest stamp winning: one stamped long ago would replace the entry."""
    ana_entry = team.entry["ana"]
    before = _pulled(raj, ana_entry)
    forged = _entry(team.ids["raj"], team.campaign, amount=1)
    answer = raj.push(("append", "ledger_entry", ana_entry, "*", forged), ms=LONG_AGO_MS)
    assert _refused(answer) == ["added_once"]
    assert answer["refused"][0]["message"] == f"ledger_entry {ana_entry[:8]} exists already: a ledger_entry is added once, never changed"
    assert _pulled(raj, ana_entry) == before
    # His own pending spend, made to need no approval: the same.
    answer = raj.push(("append", "ledger_entry", team.pending["raj"], "*", _entry(team.ids["raj"], team.campaign)), ms=LONG_AGO_MS)
    assert _refused(answer) == ["added_once"]


def test_one_id_added_twice_in_a_batch_keeps_the_first_and_refuses_the_second(team: Team, raj: Hostile) -> None:
    entry = new_id()
    me = team.ids["raj"]
    answer = raj.push(
        ("append", "ledger_entry", entry, "*", _entry(me, team.campaign, amount=700)),
        ("append", "ledger_entry", entry, "*", _entry(me, team.campaign, amount=1)),
    )
    assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["added_once"]
    assert [op["value"]["amount"] for op in _pulled(raj, entry)] == [700]


def test_a_verdict_under_the_id_of_anothers_is_refused(team: Team, raj: Hostile) -> None:
    """ana's approval of the first step of a two-step post, replaced by raj's of the second: the chain would be skipped."""
    post = team.posts["two steps, one done"]["ana"]
    with Store(team.path) as store:
        (ana_verdict,) = store.conn.execute("SELECT id FROM post_approval WHERE post = ?", (post,)).fetchone()
    record = _verdict(team, team.ids["raj"], "two steps, one done", step="final") | {"post": post}
    record["round"], record["hash"] = team.rounds[post]
    answer = raj.push(("append", "post_approval", ana_verdict, "*", record), ms=LONG_AGO_MS)
    assert _refused(answer) == ["added_once"]
    # Under an id of its own, the same verdict is his to give: the second step, after ana's first.
    assert raj.push(("append", "post_approval", new_id(), "*", record))["stored"] == 1


def test_the_author_of_a_posts_content_cannot_approve_it_after_submitting_it_again_unchanged(team: Team, raj: Hostile) -> None:
    """raj wrote the post (round 1); a second round of the same content is still one he may not review."""
    post = team.posts["by raj"]["raj"]
    digest = team.rounds[post][1]
    with Store(team.path) as store:
        (campaign,) = store.conn.execute("SELECT campaign FROM task WHERE id = ?", (post,)).fetchone()
    again = {"id": new_id(), "hash": digest, "at": "2026-11-20T09:10:00Z", "campaign": campaign, "platform": None}
    assert raj.push(("set", "task", post, "post_round", again))["stored"] == 1
    record = _verdict(team, team.ids["raj"], "by raj") | {"round": again["id"]}
    answer = raj.push(("append", "post_approval", new_id(), "*", record))
    assert _refused(answer) == ["round_author"]


@pytest.mark.parametrize(
    "changed",
    [
        # Counted when the pending entry is approved: a manager approving 20 EUR "reversed" would approve 5,020.
        {"amount": 500_000},
        {"amount": -1},
        {"campaign": "0" * 32},
        {"needs_approval": False},  # counted at once, before any manager approves the entry
        {"currency": "USD"},
        {"date": "2026-01-01"},
    ],
    ids=lambda changed: next(iter(changed)),
)
def test_a_reversal_that_is_not_its_entrys_mirror_is_refused(team: Team, raj: Hostile, changed: dict[str, Any]) -> None:
    pending = team.pending["raj"]
    answer = raj.push(("append", "ledger_entry", new_id(), "*", _reversal(team, team.ids["raj"], pending, **changed)))
    assert _refused(answer) == ["reversal_mirrors"]
    field = next(iter(changed))
    assert answer["refused"][0]["message"].startswith(f"a reversal of {pending[:8]} has its ")
    assert f"({field} " in answer["refused"][0]["message"]
    # The mirror itself is his to write.
    assert raj.push(("append", "ledger_entry", new_id(), "*", _reversal(team, team.ids["raj"], pending)))["stored"] == 1


def test_a_set_on_an_added_record_never_edits_it(team: Team, raj: Hostile) -> None:
    """Ledger entries, approvals, verdicts and crises are added whole: a field set on one is refused, whoever's it is."""
    with Store(team.path) as store:
        (verdict,) = store.conn.execute("SELECT id FROM post_approval LIMIT 1").fetchone()
    edits = [
        ("set", "ledger_entry", team.entry["raj"], "amount", 1),
        ("set", "ledger_entry", team.pending["ana"], "needs_approval", False),
        ("set", "post_approval", verdict, "verdict", "reject"),
        ("set", "crisis", team.crisis, "campaigns", [team.campaign]),
    ]
    before = [_pulled(raj, row_id) for _, _, row_id, _, _ in edits]
    answer = raj.push(*edits)
    assert _refused(answer) == ["invalid_value"] * len(edits)
    assert [r["message"] for r in answer["refused"]] == [f"{op[1]} records are append-only" for op in edits]
    assert [_pulled(raj, row_id) for _, _, row_id, _, _ in edits] == before


def test_who_made_a_task_and_when_is_set_by_the_batch_that_creates_it(team: Team, raj: Hostile) -> None:
    """Only the value of ``created_by`` was checked: raj's push made him the maker of tmp's post, and moved when it was made."""
    post, me = team.posts["by tmp"]["raj"], team.ids["raj"]
    before = _pulled(raj, post)
    # Among task edits only (the rules' pass over a large batch), and beside another record.
    for extra in ((), (("append", "ledger_entry", new_id(), "*", _entry(me, team.campaign)),)):
        answer = raj.push(("set", "task", post, "created_by", me), ("set", "task", post, "created_at", "2020-01-01T00:00:00Z"), *extra)
        assert answer["stored"] == len(extra) and [r["rule"] for r in answer["refused"]] == ["author_field"] * 2, answer
        assert [r["message"] for r in answer["refused"]] == [
            f"task.{field}: task {post[:8]} exists already: who made a task, and when, is set by the batch that creates it"
            for field in ("created_by", "created_at")
        ]
    assert _pulled(raj, post) == before
    # A task he creates names him as its maker, in the batch that creates it.
    task = new_id()
    made = raj.push(
        ("set", "task", task, "title", "Mine"),
        ("set", "task", task, "created_by", me),
        ("set", "task", task, "created_at", "2026-11-20T10:00:00Z"),
    )
    assert made["stored"] == 3 and made["refused"] == []


def test_a_record_keyed_by_what_it_holds_is_named_by_its_whole_id_when_created_incomplete(team: Team, raj: Hostile) -> None:
    """Refusals named every record by its id's first 8 characters: "budget budget:8 is created without campaign, ...".
    (A result's id gives its kind and day: its numbers alone are a whole result.)"""
    result = result_id("post", "2026-11-25", post=team.task)
    budget = budget_id(team.campaign, "ads", "run")
    assert raj.push(("set", "result", result, "clicks", 3))["stored"] == 1
    answer = raj.push(("set", "budget", budget, "amount", 100))
    assert _refused(answer) == ["incomplete_record"]
    assert [r["message"] for r in answer["refused"]] == [f"budget {budget} is created without campaign, category, period, currency"]
    # A record with a random id is named by its first 8 characters, as everywhere.
    task = new_id()
    answer = raj.push(("set", "task", task, "priority", "high"))
    assert [r["message"] for r in answer["refused"]] == [f"task {task[:8]} is created without title"]


def _content(team: Team, post: str, **changed: Any) -> str:
    """The hash of the post's content as ``build_team`` stored it, with ``changed`` fields on top (a push to PostgreSQL
    leaves the file as it was: every field a test changes is given here)."""
    with Store(team.path) as store:
        row = store.conn.execute("SELECT copy, link, media, first_comment FROM task WHERE id = ?", (post,)).fetchone()
    content = {"copy": row[0], "link": row[1], "media": json.loads(row[2]), "first_comment": row[3], **changed}
    return content_hash(content["copy"], content["link"], content["media"], content["first_comment"])


def _round(team: Team, post: str, digest: str) -> dict[str, Any]:
    """A new round of ``post``, submitted with the content hash ``digest``."""
    with Store(team.path) as store:
        campaign, platform = store.conn.execute("SELECT campaign, platform FROM task WHERE id = ?", (post,)).fetchone()
    return {"id": new_id(), "hash": digest, "at": "2026-11-20T09:10:00Z", "campaign": campaign, "platform": platform}


def test_a_round_carries_the_hash_of_the_content_it_submits(team: Team, raj: Hostile) -> None:
    """A round submitted with the hash of other content than the post's was stored: the rounds after it forgot who had
    changed the content before it, and raj approved the copy he wrote."""
    post, me = team.posts["by tmp"]["raj"], team.ids["raj"]
    before, mine = _content(team, post), _content(team, post, copy="raj wrote this")
    assert raj.push(("set", "task", post, "copy", "raj wrote this"))["stored"] == 1
    for digest in ("0" * 64, before):
        answer = raj.push(("set", "task", post, "post_round", _round(team, post, digest)))
        assert _refused(answer) == ["round_hash"]
        assert answer["refused"][0]["message"] == (
            f"task.post_round: “by tmp for raj” is submitted with the hash {digest[:12]}…, not its content's ({mine[:12]}…): "
            "a round is of the content the post has"
        )
    # Content changed in the batch counts as the batch leaves it, by stamp: a change stamped before the copy it would
    # replace changes nothing, so a round of it is of other content.
    answer = raj.push_stamped(
        (LONG_AGO_MS, "set", "task", post, "copy", "older"),
        (None, "set", "task", post, "post_round", _round(team, post, _content(team, post, copy="older"))),
    )
    assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["round_hash"], answer
    newer = _content(team, post, copy="newer")
    answer = raj.push(("set", "task", post, "copy", "newer"), ("set", "task", post, "post_round", again := _round(team, post, newer)))
    assert answer["stored"] == 2 and answer["refused"] == [], answer
    # His round stands, and it is his to write, not to review.
    verdict = _verdict(team, me, "by tmp") | {"round": again["id"], "hash": newer}
    assert _refused(raj.push(("append", "post_approval", new_id(), "*", verdict))) == ["round_author"]


def test_a_round_put_back_is_no_round_of_other_content_for_the_rounds_after_it(team: Team, raj: Hostile) -> None:
    """Undoing a submission puts the round before it back (the app's `u`): stored after raj's change of the copy, that
    round of other content made the rounds after it forget his change, so he edited, submitted, undid, submitted again
    and approved the copy he wrote."""
    post, me = team.posts["by tmp"]["raj"], team.ids["raj"]
    with Store(team.path) as store:
        (before,) = store.conn.execute("SELECT post_round FROM task WHERE id = ?", (post,)).fetchone()
    mine = _content(team, post, copy="raj wrote this")
    assert raj.push(("set", "task", post, "copy", "raj wrote this"))["stored"] == 1
    assert raj.push(("set", "task", post, "post_round", _round(team, post, mine)))["stored"] == 1
    # The round before, put back as it was (its content is not the post's: the post reads draft), is no new round.
    answer = raj.push(("set", "task", post, "post_round", json.loads(before)))
    assert answer["stored"] == 1 and answer["refused"] == [], answer
    again = _round(team, post, mine)
    assert raj.push(("set", "task", post, "post_round", again))["stored"] == 1
    verdict = _verdict(team, me, "by tmp") | {"round": again["id"], "hash": mine}
    assert _refused(raj.push(("append", "post_approval", new_id(), "*", verdict))) == ["round_author"]
    # A round of the content before, under an id of its own, is refused still.
    answer = raj.push(("set", "task", post, "post_round", {**json.loads(before), "id": new_id()}))
    assert _refused(answer) == ["round_hash"]


def test_a_post_stored_with_no_media_list_is_submitted(team: Team) -> None:
    """A post pulled with no media list (a value today's checks refuse, stored before them) failed its submission's
    check with a traceback: its content is read as a post with no media."""
    post = new_id()
    Forger(team.path).set("task", post, {"title": "Old post", "post_state": "draft", "copy": "Hi", "media": None})
    submitted = {"id": new_id(), "hash": content_hash("Hi", "", [], ""), "at": "2026-11-20T09:10:00Z", "campaign": None, "platform": None}
    with Store(team.path) as store:
        with store.write(team.ids["raj"]) as w:
            w.set("task", post, {"post_round": submitted})
        assert store.conn.execute("SELECT media, json_extract(post_round, '$.id') FROM task WHERE id = ?", (post,)).fetchone() == (
            None,
            submitted["id"],
        )


def test_a_change_to_a_posts_content_stamped_before_its_round_still_makes_its_writer_an_author(team: Team, raj: Hostile) -> None:
    """Authors were read in stamp order: raj's first comment, stamped long ago (no later one replaced it), came before
    tmp's round, so the round raj submitted of it was his to approve."""
    post, me = team.posts["by tmp"]["raj"], team.ids["raj"]
    mine = _content(team, post, first_comment="raj wrote this")
    assert raj.push(("set", "task", post, "first_comment", "raj wrote this"), ms=LONG_AGO_MS)["stored"] == 1
    again = _round(team, post, mine)
    assert raj.push(("set", "task", post, "post_round", again))["stored"] == 1
    verdict = _verdict(team, me, "by tmp") | {"round": again["id"], "hash": mine}
    answer = raj.push(("append", "post_approval", new_id(), "*", verdict))
    assert _refused(answer) == ["round_author"]


def _post_states(hostile: Hostile, post: str) -> list[str]:
    return [op["value"] for op in _pulled(hostile, post) if op["field"] == "post_state"]


def test_a_post_not_approved_in_its_round_is_refused_into_the_scheduler_and_out(team: Team, raj: Hostile) -> None:
    """Only the app and the CLI checked the round: a raw push made an unapproved post read published for everyone."""
    post = team.posts["by tmp"]["raj"]  # in review: its one step is still open
    before = _post_states(raj, post)
    for state in ("scheduled", "published"):
        answer = raj.push(("set", "task", post, "post_state", state))
        assert _refused(answer) == ["not_publishable"]
        assert answer["refused"][0]["message"].startswith(f"“by tmp for raj” cannot be {state}: it is not approved in its current round (")
    # A plain task made a post by its state alone: no round at all.
    answer = raj.push(("set", "task", team.task, "post_state", "published"))
    assert _refused(answer) == ["not_publishable"]
    assert _post_states(raj, post) == before
    assert _post_states(raj, team.task) == []


def test_a_post_a_crisis_holds_goes_out_only_once_released(team: Team, raj: Hostile) -> None:
    """Approved during the open crisis of ``add_posts`` (every campaign): paused until a manager releases it."""
    post = team.posts["by tmp"]["raj"]
    assert raj.push(("append", "post_approval", new_id(), "*", _verdict(team, team.ids["raj"], "by tmp")))["stored"] == 1
    for state in ("scheduled", "published"):
        answer = raj.push(("set", "task", post, "post_state", state))
        assert _refused(answer) == ["not_publishable"]
        assert answer["refused"][0]["message"] == (
            f"“by tmp for raj” cannot be {state}: the crisis “A bad reply” ({team.crisis[:8]}) holds it: resume it first"
        )
    ana = _ana(team, raj)
    try:
        assert ana.push(("set", "task", post, "resumed_from", [team.crisis]))["stored"] == 1
    finally:
        ana.http.close()
    assert raj.push(("set", "task", post, "post_state", "scheduled"))["stored"] == 1
    assert raj.push(("set", "task", post, "post_state", "published"))["stored"] == 1
    assert _post_states(raj, post)[-1] == "published"


def _approved_and_released(team: Team, raj: Hostile, post: str) -> None:
    """``post`` (one of tmp's "by tmp" posts) approved by raj and released by ana from the open crisis of ``add_posts``."""
    assert (
        raj.push(("append", "post_approval", new_id(), "*", _verdict(team, team.ids["raj"], "by tmp") | _round_of(team, post)))["stored"]
        == 1
    )
    ana = _ana(team, raj)
    ana.node = new_id()[:16]  # a node of its own each time: the counters start again at 1
    try:
        assert ana.push(("set", "task", post, "resumed_from", [team.crisis]))["stored"] == 1
    finally:
        ana.http.close()


def test_what_a_published_post_went_out_with_changes_no_more(team: Team, raj: Hostile) -> None:
    """``post copy`` and the app refuse to change a published post; a raw push rewrote its copy and link, and the post
    still read published, approved, with words nobody approved, for everyone."""
    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    assert raj.push(("set", "task", post, "post_state", "published"))["stored"] == 1
    before = [op["value"] for op in _pulled(raj, post) if op["field"] in ("copy", "link")]
    for field, value in (("copy", "Rewritten after it went out"), ("link", "https://example.com/other")):
        answer = raj.push(("set", "task", post, field, value))
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
            (
                "published_content",
                f"task.{field}: “by tmp for raj” is published: what went out changes no more (take its publish back first)",
            )
        ]
        assert answer["stored"] == 0
    # Published by an earlier write of the same push: the same.
    other = team.posts["by tmp"]["ana"]
    _approved_and_released(team, raj, other)
    now = wall_ms()
    answer = raj.push_stamped(
        (now, "set", "task", other, "post_state", "published"), (now + 1, "set", "task", other, "first_comment", "Added after")
    )
    assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["published_content"]
    assert [op["value"] for op in _pulled(raj, post) if op["field"] in ("copy", "link")] == before
    # Its publish taken back first (an undo of it), its content changes as the post's state then allows.
    answer = raj.push(("set", "task", post, "post_state", "scheduled"), ("set", "task", post, "copy", "Fixed before it goes out again"))
    assert answer["stored"] == 2 and answer["refused"] == []


def _beside(team: Team, beside: bool) -> tuple[tuple[str, str, str, str, Any], ...]:
    """raj's zone set again, when ``beside``: pushed beside task edits, it has them judged by the general loop, not the
    one for task edits alone."""
    return (("set", "member", team.ids["raj"], "tz", "Asia/Kolkata"),) if beside else ()


def _copies(hostile: Hostile, post: str) -> list[Any]:
    return [op["value"] for op in _pulled(hostile, post) if op["field"] == "copy"]


@pytest.mark.parametrize("beside", [False, True], ids=["task edits alone", "beside a member's zone"])
def test_a_refused_take_back_opens_no_published_posts_content(team: Team, raj: Hostile, beside: bool) -> None:
    """A move out of published earlier in a push let the copy after it in: stored, and the post still read published
    with it, when the move was itself refused (a state there is not, a crisis holding the post)."""
    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    assert raj.push(("set", "task", post, "post_state", "published"))["stored"] == 1
    before = _copies(raj, post)
    answer = raj.push(*_beside(team, beside), ("set", "task", post, "post_state", "bogus"), ("set", "task", post, "copy", "Rewritten"))
    assert [r["rule"] for r in answer["refused"]] == ["invalid_value", "published_content"]
    ana = _ana(team, raj)
    ana.node = new_id()[:16]
    try:
        assert ana.push(("append", "crisis", new_id(), "*", _crisis(team.ids["ana"])))["stored"] == 1
    finally:
        ana.http.close()
    answer = raj.push(*_beside(team, beside), ("set", "task", post, "post_state", "scheduled"), ("set", "task", post, "copy", "Rewritten"))
    assert [r["rule"] for r in answer["refused"]] == ["not_publishable", "published_content"]
    assert _post_states(raj, post)[-1] == "published" and _copies(raj, post) == before


@pytest.mark.parametrize("beside", [False, True], ids=["task edits alone", "beside a member's zone"])
def test_a_refused_state_outlives_no_publish_that_keeps_a_posts_content(team: Team, raj: Hostile, beside: bool) -> None:
    """A refused state stamped after a publish, earlier in the push, counted as outliving it: the publish, read as
    changing nothing, left the post a draft for the copy after it, while storage kept the publish: the post read
    published with copy nobody approved."""
    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    assert raj.push(("set", "task", post, "post_state", "published"))["stored"] == 1
    before = _copies(raj, post)
    now = wall_ms()
    answer = raj.push_from_nodes(
        *(("c" * 16, now, *op) for op in _beside(team, beside)),
        ("c" * 16, now + 100, "set", "task", post, "post_state", "draft"),
        ("a" * 16, now + 300, "set", "task", post, "post_state", "bogus"),
        ("b" * 16, now + 200, "set", "task", post, "post_state", "published"),
        ("b" * 16, now + 250, "set", "task", post, "copy", "Rewritten after it went out"),
    )
    assert [r["rule"] for r in answer["refused"]] == ["invalid_value", "published_content"]
    assert (_post_states(raj, post)[-1], _copies(raj, post)) == ("published", before)


def test_a_published_posts_round_changes_no_more(team: Team, raj: Hostile) -> None:
    """An undo of the submission, after the post went out, put its round back (to none, or to another round): stored,
    and the post still read published, approved by a round that was not the one it went out with."""
    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    assert raj.push(("set", "task", post, "post_state", "published"))["stored"] == 1
    rounds = [op["value"] for op in _pulled(raj, post) if op["field"] == "post_round"]
    other = {**rounds[-1], "id": new_id()}
    for value in (None, other):
        answer = raj.push(("set", "task", post, "post_round", value))
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
            (
                "published_content",
                "task.post_round: “by tmp for raj” is published: what went out changes no more (take its publish back first)",
            )
        ]
        assert answer["stored"] == 0
    assert [op["value"] for op in _pulled(raj, post) if op["field"] == "post_round"] == rounds
    # Its publish taken back in the same write: the round is the post's to change again.
    answer = raj.push(("set", "task", post, "post_round", None), ("set", "task", post, "post_state", "draft"), ms=wall_ms())
    assert answer["stored"] == 2 and answer["refused"] == []


@pytest.mark.parametrize("state_first", [False, True], ids=["content first", "state first"])
def test_the_order_of_one_writes_fields_changes_no_verdict_on_a_published_posts_content(
    team: Team, raj: Hostile, state_first: bool
) -> None:
    """One write that took a published post's publish back and changed its copy was refused with the copy first (the
    copy was judged against the state before the write) and accepted with the state first."""

    def write(*ops: tuple[str, str, str, str, Any]) -> dict[str, Any]:
        """``ops`` as one write (one millisecond), its state first or last."""
        return raj.push(*(reversed(ops) if state_first else ops), ms=wall_ms())

    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    assert raj.push(("set", "task", post, "post_state", "published"))["stored"] == 1
    before = _copies(raj, post)
    # A take-back the rules refuse takes nothing back: the copy stays what went out.
    answer = write(("set", "task", post, "copy", "Rewritten"), ("set", "task", post, "post_state", "bogus"))
    assert answer["stored"] == 0 and sorted(r["rule"] for r in answer["refused"]) == ["invalid_value", "published_content"]
    assert _copies(raj, post) == before
    # Taken back into the scheduler it went out of (its move reads it as it went out), the copy changes with it.
    answer = write(("set", "task", post, "copy", "Fixed after we took it back"), ("set", "task", post, "post_state", "scheduled"))
    assert answer["stored"] == 2 and answer["refused"] == []
    assert (_post_states(raj, post)[-1], _copies(raj, post)[-1]) == ("scheduled", "Fixed after we took it back")
    # A write that publishes a post reads the content it leaves: content nobody approved does not go out.
    other = team.posts["by tmp"]["ana"]
    _approved_and_released(team, raj, other)
    answer = write(("set", "task", other, "first_comment", "Added as it went out"), ("set", "task", other, "post_state", "published"))
    assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["not_publishable"]
    assert "published" not in _post_states(raj, other)


@pytest.mark.parametrize("beside", [False, True], ids=["task edits alone", "beside a member's zone"])
def test_a_move_into_the_scheduler_reads_none_of_its_writes_refused_values(team: Team, raj: Hostile, beside: bool) -> None:
    """The changes of a move's write after it were laid on the batch before the move was judged, refused ones too: a
    round the server could not read answered 500 with a traceback, and a round or link refused after it made an
    accepted scheduling not_publishable."""
    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    misshapen = {"id": 5, "hash": 7, "at": 9}
    other = _round(team, post, "0" * 64)
    for field, value, rule in (
        *(("post_round", value, "invalid_value") for value in (123, {"id": "x"}, "text", [1], misshapen)),
        ("post_round", other, "round_hash"),
        ("link", "not a web address", "invalid_value"),
    ):
        answer = raj.push(
            *_beside(team, beside), ("set", "task", post, "post_state", "scheduled"), ("set", "task", post, field, value), ms=wall_ms()
        )
        assert ([r["rule"] for r in answer["refused"]], answer["stored"]) == ([rule], 1 + beside), (field, value)
        assert _post_states(raj, post)[-1] == "scheduled"
        assert raj.push(("set", "task", post, "post_state", "draft"))["stored"] == 1


@pytest.mark.parametrize("beside", [False, True], ids=["task edits alone", "beside a member's zone"])
def test_a_write_that_puts_back_copy_with_its_approved_round_schedules_its_post(team: Team, raj: Hostile, beside: bool) -> None:
    """A move into the scheduler was refused whenever its batch changed the content, even in a write that gave the
    round approving exactly that content (a merged export carries both); a new round nobody approved still is."""
    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    (approved,) = [op["value"] for op in _pulled(raj, post) if op["field"] == "post_round"]
    ana = _ana(team, raj)
    ana.node = new_id()[:16]
    try:
        other = _round(team, post, _content(team, post, copy="Reworded"))
        assert ana.push(("set", "task", post, "copy", "Reworded"), ("set", "task", post, "post_round", other), ms=wall_ms())["stored"] == 2
        # Back to the copy raj approved, its round with it: scheduled, whichever field comes first.
        for fields in (("post_state", "copy", "post_round"), ("copy", "post_round", "post_state")):
            values = {"post_state": "scheduled", "copy": "by tmp for raj copy", "post_round": approved}
            answer = ana.push(*_beside(team, beside), *(("set", "task", post, field, values[field]) for field in fields), ms=wall_ms())
            assert (answer["refused"], answer["stored"]) == ([], 3 + beside), fields
            assert _post_states(raj, post)[-1] == "scheduled"
            assert ana.push(("set", "task", post, "post_state", "draft"))["stored"] == 1
        # A round of new copy in the same write, which nobody approved: the copy goes in, the post not out.
        answer = ana.push(
            *_beside(team, beside),
            ("set", "task", post, "post_state", "scheduled"),
            ("set", "task", post, "copy", "Reworded"),
            ("set", "task", post, "post_round", other | {"id": new_id()}),
            ms=wall_ms(),
        )
        assert [r["rule"] for r in answer["refused"]] == ["not_publishable"]
        assert _post_states(raj, post)[-1] == "draft"
    finally:
        ana.http.close()


@pytest.mark.parametrize("beside", [False, True], ids=["task edits alone", "beside a member's zone"])
def test_a_refused_publish_closes_no_posts_content(team: Team, raj: Hostile, beside: bool) -> None:
    """A refused move into published earlier in a push had the copy after it refused as a published post's, which it
    never was: the copy is the post's in review to change."""
    post = team.posts["by tmp"]["raj"]  # in review, its one step still open
    answer = raj.push(*_beside(team, beside), ("set", "task", post, "post_state", "published"), ("set", "task", post, "copy", "Reworded"))
    assert [r["rule"] for r in answer["refused"]] == ["not_publishable"]
    assert _copies(raj, post)[-1] == "Reworded"


def test_a_refused_publish_takes_the_status_live_url_and_time_it_wrote_with_it(team: Team, raj: Hostile) -> None:
    """The state refused, the rest of the publish's write was stored: the post in review read done, with a live URL and
    a time it went out.  Copy in the same write, and a status written apart, stand."""
    post = team.posts["by tmp"]["raj"]  # in review, its one step still open
    published = (
        ("set", "task", post, "post_state", "published"),
        ("set", "task", post, "status", "done"),
        ("set", "task", post, "published_at", "2026-12-04T09:00:00Z"),
        ("set", "task", post, "live_url", "https://example.com/reel"),
        ("set", "task", post, "copy", "Reworded"),
    )
    answer = raj.push(*published, ms=wall_ms())
    assert [(r["field"], r["rule"]) for r in answer["refused"]] == [
        (field, "not_publishable") for field in ("post_state", "status", "published_at", "live_url")
    ]
    assert _copies(raj, post)[-1] == "Reworded"
    assert raj.push(("set", "task", post, "status", "doing"))["refused"] == []


@pytest.mark.parametrize(("field", "value", "rule"), [("deleted", True, "removed_assignee"), ("access", "guest", "guest_assignee")])
def test_a_member_holding_a_post_whose_publish_is_refused_is_not_taken_off_tasks_in_its_batch(
    team: Team, raj: Hostile, field: str, value: Any, rule: str
) -> None:
    """The publish's status was refused only once the batch was judged: the removal (or guest access) after it had read
    the post as closed, and went through, leaving the post open and held by a removed member (or a guest)."""
    post, leaver = team.posts["by tmp"]["raj"], team.ids["tmp"]  # in review, its one step still open
    ana = _ana(team, raj)
    try:
        before = _pulled(ana, leaver)
        ms = wall_ms()
        answer = ana.push_stamped(
            (ms, "set", "task", post, "assignee", leaver),
            (ms + 1, "set", "task", post, "post_state", "published"),
            (ms + 1, "set", "task", post, "status", "done"),
            (ms + 2, "set", "member", leaver, field, value),
        )
        assert answer["stored"] == 1, answer
        assert [(r["field"], r["rule"]) for r in answer["refused"]] == [
            ("post_state", "not_publishable"),
            ("status", "not_publishable"),
            (field, rule),
        ]
        assert answer["refused"][2]["message"].startswith(f"member.{field}: @tmp holds 1 open task ({post[:8]})"), answer
        assert _pulled(ana, leaver) == before
    finally:
        ana.http.close()


@pytest.mark.parametrize(("field", "value", "rule"), [("deleted", True, "removed_assignee"), ("access", "guest", "guest_assignee")])
def test_a_managers_refused_removal_or_guest_access_of_themselves_leaves_their_later_edits_in_the_push_theirs(
    team: Team, raj: Hostile, field: str, value: Any, rule: str
) -> None:
    """ana takes a post, then removes herself (or makes herself a guest), edits another task and adds a member: the
    change is refused once the push is read (she holds open tasks), and her edit and the member after it were refused as
    a removed member's (a guest's), where pushed apart they are hers.  One push and the same writes one by one give the
    same verdicts."""
    ana = _ana(team, raj)
    me = team.ids["ana"]
    try:

        def operations(post: str, edited: str, added: str, ms: int) -> list[tuple[int, str, str, str, str, Any]]:
            return [
                (ms, "set", "task", post, "assignee", me),
                (ms + 1, "set", "member", me, field, value),
                (ms + 2, "set", "task", edited, "title", "Edited after"),
                *((ms + 3, "set", "member", added, name, given) for name, given in _new_member(f"zed{ms}")),
            ]

        ms, one, other = wall_ms(), new_id(), new_id()
        at_once = ana.push_stamped(*operations(team.posts["by tmp"]["ana"], team.posts["other"]["ana"], one, ms))
        writes: dict[int, list[tuple[int, str, str, str, str, Any]]] = {}
        for op in operations(team.posts["by tmp"]["gus"], team.posts["other"]["gus"], other, ms + 4):
            writes.setdefault(op[0], []).append(op)
        apart = [ana.push_stamped(*write) for write in writes.values()]
        assert [(r["field"], r["rule"]) for r in at_once["refused"]] == [(field, rule)], at_once
        assert [(r["field"], r["rule"]) for answer in apart for r in answer["refused"]] == [(field, rule)]
        assert [op["value"] for op in _pulled(ana, team.posts["other"]["ana"]) if op["field"] == "title"][-1] == "Edited after"
        assert {op["field"] for op in _pulled(ana, one)} == {name for name, _ in _new_member("")}
    finally:
        ana.http.close()


def test_a_removal_let_through_by_an_edit_cut_off_past_the_last_judging_is_refused_with_it(team: Team, raj: Hostile) -> None:
    """raj holds a task and mia a post.  ana's push removes raj, removes mia once more than the server judges the push
    again, then closes raj's task.  Each removal of mia is refused once the push is read (she holds her post), one a
    judging; past the last, what followed them was refused, closing raj's task too, where raj's removal had been
    accepted for it: raj was removed and his task stayed open and his (reviewer rxb)."""
    ana = _ana(team, raj)
    raj_id, mia_id = team.ids["raj"], team.ids["mia"]
    try:
        held = ana.push(("set", "task", team.task, "assignee", raj_id), ("set", "task", team.posts["by tmp"]["ana"], "assignee", mia_id))
        assert held["refused"] == []
        before = _pulled(ana, raj_id), _pulled(ana, team.task)
        removals = JUDGED_AGAIN_AT_MOST + 1
        answer = ana.push(
            ("set", "member", raj_id, "deleted", True),
            *[("set", "member", mia_id, "deleted", True)] * removals,
            ("set", "task", team.task, "status", "done"),
            ms=wall_ms(),
        )
        assert [(r["row_id"], r["rule"]) for r in answer["refused"]] == [
            (raj_id, "removed_assignee"),
            *[(mia_id, "removed_assignee")] * removals,
            (team.task, "followed_refused"),
        ], answer
        # Its replica drops it (nothing pushes it again): the closing is made again.
        assert answer["refused"][-1]["message"].endswith("the replica drops them, so those edits are made again"), answer
        assert (_pulled(ana, raj_id), _pulled(ana, team.task)) == before
    finally:
        ana.http.close()


def _new_member(handle: str) -> tuple[tuple[str, str], ...]:
    """The fields a new member is added with (a member, in UTC)."""
    return (("handle", handle), ("name", "Zed"), ("tz", "UTC"), ("access", "member"))


def test_a_handle_freed_by_a_removal_the_push_refuses_is_not_given_again_in_it(team: Team, raj: Hostile) -> None:
    """ana, on a replica that had not heard tmp was given a post, removes tmp and adds a new member under the handle
    tmp: the removal is refused (tmp holds the post), and the new member was stored beside tmp, two live members of one
    handle."""
    ana = _ana(team, raj)
    tmp, new = team.ids["tmp"], new_id()
    try:
        ms = wall_ms()
        answer = ana.push_stamped(
            (ms, "set", "task", team.posts["by raj"]["ana"], "assignee", tmp),
            (ms + 1, "set", "member", tmp, "deleted", True),
            *(
                (ms + 2, "set", "member", new, name, given)
                for name, given in (("handle", "tmp"), ("name", "Tom"), ("tz", "UTC"), ("access", "member"))
            ),
        )
        assert [(r["field"], r["rule"]) for r in answer["refused"]] == [
            ("deleted", "removed_assignee"),
            *((name, "unique_handle") for name in ("handle", "name", "tz", "access")),
        ], answer
        assert _pulled(ana, new) == []
    finally:
        ana.http.close()


def test_a_move_after_a_refused_removal_is_judged_with_the_member_there(team: Team, raj: Hostile) -> None:
    """raj approved a post (after the crisis ended).  One push publishes a post in review that raj holds (refused with
    its status), removes raj (refused: he holds it, open), then publishes raj's approved post.  The removal was refused
    only in a second judging, which kept the first judging's refusal of the last publish: raj's approval read as a
    removed member's, which counts for nothing, though raj stays."""
    ana = _ana(team, raj)
    held, approved = team.posts["by tmp"]["ana"], team.posts["by tmp"]["raj"]  # both in review, their one step open
    me, raj_id = team.ids["ana"], team.ids["raj"]
    try:
        end = _end(team, me, team.crisis)
        assert ana.push(("append", "crisis_end", crisis_end_id(team.crisis), "*", end))["stored"] == 1
        a_minute_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        verdict = _verdict(team, raj_id, "by tmp") | {"approved_at": a_minute_ago}
        assert raj.push(("append", "post_approval", new_id(), "*", verdict))["stored"] == 1
        ms = wall_ms()
        answer = ana.push_stamped(
            (ms, "set", "task", held, "assignee", raj_id),
            (ms + 1, "set", "task", held, "post_state", "published"),
            (ms + 1, "set", "task", held, "status", "done"),
            (ms + 2, "set", "member", raj_id, "deleted", True),
            (ms + 3, "set", "task", approved, "post_state", "published"),
        )
        assert [(r["row_id"], r["field"], r["rule"]) for r in answer["refused"]] == [
            (held, "post_state", "not_publishable"),
            (held, "status", "not_publishable"),
            (raj_id, "deleted", "removed_assignee"),
        ], answer
        assert _post_states(ana, approved)[-1] == "published"
    finally:
        ana.http.close()


@pytest.mark.parametrize("beside", [False, True], ids=["task edits alone", "beside a member's zone"])
def test_a_published_posts_link_that_is_no_web_address_is_refused_as_one(team: Team, raj: Hostile, beside: bool) -> None:
    """The loop for task edits alone named the rule of the published post, the general one the rule of the value: the
    same operation was refused under one rule or the other by what was pushed beside it."""
    post = team.posts["by tmp"]["raj"]
    _approved_and_released(team, raj, post)
    assert raj.push(("set", "task", post, "post_state", "published"))["stored"] == 1
    answer = raj.push(*_beside(team, beside), ("set", "task", post, "link", "not a web address"))
    assert [r["rule"] for r in answer["refused"]] == ["invalid_value"]


def test_a_write_on_the_shared_file_changes_no_published_posts_content(team: Team) -> None:
    post, raj = team.posts["by tmp"]["raj"], team.ids["raj"]
    with Store(team.path) as store:
        writing.approve(store, raj, post, NOW)
        with store.write(team.ids["ana"]) as w:
            w.set("task", post, {"resumed_from": [team.crisis]})
        writing.publish(store, raj, post, NOW)
        with (
            pytest.raises(Refused, match=r"“by tmp for raj” is published: what went out changes no more .*\(rule published_content\)"),
            store.write(raj) as w,
        ):
            w.set("task", post, {"copy": "Rewritten after it went out"})
        assert store.conn.execute("SELECT copy FROM task WHERE id = ?", (post,)).fetchone()[0] == "by tmp for raj copy"


def _round_of(team: Team, post: str) -> dict[str, Any]:
    """A verdict's post, round and hash for ``post``."""
    round_id, digest = team.rounds[post]
    return {"post": post, "round": round_id, "hash": digest}


#: A slot the day before the crisis of ``add_posts`` started (2026-11-20 09:00 UTC): a crisis holds no post slotted before it.
BEFORE_THE_CRISIS = {"utc": "2026-11-19T09:00:00Z", "tz": "UTC"}


def test_a_slot_moved_before_the_crisis_that_holds_its_post_never_releases_it(team: Team, raj: Hostile) -> None:
    """A slot before a crisis's start is out of its hold: a raw push moved a held post there and scheduled it, unreleased."""
    post = team.posts["by tmp"]["raj"]
    assert raj.push(("append", "post_approval", new_id(), "*", _verdict(team, team.ids["raj"], "by tmp")))["stored"] == 1
    before = _pulled(raj, post)
    answer = raj.push(("set", "task", post, "publish", BEFORE_THE_CRISIS))
    assert _refused(answer) == ["held_slot"]
    assert answer["refused"][0]["message"] == (
        f"task.publish: “by tmp for raj” is held by the crisis “A bad reply” ({team.crisis[:8]}), which started "
        "2026-11-20T09:00:00Z: a slot before its start would release it: resume it first"
    )
    # With its move out in the same batch, or among task edits only: neither is stored.
    answer = raj.push(("set", "task", post, "publish", BEFORE_THE_CRISIS), ("set", "task", post, "post_state", "scheduled"))
    assert _refused(answer) == ["held_slot", "not_publishable"]
    answer = raj.push(("set", "member", team.ids["raj"], "name", "Raj"), ("set", "task", post, "publish", BEFORE_THE_CRISIS))
    assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["held_slot"]
    assert _pulled(raj, post) == before
    # A slot after the start keeps the post held: taken.
    assert raj.push(("set", "task", post, "publish", {"utc": "2026-12-01T09:00:00Z", "tz": "UTC"}))["stored"] == 1
    ana = _ana(team, raj)
    try:
        assert ana.push(("set", "task", post, "resumed_from", [team.crisis]))["stored"] == 1
    finally:
        ana.http.close()
    assert raj.push(("set", "task", post, "publish", BEFORE_THE_CRISIS))["stored"] == 1


def test_a_crisis_on_a_platform_holds_its_posts_whatever_the_case_of_their_platform(tmp_path: Path) -> None:
    """The commands write a platform in lower case, but a post's may be "Instagram" (a push, a file from before): a crisis
    on instagram held none such, and one approved while it was open was scheduled and went out, as reports count it on
    instagram."""
    from crewdeck.tui.posts import writing
    from crewdeck.tui.posts.reading import read_post

    with team_workspace(tmp_path / "spring.db", NOW) as store:
        (post,) = add_spring_posts(store, 1, NOW + dt.timedelta(days=2), submitted=NOW, platform="Instagram")
        people = ids(store, "member", "handle")
        writing.approve(store, people["mia"], post, NOW)
        writing.approve(store, people["kemi"], post, NOW)
        approved = read_post(store.conn, post, NOW)
        assert approved is not None and approved.state == "approved"
        writing.start_crisis(store, people["ana"], NOW, "Instagram outage", platforms=["instagram"])
        held = read_post(store.conn, post, NOW)
        assert held is not None and held.state == "paused"
        before = store.op_count()
        refused = r"the crisis “Instagram outage” .* holds it: resume it first \(rule not_publishable\)"
        with pytest.raises(Refused, match=refused), store.write(people["raj"]) as w:
            w.set("task", post, {"post_state": "scheduled"})
        assert store.op_count() == before


def test_a_posts_copy_keeps_its_platforms_limits_whatever_the_case_of_its_platform(tmp_path: Path) -> None:
    """A post on "Instagram" had no limits: copy of six hashtags went in, and was submitted, where instagram takes five."""
    from crewdeck.tui.posts import writing
    from crewdeck.tui.workspace.errors import UserError

    path = tmp_path / "spring.db"
    with team_workspace(path, NOW) as store:
        (post,) = add_spring_posts(store, 1, NOW + dt.timedelta(days=2), state="draft", platform="Instagram")
        raj = ids(store, "member", "handle")["raj"]
        over = "Spring! " + " ".join(f"#tag{n}" for n in range(6))
        with pytest.raises(UserError, match="Instagram takes at most 5 hashtags; this copy has 6"):
            writing.set_content(store, raj, post, NOW, copy=over)
        Forger(path, raj).set("task", post, {"copy": over})  # as a pull of another's edit, or a file from before, leaves it
        with pytest.raises(UserError, match="takes at most 5 hashtags"):
            writing.submit(store, raj, post, NOW)


def test_a_write_on_the_shared_file_moves_no_held_post_before_its_crisis(team: Team) -> None:
    post = team.posts["by tmp"]["raj"]
    with Store(team.path) as store, pytest.raises(Refused, match=r"rule held_slot"), store.write(team.ids["raj"]) as w:
        w.set("task", post, {"publish": BEFORE_THE_CRISIS})
    with Store(team.path) as store:
        assert store.conn.execute("SELECT publish_utc FROM task WHERE id = ?", (post,)).fetchone() == (None,)


#: What a task assigned to a guest is told (rule ``guest_assignee``).
GUEST_ASSIGNEE = "task.assignee: @gus is a guest: guests see no tasks, so no task is assigned to them"


def test_a_task_is_never_assigned_to_a_guest(team: Team, raj: Hostile) -> None:
    """Guests see no tasks and change none: a task assigned to one was out of everyone's sight."""
    gus, mia = team.ids["gus"], team.ids["mia"]
    before = _pulled(raj, team.task)
    answer = raj.push(("set", "task", team.task, "assignee", gus))
    assert _refused(answer) == ["guest_assignee"] and answer["refused"][0]["message"] == GUEST_ASSIGNEE
    assert _pulled(raj, team.task) == before
    # Among task edits only (the rules' pass over a large batch): that one alone is refused.
    edits = [("set", "task", team.task, "title", f"Draft reel {n}") for n in range(3)]
    answer = raj.push(*edits, ("set", "task", team.other_task, "assignee", gus), ("set", "task", team.other_task, "assignee", mia))
    assert answer["stored"] == 4 and [r["rule"] for r in answer["refused"]] == ["guest_assignee"]
    assert [op["value"] for op in _pulled(raj, team.other_task) if op["field"] == "assignee"][-1] == mia
    # A new task assigned to a guest is not created at all; in a mixed batch too.
    for extra in ((), (("set", "member", team.ids["raj"], "name", "Raj"),)):
        task = new_id()
        answer = raj.push(*extra, ("set", "task", task, "title", "Approve the visuals"), ("set", "task", task, "assignee", gus))
        assert answer["stored"] == len(extra) and [r["rule"] for r in answer["refused"]] == ["guest_assignee"] * 2
        assert _pulled(raj, task) == []


def _assignees(hostile: Hostile, task: str) -> list[Any]:
    return [op["value"] for op in _pulled(hostile, task) if op["field"] == "assignee"]


def test_a_task_is_never_assigned_to_a_removed_member(team: Team, raj: Hostile) -> None:
    """A removed member holds no tasks: ``member rm`` hands theirs on, and a push (an undo of that hand-over) may not give one back."""
    mia = team.ids["mia"]
    done = new_id()
    closed = (("title", "Caption the reel"), ("created_by", team.ids["raj"]), ("assignee", mia), ("status", "done"))
    assert raj.push(*(("set", "task", done, field, value) for field, value in closed))["stored"] == 4
    with Store(team.path) as store:  # her crisis tasks (``add_posts``), handed on in the removal's batch as ``member rm`` does
        crisis_tasks = [row[0] for row in store.conn.execute("SELECT id FROM task WHERE assignee = ? AND status = 'todo'", (mia,))]
    assert len(crisis_tasks) == 5
    ana = _ana(team, raj)
    try:
        removal = [("set", "member", mia, "deleted", True), *(("set", "task", task, "assignee", None) for task in crisis_tasks)]
        assert ana.push(*removal)["stored"] == 6
    finally:
        ana.http.close()
    before = _pulled(raj, team.task)
    answer = raj.push(("set", "task", team.task, "assignee", mia))
    assert _refused(answer) == ["removed_assignee"]
    assert answer["refused"][0]["message"] == "task.assignee: @mia was removed from this workspace"
    assert _pulled(raj, team.task) == before
    # Her done task, reopened, would be hers again.
    reopened = raj.push(("set", "task", done, "status", "doing"))
    assert _refused(reopened) == ["removed_assignee"]
    assert reopened["refused"][0]["message"] == (
        f"task.status: task {done[:8]} would be open and assigned to @mia, who was removed from this workspace: assign it to someone else first"
    )


def test_a_closed_task_of_a_guest_is_reopened_only_with_another_assignee(team: Team, raj: Hostile) -> None:
    """Done, cancelled and deleted tasks keep a guest as their assignee (history); reopened, they would be open tasks nobody sees."""
    me = team.ids["raj"]
    done, removed = new_id(), new_id()
    ana = _ana(team, raj)
    try:
        for task, closing in ((done, ("status", "done")), (removed, ("deleted", True))):
            # Assigned while its holder was a member, closed, and the holder then made a guest.
            created = raj.push(
                ("set", "task", task, "title", "Brief the client"),
                ("set", "task", task, "created_by", me),
                ("set", "task", task, "assignee", me),
            )
            assert created["stored"] == 3, created
            assert raj.push(("set", "task", task, *closing))["stored"] == 1
        assert ana.push(("set", "member", me, "access", "guest"))["stored"] == 1
        before = [_pulled(ana, task) for task in (done, removed)]
        reopened = ana.push(("set", "task", done, "status", "todo"))  # task edits only: the rules' pass over a batch
        assert _refused(reopened) == ["guest_assignee"]
        assert reopened["refused"][0]["message"] == (
            f"task.status: task {done[:8]} would be open and assigned to @raj, who is a guest (guests see no tasks): "
            "assign it to someone else first"
        )
        # Among other records: the rules' call per operation.
        restored = ana.push(("set", "task", removed, "deleted", False), ("set", "member", team.ids["ana"], "name", "Ana S."))
        assert restored["stored"] == 1 and [r["rule"] for r in restored["refused"]] == ["guest_assignee"]
        assert [_pulled(ana, task) for task in (done, removed)] == before
        # Given to someone in the same batch, it reopens.
        assert ana.push(("set", "task", done, "status", "todo"), ("set", "task", done, "assignee", team.ids["mia"]))["stored"] == 2
    finally:
        ana.http.close()


def test_a_member_is_made_a_guest_only_by_a_batch_that_unassigns_their_open_tasks(team: Team, raj: Hostile) -> None:
    """A guest sees no tasks: made one with open tasks of theirs, those tasks were out of everyone's sight."""
    me = team.ids["raj"]
    done, cancelled, deleted = new_id(), new_id(), new_id()
    answer = raj.push(
        ("set", "task", team.task, "assignee", me),
        ("set", "task", team.other_task, "assignee", me),
        *(
            op
            for task, status in ((done, "done"), (cancelled, "cancelled"), (deleted, "todo"))
            for op in (
                ("set", "task", task, "title", f"Closed {status}"),
                ("set", "task", task, "created_by", me),
                ("set", "task", task, "status", status),
                ("set", "task", task, "assignee", me),
            )
        ),
        ("set", "task", deleted, "deleted", True),
    )
    assert answer["stored"] == 15, answer
    ana = _ana(team, raj)
    try:
        before = _pulled(ana, me)
        refused = ana.push(("set", "member", me, "access", "guest"))
        assert _refused(refused) == ["guest_assignee"]
        message = refused["refused"][0]["message"]
        assert message.startswith("member.access: @raj holds 2 open tasks (") and "unassign" in message, message
        # Unassigning one of the two is not enough; the unassign itself stands (it is a manager's edit).
        half = ana.push(("set", "member", me, "access", "guest"), ("set", "task", team.task, "assignee", None))
        assert half["stored"] == 1 and [r["rule"] for r in half["refused"]] == ["guest_assignee"]
        assert half["refused"][0]["message"].startswith("member.access: @raj holds 1 open task (")
        assert _pulled(ana, me) == before
        # The other one given to someone else in the batch, after the change: made a guest.
        made = ana.push(("set", "member", me, "access", "guest"), ("set", "task", team.other_task, "assignee", team.ids["mia"]))
        assert made["stored"] == 2 and made["refused"] == [], made
        assert [op["value"] for op in _pulled(ana, me) if op["field"] == "access"][-1] == "guest"
        assert _assignees(ana, team.task)[-1] is None and _assignees(ana, team.other_task)[-1] == team.ids["mia"]
        # Done, cancelled and deleted tasks keep their assignee: history.
        assert [_assignees(ana, task) for task in (done, cancelled, deleted)] == [[me]] * 3
    finally:
        ana.http.close()


def test_a_closed_task_stays_closed_when_its_new_assignee_is_refused_or_its_holder_is_made_a_guest_with_it(
    team: Team, raj: Hostile
) -> None:
    """A reopen went through whenever its batch set the task's assignee too, even one the rules refused (to a guest):
    the task reopened, still the guest's; and a batch that made a member a guest and reopened a closed task of theirs
    left a guest holding an open task (the reopen was judged before the change, the change without the reopen)."""
    me, gus = team.ids["raj"], team.ids["gus"]
    done = new_id()
    created = raj.push(
        ("set", "task", done, "title", "Brief the client"),
        ("set", "task", done, "created_by", me),
        ("set", "task", done, "assignee", me),
        ("set", "task", done, "status", "done"),
    )
    assert created["stored"] == 4, created
    ana = _ana(team, raj)
    try:
        before = _pulled(ana, done)
        # Made a guest in the batch that reopens their task, before it or after: the change stands, the reopen does not.
        for batch in ((("status", "todo"), ("access", "guest")), (("access", "guest"), ("status", "todo"))):
            both = ana.push(*(("set", "member", me, *op) if op[0] == "access" else ("set", "task", done, *op) for op in batch))
            assert both["stored"] == 1 and [r["rule"] for r in both["refused"]] == ["guest_assignee"], both
            assert both["refused"][0]["message"].startswith(
                f"task.status: task {done[:8]} would be open and assigned to @raj, who is a guest"
            )
        assert _pulled(ana, done) == before
        for assignee in (gus, me):  # given to a guest, another or the same: both refused, and the task stays closed
            answer = ana.push(("set", "task", done, "assignee", assignee), ("set", "task", done, "status", "todo"))
            assert _refused(answer) == ["guest_assignee"] * 2, answer
        assert _pulled(ana, done) == before
    finally:
        ana.http.close()


#: Why a member who holds open tasks is not removed (rule ``removed_assignee``), after the member and the tasks it names.
REMOVED_HOLDING = "a removed member does no tasks, so the change that removes them unassigns those too"


def _leavers_tasks(team: Team) -> tuple[list[str], str, list[tuple[str, str, str, str, Any]]]:
    """raj's edits that give tmp (the leaver) three open tasks (the team's two and a new one) and a done one: the open ones' ids
    (sorted, as refusals name them), the done one's, and the edits."""
    me, leaver = team.ids["raj"], team.ids["tmp"]
    new, done = new_id(), new_id()
    created = [(task, field, value) for task in (new, done) for field, value in (("title", f"Caption {task[:4]}"), ("created_by", me))]
    edits = [
        *created,
        (team.task, "assignee", leaver),
        (team.other_task, "assignee", leaver),
        (new, "assignee", leaver),
        (done, "assignee", leaver),
    ]
    ops = [("set", "task", task, field, value) for task, field, value in [*edits, (done, "status", "done")]]
    return sorted((team.task, team.other_task, new)), done, ops


def _leavers_titles(team: Team, held: list[str]) -> str:
    """The open tasks of ``_leavers_tasks`` as ``member rm`` names them: the new one's title made of its id."""
    (new,) = set(held) - {team.task, team.other_task}
    return f"“Caption {new[:4]}”, “Draft reel”, “Other reel”"


def test_a_member_is_removed_only_by_a_batch_that_unassigns_closes_or_deletes_their_open_tasks(team: Team, raj: Hostile) -> None:
    """Only a new assignment to a removed member was refused: a removal pushed alone left their open tasks theirs, done by nobody."""
    leaver = team.ids["tmp"]
    held, done, ops = _leavers_tasks(team)
    assert raj.push(*ops)["stored"] == len(ops)
    removal = ("set", "member", leaver, "deleted", True)
    ana = _ana(team, raj)
    try:
        before = _pulled(ana, leaver)
        alone = ana.push(removal)
        assert _refused(alone) == ["removed_assignee"]
        assert (
            alone["refused"][0]["message"]
            == f"member.deleted: @tmp holds 3 open tasks ({', '.join(t[:8] for t in held)}): {REMOVED_HOLDING}"
        )
        # One task unassigned and one retitled, before the removal or after it: the removal is refused, the edits stand.
        edits = (("set", "task", held[0], "assignee", None), ("set", "task", held[1], "title", "Caption the reel"))
        for batch in ((removal, *edits), (*edits, removal)):
            answer = ana.push(*batch)
            assert answer["stored"] == 2 and [r["rule"] for r in answer["refused"]] == ["removed_assignee"], answer
            assert (
                answer["refused"][0]["message"]
                == f"member.deleted: @tmp holds 2 open tasks ({held[1][:8]}, {held[2][:8]}): {REMOVED_HOLDING}"
            )
            assert ana.push(("set", "task", held[0], "assignee", leaver))["stored"] == 1  # theirs again, for the other order
        assert _pulled(ana, leaver) == before
        # Reassigned, closed and deleted in the batch, around the removal: they are removed, and their done task stays theirs (history).
        handed_on = (("assignee", team.ids["raj"]), ("status", "done"), ("deleted", True))
        batch = [("set", "task", task, *edit) for task, edit in zip(held, handed_on)]
        removed = ana.push(batch[0], removal, *batch[1:])
        assert removed["stored"] == 4 and removed["refused"] == [], removed
        assert [op["value"] for op in _pulled(ana, leaver) if op["field"] == "deleted"] == [True]
        assert _assignees(ana, done) == [leaver]
    finally:
        ana.http.close()


def test_a_write_on_the_shared_file_removes_a_member_only_with_their_open_tasks_handed_on(team: Team) -> None:
    """A local write (a script's, a modified client's on the shared file) is judged as a push is, and refused whole."""
    leaver, ana = team.ids["tmp"], team.ids["ana"]
    held, done, ops = _leavers_tasks(team)
    with Store(team.path) as store:
        with store.write(team.ids["raj"]) as w:
            for _, entity, row_id, field, value in ops:
                w.set(entity, row_id, {field: value})
        count = "SELECT count(*) FROM ops"
        before = store.conn.execute(count).fetchone()
        for removal_first in (True, False):
            with pytest.raises(Refused) as refused, store.write(ana) as w:
                if removal_first:
                    w.delete("member", leaver)
                w.set("task", held[0], {"assignee": None})
                w.set("task", held[1], {"title": "Caption the reel"})
                if not removal_first:
                    w.delete("member", leaver)
            assert str(refused.value) == (
                f"member.deleted: @tmp holds 2 open tasks ({held[1][:8]}, {held[2][:8]}): {REMOVED_HOLDING} (rule removed_assignee)"
            )
            assert store.conn.execute(count).fetchone() == before
        with store.write(ana) as w:
            w.set("task", held[0], {"assignee": None})
            w.delete("member", leaver)
            w.set("task", held[1], {"status": "cancelled"})
            w.delete("task", held[2])
        assert store.conn.execute("SELECT deleted FROM member WHERE id = ?", (leaver,)).fetchone() == (1,)
        assert store.conn.execute("SELECT assignee FROM task WHERE id = ?", (done,)).fetchone() == (leaver,)


def test_member_rm_hands_their_open_tasks_on_in_its_own_write_which_the_shared_file_accepts(team: Team) -> None:
    """The command's write on the shared file is judged by the same rule: it reassigns their open tasks in it."""
    leaver, ana = team.ids["tmp"], team.ids["ana"]
    held, _, ops = _leavers_tasks(team)
    with Store(team.path) as store, store.write(team.ids["raj"]) as w:
        for _, entity, row_id, field, value in ops:
            w.set(entity, row_id, {field: value})
    out = crewdeck("-w", str(team.path), "--as", "ana", "member", "rm", "tmp", "--reassign", "@ana")
    assert (
        out.strip() == f"removed @tmp (their history stays); 3 open tasks of theirs are now assigned to @ana: {_leavers_titles(team, held)}"
    )
    with Store(team.path) as store:
        assert store.conn.execute("SELECT deleted FROM member WHERE id = ?", (leaver,)).fetchone() == (1,)
        assignees = dict(store.conn.execute("SELECT id, assignee FROM task WHERE id IN (?, ?, ?)", held).fetchall())
    assert assignees == dict.fromkeys(held, ana)


def test_member_rm_on_a_replica_hands_their_open_tasks_on_in_the_write_the_server_accepts(team: Team, raj: Hostile, tmp_path: Path) -> None:
    """The command's removal, pushed as any other, is never refused by the rule: it unassigns their open tasks in its own write."""
    leaver = team.ids["tmp"]
    held, done, ops = _leavers_tasks(team)
    assert raj.push(*ops)["stored"] == len(ops)
    replica = tmp_path / "ana.db"
    crewdeck("join", raj.server.url, "--token", new_token("ana", *raj.where), str(replica))
    out = crewdeck("-w", str(replica), "member", "rm", "tmp", "--unassign")
    assert out.strip() == f"removed @tmp (their history stays); 3 open tasks of theirs are now unassigned: {_leavers_titles(team, held)}"
    synced = crewdeck("-w", str(replica), "sync")
    assert "refused" not in synced and synced.strip().endswith(", 0 unsent"), synced
    assert [op["value"] for op in _pulled(raj, leaver) if op["field"] == "deleted"] == [True]
    assert [_assignees(raj, task)[-1] for task in held] == [None] * 3
    assert _assignees(raj, done) == [leaver]


def test_a_move_between_open_statuses_is_no_reopen_in_a_batch_that_fails_to_take_its_holder_off_tasks(team: Team, raj: Hostile) -> None:
    """Every open status was read as a reopen: a task's move from todo to doing, in a batch that made its holder a guest
    (or removed them) without unassigning it, was refused as "would be open and assigned to …" though it was open
    already; the change that left it theirs is the one refused."""
    me, leaver = team.ids["raj"], team.ids["tmp"]
    tasks = {me: new_id(), leaver: new_id()}
    for holder, task in tasks.items():
        fields = (("title", "Cut the reel"), ("created_by", me), ("assignee", holder), ("status", "todo"))
        created = raj.push(*(("set", "task", task, field, value) for field, value in fields))
        assert created["stored"] == 4, created
    ana = _ana(team, raj)
    try:
        for handle, change, rule in (("raj", ("access", "guest"), "guest_assignee"), ("tmp", ("deleted", True), "removed_assignee")):
            holder = team.ids[handle]
            move = ("set", "task", tasks[holder], "status", "doing")
            taking_off = ("set", "member", holder, *change)
            before = _pulled(ana, holder)
            for batch in ((move, taking_off), (taking_off, move)):  # among other records: the rules' call per operation
                answer = ana.push(*batch)
                assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == [rule], answer
                assert answer["refused"][0]["message"].startswith(f"member.{change[0]}: @{handle} holds ")
            assert [op["value"] for op in _pulled(ana, tasks[holder]) if op["field"] == "status"] == ["todo", "doing", "doing"]
            assert _pulled(ana, holder) == before
    finally:
        ana.http.close()


@pytest.fixture
def stranded(team: Team) -> dict[str, str]:
    """Open tasks held by a guest (gus's) and by a removed member (tmp's), as a client wrote them before the rules
    ``guest_assignee`` and ``removed_assignee`` were (unjudged): handle -> task id."""
    ana = team.ids["ana"]
    with Store(team.path) as store, store.write(ana, judged=False) as w:
        tasks = {
            handle: w.create(
                "task", {"title": f"Cut the reel for {handle}", "created_by": ana, "assignee": team.ids[handle], "status": "todo"}
            )
            for handle in ("gus", "tmp")
        }
        w.delete("member", team.ids["tmp"])
    return tasks


@pytest.fixture(params=["file", "postgres"])
def raj_on_stranded(request: pytest.FixtureRequest, team: Team, stranded: dict[str, str]) -> Iterator[Hostile]:
    """``raj``, served once ``stranded`` wrote its tasks (PostgreSQL holds them by the publish)."""
    yield from _served(request, team)


#: How a reopen of a stranded task is refused, after "task.FIELD: task ID would be open and assigned to @HANDLE, who ".
WHO = {"gus": "is a guest (guests see no tasks)", "tmp": "was removed from this workspace"}


def test_an_open_task_a_guest_or_a_removed_member_holds_moves_between_open_statuses_and_reopens_only_to_another(
    team: Team, stranded: dict[str, str], raj_on_stranded: Hostile
) -> None:
    """A status edit of such a task (data from before the rules) was refused as a reopen, though the task was open
    already: it reopens nothing; closing it and opening it again in one batch does, and is refused."""
    ana = _ana(team, raj_on_stranded)
    try:
        for (handle, task), rule in zip(stranded.items(), ("guest_assignee", "removed_assignee")):
            moved = ana.push(("set", "task", task, "status", "doing"))  # task edits only: the rules' pass over a batch
            assert moved["stored"] == 1 and moved["refused"] == [], moved
            # Among other records: the rules' call per operation.
            moved = ana.push(("set", "task", task, "status", "review"), ("set", "member", team.ids["ana"], "name", "Ana S."))
            assert moved["stored"] == 2 and moved["refused"] == [], moved
            # Closed (or deleted) earlier in its batch, then opened (or restored): a reopen, for nobody.
            field, closed, opened = ("status", "done", "todo") if handle == "gus" else ("deleted", True, False)
            for extra in ((), (("set", "member", team.ids["ana"], "name", "Ana"),)):
                answer = ana.push(("set", "task", task, field, closed), *extra, ("set", "task", task, field, opened))
                assert answer["stored"] == 1 + len(extra) and [r["rule"] for r in answer["refused"]] == [rule], answer
                assert answer["refused"][0]["message"] == (
                    f"task.{field}: task {task[:8]} would be open and assigned to @{handle}, who {WHO[handle]}: "
                    "assign it to someone else first"
                )
            assert [op["value"] for op in _pulled(ana, task) if op["field"] == field][-1] == closed
    finally:
        ana.http.close()


def test_an_operation_stamped_before_the_value_it_would_replace_changes_nothing_the_rules_read(
    team: Team, stranded: dict[str, str], raj_on_stranded: Hostile
) -> None:
    """The rules read each operation of a batch as what the batch leaves, whatever its stamp: an assignee stamped long ago
    (which the task's newer one outlives) let raj reopen gus's task for gus, and a campaign stamped so let him enter spend
    for a task of another campaign."""
    raj, task, me = raj_on_stranded, stranded["gus"], team.ids["raj"]
    assert raj.push(("set", "task", task, "status", "done"))["stored"] == 1
    # Task edits only (the rules' pass over a batch), and among other records (their call per operation).
    for extra in ((), ((None, "set", "member", me, "name", "Raj"),)):
        answer = raj.push_stamped(
            (LONG_AGO_MS, "set", "task", task, "assignee", team.ids["mia"]), *extra, (None, "set", "task", task, "status", "todo")
        )
        assert answer["stored"] == 1 + len(extra) and [r["rule"] for r in answer["refused"]] == ["guest_assignee"], answer
    assert [op["value"] for op in _pulled(raj, task) if op["field"] == "status"][-1] == "done"
    answer = raj.push_stamped(
        (LONG_AGO_MS, "set", "task", team.other_task, "campaign", team.campaign),
        (None, "append", "ledger_entry", new_id(), "*", _entry(me, team.campaign, task=team.other_task)),
    )
    assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["task_campaign"], answer
    # Stamped after the value it replaces, the same move counts.
    answer = raj.push(
        ("set", "task", team.other_task, "campaign", team.campaign),
        ("append", "ledger_entry", new_id(), "*", _entry(me, team.campaign, task=team.other_task)),
    )
    assert answer["stored"] == 2 and answer["refused"] == [], answer


def test_a_write_on_the_shared_file_moves_an_open_task_a_guest_holds_between_open_statuses(team: Team, stranded: dict[str, str]) -> None:
    """The same on the shared file: a local write is judged as a push is."""
    task = stranded["gus"]
    with Store(team.path) as store:
        with store.write(team.ids["ana"]) as w:
            w.set("task", task, {"status": "doing"})
        assert store.conn.execute("SELECT status FROM task WHERE id = ?", (task,)).fetchone() == ("doing",)
        with pytest.raises(Refused) as refused, store.write(team.ids["ana"]) as w:
            w.set("task", task, {"status": "cancelled"})
            w.set("task", task, {"status": "inbox"})
        assert str(refused.value) == (
            f"task.status: task {task[:8]} would be open and assigned to @gus, who {WHO['gus']}: "
            "assign it to someone else first (rule guest_assignee)"
        )
        assert store.conn.execute("SELECT status FROM task WHERE id = ?", (task,)).fetchone() == ("doing",)


def test_a_closed_task_a_guest_or_a_removed_member_holds_is_restored_closed(
    team: Team, stranded: dict[str, str], raj_on_stranded: Hostile
) -> None:
    """A deleted task's restore was read as a reopen even when its status was closed: restoring a done task of someone
    made a guest (or removed), as undoing its deletion does, was refused as "would be open and assigned to …", though
    it comes back done; restoring one that comes back open is refused."""
    ana = _ana(team, raj_on_stranded)
    try:
        for task, rule in zip(stranded.values(), ("guest_assignee", "removed_assignee")):
            assert ana.push(("set", "task", task, "status", "done"), ("set", "task", task, "deleted", True))["refused"] == []
            restored = ana.push(("set", "task", task, "deleted", False))
            assert restored["stored"] == 1 and restored["refused"] == [], restored
            # Deleted, opened while deleted (still no open task), then restored in one batch: the restore reopens it.
            reopened = ana.push(
                *(("set", "task", task, field, value) for field, value in (("deleted", True), ("status", "todo"), ("deleted", False)))
            )
            assert reopened["stored"] == 2 and [(r["rule"], r["message"].split(":")[0]) for r in reopened["refused"]] == [
                (rule, "task.deleted")
            ], reopened
            assert [op["value"] for op in _pulled(ana, task) if op["field"] in ("status", "deleted")][-2:] == [True, "todo"]
    finally:
        ana.http.close()


def _series(assignee: str, title: str = "Weekly sync") -> dict[str, Any]:
    """A weekly series' ``recurrence`` whose next instances go to ``assignee`` (its template's)."""
    rule = {"freq": "weekly", "days": ["mon"], "monthday": None, "time": "09:00", "tz": "UTC"}
    return {"rule": rule, "on": "2026-12-07", "template": {"title": title, "assignee": assignee}}


#: How a series given to a guest or a removed member is refused.
NEXT_INSTANCES = {
    "gus": ("guest_assignee", "task.recurrence: the series' next instances would go to @gus, who is a guest (guests see no tasks)"),
    "tmp": ("removed_assignee", "task.recurrence: the series' next instances would go to @tmp, who was removed from this workspace"),
}


def test_a_series_next_instances_go_to_no_guest_and_no_removed_member(
    team: Team, stranded: dict[str, str], raj_on_stranded: Hostile
) -> None:
    """A task was never assigned to a guest or a removed member, but its series' template (who the next instances go
    to) could name one: the push was stored, and each next instance went to nobody without a word."""
    raj, mia = raj_on_stranded, team.ids["mia"]
    for handle, (rule, message) in NEXT_INSTANCES.items():
        who = team.ids[handle]
        answer = raj.push(("set", "task", team.task, "recurrence", _series(who)))  # task edits only: the rules' pass over a batch
        assert _refused(answer) == [rule] and answer["refused"][0]["message"] == message
        # Among other records: the rules' call per operation.
        answer = raj.push(("set", "member", team.ids["raj"], "name", "Raj"), ("set", "task", team.task, "recurrence", _series(who)))
        assert answer["stored"] == 1 and [(r["rule"], r["message"]) for r in answer["refused"]] == [(rule, message)]
        # That one alone is refused; the series goes to a member.
        answer = raj.push(
            ("set", "task", team.other_task, "title", "Other reel"),
            ("set", "task", team.other_task, "recurrence", _series(who)),
            ("set", "task", team.other_task, "recurrence", _series(mia)),
        )
        assert answer["stored"] == 2 and [r["rule"] for r in answer["refused"]] == [rule], answer
        # A new series for them is not created at all.
        for extra in ((), (("set", "member", team.ids["raj"], "name", "Raj"),)):
            task = new_id()
            created = raj.push(*extra, ("set", "task", task, "title", "Weekly sync"), ("set", "task", task, "recurrence", _series(who)))
            assert created["stored"] == len(extra) and [r["rule"] for r in created["refused"]] == [rule] * 2, created
            assert _pulled(raj, task) == []
    assert [op for op in _pulled(raj, team.task) if op["field"] == "recurrence"] == []
    templates = [op["value"]["template"]["assignee"] for op in _pulled(raj, team.other_task) if op["field"] == "recurrence"]
    assert templates == [mia, mia]


def test_a_task_a_guest_or_a_removed_member_holds_is_made_recurring_only_for_someone_else(team: Team, stranded: dict[str, str]) -> None:
    """`set ID every=RULE` on a task held by a guest or a removed member (data from before the rules) copied them into the
    series' template: every next instance went to nobody, unsaid."""
    raj = ["-w", str(team.path), "--as", "raj"]
    before = crewdeck(*raj, "export")
    for handle, (rule, message) in NEXT_INSTANCES.items():
        err = crewdeck_fails_text(*raj, "set", stranded[handle], "every=mon 09:00")
        assert err == f"crewdeck: error: {message} (rule {rule})\n", err
    assert crewdeck(*raj, "export") == before
    crewdeck(*raj, "set", stranded["gus"], "assignee=@mia", "every=mon 09:00")
    with Store(team.path) as store:
        query = "SELECT json_extract(recurrence, '$.template.assignee') FROM task WHERE id = ?"
        assert store.conn.execute(query, (stranded["gus"],)).fetchone() == (team.ids["mia"],)


def test_a_task_and_a_series_are_assigned_only_to_a_member(team: Team, raj: Hostile) -> None:
    """An assignee that named no member (a made-up id, a campaign's) was stored: a task held by nobody anyone sees."""
    nobody = new_id()
    message = f"task.assignee: member {nobody[:8]} is no member of this workspace"
    before = _pulled(raj, team.task)
    answer = raj.push(("set", "task", team.task, "assignee", nobody))  # task edits only: the rules' pass over a batch
    assert _refused(answer) == ["unknown_member"] and answer["refused"][0]["message"] == message
    answer = raj.push(("set", "member", team.ids["raj"], "name", "Raj"), ("set", "task", team.task, "assignee", team.campaign))
    assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["unknown_member"]
    answer = raj.push(("set", "task", team.task, "recurrence", _series(nobody)))
    assert _refused(answer) == ["unknown_member"]
    assert (
        answer["refused"][0]["message"]
        == f"task.recurrence: the series' next instances would go to member {nobody[:8]}, who is no member of this workspace"
    )
    assert _pulled(raj, team.task)[: len(before)] == before
    assert [op["value"] for op in _pulled(raj, team.task) if op["field"] in ("assignee", "recurrence")] == [
        op["value"] for op in before if op["field"] in ("assignee", "recurrence")
    ]


def test_a_member_added_in_the_same_push_takes_tasks_whichever_comes_first(team: Team, raj: Hostile) -> None:
    """A member is made in the push that assigns them, after the assignment: taken; one whose making is refused takes none."""
    ana = _ana(team, raj)
    try:
        zoe, dup = new_id(), new_id()
        answer = ana.push(
            ("set", "task", team.task, "assignee", zoe),
            *(("set", "member", zoe, name, value) for name, value in (("handle", "zoe"), ("name", "Zoë"), ("tz", "UTC"))),
        )
        assert answer["stored"] == 4 and answer["refused"] == []
        answer = ana.push(
            ("set", "task", team.other_task, "assignee", dup),
            *(("set", "member", dup, name, value) for name, value in (("handle", "raj"), ("name", "Raj 2"), ("tz", "UTC"))),
        )
        assert [r["rule"] for r in answer["refused"]] == ["unknown_member", "unique_handle", "unique_handle", "unique_handle"]
        assert answer["refused"][0]["message"] == f"task.assignee: member @raj ({dup[:8]}) is refused in the same batch"
    finally:
        ana.http.close()


def test_a_pushed_handle_the_filters_read_as_a_word_is_refused(team: Team, raj: Hostile) -> None:
    """A replica that never asked the rules (an old one, a modified client) gives a member @me or @none: the filters would
    read it as "you" or "nobody", and the member could never be filtered by it.  Refused with its rule, nothing stored."""
    ana = _ana(team, raj)
    try:
        before = _pulled(ana, team.ids["raj"])
        answer = ana.push(("set", "member", team.ids["raj"], "handle", "none"))
        assert _refused(answer) == ["filter_word_handle"]
        assert answer["refused"][0]["message"].startswith("member.handle: @none is what filters read as “nobody”")
        mei = new_id()
        answer = ana.push(*(("set", "member", mei, name, value) for name, value in (("handle", "me"), ("name", "Mei"), ("tz", "UTC"))))
        assert _refused(answer) == ["filter_word_handle"] * 3  # the record is refused whole, as for a taken handle
        assert _pulled(ana, team.ids["raj"]) == before and _pulled(ana, mei) == []
        # A handle that only starts so is anyone's.
        assert ana.push(("set", "member", team.ids["raj"], "handle", "meera"))["refused"] == []
    finally:
        ana.http.close()


def test_a_ledger_entry_names_a_campaign_and_a_task_that_exist(team: Team, raj: Hostile) -> None:
    """An entry's campaign or task naming no such record (a made-up id, a member's) was stored: spend no report counts."""
    me, nowhere = team.ids["raj"], new_id()
    cases = [
        (_entry(me, nowhere), "unknown_campaign", f"ledger_entry.campaign: no campaign {nowhere[:8]} in this workspace"),
        (_entry(me, me), "unknown_campaign", f"ledger_entry.campaign: no campaign {me[:8]} in this workspace"),
        (_entry(me, team.campaign, task=nowhere), "unknown_task", f"ledger_entry.task: no task {nowhere[:8]} in this workspace"),
        (
            _entry(me, team.campaign, task=team.campaign),
            "unknown_task",
            f"ledger_entry.task: no task {team.campaign[:8]} in this workspace",
        ),
    ]
    for record, rule, message in cases:
        entry = new_id()
        answer = raj.push(("append", "ledger_entry", entry, "*", record))
        assert _refused(answer) == [rule] and answer["refused"][0]["message"] == message
        assert _pulled(raj, entry) == []
    # Entries of one campaign in one push: each is judged by its own task (the first names none, the second no task).
    answer = raj.push(
        ("append", "ledger_entry", new_id(), "*", _entry(me, team.campaign)),
        ("append", "ledger_entry", new_id(), "*", _entry(me, team.campaign, task=nowhere)),
    )
    assert [r["rule"] for r in answer["refused"]] == ["unknown_task"]
    # A task made in the same push, after the entry: taken.
    task, entry = new_id(), new_id()
    answer = raj.push(
        ("append", "ledger_entry", entry, "*", _entry(me, team.campaign, task=task)),
        ("set", "task", task, "title", "Boost the reel"),
        ("set", "task", task, "campaign", team.campaign),
    )
    assert answer["stored"] == 3 and answer["refused"] == []
    # One whose making is refused takes no spend.
    task, entry = new_id(), new_id()
    answer = raj.push(
        ("append", "ledger_entry", entry, "*", _entry(me, team.campaign, task=task)),
        ("set", "task", task, "title", "Boost\x1b the reel"),
    )
    assert _refused(answer) == ["unknown_task", "control_characters"]
    assert answer["refused"][0]["message"] == f"ledger_entry.task: task “Boost^[ the reel” ({task[:8]}) is refused in the same batch"


def test_a_result_names_a_task_and_a_campaign_that_exist(team: Team, raj: Hostile) -> None:
    """A result of a post that was a member's id, or of no campaign, was stored: numbers no report shows."""
    me, nowhere = team.ids["raj"], new_id()
    day = "2026-11-25"
    of_member = result_id("post", day, post=me)
    answer = raj.push(*(("set", "result", of_member, k, v) for k, v in (("kind", "post"), ("post", me), ("day", day), ("clicks", 3))))
    assert _refused(answer) == ["unknown_post"] * 4
    assert answer["refused"][0]["message"] == f"result.post: no task {me[:8]} in this workspace"
    of_nowhere = result_id("campaign", day, campaign=nowhere, platform="meta")
    fields = {"kind": "campaign", "campaign": nowhere, "platform": "meta", "day": day, "reach": 9}
    answer = raj.push(*(("set", "result", of_nowhere, k, v) for k, v in fields.items()))
    assert _refused(answer) == ["unknown_campaign"] * 5
    assert answer["refused"][0]["message"] == f"result.campaign: no campaign {nowhere[:8]} in this workspace"
    assert _pulled(raj, of_member) == [] and _pulled(raj, of_nowhere) == []
    # A post's results: taken.
    post = team.posts["by tmp"]["raj"]
    of_post = result_id("post", day, post=post)
    answer = raj.push(*(("set", "result", of_post, k, v) for k, v in (("kind", "post"), ("post", post), ("day", day), ("clicks", 3))))
    assert answer["stored"] == 4
    # A real post's result and a made-up post's in one push: each judged by the post it names (reviewer ryc).
    later = "2026-11-26"
    pairs = [(result_id("post", later, post=named), named) for named in (post, nowhere)]
    fields = [(row_id, (("kind", "post"), ("post", named), ("day", later), ("clicks", 5))) for row_id, named in pairs]
    answer = raj.push(*(("set", "result", row_id, k, v) for row_id, given in fields for k, v in given))
    assert answer["stored"] == 4 and [r["rule"] for r in answer["refused"]] == ["unknown_post"] * 4
    assert answer["refused"][0]["message"] == f"result.post: no task {nowhere[:8]} in this workspace"


def test_a_task_and_a_budget_name_a_campaign_that_exists(team: Team, raj: Hostile) -> None:
    """A task moved to a made-up campaign left every campaign's approval chain and crisis hold; a budget of no campaign
    was stored: money no report shows."""
    nowhere = new_id()
    before = _pulled(raj, team.task)
    answer = raj.push(("set", "task", team.task, "campaign", nowhere))
    assert _refused(answer) == ["unknown_campaign"]
    assert answer["refused"][0]["message"] == f"task.campaign: no campaign {nowhere[:8]} in this workspace"
    assert _pulled(raj, team.task) == before
    # Out of every campaign: taken.
    answer = raj.push(("set", "task", team.task, "campaign", None))
    assert answer["stored"] == 1 and answer["refused"] == []
    ana = _ana(team, raj)
    try:
        # Into one made in the same push, after the move: taken.
        made = new_id()
        answer = ana.push(("set", "task", team.task, "campaign", made), ("set", "campaign", made, "name", "Spring"))
        assert answer["refused"] == [] and answer["stored"] == 2
        budget = budget_id(nowhere, "ads", "run")
        fields = {"campaign": nowhere, "category": "ads", "period": "run", "amount": 100, "currency": "EUR"}
        answer = ana.push(*(("set", "budget", budget, k, v) for k, v in fields.items()))
        assert _refused(answer) == ["unknown_campaign"] * 5
        assert answer["refused"][0]["message"] == f"budget.campaign: no campaign {nowhere[:8]} in this workspace"
    finally:
        ana.http.close()


def test_a_write_on_the_shared_file_names_only_records_that_exist(team: Team) -> None:
    raj, nowhere = team.ids["raj"], new_id()
    with Store(team.path) as store:
        before = store.op_count()
        with pytest.raises(Refused, match=r"rule unknown_member"), store.write(raj) as w:
            w.set("task", team.task, {"assignee": nowhere})
        with pytest.raises(Refused, match=r"rule unknown_campaign"), store.write(raj) as w:
            w.append("ledger_entry", _entry(raj, nowhere))
        with pytest.raises(Refused, match=r"rule unknown_campaign"), store.write(raj) as w:
            w.set("task", team.task, {"campaign": nowhere})
        with pytest.raises(Refused, match=r"rule unknown_post"), store.write(raj) as w:
            w.set("result", result_id("post", "2026-11-25", post=raj), {"kind": "post", "post": raj, "day": "2026-11-25", "clicks": 1})
        assert store.op_count() == before
        # A campaign and its spend in one write: taken.
        ana = team.ids["ana"]
        with store.write(ana) as w:
            campaign = w.create("campaign", {"name": "Winter"})
            w.append("ledger_entry", _entry(ana, campaign))


def test_a_task_waits_for_and_duplicates_only_other_tasks(team: Team, raj: Hostile) -> None:
    """``set depends_on=`` and ``duplicate_of=`` refuse the task itself and what is no task; a push took both: a task
    waiting for itself was held up for ever, a duplicate of a campaign pointed nowhere."""
    task, nowhere, me = team.task, new_id(), team.ids["raj"]
    before = _pulled(raj, task)
    cases = [
        ("depends_on", [team.other_task, task], "invalid_value", f"task.depends_on: task {task[:8]} cannot wait for itself"),
        ("duplicate_of", task, "invalid_value", f"task.duplicate_of: task {task[:8]} cannot be a duplicate of itself"),
        ("depends_on", [team.campaign], "unknown_task", f"task.depends_on: {team.campaign[:8]} is a campaign, not a task"),
        ("duplicate_of", me, "unknown_task", f"task.duplicate_of: {me[:8]} is a member, not a task"),
        ("duplicate_of", nowhere, "unknown_task", f"task.duplicate_of: no task {nowhere[:8]} in this workspace"),
    ]
    for field, value, rule, message in cases:
        # Task edits alone (the rules' pass over a large batch), and beside another record.
        for extra in ((), (("set", "member", me, "name", "Raj"),)):
            answer = raj.push(("set", "task", task, field, value), *extra)
            assert answer["stored"] == len(extra) and [(r["rule"], r["message"]) for r in answer["refused"]] == [(rule, message)]
    assert _pulled(raj, task) == before
    # Another task, one made in the same push, and one never here (a Taskwarrior export's of a project not imported): taken.
    made = new_id()
    answer = raj.push(
        ("set", "task", task, "depends_on", [team.other_task, made, nowhere]),
        ("set", "task", made, "title", "Brief"),
        ("set", "task", team.other_task, "duplicate_of", made),
    )
    assert answer["stored"] == 3 and answer["refused"] == []
    # One whose making is refused is named by nothing.
    refused = new_id()
    answer = raj.push(("set", "task", refused, "title", "Bad\x1b brief"), ("set", "task", task, "duplicate_of", refused))
    assert [r["rule"] for r in answer["refused"]] == ["control_characters", "unknown_task"]
    assert answer["refused"][1]["message"] == f"task.duplicate_of: task “Bad^[ brief” ({refused[:8]}) is refused in the same batch"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("link", "javascript:alert(1)", "task.link: 'javascript:alert(1)' is not a web address (https://...)"),
        ("link", "data:text/html,<script>x</script>", "task.link: 'data:text/html,<script>x</script>' is not a web address (https://...)"),
        ("link", "https:no-host", "task.link: 'https:no-host' is not a web address (https://...)"),
        ("live_url", "javascript:alert(1)", "task.live_url: 'javascript:alert(1)' is not a web address (https://...)"),
        (
            "media",
            ["a.png", "data:image/svg+xml,<svg/>"],
            "task.media: 'data:image/svg+xml,<svg/>' is an address that runs where it is opened, not media (a path or a URL)",
        ),
        (
            "media",
            ["JavaScript:alert(1)"],
            "task.media: 'JavaScript:alert(1)' is an address that runs where it is opened, not media (a path or a URL)",
        ),
        (
            "media",
            ["\tvbscript:msgbox(1)"],
            "task.media: '\\tvbscript:msgbox(1)' is an address that runs where it is opened, not media (a path or a URL)",
        ),
        ("media", [" "], "task.media: an empty reference (give a path or a URL for each)"),
    ],
    ids=[
        "link-javascript",
        "link-data",
        "link-no-host",
        "live_url-javascript",
        "media-data",
        "media-javascript",
        "media-vbscript",
        "media-blank",
    ],
)
def test_a_posts_link_live_url_and_media_are_web_addresses_or_paths(team: Team, raj: Hostile, field: str, value: Any, message: str) -> None:
    """``post copy --link`` and ``post publish --url`` refuse any address but http(s), media ``javascript:`` too: a push
    stored them, for the scheduler's export and every reviewer's screen."""
    post = team.posts["by tmp"]["raj"]
    before = _pulled(raj, post)
    for extra in ((), (("set", "member", team.ids["raj"], "name", "Raj"),)):
        answer = raj.push(("set", "task", post, field, value), *extra)
        assert answer["stored"] == len(extra) and [(r["rule"], r["message"]) for r in answer["refused"]] == [("invalid_value", message)]
    assert _pulled(raj, post) == before
    # A web address, and media by path (a Windows drive's too) or by any address that names a file: taken, as every
    # reference stored before this rule must go on syncing.
    media = ["C:\\pics\\a.png", "./q3:plan.png", "s3://brand-assets/launch.png", "gs://b/reel.mp4", "draft:v2.png"]
    answer = raj.push(("set", "task", post, "link", "https://example.com/launch"), ("set", "task", post, "media", media))
    assert answer["stored"] == 2 and answer["refused"] == []


def test_a_write_on_the_shared_file_takes_the_values_the_commands_take(team: Team) -> None:
    raj = team.ids["raj"]
    post = team.posts["by tmp"]["raj"]
    with Store(team.path) as store:
        before = store.op_count()
        for field, value, said in (
            ("depends_on", [team.task], f"task.depends_on: task {team.task[:8]} cannot wait for itself (rule invalid_value)"),
            ("depends_on", [team.campaign], f"task.depends_on: {team.campaign[:8]} is a campaign, not a task (rule unknown_task)"),
            ("duplicate_of", team.campaign, f"task.duplicate_of: {team.campaign[:8]} is a campaign, not a task (rule unknown_task)"),
            ("link", "javascript:alert(1)", "task.link: 'javascript:alert(1)' is not a web address (https://...) (rule invalid_value)"),
            (
                "media",
                ["data:,x"],
                "task.media: 'data:,x' is an address that runs where it is opened, not media (a path or a URL) (rule invalid_value)",
            ),
        ):
            with pytest.raises(Refused) as refused, store.write(raj) as w:
                w.set("task", post if field in ("link", "media") else team.task, {field: value})
            assert str(refused.value) == said
        assert store.op_count() == before
        # Another task, held here (a write looks up the records it writes, not those they name): taken.
        with store.write(raj) as w:
            w.set("task", team.task, {"depends_on": [team.other_task], "duplicate_of": team.other_task})


def test_a_request_for_changes_says_what_to_change(team: Team, raj: Hostile) -> None:
    """``post reject`` and the app ask for a note; a push stored a request for changes with none: the author, blocked
    until they submit again, was never told what to change."""
    message = "post_approval.note: a request for changes needs a note saying what to change"
    for note in ("", "   "):
        record = _verdict(team, team.ids["raj"], "by tmp", verdict="reject") | {"note": note}
        answer = raj.push(("append", "post_approval", new_id(), "*", record))
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [("invalid_value", message)] and answer["stored"] == 0
    record = _verdict(team, team.ids["raj"], "by tmp", verdict="reject") | {"note": "Shorter, please"}
    assert raj.push(("append", "post_approval", new_id(), "*", record))["stored"] == 1


def test_a_guest_requests_changes_on_the_shared_file_only_saying_what_to_change(team: Team) -> None:
    """A guest's session writes on the served or shared file, judged there: a note is asked of them as of anyone."""
    gus = team.ids["gus"]
    with Store(team.path) as store:
        before = store.op_count()
        with pytest.raises(Refused, match=r"needs a note saying what to change \(rule invalid_value\)"), store.write(gus) as w:
            w.append("post_approval", _verdict(team, gus, "by tmp", verdict="reject"))
        assert store.op_count() == before
        with store.write(gus) as w:
            w.append("post_approval", _verdict(team, gus, "by tmp", verdict="reject") | {"note": "Not our tone"})


def test_an_approval_chain_names_each_step_once_and_only_members(team: Team, raj: Hostile) -> None:
    """``--approvals`` refuses a step named twice and a member nobody is; a push stored both: a verdict names its step, so
    the second "review" could never be taken, and a step of nobody's, and every post of the campaign waited for ever."""
    nobody = new_id()
    review = {"name": "review", "member": None, "group": "reviewers"}
    cases = [
        (
            "campaign",
            team.campaign,
            [review, review | {"group": "legal"}],
            "invalid_value",
            "campaign.approvals: step 'review' is named twice",
        ),
        (
            "workspace",
            "workspace",
            [review, {"name": "legal", "member": nobody, "group": None}],
            "unknown_member",
            f"workspace.approvals: step 'legal' names member {nobody[:8]}, who is no member of this workspace",
        ),
    ]
    ana = _ana(team, raj)
    try:
        for entity, row_id, chain, rule, message in cases:
            before = _pulled(ana, row_id)
            answer = ana.push(("set", entity, row_id, "approvals", chain))
            assert [(r["rule"], r["message"]) for r in answer["refused"]] == [(rule, message)] and answer["stored"] == 0
            assert _pulled(ana, row_id) == before
        # Two steps of their own names, one of a member: taken.
        chain = [review, {"name": "legal", "member": team.ids["mia"], "group": None}]
        assert ana.push(("set", "campaign", team.campaign, "approvals", chain))["stored"] == 1
    finally:
        ana.http.close()


def test_a_budget_and_a_rate_hold_what_their_ids_name(team: Team, raj: Hostile) -> None:
    """``budget set`` and ``rate set`` key each record by what it holds, so two replicas setting one converge; a push
    stored a budget of Launch under the id of another campaign's (a second budget of the same spend, counted twice
    beside the one ``budget set`` changes) and a rate of EUR in EUR."""
    with Store(team.path) as store:
        other = store.conn.execute("SELECT id FROM campaign WHERE name = 'Other'").fetchone()[0]
    misnamed = budget_id(other, "ads", "run")
    budget = {"campaign": team.campaign, "category": "ads", "period": "run", "amount": 100, "currency": "EUR"}
    same = rate_id("2026-11-20", "EUR", "EUR")
    rate = {"date": "2026-11-20", "base": "EUR", "quote": "EUR", "rate": "1.5"}
    swapped = rate_id("2026-11-20", "USD", "EUR")
    cases = [
        ("budget", misnamed, budget, f"budget.campaign: {team.campaign!r} is not what the id {misnamed} names ({other!r})"),
        ("rate", same, rate, f"{same}: a rate needs two different currencies"),
        ("rate", swapped, rate | {"base": "EUR", "quote": "USD"}, f"rate.base: 'EUR' is not what the id {swapped} names ('USD')"),
        ("budget", "budget:x", budget, "'budget:x' is not a budget id (budget:CAMPAIGN:CATEGORY:PERIOD)"),
    ]
    ana = _ana(team, raj)
    try:
        for entity, row_id, fields, message in cases:
            answer = ana.push(*(("set", entity, row_id, name, value) for name, value in fields.items()))
            assert answer["stored"] == 0 and {r["rule"] for r in answer["refused"]} == {"record_key"}, answer
            assert message in {r["message"] for r in answer["refused"]}, answer
            assert _pulled(ana, row_id) == []
        # As the commands key them: taken.
        fields = {**budget, "campaign": other}
        assert ana.push(*(("set", "budget", misnamed, name, value) for name, value in fields.items()))["stored"] == 5
        fields = rate | {"base": "USD", "quote": "EUR"}
        assert ana.push(*(("set", "rate", swapped, name, value) for name, value in fields.items()))["stored"] == 4
    finally:
        ana.http.close()


def test_a_guests_campaigns_are_campaigns(team: Team, raj: Hostile) -> None:
    """``member set --campaigns`` names campaigns by name; a push gave a guest a task's id for one: a client shown nothing
    of it, with nobody told why."""
    gus = team.ids["gus"]
    ana = _ana(team, raj)
    try:
        before = _pulled(ana, gus)
        answer = ana.push(("set", "member", gus, "campaigns", [team.campaign, team.task]))
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
            ("unknown_campaign", f"member.campaigns: no campaign {team.task[:8]} in this workspace")
        ]
        assert _pulled(ana, gus) == before
        assert ana.push(("set", "member", gus, "campaigns", [team.campaign]))["stored"] == 1
    finally:
        ana.http.close()


@pytest.fixture(params=["file", "postgres"])
def entered_acting(request: pytest.FixtureRequest, team: Team) -> Iterator[tuple[Hostile, str]]:
    """ana's raw pushes, to the team's file served or published, which holds pending spend she entered on the shared
    host acting as mia (``--as mia``): ``(ana, entry id)``."""
    entry = crewdeck(
        "-w", str(team.path), "--as", "mia", "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta",
        "--amount", "900 EUR", "--pending",
    ).strip()  # fmt: skip
    served = _served(request, team)
    ana = _ana(team, next(served))
    yield ana, entry
    ana.http.close()
    next(served, None)  # the server stops


def test_spend_a_manager_entered_acting_as_another_is_theirs_to_approve_no_more(team: Team, entered_acting: tuple[Hostile, str]) -> None:
    """ana entered pending spend as mia (``--as mia``), then approved it as herself: entered by mia, it read as another
    manager's, though the log says "@ana as @mia" entered it."""
    ana, entry = entered_acting
    approval = {"entry": entry, "approved_by": team.ids["ana"], "approved_at": "2026-11-26T09:00:00Z"}
    answer = ana.push(("append", "approval", new_id(), "*", approval))
    assert _refused(answer) == ["self_approval"]
    assert answer["refused"][0]["message"] == f"@ana entered {entry[:8]} acting as another member: another manager must approve it"


def test_a_write_on_the_shared_file_approves_no_spend_its_manager_entered_acting_as_another(team: Team) -> None:
    where = ["-w", str(team.path)]
    entry = crewdeck(
        *where, "--as", "mia", "ledger", "add", "--campaign", "launch", "--category", "ads", "--payee", "Meta", "--amount", "900 EUR",
        "--pending",
    ).strip()  # fmt: skip
    refused = crewdeck_fails_text(*where, "ledger", "approve", entry)
    assert refused.strip().endswith(
        f"@ana entered {entry[:8]} acting as another member: another manager must approve it (rule self_approval)"
    )
    with Store(team.path) as store:
        assert store.conn.execute("SELECT count(*) FROM approval WHERE entry = ?", (entry,)).fetchone()[0] == 0


@pytest.fixture(params=["file", "postgres"])
def written_acting(request: pytest.FixtureRequest, team: Team) -> Iterator[tuple[Hostile, dict[str, Any]]]:
    """ana's raw pushes, to the team's file served or published, in which she rewrote and submitted tmp's post
    “by tmp for ana” on the shared host acting as tmp (``--as tmp``): ``(ana, her verdict approving that round)``."""
    post = team.posts["by tmp"]["ana"]
    where = ["-w", str(team.path), "--as", "tmp"]
    crewdeck(*where, "post", "copy", post[:8], "Ana's words")
    crewdeck(*where, "post", "submit", post[:8])
    with Store(team.path) as store:
        submitted = json.loads(store.conn.execute("SELECT post_round FROM task WHERE id = ?", (post,)).fetchone()[0])
    verdict = {
        "post": post,
        "round": submitted["id"],
        "step": "review",
        "hash": submitted["hash"],
        "verdict": "approve",
        "note": "",
        "approved_by": team.ids["ana"],
        "approved_at": "2026-11-26T09:00:00Z",
    }
    served = _served(request, team)
    ana = _ana(team, next(served))
    yield ana, verdict
    ana.http.close()
    next(served, None)  # the server stops


def test_content_a_manager_wrote_acting_as_another_makes_them_an_author_of_its_round(
    written_acting: tuple[Hostile, dict[str, Any]],
) -> None:
    """ana rewrote tmp's post as tmp (``--as tmp``) and approved the round as herself: its authors were tmp alone."""
    ana, verdict = written_acting
    answer = ana.push(("append", "post_approval", new_id(), "*", verdict))
    assert _refused(answer) == ["round_author"]
    assert answer["refused"][0]["message"] == "@ana changed the content of “by tmp for ana” in this round: another reviewer takes it"


def test_a_write_on_the_shared_file_reviews_no_round_its_manager_wrote_acting_as_another(team: Team) -> None:
    post = team.posts["by tmp"]["ana"]
    where = ["-w", str(team.path)]
    assert "by tmp for ana" in crewdeck(*where, "post", "list", "needs:@ana")
    crewdeck(*where, "--as", "tmp", "post", "copy", post[:8], "Ana's words")
    crewdeck(*where, "--as", "tmp", "post", "submit", post[:8])
    # Nor is it listed as waiting for her (the Approvals view, needs:@me).
    assert "by tmp for ana" not in listing(*where, "post", "list", "needs:@ana")
    refused = crewdeck_fails_text(*where, "post", "approve", post[:8])
    assert "@ana changed the content of “by tmp for ana” in this round: another reviewer takes it (rule round_author)" in refused, refused
    with Store(team.path) as store:
        assert (
            store.conn.execute("SELECT count(*) FROM post_approval WHERE post = ? AND approved_by = ?", (post, team.ids["ana"])).fetchone()[
                0
            ]
            == 0
        )


def test_spend_approved_already_or_reversed_is_approved_no_more(team: Team, raj: Hostile) -> None:
    """A second approval of raj's pending spend, and one of spend he reversed, were accepted: they changed no total, and
    the log said a manager approved what no longer waited for anyone."""
    ana = _ana(team, raj)
    try:
        me, pending = team.ids["raj"], team.pending["raj"]

        def approval(entry: str) -> tuple[str, str, str, str, dict[str, Any]]:
            return (
                "append",
                "approval",
                new_id(),
                "*",
                {"entry": entry, "approved_by": team.ids["ana"], "approved_at": "2026-11-26T09:00:00Z"},
            )

        answer = ana.push(approval(pending), approval(pending))
        assert answer["stored"] == 1 and [(r["rule"], r["message"]) for r in answer["refused"]] == [
            ("not_pending", f"entry {pending[:8]} is already approved (by @ana)")
        ]
        assert _refused(ana.push(approval(pending))) == ["not_pending"]
        # His new pending spend, taken back before anyone approved it: the two net to zero.
        entry, reversal, spend = new_id(), new_id(), _entry(me, team.campaign, needs_approval=True)
        assert raj.push(("append", "ledger_entry", entry, "*", spend))["stored"] == 1
        assert raj.push(("append", "ledger_entry", reversal, "*", spend | {"amount": -spend["amount"], "reverses": entry}))["stored"] == 1
        answer = ana.push(approval(entry))
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
            ("not_pending", f"entry {entry[:8]} was reversed ({reversal[:8]}): the two net to zero, nothing to approve")
        ]
    finally:
        ana.http.close()


def test_a_write_on_the_shared_file_approves_spend_once(team: Team) -> None:
    pending, ana = team.pending["raj"], team.ids["ana"]
    record = {"entry": pending, "approved_by": ana, "approved_at": "2026-11-26T09:00:00Z"}
    with Store(team.path) as store:
        with store.write(ana) as w:
            w.append("approval", record)
        with (
            pytest.raises(Refused, match=rf"entry {pending[:8]} is already approved \(by @ana\) \(rule not_pending\)"),
            store.write(team.ids["mia"]) as w,
        ):
            w.append("approval", record | {"approved_by": team.ids["mia"]})
        assert store.conn.execute("SELECT count(*) FROM approval WHERE entry = ?", (pending,)).fetchone()[0] == 1


def test_a_campaign_ends_on_or_after_its_start_for_every_way_in(team: Team, raj: Hostile) -> None:
    """``campaign add`` and ``campaign set`` refuse an end before the start; a manager's push stored one."""
    ana = _ana(team, raj)
    try:
        launch = team.campaign

        def run(row_id: str, **days: str) -> list[tuple[str, str, str, str, Any]]:
            return [("set", "campaign", row_id, name, day) for name, day in days.items()]

        assert ana.push(*run(launch, start="2027-03-01", end="2027-03-31"))["stored"] == 2
        before = _pulled(ana, launch)
        answer = ana.push(*run(launch, end="2027-02-01"))
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
            ("invalid_value", "campaign.end: campaign “Launch” would end 2027-02-01, before it starts (2027-03-01)")
        ]
        assert _refused(ana.push(*run(launch, start="2027-04-01"))) == ["invalid_value"]
        assert _pulled(ana, launch) == before
        # Both days moved later in one batch, the start first: one move, judged as the batch leaves the run.
        assert ana.push(*run(launch, start="2027-05-01", end="2027-05-31"))["stored"] == 2
        # A campaign created running backwards is refused whole, named as the batch names it.
        spring = new_id()
        answer = ana.push(("set", "campaign", spring, "name", "Spring"), *run(spring, start="2027-01-10", end="2027-01-01"))
        assert _refused(answer) == ["invalid_value"] * 3
        assert answer["refused"][0]["message"] == "campaign.start: campaign “Spring” would end 2027-01-01, before it starts (2027-01-10)"
    finally:
        ana.http.close()


def _launch_in_march(team: Team, ana: Hostile) -> tuple[str, list[dict[str, Any]]]:
    """The team's campaign set by ana to run through March 2027: its id, and its operations as pulled then."""
    launch = team.campaign
    assert ana.push(("set", "campaign", launch, "start", "2027-03-01"), ("set", "campaign", launch, "end", "2027-03-31"))["stored"] == 2
    return launch, _pulled(ana, launch)


def test_a_refused_end_outlives_no_end_before_the_start(team: Team, raj: Hostile) -> None:
    """An end the rules refused, stamped after another end earlier in the push, counted as outliving it: that end, read as
    changing nothing, was never judged, and stored: the campaign ended before it started."""
    ana = _ana(team, raj)
    try:
        launch, before = _launch_in_march(team, ana)
        now = wall_ms()
        answer = ana.push_from_nodes(
            ("a" * 16, now + 300, "set", "campaign", launch, "end", "2027-02-01"),
            ("b" * 16, now + 200, "set", "campaign", launch, "end", "2027-02-15"),
        )
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
            ("invalid_value", "campaign.end: campaign “Launch” would end 2027-02-01, before it starts (2027-03-01)"),
            ("invalid_value", "campaign.end: campaign “Launch” would end 2027-02-15, before it starts (2027-03-01)"),
        ]
        assert _pulled(ana, launch) == before
    finally:
        ana.http.close()


def test_a_long_chain_of_refused_ends_is_answered_with_nothing_before_the_start_stored(team: Team, raj: Hostile) -> None:
    """Ends before the start, each from a node of its own, the first stamped newest: each refused end outlived the next,
    and the push was judged again once per end, nested: 1,200 of them took the server's answer to a 500 (its recursion's
    limit), after seconds of judging, quadratic in the push's size (reviewer rt)."""
    ana = _ana(team, raj)
    try:
        launch, before = _launch_in_march(team, ana)
        now = wall_ms()
        chain = 1_200
        answer = ana.push_from_nodes(
            *(
                ("%016x" % (0xABC000 + i), now + 10 * (chain - i), "set", "campaign", launch, "end", f"2027-02-{1 + i % 27:02d}")
                for i in range(chain)
            )
        )
        rules = Counter(r["rule"] for r in answer["refused"])
        assert rules["invalid_value"] + rules["outlived_refused"] == chain and rules["outlived_refused"] > 0, rules
        assert _pulled(ana, launch) == before
    finally:
        ana.http.close()


def test_a_write_on_the_shared_file_keeps_a_campaigns_end_on_or_after_its_start(team: Team) -> None:
    with Store(team.path) as store:
        with store.write(team.ids["ana"]) as w:
            w.set("campaign", team.campaign, {"start": "2027-03-01"})
        with (
            pytest.raises(Refused, match=r"campaign\.end: campaign “Launch” would end 2027-02-01, before it starts \(2027-03-01\)"),
            store.write(team.ids["ana"]) as w,
        ):
            w.set("campaign", team.campaign, {"end": "2027-02-01"})
        assert store.conn.execute("SELECT [end] FROM campaign WHERE id = ?", (team.campaign,)).fetchone() == (None,)


def test_a_post_is_submitted_with_copy_its_platform_takes(team: Team, raj: Hostile) -> None:
    """``post submit`` refuses copy over its platform's limits; a push submitted 281 characters for X, and six hashtags
    for Instagram, for review, and the reviewers approved a post the platform then refused to publish."""
    post = team.posts["by tmp"]["raj"]
    over = "a" * 281
    assert raj.push(("set", "task", post, "platform", "x"), ("set", "task", post, "copy", over))["stored"] == 2
    answer = raj.push(("set", "task", post, "post_round", _round(team, post, _content(team, post, copy=over))))
    assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
        ("copy_limits", "task.post_round: “by tmp for raj” cannot be submitted: x takes at most 280 weighted characters; this copy has 281")
    ]
    # Judged as the batch leaves the copy and the platform.
    fits = _content(team, post, copy="a" * 280)
    assert raj.push(("set", "task", post, "copy", "a" * 280), ("set", "task", post, "post_round", _round(team, post, fits)))["stored"] == 2
    tags = "#a #b #c #d #e #f"
    answer = raj.push(
        ("set", "task", post, "platform", "Instagram"),
        ("set", "task", post, "copy", tags),
        ("set", "task", post, "post_round", _round(team, post, _content(team, post, copy=tags))),
    )
    assert answer["stored"] == 2 and [(r["rule"], r["message"]) for r in answer["refused"]] == [
        ("copy_limits", "task.post_round: “by tmp for raj” cannot be submitted: Instagram takes at most 5 hashtags; this copy has 6")
    ]


def test_a_write_on_the_shared_file_submits_no_copy_over_its_platforms_limits(team: Team) -> None:
    post, raj = team.posts["by tmp"]["raj"], team.ids["raj"]
    over = "b" * 301
    with Store(team.path) as store:
        with store.write(raj) as w:
            w.set("task", post, {"platform": "bluesky", "copy": over})
        with (
            pytest.raises(Refused, match=r"bluesky takes at most 300 characters; this copy has 301 \(rule copy_limits\)"),
            store.write(raj) as w,
        ):
            w.set("task", post, {"post_round": _round(team, post, _content(team, post, copy=over))})
        assert json.loads(store.conn.execute("SELECT post_round FROM task WHERE id = ?", (post,)).fetchone()[0])["hash"] != _content(
            team, post, copy=over
        )


def test_a_crisis_names_platforms_there_are_for_every_way_in(team: Team, raj: Hostile) -> None:
    """``crisis start --platforms instgram`` is refused (a typo holds nothing back); a manager's push started it, and the
    team read a crisis that paused no post."""
    ana = _ana(team, raj)
    try:

        def crisis(*platforms: str) -> tuple[str, str, str, str, Any]:
            record = {"reason": "Outage", "campaigns": [], "platforms": list(platforms), "started_by": team.ids["ana"]}
            return ("append", "crisis", new_id(), "*", record | {"started_at": "2026-11-20T10:00:00Z"})

        answer = ana.push(crisis("instagram", "instgram"))
        assert [(r["rule"], r["message"]) for r in answer["refused"]] == [
            ("unknown_platform", "crisis.platforms: no campaign or post here uses platform 'instgram', and it is none crewdeck knows")
        ]
        assert _refused(ana.push(crisis("mastodon"))) == ["unknown_platform"]
        # One crewdeck knows, whatever its case, and one a campaign this batch adds uses.
        assert ana.push(crisis("Instagram"))["stored"] == 1
        fediverse = new_id()
        answer = ana.push(
            ("set", "campaign", fediverse, "name", "Fediverse"),
            ("set", "campaign", fediverse, "platforms", ["mastodon"]),
            crisis("mastodon"),
        )
        assert answer["stored"] == 3 and answer["refused"] == [], answer
        # And one a post uses.
        assert raj.push(("set", "task", team.posts["by tmp"]["raj"], "platform", "lemmy"))["stored"] == 1
        assert ana.push(crisis("lemmy"))["stored"] == 1
    finally:
        ana.http.close()


def test_a_write_on_the_shared_file_starts_no_crisis_of_a_platform_there_is_not(team: Team) -> None:
    record = {
        "reason": "Outage",
        "campaigns": [],
        "platforms": ["instgram"],
        "started_by": team.ids["ana"],
        "started_at": "2026-11-20T10:00:00Z",
    }
    with Store(team.path) as store:
        (before,) = store.conn.execute("SELECT count(*) FROM crisis").fetchone()
        with (
            pytest.raises(Refused, match=r"platform 'instgram', and it is none crewdeck knows \(rule unknown_platform\)"),
            store.write(team.ids["ana"]) as w,
        ):
            w.append("crisis", record)
        assert store.conn.execute("SELECT count(*) FROM crisis").fetchone() == (before,)
