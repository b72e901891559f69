"""The footer shows its keys from the start and rebuilds only when they change."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from widgets.key_footer import KeyFooter


class Box(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("b", "bell", "Ring")]


class FooterApp(App[None]):
    AUTO_FOCUS = None  # nothing changes the bindings unless a test does
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "quit", "Ex")]

    def __init__(self, footer: Footer) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield Box()
        yield self.footer


def descriptions(footer: Footer) -> list[str]:
    return [key.description for key in footer.query(FooterKey)]


async def test_the_keys_are_there_before_any_binding_changes() -> None:
    plain, ours = FooterApp(Footer()), FooterApp(KeyFooter())
    async with plain.run_test():
        assert descriptions(plain.footer) == []  # Textual's footer waits for a change
    async with ours.run_test():
        assert descriptions(ours.footer) == ["Ex", "palette"]


async def test_it_rebuilds_only_when_what_it_shows_changes() -> None:
    app = FooterApp(KeyFooter())
    async with app.run_test() as pilot:
        await pilot.pause()
        keys = list(app.footer.query(FooterKey))
        app.screen.refresh_bindings()
        await pilot.pause()
        assert list(app.footer.query(FooterKey)) == keys
        app.query_one(Box).focus()
        await pilot.pause()
        await pilot.pause()
        assert descriptions(app.footer) == ["Ring", "Ex", "palette"]


async def test_changes_in_a_row_to_the_same_keys_rebuild_it_once() -> None:
    builds: list[int] = []

    class CountingFooter(KeyFooter):
        def compose(self) -> ComposeResult:
            builds.append(1)
            yield from super().compose()

    app = FooterApp(CountingFooter())
    async with app.run_test() as pilot:
        await pilot.pause()
        before = len(builds)
        app.query_one(Box).focus()  # the keys change...
        for _ in range(3):
            app.screen.refresh_bindings()  # ...and are announced again before the rebuild ran
        await pilot.pause()
        await pilot.pause()
        assert len(builds) == before + 1
        assert descriptions(app.footer) == ["Ring", "Ex", "palette"]
