"""The footer shows the keys that act now, on one line, from the first paint."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input

from crewdeck.widgets.key_footer import KeyFooter


class Box(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "ring", "Ring"),
        Binding("c", "ring", "Ring again"),  # one action, one key shown
        Binding("n", "never", "Never", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rung = 0

    def action_ring(self) -> None:
        self.rung += 1
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "ring" and self.rung >= 2 else True  # None: shown, disabled


class FooterApp(App[None]):
    AUTO_FOCUS = None  # nothing changes the bindings unless a test does
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "quit", "Ex")]

    def compose(self) -> ComposeResult:
        yield Box()
        yield KeyFooter()


def line(app: FooterApp) -> str:
    return "".join(segment.text for segment in app.query_one(KeyFooter).render_line(0))


async def test_the_keys_are_in_the_first_paint_with_the_palette_on_the_right() -> None:
    app = FooterApp()
    async with app.run_test(size=(60, 10)):
        text = line(app)
        assert text.startswith(" x Ex ")
        assert text.rstrip().endswith("^p palette") and len(text) == 60


async def test_focus_changes_the_keys_without_a_widget_per_key() -> None:
    app = FooterApp()
    async with app.run_test(size=(60, 10)) as pilot:
        footer = app.query_one(KeyFooter)
        app.query_one(Box).focus()
        await pilot.pause()
        assert [k.description for k in footer.shown] == ["Ring", "Ex"]
        assert line(app).startswith(" b Ring  x Ex ")
        assert not footer.children


async def test_a_click_presses_the_key_and_a_disabled_key_only_rings() -> None:
    app = FooterApp()
    async with app.run_test(size=(60, 10)) as pilot:
        box = app.query_one(Box)
        box.focus()
        await pilot.pause()
        await pilot.click(KeyFooter, offset=(2, 0))  # on " b "
        await pilot.click(KeyFooter, offset=(4, 0))  # on "Ring"
        await pilot.pause()
        assert box.rung == 2
        footer = app.query_one(KeyFooter)
        assert not footer.shown[0].enabled  # two rings: the key is off now
        await pilot.click(KeyFooter, offset=(2, 0))
        await pilot.pause()
        assert box.rung == 2


async def test_keys_that_do_not_fit_are_left_out_and_the_palette_stays() -> None:
    app = FooterApp()
    async with app.run_test(size=(17, 10)) as pilot:
        app.query_one(Box).focus()
        await pilot.pause()
        assert line(app) == " b  ▏ ^p palette "


class Pager(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "press('o')", "Open"),
        Binding("left_square_bracket", "press('[')", "Previous period"),
        Binding("right_square_bracket", "press(']')", "Next period"),
        Binding("escape", "press('esc')", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def action_press(self, key: str) -> None:
        self.pressed.append(key)


class PagerApp(App[None]):
    AUTO_FOCUS = "Pager"

    def compose(self) -> ComposeResult:
        yield Pager()
        yield KeyFooter()


async def test_descriptions_are_shortened_from_the_right_before_a_key_is_left_out() -> None:
    # " o Open  [ Previous period  ] Next period  esc Back " is 52 cells; the palette takes 13 of 47.
    app = PagerApp()
    async with app.run_test(size=(47, 10)):
        text = line(app)
        assert text.startswith(" o Open  [ Previous peri…  ]  esc ▏ ^p palette ")


async def test_only_when_the_bare_keys_do_not_fit_are_keys_left_out() -> None:
    app = PagerApp()
    async with app.run_test(size=(27, 10)):
        assert line(app) == " o  [  ]  esc ▏ ^p palette "
    app = PagerApp()
    async with app.run_test(size=(24, 10)):
        text = line(app)
        assert text.startswith(" o  [  ]") and "esc" not in text and text.endswith("^p palette ")


async def test_a_click_on_a_shortened_key_presses_it() -> None:
    app = PagerApp()
    async with app.run_test(size=(47, 10)) as pilot:
        text = line(app)
        await pilot.click(KeyFooter, offset=(text.index("esc") + 1, 0))
        await pilot.click(KeyFooter, offset=(text.index("peri…"), 0))
        await pilot.pause()
        assert app.query_one(Pager).pressed == ["esc", "["]


class Search(Widget):
    """A box that filters on `/`, as the tasks and budget panes do, with its text box inside."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("slash", "filter", "Filter"), Binding("ctrl+f", "find", "Find")]

    def compose(self) -> ComposeResult:
        yield Input()

    def action_filter(self) -> None:
        self.app.bell()

    def action_find(self) -> None:
        self.app.bell()


class SearchApp(App[None]):
    AUTO_FOCUS = "Input"

    def compose(self) -> ComposeResult:
        yield Search()
        yield KeyFooter()


async def test_a_key_the_focused_text_box_types_is_not_said_in_the_footer() -> None:
    # Typing in the tasks' filter box, the footer said "/ Filter": / typed a slash there (Textual's name for it,
    # "slash", is not Unicode's, so its binding stayed active over the box).
    app = SearchApp()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert [key.description for key in app.query_one(KeyFooter).shown] == ["Find"]
        await pilot.press("slash")
        assert app.focused.value == "/"  # typed, as the footer now says by leaving it out


class Ordered(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "ring", "Filter", id="o.filter"),
        Binding("v", "ring('v')", "Views", id="o.views"),
        Binding("d", "ring('d')", "Done", id="o.done"),
    ]

    def action_ring(self, key: str = "") -> None:
        self.app.bell()


class KeymapApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Ordered()
        yield KeyFooter()


async def test_a_key_a_keymap_moves_keeps_its_place_on_the_line() -> None:
    # Textual binds a keymap's key after the others: "triage.done = o" moved Done from beside Status to the end of the
    # line, where a narrow footer drops descriptions first.
    app = KeymapApp()
    async with app.run_test(size=(60, 10)) as pilot:
        app.set_keymap({"o.filter": "slash", "o.done": "o"})
        app.query_one(Ordered).focus()
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        assert [(k.display, k.description) for k in footer.shown] == [("/", "Filter"), ("v", "Views"), ("o", "Done")]
        assert line(app).startswith(" / Filter  v Views  o Done ")
