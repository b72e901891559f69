"""One push holding a change and a later operation whose judgment reads it: the later one is judged against the state
with the earlier ones on top, on a shared file's state and on PostgreSQL's (the rules are one module over both).

crewdeck web's copy of a workspace in PostgreSQL pushes the operations of every member signed in to it together: lena
enters spend in her browser and mia approves it in hers within one round of the copy.  Each case writes its operations
in a copy of the team's file, unjudged, as several members, and judges them as one push against the team's state.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest

from crewdeck.sync.server.pgstore import PgRuleState
from crewdeck.sync.state import rules
from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.postround import PostChange, Verdict, standing
from crewdeck.sync.state.records import crisis_end_id
from crewdeck.sync.state.rules import judge_push
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing

from .syncsupport import Postgres, crewdeck
from .test_rules import Team, _entry, _matrix_team, copy_of_team

#: The moment the copy's writes are made: after the team's crises (started Nov 20, 09:00 UTC; one ended then).
NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

Judged = Callable[[list[Op]], list[str | None]]
T = TypeVar("T")


@pytest.fixture
def team(tmp_path: Path) -> Team:
    """The rules matrix's team (``test_rules``): managers ana (Berlin) and mia, members raj and tmp, guest gus; posts in
    review; a crisis open since Nov 20, 09:00 UTC, another started and ended then."""
    return copy_of_team("rules-team", _matrix_team, tmp_path)


def _spend(team: Team, handle: str, day: str) -> str:
    """Spend of ``handle``'s that waits for no approval, dated ``day``, stored in the team's file before the push."""
    me = team.ids[handle]
    with Store(team.path) as store, store.write(me) as w:
        return w.append("ledger_entry", _entry(me, team.campaign, date=day))


@pytest.fixture(params=["file", "postgres"])
def judged(request: pytest.FixtureRequest, team: Team) -> Iterator[Callable[[], Judged]]:
    """Judge a push against the team's state: ``judged()`` once the test's stored records are written (the file's, or
    PostgreSQL's once published), then called with the push: each operation's rule, or ``None``."""
    connections: list[psycopg.Connection[Any]] = []

    def ready() -> Judged:
        if request.param == "file":
            store = Store(team.path)
            connections.append(store)  # type: ignore[arg-type]
            return lambda ops: [v and v.rule for v in judge_push(ops, FileRuleState(store.conn), {})]
        postgres: Postgres = request.getfixturevalue("postgres")
        url = postgres.database()
        crewdeck("publish", str(team.path), "--database", url, "--name", "team")
        conn = psycopg.connect(url, autocommit=True)
        connections.append(conn)

        def on_postgres(ops: list[Op]) -> list[str | None]:
            with conn.transaction():
                return [v and v.rule for v in judge_push(ops, PgRuleState(conn, "team"), {})]

        return on_postgres

    yield ready
    for held in connections:
        held.close()


class Push:
    """Operations written, unjudged, as several members in a copy of the team's file: one push of crewdeck web's copy."""

    def __init__(self, team: Team, tmp_path: Path) -> None:
        self.team = team
        self.path = tmp_path / "copy.db"
        shutil.copy(team.path, self.path)
        self.store = Store(self.path)
        self.start = self.store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]

    def write(self, handle: str) -> Any:
        return self.store.write(self.team.ids[handle], judged=False)

    def ops(self) -> list[Op]:
        with closing(self.store):
            return [op for _, op in self.store.own_ops_after(self.start, 10**6)]


@pytest.fixture
def push(team: Team, tmp_path: Path) -> Push:
    return Push(team, tmp_path)


def _approval(team: Team, handle: str, entry: str) -> dict[str, Any]:
    return {"entry": entry, "approved_by": team.ids[handle], "approved_at": "2026-11-26T09:00:00Z"}


def test_spend_frozen_on_the_clock_a_member_is_given_in_the_push_is_approved(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    """The open crisis started at 09:00 UTC on Nov 20: on Pago Pago's clock (UTC-11) Nov 19, so raj's spend dated Nov 19
    is frozen once ana gives him that zone, and mia approves it in the same push."""
    entry = _spend(team, "raj", "2026-11-19")
    judge = judged()
    with push.write("ana") as w:
        w.set("member", team.ids["raj"], {"tz": "Pacific/Pago_Pago"})
    with push.write("mia") as w:
        w.append("approval", _approval(team, "mia", entry))
    assert judge(push.ops()) == [None, None]


def test_spend_entered_in_the_push_that_a_crisis_froze_is_approved(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    """raj enters spend dated Nov 21 (the open crisis freezes it) and mia approves it, both through the copy."""
    judge = judged()
    with push.write("raj") as w:
        entry = w.append("ledger_entry", _entry(team.ids["raj"], team.campaign, date="2026-11-21"))
    with push.write("mia") as w:
        w.append("approval", _approval(team, "mia", entry))
    assert judge(push.ops()) == [None, None]


def test_spend_a_crisis_started_in_the_push_froze_is_approved(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    entry = _spend(team, "raj", "2026-11-19")
    judge = judged()
    with push.write("ana") as w:
        w.append(
            "crisis",
            {"reason": "Outage", "campaigns": [], "platforms": [], "started_by": team.ids["ana"], "started_at": "2026-11-19T08:00:00Z"},
        )
    with push.write("mia") as w:
        w.append("approval", _approval(team, "mia", entry))
    assert judge(push.ops()) == [None, None]


def test_spend_a_crisis_ended_in_the_push_before_its_day_is_not_approved(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    """The open crisis ended on Nov 20 freezes no spend dated Nov 22: it counts already, nothing to approve."""
    entry = _spend(team, "raj", "2026-11-22")
    judge = judged()
    with push.write("ana") as w:
        end = {"crisis": team.crisis, "resume": "none", "ended_by": team.ids["ana"], "ended_at": "2026-11-20T11:00:00Z"}
        w.append("crisis_end", end, row_id=crisis_end_id(team.crisis))
    with push.write("mia") as w:
        w.append("approval", _approval(team, "mia", entry))
    assert judge(push.ops()) == [None, "not_pending"]


def test_a_guest_given_a_campaign_in_the_push_approves_its_post(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    """gus, a guest in the group reviewers, is given campaign Other and approves its post in the same push."""
    judge = judged()
    post = team.posts["other"]["gus"]
    with Store(team.path) as store:
        other = store.conn.execute("SELECT campaign FROM task WHERE id = ?", (post,)).fetchone()[0]
        given = store.conn.execute("SELECT campaigns FROM member WHERE id = ?", (team.ids["gus"],)).fetchone()[0]
    with push.write("ana") as w:
        w.set("member", team.ids["gus"], {"campaigns": [*json.loads(given), other]})
    writing.approve(push.store, team.ids["gus"], post, NOW)
    assert judge(push.ops()) == [None, None]


def test_a_member_made_a_reviewer_in_the_push_approves(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    judge = judged()
    with push.write("ana") as w:
        w.set("member", team.ids["tmp"], {"groups": ["reviewers"]})
    writing.approve(push.store, team.ids["tmp"], team.posts["by raj"]["ana"], NOW)
    assert judge(push.ops()) == [None, None]


def test_a_round_submitted_in_the_push_is_approved_in_it(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    """tmp changes the copy of their post and submits it again; raj approves the new round."""
    judge = judged()
    post = team.posts["by tmp"]["raj"]
    writing.set_content(push.store, team.ids["tmp"], post, NOW, copy="Sharper copy")
    writing.submit(push.store, team.ids["tmp"], post, NOW)
    writing.approve(push.store, team.ids["raj"], post, NOW)
    verdicts = judge(push.ops())
    assert verdicts == [None] * len(verdicts)


def test_who_changed_the_content_in_the_push_is_an_author_of_its_round(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    """raj changes tmp's post, submits it, and approves the round he wrote: refused, as once stored."""
    judge = judged()
    post = team.posts["by tmp"]["raj"]
    writing.set_content(push.store, team.ids["raj"], post, NOW, copy="Raj's copy")
    writing.submit(push.store, team.ids["raj"], post, NOW)
    _approve_unjudged(push.store, post, team.ids["raj"])
    assert judge(push.ops())[-1] == "round_author"


def test_a_member_added_in_the_push_acts_in_it(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    judge = judged()
    with push.write("ana") as w:
        lena = w.create("member", {"handle": "lena", "name": "Lena", "tz": "UTC", "access": "manager"})
    with push.store.write(lena, judged=False) as w:
        w.append("approval", _approval(team, "ana", team.pending["raj"]) | {"approved_by": lena})
    verdicts = judge(push.ops())
    assert verdicts == [None] * len(verdicts)


def _round(store: Store, post: str) -> dict[str, Any]:
    return store.record("task", post)["post_round"]  # type: ignore[index]


def _verdict_on(store: Store, post: str, member: str, verdict: str = "approve") -> dict[str, Any]:
    """``member``'s verdict on the first step of the post's round as it stands."""
    round_ = _round(store, post)
    return {
        "post": post,
        "round": round_["id"],
        "step": "review",
        "hash": round_["hash"],
        "verdict": verdict,
        "note": "",
        "approved_by": member,
        "approved_at": "2026-11-26T09:00:00Z",
    }


def _approve_unjudged(store: Store, post: str, member: str) -> None:
    """``member``'s approval of the post's round as it stands, written as a replica would push it (unjudged here)."""
    with store.write(member, judged=False) as w:
        w.append("post_approval", _verdict_on(store, post, member))


def _approved_after(
    team: Team, judged: Callable[[], Judged], tmp_path: Path, approver: str, post: str, writes: Callable[[Store], None], *, at_once: bool
) -> str | None:
    """The verdict on ``approver``'s approval of ``post`` after ``writes``: in the same push (``at_once``), or stored
    first, each write its own, and the approval pushed alone."""
    if not at_once:
        with Store(team.path) as store:
            writes(store)
    push = Push(team, tmp_path)
    judge = judged()
    if at_once:
        writes(push.store)
    _approve_unjudged(push.store, post, team.ids[approver])
    return judge(push.ops())[-1]


@pytest.mark.parametrize("at_once", [True, False], ids=["in one push", "stored first"])
def test_an_author_who_puts_an_older_round_back_does_not_review_the_round_after_it(
    team: Team, judged: Callable[[], Judged], tmp_path: Path, at_once: bool
) -> None:
    """tmp's post has two stored rounds, R0 and R1.  raj writes his own copy, puts R0 back (an undo: no submission),
    submits R2 of his copy and approves it: he changed its content since R1 (reviewer rh's leak: in one push the put-back
    R0, not the post's current round, read as a submission of other content that ended his authorship)."""
    post = team.posts["by tmp"]["raj"]
    tmp, raj = team.ids["tmp"], team.ids["raj"]
    with Store(team.path) as store:
        first = _round(store, post)
        writing.set_content(store, tmp, post, NOW, copy="Second copy by tmp")
        writing.submit(store, tmp, post, NOW)

    def writes(store: Store) -> None:
        writing.set_content(store, raj, post, NOW, copy="Raj's copy")
        with store.write(raj, judged=False) as w:
            w.set("task", post, {"post_round": first})
        writing.submit(store, raj, post, NOW)

    assert _approved_after(team, judged, tmp_path, "raj", post, writes, at_once=at_once) == "round_author"


@pytest.mark.parametrize("at_once", [True, False], ids=["in one push", "stored first"])
def test_an_author_who_withdraws_a_round_and_submits_it_again_does_not_review_it(
    team: Team, judged: Callable[[], Judged], tmp_path: Path, at_once: bool
) -> None:
    """raj wrote his post; he withdraws its round (null: an undone first submission), submits the same copy again and
    approves it.  A withdrawal submits nothing: he is still its author (stored, the null round read as a submission of
    other content and he approved his own copy; in one push it did not)."""
    post = team.posts["by raj"]["raj"]
    raj = team.ids["raj"]

    def writes(store: Store) -> None:
        with store.write(raj, judged=False) as w:
            w.set("task", post, {"post_round": None})
        writing.submit(store, raj, post, NOW)

    assert _approved_after(team, judged, tmp_path, "raj", post, writes, at_once=at_once) == "round_author"


@pytest.mark.parametrize("at_once", [True, False], ids=["in one push", "stored first"])
def test_who_changed_the_content_before_a_withdrawal_is_an_author_of_the_next_round(
    team: Team, judged: Callable[[], Judged], tmp_path: Path, at_once: bool
) -> None:
    """raj writes copy on tmp's post and withdraws its round; tmp writes copy and submits: raj changed the content since
    the round before, as if nothing had been withdrawn, in one push and stored one write at a time alike."""
    post = team.posts["by tmp"]["raj"]
    raj, tmp = team.ids["raj"], team.ids["tmp"]

    def writes(store: Store) -> None:
        writing.set_content(store, raj, post, NOW, copy="Raj's copy")
        with store.write(raj, judged=False) as w:
            w.set("task", post, {"post_round": None})
        writing.set_content(store, tmp, post, NOW, copy="Tmp's own copy again")
        writing.submit(store, tmp, post, NOW)

    assert _approved_after(team, judged, tmp_path, "raj", post, writes, at_once=at_once) == "round_author"


@pytest.mark.parametrize("at_once", [True, False], ids=["in one push", "stored first"])
def test_an_author_does_not_approve_their_copy_after_another_undoes_their_round(
    team: Team, judged: Callable[[], Judged], tmp_path: Path, at_once: bool
) -> None:
    """raj wrote his post and submitted it (R1).  tmp edits its copy and submits R2, then undoes both: R1 put back, the
    copy changed back to raj's, word for word.  raj approves R1: he wrote it (reviewer ri's leak: R2, undone, still read
    as the last submission of other content, so only tmp was an author)."""
    post = team.posts["by raj"]["raj"]
    tmp = team.ids["tmp"]
    with Store(team.path) as store:
        first = _round(store, post)
        original = store.record("task", post)["copy"]

    def writes(store: Store) -> None:
        writing.set_content(store, tmp, post, NOW, copy="Tmp's copy")
        writing.submit(store, tmp, post, NOW)
        with store.write(tmp, judged=False) as w:
            w.set("task", post, {"post_round": first})
        writing.set_content(store, tmp, post, NOW, copy=original)

    assert _approved_after(team, judged, tmp_path, "raj", post, writes, at_once=at_once) == "round_author"


class _CountedState(FileRuleState):
    """A file's rule state that counts how often the judge reads a post's stored changes."""

    reads = 0

    def post_changes(self, post_id: str) -> list[PostChange]:
        self.reads += 1
        return super().post_changes(post_id)


def test_a_push_reads_a_post_s_stored_changes_as_often_however_many_verdicts_it_gives_on_it(team: Team, tmp_path: Path) -> None:
    """tmp changes the copy of raj's post and submits it; ana, raj and gus give verdicts on the round in the same push.
    What is stored does not change while the push is judged: the post's changes are read as often for three verdicts as
    for one (each verdict read them all again twice, reviewer ri's cost)."""
    post = team.posts["by raj"]["raj"]

    def reads(approvers: list[str]) -> int:
        push = Push(team, tmp_path)
        writing.set_content(push.store, team.ids["tmp"], post, NOW, copy="Tmp's copy")
        writing.submit(push.store, team.ids["tmp"], post, NOW)
        for handle in approvers:
            _approve_unjudged(push.store, post, team.ids[handle])
        with Store(team.path) as store:
            state = _CountedState(store.conn)
            judge_push(push.ops(), state, {})
        return state.reads

    assert reads(["ana", "raj", "gus"]) == reads(["ana"])


def test_a_member_whose_addition_the_push_refuses_does_nothing_in_it(team: Team, judged: Callable[[], Judged], push: Push) -> None:
    """ana adds lena as a manager and reviewer with a handle taken (raj's): refused, and lena's approvals of spend and of
    a post in the same push with it, where they were accepted on the access and groups of an addition refused after."""
    judge = judged()
    with push.write("ana") as w:
        lena = w.create("member", {"handle": "raj", "name": "Lena", "tz": "UTC", "access": "manager", "groups": ["reviewers"]})
    with push.store.write(lena, judged=False) as w:
        w.append("approval", _approval(team, "ana", team.pending["raj"]) | {"approved_by": lena})
    _approve_unjudged(push.store, team.posts["by raj"]["ana"], lena)
    verdicts = judge(push.ops())
    assert verdicts == ["unique_handle"] * 5 + ["not_a_member"] * 2


def test_a_manager_whose_addition_the_push_refuses_leaves_no_workspace_without_one(
    team: Team, judged: Callable[[], Judged], push: Push
) -> None:
    """ana adds lena as a manager with a handle taken, makes mia a member and then herself: lena is no manager (her
    addition refused), so ana is the last and stays one, where she was counted and the workspace left with none."""
    judge = judged()
    with push.write("ana") as w:
        w.create("member", {"handle": "raj", "name": "Lena", "tz": "UTC", "access": "manager"})
        w.set("member", team.ids["mia"], {"access": "member"})
    with push.write("ana") as w:
        w.set("member", team.ids["ana"], {"access": "member"})
    assert judge(push.ops()) == ["unique_handle"] * 4 + [None, "last_manager"]


def _approve_and_withdraw(store: Store, post: str, member: str, times: int) -> None:
    """``member`` approves the post's first step and withdraws it again, ``times`` over, unjudged (a hostile replica's)."""
    approval, withdrawal = (_verdict_on(store, post, member, verdict) for verdict in ("approve", "withdraw"))
    with store.write(member, judged=False) as w:
        for _ in range(times):
            w.append("post_approval", approval)
            w.append("post_approval", withdrawal)


def test_a_verdict_is_judged_on_as_many_verdicts_however_many_its_post_holds_before_it(
    team: Team, judged: Callable[[], Judged], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """raj approves step 1 of “two for raj” and withdraws it, again and again, stored and in one push: each verdict was
    judged on every one before it, each approval on every withdrawal, so a push of 2,000 took 45 s holding the workspace
    (5,000, a push's most, hours).  A verdict taken back counts no more: each is judged on the few that still count."""
    post = team.posts["two steps"]["raj"]
    read: list[int] = []
    evaluate = rules.evaluate

    def counted(**status: Any) -> Any:
        read.append(len(status["verdicts"]))
        return evaluate(**status)

    monkeypatch.setattr(rules, "evaluate", counted)
    with Store(team.path) as store:
        _approve_and_withdraw(store, post, team.ids["raj"], 30)
    push = Push(team, tmp_path)
    judge = judged()
    _approve_and_withdraw(push.store, post, team.ids["raj"], 30)
    assert judge(push.ops()) == [None] * 60
    # The verdicts it reads: the approval standing and the last withdrawal before it, however many came before.
    assert len(read) == 60 and max(read) <= 2, read


def test_the_verdicts_of_a_round_whose_id_came_back_with_another_hash_are_as_few_as_of_one_hash() -> None:
    """A round's id may come back with the content's new hash (a ``post_round`` the rules accept): every verdict of its
    writer, round and step was then kept whole, so approvals and withdrawals given again and again under the second
    hash cost each verdict all those before it again (1,000 pairs in one push, 11 s; then the client's 30 s wait ran
    out, on a served file and PostgreSQL).  What still counts is the same to a round's status (its hash's verdicts) and
    to a manager acting as another (a withdrawal of any hash takes back their approvals of its step)."""

    def given(n: int, verdict: str, content: str) -> Verdict:
        return Verdict(f"v{n}", f"{n:09d}", "R1", "review", content, verdict, "", "raj", "t")

    every = [given(0, "reject", "H1"), given(1, "approve", "H1")]
    every += [given(n, "approve" if n % 2 else "withdraw", "H2") for n in range(2, 2002)]
    kept = rules.verdicts_that_count(every)
    assert len(kept) <= 4, kept
    for n in range(2002, 4002):
        verdict = given(n, "approve" if n % 2 else "withdraw", "H2")
        every.append(verdict)
        rules.add_verdict(kept, verdict)
        assert len(kept) <= 4, kept
    for content in ("H1", "H2"):
        mine = [v for v in every if v.hash == content]
        assert standing([v for v in kept if v.hash == content]) == standing(mine)
        assert [v for v in mine if v.verdict == "reject"][-1:] == [v for v in kept if v.verdict == "reject" and v.hash == content]
    assert standing(kept) == standing(every)


#: A hostile replica's node, after every other in a stamp's text.
LAST_NODE = "f" * 32


def _ana_acts_as_raj(team: Team) -> tuple[str, str]:
    """ana adds a task on the shared host acting as raj (``--as``): the first and last stamp her acting record covers."""
    with Store(team.path) as store:
        store.actor = team.ids["ana"]
        with store.write(team.ids["raj"]) as w:
            w.create("task", {"title": "Made by ana for raj", "tags": ["ops"], "priority": "high", "notes": "For the launch"})
        first, last = store.conn.execute("SELECT first_op, last_op FROM acting ORDER BY op_id DESC LIMIT 1").fetchone()
    return str(first), str(last)


def _stored_inside(team: Team, tmp_path: Path, first: str, last: str, write: Callable[[Store], T]) -> T:
    """What ``write`` writes on raj's replica, stored in the team's file stamped by ``LAST_NODE`` between ``first`` and
    ``last`` (stamps sort by time first, whatever their node): a hostile replica's, which stamps what it likes."""
    replica = tmp_path / "raj.db"
    shutil.copy(team.path, replica)
    with Store(replica) as store:
        start = store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
        made = write(store)
        ops = [op for _, op in store.own_ops_after(start, 10**6)]
    inside = [f"{first[:14]}{int(first[14:18], 16) + n:04x}-{LAST_NODE}" for n in range(len(ops))]
    assert first < inside[0] and inside[-1] < last, (first, inside, last)
    with Store(team.path) as store:
        store.apply([op._replace(op_id=stamp, node=LAST_NODE, node_seq=n) for n, (op, stamp) in enumerate(zip(ops, inside), 1)])
    return made


def test_spend_stamped_by_another_node_inside_a_managers_acting_is_not_theirs(
    team: Team, judged: Callable[[], Judged], push: Push, tmp_path: Path
) -> None:
    """ana adds a task on the shared host acting as raj: her acting record covers the stamps of that write.  raj's
    replica stamps his pending spend inside that range: both stores read it as entered by ana acting as raj and refused
    her approval as ``self_approval``."""
    raj = team.ids["raj"]

    def spend(store: Store) -> str:
        with store.write(raj, judged=False) as w:
            return w.append("ledger_entry", _entry(raj, team.campaign, needs_approval=True))

    entry = _stored_inside(team, tmp_path, *_ana_acts_as_raj(team), spend)
    judge = judged()
    with push.write("ana") as w:
        w.append("approval", _approval(team, "ana", entry))
    assert judge(push.ops()) == [None]


def test_a_post_change_stamped_by_another_node_inside_a_managers_acting_leaves_them_no_author(
    team: Team, judged: Callable[[], Judged], tmp_path: Path
) -> None:
    """As spend (above): raj's replica stamps his change of his post and its submission inside ana's acting range, and
    both stores read ana as an author of the round and refused her approval as ``round_author``."""
    post = team.posts["by raj"]["ana"]

    def resubmit(store: Store) -> None:
        writing.set_content(store, team.ids["raj"], post, NOW, copy="Raj's new copy")
        writing.submit(store, team.ids["raj"], post, NOW)

    _stored_inside(team, tmp_path, *_ana_acts_as_raj(team), resubmit)
    push = Push(team, tmp_path)
    judge = judged()
    writing.approve(push.store, team.ids["ana"], post, NOW)
    assert judge(push.ops()) == [None]


def test_what_followed_a_removal_refused_past_the_last_judging_is_refused(
    team: Team, judged: Callable[[], Judged], push: Push, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A removal refused once the push is read is refused from the start in the next judging; past the last (none
    here), what came after it had been judged with the removal accepted, tmp's handle free: it is refused too, never
    stored on a reading of the push that storage does not keep."""
    monkeypatch.setattr(rules, "JUDGED_AGAIN_AT_MOST", 0)
    judge = judged()
    tmp = team.ids["tmp"]
    with push.write("ana") as w:
        w.set("task", team.posts["by raj"]["ana"], {"assignee": tmp})
    with push.write("ana") as w:
        w.set("member", tmp, {"deleted": True})
    with push.write("ana") as w:
        w.create("member", {"handle": "tmp", "name": "Tom", "tz": "UTC", "access": "member"})
    assert judge(push.ops()) == [None, "removed_assignee", *["followed_refused"] * 4]
