"""What ``crewdeck ssh-session`` decides before it runs anything.

The session runs as the team account (the workspace setting
``ssh_account``, which only a manager changes): run as anyone else it is
refused, so it never lets a person on the host act as another member.  It
acts as the member its forced command names, and only while the key that
opened it is still theirs.  What the client asked to run
(``SSH_ORIGINAL_COMMAND``) is a crewdeck command line for that member,
never a shell's: no options that choose another member, workspace or
config, no command that writes or reads a file on the host.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import select
import shlex
import sqlite3
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from crewdeck.sync.state.rules import commands_refused
from crewdeck.tui.ssh.keys import all_keys, member_keys
from crewdeck.tui.web.attempts import Attempts
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Member, Workspace, os_user

#: The window of ``ssh_app_starts_per_minute``, in seconds (its line says "within a minute").
MINUTE = 60.0

#: The workspace setting that names the team account.
ACCOUNT_SETTING = "ssh_account"

#: The Textual driver of the app over SSH: a paste's escapes are text (``crewdeck.tui.ssh.pastes``).
APP_DRIVER = "crewdeck.tui.app.ssh_driver:SshDriver"

#: Commands a member may run over SSH: reading and changing the workspace
#: through its rules.  Not: creating files (init, demo, join), serving,
#: syncing, tokens, the team account's config, installing keys, doctor.
ALLOWED_COMMANDS = frozenset(
    {
        "member",
        "campaign",
        "add",
        "tasks",
        "show",
        "set",
        "post",
        "crisis",
        "workspace",
        "kpi",
        "done",
        "rm",
        "log",
        "export",
        "import",
        "overlap",
        "zones",
        "ledger",
        "budget",
        "rate",
        "annotate",
        "undo",
    }
)


class SessionRefused(UserError):
    """An SSH session or its command refused before anything ran."""


def running_account() -> str:
    """The Unix account this process runs as (by its user id: environment variables can say anything)."""
    return os_user() or str(os.geteuid())


def configured_account(ws: Workspace) -> str | None:
    row = ws.conn.execute(f"SELECT [{ACCOUNT_SETTING}] FROM workspace").fetchone()
    return row[0] if row and isinstance(row[0], str) and row[0] else None


def check_account(ws: Workspace) -> str:
    """The team account, when this process runs as it; else ``SessionRefused``."""
    account = configured_account(ws)
    if account is None:
        raise SessionRefused("this workspace has no SSH account: a manager sets it with: crewdeck ssh account USER")
    user = running_account()
    if user != account:
        raise SessionRefused(f"ssh-session runs only as the workspace's SSH account {account!r}, not as {user!r}")
    return account


def session_member(ws: Workspace, handle: str, fingerprint: str | None) -> Member:
    """The member the forced command names, while ``fingerprint`` is still one of their keys."""
    named = handle.lstrip("@")
    try:
        member = ws.member_by_handle(handle)
    except UserError:
        member = None
    if member is not None and (fingerprint is None or any(key.fingerprint == fingerprint for key in member_keys(ws.conn, member.id))):
        return member
    # The line is older than the last change of keys or handles (written by an install since run again).
    holder = next((k.handle for k in all_keys(ws.conn) if k.key.fingerprint == fingerprint), None)
    if holder is not None:
        raise SessionRefused(f"the key {fingerprint} is @{holder}'s now, not @{named}'s: ask a manager to run crewdeck ssh install")
    if member is None:
        raise SessionRefused(f"@{named} is not a member of this workspace (any more)")
    raise SessionRefused(f"the key {fingerprint} is not @{member.handle}'s any more: ask a manager to run crewdeck ssh install")


def ended_by(path: Path, member: Member, fingerprint: str | None) -> Callable[[], str | None]:
    """What ends an open session (``session_ended``), asked from a thread of its own, with a connection of its own."""
    opened: list[Workspace] = []

    def reason() -> str | None:
        try:
            if not opened:
                opened.append(Workspace.open(path))
            return session_ended(opened[0].conn, member, fingerprint)
        except (sqlite3.OperationalError, UserError):
            return None  # the file busy past the timeout: asked again at the next round

    return reason


def session_ended(conn: sqlite3.Connection, member: Member, fingerprint: str | None) -> str | None:
    """Why the session opened as ``member`` with the key ``fingerprint`` has ended, read on ``conn``: its member removed,
    made a guest or no longer one (a guest's app is another: the Approvals view alone), or the key that opened it no
    longer theirs (by the member's id: a rename ends nothing); ``None`` while it holds."""
    row = conn.execute("SELECT deleted, access FROM member WHERE id = ?", (member.id,)).fetchone()
    if row is None or row[0]:
        return f"@{member.handle} was removed from this workspace: this session has ended"
    if row[1] == "guest" and member.access != "guest":
        return f"@{member.handle} is a guest now, who sees only the Approvals view: this session has ended (log in again)"
    if member.access == "guest" and row[1] != "guest":
        return f"@{member.handle} is a {row[1]} now, no longer a guest: this session has ended (log in again for the whole app)"
    if fingerprint is not None and not any(key.fingerprint == fingerprint for key in member_keys(conn, member.id)):
        return f"the key {fingerprint} is no longer @{member.handle}'s: this session has ended"
    return None


def check_runs_commands(member: Member) -> None:
    """A guest's session is the app alone, which shows them their campaigns' posts and nothing else:
    any command (tasks, export, log) would read the whole workspace."""
    refusal = commands_refused(member.facts())
    if refusal is not None:
        raise SessionRefused(str(refusal))


def command_words(original: str) -> list[str]:
    """``SSH_ORIGINAL_COMMAND`` split as the shell would, without a leading ``crewdeck``."""
    try:
        words = shlex.split(original)
    except ValueError as exc:
        raise SessionRefused(f"cannot read the command {original!r}: {exc}") from None
    if words and os.path.basename(words[0]) == "crewdeck":
        words = words[1:]
    return words


#: What asks for help over SSH: the session's own, which names only what runs here.
HELP_WORDS = (["--help"], ["-h"], ["help"])


def help_text(account: str, handle: str) -> str:
    return (
        f"Over SSH you are @{handle}: your key says so, and the team's workspace is set.\n\n"
        f"  ssh -t {account}@HOST                the app\n"
        f"  ssh {account}@HOST COMMAND [ARGS]    one command, as you\n"
        f"  ssh {account}@HOST COMMAND --help    its options (-w, --as and --config are not taken over SSH)\n\n"
        f"Commands: {', '.join(sorted(ALLOWED_COMMANDS))}\n"
        f"Files come and go on your side: ssh {account}@HOST import - < tasks.json, ssh {account}@HOST export > team.json\n"
    )


def check_command_word(word: str) -> None:
    """Refuse a command that is not run over SSH (one crewdeck has, or a word it has not): named before parsing,
    so that a mistyped one is not answered with every command crewdeck has."""
    if word not in ALLOWED_COMMANDS:
        raise SessionRefused(f"'{word}' is not run over SSH (commands: {', '.join(sorted(ALLOWED_COMMANDS))}; help: ssh ... --help)")


def check_command(args: argparse.Namespace) -> None:
    """Refuse what a command run over SSH may not do (its arguments as parsed)."""
    for dest, option in (("as_member", "--as"), ("workspace", "--workspace"), ("config", "--config")):
        if getattr(args, dest, None) is not None:
            raise SessionRefused(f"{option} is not taken over SSH: your key says who you are and the team's workspace is set")
    command = getattr(args, "command", None)
    if command is None:
        return
    check_command_word(command)
    if getattr(args, "output", None) not in (None, "-"):  # "-": standard output, which comes to you
        raise SessionRefused("--output writes a file on the server: over SSH the output comes to you (ssh ... > FILE)")
    for name, value in vars(args).items():
        if _names_a_path(name) and value is not None and value != "-":
            raise SessionRefused("over SSH a file comes on standard input: give - and send it (ssh ... import - < FILE)")


def reads_standard_input(args: argparse.Namespace) -> bool:
    """Whether the command reads a file from standard input (``-`` for one of the files it reads; ``--output -`` is
    standard output, and nothing comes in for it)."""
    return any(_names_a_path(name) and name not in _WRITTEN and value == "-" for name, value in vars(args).items())


#: How much of an upload is read at a time.
_CHUNK = 1 << 20
#: The locks a process holds on its member's places (``hold_place``): open until it ends.
_HELD: list[int] = []


def places(kind: str) -> Path:
    """Where the team account keeps its members' places of a ``kind`` (``ssh-uploads``, ``ssh-apps``), a lock file each
    (its own cache: no one else writes there)."""
    from platformdirs import user_cache_path

    return user_cache_path("crewdeck") / kind


def hold_place(kind: str, member_id: str, most: int, what: str) -> bool:
    """Take one of the member's ``most`` places of a ``kind`` for the rest of this process; ``False`` when other processes
    of theirs hold all of them.  Each session is a process of its own (sshd starts one per login), so they are counted by
    the kernel: a lock (``flock``) is let go when its process ends however it ends, and a killed session leaves no place
    taken.  ``what`` names the count in the line said when the places cannot be kept."""
    directory = places(kind)
    # A member's id is text the workspace holds: its digest names the files, the first place's alone as before.
    name = hashlib.sha256(member_id.encode()).hexdigest()[:32]
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SessionRefused(f"cannot keep count of {what} in {directory}: {exc.strerror}: nothing was run") from None
    for place in range(most):
        try:
            fd = os.open(directory / (name if place == 0 else f"{name}.{place}"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise SessionRefused(f"cannot keep count of {what} in {directory}: {exc.strerror}: nothing was run") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _HELD.append(fd)
        return True
    return False


def hold_upload_place(member_id: str, most_mb: int) -> None:
    """Take the member's one place for an upload, for the rest of this process (the upload stays on the server's disk,
    as the command's standard input, until the command ends); ``SessionRefused`` while another command of theirs holds it.

    ``ssh_upload_mb`` bounds one command's upload; a member running many at once would have put that much on the disk
    for each.  One at a time bounds a member's uploads together."""
    if not hold_place("ssh-uploads", member_id, 1, "uploads"):
        raise SessionRefused(
            "another command of yours over SSH is still taking or using what you sent it: a member sends one upload at a time "
            f"(each at most {most_mb:,} MB, ssh_upload_mb in the team account's config): nothing was run; send it again once "
            "that one has finished"
        )


def hold_app_place(member_id: str, most: int) -> None:
    """Take one of the member's ``ssh_apps_per_member`` places for the app, for the rest of the session; ``SessionRefused``
    while that many apps of theirs are open over SSH.  Each is a process of its own (tens of MB): a member's key in a
    loop, or sessions left open on every machine they have, would start them without end, as the web's
    ``apps_per_member`` stops in a browser.  A new session is refused rather than an open one ended, which may hold
    what its member was typing.

    A session whose client went without a word (a laptop asleep, a network dropped) holds its place until sshd ends
    it, which cannot be q'd: the line says so, and how long that takes (README's ClientAliveInterval 30 and
    ClientAliveCountMax 4: two minutes; without them, TCP's keepalive, two hours)."""
    if not hold_place("ssh-apps", member_id, most, "app sessions"):
        raise SessionRefused(
            f"you have {most:,} app session{'s' if most != 1 else ''} open over SSH, the most here (ssh_apps_per_member in the "
            "team account's config): close one (q in it), then log in again; one whose connection was lost keeps its place "
            "until the server ends it (within 2 minutes where sshd has ClientAliveInterval, else up to 2 hours): ask the "
            "team account's admin to end it sooner"
        )


def count_app_start(member_id: str, per_minute: int, clock: Callable[[], float] = time.time) -> None:
    """Count an app the member starts over SSH; ``SessionRefused`` past ``per_minute`` within a minute
    (``ssh_app_starts_per_minute``): a key logging in and quitting in a loop started an app process at each, a place
    freed by the one before taken by the next, as the web's ``APP_STARTS_PER_MINUTE`` stops in a browser.  The web's
    counting (``Attempts``) judges; each session is a process of its own, so the member's starts are kept in a file,
    read and written back under its lock."""
    directory = places("ssh-app-starts")
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(directory / hashlib.sha256(member_id.encode()).hexdigest()[:32], os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise SessionRefused(f"cannot keep count of app sessions in {directory}: {exc.strerror}: nothing was run") from None
    with os.fdopen(fd, "r+") as kept:
        fcntl.flock(kept, fcntl.LOCK_EX)  # held while read and written back: sessions side by side count one after another
        now = clock()
        # A start stamped ahead of now (the clock set back) would hold the member out for as long: it is dropped.
        times = sorted(t for t in (_seconds(word) for word in kept.read().split()) if t is not None and t <= now)
        starts = Attempts(per_minute, MINUTE, clock=lambda: now)
        starts.restore(member_id, times)
        wait = starts.wait(member_id)
        if wait is not None:
            raise SessionRefused(
                f"you started the app {counted(per_minute, 'time')} within a minute over SSH, the most here "
                f"(ssh_app_starts_per_minute in the team account's config): try again in {int(wait) + 1} seconds"
            )
        starts.count(member_id)
        kept.seek(0)
        kept.truncate()
        kept.write("".join(f"{t!r}\n" for t in starts.times(member_id)))


def _seconds(word: str) -> float | None:
    try:
        return float(word)
    except ValueError:
        return None


def take_upload(most_mb: int, idle_seconds: int, stdin: int = 0, stdout: int = 1) -> None:
    """Read all of standard input into a file of its own, which then is standard input; refused past ``most_mb``
    megabytes (the team account's ``ssh_upload_mb``: the file is on the server's disk), when nothing came for
    ``idle_seconds`` (``ssh_upload_idle_seconds``), and when the client is gone by then.

    The member's one upload place is held while this reads: a client gone quiet without closing its connection (a
    laptop asleep, a network dropped without a word, ``import -`` typed without ``< FILE``) would hold it until sshd
    noticed, which without ClientAliveInterval is TCP's keepalive, two hours on.

    A client that goes mid-upload (its network dropped, ssh killed) ends the session's standard input as the end of
    the file does: the command would take the rows sent so far for the whole file.  What tells the two apart is who
    hears the answer: sshd reads the session's output for the client until its connection ends, so an output with
    nobody reading it left means the client went.
    """
    most = most_mb * 1_000_000
    taken = 0
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - standard input from here on, for the rest of the process
    waiting = select.poll()
    waiting.register(stdin, select.POLLIN)
    try:
        while True:
            if not waiting.poll(idle_seconds * 1000):
                spool.close()
                raise SessionRefused(
                    f"nothing came on standard input for {idle_seconds:,} second{'s' if idle_seconds != 1 else ''}, the most this server waits over SSH "
                    "(ssh_upload_idle_seconds in the team account's config): nothing was run; send the file with the "
                    "command (ssh ... import - < FILE)"
                )
            chunk = os.read(stdin, _CHUNK)
            if not chunk:
                break
            taken += len(chunk)
            if taken > most:
                # Refused before the chunk past the limit is written: the spool (a file without a name) goes with it.
                spool.close()
                raise SessionRefused(
                    f"standard input is larger than {most_mb:,} MB, the most this server takes for one command over SSH "
                    "(ssh_upload_mb in the team account's config): nothing was run"
                )
            spool.write(chunk)
        spool.flush()
    except OSError as exc:
        spool.close()
        raise SessionRefused(f"cannot take what standard input sent: {exc.strerror}: nothing was run") from None
    if _nobody_reads(stdout):
        spool.close()
        raise SessionRefused("the connection closed before standard input ended: nothing was run")
    spool.seek(0)
    os.dup2(spool.fileno(), stdin)
    spool.close()


def _nobody_reads(fd: int) -> bool:
    """Whether ``fd`` is a pipe or terminal whose other end is closed (a pipe with no reader reports an error)."""
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


#: The arguments that name a file a command writes.
_WRITTEN = frozenset({"output"})


def _names_a_path(dest: str) -> bool:
    """An argument that names a file or directory on the host (whatever command a later change adds it to)."""
    return dest in ("file", "path", "directory", "output") or dest.endswith(("_file", "_path", "_dir", "_directory"))


#: How many colours a terminal shows, by its TERM, when COLORTERM did not come along:
#: sshd forwards TERM but not COLORTERM (unless both ends set SendEnv/AcceptEnv).
_TRUECOLOR_TERMS = ("xterm-kitty", "xterm-ghostty", "alacritty", "wezterm", "foot", "contour")
_SIXTEEN_COLOUR_TERMS = ("linux", "vt100", "vt102", "vt220", "ansi", "cons25")


def colour_system(environ: Mapping[str, str]) -> str | None:
    """Textual's colour system for this session, or ``None`` when COLORTERM says it already.

    Rich reads only COLORTERM for true colour and the ``-256color`` suffix of
    TERM; without COLORTERM a plain ``xterm`` gets 16 colours, which is what
    nearly no terminal of today is limited to.
    """
    if environ.get("COLORTERM", "").strip():
        return None
    term = environ.get("TERM", "").strip().lower()
    if term.endswith("-direct") or term.startswith(_TRUECOLOR_TERMS):
        return "truecolor"
    if not term or term == "dumb" or term.startswith(_SIXTEEN_COLOUR_TERMS):
        return "standard"
    return "256"
