"""A valid zone that is likely not the one meant (EST, Etc/GMT+5) is taken, and said where it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from crewdeck.sync.state.sshkeys import parse_key
from crewdeck.sync.state.zones import surprise
from crewdeck.tui.ssh.session import running_account

from .conftest import NOW, Cli

EST = "EST is UTC-05:00 all year, with no daylight saving: for New York's clocks use America/New_York"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("EST", EST),
        (
            "MST",
            "MST is UTC-07:00 all year, with no daylight saving: for Denver's clocks use America/Denver, for Phoenix's America/Phoenix",
        ),
        ("HST", "HST is UTC-10:00 all year, with no daylight saving: for Hawaii's clocks use Pacific/Honolulu"),
        ("Etc/GMT+5", "Etc/GMT+5 is UTC-05:00 (an Etc/GMT zone's sign is the inverse of the offset): for UTC+05:00 use Etc/GMT-5"),
        ("Etc/GMT-3", "Etc/GMT-3 is UTC+03:00 (an Etc/GMT zone's sign is the inverse of the offset): for UTC-03:00 use Etc/GMT+3"),
        ("Etc/GMT-14", "Etc/GMT-14 is UTC+14:00 (an Etc/GMT zone's sign is the inverse of the offset)"),  # no Etc/GMT+14
        ("Etc/GMT+0", None),
        ("EST5EDT", None),  # New York's rules, summer time included
        ("America/Phoenix", None),
        ("UTC", None),
    ],
)
def test_a_zone_likely_not_the_one_meant_is_said_with_the_one_meant(name: str, said: str | None) -> None:
    assert surprise(name, NOW) == said


def test_each_command_that_takes_a_zone_takes_est_and_says_it_keeps_no_daylight_saving(cli: Cli, tmp_path: Path) -> None:
    # `member set ana --tz EST` for someone in New York was taken without a word: every summer her working hours, her
    # end of day and the meetings booked on her clock were an hour off.
    for argv, flag in (
        (["member", "set", "ana", "--tz", "EST"], "--tz"),
        (["member", "add", "noor", "--name", "Noor", "--tz", "EST"], "--tz"),
        (["campaign", "add", "Fall Drop", "--audience-tz", "EST"], "--audience-tz"),
        (["overlap", "ana", "raj", "--zone", "EST", "--limit", "1"], "--zone"),
        (["init", str(tmp_path / "new.db"), "--member", "ana", "--name", "Ana", "--tz", "EST"], "--tz"),
        (["workspace", "set", "tz", "EST"], "tz"),
    ):
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)
        assert [line for line in result.err.splitlines() if "EST" in line] == [f"note: {flag}: {EST}"], (argv, result.err)
    assert cli("member", "set", "raj", "--tz", "America/New_York").err == ""  # a zone that changes its clocks: no note


def test_a_zone_typed_after_a_time_in_quick_add_or_set_is_said_as_a_clock_change_is(cli: Cli) -> None:
    # `every:mon 10:00 EST` for a New York call was taken quietly: from March to November the series met at 11:00 there.
    added = cli("add", "Weekly call every:mon 10:00 EST")
    assert added.code == 0 and added.err == f"note: every: {EST}\n", added.err
    task = added.out.strip()
    moved = cli("set", task, "every=none", "due=fri 17:00 Etc/GMT+5")
    assert moved.code == 0, moved.err
    assert "note: due: Etc/GMT+5 is UTC-05:00 (an Etc/GMT zone's sign is the inverse of the offset)" in moved.err, moved.err
    assert cli("add", "Review due:fri 17:00 America/New_York").err == ""


@pytest.mark.parametrize(
    ("argv", "as_member"),
    [
        (["member", "add", "noor", "--name", "Noor", "--tz", "EST", "--hours", "bogus"], "ana"),
        (["member", "set", "raj", "--tz", "EST", "--hours", "bogus"], "ana"),
        (["campaign", "add", "Fall Drop", "--audience-tz", "EST"], "raj"),
        (["campaign", "set", "spring-launch", "--audience-tz", "EST", "--start", "notadate"], "ana"),
        (["overlap", "ana", "nobody", "--zone", "EST"], "ana"),
        (["import", "--from", "taskwarrior", "--default-tz", "EST", "missing.json"], "ana"),
        (["init", "{workspace}", "--member", "ana", "--name", "Ana", "--tz", "EST"], None),
    ],
)
def test_a_refused_command_says_no_note_of_the_zone_it_never_wrote(cli: Cli, argv: list[str], as_member: str | None) -> None:
    # The note was said as the option was read: a command refused after it said two lines, the first of a zone never
    # written (`member add … --tz EST --hours bogus`).
    result = cli(*[word.format(workspace=cli.workspace) for word in argv], as_member=as_member)
    assert result.code == 2 and result.err.count("\n") == 1 and result.err.startswith("crewdeck: error: "), result.err


def test_a_zone_is_said_once_written_and_not_when_nothing_is(cli: Cli) -> None:
    # `member set ana --tz EST` with ana in EST already said "nothing written" and the note again, where `workspace set
    # tz EST` said nothing: the note is of a value written, said once the command has written it.
    for argv, flag in (
        (["member", "set", "ana", "--tz", "EST"], "--tz"),
        (["campaign", "set", "spring-launch", "--audience-tz", "EST"], "--audience-tz"),
        (["workspace", "set", "tz", "EST"], "tz"),
    ):
        assert cli(*argv).err.splitlines()[-1] == f"note: {flag}: {EST}", argv
        again = cli(*argv)
        assert again.code == 0 and "nothing written" in again.out and again.err == "", (argv, again.err)


def test_a_command_over_ssh_says_the_zones_note_once_it_has_written(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A command run inside `ssh-session` says its notes as one run here does: refused, none; written, after its output.
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo raj@laptop"
    cli.ok("ssh", "account", running_account())
    cli.ok("member", "set", "raj", "--ssh-key", key)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    session = ("ssh-session", "raj", "--key", parse_key(key).fingerprint)
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "member set raj --tz EST --hours bogus")
    refused = cli(*session, as_member=None)
    assert refused.code == 2 and "note:" not in refused.err, refused.err
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "member set raj --tz EST")
    written = cli(*session, as_member=None)
    assert written.code == 0 and written.err == f"note: --tz: {EST}\n", written.err
