"""The top line: which workspace, who you are, your time, and the sync state."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

#: The cells of the workspace's name kept before the zone's name is given up: a name still read as one.
READABLE_NAME = 16


class WorkspaceHeader(Widget):
    """``crewdeck · Northwind Social   @ana (Europe/Berlin) · 10:31 CET   ● live · shared file``

    While a change of mine waits for the workspace file (``write_wait``), that takes the sync state's place:
    ``● waiting for the file (another writer)``.

    A ``problem`` (the workspace file is gone, say) takes the whole line, in
    the error colours, until the app closes: nothing else there matters then.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "workspace-header--title",
        "workspace-header--who",
        "workspace-header--live",
        "workspace-header--busy",
        "workspace-header--offline",
        "workspace-header--problem",
    }

    #: Not scoped: the light theme's rules are the app's (``App:light``); the others name WorkspaceHeader already.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    WorkspaceHeader {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    WorkspaceHeader > .workspace-header--title { text-style: bold; color: $accent; }
    WorkspaceHeader > .workspace-header--who { color: $foreground; }
    WorkspaceHeader > .workspace-header--live { color: $success; }
    WorkspaceHeader > .workspace-header--busy { color: $warning; }
    WorkspaceHeader > .workspace-header--offline { color: $error; }
    WorkspaceHeader.-problem { background: $error; color: $text; }
    WorkspaceHeader > .workspace-header--problem { text-style: bold; }
    /* A light theme's $accent, $warning and $success are made for backgrounds: as text on its surface they read at a
       contrast of 1.3 to 1.6 (textual-light).  Its $text-* shades of them are made for text. */
    App:light WorkspaceHeader {
        & > .workspace-header--title { color: $text-accent; }
        & > .workspace-header--live { color: $text-success; }
        & > .workspace-header--busy { color: $text-warning; }
    }
    """

    workspace: reactive[str] = reactive("")
    who: reactive[str] = reactive("")
    #: The viewer's zone, after ``who`` in parentheses: it goes after the app's name on a narrow line (the clock names it too).
    zone: reactive[str] = reactive("")
    clock: reactive[str] = reactive("")
    #: "live", "busy" or "offline": picks the colour of the sync text.
    sync_state: reactive[str] = reactive("live")
    sync_text: reactive[str] = reactive("")
    #: A change of mine waiting for the workspace file, said in the sync state's place and colours until it is written.
    write_wait: reactive[str] = reactive("")
    problem: reactive[str] = reactive("")

    def watch_problem(self, problem: str) -> None:
        self.set_class(bool(problem), "-problem")

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.problem:
            text.append(f"⚠ {self.problem}", self.get_component_rich_style("workspace-header--problem"))
            return text
        # Who, the clock and the sync state say what is happening now: a narrow line gives up the app's name, then
        # the zone's name (the clock's abbreviation, or its city, says whose time it is) rather than cut the
        # workspace's name short of a readable width, then the workspace's end.
        state, tone = (self.write_wait, "busy") if self.write_wait else (self.sync_text, self.sync_state)
        rest = cell_len(f"   {self.who}") + (cell_len(f" · {self.clock}") if self.clock else 0)
        rest += cell_len(f"   ● {state}") if state else 0
        zone = f" ({self.zone})" if self.zone else ""
        name = self.workspace
        if zone and self.content_size.width - rest - cell_len(zone) < min(cell_len(name), READABLE_NAME):
            zone = ""
        room = self.content_size.width - rest - cell_len(zone)
        if cell_len(f"crewdeck · {name}" if name else "crewdeck") <= room or not name:
            text.append("crewdeck", self.get_component_rich_style("workspace-header--title"))
            if name:
                text.append(f" · {name}")
        else:
            shown = name if cell_len(name) <= room else set_cell_size(name, max(1, room) - 1) + "…"
            text.append(shown, self.get_component_rich_style("workspace-header--title"))
        text.append("   ")
        text.append(self.who + zone, self.get_component_rich_style("workspace-header--who"))
        if self.clock:
            text.append(f" · {self.clock}")
        if state:
            text.append("   ")
            text.append(f"● {state}", self.get_component_rich_style(f"workspace-header--{tone}"))
        return text
