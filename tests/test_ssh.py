"""SSH key login to one shared team account, through a real sshd (see ``sshsupport``).

raj and mia have keys; ana (the manager) is the Unix user running the
tests (``init`` maps her).  The team account is made for the test run;
sshd runs the forced command crewdeck wrote for the key that matched.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import signal
import stat
import struct
import subprocess
import tempfile
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crewdeck.sync.state.sshkeys import BadKey, parse_key
from crewdeck.sync.state.store import Store
from crewdeck.tui.ssh.authorized import merged, written_by_crewdeck
from crewdeck.tui.ssh.session import SessionRefused, colour_system, count_app_start

from .sshsupport import Sshd, TeamAccount, Tmux, fingerprint, keypair
from .syncsupport import crewdeck, crewdeck_fails, listing, wait_until


@dataclass
class Host:
    account: TeamAccount
    workspace: Path
    #: Private key files, and the public lines, by member (``stranger`` is nobody's).
    keys: dict[str, Path]
    public: dict[str, str]


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    account = TeamAccount()
    try:
        keys, public = {}, {}
        for who in ("raj", "mia", "stranger"):
            keys[who], public[who] = keypair(tmp_path, who)
        workspace = account.directory / "team.db"
        w = ["-w", str(workspace)]
        crewdeck("init", str(workspace), "--member", "ana", "--name", "Ana", "--tz", "UTC")
        for who in ("raj", "mia"):
            crewdeck(*w, "member", "add", who, "--name", who.title(), "--tz", "UTC", "--ssh-key", public[who])
        crewdeck(*w, "ssh", "account", account.name)
        crewdeck(*w, "add", "Storyboard the reel @raj")
        account.give(workspace)
        yield Host(account, workspace, keys, public)
    finally:
        account.remove()


@pytest.fixture
def installed(host: Host) -> Iterator[Sshd]:
    """sshd reading the team account's authorized_keys, written by ``crewdeck ssh install``."""
    sshd = Sshd(host.account, host.workspace, keys_command=False)
    crewdeck("-w", str(host.workspace), "ssh", "install", "--file", str(sshd.authorized_keys), "--program", host.account.program)
    yield sshd
    sshd.stop()


@pytest.fixture
def asking(host: Host) -> Iterator[Sshd]:
    """sshd asking ``crewdeck ssh keys-command`` at every login."""
    sshd = Sshd(host.account, host.workspace, keys_command=True)
    yield sshd
    sshd.stop()


def _log(host: Host) -> str:
    return crewdeck("-w", str(host.workspace), "log", "--limit", "5")


# ---------------------------------------------------------------- the app over ssh -tt


def test_a_registered_key_opens_the_app_as_its_member_with_colours_and_resizes(host: Host, installed: Sshd) -> None:
    command = " ".join(installed.ssh_command(host.keys["raj"], tty=True))
    # TERM=xterm and no COLORTERM (ssh does not forward it): Rich alone would pick 16 colours.
    tmux = Tmux(f"TERM=xterm {command}", 80, 24)
    try:
        screen = tmux.wait_for(lambda s: "@raj (UTC)" in s and "Storyboard the reel" in s, "the app as raj")
        assert "@ana (UTC)" not in screen
        # 80 columns: the panes are tabs.  The session set 256 colours.
        coloured = tmux.wait_for(lambda s: "\x1b[38;5;" in s or "\x1b[48;5;" in s, "256-colour cells", colours=True)
        assert "\x1b[38;2;" not in coloured and "\x1b[48;2;" not in coloured
        assert "1 Tasks  2 Deadlines  3 Budget" in tmux.screen()
        tmux.resize(140, 40)
        wide = tmux.wait_for(lambda s: "╭─ 2 Deadlines" in s and len(s.splitlines()) == 40, "the panes side by side at 140x40")
        assert "@raj (UTC)" in wide and max(len(line) for line in wide.splitlines()) > 100
        tmux.resize(80, 24)
        tmux.wait_for(lambda s: "1 Tasks  2 Deadlines  3 Budget" in s and "╭─ 2 Deadlines" not in s, "the tabs at 80x24 again")
    finally:
        tmux.kill()


def test_removing_the_key_or_the_member_ends_their_open_app(host: Host, installed: Sshd) -> None:
    """As a revoked browser session's app ends: a removed key's app went on writing as its member until they quit."""
    w = ["-w", str(host.workspace)]
    crewdeck(*w, "member", "set", "mia", "--handle", "mia-renamed")  # a rename ends nothing: the key is still hers
    crewdeck(*w, "ssh", "install", "--file", str(installed.authorized_keys), "--program", host.account.program)
    sessions = {
        who: Tmux(f"{' '.join(installed.ssh_command(host.keys[who], tty=True))}; echo ssh said $?; sleep 60", 80, 24)
        for who in ("raj", "mia")
    }
    try:
        for who, tmux in sessions.items():
            handle = "mia-renamed" if who == "mia" else who
            tmux.wait_for(lambda s, handle=handle: f"@{handle} (UTC)" in s, f"the app as {who}")
        crewdeck(*w, "member", "set", "mia-renamed", "--name", "Mia R")
        raj = fingerprint(host.public["raj"], host.account.directory)
        crewdeck(*w, "member", "set", "raj", "--ssh-key-rm", raj)
        # The terminal wraps the one line at 80 columns: the screen's lines joined give it back.
        ended = "".join(sessions["raj"].wait_for(lambda s: "ssh said" in s, "raj's app ended").splitlines())
        assert f"crewdeck: the key {raj} is no longer @raj's: this session has ended" in ended and "ssh said 2" in ended, ended
        assert "ssh said" not in sessions["mia"].screen()
        crewdeck(*w, "member", "rm", "mia-renamed")
        ended = "".join(sessions["mia"].wait_for(lambda s: "ssh said" in s, "mia's app ended").splitlines())
        assert "crewdeck: @mia-renamed was removed from this workspace: this session has ended" in ended and "ssh said 2" in ended, ended
    finally:
        for tmux in sessions.values():
            tmux.kill()


def test_a_member_made_a_guest_has_their_open_app_ended(host: Host, installed: Sshd) -> None:
    """A guest reads their campaigns' posts alone (DESIGN.md "Roles and rules"): the app opened as a member went on
    showing every task, deadline and the ledger after the member was made a guest."""
    tmux = Tmux(f"{' '.join(installed.ssh_command(host.keys['raj'], tty=True))}; echo ssh said $?; sleep 60", 80, 24)
    try:
        tmux.wait_for(lambda s: "@raj (UTC)" in s and "Storyboard the reel" in s, "the app as raj")
        crewdeck("-w", str(host.workspace), "member", "set", "raj", "--access", "guest")
        ended = "".join(tmux.wait_for(lambda s: "ssh said" in s, "raj's app ended").splitlines())
        said = "crewdeck: @raj is a guest now, who sees only the Approvals view: this session has ended (log in again)"
        assert said in ended and "ssh said 2" in ended, ended
    finally:
        tmux.kill()


