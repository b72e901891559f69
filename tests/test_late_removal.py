"""A member's removal that arrives late, stamped before their return, leaves them a member with their tokens, on a
served file and on PostgreSQL alike; a removal that wins still ends their tokens in the same transaction.

Tokens were revoked for any removal a push stored, not by the state it left: ana's removal of raj, made offline and
stamped before the ``deleted = false`` stored since, left raj a member (last writer wins) whose every request was
answered 401.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest

from crewdeck.sync.server.pgstore import PgStore
from crewdeck.sync.state.oplog import SET, Op
from crewdeck.sync.state.store import Store

from .syncsupport import Postgres, create_token, crewdeck
from .test_rules import Team, _matrix_team, copy_of_team

#: ana's offline replica: a node of her own.
NODE = "feedfacefeedface"

#: What a test asks of a store: push these operations as this member, and count the member's live tokens and removal.
Pushed = Callable[[list[Op], str], None]
Standing = Callable[[str], tuple[int, bool]]


@pytest.fixture
def team(tmp_path: Path) -> Team:
    """The rules matrix's team (``test_rules``), ana's ``deleted = false`` of raj stored, and a token of raj's."""
    team = copy_of_team("rules-team", _matrix_team, tmp_path)
    with Store(team.path) as store, store.write(team.ids["ana"]) as w:
        w.set("member", team.ids["raj"], {"deleted": False})
    create_token("raj", "-w", str(team.path), "--label", "laptop")
    return team


@pytest.fixture(params=["file", "postgres"])
def store(request: pytest.FixtureRequest, team: Team) -> Iterator[tuple[Pushed, Standing]]:
    """Push to the team's file as a server stores a push, or to PostgreSQL once it is published; and read raj's state."""
    if request.param == "file":
        with Store(team.path) as served:

            def on_file(ops: list[Op], member: str) -> None:
                served.accept_push(ops, member)

            def on_file_now(member: str) -> tuple[int, bool]:
                live = served.conn.execute("SELECT count(*) FROM sync_token WHERE member = ? AND revoked_at IS NULL", (member,)).fetchone()
                deleted = served.conn.execute("SELECT deleted FROM member WHERE id = ?", (member,)).fetchone()
                return int(live[0]), bool(deleted[0])

            yield on_file, on_file_now
        return
    postgres: Postgres = request.getfixturevalue("postgres")
    url = postgres.database()
    crewdeck("publish", str(team.path), "--database", url, "--name", "team")
    with closing(psycopg.connect(url, autocommit=True)) as conn:
        pg = PgStore(conn)

        def on_postgres(ops: list[Op], member: str) -> None:
            pg.push("team", member, ops)

        def on_postgres_now(member: str) -> tuple[int, bool]:
            live: Any = conn.execute(
                "SELECT count(*) FROM crewdeck_token WHERE workspace = 'team' AND member = %s AND revoked_at IS NULL", (member,)
            ).fetchone()
            (removed,) = [m.removed for m in pg.members("team", with_removed=True) if m.id == member]
            return int(live[0]), removed

        yield on_postgres, on_postgres_now


def _removal(team: Team, seq: int, ms: int) -> Op:
    """ana's removal of raj from her replica, the ``seq``-th operation of its node, stamped at ``ms``."""
    return Op(f"{ms:013d}-0000-{NODE}", NODE, seq, team.ids["ana"], SET, "member", team.ids["raj"], "deleted", "true")


def _stored_at(team: Team) -> int:
    """The time of the newest stamp of raj's ``deleted``: the ``deleted = false`` stored."""
    with Store(team.path) as store:
        stamp: Any = store.conn.execute("SELECT max(op_id) FROM ops WHERE row_id = ? AND field = 'deleted'", (team.ids["raj"],)).fetchone()[
            0
        ]
    return int(stamp[:13])


def test_a_removal_stamped_before_the_members_return_leaves_their_tokens(team: Team, store: tuple[Pushed, Standing]) -> None:
    pushed, now = store
    stored = _stored_at(team)
    raj = team.ids["raj"]
    pushed([_removal(team, 1, stored - 60_000)], team.ids["ana"])
    assert now(raj) == (1, False)
    pushed([_removal(team, 2, stored + 60_000)], team.ids["ana"])
    assert now(raj) == (0, True)
