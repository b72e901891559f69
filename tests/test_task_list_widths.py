"""A printed task list measures a short list from its rows read once, a long one in SQLite: the same bytes either way."""

from __future__ import annotations

from typing import Any

import pytest

from crewdeck.tui.tasks import listing

from .conftest import Cli

#: Each filter, and whether its list is read once (``listing.few_matching``): the filter index has every column
#: it reads and no --limit applies; text and a limit are measured in SQLite whatever the list's length.
QUERIES = [
    ([], True),
    (["all"], True),
    (["#instagram"], True),
    (["#instagram", "due:>today", "due:<+13d"], True),
    (["+spring-launch", "!high"], True),
    (["@raj"], False),  # a person's list takes in the meetings they attend: read from the task rows
    (["due:<+3d", "--sort", "due"], True),
    (["#instagram", "--limit", "2"], False),
    (["carousel"], False),
]


@pytest.fixture
def team(cli: Cli) -> Cli:
    cli.ok("add", "Draft carousel @raj #instagram +spring-launch/instagram !high due:fri 17:00")
    cli.ok("add", "Brief #instagram !low due:+9d")
    cli.ok("add", "A title long enough to be the widest here @ana #tiktok due:+2d 09:00 Asia/Kolkata")
    cli.ok("add", "Reel #instagram @raj !med due:+20d")
    cli.ok("add", "No due date at all #instagram")
    cli.ok("add", "Shoot +spring-launch/tiktok !high due:tomorrow")
    closed = cli.ok("add", "Closed one #instagram due:+1d").strip()
    cli.ok("done", closed)
    cli.ok("post", "add", "Launch reel +spring-launch post:instagram publish:fri 18:00 @raj")
    return cli


@pytest.mark.parametrize(("query", "read_once"), QUERIES, ids=[" ".join(q) or "open" for q, _ in QUERIES])
def test_a_list_read_once_prints_what_a_list_measured_in_sqlite_prints(
    team: Cli, query: list[str], read_once: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = listing.few_matching
    found: list[list[tuple[Any, ...]] | None] = []

    def noted(*args: Any, **kwargs: Any) -> list[tuple[Any, ...]] | None:
        rows = real(*args, **kwargs)
        found.append(rows)
        return rows

    monkeypatch.setattr(listing, "few_matching", noted)
    once = team("tasks", *query)
    assert once.code == 0 and once.out, once.err
    assert [rows is not None for rows in found] == [read_once]
    monkeypatch.setattr(listing, "FEW", 0)  # every list that matches a task is "long" now
    in_sqlite = team("tasks", *query)
    assert found[-1] is None
    assert (in_sqlite.out, in_sqlite.err) == (once.out, once.err)
