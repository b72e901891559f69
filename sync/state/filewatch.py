"""The one watcher of a workspace file in a process.

``PRAGMA data_version`` on a connection changes when any *other* connection
commits to the file; reading it costs a few microseconds.  The app, the sync
engine and the file server all want to know when the file changed, and a
replica has the app and its engine in one process: they share one
``FileWatcher`` per file (by real path), with one connection and one thread,
which tells each subscriber.

The thread looks when the file's directory changes (``dirwait``: every
commit writes the ``-wal``, whichever process makes it), no more often than
its subscribers' interval, and every ``IDLE_LOOK`` seconds besides, for what
a watch of the directory cannot hear (the directory's own parent moved);
where no watch can be had, every interval.  It looked every 10 ms: an idle
app spent ~1.3% of a core on it, and as much again on its ``ChangeWatcher``.

Each look also reads the newest ``seq`` when the version moved (what the
server's wakeups need), and, for subscribers that ask, checks with a
``stat`` that the path still names the file they opened
(``OpenedFile.change``): deleted, or another file moved over it.

Subscribers' callbacks run on the watcher's thread and must return at
once (set an event, hand over to an event loop): a slow one would delay
every other subscriber of the file.  None is called after its
``Subscription.close()`` has returned; the last one's close returns once
the watcher's thread has ended and closed its connection (a closed app
session leaves no file open).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crewdeck.sync.state.dirwait import DirectoryWait
from crewdeck.sync.state.sharedfile import OpenedFile
from crewdeck.sync.state.store import WINDOW_CACHE_KIB, connect, data_version, max_seq

#: How often a subscriber wants the file looked at unless it asks for more, in seconds.
POLL_INTERVAL = 0.015
#: Seconds between looks at a file whose directory is watched and quiet.
IDLE_LOOK = 2.0
#: Seconds of looks, an interval apart, after a quiet file's directory was heard from, until the look sees the commit:
#: a writer that syncs between writing its ``-wal`` and its ``-shm`` (``synchronous = FULL``: the sqlite3 shell, a
#: script) shows its commit in ``data_version`` only after its sync, and was seen up to ``IDLE_LOOK`` late.  Not after a
#: look that saw a commit: the directory's later word of that same commit started them again (~1% of a core at a
#: commit every 0.5 s).
SETTLE = IDLE_LOOK

_registry: dict[str, FileWatcher] = {}
#: Guards the registry and every watcher's subscriptions; callbacks run under it.
_lock = threading.RLock()


@dataclass(eq=False)
class Subscription:
    """One subscriber's interest in a file; ``close()`` it when done."""

    watcher: FileWatcher
    on_commit: Callable[[int], None]
    interval: float
    opened: OpenedFile | None
    on_moved: Callable[[str], None] | None

    def close(self) -> None:
        self.watcher.leave(self)
        self.watcher.ended()


def subscribe(
    path: str | Path,
    on_commit: Callable[[int], None],
    *,
    interval: float = POLL_INTERVAL,
    opened: OpenedFile | None = None,
    on_moved: Callable[[str], None] | None = None,
) -> Subscription:
    """Hear of every commit to the file at ``path`` by any connection, within ``interval`` seconds.

    ``on_commit(head)`` gets the newest ``seq`` after each change seen (a
    burst of commits may be one call).  With ``on_moved``, each look also
    checks that the path still names ``opened`` (the file the path names
    now if not given); when it does not, ``on_moved`` is called once with
    what became of it and the subscription hears nothing more.
    ``WorkspaceError`` when the file cannot be opened.
    """
    key = os.path.realpath(path)
    with _lock:
        watcher = _registry.get(key)
        if watcher is None or watcher.opened.change() is not None:
            # None yet, or the one there watches a file the path no longer names.
            watcher = _registry[key] = FileWatcher(Path(path), key)
        moved_from = (opened or OpenedFile.at(Path(path))) if on_moved is not None else None
        subscription = Subscription(watcher, on_commit, interval, moved_from, on_moved)
        watcher.join(subscription)
        return subscription


class FileWatcher:
    """One connection and one thread looking at one file for this process's subscribers."""

    def __init__(self, path: Path, key: str) -> None:
        self.key = key
        self.opened = OpenedFile.at(path)
        # Read-write mode although it only reads: a read-only connection cannot
        # create the WAL index when it is the first to open the file.
        self.conn: sqlite3.Connection = connect(path, cache_kib=WINDOW_CACHE_KIB)
        #: Read first on the thread; that first look tells every subscriber,
        #: so a commit made while the thread starts is never missed.
        self.version: int | None = None
        self.subscriptions: list[Subscription] = []
        self.interval = POLL_INTERVAL
        self._stop = threading.Event()
        self._directory = DirectoryWait.open(Path(key))
        self._thread = threading.Thread(target=self._run, name=f"crewdeck watch {path.name}", daemon=True)
        self._thread.start()

    def join(self, subscription: Subscription) -> None:
        with _lock:
            self.subscriptions.append(subscription)
            self.interval = min(s.interval for s in self.subscriptions)

    def leave(self, subscription: Subscription) -> None:
        with _lock:
            if subscription not in self.subscriptions:
                return
            self.subscriptions.remove(subscription)
            if self.subscriptions:
                self.interval = min(s.interval for s in self.subscriptions)
                return
            # The last one gone: the thread ends and closes the connection.
            self._stop.set()
            if self._directory is not None:
                self._directory.wake()
            if _registry.get(self.key) is self:
                del _registry[self.key]

    def ended(self) -> None:
        """Once the last subscriber has left: wait for the thread to end (at most an interval), its connection closed."""
        if self._stop.is_set() and threading.current_thread() is not self._thread:
            self._thread.join()

    def _run(self) -> None:
        settle_until = 0.0
        try:
            while not self._stop.wait(self.interval):
                try:
                    seen = self._look()
                except sqlite3.Error:
                    continue  # busy for a moment, say: look again on the next tick
                if self._directory is None:
                    continue
                if not seen and time.monotonic() < settle_until:
                    continue  # heard, not seen yet: look again at the next tick
                settle_until = 0.0
                if self._directory.wait(IDLE_LOOK) and not seen:
                    settle_until = time.monotonic() + SETTLE
        finally:
            if self._directory is not None:
                self._directory.close()
            self.conn.close()

    def _look(self) -> bool:
        """Tell the subscribers what changed (the first look, the head as it is); whether the file had a commit since
        the last look."""
        version = data_version(self.conn)
        head = None
        committed = self.version is not None and version != self.version
        if version != self.version:
            self.version = version
            head = max_seq(self.conn)
        with _lock:
            if self._stop.is_set():
                return committed
            changes: dict[OpenedFile, str | None] = {}
            for subscription in list(self.subscriptions):
                if head is not None:
                    subscription.on_commit(head)
                opened = subscription.opened
                if opened is None or subscription.on_moved is None:
                    continue
                if opened not in changes:
                    changes[opened] = opened.change()
                change = changes[opened]
                if change is not None:
                    subscription.on_moved(change)
                    self.leave(subscription)
        return committed
