"""Plan a meeting from the deadline grid: who, how long, which days; the best slots; book one.

The same planner as ``crewdeck overlap`` (``crewdeck.tui.time.overlap.search``), and the
same booking as ``crewdeck overlap --book``: a meeting task that syncs like
any task and counts for fairness in later plans.  The slots are planned
again, in a worker, whenever the invitations or the fields change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, OptionList, Static

from crewdeck.sync.state.ids import new_id, short
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.fields import field_bindings
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import background
from crewdeck.tui.session.writing import Written
from crewdeck.tui.time import overlap
from crewdeck.tui.time.roster import status_text
from crewdeck.tui.time.when import clock_now
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.one_line_input import OneLineInput

#: What a member is asked to: the order ``space`` walks through.
INVITATIONS = ("required", "optional", "")


class InviteList(OptionList):
    """The members, each required, optional or not invited, with their local time now."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "invite", "Required/optional/out", id="planner.invite"),
        # The member list moves as every list of the app does, not by the arrows alone.
        Binding("j", "cursor_down", "Next member", show=False, id="planner.next_member"),
        Binding("k", "cursor_up", "Previous member", show=False, id="planner.previous_member"),
    ]

    @dataclass
    class Invited(Message):
        """``space`` on the member at ``index``: ask them to the next of ``INVITATIONS``."""

        invite_list: InviteList
        index: int

        @property
        def control(self) -> InviteList:
            return self.invite_list

    def action_invite(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Invited(self, self.highlighted))


