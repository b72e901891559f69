"""Results: per campaign, the spend, its KPIs against its targets, and the last 30 days.

Opened with ``4`` (or "Results" in the palette).  The period opens on the
current week in the viewer's zone; ``p`` switches week, month and each
campaign's run, ``[`` ``]`` move it.  Reads run in a worker
(``crewdeck.tui.results.pane_data``); the table draws only the lines on
screen.  Another member's import or spend shows up by itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import zone
from crewdeck.tui.app.crisis_banner import CrisisBanner
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import background
from crewdeck.tui.ledger.period import period_name
from crewdeck.tui.posts.banner import OpenCrisis
from crewdeck.tui.results import pane_data
from crewdeck.tui.results.kpis import BY_CODE
from crewdeck.tui.results.pane_data import KINDS, SHOWN, SORTS, ResultsPage
from crewdeck.tui.time.when import last_day_begun
from crewdeck.tui.workspace.words import counted
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.results_table import KPI_TITLES, ResultsTable

#: Each KPI a campaign's posts may be best first by, as its column's title names it (the bar names it as ``KPIS`` does).
SORT_TITLES = dict(zip(SHOWN, KPI_TITLES, strict=True))
#: What the screen shows comes from these records (a crisis freezes spend: ``crewdeck.tui.posts.frozen``).
ENTITIES = frozenset({"result", "ledger_entry", "approval", "rate", "campaign", "task", "workspace", "crisis", "crisis_end"})
#: How often the screen looks whether today changed in the viewer's zone (seconds): the current period and the days
#: of it compared are today's.
DAY_CHECK = 60


class ResultsScreen(Screen[None]):
    """Results per campaign.

    | key | action |
    |---|---|
    | `enter` | on a campaign: its posts, best CTR first; on a post: its numbers by day |
    | `s` | a campaign's posts best first by the next KPI: CTR → CPC → CPA → ROAS → ER by reach |
    | `p` | period: week → month → each campaign's run |
    | `[` `]` | previous / next period (not past the one holding today) |
    | `escape` `q` | up a level, or back |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "next_kind", "Week/month/run", id="results.kind"),
        Binding("s", "next_sort", "Sort by KPI", id="results.sort"),
        Binding("left_square_bracket", "move_period(-1)", "Previous period", id="results.prev_period"),
        Binding("right_square_bracket", "move_period(1)", "Next period", id="results.next_period"),
        Binding("escape,q", "close", "Back", id="results.close"),
    ]

    DEFAULT_CSS = """
    ResultsScreen ResultsTable { scrollbar-size-vertical: 1; }
    ResultsScreen #results-missed { height: auto; padding: 0 1; }
    ResultsScreen #results-missed.-off { color: $error; }
    ResultsScreen #results-legend { height: auto; padding: 0 1; color: $foreground-muted; }
    """

    @dataclass
    class Loaded(Message):
        page: ResultsPage
        generation: int
        #: What the page's rows are of (``drill`` when it was read).
        drill: tuple[str, ...]

    def __init__(self, services: Services, crises: list[OpenCrisis] | None = None) -> None:
        """``crises``: the open crises as the main screen's banner shows them (the banner reads them itself without)."""
        super().__init__()
        self.services = services
        self._crises = crises
        self.kind = KINDS[0]
        #: The KPI a campaign's posts are best first by.
        self.sort = SORTS[0]
        self.day = self._today()
        #: The viewer's today the period shown follows: as of the last read, or when the period was moved.  Kept apart
        #: from ``_read_days``: the first read after midnight, whatever asked for it, moves the period on.
        self._followed = self.day
        #: Today in the viewer's zone and the latest day begun anywhere at the last read: the clock's tick reads again
        #: when either changed.
        self._read_days = (self.day, last_day_begun(self.services.now()))
        self.page: ResultsPage | None = None
        #: What the rows are of: ``()`` the campaigns, ``(campaign,)`` its posts, ``(campaign, post)`` a post's days.
        self.drill: tuple[str, ...] = ()
        #: What the rows on screen are of: ``drill`` once its page is read (``enter`` opens a row shown, not one read since).
        self.shown: tuple[str, ...] = ()
        #: Bumped by every query; answers to older ones are dropped.
        self.generation = 0
        #: The row ``escape`` left (a campaign, a post): the cursor goes back to it when the level above is shown.
        self.left: str | None = None

    def compose(self) -> ComposeResult:
        yield CrisisBanner(self.services, known=self._crises, id="results-crisis-banner")
        bar = PaneBar(id="results-bar")
        bar.shrink_first = 16  # a long post title is cut before the rows' count, the currency or the targets missed give way
        yield bar
        yield ResultsTable(id="results-table")
        yield Static("", id="results-missed", markup=False)
        yield Static("", id="results-legend", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ResultsTable).focus()
        self._say_keys()
        self.reload()
        self.set_interval(DAY_CHECK, self.tick)

    def reload(self) -> None:
        self.generation += 1
        today, begun = self._read_days = self._days()
        self._follow(today)
        self._load(self.kind, self.day, self.drill, self.generation, today, begun, self.sort)

    def _follow(self, today: dt.date) -> None:
        """A period that held the today it followed but not ``today`` goes on to the one that does: read first by a
        teammate's change or a sync after midnight, the week stayed behind for good, the clock's tick finding nothing
        new to read."""
        period = pane_data.period_of(self.kind, self.day)
        if period is not None and self._followed in period and today not in period:
            self.day = today
        self._followed = today

    def _days(self) -> tuple[dt.date, dt.date]:
        return self._today(), last_day_begun(self.services.now())

    def tick(self) -> None:
        """Once a day began for the viewer (midnight, or they moved) or anywhere: read again as of it, the period
        following today (``_follow``), where the screen stayed on the week it opened in and counted the day gone as
        today, for as long as it was open."""
        if self._days() != self._read_days:
            self.reload()

    def _today(self) -> dt.date:
        return self.services.now().astimezone(zone(self.services.viewer_tz)).date()

    @background(group="results", exclusive=True)
    def _load(self, kind: str, anchor: dt.date, drill: tuple[str, ...], generation: int, today: dt.date, begun: dt.date, sort: str) -> None:
        page = self.services.session.access.read(lambda ws: pane_data.load(ws, kind, anchor, *drill, today=today, begun=begun, sort=sort))
        self.post_message(self.Loaded(page, generation, drill))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return
        page = self.page = message.page
        self.shown = message.drill
        bar = self.query_one(PaneBar)
        bar.title = f"Results · {page.name}"
        bar.info = _bar_info(page)
        first = {"campaigns": "CAMPAIGN", "posts": "POST", "days": "DAY"}[page.level]
        self.query_one(ResultsTable).set_rows(
            page.lines,
            first,
            on=self.left,
            best_first=SORT_TITLES[page.sort] if page.level == "posts" else "",
            days=page.level == "days",
            closed=[line.key for line in page.lines if _opens_nothing(page, line.key)],
        )
        self.left = None
        self._say_missed()
        self._say_marks()

    def on_resize(self) -> None:
        # A narrower table leaves columns out, and the marks only they show with them: said once it is laid out again.
        self.call_after_refresh(self._say_marks)

    def _say_marks(self) -> None:
        """The legend under the table: what Δ compares, and the marks, of the columns the table shows at its width; over a
        campaign's posts with no row, why."""
        if self.page is None:
            return
        table = self.query_one(ResultsTable)
        widths = table.widths(table.scrollable_content_region.width, table.widest_on_screen())
        shown = {column.title.removesuffix(" ↓") for column, width in zip(table.columns, widths, strict=True) if width}
        kpis = frozenset(code for code, title in SORT_TITLES.items() if title in shown)
        legend = pane_data.nothing_shown(self.page) or pane_data.legend(self.page, kpis, "TARGETS" in shown, "Δ" in shown)
        self.query_one("#results-legend", Static).update(legend)

    @on(ResultsTable.CursorMoved)
    def _say_missed(self) -> None:
        """The line under the table: the targets the cursor's row misses, named whole (its cell says how many); not
        shown when no row misses one."""
        table = self.query_one(ResultsTable)
        said = None if self.page is None else pane_data.targets_said(self.page, table.cursor)
        line = self.query_one("#results-missed", Static)
        line.display = said is not None
        line.set_class(said is not None and bool(table.rows[table.cursor].missed), "-off")
        line.update(said or "")

    @on(ResultsTable.RowSelected)
    def _selected(self, message: ResultsTable.RowSelected) -> None:
        page = self.page
        if page is None or _opens_nothing(page, message.key):
            return
        # The row pressed on is of the page shown: a level opened or left since and not read yet has other rows.
        self.drill = (*self.shown, message.key)
        self.left = None
        self.refresh_bindings()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_sort":
            return len(self.drill) == 1  # a campaign's posts: the campaigns and a post's days keep their order
        # Each campaign's own run has no period before or after it: [ and ] are not offered then.
        return action != "move_period" or pane_data.period_of(self.kind, self.day) is not None

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a key ``check_action`` hides is not offered, said when it is pressed (``hidden_keys``)."""
        if action == "next_sort":
            return "only in a campaign's posts: the campaigns and a post's days keep their order"
        if action == "move_period":
            return "each campaign's own run has no period before or after it (p for a week or a month)"
        return None

    def action_next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reload()

    def action_next_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.refresh_bindings()
        self._say_keys()
        self.reload()

    def _say_keys(self) -> None:
        """The bar's hint names the keys the footer offers: not ``[ ]`` over each campaign's run, which has no period before."""
        moves = pane_data.period_of(self.kind, self.day) is not None
        kind, back = said_key(self.app, self.BINDINGS, "results.kind"), said_key(self.app, self.BINDINGS, "results.close")
        period = f"{said_key(self.app, self.BINDINGS, 'results.prev_period')} {said_key(self.app, self.BINDINGS, 'results.next_period')} period · "
        self.query_one(PaneBar).hint = f"{kind} week/month/run · {period if moves else ''}{back} back"

    def action_move_period(self, steps: int) -> None:
        period = pane_data.period_of(self.kind, self.day)
        if period is None:
            self.app.bell()
            return
        moved = period.move(steps)
        latest = last_day_begun(self.services.now())
        if steps > 0 and moved.start is not None and moved.start > latest:
            # Results are counted up to the latest day begun anywhere (as kpi import takes them: a teammate's or an ad
            # account's today may be a day after the viewer's): a period after it is a page of "—", as no analytics tool offers.
            today = self._today()
            held = f"today ({today.isoformat()})" if today in period else f"the latest day begun in any time zone ({latest.isoformat()})"
            self.app.bell()
            self.app.notify(f"{period_name(period)} holds {held}: no later period has results yet", timeout=4)
            return
        if moved.start is not None:
            # Chosen as of today: the last week, chosen a minute after midnight before anything read, stays chosen.
            self.day, self._followed = moved.start, self._today()
        self.reload()

    def action_close(self) -> None:
        if self.drill:
            self.left = self.drill[-1]
            self.drill = self.drill[:-1]
            self.refresh_bindings()
            self.reload()
            return
        self.dismiss(None)

    def store_changed(self, ops: list[Op]) -> None:
        """Operations were committed (another member's import, say): read again when they touch what is shown."""
        if any(op.entity in ENTITIES for op in ops):
            self.reload()


def _opens_nothing(page: ResultsPage, key: str) -> bool:
    """Whether ``enter`` on the row keyed ``key`` has nothing finer to show: a campaign's platform row, its spend on no post."""
    return page.level == "posts" and len(key) != 32


def _bar_info(page: ResultsPage) -> tuple[str, ...]:
    """What the rows are, in the order it matters at 80 columns (``PaneBar`` gives up the last parts): what is looked
    into (cut if it must be), how many rows and the currency, the targets missed, then what a wide screen has room for."""
    off = sum(1 for line in page.lines if line.missed)
    noun = {"campaigns": "campaign", "posts": "row", "days": "day"}[page.level]
    parts = [f"{counted(len(page.lines), noun)}, in {page.currency}", *([f"{off} off target"] if off else [])]
    if page.level == "posts":
        parts = [page.title, *parts, f"best {BY_CODE[page.sort].label} first"]
    elif page.level == "days":
        parts = [page.title, *parts, page.campaign]
    # The days last: a week's number does not say them, but at 80 columns what the rows are matters more.
    return tuple(visible(part) for part in [*parts, *([page.days] if page.days else [])])
