"""Spend a crisis froze, approved through a server on PostgreSQL: its rules judge the entry's days on the clock of the
member who entered it, as the replicas' reports do (``crewdeck.sync.state.frozen``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Cli, in_person
from .ledger_helpers import add, ledger_team
from .syncsupport import Postgres, Server, create_token, crewdeck


@pytest.fixture
def team(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """ana (Europe/Berlin) and mia (UTC) are managers."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-20T12:00:00Z")
    ledger_team(cli)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC", "--access", "manager")
    return cli


def _frozen_ids(replica: Path) -> set[str]:
    return {e["id"] for e in json.loads(crewdeck("-w", str(replica), "ledger", "list", "is:frozen", "--json"))}


class Mia:
    """mia's replica of a workspace published to PostgreSQL at ``url``, synced through a server on it."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        _, token = create_token("mia", "--database", url, "--name", "team")
        self.server = Server(["--database", url]).start()
        self.replica = tmp_path / "mia.db"
        crewdeck("join", self.server.url, "--token", token, str(self.replica))

    def __call__(self, *args: str) -> str:
        """A command by mia herself, then a sync: what the sync said."""
        with in_person():
            crewdeck("-w", str(self.replica), "--as", "mia", *args)
        return crewdeck("-w", str(self.replica), "sync")


def _published(team: Cli, postgres: Postgres) -> str:
    url = postgres.database()
    crewdeck("publish", str(team.workspace), "--database", url)
    return url


def _approves(mia: Mia, entry: str) -> None:
    """mia sees ``entry`` frozen, approves it, and after the sync it counts: the server accepted the approval."""
    try:
        assert entry in _frozen_ids(mia.replica)
        said = mia("ledger", "approve", entry)
        assert "refused" not in said, said
        assert entry not in _frozen_ids(mia.replica)
    finally:
        assert mia.server.stop() == ""


def test_spend_a_los_angeles_member_entered_the_evening_a_crisis_started_in_utc_is_approved(
    team: Cli, postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crisis started at 00:30 UTC on Dec 7, 16:30 on Dec 6 in Los Angeles: lena's spend dated her today is frozen on
    her clock, where the server judged it by UTC's, counted, and refused its approval (``not_pending``)."""
    team.ok("member", "add", "lena", "--name", "Lena", "--tz", "America/Los_Angeles")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-07T00:30:00Z")
    team.ok("crisis", "start", "--reason", "Bad press", "--campaign", "spring-launch")
    entry = add(team, "40 EUR", date="2026-12-06", as_member="lena")
    _approves(Mia(_published(team, postgres), tmp_path), entry)


def test_spend_a_berlin_member_dated_the_day_a_crisis_ended_at_2330_utc_is_approved(
    team: Cli, postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crisis ended at 23:30 UTC on Dec 8, 00:30 on Dec 9 in Berlin: ana's spend dated Dec 9 is frozen on her clock."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-06T23:30:00Z")
    team.ok("crisis", "start", "--reason", "Bad press", "--campaign", "spring-launch")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-08T23:30:00Z")
    team.ok("crisis", "end", "--resume", "none")
    entry = add(team, "10 EUR", date="2026-12-09")
    _approves(Mia(_published(team, postgres), tmp_path), entry)


def test_a_member_who_moves_zone_is_judged_on_the_new_clock_at_once(
    team: Cli, postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lena moves from UTC to Berlin after publishing: her spend dated Dec 9 falls in the crisis on her new clock."""
    team.ok("member", "add", "lena", "--name", "Lena", "--tz", "UTC")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-06T23:30:00Z")
    team.ok("crisis", "start", "--reason", "Bad press", "--campaign", "spring-launch")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-08T23:30:00Z")
    team.ok("crisis", "end", "--resume", "none")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-09T08:00:00Z")
    entry = add(team, "10 EUR", date="2026-12-09", as_member="lena")
    mia = Mia(_published(team, postgres), tmp_path)
    assert entry not in _frozen_ids(mia.replica)
    assert "refused" not in mia("member", "set", "lena", "--tz", "Europe/Berlin")
    _approves(mia, entry)


def test_a_database_whose_rule_state_holds_no_zones_gets_them(
    team: Cli, postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database an older crewdeck filled in (rule state version 1) kept no member's zone: it is filled in again."""
    import psycopg

    team.ok("member", "add", "lena", "--name", "Lena", "--tz", "America/Los_Angeles")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-07T00:30:00Z")
    team.ok("crisis", "start", "--reason", "Bad press", "--campaign", "spring-launch")
    entry = add(team, "40 EUR", date="2026-12-06", as_member="lena")
    url = _published(team, postgres)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM crewdeck_state WHERE entity = 'member' AND field = 'tz'")
        conn.execute("UPDATE crewdeck_workspace SET rules_version = 1")
    _approves(Mia(url, tmp_path), entry)


def test_a_rule_state_filled_in_again_grants_no_access(team: Cli, postgres: Postgres) -> None:
    """Access is granted once, when a workspace's rules start: a rule state filled in again for the members' zones writes
    none, though no member's access is in the log (the members' own writes decide it since); nor does it write the
    ledger's rows again, every entry of the workspace, which it deleted and refilled whole."""
    import psycopg

    add(team, "40 EUR", date="2026-12-06")
    url = _published(team, postgres)
    entries = "SELECT row_id, xmin::text FROM crewdeck_state WHERE entity = 'ledger_entry' ORDER BY row_id"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM crewdeck_op WHERE entity = 'member' AND field = 'access'")
        conn.execute("UPDATE crewdeck_workspace SET rules_version = 1")
        head = conn.execute("SELECT head FROM crewdeck_workspace").fetchone()
        written = conn.execute(entries).fetchall()
    assert written
    create_token("mia", "--database", url, "--name", "team")
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute(entries).fetchall() == written
        assert conn.execute("SELECT head FROM crewdeck_workspace").fetchone() == head
        assert conn.execute("SELECT count(*) FROM crewdeck_op WHERE field = 'access'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM crewdeck_state WHERE field = 'tz'").fetchone() == (3,)
