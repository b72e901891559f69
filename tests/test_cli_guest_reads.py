"""A guest reads through the command line what the app shows them: their campaigns' posts, or a refusal naming the rule.

The roles table's read row: a guest reads their campaigns' posts and their
own approvals.  On a shared file they can read, their commands read what
the app's Approvals view reads (``read_scope``), and nothing of the tasks,
the ledger, results, members or settings.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import pytest

from crewdeck.tui.cli.cmd_completion import candidates
from crewdeck.tui.cli.main import build_parser
from crewdeck.tui.session.read_scope import GUEST_SCOPED, READS
from crewdeck.tui.workspace import workspace

from .conftest import Cli
from .test_cli import one_line_error

NOW = "2026-12-03T10:00:00Z"
#: What the team wrote that a guest of Spring Launch does not read: a task, another campaign's post, a post's notes, the ledger.
UNREAD = ("Cut the reel", "Autumn teaser", "the client must not see this", "Canva", "Autumn")
#: An id no record has.
NO_ID = "f" * 32


@pytest.fixture
def shared(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> tuple[Cli, dict[str, str]]:
    """ana (manager), raj (member), gus (a guest of Spring Launch); a task, a post of each campaign, a ledger entry."""
    monkeypatch.setenv("CREWDECK_NOW", NOW)
    cli.ok("campaign", "add", "Autumn", "--platforms", "instagram", "--audience-tz", "Europe/Berlin")
    cli.ok("member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest", "--campaigns", "spring-launch")
    cli.ok("member", "set", "ana", "--unix-user", "")
    monkeypatch.setattr(workspace, "os_user", lambda: "crewdeck-tests-nobody")
    ids = {
        "task": cli.ok("add", "Cut the reel @raj +spring-launch", as_member="raj").split()[-1].strip("[]"),
        "theirs": cli.ok("post", "add", "Launch reel +spring-launch post:instagram publish:fri 18:00", as_member="raj").strip(),
        "other": cli.ok("post", "add", "Autumn teaser +autumn post:instagram publish:fri 18:00", as_member="raj").strip(),
    }
    cli.ok("annotate", ids["theirs"][:8], "the client must not see this", as_member="raj")
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--amount", "10 EUR", "--payee", "Canva", as_member="raj")
    return cli, ids


def test_every_command_that_reads_the_workspace_is_decided_for_a_guest() -> None:
    """A read command added later is named in ``READS`` or ``GUEST_SCOPED``, or here as one that reads nothing of others'."""
    reads_nothing_of_others = {
        # Writes: an id a guest types names only a post of theirs (Context.task_id, one answer for any other id), and the
        # rules judge the write (guest_read_only, managers_only, ...): nothing is said of a record they do not read.
        *("crewdeck add", "crewdeck set", "crewdeck done", "crewdeck rm", "crewdeck annotate", "crewdeck undo", "crewdeck import"),
        *("crewdeck member add", "crewdeck member set", "crewdeck member rm", "crewdeck campaign add", "crewdeck campaign set"),
        *("crewdeck ledger add", "crewdeck ledger reverse", "crewdeck ledger approve", "crewdeck ledger import"),
        *("crewdeck budget set", "crewdeck budget rm", "crewdeck rate set", "crewdeck rate import"),
        *("crewdeck kpi add", "crewdeck kpi import", "crewdeck kpi review", "crewdeck workspace set"),
        *("crewdeck crisis start", "crewdeck crisis end"),
        *(f"crewdeck post {move}" for move in ("add", "copy", "submit", "approve", "withdraw", "reject", "schedule", "publish")),
        *("crewdeck post pull", "crewdeck post resume", "crewdeck post slot"),
        # Managers' (tokens, sign-in links), a replica's (a guest holds none), new files, the personal config.
        *("crewdeck token create", "crewdeck token revoke", "crewdeck web", "crewdeck serve"),
        *("crewdeck join", "crewdeck sync", "crewdeck publish", "crewdeck init", "crewdeck demo"),
        *("crewdeck config path", "crewdeck config show", "crewdeck config set", "crewdeck config unset"),
        # sshd's and the team account's (ssh-session refuses a guest every command).
        *("crewdeck ssh account", "crewdeck ssh authorized-keys", "crewdeck ssh keys-command", "crewdeck ssh install"),
        "crewdeck ssh-session",
    }

    def commands(parser: argparse.ArgumentParser) -> list[str]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    nested = commands(sub)
                    found += nested or [sub.prog]
        return found

    # Refused to anyone but a manager by the rules (ways_in_refused), listing as changing: every token, member and label.
    managers_only = {"crewdeck token list"}
    undecided = set(commands(build_parser())) - reads_nothing_of_others - managers_only - set(READS) - GUEST_SCOPED
    assert not undecided


