"""A member's working session on a workspace: what the app does, without the UI.

A ``Session`` only opens, holds and closes its parts, each with one job:

- ``access`` (``WorkspaceAccess``): the workspace's connection, one thread
  at a time, and which operations are ours;
- ``ranked`` (``RankedList``): counts and windows of the ranked task list,
  on a connection of its own;
- ``reads`` (``Reads``): queries compiled, names, members, a task in full;
- ``edits`` (``Edits``): writes of tasks, posts' moves and ledger actions, undo and redo;
- ``warm_up`` (``WarmUp``): the task list made ready while Textual starts;
- ``notices`` (``ChangeNotices``): others' changes told from ours, in words;
- ``watchers`` (``Watchers``): the threads reading the file for others' commits, ended when the session closes;
- ``sync`` (``SyncEngine``): on a replica, the engine the app starts, stopped and waited for when the session closes.

The app calls them from worker threads (the UI thread only takes the first
page the warm-up has ready); no caller takes a lock: each part takes the
one it needs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from crewdeck.sync.client.metakeys import has_remote
from crewdeck.sync.state.published import published
from crewdeck.sync.state.sharedfile import OpenedFile
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.session.ranked import RankedList
from crewdeck.tui.session.reading import Reads
from crewdeck.tui.session.warm_up import WarmUp
from crewdeck.tui.session.writing import Edits
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member, Workspace

if TYPE_CHECKING:
    from crewdeck.sync.client.engine import SyncEngine, SyncStatus
    from crewdeck.tui.session.notices import ChangeNotices

#: Seconds ``Session.close`` waits at most for the sync engine to close the replica: its stop ends the requests in flight at
#: once, but a connection still being made (a server that never takes it) ends only with its timeout (30 s), and a member
#: who quit should not wait that long for it: past this the loop's daemon thread ends with the process, and the replica's
#: transaction, all or nothing, is rolled back by the next open.
SYNC_STOP_WAIT = 2.0


class Watchers:
    """The threads reading the session's file for others' commits (the app's watcher), each until its stop is set.

    Closing the session sets their stops and waits for them to end, each closing its connection as it does: a closed
    session leaves no file open in its process (a web or SSH server runs many app sessions in one), where a watcher
    told to stop as the app exited still held the file for a moment after the session was closed.  A watcher must
    not wait on the UI thread (``call_from_thread``): the session is closed there once the app has exited.
    """

    def __init__(self) -> None:
        self._stops: list[threading.Event] = []
        self._closed = False
        self._ended = threading.Condition()

    @contextmanager
    def running(self, stop: threading.Event) -> Iterator[bool]:
        """A watcher's run, told to end by ``stop`` (or the session's close): ``False`` if the session is closed
        already, and the watcher must not start."""
        with self._ended:
            if self._closed:
                started = False
            else:
                self._stops.append(stop)
                started = True
        try:
            yield started
        finally:
            if started:
                with self._ended:
                    self._stops.remove(stop)
                    self._ended.notify_all()

    def close(self) -> None:
        """Stop every watcher running and wait for them to end."""
        with self._ended:
            self._closed = True
            for stop in self._stops:
                stop.set()
            self._ended.wait_for(lambda: not self._stops)


#: The session's page cache, KiB: SQLite's default.
SESSION_CACHE_KIB = 2000


class Session:
    def __init__(self, path: Path, me: Member, ws: Workspace, clock24: bool = True) -> None:
        self.path = path
        self.me = me
        #: A replica of a sync server (else a shared or local file).
        self.replica = has_remote(ws.store.get_meta)
        #: Where and when the file was published to PostgreSQL, if it was: an old copy the team left, taking no writes.
        self.published = published(ws.store.get_meta)
        #: The last operation stored when the session opened: the app watches from here.
        self.opened_at_seq = ws.store.max_seq()
        #: The file the path named when opened: the app's watcher tells when it is moved.
        self.opened: OpenedFile = ws.store.opened
        # The panes read windows, and sums of the ledger once a key: they read as fast through SQLite's own default
        # page cache (the OS keeps the file's pages), where the 64 MB ``connect`` allows for big writes (a bulk's are
        # its own) filled as } went to a year and all time, ~35 MB at 100,000 entries, and was never given back.
        ws.conn.execute(f"PRAGMA cache_size = {-SESSION_CACHE_KIB}")
        self.access = WorkspaceAccess(ws, me)
        #: The manager acting as ``me`` (``--as`` on a shared host; ``Workspace.identify``), if one is: the rules judge
        #: their approvals as theirs too, so the app offers none they would refuse.
        self.actor = ws.store.actor if ws.store.actor != me.id else None
        #: The acting manager (the member ``actor`` names), or ``None``.
        self.acting = ws.member(self.actor) if self.actor else None
        #: The acting manager's handle, which the header says ("@ana as @raj", as the activity log does), or "".
        self.actor_handle = self.acting.handle if self.acting else ""
        self.ranked = RankedList(path)
        self.reads = Reads(self.access)
        self.edits = Edits(self.access, clock24)
        self.warm_up = WarmUp(self.reads, self.ranked)
        self._clock24 = clock24
        self.watchers = Watchers()
        #: An SSH session (``crewdeck ssh-session``): nothing in the app may start another program ($EDITOR).
        self.restricted = False
        #: The replica's sync engine, once ``start_sync`` made it.
        self.sync: SyncEngine | None = None

    @cached_property
    def notices(self) -> ChangeNotices:
        """Made when first asked, after the app's first paint: its module brings the posts' rules and the activity log's
        words (~25 ms of imports at start-up, for a line that comes only once another member changes something)."""
        from crewdeck.tui.session.notices import ChangeNotices

        return ChangeNotices(self.access, self._clock24)

    @classmethod
    def open(
        cls, path: Path, handle: str | None, config: Config | None = None, *, authenticated: bool = False, named_by: str = "--as"
    ) -> Session:
        """``named_by``: where ``handle`` was named, said if no member has it (``Workspace.identify``)."""
        config = config or Config()
        ws = Workspace.open(path)
        try:
            me = ws.identify(handle, config.member, authenticated=authenticated, named_by=named_by)
        except UserError:
            ws.close()
            raise
        return cls(path, me, ws, config.clock24)

    def reread_me(self) -> bool:
        """The viewer's own record read again, after a change to it (here or by another member): their zone, hours, name
        and handle; whether any changed.  Until then the app read typed times in the zone it opened in, and its header
        and DUE (YOUR TIME) said that zone, after ``member set --tz`` moved them.  Access stays as it was: the app's
        shape (a guest's Approvals view, or the panes) was chosen by it, and the rules judge every write by the store's.
        """
        fresh = self.access.read(lambda ws: ws.member(self.me.id))
        if fresh is None:  # removed: the snapshot stays, and every write is refused
            return False
        fresh = replace(fresh, access=self.me.access)
        if fresh == self.me:
            return False
        # Readers in workers take one or the other whole: the two names always hold the same member.
        self.me = self.access.me = fresh
        return True

    def start_sync(self, on_status: Callable[[SyncStatus], None]) -> SyncEngine:
        """The replica's sync engine, made (not run) with ``on_status``; the session's close stops it and waits for it."""
        from crewdeck.sync.client.engine import SyncEngine  # the network client only where a remote is configured

        self.sync = SyncEngine(self.path, on_status=on_status)
        return self.sync

    def interrupt(self, *, writes: bool = True) -> None:
        """End at once what a worker is doing with the workspace, a wait behind another process's write lock (up to
        30 s) included, and the ranked list's scoring: the app is closing, and its process waits for its workers'
        threads before the shell prompt comes back.  What they were writing is rolled back whole; their errors are no
        one's to hear (``lockwait.was_interrupted``).  Not ``writes``: reads only, and a write under way or asked for
        finishes within its busy timeout (closed with no one to ask whether to lose it)."""
        self.access.interrupt(writes=writes)
        self.ranked.interrupt()

    def waiting_write(self) -> tuple[int, int] | None:
        """While a write waits behind another process's write on the file: that wait's number and how many changes
        quitting now would lose (``WorkspaceAccess.waiting_write``)."""
        return self.access.waiting_write()

    def close(self) -> None:
        # Nothing is interrupted here: the app's workers have ended (the app ended their reads as it closed), and an
        # interrupt finding nothing running would cut short the checkpoint closing the file runs.  A write still under
        # way holds the access lock ``access.close`` takes until it is over, within its busy timeout.
        if self.sync is not None:
            # Its loop runs on after ``run`` returned, the replica open, until the request ``stop`` ended comes back.
            self.sync.stop()
            self.sync.join(SYNC_STOP_WAIT)
        self.watchers.close()
        self.warm_up.close()
        self.access.close()
        self.ranked.close()
