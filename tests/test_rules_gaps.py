"""What a pushed operation says, judged: the records it names, the times it gives.

The hostile pushes of ``test_rules_hostile`` (raj, a member, with a modified
client; the team of ``test_rules``) against a served file and PostgreSQL:
each case here was stored before its rule existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crewdeck.sync.state.ids import new_id

from .test_rules import Team, _reversal, copy_of_team
from .test_rules_hostile import Hostile, _refused, _served, _team_with_posts


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