def test_a_guest_made_a_member_has_their_open_app_ended(host: Host, installed: Sshd, tmp_path: Path) -> None:
    """A guest made a member kept the Approvals view alone over SSH, until they thought to log in again."""
    w = ["-w", str(host.workspace)]
    private, public = keypair(tmp_path, "gus")
    crewdeck(*w, "member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest", "--ssh-key", public)
    crewdeck(*w, "ssh", "install", "--file", str(installed.authorized_keys), "--program", host.account.program)
    tmux = Tmux(f"{' '.join(installed.ssh_command(private, tty=True))}; echo ssh said $?; sleep 60", 80, 24)
    try:
        tmux.wait_for(lambda s: "Approvals" in s, "the guest's app (the Approvals view) as gus")
        crewdeck(*w, "member", "set", "gus", "--access", "member")
        ended = "".join(tmux.wait_for(lambda s: "ssh said" in s, "gus's app ended").splitlines())
        said = "crewdeck: @gus is a member now, no longer a guest: this session has ended (log in again for the whole app)"
        assert said in ended and "ssh said 2" in ended, ended
    finally:
        tmux.kill()


@pytest.mark.parametrize(
    ("pasted", "note"),
    [
        (b"\x1b[200~Shorter, please\x1b\x1b[Aya\x1b[201~", "Shorter, please[Aya"),
        (b"\x1b[200~Shorter, please\x1b[201~\x1b\x1b[Aya\x1b[201~", "Shorter, please[201~[Aya"),
    ],
)
def test_a_paste_holding_an_escape_over_ssh_is_text_and_approves_nothing(tmp_path: Path, pasted: bytes, note: str) -> None:
    """Textual read a bracketed paste that held an escape out of order, the keys the escape started first (escape, y,
    a) and the paste after: a client pasting feedback into their request for changes, from a terminal that sends a
    paste as it came, discarded the note and approved the post, as the browser's paste once did.  A paste holding the
    end of a paste ended there, what followed it acting as keys alike."""
    from .websupport import make_posts_team

    account = TeamAccount()
    try:
        team = make_posts_team(account.directory)
        w = ["-w", str(team), "--as", "ana"]
        private, public = keypair(tmp_path, "acme")
        crewdeck(*w, "member", "set", "acme", "--ssh-key", public)
        crewdeck(*w, "ssh", "account", account.name)
        account.give(team)
        sshd = Sshd(account, team, keys_command=False)
        try:
            crewdeck(*w, "ssh", "install", "--file", str(sshd.authorized_keys), "--program", account.program)
            tmux = Tmux(" ".join(sshd.ssh_command(private, tty=True)), 80, 24)
            try:
                tmux.wait_for(lambda s: "a Approve" in s and "Spring post 0" in s, "the guest's Approvals view")
                tmux.keys("c")
                tmux.wait_for(lambda s: "what to change" in s, "the note's dialog")
                # As the terminal sends the paste: bracketed, the escapes in it as they came.
                tmux.keys("-H", *(f"{byte:02x}" for byte in pasted))
                tmux.wait_for(lambda s: note in s, "the paste in the note")
                tmux.keys("Enter")
                wait_until(lambda: _verdicts(team) != [], "the verdict in the store")
            finally:
                tmux.kill()
        finally:
            sshd.stop()
        assert _verdicts(team) == [("reject", note)]
    finally:
        account.remove()


def test_a_paste_read_in_pieces_is_kept_to_text_and_keys_out_of_one_go_on_at_once() -> None:
    """However the network cuts the terminal's input, a paste's control characters go and its end still ends it; a key
    out of a paste (escape alone, an arrow) is passed on as it is read, never held for the next read."""
    from crewdeck.tui.ssh.pastes import PasteFilter

    sent = "\x1b[Ab\x1b[200~Zoë 漢字\x1b\x1b[Aya\x85\x00\t\r\x1b[201~".encode()
    for size in (1, 2, 3, 5, 7, len(sent)):
        pastes = PasteFilter()
        pieces = [pastes.feed(sent[at : at + size]) for at in range(0, len(sent), size)]
        assert b"".join(pieces) == "\x1b[Ab\x1b[200~Zoë 漢字[Aya\t\r\x1b[201~".encode(), size
    pastes = PasteFilter()
    keys = (b"\x1b", b"\x1b[A", b"\x1b[20", b"0~a\x1b", b"b\x1b[201", b"~", b"\x1b", b"\x1b[200~\x1b[201~", b"\x1b")
    assert [pastes.feed(key) for key in keys] == [
        b"\x1b",
        b"\x1b[A",
        b"\x1b[20",
        b"0~a",
        b"b",
        b"\x1b[201~",
        b"\x1b",
        b"\x1b[200~\x1b[201~",
        b"\x1b",
    ]


@pytest.mark.parametrize(
    ("read", "sent"),
    [
        (b"\x1b[200~Shorter\x1b[201~\x1b\x1b[Aya\x1b[201~", b"\x1b[200~Shorter[201~[Aya\x1b[201~"),
        (b"\x1b[200~Shorter\x1b[201~\rya", b"\x1b[200~Shorter[201~\rya\x1b[201~"),
        (b"\x1b[200~Shorter\x1b[201~\x1b[201", b"\x1b[200~Shorter[201~[201\x1b[201~"),
        (b"\x1b[200~a\x1b[201~\x1b[200~b\x1b[201~", b"\x1b[200~a[201~[200~b\x1b[201~"),
    ],
)
def test_what_comes_after_a_pastes_end_in_the_same_read_is_the_pastes_text(read: bytes, sent: bytes) -> None:
    """A paste holding the sequence that ends one ended there, and what followed it in the paste acted as keys (escape,
    y, a: the note discarded and the post approved; enter, y, a: the note sent and the next post approved).  A terminal
    sends a paste in one burst and keys pressed after it later: what came in the same read is the paste's text."""
    from crewdeck.tui.ssh.pastes import PasteFilter

    pastes = PasteFilter()
    assert (pastes.feed(read), pastes.feed(b"\x1b")) == (sent, b"\x1b")


def _verdicts(team: Path) -> list[tuple[str, str]]:
    with Store(team) as store:
        return [(str(v), str(n)) for v, n in store.conn.execute("SELECT verdict, note FROM post_approval").fetchall()]


def test_notes_over_ssh_are_edited_in_the_app_never_in_an_editor(host: Host, installed: Sshd) -> None:
    command = " ".join(installed.ssh_command(host.keys["raj"], tty=True))
    # An EDITOR the session would run if it ran one: the app's own editor must open instead.
    tmux = Tmux(f"EDITOR=/bin/false VISUAL=/bin/false TERM=tmux-256color {command}", 100, 30)
    try:
        tmux.wait_for(lambda s: "@raj (UTC)" in s and "Storyboard the reel" in s, "the app as raj")
        tmux.keys("e")
        tmux.wait_for(lambda s: "ctrl+s saves" in s, "the app's notes editor")
        tmux.keys("-l", "Shot list attached")
        tmux.keys("C-s")
        tmux.wait_for(lambda s: "edited the notes" in s, "the confirmation")
    finally:
        tmux.kill()
    with Store(host.workspace) as store:
        notes = store.conn.execute("SELECT notes FROM task WHERE title = 'Storyboard the reel'").fetchone()[0]
    assert notes.startswith("Shot list attached")
    assert "@raj edited the notes of “Storyboard the reel”" in _log(host)


