"""One task in full: its fields, its due date in everyone's zone, why it ranks
where it does, what it waits for, and its history."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from crewdeck.sync.state.ids import short
from crewdeck.tui.app.lines import Lines
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.triage import TRIAGE_BINDINGS, Triage
from crewdeck.tui.app.workers import background
from crewdeck.tui.session.detail import TaskDetail
from crewdeck.tui.tasks.edits import EDITABLE
from crewdeck.tui.tasks.urgency import score
from crewdeck.tui.tasks.view import detail_fields, due_lines
from crewdeck.tui.time.when import format_local
from crewdeck.widgets.key_footer import KeyFooter


class DetailScreen(Screen[None]):
    """A task's detail; the triage keys act on it.

    | key | action |
    |---|---|
    | `escape` `q` | back to the list |
    | `:` | set any field (`title=...`, `tags+=x`, `estimate=2h`) |
    | triage keys | as in the list: `s d A p D h c t r m u e y` |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="detail.close"),
        Binding("colon", "set_field", "Set field", id="detail.set_field"),
        *TRIAGE_BINDINGS,
    ]

    DEFAULT_CSS = """
    DetailScreen VerticalScroll { padding: 1 2; }
    DetailScreen .detail--title { text-style: bold; color: $accent; }
    DetailScreen .detail--section { margin-top: 1; text-style: bold; color: $foreground-muted; }
    DetailScreen Static { height: auto; }
    """

    def __init__(self, task_id: str, services: Services) -> None:
        super().__init__()
        self.task_id = task_id
        self.services = services
        #: The triage keys act on this task.
        self.triage = Triage(self, services, lambda: [self.task_id], services.written)
        #: Set once loaded: a ``:`` change then asks "this one, or all future ones?".
        self.recurring = False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="detail-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A guest reads the post in full and changes nothing here (the rules refuse a guest's task and post edits; their
        # verdicts on a post are the Approvals view's keys): no key offers to.
        if self.services.session.me.access == "guest":
            return action == "close"
        return True

    def action_triage(self, key: str) -> None:
        self.triage.run(key)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_set_field(self) -> None:
        self.app.push_screen(
            PromptScreen("Set a field", f"FIELD=VALUE — {', '.join(EDITABLE)}; tags+=x, tags-=x; every=weekday 09:00, every=none"),
            self._set_field,
        )

    def _set_field(self, text: str | None) -> None:
        if not text:
            return
        # A new rule asks too (it moves this instance, or it and the later ones); ending the series does not.
        if self.recurring and text.strip().replace(" ", "").lower() not in ("every=none", "every=-", "every="):
            choices = [Choice("this", "this one", "t"), Choice("future", "this and all future ones", "a")]

            def chosen(which: str | None) -> None:
                if which:
                    self._set(text, which == "future")

            self.app.push_screen(PickerScreen("A recurring task: change", choices), chosen)
        else:
            self._set(text, False)

    def _set(self, text: str, future: bool) -> None:
        now = self.services.now()
        edits = self.services.session.edits
        self.triage.run_write("set", [self.task_id], lambda ids: edits.set_assignments(ids[0], [text], now, future=future))

    @background(exclusive=True, group="detail")
    def load(self) -> None:
        detail = self.services.session.reads.detail(self.task_id, self.services.now(), self.services.config.clock24)
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: TaskDetail) -> None:
        self.recurring = bool(detail.record["series"] and detail.record["recurrence"])
        self.query_one("#detail-body", Static).update(self.render_detail(detail))

    def render_detail(self, d: TaskDetail) -> Content:
        services = self.services
        now = services.now()
        clock24 = services.config.clock24
        tz = services.viewer_tz
        r = d.record
        doc = Lines().add((d.title, "bold"), "  ", (short(d.id), "dim")).add()
        for name, value in detail_fields(d, tz, now, clock24):
            if name == "repeats":
                value += " — `:` every=... changes it, every=none ends it"
            doc.add((f"{name:>13}", "dim"), "  ", value)
        for name in ("due", "publish"):
            lines = due_lines(d, services.session.me, now, clock24, name)
            if lines:
                doc.add().add(("Due" if name == "due" else "Publish slot", "bold"))
                for line in lines:
                    doc.add(f"  {line}")
        if d.depends_on or d.blocking:
            doc.add().add(("Dependencies", "bold"))
            for i, t, s in d.depends_on:
                doc.add(f"  waits for {short(i)} {t} ({s})")
            for i, t, s in d.blocking:
                doc.add(f"  blocks    {short(i)} {t} ({s})")
        doc.add().add((f"Urgency {score(d.urgency):.1f}", "bold"))
        for term in d.urgency:
            doc.add(f"  {term.points:+5.1f}  {term.name:<10} {term.why}")
        if d.post_state is not None:
            doc.add().add(("Copy", "bold")).block(r["copy"] or "(none yet)")
            if r["link"]:
                doc.add(("  link ", "dim"), r["link"])
        if r["notes"]:
            doc.add().add(("Notes", "bold")).block(r["notes"])
        doc.add().add(("History", "bold"), " ", (f"(times in {tz})", "dim"))
        for change in reversed(d.history[-200:]):
            doc.add("  ", (format_local(change.at, tz, now, clock24=clock24), "dim"), f"  {change.sentence}")
        return doc.content()
