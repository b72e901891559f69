"""The crisis banner: one line per open crisis, on every screen that has one.

It reads the open crises in a worker whenever a crisis, its end or a task
(its checklist) reaches the app through the change watcher, so it shows
within a moment of ``crisis start`` anywhere, with no key pressed, and goes
when the crisis ends.  Apart from the crisis key's work (``crisis.py``): the
main screen draws the banner in the first paint, and the key's screens are
imported only when it is pressed.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import Latest
from crewdeck.tui.posts.banner import OpenCrisis, open_crisis_banner
from crewdeck.tui.posts.reading import guest_campaigns
from crewdeck.tui.time.when import format_local
from crewdeck.tui.workspace.workspace import Workspace

#: Records whose change may change the banner (the checklist's tasks among the tasks).
BANNER_ENTITIES = frozenset({"crisis", "crisis_end", "task", "member", "campaign"})


class CrisisBanner(Static):
    """One line per open crisis: reason, who, since when (the viewer's time), checklist progress; hidden when none."""

    DEFAULT_CSS = """
    CrisisBanner { display: none; height: auto; background: $error; color: $text; text-style: bold; padding: 0 1; }
    CrisisBanner.-open { display: block; }
    """

    def __init__(self, services: Services, *, known: list[OpenCrisis] | None = None, id: str | None = None) -> None:
        """``known``: the open crises as another banner shows them (nothing is read then)."""
        super().__init__("", id=id)
        self.services = services
        self.crises: list[OpenCrisis] = []
        self._known = known
        #: The reads of the open crises.
        self._reads = Latest(self, group="crisis-banner")

    def on_mount(self) -> None:
        if self._known is None:
            self.reload()
        else:
            self.show(self._known)

    def store_changed(self, ops: list[Op]) -> None:
        # A guest given another campaign may be in the scope of a crisis open already: their banner is read again.
        guest = self.services.session.me.access == "guest"
        wakes = ("crisis", "member") if guest else ("crisis",)
        if any(op.entity in BANNER_ENTITIES for op in ops) and (self.crises or any(op.entity in wakes for op in ops)):
            self.reload()

    def reload(self) -> None:
        """Read the open crises again."""
        access, me = self.services.session.access, self.services.session.me

        def read(ws: Workspace) -> list[OpenCrisis]:
            return open_crisis_banner(ws.conn, guest_campaigns(ws.conn, me.id) if me.access == "guest" else None)

        self._reads.read(lambda: access.read(read), self.show)

    def show(self, crises: list[OpenCrisis]) -> None:
        self.crises = crises
        self.set_class(bool(crises), "-open")
        now = self.services.now()
        lines = []
        for crisis in crises:
            since = format_local(crisis.started_at, self.services.viewer_tz, now, clock24=self.services.config.clock24)
            checklist = f" · checklist {crisis.done}/{crisis.total}" if crisis.total else ""
            lines.append(f"CRISIS: {crisis.reason} — {crisis.started_by}, since {since} · {crisis.scope}{checklist} · posts paused")
        self.update(Content(visible("\n".join(lines), multiline=True)))
