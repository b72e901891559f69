"""One ledger entry in full: its fields, its linked task, its reversal (or
what it reverses) and who approved it, times in the viewer's zone."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from crewdeck.sync.state.ids import short
from crewdeck.tui.app.ledger_pane import LedgerPane
from crewdeck.tui.app.lines import Lines
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.gone import gone_line, show_gone
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import Latest
from crewdeck.tui.ledger import pane_data
from crewdeck.tui.ledger.actions import may_reverse
from crewdeck.tui.ledger.entries import EntryDetail, EntryRow
from crewdeck.tui.time.when import format_local, parse_utc
from crewdeck.widgets.key_footer import KeyFooter

#: Why an entry is gone from the ledger (append-only: only the refusal of the operation that made it takes it away).
GONE = "the operation that made it was refused"

STATUS_TEXT = {
    "pending": "pending: counts once a manager other than {who} approves it",
    "approved": "approved",
    "reversal": "a reversal: nets its original to zero",
    "reversed": "reversed: it and its reversal net to zero",
    "frozen": "frozen by a crisis: counts once a manager other than {who} approves it",
    "": "counts",
}


class EntryScreen(Screen[None]):
    """A ledger entry (read-only: the ledger is append-only).

    | key | action |
    |---|---|
    | `escape` `q` | back to the ledger |
    | `t` | open the linked task |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="entry.close"),
        Binding("t", "open_task", "Open task", id="entry.open_task"),
    ]

    DEFAULT_CSS = """
    EntryScreen VerticalScroll { padding: 1 2; }
    EntryScreen Static { height: auto; }
    """

    def __init__(self, entry_id: str, services: Services) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.services = services
        self.shown: EntryDetail | None = None
        #: The entry is gone (the operation that made it was refused): what was last read stays, marked so.
        self.gone = False
        #: The reads of the entry.
        self._reads = Latest(self, group="entry-detail")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="entry-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the entry again (after a change to the ledger, here or elsewhere)."""
        access = self.services.session.access
        self._reads.read(lambda: pane_data.detail(access, self.entry_id), self._show)

    def _show(self, shown: EntryDetail | None) -> None:
        if shown is None:
            self._show_gone()
            return
        self.shown, self.gone = shown, False
        self.query_one("#entry-body", Static).update(self.render_entry(shown))
        self.refresh_bindings()

    def _show_gone(self) -> None:
        """The entry is no longer in the ledger: said once, and what was last read stays, marked gone."""
        if self.gone:
            return
        self.gone = True
        e = None if self.shown is None else self.shown.entry
        named = f"ledger entry {short(self.entry_id)}" + ("" if e is None else f" ({e.amount_text} to {e.payee})")
        show_gone(self.query_one("#entry-body", Static), named, GONE, None if self.shown is None else self.render_entry(self.shown))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_task":
            return self.shown is not None and self.shown.entry.task is not None
        return True

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why `t` does nothing here, said when it is pressed (``hidden_keys``); an entry gone says why under its title."""
        if action == "open_task" and self.shown is not None and not self.gone:
            return "this entry is for no task"
        return None

    def action_close(self) -> None:
        self.dismiss(None)

    def action_open_task(self) -> None:
        if self.shown is not None and self.shown.entry.task is not None:
            self.app.push_screen(DetailScreen(self.shown.entry.task, self.services))

    # ------------------------------------------------------------ text

    def _when(self, utc_text: str) -> str:
        services = self.services
        return format_local(parse_utc(utc_text), services.viewer_tz, services.now(), clock24=services.config.clock24)

    def _line(self, row: EntryRow) -> str:
        # Who entered it as the activity log says it ("@ana as @raj"), as the entry's own "entered" line does.
        return f"{row.short_id}  {row.date}  {row.amount_text}  {row.payee}  {row.memo}  ({row.by_shown}, {self._when(row.entered_at)})"

    @staticmethod
    def _status(shown: EntryDetail) -> str:
        e = shown.entry
        # Entered acting as another member, it is the actor's own too: the rules refuse their approval as well.
        who = f"{e.entered_by_shown} and {shown.acted_by}" if shown.acted_by else e.entered_by_shown
        return STATUS_TEXT[e.status].format(who=who)

    def render_entry(self, shown: EntryDetail) -> Content:
        e = shown.entry
        fields = [
            ("date", e.date),
            ("campaign", f"+{e.campaign}"),
            ("category", e.category),
            ("payee", e.payee),
            ("amount", e.amount_text),
            (f"in {shown.base}", shown.in_base),
            ("memo", e.memo),
            # As the activity log says a write made acting as another ("@ana as @raj").
            ("entered", f"by {f'{shown.acted_by} as ' if shown.acted_by else ''}{e.entered_by_shown}, {self._when(e.entered_at)}"),
            ("status", self._status(shown)),
        ]
        doc = Lines().add((f"{e.amount_text} to {e.payee}", "bold"), "  ", (f"{e.short_id} · times in {self.services.viewer_tz}", "dim"))
        if self.gone:
            gone_line(doc, GONE, kept=True)
        doc.add()
        for name, value in fields:
            if value:
                doc.add((f"{name:>9}", "dim"), "  ", value)
        doc.add().add(("Task", "bold"))
        if e.task is None:
            doc.add("  ", ("none linked", "dim"))
        else:
            title = ("(removed)", "dim") if shown.task_title is None else shown.task_title
            doc.add(f"  {short(e.task)}  ", title, "  ", (f"{said_key(self.app, self.BINDINGS, 'entry.open_task')} opens it", "dim"))
        if shown.reverses is not None:
            doc.add().add(("Reverses", "bold")).add("  " + self._line(shown.reverses))
        doc.add().add(("Reversal", "bold"))
        if shown.reversed_by is not None:
            doc.add("  " + self._line(shown.reversed_by))
        elif e.is_reversal:
            doc.add("  ", ("this entry is the reversal", "dim"))
        elif may_reverse(self.services.session.me, e):
            # Named as the keymap has it, and only to whom the rules let reverse it (a member: their own entries).
            doc.add("  ", (f"not reversed ({said_key(self.app, LedgerPane.BINDINGS, 'ledger.reverse')} in the ledger reverses it)", "dim"))
        else:
            doc.add("  ", ("not reversed", "dim"))
        if e.needs_approval:
            doc.add().add(("Approvals", "bold"))
            for who, when in shown.approvals:
                doc.add(f"  {who}  {self._when(when)}")
            if not shown.approvals:
                doc.add("  ", ("none yet", "dim"))
        return doc.content()
