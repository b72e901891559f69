"""What a pushed operation says, judged: the records it names, the times it gives.

The hostile pushes of ``test_rules_hostile`` (raj, a member, with a modified
client; the team of ``test_rules``) against a served file and PostgreSQL:
each case here was stored before its rule existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.postround import content_hash
from crewdeck.sync.state.records import crisis_end_id
from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.store import Store

from .test_rules import Team, _crisis, _end, _reversal, _verdict, copy_of_team
from .test_rules_hostile import Hostile, _ana, _pulled, _refused, _round, _served, _team_with_posts

#: An instant long after any operation made now: a time a writer could not have read off their clock.
FAR_AHEAD = "2099-01-01T00:00:00Z"


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return copy_of_team("hostile-team", _team_with_posts, tmp_path)


@pytest.fixture(params=["file", "postgres"])
def raj(request: pytest.FixtureRequest, team: Team) -> Iterator[Hostile]:
    yield from _served(request, team)


def test_a_reversal_names_the_task_of_the_entry_it_reverses(team: Team, raj: Hostile) -> None:
    """A reversal naming another task than its entry's was stored: spend moved from one task to another (the journal
    export tags each entry with its task)."""
    spare, me = team.spare["raj"], team.ids["raj"]
    answer = raj.push(("append", "ledger_entry", new_id(), "*", _reversal(team, me, spare, task=team.task)))
    assert _refused(answer) == ["reversal_mirrors"]
    assert answer["refused"][0]["message"] == (
        f"a reversal of {spare[:8]} has its date, campaign, category, payee, currency, task and approval, and the opposite "
        f"amount (task {team.task!r} is not None)"
    )
    assert raj.push(("append", "ledger_entry", new_id(), "*", _reversal(team, me, spare)))["stored"] == 1


def test_a_verdict_and_a_round_are_never_dated_after_they_were_made(team: Team, raj: Hostile) -> None:
    """A crisis that has ended holds the posts approved before its end: a verdict (or, with no steps, a round) dated
    after the end let a post approved during the crisis out of it."""
    post, me = team.posts["by tmp"]["raj"], team.ids["raj"]
    before = _pulled(raj, post)
    answer = raj.push(("append", "post_approval", new_id(), "*", _verdict(team, me, "by tmp") | {"approved_at": FAR_AHEAD}))
    assert _refused(answer) == ["dated_ahead"]
    assert answer["refused"][0]["message"].startswith(f"post_approval.approved_at: {FAR_AHEAD} is after the operation was made (")
    digest = team.rounds[post][1]
    answer = raj.push(("set", "task", post, "post_round", _round(team, post, digest) | {"at": FAR_AHEAD}))
    assert _refused(answer) == ["dated_ahead"]
    assert answer["refused"][0]["message"].startswith(f"task.post_round: submitted at {FAR_AHEAD}, after the operation was made (")
    assert _pulled(raj, post) == before
    # Dated when made (the team's verdicts and rounds are dated days before now): taken.
    assert raj.push(("append", "post_approval", new_id(), "*", _verdict(team, me, "by tmp")))["stored"] == 1


def test_a_write_on_the_shared_file_dates_no_verdict_after_now(team: Team) -> None:
    raj = team.ids["raj"]
    record: dict[str, Any] = _verdict(team, raj, "by tmp") | {"approved_at": FAR_AHEAD}
    with Store(team.path) as store:
        before = store.op_count()
        with pytest.raises(Refused, match=r"rule dated_ahead"), store.write(raj) as w:
            w.append("post_approval", record)
        assert store.op_count() == before


def _series(campaign: str) -> dict[str, Any]:
    """A weekly series' ``recurrence`` whose next instances go into ``campaign`` (its template's), for raj."""
    rule = {"freq": "weekly", "days": ["mon"], "monthday": None, "time": "09:00", "tz": "UTC"}
    return {"rule": rule, "on": "2026-12-07", "template": {"title": "Weekly sync", "campaign": campaign}}


def test_a_series_next_instances_go_into_a_campaign_that_exists(team: Team, raj: Hostile) -> None:
    """A series' template named a made-up campaign: stored, and whoever closed an instance was refused the next one
    (``unknown_campaign``), so the series stopped there."""
    nowhere, message = new_id(), "task.recurrence (the series' template): no campaign {} in this workspace"
    before = _pulled(raj, team.task)
    answer = raj.push(("set", "task", team.task, "recurrence", _series(nowhere)))  # task edits only: the rules' pass over a batch
    assert _refused(answer) == ["unknown_campaign"] and answer["refused"][0]["message"] == message.format(nowhere[:8])
    # Among other records (the rules' call per operation), and naming a record that is no campaign.
    answer = raj.push(("set", "member", team.ids["raj"], "name", "Raj"), ("set", "task", team.task, "recurrence", _series(team.task)))
    assert answer["stored"] == 1 and [(r["rule"], r["message"]) for r in answer["refused"]] == [
        ("unknown_campaign", message.format(team.task[:8]))
    ]
    assert [op for op in _pulled(raj, team.task) if op["field"] == "recurrence"] == [op for op in before if op["field"] == "recurrence"]
    # Into the team's campaign: taken.
    assert raj.push(("set", "task", team.task, "recurrence", _series(team.campaign)))["stored"] == 1


def test_a_crisis_names_campaigns_that_exist(team: Team, raj: Hostile) -> None:
    """A crisis of made-up campaigns was stored: it held nothing and froze no spend, while saying it did."""
    ana = _ana(team, raj)
    try:
        nowhere = new_id()
        crisis = _crisis(team.ids["ana"]) | {"campaigns": [team.campaign, nowhere]}
        answer = ana.push(("append", "crisis", new_id(), "*", crisis))
        assert _refused(answer) == ["unknown_campaign"]
        assert answer["refused"][0]["message"] == f"crisis.campaigns: no campaign {nowhere[:8]} in this workspace"
        # One made in the same push: taken.
        made = new_id()
        answer = ana.push(("set", "campaign", made, "name", "Spring"), ("append", "crisis", new_id(), "*", crisis | {"campaigns": [made]}))
        assert answer["stored"] == 2 and answer["refused"] == []
    finally:
        ana.http.close()


def test_a_crisis_names_no_campaign_that_was_removed(team: Team, raj: Hostile) -> None:
    """``crisis start`` names no removed campaign ("unknown campaign +autumn"), while a pushed crisis naming one was
    stored: the crisis said it held a campaign nobody works in any more."""
    ana = _ana(team, raj)
    try:
        autumn, removed = new_id(), "crisis.campaigns: campaign “Autumn” was removed from this workspace"
        assert ana.push(("set", "campaign", autumn, "name", "Autumn"))["stored"] == 1
        assert ana.push(("set", "campaign", autumn, "deleted", True))["stored"] == 1
        crisis = _crisis(team.ids["ana"]) | {"campaigns": [team.campaign, autumn]}
        refused_id = new_id()
        answer = ana.push(("append", "crisis", refused_id, "*", crisis))
        assert _refused(answer) == ["removed_campaign"] and answer["refused"][0]["message"] == removed
        assert _pulled(ana, refused_id) == []
        # Brought back in the same push, before the crisis: taken.
        answer = ana.push(("set", "campaign", autumn, "deleted", False), ("append", "crisis", new_id(), "*", crisis))
        assert answer["stored"] == 2 and answer["refused"] == []
        # Removed in the same push, before the crisis or after it: the crisis is refused, the removal stands.
        answer = ana.push(("set", "campaign", autumn, "deleted", True), ("append", "crisis", new_id(), "*", crisis))
        assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["removed_campaign"], answer
        assert ana.push(("set", "campaign", autumn, "deleted", False))["stored"] == 1
        answer = ana.push(("append", "crisis", new_id(), "*", crisis), ("set", "campaign", autumn, "deleted", True))
        assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["removed_campaign"], answer
        # Brought back in the same push, after the crisis: taken (the batch leaves the campaign live).
        answer = ana.push(("append", "crisis", new_id(), "*", crisis), ("set", "campaign", autumn, "deleted", False))
        assert answer["stored"] == 2 and answer["refused"] == [], answer
        # A crisis refused is no crisis to the operations after it: its end names none.
        refused_id = new_id()
        answer = ana.push(
            ("append", "crisis", refused_id, "*", crisis),
            ("append", "crisis_end", crisis_end_id(refused_id), "*", _end(team, team.ids["ana"], refused_id)),
            ("set", "campaign", autumn, "deleted", True),
        )
        assert answer["stored"] == 1 and [r["rule"] for r in answer["refused"]] == ["removed_campaign", "unknown_crisis"], answer
    finally:
        ana.http.close()


def test_a_write_on_the_shared_file_starts_no_crisis_of_a_removed_campaign(team: Team) -> None:
    ana = team.ids["ana"]
    with Store(team.path) as store:
        with store.write(ana) as w:
            autumn = w.create("campaign", {"name": "Autumn"})
        with store.write(ana) as w:
            w.set("campaign", autumn, {"deleted": True})
        before = store.op_count()
        with pytest.raises(Refused, match=r"rule removed_campaign"), store.write(ana) as w:
            w.append("crisis", _crisis(ana) | {"campaigns": [autumn]})
        assert store.op_count() == before


def test_a_post_in_no_campaign_takes_the_workspaces_approval_chain(team: Team, raj: Hostile) -> None:
    """A post in no campaign had no chain: submitted, its round was approved with no reviewer, and it went into the
    scheduler unread, whatever chains the campaigns had; leaving a campaign did the same for a post in one."""
    post, copy = new_id(), "Nobody read this"
    made = raj.push(
        ("set", "task", post, "title", "Unreviewed"),
        ("set", "task", post, "platform", "instagram"),
        ("set", "task", post, "post_state", "draft"),
        ("set", "task", post, "copy", copy),
    )
    assert made["refused"] == []
    ana = _ana(team, raj)
    try:
        chain = [{"name": "copy", "member": team.ids["mia"], "group": None}]
        assert ana.push(("set", "workspace", "workspace", "approvals", chain))["stored"] == 1
    finally:
        ana.http.close()
    submitted = {
        "id": new_id(),
        "hash": content_hash(copy, "", [], ""),
        "at": "2026-11-20T09:10:00Z",
        "campaign": None,
        "platform": "instagram",
    }
    assert raj.push(("set", "task", post, "post_round", submitted))["stored"] == 1
    answer = raj.push(("set", "task", post, "post_state", "scheduled"))
    assert _refused(answer) == ["not_publishable"]
    assert answer["refused"][0]["message"].startswith(
        "“Unreviewed” cannot be scheduled: it is not approved in its current round (step 1 of 1 (copy)"
    )
    # A post of a campaign with a chain, taken out of it and submitted again: the workspace's chain, not none.
    theirs = team.posts["by tmp"]["raj"]
    assert raj.push(("set", "task", theirs, "campaign", None))["stored"] == 1
    again = _round(team, theirs, team.rounds[theirs][1]) | {"campaign": None}
    assert raj.push(("set", "task", theirs, "post_round", again))["stored"] == 1
    answer = raj.push(("set", "task", theirs, "post_state", "scheduled"))
    assert _refused(answer) == ["not_publishable"]
    assert "it is not approved in its current round (step 1 of 1 (copy)" in answer["refused"][0]["message"]
