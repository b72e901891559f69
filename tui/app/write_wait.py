"""A change of mine waiting for the workspace file, said on the screen while it waits.

Another writer of the shared file (a long import, a backup, or this app's own sync engine pulling into a replica)
holds its write lock, and a key's change waits behind it up to the busy timeout (30 s): "another writer", not "another
process", as it may be this one.  The screen showed nothing meanwhile, the key seemingly done nothing, until the
change was written or refused.  Now, within about ``LOOK_EVERY`` of the wait's beginning, the header's sync state says
"waiting for the file" and a notice says why and for how long; both go once the change is written or refused (the
refusal's own notice says why).

Looked for by a timer on the UI thread, not by the waiting worker: a worker's ``call_from_thread`` blocks it until the
UI thread answers, and never returns once the app has closed under it.  A look is ``Session.waiting_write``, a lock
taken and let go, no read of the file: nothing per key, and nothing blocks the UI while a write waits.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.notifications import Notification, Notify

from crewdeck.sync.state.store import BUSY_TIMEOUT
from crewdeck.widgets.workspace_header import WorkspaceHeader

#: Seconds between looks: a wait is said this long after it began at most (its first 0.1 s try is no wait yet).
LOOK_EVERY = 0.5
#: The notice's title.
TITLE = "waiting for the workspace file"
#: The header's words, in the sync state's place: short, as the clock and who share its line.
HEADER_LINE = "waiting for the file (another writer)"
#: A notice outlives no wait: taken down when the wait ends, and the busy timeout ends every wait.
NOTICE_LIFE = BUSY_TIMEOUT + 10


def waiting_line(changes: int) -> str:
    """The notice's words, under its title "waiting for the workspace file"."""
    what = "your change is" if changes == 1 else f"your {changes} changes are"
    return f"another writer has the file (an import, a backup, a sync): {what} written once it is done, up to {BUSY_TIMEOUT:g} s, or you are told why"


class WriteWait:
    """Says a write waiting behind another process's lock on the file (``waiting``: its number and the changes waiting,
    or ``None``), and takes it down once it no longer waits."""

    def __init__(self, app: App[int], waiting: Callable[[], tuple[int, int] | None]) -> None:
        self._app = app
        self._waiting = waiting
        #: What is said now (the wait's number and its changes), and its notice.
        self._said: tuple[int, int] | None = None
        self._notice: Notification | None = None

    def start(self) -> None:
        self._app.set_interval(LOOK_EVERY, self.look, name="write wait")

    def look(self) -> None:
        waiting = self._waiting()
        if waiting == self._said:
            return
        self._said = waiting
        self._take_down()
        # The main screen's, seen under the dialog whose answer waits too; a guest's approvals have none.
        header = self._app.query_one_optional(WorkspaceHeader)
        if header is not None:
            header.write_wait = HEADER_LINE if waiting is not None else ""
        if waiting is not None:
            self._notice = Notification(waiting_line(waiting[1]), TITLE, "warning", NOTICE_LIFE, markup=False)
            self._app.post_message(Notify(self._notice))

    def _take_down(self) -> None:
        if self._notice is not None:
            # Behind its own Notify, which may still be queued: taken down once it is up.
            self._app.call_later(self._app._unnotify, self._notice)
            self._notice = None
