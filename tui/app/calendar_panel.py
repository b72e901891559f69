"""The content calendar, the Deadlines pane's second mode: posts by day, a row per platform or campaign.

The posts of the period shown are read in a worker (only those whose slot
falls in it), with their flags; laying them out again for other rows is
done in a worker too, and the widget draws what it is given, line by line.
It opens on today.  Keys: ``[`` ``]`` period, ``t`` today, ``w`` week/month
(on the same day), ``r`` rows, ``Z`` your zone or the audience's, ``+``
``-`` an hour, ``>`` ``<`` a day (on the audience's clock), ``enter`` open,
``a`` approve, ``g`` the next gap, ``u`` ``ctrl+r`` undo and redo (the
app's one history: ``crewdeck.tui.app.undo_keys``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.rules import task_change_refused
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import zone as zone_info
from crewdeck.tui.app.hidden_keys import VERDICTS_READ
from crewdeck.tui.app.post_actions import run_move, watching_due, watching_reviewers
from crewdeck.tui.app.post_keys import state_refusal
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.undo_keys import step_history
from crewdeck.tui.app.workers import Latest, background
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.calendar_layout import (
    CampaignRun,
    Layout,
    Placed,
    campaign_runs,
    layout,
    moved_slot,
    period_bounds,
    period_days,
    period_posts,
    post_flags,
)
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.offers import verdict_refusals
from crewdeck.tui.posts.reading import PostView, read_post, settings
from crewdeck.tui.posts.states import label
from crewdeck.tui.session.writing import Written
from crewdeck.tui.time.when import format_local
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.content_calendar import CalendarData, CalendarMark, ContentCalendar
from crewdeck.widgets.windowed_table import HeldKeys

#: Each state's glyph.
GLYPHS = {
    "idea": "·",
    "draft": "○",
    "in-review": "◐",
    "changes-requested": "◑",
    "approved": "●",
    "scheduled": "◆",
    "published": "✓",
    "pulled": "×",
    "expired": "!",
    "paused": "‖",
    "missed": "✗",
}
#: Task fields whose change moves or recolours a post on the calendar.
CALENDAR_FIELDS = frozenset(
    {
        "publish",
        "post_state",
        "post_round",
        "copy",
        "link",
        "media",
        "first_comment",
        "platform",
        "campaign",
        "deleted",
        "title",
        "resumed_from",
    }
)
#: Hours around the period read too: a day in another zone starts up to 14 hours apart.
ZONE_MARGIN = dt.timedelta(hours=14)
#: The calendar's keys that act on the post under the cursor: withheld on a cell with none.
POST_KEYS = frozenset({"open", "approve", "later_hour", "earlier_hour", "later_day", "earlier_day"})


@dataclass(frozen=True)
class CalendarPeriod:
    anchor: dt.date
    month: bool
    zone: str
    by_campaign: bool


@dataclass(frozen=True)
class Read:
    """What a period's read found: the posts, their flags, the campaigns, the quiet-days setting."""

    posts: list[PostView]
    flags: dict[str, tuple[str, ...]]
    runs: list[CampaignRun]
    quiet_days: int