@pytest.mark.parametrize(
    "args",
    [
        ("tasks",),
        ("tasks", "all", "--json"),
        ("log",),
        ("export",),
        ("overlap", "@raj", "--duration", "30m"),
        ("zones",),
        ("ledger", "list"),
        ("ledger", "report"),
        ("ledger", "export", "--format", "csv"),
        ("budget", "list"),
        ("rate", "list"),
        ("kpi", "report"),
        ("post", "export", "--format", "csv"),
        ("member", "list"),
        ("campaign", "list"),
        ("workspace", "show"),
        ("doctor",),
    ],
)
def test_a_guest_is_refused_a_command_that_reads_what_guests_do_not(shared: tuple[Cli, dict[str, str]], args: tuple[str, ...]) -> None:
    cli, _ = shared
    result = cli(*args, as_member="gus")
    error = one_line_error(result)
    assert "@gus is a guest: guests read their campaigns' posts and their own approvals, not " in error
    assert error.rstrip().endswith("(rule guest_reads_posts)")
    assert result.out == ""
    # A member reads it as ever.
    assert cli(*args, as_member="raj").code in (0, 1)


def test_a_guest_lists_the_posts_of_their_campaigns_alone(shared: tuple[Cli, dict[str, str]]) -> None:
    cli, ids = shared
    listed = cli.ok("post", "list", as_member="gus")
    assert "Launch reel" in listed and ids["theirs"][:8] in listed
    assert not [word for word in UNREAD if word in listed]
    assert [post["id"] for post in json.loads(cli.ok("post", "list", "--json", as_member="gus"))] == [ids["theirs"]]
    assert "Autumn teaser" in cli.ok("post", "list", as_member="raj")


def test_a_guest_with_no_post_listed_is_told_so_and_never_to_add_one(shared: tuple[Cli, dict[str, str]]) -> None:
    """A guest's empty `post list` said "no posts yet: crewdeck post add TEXT adds one", a command the rules refuse them."""
    cli, _ = shared
    cli.ok("campaign", "add", "Winter", "--platforms", "instagram", "--audience-tz", "Europe/Berlin")
    cli.ok("member", "set", "gus", "--campaigns", "winter")
    said = cli("post", "list", as_member="gus")
    assert (said.code, said.out, said.err) == (0, "", "no posts of your campaigns yet\n")
    cli.ok("member", "set", "gus", "--campaigns", "none")
    said = cli("post", "list", as_member="gus")
    assert (said.code, said.out) == (0, "")
    assert said.err == "no posts: you are a guest of no campaign yet (a manager names yours: crewdeck member set gus --campaigns NAMES)\n"


def test_a_guest_shows_a_post_of_theirs_as_the_app_does_and_nothing_else(shared: tuple[Cli, dict[str, str]]) -> None:
    cli, ids = shared
    shown = cli.ok("show", ids["theirs"][:8], as_member="gus")
    assert "Launch reel" in shown
    # The work on it is the team's: notes, assignee, priority, urgency (who made it, as the app's detail says, is read).
    assert not [word for word in (*UNREAD, "assignee", "priority", "Urgency") if word in shown], shown
    data = json.loads(cli.ok("show", ids["theirs"][:8], "--json", as_member="gus"))
    assert (data["notes"], data["assignee"], data["urgency"]) == ("", None, None)
    assert "Launch reel" in cli.ok("post", "show", ids["theirs"][:8], as_member="gus")
    for command in (("show",), ("post", "show")):
        for other in (ids["task"], ids["other"], NO_ID):
            error = one_line_error(cli(*command, other[:8], as_member="gus"))
            assert error == f"crewdeck: error: no post of your campaigns with id {other[:8]}\n"
    assert "the client must not see this" in cli.ok("show", ids["theirs"][:8], as_member="raj")


