"""A key pressed where the state hides its binding says why in one line, where it did nothing, unsaid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.calendar_panel import CalendarPanel
from crewdeck.tui.app.ledger_pane import LedgerPane
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.entry_detail import EntryScreen
from crewdeck.tui.app.screens.help import shown_key
from crewdeck.tui.posts.offers import verdict_refusal

from .apphelp import calendar_on_one_post, cursor_on, make_app, settle, store_of, until
from .conftest import NOW, Cli
from .postsupport import add_posts, team_workspace

SIZE = (80, 24)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """The demo team with 20 tasks; one Spring Launch post by raj waiting for review (copy: @mia, then brand)."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW, tasks=20)
    add_posts(store, 1, NOW + dt.timedelta(days=2), submitted=NOW)
    store.close()
    return path


def said(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_post_key_on_a_task_that_is_no_post_says_where_it_acts_in_one_line(team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "-post:instagram")
        row = app.tasks_pane.table.cursor_record
        assert row is not None and row.post_state is None
        await pilot.press("Y")
        await settle(pilot)
        assert said(app) == ["Y: Approve post — only on a post in review"]
        # Pressed again and again, or one after another: one line, the last key's.
        await pilot.press("Y", "Y", "W", "P", "S")
        await settle(pilot)
        assert said(app) == ["S: Submit post — only on a post whose state is draft, changes requested or expired"]


async def test_a_post_key_on_a_post_whose_state_has_no_such_move_says_its_state(team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 0")
        row = app.tasks_pane.table.cursor_record
        assert row is not None and row.post_state == "in-review"
        await pilot.press("L")
        await settle(pilot)
        assert said(app) == ["L: Schedule post — only on a post whose state is approved, and this one is in review"]
        await pilot.press("Y")  # ana is in neither step of its chain: said in the rules' words, as the Approvals view says it
        await settle(pilot)
        assert said(app) == ["Y: Approve post — step 'copy' is not @ana's to take for “Spring post 0” (rule not_a_reviewer)"]


async def test_a_key_the_list_hides_when_empty_says_so_and_escape_says_nothing(team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # hidden (no filter to clear) to let escape go on: nothing to say
        await settle(pilot)
        assert said(app) == []
        pane = app.tasks_pane
        pane.query_text, pane.view = "nosuchwordanywhere", None
        pane.reload(keep_cursor=False)
        await settle(pilot)
        assert pane.table.row_count() == 0
        await pilot.press("x")
        await settle(pilot)
        assert said(app) == ["x: Mark — no task is listed here"]


async def test_a_key_that_acts_says_nothing_of_hidden_ones(team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 0")
        await pilot.press("s")  # the post's moves: a picker, nothing said
        await settle(pilot)
        assert said(app) == [] and app.screen is not app.main_screen


async def test_a_post_key_in_a_tasks_detail_says_why_it_is_not_offered(team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "-post:instagram")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.shown is not None and app.screen.shown.post_state is None
        await pilot.press("N")
        await settle(pilot)
        assert said(app) == ["N: Request changes — only on a post in review"]
        await pilot.press("escape")
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 0")
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.moves is not None
        await pilot.press("Y")
        await settle(pilot)
        refusal = detail.moves.refusals["approve"]
        assert refusal and said(app)[-1] == f"Y: Approve post — {refusal}"


async def test_the_app_wide_keys_hidden_here_say_why(team: Path) -> None:
    # At 80 columns `z` did nothing (one pane shows already); `f5` on a shared file, and `!` for a member, nothing either.
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert not app.zoomed
        assert said(app) == ["z: Zoom — under 100 columns one pane shows at a time already (1 2 3 or tab for the others)"]
        await pilot.press("f5")
        await settle(pilot)
        assert said(app) == ["f5: Sync now — this workspace is a shared file: there is no sync server to sync with"]
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert said(app) == ["!: Crisis — only a manager starts or ends a crisis (@raj is a member)"]
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        await pilot.press("z")  # offered: it zooms, and says nothing
        await settle(pilot)
        assert app.zoomed and said(app) == ["!: Crisis — only a manager starts or ends a crisis (@raj is a member)"]


async def test_the_budget_panes_hidden_keys_say_why(team: Path) -> None:
    # A member's `a` on spend, `x`, and `]` past all time did nothing, unsaid.
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        pane = app.query_one(LedgerPane)
        entry = pane.selected
        assert entry is not None and pane.check_action("approve", ()) is False
        await pilot.press("a")
        await settle(pilot)
        assert said(app)[-1].startswith("a: Approve — only a manager approves"), said(app)
        await pilot.press("x")
        await settle(pilot)
        assert said(app) == ["x: Mark — the marks gather entries to approve, which only a manager does"]
        while pane.period.start is not None:  # wider, up to all time
            await pilot.press("right_curly_bracket")
            await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert said(app) == ["]: Next period — all time has no period around it"]


async def test_a_guest_is_told_nothing_of_the_post_keys_they_never_have_in_a_posts_detail(team: Path) -> None:
    # The detail passed the moves' refusals on in full: a guest's P said "… @gus is a guest: guests do not change tasks
    # (rule guest_read_only)" of a key their footer and `?` never list (the app's own keys say nothing to a guest).
    Cli(team).ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest", "--campaigns", "spring-launch")
    app = make_app(team, "gus")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (post,) = [row[0] for row in store_of(app.session).conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'")]
        detail = DetailScreen(post, app.services)
        await app.push_screen(detail)
        await settle(pilot)
        assert detail.moves is not None
        await pilot.press("P", "S", "L", "s", "d", "colon")
        await settle(pilot)
        assert said(app) == []
        await pilot.press("Y")  # a verdict is a guest's key: why it is not theirs on this post is said
        await settle(pilot)
        assert said(app) == [f"Y: Approve post — {detail.moves.refusals['approve']}"]


async def test_a_post_key_its_state_has_not_reads_alike_in_the_list_and_in_the_detail(team: Path) -> None:
    # The list said "… only on a post whose state is approved, and this one is in review" (the README's words), the
    # detail "cannot schedule “Spring post 0”: it is in review".
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 0")
        await pilot.press("L")
        await settle(pilot)
        in_list = said(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.moves is not None
        await pilot.press("L")
        await settle(pilot)
        assert in_list == said(app) == ["L: Schedule post — only on a post whose state is approved, and this one is in review"]


async def test_the_calendars_post_keys_on_a_day_with_no_post_say_so(team: Path) -> None:
    # On a day with no post, enter, a, + - > and < did nothing, unsaid (the footer hid them).
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = app.main_screen.query_one(CalendarPanel)
        assert panel.laid is not None and (0, 0) not in panel.laid.cells
        panel.calendar.move_to(0, 0)
        await settle(pilot)
        assert panel.placed() is None
        for key, description in [
            ("enter", "Open"),
            ("a", "Approve"),
            ("plus", "+1 hour"),
            ("minus", "-1 hour"),
            ("greater_than_sign", "+1 day"),
            ("less_than_sign", "-1 day"),
        ]:
            await pilot.press(key)
            await settle(pilot)
            assert said(app) == [f"{shown_key(key)}: {description} — no post under the cursor"]
        assert app.screen is app.main_screen


async def test_the_calendars_a_on_a_post_in_review_not_mine_to_approve_says_the_rules_refusal(team: Path) -> None:
    # ana is in neither step of the post's chain: `a` did nothing, unsaid.
    app = make_app(team)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel, post_id = await calendar_on_one_post(app, pilot)
        await until(pilot, lambda: bool(panel.calendar.withheld.get("approve")), "the rules' answer on this post")
        await pilot.press("a")
        await settle(pilot)
        refusal = verdict_refusal(store_of(app.session), app.session.me.facts(), post_id, NOW, "approve")
        assert refusal and said(app) == [f"a: Approve — {refusal}"]


async def test_the_calendars_keys_on_a_published_post_say_why_they_do_nothing(tmp_path: Path) -> None:
    # On a post gone out `+` `-` `>` `<` (no move gives it another slot) and `a` did nothing, unsaid.
    path = tmp_path / "published.db"
    store = team_workspace(path, NOW)
    add_posts(store, 1, NOW + dt.timedelta(days=2), state="published")
    store.close()
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel, _ = await calendar_on_one_post(app, pilot)
        await until(pilot, lambda: bool(panel.calendar.withheld.get("approve")), "the rules' answer on this post")
        for key in ("plus", "less_than_sign"):
            await pilot.press(key)
            await settle(pilot)
        assert said(app) == ["<: -1 day — “Spring post 0” keeps its slot: it is published"]
        await pilot.press("a")
        await settle(pilot)
        assert said(app) == ["a: Approve — only on a post in review, and this one is published"]


async def test_an_entrys_t_on_an_entry_for_no_task_says_so(team: Path) -> None:
    # `t` (Open task) on an entry for no task did nothing, unsaid.
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        entry = app.query_one(LedgerPane).selected
        assert entry is not None and entry.task is None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen) and said(app) == ["t: Open task — this entry is for no task"]


async def test_a_verdict_key_the_approvals_view_hides_says_the_rules_refusal(team: Path) -> None:
    # `w` (Withdraw approval) on a post mia has not approved did nothing, unsaid.
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        row = screen.table.cursor_row
        assert row is not None and screen.offered is not None and screen.offered[0] == row.id
        await pilot.press("w")
        await settle(pilot)
        refusal = verdict_refusal(store_of(app.session), app.session.me.facts(), row.id, NOW, "withdraw")
        assert refusal and said(app) == [f"w: Withdraw approval — {refusal}"]
        await pilot.press("a")  # offered: it approves, and says so
        await settle(pilot)
        assert said(app)[-1].startswith("approved ")


async def test_a_guests_tab_and_shift_tab_move_in_their_approvals_and_end_nothing(team: Path) -> None:
    # The app asked whether the screen was the panes' to see if tab left a field: a guest's app has no panes, and
    # tab (in a browser, over SSH) ended it with an AttributeError, its traceback on the client's terminal.
    Cli(team).ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest", "--campaigns", "spring-launch")
    app = make_app(team, "gus")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        await pilot.press("tab", "shift+tab", "tab")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert app.return_code is None
