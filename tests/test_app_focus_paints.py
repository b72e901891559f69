"""A move of the focus paints what it changes (the panes lit and darkened, the footer's keys), not the whole screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType, Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.dom import DOMNode
from textual.geometry import Region, Size

from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.pane import Pane

from .apphelp import demo_workspace, make_app, settle

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


class Terminal:
    """What the terminal shows, built from the updates the app writes to it (each cell's character and style), and
    the cells written since ``written`` was last cleared."""

    def __init__(self, app: CrewdeckApp, monkeypatch: pytest.MonkeyPatch) -> None:
        width, height = SIZE
        self.cells: list[list[tuple[str, Style | None]]] = [[(" ", None)] * width for _ in range(height)]
        self.written: set[tuple[int, int]] = set()
        self._console = Console(width=width, height=height, legacy_windows=False)
        display = app._display

        def recording_display(screen: Any, renderable: Any) -> None:
            if renderable is not None and screen is app.screen:
                self._write(renderable)
            display(screen, renderable)

        monkeypatch.setattr(app, "_display", recording_display)

    def _write(self, update: Any) -> None:
        x = y = 0
        for segment in update.__rich_console__(self._console, self._console.options):
            assert isinstance(segment, Segment)
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = control[1], control[2]
                continue
            if segment.text == "\n":
                continue
            for column, cell in enumerate(cells(segment), start=x):
                self.cells[y][column] = cell
                self.written.add((column, y))
            x += cell_len(segment.text)

    def lines(self) -> list[list[tuple[str, Style | None]]]:
        return [list(line) for line in self.cells]


def rendered(app: CrewdeckApp) -> list[list[tuple[str, Style | None]]]:
    """Each cell of the screen as drawn afresh now, every widget included."""
    lines: list[list[tuple[str, Style | None]]] = []
    for strip in app.screen._compositor.render_strips():
        line: list[tuple[str, Style | None]] = []
        for segment in strip:
            line.extend(cells(segment))
        lines.append(line)
    return lines


def cells(segment: Segment) -> list[tuple[str, Style | None]]:
    """The cells a segment covers: a wide character's, then an empty one for its second column."""
    covered: list[tuple[str, Style | None]] = []
    for character in segment.text:
        covered.append((character, segment.style))
        covered.extend(("", segment.style) for _ in range(cell_len(character) - 1))
    return covered


def written_in(terminal: Terminal, region: Region) -> set[tuple[int, int]]:
    return {(x, y) for x, y in terminal.written if region.contains(x, y)}


def lit(app: CrewdeckApp, terminal: Terminal) -> list[str]:
    """The panes whose border the terminal shows in the active pane's colour, the theme's accent (read at each pane's
    top-left corner; blended onto the background, it may be a unit off)."""
    accent = Color.parse(app.current_theme.accent).rich_color.get_truecolor()
    corners = {name: terminal.cells[pane.region.y][pane.region.x][1] for name, pane in panes(app).items()}
    return [name for name, style in corners.items() if style and style.color and _near(style.color.get_truecolor(), accent)]


def _near(colour: tuple[int, int, int], other: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(colour, other, strict=True))


def panes(app: CrewdeckApp) -> dict[str, Pane]:
    return {pane.pane_name: pane for pane in app.main_screen.query(Pane)}


async def test_a_move_of_the_focus_lights_the_pane_it_enters_and_darkens_the_one_it_leaves_on_the_terminal(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(workspace)
    terminal = Terminal(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert lit(app, terminal) == ["tasks"]
        for keys, active in [(("tab",), "grid"), (("tab",), "ledger"), (("1",), "tasks"), (("3",), "ledger")]:
            await pilot.press(*keys)
            await settle(pilot)
            assert lit(app, terminal) == [active], keys
            assert terminal.lines() == rendered(app), keys
        await pilot.click("#task-table")
        await settle(pilot)
        assert lit(app, terminal) == ["tasks"]
        assert terminal.lines() == rendered(app)
        await pilot.press("slash", *"#email", "enter")
        await settle(pilot)
        assert app.focused is app.tasks_pane.table and lit(app, terminal) == ["tasks"]
        assert terminal.lines() == rendered(app)


async def test_a_move_of_the_focus_paints_the_panes_it_changes_not_the_others(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(workspace)
    terminal = Terminal(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        by_name = panes(app)
        ledger = by_name["ledger"].region
        terminal.written.clear()
        await pilot.press("tab")  # the tasks pane darkened, the grid lit: the budget's pane is as it was
        await settle(pilot)
        assert lit(app, terminal) == ["grid"]
        assert written_in(terminal, by_name["grid"].region) and not written_in(terminal, ledger)
        await pilot.press("1", "slash", *"#email")
        await settle(pilot)
        terminal.written.clear()
        await pilot.press("enter")  # the filter box closed onto the list: its pane and the footer's keys are painted
        await settle(pilot)
        assert app.focused is app.tasks_pane.table
        assert written_in(terminal, by_name["tasks"].region) and not written_in(terminal, ledger)
        assert not written_in(terminal, by_name["grid"].region)


async def test_a_resize_to_the_size_the_screen_has_lays_nothing_out(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual hands the screen every Resize the app is sent, of the size it has too (three as the app starts in a
    terminal); each laid out and painted the whole screen again, some 40 ms of the UI
    thread after the first paint.  A resize to another size is still laid out."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        compositor = app.main_screen._compositor
        reflow = compositor.reflow
        reflows: list[Size] = []

        def counted(parent: Any, size: Size) -> Any:
            reflows.append(size)
            return reflow(parent, size)

        monkeypatch.setattr(compositor, "reflow", counted)
        app.post_message(events.Resize(Size(*SIZE), Size(*SIZE)))
        await settle(pilot)
        assert reflows == []
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert Size(80, 24) in reflows and app.main_screen.has_class("-single")


@pytest.mark.parametrize(("start", "then"), [((160, 48), (80, 24)), ((80, 24), (160, 48))], ids=["narrowed", "widened"])
@pytest.mark.parametrize("on_top", ["question_mark", "ctrl+p", "enter"], ids=["help", "palette", "detail"])
async def test_a_resize_made_under_another_screen_lays_the_panes_out_for_the_new_width(
    workspace: Path, start: tuple[int, int], then: tuple[int, int], on_top: str
) -> None:
    """A terminal resized while help, the palette or a task's detail was open left the panes laid out for the old width
    once it closed (side by side squeezed into 80 columns, or one pane and its tabs across 160): Textual lays the main
    screen out at the new size behind the one on top, so the Resize that reached it after was of its size already."""
    app = make_app(workspace)
    async with app.run_test(size=start) as pilot:
        await settle(pilot)
        await pilot.press(on_top)
        await settle(pilot)
        assert app.screen is not app.main_screen
        await pilot.resize_terminal(*then)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert app.main_screen.has_class("-single") == (then[0] < 100)


async def test_the_first_screens_widgets_are_styled_once_as_the_app_starts(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each widget is styled as it is mounted, and again at each change of its classes or focus; Textual styled the
    whole screen once more as it first showed it, every widget's second styling (~18 ms before the first paint), and
    each pane was styled before it was mounted, as its classes were set."""
    app = make_app(workspace)
    terminal = Terminal(app, monkeypatch)
    styled: list[DOMNode] = []
    apply = app.stylesheet.apply

    def counted(node: DOMNode, **options: Any) -> None:
        styled.append(node)
        apply(node, **options)

    monkeypatch.setattr(app.stylesheet, "apply", counted)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # All but the task table, which takes the focus; the panes are made with their classes.
        unchanged = [*app.main_screen.query("WorkspaceHeader, KeyFooter, .pane, PaneBar, DeadlineGrid, BudgetTable, EntriesTable")]
        assert len(unchanged) == 10
        assert {type(node).__name__: styled.count(node) for node in unchanged} == {type(node).__name__: 1 for node in unchanged}
        assert terminal.lines() == rendered(app)  # what the terminal shows is what the screen draws afresh
