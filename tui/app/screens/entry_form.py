"""The new ledger entry form: each field checked as it is typed.

The checks are ``crewdeck.tui.ledger.form.check_form``, the same ones
``crewdeck ledger add`` applies, run on every key press (they need no
store, only the ``FormContext`` loaded once when the form opens).  A field
shows its problem once it has been typed in or left; saving shows them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static

from crewdeck.sync.state.lockwait import was_interrupted
from crewdeck.sync.state.money import format_minor
from crewdeck.tui.app.drafts import DRAFT_BINDINGS, DraftFor
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.discard import HoldsText
from crewdeck.tui.app.screens.fields import field_bindings
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.workers import background, refusal
from crewdeck.tui.ledger.form import FIELDS, REQUIRED, FormContext, FormProblems, check_form, parse_entry
from crewdeck.tui.session.writing import Written
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.one_line_input import OneLineInput
from crewdeck.widgets.tick_box import TickBox

#: What each field takes, shown as its placeholder (the campaigns and categories are the workspace's once loaded).
HINTS = {
    "date": "today · yesterday · mon · 2026-11-20",
    "campaign": "its name or slug",
    "category": "one word: what the money is for",
    "payee": "who is paid: @cafe_mila, Canva",
    "amount": "120.50 EUR · 15000 JPY (the base currency if none)",
    "memo": "optional: invoice number, what for",
    "task": "optional: a task id (4+ hex digits)",
}

#: Loads the form's context (runs in a worker thread).
LoadContext = Callable[[], FormContext]
#: Saves the fields: ``(values, needs approval, context)`` -> what was written (runs in a worker thread).
Save = Callable[[Mapping[str, str], bool, FormContext], Written]


class EntryFormScreen(HoldsText, ModalScreen[Written | None]):
    """A new entry.

    | key | action |
    |---|---|
    | `tab` `shift+tab` | next / previous field |
    | `enter` | in a field: save (when every field is good) |
    | `space` | on "needs approval": toggle |
    | `escape` | cancel; a form typed in is discarded only when ``y`` answers the question |
    | `ctrl+r` | put the draft kept when the app stopped in it (while one is offered) |
    | `ctrl+n` | discard that draft |
    """

    # Kept out of the footer: the form says its keys in its own line.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False, id="entry_form.cancel"),
        *field_bindings("entry_form"),
        *DRAFT_BINDINGS,
    ]

    DEFAULT_CSS = """
    EntryFormScreen { align: center middle; }
    EntryFormScreen > Vertical {
        width: 90%;
        max-width: 96;
        height: auto;
        max-height: 100%;
        padding: 0 2;
        background: $panel;
        border: round $accent;
    }
    EntryFormScreen .form--title { text-style: bold; }
    EntryFormScreen .form--help { color: $foreground-muted; margin-bottom: 1; }
    EntryFormScreen .form--row { height: 1; }
    EntryFormScreen .form--label { width: 10; color: $foreground-muted; }
    EntryFormScreen .form--row:focus-within .form--label { color: $accent; text-style: bold; }
    EntryFormScreen .form--row Input { width: 1fr; }
    EntryFormScreen .form--problem { display: none; padding-left: 10; color: $error; height: auto; }
    EntryFormScreen .form--problem.-shown { display: block; }
    EntryFormScreen Checkbox { margin: 1 0 0 9; }
    EntryFormScreen .form--preview { color: $foreground-muted; height: auto; margin-top: 1; }
    EntryFormScreen .form--preview.-problem { color: $error; }
    """

    def __init__(self, load_context: LoadContext, save: Save, initial: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.load_context = load_context
        self.save = save
        self.initial = dict(initial or {})
        self.context: FormContext | None = None
        #: Fields whose problems are shown: typed in, left, or all after a save was tried.
        self.touched: set[str] = set()
        self.saving = False
        #: Why saving was refused (a task id naming no task; "form": the whole entry): said until a field is changed or
        #: enter saves again, where the check a field's leaving runs (the blur of the fields held while saving) took it
        #: down unfixed.
        self._refused_problems: dict[str, str] = {}
        #: The field focused when enter saved: focused again if the entry is refused.
        self._focus_before_saving: Widget | None = None
        #: Enter was pressed before the context was read: the entry is saved (or its problems shown) once it is.
        self._save_when_loaded = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("New ledger entry", classes="form--title")
            tab, cancel = said_key(self.app, self.BINDINGS, "entry_form.next_field"), said_key(self.app, self.BINDINGS, "entry_form.cancel")
            yield Label(f"enter saves · {tab} next field · {cancel} cancels", classes="form--help")
            for name in FIELDS:
                with Horizontal(classes="form--row"):
                    yield Label(name + ("*" if name in REQUIRED else ""), classes="form--label")
                    yield OneLineInput(self.initial.get(name, ""), placeholder=HINTS[name], compact=True, id=f"form-{name}")
                yield Static("", classes="form--problem", id=f"problem-{name}")
            yield TickBox("needs approval by a manager before it counts", compact=True, id="form-needs-approval")
            yield Static("loading…", classes="form--preview", id="form-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        first = next((name for name in FIELDS if name != "date" and not self.initial.get(name)), "amount")
        self.query_one(f"#form-{first}", Input).focus()
        self._load()

    @background(group="entry-form")
    def _load(self) -> None:
        try:
            context = self.load_context()
        except Exception as exc:
            if not was_interrupted(exc):  # quitting: no form to answer
                self.app.call_from_thread(self._not_loaded)
            raise  # said as any worker's error is
        self.app.call_from_thread(self._loaded, context)

    def _not_loaded(self) -> None:
        """The workspace could not be read (the notice says why): an enter that waited for it gives the fields back, and
        the form says escape closes it, where it said "loading…" for good."""
        if self._save_when_loaded:
            self._save_when_loaded = False
            self._refused({})
        self.query_one("#form-preview", Static).update("the workspace could not be read (the notice says why): escape closes the form")

    def _loaded(self, context: FormContext) -> None:
        self.context = context
        self.query_one("#form-date", Input).placeholder = f"{context.today.isoformat()} (today) · yesterday · mon"
        self.query_one("#form-campaign", Input).suggester = SuggestFromList(list(context.slugs.values()))
        self.query_one("#form-category", Input).suggester = SuggestFromList(list(context.categories))
        self.query_one("#form-amount", Input).placeholder = f"120.50 {context.base_currency} · 99 USD · 15000 JPY"
        # The workspace's own names: the demo's "spring-launch" and "influencers · sponsored-posts" read as choices in a
        # team that has neither.
        if context.campaigns:
            self.query_one("#form-campaign", Input).placeholder = "its name or slug: " + ", ".join(context.slugs.values())
        if context.categories:
            self.query_one("#form-category", Input).placeholder = " · ".join(context.categories)
        if self._save_when_loaded:
            self._save_when_loaded = False
            self._save_checked(held=True)
        else:
            self.check()

    # ------------------------------------------------------------ checking

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#form-{name}", Input).value for name in FIELDS}

    @property
    def needs_approval(self) -> bool:
        return self.query_one("#form-needs-approval", Checkbox).value

    def check(self) -> dict[str, str]:
        """Show the problems of the touched fields (and those saving was refused for); return them all."""
        if self.context is None:
            return {"form": "loading"}
        problems = {**check_form(self.values(), self.context), **self._refused_problems}
        for name in FIELDS:
            shown = self.query_one(f"#problem-{name}", Static)
            problem = problems.get(name) if name in self.touched else None
            shown.update(plain(problem or ""))
            shown.set_class(bool(problem), "-shown")
        self._show_preview(problems)
        return problems

    def _show_preview(self, problems: Mapping[str, str]) -> None:
        preview = self.query_one("#form-preview", Static)
        assert self.context is not None
        if problems:
            left = [name for name in FIELDS if name in problems]
            if left:
                preview.update(plain(f"to fill in or fix: {', '.join(left)}"))
                preview.set_class(bool(self.touched & set(problems)), "-problem")
            else:  # saving the entry was refused, not a field
                preview.update(plain(problems["form"]))
                preview.add_class("-problem")
            return
        draft = parse_entry(self.values(), self.context, needs_approval=self.needs_approval)
        slug = self.context.slugs.get(draft.campaign, draft.campaign)
        amount = f"{format_minor(draft.amount, draft.currency, grouping=True)} {draft.currency}"
        waits = " · waits for approval" if draft.needs_approval else ""
        memo = f" · {draft.memo}" if draft.memo else ""
        preview.update(plain(f"→ {draft.date}  +{slug}  #{draft.category}  {draft.payee}  {amount}{memo}{waits}"))
        preview.remove_class("-problem")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._refused_problems = {}  # said of the fields as they were
        if event.input.id and event.value != self.initial.get(event.input.id.removeprefix("form-"), ""):
            self.touched.add(event.input.id.removeprefix("form-"))
        self.check()

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        if event.input.id:
            self.touched.add(event.input.id.removeprefix("form-"))
            self.check()

    @on(Checkbox.Changed)
    def _toggled(self) -> None:
        self.check()

    # ------------------------------------------------------------ saving

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self.saving:
            return
        if self.context is None:
            # Enter typed fast after the form opened (or on a loaded machine) came before the workspace's campaigns and
            # rates were read, and did nothing: the form stayed up, filled in, saying "loading…".  It saves once they
            # are read, the fields held meanwhile as while the entry is written.
            self._save_when_loaded = self.saving = True
            self.writing_began()
            self._hold_fields(True)
            self.query_one("#form-preview", Static).update("loading… the entry is saved once it is read")
            return
        self._save_checked(held=False)

    def _save_checked(self, *, held: bool) -> None:
        """Save the entry if every field is good, or show the problems and focus the first bad field.  ``held``: the
        fields are held already (enter waited for the context), and are given back if the entry is not saved."""
        self._refused_problems = {}  # tried again: the fields are checked as they are
        self.touched.update(FIELDS)
        problems = self.check()
        if problems:
            if held:
                self._refused({})
            bad = next((name for name in FIELDS if name in problems), None)
            if bad:
                self.query_one(f"#form-{bad}", Input).focus()
            return
        if not held:
            self.saving = True
            self.writing_began()
            self._hold_fields(True)
        assert self.context is not None
        self._save(self.values(), self.needs_approval, self.context)

    def _hold_fields(self, saving: bool) -> None:
        """While the entry is written, its fields take no edit, as the text editors' text does: what was typed then
        showed in the form but was not written (507.00 EUR shown, 50.00 written).  Refused, the field that had the
        focus has it again, to fix."""
        if saving:
            self._focus_before_saving = self.focused
        for field in self.query(Input):
            field.disabled = saving
        self.query_one("#form-needs-approval", Checkbox).disabled = saving
        if not saving and self._focus_before_saving is not None:
            had_focus = self._focus_before_saving
            kept = had_focus.selection if isinstance(had_focus, Input) else None
            had_focus.focus()
            if isinstance(had_focus, Input) and kept is not None:
                # A field focused selects all its text, so the next key replaced it: its cursor comes back as it was.
                # After that focus: the app's queue gives it (``focus``), then the field's queue takes it.
                self.app.call_later(had_focus.call_later, setattr, had_focus, "selection", kept)

    @background(group="entry-form")
    def _save(self, values: dict[str, str], needs_approval: bool, context: FormContext) -> None:
        try:
            written = self.save(values, needs_approval, context)
        except FormProblems as exc:  # e.g. a task id that names no task
            self.app.call_from_thread(self._refused, exc.problems)
            return
        except Exception as exc:  # refused (bad input, a rule, the workspace): said under the form, which stays open
            why = refusal(exc)
            self.app.call_from_thread(self._refused, {"form": why or "it could not be saved (the notice says why); try again"})
            if why is None:
                raise  # a bug: reported as any worker error is
            return
        self.app.call_from_thread(self.dismiss, written)

    def _refused(self, problems: dict[str, str]) -> None:
        self.saving = False
        self.refresh_bindings()
        self._refused_problems = dict(problems)
        self._hold_fields(False)
        self.check()

    unsaved_name = "the new entry"
    written_name = "the new entry"
    # One new entry at a time: a draft of it is offered in the next form, whatever budget line opened it.
    draft_for = DraftFor("entry:new", "a new ledger entry")
    draft_record_text = "the budget line it opens on"

    @property
    def unsaved(self) -> bool:
        return self.values() != {name: self.initial.get(name, "") for name in FIELDS} or self.needs_approval

    def draft_values(self) -> dict[str, str]:
        return {**self.values(), "needs approval": "yes" if self.needs_approval else ""}

    def draft_opened_with(self) -> dict[str, str]:
        return {name: self.initial.get(name, "") for name in FIELDS}

    def restore_draft(self, values: dict[str, str]) -> None:
        for name in FIELDS:
            self.query_one(f"#form-{name}", Input).value = values.get(name, "")
        self.query_one("#form-needs-approval", Checkbox).value = bool(values.get("needs approval"))
        self.touched.update(name for name in FIELDS if values.get(name))
        self.check()

    @property
    def writing(self) -> bool:
        return self.saving
