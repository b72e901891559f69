"""The content calendar: a row per platform (or campaign), days across, each post a glyph coloured by its state.

Drawn line by line (``render_line``): a title, the days, then one line per
row.  Days that do not fit the width (a month at 80 columns) scroll: the
ones shown always hold the cursor's.  What it shows is a ``CalendarData`` its owner builds; the cursor is a
cell and a post in it (``space`` steps through a cell's posts).  The other
keys are the owner's: each posts ``KeyRequested`` with its name, and the
owner says which it does not offer now and why (``withhold``: hidden from the
footer and the palette, doing nothing, and the why said when one is pressed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from crewdeck.widgets.pane_bar import whole_parts
from crewdeck.widgets.windowed_table import HeldKeys

#: States with a colour of their own.
CALENDAR_STATES = (
    "idea",
    "draft",
    "in-review",
    "changes-requested",
    "approved",
    "scheduled",
    "published",
    "pulled",
    "expired",
    "paused",
    "missed",
)
#: Lines above the rows: the title and the days.
HEADER = 2
#: A quiet day with no post: shaded, and not a dot, which is an idea's glyph (the two differed only by colour).
QUIET_MARK = "░"


@dataclass(frozen=True)
class CalendarMark:
    glyph: str
    state: str
    flagged: bool


@dataclass(frozen=True)
class CalendarData:
    #: In parts, in the order a narrow pane keeps them (shown joined by " · ").
    title: tuple[str, ...]
    days: tuple[str, ...]
    #: Weekend days (drawn muted) and today's index, if shown.
    weekend: tuple[bool, ...]
    today: int | None
    rows: tuple[str, ...]
    cells: Mapping[tuple[int, int], tuple[CalendarMark, ...]] = field(default_factory=dict)
    quiet: frozenset[tuple[int, int]] = frozenset()


class ContentCalendar(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(0, -1)", "Day before", show=False, id="calendar.left"),
        Binding("right,l", "move(0, 1)", "Day after", show=False, id="calendar.right"),
        Binding("up,k", "move(-1, 0)", "Row up", show=False, id="calendar.up"),
        Binding("down,j", "move(1, 0)", "Row down", show=False, id="calendar.down"),
        Binding("space", "next_in_cell", "Next post in the day", show=False, id="calendar.next_in_cell"),
        Binding("left_square_bracket", "request('previous')", "Previous period", show=False, id="calendar.previous"),
        Binding("right_square_bracket", "request('next')", "Next period", show=False, id="calendar.next"),
        Binding("t", "request('today')", "Today", id="calendar.today"),
        Binding("w", "request('period')", "Week/month", id="calendar.period"),
        # Named in the footer as the grid, the Deadlines pane's other view, names its zone key: the title says the zone in
        # use and the rows say what they are, and the words of what each toggles between left `? Keys  q Quit` no room at
        # 160 columns.  The help, which has the room, says them (the tooltip: what `?` shows of a binding, when it has one).
        Binding("r", "request('rows')", "Rows", id="calendar.rows", tooltip="Rows: platform/campaign"),
        Binding("Z", "request('zone')", "Zone", id="calendar.zone", tooltip="Zone: yours/audience"),
        Binding("plus", "request('later_hour')", "+1 hour", id="calendar.later_hour"),
        Binding("minus", "request('earlier_hour')", "-1 hour", id="calendar.earlier_hour"),
        Binding("greater_than_sign", "request('later_day')", "+1 day", id="calendar.later_day"),
        Binding("less_than_sign", "request('earlier_day')", "-1 day", id="calendar.earlier_day"),
        Binding("enter", "request('open')", "Open", id="calendar.open"),
        Binding("a", "request('approve')", "Approve", id="calendar.approve"),
        Binding("g", "request('gap')", "Next gap", id="calendar.gap"),
        Binding("u", "request('undo')", "Undo", id="calendar.undo"),
        Binding("ctrl+r,U", "request('redo')", "Redo", show=False, id="calendar.redo"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "calendar--title",
        "calendar--day",
        "calendar--weekend",
        "calendar--today",
        "calendar--row",
        "calendar--quiet",
        "calendar--flag",
        "calendar--cursor",
        *(f"calendar--{state}" for state in CALENDAR_STATES),
    }

    #: Not scoped: the light theme's rules are the app's (``App:light``); the others name ContentCalendar already.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    ContentCalendar { height: 1fr; background: $surface; }
    ContentCalendar > .calendar--title { text-style: bold; color: $accent; }
    ContentCalendar > .calendar--day { color: $foreground-muted; text-style: bold; }
    ContentCalendar > .calendar--weekend { color: $foreground-muted; }
    ContentCalendar > .calendar--today { color: $accent; text-style: bold underline; }
    ContentCalendar > .calendar--row { color: $foreground; text-style: bold; }
    ContentCalendar > .calendar--quiet { background: $error 20%; }
    ContentCalendar > .calendar--flag { text-style: bold underline; }
    ContentCalendar > .calendar--cursor { background: $block-cursor-blurred-background; }
    ContentCalendar:focus > .calendar--cursor { background: $block-cursor-background; }
    ContentCalendar > .calendar--idea { color: $foreground-muted; }
    ContentCalendar > .calendar--draft { color: $foreground; }
    ContentCalendar > .calendar--in-review { color: $warning; }
    ContentCalendar > .calendar--changes-requested { color: $error; }
    ContentCalendar > .calendar--approved { color: $success; }
    ContentCalendar > .calendar--scheduled { color: $accent; }
    ContentCalendar > .calendar--published { color: $foreground-muted; }
    ContentCalendar > .calendar--pulled { color: $foreground-muted; }
    ContentCalendar > .calendar--expired { color: $error; }
    ContentCalendar > .calendar--paused { color: $warning; text-style: bold; }
    ContentCalendar > .calendar--missed { color: $error; text-style: bold; }
    /* A light theme's $accent, $warning and $success are made for backgrounds: as text on its surface they read at a
       contrast of 1.4 to 1.6 (textual-light).  Its $text-* shades of them are made for text. */
    App:light ContentCalendar {
        & > .calendar--title { color: $text-accent; }
        & > .calendar--today { color: $text-accent; }
        & > .calendar--in-review { color: $text-warning; }
        & > .calendar--approved { color: $text-success; }
        & > .calendar--scheduled { color: $text-accent; }
        & > .calendar--paused { color: $text-warning; }
        /* Its cursor is dark: the post under it, in a state's dark shade, read at 1.7.  The line below names the state. */
        &:focus > .calendar--cursor { color: $block-cursor-foreground; }
    }
    """

    @dataclass
    class CursorMoved(Message):
        calendar: ContentCalendar
        row: int
        day: int
        index: int

    @dataclass
    class KeyRequested(Message):
        calendar: ContentCalendar
        name: str

    @dataclass
    class KeyKept(Message):
        """A key withheld until the owner's read says whether it is offered (``withhold``'s ``asking``), pressed
        meanwhile: it waits in ``held``, with the keys typed after it, for the owner to send them on once the read is
        in, or to drop them."""

        calendar: ContentCalendar
        name: str
        held: HeldKeys

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: CalendarData | None = None
        self.row = 0
        self.day = 0
        #: Which post of the cell (by slot).
        self.index = 0
        #: The first day drawn: the days scroll when they do not all fit the width.
        self.first_day = 0
        #: The owner's keys it does not offer now (their names), each with why ("": nothing to say).
        self.withheld: Mapping[str, str] = {}
        #: Those withheld only until the owner's read says whether they are offered, with what that read is.
        self.asking: Mapping[str, str] = {}
        #: The styles of one paint.
        self._styles: dict[str, Style] = {}

    def show(self, data: CalendarData, row: int | None = None, day: int | None = None, index: int | None = None) -> None:
        """New data; the cursor where asked, else where it was (kept in range)."""
        self.data = data
        self.row = max(0, min(self.row if row is None else row, len(data.rows) - 1))
        self.day = max(0, min(self.day if day is None else day, len(data.days) - 1))
        self.index = self.index if index is None else index
        self._clamp_index()
        self.refresh()
        self._announce()

    def _clamp_index(self) -> None:
        count = len(self.data.cells.get((self.row, self.day), ())) if self.data else 0
        self.index = max(0, min(self.index, count - 1))

    def _announce(self) -> None:
        self.post_message(self.CursorMoved(self, self.row, self.day, self.index))

    def action_move(self, rows: int, days: int) -> None:
        if self.data is None or not self.data.rows:
            return
        self.row = max(0, min(self.row + rows, len(self.data.rows) - 1))
        self.day = max(0, min(self.day + days, len(self.data.days) - 1))
        self.index = 0
        self.refresh()
        self._announce()

    def move_to(self, row: int, day: int, index: int = 0) -> None:
        """Put the cursor on a cell (and a post in it)."""
        self.row, self.day, self.index = row, day, index
        self._clamp_index()
        self.refresh()
        self._announce()

    def action_next_in_cell(self) -> None:
        if self.data is None:
            return
        count = len(self.data.cells.get((self.row, self.day), ()))
        self.index = (self.index + 1) % count if count else 0
        self.refresh()
        self._announce()

    def withhold(self, names: Mapping[str, str], asking: Mapping[str, str] | None = None) -> None:
        """Offer all the owner's keys but these, each with why it is not offered now ("": nothing to say).  ``asking``:
        those withheld only until a read of the owner's says whether they are offered, each with what the read is ("the
        post's approvals were read"): pressed meanwhile, one waits for it (``KeyKept``), where it did nothing."""
        changed = names.keys() != self.withheld.keys()
        self.withheld = dict(names)
        self.asking = dict(asking or {})
        if changed:
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "request" and parameters and parameters[0] in self.withheld)

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a key withheld is, said when it is pressed (the app's hidden keys' one line): where it did nothing, unsaid."""
        if action == "request" and parameters:
            return self.withheld.get(str(parameters[0])) or None
        return None

    def read_before(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """What a key withheld waits for to be offered or refused (``asking``), for the app to hold it meanwhile."""
        return self.asking.get(str(parameters[0])) if action == "request" and parameters else None

    def keep_until_read(self, action: str, parameters: tuple[object, ...], held: HeldKeys) -> None:
        self.post_message(self.KeyKept(self, str(parameters[0]), held))

    def action_request(self, name: str) -> None:
        self.post_message(self.KeyRequested(self, name))

    # ------------------------------------------------------------ drawing

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"calendar--{name}", partial=True)
        return style

    def _widths(self, data: CalendarData) -> tuple[int, int]:
        label = min(16, max([len(r) for r in data.rows] + [8]) + 1)
        return label, max(3, (self.size.width - label) // max(1, len(data.days)))

    def _shown_days(self, data: CalendarData, label: int, cell: int) -> range:
        """The days drawn: as many as fit after the row names, scrolled (``first_day``) to hold the cursor's."""
        fit = max(1, (self.size.width - label) // cell)
        first = min(self.first_day, self.day, max(0, len(data.days) - fit))
        self.first_day = max(first, self.day - fit + 1)
        return range(self.first_day, min(len(data.days), self.first_day + fit))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        data = self.data
        if y == 0:
            self._styles = {}  # a new paint: the theme may have changed
        if data is None:
            return Strip.blank(width, base)
        label, cell = self._widths(data)
        days = self._shown_days(data, label, cell)
        if y == 0:
            strip = Strip([Segment(f" {_fitted(data.title, width - 1)}", base + self._style("title"))])
        elif y == 1:
            segments = [Segment(" " * label, base)]
            for n in days:
                name = "today" if n == data.today else "weekend" if data.weekend[n] else "day"
                segments.append(Segment(data.days[n][: cell - 1].ljust(cell), base + self._style(name)))
            strip = Strip(segments)
        else:
            row = y - HEADER
            if row >= len(data.rows):
                return Strip.blank(width, base)
            strip = Strip(self._row(data, row, days, label, cell, base))
        return strip.crop_extend(0, width, base)

    def _row(self, data: CalendarData, row: int, days: range, label: int, cell: int, base: Style) -> list[Segment]:
        segments = [Segment(data.rows[row][: label - 1].ljust(label), base + self._style("row"))]
        for day in days:
            marks = data.cells.get((row, day), ())
            style = base + self._style("quiet") if (row, day) in data.quiet else base
            cursor_here = row == self.row and day == self.day
            if cursor_here:
                style += self._style("cursor")
            room = cell - 1
            shown = marks if len(marks) <= room else marks[: max(0, room - 2)]
            used = 0
            for n, mark in enumerate(shown):
                mark_style = style + self._style(mark.state)
                if mark.flagged:
                    mark_style += self._style("flag")
                if cursor_here and n == self.index:
                    mark_style += Style(reverse=True)
                segments.append(Segment(mark.glyph, mark_style))
                used += 1
            if len(shown) < len(marks):
                more = f"+{len(marks) - len(shown)}"[: room - used]
                segments.append(Segment(more, style))
                used += len(more)
            if not marks and (row, day) in data.quiet:
                segments.append(Segment(QUIET_MARK, style))
                used += 1
            segments.append(Segment(" " * (cell - used), style if cursor_here else base))
        return segments


def _fitted(title: Sequence[str], width: int) -> str:
    """``title``'s parts that fit ``width`` whole, from the first: the last say least; the first, cut with "…" if it alone does not fit."""
    shown = whole_parts(title, width)
    return shown if cell_len(shown) <= width else set_cell_size(shown, max(0, width - 1)) + "…"
