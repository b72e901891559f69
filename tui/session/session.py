"""A member's working session on a workspace: what the app does, without the UI.

A ``Session`` only opens, holds and closes its parts, each with one job:

- ``access`` (``WorkspaceAccess``): the workspace's connection, one thread
  at a time, and which operations are ours;
- ``ranked`` (``RankedList``): counts and windows of the ranked task list,
  on a connection of its own;
- ``reads`` (``Reads``): queries compiled, names, members, a task in full;
- ``edits`` (``Edits``): writes of tasks, posts' moves and ledger actions, undo and redo;
- ``warm_up`` (``WarmUp``): the task list made ready while Textual starts;
- ``notices`` (``ChangeNotices``): others' changes told from ours, in words.

The app calls them from worker threads (the UI thread only takes the first
page the warm-up has ready); no caller takes a lock: each part takes the
one it needs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crewdeck.sync.client.remote import Remote
from crewdeck.sync.state.sharedfile import OpenedFile
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.session.notices import ChangeNotices
from crewdeck.tui.session.ranked import RankedList
from crewdeck.tui.session.reading import Reads
from crewdeck.tui.session.warm_up import WarmUp
from crewdeck.tui.session.writing import Edits
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member, Workspace


class Session:
    def __init__(self, path: Path, me: Member, ws: Workspace, clock24: bool = True) -> None:
        self.path = path
        self.me = me
        #: A replica of a sync server (else a shared or local file).
        self.replica = Remote.of(ws.store) is not None
        #: The last operation stored when the session opened: the app watches from here.
        self.opened_at_seq = ws.store.max_seq()
        #: The file the path named when opened: the app's watcher tells when it is moved.
        self.opened: OpenedFile = ws.store.opened
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
        self.notices = ChangeNotices(self.access, clock24)
        #: An SSH session (``crewdeck ssh-session``): nothing in the app may start another program ($EDITOR).
        self.restricted = False

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

    def close(self) -> None:
        self.warm_up.close()
        self.access.close()
        self.ranked.close()
