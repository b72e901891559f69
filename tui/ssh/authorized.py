"""``authorized_keys`` lines for the team account, and installing them into a file.

Each registered key gets one line whose forced command names its member
and its fingerprint::

    restrict,pty,command="/usr/bin/crewdeck --workspace /srv/team.db ssh-session ana --key SHA256:…" ssh-ed25519 AAAA… ana@laptop

``restrict`` turns off port, agent and X11 forwarding and ``~/.ssh/rc``;
``pty`` gives the app its terminal back.  OpenSSH runs the command of the
line whose key matched, whatever the client asked to run (that goes to
``SSH_ORIGINAL_COMMAND``), so the key decides who the session is.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from crewdeck.sync.state.visible import visible
from crewdeck.tui.ssh.keys import MemberKey

#: The subcommand every line crewdeck writes runs: how ``install`` tells its own lines from others.
SESSION_COMMAND = "ssh-session"


def program_path() -> str:
    """The absolute path of this ``crewdeck``: sshd runs forced commands with a minimal PATH."""
    running = Path(sys.argv[0])
    if running.name == "crewdeck" and running.exists():
        return str(running.absolute())
    beside = Path(sys.executable).with_name("crewdeck")  # this installation's console script
    if beside.exists():
        return str(beside.absolute())
    found = shutil.which("crewdeck")
    return str(Path(found).absolute()) if found else "crewdeck"


def forced_command(program: str, workspace: Path, member: MemberKey) -> str:
    words = [program, "--workspace", str(workspace), SESSION_COMMAND, member.handle, "--key", member.key.fingerprint]
    return " ".join(shlex.quote(word) for word in words)


def line_for(program: str, workspace: Path, member: MemberKey) -> str:
    command = forced_command(program, workspace, member).replace("\\", "\\\\").replace('"', '\\"')
    key = member.key
    # The comment is free text someone typed, and the lines are printed: shown, never sent (sshd reads no further than the key).
    return f'restrict,pty,command="{command}" {key.identity} {visible(key.comment)}'.rstrip()


def lines_for(program: str, workspace: Path, keys: Iterable[MemberKey]) -> list[str]:
    return [line_for(program, workspace, key) for key in keys]


def _options_command(line: str) -> str | None:
    """The ``command="…"`` of an ``authorized_keys`` line's options, unescaped; ``None`` without one."""
    text = line.strip()
    at = text.find('command="')
    if at < 0 or text.startswith("#"):
        return None
    # The options come before the key type and hold no unquoted space.
    head = text[:at]
    if " " in head or "\t" in head:
        return None
    out: list[str] = []
    index = at + len('command="')
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(out)
        out.append(char)
        index += 1
    return None


def written_by_crewdeck(line: str, workspace: Path) -> bool:
    """A line an ``install`` for this workspace wrote (a line for another workspace is someone else's)."""
    command = _options_command(line)
    if command is None:
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    if SESSION_COMMAND not in words:
        return False
    return any(word in ("--workspace", "-w") and words[index + 1] == str(workspace) for index, word in enumerate(words[:-1]))


def merged(existing: str, workspace: Path, ours: list[str]) -> str:
    """The file's lines that crewdeck did not write for this workspace, in their order, then ours."""
    kept = [line for line in existing.splitlines() if not written_by_crewdeck(line, workspace)]
    while kept and not kept[-1].strip():
        kept.pop()
    return "".join(f"{line}\n" for line in [*kept, *ours])


def make_ssh_directory(directory: Path) -> bool:
    """Make an account's missing ``~/.ssh`` as ``ssh-keygen`` would (0700, owned, when root makes it, by the home's
    owner): a fresh team account has none, and the README's ``ssh install --file ~team/.ssh/authorized_keys`` was
    refused there.  False for any other missing directory (a typo is not made)."""
    home = directory.parent
    if directory.name != ".ssh" or not home.is_dir():
        return False
    directory.mkdir(mode=0o700)
    # Through a descriptor of the directory just made, never its path again: the home's owner could put a link there
    # meanwhile, and root would change the mode and owner of what it names.
    made = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        os.fchmod(made, 0o700)  # whatever the umask
        if os.geteuid() == 0:
            owner = home.stat()
            os.fchown(made, owner.st_uid, owner.st_gid)
    finally:
        os.close(made)
    return True


def install(path: Path, workspace: Path, ours: list[str]) -> tuple[int, int]:
    """Write ``path`` in one step (a reader sees the old file or the new one, never half of either).

    Returns (lines kept, lines of ours).  The new file keeps the old one's
    mode and owner (sshd refuses a file others may write); a new file is 0600,
    owned (when root writes it) by the directory's owner.
    """
    try:
        existing = path.read_text("utf-8")
        stat = path.stat()
    except FileNotFoundError:
        existing, stat = "", None
    text = merged(existing, workspace, ours)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.st_mode & 0o7777 if stat else 0o600)
        if os.geteuid() == 0:
            # sshd reads the file as its user: root's new file goes to whoever owns the directory (~team/.ssh).
            owner = stat or path.parent.stat()
            os.chown(tmp, owner.st_uid, owner.st_gid)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(text.splitlines()) - len(ours), len(ours)
