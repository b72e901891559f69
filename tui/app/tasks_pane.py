"""The tasks pane: a saved view or a filter over the task list, and triage by single keys.

Every key that changes a task acts on the marked tasks (``x``) if any, else
on the task under the cursor.  Reads and writes run in worker threads; the
pane only ever holds the rows on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.damaged_notice import DAMAGED_TITLE
from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.hidden_keys import VERDICTS_READ
from crewdeck.tui.app.keys_ahead import HeldRead, HoldsKeys
from crewdeck.tui.app.pane import Pane
from crewdeck.tui.app.post_keys import POST_BINDINGS, state_refusal, where_move
from crewdeck.tui.app.screens.help import said_key, shown_key
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.task_previews import FilterPreviewed, TaskPreviews, ViewPreviewed, count_failure
from crewdeck.tui.app.triage import TRIAGE_BINDINGS, Triage
from crewdeck.tui.app.workers import Latest, background
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.states import MOVES, VERDICTS, being
from crewdeck.tui.session.reading import TaskRowNames
from crewdeck.tui.session.task_page import TaskListPage, read_task_page
from crewdeck.tui.tasks.deadlines import due_outside_hours
from crewdeck.tui.tasks.index import Filter
from crewdeck.tui.tasks.listing import TaskRow
from crewdeck.tui.tasks.rows import CELLS, STATUS_WIDTH, row_text
from crewdeck.tui.tasks.views import VIEWS, View, find, views
from crewdeck.tui.time.when import format_local, parse_utc
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.words import counted
from crewdeck.widgets.filter_box import FilterBox
from crewdeck.widgets.line_table import Column
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.task_table import Row, TaskTable
from crewdeck.widgets.windowed_table import StillWaiting

#: The triage keys that on a post are its moves (``PostKeys``): ``s`` its moves, ``d`` publish.
POST_STATUS_KEYS = frozenset({"cycle_status", "done"})
#: Why the keys typed while a list was read are dropped when the read failed (its own notice says how).
LIST_FAILED = "the list could not be read"
#: Per cell of ``taskrows.CELLS``; when space is short the highest ``drop`` goes first.  The mark column (one
#: cell: a marked row's ✓, else ⚠) goes after WHO: in the three panes at 120 columns it fits once WHO is gone.
COLUMNS = {
    "mark": Column("", 1, drop=3),
    "id": Column("ID", 8, drop=5),
    "title": Column("TASK", 18, grow=1),
    "who": Column("WHO", 8, drop=4),
    "status": Column("STATUS", STATUS_WIDTH, drop=2),
    "pri": Column("PRI", 3, drop=6),
    "campaign": Column("CAMPAIGN", 18, drop=7),
    # As wide as its widest cell on screen: a date with its year, a "+0545" clock, "5mo late" were cut ("in 10…").
    "due": Column("DUE (YOUR TIME)", 30, drop=1, whole=True),
}


class TasksPane(Pane):
    """Tasks: views, filter, triage.

    | key | action |
    |---|---|
    | `/` | filter (the language of `crewdeck tasks`); `escape` clears it |
    | `v`, `[` `]` | pick a view; previous / next view |
    | `a` | quick-add |
    | `enter` | details and history |
    | `s` `d` | cycle status, done |
    | `A` `p` `D` `h` | assign, priority, due date, snooze |
    | `c` `t` | accept, take (accept and assign to you); a task past the inbox keeps its status |
    | `r` `m` | decline with a reason, mark as duplicate |
    | `x` `X` | mark for bulk, clear the marks |
    | `u`, `ctrl+r` or `U` | undo, redo (as new operations) |
    | `e` `y` | edit notes in `$EDITOR` (over SSH: in the app), copy as text |
    | `S` `Y` `N` `W` `L` `P` | a post: submit, approve, request changes, withdraw my approval, schedule, pull (`s` its next states, `d` publish) |
    """

    pane_name = "tasks"
    record_tables = ("task", "member", "campaign")
    pane_title = "Tasks"

    SCREEN_SECTIONS = frozenset({"Task detail"})

    @classmethod
    def help_extra(cls) -> list[tuple[str, list[BindingType]]]:
        from crewdeck.tui.app.screens.detail import DetailScreen

        return [("Task list", TaskTable.BINDINGS), ("Task detail", DetailScreen.BINDINGS)]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="tasks.filter"),
        Binding("v", "pick_view", "Views", id="tasks.views"),
        Binding("left_square_bracket", "view(-1)", "Prev view", show=False, id="tasks.prev_view"),
        Binding("right_square_bracket", "view(1)", "Next view", show=False, id="tasks.next_view"),
        Binding("a", "quick_add", "Add", id="tasks.quick_add"),
        Binding("x", "mark", "Mark", id="tasks.mark"),
        Binding("X", "clear_marks", "Clear marks", show=False, id="tasks.clear_marks"),
        # A binding, not a key handler: listed by ?, and a keymap may move it.
        Binding("escape", "clear_filter", "Clear filter", show=False, id="tasks.clear_filter"),
        *TRIAGE_BINDINGS,
        *POST_BINDINGS,
    ]

    DEFAULT_CSS = """
    TasksPane { height: 1fr; }
    TasksPane #tasks-filter { display: none; }
    TasksPane TaskTable { height: 1fr; }
    TasksPane #tasks-first-steps { display: none; height: auto; padding: 1 2; color: $foreground-muted; }
    """

    class Loaded(Message):
        def __init__(self, page: TaskListPage, generation: int, asked_at: tuple[str | None, int] | None = None) -> None:
            super().__init__()
            self.page = page
            self.generation = generation
            #: The cursor (its task, its row) when the read was asked for to keep it (``None``: a new list).
            self.asked_at = asked_at

    class Counted(Message):
        """How many tasks a list shown before it was counted holds (``read_task_page``'s ``early``)."""

        def __init__(self, filter: Filter, count: int) -> None:
            super().__init__()
            self.filter = filter
            self.count = count

    class CountFailed(Message):
        """A list shown before it was counted will not be: ``why`` its count failed (said in place of the count)."""

        def __init__(self, filter: Filter, why: str) -> None:
            super().__init__()
            self.filter = filter
            self.why = why

    class WindowLoaded(Message):
        def __init__(self, offset: int, rows: list[TaskRow], generation: int) -> None:
            super().__init__()
            self.offset = offset
            self.rows = rows
            self.generation = generation

    def __init__(self, services: Services, *, active: bool = False) -> None:
        super().__init__(services, active=active)
        #: The triage keys act on the marked tasks, else on the one under the cursor.
        self.triage = Triage(self, services, self.targets, services.written, self._title_of, self._unmark_once_written)
        self.previews = TaskPreviews(self)
        self.view: View | None = None
        #: The view shown last: ``escape`` goes back to it from a filter.
        self.last_view: View | None = None
        self.query_text = ""
        self.filter: Filter | None = None
        #: ``None`` while the list shown is counted (``Counted`` follows), or if its count failed (``uncounted``).
        self.count: int | None = 0
        #: Why the list shown has no count, its count having failed (``CountFailed``).
        self.uncounted: str | None = None
        self.marked: set[str] = set()
        #: Bumped by every new query; answers to older ones are dropped.
        self.generation = 0
        self.loaded_once = False
        #: Names as of the last query (set on the UI thread, from its answer).
        self.names = TaskRowNames({}, {}, {})
        #: A post in review under the cursor and why the rules refuse me each verdict on it (None: offered), once asked
        #: (``_ask_verdicts``).
        self.verdicts: tuple[str, Mapping[str, str | None]] | None = None
        #: A verdict's key pressed before those were asked (``read_before``): the post it was pressed on, as a notice
        #: names it, and the keys held from it on, sent on once they are in.
        self._verdict_kept: tuple[str, str, HeldRead] | None = None
        #: The questions of which verdicts are mine: one asked for before a change to the workspace (my approval) is dropped.
        self._verdict_reads = Latest(self, group="post-verdicts")
        #: The keys typed while another list than the one shown is read (the first, a view picked), held for it.
        self._held_for_list: HeldRead | None = None
        #: Another list than the one shown (a view picked) is read, its cursor on its first row.
        self._fresh_read = False
        #: When each task was marked, by ``_marks_made``: a key's write drops only marks made before it was pressed.
        self._marked_at: dict[str, int] = {}
        self._marks_made = 0

    def compose(self) -> ComposeResult:
        yield PaneBar(id="tasks-bar")
        closes = said_key(self.app, self.BINDINGS, "tasks.clear_filter")
        yield FilterBox(f"@me #tag +campaign !high due:<fri overdue words — enter applies, {closes} closes", noun="task", id="tasks-filter")
        # Rows are made from the fetched tasks as they come on screen.
        table = TaskTable(tuple(COLUMNS[key] for key in CELLS), self._row, mark_column=CELLS.index("mark"), id="task-table")
        table.hold_keys = self._hold_keys
        yield table
        yield Static("", id="tasks-first-steps")

    def _hold_keys(self, too_long: Callable[[], StillWaiting | None]) -> HeldRead | None:
        """The keys typed after one that waits for the list's count wait behind it, held by the app as keys typed while a
        post is read are: the pane's own bindings (``d``) and a screen's keys alike, in the order typed."""
        app = self.app
        return app.keys_wait_for("the tasks were counted", too_long) if isinstance(app, HoldsKeys) else None

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    def focus_main(self) -> None:
        self.table.focus()

    def start(self) -> None:
        default_view = self.services.config.default_view
        view = find(default_view, [], self.services.session.me)
        if view is not None:
            self.show_view(view)
        else:  # a campaign's view: its name is in the store
            self._start_on_campaign(default_view)
        if not self.loaded_once:  # a campaign's view: read before its list is
            self._hold_keys_for_list()

    # Not in the list's reads' group: a reload (a change read as the app starts) would cancel it before it ran.
    @background(group="tasks-start")
    def _start_on_campaign(self, view_id: str) -> None:
        view = find(view_id, self.services.session.reads.campaigns(), self.services.session.me)
        if view is None:
            self.app.call_from_thread(self.app.notify, f"default_view {view_id!r}: no such campaign; showing the inbox", severity="warning")
        self.app.call_from_thread(self.show_view, view or VIEWS[0])

    def store_changed(self, ops: list[Op], ours: bool) -> None:
        self.verdicts = None  # asked again of the post under the cursor once the rows are back
        self._verdict_reads.outdate()
        me = self.services.session.me
        # This week's query is the viewer's hours': read again (the app rereads me first), the list follows them.
        if self.view is not None and (fresh := find(self.view.id, [], me)) is not None and fresh.query != self.query_text:
            self.view, self.query_text = fresh, fresh.query
        if self.last_view is not None:
            self.last_view = find(self.last_view.id, [], me) or self.last_view
        self.reload()

    # ------------------------------------------------------------ loading

    def show_view(self, view: View) -> None:
        self.view = self.last_view = view
        self.query_text = view.query
        self.reload(keep_cursor=False)

    def reload(self, keep_cursor: bool = True) -> None:
        """Query again: the cursor stays on its task, or on the nearest row if it left."""
        self.generation += 1
        if self.filtering:  # the box's preview is of the list as it was
            self.previews.request(self.filter_box.text)
        table = self.table
        if self._fresh_read:
            # Another list is still read, the one shown is not it: a teammate's change meanwhile kept the shown list's
            # cursor for it, and the keys held for it acted on another row than a fresh view's first.
            keep_cursor = False
        elif not keep_cursor:
            # At start-up the first page is usually ready by now: shown at
            # once, it is in the first paint instead of a later one.
            first = self.services.session.warm_up.first_page(self.query_text, table.size.height, wait=False)
            if first is not None:
                self._show(TaskListPage.of_first_page(first))
                return
            self._hold_keys_for_list()
        if not keep_cursor:
            self._fresh_read = True
        self._load(
            self.query_text,
            table.cursor_key if keep_cursor else None,
            table.cursor if keep_cursor else 0,
            self.generation,
            table.size.height,
            keep_cursor,
        )

    @background(exclusive=True, group="tasks-load")
    def _load(self, text: str, cursor_key: str | None, cursor: int, generation: int, height: int, keep_cursor: bool) -> None:
        try:
            self._query(text, cursor_key, cursor, generation, height, keep_cursor)
        except Exception:
            # The app need not wait for a list that failed, nor the keys typed meanwhile.
            self.app.call_from_thread(self._list_failed, generation)
            raise

    def _query(self, text: str, cursor_key: str | None, cursor: int, generation: int, height: int, keep_cursor: bool) -> None:
        # Only the pane's first list may be the start-up page: a later one
        # (a reload after a change, say) must see what changed.
        session = self.services.session
        first = session.warm_up.first_page(text, height) if generation == 1 else None
        if first is not None:
            self.post_message(self.Loaded(TaskListPage.of_first_page(first), generation))
            return
        asked_at = (cursor_key, cursor) if keep_cursor else None
        shown_early: Filter | None = None

        def show_early(page: TaskListPage) -> None:
            nonlocal shown_early
            shown_early = page.filter
            self.post_message(self.Loaded(page, generation, asked_at))

        try:
            page = read_task_page(session, text, self.services.now(), cursor_key, cursor, height, early=show_early)
        except Exception as exc:
            if shown_early is not None:  # its rows are on the screen: the count line says why it has no count
                self.post_message(self.CountFailed(shown_early, count_failure(exc)))
            raise
        if shown_early is not None and page.count is not None:
            self.post_message(self.Counted(page.filter, page.count))
        else:
            self.post_message(self.Loaded(page, generation, asked_at))

    def on_tasks_pane_loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return
        page, table = message.page, self.table
        if message.asked_at is not None and (table.cursor_key, table.cursor) != message.asked_at:
            # Moved while the list was read: the cursor stays where it was moved, not where the read found it.
            at = next((page.offset + i for i, row in enumerate(page.rows) if row.id == table.cursor_key), None)
            if at is None:
                self.reload()  # its task is outside the rows read: read around it
                return
            page = replace(page, cursor=at)
        # Read again where the cursor was (another's change): the same list, which the keys waiting for its count act on.
        self._show(page, again=message.asked_at is not None)

    def _show(self, page: TaskListPage, *, again: bool = False) -> None:
        self.names = page.names
        self.filter = page.filter
        self.count, self.uncounted = page.count, None
        table = self.table
        table.reset(page.count, page.cursor, (page.offset, page.rows), again=again)
        if not table.total:
            # No cursor to move: a verdict's key kept for the last post listed waited for the rules' answer until it was
            # dropped as taking too long.
            self._drop_verdict_kept_elsewhere()
        table.set_marked(frozenset(self.marked))
        self.query_one(PaneBar).title = self.list_title
        self._update_info()
        if page.count is None or page.count:  # not counted yet: it has rows
            self._show_first_steps(False)
        else:
            self._check_first_steps(self.generation)
        self._fresh_read = False
        self._send_on_keys_for_list()
        if not self.loaded_once:
            self.loaded_once = True
            # Every task is scored once the three panes are on the screen:
            # scoring would otherwise share the GIL with their first paint.
            self.call_after_refresh(self.services.first_screen_ready)

    def _hold_keys_for_list(self) -> None:
        """The keys typed from now wait for the list being read, and act on it: typed before the app's first list
        (a slow disk, a campaign's view), the list's keys said "no task is listed here" and its moves moved nothing;
        typed after a view was picked (`v`, `t`, `d`), `d` marked done the task under the cursor in the list before."""
        app = self.app
        if self._held_for_list is None and isinstance(app, HoldsKeys):
            self._held_for_list = app.keys_wait_for("the task list was read", self._keys_for_list_dropped)

    def _keys_for_list_dropped(self) -> None:
        """The held keys waited as long as they may and were dropped: the next list picked holds its own, where they
        went to the list still shown (`v`, `w`, `d` marked done the Inbox's task as This week's list was read)."""
        self._held_for_list = None

    def _send_on_keys_for_list(self) -> None:
        held, self._held_for_list = self._held_for_list, None
        if held is not None:
            held.send_on()

    def _list_failed(self, generation: int) -> None:
        if not self.loaded_once:
            self.services.first_screen_ready()
        if generation != self.generation:
            return
        self._fresh_read = False
        held, self._held_for_list = self._held_for_list, None
        if held is not None:
            # Sent on, they acted on the list still shown, another than the one they were typed for.
            held.drop(LIST_FAILED, ())

    def on_tasks_pane_counted(self, message: Counted) -> None:
        self.previews.counted(message.filter, message.count)
        # The list's own filter, not one alike: a list read again since (a change) is counted with its rows.
        if message.filter is self.filter and self.count is None:
            self.count = message.count
            self.table.set_total(message.count)
            self._update_info()

    def on_tasks_pane_count_failed(self, message: CountFailed) -> None:
        self.previews.count_failed(message.filter, message.why)
        if message.filter is self.filter and self.count is None and self.uncounted is None:
            self.uncounted = message.why
            self.table.count_failed(message.why)
            self._update_info()

    @background(exclusive=True, group="tasks-first-steps")
    def _check_first_steps(self, generation: int) -> None:
        empty = not self.services.session.reads.has_tasks()
        self.app.call_from_thread(self._first_steps_checked, empty, generation)

    def _first_steps_checked(self, empty: bool, generation: int) -> None:
        # Thread workers run on: asked of a list read since (a teammate's first task shown), the answer is old.
        if generation == self.generation:
            self._show_first_steps(empty)

    def _show_first_steps(self, show: bool) -> None:
        """A workspace with no task yet says how to begin, with the keys as the keymap has them."""
        hint = self.query_one("#tasks-first-steps", Static)
        hint.display = show
        if show:
            keymap = self.services.config.keymap
            add, keys = shown_key(keymap.get("tasks.quick_add", "a")), shown_key(keymap.get("app.help", "question_mark"))
            me = self.services.session.me
            # Members and campaigns are a manager's to add: a member is offered only what the rules let them run.
            team = (
                "crewdeck member add HANDLE --name NAME --tz ZONE adds the team, crewdeck campaign add NAME a campaign, "
                if me.is_manager
                else ""
            )
            hint.update(
                Content.assemble(
                    ("No tasks yet. ", "bold"),
                    # No @handle in the example: a task you add for yourself is todo at once, not in the Inbox.
                    f"Press {add} to add one, e.g. “Draft reel #instagram due:fri 17:00”; "
                    f"{keys} lists every key.\nOn the command line: {team}"
                    # Each source named with the command it needs: a Taskwarrior file without its --from is refused.
                    "crewdeck import FILE brings tasks from a crewdeck export, "
                    "crewdeck import --from taskwarrior|trello|asana|linear FILE from those tools.",
                )
            )

    @on(TaskTable.WindowNeeded)
    def _window_needed(self, message: TaskTable.WindowNeeded) -> None:
        if self.filter is not None:
            self._load_window(self.filter, message.offset, message.limit, message.generation)

    @background(group="tasks-window")
    def _load_window(self, f: Filter, offset: int, limit: int, generation: int) -> None:
        session = self.services.session
        rows = session.reads.with_post_states(session.ranked.window(f, offset, limit), self.services.now())
        self.post_message(self.WindowLoaded(offset, rows, generation))

    def on_tasks_pane_window_loaded(self, message: WindowLoaded) -> None:
        self.table.set_window(message.offset, message.rows, message.generation)

    def _row(self, row: TaskRow) -> Row:
        services = self.services
        names = self.names
        try:
            off_hours = due_outside_hours(names.members.get(row.assignee or ""), row.due_utc)
            text = row_text(row, names.handles, names.campaigns, services.viewer_tz, services.now(), services.config.clock24, off_hours)
        except Exception:
            # A cell of its record crewdeck never writes (raw SQL, a damaged disk): the row is drawn marked, a notice
            # says where.  Any other failure is a bug.
            cell = services.damaged.of_record("task", row.id)
            if cell is None:
                raise
            services.damaged.say(cell)
            cells = tuple(visible(row.short_id) if key == "id" else DAMAGED_TITLE if key == "title" else "" for key in CELLS)
            return Row(str(row.id), cells, tuple("danger" if key == "title" else "" for key in CELLS))
        return Row(row.id, text.cells, text.hints, text.tone)

    @property
    def list_title(self) -> str:
        """What the list shows: the view's name, or the filter."""
        if self.view is not None:
            return self.view.name
        return visible(f"/ {self.query_text}") if self.query_text else "All open"

    def _update_info(self) -> None:
        marks = [f"{len(self.marked)} marked"] if self.marked else []
        self.query_one(PaneBar).info = (self._count_line(), *marks)

    def _count_line(self) -> str:
        if self.uncounted is not None:  # the rows read are shown, and no more: how many is not known
            return f"not counted: {visible(self.uncounted)}"
        return "counting…" if self.count is None else counted(self.count, "task")

    # ------------------------------------------------------------ views and filter

    def action_filter(self) -> None:
        self._show_filter_box(True)
        self.filter_box.open(self.query_text if self.view is None else "")

    @property
    def filtering(self) -> bool:
        """Whether the filter box is open."""
        return self.filter_box.display

    def _show_filter_box(self, shown: bool) -> None:
        # The box takes the bar's line: the table keeps its place and size,
        # and is not drawn again.  Shown and hidden as themselves, not by a
        # class of the pane's: that restyled the whole pane (~3 ms, under enter).
        self.filter_box.display = shown
        self.query_one(PaneBar).display = not shown

    @property
    def filter_box(self) -> FilterBox:
        return self.query_one(FilterBox)

    def close_filter_box(self) -> None:
        """The table takes the line and the keys back."""
        self._show_filter_box(False)
        self.table.focus()

    def show_prepared(self, view: View | None, text: str, page: TaskListPage) -> None:
        """Show a view or a filter from an answer fetched before it was asked for (a preview)."""
        self.view = view
        self.last_view = view or self.last_view
        self.query_text = text
        self.generation += 1
        self._show(page)

    def on_filter_box_settled(self, message: FilterBox.Settled) -> None:
        self.previews.settled(message.text)

    def on_filter_box_applied(self, message: FilterBox.Applied) -> None:
        self.previews.applied(message.text)

    def on_filter_previewed(self, message: FilterPreviewed) -> None:
        self.previews.previewed(message)

    def action_clear_filter(self) -> None:
        """``escape``: the filter box closed, what it holds not applied; or an applied filter left for the view it was
        typed over (offered only then: ``check_action``)."""
        if self.filtering:
            self.previews.cancel_apply()
            self.close_filter_box()
        elif self.view is None:
            self.show_view(self.last_view or VIEWS[0])

    def action_pick_view(self) -> None:
        self.previews.pick_view()

    def on_view_previewed(self, message: ViewPreviewed) -> None:
        self.previews.view_previewed(message)

    def action_view(self, step: int) -> None:
        all_views = views(self.services.campaigns, self.services.session.me)
        index = next((i for i, v in enumerate(all_views) if self.view and v.id == self.view.id), -1)
        self.show_view(all_views[(index + step) % len(all_views)])

    # ------------------------------------------------------------ triage

    def action_triage(self, key: str) -> None:
        self.triage.run(key)

    def post_slot_under_cursor(self) -> tuple[str, dt.datetime] | None:
        """The post under the cursor and its slot (the content calendar's ``C`` opens on it), if it is a post with one."""
        row: TaskRow | None = self.table.cursor_record
        if row is None or row.post_state is None or not row.publish_utc:
            return None
        return row.id, parse_utc(row.publish_utc)

    def action_post(self, move: str) -> None:
        if move == "approve":
            # At once, answers asked for before dropped too: `Y` again before the approval is written would write it again.
            self.verdicts = None
            self._verdict_reads.outdate()
            self.refresh_bindings()
        # Written or refused, the verdicts the post awaits from me now: a refused one is not left hidden.
        self.triage.posts.run(move, settled=self._offer_verdicts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":  # else escape goes on, to what is under the pane
            return self.filtering or self.view is None
        if (action == "mark" or (action == "triage" and parameters[0] not in ("undo", "redo"))) and self._nothing_to_act_on():
            return False
        if action == "post":
            return self._offers_move(str(parameters[0]))
        if action == "triage" and parameters[0] in POST_STATUS_KEYS:
            return self._offers_status_key(str(parameters[0]))
        return True

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a key ``check_action`` hides is not offered, said when it is pressed (``hidden_keys``)."""
        if (action == "mark" or action == "triage") and self._nothing_to_act_on():
            return "no task is listed here"
        row: TaskRow | None = self.table.cursor_record
        if action == "post":
            move = str(parameters[0])
            if self.marked:
                return "a post's keys act on one post at a time: clear the marks (X)"
            if row is None or row.post_state is None:
                return where_move(move)
            refusal = state_refusal(move, row.post_state)
            if refusal is not None:
                return refusal
            if self.verdicts is not None and self.verdicts[0] == row.id:
                return self.verdicts[1].get(move)  # in the rules' words, as the Approvals view and the calendar say it
            return None  # which verdicts are mine is still being asked: the key waits for it (``read_before``)
        if action == "triage" and parameters[0] in POST_STATUS_KEYS and row is not None and row.post_state is not None:
            if parameters[0] == "done":
                return state_refusal("publish", row.post_state)
            return f"{named_post(row.title, row.id)} is {being(row.post_state)}: no moves left"  # as ``s`` says it there
        return None

    def _nothing_to_act_on(self) -> bool:
        """No task listed and none marked (an empty workspace, a view or filter that matches nothing): the keys that
        act on tasks are not offered, as ``enter`` is not; the footer offered s, d, A… there, which did nothing."""
        return not self.marked and self.table.row_count() == 0

    def _offers_status_key(self, key: str) -> bool:
        """On the one post under the cursor, ``s`` offers its moves and ``d`` publishes: not offered on a post whose state
        has no moves (published, pulled), nor ``d`` where it may not be published; on tasks, always."""
        row: TaskRow | None = None if self.marked else self.table.cursor_record
        if row is None or row.post_state is None:
            return True
        return "publish" in MOVES[row.post_state] if key == "done" else bool(MOVES[row.post_state])

    def _offers_move(self, move: str) -> bool:
        """A post key acts on the one post under the cursor (nothing marked) whose state allows the move; a verdict,
        once the rules take it from me (``offers.verdict_refusal``)."""
        row: TaskRow | None = None if self.marked else self.table.cursor_record
        if row is None or row.post_state is None or move not in MOVES[row.post_state]:
            return False
        if move in VERDICTS:
            return self.verdicts is not None and self.verdicts[0] == row.id and self.verdicts[1].get(move, "") is None
        return True

    def read_before(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A verdict's key on the one post in review under the cursor waits for the rules to say whether it is mine
        (``hidden_keys.KeepsEarlyKeys``): pressed as the cursor landed on the post, it did nothing and said nothing."""
        row: TaskRow | None = None if self.marked else self.table.cursor_record
        move = str(parameters[0]) if parameters else ""
        if action != "post" or move not in VERDICTS or row is None or row.post_state is None or move not in MOVES[row.post_state]:
            return None
        return None if self.verdicts is not None and self.verdicts[0] == row.id else VERDICTS_READ

    def keep_until_read(self, action: str, parameters: tuple[object, ...], held: HeldRead) -> None:
        row: TaskRow | None = self.table.cursor_record
        if row is None:
            held.send_on()  # nothing under the cursor any more: the key goes on, to say where it acts
            return
        # One at a time: the keys typed after this one wait behind it, a second verdict's key among them.
        self._verdict_kept = (row.id, named_post(row.title, row.id), held)

    @on(TaskTable.CursorMoved)
    def _cursor_moved(self, message: TaskTable.CursorMoved) -> None:
        self.refresh_bindings()  # s and d depend on the row: a task's, or a post's in its state
        self._drop_verdict_kept_elsewhere()
        self._offer_verdicts()

    def _drop_verdict_kept_elsewhere(self) -> None:
        """A verdict's key kept for the rules' answer on a post no longer under the cursor (clicked away, or the post
        left the list) is dropped, said: a verdict on the post now under the cursor was never asked for."""
        kept = self._verdict_kept
        if kept is not None and kept[0] != self.table.cursor_key:
            self._verdict_kept = None
            kept[2].drop(f"the cursor left {kept[1]} first", ())

    def _offer_verdicts(self) -> None:
        """Ask which verdicts the rules take from me on the post in review under the cursor, unless that is known."""
        row: TaskRow | None = self.table.cursor_record
        if row is not None and row.post_state is not None and any(move in VERDICTS for move in MOVES.get(row.post_state, ())):
            if self.verdicts is None or self.verdicts[0] != row.id:
                self._ask_verdicts(row.id)
            return
        kept, self._verdict_kept = self._verdict_kept, None
        if kept is not None:
            # Its post awaits no verdict now (made a plain task, pulled): the key goes on, to say so, where it waited for
            # an answer no longer asked for until it was dropped as taking too long.
            kept[2].send_on()

    def _ask_verdicts(self, post_id: str) -> None:
        me, now = self.services.session.me.facts(), self.services.now()

        def read() -> dict[str, str | None] | None:
            from crewdeck.tui.posts.offers import verdict_refusals  # the posts' rules: asked on a post, not for the first paint

            return self.services.session.access.read(lambda ws: verdict_refusals(ws.store, me, post_id, now, VERDICTS))

        self._verdict_reads.read(read, lambda refusals: self._verdicts_read(post_id, refusals))

    def _verdicts_read(self, post_id: str, refusals: Mapping[str, str | None] | None) -> None:
        if refusals is None:
            return  # no longer a post: the list read again says so (and moves on a key kept for it: ``_cursor_moved``)
        self.verdicts = (post_id, refusals)
        self.refresh_bindings()
        kept = self._verdict_kept
        if kept is not None and kept[0] == post_id:
            # Pressed before this answer: it acts now, as if pressed now (or says why the rules refuse it).
            self._verdict_kept = None
            kept[2].send_on()

    def targets(self) -> list[str]:
        if self.marked:
            return sorted(self.marked)
        key = self.table.cursor_key
        return [key] if key else []

    def _title_of(self, task_id: str) -> str | None:
        """The title of the task under the cursor, as listed (the marked tasks elsewhere are named by their ids)."""
        row: TaskRow | None = self.table.cursor_record
        return row.title if row is not None and row.id == task_id else None

    def _unmark_once_written(self, ids: list[str]) -> Callable[[], None]:
        """What drops the marks of ``ids`` made before now, a key acting on them, once its change is written: only
        theirs, where every mark went, and the next key acted on the task under the cursor alone; and not one made
        while it waited for the file (`d`, then `x` on the same task), by task alone."""
        pressed = self._marks_made

        def unmark() -> None:
            if gone := {task_id for task_id in ids if task_id in self.marked and self._marked_at[task_id] <= pressed}:
                self.marked -= gone
                self.table.set_marked(frozenset(self.marked))
                self._update_info()
                self.refresh_bindings()

        return unmark

    def action_mark(self) -> None:
        key = self.table.cursor_key
        if key is None:
            return
        self._marks_made += 1
        if key in self.marked:
            self.marked.discard(key)
        else:
            self.marked.add(key)
            self._marked_at[key] = self._marks_made
        self.table.set_marked(frozenset(self.marked))
        self.table.action_cursor_down()
        self._update_info()
        self.refresh_bindings()  # marked tasks take s and d as tasks

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self.table.set_marked(frozenset())
        self._update_info()
        self.refresh_bindings()

    def action_quick_add(self) -> None:
        self.app.push_screen(
            PromptScreen(
                "Quick add",
                "Title @who #tag +campaign/platform !high|!med|!low due:fri 17:00 [Zone]",
                preview=self._preview_quick_add,
                submit=self._add,
                draft_for=DraftFor("prompt:Quick add", "your quick add"),
            )
        )

    def _preview_quick_add(self, text: str) -> str:
        """The live preview of quick-add (runs in the prompt's worker)."""
        # Quick-add's words, estimates and series: imported by the first quick-add, not for the first paint.
        from crewdeck.tui.tasks.estimates import format_estimate
        from crewdeck.tui.tasks.quickadd import clock_change_notes, overdue_words
        from crewdeck.tui.tasks.recurrence import Rule

        if not text.strip():
            return "type a title; @who #tag +campaign !high due:fri 17:00"
        services = self.services
        now = services.now()
        result = services.session.edits.preview(text, now)
        if "problem" in result:
            raise UserError(result["problem"])
        values, draft = result["values"], result["draft"]
        parts = [f"“{values['title']}”", values["status"]]
        assignee = next((m for m in services.members if m.id == values.get("assignee")), None)
        if draft.assignee:
            # Whom it names: @me is the one typing (shown by handle, as the row will show it), @none nobody.
            parts.append(f"@{assignee.handle if assignee else draft.assignee}" if values.get("assignee") else "nobody")
        if draft.campaign:
            parts.append(f"+{draft.campaign}" + (f"/{draft.platform}" if draft.platform else ""))
        if draft.priority:
            parts.append(f"!{draft.priority}")
        if "estimate" in values:
            parts.append(f"estimate {format_estimate(values['estimate'])}")
        parts += [f"#{t}" for t in draft.tags]
        if "due" in values:
            parts.append(f"due {self._read_by_you(values['due'], now)}")
            overdue = overdue_words(values, now)
            if overdue:
                parts.append(overdue)
            if assignee is not None and due_outside_hours(assignee, values["due"]["utc"]):
                # As the row's ⚠ will: a time typed on the writer's clock (09:00 in Sydney) may be the assignee's night.
                theirs = format_local(
                    parse_utc(values["due"]["utc"]), assignee.tz, now, clock24=services.config.clock24, reader_tz=services.viewer_tz
                )
                parts.append(f"outside @{assignee.handle}'s hours ({theirs})")
        if "publish" in values:
            parts.append(f"publish {self._read_by_you(values['publish'], now)}")
        if values.get("recurrence"):
            parts.append(Rule.from_json(values["recurrence"]["rule"]).text())
        parts += [*clock_change_notes(draft, values, now, services.config.clock24), *draft.notes]
        return "→ " + " · ".join(parts)

    def _read_by_you(self, value: dict[str, str], now: dt.datetime) -> str:
        """A stored date where it was meant (``tmrw 18:30 IST Kolkata``), and on your clock when that is another."""
        instant, clock24, mine = parse_utc(value["utc"]), self.services.config.clock24, self.services.viewer_tz
        meant = format_local(instant, value["tz"], now, clock24=clock24, reader_tz=mine)
        return meant if value["tz"] == mine else f"{meant} = {format_local(instant, mine, now, clock24=clock24)} for you"

    def _add(self, text: str) -> None:
        """Quick-add's answer, in the prompt's worker: a refusal keeps the prompt open, saying why."""
        if not text.strip():
            return  # nothing typed: nothing to add
        session, now = self.services.session, self.services.now()
        written = session.edits.quick_add(text, now)
        # Said as the log says it: whom it is for and when; a task added outside the view shown gets no row here, so
        # the notice says where it went.
        said = session.edits.words(written.ops)
        if not session.reads.lists(session.reads.compile(self.query_text, now), written.ops[0].row_id):
            said += f": not in {self.list_title} ({said_key(self.app, self.BINDINGS, 'tasks.views')} picks another view)"
        self.app.call_from_thread(self.services.written, said, written)

    @on(TaskTable.Opened)
    def _open(self, message: TaskTable.Opened) -> None:
        from crewdeck.tui.app.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(message.key, self.services))
