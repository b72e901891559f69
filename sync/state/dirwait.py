"""Waiting for a write in a directory without looking at it again and again: Linux's inotify, through ``ctypes``.

A workspace's every commit writes its ``-wal`` (or, checkpointed, the file
itself), whichever process makes it, and a file moved over it or deleted
changes the directory too: one watch of the directory hears them all, and a
watcher of an idle file sleeps until one comes.  Only the file's own names
end a wait: a directory busy with other files (a home, a download) woke it
at their every write.  Where inotify cannot be had (another system, the
user's watches used up), ``DirectoryWait.open`` is ``None``, and the caller
looks at the file at its interval instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import struct
import sys
import threading
import time
from pathlib import Path

IN_MODIFY = 0x002
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
#: A file of the directory written, made, removed or moved, or the directory itself removed or moved.
CHANGES = IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
#: Bytes read at once from the inotify descriptor.
_READ = 65_536
#: An event's head (``struct inotify_event``): watch, mask, cookie, and the length of the name after it.
_EVENT = struct.Struct("iIII")
#: The names SQLite gives a database's files, after the database's own.
SIDE_FILES = ("", "-wal", "-shm", "-journal")


class DirectoryWait:
    """One directory's inotify watch, and a pipe that ends a wait from another thread (``wake``)."""

    def __init__(self, inotify: int, names: frozenset[bytes]) -> None:
        self._inotify = inotify
        self._names = names
        self._woken, self._waker = os.pipe()
        for fd in (self._woken, self._waker):
            os.set_blocking(fd, False)
        self._poll = select.poll()
        self._poll.register(self._inotify, select.POLLIN)
        self._poll.register(self._woken, select.POLLIN)
        #: Guards ``wake`` against ``close``: a byte written to a descriptor closed, and its number taken by another
        #: file meanwhile, would land in that file.
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, path: Path) -> DirectoryWait | None:
        """A watch of the directory of the database at ``path`` for its files, or ``None`` where inotify cannot be had."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            init, add = libc.inotify_init1, libc.inotify_add_watch
        except (OSError, AttributeError):
            return None
        init.argtypes, init.restype = [ctypes.c_int], ctypes.c_int
        add.argtypes, add.restype = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32], ctypes.c_int
        inotify = init(os.O_NONBLOCK | os.O_CLOEXEC)
        if inotify < 0:
            return None
        if add(inotify, os.fsencode(path.parent), CHANGES) < 0:
            os.close(inotify)
            return None
        return cls(inotify, frozenset(os.fsencode(path.name + suffix) for suffix in SIDE_FILES))

    def wait(self, timeout: float) -> bool:
        """Until one of the database's files is written, made, removed or moved (or the directory itself is), ``wake()``
        is called (before or during the wait), or ``timeout`` seconds have passed; whether it was not the timeout."""
        deadline = time.monotonic() + timeout
        while self._poll.poll(max(0.0, deadline - time.monotonic()) * 1000):
            woken = bool(self._read(self._woken))
            if self._heard() or woken:
                return True
        return False

    def _heard(self) -> bool:
        """Whether the events queued name the database's files, the directory itself, or were too many to queue."""
        data = self._read(self._inotify)
        offset = 0
        while offset + _EVENT.size <= len(data):
            _, mask, _, length = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            if mask & IN_Q_OVERFLOW or not name or name in self._names:
                return True
        return False

    @staticmethod
    def _read(fd: int) -> bytes:
        """All that waits to be read from ``fd`` (which does not block)."""
        chunks: list[bytes] = []
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(fd, _READ):
                chunks.append(chunk)
        return b"".join(chunks)

    def wake(self) -> None:
        """End the wait under way, or the next one, at once; from any thread."""
        with self._lock:
            if not self._closed:
                with contextlib.suppress(BlockingIOError):  # the pipe full: a wake is waiting there already
                    os.write(self._waker, b"\0")

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for fd in (self._inotify, self._woken, self._waker):
                os.close(fd)
