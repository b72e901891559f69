"""Pick one of a few things with a single key (or the arrows and enter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    #: A key that picks this choice at once ("" for none).
    key: str = ""


class PickerScreen(ModalScreen[str | None]):
    """A short list; its keys pick directly.

    | key | action |
    |---|---|
    | a choice's key | pick it |
    | `up` `down` `enter` | move and pick |
    | `escape` | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical {
        width: auto;
        min-width: 40;
        max-width: 90%;
        height: auto;
        max-height: 80%;
        padding: 1 2;
        background: $panel;
        border: round $accent;
    }
    PickerScreen .picker--title { text-style: bold; margin-bottom: 1; }
    PickerScreen OptionList { height: auto; max-height: 20; border: none; }
    """

    def __init__(self, title: str, choices: list[Choice], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current
        # Bindings, not a key handler: the app checks the active screen's
        # bindings even before anything on it has focus, so a key typed
        # right after the one that opened the picker is not lost.
        for index, choice in enumerate(choices):
            if choice.key:
                self._bindings.bind(choice.key, f"choose({index})", choice.label, show=False)
        # (These keys are the choices' own, shown beside each; they are not
        # actions a keymap could rename, so they carry no binding id.)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="picker--title")
            options = [Option(f"[b]{c.key}[/b]  {escape(c.label)}" if c.key else f"   {escape(c.label)}", id=c.value) for c in self.choices]
            yield OptionList(*options, id="picker-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for i, choice in enumerate(self.choices):
            if choice.value == self.current:
                options.highlighted = i
        options.focus()

    def action_choose(self, index: int) -> None:
        self.dismiss(self.choices[index].value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
