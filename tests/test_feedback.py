"""What a write says: one line of what changed, ``--quiet`` for scripts, and nothing written twice."""

from __future__ import annotations

import json

from .conftest import Cli


def _ops(cli: Cli) -> int:
    return len(json.loads(cli.ok("log", "--json", "--limit", "100000")))


def test_set_done_and_rm_say_what_they_did(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel").strip()
    assert (
        cli.ok("set", task[:8], "assignee=raj", "status=doing").strip() == "Modified 1 task: assigned “Draft reel” to @raj, set it to doing"
    )
    assert cli.ok("done", task[:8]).strip() == "Completed 1 task: “Draft reel”"
    other = cli.ok("add", "Cut the teaser").strip()
    assert cli.ok("rm", other).strip() == "Deleted 1 task: “Cut the teaser”"


def test_member_and_campaign_writes_say_what_they_did(cli: Cli) -> None:
    out = cli.ok("member", "add", "nia", "--name", "Nia", "--tz", "Africa/Lagos").strip()
    nia = next(m["id"] for m in json.loads(cli.ok("member", "list", "--json")) if m["handle"] == "nia")
    assert out == f"Added @nia (id {nia[:8]})"
    assert cli.ok("member", "set", "nia", "--tz", "Europe/Berlin").strip() == "Modified @nia: moved @nia to Europe/Berlin"
    assert cli.ok("campaign", "add", "Winter Sale").startswith("Added campaign Winter Sale (+winter-sale, id ")


def test_quiet_prints_only_the_id(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel").strip()
    # add prints the id alone anyway, and takes -q as every command that writes does (a script's -q was an error).
    quietly = cli.ok("add", "Draft copy", "-q").strip()
    assert json.loads(cli.ok("show", quietly, "--json"))["title"] == "Draft copy"
    assert cli.ok("set", task[:8], "priority=high", "--quiet") == task + "\n"
    assert cli.ok("done", "-q", task[:8]) == task + "\n"
    out = cli.ok("member", "add", "nia", "--name", "Nia", "--tz", "Africa/Lagos", "--quiet")
    assert out == next(m["id"] for m in json.loads(cli.ok("member", "list", "--json")) if m["handle"] == "nia") + "\n"


def test_done_twice_says_so_and_writes_nothing(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("done", task)
    before = _ops(cli)
    assert cli.ok("done", task).strip() == "“Draft reel” is already done: nothing written"
    assert _ops(cli) == before
    # With another that is not done: that one is closed, the done one left alone.
    other = cli.ok("add", "Cut the teaser").strip()
    before = _ops(cli)
    out = cli.ok("done", task, other).splitlines()
    assert out == ["“Draft reel” is already done: nothing written", "Completed 1 task: “Cut the teaser”"]
    assert _ops(cli) == before + 1
