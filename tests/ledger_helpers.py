"""Shared setup for the ledger tests: a team with a project manager and rates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import Cli, copy_of_workspace, team_file


def ledger_team(cli: Cli) -> Cli:
    """ana is the project manager; Spring Launch runs through November and December."""
    cli.ok("member", "set", "ana", "--role", "project manager")
    cli.ok("campaign", "set", "spring-launch", "--start", "2026-11-01", "--end", "2026-12-31")
    cli.ok("rate", "set", "2026-11-01", "USD/EUR", "0.925")
    cli.ok("rate", "set", "2026-11-01", "JPY/EUR", "0.0061")
    return cli


def ledger_team_in(directory: Path) -> Cli:
    """``ledger_team`` on the ``cli`` fixture's team, in ``directory``: a copy of one built once per test process."""
    return Cli(copy_of_workspace("team.db", _ledger_team_file, directory / "team.db", key="ledger-team"))


def _ledger_team_file(path: Path) -> None:
    team_file(path)
    ledger_team(Cli(path))


def add(
    cli: Cli,
    amount: str,
    *,
    category: str = "influencers",
    payee: str = "@cafe_mila",
    date: str = "2026-11-20",
    as_member: str = "ana",
    extra: tuple[str, ...] = (),
) -> str:
    args = ("ledger", "add", "--campaign", "spring-launch", "--category", category, "--amount", amount, "--payee", payee, "--date", date)
    # Another's spend is theirs in person: from ana's account (the tests'), ``--as`` is ana acting, whose it stays.
    out = cli.ok(*args, *extra) if as_member == "ana" else cli.in_person(*args, *extra, as_member=as_member)
    return out.strip()


def report(cli: Cli, *args: str) -> dict[str, Any]:
    return json.loads(cli.ok("ledger", "report", "--json", *args))


def row(doc: dict[str, Any], key: str, by: str = "category", campaign: int = 0) -> dict[str, Any]:
    return next(r for r in doc["campaigns"][campaign]["rows"] if r[by] == key)


def total(doc: dict[str, Any], campaign: int = 0) -> dict[str, Any]:
    return doc["campaigns"][campaign]["total"]


def eur(text: str) -> dict[str, str]:
    return {"amount": text, "currency": "EUR"}
