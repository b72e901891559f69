"""A real OpenSSH server for the tests: its own host key, config and port, and a team account made for it.

The tests run as root (here and in CI): the setup creates a dedicated
unprivileged account with ``useradd`` (its password field ``*``: no
password, yet not "locked", which sshd would refuse), starts
``/usr/sbin/sshd -D`` on a free port of 127.0.0.1 with ``AllowUsers`` that
account only, and removes the account at the end.  The workspace lives in
a directory the account owns, as on a real host.

sshd runs forced commands and ``AuthorizedKeysCommand`` as that account,
so ``crewdeck`` must be runnable by it.  Where the test's Python lives
somewhere the account cannot reach (here: pyenv under ``/root``, mode
0700), the account runs the same code through a small launcher: the
system's Python of the same version with this environment's
site-packages (``program``).  sshd wants an ``AuthorizedKeysCommand``
owned by root in directories nobody else may write, so the launcher lives
in a directory of its own under ``/run``.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from .syncsupport import PortTaken, free_port, up_on_a_free_port, wait_until

SSHD = "/usr/sbin/sshd"
SSH = shutil.which("ssh") or "/usr/bin/ssh"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
CREWDECK = str(Path(sys.executable).with_name("crewdeck"))


#: The keys made so far in this process, by name: each is made once and copied (ssh-keygen is a process each time).
_KEYS: dict[str, tuple[bytes, str]] = {}


def keypair(directory: Path, name: str) -> tuple[Path, str]:
    """An ed25519 key of its own for ``name``: (private key file, public key line)."""
    if name not in _KEYS:
        made = Path(tempfile.mkdtemp(prefix="crewdeck-key-"))
        try:
            subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@laptop", "-f", str(made / name)], check=True)
            _KEYS[name] = (made / name).read_bytes(), (made / f"{name}.pub").read_text().strip()
        finally:
            shutil.rmtree(made)
    secret, public = _KEYS[name]
    private = directory / name
    private.touch(mode=0o600)
    private.write_bytes(secret)
    (directory / f"{name}.pub").write_text(public + "\n")
    return private, public


def fingerprint(public_line: str, directory: Path) -> str:
    """The key's fingerprint as ssh-keygen says it."""
    path = directory / f"fp-{uuid.uuid4().hex[:6]}.pub"
    path.write_text(public_line + "\n")
    return subprocess.run([SSH_KEYGEN, "-lf", str(path)], check=True, capture_output=True, text=True).stdout.split()[1]


#: The launcher's text (``"text"``), found for the first account of this process.
_LAUNCHER: dict[str, str] = {}


class TeamAccount:
    """A Unix account made for one test run, and a home for its workspace."""

    def __init__(self) -> None:
        self.name = f"cdk{uuid.uuid4().hex[:8]}"
        # Another test may hold /etc/passwd's lock (useradd's status 10): try again.
        wait_until(
            lambda: subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", "--user-group", self.name]).returncode != 10,
            "the lock of /etc/passwd",
        )
        wait_until(lambda: subprocess.run(["usermod", "-p", "*", self.name]).returncode != 10, "the lock of /etc/passwd")
        entry = pwd.getpwnam(self.name)
        self.uid, self.gid, self.home = entry.pw_uid, entry.pw_gid, Path(entry.pw_dir)
        #: Where the team's workspace lives: reachable by the account (pytest's tmp_path is root's only).
        self.directory = Path(tempfile.mkdtemp(prefix="crewdeck-ssh-"))
        os.chmod(self.directory, 0o755)
        self.bin = Path(tempfile.mkdtemp(prefix="crewdeck-ssh-bin-", dir="/run"))
        os.chmod(self.bin, 0o755)
        #: The crewdeck sshd runs (in authorized_keys lines and as AuthorizedKeysCommand).
        self.program = self._program()

    def runs(self, program: str) -> bool:
        return subprocess.run(["runuser", "-u", self.name, "--", program, "--help"], capture_output=True).returncode == 0

    def _program(self) -> str:
        launcher = self.bin / "crewdeck"
        # Every account made here reaches the same files: the first one's launcher serves them all.
        if "text" not in _LAUNCHER:
            _LAUNCHER["text"] = self._launcher(launcher)
        launcher.write_text(_LAUNCHER["text"])
        os.chmod(launcher, 0o755)
        return str(launcher)

    def _launcher(self, launcher: Path) -> str:
        """The text of a launcher of crewdeck that this account runs."""
        if self.runs(CREWDECK):
            return f'#!/bin/sh\nexec {CREWDECK} "$@"\n'
        python = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
        site = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
        code = f"import site, sys; site.addsitedir({site!r}); from crewdeck.tui.cli.main import main; sys.exit(main())"
        launcher.write_text(f'#!/bin/sh\nexec {python} -s -c "{code}" "$@"\n')
        os.chmod(launcher, 0o755)
        assert python.exists() and self.runs(str(launcher)), (
            f"the account {self.name} cannot run crewdeck, neither {CREWDECK} nor through {python}"
        )
        return launcher.read_text()

    def give(self, *paths: Path) -> None:
        """Hand files (and the workspace directory) over to the account."""
        for path in (self.directory, *paths):
            os.chown(path, self.uid, self.gid)

    def remove(self) -> None:
        # The account's sessions end when their ssh clients do; userdel refuses while one still runs.
        wait_until(
            lambda: subprocess.run(["userdel", "--remove", self.name], capture_output=True).returncode in (0, 6),
            f"the sessions of {self.name} to end",
        )
        shutil.rmtree(self.directory, ignore_errors=True)
        shutil.rmtree(self.bin, ignore_errors=True)


