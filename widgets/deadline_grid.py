"""The deadline grid: who works when, across zones, on one day.

Rows are members grouped by zone (a header line per group says the zone
and its offset, and stays at the top while its members scroll past); columns are the slices (half hours or hours) of one day
in the zone the grid is drawn in: 46 or 50 of them on a DST day, because a
day is as long as it really is.  Working hours are shaded, the "now"
column is tinted, deadlines (◆) and publish slots (▲) are coloured by
urgency, and a zone's change of offset during the day is marked (»).

The selected column is read in every member's time: the left gutter shows
each member's local time at the selected column (with their weekday where it is
not the grid's day: "Wed 15:00") and whether they are in
hours (✓), partly (~) or out (✗); the bottom line sums it up (who is out,
and the marker under the cursor).  That strip is part of the widget, so it
scrolls with nothing and needs no help from the app.

The widget is fed plain data: any object with the attributes of the
``Grid*`` protocols below (``crewdeck.tui.time.grid`` builds exactly that from a
workspace).  It never computes a time zone itself; changing the day or the
zone is the app's job, asked for with messages (``DayRequested``,
``NowRequested``, ``ZonePickRequested``).  Drawing uses the line API, so
only the visible lines are rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from crewdeck.widgets import cutting
from crewdeck.widgets.steady_scroll_view import SteadyScrollView

#: Width of the left gutter (``DeadlineGrid.gutter_width``, wider where the handle would keep too few cells, and where a
#: longer handle fits beside the day's columns): handle, local time at the cursor, in/out mark.
GUTTER = 17
#: The local time's least width ("15:00"); a wider one ("12:30pm") takes its cells from the handle's.
LOCAL_WIDTH = 5
#: The fewest cells the handle keeps ("@sofia") when a weekday before the time takes its cells too: the gutter widens
#: by what is missing (by one, by three on a 12-hour clock).
LEAST_LABEL_WIDTH = 6
#: The widest the gutter grows: a weekday and a 12-hour clock (" @sofia Wed 12:30pm✓"), the room a pane keeps for it.
WIDEST_GUTTER = 2 + LEAST_LABEL_WIDTH + len(" Wed ") + len("12:30pm")
HEADER_LINES = 2
FOOTER_LINES = 1


# What the grid is fed, read-only: ``crewdeck.tui.time.grid``'s ``Grid``,
# ``GridRow``, ``GridColumn`` and ``GridMarker`` are these (tests/test_mirrors.py).


class GridColumnLike(Protocol):
    @property
    def label(self) -> str:
        """Ruler text starting at this column ("09"), or ""."""

    @property
    def title(self) -> str:
        """The column's start in the grid's zone, for the detail line ("Thu 09:30 CET")."""

    @property
    def transition(self) -> str:
        """The grid zone's change of offset at this column's start ("+02:00→+01:00"), or ""."""


class GridMarkerLike(Protocol):
    @property
    def column(self) -> int: ...
    @property
    def kind(self) -> str:
        """Either "due" or "publish"."""

    @property
    def urgency(self) -> str:
        """One of "overdue", "soon", "later" and "done"."""

    @property
    def text(self) -> str: ...


class GridRowLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str:
        """What the row is called ("@raj")."""

    @property
    def group(self) -> str:
        """The zone group the row belongs to ("Asia/Kolkata  IST  UTC+05:30")."""

    @property
    def cells(self) -> str:
        """One character per column: "w" working, "p" partly, "." off, "x" a day off."""

    @property
    def local(self) -> Sequence[str]:
        """The member's local time at each column's start ("15:00" or "3:00pm", as the app's clock setting says)."""

    @property
    def days(self) -> Sequence[str]:
        """The member's weekday at each column's start where it is not the grid's day ("Fri"), else ""."""

    @property
    def transitions(self) -> Sequence[tuple[int, str]]:
        """Columns where the member's offset changes, with what it changes to."""

    @property
    def markers(self) -> Sequence[GridMarkerLike]: ...


class GridDataLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def zone(self) -> str: ...
    @property
    def columns(self) -> Sequence[GridColumnLike]: ...
    @property
    def rows(self) -> Sequence[GridRowLike]: ...
    @property
    def cells_per_hour(self) -> int:
        """Columns per hour: ``h``/``l`` move by an hour."""

    @property
    def now_column(self) -> int | None: ...


_CELL_GLYPH = {"w": "█", "p": "▌", ".": "·", "x": "-"}
_CELL_CLASS = {"w": "working", "p": "partly", ".": "off", "x": "day-off"}
_STATUS = {"w": "✓", "p": "~"}


class DeadlineGrid(SteadyScrollView, can_focus=True):
    """A day of the team's working hours, deadlines and publish slots, by zone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "earlier", "Earlier hour", show=False, id="deadline_grid.earlier"),
        Binding("l", "later", "Later hour", show=False, id="deadline_grid.later"),
        Binding("j", "next_member", "Next member", show=False, id="deadline_grid.next_member"),
        Binding("k", "previous_member", "Previous member", show=False, id="deadline_grid.previous_member"),
        Binding("[", "previous_day", "Previous day", id="deadline_grid.previous_day"),
        Binding("]", "next_day", "Next day", id="deadline_grid.next_day"),
        Binding("t", "now", "Now", id="deadline_grid.now"),
        Binding("Z", "pick_zone", "Zone", id="deadline_grid.pick_zone"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "deadline-grid--title",
        "deadline-grid--ruler",
        "deadline-grid--group",
        "deadline-grid--member",
        "deadline-grid--in",
        "deadline-grid--out",
        "deadline-grid--working",
        "deadline-grid--partly",
        "deadline-grid--off",
        "deadline-grid--day-off",
        "deadline-grid--now",
        "deadline-grid--column",
        "deadline-grid--cursor",
        "deadline-grid--transition",
        "deadline-grid--marker-overdue",
        "deadline-grid--marker-soon",
        "deadline-grid--marker-later",
        "deadline-grid--marker-done",
        "deadline-grid--detail",
    }

    #: Not scoped: the light theme's and NO_COLOR's rules below are the app's (``App:light``, ``App:nocolor``); the others
    #: name DeadlineGrid already.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    DeadlineGrid {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .deadline-grid--title { text-style: bold; color: $foreground; }
        & > .deadline-grid--ruler { color: $foreground-muted; }
        & > .deadline-grid--group { color: $accent; text-style: bold; }
        & > .deadline-grid--member { color: $foreground; }
        & > .deadline-grid--in { color: $success; }
        & > .deadline-grid--out { color: $foreground-muted; }
        & > .deadline-grid--working { color: $success 70%; }
        & > .deadline-grid--partly { color: $success 50%; }
        & > .deadline-grid--off { color: $foreground-muted 40%; }
        & > .deadline-grid--day-off { color: $warning; }
        & > .deadline-grid--now { background: $warning 30%; }
        & > .deadline-grid--column { background: $accent 15%; }
        & > .deadline-grid--cursor { background: $accent; color: $text; }
        & > .deadline-grid--transition { color: $warning; text-style: bold; }
        & > .deadline-grid--marker-overdue { color: $error; text-style: bold; }
        & > .deadline-grid--marker-soon { color: $warning; text-style: bold; }
        & > .deadline-grid--marker-later { color: $primary; text-style: bold; }
        & > .deadline-grid--marker-done { color: $foreground-muted; }
        & > .deadline-grid--detail { background: $panel; color: $foreground; }
    }
    /* A light theme's $accent, $warning and $success are made for backgrounds: as text on its surface they read at a
       contrast of 1.3 to 1.6 (textual-light).  Its $text-* shades of them are made for text. */
    App:light DeadlineGrid {
        & > .deadline-grid--group { color: $text-accent; }
        & > .deadline-grid--in { color: $text-success; }
        & > .deadline-grid--working { color: $text-success; }
        & > .deadline-grid--partly { color: $text-success 70%; }
        & > .deadline-grid--day-off { color: $text-warning; }
        & > .deadline-grid--transition { color: $text-warning; }
        & > .deadline-grid--marker-soon { color: $text-warning; }
    }
    /* NO_COLOR turns every colour to its grey: an overdue deadline's red, a later one's blue and the "now" column's
       tint came out as one dim grey.  Urgency and now are then said by the text's style. */
    App:nocolor DeadlineGrid {
        & > .deadline-grid--now { background: $foreground 60%; }
        & > .deadline-grid--marker-overdue { color: $foreground; text-style: bold reverse; }
        & > .deadline-grid--marker-soon { color: $foreground; text-style: bold underline; }
        & > .deadline-grid--marker-later { color: $foreground; }
    }
    """

    @dataclass
    class DayRequested(Message):
        """``[`` or ``]``: the app should show the day ``offset`` days away."""

        grid: DeadlineGrid
        offset: int

        @property
        def control(self) -> DeadlineGrid:
            return self.grid

    @dataclass
    class NowRequested(Message):
        """``t`` while the grid shows another day: the app should show today (the cursor goes to now)."""

        grid: DeadlineGrid

        @property
        def control(self) -> DeadlineGrid:
            return self.grid

    @dataclass
    class ZonePickRequested(Message):
        """``Z``: the app should offer zones and redraw the grid in the one picked."""

        grid: DeadlineGrid
        zone: str

        @property
        def control(self) -> DeadlineGrid:
            return self.grid

    @dataclass
    class CellSelected(Message):
        """The cursor moved: the member row's key and the column."""

        grid: DeadlineGrid
        row_key: str | None
        column: int

        @property
        def control(self) -> DeadlineGrid:
            return self.grid

    def __init__(
        self, data: GridDataLike | None = None, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._data: GridDataLike | None = None
        #: Body lines: ("group", first row index) or ("row", row index).
        self._lines: list[tuple[str, int]] = []
        self._row_line: list[int] = []
        #: Cells for the local times: the widest the data has, at least ``LOCAL_WIDTH``.
        self._local_width = LOCAL_WIDTH
        #: Cells for a weekday and the spaces around it (" Wed "): none when every time is on the grid's day.
        self._day_width = 0
        #: Cells before the first column.
        self.gutter_width = GUTTER
        self.cursor_row = 0
        self.cursor_column = 0
        self._to_now = True
        if data is not None:
            self.data = data

    # ------------------------------------------------------------ data

    @property
    def data(self) -> GridDataLike | None:
        return self._data

    @data.setter
    def data(self, data: GridDataLike) -> None:
        """Show new data, keeping the cursor on the same member and slice of the day."""
        previous_key = self.selected_row_key
        self._data = data
        self._lines = []
        self._row_line = []
        group = None
        for index, row in enumerate(data.rows):
            if row.group != group:
                self._lines.append(("group", index))
                group = row.group
            self._row_line.append(len(self._lines))
            self._lines.append(("row", index))
        self._local_width = max([LOCAL_WIDTH, *(len(local) for row in data.rows for local in row.local)])
        self._day_width = max([0, *(len(day) + 2 for row in data.rows for day in row.days if day)])
        self._fit_gutter()
        keys = [r.key for r in data.rows]
        self.cursor_row = keys.index(previous_key) if previous_key in keys else min(self.cursor_row, max(0, len(keys) - 1))
        if self._to_now and data.now_column is not None:
            self.cursor_column = data.now_column
        self._to_now = False
        self.cursor_column = max(0, min(self.cursor_column, len(data.columns) - 1))
        self._scroll_to_cursor()
        self.refresh()

    def _fit_gutter(self) -> None:
        """The gutter's width: the least it takes, widened for the longest handle as far as the day's columns leave room.

        A handle cut short reads as another member ("@chris" for "@christopher"): shown whole where the pane has the
        cells, else cut with an ellipsis (``_row``).
        """
        data = self._data
        if data is None:
            return
        least = max(GUTTER, 2 + LEAST_LABEL_WIDTH + self._day_width + self._local_width)
        wanted = 2 + max([0, *(cell_len(row.label) for row in data.rows)]) + self._day_width + self._local_width
        room = self.scrollable_content_region.width - len(data.columns)
        self.gutter_width = max(least, min(wanted, room))
        # One line more where the body scrolls: the zone's line kept at the top takes a line of its own (``_body_line``).
        sticky = len(self._lines) > self._body_height
        self.virtual_size = Size(self.gutter_width + len(data.columns), HEADER_LINES + len(self._lines) + sticky + FOOTER_LINES)

    def on_resize(self) -> None:
        self._fit_gutter()

    @property
    def _label_width(self) -> int:
        """The cells a handle has in the gutter: a space before it, its local time and mark after, room for a weekday."""
        return self.gutter_width - 2 - self._day_width - self._local_width

    @property
    def selected_row_key(self) -> str | None:
        if self._data is None or not self._data.rows:
            return None
        return self._data.rows[min(self.cursor_row, len(self._data.rows) - 1)].key

    # ------------------------------------------------------------ actions

    def _moved(self) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.CellSelected(self, self.selected_row_key, self.cursor_column))

    def _move_column(self, delta: int) -> None:
        if self._data is None:
            return
        self.cursor_column = max(0, min(len(self._data.columns) - 1, self.cursor_column + delta))
        self._moved()

    def action_earlier(self) -> None:
        self._move_column(-(self._data.cells_per_hour if self._data else 1))

    def action_later(self) -> None:
        self._move_column(self._data.cells_per_hour if self._data else 1)

    def _move_row(self, delta: int) -> None:
        if self._data is None or not self._data.rows:
            return
        self.cursor_row = max(0, min(len(self._data.rows) - 1, self.cursor_row + delta))
        self._moved()

    def action_next_member(self) -> None:
        self._move_row(1)

    def action_previous_member(self) -> None:
        self._move_row(-1)

    def action_previous_day(self) -> None:
        self.post_message(self.DayRequested(self, -1))

    def action_next_day(self) -> None:
        self.post_message(self.DayRequested(self, 1))

    def action_now(self) -> None:
        if self._data is not None and self._data.now_column is not None:
            self.cursor_column = self._data.now_column
            self._moved()
        else:
            self._to_now = True
            self.post_message(self.NowRequested(self))

    def action_pick_zone(self) -> None:
        self.post_message(self.ZonePickRequested(self, self._data.zone if self._data else "UTC"))

    @property
    def _body_height(self) -> int:
        return max(1, self.size.height - HEADER_LINES - FOOTER_LINES)

    def _sticky(self, top: int) -> bool:
        """Whether, scrolled to ``top``, the first body line names the zone of the member below it: scrolled, with a
        member's row first (a zone's own line at the top is that already)."""
        return 0 < top < len(self._lines) and self._lines[top][0] == "row" and self._body_height > 1

    def _body_line(self, y: int) -> int | None:
        """Which of ``_lines`` the body's line ``y`` shows; ``None``: the zone of the member below, kept at the top."""
        top = self.scroll_offset.y
        if self._body_height == 1 and self._row_line:
            return self._row_line[self.cursor_row]  # a grid one line high: the cursor's row
        if self._sticky(top):
            # A line of its own: drawn over the first member's row, it hid them (the last of a zone, over the next zone's line).
            return None if y == 0 else top + y - 1
        return top + y

    def _scroll_to_cursor(self) -> None:
        if not self._row_line:
            return
        line = self._row_line[self.cursor_row]
        # The line above the cursor's stays in view: its group's header, or a member of its group.
        top = max(0, line - 1)
        y = self.scroll_offset.y
        last = y + self._body_height - 1 - self._sticky(y)
        if top < y:
            self.scroll_to(y=top, animate=False)
        elif line > last:
            self.scroll_to(y=max(0, line - self._body_height + 2), animate=False)

    # ------------------------------------------------------------ drawing

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"deadline-grid--{name}")

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        data = self._data
        if data is None:
            return Strip.blank(width, self.rich_style)
        if y < HEADER_LINES:
            strip = self._title(data) if y == 0 else self._ruler(data)
        elif y >= self.size.height - FOOTER_LINES:
            strip = self._detail(data)
        else:
            index = self._body_line(y - HEADER_LINES)
            # Scrolled past a group's header, the first line names that group: every member's local
            # time in view sits under the zone it is in.
            if index is None:
                strip = self._group(data, self._lines[self.scroll_offset.y][1])
            elif index >= len(self._lines):
                return Strip.blank(width, self.rich_style)
            else:
                kind, row_index = self._lines[index]
                strip = self._group(data, row_index) if kind == "group" else self._row(data, row_index)
        return strip.crop_extend(0, width, self.rich_style)

    def _title(self, data: GridDataLike) -> Strip:
        column = data.columns[self.cursor_column] if data.columns else None
        extra = f"  ·  cursor {column.title}" if column else ""
        width = self.scrollable_content_region.width
        # The detail line starts with the cursor's time too: a narrow pane leaves it out here rather than cut it ("cursor Thu 12-03 2").
        if cell_len(f" {data.title}{extra}") > width:
            extra = ""
        text = f" {data.title}{extra}"
        if cell_len(text) > width:  # cut where it shows: "UTC+10" for UTC+10:30 would read as another offset
            text = cutting.keep(text, max(0, width - 1)) + "…"
        return Strip([Segment(text, self._style("title"))])

    def _ruler(self, data: GridDataLike) -> Strip:
        ruler = self._style("ruler")
        segments = [Segment(" " * self.gutter_width, ruler)]
        text = [" "] * len(data.columns)
        for i, column in enumerate(data.columns):
            if i and text[i - 1] != " ":
                # Right after another label it would read as one number with it ("0003" by the hour on a
                # spring-forward night, where 03 follows 01): it is left out, the change's mark in its place.
                continue
            for j, char in enumerate(column.label):
                if i + j < len(text):
                    text[i + j] = char
        for i, column in enumerate(data.columns):
            if column.transition and text[i] == " ":
                # On an hour's label (03:00 on a spring-forward night) the mark would hide a digit ("»3"): the
                # label stays, marked by the transition style alone, and the rows below draw the mark.
                text[i] = "»"
        if data.now_column is not None and text[data.now_column] == " ":
            # On an hour's label the marker would hide a digit ("▼5" for 15):
            # the label stays, marked by the now style alone.
            text[data.now_column] = "▼"
        now = self._style("now")
        transition = self._style("transition")
        for i, char in enumerate(text):
            style = ruler
            if i == data.now_column:
                style = ruler + now
            elif data.columns[i].transition:
                style = transition
            segments.append(Segment(char, style))
        return Strip(Segment.simplify(segments))

    def _group(self, data: GridDataLike, row_index: int) -> Strip:
        return Strip([Segment(f" {data.rows[row_index].group}", self._style("group"))])

    def _row(self, data: GridDataLike, row_index: int) -> Strip:
        row = data.rows[row_index]
        col = self.cursor_column
        selected = row_index == self.cursor_row
        state = row.cells[col] if col < len(row.cells) else "."
        mark = _STATUS.get(state, "✗")
        local = row.local[col] if col < len(row.local) else ""
        # Another day than the grid's is said ("Wed 15:00"), as a time is everywhere else in the app.
        day = row.days[col] if col < len(row.days) else ""
        member_style = self._style("member") + (self._style("cursor") if selected else Style())
        # A space before the handle, the mark after the time; a handle too long for the room left beside any row's
        # weekday ends in an ellipsis, so it is not read as a shorter one.
        label_width = self._label_width
        padded = label_width + (0 if day else self._day_width)
        label = row.label if cell_len(row.label) <= label_width else cutting.keep(row.label, label_width - 1) + "…"
        segments = [
            Segment(" " + set_cell_size(label, padded), member_style),
            Segment(f"{f' {day} ' if day else ''}{local:>{self._local_width}}", self._style("member")),
            Segment(mark, self._style("in" if state in _STATUS else "out")),
        ]
        markers = {m.column: m for m in reversed(row.markers)}
        transitions = dict(row.transitions)
        now_style = self._style("now")
        column_style = self._style("column")
        cursor_style = self._style("cursor")
        for i, cell in enumerate(row.cells):
            marker = markers.get(i)
            if marker is not None:
                char, style = ("▲" if marker.kind == "publish" else "◆"), self._style(f"marker-{marker.urgency}")
            elif i in transitions:
                char, style = "»", self._style("transition")
            else:
                char, style = _CELL_GLYPH.get(cell, "·"), self._style(_CELL_CLASS.get(cell, "off"))
            if i == col:
                style = style + (cursor_style if selected else column_style)
            elif i == data.now_column:
                style = style + now_style
            segments.append(Segment(char, style))
        return Strip(Segment.simplify(segments))

    def _detail(self, data: GridDataLike) -> Strip:
        col = self.cursor_column
        if not data.columns:
            # A day the grid's zone skipped (Samoa's Fri 2011-12-30): the title names it, "(0 h day)".
            return Strip([Segment(f" no hours: {data.zone} skipped this day", self._style("detail"))])
        inside = [r for r in data.rows if col < len(r.cells) and r.cells[col] in _STATUS]
        outside = [r.label for r in data.rows if r not in inside]
        first = [f" {data.columns[col].title}", f"in hours {len(inside)}/{len(data.rows)}"]
        last: list[str] = []
        if data.columns[col].transition:
            last.append(f"clocks change {data.columns[col].transition}")
        if data.rows:
            row = data.rows[self.cursor_row]
            if cell_len(row.label) > self._label_width:  # cut in the gutter ("@christ…"): the cursor's row said whole
                day = row.days[col] if col < len(row.days) else ""
                local = row.local[col] if col < len(row.local) else ""
                last.append(f"{row.label} {f'{day} ' if day else ''}{local}".rstrip())
            # h and l move by an hour: what is due in the cursor's hour, or one at half past would never be read.
            here = [m.text for m in row.markers if col <= m.column < col + data.cells_per_hour]
            if here:
                last.append(here[0])
        # What is due under the cursor comes last and matters most: a narrow pane names fewer members out of hours, then none.
        width = self.scrollable_content_region.width  # not under the scroll bar
        for count in range(min(6, len(outside)), -1, -1):
            out = [f"out: {' '.join(outside[:count])}{' …' if len(outside) > count else ''}"] if count else []
            text = "  ·  ".join([*first, *out, *last])
            if cell_len(text) <= width:
                break
        else:
            text = cutting.keep(text, max(0, width - 1)) + "…"
        return Strip([Segment(text, self._style("detail"))])