class CalendarPanel(Vertical):
    """The calendar and the line about the post under its cursor."""

    DEFAULT_CSS = """
    CalendarPanel { height: 1fr; }
    /* As high as the post's line wraps to (its title and two slots take two lines at 80 columns, its flags more). */
    CalendarPanel #calendar-status { height: auto; min-height: 2; max-height: 6; padding: 0 1; color: $foreground-muted; }
    """

    class Loaded(Message):
        def __init__(self, period: CalendarPeriod, read: Read, laid: Layout, data: CalendarData, generation: int) -> None:
            super().__init__()
            self.period = period
            self.read = read
            self.laid = laid
            #: What the widget draws, made in the worker too.
            self.data = data
            self.generation = generation

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services = services
        today = services.now().astimezone(zone_info(services.viewer_tz)).date()
        self.period = CalendarPeriod(today, False, services.viewer_tz, False)
        #: The day the cursor goes to once the next read is laid out (today as it opens, the day it was on across a
        #: week/month switch), else where it was.
        self._on_day: dt.date | None = today
        self.read: Read | None = None
        self.laid: Layout | None = None
        self.generation = 0
        #: The generation whose answer is on the screen: ``read`` is of the period asked for last when it is ``generation``.
        self.shown = 0
        #: After a move, the post the cursor follows to its new cell (``follow``).
        self._follow: str | None = None
        #: Whether the rules let me approve the post under the cursor, asked of it: an answer asked for before the posts
        #: were read again, or before my approval, is dropped (it may offer `a` on a step I have just approved).
        self._approvals = Latest(self, group="calendar-offer")
        #: An `a` pressed before that answer (``ContentCalendar.KeyKept``): the post it was pressed on, as a notice names
        #: it, and the keys held from it on, sent on once the answer is in.
        self._approve_kept: tuple[str, str, HeldKeys] | None = None

    def compose(self) -> ComposeResult:
        yield ContentCalendar(id="content-calendar")
        yield Static("", id="calendar-status", markup=False)  # titles and campaign names, as typed

    @property
    def calendar(self) -> ContentCalendar:
        return self.query_one(ContentCalendar)

    # ------------------------------------------------------------ loading

    def reload(self, period: CalendarPeriod | None = None) -> None:
        self.period = period or self.period
        self.generation += 1
        self._approvals.outdate()  # asked of the posts as read before this read
        self._load(self.period, self.generation)

    @background(exclusive=True, group="calendar-load")
    def _load(self, period: CalendarPeriod, generation: int) -> None:
        now = self.services.now()
        viewer, clock24 = self.services.viewer_tz, self.services.config.clock24
        days = period_days(period.anchor, period.month)
        start, end = period_bounds(days, period.zone)

        def read(ws: Workspace) -> Read:
            posts = period_posts(ws.conn, now, start - ZONE_MARGIN, end + ZONE_MARGIN)
            post_settings = settings(ws.conn)
            runs = campaign_runs(ws.conn)
            return Read(posts, post_flags(posts, post_settings, runs, viewer, clock24=clock24), runs, post_settings.quiet_days)

        found = self.services.session.access.read(read)
        laid = layout(found.posts, found.flags, days, period.zone, period.by_campaign, found.quiet_days, found.runs)
        self.post_message(self.Loaded(period, found, laid, self._data(period, laid), generation))

    @background(exclusive=True, group="calendar-load")
    def _relayout(self, period: CalendarPeriod, found: Read, generation: int) -> None:
        laid = layout(
            found.posts,
            found.flags,
            period_days(period.anchor, period.month),
            period.zone,
            period.by_campaign,
            found.quiet_days,
            found.runs,
        )
        self.post_message(self.Loaded(period, found, laid, self._data(period, laid), generation))

    def on_calendar_panel_loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return
        self.period, self.read, self.laid, self.shown = message.period, message.read, message.laid, message.generation
        self.calendar.show(message.data, *self._cursor_after(message.laid))

    def follow(self, post_id: str | None) -> None:
        """Once a move of ``post_id`` is written: the next read finds it where it went, and the cursor goes there.

        Read again here, not only by the app after the write: an answer to a read asked for before the write (another
        member's change) could land first, take the cursor to where the post had been, and leave nothing to follow."""
        self._follow = post_id
        self.reload()

    def show_post(self, post_id: str, slot: dt.datetime) -> None:
        """The week or month (as shown) that holds ``slot`` where the days are drawn, the cursor on the post there."""
        period = self.period
        self._on_day = day = slot.astimezone(zone_info(period.zone)).date()
        self._follow = post_id
        self.reload(CalendarPeriod(day, period.month, period.zone, period.by_campaign))

    def _cursor_after(self, laid: Layout) -> tuple[int | None, int | None, int | None]:
        """Where the cursor goes: onto the followed post, else onto the day asked for (``_on_day``), else where it was."""
        follow, self._follow = self._follow, None
        on_day, self._on_day = self._on_day, None
        if follow is not None:
            for (row, day), placed in laid.cells.items():
                for index, item in enumerate(placed):
                    if item.post.id == follow:
                        return row, day, index
        if on_day is not None and on_day in laid.days:
            return None, laid.days.index(on_day), 0
        return None, None, None

    def _cursor_day(self) -> dt.date:
        """The day under the cursor, as drawn (the period's first read not in yet: the day the period was opened on)."""
        laid = self.laid
        if laid is None or self.shown != self.generation or not laid.days:
            return self._on_day or self.period.anchor
        return laid.days[min(self.calendar.day, len(laid.days) - 1)]

    def _data(self, period: CalendarPeriod, laid: Layout) -> CalendarData:
        today = self.services.now().astimezone(zone_info(laid.zone)).date()
        first = laid.days[0]
        when = f"{first:%B %Y}" if period.month else f"week of {first:%a %Y-%m-%d}"
        rows = "campaigns" if period.by_campaign else "platforms"
        count = sum(len(v) for v in laid.cells.values())
        return CalendarData(
            # Parts in the order a narrow pane keeps them (whose days before how many posts before what the rows are).
            title=tuple(
                visible(part) for part in ("Content calendar", when, f"days in {laid.zone}", counted(count, "post"), f"rows: {rows}")
            ),
            days=tuple(f"{d.day}" if period.month else f"{d:%a %d}" for d in laid.days),
            weekend=tuple(d.weekday() >= 5 for d in laid.days),
            today=laid.days.index(today) if today in laid.days else None,
            rows=tuple(visible(r) for r in laid.rows),
            cells={
                key: tuple(CalendarMark(GLYPHS[p.post.state], p.post.state, bool(p.flags)) for p in placed)
                for key, placed in laid.cells.items()
            },
            quiet=frozenset(laid.quiet),
        )

    def viewer_moved(self, old: str, new: str) -> bool:
        """The viewer's zone is ``new`` now (``member set --tz``): days drawn in their ``old`` one, as the calendar
        opens, are drawn in the new one, as the grid's are; days in an audience's zone (``Z``) stay.  Whether it read again."""
        period = self.period
        if period.zone != old:
            return False
        self.reload(CalendarPeriod(period.anchor, period.month, new, period.by_campaign))
        return True

    def store_changed(self, ops: list[Op]) -> None:
        if any(
            op.entity in ("post_approval", "crisis", "crisis_end", "campaign", "workspace")
            or (op.entity == "task" and op.field in CALENDAR_FIELDS)
            for op in ops
        ):
            self.reload()

    # ------------------------------------------------------------ the cursor

    def placed(self) -> Placed | None:
        """The post under the cursor, if any."""
        if self.laid is None:
            return None
        cal = self.calendar
        cell = self.laid.posts_at(cal.row, cal.day)
        return cell[cal.index] if cell and cal.index < len(cell) else None

    @on(ContentCalendar.CursorMoved)
    def _moved(self, message: ContentCalendar.CursorMoved) -> None:
        self.query_one("#calendar-status", Static).update(visible(self.status(), multiline=True))
        item = self.placed()
        kept = self._approve_kept
        if kept is not None and (item is None or item.post.id != kept[0]):
            # The post left the cell (moved by a teammate, or pulled): an approval of the one here now was never asked.
            self._approve_kept = None
            kept[2].drop(f"the cursor left {kept[1]} first", ())
        if item is None:
            self.calendar.withhold(dict.fromkeys(POST_KEYS, "no post under the cursor"))
            return
        # Approving waits for the rules' answer on this post (``_ask_approve``): an `a` pressed until then waits for it.
        why = self._slot_kept(item.post)
        withheld = {"approve": ""} | ({} if why is None else dict.fromkeys(POST_KEYS - {"open", "approve"}, why))
        self.calendar.withhold(withheld, asking={"approve": VERDICTS_READ})
        self._ask_approve(item.post.id)

    def _slot_kept(self, post: PostView) -> str | None:
        """Why no key moves ``post``'s slot (said when one is pressed), or None: moving it is a task edit the rules may
        refuse me, and no move gives some posts another slot (one that went out or never will, one a crisis made miss)."""
        refused = task_change_refused(self.services.session.me.facts())
        if refused is not None:
            return refused.message
        kept = writing.slot_kept(post)
        return None if kept is None else f"{named_post(post.facts.title, post.id)} keeps its slot: {kept}"

    def _ask_approve(self, post_id: str) -> None:
        me, now = self.services.session.me.facts(), self.services.now()
        self._approvals.read(
            lambda: self.services.session.access.read(lambda ws: verdict_refusals(ws.store, me, post_id, now, ("approve",))),
            lambda refusals: self._approve_answered(post_id, refusals),
        )

    def _approve_answered(self, post_id: str, refusals: Mapping[str, str | None] | None) -> None:
        item = self.placed()
        if refusals is None or item is None or item.post.id != post_id:
            return  # no longer a post (the calendar read again takes it away), or not the one under the cursor now
        refusal = refusals["approve"]
        withheld = dict(self.calendar.withheld)
        if refusal is None:
            withheld.pop("approve", None)
        else:
            # Said when `a` is pressed, as the task list says it: a state with no approval first, else the rules' refusal.
            withheld["approve"] = state_refusal("approve", item.post.state) or refusal
        self.calendar.withhold(withheld)
        kept = self._approve_kept
        if kept is not None and kept[0] == post_id:
            # Pressed before this answer: it acts now, as if pressed now (or says why the rules refuse it).
            self._approve_kept = None
            kept[2].send_on()

    @on(ContentCalendar.KeyKept)
    def _key_kept(self, message: ContentCalendar.KeyKept) -> None:
        item = self.placed()
        if item is None or "approve" not in self.calendar.asking:
            # No post under the cursor any more (the key goes on, to say so), or the rules' answer came in before this
            # message: it waited for an answer already in, until its keys were dropped for taking too long.
            message.held.send_on()
            return
        self._approve_kept = (item.post.id, named_post(item.post.facts.title, item.post.id), message.held)

    def status(self) -> str:
        """The post under the cursor: its state, its slot's local time (the audience's and yours), its flags."""
        laid = self.laid
        if laid is None or not laid.rows:
            return "no posts in this period"
        cal = self.calendar
        item = self.placed()
        now = self.services.now()
        clock24 = self.services.config.clock24
        day = laid.days[cal.day]
        if item is None:
            quiet = laid.quiet.get((cal.row, cal.day))
            return f"{laid.rows[cal.row]} · {day:%a %m-%d}: no post" + (f"\n{quiet}" if quiet else "")
        post = item.post
        assert post.facts.slot is not None
        # The campaign's audience, whatever zone the slot was typed in (`post show` says it so).
        run = next((r for r in (self.read.runs if self.read else []) if r.id == post.facts.campaign), None)
        audience = (run.audience_tz if run else None) or post.facts.slot_tz or self.services.viewer_tz
        there = format_local(post.facts.slot, audience, now, clock24=clock24, reader_tz=self.services.viewer_tz)
        mine = format_local(post.facts.slot, self.services.viewer_tz, now, clock24=clock24)
        count = len(laid.posts_at(cal.row, cal.day))
        step = said_key(self.app, ContentCalendar.BINDINGS, "calendar.next_in_cell")
        which = f" ({cal.index + 1} of {count}, {step}: next)" if count > 1 else ""
        head = f"{post.facts.title} · {label(post.state)} · {there} ({audience})" + (
            f" = {mine} for you" if audience != self.services.viewer_tz else ""
        )
        return head + which + ("\n" + "; ".join(item.flags) if item.flags else "")

    # ------------------------------------------------------------ keys

    @on(ContentCalendar.KeyRequested)
    def _key(self, message: ContentCalendar.KeyRequested) -> None:
        period = self.period
        name = message.name
        if name in ("previous", "next"):
            step = -1 if name == "previous" else 1
            if period.month:
                first = period.anchor.replace(day=1)
                anchor = (first + dt.timedelta(days=32)).replace(day=1) if step > 0 else (first - dt.timedelta(days=1)).replace(day=1)
            else:
                anchor = period.anchor + dt.timedelta(days=7 * step)
            self.reload(CalendarPeriod(anchor, period.month, period.zone, period.by_campaign))
        elif name == "period":
            # The week or month that holds the day under the cursor, the cursor on that day still.
            self._on_day = day = self._cursor_day()
            self.reload(CalendarPeriod(day, not period.month, period.zone, period.by_campaign))
        elif name == "today":
            # Today where the days are drawn, as the calendar marks it.
            self._on_day = today = self.services.now().astimezone(zone_info(period.zone)).date()
            self.reload(CalendarPeriod(today, period.month, period.zone, period.by_campaign))
        elif name == "rows":
            rows = CalendarPeriod(period.anchor, period.month, period.zone, not period.by_campaign)
            if self.read is not None and self.shown == self.generation:
                self.period = rows
                self.generation += 1
                self._relayout(self.period, self.read, self.generation)
            else:  # a read is on its way (another period, a change): the posts on the screen may not be the ones to lay out
                self.reload(rows)
        elif name == "zone":
            self._toggle_zone()
        elif name == "gap":
            self._next_gap()
        elif name in ("undo", "redo"):
            step_history(self, self.services, name == "redo", self._stepped)
        else:
            self._post_key(name)

    def _toggle_zone(self) -> None:
        """Your zone ↔ the audience's of the campaign under the cursor (its post's, or its row's; on neither, the posts' in view)."""
        period = self.period
        viewer = self.services.viewer_tz
        target = viewer
        if period.zone == viewer:
            item = self.placed()
            runs = self.read.runs if self.read else []
            campaign = item.post.facts.campaign if item else None
            if campaign is None and period.by_campaign and self.laid is not None and self.laid.rows:
                row_name = self.laid.rows[self.calendar.row]
                campaign = next((r.id for r in runs if r.name == row_name), None)
            if campaign is not None:
                run = next((r for r in runs if r.id == campaign), None)
                found = run.audience_tz if run else None
            else:
                # On no post and no campaign's row: the audience most of the posts in view are slotted for.
                slotted = Counter(p.facts.slot_tz for p in (self.read.posts if self.read else []) if p.facts.slot_tz)
                found = slotted.most_common(1)[0][0] if slotted else next((r.audience_tz for r in runs if r.audience_tz), None)
            if not found:
                self.app.notify("no campaign with an audience zone here", severity="warning")
                return
            target = found
        self.reload(CalendarPeriod(period.anchor, period.month, target, period.by_campaign))

    def _stepped(self, said: str, written: Written | None) -> None:
        """After an undo or redo: the cursor follows the post it wrote (else stays on its post) to where it is now."""
        posts = {op.row_id for op in written.ops if op.entity == "task"} if written is not None else set()
        item = self.placed()
        self.services.written(said, written)
        self.follow(next(iter(posts)) if len(posts) == 1 else item.post.id if item is not None else None)

    def _next_gap(self) -> None:
        """The next day in this row with no post (a quiet stretch's first)."""
        laid = self.laid
        if laid is None or not laid.rows:
            self.app.bell()
            return
        cal = self.calendar
        for day in range(cal.day + 1, len(laid.days)):
            if not laid.posts_at(cal.row, day):
                cal.move_to(cal.row, day)
                return
        self.app.notify(f"no gap in {laid.rows[cal.row]} after {laid.days[cal.day]:%a %m-%d} in this period", severity="warning")

    def _post_key(self, name: str) -> None:
        item = self.placed()
        if item is None:
            self.app.bell()
            return
        post = item.post
        post_id = post.id
        if name == "open":
            self.app.push_screen(DetailScreen(post_id, self.services))
            return
        if name == "approve":
            # At once: `a` again before the calendar is read after the approval would write it again.
            self.calendar.withhold({**self.calendar.withheld, "approve": ""}, asking={"approve": VERDICTS_READ})
            self._approvals.outdate()  # a question already under way, answered before the write, would offer `a` again
            # A step the approval leaves to nobody: warned of, as `post approve` warns of it.
            approved, note = watching_reviewers(post_id, lambda s, me, now: writing.approve(s, me, post_id, now))
            run_move(
                self,
                self.services,
                f"approved {named_post(post.facts.title, post_id)}",
                approved,
                # Written or refused, the posts as they are now: a refused approval does not leave this one as read before.
                settled=self.reload,
                note=note,
            )
            return
        hours, days = {"later_hour": (1, 0), "earlier_hour": (-1, 0), "later_day": (0, 1), "earlier_day": (0, -1)}[name]
        name_of_post, viewer = named_post(post.facts.title, post_id), self.services.viewer_tz

        def move(store: Store, me: str, now: dt.datetime) -> PostView:
            # From the slot as stored, not as the calendar last drew it: a key typed before the last move's read came
            # back moved the post from where it had been, and that move was lost.
            stored = read_post(store.conn, post_id, now)
            if stored is None or stored.facts.slot is None:
                raise UserError(f"{name_of_post} has no slot to move")
            slot = moved_slot(stored.facts.slot, stored.facts.slot_tz or viewer, hours=hours, days=days)
            return writing.move_slot(store, me, post_id, now, slot)

        work, note = watching_due(self.services, post_id, move)
        run_move(self, self.services, f"moved {name_of_post}", work, lambda: self.follow(post_id), note=note)
