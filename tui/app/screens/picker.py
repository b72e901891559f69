"""Pick one of a few things with a single key (or the arrows and enter).

A choice may carry a note on its right (a count, say) that its owner fills
in after the picker is up (``set_note``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.help import shown_key
from crewdeck.tui.app.screens.prompt import Submit
from crewdeck.tui.app.screens.written import ClosesOnceWritten
from crewdeck.tui.app.workers import background, submit_or_refuse
from crewdeck.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    #: A key that picks this choice at once ("" for none).
    key: str = ""
    #: Said on the right of the choice.
    note: str = ""


#: Cells a note is right-aligned in (a count of 100,000 tasks takes 7).
NOTE_WIDTH = 8
#: The box's lines around its list: border and padding above and below, the title and the line under it.
BOX_LINES = 6
#: The most lines the list takes, where the screen has room for more.
LIST_LINES = 20


class PickerScreen(ClosesOnceWritten, ModalScreen[str | None]):
    """A short list; its keys pick directly.

    | key | action |
    |---|---|
    | a choice's key | pick it |
    | `up` `down` `enter` | move and pick |
    | `escape` | cancel (not while the choice is being written: it says so) |
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
    /* A question longer than the box wraps (a Label is as wide as its text, and was cut at 80 columns). */
    PickerScreen .picker--title { text-style: bold; margin-bottom: 1; max-width: 100%; }
    PickerScreen OptionList { height: auto; }
    /* As wide a rule as OptionList's own :focus one, which would draw a border. */
    PickerScreen OptionList, PickerScreen OptionList:focus { border: none; }
    PickerScreen .picker--refused { color: $error; height: auto; display: none; margin-top: 1; }
    PickerScreen .picker--refused.-shown { display: block; }
    """

    def __init__(
        self, title: str, choices: list[Choice], current: str | None = None, submit: Submit | None = None, *, asked_ahead: bool = False
    ) -> None:
        """``submit``: acts on the choice first (in a worker); the picker closes once that is done,
        and stays open with the reason under the list when it is refused.  ``asked_ahead``: a question asked before
        what the keys that opened it open (a box), which takes no key typed before it was up: those are kept
        (``typed_ahead``) for that box, its owner sending them on once it is open."""
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current
        self.submit = submit
        self.submitting = False
        self.asked_ahead = asked_ahead
        #: Of a question ``asked_ahead``: the keys typed before it was up, in order.
        self.typed_ahead: list[events.Key] = []
        #: When it was up (its ``Mount``'s time; ``None``: not yet), as a key's ``time`` says when it was typed.
        self._up_at: float | None = None
        # Bindings, not a key handler: the app checks the active screen's
        # bindings even before anything on it has focus, so a key typed
        # right after the one that opened the picker is not lost.
        for index, choice in enumerate(choices):
            if choice.key:
                self._bindings.bind(choice.key, f"choose({index})", choice.label, show=False)
        # (These keys are the choices' own, shown beside each; they are not
        # actions a keymap could rename, so they carry no binding id.)

    @staticmethod
    def label_room(screen_width: int) -> int:
        """The cells a label has before it wraps, on a screen ``screen_width`` wide: the box takes at most
        90% of it (``max-width``), less its border (2) and padding (4), the list's own padding (2), and a
        choice's key before the label (3)."""
        return screen_width * 9 // 10 - 11

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text), classes="picker--title")
            yield OptionList(*(Option(self._prompt(c), id=c.value) for c in self.choices), id="picker-options")
            yield Static("", classes="picker--refused", id="picker-refused")
        yield KeyFooter()

    def _prompt(self, choice: Choice) -> Content:
        # Labels are names people typed: plain text, shown (crewdeck.sync.state.visible).
        label = visible(choice.label)
        parts: list[str | tuple[str, str]] = [(choice.key, "bold"), "  "] if choice.key else ["   "]
        parts.append(label)
        if choice.note:
            # The notes line up on the right, past the longest label.
            width = max(len(visible(c.label)) for c in self.choices) + 2
            parts += [" " * (width - len(label)), (f"{visible(choice.note):>{NOTE_WIDTH}}", "$text-muted")]
        return Content.assemble(*parts)

    def set_note(self, value: str, note: str) -> None:
        """Say ``note`` beside the choice ``value``."""
        for index, choice in enumerate(self.choices):
            if choice.value == value and choice.note != note:
                self.choices[index] = replace(choice, note=note)
                if self.is_mounted:
                    self.query_one(OptionList).replace_option_prompt(value, self._prompt(self.choices[index]))

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """The list no taller than the box shows: one taller is cut by the box and never scrolls, so a choice
        past the cut (the twelfth member at 24 lines) is highlighted out of sight."""
        if not self.is_mounted:
            return
        refused = self.query_one("#picker-refused", Static)
        below = 1 + refused.outer_size.height if refused.has_class("-shown") else 0
        # The box's max-height (80%) is of the screen above the footer.
        room = (self.size.height - self.query_one(KeyFooter).outer_size.height) * 8 // 10 - BOX_LINES - below
        self.query_one(OptionList).styles.max_height = max(3, min(LIST_LINES, room))

    def on_key(self, event: events.Key) -> None:
        # A fast typist's keys after the one that opened it (a link, typed for the box they expected) reach it too: one
        # of them (the `y` of "my") answered a question never seen, and the rest was lost.
        if self.asked_ahead and (self._up_at is None or event.time < self._up_at):
            event.stop()
            event.prevent_default()
            self.typed_ahead.append(event)

    def say_set_aside(self, question: str) -> None:
        """Once a question ``asked_ahead`` is answered or closed: say the keys typed before it was up (``typed_ahead``),
        which it took as no answer and which no box took, where they went without a word: "keys typed before the
        undo's question (j y) were set aside: type them again" (``question``: "the undo's question")."""
        if self.typed_ahead:
            keys = " ".join(shown_key(key.key) for key in self.typed_ahead)
            self.app.notify(f"keys typed before {question} ({keys}) were set aside: type them again", severity="warning")

    def on_mount(self, event: events.Mount) -> None:
        self._up_at = event.time
        options = self.query_one(OptionList)
        for i, choice in enumerate(self.choices):
            if choice.value == self.current:
                options.highlighted = i
        options.focus()

    def answered_by(self, key: events.Key) -> bool:
        # `A`, `enter`, `j`, `x` in one burst: the `j` and `x` came back to the picker before its choice was taken,
        # and were lost (it takes neither); they wait for it to close, to go to the list.  A key typed before a
        # question asked ahead was up answers nothing (``on_key``).
        if self.asked_ahead and (self._up_at is None or key.time < self._up_at):
            return False
        return key.key == "enter" or any(choice.key == key.key for choice in self.choices)

    def action_choose(self, index: int) -> None:
        self._chosen(self.choices[index].value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._chosen(event.option.id)

    def _chosen(self, value: str) -> None:
        if self.submit is None:
            self.dismiss(value)
        elif not self.submitting:
            self.submitting, self.answer_refused = True, False
            self.writing_began()
            self._submit(value)

    @background(group="picker-submit")
    def _submit(self, value: str) -> None:
        assert self.submit is not None
        submit_or_refuse(self.app, self.submit, value, self._refused, self.dismiss)

    def _refused(self, why: str) -> None:
        self.submitting, self.answer_refused = False, True
        self.refresh_bindings()
        refused = self.query_one("#picker-refused", Static)
        refused.update(plain(why))
        refused.add_class("-shown")
        self.call_after_refresh(self._fit)

    written_name = "your choice"

    @property
    def writing(self) -> bool:
        # While the choice is written, escape waits (``ClosesOnceWritten``); a refusal keeps the picker open to leave.
        return self.submitting

    def action_cancel(self) -> None:
        self.dismiss(None)
