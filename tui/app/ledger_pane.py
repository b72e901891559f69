"""The budget ledger pane: the budget of a period above its entries.

The budget table has a row per campaign and category (bars, over-budget in
the theme's error colour); the entries table below pages through any number
of entries by windows.  Both follow one period, which opens on the current
month in the viewer's zone, and the entries follow a filter.  Reads and
writes run in worker threads (``crewdeck.tui.ledger.pane_data``); the pane only ever
holds the rows on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from crewdeck.sync.state.money import format_minor
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.keys_ahead import HoldsKeys
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.opening import first_period
from crewdeck.tui.app.pane import Pane
from crewdeck.tui.app.role_keys import refused_for_role
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.undo_keys import step_history
from crewdeck.tui.app.workers import background
from crewdeck.tui.ledger import pane_data
from crewdeck.tui.ledger.actions import approval_refusal, may_approve, may_reverse, reversal_note, reversal_refusal
from crewdeck.tui.ledger.entries import EntryRow
from crewdeck.tui.ledger.pane_data import LedgerPage
from crewdeck.tui.ledger.period import Period, period_name
from crewdeck.tui.ledger.view import FilterMatches
from crewdeck.tui.session.writing import Written
from crewdeck.tui.workspace.words import counted
from crewdeck.widgets.budget_table import BudgetTable
from crewdeck.widgets.entries_table import EntriesTable
from crewdeck.widgets.filter_box import FilterBox
from crewdeck.widgets.line_table import LineTable
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.windowed_table import BLOCK

if TYPE_CHECKING:
    from crewdeck.tui.ledger.form import FormContext


#: Lines the warnings above the budget take at most (at 80x24 three leave the budget table its seven lines, the entries four).
WARNING_LINES = 3

#: The period keys' actions, by the middle of their binding ids (``ledger.prev_period``).
_PERIOD_ACTIONS = {"prev": "move_period", "next": "move_period", "narrow": "narrow_period", "widen": "widen_period"}
#: How often the pane looks whether today changed in the viewer's zone (seconds): burn rate and forecast are as of
#: today, and a pane left on the current month goes on to the next at midnight.
DAY_CHECK = 60


def _period_key_acts(action: str, period: Period) -> bool:
    """Whether a period key changes ``period``: all time has none before, after or wider, a day none narrower."""
    if action == "narrow_period":
        return period.kind != "day"
    return period.start is not None


class LedgerPane(Pane):
    """Budget: what each campaign may spend and has spent, and the entries.

    | key | action |
    |---|---|
    | `e` `b` | move to the entries / the budget table |
    | `enter` | on an entry: it in full, with its task and its reversal; on a budget line: its entries |
    | `n` | new entry (checked as you type; from a budget line, for its campaign and category) |
    | `r` | reverse the selected entry (offered where the rules let you: your own (a manager: any), not a reversal, not reversed) |
    | `a` | approve the selected entry (offered where the rules let you: a manager, never on their own entry), or every marked one in one write |
    | `x` `X` | mark entries to approve together (marked rows show `✓`), clear the marks |
    | `/` | filter (the language of `crewdeck ledger list`); `escape` clears it |
    | `[` `]` | previous / next period |
    | `{` `}` | narrower / wider period: day, week, month, quarter, year, all |
    | `u`, `ctrl+r` or `U` | undo, redo my last action in the app (an entry or an approval stands, and says so) |
    """

    pane_name = "ledger"
    record_tables = ("ledger_entry", "campaign")
    pane_title = "Budget"

    @classmethod
    def help_extra(cls) -> list[tuple[str, list[BindingType]]]:
        from crewdeck.tui.app.screens.entry_detail import EntryScreen

        # (A new entry's form is a dialog: ``dialogs``.)
        return [("Budget and entries tables", LineTable.BINDINGS), ("Ledger entry", EntryScreen.BINDINGS)]

    SCREEN_SECTIONS = frozenset({"Ledger entry"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_entry", "New entry", id="ledger.new"),
        Binding("r", "reverse", "Reverse", id="ledger.reverse"),
        Binding("a", "approve", "Approve", id="ledger.approve"),
        Binding("x", "mark", "Mark", id="ledger.mark"),
        Binding("X", "clear_marks", "Clear marks", show=False, id="ledger.clear_marks"),
        Binding("slash", "filter", "Filter", id="ledger.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="ledger.clear_filter"),
        Binding("left_square_bracket", "move_period(-1)", "Previous period", show=False, id="ledger.prev_period"),
        Binding("right_square_bracket", "move_period(1)", "Next period", show=False, id="ledger.next_period"),
        Binding("left_curly_bracket", "narrow_period", "Narrower period", show=False, id="ledger.narrow_period"),
        Binding("right_curly_bracket", "widen_period", "Wider period", show=False, id="ledger.widen_period"),
        Binding("e", "focus_entries", "Entries", show=False, id="ledger.entries"),
        Binding("b", "focus_budget", "Budget lines", show=False, id="ledger.budget"),
        # The app's one history, as in Tasks and the calendar: an entry, a reversal or an approval stands, and `u` says so.
        Binding("u", "step_history(False)", "Undo", show=False, id="ledger.undo"),
        Binding("ctrl+r,U", "step_history(True)", "Redo", show=False, id="ledger.redo"),
    ]

    DEFAULT_CSS = """
    LedgerPane { height: 1fr; }
    LedgerPane #ledger-filter { display: none; }
    LedgerPane.-filtering #ledger-filter { display: block; }
    LedgerPane.-filtering #ledger-bar { display: none; }  /* the box takes the bar's line */
    LedgerPane BudgetTable { margin-bottom: 1; }
    /* A line a warning, cut to the pane's width (the tooltip and `crewdeck ledger report` have them whole). */
    LedgerPane #ledger-warnings {
        display: none; height: auto; padding: 0 1; color: $text-warning; text-wrap: nowrap; text-overflow: ellipsis;
    }
    LedgerPane.-warned #ledger-warnings { display: block; }
    LedgerPane BudgetTable, LedgerPane EntriesTable { scrollbar-size-vertical: 1; }
    """

    @dataclass
    class Loaded(Message):
        """The answer to one query of the pane (dropped unless ``generation`` is the pane's latest)."""

        page: LedgerPage
        generation: int
        #: The cursor (its entry, its row) when the read was asked for to keep it (``None``: a new query).
        asked_at: tuple[str | None, int] | None = None

    @dataclass
    class FilterPreviewed(Message):
        """How many entries the filter being typed would show in ``period``, or why it is refused."""

        matches: FilterMatches
        period: Period

    def __init__(self, services: Services, *, active: bool = False) -> None:
        super().__init__(services, active=active)
        self.period = Period.all()
        #: Today in the viewer's zone the period shown follows, as of the last read or the period's choosing: the clock's
        #: tick reads again when it changes.
        self._today: dt.date | None = None
        self.filter_text = ""
        #: The filter ``enter`` applied in the box, which closes the box once a page of it is shown (``None``: none
        #: waits): any other read (midnight, a teammate's change) leaves the box open to the typing.
        self._applying: str | None = None
        #: Sends on the keys typed after that ``enter``, which wait for its page (``HoldsKeys.keys_wait_for_dialog``).
        self._keys_applied: Callable[[], None] | None = None
        #: What is on screen: the last answer shown.
        self.page: LedgerPage | None = None
        #: Bumped by every new query; answers to older ones are dropped.
        self.generation = 0
        #: An entry to put the cursor on at the next refresh (one we just added).
        self.select_next: str | None = None
        #: The entries marked for ``a``, as they read when marked (the rows on screen are only a window's).
        self.marked: dict[str, EntryRow] = {}
        # Made with the lines of warnings its first page shows, when that page is read by now: set once the pane was
        # styled, the class restyled it and its children all over again before the first paint.
        opening = services.opening
        self.set_class(opening is not None and opening.page_warns(), "-warned")

    def compose(self) -> ComposeResult:
        bar = PaneBar(id="ledger-bar")
        bar.shrink_last = 8  # the filter is cut before it goes ("/ +app-inst…")
        yield bar
        closes = said_key(self.app, self.BINDINGS, "ledger.clear_filter")
        yield FilterBox(
            f"+campaign #category payee:canva cur:USD @raj is:pending words — enter applies, {closes} closes",
            noun="entry",
            plural="entries",
            id="ledger-filter",
        )
        yield Static(id="ledger-warnings")
        yield BudgetTable(id="budget-table")
        yield EntriesTable(id="entries-table")

    @property
    def budget(self) -> BudgetTable:
        return self.query_one(BudgetTable)

    @property
    def entries(self) -> EntriesTable:
        return self.query_one(EntriesTable)

    @property
    def selected(self) -> EntryRow | None:
        row = self.entries.cursor_entry
        return row if isinstance(row, EntryRow) else None

    # ------------------------------------------------------------ the Pane protocol

    def focus_main(self) -> None:
        self.entries.focus()

    def start(self) -> None:
        self.period = first_period(self.services.session.me, self.services.now())
        self._today = self._now_today()
        self.reload()
        self.set_interval(DAY_CHECK, self.tick)

    def _now_today(self) -> dt.date:
        return pane_data.today(self.services.session.me, self.services.now())

    def tick(self) -> None:
        """Once today changed in the viewer's zone (midnight, or they moved): the budget is read again as of the new day,
        the period following today (``_follow``), where the pane stayed on the month it opened in, and its burn rate
        and forecast on the day, for as long as the app was open."""
        if self._now_today() != self._today:
            self.reload()

    def _follow(self) -> bool:
        """A period that held the today it followed but not today's goes on to the one that does; whether it moved.
        Looked at by every read, not the clock's tick alone: a chosen period moved in the minute after midnight, or a
        teammate's change read then, left the tick to move on a month the person had chosen, or none."""
        today, before = self._now_today(), self._today
        self._today = today
        if before is not None and before in self.period and today not in self.period:
            self.period = Period.containing(self.period.kind, today)
            return True
        return False

    def store_changed(self, ops: list[Op], ours: bool) -> None:
        if not any(op.entity in pane_data.ENTITIES for op in ops):
            return
        self.reload()
        if len(self.app.screen_stack) > 1:  # an entry's screen may be open (imported when first opened)
            from crewdeck.tui.app.screens.entry_detail import EntryScreen

            if isinstance(self.app.screen, EntryScreen):
                self.app.screen.load()

    # ------------------------------------------------------------ loading

    def reload(self, *, new_query: bool = False) -> None:
        """Query again; the cursor stays on its entry, else on its row (the first row for a new query)."""
        new_query = self._follow() or new_query
        self.generation += 1
        if self.has_class("-filtering"):  # the box's count was of the entries as they were, or of a period gone by
            self._preview(self.filter_box.text, self.period)
        selected = self.selected
        keep = [i for i in (self.select_next, selected.id if selected else None) if i]
        self.select_next = None
        cursor = 0 if new_query else self.entries.cursor
        # The pane's first query, unfiltered with the cursor on top, was read while Textual started.
        opening = self.services.opening if self.generation == 1 and not (self.filter_text or keep or cursor) else None
        if opening is not None:
            first = opening.page(self.period, BLOCK, wait=False)
            if first is not None:  # usually ready: shown now, it is in the first paint
                self._show(first)
                return
        asked_at = None if new_query else (selected.id if selected else None, cursor)
        self._load(self.period, self.filter_text, keep, cursor, self.generation, opening is not None, asked_at)

    @background(exclusive=True, group="ledger-load")
    def _load(
        self,
        period: Period,
        text: str,
        keep: list[str],
        cursor: int,
        generation: int,
        opening: bool,
        asked_at: tuple[str | None, int] | None,
    ) -> None:
        services = self.services
        try:
            page = services.opening.page(period, BLOCK, wait=True) if opening and services.opening is not None else None
            if page is None:
                page = pane_data.read_page(services.session.access, period, text, services.now(), keep, cursor, BLOCK)
        except Exception:
            if self.page is None:  # the app need not wait for a budget that failed
                self.app.call_from_thread(self.drawn)
            self.app.call_from_thread(self._not_shown, text)
            raise
        self.post_message(self.Loaded(page, generation, asked_at))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return
        page, selected = message.page, self.selected
        here = (selected.id if selected else None, self.entries.cursor)
        if message.asked_at is not None and here != message.asked_at:
            # Moved while the entries were read: the cursor stays where it was moved, not where the read found it.
            at = next((page.offset + i for i, row in enumerate(page.rows) if row.id == here[0]), None)
            if at is None:
                self.reload()  # its entry is outside the rows read: read around it
                return
            page = replace(page, cursor=at)
        self._show(page)

    def _show(self, page: LedgerPage) -> None:
        if self.page is None:
            self.call_after_refresh(self.drawn)
        self.page = page
        self.budget.set_rows(page.budget)
        table = self.entries
        table.reset(page.total, page.cursor)
        table.move_cursor(page.cursor)  # scrolls it into view
        table.set_window(page.offset, page.rows, table.generation)
        if self._applying is not None and page.text == self._applying:
            self._applying = None
            # Typed into since enter (the box stays open while its page is read): left open with those words, to apply,
            # where it closed on them, and they were gone.
            if self.filter_box.text == page.text:
                self.remove_class("-filtering")
                table.focus()
            self._send_keys_on()
        self._show_info()
        self._show_warnings(page.warnings, page.rates_missing)
        self.refresh_bindings()

    def _show_warnings(self, warnings: tuple[str, ...], rates_missing: int) -> None:
        """What ``ledger report`` warns of for the period, on lines of their own above the tables while it holds: in
        the bar it would be the first part a narrow pane gives up, and the bar says none of it again.  A rate missing
        (the first ``rates_missing``) is marked * as the budget lines it leaves incomplete are: the mark's meaning.
        The last line counts what does not fit."""
        marked = [f"{'*' if index < rates_missing else '⚠'} {text}" for index, text in enumerate(warnings)]
        shown = list(marked)
        if len(shown) > WARNING_LINES:
            rest = len(shown) - WARNING_LINES + 1
            shown[WARNING_LINES - 1 :] = [f"⚠ {counted(rest, 'more warning')}: crewdeck ledger report lists them"]
        notice = self.query_one("#ledger-warnings", Static)
        notice.update(Content("\n").join(plain(text) for text in shown))
        notice.tooltip = Content("\n").join(plain(text) for text in marked) if marked else None
        self.set_class(bool(warnings), "-warned")

    def _show_info(self) -> None:
        page = self.page
        if page is None:
            return
        bar = self.query_one(PaneBar)
        bar.title = period_name(page.period)
        # Only the keys that act on this period (``check_action``): at all time "[ ] { } period" named three that did nothing.
        acting = [move for move in ("prev", "next", "narrow", "widen") if _period_key_acts(_PERIOD_ACTIONS[move], page.period)]
        bar.hint = " ".join(said_key(self.app, self.BINDINGS, f"ledger.{move}_period") for move in acting) + " period"
        marks = [f"{len(self.marked):,} marked"] if self.marked else []  # next to the count, as in Tasks: the last parts go first
        parts = [f"{page.total:,} entr{'y' if page.total == 1 else 'ies'}", *marks, page.base]
        over = sum(1 for line in page.budget if line.over)
        if over:
            # The table shows half the pane: a line over budget below its fold would show nowhere.  Lines, as the table
            # and ``ledger report`` flag them (a campaign's total or a category): "1 campaign over budget" was said of a
            # campaign at 17% of its budget, one of whose categories was over.  Rates missing and spend a crisis froze
            # are not said here: the lines above the budget say them (``_show_warnings``).
            parts.append(f"{counted(over, 'line')} over budget")
        if page.to_approve:
            parts.append(f"{page.to_approve:,} to approve")  # pane_data.WAITING lists them
        if page.text:
            # Last, and cut before it goes (``shrink_last``): a budget line's filter is as long as its campaign's slug.
            parts.append(visible(f"/ {page.text}"))
        bar.info = tuple(parts)

    @on(EntriesTable.WindowNeeded)
    def _window_needed(self, message: EntriesTable.WindowNeeded) -> None:
        message.stop()
        table, page = message.table, self.page
        end = min(message.offset + message.limit, table.total)
        if page is None or all(table.row_at(i) is not None for i in range(message.offset, end)):
            return  # these rows came with the page
        self._load_window(page.where, page.params, message.offset, message.limit, message.generation)

    @background(group="ledger-window")
    def _load_window(self, where: str, params: list[object], offset: int, limit: int, generation: int) -> None:
        rows = pane_data.window(self.services.session.access, where, list(params), offset, limit)
        self.app.call_from_thread(self.entries.set_window, offset, rows, generation)

    @on(EntriesTable.EntrySelected)
    def _entry_selected(self) -> None:
        self.refresh_bindings()  # approve depends on the entry

    @on(EntriesTable.EntryActivated)
    def _entry_activated(self, message: EntriesTable.EntryActivated) -> None:
        from crewdeck.tui.app.screens.entry_detail import EntryScreen

        self.app.push_screen(EntryScreen(message.entry_id, self.services))

    @on(BudgetTable.RowSelected)
    def _budget_line_selected(self, message: BudgetTable.RowSelected) -> None:
        campaign = next((r.campaign for r in message.table.rows if r.campaign_id == message.campaign_id), None)
        if campaign is None:
            return
        self.show_query(f"+{campaign}" + (f" #{message.category}" if message.category else ""))
        self.entries.focus()

    def show_query(self, text: str) -> None:
        self.filter_text = text
        self.reload(new_query=True)

    # ------------------------------------------------------------ keys: moving around

    def action_focus_entries(self) -> None:
        self.entries.focus()

    def action_focus_budget(self) -> None:
        self.budget.focus()

    @property
    def filter_box(self) -> FilterBox:
        return self.query_one(FilterBox)

    def action_filter(self) -> None:
        self.add_class("-filtering")
        self.filter_box.open(self.filter_text)

    @on(FilterBox.Settled, "#ledger-filter")
    def _filter_settled(self, message: FilterBox.Settled) -> None:
        message.stop()
        self._preview(message.text, self.period)

    @background(exclusive=True, group="ledger-preview")
    def _preview(self, text: str, period: Period) -> None:
        services = self.services
        self.post_message(self.FilterPreviewed(pane_data.preview(services.session.access, period, text, services.now()), period))

    @on(FilterPreviewed)
    def _filter_previewed(self, message: FilterPreviewed) -> None:
        matches, box = message.matches, self.filter_box
        if message.period != self.period:
            return  # asked of a period no longer shown
        if matches.refused is not None:
            box.show_error(matches.text, matches.refused)
        elif matches.count is not None:
            box.show_count(matches.text, matches.count)

    @on(FilterBox.Applied, "#ledger-filter")
    def _filter_applied(self, message: FilterBox.Applied) -> None:
        # The box stays open until the query answers: a bad filter's reason
        # shows in the box (and as a notification) with the text there to fix.
        message.stop()
        self._applying = message.text
        app = self.app
        if self._keys_applied is None and isinstance(app, HoldsKeys):
            # The keys typed after enter wait for its page, to act on the entries it lists: typed as the box waited, a
            # j went into it ("#influencersj"), and the box closed on it once the page came.
            self._keys_applied = app.keys_wait_for("the filter was applied", self._keys_dropped).send_on
        self.show_query(message.text)

    def _keys_dropped(self) -> None:
        """The keys typed after the box's ``enter`` waited as long as they may for its page, and were dropped: the next
        ``enter`` holds those typed after it (they went into the box, the hold taken for one still under way)."""
        self._keys_applied = None

    def _not_shown(self, text: str) -> None:
        """The entries of ``text`` could not be read (refused: the notice says why): the keys typed after the box's
        ``enter`` go on into the box, left open to fix it."""
        if text == self._applying:
            self._applying = None
            self._send_keys_on()

    def _send_keys_on(self) -> None:
        keys_applied, self._keys_applied = self._keys_applied, None
        if keys_applied is not None:
            keys_applied()  # previewed again too: a refused filter's reason in the box

    def action_clear_filter(self) -> None:
        """``escape``: the filter box closed, or an applied filter (a budget line's entries too) left for all the
        period's entries, as in Tasks (offered only then: ``check_action``)."""
        if self.has_class("-filtering"):
            self._applying = None
            self.remove_class("-filtering")
            self.entries.focus()
            self._send_keys_on()
            # Back to the filter on screen, so that a refused one is not tried again at every refresh.
            self.filter_text = self.page.text if self.page else ""
        elif self.filter_text:
            self.show_query("")

    def action_move_period(self, steps: int) -> None:
        self._choose(self.period.move(steps))

    def action_narrow_period(self) -> None:
        self._choose(self.period.narrow(pane_data.today(self.services.session.me, self.services.now())))

    def action_widen_period(self) -> None:
        self._choose(self.period.widen())

    def _choose(self, period: Period) -> None:
        # Chosen as of today: last month, chosen a minute after midnight before anything read, stays chosen.
        self.period, self._today = period, self._now_today()
        self.reload(new_query=True)

    # ------------------------------------------------------------ keys: writing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _PERIOD_ACTIONS.values():
            return _period_key_acts(action, self.period)
        if action == "clear_filter":  # else escape goes on, to what is under the pane
            return self.has_class("-filtering") or bool(self.filter_text)
        if action == "approve":
            session = self.services.session
            if self.marked:  # the write names each marked entry that may not be approved
                return any(may_approve(session.me, entry, session.acting) for entry in self.marked.values())
            entry = self.selected
            return entry is not None and may_approve(session.me, entry, session.acting)
        if action == "mark":
            # Entries, not budget lines; and some listed (a period or filter of none left x Mark, which did nothing);
            # and to whom may approve spend, as marks gather entries for a (a member marked entries for nothing).
            session = self.services.session
            may = not refused_for_role(session.me.facts(), ["ledger.mark"])
            return may and self.entries.has_focus and self.entries.row_count() > 0
        if action == "clear_marks":
            return bool(self.marked)
        if action == "reverse":
            entry = self.selected
            return entry is not None and may_reverse(self.services.session.me, entry)
        return True

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a key ``check_action`` hides is not offered, said when it is pressed (``hidden_keys``): the period has
        none past it, the entry is not one to approve or reverse (the rules' own words), nothing is listed to mark."""
        if action == "move_period" or action == "widen_period":
            return "all time has no period around it" if action == "move_period" else "all time is the widest period"
        if action == "narrow_period":
            return "a day is the narrowest period"
        session = self.services.session
        entry = self.selected
        if action == "approve":
            if self.marked:
                return "none of the marked entries is yours to approve"
            if entry is None:
                return "only on an entry in the list of entries"
            return approval_refusal(session.me, entry, session.acting)
        if action == "reverse":
            if entry is None:
                return "only on an entry in the list of entries"
            return reversal_refusal(session.me, entry)
        if action == "mark":
            if refused_for_role(session.me.facts(), ["ledger.mark"]):
                return "the marks gather entries to approve, which only a manager does"
            return "no entry is listed here" if self.entries.has_focus else "only in the list of entries"
        if action == "clear_marks":
            return "nothing is marked"
        return None

    def action_step_history(self, redo: bool) -> None:
        step_history(self, self.services, redo, self.services.written)

    def action_new_entry(self) -> None:
        from crewdeck.tui.app.screens.entry_form import EntryFormScreen

        initial: dict[str, str] = {}
        if self.budget.has_focus and self.budget.rows:
            line = self.budget.rows[self.budget.cursor]
            initial = {"campaign": line.campaign, "category": line.category}
        access, now = self.services.session.access, self.services.now()
        self.app.push_screen(
            EntryFormScreen(
                lambda: pane_data.form_context(access, now),
                lambda values, needs_approval, ctx: self._save_entry(values, needs_approval, ctx),
                initial,
            ),
            self._entry_saved,
        )

    def _save_entry(self, values: Mapping[str, str], needs_approval: bool, ctx: FormContext) -> Written:
        """Runs in the form's worker thread."""
        return pane_data.add(self.services.session, values, needs_approval, ctx, self.services.now())

    def _entry_saved(self, written: Written | None) -> None:
        if written is not None:
            self.select_next = written.ops[0].row_id
            self.services.written(written.label, written)

    def action_reverse(self) -> None:
        entry = self.selected
        if entry is None or not may_reverse(self.services.session.me, entry):  # the key is not offered then (``check_action``)
            self.app.bell()
            return
        opposite = f"{format_minor(-entry.amount, entry.currency, grouping=True)} {entry.currency}"

        def preview(reason: str) -> str:
            return f"→ a new entry of {opposite} on {entry.date}, +{entry.campaign} #{entry.category}: {reversal_note(entry.id, entry.amount, entry.currency, reason.strip())}"

        self.app.push_screen(
            PromptScreen(
                f"Reverse {entry.short_id}: {entry.amount_text} to {entry.payee}?",
                f"why, if you like (everyone sees it) — enter reverses, {said_key(self.app, PromptScreen.BINDINGS, 'prompt.cancel')} keeps the entry",
                preview=preview,
                submit=lambda reason: self._reverse(entry.id, reason.strip()),
                draft_for=DraftFor(f"reverse:{entry.id}", f"your reason to reverse {entry.short_id}"),
            )
        )

    def _reverse(self, entry_id: str, reason: str) -> None:
        """In the dialog's worker: a reversal the rules refuse (reversed meanwhile elsewhere) keeps the dialog open, saying why."""
        written = pane_data.reverse(self.services.session, entry_id, reason, self.services.now())
        self.app.call_from_thread(self.services.written, written.label, written)

    def action_approve(self) -> None:
        if self.marked:
            self._approve_marked(list(self.marked))
            return
        entry = self.selected
        if entry is not None:
            self._approve(entry.id)

    def action_mark(self) -> None:
        entry = self.selected
        if entry is None or not self.entries.has_focus:
            self.app.bell()
            return
        if self.marked.pop(entry.id, None) is None:
            self.marked[entry.id] = entry
        self._marks_changed()
        self.entries.action_cursor_down()  # as in Tasks: x x x marks three in a row

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self._marks_changed()

    def _marks_changed(self) -> None:
        self.entries.set_marked(frozenset(self.marked))
        self._show_info()
        self.refresh_bindings()

    @background(group="write")
    def _approve_marked(self, entry_ids: list[str]) -> None:
        written = pane_data.approve_marked(self.services.session, entry_ids, self.services.now())
        self.app.call_from_thread(self._approved_marked, entry_ids, written)

    def _approved_marked(self, entry_ids: list[str], written: Written) -> None:
        for entry_id in entry_ids:
            self.marked.pop(entry_id, None)
        self._marks_changed()
        self.services.written(written.label, written)

    @background(group="write")
    def _approve(self, entry_id: str) -> None:
        written = pane_data.approve(self.services.session, entry_id, self.services.now())
        self.app.call_from_thread(self.services.written, written.label, written)