def test_the_help_says_what_a_guest_reads(cli: Cli) -> None:
    said = " ".join(cli("--help").out.split())
    assert "A guest (a client approver) reads their campaigns' posts alone" in said and "(rule guest_reads_posts)" in said


@pytest.mark.parametrize("args", [("export",), ("doctor",), ("member", "list"), ("kpi", "report"), ("zones",)])
def test_a_member_whose_config_names_nobody_here_reads_as_before(
    shared: tuple[Cli, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """The guest check asks who reads only to find a guest: a config naming a member the workspace lacks, or one mapped to
    another Unix user, is the command's to judge as ever (a read goes on), where every read command said it (exit 2)."""
    cli, _ = shared
    cli.ok("member", "set", "raj", "--unix-user", "raj-elsewhere")
    config = tmp_path / "config.toml"
    monkeypatch.setenv("CREWDECK_CONFIG", str(config))
    for member in ("zed", "raj"):
        config.write_text(f'member = "{member}"\n')
        result = cli(*args, as_member=None)
        assert result.code == 0, (member, result.err)


@pytest.mark.parametrize("args", [("export",), ("member", "list"), ("tasks",)])
def test_a_mapped_guest_is_refused_whoever_they_name(
    shared: tuple[Cli, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """A guest mapped to this Unix user reads nothing of the team's whoever ``--as`` or their config names: ``--as raj``
    and ``--as ana`` are refused (a guest acts as nobody else), where a guest check that took them for nobody printed the
    workspace; a config naming anyone is the mapped guest's refusal (the mapping is who they are)."""
    cli, _ = shared
    cli.ok("member", "set", "gus", "--unix-user", "crewdeck-tests-nobody")
    for handle in ("raj", "ana"):
        result = cli(*args, as_member=handle)
        assert (result.code, result.out) == (2, ""), (handle, result.out)
        assert "you are @gus on this host" in one_line_error(result)
    config = tmp_path / "config.toml"
    monkeypatch.setenv("CREWDECK_CONFIG", str(config))
    for member in ("zed", "raj", "ana"):
        config.write_text(f'member = "{member}"\n')
        result = cli(*args, as_member=None)
        assert (result.code, result.out) == (2, ""), (member, result.out)
        assert one_line_error(result).rstrip().endswith("(rule guest_reads_posts)"), (member, result.err)


@pytest.mark.parametrize(
    "args",
    [
        *(("post", move, "{id}") for move in ("approve", "submit", "withdraw", "schedule", "publish", "resume", "pull")),
        ("post", "slot", "{id}", "sat", "10:00"),
        ("post", "reject", "{id}", "--note", "no"),
        ("post", "copy", "{id}", "Hello"),
        ("done", "{id}"),
        ("set", "{id}", "priority=high"),
        ("annotate", "{id}", "seen"),
        ("rm", "{id}", "--yes"),
        ("ledger", "add", "--task", "{id}", "--category", "tools", "--amount", "1 EUR", "--payee", "X"),
    ],
)
def test_an_id_a_guest_types_names_only_a_post_they_read(shared: tuple[Cli, dict[str, str]], args: tuple[str, ...]) -> None:
    """A task, another campaign's post, a deleted post and no record at all get one answer: a guest learns no title,
    no state, nor whether the id exists, where "cannot approve “Autumn teaser”: it is an idea", "“Cut the reel” is
    already done" (exit 0) and "task ea610225 “Autumn teaser” was deleted" told them."""
    cli, ids = shared
    cli.ok("done", ids["task"], as_member="raj")
    gone = cli.ok("post", "add", "Gone teaser +spring-launch post:instagram publish:fri 18:00", as_member="raj").strip()
    cli.ok("rm", gone, "--yes", as_member="raj")
    for other in (ids["task"], ids["other"], gone, NO_ID):
        result = cli(*(word.format(id=other[:8]) for word in args), as_member="gus")
        if args[0] in ("rm", "set", "ledger"):  # the rules refuse a guest's rm, set and ledger add before any id is read
            assert one_line_error(result).rstrip().endswith("(rule guest_read_only)"), result.err
            continue
        assert one_line_error(result) == f"crewdeck: error: no post of your campaigns with id {other[:8]}\n", (other, result.err)


def test_an_ambiguous_prefix_lists_a_guest_only_their_posts(shared: tuple[Cli, dict[str, str]]) -> None:
    cli, _ = shared
    ws = workspace.Workspace.open(cli.workspace)
    spring, autumn = (ws.campaign_by_name(name).id for name in ("spring-launch", "autumn"))
    with ws.store.write(ws.member_by_handle("raj").id) as w:
        for n, title, campaign, state in (
            (1, "Spring one", spring, "idea"),
            (2, "Spring two", spring, "idea"),
            (3, "Autumn three", autumn, "idea"),
            (4, "A task", spring, None),
        ):
            fields = {"title": title, "campaign": campaign, **({"post_state": state, "platform": "instagram"} if state else {})}
            w.create("task", fields, row_id=f"abcd000{n}" + "0" * 24)
    ws.close()
    for command in (("show",), ("post", "show"), ("post", "approve")):
        assert cli(*command, "abcd", as_member="gus").err == (
            "crewdeck: error: id abcd is ambiguous: abcd0001, abcd0002; type more of it\n"
            "  abcd0001  post “Spring one”, idea\n"
            "  abcd0002  post “Spring two”, idea\n"
        )
        assert "no post of your campaigns with id abcd0003" in one_line_error(cli(*command, "abcd0003", as_member="gus"))
    assert "Spring two" in cli.ok("show", "abcd0002", as_member="gus")
    # A member is told of every one, as ever.
    assert "abcd0003, abcd0004" in cli("show", "abcd", as_member="raj").err.splitlines()[0]


def test_completion_offers_a_guest_what_they_read(shared: tuple[Cli, dict[str, str]]) -> None:
    """Their posts' ids and their campaigns (and their own handle), where it offered every task's and post's id, every
    member's handle, campaign and tag."""
    cli, ids = shared
    cli.ok("set", ids["task"], "tags=video", as_member="raj")
    line = ["-w", str(cli.workspace), "--as", "gus"]
    theirs = {ids["theirs"][:8]}
    assert set(candidates([*line, "show"], "")) == theirs
    assert set(candidates([*line, "done"], "")) == theirs
    assert set(candidates([*line, "post", "approve"], "")) == theirs
    assert set(candidates([*line, "post", "list"], "+")) == {"+spring-launch"}
    assert set(candidates([*line, "post", "list"], "@")) == {"@gus", "@me"}
    assert candidates([*line, "post", "list"], "#") == []
    # A member is offered everything, as ever.
    member = ["-w", str(cli.workspace), "--as", "raj"]
    assert set(candidates([*member, "post", "approve"], "")) == {ids["theirs"][:8], ids["other"][:8]}
    assert {"+spring-launch", "+autumn"} <= set(candidates([*member, "tasks"], "+"))
    assert "#video" in candidates([*member, "tasks"], "#")


def test_a_guests_post_list_terms_match_only_what_they_read(shared: tuple[Cli, dict[str, str]]) -> None:
    """``+nope``, ``+autum`` and ``needs:@zz`` listed every campaign, hinted at one or listed the members: now one answer
    naming only their own campaigns."""
    cli, ids = shared
    for term in ("+nope", "+autum", "+autumn"):
        error = one_line_error(cli("post", "list", term, as_member="gus"))
        assert error == f"crewdeck: error: {term}: no campaign of yours (+spring-launch)\n"
    for term in ("needs:@zz", "needs:@raj", "needs:@ana"):
        error = one_line_error(cli("post", "list", term, as_member="gus"))
        assert error == f"crewdeck: error: {term}: you list the posts that need you (needs:@me), not another's\n"
    assert ids["theirs"][:8] in cli.ok("post", "list", "+spring-launch", as_member="gus")
    assert cli("post", "list", "needs:@gus", as_member="gus").code in (0, 1)
    # A member is hinted at as ever.
    assert "did you mean +autumn" in one_line_error(cli("post", "list", "+autum", as_member="raj"))


def test_a_guest_is_refused_a_budget_change_before_anything_is_said_of_budgets(shared: tuple[Cli, dict[str, str]]) -> None:
    cli, _ = shared
    cli.ok("budget", "set", "autumn", "tools", "100 EUR")
    for campaign in ("autumn", "spring-launch", "nope"):
        for args in (("budget", "rm", campaign, "tools"), ("budget", "set", campaign, "tools", "5 EUR")):
            error = one_line_error(cli(*args, as_member="gus"))
            assert error == "crewdeck: error: only a manager may change budget records (@gus is a guest) (rule managers_only)\n", error


@pytest.mark.parametrize(
    "args",
    [
        ("ledger", "add", "--campaign", "autum", "--category", "tools", "--amount", "5 EUR", "--payee", "Canva"),
        ("ledger", "reverse", "0000"),
        ("ledger", "approve", "0000"),
        ("campaign", "set", "autum", "--target", "ctr>=1%"),
        ("kpi", "add", "+autum/instagram", "2026-12-01", "clicks=3"),
        ("rate", "set", "2026-12-01", "USD/EUR", "0.9"),
    ],
)
def test_a_guest_is_refused_a_write_they_may_never_make_before_anything_is_said_of_what_it_names(
    shared: tuple[Cli, dict[str, str]], args: tuple[str, ...]
) -> None:
    """hj's leftovers: "unknown campaign +autum (did you mean +autumn?)" and "no ledger entry with id 0000" told a guest
    of records they do not read, before the rules refused the write."""
    cli, _ = shared
    error = one_line_error(cli(*args, as_member="gus"))
    assert error.startswith("crewdeck: error: @gus is a guest: guests ") and error.endswith("(rule guest_read_only)\n"), error
    assert not any(word in error.lower() for word in ("autumn", "no ledger entry", "did you mean")), error


def test_a_guest_reads_the_crises_that_may_hold_their_posts_as_the_apps_banner_shows_them(shared: tuple[Cli, dict[str, str]]) -> None:
    # crisis status was refused to a guest, whose app shows them a banner of the crises that may hold a post of theirs.
    cli, _ = shared
    assert cli.ok("crisis", "status", as_member="gus") == "no crisis is open\n"
    cli.ok("crisis", "start", "--reason", "Autumn recall", "--campaign", "autumn")
    assert cli.ok("crisis", "status", as_member="gus") == "no crisis is open\n"
    assert cli.ok("crisis", "status", "--json", as_member="gus") == "[]\n"
    cli.ok("crisis", "start", "--reason", "Launch typo", "--campaign", "spring-launch", "--campaign", "autumn")
    said = cli.ok("crisis", "status", as_member="gus")
    lines = said.splitlines()
    assert lines[0] == "CRISIS: Launch typo", said
    assert lines[1].startswith("  started by @ana ") and lines[1].endswith("; scope: Spring Launch; posts paused"), said
    assert len(lines) == 2, said
    # Neither the other campaign's crisis, nor the other campaign in the scope, nor the checklist (tasks) is said.
    assert not [word for word in (*UNREAD, "recall", "checklist", "CRISIS ") if word in said], said
    [crisis] = json.loads(cli.ok("crisis", "status", "--json", as_member="gus"))
    assert set(crisis) == {"reason", "started_by", "started_at", "scope"}, crisis
    assert (crisis["reason"], crisis["started_by"], crisis["scope"]) == ("Launch typo", "@ana", "Spring Launch"), crisis
    # A member reads both, the checklist and their ids as ever.
    member = cli.ok("crisis", "status", as_member="raj")
    assert "Autumn recall" in member and "Launch typo" in member and "checklist" in member, member


@pytest.mark.parametrize(
    "args",
    [("member", "list"), ("export",), ("doctor",), ("zones",), ("workspace", "show"), ("campaign", "list"), ("kpi", "report")],
)
def test_a_handle_named_that_no_member_has_is_refused_before_any_read(
    shared: tuple[Cli, dict[str, str]], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Review re: the guest check's fallback took ``--as zed`` (or CREWDECK_MEMBER=zed) for nobody, and the read went on
    (exit 0, everything printed), where it was refused (exit 2) naming the handle; a mapped member's ``--as ana`` too."""
    cli, _ = shared
    result = cli(*args, as_member="zed")
    assert (result.code, result.out) == (2, "")
    assert "--as @zed: no member with that handle" in one_line_error(result)
    monkeypatch.setenv("CREWDECK_MEMBER", "zed")
    result = cli(*args, as_member=None)
    assert (result.code, result.out) == (2, "")
    assert "CREWDECK_MEMBER @zed: no member with that handle" in one_line_error(result)
    monkeypatch.delenv("CREWDECK_MEMBER")
    cli.ok("member", "set", "raj", "--unix-user", "crewdeck-tests-nobody")
    result = cli(*args, as_member="ana")
    assert (result.code, result.out) == (2, "")
    assert "you are @raj on this host" in one_line_error(result)


@pytest.mark.parametrize(
    "args",
    [
        ("add", "hello +nope"),
        ("add", "hello +autum"),
        ("add", "hello @r"),
        ("post", "add", "x +nope post:instagram"),
        ("post", "add", "x +autum post:instagram"),
        ("set", "{theirs}", "campaign=nope"),
        ("set", "{theirs}", "campaign=autum"),
        ("set", "{theirs}", "assignee=@r"),
        ("set", "{task}", "assignee=@r"),
    ],
)
def test_a_guest_is_refused_a_task_change_before_anything_is_said_of_what_it_names(
    shared: tuple[Cli, dict[str, str]], args: tuple[str, ...]
) -> None:
    """Review re: "unknown campaign +nope (campaigns: +autumn, +spring-launch)", "did you mean +autumn?" and "unknown
    member @r (members: @ana, @gus, @raj)" told a guest of campaigns and members they do not read, before the rules
    refused the write they may never make (task_change_refused)."""
    cli, ids = shared
    result = cli(*(word.format(**ids) for word in args), as_member="gus")
    error = one_line_error(result)
    assert error == "crewdeck: error: @gus is a guest: guests do not change tasks (rule guest_read_only)\n", error
    assert result.out == ""
    # A member is told what the words name, as ever.
    assert "did you mean +autumn" in one_line_error(cli("add", "hello +autum", as_member="raj"))


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        (("member", "set", "zed", "--tz", "UTC"), "managers_only"),
        (("member", "set", "me", "--campaigns", "nope"), "own_profile_only"),
        (("member", "set", "raj", "--tz", "Mars/Olympus"), "managers_only"),
        (("member", "rm", "zed"), "managers_only"),
        (("member", "rm", "raj"), "managers_only"),
        (("member", "add", "raj", "--name", "Raj", "--tz", "UTC"), "managers_only"),
        (("member", "add", "zed", "--name", "Zed", "--tz", "UTC"), "managers_only"),
        (("member", "set", "gus", "--campaigns", "nope"), "own_profile_only"),
        (("member", "set", "gus", "--campaigns", "autum"), "own_profile_only"),
        (("member", "rm", "gus"), "own_profile_only"),
    ],
)
def test_a_guest_is_refused_a_member_change_before_any_member_or_campaign_is_looked_up(
    shared: tuple[Cli, dict[str, str]], args: tuple[str, ...], rule: str
) -> None:
    """Review re: "unknown member @zed (members: @ana, @gus, @raj)", "member @raj already exists" and "unknown campaign
    +nope (campaigns: ...)" told a guest of members and campaigns they do not read, before the rules refused the change."""
    cli, _ = shared
    result = cli(*args, as_member="gus")
    error = one_line_error(result)
    assert error.rstrip().endswith(f"(rule {rule})"), error
    assert not any(word in error.lower() for word in ("@ana", "@raj", "@zed", "autumn", "exists", "unknown")), error
    assert result.out == ""


def test_a_guest_sets_their_own_name_and_zone(shared: tuple[Cli, dict[str, str]]) -> None:
    cli, _ = shared
    assert "moved @gus to Europe/Paris" in cli.ok("member", "set", "@gus", "--tz", "Europe/Paris", as_member="gus")
    assert "Gussy" in cli.ok("member", "set", "gus", "--name", "Gussy", as_member="gus")
    error = one_line_error(cli("member", "set", "gus", "--tz", "Mars/Olympus", as_member="gus"))
    assert "Mars/Olympus" in error and "rule" not in error


def test_a_guest_is_refused_the_list_of_tokens(shared: tuple[Cli, dict[str, str]]) -> None:
    """Review re: ``token list`` on a file showed a guest every token, with its member's handle and label."""
    cli, _ = shared
    cli.ok("token", "create", "raj", "--label", "raj-laptop")
    for member in ("gus", "raj"):
        result = cli("token", "list", as_member=member)
        error = one_line_error(result)
        assert error.startswith(f"crewdeck: error: only a manager lists tokens (@{member} is a "), error
        assert error.endswith("(rule managers_only)\n") and result.out == "", error
    assert "raj-laptop" in cli.ok("token", "list")


def test_a_mapped_guest_naming_another_is_refused_before_the_handle_is_looked_up(shared: tuple[Cli, dict[str, str]]) -> None:
    """Review re: a Unix-mapped guest's ``--as zz`` listed the members in its error, and ``--as raj`` told raj exists by
    refusing differently: both get the one refusal that a guest acts as nobody else."""
    cli, _ = shared
    cli.ok("member", "set", "gus", "--unix-user", "crewdeck-tests-nobody")
    said = {handle: one_line_error(cli("post", "list", as_member=handle)) for handle in ("zz", "raj", "@ana", "r")}
    assert len(set(said.values())) == 1, said
    assert "you are @gus on this host" in said["zz"] and "(rule managers_only)" in said["zz"], said
    assert "Launch reel" in cli.ok("post", "list", as_member="@gus")


@pytest.mark.parametrize("args", [("tasks",), ("export",), ("member", "list"), ("doctor",), ("post", "list"), ("zones",)])
def test_a_replica_whose_tokens_member_has_not_synced_reads_with_a_handle_named(
    shared: tuple[Cli, dict[str, str]], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Review ri: a replica ``join`` left before its first sync (its token's member not in it yet) read as nobody with
    ``--as raj`` or CREWDECK_MEMBER=raj, as with no handle named; the guest check re-raised "who is not in it yet" (exit 2)."""
    cli, _ = shared
    conn = sqlite3.connect(cli.workspace)
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [("remote.member", NO_ID), ("remote.url", "http://127.0.0.1:9"), ("remote.workspace", "team")],
        )
    conn.close()
    assert cli(*args, as_member=None).code == 0
    for handle in ("raj", "ana"):
        result = cli(*args, as_member=handle)
        assert result.code == 0, (handle, result.err)
    monkeypatch.setenv("CREWDECK_MEMBER", "raj")
    result = cli(*args, as_member=None)
    assert result.code == 0, result.err


def test_a_guests_member_set_with_no_option_says_nothing_of_the_handle(shared: tuple[Cli, dict[str, str]]) -> None:
    """Review ri: with no option the rules were asked of no field, so a guest's ``member set zed`` listed every member and
    ``member set raj`` said "nothing to change" (raj exists): it is said before any handle is looked up, for anyone."""
    cli, _ = shared
    said = {handle: cli("member", "set", handle, as_member="gus") for handle in ("zed", "raj", "gus", "me")}
    errors = {handle: one_line_error(result) for handle, result in said.items()}
    assert len(set(errors.values())) == 1, errors
    assert "member set: nothing to change" in errors["zed"] and "@" not in errors["zed"], errors
    assert all(result.out == "" for result in said.values())


def test_a_member_sets_their_zone_beside_options_that_change_nothing(shared: tuple[Cli, dict[str, str]]) -> None:
    """Review ri: the rules-first check judged every option given, so raj's ``--tz UTC --access member`` (a member
    already) was refused whole where it wrote the zone; an option that changes their own row is judged still."""
    cli, _ = shared
    assert "moved @raj" in cli.ok("member", "set", "raj", "--tz", "UTC", "--access", "member", as_member="raj")
    assert "Europe/Paris" in cli.ok("member", "set", "gus", "--tz", "Europe/Paris", "--access", "guest", as_member="gus")
    refused = one_line_error(cli("member", "set", "raj", "--tz", "Asia/Tokyo", "--access", "manager", as_member="raj"))
    assert refused.rstrip().endswith("(rule own_profile_only)"), refused
    assert "UTC" in cli.ok("member", "list", as_member="raj").split("@raj", 1)[1].splitlines()[0]


@pytest.mark.parametrize("member", ["raj", "gus"])
def test_member_set_me_is_the_member_acting(shared: tuple[Cli, dict[str, str]], member: str) -> None:
    """Review ri: ``member set me`` by a member or a guest said "only a manager may add or change other members"; ``me``
    names who runs the command, as ``@me`` does in ``set assignee=`` (``assignee_named``)."""
    cli, _ = shared
    assert f"moved @{member} to Asia/Tokyo" in cli.ok("member", "set", "@me", "--tz", "Asia/Tokyo", as_member=member)
    refused = one_line_error(cli("member", "set", "me", "--access", "manager", as_member=member))
    assert refused.rstrip().endswith("(rule own_profile_only)"), refused


@pytest.mark.parametrize("member", ["raj", "gus"])
@pytest.mark.parametrize("handle", ["me", "@ME"])
def test_member_rm_me_is_refused_as_the_member_acting(shared: tuple[Cli, dict[str, str]], member: str, handle: str) -> None:
    """``member rm me`` by a member or a guest said "only a manager may add or change other members" (rule managers_only),
    where ``member rm raj`` by raj, and ``member set me``, name their own profile's rule: ``me`` is who runs it there too."""
    cli, _ = shared
    refused = one_line_error(cli("member", "rm", handle, as_member=member))
    assert refused == one_line_error(cli("member", "rm", member, as_member=member)), refused
    assert refused.rstrip().endswith("(rule own_profile_only)"), refused
    assert member in [m["handle"] for m in json.loads(cli.ok("member", "list", "--json"))]


def test_a_guest_reads_the_crisis_that_holds_a_post_of_theirs_without_its_id(shared: tuple[Cli, dict[str, str]]) -> None:
    """`post show` told a guest "crisis: Launch typo (1a2b3c4d, open)", and `--json` its id in `held_by`, where their
    `crisis status` names a crisis with no id."""
    cli, ids = shared
    post = ids["theirs"][:8]
    cli.ok("post", "copy", post, "Big day", as_member="raj")
    cli.ok("post", "submit", post, as_member="raj")
    crisis_id = cli.ok("crisis", "start", "--reason", "Launch typo", "--campaign", "spring-launch").strip()
    shown = cli.ok("post", "show", post, as_member="gus")
    assert "crisis:        Launch typo (open)" in shown.splitlines(), shown
    data = json.loads(cli.ok("post", "show", post, "--json", as_member="gus"))
    assert "held_by" not in data and data["crises"] == [{"reason": "Launch typo", "open": True}], data
    [listed] = json.loads(cli.ok("post", "list", "--json", as_member="gus"))
    assert crisis_id not in json.dumps(listed) and listed["crises"] == data["crises"], listed
    detail = cli.ok("show", post, as_member="gus")
    assert "Launch typo (open)" in detail and crisis_id[:8] not in detail, detail
    # A member reads its id as ever.
    assert f"Launch typo ({crisis_id[:8]}, open)" in cli.ok("post", "show", post, as_member="raj")
    member = json.loads(cli.ok("post", "show", post, "--json", as_member="raj"))
    assert member["held_by"] == [crisis_id] and member["crises"] == [{"id": crisis_id, "reason": "Launch typo", "open": True}]