# ---------------------------------------------------------------- commands over ssh


def test_a_command_over_ssh_runs_as_the_keys_member_and_the_log_says_so(host: Host, installed: Sshd) -> None:
    added = installed.run(host.keys["mia"], "add", "Caption draft for Friday")
    assert added.returncode == 0, added.stderr
    task = added.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", task)
    log = _log(host)
    line = next((line for line in log.splitlines() if "Caption draft for Friday" in line), "")
    assert "@mia added “Caption draft for Friday”" in line, log
    assert " as @" not in line  # mia herself, nobody acting as her
    listed = installed.run(host.keys["raj"], "crewdeck", "tasks", "@me", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [t["title"] for t in json.loads(listed.stdout)] == ["Storyboard the reel"]
    # "-o -" is standard output, which comes to you: it was refused as "--output writes a file on the server", then taken
    # for an upload, the session reading standard input (a terminal's: until ^D) before it exported anything.
    with subprocess.Popen(
        [*installed.ssh_command(host.keys["raj"]), "--", "crewdeck export -o -"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as export:
        try:
            # Standard input still open; the workspace's export (a few kB) fits the pipe's buffer unread.
            assert export.wait(timeout=60) == 0
        finally:
            export.kill()
        assert export.stdout is not None
        exported = export.stdout.read()
    assert "Storyboard the reel" in exported and len(exported) < 60_000


def test_annotate_and_undo_over_ssh_are_the_keys_members_own(host: Host, installed: Sshd) -> None:
    """A Taskwarrior user's annotate and undo were refused over SSH as commands that do not run there."""
    added = installed.run(host.keys["mia"], "add", "Caption for Monday")
    assert added.returncode == 0, added.stderr
    task = added.stdout.strip()
    noted = installed.run(host.keys["mia"], "annotate", task[:8], "client wants it shorter")
    assert noted.returncode == 0, noted.stderr
    shown = json.loads(crewdeck("-w", str(host.workspace), "show", task, "--json"))
    assert shown["notes"].endswith(" client wants it shorter"), shown["notes"]
    # raj has changed nothing here: mia's annotation is not his to undo.
    refused = installed.run(host.keys["raj"], "undo")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.endswith("nothing to undo: no change of yours made with a crewdeck command on this file (the app's own: u)\n")
    undone = installed.run(host.keys["mia"], "undo")
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout == "undid: edited the notes of “Caption for Monday”\n"
    assert json.loads(crewdeck("-w", str(host.workspace), "show", task, "--json"))["notes"] == ""


@pytest.mark.parametrize(
    "command",
    [
        ("crewdeck", "--as", "ana", "add", "Raise my budget"),
        ("add", "Raise my budget", "--as=ana"),
        ("--workspace", "/etc/passwd", "tasks"),
        ("tasks", "--config", "/tmp/other.toml"),
        ("export", "--output", "/tmp/x"),
        ("import", "/etc/shadow"),
        ("ssh", "install", "--file", "/tmp/authorized_keys"),
        ("init", "/tmp/mine.db"),
    ],
)
def test_choosing_another_member_workspace_config_or_a_file_over_ssh_is_refused(
    host: Host, installed: Sshd, command: tuple[str, ...]
) -> None:
    before = _log(host)
    refused = installed.run(host.keys["raj"], *command)
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    assert refused.stderr.startswith("crewdeck: error: ") and refused.stderr.count("\n") == 1, refused.stderr
    assert _log(host) == before


def _session_process(account: TeamAccount, handle: str) -> int | None:
    """The team account's ``ssh-session HANDLE`` process (the Python one, not the shell that runs it), from /proc."""
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == account.uid:
                words = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
                if b"ssh-session" in words and handle.encode() in words and not words[0].endswith(b"sh"):
                    return int(entry)
        except OSError:
            continue
    return None


def _sshd_of(pid: int) -> int:
    """The sshd process ``pid`` runs under (its nearest ancestor of that name)."""
    while True:
        stat = Path(f"/proc/{pid}/stat").read_text()
        name, pid = stat[stat.index("(") + 1 : stat.rindex(")")], int(stat[stat.rindex(")") + 2 :].split()[1])
        if name.startswith("sshd"):
            return pid


def _unread(pid: int) -> int:
    """How many bytes wait in the pipe that is ``pid``'s standard input."""
    fd = os.open(f"/proc/{pid}/fd/0", os.O_RDONLY | os.O_NONBLOCK)
    try:
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    finally:
        os.close(fd)


def _exists(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_an_upload_cut_off_by_a_lost_connection_imports_nothing(host: Host, installed: Sshd) -> None:
    """A client gone mid-upload (its network dropped, ssh killed) left the session an end of its standard input like
    any other: the rows sent so far were imported as if they were the whole file, and the user, told nothing, sent
    the whole file again.  The session takes the upload whole before the command runs, and runs nothing once the
    client is gone."""
    w = ["-w", str(host.workspace)]
    crewdeck(*w, "campaign", "add", "Spring Launch")
    rows = "date,campaign,category,payee,amount,currency\n2026-11-20,Spring Launch,tools,Canva,100.00,EUR\n"
    client = subprocess.Popen([*installed.ssh_command(host.keys["raj"]), "--", "ledger import -"], stdin=subprocess.PIPE)
    assert client.stdin is not None
    try:
        wait_until(lambda: _session_process(host.account, "raj") is not None, "the session to start")
        session = _session_process(host.account, "raj")
        assert session is not None
        # Held still while the rows come and the client goes: it reads them only once its client is gone.
        os.kill(session, signal.SIGSTOP)
        client.stdin.write(rows.encode())
        client.stdin.flush()
        wait_until(lambda: _unread(session) == len(rows), "the rows in the session's standard input")
        sshd = _sshd_of(session)
        client.kill()
        wait_until(lambda: not _exists(sshd), "the connection's sshd to end")
        os.kill(session, signal.SIGCONT)
        wait_until(lambda: not _exists(session), "the session to end")
    finally:
        client.kill()
        client.wait()
    assert "Canva" not in listing(*w, "ledger", "list")
    # Sent whole, the same rows are imported.
    sent = installed.run(host.keys["raj"], "ledger", "import", "-", stdin=rows)
    assert sent.returncode == 0, sent.stderr
    assert "Canva" in crewdeck(*w, "ledger", "list")


def _team_config(host: Host, text: str) -> Path:
    """Write the team account's config (read by its ssh-session), the account's own."""
    config = host.account.home / ".config" / "crewdeck" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    for path in (config.parent.parent, config.parent, config):
        os.chown(path, host.account.uid, host.account.gid)
    return config


def test_an_upload_past_the_team_accounts_limit_runs_nothing_and_keeps_nothing(host: Host, installed: Sshd) -> None:
    """Standard input was spooled to a file on the server without a cap: one member's upload could fill its disk.
    Past ``ssh_upload_mb`` (the team account's config) the command runs nothing and the spool is gone with it."""
    w = ["-w", str(host.workspace)]
    crewdeck(*w, "campaign", "add", "Spring Launch")
    _team_config(host, "ssh_upload_mb = 1\n")
    header = "date,campaign,category,payee,amount,currency\n"
    row = "2026-11-20,Spring Launch,tools,Canva,100.00,EUR\n"
    rows = header + row * (1_100_000 // len(row))
    assert 1_000_000 < len(rows) < 1_200_000
    temporary = set(Path(tempfile.gettempdir()).iterdir())
    refused = installed.run(host.keys["raj"], "ledger", "import", "-", stdin=rows)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr == (
        "crewdeck: error: standard input is larger than 1 MB, the most this server takes for one command over SSH "
        "(ssh_upload_mb in the team account's config): nothing was run\n"
    )
    assert "Canva" not in listing(*w, "ledger", "list")
    assert {p for p in set(Path(tempfile.gettempdir()).iterdir()) - temporary if p.stat().st_uid == host.account.uid} == set()
    # Within the limit, the same rows are taken.
    taken = installed.run(host.keys["raj"], "ledger", "import", "-", stdin=header + row)
    assert taken.returncode == 0, taken.stderr
    assert "Canva" in crewdeck(*w, "ledger", "list")


def _holds_a_flock(pid: int) -> bool:
    """Whether process ``pid`` holds a lock taken with ``flock`` (the kernel's list of locks says)."""
    return any(line.split()[1:5] == ["FLOCK", "ADVISORY", "WRITE", str(pid)] for line in Path("/proc/locks").read_text().splitlines())


def test_a_member_sends_one_upload_at_a_time_and_another_members_goes_on(host: Host, installed: Sshd) -> None:
    """``ssh_upload_mb`` bounded each command's upload, not a member's: one member running ten imports at once put ten
    times the limit on the server's disk.  While a command of theirs holds an upload, another of theirs is refused in one
    line before anything is read; another member's goes on, and theirs is taken again once the first is done."""
    w = ["-w", str(host.workspace)]
    crewdeck(*w, "campaign", "add", "Spring Launch")
    header = "date,campaign,category,payee,amount,currency\n"
    first = subprocess.Popen(
        [*installed.ssh_command(host.keys["raj"]), "--", "ledger import -"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert first.stdin is not None
    try:
        first.stdin.write(header.encode())
        first.stdin.flush()
        wait_until(lambda: (pid := _session_process(host.account, "raj")) is not None and _holds_a_flock(pid), "raj's upload to be taken")
        refused = installed.run(
            host.keys["raj"], "ledger", "import", "-", stdin=header + "2026-11-20,Spring Launch,tools,Figma,10.00,EUR\n"
        )
        assert (refused.returncode, refused.stderr) == (
            2,
            "crewdeck: error: another command of yours over SSH is still taking or using what you sent it: a member sends one "
            "upload at a time (each at most 100 MB, ssh_upload_mb in the team account's config): nothing was run; send it "
            "again once that one has finished\n",
        )
        other = installed.run(host.keys["mia"], "ledger", "import", "-", stdin=header + "2026-11-20,Spring Launch,tools,Miro,20.00,EUR\n")
        assert other.returncode == 0, other.stderr
        # A command that reads nothing runs meanwhile.
        assert installed.run(host.keys["raj"], "ledger", "list").returncode == 0
        _, err = first.communicate(b"2026-11-20,Spring Launch,tools,Canva,100.00,EUR\n", timeout=60)
        assert first.returncode == 0, err
    finally:
        first.kill()
        first.wait()
    again = installed.run(host.keys["raj"], "ledger", "import", "-", stdin=header + "2026-11-21,Spring Launch,tools,Figma,10.00,EUR\n")
    assert again.returncode == 0, again.stderr
    listed = crewdeck(*w, "ledger", "list")
    assert all(payee in listed for payee in ("Canva", "Miro", "Figma")) and listed.count("Figma") == 1


def test_an_upload_gone_quiet_runs_nothing_and_frees_the_members_place(host: Host, installed: Sshd, tmp_path: Path) -> None:
    """A client gone quiet mid-upload without closing its connection (a laptop asleep, a network dropped without a
    word), or ``ssh team@host ledger import -`` without ``< FILE``, held the member's one upload place until sshd
    noticed, hours on: every other upload of theirs was refused meanwhile, and they could not stop it.  After
    ``ssh_upload_idle_seconds`` (the team account's config) with nothing received, the command runs nothing, says so in
    one line and ends, and with it the hold on the place."""
    w = ["-w", str(host.workspace)]
    crewdeck(*w, "campaign", "add", "Spring Launch")
    config = _team_config(host, "ssh_upload_idle_seconds = 1\n")
    header = "date,campaign,category,payee,amount,currency\n"
    said = tmp_path / "stderr"
    with said.open("wb") as stderr:
        quiet = subprocess.Popen([*installed.ssh_command(host.keys["raj"]), "--", "ledger import -"], stdin=subprocess.PIPE, stderr=stderr)
    assert quiet.stdin is not None
    try:
        # Its header sent, the client's standard input stays open with nothing more: only the idle limit ends it.
        quiet.stdin.write(header.encode())
        quiet.stdin.flush()
        assert quiet.wait(timeout=60) == 2
    finally:
        quiet.kill()
        quiet.wait()
        quiet.stdin.close()
    assert said.read_text() == (
        "crewdeck: error: nothing came on standard input for 1 second, the most this server waits over SSH "
        "(ssh_upload_idle_seconds in the team account's config): nothing was run; send the file with the command "
        "(ssh ... import - < FILE)\n"
    )
    assert _session_process(host.account, "raj") is None
    # The place is free: raj's next upload (sent whole, under the default wait) is taken.
    config.write_text("")
    taken = installed.run(host.keys["raj"], "ledger", "import", "-", stdin=header + "2026-11-20,Spring Launch,tools,Canva,100.00,EUR\n")
    assert taken.returncode == 0, taken.stderr
    assert "Canva" in crewdeck(*w, "ledger", "list")


def test_a_member_has_at_most_the_team_accounts_number_of_apps_open_over_ssh(host: Host, installed: Sshd) -> None:
    """Each app over SSH is a process of its own, and a member could open them without end (a key in a loop, sessions
    left open on every machine), where the web bounds a member's apps.  Past ``ssh_apps_per_member`` (the team account's
    config) a new session is refused in one line and the open one goes on; commands still run, another member's app
    opens, and once the member closes theirs their next one opens."""
    _team_config(host, "ssh_apps_per_member = 1\n")
    first = Tmux(f"{' '.join(installed.ssh_command(host.keys['raj'], tty=True))}; echo ssh said $?; sleep 60", 80, 24)
    other = None
    try:
        first.wait_for(lambda s: "@raj (UTC)" in s, "raj's first app")
        refused = subprocess.run(installed.ssh_command(host.keys["raj"], tty=True), capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2
        assert refused.stdout.replace("\r\n", "\n") == (
            "crewdeck: error: you have 1 app session open over SSH, the most here (ssh_apps_per_member in the team account's "
            "config): close one (q in it), then log in again; one whose connection was lost keeps its place until the server "
            "ends it (within 2 minutes where sshd has ClientAliveInterval, else up to 2 hours): ask the team account's admin "
            "to end it sooner\n"
        )
        assert "ssh said" not in first.screen()
        assert installed.run(host.keys["raj"], "tasks").returncode == 0
        other = Tmux(" ".join(installed.ssh_command(host.keys["mia"], tty=True)), 80, 24)
        other.wait_for(lambda s: "@mia (UTC)" in s, "mia's app beside raj's")
        first.keys("q")
        first.wait_for(lambda s: "ssh said 0" in s, "raj's first app closed")
    finally:
        first.kill()
        if other is not None:
            other.kill()
    again = Tmux(" ".join(installed.ssh_command(host.keys["raj"], tty=True)), 80, 24)
    try:
        again.wait_for(lambda s: "@raj (UTC)" in s, "raj's app once the first is closed")
    finally:
        again.kill()


def test_each_app_started_over_ssh_is_counted_in_the_team_accounts_cache(host: Host, installed: Sshd) -> None:
    """A key logging in and quitting in a loop started an app process at each (the place the last one freed taken by
    the next), where the web bounds a member's app starts a minute.  Each session over SSH is a process of its own: its
    start is kept in the team account's cache, per member, a command's is not; past ``ssh_app_starts_per_minute`` the
    next is refused (the test below, on a clock it holds: on the real one, a loaded machine slower than a minute
    between two logins let the second in, review rc 6).  The refusal's one line over SSH is the apps' bound's, above."""
    starts = host.account.home / ".cache" / "crewdeck" / "ssh-app-starts"
    assert installed.run(host.keys["raj"], "tasks").returncode == 0
    assert not starts.exists() or list(starts.iterdir()) == []
    before = time.time()
    first = Tmux(f"{' '.join(installed.ssh_command(host.keys['raj'], tty=True))}; echo ssh said $?; sleep 60", 80, 24)
    try:
        first.wait_for(lambda s: "@raj (UTC)" in s, "raj's app")
        first.keys("q")
        first.wait_for(lambda s: "ssh said 0" in s, "raj's app closed")
    finally:
        first.kill()
    [kept] = starts.iterdir()
    [stamp] = kept.read_text().split()
    assert before <= float(stamp) <= time.time()


def test_app_starts_over_ssh_are_counted_across_processes_within_the_minute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each session is a process of its own: the member's starts are kept in the team account's cache, and a minute
    on (a clock the test holds) the next is taken again; a start stamped ahead of now (the clock set back) holds no one out."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    now = [1_000_000.0]
    count_app_start("m1", 2, clock=lambda: now[0])
    now[0] += 30
    count_app_start("m1", 2, clock=lambda: now[0])
    count_app_start("m2", 2, clock=lambda: now[0])  # another member's are their own
    with pytest.raises(SessionRefused, match=r"you started the app 2 times within a minute over SSH.*try again in 31 seconds"):
        count_app_start("m1", 2, clock=lambda: now[0])
    now[0] += 30.5
    count_app_start("m1", 2, clock=lambda: now[0])
    now[0] -= 3600  # the clock set back an hour: the starts "ahead" are dropped
    count_app_start("m1", 2, clock=lambda: now[0])


def test_help_over_ssh_names_what_runs_over_ssh_only(host: Host, installed: Sshd) -> None:
    """crewdeck's own help listed init, serve, token and the options -w, --as and --config, all refused over SSH, and a
    mistyped command was answered with every command crewdeck has."""
    allowed = "add, annotate, budget, campaign, crisis, done, export, import, kpi, ledger, log, member, overlap, post, rate, rm, set, show, tasks, undo, workspace, zones"
    for asked in (("--help",), ("-h",), ("help",), ("crewdeck", "--help")):
        shown = installed.run(host.keys["raj"], *asked)
        assert shown.returncode == 0 and shown.stderr == "", shown.stderr
        assert "you are @raj" in shown.stdout and allowed in shown.stdout, shown.stdout
        assert "serve" not in shown.stdout and "--workspace" not in shown.stdout.replace("-w, --as and --config", "")
    for word in ("whoami", "serve"):
        refused = installed.run(host.keys["raj"], word, "now")
        assert (refused.returncode, refused.stdout) == (2, "")
        assert refused.stderr == f"crewdeck: error: '{word}' is not run over SSH (commands: {allowed}; help: ssh ... --help)\n", (
            refused.stderr
        )


def test_an_unregistered_key_is_refused(host: Host, installed: Sshd) -> None:
    refused = installed.run(host.keys["stranger"], "tasks")
    assert refused.returncode == 255 and "Permission denied (publickey)" in refused.stderr


def test_a_removed_key_is_refused_at_once_with_the_keys_command(host: Host, asking: Sshd) -> None:
    assert asking.run(host.keys["raj"], "tasks").returncode == 0
    raj = fingerprint(host.public["raj"], host.account.directory)
    crewdeck("-w", str(host.workspace), "member", "set", "raj", "--ssh-key-rm", raj)
    refused = asking.run(host.keys["raj"], "tasks")
    assert refused.returncode == 255 and "Permission denied (publickey)" in refused.stderr
    assert asking.run(host.keys["mia"], "tasks").returncode == 0
    crewdeck("-w", str(host.workspace), "member", "rm", "mia")
    assert asking.run(host.keys["mia"], "tasks").returncode == 255


def test_a_stale_installed_line_is_refused_by_the_session(host: Host, installed: Sshd) -> None:
    """Removed after the last install: sshd still matches the line, and ssh-session refuses it."""
    raj = fingerprint(host.public["raj"], host.account.directory)
    crewdeck("-w", str(host.workspace), "member", "set", "raj", "--ssh-key-rm", raj)
    refused = installed.run(host.keys["raj"], "add", "Sneaked in")
    assert refused.returncode == 2 and "is not @raj's any more" in refused.stderr
    assert "Sneaked in" not in crewdeck("-w", str(host.workspace), "tasks", "all")
    crewdeck("-w", str(host.workspace), "ssh", "install", "--file", str(installed.authorized_keys), "--program", host.account.program)
    assert installed.run(host.keys["raj"], "tasks").returncode == 255


def test_a_line_naming_a_renamed_member_says_whose_key_it_is_now(host: Host, installed: Sshd) -> None:
    """Renamed after the last install: the line names @mia, whom the workspace no longer has; the session said mia
    was no member (any more), while she is, and only the install is behind."""
    w = ["-w", str(host.workspace)]
    crewdeck(*w, "member", "set", "mia", "--handle", "mia2")
    mia = fingerprint(host.public["mia"], host.account.directory)
    refused = installed.run(host.keys["mia"], "tasks")
    assert (refused.returncode, refused.stderr) == (
        2,
        f"crewdeck: error: the key {mia} is @mia2's now, not @mia's: ask a manager to run crewdeck ssh install\n",
    )
    crewdeck(*w, "ssh", "install", "--file", str(installed.authorized_keys), "--program", host.account.program)
    assert installed.run(host.keys["mia"], "add", "Renamed and back").returncode == 0
    assert "@mia2 added" in _log(host)


def test_the_app_without_a_terminal_is_refused_saying_what_to_type(host: Host, installed: Sshd, tmp_path: Path) -> None:
    """It named an account nobody had (``team@host``), and told a guest, who runs no command, to give one."""
    account = host.account.name
    refused = installed.run(host.keys["raj"])
    assert refused.returncode == 2
    assert refused.stderr == (
        f"crewdeck: error: the app needs a terminal: log in with ssh -t {account}@HOST, or give a command (ssh {account}@HOST tasks @me)\n"
    )
    private, public = keypair(tmp_path, "gus")
    crewdeck("-w", str(host.workspace), "member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest", "--ssh-key", public)
    crewdeck("-w", str(host.workspace), "ssh", "install", "--file", str(installed.authorized_keys), "--program", host.account.program)
    refused = installed.run(private)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"crewdeck: error: the app needs a terminal: log in with ssh -t {account}@HOST (a guest's session is the app, "
        "with the Approvals view of their campaigns' posts)\n"
    )


def test_ssh_session_run_by_anyone_but_the_team_account_is_refused(host: Host) -> None:
    err = crewdeck_fails("-w", str(host.workspace), "ssh-session", "raj")
    assert f"runs only as the workspace's SSH account '{host.account.name}', not as 'root'" in err


# ---------------------------------------------------------------- keys and files, without sshd


def test_install_keeps_every_line_crewdeck_did_not_write(host: Host) -> None:
    path = host.account.directory / "authorized_keys"
    foreign = [
        "# the admin's own key",
        host.public["stranger"],
        'command="/usr/bin/backup" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo backup',
        # Another workspace's line, by crewdeck: not this workspace's to replace.
        'restrict,pty,command="/usr/bin/crewdeck --workspace /srv/other.db ssh-session zoe --key SHA256:x" ssh-ed25519 AAAA zoe',
    ]
    path.write_text("\n".join(foreign) + "\n")
    os.chmod(path, 0o600)
    out = crewdeck("-w", str(host.workspace), "ssh", "install", "--file", str(path))
    assert out.strip() == f"wrote {path}: 2 key lines of crewdeck's, 4 other lines kept"
    first = path.read_text()
    assert first.splitlines()[:4] == foreign and len(first.splitlines()) == 6
    assert (path.stat().st_mode & 0o777) == 0o600
    crewdeck("-w", str(host.workspace), "member", "set", "mia", "--ssh-key-rm", fingerprint(host.public["mia"], host.account.directory))
    crewdeck("-w", str(host.workspace), "ssh", "install", "--file", str(path))
    lines = path.read_text().splitlines()
    assert lines[:4] == foreign and len(lines) == 5 and "ssh-session raj" in lines[4]
    assert not list(path.parent.glob(".authorized_keys.*"))  # no temporary file left behind


def test_install_makes_a_fresh_accounts_ssh_directory_as_sshd_wants_it(host: Host, tmp_path: Path) -> None:
    """The README's `ssh install --file ~team/.ssh/authorized_keys` was refused on a fresh team account, which has no
    ~/.ssh: it is made 0700 and the account's (sshd refuses keys in a directory others may write), and nothing else is,
    nor is it by an install refused (review rd: a workspace with no SSH account made it, then refused)."""
    ssh = host.account.home / ".ssh"
    assert not ssh.exists()
    bare = tmp_path / "bare.db"
    crewdeck("init", str(bare), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    refused = crewdeck_fails("-w", str(bare), "ssh", "install", "--file", str(ssh / "authorized_keys"))
    assert "this workspace has no SSH account yet" in refused and not ssh.exists()
    typo = host.account.home / ".shh" / "authorized_keys"
    err = crewdeck_fails("-w", str(host.workspace), "ssh", "install", "--file", str(typo))
    assert err == f"crewdeck: error: {typo}: directory {typo.parent} does not exist\n" and not typo.parent.exists()
    # As README writes it: the account's home by its name (rh 5: read as a directory "~team" here, it did not exist).
    out = crewdeck("-w", str(host.workspace), "ssh", "install", "--file", f"~{host.account.name}/.ssh/authorized_keys")
    assert out.strip() == f"wrote {ssh / 'authorized_keys'}: 2 key lines of crewdeck's, 0 other lines kept"
    for path, mode in ((ssh, 0o700), (ssh / "authorized_keys", 0o600)):
        st = path.stat()
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (mode, host.account.uid, host.account.gid), path


def test_authorized_keys_lines_force_the_session_and_allow_nothing_else(host: Host) -> None:
    lines = crewdeck("-w", str(host.workspace), "ssh", "authorized-keys").splitlines()
    assert len(lines) == 2
    for line, who in zip(lines, ("mia", "raj")):
        options, key = line.split('" ', 1)
        assert options.startswith('restrict,pty,command="/') and key == host.public[who]
        assert options.endswith(
            f"--workspace {host.workspace} ssh-session {who} --key {fingerprint(host.public[who], host.account.directory)}"
        )
        assert written_by_crewdeck(line, host.workspace) and not written_by_crewdeck(line, Path("/elsewhere.db"))


def test_keys_are_validated_listed_by_fingerprint_and_removed_by_it(host: Host, tmp_path: Path) -> None:
    w = ["-w", str(host.workspace)]
    _, second_public = keypair(tmp_path, "raj-desktop")
    crewdeck(*w, "member", "set", "raj", "--ssh-key", second_public)
    raj = fingerprint(host.public["raj"], tmp_path)
    desktop = fingerprint(second_public, tmp_path)
    listing = crewdeck(*w, "member", "list")
    assert re.search(rf"@raj .*{re.escape(raj)} {re.escape(desktop)}$", listing, re.M), listing
    members = {m["handle"]: m for m in json.loads(crewdeck(*w, "member", "list", "--json"))}
    assert [k["fingerprint"] for k in members["raj"]["ssh_keys"]] == [raj, desktop]
    assert members["raj"]["ssh_keys"][1] == {"fingerprint": desktop, "type": "ssh-ed25519", "comment": "raj-desktop@laptop"}
    for bad, why in (
        ("ssh-ed25519", "expected 'TYPE BASE64 [COMMENT]'"),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "is not an SSH key type"),
        ('command="/bin/sh" ' + host.public["raj"], "options such as restrict or command= are crewdeck's to write"),
        ("ssh-rsa " + host.public["raj"].split()[1], "is not a ssh-rsa key"),
        ("ssh-ed25519 AAAA%%%", "not base64"),
    ):
        err = crewdeck_fails(*w, "member", "set", "raj", "--ssh-key", bad)
        assert why in err and err.startswith("crewdeck: error: --ssh-key: "), err
    assert "has no SSH key" in crewdeck_fails(*w, "member", "set", "mia", "--ssh-key-rm", raj)
    crewdeck(*w, "member", "set", "raj", "--ssh-key-rm", raj)
    members = {m["handle"]: m for m in json.loads(crewdeck(*w, "member", "list", "--json"))}
    assert [k["fingerprint"] for k in members["raj"]["ssh_keys"]] == [desktop]


def test_a_second_member_claiming_a_registered_key_is_refused(host: Host) -> None:
    w = ["-w", str(host.workspace)]
    # The same key spelt otherwise (another comment) is the same key.
    same = " ".join(host.public["raj"].split()[:2]) + " someone-else"
    err = crewdeck_fails(*w, "member", "set", "mia", "--ssh-key", same)
    assert "already belongs to @raj" in err and "rule unique_ssh_key" in err
    err = crewdeck_fails(*w, "member", "add", "zoe", "--name", "Zoe", "--tz", "UTC", "--ssh-key", host.public["mia"])
    assert "rule unique_ssh_key" in err
    assert "zoe" not in crewdeck(*w, "member", "list")
    # Once raj is removed, his key is free for someone else.
    crewdeck(*w, "member", "rm", "raj", "--unassign")
    crewdeck(*w, "member", "set", "mia", "--ssh-key", same)


def test_the_ssh_account_is_a_workspace_setting_only_managers_change(host: Host) -> None:
    w = ["-w", str(host.workspace)]
    assert crewdeck(*w, "ssh", "account").strip() == host.account.name
    err = crewdeck_fails(*w, "--as", "raj", "ssh", "account", "raj")
    # ana (a manager) may act as raj, and the rules then judge raj's write.
    assert "rule managers_only" in err
    assert crewdeck(*w, "ssh", "account").strip() == host.account.name


def test_merged_keeps_foreign_lines_in_their_order() -> None:
    ours = ['restrict,pty,command="/c --workspace /w.db ssh-session a --key K" ssh-ed25519 AAAA a']
    old = "x\n" + ours[0].replace("ssh-session a", "ssh-session b") + "\ny\n\n"
    assert merged(old, Path("/w.db"), ours) == "x\ny\n" + ours[0] + "\n"


@pytest.mark.parametrize(
    ("environ", "system"),
    [
        ({"TERM": "xterm-256color"}, "256"),
        ({"TERM": "xterm"}, "256"),
        ({"TERM": "tmux-256color"}, "256"),
        ({"TERM": "xterm-direct"}, "truecolor"),
        ({"TERM": "xterm-kitty"}, "truecolor"),
        ({"TERM": "linux"}, "standard"),
        ({"TERM": "dumb"}, "standard"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, None),
    ],
)
def test_the_colour_system_over_ssh_comes_from_term_when_colorterm_did_not_come(environ: dict[str, str], system: str | None) -> None:
    assert colour_system(environ) == system


def test_the_team_account_process_writes_the_workspace_it_owns(host: Host, installed: Sshd) -> None:
    """The session's writes land in the file the account owns, readable by the manager's CLI at once."""
    done = installed.run(host.keys["raj"], "done", crewdeck("-w", str(host.workspace), "tasks", "--json").split('"id": "')[1][:8])
    assert done.returncode == 0, done.stderr
    wait_until(lambda: "Storyboard the reel" not in listing("-w", str(host.workspace), "tasks"), "the task done")


def test_what_a_member_does_over_ssh_goes_through_the_rules(host: Host, installed: Sshd, tmp_path: Path) -> None:
    """The key decides who; the rules decide what (DESIGN.md "Roles and rules"), as for any other write."""
    w = ["-w", str(host.workspace)]
    private, public = keypair(tmp_path, "gus")
    crewdeck(*w, "member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest", "--ssh-key", public)
    crewdeck(*w, "ssh", "install", "--file", str(installed.authorized_keys), "--program", host.account.program)
    before = _log(host)
    for key, command, rule in (
        (private, ("add", "A guest's task"), "guest_read_only"),
        (host.keys["raj"], ("member", "set", "raj", "--access", "manager"), "own_profile_only"),
        (host.keys["raj"], ("member", "set", "mia", "--ssh-key-rm", fingerprint(host.public["mia"], tmp_path)), "managers_only"),
        (host.keys["raj"], ("member", "set", "raj", "--ssh-key", host.public["mia"]), "unique_ssh_key"),
    ):
        refused = installed.run(key, *command)
        assert refused.returncode == 2 and f"(rule {rule})" in refused.stderr, (command, refused.stderr)
    assert _log(host) == before
    # A member's own keys are theirs to change, over ssh too.
    _, spare = keypair(tmp_path, "raj-spare")
    assert installed.run(host.keys["raj"], "member", "set", "raj", "--ssh-key", spare).returncode == 0
    raj = next(m for m in json.loads(crewdeck(*w, "member", "list", "--json")) if m["handle"] == "raj")
    assert len(raj["ssh_keys"]) == 2


def test_a_guest_runs_no_command_over_ssh_so_reads_nothing_beyond_the_approvals_view(host: Host, installed: Sshd, tmp_path: Path) -> None:
    """A guest reads their campaigns' posts in the app only (DESIGN.md "Roles and rules"): a command would show them everything."""
    w = ["-w", str(host.workspace)]
    private, public = keypair(tmp_path, "gus")
    crewdeck(*w, "member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest", "--ssh-key", public)
    crewdeck(*w, "ssh", "install", "--file", str(installed.authorized_keys), "--program", host.account.program)
    for command in (("export",), ("tasks", "all"), ("log",), ("ledger", "list"), ("member", "list")):
        refused = installed.run(private, *command)
        assert refused.returncode == 2 and refused.stdout == "", (command, refused.stdout)
        assert refused.stderr.strip().splitlines() == [
            "crewdeck: error: @gus is a guest: over SSH a guest has the app only (ssh -t), with the Approvals view of their campaigns' posts "
            "(rule guest_read_only)"
        ], command
    assert installed.run(host.keys["raj"], "tasks", "all").stdout.count("Storyboard the reel") == 1


def test_keys_command_answers_for_the_team_account_only_and_by_fingerprint(host: Host) -> None:
    w = ["-w", str(host.workspace)]
    every = crewdeck(*w, "ssh", "keys-command", host.account.name).splitlines()
    assert every == crewdeck(*w, "ssh", "authorized-keys").splitlines() and len(every) == 2
    assert crewdeck(*w, "ssh", "keys-command", "root") == ""
    mia = fingerprint(host.public["mia"], host.account.directory)
    only = crewdeck(*w, "ssh", "keys-command", host.account.name, mia).splitlines()
    assert len(only) == 1 and only[0].endswith(host.public["mia"]) and f"ssh-session mia --key {mia}" in only[0]
    assert crewdeck(*w, "ssh", "keys-command", host.account.name, "SHA256:" + "A" * 43) == ""
    assert "not a key fingerprint" in crewdeck_fails(*w, "ssh", "keys-command", host.account.name, "md5:00")


#: Public keys as ssh-keygen wrote them (one of each type it makes without a security key), and one
#: built by hand of each security-key type: type, key (and curve), then the application.
_SOUND_KEYS = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN7dp8ebAUrOL5FEaW0eR16T1PeRfI9WGKRVugj3/+/4",
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDDqmHHknTy1VkhZ+YxUklRX7SjpXLYeUpOsjmgK8a97VEJMlnuXCN8C6kaUKmiNHF6XCdjYOhxAejzl0onXoBRQvMEFP/B"
    "p90VNNWeuKD10rhyc1+MEsbHDozXX51WnSjZYEql4ulWTD2b9Vy6LI/jlMPSEGB5ylpu/0uRqBkl0Q==",
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNh9mJaMKQRtKMLuDWkE61UnJGbhAmsrLbHStjnaSc+p3zJ83H7vRioT0MfuNmAEt"
    "ibBSLzY4ZoOssiW5mFbF5U=",
    "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBIvQ5Gfpsc8jrnJKrco5tJOpKfzSIXMLECl2z9e/F4ayRSwB3MBUBhgVXsZ/ZJMhsqk"
    "Z5vYoHfFEKI8YC8y4fki86vJYytKQg9X7SSuxd/RyXIClVLpehU8y2zWA7vbnWA==",
    "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAGysLGAmVsnVRjOD4uMoCOmqfQIUFBOwWyy+hkbL6bSyibaXvANcC5ew3ja1um9w"
    "Rd4J2OHx+HGmPJ5VEH/JLPxBgAZhIdjmqWwTMjRvxeimpUAj81/WPZz9vvVleZthjV3ih7D0t5GgF5tiaKaQQKBfT/8+waK36w89l4bJl7310wgLQ==",
)


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def _key_line(fields: list[bytes]) -> str:
    return f"{fields[0].decode()} {base64.b64encode(b''.join(_ssh_string(f) for f in fields)).decode()}"


_SECURITY_KEYS = (
    _key_line([b"sk-ssh-ed25519@openssh.com", b"\x07" * 32, b"ssh:"]),
    _key_line([b"sk-ecdsa-sha2-nistp256@openssh.com", b"nistp256", b"\x04" + b"\x07" * 64, b"ssh:"]),
)


def _blob(line: str) -> bytes:
    return base64.b64decode(line.split()[1])


def _respelt(line: str, blob: bytes) -> str:
    return f"{line.split()[0]} {base64.b64encode(blob).decode()}"


@pytest.mark.parametrize("line", _SOUND_KEYS + _SECURITY_KEYS)
def test_a_key_pasted_whole_is_taken(line: str) -> None:
    assert parse_key(line + " ana@laptop").identity == line


@pytest.mark.parametrize("line", _SOUND_KEYS + _SECURITY_KEYS)
@pytest.mark.parametrize("change", ["cut by a byte", "cut to its type and a byte", "a byte more"])
def test_a_key_cut_short_or_with_bytes_after_it_is_refused_as_sshd_would_never_match_it(line: str, change: str) -> None:
    """ssh-keygen -l says "is not a public key file" of each: registered, it would be a line no login ever matches."""
    blob = _blob(line)
    type_end = 4 + int.from_bytes(blob[:4], "big")
    changed = {"cut by a byte": blob[:-1], "cut to its type and a byte": blob[: type_end + 1], "a byte more": blob + b"\x00"}[change]
    said = "followed by more than a key holds" if change == "a byte more" else "cut short (was the whole key pasted?)"
    with pytest.raises(BadKey, match=rf"^the {re.escape(line.split()[0])} key's data is {re.escape(said)}"):
        parse_key(_respelt(line, changed))


@pytest.mark.parametrize(
    ("pasted", "said"),
    [
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----",
            "this is a private key: give the public one (the line of the .pub file, e.g. ~/.ssh/id_ed25519.pub), "
            "and keep the private key to yourself",
        ),
        (
            '---- BEGIN SSH2 PUBLIC KEY ----\nComment: "rsa-key-20261205"\nAAAAB3NzaC1yc2EAAAADAQAB\n---- END SSH2 PUBLIC KEY ----',
            "this is a public key in the SSH2 (PuTTY) format: give it as OpenSSH writes it, "
            'from: ssh-keygen -i -f KEYFILE (or PuTTYgen\'s "Public key for pasting into OpenSSH authorized_keys file")',
        ),
    ],
)
def test_a_private_key_or_a_putty_key_pasted_says_what_to_give_instead_and_never_echoes_it(pasted: str, said: str) -> None:
    """Both were "'-----BEGIN' is not an SSH key type (types: ...)": nothing said the key was the wrong half or format."""
    with pytest.raises(BadKey) as refused:
        parse_key(pasted)
    assert str(refused.value) == said


def test_an_rsa_key_too_small_for_openssh_is_refused() -> None:
    """OpenSSH refuses RSA keys under 1024 bits (RequiredRSASize): such a key would never log in."""
    small = _key_line([b"ssh-rsa", b"\x01\x00\x01", b"\x00" + b"\xc3" * 64])
    with pytest.raises(BadKey, match=r"^the ssh-rsa key has 512 bits: OpenSSH takes RSA keys of 1024 bits or more$"):
        parse_key(small)


def test_a_truncated_key_is_refused_by_member_set_in_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    workspace = tmp_path / "team.db"
    crewdeck("init", str(workspace), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    w = ["-w", str(workspace)]
    truncated = _respelt(_SOUND_KEYS[0], _blob(_SOUND_KEYS[0])[:-3])
    err = crewdeck_fails(*w, "member", "set", "ana", "--ssh-key", truncated)
    assert err.splitlines() == ["crewdeck: error: --ssh-key: the ssh-ed25519 key's data is cut short (was the whole key pasted?)"], err
    assert json.loads(crewdeck(*w, "member", "list", "--json"))[0]["ssh_keys"] == []


def test_setting_the_ssh_account_says_what_it_was_and_what_it_is(tmp_path: Path) -> None:
    # It printed nothing: the manager ran ssh account again to see whether it took.
    workspace = tmp_path / "team.db"
    crewdeck("init", str(workspace), "--member", "ana", "--name", "Ana", "--tz", "UTC")
    w = ["-w", str(workspace)]
    assert crewdeck(*w, "ssh", "account", "team") == "ssh account: (none) → team\n"
    assert crewdeck(*w, "ssh", "account", "crew") == "ssh account: team → crew\n"
    assert crewdeck(*w, "ssh", "account", "crew") == "ssh account is crew already\n"
    assert crewdeck(*w, "ssh", "account").strip() == "crew"