class SlotTable(DataTable[str | Text]):
    """The ranked slots; ``enter`` books the one under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Book", id="planner.book"),
        Binding("j", "cursor_down", "Next slot", show=False, id="planner.next_slot"),
        Binding("k", "cursor_up", "Previous slot", show=False, id="planner.previous_slot"),
    ]


class PlannerScreen(Screen[None]):
    """Plan a meeting and book one of the slots.

    | key | action |
    |---|---|
    | `j` `k` `↓` `↑` | next / previous member, or slot |
    | `space` | (on a member) required → optional → not invited |
    | `tab` `shift+tab` | next / previous field: members, duration, from, days, slots |
    | `enter` | (on a slot) book it as a meeting, after asking its title |
    | `escape` `q` | back to the grid |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="planner.close"),
        *field_bindings("planner"),
    ]

    DEFAULT_CSS = """
    PlannerScreen { padding: 0 1; }
    PlannerScreen .planner--title { text-style: bold; color: $accent; height: 1; }
    PlannerScreen .planner--help { color: $foreground-muted; height: 1; }
    PlannerScreen InviteList { height: auto; max-height: 10; margin-top: 1; }
    PlannerScreen #planner-form { height: 1; margin-top: 1; }
    PlannerScreen #planner-form Label { width: auto; padding: 0 1 0 0; color: $foreground-muted; }
    PlannerScreen #planner-form Input { width: 14; margin-right: 2; }
    PlannerScreen #planner-days { width: 6; }
    PlannerScreen #planner-status { height: 1; }
    PlannerScreen #planner-status.-problem { color: $error; }
    PlannerScreen #planner-legend { height: auto; color: $foreground-muted; }
    PlannerScreen SlotTable { height: 1fr; }
    PlannerScreen #planner-why { height: auto; color: $foreground-muted; }
    """

    def __init__(self, services: Services, members: list[Member], required: list[str], tz: str, first: dt.date) -> None:
        super().__init__()
        self.services = services
        self.members = members
        #: Per member id: "required", "optional" or "" (not invited).
        self.invited = {m.id: ("required" if m.id in required else "") for m in members}
        self.tz = tz
        self.first = first
        self.slots: list[overlap.Slot] = []
        #: Bumped by every new plan; answers to older ones are dropped.
        self.generation = 0
        #: What the last plan was asked: who, and the fields as typed.
        self._asked: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Label(f"Plan a meeting — days and times in {self.tz}", classes="planner--title")
        invite, tab, book = (said_key(self.app, PLANNER_BINDINGS, key) for key in ("planner.invite", "planner.next_field", "planner.book"))
        yield Label(f"{invite}: required/optional/out · {tab}: next field · {book} on a slot: book it", classes="planner--help")
        yield InviteList(*[self._member_prompt(m) for m in self.members], id="planner-members", compact=True)
        with Horizontal(id="planner-form"):
            yield Label("Duration")
            yield OneLineInput("30m", id="planner-duration", compact=True)
            yield Label("From")
            yield OneLineInput(f"{self.first:%Y-%m-%d}", id="planner-from", compact=True)
            yield Label("Days")
            yield OneLineInput("7", id="planner-days", compact=True)
        yield Static("", id="planner-status")
        yield Static("\n".join(overlap.legend_lines(None, self.services.config.clock24)), id="planner-legend", markup=False)
        yield SlotTable(id="planner-slots", cursor_type="row", zebra_stripes=True)
        yield Static("", id="planner-why", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(InviteList).focus()
        self.replan()

    def on_resize(self) -> None:
        # Broken between its entries where it does not fit: at 80 columns "⊘ in a booked meeting   ? optional",
        # the marks the slots use, was past the edge.
        legend = self.query_one("#planner-legend", Static)
        legend.update("\n".join(overlap.legend_lines(self.size.width - 2, self.services.config.clock24)))

    def _member_prompt(self, member: Member) -> Content:
        now = self.services.now()
        state = self.invited[member.id]
        mark = (f"{state:<9}", "bold") if state == "required" else f"{state or '·':<9}"
        # As wide as the widest of every member's: "Thu 01:30 PST Los Angeles" is longer than "Thu 10:30 CET".
        handles = {m.id: visible(f"@{m.handle}") for m in self.members}
        clocks = {m.id: clock_now(now, m.tz, self.services.config.clock24) for m in self.members}
        handle = f"{handles[member.id]:<{max(10, *map(len, handles.values()))}}"
        local = f"{clocks[member.id]:<{max(18, *map(len, clocks.values()))}}"
        return Content.assemble(mark, f" {handle} {local} ", (status_text(member, now), "dim"))

    @on(InviteList.Invited)
    def _invited(self, message: InviteList.Invited) -> None:
        index = message.index
        member = self.members[index]
        state = self.invited[member.id]
        self.invited[member.id] = INVITATIONS[(INVITATIONS.index(state) + 1) % len(INVITATIONS)]
        self.query_one(InviteList).replace_option_prompt_at_index(index, self._member_prompt(member))
        self.replan()

    # ------------------------------------------------------------ planning

    @on(Input.Changed)
    def _field_changed(self) -> None:
        self.replan()

    @on(Input.Submitted)
    def _field_submitted(self) -> None:
        self.focus_next()

    def replan(self) -> None:
        required = [m for m in self.members if self.invited[m.id] == "required"]
        optional = [m for m in self.members if self.invited[m.id] == "optional"]
        duration, first, days = (self.query_one(f"#planner-{name}", Input).value for name in ("duration", "from", "days"))
        asked = (tuple(m.id for m in required), tuple(m.id for m in optional), duration, first, days)
        if asked == self._asked:  # the inputs announce their first values too
            return
        self._asked = asked
        self.generation += 1
        self._plan(required, optional, duration, first, days, self.generation)

    @background(exclusive=True, group="planner")
    def _plan(self, required: list[Member], optional: list[Member], duration: str, first: str, days: str, generation: int) -> None:
        now = self.services.now()
        try:
            if not days.strip().isdigit():
                raise UserError(f"days: {days.strip()!r} is not a number of days")
            question = overlap.read_search(required, optional, duration, first, int(days), self.tz, now, asker=self.services.session.me)
            slots = self.services.session.access.read(lambda ws: overlap.search(ws, question, now))
        except UserError as exc:  # a problem with what was typed: shown in place
            self.app.call_from_thread(self._show_problem, str(exc), generation)
            return
        self.app.call_from_thread(self._show_slots, question, slots, generation)

    def _show_problem(self, problem: str, generation: int) -> None:
        if generation != self.generation:
            return
        self.slots = []
        self.query_one(SlotTable).clear(columns=True)
        self.query_one("#planner-why", Static).update("")
        status = self.query_one("#planner-status", Static)
        status.update(plain(problem))
        status.add_class("-problem")

    def _show_slots(self, question: overlap.Search, slots: list[overlap.Slot], generation: int) -> None:
        # Thread workers cannot be cancelled: an older plan may land last.
        if generation != self.generation:
            return
        self.slots = slots
        clock24 = self.services.config.clock24
        table = self.query_one(SlotTable)
        table.clear(columns=True)
        last = question.first + dt.timedelta(days=question.days - 1)
        who = " ".join(f"@{m.handle}" for m in question.required)
        status = self.query_one("#planner-status", Static)
        status.remove_class("-problem")
        if not slots:
            self.query_one("#planner-why", Static).update("")
            status.update(plain(overlap.no_slot_text(question, self.services.now())))
            return
        status.update(plain(f"{len(slots)} slots for {who}, {question.first:%a %m-%d} to {last:%a %m-%d}, best first"))
        headers = ["#", f"WHEN ({self.tz})", "SCORE", *(visible(header) for header in overlap.seat_headers(slots[0]))]
        rows = [
            [str(rank), overlap.when_text(slot, self.tz, clock24), f"{slot.score:.1f}", *overlap.seat_texts(slot, self.tz, clock24)]
            for rank, slot in enumerate(slots, start=1)
        ]
        if _table_width(headers, rows) > table.scrollable_content_region.width:
            # Each member's clock without its zone, as the column's header says whose it is: the zones
            # pushed the fourth member of four zones past 80 columns, seen only by scrolling sideways.
            for row, slot in zip(rows, slots):
                row[3:] = overlap.seat_texts(slot, self.tz, clock24, zones=False)
        # Why each slot costs what it does, last: the clocks come first where the screen is narrow.
        labels = [*headers, "WHY"]
        cells = [[*row, visible(slot.why)] for row, slot in zip(rows, slots)]
        # Each column given its width: one the table measures itself is its header's until the table is next idle,
        # and slots drawn before then stayed so drawn ("1" for slot 10, "Mon" for a clock) until the focus moved.
        for n, (label, width) in enumerate(zip(labels, _widths(labels, cells))):
            table.add_column(label if n < 3 else Text(label), width=width)
        for row in cells:
            table.add_row(*row[:-1], Text(row[-1]))

    @on(DataTable.RowHighlighted)
    def _slot_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # The slot under the cursor's why on a line of its own, broken onto more where it is longer (one line cut
        # "30m early and 1h in a" at 80 columns): the table's WHY column is past the edge of a narrow screen, where
        # the members' clocks take the width.
        if 0 <= event.cursor_row < len(self.slots):
            slot = self.slots[event.cursor_row]
            why = plain(f"#{event.cursor_row + 1}: {slot.why or 'in everyone’s working hours'}")
            self.query_one("#planner-why", Static).update(why)

    # ------------------------------------------------------------ booking

    @on(DataTable.RowSelected)
    def _slot_chosen(self, event: DataTable.RowSelected) -> None:
        if not 0 <= event.cursor_row < len(self.slots):
            return
        slot = self.slots[event.cursor_row]
        when = overlap.when_text(slot, self.tz, self.services.config.clock24)
        booked: list[tuple[str, Written]] = []

        def closed(title: str | None) -> None:
            # The dialog is gone once the meeting is booked: the planner goes too.
            if title is not None and booked:
                self._booked(*booked[0])

        self.app.push_screen(
            PromptScreen(
                f"Book {when} ({self.tz}) — the meeting's title",
                "it becomes a task tagged meeting, due at the start",
                value="Meeting",
                submit=lambda title: booked.append(self._book(slot, title)),
            ),
            closed,
        )

    def _book(self, slot: overlap.Slot, title: str) -> tuple[str, Written]:
        """The title dialog's answer, in its worker: a title refused (none, too long) keeps the dialog open with it."""
        title = title.strip()
        if not title:
            raise UserError("the meeting needs a title")
        services = self.services
        values = overlap.meeting_values(slot, title, self.tz, services.session.me, services.now())
        task_id = new_id()
        written = services.session.edits.set_fields([task_id], values, f"book {title!r}")
        when = overlap.when_text(slot, self.tz, services.config.clock24)
        return f"booked {short(task_id)} “{title}” {when} ({self.tz})", written

    def _booked(self, message: str, written: Written) -> None:
        self.dismiss(None)
        self.services.written(message, written)

    def action_close(self) -> None:
        self.dismiss(None)


def _widths(headers: list[str], rows: list[list[str]]) -> list[int]:
    """Each column's width: its widest cell's, or its header's."""
    return [max(cell_len(header), *(cell_len(row[i]) for row in rows)) for i, header in enumerate(headers)]


def _table_width(headers: list[str], rows: list[list[str]]) -> int:
    """The cells a table of ``rows`` under ``headers`` takes: each column as wide as its widest cell, and a
    cell's padding on either side (``DataTable``'s ``cell_padding``, 1)."""
    return sum(width + 2 for width in _widths(headers, rows))


#: Every key of the planner, for ``?``.
PLANNER_BINDINGS: list[BindingType] = [*PlannerScreen.BINDINGS, *InviteList.BINDINGS, *SlotTable.BINDINGS]