class Sshd:
    """``sshd -D`` on 127.0.0.1 for the team account: keys from a file, or from ``crewdeck ssh keys-command``."""

    port: int
    process: subprocess.Popen[bytes]

    def __init__(self, account: TeamAccount, workspace: Path, *, keys_command: bool) -> None:
        self.account = account
        self.directory = Path(tempfile.mkdtemp(prefix="crewdeck-sshd-"))
        self.authorized_keys = account.directory / "authorized_keys"
        self.log = self.directory / "sshd.log"
        host_key = self.directory / "host_ed25519"
        subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
        if keys_command:
            command = f"{account.program} --workspace {workspace} ssh keys-command %u %f --program {account.program}"
            keys = f"AuthorizedKeysFile none\nAuthorizedKeysCommand {command}\n"
            keys += f"AuthorizedKeysCommandUser {account.name}\n"
        else:
            keys = f"AuthorizedKeysFile {self.authorized_keys}\n"
        config = self.directory / "sshd_config"
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory

        def up(port: int) -> None:
            self.port = port
            config.write_text(
                f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {self.directory / 'sshd.pid'}\n"
                f"{keys}"
                "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                # The test's files live under /tmp, which is world-writable: StrictModes would refuse them.
                "StrictModes no\nPermitRootLogin no\n"
                f"AllowUsers {account.name}\nLogLevel VERBOSE\n"
                # As the README's setup: a client gone without a word is let go within two minutes, not TCP's two hours.
                "ClientAliveInterval 30\nClientAliveCountMax 4\n"
            )
            with self.log.open("w") as log:
                self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
            wait_until(lambda: "Server listening" in self.log.read_text() or self.process.poll() is not None, "sshd to listen")
            if self.process.poll() is not None:
                said = self.log.read_text()
                raise (PortTaken if "Address already in use" in said else AssertionError)(said)

        up_on_a_free_port(up, free_port())

    def ssh_command(self, key: Path, *, tty: bool = False) -> list[str]:
        return [
            SSH,
            "-F",
            "/dev/null",
            *(["-tt"] if tty else ["-T"]),
            "-i",
            str(key),
            "-p",
            str(self.port),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            f"{self.account.name}@127.0.0.1",
        ]

    def run(self, key: Path, *command: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        # One word after "--", quoted as a shell would: what the remote sees in SSH_ORIGINAL_COMMAND.
        remote = ["--", shlex.join(command)] if command else []
        return subprocess.run([*self.ssh_command(key), *remote], input=stdin, capture_output=True, text=True, timeout=60)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


TMUX = shutil.which("tmux") or "tmux"


class Tmux:
    """One tmux server and window running a command; the screen read with capture-pane."""

    def __init__(self, command: str, width: int, height: int) -> None:
        self.name = f"cdssh-{uuid.uuid4().hex[:8]}"
        self.socket = ["-L", self.name]
        subprocess.run(
            [TMUX, *self.socket, "-f", "/dev/null", "start-server", ";", "set-option", "-g", "default-size", f"{width}x{height}",
             ";", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), f"env -u COLUMNS -u LINES -u COLORTERM {command}"],
            check=True,
        )  # fmt: skip

    def screen(self, *, colours: bool = False) -> str:
        args = [TMUX, *self.socket, "capture-pane", "-p", *(["-e"] if colours else []), "-t", self.name]
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run([TMUX, *self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def resize(self, width: int, height: int) -> None:
        subprocess.run([TMUX, *self.socket, "resize-window", "-t", self.name, "-x", str(width), "-y", str(height)], check=True)

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float = 30, *, colours: bool = False) -> str:
        """Read the screen until it shows what we wait for (a condition, not a delay)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen(colours=colours)
            if found(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what} on screen:\n{text}")
            time.sleep(0.02)

    def kill(self) -> None:
        subprocess.run([TMUX, *self.socket, "kill-server"], check=False, capture_output=True)
