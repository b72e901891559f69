"""The top line: which workspace, who you are, your time, and the sync state."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class WorkspaceHeader(Widget):
    """``crewdeck · Northwind Social   @ana · Fri 10:31 CET   ● live · shared file``

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
    """

    workspace: reactive[str] = reactive("")
    who: reactive[str] = reactive("")
    clock: reactive[str] = reactive("")
    #: "live", "busy" or "offline": picks the colour of the sync text.
    sync_state: reactive[str] = reactive("live")
    sync_text: reactive[str] = reactive("")
    problem: reactive[str] = reactive("")

    def watch_problem(self, problem: str) -> None:
        self.set_class(bool(problem), "-problem")

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.problem:
            text.append(f"⚠ {self.problem}", self.get_component_rich_style("workspace-header--problem"))
            return text
        text.append("crewdeck", self.get_component_rich_style("workspace-header--title"))
        if self.workspace:
            text.append(f" · {self.workspace}")
        text.append("   ")
        text.append(self.who, self.get_component_rich_style("workspace-header--who"))
        if self.clock:
            text.append(f" · {self.clock}")
        if self.sync_text:
            text.append("   ")
            text.append(f"● {self.sync_text}", self.get_component_rich_style(f"workspace-header--{self.sync_state}"))
        return text
