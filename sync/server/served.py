"""One ``crewdeck serve`` per workspace file: a second is refused, naming the process that serves the file and where.

Two servers on one file lose nothing (every push is one ``BEGIN IMMEDIATE`` transaction, and each server's watcher
wakes its clients on the other's commits), but members told two addresses never know which one is the team's, and a
second started by mistake (a service manager's and one by hand) goes unseen until one is stopped.  The lock is a
``flock`` on a file beside the workspace (``team.db-serve``): the kernel lets go of it when its process ends however
it ends, so a killed server leaves no stale claim; the file itself stays, holding the last server's process id and URL.

The lock is a guard, not a requirement: a lock file nobody may open or make (another member's, of their own group; a
directory that takes no new files) lets the server start with a warning (``unguarded``), where it was refused though
nobody served the file.  A file there that is no lock record of crewdeck's is never written over: it is refused.
"""

from __future__ import annotations

import contextlib
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


class NotALock(Exception):
    """A file at the lock's path that is not a lock record of crewdeck's (a workspace named ``team.db-serve``): the
    line that says so, the file left as it was."""


def lock_path(workspace: Path) -> Path:
    """Beside the file itself, not a symlink to it, as SQLite's ``-wal`` and ``-shm`` are: a server on ``link.db`` and
    one on the file it names take one lock."""
    real = Path(os.path.realpath(workspace))
    if real.name == workspace.name and os.path.realpath(workspace.parent) == str(real.parent):
        return workspace.with_name(workspace.name + SUFFIX)  # the same file, named as the person typed it
    return real.with_name(real.name + SUFFIX)


class ServeLock:
    """The file's serve lock, held until ``close``."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def close(self) -> None:
        os.close(self._fd)


def take(workspace: Path, url: str) -> ServeLock:
    """The file's serve lock, written with this process's id and ``url``; ``ServedAlready`` when another process holds
    it, ``NotALock`` when the file at its path is something else, ``OSError`` when the lock file cannot be opened."""
    lock = lock_path(workspace)
    # Whoever may write the workspace may serve it: the lock file gets its mode and group, as SQLite gives the -wal and
    # -shm its mode.  Left in the server's own group, it let no other member of the team serve the file after it.
    facts = workspace.stat()
    mode = stat.S_IMODE(facts.st_mode) & 0o666
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServedAlready(_served_already(workspace, os.pread(fd, _HOLDER_BYTES, 0))) from None
        held = os.fstat(fd)
        if not stat.S_ISREG(held.st_mode) or not _a_record(os.pread(fd, _HOLDER_BYTES + 1, 0)):
            raise NotALock(
                f"{typed_name(lock)} is not the lock file that keeps one crewdeck serve on {typed_name(workspace)}, so it was "
                "left as it is: move it away, then serve again"
            )
        if held.st_uid == os.geteuid():
            os.fchmod(fd, mode)  # the umask took the group's write from a file made just now
            # Where this user is not in the workspace's group, the directory's setgid is the fix (``unguarded`` says so).
            with contextlib.suppress(PermissionError):
                os.fchown(fd, -1, facts.st_gid)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "url": url}).encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return ServeLock(fd)


def _a_record(held: bytes) -> bool:
    """Whether ``held`` is what ``take`` writes (nothing yet, when it was made just now or its writer was stopped first)."""
    if not held:
        return True
    try:
        record = json.loads(held)
    except ValueError:
        return False
    return isinstance(record, dict) and set(record) == {"pid", "url"}


def unguarded(workspace: Path, exc: OSError) -> str:
    """The warning when the lock file cannot be opened or made (``exc``): the server starts, unguarded, and how to
    have the guard again."""
    lock = lock_path(workspace)
    directory = typed_name(lock.parent)
    if os.path.lexists(lock):
        what = "open"
        fix = f"remove it, and have new files in {directory} take its group: chmod g+s {directory}" if lock.is_file() else "remove it"
    else:
        what = "make"
        fix = f"let the team make files in {directory}: chmod g+ws {directory}"
    return (
        f"serve: cannot {what} {typed_name(lock)} ({exc.strerror}), so a second crewdeck serve on {typed_name(workspace)} "
        f"could not be ruled out (serving anyway); to have that check again, {fix}"
    )


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
