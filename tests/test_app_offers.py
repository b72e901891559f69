"""The app offers each person what the rules let them do: no key the judge refuses, none hidden that it accepts.

Spring Launch's chain here is copy:@mia, then client:@gus (a guest of that
campaign); three posts by raj wait for review, the first with mia's step done.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.pilot import Pilot

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.post_keys import POST_BINDINGS
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.posts import writing
from crewdeck.widgets.key_footer import footer_keys

from .apphelp import calendar_shown, help_text, make_app, settle
from .conftest import NOW, Cli
from .postsupport import add_posts, client_chain, ids, team_workspace

SIZE = (160, 48)


@pytest.fixture
def chain(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "offers.db"
    posts = client_chain(path)
    with Store(path) as store:
        writing.approve(store, ids(store, "member", "handle")["mia"], posts[0], NOW)
    return path, posts


def verdicts(path: Path, post_id: str) -> list[tuple[str, str]]:
    with Store(path) as store:
        handles = {v: k for k, v in ids(store, "member", "handle").items()}
        rows = store.conn.execute("SELECT verdict, approved_by FROM post_approval WHERE post = ? ORDER BY approved_at", (post_id,))
        return [(verdict, handles[by]) for verdict, by in rows]


def footer(app: CrewdeckApp) -> list[str]:
    shown, _ = footer_keys(app.screen)
    return [key.description for key in shown if key.enabled]


async def open_detail(app: CrewdeckApp, pilot: object, post_id: str) -> DetailScreen:
    screen = DetailScreen(post_id, app.services)
    await app.push_screen(screen)
    await settle(pilot)  # type: ignore[arg-type]
    return screen


def offered(screen: DetailScreen) -> dict[str, bool]:
    """Which of the detail's keys are offered: the post moves, a task edit, copying, setting a field."""
    moves = {move: screen.check_action("post", (move,)) is True for move in ("submit", "approve", "reject", "schedule", "pull")}
    return {
        **moves,
        "done": screen.check_action("triage", ("done",)) is True,
        "priority": screen.check_action("triage", ("priority",)) is True,
        "copy": screen.check_action("triage", ("copy",)) is True,
        "set_field": screen.check_action("set_field", ()) is True,
    }


async def test_a_guest_approves_from_a_posts_detail_when_the_step_is_theirs_and_changes_nothing_else(chain: tuple[Path, list[str]]) -> None:
    # The detail offered a guest "close" alone, though the rules let a client approve their campaigns' posts.
    path, posts = chain
    app = make_app(path, "gus")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.task_id == posts[0]
        assert offered(screen) == {
            "submit": False,
            "approve": True,
            "reject": True,
            "schedule": False,
            "pull": False,
            "done": False,
            "priority": False,
            "copy": True,
            "set_field": False,
        }
        assert footer(app) == ["Back", "Approve post", "Request changes", "Keys"]
        await pilot.press("Y")
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("approve", "mia"), ("approve", "gus")]


async def test_a_posts_detail_offers_each_verdict_only_where_the_judge_takes_it(chain: tuple[Path, list[str]]) -> None:
    path, posts = chain
    seen: dict[str, dict[str, bool]] = {}
    for handle in ("gus", "mia", "raj", "ana"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = await open_detail(app, pilot, posts[1])  # step 1 (copy, @mia) open
            seen[handle] = {k: v for k, v in offered(screen).items() if k in ("approve", "reject", "priority")}
    assert seen == {
        # Steps go in order, but a reviewer may ask for changes at any open step of theirs.
        "gus": {"approve": False, "reject": True, "priority": False},
        "mia": {"approve": True, "reject": True, "priority": True},
        # raj wrote it; ana is in no step.
        "raj": {"approve": False, "reject": False, "priority": True},
        "ana": {"approve": False, "reject": False, "priority": True},
    }
    for handle, offers in seen.items():
        code = Cli(path)("post", "approve", posts[1], as_member=handle).code
        assert (code == 0) == offers["approve"], handle
        if code == 0:
            break


async def test_a_guests_verdict_refreshes_what_they_see_with_no_error(chain: tuple[Path, list[str]]) -> None:
    # A guest's app has no panes: refreshing after their verdict asked for the panes' screen and failed
    # ("AttributeError: ... 'main_screen'"), so the detail kept offering the step they had just taken.
    path, posts = chain
    app = make_app(path, "gus")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("Y")
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("approve", "mia"), ("approve", "gus")]
        # The step they took is not offered again; withdrawing their approval is, until the post is published.
        assert footer(app) == ["Back", "Withdraw approval", "Keys"]
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        # Approved with theirs, not out yet: still listed, for `w`, with the posts waiting on mia.
        assert [row.id for _, row in screen.table.loaded_rows()] == posts
        assert not [n.message for n in app._notifications if n.severity == "error"]


