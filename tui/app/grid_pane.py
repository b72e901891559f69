"""The deadlines pane: the deadline grid of one day in one zone, and the meeting planner.

The grid (``crewdeck.widgets.deadline_grid``) draws what ``crewdeck.tui.time.grid.build_grid``
returns; this pane builds it in a worker, for the day and the zone the
person asked for (today in their own zone at first), and builds it again
when tasks or members change and once a minute, so the "now" line moves.
Where half hours do not fit across the pane (the side-by-side layout below
~135 columns) the grid is drawn by the hour, so the whole day stays in view.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.zones import zone as zone_info
from crewdeck.tui.app.opening import GridQuery, first_grid, grid_resolution
from crewdeck.tui.app.pane import Pane
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import background
from crewdeck.tui.time.grid import Grid, zone_choices
from crewdeck.tui.time.roster import working_week
from crewdeck.tui.time.when import localize, parse_day
from crewdeck.widgets.deadline_grid import DeadlineGrid

if TYPE_CHECKING:
    from crewdeck.tui.app.calendar_panel import CalendarPanel

#: The task fields the grid shows (a marker's row: its assignee or a meeting's attendees, place, colour and text); any member field counts.
SHOWN_TASK_FIELDS = frozenset({"title", "assignee", "status", "due", "publish", "deleted", "meeting"})
#: What changes whether a crisis holds a post (its slot's marker says so): its round, scope and release, the crises, the
#: verdicts and the chains (a campaign's, and the workspace's for a post in none).
HELD_TASK_FIELDS = frozenset({"post_state", "post_round", "resumed_from", "campaign", "platform", "copy", "link", "media", "first_comment"})
HELD_ENTITIES = frozenset({"crisis", "crisis_end", "post_approval", "campaign", "workspace"})
#: The now line moves with the clock: the grid is built again this often (seconds).
TICK = 60


class GridPane(Pane):
    """Deadlines: who works when, where every deadline and publish slot falls.

    | key | action |
    |---|---|
    | `h` `l` | an hour earlier / later |
    | `j` `k` | next / previous member |
    | `[` `]` | previous / next day |
    | `t` | now (today, if another day is shown) |
    | `Z` | draw the grid in another zone: yours, a member's, a campaign audience's |
    | `o` | plan a meeting: you and the member under the cursor, the next 7 days |
    | `c` | the content calendar instead of the grid, and back (`C` from anywhere) |
    """

    pane_name = "grid"
    record_tables = ("task", "member")
    pane_title = "Deadlines"

    @classmethod
    def help_extra(cls) -> list[tuple[str, list[BindingType]]]:
        from crewdeck.tui.app.screens.planner import PLANNER_BINDINGS
        from crewdeck.widgets.content_calendar import ContentCalendar

        return [
            ("Deadline grid", DeadlineGrid.BINDINGS),
            ("Meeting planner", PLANNER_BINDINGS),
            ("Content calendar", ContentCalendar.BINDINGS),
        ]

    SCREEN_SECTIONS = frozenset({"Meeting planner"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "plan_meeting", "Plan meeting", id="grid.plan_meeting"),
        Binding("g", "go_to_day", "Go to day", id="grid.go_to_day"),
        # Shown, in the calendar above all: its footer said no way back to the grid (escape does nothing there).
        Binding("c", "calendar", "Calendar/grid", id="grid.calendar"),
    ]

    DEFAULT_CSS = """
    GridPane { height: 1fr; }
    GridPane DeadlineGrid { height: 1fr; }
    GridPane #calendar-panel { display: none; }
    GridPane.-calendar #calendar-panel { display: block; }
    GridPane.-calendar DeadlineGrid { display: none; }
    """

    def __init__(self, services: Services, *, active: bool = False) -> None:
        super().__init__(services, active=active)
        self.day: dt.date | None = None
        self.zone: str | None = None
        #: The grid on screen (the widget holds it too, as plain data).
        self.shown: Grid | None = None
        #: Bumped by every new build; answers to older ones are dropped.
        self.generation = 0
        #: Today in the grid's zone at the last tick: a grid left on today follows midnight.
        self._today: dt.date | None = None
        #: After a change of zone or of resolution, the instant the cursor stays on.
        self._keep_instant: dt.datetime | None = None
        #: Where the pane last put the cursor, ((zone, day, resolution), column, instant): the instant it stood for,
        #: inside its column (10:30 under the hour 10:00), while the cursor stays there (the grid read again each minute).
        self._placed: tuple[tuple[str, dt.date, int], int, dt.datetime] | None = None
        #: Minutes per column: 30, or 60 where half hours do not fit.
        self.resolution = 30
        #: The content calendar, made the first time it is shown: not in the app's first paint.
        self._calendar: CalendarPanel | None = None
        #: The viewer's own zone as last seen: a grid drawn in it follows them when they move.
        self._own_zone: str | None = None

    @property
    def grid(self) -> DeadlineGrid:
        return self.query_one(DeadlineGrid)

    def compose(self) -> ComposeResult:
        yield DeadlineGrid(id="deadline-grid")

    def focus_main(self) -> None:
        self.ensure_started()
        if self.has_class("-calendar") and self._calendar is not None:
            self._calendar.calendar.focus()
        else:
            self.grid.focus()

    def action_calendar(self) -> None:
        self.show_calendar(not self.has_class("-calendar"))

    def show_calendar(self, shown: bool, on_post: tuple[str, dt.datetime] | None = None) -> None:
        """The content calendar (made and loaded the first time it is shown), or the grid again; ``on_post``: a post
        and its slot, the period shown the one that holds the slot, the cursor on the post."""
        self.set_class(shown, "-calendar")
        if shown and self._calendar is None:
            self.call_later(self._make_calendar, on_post)
            return
        if shown and on_post is not None and self._calendar is not None:
            self._calendar.show_post(*on_post)
        self.focus_main()

    async def _make_calendar(self, on_post: tuple[str, dt.datetime] | None = None) -> None:
        """The calendar's panel, mounted after the grid the first time it is shown: not in the app's first paint."""
        from crewdeck.tui.app.calendar_panel import CalendarPanel

        if self._calendar is not None:  # asked for twice before the first was made
            return
        panel = self._calendar = CalendarPanel(self.services, id="calendar-panel")
        await self.mount(panel)
        if on_post is None:
            panel.reload()
        else:
            panel.show_post(*on_post)
        self.focus_main()

    def start(self) -> None:
        services = self.services
        # Started before the screen's first layout: the resolution is the one its width will give.
        first = first_grid(services.session.me, services.now(), services.config.clock24, self.app.size.width)
        self.zone, self.resolution = first.zone, first.resolution
        self._own_zone = first.zone
        self.day = self._today = first.day
        self._fit_resolution()
        self.reload()
        self.set_interval(TICK, self.tick)

    def store_changed(self, ops: list[Op], ours: bool) -> None:
        here = self.services.session.me.tz
        # The viewer moved (member set --tz): a grid in their old zone, as it opened, goes with them, and so does the
        # calendar beside it (read again then, these changes with it); one drawn in another zone (Z) stays there.
        moved_from = self._own_zone if self._own_zone not in (None, here) else None
        calendar = self._calendar
        if calendar is not None and not (moved_from and calendar.viewer_moved(moved_from, here)) and calendar.read is not None:
            calendar.store_changed(ops)
        if moved_from is not None:
            self._own_zone = here
            if self.zone == moved_from:
                self._zone_picked(here)
                return
        if any(
            op.entity == "member"
            or op.entity in HELD_ENTITIES
            or (op.entity == "task" and (op.field in SHOWN_TASK_FIELDS or op.field in HELD_TASK_FIELDS))
            for op in ops
        ):
            self.reload()

    def on_resize(self) -> None:
        if self._fit_resolution():
            self._keep_cursor_instant()
            self.reload()

    def _fit_resolution(self) -> bool:
        """Hours across where half hours do not fit the pane; whether that changed the resolution."""
        width = self.content_size.width
        if not width:  # hidden behind another tab
            return False
        resolution = grid_resolution(width)
        changed, self.resolution = resolution != self.resolution, resolution
        return changed

    def today(self) -> dt.date:
        assert self.zone is not None
        return self.services.now().astimezone(zone_info(self.zone)).date()

    def tick(self) -> None:
        """Build the grid again for the clock's sake; a grid left on today moves to the new day at midnight."""
        today = self.today()
        if self.day == self._today:
            self.day = today
        self._today = today
        self.reload()

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        if self.day is None or self.zone is None:
            return
        self.generation += 1
        query = GridQuery(self.day, self.zone, self.resolution, self.services.config.clock24)
        opening = self.services.opening
        if self.generation == 1 and opening is not None:
            # Read while Textual started, it is usually ready: shown now, it is in the first paint.
            first = opening.grid(query, wait=False)
            if first is not None:
                self._show(first, self.generation)
                return
        self._load(query, self.generation)

    @background(exclusive=True, group="grid-load")
    def _load(self, query: GridQuery, generation: int) -> None:
        try:
            opening = self.services.opening
            grid = opening.grid(query, wait=True) if generation == 1 and opening is not None else None
            if grid is None:
                grid = query.read(self.services.session, self.services.now())
        except Exception:
            if self.shown is None:  # the app need not wait for a grid that failed
                self.app.call_from_thread(self.drawn)
            raise
        self.app.call_from_thread(self._show, grid, generation)

    def _show(self, grid: Grid, generation: int) -> None:
        # Thread workers cannot be cancelled: an older build may land last.
        if generation != self.generation:
            return
        widget = self.grid
        if self.shown is None:  # the first grid: the cursor starts on your own row
            self.call_after_refresh(self.drawn)
            keys = [row.key for row in grid.rows]
            me = self.services.session.me.id
            widget.cursor_row = keys.index(me) if me in keys else 0
        kept = self._keep_instant
        if kept is not None:
            starts = [c.start for c in grid.columns]
            widget.cursor_column = max(0, bisect.bisect_right(starts, kept) - 1)
            self._keep_instant = None
        elif self.shown is None:
            kept = self.services.now()  # the first grid's cursor is on now
        self.shown = grid
        widget.data = grid
        if kept is not None:
            self._placed = ((grid.zone, grid.day, grid.cells_per_hour), widget.cursor_column, kept)

    # ------------------------------------------------------------ the grid's requests

    @on(DeadlineGrid.DayRequested)
    def _day(self, message: DeadlineGrid.DayRequested) -> None:
        if self.day is not None:
            self._show_day(self.day + dt.timedelta(days=message.offset))

    def _show_day(self, day: dt.date) -> None:
        """The grid of ``day``; the cursor keeps its time of day, not its column: on a 23- or 25-hour day they differ."""
        if self.zone is None:
            return
        self.day = day
        if self.shown is not None and self.shown.columns:
            cursor = self._cursor_instant()
            tz = zone_info(self.zone)
            self._keep_instant = localize(dt.datetime.combine(day, cursor.astimezone(tz).time()), tz)
        self.reload()

    def action_go_to_day(self) -> None:
        """Ask for a day as quick-add reads one ("mar 28", "2027-03-28", "+3w", "next mon") and show it."""
        from crewdeck.tui.app.screens.prompt import PromptScreen

        if self.zone is None:
            self.app.bell()
            return
        self.app.push_screen(
            PromptScreen(
                f"Go to day — in {self.zone}",
                "mar 28 · 2027-10-31 · +3w · next mon · fri",
                preview=lambda text: f"→ {self._typed_day(text):%a %Y-%m-%d}",
                submit=self._typed_day,
            ),
            self._day_typed,
        )

    def _typed_day(self, text: str) -> dt.date:
        """The day ``text`` names, from today in the grid's zone; ``DateError`` (a refusal) says why it names none.  ``eow``
        and ``next week`` are of the viewer's week, as in their filters (they were Monday to Friday's for everyone)."""
        works, week_starts = working_week(self.services.session.me)
        return parse_day(text, self.today(), works, week_starts)

    def _day_typed(self, text: str | None) -> None:
        if text:
            self._show_day(self._typed_day(text))

    @on(DeadlineGrid.NowRequested)
    def _now(self, message: DeadlineGrid.NowRequested) -> None:
        if self.zone is not None:
            self.day = self.today()
            self.reload()

    @on(DeadlineGrid.ZonePickRequested)
    def _pick_zone(self, message: DeadlineGrid.ZonePickRequested) -> None:
        from crewdeck.tui.app.screens.picker import Choice

        services = self.services
        zones = zone_choices(
            services.session.me, services.members, services.campaigns, services.now(), current=message.zone, clock24=services.config.clock24
        )
        width = max(len(z.tz) for z in zones)
        local_width = max(len(z.local) for z in zones)
        choices = [
            Choice(z.tz, f"{z.tz:<{width}}  {z.local:<{local_width}}  {z.who}", str(n) if n < 10 else "")
            for n, z in enumerate(zones, start=1)
        ]
        from crewdeck.tui.app.screens.picker import PickerScreen

        self.app.push_screen(PickerScreen("Draw the grid in (their time now)", choices, message.zone), self._zone_picked)

    def _zone_picked(self, tz: str | None) -> None:
        if not tz or tz == self.zone:
            return
        # Keep the cursor on the same instant: the day is the one it falls on there.
        instant = self._keep_cursor_instant()
        self.zone = tz
        self.day = instant.astimezone(zone_info(tz)).date()
        self._today = self.today()
        self.reload()

    def _keep_cursor_instant(self) -> dt.datetime:
        """The instant under the cursor (now, before the first grid): the next grid puts the cursor there."""
        instant = self._cursor_instant() if self.shown is not None and self.shown.columns else self.services.now()
        self._keep_instant = instant
        return instant

    def _cursor_instant(self) -> dt.datetime:
        """The instant the cursor stands for: the one the pane put it on while it is still there, else its column's
        start.  A column's start alone drifted: by the hour, 10:30 in Berlin is under 10:00, 15:00 in Kolkata, whose
        column holds 09:30 UTC, and back in Berlin that is under 09:00, an hour earlier at each `Z` there and back."""
        shown = self.shown
        assert shown is not None
        column = min(self.grid.cursor_column, len(shown.columns) - 1)
        start = shown.columns[column].start
        end = shown.columns[column + 1].start if column + 1 < len(shown.columns) else None
        placed = self._placed
        if placed is not None and placed[:2] == ((shown.zone, shown.day, shown.cells_per_hour), column):
            instant = placed[2]
            if start <= instant and (end is None or instant < end):
                return instant
        return start

    # ------------------------------------------------------------ meetings

    def action_plan_meeting(self) -> None:
        """Open the planner: you and the member under the cursor required, from the day shown (or today)."""
        services = self.services
        members = list(self.shown.members) if self.shown is not None else list(services.members)
        if not members or self.zone is None or self.day is None:
            self.app.bell()
            return
        required = [services.session.me.id]
        selected = self.grid.selected_row_key
        if selected and selected not in required:
            required.append(selected)
        from crewdeck.tui.app.screens.planner import PlannerScreen

        self.app.push_screen(PlannerScreen(services, members, required, self.zone, max(self.day, self.today())))
