"""One ``crewdeck serve`` per workspace file: a second is refused, naming the process that serves the file and where.

Two servers on one file lose nothing (every push is one ``BEGIN IMMEDIATE`` transaction, and each server's watcher
wakes its clients on the other's commits), but members told two addresses never know which one is the team's, and a
second started by mistake (a service manager's and one by hand) goes unseen until one is stopped.  The lock is a
``flock`` on a file beside the workspace (``team.db-serve``): the kernel lets go of it when its process ends however
it ends, so a killed server leaves no stale claim; the file itself stays, holding the last server's process id and URL.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from pathlib import Path

from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.visible import visible

#: What the lock file's name adds to the workspace file's, as SQLite's ``-wal`` and ``-shm`` do.
SUFFIX = "-serve"
#: The most of the lock file read back: a process id and a URL.
_HOLDER_BYTES = 4096


class ServedAlready(Exception):
    """Another process serves the file: the line that says which and where."""


def lock_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + SUFFIX)


class ServeLock:
    """The file's serve lock, held until ``close``."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def close(self) -> None:
        os.close(self._fd)


def take(workspace: Path, url: str) -> ServeLock:
    """The file's serve lock, written with this process's id and ``url``; ``ServedAlready`` when another process holds
    it, ``OSError`` when the lock file cannot be opened."""
    lock = lock_path(workspace)
    # Whoever may write the workspace may serve it: the lock file gets its mode, as SQLite gives the -wal and -shm.
    mode = stat.S_IMODE(workspace.stat().st_mode) & 0o666
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServedAlready(_served_already(workspace, os.pread(fd, _HOLDER_BYTES, 0))) from None
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, mode)  # the umask took the group's write from a file made just now
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "url": url}).encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return ServeLock(fd)


def _served_already(workspace: Path, held: bytes) -> str:
    try:
        holder = json.loads(held)
        who = f"process {int(holder['pid'])} on {visible(str(holder['url']))}"
    except (ValueError, KeyError, TypeError):  # caught between the lock and the write: its id is not there yet
        who = "another process"
    return (
        f"{typed_name(workspace)} is served already, by {who}: one crewdeck serve per workspace file, so that members "
        "reach it at one address; stop that one first, or give members its address"
    )
