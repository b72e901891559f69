"""The ledger pane's widgets in a tiny app: keys, messages, virtual scrolling, snapshots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.message import Message

from crewdeck.tui.ledger.entries import EntryRow
from crewdeck.tui.ledger.reports import used_text
from crewdeck.widgets.budget_table import BudgetTable, bar_cells
from crewdeck.widgets.entries_table import EntriesTable
from crewdeck.widgets.windowed_table import BLOCK

ENTRIES = 100_000


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass(frozen=True)
class Row:
    """A budget line as the table reads it (``BudgetRow``; the logic's ``BudgetLine`` formats its amounts when drawn)."""

    campaign_id: str
    campaign: str
    category: str
    budget: str
    spent: str
    remaining: str
    pending: str
    forecast: str
    used_permille: int | None
    used: str
    over: bool
    heading_over: bool
    complete: bool
    burn_per_day: str = ""

    @property
    def is_total(self) -> bool:
        return not self.category


def budget(
    campaign_id: str,
    campaign: str,
    category: str,
    amounts: tuple[str, ...],
    permille: int | None,
    percent: int | None,
    over: bool = False,
    heading_over: bool = False,
    complete: bool = True,
    burn_per_day: str = "",
) -> Row:
    budgeted, spent, remaining, pending, forecast = amounts
    return Row(
        campaign_id,
        campaign,
        category,
        budgeted,
        spent,
        remaining,
        pending,
        forecast,
        permille,
        used_text(percent),
        over,
        heading_over,
        complete,
        burn_per_day=burn_per_day,
    )


# Rows as the logic's (crewdeck.tui.ledger.view.BudgetLine) read: the widget takes them as they are.
BUDGETS = [
    budget(
        "c1",
        "spring-launch",
        "",
        ("12,000.00", "9,870.25", "2,129.75", "120.00", "13,402.10"),
        823,
        82,
        heading_over=True,
        burn_per_day="379.63",
    ),
    budget(
        "c1",
        "spring-launch",
        "influencers",
        ("4,000.00", "4,200.50", "-200.50", "", "5,900.00"),
        1050,
        105,
        True,
        True,
        burn_per_day="161.56",
    ),
    budget(
        "c1",
        "spring-launch",
        "sponsored-posts",
        ("6,000.00", "5,577.25", "422.75", "120.00", "6,950.40"),
        930,
        93,
        heading_over=True,
        burn_per_day="214.51",
    ),
    budget("c1", "spring-launch", "tools", ("2,000.00", "92.50", "1,907.50", "", "180.35"), 46, 5, complete=False, burn_per_day="3.56"),
    budget("c2", "holiday-gifting", "", ("", "310.00", "", "", ""), None, None),
    budget("c2", "holiday-gifting", "freelancers", ("", "310.00", "", "", ""), None, None),
]


def entry(i: int) -> EntryRow:
    """Entry ``i`` of a made-up ledger, as ``crewdeck.tui.ledger.entries.window`` returns rows."""
    kind = i % 10
    entry_id = f"{i:08x}" + "0" * 24
    return EntryRow(
        id=entry_id,
        date=f"2026-{11 - i % 3:02d}-{28 - i % 27:02d}",
        campaign=("spring-launch", "holiday-gifting")[i % 2],
        category=("influencers", "tools", "sponsored-posts")[i % 3],
        payee=("@cafe_mila", "Canva", "Meta Ads", "Studio Nord")[i % 4],
        amount=(i * 7919) % 10_000_000 + 1,
        currency=("EUR", "USD")[i % 2],
        memo=f"invoice {2026_0000 + i}",
        reverses="f" * 32 if kind == 5 else None,
        task=None,
        entered_by="ana",
        entered_by_id="a" * 32,
        entered_at="2026-11-20T10:00:00Z",
        needs_approval=kind in (3, 4),
        approved=kind == 4,
        reversed_by="e" * 32 if kind == 6 else None,
    )


class LedgerWidgets(App[None]):
    """The two tables stacked, as the ledger pane will hold them; entries served from a list."""

    def __init__(self, total: int = ENTRIES) -> None:
        super().__init__()
        self.total = total
        self.messages: list[Message] = []
        self.windows: list[int] = []
        self.answer: Callable[[EntriesTable.WindowNeeded], None] | None = None

    def compose(self) -> ComposeResult:
        yield BudgetTable(BUDGETS)
        yield EntriesTable()

    def on_mount(self) -> None:
        self.query_one(EntriesTable).reset(self.total)

    def on_windowed_table_window_needed(self, message: EntriesTable.WindowNeeded) -> None:
        self.windows.append(message.offset)
        if self.answer is not None:
            self.answer(message)
            return
        rows = [entry(i) for i in range(message.offset, min(message.offset + message.limit, self.total))]
        message.table.set_window(message.offset, rows, message.generation)

    def on_entries_table_entry_selected(self, message: EntriesTable.EntrySelected) -> None:
        self.messages.append(message)

    def on_entries_table_entry_activated(self, message: EntriesTable.EntryActivated) -> None:
        self.messages.append(message)

    def on_budget_table_row_highlighted(self, message: BudgetTable.RowHighlighted) -> None:
        self.messages.append(message)

    def on_budget_table_row_selected(self, message: BudgetTable.RowSelected) -> None:
        self.messages.append(message)


@pytest.mark.anyio
async def test_entries_scroll_a_hundred_thousand_rows_by_windows() -> None:
    app = LedgerWidgets()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(EntriesTable)
        table.focus()
        await pilot.pause()
        assert app.windows == [0]
        await pilot.press("j", "j", "down")
        selected = [m for m in app.messages if isinstance(m, EntriesTable.EntrySelected)]
        # The first window's arrival selects the row under the cursor, then each key moves it.
        assert [(m.index, m.entry_id) for m in selected] == [(i, entry(i).id) for i in (0, 1, 2, 3)]
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor == ENTRIES - 1
        assert app.windows == [0, ENTRIES - BLOCK]  # only the windows on screen were asked for
        assert table.cursor_entry == entry(ENTRIES - 1)
        await pilot.press("enter")
        activated = [m for m in app.messages if isinstance(m, EntriesTable.EntryActivated)]
        assert [(m.index, m.entry_id) for m in activated] == [(ENTRIES - 1, entry(ENTRIES - 1).id)]
        await pilot.press("home", "pagedown", "pagedown")
        assert table.cursor == 2 * table.page
        # No widget per row: the whole app is a handful of widgets.
        assert len(list(app.query("*"))) < 15
        assert len(table._rows) <= 13 * BLOCK


@pytest.mark.anyio
async def test_a_window_for_an_old_filter_is_dropped() -> None:
    app = LedgerWidgets()
    pending: list[EntriesTable.WindowNeeded] = []
    app.answer = pending.append
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(EntriesTable)
        await pilot.pause()
        [stale] = pending
        table.reset(3)  # the filter changed while the first window was being fetched
        await pilot.pause()
        table.set_window(stale.offset, [entry(i) for i in range(100)], stale.generation)
        assert table.row_at(0) is None
        fresh = pending[-1]
        assert fresh.generation == stale.generation + 1 and fresh.limit == BLOCK
        table.set_window(0, [entry(7), entry(8), entry(9), entry(10)], fresh.generation)
        assert [table.row_at(i) for i in range(4)] == [entry(7), entry(8), entry(9), None]


@pytest.mark.anyio
async def test_budget_table_keys_and_messages() -> None:
    app = LedgerWidgets()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(BudgetTable)
        table.focus()
        await pilot.press("down", "j", "enter")
        budget_messages = [m for m in app.messages if isinstance(m, (BudgetTable.RowHighlighted, BudgetTable.RowSelected))]
        assert [(type(m).__name__, m.campaign_id, m.category) for m in budget_messages] == [
            ("RowHighlighted", "c1", "influencers"),
            ("RowHighlighted", "c1", "sponsored-posts"),
            ("RowSelected", "c1", "sponsored-posts"),
        ]
        table.set_rows([b for b in BUDGETS if b.category != "influencers"])  # rows change under the cursor
        assert table.rows[table.cursor].category == "sponsored-posts"
        await pilot.press("G", "k")
        assert table.rows[table.cursor].campaign == "holiday-gifting" and table.rows[table.cursor].is_total


def test_bars_are_drawn_in_eighths_with_integers() -> None:
    assert bar_cells(0) == ("", " " * 8)
    assert bar_cells(500) == ("████", " " * 4)
    assert bar_cells(1050) == ("█" * 8, "")
    assert bar_cells(530) == ("████▏", "   ")  # 4.24 cells: four and one eighth
    assert bar_cells(-20) == ("", " " * 8)


def test_snapshot_of_the_ledger_widgets_at_80x24(snap_compare: Any) -> None:
    async def prepare(pilot: Any) -> None:
        pilot.app.query_one(EntriesTable).focus()
        await pilot.pause()
        await pilot.press("j", "j", "j")
        await pilot.pause()

    assert snap_compare(LedgerWidgets(), terminal_size=(80, 24), run_before=prepare)


def test_snapshot_of_the_budget_table_focused_at_120x30(snap_compare: Any) -> None:
    async def prepare(pilot: Any) -> None:
        pilot.app.query_one(BudgetTable).focus()
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(LedgerWidgets(total=5), terminal_size=(120, 30), run_before=prepare)


class BigAmounts(App[None]):
    """A workspace in rupiah: an ordinary budget has ten digits, an ordinary spend nine."""

    BUDGETS = [
        budget("c1", "jakarta-launch", "", ("1,500,000,000.00", "1,234,567,890.12", "265,432,109.88", "", "2,000,000,000.00"), 823, 82),
    ]

    def compose(self) -> ComposeResult:
        yield BudgetTable(self.BUDGETS)
        yield EntriesTable()

    def on_mount(self) -> None:
        self.query_one(EntriesTable).reset(1)

    def on_windowed_table_window_needed(self, message: EntriesTable.WindowNeeded) -> None:
        row = replace(entry(0), amount=15_000_000_000, currency="IDR")
        message.table.set_window(message.offset, [row], message.generation)


@pytest.mark.anyio
async def test_an_amount_is_never_cut_at_80_columns() -> None:
    """Amounts were cut to their columns' width: "1,500,000…" for a budget, "150,000,000.00 I…" for a spend."""
    app = BigAmounts()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        budget_line = app.query_one(BudgetTable).render_line(1).text
        for amount in ("1,500,000,000.00", "1,234,567,890.12", "265,432,109.88", " 82%"):
            assert amount in budget_line
        # FORECAST and PENDING make room, as they do on a narrow screen.
        assert "FORECAST" not in app.query_one(BudgetTable).render_line(0).text
        assert "150,000,000.00 IDR" in app.query_one(EntriesTable).render_line(1).text


class LongNames(App[None]):
    """Budget lines of a campaign whose slug is wider than the name column at 80 columns, some of them incomplete."""

    BUDGETS = [
        budget("c1", "holiday-gifting-europe", "", ("15,500.00", "4,081.96", "11,418.04", "", "5,215.84"), 263, 26, complete=False),
        budget("c1", "holiday-gifting-europe", "sponsored-posts", ("4,000.00", "921.66", "3,078.34", "", "1,177.68"), 230, 23),
        budget("c1", "holiday-gifting-europe", "influencer-whitelisting", ("", "0.00", "", "", ""), None, None, complete=False),
    ]

    def compose(self) -> ComposeResult:
        yield BudgetTable(self.BUDGETS)


@pytest.mark.anyio
async def test_an_incomplete_lines_mark_stays_when_its_name_is_cut() -> None:
    """At 80 columns "+holiday-gifting-europe *" was cut to "+holiday-g…": the `*` that says rates are missing from
    the line went with the end of the name, on the very lines (the campaigns' totals) that sum the incomplete ones."""
    app = LongNames()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(BudgetTable)
        total, complete, category = (table.render_line(y).text for y in (1, 2, 3))
        name_width = table.widths(table.scrollable_content_region.width, table.widest_on_screen())[0]
        assert "…" in total[:name_width] and total[:name_width].rstrip().endswith("… *"), total
        assert category[:name_width].rstrip().endswith("… *"), category
        assert "*" not in complete, complete


class TabbedName(App[None]):
    """A budget line whose category holds a tab (a value stored before the checks refused one), its rates missing."""

    def compose(self) -> ComposeResult:
        yield BudgetTable(
            [
                budget("c1", "spring", "", ("", "1.00", "", "", ""), None, None),
                budget("c1", "spring", "in\tfluencers", ("", "1.00", "", "", ""), None, None, complete=False),
            ]
        )


@pytest.mark.anyio
async def test_a_tab_in_a_name_is_shown_as_caret_notation_and_measured_so() -> None:
    """Measured as no column, then drawn as one, the tab made the name one column too wide: cut from its end, mark
    and all ("  in fluencer…")."""
    app = TabbedName()
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        line = app.query_one(BudgetTable).render_line(2).text
    assert "  in^Ifluencers *" in line and "\t" not in line, line


def _entries_app(rows: list[EntryRow]) -> App[None]:
    """An app of an entries table alone, holding ``rows``."""

    class Entries(App[None]):
        def compose(self) -> ComposeResult:
            yield EntriesTable()

        def on_mount(self) -> None:
            self.query_one(EntriesTable).reset(len(rows))

        def on_windowed_table_window_needed(self, message: EntriesTable.WindowNeeded) -> None:
            message.table.set_window(message.offset, rows, message.generation)

    return Entries()


@pytest.mark.anyio
@pytest.mark.parametrize(("width", "amount"), [(40, 250_00), (50, 250_00), (60, 250_00), (40, 10**17)])
async def test_a_narrow_entries_table_leaves_other_columns_out_never_the_amount(width: int, amount: int) -> None:
    """In the overview's Budget pane (50 columns of a 120-column terminal) the entries showed their dates,
    categories, payees, states and memos, and no amount: the one column that may not be cut went first."""
    rows = [replace(entry(i), amount=amount) for i in range(3)]

    app = _entries_app(rows)
    async with app.run_test(size=(width, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(EntriesTable)
        assert "AMOUNT" in table.render_line(0).text
        for i, row in enumerate(rows):
            line = table.render_line(i + 1).text
            assert f" {row.amount_text} " in f" {line} " and row.date in line, line


@pytest.mark.anyio
async def test_frozen_spend_keeps_a_colour_of_its_own_where_the_status_column_is_left_out() -> None:
    """Where a narrow pane leaves STATUS out, pending and reversed entries keep their colours, and spend a crisis froze
    (which counts no more than pending spend until a manager approves it) looked like spend that counts."""
    rows = [replace(entry(0), needs_approval=True, approved=False), replace(entry(1), frozen=True), entry(2)]
    pending, frozen, counted = rows
    assert (pending.status, frozen.status, counted.status) == ("pending", "frozen", "")

    app = _entries_app(rows)
    async with app.run_test(size=(42, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(EntriesTable)
        assert "STATUS" not in table.render_line(0).text
        assert table.row_style(1) == table.row_style(0) != table.row_style(2)


class HugeUse(App[None]):
    """Budget lines used a hundredfold, thrice over, not at all and below nothing."""

    BUDGETS = [
        budget("c1", "spring-launch", "", ("440.00", "1,525,000,762.50", "-1,525,000,322.50", "", ""), 1000, 346590912, True),
        budget("c1", "spring-launch", "influencers", ("40.00", "1,525,000,000.00", "-1,524,999,960.00", "", ""), 1000, 3812500000, True),
        budget("c1", "spring-launch", "tools", ("300.00", "12.50", "287.50", "", ""), 42, 4),
        budget("c1", "spring-launch", "ads", ("100.00", "-250.00", "350.00", "", ""), -2500, -250),
        budget("c1", "spring-launch", "video", ("100.00", "999.49", "-899.49", "", ""), 1000, 999, True),
    ]

    def compose(self) -> ComposeResult:
        yield BudgetTable(self.BUDGETS)


@pytest.mark.anyio
@pytest.mark.parametrize("width", [80, 160])
async def test_a_use_beyond_a_thousand_percent_reads_capped_and_keeps_its_percent_sign_in_line(width: int) -> None:
    """A use of "3812500000%" ran past the bar's column, its % sign out of line with the others', as "1220%" did by one."""
    app = HugeUse()
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(BudgetTable)
        lines = [table.render_line(y).text for y in range(1, 6)]
        assert [line[: line.index("%") + 1].split()[-1].lstrip("█") for line in lines] == [">999%", ">999%", "4%", "<-99%", "999%"]
        assert len({line.index("%") for line in lines}) == 1, lines
