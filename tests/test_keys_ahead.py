"""Which keys the app sends again: those typed ahead of an action that has run since, to where the focus went."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.timer import Timer

from crewdeck.sync.state.store import Store
from crewdeck.tui.app import keys_ahead
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.keys_ahead import KeysAhead, dropped_line
from crewdeck.tui.app.typed_after import TypedAfter
from crewdeck.tui.session.session import Session
from crewdeck.tui.tasks.index import Filter
from crewdeck.tui.workspace.config import Config
from crewdeck.widgets.windowed_table import StillWaiting

from .apphelp import demo_workspace, make_app, settle
from .conftest import NOW
from .postsupport import team_workspace
from .test_app_dialogs import burst


def key(name: str) -> events.Key:
    return events.Key(name, name)


def test_keys_sent_before_an_action_go_round_a_few_times_at_most_while_the_focus_stays() -> None:
    keys = KeysAhead()
    table = DOMNode()
    burst = [key("j") for _ in range(5)]
    for k in burst:
        keys.sent(k, table)
    # The first comes back before its own action runs: handled where it is, and its action runs.
    assert keys.typed_ahead(burst[0], table) is None
    keys.actions += 1
    again = [keys.typed_ahead(k, table) for k in burst[1:]]
    assert all(a is not None and a not in burst and (a.key, a.character) == ("j", "j") for a in again)
    for a in again:
        assert a is not None
        keys.sent(a, table)
    assert again[0] is not None and keys.typed_ahead(again[0], table) is None  # back before any other action
    keys.actions += 1
    for a in again[1:]:
        assert a is not None
        # Whatever actions the others ran: looked at once more, sent a last time, and handled where it is.
        assert keys.typed_ahead(a, table) is a
        last = keys.typed_ahead(a, table)
        assert last is not None and last is not a
        keys.sent(last, table)
        keys.actions += 1
        assert keys.typed_ahead(last, table) is None
        keys.actions += 1


def test_a_key_sent_again_keeps_when_it_was_typed() -> None:
    """A key sent again is a new event, which was made when it was sent again: a question up since (the approvals a
    post's change voids) took it as typed after it was up, and a `y` typed ahead of it answered it."""
    keys = KeysAhead()
    table, question = DOMNode(), DOMNode()
    y = key("y")
    keys.sent(y, table)
    keys.actions += 1
    again = keys.typed_ahead(y, question)
    assert again is not None and again is not y and again.time == y.time


def test_a_key_sent_again_goes_on_to_where_the_focus_moved_to_after_another_action() -> None:
    """`3`, `/` and `canva`: the `c` sent again after `3` comes back from the Budget pane after `/`."""
    keys = KeysAhead()
    tasks, ledger, filter_box = DOMNode(), DOMNode(), DOMNode()
    c = key("c")
    keys.sent(c, tasks)
    keys.actions += 1  # 3: the focus goes to the ledger
    again = keys.typed_ahead(c, ledger)
    assert again is not None
    keys.sent(again, ledger)
    keys.actions += 1  # /: the focus is to go to the filter box, once the app's queue reaches it
    assert keys.typed_ahead(again, ledger) is again  # looked at again behind that
    then = keys.typed_ahead(again, filter_box)
    assert then is not None and then is not again and (then.key, then.character) == ("c", "c")
    keys.sent(then, filter_box)
    keys.actions += 1
    moved = keys.typed_ahead(then, tasks)  # it comes back, and the focus has moved on since: sent on again
    assert moved is not None and moved is not then


async def test_a_title_typed_in_one_burst_after_a_goes_into_quick_add_however_long(tmp_path: Path) -> None:
    """`a` and a title longer than 64 keys, typed (or pasted as keys) in one burst: only the last 64 keys sent on
    were remembered, so the title's start came back unknown to the task list's bindings and was lost there."""
    workspace = demo_workspace(tmp_path / "demo.db")
    title = " ".join(["Recap of the spring launch for the client, with every number and link"] * 4)
    app = make_app(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        with Store(workspace) as store:
            before = dict(store.records("task"))
        burst(app, "a", *title, "\r")
        await settle(pilot)
        assert app.screen is app.main_screen
        with Store(workspace) as store:
            after = dict(store.records("task"))
        assert [v["title"] for k, v in after.items() if k not in before] == [title]
        assert all(after[k] == v for k, v in before.items()), "no key of the title reached the list's bindings"


#: How many keys remembered make a look for those to forget, in the test below: the app's ``LOOK_AFTER`` (64) made it
#: open the palette 65 times, at ~0.3 s a round, to show what 9 rounds show.
LOOK_SOONER = 8


async def test_keys_a_field_or_a_priority_binding_took_are_forgotten_and_keys_in_flight_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Remembered until they come back, or until a widget or a priority binding took them: a long session keeps few,
    and a burst of any length is kept whole.  ``ctrl+p``, which the palette's priority binding takes before the focus
    has it, was never forgotten: 150 rounds of the palette left 150 keys remembered for the session.  (The old limit
    of 64 keys remembered kept the first bound, and lost the title's start.)"""
    monkeypatch.setattr(keys_ahead, "LOOK_AFTER", LOOK_SOONER)
    workspace = tmp_path / "team.db"
    team_workspace(workspace, NOW, tasks=20).close()  # few commands for the palette to gather at each round
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        for _ in range(5):
            await pilot.press(*"x" * 4 * LOOK_SOONER, "ctrl+u")
        await pilot.press("escape")
        await settle(pilot)
        for _ in range(LOOK_SOONER + 1):
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert app.screen is not app.main_screen  # the palette
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is app.main_screen
        assert len(app.keys_ahead) <= LOOK_SOONER
        # And none in flight is lost, however many: a title of 300 keys after `a`, in one burst.
        with Store(workspace) as store:
            before = set(dict(store.records("task")))
        title = " ".join(["Recap of the spring launch for the client, with every number and link"] * 4)
        burst(app, "a", *title, "\r")
        await settle(pilot)
        assert app.screen is app.main_screen
        with Store(workspace) as store:
            assert [v["title"] for k, v in store.records("task") if k not in before] == [title]


def test_keys_after_a_fields_enter_wait_until_it_is_back_and_the_focus_has_left_the_field() -> None:
    keys = KeysAhead()
    field, table = DOMNode(), DOMNode()
    enter, j, d = key("enter"), key("j"), key("d")
    keys.sent(enter, field)
    keys.enter_in_field(enter, field)
    assert keys.hold(j) and keys.hold(d)
    assert keys.release(enter, table) == []  # not back yet: its binding (submit) has not run
    assert keys.came_back(enter)
    assert keys.release(enter, field) == []  # back, and the focus has not left the field yet
    assert keys.release(enter, table) == [j, d]
    assert keys.enter is None and not keys.hold(key("k"))


def test_keys_after_a_refused_enter_go_on_with_the_next_typed_or_once_they_have_waited() -> None:
    keys = KeysAhead()
    field = DOMNode()
    enter, j, fix = key("enter"), key("j"), key("x")
    keys.enter_in_field(enter, field)
    assert keys.hold(j)
    assert keys.came_back(enter)
    assert keys.release(enter, field) == []
    assert keys.hold(fix)  # typed once the field had refused the text: all go on, in order
    assert keys.release(enter, field) == [j, fix]
    other = key("enter")
    keys.enter_in_field(other, field)
    assert keys.hold(j)
    assert keys.release(enter, field, waited=True) == []  # the wait of an enter before: not this one's
    assert keys.release(other, field, waited=True) == [j]


async def test_a_key_that_arrives_once_no_screen_is_left_is_dropped(tmp_path: Path) -> None:
    """A key sent again just as the app closed reached Textual with no screen to take it: ScreenStackError."""
    session = Session.open(demo_workspace(tmp_path / "demo.db"), "ana")
    try:
        app = CrewdeckApp(session, Config(), watch=False)
        assert not app.screen_stack
        await app.on_event(events.Key("q", "q"))
        # Nor does a field's enter back with its held keys, once the last screen has gone (the app closing).
        enter = events.Key("enter", "\r")
        app.keys_ahead.enter_in_field(enter, DOMNode())
        await app.on_key(enter)
    finally:
        session.close()


def test_keys_after_enter_wait_while_the_dialog_acts_on_its_answer_however_long() -> None:
    keys = KeysAhead()
    field, table = DOMNode(), DOMNode()
    enter, j = key("enter"), key("j")
    keys.enter_in_field(enter, field)
    assert keys.came_back(enter)
    assert keys.hold(j)  # typed after the binding ran: the write is under way, the field still focused
    assert keys.release(enter, field, answering=True) == []
    assert keys.release(enter, field, answering=True, waited=True) == []
    assert keys.release(enter, table) == [j]  # the dialog closed: on to the list


def test_a_reads_keys_go_once_to_its_dialog_and_its_timer_after_that_does_nothing() -> None:
    """The release (the dialog pushed) and the timer both end a read: the later of the two is a no-op, whichever it
    is, and takes nothing that waits behind the keys released (a paste, for what the `c` does)."""
    keys = KeysAhead()
    c, paste, j = key("c"), events.Paste("Pasted in"), key("j")
    read = keys.reading()
    assert keys.hold(c) and keys.hold(paste)
    assert keys.read_over(read) == [c]
    waits = keys.after_keys
    assert waits is not None
    assert keys.read_too_long(read) == [] and keys.read_over(read) == []
    assert keys.after_keys == waits and not keys.hold(c)  # the c, sent on, is not held again
    assert keys.hold(j)  # typed now: behind the paste
    assert keys.read_over(waits) == [paste, j]


def test_a_key_held_for_a_read_in_its_last_round_goes_round_afresh_once_sent_on() -> None:
    """`Y`, `N` and a note: the `l` was sent a last time as `N` was held for the rules' answer; sent on after it, it came
    back after `N`'s action and went to the list's bindings, where it goes on to wait for the dialog that action opens."""
    keys = KeysAhead()
    table = DOMNode()
    letter = key("l")
    keys.sent(letter, table)
    keys.actions += 1
    again = keys.typed_ahead(letter, table)
    assert again is not None
    keys.sent(again, table)
    keys.actions += 1
    assert keys.typed_ahead(again, table) is again
    last = keys.typed_ahead(again, table)
    assert last is not None
    read = keys.reading()  # N held until the rules answer
    assert keys.hold(last)
    assert keys.read_over(read) == [last]
    keys.sent(last, table)
    keys.actions += 1  # N's action: its note's dialog, up once the post is read
    sent_on = keys.typed_ahead(last, table)
    assert sent_on is not None and sent_on is not last


def test_a_reads_keys_dropped_by_its_timer_are_not_sent_by_its_release_later() -> None:
    keys = KeysAhead()
    q, paste = key("q"), events.Paste("Pasted in")
    read = keys.reading()
    assert keys.hold(q) and keys.hold(paste)
    assert keys.read_too_long(read) == [q, paste]
    assert keys.after_keys is None and not keys.hold(key("j"))  # said dropped: what is typed now goes where the focus is
    assert keys.read_over(read) == [] and keys.read_too_long(read) == []


def test_what_a_read_that_took_too_long_dropped_is_said_by_its_keys_and_pastes() -> None:
    said = dropped_line([key("q"), key("question_mark"), events.Paste("a"), events.Paste("b")], "the post was read")
    assert said == "2 keys (q ?) and 2 pastes typed while the post was read were dropped: it took longer than usual; type again"
    assert dropped_line([key("j")], "the undo was checked").startswith("1 key (j) typed while the undo was checked was dropped")
    many = dropped_line([key("space" if c == " " else c) for c in "quick note"], "the post was read")
    assert many.startswith("10 keys (q u i c k space n o …) typed")


def test_keys_dropped_behind_keys_that_still_wait_say_what_those_still_do() -> None:
    """The keys after a G that waits for the count were said dropped, "type again", and G moved the cursor later."""
    counted = "the tasks were counted"
    one = dropped_line([key("d")], counted, still=StillWaiting(("G",), "goes to the last row once counted"))
    assert one.endswith("dropped: it took longer than usual; type again (G still goes to the last row once counted)")
    two = dropped_line([key("d")], counted, still=StillWaiting(("G", "enter"), "act in order once counted"))
    assert two.endswith("type again (G enter still act in order once counted)")


def test_escape_and_a_digit_in_one_read_are_read_as_escape_and_the_digit_and_a_pound_sign_as_itself() -> None:
    """`escape`, `escape` and `3` typed fast from the Results posts list went back one level and never reached the
    Budget pane: Textual read `\\x1b3` as `£`."""
    keys_ahead.unfold_escape_and_digit()

    def read(data: str) -> list[tuple[str, str | None]]:
        parser = XTermParser()
        tokens = [token for token in [*parser.feed(data), *parser.feed("")] if isinstance(token, events.Key)]
        split = [keys_ahead.escape_and_key(token) or (token,) for token in tokens]
        return [(k.key, k.character) for keys in split for k in keys]

    assert read("\x1b\x1b3") == [("escape", "\x1b"), ("escape", "\x1b"), ("3", "3")]
    assert read("\x1b0") == [("escape", "\x1b"), ("0", "0")]
    assert read("£") == [("pound_sign", "£")]
    assert read("\x1bb") == [("ctrl+left", None)]  # iTerm's option and left: a word left in a field


def test_escape_and_a_digit_read_with_another_sequence_are_still_escape_and_the_digit() -> None:
    """`escape`, `3` and `down` typed fast (one read, `\\x1b3\\x1b[B`): Textual's parser, no longer matching `\\x1b3`,
    waited for more and sent it as a literal `^` and `3` when the next escape came, typed into the filter box."""
    keys_ahead.unfold_escape_and_digit()

    def read(data: str) -> list[tuple[str, str | None]]:
        parser = XTermParser()
        tokens = [token for token in [*parser.feed(data), *parser.feed("")] if isinstance(token, events.Key)]
        return [(k.key, k.character) for token in tokens for k in keys_ahead.escape_and_key(token) or (token,)]

    assert read("\x1b3\x1b[B") == [("escape", "\x1b"), ("3", "3"), ("down", None)]
    assert read("\x1b3\x1b") == [("escape", "\x1b"), ("3", "3"), ("escape", "\x1b")]
    assert read("\x1b-\x1b[A") == [("escape", "\x1b"), ("minus", "-"), ("up", None)]
    assert read("\x1b=") == [("escape", "\x1b"), ("equals_sign", "=")]
    assert read("\x1b§") == [("escape", "\x1b"), ("section_sign", "§")]


def test_a_hold_of_keys_for_a_field_is_numbered_so_an_ended_holds_time_limit_never_ends_a_later_one() -> None:
    typed_after = TypedAfter()
    first, second = key("a"), key("b")
    assert typed_after.hold(first) == 1
    assert typed_after.release() == [first]
    assert typed_after.holding  # sent on again, not yet back at the app
    assert typed_after.passes(first) and not typed_after.holding
    assert typed_after.hold(second) == 2
    assert typed_after.hold(key("c")) == 2  # the same hold, one time limit
    assert typed_after.hold_number == 2


def lists_read_slowly(app: CrewdeckApp) -> threading.Event:
    """The task lists' reads wait while the event returned is clear (a slow disk): set it to let them go on."""
    go_on = threading.Event()
    compile_list = app.session.reads.compile

    def read_slowly(text: str, now: dt.datetime) -> Filter:
        assert go_on.wait(timeout=20), "the list was never let go on"
        return compile_list(text, now)

    app.session.reads.compile = read_slowly  # type: ignore[method-assign]
    return go_on


@contextlib.asynccontextmanager
async def app_reading_slowly(workspace: Path) -> AsyncIterator[tuple[CrewdeckApp, Pilot[object], threading.Event]]:
    """The app on ``workspace``, its first list shown, its lists' reads waiting from then while the event is clear."""
    app = make_app(workspace)
    go_on = lists_read_slowly(app)
    go_on.set()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        yield app, pilot, go_on


def firsts(app: CrewdeckApp, query: str, n: int = 1) -> list[str]:
    """The ids of the first ``n`` tasks of ``query``'s list, as it ranks them."""
    return [row.id for row in app.session.ranked.window(app.session.reads.compile(query, app.services.now()), 0, n)]


def statuses(workspace: Path) -> dict[str, str]:
    with Store(workspace) as store:
        return {task_id: str(task["status"]) for task_id, task in store.records("task")}


async def press_while_read(pilot: Pilot[object], go_on: threading.Event, *keys: str) -> None:
    """Press ``keys`` while the lists' reads wait, then let them go on and settle."""
    go_on.clear()
    await pilot.press(*keys)
    go_on.set()
    await settle(pilot)


async def test_keys_typed_before_the_first_list_is_read_wait_for_it_and_act_on_it(tmp_path: Path) -> None:
    """`j`, `x`, `j` and `j` typed as the app starts, before its task list was read (a slow disk, a campaign's view as
    the one it opens on): `x` said "no task is listed here", and the `j`s moved nothing."""
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    go_on = lists_read_slowly(app)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.tasks_pane
        await pilot.press("j", "x", "j", "j")
        assert not pane.loaded_once and not pane.marked  # typed before the list is there
        go_on.set()
        await settle(pilot)
        rows = [row.key for _, row in pane.table.loaded_rows()]
        assert pane.marked == {rows[1]}
        assert pane.table.cursor == 4  # x moves on too
        assert not [n for n in app._notifications if "no task is listed here" in str(n.message)]


async def test_keys_typed_after_a_view_is_picked_wait_for_its_list_and_act_on_it(tmp_path: Path) -> None:
    """`v`, `t` and `d` typed while Today's list was read: `d` marked done the task under the cursor in the Inbox, the
    list still shown."""
    workspace = demo_workspace(tmp_path / "demo.db")
    async with app_reading_slowly(workspace) as (app, pilot, go_on):
        pane = app.tasks_pane
        inbox_first = pane.table.cursor_key
        [today_first] = firsts(app, "due:today")
        assert inbox_first != today_first
        await press_while_read(pilot, go_on, "v", "t", "d")
        assert pane.list_title == "Today"
    done = statuses(workspace)
    assert done[today_first] == "done" and done[inbox_first] != "done"


def list_read_fails(app: CrewdeckApp) -> threading.Event:
    """The next task list's read waits while the event returned is clear, then fails (a disk's error); those after it
    read as before."""
    go_on = threading.Event()
    compile_list = app.session.reads.compile

    def read_and_fail(text: str, now: dt.datetime) -> Filter:
        assert go_on.wait(timeout=20), "the list was never let go on"
        app.session.reads.compile = compile_list  # type: ignore[method-assign]
        raise OSError("disk I/O error")

    app.session.reads.compile = read_and_fail  # type: ignore[method-assign]
    return go_on


def said(app: CrewdeckApp, words: str) -> bool:
    return any(words in str(n.message) for n in app._notifications)


async def test_keys_typed_for_a_view_whose_list_fails_to_read_are_dropped_and_said(tmp_path: Path) -> None:
    """`v`, `t` and `d`, Today's read failing: `d` marked done the Inbox's task under the cursor, the list still shown."""
    workspace = demo_workspace(tmp_path / "demo.db")
    app = make_app(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        inbox_first = pane.table.cursor_key
        fail = list_read_fails(app)
        await pilot.press("v", "t", "d")
        fail.set()
        await settle(pilot)
        assert said(app, "1 key (d) typed while the task list was read was dropped: the list could not be read")
    with Store(workspace) as store:
        assert str((store.record("task", inbox_first) or {})["status"]) != "done"


async def test_a_teammates_change_while_a_views_list_is_read_leaves_its_keys_on_its_first_row(tmp_path: Path) -> None:
    """`v`, `t`, a teammate's change read, then `d`, the Inbox's cursor on Today's second task: Today's list was read
    again keeping the Inbox's cursor, and `d` marked that task done, not Today's first."""
    workspace = demo_workspace(tmp_path / "demo.db")
    async with app_reading_slowly(workspace) as (app, pilot, go_on):
        pane = app.tasks_pane
        today_first, today_second = firsts(app, "due:today", 2)
        await pilot.press(*["j"] * [row.key for _, row in pane.table.loaded_rows()].index(today_second))
        assert pane.table.cursor_key == today_second
        go_on.clear()
        await pilot.press("v", "t")
        pane.store_changed([], False)
        await pilot.press("d")
        go_on.set()
        await settle(pilot)
        assert pane.list_title == "Today"
    done = statuses(workspace)
    assert done[today_first] == "done" and done[today_second] != "done"


async def test_after_keys_held_for_a_list_are_dropped_the_next_view_picked_holds_its_own(tmp_path: Path) -> None:
    """`v`, `t`, `d` dropped as Today's read took too long, then `v`, `i`, `d`: that `d` marked done the task under the
    cursor in the list shown, Today's, the Inbox's still read."""
    workspace = demo_workspace(tmp_path / "demo.db")
    app = make_app(workspace)
    go_on = lists_read_slowly(app)
    go_on.set()
    waits: list[Callable[[], object]] = []
    set_timer = app.set_timer

    def note_waits(delay: float, callback: Callable[[], object] | None = None, **options: Any) -> Timer:
        if isinstance(callback, partial) and callback.func == app._read_waited:
            waits.append(callback)  # called below, as the time the keys may wait is up
        return set_timer(delay, callback, **options)

    app.set_timer = note_waits  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        go_on.clear()
        waits.clear()
        await pilot.press("v", "t", "d")
        for wait in waits:
            wait()
        await pilot.pause()
        assert said(app, "1 key (d) typed while the task list was read was dropped")
        go_on.set()
        await settle(pilot)
        assert pane.list_title == "Today"
        today_first = pane.table.cursor_key
        [inbox_first] = firsts(app, "inbox")
        assert inbox_first != today_first
        await press_while_read(pilot, go_on, "v", "i", "d")
    done = statuses(workspace)
    assert done[inbox_first] == "done" and done[today_first] != "done"


async def test_keys_typed_with_a_pickers_answer_wait_for_it_to_close_and_go_to_the_list(tmp_path: Path) -> None:
    """`A`, `enter`, `j` and `x` in one burst: the assignment was written, and `j` and `x`, back at the picker before it
    took the choice, were lost there without a word."""
    app = make_app(demo_workspace(tmp_path / "demo.db"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        rows = [row.key for _, row in pane.table.loaded_rows()]
        burst(app, "A", "\r", "j", "x")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert pane.marked == {rows[1]}


async def test_keys_held_for_a_views_list_with_a_pickers_answer_act_on_it_once_the_picker_closes(tmp_path: Path) -> None:
    """`v`, `t`, `A`, `enter`, `j`, `x` typed while Today's list was read: sent on as one burst once it was, the
    assignment landed and `j` and `x` were lost."""
    async with app_reading_slowly(demo_workspace(tmp_path / "demo.db")) as (app, pilot, go_on):
        pane = app.tasks_pane
        _, today_second = firsts(app, "due:today", 2)
        await press_while_read(pilot, go_on, "v", "t", "A", "enter", "j", "x")
        assert pane.list_title == "Today" and app.screen is app.main_screen
        assert pane.marked == {today_second}
