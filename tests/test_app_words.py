"""The app's words: counts, the help screen, the detail screen's history and notices in words."""

from __future__ import annotations

import contextlib
import io
import threading
import weakref
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static
from textual.widgets._toast import ToastHolder, ToastRack

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.collector import PENDING, REST
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.ledger import pane_data
from crewdeck.tui.session.notices import ChangeNotice
from crewdeck.tui.session.session import Session
from crewdeck.tui.session.task_page import TaskListPage
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.workspace import os_user
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.rendered_column import RenderedColumn

from .apphelp import FirstAnswerLast, help_text, make_app, settle, until
from .conftest import NOW

SIZE = (160, 48)


def team(tmp_path: Path) -> Path:
    """ana (Berlin) and raj (Kolkata), a campaign and one task."""
    path = tmp_path / "team.db"
    assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    base = ["-w", str(path), "--as", "ana"]
    assert main([*base, "member", "add", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata"]) == 0
    assert main([*base, "campaign", "add", "Spring Launch"]) == 0
    assert main([*base, "add", "Draft reel +spring-launch due:fri 17:00"]) == 0
    return path


async def test_one_task_is_one_task(tmp_path: Path) -> None:
    app = make_app(team(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.tasks_pane.query_one(PaneBar).info == ("1 task",)


async def test_the_help_screen_shows_the_keymap_section_by_name(tmp_path: Path) -> None:
    app = make_app(team(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "in the config's [keymap] by its id" in await help_text(pilot)


def changed_by_raj(path: Path) -> str:
    """The task, assigned to ana and moved to Friday by raj; its id."""
    with Store(path) as store:
        task = next(row_id for row_id, _ in store.records("task"))
    base = ["-w", str(path), "--as", "raj"]
    assert main([*base, "set", task, "assignee=ana"]) == 0
    assert main([*base, "set", task, "due=fri 18:00 Europe/Berlin", "priority=high"]) == 0
    return task


async def test_the_detail_screen_tells_the_history_in_words(tmp_path: Path) -> None:
    path = team(tmp_path)
    changed_by_raj(path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"all", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        body = str(app.screen.query_one("#detail-body").render())
        assert "@ana added “Draft reel” due tmrw 17:00 CET" in body
        assert "@raj assigned “Draft reel” to @ana" in body
        assert "@raj moved “Draft reel” to tmrw 18:00 CET, set it to high priority" in body
        # Not the stored form: no member ids, no instants as JSON, no list of the fields a new task has.
        assert "assignee =" not in body and "'utc'" not in body and "created_at" not in body


async def test_the_detail_screens_history_says_what_a_change_of_the_notes_overwrote(tmp_path: Path) -> None:
    # It said "@raj edited the notes of “Draft reel”": what they held before was in `crewdeck log --json` alone.
    path = team(tmp_path)
    with Store(path) as store:
        task = next(row_id for row_id, _ in store.records("task"))
    assert main(["-w", str(path), "--as", "ana", "set", task, "notes=Call the printer at 10"]) == 0
    assert main(["-w", str(path), "--as", "raj", "set", task, "notes=Call the printer at 11"]) == 0
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        body = str(app.screen.query_one("#detail-body").render())
        assert "edited the notes of “Draft reel”: “Call the printer at 10” → “Call the printer at 11”" in body, body


async def test_undo_names_the_task_and_what_it_takes_back(tmp_path: Path) -> None:
    app = make_app(team(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p", "h")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert "undid: set “Draft reel” to high priority" in messages, messages


async def test_an_empty_workspace_shows_first_steps_until_a_task_is_added(tmp_path: Path) -> None:
    # The hint's example was "Draft reel @ana ...": a task you add for yourself is todo at once, not in the Inbox the
    # app opens on, so the newcomer who typed it as shown saw the hint go and an empty list.
    path = tmp_path / "empty.db"
    assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hint = app.tasks_pane.query_one("#tasks-first-steps", Static)
        said = str(hint.render())
        assert hint.display and "No tasks yet. Press a to add one" in said and "? lists every key" in said
        example = said.split("e.g. “", 1)[1].split("”", 1)[0]
        await pilot.press("a")
        await pilot.press(*example, "enter")
        await until(pilot, lambda: not hint.display, "the hint gone once a task exists")
        view = app.tasks_pane.view
        assert view is not None and view.id == "inbox" and app.tasks_pane.count == 1, example


async def test_a_members_first_steps_name_no_command_only_a_manager_may_run(tmp_path: Path) -> None:
    # Raj, a member, read "crewdeck member add HANDLE ... adds the team, crewdeck campaign add NAME a campaign" on an
    # empty workspace: both are refused him (managers only).
    path = tmp_path / "empty.db"
    assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    assert main(["-w", str(path), "member", "add", "raj", "--name", "Raj Patel", "--tz", "Asia/Kolkata", "-q"]) == 0
    shown = {}
    for handle in ("ana", "raj"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            hint = app.tasks_pane.query_one("#tasks-first-steps", Static)
            assert hint.display
            shown[handle] = str(hint.render()).split("On the command line: ")[1]
    assert "crewdeck member add" in shown["ana"] and "crewdeck campaign add" in shown["ana"], shown
    assert shown["raj"] == (
        "crewdeck import FILE brings tasks from a crewdeck export, crewdeck import --from taskwarrior|trello|asana|linear FILE "
        "from those tools."
    ), shown


async def test_the_first_steps_stay_hidden_when_a_read_from_before_the_first_task_comes_back_last(tmp_path: Path) -> None:
    # The check "is the workspace empty?" made before a teammate's first task came back after the list showed that
    # task, and "No tasks yet" stood over it.
    path = tmp_path / "empty.db"
    assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        hint = pane.query_one("#tasks-first-steps", Static)
        assert hint.display
        listed, show = threading.Event(), pane._show

        def show_and_tell(page: TaskListPage, *, again: bool = False) -> None:
            show(page, again=again)
            if page.count:
                listed.set()

        pane._show = show_and_tell  # type: ignore[method-assign]
        # The check's answer comes back only once the list shows the task.
        answers = FirstAnswerLast(app, "tasks-first-steps", after=listed)
        pane._check_first_steps(pane.generation)  # asked again (the list read empty once more)
        await answers.first_read(pilot)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["-w", str(path), "--as", "ana", "add", "Draft reel"]) == 0
        await answers.both_back(pilot, 1)
        assert pane.count == 1 and not hint.display


async def test_a_filter_that_matches_nothing_is_not_a_first_start(tmp_path: Path) -> None:
    app = make_app(team(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"nothing-matches-this", "enter")
        await settle(pilot)
        assert app.tasks_pane.count == 0 and not app.tasks_pane.query_one("#tasks-first-steps", Static).display


async def test_a_manager_acting_as_a_member_is_one_change_in_the_notice(tmp_path: Path) -> None:
    # ana, mapped to this Unix user, adds a task as raj from the command line: the log says
    # "@ana as @raj added …"; the open app said "@ana, @raj changed 2 records" (the acting record counted).
    path = team(tmp_path)
    assert main(["-w", str(path), "--as", "ana", "member", "set", "ana", "--unix-user", os_user()]) == 0
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main(["-w", str(path), "--as", "raj", "add", "Caption for raj"]) == 0
        await until(pilot, lambda: any("@raj" in str(n.message) for n in app._notifications), "the notice")
        messages = [str(n.message) for n in app._notifications]
        assert "@ana as @raj added “Caption for raj”" in messages, messages


async def test_the_detail_screen_says_who_acted_as_the_member(tmp_path: Path) -> None:
    # The log said "@ana as @raj moved …"; the detail screen's history said "@raj moved …".
    path = team(tmp_path)
    assert main(["-w", str(path), "--as", "ana", "member", "set", "ana", "--unix-user", os_user()]) == 0
    changed_by_raj(path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"all", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        body = str(app.screen.query_one("#detail-body").render())
        assert "@ana added “Draft reel”" in body
        assert "@ana as @raj assigned “Draft reel” to @ana" in body, body
        assert "@ana as @raj moved “Draft reel” to tmrw 18:00 CET" in body


def test_a_ledger_write_made_acting_as_a_member_is_all_this_sessions_own(tmp_path: Path) -> None:
    # ana, mapped to this Unix user, opens the app as raj and reverses raj's entry: raj's own app then said
    # "@ana added acting", the record that says who acted taken for someone else's change.
    path = team(tmp_path)
    assert main(["-w", str(path), "--as", "ana", "member", "set", "ana", "--unix-user", os_user()]) == 0
    raj = ["-w", str(path), "--as", "raj"]
    assert main([*raj, "ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "10 EUR", "--payee", "Meta"]) == 0
    with Store(path) as store:
        entry = store.conn.execute("SELECT id FROM ledger_entry").fetchone()[0]
    session = Session.open(path, "raj")
    try:
        store = session.access.read(lambda ws: ws.store)
        before = store.max_seq()
        pane_data.reverse(session, entry, "typo", NOW)
        stored = [op for _, op in store.own_ops_after(before)]
        assert {op.entity for op in stored} == {"ledger_entry", "acting"}
        assert session.notices.theirs(stored) == []
    finally:
        session.close()


async def test_the_help_screen_at_80_columns_keeps_each_id_in_its_own_column(tmp_path: Path) -> None:
    # The keys were one text with padded columns: at 80 columns an id longer than the room left
    # (deadline_grid.previous_member) wrapped to the dialog's left edge, under the keys.
    app = make_app(team(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await help_text(pilot)
        shown = app.screen.query_one(RenderedColumn)
        lines: list[str] = []
        left, width = shown.styles.gutter.left, shown.scrollable_content_region.width
        while True:  # every page of it, as paged down, inside its border
            strips = shown.render_lines(Region(0, 0, shown.size.width, shown.size.height))
            lines += ["".join(s.text for s in strip)[left : left + width] for strip in strips]
            if shown.scroll_y >= shown.max_scroll_y:
                break
            await pilot.press("space")
            await settle(pilot)
        assert not [line for line in lines if line.lstrip().startswith(("deadline_grid.", "planner."))]
        row = next(line for line in lines if "Previous member" in line)
        assert row.split() == ["k", "Previous", "member", "deadline_grid.previous_member"]


async def test_a_sync_of_many_pages_is_one_notice_that_counts_them_all(tmp_path: Path) -> None:
    # 5,000 tasks raj imported came to ana's app a page a commit: a notice each, "@raj changed 400 records" again
    # and again, stacked over half the tasks pane, each counting its page, "changed" for tasks that were new.
    path = team(tmp_path)
    raj = Session.open(path, "raj", Config())
    try:
        pages = [
            [op for n in range(size) for op in raj.edits.quick_add(f"Imported caption {chr(97 + size)}{chr(97 + n)}", NOW).ops]
            for size in (3, 2)
        ]
        with Store(path) as store:
            task = next(row_id for row_id, _ in store.records("task") if row_id not in {op.row_id for page in pages for op in page})
        pages.append(list(raj.edits.set_fields([task], {"priority": "high"}, "set priority").ops))
    finally:
        raj.close()
    app = make_app(path, watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for page in pages:
            app.store_changed(page)  # as the watcher tells each commit of a sync's pages
            await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        # raj's writes made by this Unix user, who is ana: "@ana as @raj".
        assert messages == ["@ana as @raj added 5 tasks and changed 1 task"], messages


async def test_a_teammates_quick_changes_are_one_notice_that_counts_them(tmp_path: Path) -> None:
    # Raj changing a task every 0.2 s: each one-record change was told in words apart, ~20 notices stacked at once over
    # the tasks pane.  Now one notice counts them, by who made them, updated as they come.
    path = team(tmp_path)
    for n in range(5):
        assert main(["-w", str(path), "--as", "ana", "add", f"Caption {n}"]) == 0
    with Store(path) as store:
        tasks = sorted(row_id for row_id, _ in store.records("task"))
    raj = Session.open(path, "raj", Config())
    try:
        commits = [list(raj.edits.set_fields([task], {"priority": "high"}, "set priority").ops) for task in tasks]
    finally:
        raj.close()
    app = make_app(path, watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app._notifications.clear()
        app.store_changed(commits[0])
        await settle(pilot)
        first = [str(n.message) for n in app._notifications]
        assert len(first) == 1 and "“" in first[0], first  # one change alone is still told in words
        for commit in commits[1:]:
            app.store_changed(commit)  # as the watcher tells each of raj's commits
            await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert messages == ["@ana as @raj changed 6 tasks"], messages
        assert toasts_held(app) == [1]
    # The same task changed again and again: one notice, in the words of the newest change.
    app = make_app(path, watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app._notifications.clear()
        raj = Session.open(path, "raj", Config())
        try:
            for level in ("low", "med"):
                app.store_changed(list(raj.edits.set_fields([tasks[0]], {"priority": level}, "set priority").ops))
                await settle(pilot)
        finally:
            raj.close()
        messages = [str(n.message) for n in app._notifications]
        assert len(messages) == 1 and "med" in messages[0] and "low" not in messages[0], messages


async def test_a_notice_told_apart_between_a_syncs_pages_leaves_their_total_counting(tmp_path: Path) -> None:
    # A record's change told with more than itself (overwritten already) came between two pages: the next page began
    # a count of its own, and the first one's total stayed up, partial (reviewer rc).
    first, second = (frozenset({("task", f"{page}{n}")}) | frozenset({("task", f"{page}x")}) for n, page in ((1, "a"), (2, "b")))
    noted = ChangeNotice("@mia", frozenset({("task", "c")}), frozenset(), (), alone="@mia renamed “X” (overwritten already)", noted=True)
    app = make_app(team(tmp_path), watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app._notifications.clear()
        for told in (ChangeNotice("@mia", first, first, ()), noted, ChangeNotice("@mia", second, second, ())):
            app._tell_change(told)
            await settle(pilot)
        messages = sorted(str(n.message) for n in app._notifications)
        assert messages == ["@mia added 4 tasks", "@mia renamed “X” (overwritten already)"], messages


def toasts_held(app: CrewdeckApp) -> list[int]:
    """How many toasts each place in the screen's rack of notices holds (Textual puts one toast in each)."""
    return [len(holder.children) for holder in app.screen.query_one(ToastRack).query_children(ToastHolder)]


async def test_a_notice_counted_again_leaves_no_empty_place_behind(tmp_path: Path) -> None:
    # Each commit of raj's replaced the notice counting them: Textual took the old notice's toast down and kept its
    # place in the rack of notices, empty, for good, laid out again at every paint: an app left open grew with every
    # change a teammate made (helper qa's finding).
    path = team(tmp_path)
    raj = Session.open(path, "raj", Config())
    try:
        pages = [[op for k in range(2) for op in raj.edits.quick_add(f"Caption {n}{k}", NOW).ops] for n in range(6)]
    finally:
        raj.close()
    app = make_app(path, watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for page in pages:
            app.store_changed(page)  # as the watcher tells each of raj's commits
            await settle(pilot)
        assert [str(n.message) for n in app._notifications] == ["@ana as @raj added 12 tasks"]
        assert toasts_held(app) == [1]


async def test_a_notice_whose_time_ran_out_before_its_timer_leaves_no_empty_place_behind(tmp_path: Path) -> None:
    # A notice's time up while the app was busy, before its own timer went off: the next notice's refresh dropped its
    # toast and kept its place in the rack, empty (one in ten of a teammate's changes, made a few seconds apart).
    app = make_app(team(tmp_path), watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.notify("first", timeout=30)
        await settle(pilot)
        first = next(n for n in app._notifications if n.message == "first")
        first.timeout = 0  # its time up, its toast's timer (set when it was shown) still to go off
        app.notify("second", timeout=30)
        await settle(pilot)
        assert [str(n.message) for n in app._notifications] == ["second"]
        assert toasts_held(app) == [1]


async def test_a_widget_gone_leaves_nothing_it_drew_once_the_app_collects(tmp_path: Path) -> None:
    # A memo of Textual's kept what each widget last drew, up to a thousand of them, long after it went: each toast of
    # a teammate's change, ~16 kB more for each change an app left open was told of (helper qa's finding).
    app = make_app(team(tmp_path), watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = Static("a line for a moment")
        await app.screen.mount(shown)
        await settle(pilot)
        drawn = weakref.ref(shown._styles_cache)
        await shown.remove()
        del shown
        await app.screen.mount(Static("the next one"))  # the screen laid out again: its list of what it shows drops the first
        await settle(pilot)
        app.collector.last_input -= REST  # nobody typed for a while
        allocated = [[n] for n in range(PENDING)]  # and the app made enough since it last collected
        assert app.collector.tick()
        del allocated
        assert drawn() is None