async def test_a_client_who_approved_by_mistake_withdraws_it_in_the_approvals_view(chain: tuple[Path, list[str]]) -> None:
    """A client approving the last step saw the post leave their Approvals view, their whole app: no confirm, no undo,
    no way back.  It stays listed as approved by them, and `w` withdraws their approval: in review again, said in its
    history, and theirs to approve again."""
    path, posts = chain
    app = make_app(path, "gus")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        assert screen.table.cursor_row is not None and screen.table.cursor_row.id == posts[0]
        assert footer(app) == ["Open", "Approve", "Request changes", "Quit", "Keys"]
        await pilot.press("a")
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("approve", "mia"), ("approve", "gus")]
        row = screen.table.cursor_row
        assert row is not None and row.id == posts[0] and row.cells[-1].startswith("approved, your approval among them")
        assert footer(app) == ["Open", "Withdraw approval", "Quit", "Keys"]
        await pilot.press("w")
        await settle(pilot)
        assert verdicts(path, posts[0]) == [("approve", "mia"), ("approve", "gus"), ("withdraw", "gus")]
        notices = [n.message for n in app._notifications]
        assert "withdrew your approval of “Spring post 0”" in notices, notices
        row = screen.table.cursor_row
        assert row is not None and row.id == posts[0] and row.cells[-1].startswith("needs you: step 2 of 2 (client)")
        assert footer(app) == ["Open", "Approve", "Request changes", "Quit", "Keys"]
    shown = Cli(path).ok("post", "show", posts[0])
    assert "withdrew their approval (client)" in shown


async def test_the_approvals_view_offers_approve_and_request_changes_only_on_the_posts_the_judge_takes_them_for(
    chain: tuple[Path, list[str]],
) -> None:
    # `a` was offered on every row and refused after the key ("steps go in order"), `c` after its dialog.
    path, posts = chain
    seen: dict[str, list[tuple[bool, bool]]] = {}
    for handle in ("gus", "raj"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if not isinstance(app.screen, ApprovalsScreen):
                await pilot.press("R")
                await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ApprovalsScreen)
            rows = []
            for _ in range(len(posts)):
                rows.append((screen.check_action("approve", ()) is True, screen.check_action("request_changes", ()) is True))
                await pilot.press("down")
                await settle(pilot)
            seen[handle] = rows
            await pilot.press("up", "a")
            await settle(pilot)
    # gus: post 0 waits on his step; 1 and 2 on mia's first, yet he may ask for changes at his step. raj wrote them all.
    assert seen == {"gus": [(True, True), (False, True), (False, True)], "raj": [(False, False)] * 3}
    assert verdicts(path, posts[2]) == []


