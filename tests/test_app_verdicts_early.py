"""A verdict's key pressed before the rules have said whether it is mine on the post under the cursor: it waits for
their answer, with the keys typed after it, and acts then, on that post, once (``hidden_keys.KeepsEarlyKeys``).

Pressed as the cursor landed on a post, ``Y`` (``a`` in the Approvals view) did nothing and said nothing.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot

from crewdeck.sync.state.store import Store
from crewdeck.tui.app import app as app_module
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.calendar_panel import CalendarPanel
from crewdeck.tui.app.screens import approvals
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.workers import Latest
from crewdeck.tui.posts import offers, writing
from crewdeck.widgets.content_calendar import ContentCalendar

from .apphelp import calendar_shown, make_app, settle
from .conftest import NOW
from .postsupport import client_chain, ids
from .test_app_counting import seen

SIZE = (80, 24)


@pytest.fixture
def chain(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three posts by raj in review; the copy step is @mia's, the client's @gus's (a guest of Spring Launch)."""
    path = tmp_path / "early.db"
    return path, client_chain(path)


def verdicts(path: Path, post_id: str) -> list[tuple[str, str, str]]:
    with Store(path) as store:
        handles = {v: k for k, v in ids(store, "member", "handle").items()}
        rows = store.conn.execute("SELECT verdict, approved_by, note FROM post_approval WHERE post = ? ORDER BY approved_at", (post_id,))
        return [(verdict, handles[by], note) for verdict, by, note in rows]


def held(monkeypatch: pytest.MonkeyPatch, module: Any) -> threading.Event:
    """The rules' answer of which verdicts are mine, as ``module`` asks it, waits for the event returned."""
    go_on = threading.Event()
    refusal = module.verdict_refusal

    def waiting(*args: Any) -> str | None:
        assert go_on.wait(timeout=20), "the verdicts' read was never let go on"
        return refusal(*args)

    monkeypatch.setattr(module, "verdict_refusal", waiting)
    return go_on


@contextmanager
def raj_writes(path: Path) -> Iterator[Any]:
    """A write of raj's, the posts' author, to the team's file, as his own app's would be."""
    with Store(path) as store, store.write(ids(store, "member", "handle")["raj"]) as write:
        yield write


def read_held(monkeypatch: pytest.MonkeyPatch, reads: Latest) -> threading.Event:
    """The reads of ``reads`` wait for the event returned before the workspace is read: the app's other reads go on
    meanwhile (a teammate's change read again)."""
    go_on = threading.Event()
    ask = reads.read

    def waiting(read: Callable[[], Any], show: Callable[[Any], object]) -> None:
        ask(lambda: go_on.wait(timeout=20) and read(), show)

    monkeypatch.setattr(reads, "read", waiting)
    return go_on


async def calendar_landing_on(app: CrewdeckApp, pilot: Pilot[object], post_id: str) -> tuple[CalendarPanel, Callable[[], None]]:
    """The calendar shown, and what puts its cursor on ``post_id`` when called."""
    await settle(pilot)
    panel = await calendar_shown(app, pilot)
    assert panel.laid is not None
    (row, day), placed = next((key, cell) for key, cell in panel.laid.cells.items() if any(p.post.id == post_id for p in cell))
    return panel, lambda: panel.calendar.move_to(row, day, [p.post.id for p in placed].index(post_id))


def said(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def answered_after_the_drop(app: CrewdeckApp, pilot: Pilot[object], go_on: threading.Event, path: Path, post_id: str) -> None:
    """The rules' answer, let go once the key kept for it was dropped or said why not, writes nothing on ``post_id`` and
    says nothing more (an error of a read no one shows, a key acting after all)."""
    before = said(app)
    go_on.set()
    await settle(pilot)
    assert said(app) == before and verdicts(path, post_id) == []


@asynccontextmanager
async def on_first_post_held(
    path: Path, handle: str, monkeypatch: pytest.MonkeyPatch, post_id: str
) -> AsyncIterator[tuple[CrewdeckApp, Pilot[object], threading.Event]]:
    """``handle``'s app, its task list filtered to the three posts, the cursor landed on the first (``post_id``), whose
    verdicts' read is held up until the event yielded is set."""
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)  # on a loaded machine 2 s may pass before it is set
    app = make_app(path, handle)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        go_on = read_held(monkeypatch, pane._verdict_reads)  # the list's own reads go on meanwhile
        pane.query_text, pane.view = "Spring post", None
        pane.reload(keep_cursor=False)
        await seen(pilot, lambda: pane.table.cursor_key == post_id, "the post under the cursor")
        assert pane.verdicts is None
        yield app, pilot, go_on


