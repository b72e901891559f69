"""A token kept out of the process list: ``join`` and ``sync`` take it from ``$CREWDECK_TOKEN`` or ``--token-file``, and
say once on stderr that ``--token`` puts it where every user of the machine reads it (``ps``), against a real server."""

from __future__ import annotations

import grp
import io
import os
import pwd
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from crewdeck.sync.client.remote import Remote
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .syncsupport import Server, create_token, crewdeck, make_team, new_token, token_file

WARNING = (
    "crewdeck: warning: --token is on the command line, which every user of this machine can read in the process list: "
    "give it in CREWDECK_TOKEN or --token-file FILE instead\n"
)
#: ``sync``'s: it never reads the variable.
SYNC_WARNING = (
    "crewdeck: warning: --token is on the command line, which every user of this machine can read in the process list: "
    "give it in --token-file FILE instead\n"
)


def run(*args: str) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of the CLI run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Server]]:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    yield team, server
    assert server.stop() == ""


@pytest.fixture
def reachable() -> Iterator[Path]:
    """A directory every user of the machine passes (pytest's own, under a 0700 one, is reached by its owner alone; so may
    ``$TMPDIR`` be: /tmp, 1777 on every Linux, is passed by all)."""
    directory = Path(tempfile.mkdtemp(prefix="crewdeck-token-", dir="/tmp"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory)


def token_of(path: Path) -> str:
    with Store(path) as store:
        remote = Remote.of(store)
        assert remote is not None
        return remote.token


def test_a_token_on_the_command_line_is_said_once_and_the_other_ways_say_nothing(
    served: tuple[Path, Server], tmp_path: Path, reachable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team, server = served
    by_option = new_token("ana", "--workspace", str(team))
    code, out, err = run("join", server.url, "--token", by_option, str(tmp_path / "a.db"))
    assert code == 0 and out.startswith("joined workspace team"), err
    assert err.startswith(WARNING) and err.count("warning") == 1, err

    by_file = new_token("ana", "--workspace", str(team))
    code, out, err = run("join", server.url, "--token-file", token_file(tmp_path, by_file), str(tmp_path / "b.db"))
    assert code == 0 and "warning" not in err, err
    assert token_of(tmp_path / "b.db") == by_file

    # A file other users may read holds the token as openly as the command line: said, and taken.
    open_file = Path(token_file(reachable, new_token("ana", "--workspace", str(team))))
    open_file.chmod(0o644)
    code, out, err = run("join", server.url, "--token-file", str(open_file), str(tmp_path / "open.db"))
    assert code == 0 and err.splitlines()[0] == (
        f"crewdeck: warning: --token-file {open_file} can be read by other users of this machine (mode 0644): chmod 600 it"
    ), err

    by_input = new_token("ana", "--workspace", str(team))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{by_input}\n".encode())))
    code, out, err = run("join", server.url, "--token-file", "-", str(tmp_path / "c.db"))
    assert code == 0 and "warning" not in err, err
    assert token_of(tmp_path / "c.db") == by_input

    by_environment = new_token("raj", "--workspace", str(team))
    monkeypatch.setenv("CREWDECK_TOKEN", by_environment)
    code, out, err = run("join", server.url, str(tmp_path / "d.db"))
    assert code == 0 and "as @raj" in out and "warning" not in err, err
    assert token_of(tmp_path / "d.db") == by_environment


def test_a_join_with_no_token_or_a_bad_one_says_where_in_one_line_and_makes_nothing(served: tuple[Path, Server], tmp_path: Path) -> None:
    _, server = served
    path = tmp_path / "x.db"
    assert run("join", server.url, str(path)) == (
        2,
        "",
        "crewdeck: error: join needs your token (from: crewdeck token create): set CREWDECK_TOKEN, or give --token-file FILE\n",
    )
    missing = tmp_path / "nowhere"
    assert run("join", server.url, "--token-file", str(missing), str(path)) == (
        2,
        "",
        f"crewdeck: error: --token-file {missing}: No such file or directory\n",
    )
    # Not quoted: a file given by mistake (a key, a config) may hold another secret.
    wrong = tmp_path / "id_ed25519"
    wrong.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n")
    wrong.chmod(0o600)
    assert run("join", server.url, "--token-file", str(wrong), str(path)) == (
        2,
        "",
        f"crewdeck: error: --token-file {wrong}: not a crewdeck token (crewdeck_ and 43 characters, from: crewdeck token create)\n",
    )
    with pytest.raises(SystemExit) as usage, redirect_stderr(io.StringIO()) as said:
        main(["join", server.url, "--token", "crewdeck_" + "a" * 43, "--token-file", str(wrong), str(path)])
    assert usage.value.code == 2 and "argument --token-file: not allowed with argument --token" in said.getvalue()
    assert not path.exists()


def test_sync_takes_a_new_token_from_a_file_and_never_from_the_environment(
    served: tuple[Path, Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sync`` read $CREWDECK_TOKEN as a new token whenever it was not the replica's own, and sent it to the replica's
    server: a variable left set for another team's join went to this team's server, a secret to a server it was never
    for, and stopped every sync of this replica (review rc 1).  ``sync`` takes a new token from a file (or --token)
    alone; the variable is ``join``'s, where the server it goes to is named beside it."""
    team, server = served
    (tmp_path / "other").mkdir()
    other_team = make_team(tmp_path / "other")
    other = Server([str(other_team)]).start()
    try:
        path = tmp_path / "ana.db"
        token_id, first = create_token("ana", "--workspace", str(team))
        assert run("join", server.url, "--token-file", token_file(tmp_path, first), str(path))[0] == 0
        monkeypatch.setenv("CREWDECK_TOKEN", new_token("ana", "--workspace", str(other_team)))
        assert run("join", other.url, str(tmp_path / "other.db"))[0] == 0
        # The variable still set, for the other team's replica: this one syncs with its own token, nothing said of it.
        code, out, err = run("-w", str(path), "sync")
        assert code == 0 and out.startswith("pushed 0, pulled") and err == "", (out, err)
        assert token_of(path) == first

        # Its own token revoked, a token of this team's in the variable is not taken either: the refusal says to give
        # it in a file.
        crewdeck("token", "revoke", token_id, "--workspace", str(team))
        second = new_token("ana", "--workspace", str(team))
        monkeypatch.setenv("CREWDECK_TOKEN", second)
        code, out, err = run("-w", str(path), "sync")
        assert code == 2 and "sync --token-file FILE" in err, err
        assert token_of(path) == first
    finally:
        assert other.stop() == ""

    monkeypatch.delenv("CREWDECK_TOKEN")
    code, out, err = run("-w", str(path), "sync", "--token-file", token_file(tmp_path, second))
    assert code == 0 and out.startswith("this replica syncs with the new token from now on") and err == "", (out, err)
    assert token_of(path) == second
    # The replica's own token given again is nothing new: no "new token" said.
    code, out, err = run("-w", str(path), "sync", "--token-file", token_file(tmp_path, second))
    assert code == 0 and out.startswith("pushed 0, pulled") and err == "", (out, err)
    third = new_token("ana", "--workspace", str(team))
    code, out, err = run("-w", str(path), "sync", "--token", third)
    assert code == 0 and err == SYNC_WARNING, err
    assert token_of(path) == third


def test_a_token_in_the_environment_with_spaces_around_it_is_taken_as_a_files_is(
    served: tuple[Path, Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team, server = served
    token = new_token("raj", "--workspace", str(team))
    monkeypatch.setenv("CREWDECK_TOKEN", f" {token}\n")
    code, out, err = run("join", server.url, str(tmp_path / "raj.db"))
    assert code == 0 and "as @raj" in out, err
    assert token_of(tmp_path / "raj.db") == token


def test_a_token_file_is_said_readable_only_where_another_user_can_reach_and_read_it(
    served: tuple[Path, Server], tmp_path: Path, reachable: Path
) -> None:
    """A token file made 0644 by a umask of 022 in a home of 0700 or 0750 (its group the owner's own) is read by no one
    else, and the warning was said at every join and sync all the same (review rc 5).  It is said where the file's mode
    and every directory above it let another user read it."""
    team, server = served
    token = new_token("ana", "--workspace", str(team))
    said = "can be read by other users of this machine"
    joined = iter(range(100))

    def warned(directory_mode: int, file_mode: int) -> bool:
        directory = reachable / f"home{next(joined)}"
        directory.mkdir()
        path = Path(token_file(directory, token))
        path.chmod(file_mode)
        directory.chmod(directory_mode)
        code, _, err = run("join", server.url, "--token-file", str(path), str(tmp_path / f"{directory.name}.db"))
        assert code == 0, err
        return said in err

    assert warned(0o755, 0o644)  # anyone passes the directories and reads the file
    assert not warned(0o700, 0o644)  # no one else passes the home
    # The group: the owner's own private one (root's here) holds no one else; where the owner's main group is shared
    # (a CI runner's ``docker``), its other members read the file.
    group, owner = grp.getgrgid(os.getegid()), pwd.getpwuid(os.getuid()).pw_name
    shared = not (group.gr_name == owner and set(group.gr_mem) <= {owner})
    assert warned(0o750, 0o644) is shared
    assert warned(0o755, 0o640) is shared
    assert not warned(0o755, 0o600)
