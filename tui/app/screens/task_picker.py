"""Pick a task by searching: words of its title (the filter language) or the start of its id.

The store answers each search with how many tasks match and the first few
of them (a window, never the whole list): the picker shows those as
options, and says how many more there are.  Searches run in a worker; an
answer to older text is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.prompt import Submit
from crewdeck.tui.app.screens.typed_ahead import TypedAheadScreen
from crewdeck.tui.app.screens.written import ClosesOnceWritten
from crewdeck.tui.app.workers import background, refusal, submit_or_refuse
from crewdeck.tui.session.task_search import Matches, TaskMatch
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.one_line_input import OneLineInput

#: How many matches a search shows.
WINDOW = 10


#: Searches for the text typed so far (runs in a worker thread; raises a one-line error for text it cannot read).
Search = Callable[[str], Matches]


class TaskPickerScreen(ClosesOnceWritten, TypedAheadScreen[str | None]):
    """Type to search; ``enter`` picks the highlighted task.

    | key | action |
    |---|---|
    | typing | search titles (the filter language) or ids |
    | `up` `down` | move among the matches |
    | `enter` | pick the highlighted match |
    | `escape` | cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="task_picker.cancel"),
        Binding("down", "move(1)", "Next match", show=False, id="task_picker.next"),
        Binding("up", "move(-1)", "Previous match", show=False, id="task_picker.previous"),
    ]
    FIELD = "#task-picker-input"

    DEFAULT_CSS = """
    TaskPickerScreen { align: center middle; }
    TaskPickerScreen > Vertical {
        width: 80%;
        max-width: 100;
        height: auto;
        padding: 1 2;
        background: $panel;
        border: round $accent;
    }
    TaskPickerScreen .task-picker--title { text-style: bold; }
    TaskPickerScreen .task-picker--help { color: $foreground-muted; }
    TaskPickerScreen OptionList { height: auto; max-height: 12; }
    TaskPickerScreen OptionList, TaskPickerScreen OptionList:focus { border: none; }
    TaskPickerScreen .task-picker--count { color: $foreground-muted; height: 1; }
    TaskPickerScreen .task-picker--count.-problem { color: $error; }
    TaskPickerScreen .task-picker--refused { color: $error; height: auto; display: none; }
    TaskPickerScreen .task-picker--refused.-shown { display: block; }
    """

    @dataclass
    class Found(Message):
        text: str
        matches: Matches | None
        problem: str

    def __init__(self, title: str, search: Search, submit: Submit, help_text: str = "") -> None:
        """``submit``: acts on the picked task's id (in a worker); the picker closes once that is done,
        and stays open with the reason under it when it is refused."""
        super().__init__()
        self.title_text = title
        self.help_text = help_text
        self.search = search
        self.submit = submit
        self.submitting = False
        #: The text whose matches are listed (None: none yet), and whether enter waits for those of the text typed.
        self._listed_for: str | None = None
        self._pick_when_found = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(self.title_text), classes="task-picker--title")
            if self.help_text:
                yield Label(plain(self.help_text), classes="task-picker--help")
            yield OneLineInput(placeholder="words of its title, or its id", id="task-picker-input")
            yield Static("", classes="task-picker--refused", id="task-picker-refused")
            yield OptionList(id="task-picker-options")
            yield Static("searching…", classes="task-picker--count", id="task-picker-count")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False  # the keys stay in the search box
        self.query_one(Input).focus()
        self._search("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#task-picker-refused", Static).remove_class("-shown")
        self._search(event.value)

    @background(exclusive=True, group="task-picker-search")
    def _search(self, text: str) -> None:
        try:
            self.post_message(self.Found(text, self.search(text), ""))
        except Exception as exc:
            why = refusal(exc)
            self.post_message(self.Found(text, None, why or "the tasks could not be read"))
            if why is None:
                raise

    def on_task_picker_screen_found(self, message: Found) -> None:
        # Thread workers cannot be cancelled: an older answer may land last.
        if message.text != self.query_one(Input).value:
            return
        options = self.query_one(OptionList)
        count = self.query_one("#task-picker-count", Static)
        count.set_class(message.matches is None, "-problem")
        options.clear_options()
        self._listed_for = message.text
        if message.matches is None:
            count.update(plain(message.problem))
            self._pick_when_found = False
            return
        matches = message.matches
        options.add_options([Option(self._prompt(task), id=task.id) for task in matches.tasks])
        if matches.tasks:
            options.highlighted = 0
        shown = len(matches.tasks)
        if shown == 0:
            count.update("no task matches")
        elif matches.count > shown:
            count.update(f"{shown} of {matches.count:,} tasks: type to narrow")
        else:
            count.update(f"{matches.count:,} task{'s' if matches.count != 1 else ''}")
        if self._pick_when_found:
            self._pick_when_found = False
            self.on_input_submitted()

    @staticmethod
    def _prompt(task: TaskMatch) -> Content:
        # Titles are text people typed: plain, shown (crewdeck.sync.state.visible).
        return Content.assemble((task.short_id, "$text-muted"), "  ", visible(task.title), ("  " + visible(task.note), "$text-muted"))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @property
    def answering(self) -> bool:
        return self.submitting or self._pick_when_found

    def on_input_submitted(self) -> None:
        if self._listed_for != self.query_one(Input).value:
            # The matches listed are those of less text than typed (enter typed fast after it): its own are picked from.
            self._pick_when_found = True
            return
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            self.app.bell()  # nothing to pick yet
            return
        picked = options.get_option_at_index(options.highlighted).id
        if picked is not None:
            self._chosen(picked)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._chosen(event.option.id)

    def _chosen(self, task_id: str) -> None:
        if not self.submitting:
            self.submitting = True
            self.writing_began()
            self._submit(task_id)

    @background(group="task-picker-submit")
    def _submit(self, task_id: str) -> None:
        submit_or_refuse(self.app, self.submit, task_id, self._refused, self.dismiss)

    def _refused(self, why: str) -> None:
        self.submitting = False
        self.refresh_bindings()
        refused = self.query_one("#task-picker-refused", Static)
        refused.update(plain(why))
        refused.add_class("-shown")

    written_name = "your choice"

    @property
    def writing(self) -> bool:
        # As in a picker: while the task is written, escape waits for its close (``ClosesOnceWritten``).
        return self.submitting

    def action_cancel(self) -> None:
        self.dismiss(None)