async def test_y_pressed_twice_before_the_rules_answer_approves_once_and_says_why_not_again(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, posts = chain
    async with on_first_post_held(path, "mia", monkeypatch, posts[0]) as (app, pilot, go_on):
        await pilot.press("Y", "Y", "j")
        assert verdicts(path, posts[0]) == []
        assert app.tasks_pane.table.cursor_key == posts[0]  # j waits behind the Ys
        go_on.set()
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("approve", "mia", "")]
        assert said(app) == [
            "approved “Spring post 0”",
            "Y: Approve post — @mia approved a step of this round of “Spring post 0” already (rule one_step_per_round)",
        ]
        assert app.tasks_pane.table.cursor_key == posts[1]  # then j moved on


async def test_a_verdict_key_the_rules_refuse_says_why_once_they_answer(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, posts = chain
    async with on_first_post_held(path, "ana", monkeypatch, posts[0]) as (app, pilot, go_on):  # in neither step of the chain
        await pilot.press("Y")
        go_on.set()
        await settle(pilot)
        assert said(app) == ["Y: Approve post — step 'copy' is not @ana's to take for “Spring post 0” (rule not_a_reviewer)"]
        assert verdicts(path, posts[0]) == []


async def test_n_pressed_early_asks_for_the_note_and_the_keys_typed_after_it_go_into_it(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, posts = chain
    async with on_first_post_held(path, "mia", monkeypatch, posts[0]) as (app, pilot, go_on):
        await pilot.press("N", *"shorter", "enter")
        assert app.screen is app.main_screen
        go_on.set()
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("reject", "mia", "shorter")]
        assert not isinstance(app.screen, PromptScreen)


async def test_a_verdict_key_whose_post_left_the_list_before_the_rules_answered_is_dropped_and_said(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, posts = chain
    async with on_first_post_held(path, "mia", monkeypatch, posts[0]) as (app, pilot, go_on):
        await pilot.press("Y")
        # raj renames the post meanwhile: it leaves the filtered list, and the cursor lands on the next post.
        with raj_writes(path) as w:
            w.set("task", posts[0], {"title": "Autumn teaser"})
        table = app.tasks_pane.table
        await seen(pilot, lambda: table.cursor_key == posts[1], "the cursor on the next post")
        go_on.set()
        await settle(pilot)
        assert [verdicts(path, post) for post in posts] == [[], [], []]
        assert said(app) == [
            "@raj renamed “Spring post 0” to “Autumn teaser”",
            "1 key (Y) typed while the post's approvals were read was dropped: the cursor left “Spring post 0” first",
        ]


async def test_a_verdict_key_whose_post_was_deleted_as_the_last_listed_before_the_rules_answered_is_dropped_and_said(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With no post left to move the cursor to, the Y waited for the rules' answer, which came as an error in the CLI's
    # words ("00000000 is not a post (a task becomes one with: crewdeck post add …)"), and was dropped 2 s later as
    # taking too long.
    path, posts = chain
    async with on_first_post_held(path, "mia", monkeypatch, posts[0]) as (app, pilot, go_on):
        pane = app.tasks_pane
        pane.query_text = "Spring post 0"
        pane.reload(keep_cursor=False)
        await seen(pilot, lambda: pane.count == 1, "the post listed alone")
        await pilot.press("Y")
        with raj_writes(path) as w:
            w.delete("task", posts[0])
        await seen(pilot, lambda: pane.count == 0, "the list emptied")
        assert said(app) == [
            "@raj deleted “Spring post 0”",
            "1 key (Y) typed while the post's approvals were read was dropped: the cursor left “Spring post 0” first",
        ]
        await answered_after_the_drop(app, pilot, go_on, path, posts[0])


async def test_a_verdict_key_whose_post_was_made_a_plain_task_before_the_rules_answered_says_why_at_once(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, posts = chain
    async with on_first_post_held(path, "mia", monkeypatch, posts[0]) as (app, pilot, go_on):
        await pilot.press("Y")
        with raj_writes(path) as w:
            w.set("task", posts[0], {"post_state": None})
        table = app.tasks_pane.table
        await seen(pilot, lambda: table.cursor_record is not None and table.cursor_record.post_state is None, "a plain task")
        # The rules' answer still held: it waited for one no longer asked for, and was dropped as taking too long.
        await seen(pilot, lambda: len(said(app)) == 2, "the Y's notice")
        assert said(app) == ["@raj made “Spring post 0” a plain task", "Y: Approve post — only on a post in review"]
        await answered_after_the_drop(app, pilot, go_on, path, posts[0])
        assert table.cursor_key == posts[0]


async def test_a_clients_approve_key_pressed_as_the_approvals_view_opens_approves_once_the_post_is_read(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, posts = chain
    with Store(path) as store:
        writing.approve(store, ids(store, "member", "handle")["mia"], posts[0], NOW)
    go_on = held(monkeypatch, approvals)
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)  # on a loaded machine 2 s may pass before go_on is set
    app = make_app(path, "gus")  # a guest: the app is the Approvals view, open at once
    async with app.run_test(size=SIZE) as pilot:
        await seen(pilot, lambda: isinstance(app.screen, ApprovalsScreen) and app.screen.table.cursor_row is not None, "the posts")
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen) and screen.offered is None
        await pilot.press("a", "a")
        assert verdicts(path, posts[0]) == [("approve", "mia", "")]
        go_on.set()
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("approve", "mia", ""), ("approve", "gus", "")]
        # The second a, once the post was read again after the approval: why it is not taken now.
        assert said(app) == ["approved “Spring post 0”", "a: Approve — cannot approve “Spring post 0”: it is approved"]


async def test_an_approve_key_kept_as_the_approvals_view_is_closed_by_the_mouse_is_dropped_and_said_at_once(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # It waited 2 s for a read no view would show, then said to type again; that read, come back, said "NoMatches: No
    # nodes match 'PostTable'".
    path, posts = chain
    go_on = held(monkeypatch, approvals)
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)
    app = make_app(path, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await seen(pilot, lambda: isinstance(app.screen, ApprovalsScreen) and app.screen.table.cursor_row is not None, "the posts")
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        await pilot.press("a")
        screen.action_close()  # as a click on the footer's esc does
        await seen(pilot, lambda: app.screen is app.main_screen and len(said(app)) == 1, "the a dropped")
        assert said(app) == ["1 key (a) typed while the post's approvals were read was dropped: the Approvals view closed first"]
        await answered_after_the_drop(app, pilot, go_on, path, posts[0])


async def test_the_calendars_approve_key_pressed_twice_as_the_cursor_lands_on_a_post_approves_it_once(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, posts = chain
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)  # on a loaded machine 2 s may pass before go_on is set
    app = make_app(path, "mia")
    async with app.run_test(size=SIZE) as pilot:
        _, land = await calendar_landing_on(app, pilot, posts[1])
        go_on = held(monkeypatch, offers)
        land()
        await pilot.press("a", "a")
        assert verdicts(path, posts[1]) == []
        go_on.set()
        await settle(pilot)
        assert verdicts(path, posts[1]) == [("approve", "mia", "")]
        assert said(app) == [
            "approved “Spring post 1”",
            "a: Approve — @mia approved a step of this round of “Spring post 1” already (rule one_step_per_round)",
        ]


async def test_the_keys_typed_after_verdict_keys_held_again_and_again_stay_behind_them(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Held a second time once the first Y was written, the keys behind N had been sent on a last time before: they came
    # back past it to the list's bindings, and its a opened Quick add, which saved "te"; N's note was left empty.
    path, posts = chain
    async with on_first_post_held(path, "mia", monkeypatch, posts[0]) as (app, pilot, go_on):
        await pilot.press("Y", "Y", "N", *"late", "enter")
        go_on.set()
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("approve", "mia", ""), ("reject", "mia", "late")]
        assert said(app) == [
            "approved “Spring post 0”",
            "Y: Approve post — @mia approved a step of this round of “Spring post 0” already (rule one_step_per_round)",
            "requested changes on “Spring post 0”",
        ]
        assert app.screen is app.main_screen and app.focused is app.tasks_pane.table


async def test_the_calendars_approve_key_kept_once_the_rules_have_answered_acts_at_once(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The calendar tells its panel of the key kept by a message, which may come behind the rules' answer: it waited for
    # an answer already in, until its keys were dropped as taking too long.
    path, posts = chain
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)
    app = make_app(path, "mia")
    async with app.run_test(size=SIZE) as pilot:
        panel, land = await calendar_landing_on(app, pilot, posts[1])
        go_on = held(monkeypatch, offers)
        kept: list[ContentCalendar.KeyKept] = []
        post_message = panel.calendar.post_message

        def behind_the_answer(message: Message) -> bool:
            if isinstance(message, ContentCalendar.KeyKept):
                kept.append(message)
                return True
            return post_message(message)

        monkeypatch.setattr(panel.calendar, "post_message", behind_the_answer)
        land()
        await pilot.press("a")
        go_on.set()
        await settle(pilot)
        assert verdicts(path, posts[1]) == [] and "approve" not in panel.calendar.asking  # the answer in first
        [message] = kept
        post_message(message)
        await settle(pilot)
        assert verdicts(path, posts[1]) == [("approve", "mia", "")]


async def test_the_calendars_approve_key_on_a_post_deleted_before_the_rules_answered_is_dropped_and_said(
    chain: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rules' read of the post deleted meanwhile said "00000000 is not a post (a task becomes one with: …)".
    path, posts = chain
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)
    app = make_app(path, "mia")
    async with app.run_test(size=SIZE) as pilot:
        panel, land = await calendar_landing_on(app, pilot, posts[1])
        go_on = read_held(monkeypatch, panel._approvals)  # the calendar's own read of the deletion goes on meanwhile
        land()
        await pilot.press("a")
        with raj_writes(path) as w:
            w.delete("task", posts[1])
        await seen(pilot, lambda: any("dropped" in line for line in said(app)), "the a dropped")
        assert said(app) == [
            "@raj deleted “Spring post 1”",
            "1 key (a) typed while the post's approvals were read was dropped: the cursor left “Spring post 1” first",
        ]
        await answered_after_the_drop(app, pilot, go_on, path, posts[1])