async def test_the_calendar_offers_approve_only_on_a_post_the_judge_takes_it_for_and_its_post_keys_only_on_a_post(
    chain: tuple[Path, list[str]],
) -> None:
    # `a` was offered on any post and on an empty cell, and refused once pressed.
    path, posts = chain
    seen: dict[str, dict[str, bool]] = {}
    for handle in ("mia", "ana"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            panel = await calendar_shown(app, pilot)
            assert panel.laid is not None
            calendar = panel.calendar
            (row, day), placed = next((key, cell) for key, cell in panel.laid.cells.items() if any(p.post.id == posts[1] for p in cell))
            calendar.move_to(row, day, [p.post.id for p in placed].index(posts[1]))
            await settle(pilot)
            offers = {name: calendar.check_action("request", (name,)) is not False for name in ("approve", "open", "later_hour")}
            calendar.move_to(row, next(d for d in range(len(panel.laid.days)) if not panel.laid.posts_at(row, d)))
            await settle(pilot)
            empty = {f"empty {name}": calendar.check_action("request", (name,)) is not False for name in ("approve", "open", "later_hour")}
            seen[handle] = {**offers, **empty}
    # mia takes the copy step of post 1; ana (a manager) is in no step, but moves its slot as any member may.
    no_post = {"empty approve": False, "empty open": False, "empty later_hour": False}
    assert seen == {
        "mia": {"approve": True, "open": True, "later_hour": True, **no_post},
        "ana": {"approve": False, "open": True, "later_hour": True, **no_post},
    }


async def test_the_task_lists_post_keys_are_offered_on_a_post_whose_state_and_rules_allow_them(chain: tuple[Path, list[str]]) -> None:
    # S Y N L P were in the palette on every row, a plain task's included ("not a post" once pressed),
    # and Y and N on posts the rules refuse the verdict for.
    path, posts = chain
    with Store(path) as store:
        members = ids(store, "member", "handle")
        with store.write(members["raj"]) as w:
            w.create("task", {"title": "Plain chore", "status": "todo", "created_by": members["raj"], "created_at": "2026-11-26T09:00:00Z"})
    moves = ("submit", "approve", "reject", "withdraw", "schedule", "pull")
    seen: dict[str, dict[str, list[str]]] = {}
    for handle in ("mia", "raj"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pane = app.tasks_pane
            seen[handle] = {}
            for title in ("Plain chore", "Spring post 1"):
                pane.query_text, pane.view = title, None
                pane.reload(keep_cursor=False)
                await settle(pilot)
                palette = [c.title for c in app.get_system_commands(app.screen)]
                offered = [move for move in moves if pane.check_action("post", (move,)) is True]
                assert [f"Tasks: {b.description}" in palette for b in POST_BINDINGS if isinstance(b, Binding)] == [
                    move in offered for move in moves
                ]
                seen[handle][title] = offered
            if handle == "raj":
                await pilot.press("Y")  # not offered: nothing is asked, and one line says why, in the rules' words
                await settle(pilot)
                assert app.screen is app.main_screen
                assert [n.message for n in app._notifications] == [
                    "Y: Approve post — step 'copy' is not @raj's to take for “Spring post 1” (rule not_a_reviewer)"
                ]
    # In review, a post's moves are the verdicts, its copy and pulling it: mia takes its copy step, raj wrote it.
    assert seen == {
        "mia": {"Plain chore": [], "Spring post 1": ["approve", "reject", "pull"]},
        "raj": {"Plain chore": [], "Spring post 1": ["pull"]},
    }
    assert verdicts(path, posts[1]) == []


async def test_a_guests_approvals_name_whom_each_post_waits_for_by_handle(chain: tuple[Path, list[str]]) -> None:
    # A guest's app has no panes, and the members they name were never read: WHY said "@635ea3b7", not "@gus".
    path, _ = chain
    app = make_app(path, "gus")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        why = [row.cells[-1] for _, row in screen.table.loaded_rows()]
        assert why == [
            "needs you: step 2 of 2 (client), @gus, still open",
            "step 1 of 2 (copy), @mia, still open",
            "step 1 of 2 (copy), @mia, still open",
        ]


async def test_a_guests_approvals_footer_says_its_close_key_quits_as_it_does(chain: tuple[Path, list[str]]) -> None:
    # A guest's app is this view alone: `escape` left the app, while the footer and `?` called it "Back".
    path, _ = chain
    said: dict[str, list[str]] = {}
    for handle in ("raj", "gus"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if handle == "raj":
                await pilot.press("R")
                await settle(pilot)
            assert isinstance(app.screen, ApprovalsScreen)
            said[handle] = [key.description for key in footer_keys(app.screen)[0] if key.key == "escape"]
            text = await help_text(pilot)
            said[handle].append(next(line.split()[-2] for line in text.splitlines() if "approvals.close" in line))
            await pilot.press("escape", "escape")  # the help, then the view
            await settle(pilot)
            assert app.is_running == (handle == "raj")
    assert said == {"raj": ["Back", "Back"], "gus": ["Quit", "Quit"]}


async def test_resume_is_offered_to_a_member_only_once_the_crisis_holding_the_post_has_ended(chain: tuple[Path, list[str]]) -> None:
    # `s` on a post a crisis paused listed "resume" to members, refused once picked while the crisis was open
    # (only a manager releases a post from an open crisis).
    path, posts = chain
    with Store(path) as store:
        members = ids(store, "member", "handle")
        writing.approve(store, members["gus"], posts[0], NOW)
        writing.start_crisis(store, members["ana"], NOW, "bad press")
    seen: dict[str, bool] = {}
    for handle in ("raj", "ana"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = await open_detail(app, pilot, posts[0])
            assert screen.moves is not None and screen.moves.post.state == "paused"
            seen[handle] = "resume" in screen.moves.offered
    assert seen == {"raj": False, "ana": True}
    assert Cli(path)("post", "resume", posts[0], as_member="raj").code == 2


async def test_the_keys_help_leaves_out_the_keys_the_rules_refuse_to_the_members_role(chain: tuple[Path, list[str]]) -> None:
    # `?` listed the crisis key and the ledger's approve to a member, whom the rules refuse both (managers_only),
    # while the footer and the palette hid them.
    path, _ = chain
    keys = ("app.crisis", "ledger.approve", "ledger.new", "ledger.reverse", "post.approve", "held.resume")
    seen: dict[str, dict[str, bool]] = {}
    for handle in ("raj", "ana"):
        app = make_app(path, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            text = await help_text(pilot)
            seen[handle] = {key: key in text for key in keys}
    member = dict.fromkeys(keys, True) | {"app.crisis": False, "ledger.approve": False}
    assert seen == {"raj": member, "ana": dict.fromkeys(keys, True)}


@pytest.fixture
def published(chain: tuple[Path, list[str]]) -> tuple[Path, list[str]]:
    """The chain, with its first post approved by gus and published by raj."""
    path, posts = chain
    with Store(path) as store:
        members = ids(store, "member", "handle")
        writing.approve(store, members["gus"], posts[0], NOW)
        writing.publish(store, members["raj"], posts[0], NOW)
    return path, posts


def post_state(path: Path, post_id: str) -> str:
    with Store(path) as store:
        return str(store.conn.execute("SELECT post_state FROM task WHERE id = ?", (post_id,)).fetchone()[0])


async def test_the_task_list_offers_no_status_key_on_a_published_post_and_says_one_line_if_one_comes(
    published: tuple[Path, list[str]],
) -> None:
    # `s` and `d` were offered on a published post; `s` then said it had no moves left, `d` "cannot publish ...: it is published".
    path, posts = published
    app = make_app(path, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.tasks_pane
        seen: dict[str, dict[str, bool]] = {}
        for title in ("Spring post 0", "Spring post 1"):
            pane.query_text, pane.view = f"{title} all", None
            pane.reload(keep_cursor=False)
            await settle(pilot)
            assert pane.table.cursor_record is not None and pane.table.cursor_record.title == title
            shown = footer(app)
            seen[title] = {
                key: pane.check_action("triage", (key,)) is True and name in shown
                for key, name in (("cycle_status", "Status"), ("done", "Done"))
            }
        assert seen == {"Spring post 0": {"cycle_status": False, "done": False}, "Spring post 1": {"cycle_status": True, "done": False}}
        pane.query_text, pane.view = "Spring post 0 all", None
        pane.reload(keep_cursor=False)
        await settle(pilot)
        await pilot.press("d", "s")  # not offered: nothing is asked, and one line says why, the last key's
        await settle(pilot)
        assert app.screen is app.main_screen
        assert [n.message for n in app._notifications] == ["s: Status — “Spring post 0” is published: no moves left"]
        app.clear_notifications()
        pane.action_triage("done")  # as a key taken just before the post was published
        await settle(pilot)
        assert [n.message for n in app._notifications] == ["“Spring post 0” is published: no moves left"]
    assert post_state(path, posts[0]) == "published"


async def test_the_calendar_offers_no_slot_move_on_a_published_post(published: tuple[Path, list[str]]) -> None:
    # `+ - > <` were offered on a published post and refused once pressed ("cannot move ...: it is published").
    path, posts = published
    app = make_app(path, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = await calendar_shown(app, pilot)
        assert panel.laid is not None
        seen: dict[str, dict[str, bool]] = {}
        for post_id in posts[:2]:
            (row, day), placed = next((key, cell) for key, cell in panel.laid.cells.items() if any(p.post.id == post_id for p in cell))
            panel.calendar.move_to(row, day, [p.post.id for p in placed].index(post_id))
            await settle(pilot)
            moves = ("open", "later_hour", "earlier_hour", "later_day", "earlier_day")
            seen[post_id] = {name: panel.calendar.check_action("request", (name,)) is not False for name in moves}
    assert seen == {
        posts[0]: {"open": True, "later_hour": False, "earlier_hour": False, "later_day": False, "earlier_day": False},
        posts[1]: dict.fromkeys(("open", "later_hour", "earlier_hour", "later_day", "earlier_day"), True),
    }


async def test_a_guests_keys_help_lists_the_keys_of_their_approvals_and_posts_only(chain: tuple[Path, list[str]]) -> None:
    # `?` did nothing for a guest (the app refused them the help), and the palette's "Keys" is not theirs either.
    path, _ = chain
    app = make_app(path, "gus")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await help_text(pilot)
        assert "ctrl+p" not in text  # a guest has no palette
        theirs = (
            "app.help",
            "app.quit",
            "approvals.approve",
            "approvals.request_changes",
            "approvals.withdraw",  # a client takes back an approval given by mistake
            "table.activate",  # enter opens the post under the cursor
            "table.cursor_down",
            "post.approve",
            "post.reject",
            "post.withdraw",
            "triage.copy",
        )
        not_theirs = (
            "app.pane_tasks",
            "app.crisis",
            "app.sync_now",
            "tasks.quick_add",
            "ledger.new",
            "post.submit",
            "triage.done",
            "detail.set_field",
        )
        assert {key: key in text for key in (*theirs, *not_theirs)} == {**dict.fromkeys(theirs, True), **dict.fromkeys(not_theirs, False)}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)


async def test_a_manager_acting_as_a_reviewer_is_offered_no_verdict_the_judge_refuses_her(tmp_path: Path) -> None:
    """ana, acting as mia (``--as``), was offered `a` (and Y, N) on a post whose round she wrote, and the post was listed
    as needing her: each key then met the rule round_author, as the judge still knows her as ana."""
    from crewdeck.tui.workspace.workspace import os_user

    from .conftest import in_person

    path = tmp_path / "acting.db"
    store = team_workspace(path, NOW)
    [post] = add_posts(store, 1, NOW + dt.timedelta(days=2), author="ana", submitted=NOW)  # step 1: copy, @mia
    store.close()
    Cli(path).ok("member", "set", "ana", "--unix-user", os_user())  # the tests' account is ana's: --as mia is ana acting
    with in_person():  # mia herself: the post needs her, and both verdicts are hers to give
        app = make_app(path, "mia")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_approvals_view(app, pilot)
            assert [p.id for p in screen.mine] == [post]
            assert footer(app)[:3] == ["Open", "Approve", "Request changes"]
    app = make_app(path, "mia")
    assert app.services.session.actor is not None  # ana, acting as mia
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals_view(app, pilot)
        assert screen.mine == [] and [p.id for p in screen.others] == [post]
        assert "Approve" not in footer(app) and "Request changes" not in footer(app)
        await pilot.press("a")
        await settle(pilot)
        detail = await open_detail(app, pilot, post)
        assert {k: v for k, v in offered(detail).items() if k in ("approve", "reject")} == {"approve": False, "reject": False}
    assert verdicts(path, post) == []
    code = Cli(path)("post", "approve", post, as_member="mia").code  # what the judge says of the key not offered
    assert code != 0 and verdicts(path, post) == []


async def open_approvals_view(app: CrewdeckApp, pilot: Pilot[object]) -> ApprovalsScreen:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ApprovalsScreen)
    return screen


async def test_an_approval_withdrawn_inside_the_lead_time_says_the_post_is_expired_now(chain: tuple[Path, list[str]]) -> None:
    """Withdrawn inside the approval lead time, the post reads expired, which no approval takes back: the notice said
    "withdrew your approval of …" alone, as if approving it again would let it out."""
    path, posts = chain
    with Store(path) as store:
        members = ids(store, "member", "handle")
        writing.approve(store, members["gus"], posts[0], NOW)
        with store.write(members["ana"]) as w:  # its slot, in two days, is now inside the lead time
            w.set("workspace", "workspace", {"approval_lead_minutes": 3 * 24 * 60})
    app = make_app(path, "gus")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        assert screen.table.cursor_row is not None and screen.table.cursor_row.id == posts[0]
        app.clear_notifications()
        await pilot.press("w")
        await settle(pilot)
        assert [n.message for n in app._notifications] == [
            "withdrew your approval of “Spring post 0”: it is expired now, inside the approval lead time: a new slot past it "
            "brings it back to review"
        ]
