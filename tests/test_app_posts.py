"""The posts in the app: the Approvals view, the crisis key, its banner and the posts it held, driven by keys."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual import events
from textual.containers import Vertical
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Static, TextArea

from crewdeck.sync.state.records import TASK_STATUSES
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.calendar_panel import CalendarPanel
from crewdeck.tui.app.crisis import HeldPostsScreen
from crewdeck.tui.app.crisis_banner import CrisisBanner
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.discard import DiscardScreen
from crewdeck.tui.app.screens.help import HelpScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.reading import open_crises, read_post
from crewdeck.tui.posts.states import STATES
from crewdeck.tui.session.writing import Written
from crewdeck.tui.tasks.rows import CELLS, status_cell
from crewdeck.tui.workspace.config import Config
from crewdeck.widgets.content_calendar import CalendarData, ContentCalendar
from crewdeck.widgets.key_footer import KeyFooter, footer_keys
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.post_table import PostTable
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import FirstAnswerLast, calendar_on_one_post, cursor_on, help_text, keymapped_app, make_app, settle, until
from .conftest import NOW, NOW_TEXT, Cli
from .forged import Forger
from .postsupport import add_posts, ids, notices, team_workspace
from .syncsupport import Server, crewdeck, make_team, new_token

SIZE = (160, 48)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """The demo team; five Spring Launch posts by raj waiting for review (copy: @mia, then brand: kemi's group)."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    add_posts(store, 5, NOW + dt.timedelta(days=2), submitted=NOW)
    store.close()
    return path


async def test_copy_of_a_post_says_it_copied_the_post(team: Path) -> None:
    # A client approving posts read "copied the task", a word their app never shows them.
    app = make_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard.startswith("Spring post 1")
        assert notices(app)[-1] == "copied the post (OSC 52: works over SSH)"


def member(path: Path, handle: str) -> str:
    with Store(path) as store:
        return ids(store, "member", "handle")[handle]


def approvals_of(path: Path, post_id: str) -> int:
    """How many verdicts were written on the post: a verdict given twice is two."""
    with Store(path) as store:
        return int(store.conn.execute("SELECT count(*) FROM post_approval WHERE post = ?", (post_id,)).fetchone()[0])


def state(path: Path, post_id: str) -> str:
    with Store(path) as store:
        view = read_post(store.conn, post_id, NOW)
    assert view is not None
    return view.state


def banner(app: CrewdeckApp) -> CrisisBanner:
    return app.main_screen.query_one(CrisisBanner)


async def open_approvals(app: CrewdeckApp, pilot: Pilot[object]) -> ApprovalsScreen:
    """``R``: the Approvals view, open."""
    await pilot.press("R")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ApprovalsScreen)
    return screen


def banner_text(app: CrewdeckApp) -> str:
    return str(banner(app).render()) if banner(app).display else ""


async def test_approvals_lists_what_needs_me_first_oldest_slot_first_and_approves_with_one_key(team: Path) -> None:
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        table = screen.table
        assert table.total == 5
        rows = [row for _, row in table.loaded_rows()]
        assert [row.cells[4] for row in rows] == [f"Spring post {n}" for n in range(5)]
        assert all(row.cells[5].startswith("needs you: step 1 of 2 (copy)") for row in rows)
        first = rows[0].id
        await pilot.press("a")
        await settle(pilot)
        # Mia's step is done: the post now waits on the brand group, no longer on her.
        assert [row.cells[4] for _, row in table.loaded_rows()][:4] == [f"Spring post {n}" for n in range(1, 5)]
        moved = next(row for _, row in table.loaded_rows() if row.id == first)
        assert "step 2 of 2 (brand)" in moved.cells[5] and not moved.cells[5].startswith("needs you")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ApprovalsScreen)
    with Store(team) as store:
        verdicts = store.conn.execute("SELECT verdict, approved_by FROM post_approval WHERE post = ?", (first,)).fetchall()
    assert verdicts == [("approve", member(team, "mia"))]


async def test_an_approval_that_leaves_the_next_step_to_nobody_says_so_in_its_notice(team: Path) -> None:
    """mia is in the brand group too and kemi rewrote the copy: mia's approval of the copy step left the brand step to
    nobody (one person, one step), and the notice said "approved “Spring post 0”" alone, as `post approve` did."""
    with Store(team) as store:
        people = ids(store, "member", "handle")
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        [groups] = store.conn.execute("SELECT groups FROM member WHERE id = ?", (people["kemi"],)).fetchone()
        with store.write(people["ana"]) as w:
            w.set("member", people["mia"], {"groups": json.loads(groups)})
        writing.set_content(store, people["kemi"], post_id, NOW, copy="Spring, in kemi's words #launch")
        writing.submit(store, people["raj"], post_id, NOW)
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        assert next(row for _, row in screen.table.loaded_rows()).id == post_id
        said = await _told_after(app, pilot, "a")
    assert approvals_of(team, post_id) == 1
    assert said == [
        "approved “Spring post 0”; step 2 of 2 (brand), group brand, can be taken by nobody left once its earlier steps are "
        "taken (one person, one step): a manager changes the approval chain (crewdeck campaign set spring-launch "
        '--approvals "…"), or another member joins group brand (crewdeck member set HANDLE --groups …: their groups plus '
        "brand)"
    ], said


async def test_the_approvals_view_shows_a_read_asked_for_after_the_first_window_was_drawn(team: Path) -> None:
    # The rest of a long list is read once its first window is drawn, in the same group of workers as the list's own
    # read: started after a change asked for the list again, it cancelled that read before it ran, its own answer was
    # dropped as older, and the view kept the list as before the change.
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        first = next(row for _, row in screen.table.loaded_rows())
        with Store(team) as store, store.write(member(team, "raj")) as w:
            w.set("task", first.id, {"title": "Spring post renamed"})
        screen.reload()
        # The rest of the first window's list, asked for once it was drawn: before the event loop ran the read.
        screen._read_rest(screen.generation - 1, [], [], {})
        await settle(pilot)
        assert "Spring post renamed" in [row.cells[4] for _, row in screen.table.loaded_rows()]


async def test_the_approvals_view_at_80x24_gives_why_the_room_left_and_says_it_whole_under_the_list(team: Path) -> None:
    """At 80 columns WHY was 18 cells ("needs you: step 1…") and its end was nowhere on the screen."""
    app = make_app(team, "mia")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        table = screen.table
        widths = table.widths(table.scrollable_content_region.width)
        titles = [column.title for column in table.columns]
        shown = {title: width for title, width in zip(titles, widths) if width}
        assert max(shown, key=lambda title: shown[title]) == "WHY" and shown["WHY"] >= 28, shown
        first = table.render_line(1).text
        assert first.startswith("Sat 11-28 17:30 PST ") and "Spring post 0" in first, first  # the slot whole: the title says whose time
        copy = str(screen.query_one("#approvals-copy", Static).render())
        assert copy.splitlines()[:2] == ["Spring post 0", "needs you: step 1 of 2 (copy), @mia, still open"], copy


async def test_on_a_phones_width_the_approvals_view_says_when_the_post_goes_out_and_in_whose_time(team: Path) -> None:
    """Below 37 columns SLOT gives way to POST: a client approving on a phone saw the post and why it waits for them,
    and nowhere when it would go out.  Under the list, then, its slot; wider, the list has it (the copy keeps its room)."""
    Cli(team).ok("member", "set", "mia", "--tz", "Asia/Kolkata", as_member="mia")
    app = make_app(team, "mia")
    said = "Slot: Sat 11-28 15:00 IST Kolkata, your time"

    def under_the_list() -> str:
        return " ".join(line.strip() for line in str(app.screen.query_one("#approvals-copy", Static).render()).splitlines())

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        for width, listed in ((36, False), (40, True), (30, False), (80, True)):
            await pilot.resize_terminal(width, 20)
            await until(pilot, lambda width=width: screen.table.size.width == width and "Spring post 0" in under_the_list(), "the resize")
            await settle(pilot)
            assert ("Sat 11-28 15:00 IST" in screen.table.render_line(1).text) == listed, width
            assert (said in under_the_list()) != listed, (width, under_the_list())


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_a_slot_in_a_zone_of_quarter_hours_is_shown_whole_with_its_zone(team: Path, size: tuple[int, int]) -> None:
    # SLOT was 20 cells: a reviewer in Kathmandu read "Sat 11-28 15:15 +05…", the zone that says whose time it is cut.
    Cli(team).ok("member", "set", "mia", "--tz", "Asia/Kathmandu", as_member="mia")
    app = make_app(team, "mia")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        first = screen.table.render_line(1).text
        assert "Sat 11-28 15:15 +0545 " in first and "Spring post 0" in first, first


async def test_the_approvals_view_at_80x24_names_the_post_under_the_cursor_whole_under_the_list(team: Path) -> None:
    # The POST column is what WHY leaves at 80 columns: "Holiday drop teaser" and "Holiday drop teaser 2" both read
    # "Holiday drop teas…", and nothing on the screen said which one `a` would approve.
    titles = ["Holiday drop teaser for spring", "Holiday drop teaser for spring 2"]
    with Store(team) as store, store.write(member(team, "raj")) as w:
        for n, title in enumerate(titles):
            w.set("task", post_titled(team, f"Spring post {n}"), {"title": title})
    app = make_app(team, "mia")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        table = app.screen.table
        assert table.render_line(1).text.count("Holiday drop teaser for spring 2") == 0  # cut in its column
        for title in titles:
            first = title + "\n"
            await until(pilot, lambda first=first: str(app.screen.query_one("#approvals-copy").render()).startswith(first), title)
            await pilot.press("j")
            await settle(pilot)


async def test_a_scheduled_post_a_new_step_puts_back_in_review_is_in_the_approvals_view(team: Path) -> None:
    """A step added to the chain puts scheduled posts back in review: `post list needs:@me` had them, Approvals did not."""
    with Store(team) as store:
        people = ids(store, "member", "handle")
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 4'").fetchone()[0]
        writing.approve(store, people["mia"], post_id, NOW)
        writing.approve(store, people["kemi"], post_id, NOW)
        writing.schedule(store, people["raj"], post_id, NOW)
        campaign = store.conn.execute("SELECT campaign FROM task WHERE id = ?", (post_id,)).fetchone()[0]
        chain = json.loads(store.conn.execute("SELECT approvals FROM campaign WHERE id = ?", (campaign,)).fetchone()[0])
        with store.write(people["ana"]) as w:
            w.set("campaign", campaign, {"approvals": [*chain, {"name": "final", "member": people["ana"], "group": None}]})
    assert state(team, post_id) == "in-review"
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        await until(pilot, lambda: screen.done, "the whole list read")
        rows = [row for _, row in screen.table.loaded_rows()]
        assert rows[0].id == post_id and rows[0].cells[5].startswith("needs you: step 3 of 3 (final)"), rows[0].cells
        # The others wait on @mia, oldest slot first, after what needs ana.
        assert [row.cells[4] for row in rows[1:]] == [f"Spring post {n}" for n in range(4)]


async def test_a_request_for_changes_takes_a_note_and_the_reviewer_sees_the_diff_since_their_last_verdict(team: Path) -> None:
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        copy = str(app.screen.query_one("#approvals-copy").render())
        assert "you have not reviewed it before" in copy and "Post 0: spring is here #launch" in copy
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"say spring", "enter")
        await settle(pilot)
        assert state(team, post_id) == "changes-requested"
    # raj rewrites the copy and submits again: mia sees what changed since she asked.
    raj = member(team, "raj")
    with Store(team) as store:
        writing.set_content(store, raj, post_id, NOW, copy="Post 0: spring is finally here #launch")
        writing.submit(store, raj, post_id, NOW)
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        copy = str(app.screen.query_one("#approvals-copy").render())
        assert "What changed since you last saw it" in copy
        assert "- Post 0: spring is here #launch" in copy and "+ Post 0: spring is finally here #launch" in copy


async def test_a_copy_longer_than_the_room_under_the_list_scrolls_and_says_so(team: Path) -> None:
    """At 80x24 the room under the list holds nine lines: the rest of a longer copy was cut off with nothing saying it
    went on, and a client approved a post they had read part of.  It scrolls, with its scrollbar, and the keys reach
    its end; the next post's copy is read from its start."""
    post_id = post_titled(team, "Spring post 0")
    raj = member(team, "raj")
    copy = "\n".join(f"Line {n} of the caption" for n in range(1, 31)) + "\nThe last line"
    with Store(team) as store:
        writing.set_content(store, raj, post_id, NOW, copy=copy)
        writing.submit(store, raj, post_id, NOW)

    def screen_lines() -> list[str]:
        return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]

    app = make_app(team, "mia")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        await until(pilot, lambda: any("Line 1 of the caption" in line for line in screen_lines()), "the copy under the list")
        assert not any("The last line" in line for line in screen_lines())
        await pilot.press("tab", "end")
        # The scroll may glide there: waited for, not assumed done with the key.
        await until(pilot, lambda: any("The last line" in line for line in screen_lines()), "the copy's last line")
        box = screen.query_one("#approvals-copy-box")
        assert box.show_vertical_scrollbar  # what is not shown is said to be there
        await pilot.press("shift+tab", "down")
        await until(pilot, lambda: any("Post 1: spring is here" in line for line in screen_lines()), "the next post's copy")
        assert box.scroll_y == 0


async def test_copy_saved_elsewhere_while_the_editor_was_open_is_not_saved_over_unsaid(team: Path) -> None:
    """Raj wrote the copy in the browser while the same post's copy was open in his SSH session: the later save went
    over the other and nobody was told.  It says so first, keeping the text; saved again, it goes over it."""
    post_id = post_titled(team, "Spring post 1")
    raj = member(team, "raj")
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
        editor = app.screen
        with Store(team) as store:  # his other session
            writing.set_content(store, raj, post_id, NOW, copy="Written in the browser")
        await pilot.press(*" and more", "ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        assert "was changed since you opened it" in str(editor.query_one("#copy-refused", Static).render())
        assert content_of(team, post_id)[0] == "Written in the browser"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CopyEditorScreen)
    assert content_of(team, post_id)[0] == "Post 1: spring is here #launch and more"


@pytest.mark.parametrize(("reader", "whose"), [("raj", "the approval of @mia"), ("mia", "your approval")])
async def test_a_copy_change_that_voids_the_round_says_so_and_whose_approval_it_took(team: Path, reader: str, whose: str) -> None:
    """Mira approved step 1; raj fixed a word of the copy in the app: the notice said "set the copy of …" alone, and
    the post, a draft now until he submits it again, waited for nobody, as he thought it waited for the brand step.
    Mia's own change says "your approval", as the `:` editor's and undo's notices do (one wording; it named her)."""
    post_id = post_titled(team, "Spring post 1")
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), post_id, NOW)
    app = make_app(team, reader)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the question of the approval it voids")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
        told = await _told_after(app, pilot, *"!", "ctrl+s")
        assert told == [f"set the copy of “Spring post 1”: that voids the round and {whose}: it is a draft until it is submitted again"], (
            told
        )
        assert state(team, post_id) == "draft"
        # Back to the version submitted, the round goes on: nothing voided to say.
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
        told = await _told_after(app, pilot, "backspace", "ctrl+s")
        assert told == ["set the copy of “Spring post 1”"], told
        assert state(team, post_id) == "in-review"


async def test_a_link_change_on_a_post_in_review_with_an_approval_given_is_asked_first_naming_it(team: Path) -> None:
    """Mia had approved step 1 of a post in review; raj changed its link in the app and her approval was gone, unasked,
    where on an approved post the same change asks first, naming the approvals it voids.  Asked the same way; a post
    no one approved yet, or one whose reviewer asked for changes (the change is what they asked for), is not asked."""
    asked_of, unapproved, sent_back = (post_titled(team, f"Spring post {n}") for n in (1, 2, 3))
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), asked_of, NOW)
        writing.approve(store, member(team, "mia"), sent_back, NOW)
        writing.reject(store, member(team, "kemi"), sent_back, NOW, "the brand's colours")
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)

        async def link_of(title: str) -> object:
            await cursor_on(app, pilot, title)
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("k")
            await until(pilot, lambda: isinstance(app.screen, (PickerScreen, PromptScreen)), "the link's box or a question")
            return app.screen

        asked = await link_of("Spring post 1")
        assert isinstance(asked, PickerScreen)
        assert asked.title_text == (
            "“Spring post 1” is in review: a change of its link voids the round and the approval of @mia: "
            "it is a draft until it is submitted again"
        )
        await pilot.press("escape")  # kept as it is: nothing opened, nothing written
        await settle(pilot)
        assert app.screen is app.main_screen
        assert state(team, asked_of) == "in-review" and approvals_of(team, asked_of) == 1
        await link_of("Spring post 1")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the link's box")
        told = await _told_after(app, pilot, *"https://example.com/spring", "enter")
        assert told == [
            "set the link of “Spring post 1”: that voids the round and the approval of @mia: it is a draft until it is submitted again"
        ], told
        assert state(team, asked_of) == "draft"
        for title in ("Spring post 2", "Spring post 3"):
            assert isinstance(await link_of(title), PromptScreen), title
            await pilot.press("escape")
            await settle(pilot)
    assert state(team, unapproved) == "in-review" and state(team, sent_back) == "changes-requested"


async def test_keys_typed_ahead_of_the_question_of_the_approvals_a_change_voids_never_answer_it(team: Path) -> None:
    """rd: `s`, `k` and a link typed in one burst on a post in review with an approval given: the question the change
    now asks took the keys, "https://m" was lost and the `y` of "my" answered yes to a question raj never saw.  The
    question takes no key typed before it was up (those of the burst still queued, or sent on again, when it comes
    up): they go into the link's box once raj answers yes, and with `esc` they go nowhere (not to the list's bindings)."""
    post_id = post_titled(team, "Spring post 1")
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), post_id, NOW)
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")

        async def burst_after_s_k(text: str) -> None:
            # Made before the question is up, as keys typed with `s` and `k` are; posted once it is, as those the app
            # holds when it comes up (the worker's read it waits on takes as long as it takes).
            typed = [events.Key(_KEY_NAMES.get(c, c), c) for c in text]
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("k")
            await until(
                pilot,
                lambda: isinstance(app.screen, PickerScreen) and "voids the round" in app.screen.title_text,
                "the question of the approval it voids",
            )
            for key in typed:
                app.post_message(key)
            await settle(pilot)

        await burst_after_s_k("https://my.example/x")
        assert isinstance(app.screen, PickerScreen) and "voids the round" in app.screen.title_text, (
            "nothing typed before the question answered it"
        )
        assert state(team, post_id) == "in-review" and approvals_of(team, post_id) == 1
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the link's box")
        await settle(pilot)
        assert app.screen.query_one(Input).value == "https://my.example/x"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DiscardScreen), "the question of the text typed")
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is app.main_screen
        with Store(team) as store:
            before = store.max_seq()
        await burst_after_s_k("done")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert notices(app)[-1] == "keys typed before the question to set the link (d o n e) were set aside: type them again"
    with Store(team) as store:
        assert store.max_seq() == before, "nothing was written: the keys kept for the box went nowhere"
    assert state(team, post_id) == "in-review" and approvals_of(team, post_id) == 1


async def test_keys_typed_ahead_of_the_question_go_nowhere_when_yes_opens_no_box(team: Path) -> None:
    """The post went from the list while the question was up (a teammate deleted it): `y` opens no box, and the `a` typed
    ahead for the link's box is not sent on to the list, whose `a` adds a task."""
    post_id = post_titled(team, "Spring post 1")
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), post_id, NOW)
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        typed = events.Key("a", "a")  # made before the question is up, as one typed with `s` `k`
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen) and "voids the round" in app.screen.title_text, "the question")
        app.post_message(typed)
        crewdeck("-w", str(team), "--as", "kemi", "rm", post_id)
        await until(pilot, lambda: app.tasks_pane.table.cursor_key is None, "the post gone from the list")
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert notices(app)[-1] == "keys typed before the question to set the link (a) were set aside: type them again"


#: The names of the keys of a link typed (``events.Key``'s), where they are not the character.
_KEY_NAMES = {":": "colon", "/": "slash", ".": "full_stop"}


async def test_the_copy_of_an_approved_post_changes_in_the_app_once_asked_whose_approvals_it_voids(team: Path) -> None:
    """`post copy` changed an approved post's copy (voiding its round, its approvers told) while the app offered no
    change of it at all: Mira, fixing a typo an hour before a scheduled post went out, had to leave for the terminal."""
    post_id = post_titled(team, "Spring post 1")
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.approve(store, member(team, "kemi"), post_id, NOW)
        writing.schedule(store, member(team, "raj"), post_id, NOW)
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")

        async def ask() -> PickerScreen:
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, PickerScreen)
            return app.screen

        asked = await ask()
        assert asked.title_text == (
            "“Spring post 1” is scheduled: a change of its copy voids the round and the approvals of @mia, @kemi: "
            "it is a draft until it is submitted again"
        )
        # The whole question, wrapped in the box at 80 columns (a picker's title was cut at its width).
        question = asked.query_one(".picker--title")
        assert question.parent is not None
        assert question.outer_size.width <= question.parent.content_size.width
        assert question.size.height == 3
        await pilot.press("escape")  # kept as it is: nothing opened, nothing written
        await settle(pilot)
        assert app.screen is app.main_screen
        assert state(team, post_id) == "scheduled"
        await ask()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
        told = await _told_after(app, pilot, *"!", "ctrl+s")
        # Written as `post copy` writes it, and said as it says it.
        assert told == [
            "set the copy of “Spring post 1”: that voids the round and the approvals of @mia, @kemi: it is a draft until it is submitted again"
        ], told
    assert content_of(team, post_id)[0] == "Post 1: spring is here #launch!"
    assert state(team, post_id) == "draft"


async def test_a_post_scheduled_or_moved_off_its_audiences_peak_hours_is_said_so_as_post_schedule_says_it(team: Path) -> None:
    """Scheduling a post at 09:30 in New York, or moving it to 10:00 there, went by silently, where the audience reads
    Instagram at 11:00 and 19:00: said in the notice, as `post schedule` and `post slot` say it, and taken all the same."""
    post_id = post_titled(team, "Spring post 1")  # Sat 11-28 09:30 New York
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.approve(store, member(team, "kemi"), post_id, NOW)
    app = make_app(team, "raj")  # in Kolkata
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        assert await _told_after(app, pilot, "l") == [
            "scheduled “Spring post 1”; 09:30 EST (20:00 IST Kolkata for you) is outside the audience's peak hours for instagram, "
            "11:00-12:00 and 19:00-20:00 EST: nearest 11:00 EST (21:30 IST Kolkata for you)"
        ]
        assert state(team, post_id) == "scheduled"
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the slot's prompt")
        told = await _told_after(app, pilot, *"sat 10:00", "enter")
        assert told == [
            "moved “Spring post 1”: Sat 11-28 20:30 IST Kolkata (Sat 11-28 10:00 EST for the audience); 10:00 EST (20:30 IST Kolkata for you) "
            "is outside the audience's peak hours for instagram, 11:00-12:00 and 19:00-20:00 EST: nearest 11:00 EST (21:30 IST Kolkata for you)"
        ], told
        # On a peak hour, the move says the slot alone.
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the slot's prompt")
        told = await _told_after(app, pilot, *"sat 11:15", "enter")
        assert told == ["moved “Spring post 1”: Sat 11-28 21:45 IST Kolkata (Sat 11-28 11:15 EST for the audience)"], told


async def test_a_reader_whose_zone_keeps_the_audience_s_clock_is_told_a_new_slot_once(team: Path) -> None:
    # Raj, moved to Toronto, read "Sat 11-28 10:00 EST (Sat 11-28 10:00 EST for the audience); 10:00 EST (10:00 EST for
    # you) is outside …": each time twice, New York's clock under another zone's name (review re 5).
    post_id = post_titled(team, "Spring post 1")
    with Store(team) as store, store.write(member(team, "raj")) as w:
        w.set("member", member(team, "raj"), {"tz": "America/Toronto"})
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the slot's prompt")
        told = await _told_after(app, pilot, *"sat 10:00", "enter")
        assert told == [
            "moved “Spring post 1”: Sat 11-28 10:00 EST; 10:00 EST is outside the audience's peak hours for instagram, "
            "11:00-12:00 and 19:00-20:00 EST: nearest 11:00 EST"
        ], told
    assert slot_of(team, post_id)[0] == "2026-11-28T15:00:00Z"


async def test_a_copy_change_inside_the_approval_lead_time_says_the_post_expired_not_that_a_submission_lets_it_out(team: Path) -> None:
    """Raj fixed the copy of an approved post an hour before it went out: told "it is a draft until it is submitted
    again", he submitted it, and it stayed expired; a new slot past the lead time was what it needed too."""
    post_id = post_titled(team, "Spring post 1")
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.approve(store, member(team, "kemi"), post_id, NOW)
        with store.write(member(team, "ana")) as w:  # its slot, in two days, is now inside the lead time
            w.set("workspace", "workspace", {"approval_lead_minutes": 3 * 24 * 60})
    assert state(team, post_id) == "approved"
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        asked, told = await _copy_changed_after_the_question(app, pilot)
        assert asked == (
            "“Spring post 1” is approved: a change of its copy voids the round and the approvals of @mia, @kemi: it would be "
            "expired, inside the approval lead time: a new slot past it and a submission let it out"
        )
        assert told == [
            "set the copy of “Spring post 1”: that voids the round and the approvals of @mia, @kemi: it is expired now, inside "
            "the approval lead time: a new slot past it and a submission let it out"
        ], told
    assert state(team, post_id) == "expired"


async def test_a_note_pasted_in_several_lines_is_kept_whole_on_one_line(team: Path) -> None:
    """A client pasted their feedback from an email ("Please change:" and a list under it) into the note: the one-line
    field kept the first line alone, and the author was asked to change "Please change:".  A tab is a space, by the rule an
    import folds another tool's titles by (``one_line``).  Every break ``str.splitlines`` knows is one: PowerPoint's
    soft return (a vertical tab), NEL and a form feed kept the first line alone, and one after a line feed stayed raw."""
    post_id = post_titled(team, "Spring post 0")
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_approvals(app, pilot)
        await pilot.press("c")
        await settle(pilot)
        field = app.screen.query_one(Input)
        for pasted, kept in [
            ("Slide title\x0bsecond line", "Slide title second line"),
            ("a\nsub\x0bline", "a sub line"),
            ("one\x85two", "one two"),
            ("a\x0cb\x1cc\u2028d", "a b c d"),
            ("Please change:\r\n- the price\n\n  - the \tdate \n", "Please change: - the price - the date"),
        ]:
            field.value = ""
            field.post_message(events.Paste(pasted))
            await settle(pilot)
            assert field.value == kept, repr(pasted)
        await pilot.press("enter")
        await settle(pilot)
    with Store(team) as store:
        notes = [row[0] for row in store.conn.execute("SELECT note FROM post_approval WHERE post = ?", (post_id,))]
    assert notes == ["Please change: - the price - the date"]


async def test_media_pasted_one_a_line_are_read_as_a_list(team: Path) -> None:
    """The media box takes paths or URLs separated by commas: a list of files pasted one a line kept the first file
    alone (Textual's input keeps a paste's first line), and joined by spaces it would read as one file."""
    post_id = post_titled(team, "Spring post 1")
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the media's box")
        app.screen.query_one(Input).post_message(events.Paste("hero.jpg\nsummer/detail.png\n"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
    assert content_of(team, post_id)[2] == ["hero.jpg", "summer/detail.png"]


async def test_a_reviewer_sees_in_approvals_that_the_media_changed_though_the_copy_did_not(team: Path) -> None:
    # Only the copy was compared: kemi asked for another picture, raj changed the media alone, and the view said
    # "The copy, unchanged since you last saw it" and nothing of the picture she had asked for.
    post_id = post_titled(team, "Spring post 0")
    raj = member(team, "raj")
    with Store(team) as store:
        writing.set_content(store, raj, post_id, NOW, media=["blue.jpg"])
        writing.submit(store, raj, post_id, NOW)
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.reject(store, member(team, "kemi"), post_id, NOW, "the red picture")
        writing.set_content(store, raj, post_id, NOW, media=["red.jpg"], link="https://example.com/red")
        writing.submit(store, raj, post_id, NOW)
        writing.approve(store, member(team, "mia"), post_id, NOW)
    app = make_app(team, "kemi")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await until(pilot, lambda: "Post 0" in str(app.screen.query_one("#approvals-copy").render()), "the post's review")
        copy = str(app.screen.query_one("#approvals-copy").render()).splitlines()
    assert copy[2:] == [
        "Changed since you last saw it: the link, the media",
        "+ link: https://example.com/red",
        "- media: blue.jpg",
        "+ media: red.jpg",
        "The copy, unchanged since you last saw it:",
        "Post 0: spring is here #launch",
    ], copy


async def test_an_approval_the_rules_refuse_is_not_offered_and_writes_nothing(team: Path) -> None:
    app = make_app(team, "raj")  # the author: nothing needs him, and he may not approve his own post
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        table = screen.table
        assert all(not row.cells[5].startswith("needs you") for _, row in table.loaded_rows())
        assert screen.check_action("approve", ()) is False  # hidden, as the command line refuses it in one line
        await pilot.press("a")
        await settle(pilot)
    with Store(team) as store:
        assert store.conn.execute("SELECT count(*) FROM post_approval").fetchone()[0] == 0


async def test_the_approvals_view_offers_no_enter_over_an_empty_list(tmp_path: Path) -> None:
    # With nothing in review the footer offered "⏎ Open", which did nothing; once a post waits it is offered.
    path = tmp_path / "posts.db"
    team_workspace(path, NOW).close()
    app = make_app(path, "mia", watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen) and screen.table.total == 0
        assert "Open" not in _footer_descriptions(screen)
        with Store(path) as store:
            add_posts(store, 1, NOW + dt.timedelta(days=2), submitted=NOW)
        screen.reload()
        await settle(pilot)
        assert screen.table.total == 1 and "Open" in _footer_descriptions(screen)


def _footer_descriptions(screen: Any) -> set[str]:
    shown, _ = footer_keys(screen)
    return {key.description for key in shown if key.enabled}


async def test_a_pressed_twice_in_approvals_approves_once_the_second_not_offered(team: Path) -> None:
    # The verdict's keys stayed offered until the post was read again after the approval: a second `a` before that
    # wrote again and was refused with an error notice ("cannot approve …: mia's step is taken").
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        row = screen.table.cursor_row
        assert row is not None and screen.check_action("approve", ()) is True
        screen.action_approve()
        assert screen.check_action("approve", ()) is False and screen.check_action("request_changes", ()) is False
        await settle(pilot)
        assert screen.table.cursor_row is not None and screen.table.cursor_row.id == row.id  # now waiting on brand
        assert screen.check_action("approve", ()) is False
        assert [n.severity for n in app._notifications] == ["information"]
        assert screen.table.cursor == 4  # last: among the posts waiting on others
        await pilot.press("up")
        await settle(pilot)
        assert screen.check_action("approve", ()) is True  # a post that still needs mia
    with Store(team) as store:
        assert store.conn.execute("SELECT count(*) FROM post_approval").fetchone()[0] == 1


async def test_a_refused_approval_in_approvals_offers_again_the_verdicts_the_post_still_awaits(team: Path) -> None:
    # `a` took both verdicts' keys down until the post was read again: refused (mia had approved it on another
    # replica, unseen here), neither came back until the cursor moved, though she may still request changes.
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        row = screen.table.cursor_row
        assert row is not None and screen.check_action("approve", ()) is True
        with Store(team) as store:
            writing.approve(store, member(team, "mia"), row.id, NOW)
        await pilot.press("a")
        await settle(pilot)
        assert [n.severity for n in app._notifications] == ["error"]
        assert screen.table.cursor_row is not None and screen.table.cursor_row.id == row.id
        assert screen.check_action("approve", ()) is False
        assert screen.check_action("request_changes", ()) is True


async def test_a_is_not_offered_again_in_approvals_when_a_review_read_before_the_approval_comes_back_last(team: Path) -> None:
    # The verdicts the rules take from me on the post under the cursor are read with its copy: a read asked for before
    # my approval that came back after the one asked since offered `a` again, on the step I had just approved.
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        row = screen.table.cursor_row
        assert row is not None and screen.check_action("approve", ()) is True
        answers = FirstAnswerLast(app, "approvals-review")
        screen._review(row.id)  # asked again (the cursor came back to the post)
        await answers.first_read(pilot)
        await pilot.press("a")
        await answers.both_back(pilot)
        await settle(pilot)
        with Store(team) as store:
            verdicts = store.conn.execute("SELECT approved_by FROM post_approval WHERE post = ?", (row.id,)).fetchall()
        assert verdicts == [(member(team, "mia"),)]
        assert screen.table.cursor_row is not None and screen.table.cursor_row.id == row.id  # now waiting on brand
        assert screen.check_action("approve", ()) is False


async def test_a_is_not_offered_again_in_approvals_when_a_review_read_before_the_approval_comes_back_before_the_write(
    team: Path,
) -> None:
    # `a` took the verdicts' keys down, but a review read already under way when it was pressed came back before the
    # approval was written and offered `a` again: a second `a` then approved twice (refused, with an error notice).
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        row = screen.table.cursor_row
        assert row is not None and screen.check_action("approve", ()) is True
        reviewed, written = threading.Event(), threading.Event()
        reviews = FirstAnswerLast(app, "approvals-review", after=reviewed)
        FirstAnswerLast(app, "write", after=written)  # the approval is written; the app hears of it once told
        screen._review(row.id)  # asked again (the cursor came back to the post)
        await reviews.first_read(pilot)
        app.clear_notifications()
        await pilot.press("a")
        reviewed.set()
        await reviews.first_back(pilot)
        assert screen.check_action("approve", ()) is False
        await pilot.press("a")  # waits for the post to be read again, after the approval: then says why not again
        written.set()
        await settle(pilot)
        assert [(n.severity, n.message) for n in app._notifications] == [
            ("information", "approved “Spring post 0”"),
            ("warning", "a: Approve — @mia approved a step of this round of “Spring post 0” already (rule one_step_per_round)"),
        ]
    assert approvals_of(team, row.id) == 1


async def test_the_crisis_key_asks_the_reason_shows_the_banner_and_ending_lists_the_held_posts(team: Path) -> None:
    ana = member(team, "ana")
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.approve(store, member(team, "kemi"), post_id, NOW)
    assert state(team, post_id) == "approved"
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not banner(app).display
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"bad press", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("a")  # every post
        await settle(pilot)
        assert "CRISIS: bad press — @ana, since today 10:30 CET · all posts" in banner_text(app)
        assert "checklist 0/5" in banner_text(app)
        assert state(team, post_id) == "paused"
        # Again: the open crisis is offered to end; its held posts are listed, one key each.
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, HeldPostsScreen)
        assert [row.id for _, row in app.screen.query_one("#held-table", PostTable).loaded_rows()] == [post_id]
        await pilot.press("r")
        await settle(pilot)
        assert state(team, post_id) == "approved"
        await pilot.press("escape")
        await settle(pilot)
        assert not banner(app).display
    with Store(team) as store:
        assert open_crises(store.conn) == []
        assert store.conn.execute("SELECT started_by FROM crisis").fetchone()[0] == ana


async def test_the_crisis_key_names_each_open_crisis_by_its_reason_as_the_banner_does(team: Path) -> None:
    # The picker said "End crisis 3f2a9c1b" for each: an id the app shows nowhere, so with two open, which was which?
    ana = member(team, "ana")
    long_reason = "bad press " + "and more " * 40
    with Store(team) as store:
        first = writing.start_crisis(store, ana, NOW, "leaked statement")
        second = writing.start_crisis(store, ana, NOW + dt.timedelta(minutes=1), long_reason)
    app = make_app(team, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0] == f"1  End “leaked statement” ({first[:8]})"
        assert labels[1].startswith("2  End “bad press and more") and labels[1].endswith(f"…” ({second[:8]})")
        assert options.virtual_size.height == options.option_count  # each choice on one line
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, HeldPostsScreen)
    with Store(team) as store:
        assert [c.id for c in open_crises(store.conn)] == [first]


async def test_the_crisis_key_keeps_a_choice_of_a_japanese_reason_to_one_line(team: Path) -> None:
    # The reason was cut to the room's count of characters, each of them two columns: the choice took two lines.
    ana = member(team, "ana")
    with Store(team) as store:
        crisis = writing.start_crisis(store, ana, NOW, "炎上対応のため全投稿を停止します" * 6)
    app = make_app(team, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        options = picker.query_one(OptionList)
        label = str(options.get_option_at_index(0).prompt)
        assert label.startswith("1  End “炎上対応") and label.endswith(f"…” ({crisis[:8]})")
        assert options.virtual_size.height == options.option_count  # each choice on one line


async def test_the_crisis_key_pressed_twice_before_its_read_came_back_opens_one_dialog(team: Path) -> None:
    # Each press read the open crises and opened its dialog on the answer: two presses, two dialogs, one over the
    # other, and the reason typed in the first left the same question up again (enter there started a second crisis).
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_crisis()
        app.action_crisis()  # before the first press's read came back
        await settle(pilot)
        assert [type(screen) for screen in app.screen_stack[1:]] == [PromptScreen]
        await pilot.press(*"bad press", "enter")
        await settle(pilot)
        assert [type(screen) for screen in app.screen_stack[1:]] == [PickerScreen]
        await pilot.press("a")
        await settle(pilot)
        assert len(app.screen_stack) == 1
    with Store(team) as store:
        assert [c.reason for c in open_crises(store.conn)] == ["bad press"]


async def test_the_held_posts_of_an_ended_crisis_are_counted_in_words_and_their_keys_fit_80_columns(team: Path) -> None:
    """ "The crisis held 1 posts", and at 80×24 the line of keys lost its end ("a missed post needs")."""
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.approve(store, member(team, "kemi"), post_id, NOW)
        writing.start_crisis(store, member(team, "ana"), NOW, "bad press")
    app = make_app(team, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, HeldPostsScreen)
        texts = app.screen.query_one(Vertical).query(Static)
        shown = "\n".join(line.text for w in texts for line in w.render_lines(Region(0, 0, w.size.width, w.size.height)))
        assert "The crisis held 1 post; 1 to decide" in shown, shown
        assert "needs a new slot" in " ".join(shown.split()), shown
        room = app.screen.query_one(Vertical).content_region.width
        assert all(w.size.width <= room for w in texts), [(w.size.width, room) for w in texts]  # nothing cut at the dialog's edge


async def test_the_crisis_key_is_hidden_from_members_who_are_not_managers(team: Path) -> None:
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert "Crisis" not in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
    with Store(team) as store:
        assert store.conn.execute("SELECT count(*) FROM crisis").fetchone()[0] == 0


async def test_the_crisis_key_and_command_are_offered_where_the_command_line_may_start_a_crisis(team: Path) -> None:
    # The app asks the rules' crisis_refused, as the judge does for `crewdeck crisis start`: raj (a member)
    # has neither the key nor the command and is refused, ana (a manager) has both and starts one; a guest
    # (the Approvals view alone) has neither.
    cli = Cli(team)
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest")
    offered: dict[str, tuple[bool, bool]] = {}
    for handle in ("gus", "raj", "ana"):
        app = make_app(team, handle)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            palette = "Crisis" in [c.title for c in app.get_system_commands(app.screen)]
            offered[handle] = (app.check_action("crisis", ()) is True, palette)
    assert offered == {"gus": (False, False), "raj": (False, False), "ana": (True, True)}
    for handle, (key, _) in offered.items():
        assert (cli("crisis", "start", "--reason", "Outage", as_member=handle).code == 0) == key, handle


async def test_a_crisis_started_by_the_command_line_shows_its_banner_with_no_key_pressed(team: Path) -> None:
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not banner(app).display
        env = {**os.environ, "CREWDECK_NOW": "2026-11-26T09:30:00Z"}
        started = subprocess.run(
            [
                sys.executable,
                "-m",
                "crewdeck.tui.cli.main",
                "--workspace",
                str(team),
                "--as",
                "ana",
                "crisis",
                "start",
                "--reason",
                "data leak",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert started.returncode == 0, started.stderr
        await until(pilot, lambda: "CRISIS: data leak — @ana" in banner_text(app), "the crisis banner")
        assert "since today 15:00 IST" in banner_text(app)  # raj's zone
        await pilot.press("R")  # a screen of its own shows it too
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        assert app.screen.query_one(CrisisBanner).display
        ended = subprocess.run(
            [sys.executable, "-m", "crewdeck.tui.cli.main", "--workspace", str(team), "--as", "ana", "crisis", "end"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ended.returncode == 0, ended.stderr
        await until(pilot, lambda: not banner(app).display, "the banner gone")
        assert not app.screen.query_one(CrisisBanner).display


async def test_y_is_not_offered_again_when_a_question_asked_before_the_approval_comes_back_last(team: Path) -> None:
    # Which verdicts the rules take from me is asked of the post under the cursor: an answer asked for before my
    # approval that came back after the one asked since offered `Y` again, on a step I had just approved.
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        post_id = await cursor_on(app, pilot, "Spring post 2")
        pane = app.tasks_pane
        assert pane.check_action("post", ("approve",)) is True
        answers = FirstAnswerLast(app, "post-verdicts")
        pane._ask_verdicts(post_id)  # asked again (the cursor came back to the post)
        await answers.first_read(pilot)
        await pilot.press("Y")
        await answers.both_back(pilot)
        with Store(team) as store:
            assert store.conn.execute("SELECT approved_by FROM post_approval WHERE post = ?", (post_id,)).fetchone()[0] == member(
                team, "mia"
            )
        assert pane.check_action("post", ("approve",)) is False


async def test_y_is_not_offered_again_in_the_task_list_when_a_question_asked_before_the_approval_comes_back_before_the_write(
    team: Path,
) -> None:
    # A question of which verdicts are mine, already under way when `Y` was pressed and answered before the approval
    # was written, must not offer `Y` again: a second `Y` would approve twice (refused, with an error notice).
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        post_id = await cursor_on(app, pilot, "Spring post 2")
        pane = app.tasks_pane
        assert pane.check_action("post", ("approve",)) is True
        asked, written = threading.Event(), threading.Event()
        answers = FirstAnswerLast(app, "post-verdicts", after=asked)
        FirstAnswerLast(app, "write", after=written)  # the approval is written; the app hears of it once told
        pane._ask_verdicts(post_id)  # asked again (the cursor came back to the post)
        await answers.first_read(pilot)
        app.clear_notifications()
        await pilot.press("Y")
        asked.set()
        await answers.first_back(pilot)
        assert pane.check_action("post", ("approve",)) is False
        await pilot.press("Y")  # waits for the verdicts to be asked again, after the approval: then says why not again
        written.set()
        await settle(pilot)
        assert [(n.severity, n.message) for n in app._notifications] == [
            ("information", "approved “Spring post 2”"),
            ("warning", "Y: Approve post — @mia approved a step of this round of “Spring post 2” already (rule one_step_per_round)"),
        ]
    assert approvals_of(team, post_id) == 1


async def test_y_pressed_twice_in_the_task_list_approves_once(team: Path) -> None:
    # `Y` stayed offered until the list was read again after the approval: a second `Y` before that wrote it again,
    # refused with an error notice.
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        post_id = await cursor_on(app, pilot, "Spring post 2")
        pane = app.tasks_pane
        assert pane.check_action("post", ("approve",)) is True
        app.clear_notifications()
        pane.action_post("approve")
        assert pane.check_action("post", ("approve",)) is False  # before the write: a second `Y` is not offered
        await settle(pilot)
        assert [(n.severity, n.message) for n in app._notifications] == [("information", "approved “Spring post 2”")]
        assert approvals_of(team, post_id) == 1


async def test_a_refused_y_in_the_task_list_offers_again_the_verdicts_the_post_still_awaits(team: Path) -> None:
    # `Y` took both verdicts' keys down until the post was asked about again: refused (mia had approved it on another
    # replica, unseen here), neither came back until the cursor moved, though she may still request changes.
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        post_id = await cursor_on(app, pilot, "Spring post 2")
        pane = app.tasks_pane
        assert pane.check_action("post", ("approve",)) is True
        with Store(team) as store:
            writing.approve(store, member(team, "mia"), post_id, NOW)
        app.clear_notifications()
        await pilot.press("Y")
        await settle(pilot)
        assert [n.severity for n in app._notifications] == ["error"]
        assert pane.table.cursor_key == post_id
        assert pane.check_action("post", ("approve",)) is False
        assert pane.check_action("post", ("reject",)) is True


def _status_cell(app: CrewdeckApp) -> str:
    row = app.tasks_pane.table.cursor_row
    assert row is not None
    return str(row.cells[CELLS.index("status")])


async def test_every_status_reads_whole_in_the_task_list_at_80_columns(team: Path) -> None:
    """The STATUS column was 6 cells: a post in review read "in re…", a cancelled task "cance…"."""
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        table = app.tasks_pane.table
        line = table.render_line(1).text  # the one row the filter leaves
        assert " in review " in line and "…" not in line.split("Spring post 1")[1], line
        width = table.widths(table.scrollable_content_region.width)[CELLS.index("status")]
        shown = [status_cell(status, None) for status in TASK_STATUSES] + [status_cell("todo", state) for state in STATES]
        assert [text for text in shown if cell_len(text) > width] == []
        assert status_cell("todo", "changes-requested") == "changes"  # the one short form (README, "States")


async def test_a_post_move_names_the_post_by_its_title_cut_short_on_one_line_with_control_characters_shown(team: Path) -> None:
    # It said "submit: 58613842": which post, the reader had to look up.
    raj = member(team, "raj")
    hostile = "Spring post 1 \x1b[2J wiped\nand a title that goes on well past what one notice line holds"
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
        writing.set_content(store, raj, post_id, NOW, copy="Spring, rewritten #launch")  # a draft again: submit is offered
    Forger(team, member=raj).set("task", post_id, {"title": hostile})  # as a record stored before control characters were refused
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 1") == post_id
        await pilot.press("s", "s")  # the moves offered, then submit
        await settle(pilot)
        assert state(team, post_id) == "in-review"
        [said] = [str(n.message) for n in app._notifications]
        assert said.startswith("submitted “Spring post 1 ^[[2J wiped and a") and said.endswith("…”"), said
        assert "\x1b" not in said and "\n" not in said and post_id[:8] not in said


async def test_post_keys_in_the_task_list_s_offers_the_legal_moves_d_publishes_only_when_approved(team: Path) -> None:
    raj = member(team, "raj")
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
        writing.set_content(store, raj, post_id, NOW, copy="Spring, rewritten #launch")  # voids the round: a draft again
    assert state(team, post_id) == "draft"
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 1") == post_id
        assert _status_cell(app) == "draft"  # the post's state, not its task status
        # `d` publishes: not offered on a draft, so the key writes nothing, and says where it acts.
        assert app.tasks_pane.check_action("triage", ("done",)) is False
        await pilot.press("d")
        await settle(pilot)
        assert [n.message for n in app._notifications] == [
            "d: Done — only on a post whose state is approved or scheduled, and this one is a draft"
        ]
        app.clear_notifications()
        assert state(team, post_id) == "draft"
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert [c.value for c in app.screen.choices] == ["copy", "link", "media", "first_comment", "submit", "slot", "pull"]
        await pilot.press("s")  # submit, picked by its key
        await settle(pilot)
        assert state(team, post_id) == "in-review" and _status_cell(app) == "in review"
        await pilot.press("P")
        await settle(pilot)
        assert state(team, post_id) == "pulled"
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = await cursor_on(app, pilot, "Spring post 2")
        await pilot.press("Y")
        await settle(pilot)
        with Store(team) as store:
            assert store.conn.execute("SELECT approved_by FROM post_approval WHERE post = ?", (other,)).fetchone()[0] == member(team, "mia")
        # mia took the copy step already: one person approves one step per round, so `Y` is no longer offered.
        assert app.tasks_pane.check_action("post", ("approve",)) is False
        # She may still request changes at her step (the rules limit approvals only).
        assert app.tasks_pane.check_action("post", ("reject",)) is True
        await pilot.press("N")
        await settle(pilot)
        await pilot.press(*"tone down", "enter")
        await settle(pilot)
        assert "requested changes on “Spring post 2”" in [n.message for n in app._notifications]


def content_of(path: Path, post_id: str) -> tuple[str, str, list[str], str]:
    with Store(path) as store:
        copy, link, media, first_comment = store.conn.execute(
            "SELECT copy, link, media, first_comment FROM task WHERE id = ?", (post_id,)
        ).fetchone()
    return copy, link or "", json.loads(media or "[]"), first_comment or ""


async def test_s_on_a_post_edits_its_copy_link_media_and_first_comment_each_prompt_opening_with_what_it_holds(team: Path) -> None:
    # `s` offered "write the copy" alone, in an empty box: a word changed meant typing the whole copy again, and the
    # link, the media and the first comment could be set from the command line only.
    post_id = post_titled(team, "Spring post 1")
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 1") == post_id

        async def answer(key: str, *typed: str) -> str:
            """Pick ``key`` in the `s` picker; what its prompt opened with; then type ``typed`` and enter (the copy's
            text area: ctrl+s, enter starting a line)."""
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, PickerScreen)
            await pilot.press(key)
            dialog = CopyEditorScreen if key == "c" else PromptScreen
            await until(pilot, lambda: isinstance(app.screen, dialog), "the prompt")
            if key == "c":
                shown = app.screen.query_one("#copy-text", TextArea).text
                await pilot.press(*typed, "ctrl+s")
            else:
                shown = app.screen.query_one("#prompt-input", Input).value
                await pilot.press(*typed, "enter")
            await settle(pilot)
            return shown

        assert await answer("c", *" now") == "Post 1: spring is here #launch"
        assert await answer("k", *"https://example.com/spring") == ""
        assert await answer("i", *"reel.mp4, cover.jpg") == ""
        assert await answer("f", *"Link in bio") == ""
        assert content_of(team, post_id) == (
            "Post 1: spring is here #launch now",
            "https://example.com/spring",
            ["reel.mp4", "cover.jpg"],
            "Link in bio",
        )
        assert await answer("i", *["backspace"] * len(", cover.jpg")) == "reel.mp4, cover.jpg"
        assert content_of(team, post_id)[2] == ["reel.mp4"]
        assert state(team, post_id) == "draft"  # the content changed after the submission: the round is void
        assert "set the media of “Spring post 1”" in [n.message for n in app._notifications]


async def test_the_copy_is_written_over_several_lines_in_the_app_at_80_columns_its_keys_in_the_footer(team: Path) -> None:
    # The copy's box was one line: a caption's second paragraph could be given only with the CLI's --file.
    post_id = post_titled(team, "Spring post 1")
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 1") == post_id
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
        footer = "".join(segment.text for segment in app.screen._compositor.render_strips()[-1])
        assert "Save" in footer and "esc Cancel" in footer, footer
        await pilot.press("enter", "enter", *"Link in bio", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CopyEditorScreen)
    assert content_of(team, post_id)[0] == "Post 1: spring is here #launch\n\nLink in bio"
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
        await pilot.press(*" more", "escape")  # the changed copy is not dropped unasked
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CopyEditorScreen)
        assert app.screen.query_one("#copy-text", TextArea).text.endswith("Link in bio more")
        await pilot.press("escape", "y")  # discarded: nothing written
        await settle(pilot)
        assert app.screen is app.main_screen
    assert content_of(team, post_id)[0] == "Post 1: spring is here #launch\n\nLink in bio"


async def test_the_copy_editor_counts_the_copy_as_its_platform_does_as_it_is_typed_and_marks_it_over(tmp_path: Path) -> None:
    """Mira wrote an X post in the app with no count in sight: she learnt it was over 280 only when the save was refused,
    and an emoji or a link counts otherwise on X than a character count she made elsewhere."""
    with team_workspace(tmp_path / "x.db", NOW) as store:
        [x_post] = add_posts(store, 1, NOW + dt.timedelta(days=2), state="draft", platform="x", author="mia")
        [instagram] = add_posts(store, 1, NOW + dt.timedelta(days=3), state="draft", author="mia")
        with store.write(ids(store, "member", "handle")["mia"]) as w:
            w.set("task", x_post, {"title": "Spring on X"})
            w.set("task", instagram, {"title": "Spring on Instagram"})
    app = make_app(tmp_path / "x.db", "mia")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def counter() -> Static:
            return app.screen.query_one("#copy-count", Static)

        async def edit(post_id: str, title: str) -> None:
            assert await cursor_on(app, pilot, title) == post_id
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("c")
            await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")

        await edit(x_post, "Spring on X")
        # "Post 0: spring is here #launch", 30; then an emoji (2 on X) and a link (23 whatever its length).
        assert str(counter().render()) == "x: 30/280 weighted characters"
        # Pasted (a terminal sends it to the app, which gives it to the text area), as an emoji comes in here.
        app.post_message(events.Paste(" 🎉 https://example.com/spring-launch-2027"))
        await settle(pilot)
        assert str(counter().render()) == "x: 57/280 weighted characters"
        assert not counter().has_class("-over")
        await pilot.press(*" " + "a" * 225)
        await settle(pilot)
        assert str(counter().render()) == "x: 283/280 weighted characters: 3 over"
        assert counter().has_class("-over")
        await pilot.press(*["backspace"] * 3)
        await settle(pilot)
        assert str(counter().render()) == "x: 280/280 weighted characters"
        assert not counter().has_class("-over")
        await pilot.press("escape", "y")
        await settle(pilot)

        # Instagram counts characters, and caps the hashtags at 5.
        await edit(instagram, "Spring on Instagram")
        assert str(counter().render()) == "instagram: 30/2,200 characters · 1/5 hashtags"
        await pilot.press(*" #a #b #c #d #e")
        await settle(pilot)
        assert str(counter().render()) == "instagram: 45/2,200 characters · 6/5 hashtags: 1 over"
        assert counter().has_class("-over")


# ------------------------------------------------------------ the content calendar


def slot_of(path: Path, post_id: str) -> tuple[str, str]:
    with Store(path) as store:
        row = store.conn.execute("SELECT publish_utc, publish_tz FROM task WHERE id = ?", (post_id,)).fetchone()
    return row[0], row[1]


def calendar_of(app: CrewdeckApp) -> CalendarPanel:
    return app.main_screen.query_one(CalendarPanel)


async def test_calendar_keys_move_a_post_on_the_audiences_clock_across_a_change_of_clocks(tmp_path: Path) -> None:
    path = tmp_path / "dst.db"
    store = team_workspace(path, NOW)
    # Sat 13 March 2027, 09:00 in New York (EST); the clocks go forward on Sunday the 14th.
    (post_id,) = add_posts(store, 1, dt.datetime(2027, 3, 13, 14, 0, tzinfo=dt.UTC), state="draft")
    store.close()
    app = make_app(path, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        assert panel.laid is not None and not panel.period.month
        await pilot.press("w", *["right_square_bracket"] * 4)  # month view, four months on: March 2027
        await settle(pilot)
        assert panel.laid.days[0] == dt.date(2027, 3, 1) and panel.laid.rows == ["instagram"]
        # The cursor opened on today, Thu 26 November, and stays on the 26th of each month `]` turns to.
        assert panel.calendar.day == 25
        await pilot.press(*["h"] * 13)
        await settle(pilot)
        status = str(app.main_screen.query_one("#calendar-status").render())
        assert "Spring post 0 · draft · Sat 03-13 09:00 EST (America/New_York) = Sat 03-13 15:00 CET for you" in status
        assert "off-peak for instagram: nearest peak Sat 11:00 America/New_York" in status
        await pilot.press("greater_than_sign")
        await settle(pilot)
        # Sunday at 09:00 in New York, now EDT: 13:00 UTC, not 14:00.
        assert slot_of(path, post_id) == ("2027-03-14T13:00:00Z", "America/New_York")
        assert panel.calendar.day == 13  # the cursor followed the post
        await pilot.press("plus")
        await settle(pilot)
        assert slot_of(path, post_id) == ("2027-03-14T14:00:00Z", "America/New_York")
        await pilot.press("less_than_sign", "minus")
        await settle(pilot)
        assert slot_of(path, post_id) == ("2027-03-13T14:00:00Z", "America/New_York")
        # Days in the audience's zone, and back in mine.
        await pilot.press("Z")
        await settle(pilot)
        assert panel.laid.zone == "America/New_York"
        await pilot.press("Z")
        await settle(pilot)
        assert panel.laid.zone == "Europe/Berlin"
        await pilot.press("g")
        await settle(pilot)
        assert panel.calendar.day == 13  # the next day with no post on instagram
        await pilot.press("r")
        await settle(pilot)
        assert panel.laid.rows == ["Spring Launch"]


async def test_the_calendar_opens_on_today_keeps_the_day_across_week_and_month_and_t_goes_back_to_today(tmp_path: Path) -> None:
    """The calendar opened with its cursor on Monday, not today; `w` kept the cursor's place in the list of days (the
    4th of the week became the 4th of the month), not its date; and no key went back to today."""
    path = tmp_path / "today.db"
    team_workspace(path, NOW).close()
    app = make_app(path, "ana")  # Europe/Berlin: Thu 26 November 2026, 10:30
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)

        def on() -> dt.date:
            assert panel.laid is not None
            return panel.laid.days[panel.calendar.day]

        assert not panel.period.month and on() == dt.date(2026, 11, 26)
        await pilot.press("l", "l", "w")
        await settle(pilot)
        assert panel.period.month and on() == dt.date(2026, 11, 28)
        await pilot.press("l", "l", "w")  # Mon 30 November: the week that holds it, to Sunday 6 December
        await settle(pilot)
        assert panel.laid is not None and panel.laid.days[-1] == dt.date(2026, 12, 6) and on() == dt.date(2026, 11, 30)
        await pilot.press("right_square_bracket", "right_square_bracket", "t")
        await settle(pilot)
        assert not panel.period.month and on() == dt.date(2026, 11, 26)
        await pilot.press("w", "left_square_bracket", "t")
        await settle(pilot)
        assert panel.period.month and on() == dt.date(2026, 11, 26)
        helps = {str(c.title): str(c.help) for c in app.get_system_commands(app.screen)}
        assert helps["Deadlines: Today"] == "key t (calendar.today)", helps
        assert "t Today" in await help_text(pilot)


async def test_C_on_a_post_opens_the_week_or_month_that_holds_its_slot_the_cursor_on_it(tmp_path: Path) -> None:
    """`C` on a post in the task list opened this week, wherever the post's slot was."""
    path = tmp_path / "slots.db"
    store = team_workspace(path, NOW)
    december, january = add_posts(store, 2, NOW + dt.timedelta(days=16), every=dt.timedelta(days=30), state="draft")
    store.close()
    app = make_app(path, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == december
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        assert panel.laid is not None and not panel.period.month
        assert (panel.laid.days[0], panel.laid.days[panel.calendar.day]) == (dt.date(2026, 12, 7), dt.date(2026, 12, 12))
        placed = panel.placed()
        assert placed is not None and placed.post.id == december
        await pilot.press("w")  # a month now: the next `C` opens the month that holds the post
        await settle(pilot)
        app.action_focus_pane("tasks")
        assert await cursor_on(app, pilot, "Spring post 1") == january
        await pilot.press("C")
        await settle(pilot)
        assert panel.period.month and panel.laid.days[0] == dt.date(2027, 1, 1)
        placed = panel.placed()
        assert placed is not None and placed.post.id == january


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """The demo team with one draft, Spring post 0 by raj, slotted Sat 28 Nov 09:30 UTC (04:30 in New York)."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    add_posts(store, 1, NOW + dt.timedelta(days=2), state="draft")
    store.close()
    return path


async def _cursor_to(panel: CalendarPanel, pilot: Pilot[object], matches: Callable[[Any], bool]) -> str:
    """The calendar's cursor on the first post ``matches`` takes (a placed post); its id."""
    assert panel.laid is not None
    (row, day), placed = next((key, cell) for key, cell in panel.laid.cells.items() if any(matches(p) for p in cell))
    index = next(i for i, p in enumerate(placed) if matches(p))
    panel.calendar.move_to(row, day, index)
    await settle(pilot)
    return str(placed[index].post.id)


def _calendar_day(panel: CalendarPanel, post_id: str) -> dt.date:
    """The day the calendar on the screen shows ``post_id`` on; the cursor is on it."""
    assert panel.laid is not None
    [day] = [day for (_, day), placed in panel.laid.cells.items() if any(p.post.id == post_id for p in placed)]
    item = panel.placed()
    assert item is not None and item.post.id == post_id and panel.calendar.day == day
    return panel.laid.days[day]


async def test_u_and_ctrl_r_in_the_calendar_undo_and_redo_a_move_made_there_the_cursor_on_the_post(draft: Path) -> None:
    # `u` and `ctrl+r` did nothing in the calendar: the move was undone only from the task list (`1`, then `u`).
    app = make_app(draft, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        panel, post_id = await calendar_on_one_post(app, pilot)
        old = slot_of(draft, post_id)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        moved = slot_of(draft, post_id)
        assert moved == ("2026-11-29T09:30:00Z", "America/New_York") and _calendar_day(panel, post_id) == dt.date(2026, 11, 29)
        [said] = await _told_after(app, pilot, "u")
        assert said.startswith("undid: scheduled “Spring post 0” to publish "), said
        assert slot_of(draft, post_id) == old and _calendar_day(panel, post_id) == dt.date(2026, 11, 28)
        [said] = await _told_after(app, pilot, "ctrl+r")
        assert said.startswith("redid: scheduled “Spring post 0” to publish "), said
        assert slot_of(draft, post_id) == moved and _calendar_day(panel, post_id) == dt.date(2026, 11, 29)
        assert await _told_after(app, pilot, "ctrl+r") == ["nothing to redo"]


def due_of(path: Path, post_id: str) -> str | None:
    with Store(path) as store:
        return str(store.conn.execute("SELECT due_utc FROM task WHERE id = ?", (post_id,)).fetchone()[0])


async def test_a_calendar_move_takes_the_drafts_due_date_along_and_its_undo_puts_both_back(draft: Path) -> None:
    """The due date `post add` derives from a slot stayed where it was when the calendar moved the slot: a draft moved a
    day earlier read due after it went out.  It goes to the publish lead before the slot (``writing.draft_due_for_slot``),
    undone with it."""
    with Store(draft) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        # Due a day after its slot (Sat 28 Nov 09:30 UTC), as a slot moved earlier left it before.
        with store.write(member(draft, "raj")) as w:
            w.set("task", post_id, {"due": {"utc": "2026-11-29T09:30:00Z", "tz": "America/New_York"}})
    app = make_app(draft, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        _, placed = await calendar_on_one_post(app, pilot)
        assert placed == post_id
        # An hour later: the due date goes to the publish lead (24 h) before, in raj's hours, and the notice says so.
        # 05:30 in New York is off Instagram's peak hours: said after, as every other way of setting a slot says it.
        assert await _told_after(app, pilot, "plus") == [
            "moved “Spring post 0”, its draft now due tmrw 11:30 CET; 05:30 EST (11:30 CET for you) is outside the audience's "
            "peak hours for instagram, 11:00-12:00 and 19:00-20:00 EST: nearest 11:00 EST (17:00 CET for you)"
        ]
        assert slot_of(draft, post_id)[0] == "2026-11-28T10:30:00Z" and due_of(draft, post_id) == "2026-11-27T10:30:00Z"
        await pilot.press("greater_than_sign")  # a day later, a Sunday: a due date before the slot stays
        await settle(pilot)
        assert slot_of(draft, post_id)[0] == "2026-11-29T10:30:00Z" and due_of(draft, post_id) == "2026-11-27T10:30:00Z"
        for _ in range(2):
            [said] = await _told_after(app, pilot, "u")
            assert said.startswith("undid: scheduled “Spring post 0” to publish "), said
        assert slot_of(draft, post_id)[0] == "2026-11-28T09:30:00Z" and due_of(draft, post_id) == "2026-11-29T09:30:00Z"


async def test_a_calendar_move_off_the_audiences_peak_hours_says_so_as_post_slot_does(draft: Path) -> None:
    """`+` `-` `>` `<` moved a post off the audience's peak hours with "moved …" alone, the flag drawn where it landed,
    where `post slot`, `post schedule`, the app's dialogs and `:` say it in a line: said the same; on peak, nothing."""
    with Store(draft) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        # Sat 28 Nov 10:00 in New York, an hour before Instagram's first peak there; due well before it.
        with store.write(member(draft, "raj")) as w:
            w.set("task", post_id, {"publish": {"utc": "2026-11-28T15:00:00Z", "tz": "America/New_York"}})
            w.set("task", post_id, {"due": {"utc": "2026-11-26T15:00:00Z", "tz": "America/New_York"}})
    app = make_app(draft, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await calendar_on_one_post(app, pilot)
        assert await _told_after(app, pilot, "plus") == ["moved “Spring post 0”"]  # 11:00: a peak hour
        told = await _told_after(app, pilot, "minus")
        assert slot_of(draft, post_id)[0] == "2026-11-28T15:00:00Z"
        with Store(draft) as store:  # 10:00, read as `post slot` reads it
            expected = writing.off_peak_note(store, writing.view(store, post_id, NOW), "Europe/Berlin", True)
        assert told == [f"moved “Spring post 0”; {expected}"], told
        assert told == [
            "moved “Spring post 0”; 10:00 EST (16:00 CET for you) is outside the audience's peak hours for instagram, "
            "11:00-12:00 and 19:00-20:00 EST: nearest 11:00 EST (17:00 CET for you)"
        ], told


async def test_a_calendar_move_typed_before_the_last_ones_read_came_back_moves_the_post_from_where_that_one_left_it(draft: Path) -> None:
    # `>` then `+` (typed ahead, or on a busy machine): the `+` moved the post an hour from the slot the calendar had
    # drawn before the `>`, and the day the `>` had just given it was lost.
    app = make_app(draft, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel, post_id = await calendar_on_one_post(app, pilot)
        # The calendar's reads after each move land only once both keys have been handled.
        held: list[object] = []
        reload = panel.reload
        panel.reload = lambda period=None: held.append(period)  # type: ignore[method-assign]
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert slot_of(draft, post_id) == ("2026-11-29T09:30:00Z", "America/New_York")
        await pilot.press("plus")
        await settle(pilot)
        assert held
        panel.reload = reload  # type: ignore[method-assign]
        panel.reload()
        await settle(pilot)
        assert slot_of(draft, post_id) == ("2026-11-29T10:30:00Z", "America/New_York")
        assert _calendar_day(panel, post_id) == dt.date(2026, 11, 29)  # the cursor followed the post


async def test_r_while_a_weeks_read_is_on_its_way_lays_that_weeks_posts_out(draft: Path) -> None:
    # `[` then `r` (typed ahead, or on a busy machine): `r` laid out the posts of the week on the screen over the days of
    # the week `[` asked for, and its read, cancelled or dropped as older, never came: the post's week read empty.
    app = make_app(draft, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel, post_id = await calendar_on_one_post(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert panel.laid is not None and not panel.laid.cells  # the week after: no post
        # Both keys handled before the event loop can start the read `[` asks for.
        panel._key(ContentCalendar.KeyRequested(panel.calendar, "previous"))
        panel._key(ContentCalendar.KeyRequested(panel.calendar, "rows"))
        await settle(pilot)
        assert panel.laid is not None and panel.period.by_campaign and panel.laid.days[0] == dt.date(2026, 11, 23)
        assert [p.post.id for placed in panel.laid.cells.values() for p in placed] == [post_id]


async def test_the_cursor_follows_a_moved_post_when_a_read_from_before_the_move_lands_first(draft: Path) -> None:
    # A read asked for before the move (someone else's change) that came back before the move's own read took the
    # cursor to the post where it had been, and the move's read then left the cursor there, on the day it left.
    app = make_app(draft, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel, post_id = await calendar_on_one_post(app, pilot)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert _calendar_day(panel, post_id) == dt.date(2026, 11, 29)
        # `<` is written once the read asked for before it has come back.
        landed = threading.Event()
        calendar, show = panel.calendar, panel.calendar.show
        edits = app.session.edits
        store_write = edits.store_write

        def show_then_tell(data: CalendarData, row: int | None = None, day: int | None = None, index: int | None = None) -> None:
            show(data, row, day, index)
            landed.set()

        def write_once_it_landed(label: str, work: Callable[[Any], Any]) -> tuple[Any, Written]:
            assert landed.wait(20)
            return store_write(label, work)

        calendar.show = show_then_tell  # type: ignore[method-assign]
        edits.store_write = write_once_it_landed  # type: ignore[method-assign]
        panel.reload()
        # `<` before that read's answer can be handled: that needs the event loop, not yet given back.
        panel._post_key("earlier_day")
        await settle(pilot)
        assert landed.is_set()
        assert slot_of(draft, post_id) == ("2026-11-28T09:30:00Z", "America/New_York")
        assert _calendar_day(panel, post_id) == dt.date(2026, 11, 28)


async def test_the_calendars_undo_is_in_the_palette_and_the_keys_rebound_by_the_keymap(draft: Path) -> None:
    app = make_app(draft, "ana", config=Config(keymap={"calendar.undo": "ctrl+z", "calendar.redo": "ctrl+y"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        _, post_id = await calendar_on_one_post(app, pilot)
        helps = {str(c.title): str(c.help) for c in app.get_system_commands(app.screen)}
        assert helps["Deadlines: Undo"] == "key ctrl+z (calendar.undo)" and helps["Deadlines: Redo"] == "key ctrl+y (calendar.redo)"
        old = slot_of(draft, post_id)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        moved = slot_of(draft, post_id)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert slot_of(draft, post_id) == old
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert slot_of(draft, post_id) == moved
        text = await help_text(pilot)
        assert "ctrl+z Undo" in text and "ctrl+y Redo" in text, text


async def test_an_undo_in_the_calendar_the_move_refuses_says_why_and_writes_nothing(draft: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(draft, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        panel, post_id = await calendar_on_one_post(app, pilot)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        moved = slot_of(draft, post_id)
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-28T12:00:00Z")  # the old slot, Sat 09:30 UTC, has passed
        before = _ops(draft)
        [said] = await _told_after(app, pilot, "u")
        assert said.startswith("cannot undo scheduled “Spring post 0” to publish ") and said.count("Spring post 0") == 1, said
        assert said.endswith(": the slot it would take has passed already") and "\n" not in said, said
        assert slot_of(draft, post_id) == moved and _ops(draft) == before  # nothing written
        assert _calendar_day(panel, post_id) == dt.date(2026, 11, 29)
        monkeypatch.setenv("CREWDECK_NOW", NOW_TEXT)  # still the last action: with its old slot ahead again, it is undone
        await pilot.press("u")
        await settle(pilot)
        assert slot_of(draft, post_id) == ("2026-11-28T09:30:00Z", "America/New_York")


async def test_calendar_approve_and_open_act_on_the_post_under_the_cursor(team: Path) -> None:
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        assert panel.laid is not None
        # Spring post 0 is on Sat 28 Nov at 04:30 Manila (Fri 15:30 in New York): find its cell.
        post_id = await _cursor_to(panel, pilot, lambda p: p.post.facts.title == "Spring post 0")
        await pilot.press("a")
        await settle(pilot)
        with Store(team) as store:
            assert store.conn.execute("SELECT approved_by FROM post_approval WHERE post = ?", (post_id,)).fetchone()[0] == member(
                team, "mia"
            )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.task_id == post_id


async def test_a_pressed_twice_in_the_calendar_approves_once(team: Path) -> None:
    # `a` stayed offered until the calendar was read again after the approval: a second `a` before that wrote it
    # again, refused with an error notice.
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        post_id = await _cursor_to(panel, pilot, lambda p: p.post.facts.title == "Spring post 0")
        app.clear_notifications()
        panel._post_key("approve")  # what `a` asks of the panel
        assert "approve" in panel.calendar.withheld  # before the write: a second `a` is not offered
        await settle(pilot)
        assert [(n.severity, n.message) for n in app._notifications] == [("information", "approved “Spring post 0”")]
        assert approvals_of(team, post_id) == 1


async def test_a_refused_a_in_the_calendar_reads_the_posts_again_at_once(team: Path) -> None:
    # `a` was refused (mia and kemi had approved the post on other replicas, unseen here) and the calendar went on
    # showing the post in review, as it was read before, until the workspace changed.
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        post_id = await _cursor_to(panel, pilot, lambda p: p.post.facts.title == "Spring post 0")
        assert "approve" not in panel.calendar.withheld
        with Store(team) as store:
            writing.approve(store, member(team, "mia"), post_id, NOW)
            writing.approve(store, member(team, "kemi"), post_id, NOW)
        app.clear_notifications()
        await pilot.press("a")
        await settle(pilot)
        assert [n.severity for n in app._notifications] == ["error"]
        item = panel.placed()
        assert item is not None and item.post.id == post_id and item.post.state == "approved"
        assert " · approved · " in str(app.main_screen.query_one("#calendar-status", Static).render())
        assert "approve" in panel.calendar.withheld


async def test_the_calendar_offers_no_approve_again_when_a_question_asked_before_the_approval_comes_back_last(team: Path) -> None:
    # Whether the rules let me approve is asked of the post under the cursor: an answer asked for before my approval
    # that came back after the calendar had withheld `a` again (read after it) offered `a` on a step just approved.
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        post_id = await _cursor_to(panel, pilot, lambda p: p.post.facts.title == "Spring post 0")
        calendar = panel.calendar
        assert "approve" not in calendar.withheld
        # The question asked before the approval is answered once the calendar, read after it, has withheld `a`.
        withheld, withhold = threading.Event(), calendar.withhold

        def withhold_and_tell(names: Mapping[str, str], asking: Mapping[str, str] | None = None) -> None:
            withhold(names, asking)
            withheld.set()

        calendar.withhold = withhold_and_tell  # type: ignore[method-assign]
        answers = FirstAnswerLast(app, "calendar-offer", after=withheld)
        panel._ask_approve(post_id)  # asked again (the cursor came back to the post)
        await answers.first_read(pilot)
        await pilot.press("a")
        await answers.both_back(pilot, 1)
        with Store(team) as store:
            approved_by = store.conn.execute("SELECT approved_by FROM post_approval WHERE post = ?", (post_id,)).fetchone()[0]
        assert approved_by == member(team, "mia")
        assert "approve" in calendar.withheld


async def test_the_calendar_offers_no_approve_again_when_a_question_asked_before_the_approval_comes_back_before_the_write(
    team: Path,
) -> None:
    # `a` was withheld at once, but a question asked before it was pressed, answered before the approval was written
    # (the calendar not yet read again), offered `a` again: a second `a` approved twice (refused, with an error notice).
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        post_id = await _cursor_to(panel, pilot, lambda p: p.post.facts.title == "Spring post 0")
        calendar = panel.calendar
        assert "approve" not in calendar.withheld
        asked, written = threading.Event(), threading.Event()
        answers = FirstAnswerLast(app, "calendar-offer", after=asked)
        FirstAnswerLast(app, "write", after=written)  # the approval is written; the app hears of it once told
        panel._ask_approve(post_id)  # asked again (the cursor came back to the post)
        await answers.first_read(pilot)
        app.clear_notifications()
        await pilot.press("a")
        asked.set()
        await answers.first_back(pilot)
        assert "approve" in calendar.withheld
        await pilot.press("a")  # waits for the calendar to be read again, after the approval: then says why not again
        written.set()
        await settle(pilot)
        assert [(n.severity, n.message) for n in app._notifications] == [
            ("information", "approved “Spring post 0”"),
            ("warning", "a: Approve — @mia approved a step of this round of “Spring post 0” already (rule one_step_per_round)"),
        ]
    assert approvals_of(team, post_id) == 1


async def test_a_crisis_started_on_the_server_shows_its_banner_on_a_replica_with_no_key_pressed(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        token = new_token("raj", "--workspace", str(team))
        replica = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        app = make_app(replica, "raj")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert not banner(app).display
            # Ana, on the server's own file, starts a crisis; raj's replica pulls it.
            crewdeck("-w", str(team), "--as", "ana", "crisis", "start", "--reason", "outage")
            await until(pilot, lambda: "CRISIS: outage — @ana" in banner_text(app), "the crisis banner on the replica")
            crewdeck("-w", str(team), "--as", "ana", "crisis", "end")
            await until(pilot, lambda: not banner(app).display, "the banner gone on the replica")
    finally:
        server.stop()


async def _expiry_notices(path: Path, handle: str) -> list[str]:
    """What the app told ``handle`` about expired posts, once it started (the header's name is set where the telling starts)."""
    app = make_app(path, handle)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.query_one(WorkspaceHeader).who), "the app started")
        await settle(pilot)
        return [n.message for n in app._notifications if "expired" in n.message]


async def test_an_expired_post_is_told_once_in_the_app_to_its_author_and_to_a_manager_not_to_others(tmp_path: Path) -> None:
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    (post_id,) = add_posts(store, 1, NOW + dt.timedelta(minutes=30), submitted=NOW - dt.timedelta(hours=1))  # by raj
    store.close()
    assert state(path, post_id) == "expired"
    told = await _expiry_notices(path, "raj")
    assert len(told) == 1 and told[0].startswith("“Spring post 0” expired: not approved 1 h before its slot")
    assert await _expiry_notices(path, "raj") == []  # a restart does not tell it again
    assert await _expiry_notices(path, "mia") == []  # a reviewer who did not write it
    assert len(await _expiry_notices(path, "ana")) == 1  # ana manages
    # Told in the app: the command line does not tell it again.
    listed = Cli(path)("post", "list")
    assert post_id[:8] in listed.out and "expired:" not in listed.err


async def test_a_posts_detail_says_its_state_as_read_and_shows_its_copy(team: Path) -> None:
    # From Approvals, enter opens "the post in full": it read "status todo" and showed no copy.
    app = make_app(team, "mia")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await until(pilot, lambda: "Spring post" in str(screen.query_one("#detail-body").render()), "the detail")
        lines = [line.strip() for line in str(screen.query_one("#detail-body").render()).splitlines()]
        assert "state  in review (step 1 of 2 (copy), @mia, still open)" in lines
        assert not any(line.startswith("status ") for line in lines)
        assert lines[lines.index("Copy") + 1] == "Post 0: spring is here #launch"


async def test_a_posts_detail_shows_all_of_its_content_the_link_media_and_first_comment_under_its_copy(team: Path) -> None:
    # The post "in full" showed the copy and the link alone: a reviewer approved media and a first comment unseen,
    # though the verdict's hash covers them.
    post_id = post_titled(team, "Spring post 0")
    with Store(team) as store:
        raj = member(team, "raj")
        media = ["reel.mp4", "https://cdn.example.com/cover.jpg"]
        writing.set_content(store, raj, post_id, NOW, link="https://example.com/spring", media=media, first_comment="Link in bio")
        writing.submit(store, raj, post_id, NOW)
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post_id, app.services))
        await settle(pilot)
        body = str(app.screen.query_one("#detail-body").render())
    content = [line.split() for line in body.split("Copy")[1].split("History")[0].splitlines()[2:] if line.strip()]
    assert content == [
        ["link", "https://example.com/spring"],
        ["media", "reel.mp4"],
        ["https://cdn.example.com/cover.jpg"],
        ["first", "comment", "Link", "in", "bio"],
    ], body


async def test_a_posts_detail_tells_who_approved_and_who_asked_for_changes_in_its_history(team: Path) -> None:
    # The detail's history left a post's verdicts out: who approved it, or asked for changes, and when, was in
    # `crewdeck post show` alone.
    post_id = post_titled(team, "Spring post 0")
    with Store(team) as store:
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.reject(store, member(team, "kemi"), post_id, NOW, "warmer")
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post_id, app.services))
        await settle(pilot)
        body = str(app.screen.query_one("#detail-body").render())
    history = [line.strip().split("  ") for line in body.split("History")[1].splitlines()[1:]]
    assert [sentence for _, sentence in history[:2]] == ["@kemi requested changes (brand): “warmer”", "@mia approved copy"], history
    assert all(when.endswith(" PST Manila") for when, _ in history), history  # on mia's clock, which it names


async def test_y_pressed_twice_in_a_posts_detail_approves_once(team: Path) -> None:
    # `Y` stayed offered until the detail was read again after the approval: a second `Y` before that wrote it again,
    # refused with an error notice.
    post_id = post_titled(team, "Spring post 0")
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = DetailScreen(post_id, app.services)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.check_action("post", ("approve",)) is True
        app.clear_notifications()
        screen.action_post("approve")
        assert screen.check_action("post", ("approve",)) is False  # before the write: a second `Y` is not offered
        await settle(pilot)
        assert [(n.severity, n.message) for n in app._notifications] == [("information", "approved “Spring post 0”")]
        assert screen.check_action("post", ("approve",)) is False  # read after: brand's step now
    assert approvals_of(team, post_id) == 1


async def test_y_is_not_offered_again_in_a_posts_detail_when_a_read_before_the_approval_comes_back_before_the_write(
    team: Path,
) -> None:
    # `Y` took approving down ("on its way"), but a read of the detail already under way when it was pressed came back
    # before the approval was written with the post's moves as they were, `Y` among them: a second `Y` approved twice.
    post_id = post_titled(team, "Spring post 0")
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = DetailScreen(post_id, app.services)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.check_action("post", ("approve",)) is True
        read, written = threading.Event(), threading.Event()
        reads = FirstAnswerLast(app, "detail", after=read)
        FirstAnswerLast(app, "write", after=written)  # the approval is written; the app hears of it once told
        screen.load()  # read again (the workspace changed)
        await reads.first_read(pilot)
        app.clear_notifications()
        await pilot.press("Y")
        read.set()
        await reads.first_back(pilot)
        assert screen.check_action("post", ("approve",)) is False
        await pilot.press("Y")
        written.set()
        await settle(pilot)
        # The second, not offered, says why and writes nothing.
        assert [(n.severity, n.message) for n in app._notifications] == [
            ("warning", "Y: Approve post — your verdict is on its way"),
            ("information", "approved “Spring post 0”"),
        ]
    assert approvals_of(team, post_id) == 1


async def test_a_refused_y_in_a_posts_detail_reads_the_post_again_and_offers_what_it_awaits_now(team: Path) -> None:
    # `Y` was refused (mia and kemi had approved the post on other replicas, unseen here) and the detail kept the keys
    # of a post in review: `N` offered on an approved post, `L` not, until the workspace changed.
    post_id = post_titled(team, "Spring post 0")
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = DetailScreen(post_id, app.services)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.check_action("post", ("approve",)) is True
        with Store(team) as store:
            writing.approve(store, member(team, "mia"), post_id, NOW)
            writing.approve(store, member(team, "kemi"), post_id, NOW)
        app.clear_notifications()
        await pilot.press("Y")
        await settle(pilot)
        assert [n.severity for n in app._notifications] == ["error"]
        assert [screen.check_action("post", (move,)) for move in ("approve", "reject", "schedule")] == [False, False, True]


async def test_n_written_in_a_posts_detail_takes_the_verdicts_down_though_a_read_from_before_comes_back_after(team: Path) -> None:
    # `N` wrote its request for changes and left `Y` and `N` offered until the detail's read after the write came
    # back: a second `N` or a `Y` pressed before then acted on a post that had just had its verdict.
    post_id = post_titled(team, "Spring post 0")
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = DetailScreen(post_id, app.services)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.check_action("post", ("reject",)) is True
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the request-changes dialog")
        shown = threading.Event()
        reads = FirstAnswerLast(app, "detail", after=shown)  # the detail's read after the write is held
        await pilot.press(*"tighten it", "enter")
        await reads.first_read(pilot)
        for _ in range(500):  # the dialog closes once its worker has written (not waiting for the held read)
            if app.screen is screen:
                break
            await pilot.pause()
        assert app.screen is screen
        assert [screen.check_action("post", (verdict,)) for verdict in ("approve", "reject")] == [False, False]
        shown.set()
        await settle(pilot)
        assert [screen.check_action("post", (verdict,)) for verdict in ("approve", "reject")] == [False, False]
    assert state(team, post_id) == "changes-requested"


async def test_the_request_for_changes_names_its_post_in_approvals_and_in_a_posts_detail(team: Path) -> None:
    # "Request changes — the author sees your note" named no post: the Approvals list under it follows others'
    # changes, and a post taken out of review while the note was typed left another one's copy under the dialog.
    app = make_app(team, "mia")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        row = screen.table.cursor_row
        assert row is not None and screen.check_action("request_changes", ()) is True
        with Store(team) as store:
            named = store.conn.execute("SELECT title FROM task WHERE id = ?", (row.id,)).fetchone()[0]
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the request-changes dialog")
        title = str(app.screen.query_one(".prompt--title", Label).render())
        assert title == f"Request changes on “{named}” — the author sees your note", title
        await pilot.press("escape")
        await settle(pilot)
        detail = DetailScreen(row.id, app.services)
        await app.push_screen(detail)
        await settle(pilot)
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the request-changes dialog")
        title = str(app.screen.query_one(".prompt--title", Label).render())
        assert title == f"Request changes on “{named}” — the author sees your note", title


def post_titled(path: Path, title: str) -> str:
    with Store(path) as store:
        return str(store.conn.execute("SELECT id FROM task WHERE title = ?", (title,)).fetchone()[0])


async def test_the_crisis_dialog_wraps_its_question_at_80x24_rather_than_cut_it(team: Path) -> None:
    # "... Every approved and scheduled post pauses f" was all an 80-column terminal showed of it.
    app = make_app(team, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        for selector in (".prompt--title", ".prompt--help"):
            label = screen.query_one(selector)
            assert label.parent is not None
            assert label.outer_size.width <= label.parent.content_size.width, selector
            # The whole sentence, on as many lines as it takes.
            assert label.size.height * label.size.width >= cell_len(str(label.render())), selector


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_calendars_title_gives_up_whole_parts_never_whose_days(team: Path, size: tuple[int, int]) -> None:
    # It was cut mid-word: "… · days in Europe/Berlin · rows: platf" at 80 columns; the count of posts never showed.
    app = make_app(team, "ana")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        calendar = calendar_of(app).calendar
        assert calendar.data is not None
        parts = calendar.data.title
        title = "".join(segment.text for segment in calendar.render_line(0)).strip()
        assert title in [" · ".join(parts[:n]) for n in range(3, len(parts) + 1)], (title, parts)
        assert "days in Europe/Berlin" in title


async def test_the_calendar_in_your_zone_follows_you_when_you_move(team: Path) -> None:
    # ana moved to Tokyo while her app was open: the deadline grid went with her, the content calendar beside it kept
    # drawing Berlin's days ("days in Europe/Berlin"), though it opens in your zone and its `Z` goes back to it.
    app = make_app(team, "ana")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        calendar = calendar_of(app)
        assert calendar.period.zone == "Europe/Berlin"
        with Store(team) as store:
            ana = member(team, "ana")
            with store.write(ana) as w:
                w.set("member", ana, {"tz": "Asia/Tokyo"})
        await until(pilot, lambda: calendar.laid is not None and calendar.laid.zone == "Asia/Tokyo", "the calendar in Tokyo")
        title = "".join(segment.text for segment in calendar.calendar.render_line(0))
        assert "days in Asia/Tokyo" in title, title


async def test_z_off_a_post_takes_the_audience_the_posts_in_view_are_slotted_for(tmp_path: Path) -> None:
    path = tmp_path / "zones.db"
    store = team_workspace(path, NOW)
    # Spring Launch's posts, for New York; App Install Push (for Kolkata) has none this week.
    add_posts(store, 3, NOW + dt.timedelta(days=1), every=dt.timedelta(days=1))
    store.close()
    app = make_app(path, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        assert panel.laid is not None and panel.placed() is None  # the cursor is on a day with no post
        await pilot.press("Z")
        await settle(pilot)
        assert panel.laid.zone == "America/New_York"


async def test_copy_the_platform_refuses_keeps_what_was_typed_and_says_why_under_it(team: Path) -> None:
    """The copy dialog closed on a refusal: a copywriter's text over the platform's limits was lost, said in a notice."""
    raj = member(team, "raj")
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
        writing.set_content(store, raj, post_id, NOW, copy="Spring, rewritten #launch")
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")  # write the copy
        await settle(pilot)
        assert isinstance(app.screen, CopyEditorScreen)
        # The box opens with the copy, "#launch" its one tag: five more make six (Instagram takes at most 5 hashtags).
        typed = "Spring, rewritten #launch #a #b #c #d #e"
        await pilot.press(*typed.removeprefix("Spring, rewritten #launch"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CopyEditorScreen)
        assert app.screen.query_one("#copy-text", TextArea).text == typed
        assert "hashtag" in str(app.screen.query_one("#copy-refused", Static).render())
        await pilot.press(*["backspace"] * 3, "ctrl+s")  # one tag less
        await settle(pilot)
        assert not isinstance(app.screen, CopyEditorScreen)
    with Store(team) as store:
        assert store.conn.execute("SELECT copy FROM task WHERE id = ?", (post_id,)).fetchone()[0] == typed[:-3]


def _two_approved_posts_held_by_a_crisis(team: Path) -> list[str]:
    """Spring posts 0 and 1, approved by both steps, then held by a crisis @ana starts now; their ids."""
    with Store(team) as store:
        posts = [store.conn.execute("SELECT id FROM task WHERE title = ?", (f"Spring post {n}",)).fetchone()[0] for n in (0, 1)]
        for post_id in posts:
            writing.approve(store, member(team, "mia"), post_id, NOW)
            writing.approve(store, member(team, "kemi"), post_id, NOW)
        writing.start_crisis(store, member(team, "ana"), NOW, "bad press")
    return posts


async def _open_held_posts(pilot: Any, app: CrewdeckApp) -> tuple[HeldPostsScreen, PostTable]:
    """The open crisis's held posts (`!`, then `1`), once the app has settled: the screen and its table."""
    await settle(pilot)
    await pilot.press("exclamation_mark")
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, HeldPostsScreen)
    return screen, screen.query_one("#held-table", PostTable)


async def test_the_held_posts_at_80x24_show_titles_that_differ_at_their_end_whole(team: Path) -> None:
    """At 80 columns POST was 17 cells beside a WHY of 29 that says "slot kept": "Holiday drop teaser" and
    "Holiday drop teaser 2" both read "Holiday drop tea…", and the manager could not tell which one `r` resumed."""
    posts = _two_approved_posts_held_by_a_crisis(team)
    titles = ["Holiday drop teaser, spring", "Holiday drop teaser, spring 2"]
    with Store(team) as store, store.write(member(team, "ana")) as w:
        for post_id, title in zip(posts, titles):
            w.set("task", post_id, {"title": title})
    app = make_app(team, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        _, table = await _open_held_posts(pilot, app)
        lines = [table.render_line(n).text for n in (1, 2)]
        assert [title in line for line, title in zip(lines, titles)] == [True, True], lines
        assert all(line.rstrip().endswith("slot kept") for line in lines), lines


async def test_the_held_posts_at_80x24_say_each_post_s_state_and_what_became_of_it(team: Path) -> None:
    """At 80 columns the STATE column went first, and WHY read "slot kept" or "resumed" alone: whether a resumed post
    was scheduled, and so goes out at its slot, or approved only, was not said."""
    _two_approved_posts_held_by_a_crisis(team)
    app = make_app(team, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        _, table = await _open_held_posts(pilot, app)
        assert [table.render_line(n).text.rstrip().endswith("paused, slot kept") for n in (1, 2)] == [True, True]
        await pilot.press("r")
        await settle(pilot)
        lines = [table.render_line(n).text.rstrip() for n in (0, 1, 2)]
        assert lines[0].endswith("STATE") and "Spring post 0" in lines[1] and "Spring post 1" in lines[2], lines
        assert lines[1].endswith("resumed, now approved") and lines[2].endswith("paused, slot kept"), lines
        assert all(cell_len(line) <= 76 for line in lines), lines


async def test_the_s_picker_names_the_post_as_notices_do_and_asks_what_next(team: Path) -> None:
    """It read "“Holiday countdown reel …(the whole title)” is in review: next": the title whole, whatever its length,
    and a state read as a noun ("is idea: next")."""
    title = "Holiday countdown reel for the winter sale weekend, with the longer cut for stories"
    with Store(team) as store, store.write(member(team, "ana")) as w:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
        w.set("task", post_id, {"title": title})
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Holiday countdown")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.title_text == "“Holiday countdown reel for the winter sale weekend, with th…” (in review): what next?"


async def test_the_held_posts_dialog_offers_no_enter_which_opens_nothing_there(team: Path) -> None:
    """Its footer showed "⏎ Open" over the held posts, and enter did nothing: the dialog opens no post."""
    _two_approved_posts_held_by_a_crisis(team)
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _open_held_posts(pilot, app)
        assert table.row_count() == 2
        assert footer_keys(screen)[0] == ()  # the dialog says its keys in its own line
        assert screen.query_one(KeyFooter).render().plain.split() == ["▏", "^p", "palette"]


async def test_a_held_post_resumed_or_given_a_new_slot_shows_its_state_and_slot_now_and_a_refused_slot_keeps_the_text(team: Path) -> None:
    """The rows kept the state and slot read when the crisis ended: a resumed post still read "paused", one given a new
    slot its old slot; and a new slot that was not a date closed the dialog, losing what was typed."""
    posts = _two_approved_posts_held_by_a_crisis(team)
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await _open_held_posts(pilot, app)

        def row(post_id: str) -> tuple[str, ...]:
            return next(r.cells for _, r in table.loaded_rows() if r.id == post_id)

        await pilot.press("r")
        await settle(pilot)
        assert state(team, posts[0]) == "approved"
        assert row(posts[0])[-1] == "resumed, now approved", row(posts[0])
        await pilot.press("j", "n")
        await settle(pilot)
        await pilot.press(*"someday", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one("#prompt-input", Input).value == "someday"
        assert "'someday' is not a date" in str(app.screen.query_one("#prompt-refused", Static).render())
        await pilot.press(*["backspace"] * 7, *"tue 09:00", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert row(posts[1])[1] == "Tue 12-01 15:00 CET" and row(posts[1])[-1] == "new slot, now approved", row(posts[1])


async def test_a_held_posts_row_keeps_its_state_now_when_a_read_from_before_comes_back_last(team: Path) -> None:
    # The rows are read again after each key: a read made after `r` on one post that came back after the read made
    # after `P` on the next showed that one "paused" again, though it was pulled.
    posts = _two_approved_posts_held_by_a_crisis(team)
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        _, table = await _open_held_posts(pilot, app)
        answers = FirstAnswerLast(app, "held-read")
        await pilot.press("r")
        await answers.first_read(pilot)
        await pilot.press("j", "P")
        await answers.both_back(pilot)
        assert state(team, posts[1]) == "pulled"
        [cells] = [r.cells for _, r in table.loaded_rows() if r.id == posts[1]]
        assert cells[-1] == "pulled", cells


async def test_r_pressed_twice_on_a_held_post_resumes_it_once(team: Path) -> None:
    # A held post's keys were taken down once its move was written: `r` again before that resumed it again, refused
    # with an error notice ("cannot resume …: it is approved, not paused").
    posts = _two_approved_posts_held_by_a_crisis(team)
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen, table = await _open_held_posts(pilot, app)
        app.clear_notifications()
        screen.action_resume()
        screen.action_resume()  # before the first one's write came back
        await settle(pilot)
        assert [(n.severity, n.message) for n in app._notifications] == [("information", "resumed “Spring post 0”")]
        assert state(team, posts[0]) == "approved"
        [cells] = [r.cells for _, r in table.loaded_rows() if r.id == posts[0]]
        assert cells[-1] == "resumed, now approved"


@pytest.fixture
def missed(team: Path) -> tuple[Path, str]:
    """The team, with Spring post 0 approved, then missed (Thu 26 Nov 08:30 UTC) by a crisis still open; its id."""
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.approve(store, member(team, "kemi"), post_id, NOW)
        earlier = NOW - dt.timedelta(days=2)  # the slot it was given then has passed since, during the crisis
        writing.start_crisis(store, member(team, "ana"), earlier, "bad press")
        writing.move_slot(store, member(team, "ana"), post_id, earlier, {"utc": "2026-11-26T08:30:00Z", "tz": "America/New_York"})
    assert state(team, post_id) == "missed"
    return team, post_id


async def test_a_copy_change_on_a_missed_post_says_its_slot_passed_not_the_approval_lead_time(missed: tuple[Path, str]) -> None:
    # The question and the notice read "inside the approval lead time: a new slot past it …" of a slot already past.
    team, post_id = missed
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        asked, told = await _copy_changed_after_the_question(app, pilot)
        assert asked == (
            "“Spring post 0” is missed: a change of its copy voids the round and the approvals of @mia, @kemi: it would be "
            "expired, its slot has passed: a new slot and a submission let it out"
        )
        assert told == [
            "set the copy of “Spring post 0”: that voids the round and the approvals of @mia, @kemi: it is expired now, its "
            "slot has passed: a new slot and a submission let it out"
        ], told
    assert state(team, post_id) == "expired"


async def test_s_on_a_missed_post_offers_resume_which_asks_for_the_new_slot_it_needs(missed: tuple[Path, str]) -> None:
    # `s` offered resume on a missed post, which was then refused: "give it a new slot (--slot WHEN)", a flag of the command
    # line, with no way to give one from the task list (a move of the slot is no move of a missed post: it stays held).
    team, post_id = missed
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        await pilot.press("s")
        await settle(pilot)
        # Its content changes too, as `post copy` changes it (asking first: it voids the approved round).
        choices = ["resume", "copy", "link", "media", "first_comment", "pull"]
        assert isinstance(app.screen, PickerScreen) and [c.value for c in app.screen.choices] == choices
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen), _told(app)
        await pilot.press(*"yesterday 09:00", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # refused: the dialog keeps the text and says why
        refused = str(app.screen.query_one("#prompt-refused", Static).render())
        # What the words stood for is said, as `post resume --slot` says it: "yesterday" read on the audience's clock.
        assert refused == ("cannot resume “Spring post 0”: the new slot has passed already (yesterday 09:00 is Wed 11-25 09:00 EST)"), (
            refused
        )
        await pilot.press(*["backspace"] * 15, *"+4d", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        # The slot the words stood for is said back, as `post resume --slot` says it.
        assert "resumed “Spring post 0” with a new slot: Mon 11-30 17:00 CET (Mon 11-30 11:00 EST for the audience)" in _told(app)
        assert state(team, post_id) == "approved" and slot_of(team, post_id)[0] > "2026-11-30"


async def test_an_approver_withdraws_from_a_missed_post_as_from_the_cli_and_from_a_pulled_one_nowhere(missed: tuple[Path, str]) -> None:
    """`crewdeck post withdraw` took mia's approval back from a missed post, which a resume lets out with it, where the app
    offered no `W` (nor `w` in the Approvals view); and from a pulled one, which goes out nowhere, where the app refused.
    One rule now (``rules.withdrawal_closed``): missed, yes, everywhere; pulled, no, however it is written."""
    from crewdeck.sync.state.rules import Refused

    team, post_id = missed
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        approvals = await open_approvals(app, pilot)
        [row] = [row for _, row in approvals.table.loaded_rows() if row.id == post_id]  # after the four that need her
        # Its WHY says missed, not approved: at 80 columns, and in a guest's view always, no STATE column says it.
        assert row.cells[-1].startswith("missed, your approval among them"), row
        while (at := approvals.table.cursor_row) is not None and at.id != post_id:
            await pilot.press("down")
            await settle(pilot)
        assert approvals.check_action("withdraw", ()) is True
        await pilot.press("escape")
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        assert app.tasks_pane.check_action("post", ("withdraw",)) is True
        told = await _told_after(app, pilot, "W")
        assert told[0].startswith("withdrew your approval of “Spring post 0”"), told
    with Store(team) as store:
        rows = store.conn.execute("SELECT verdict FROM post_approval WHERE post = ? AND approved_by = ?", (post_id, member(team, "mia")))
        assert [verdict for (verdict,) in rows] == ["approve", "withdraw"]
    cli = Cli(team)
    with Store(team) as store:  # another post, in review with mia's step taken, pulled
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
    cli.ok("post", "approve", post_id, as_member="mia")
    cli.ok("post", "pull", post_id, as_member="ana")
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        detail = DetailScreen(post_id, app.services)
        await app.push_screen(detail)
        await settle(pilot)
        assert detail.moves is not None and detail.moves.post.state == "pulled"
        assert detail.check_action("post", ("withdraw",)) is not True
    refused = cli("post", "withdraw", post_id, as_member="mia")
    assert (refused.code, refused.err) == (
        2,
        "crewdeck: error: cannot withdraw your approval of “Spring post 1”: it is pulled: it does not go out\n",
    )
    with Store(team) as store:
        mia = member(team, "mia")
        round_id, digest, step = store.conn.execute(
            "SELECT round, hash, step FROM post_approval WHERE post = ? AND approved_by = ?", (post_id, mia)
        ).fetchone()
        record = {"post": post_id, "round": round_id, "step": step, "hash": digest, "verdict": "withdraw"}
        record |= {"note": "", "approved_by": mia, "approved_at": NOW_TEXT}
        with (
            pytest.raises(Refused, match=r"“Spring post 1” is pulled: it does not go out \(rule not_withdrawable\)"),
            store.write(mia) as w,
        ):
            w.append("post_approval", record)


SLOT_KEYS = {"later_hour": "+1 hour", "earlier_hour": "-1 hour", "later_day": "+1 day", "earlier_day": "-1 day"}


async def test_the_calendar_offers_no_slot_move_on_a_missed_post(missed: tuple[Path, str]) -> None:
    # `+ - > <` were offered on a missed post, in the footer and the palette, and refused once pressed
    # ("cannot move ...: it is missed by a crisis (bad press): resume it with a new slot").
    team, post_id = missed
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        assert panel.laid is not None
        seen: dict[str, dict[str, tuple[bool, bool, bool]]] = {}
        for title in ("Spring post 0", "Spring post 1"):
            await _cursor_to(panel, pilot, lambda p, title=title: p.post.facts.title == title)
            shown, _ = footer_keys(app.screen)
            footer = {key.description for key in shown if key.enabled}
            palette = {str(c.title) for c in app.get_system_commands(app.screen)}
            seen[title] = {
                name: (
                    panel.calendar.check_action("request", (name,)) is not False,
                    description in footer,
                    f"Deadlines: {description}" in palette,
                )
                for name, description in SLOT_KEYS.items()
            }
        assert seen == {"Spring post 0": dict.fromkeys(SLOT_KEYS, (False,) * 3), "Spring post 1": dict.fromkeys(SLOT_KEYS, (True,) * 3)}
        await _cursor_to(panel, pilot, lambda p: p.post.id == post_id)
        # Not offered: nothing is written, and the one line a hidden key says tells why (the last key's).
        assert await _told_after(app, pilot, "greater_than_sign", "plus") == [
            "+: +1 hour — “Spring post 0” keeps its slot: it is missed by a crisis (bad press): resume it with a new slot"
        ]
        assert slot_of(team, post_id) == ("2026-11-26T08:30:00Z", "America/New_York")


async def test_r_on_a_missed_post_among_the_held_posts_says_to_press_n_for_its_new_slot(missed: tuple[Path, str]) -> None:
    # `r` on a missed post said the command line's hint, "give it a new slot (--slot WHEN)", a flag the app has not.
    team, post_id = missed
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen, table = await _open_held_posts(pilot, app)
        assert table.cursor_row is not None and table.cursor_row.id == post_id
        assert await _told_after(app, pilot, "r") == [
            "cannot resume “Spring post 0”: its slot passed during the crisis: press n to give it a new slot"
        ]
        assert state(team, post_id) == "missed" and app.screen is screen
        await pilot.press("n", *"yesterday 09:00", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)  # refused, saying what the words stood for, as `post resume` does
        assert str(app.screen.query_one("#prompt-refused", Static).render()) == (
            "cannot resume “Spring post 0”: the new slot has passed already (yesterday 09:00 is Wed 11-25 09:00 EST)"
        )
        await pilot.press(*["backspace"] * 15, *"+4d", "enter")
        await settle(pilot)
        assert state(team, post_id) == "approved"


async def test_a_crisis_started_with_no_reason_keeps_its_dialog_open_saying_why(team: Path) -> None:
    """`!` then enter closed the dialog and said "a crisis needs a reason" in a notice: the manager began again."""
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert "a crisis needs a reason" in str(app.screen.query_one("#prompt-refused", Static).render())
        await pilot.press(*"bad press", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        await pilot.press("a")
        await settle(pilot)
        assert "CRISIS: bad press" in banner_text(app)


async def _crisis_reason_given(pilot: Pilot[object], reason: str) -> None:
    """The crisis key pressed and ``reason`` given: its scope is asked next."""
    await pilot.press("exclamation_mark")
    await settle(pilot)
    await pilot.press(*reason, "enter")
    await settle(pilot)


async def test_the_crisis_key_stops_one_platforms_posts_and_the_banner_names_it(team: Path) -> None:
    """`!` stopped every post: a manager in a crisis on instagram paused linkedin's too, unless they went to
    `crewdeck crisis start --platform instagram`.  After the reason, each choice says what it stops."""
    with Store(team) as store:
        spring = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        linkedin = add_posts(store, 2, NOW + dt.timedelta(days=3), platform="linkedin", submitted=NOW)
        for post in (spring, *linkedin):
            for reviewer in ("mia", "kemi"):
                writing.approve(store, member(team, reviewer), post, NOW)
    assert [state(team, post) for post in (spring, *linkedin)] == ["approved"] * 3
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _crisis_reason_given(pilot, "instagram outage")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        offered = {choice.key: choice.label for choice in picker.choices}
        assert offered["a"] == "stops 3 approved or scheduled posts everywhere"
        assert "stops 2 approved or scheduled posts on linkedin" in offered.values()
        assert "stops 3 approved or scheduled posts of Spring Launch" in offered.values()
        key = next(k for k, label in offered.items() if label == "stops 1 approved or scheduled post on instagram")
        await pilot.press(key)
        await settle(pilot)
        assert "CRISIS: instagram outage — @ana, since today 10:30 CET · instagram" in banner_text(app)
        assert "crisis started: 1 approved or scheduled post on instagram paused" in notices(app)
    assert [state(team, post) for post in (spring, *linkedin)] == ["paused", "approved", "approved"]
    with Store(team) as store:
        (crisis,) = open_crises(store.conn)
        assert (crisis.platforms, crisis.campaigns) == (frozenset({"instagram"}), frozenset())


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_deadlines_calendars_footer_says_keys_and_quit_as_every_pane_does_at_160_columns(
    team: Path, size: tuple[int, int]
) -> None:
    """Since `t Today` the calendar's footer had no room at 160 columns for the words of `? Keys` and `q Quit`, which
    every other pane's says there: its toggles said what they toggle between ("Zone: yours/audience"), where the grid,
    the same pane's other view, says `Z Zone` (the calendar's title names the zone, its rows the platforms).  At 80
    columns the footer's rule keeps the keys and drops words from the right: `?` and `q` stay.  The help, `?`, said only
    "Rows" and "Zone" then: it says what each toggles between, the binding's tooltip."""
    app = make_app(team, "ana")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for keys in (("C",), ("w",)):  # the week, then the month
            await pilot.press(*keys)
            await settle(pilot)
            line = app.screen.query_one(KeyFooter).render().plain
            assert (" ? Keys  q Quit " if size[0] >= 160 else " ?  q ") in line, line
            assert " r Rows  Z Zone " in line or size[0] < 160, line
        # The help has the room the footer has not: it says what each toggles between.
        text = await help_text(pilot)
        assert "r Rows: platform/campaign calendar.rows" in text and "Z Zone: yours/audience calendar.zone" in text, text


async def test_escape_at_the_crisis_scope_goes_back_to_the_reason_as_typed(team: Path) -> None:
    """Escape at "What does the crisis stop?" dropped the crisis and the reason typed with it: the manager began again."""
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _crisis_reason_given(pilot, "instagram outage")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        reason = app.screen.query_one("#prompt-input", Input)
        assert (reason.value, reason.cursor_position) == ("instagram outage", len("instagram outage"))
        await pilot.press(*"!", "enter")  # the text is the reason's, to add to: it is not selected, to be typed over
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen) and app.screen.title_text == "What does the crisis stop? (instagram outage!)"
        await pilot.press("escape")
        await settle(pilot)
        # Escape again leaves, asking first as it does of any reason typed: `y` drops it.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, (PromptScreen, PickerScreen, DiscardScreen))
        assert "CRISIS" not in banner_text(app)
    with Store(team) as store:
        assert open_crises(store.conn) == []


# ------------------------------------------------------------ undo after a post's move


def _priority(path: Path, post_id: str) -> str | None:
    with Store(path) as store:
        return store.conn.execute("SELECT priority FROM task WHERE id = ?", (post_id,)).fetchone()[0]


def _told(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _copy_changed_after_the_question(app: CrewdeckApp, pilot: Pilot[object]) -> tuple[str, list[str]]:
    """The post under the cursor's copy changed through ``s`` ``c``: the question asked first, and what the save said."""
    await pilot.press("s")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, PickerScreen)
    asked = app.screen.title_text
    await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
    return asked, await _told_after(app, pilot, *"!", "ctrl+s")


async def _told_after(app: CrewdeckApp, pilot: Pilot[object], *keys: str) -> list[str]:
    """What the app says once ``keys`` are pressed and their work is done, and nothing said before them."""
    app.clear_notifications()
    await pilot.press(*keys)
    await settle(pilot)
    return _told(app)


def _a_draft_again(team: Path) -> str:
    """ "Spring post 1", its copy rewritten by raj: a draft again, which raj's app offers to submit (its id)."""
    with Store(team) as store:
        post_id: str = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
        writing.set_content(store, member(team, "raj"), post_id, NOW, copy="Spring, rewritten #launch")
    return post_id


async def _submit(app: CrewdeckApp, pilot: Pilot[object], post_id: str, *first: str) -> None:
    """The cursor on the post (``_a_draft_again``), ``first`` pressed (an edit made before), then submit."""
    await settle(pilot)
    assert await cursor_on(app, pilot, "Spring post 1") == post_id
    if first:
        await pilot.press(*first)
        await settle(pilot)
    await pilot.press("s")  # the moves offered (read in a worker), then submit
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


async def test_u_after_a_post_move_undoes_that_move_and_redo_makes_it_again(team: Path) -> None:
    # `u` right after submitting a post undid the priority set before it: the move was in no history.
    post_id = _a_draft_again(team)
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _submit(app, pilot, post_id, "p", "h")
        assert state(team, post_id) == "in-review" and _priority(team, post_id) == "high"
        assert await _told_after(app, pilot, "u") == ["undid: submitted “Spring post 1” for approval"]
        assert state(team, post_id) == "draft" and _priority(team, post_id) == "high"  # the move taken back, not the edit before it
        assert await _told_after(app, pilot, "U") == ["redid: submitted “Spring post 1” for approval"]
        assert state(team, post_id) == "in-review"


async def test_u_after_a_submission_of_a_post_published_since_is_refused_and_changes_no_round(team: Path) -> None:
    # `u` after submitting a post that the team approved and published since ended its round: the post read published,
    # with no round that approved what went out.
    post_id = _a_draft_again(team)
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _submit(app, pilot, post_id)
        assert state(team, post_id) == "in-review"
        with Store(team) as store:
            writing.approve(store, member(team, "mia"), post_id, NOW)
            writing.approve(store, member(team, "kemi"), post_id, NOW)
            writing.publish(store, member(team, "ana"), post_id, NOW)
        await settle(pilot)
        before = _ops(team)
        # u's answer, undone or not: the watcher's notice of the team's writes may come after the clear, under load.
        [said] = [line for line in await _told_after(app, pilot, "u") if line.startswith(("undid", "cannot undo", "nothing to undo"))]
        assert said == (
            "cannot undo: task.post_round: “Spring post 1” is published: what went out changes no more (take its publish back "
            "first) (rule published_content)"
        )
        assert state(team, post_id) == "published" and _ops(team) == before


def _ops(path: Path) -> int:
    with Store(path) as store:
        return int(store.conn.execute("SELECT count(*) FROM ops").fetchone()[0])


async def test_an_undo_the_rules_refuse_says_the_rule_in_one_line_writes_nothing_and_stays_to_undo(team: Path) -> None:
    # Undoing a pull puts the post back in the scheduler: not while a crisis started since holds it (not_publishable).
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        writing.approve(store, member(team, "mia"), post_id, NOW)
        writing.approve(store, member(team, "kemi"), post_id, NOW)
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert state(team, post_id) == "pulled"
        with Store(team) as store:
            crisis = writing.start_crisis(store, member(team, "ana"), NOW, "bad press")
        await until(pilot, lambda: banner(app).display, "the crisis's banner")
        before = _ops(team)
        [said] = await _told_after(app, pilot, "u")
        assert (
            said.startswith("cannot undo: “Spring post 0” cannot be scheduled: ")  # the post named once
            and "the crisis “bad press”" in said
        ), said
        assert said.endswith("(rule not_publishable)") and "\n" not in said, said
        assert state(team, post_id) == "pulled" and _ops(team) == before  # nothing half-written
        # Still the last action: released from the crisis, the post goes back where it was.
        with Store(team) as store, store.write(member(team, "ana")) as w:
            w.set("task", post_id, {"resumed_from": [crisis]})
        await until(pilot, lambda: "@ana released “Spring post 0” from the crisis" in _told(app), "the notice of the release")
        assert await _told_after(app, pilot, "u") == ["undid: pulled “Spring post 0”"]
        assert state(team, post_id) == "scheduled"


async def test_the_crisis_banner_shows_a_crisis_when_a_read_from_before_it_comes_back_last(team: Path) -> None:
    # Two reads of the banner in flight: the first, made before the crisis started, could come back after the one
    # made since, and the banner hid the crisis (every post paused, and nothing on the screen said so).
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not banner(app).display
        answers = FirstAnswerLast(app, "crisis-banner")
        banner(app).reload()  # another change: the banner reads the crises again
        await answers.first_read(pilot)
        with Store(team) as store:
            writing.start_crisis(store, member(team, "ana"), NOW, "bad press")
        await answers.both_back(pilot)
        assert "CRISIS: bad press" in banner_text(app)


async def test_u_after_a_verdict_says_it_stands_and_leaves_the_history_as_it_is(team: Path) -> None:
    # `u` after approving undid the priority set before it, saying so, while the approval stood.
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 1") == post_id
        await pilot.press("p", "h")
        await settle(pilot)
        await pilot.press("Y")
        await settle(pilot)
        # It points at what does take it back (W, a withdrawal of its own), where it said to request changes.
        stands = (
            "the approval of post “Spring post 1” cannot be undone: verdicts are append-only "
            f"(withdraw it while the post can still go out: W on the post, or crewdeck post withdraw {post_id[:8]})"
        )
        for _ in range(2):  # the second `u` does not reach past it either
            assert await _told_after(app, pilot, "u") == [stands]
        assert _priority(team, post_id) == "high"
        assert await _told_after(app, pilot, "U") == ["nothing to redo"]
        assert approvals_of(team, post_id) == 1
        assert await _told_after(app, pilot, "W") == ["withdrew your approval of “Spring post 1”"]
    with Store(team) as store:
        verdicts = store.conn.execute("SELECT verdict FROM post_approval WHERE post = ? ORDER BY op_id", (post_id,))
        assert [row[0] for row in verdicts] == ["approve", "withdraw"]


async def test_u_after_the_crisis_key_says_a_crisis_stands_once_started_and_once_ended(team: Path) -> None:
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press(*"bad press", "enter", "a")
        await settle(pilot)
        assert await _told_after(app, pilot, "u") == ["the crisis “bad press” cannot be undone: crises are append-only (end it instead)"]
        with Store(team) as store:
            assert len(open_crises(store.conn)) == 1
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert await _told_after(app, pilot, "u") == [
            "the end of the crisis “bad press” cannot be undone: crises are append-only (start another if it is not over)"
        ], _told(app)
        with Store(team) as store:
            assert open_crises(store.conn) == []


async def test_an_undo_of_a_slot_move_is_judged_as_the_move_is_and_a_refused_one_stays_to_undo(team: Path) -> None:
    # `u` after moving an expired post's slot out put it back on its old slot, inside the approval lead time, unchecked:
    # the move itself refuses that slot to a post that is not approved.
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        with store.write(member(team, "ana")) as w:  # its slot, in two days, is now inside the lead time
            w.set("workspace", "workspace", {"approval_lead_minutes": 3 * 24 * 60})
    old_slot = slot_of(team, post_id)
    assert state(team, post_id) == "expired"
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        await pilot.press("s", "m")  # the moves offered, then a new slot
        await settle(pilot)
        await pilot.press(*"+4d", "enter")
        await settle(pilot)
        new_slot = slot_of(team, post_id)
        assert new_slot != old_slot and state(team, post_id) == "in-review"
        before = _ops(team)
        [said] = await _told_after(app, pilot, "u")
        assert said.startswith("cannot undo scheduled “Spring post 0” to publish ") and said.count("Spring post 0") == 1, said
        assert said.endswith(": a slot within the approval lead time (72 h) needs an approved post; it is in review"), said
        assert slot_of(team, post_id) == new_slot and _ops(team) == before  # nothing written
        # Still the last action: approved since, the post may take the slot inside the lead time again.
        with Store(team) as store:
            writing.approve(store, member(team, "mia"), post_id, NOW)
            writing.approve(store, member(team, "kemi"), post_id, NOW)
        # Told in one notice or two as the app reads them: wait for the one that names the last (it told late, u's too).
        await until(pilot, lambda: any("@kemi" in told for told in _told(app)), "the notice of the last approval")
        [said] = await _told_after(app, pilot, "u")
        assert said.startswith("undid: scheduled “Spring post 0” to publish "), said
        assert slot_of(team, post_id) == old_slot and state(team, post_id) == "approved"


async def test_a_slot_set_with_colon_on_a_posts_detail_is_judged_as_a_slot_move_and_a_refused_one_keeps_the_dialog(team: Path) -> None:
    # `:` publish=... on a post in review wrote a slot half an hour away, inside the approval lead time, unchecked.
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
    old_slot = slot_of(team, post_id)
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.task_id == post_id
        before = _ops(team)
        typed = "publish=2026-11-26 05:00"  # 10:00 UTC in the audience's New York: 30 minutes away
        await pilot.press("colon", *typed, "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one("#prompt-input", Input).value == typed
        refused = str(app.screen.query_one("#prompt-refused").render())
        assert refused == (
            "cannot move “Spring post 0”: a slot within the approval lead time (1 h) needs an approved post; it is in review"
        ), refused
        assert slot_of(team, post_id) == old_slot and _ops(team) == before  # nothing written
        await pilot.press(*["backspace"] * len(typed), *"publish=2026-11-25 10:00", "enter")  # gone by yesterday
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        refused = str(app.screen.query_one("#prompt-refused").render())
        assert refused == "cannot move “Spring post 0”: the slot it would take has passed already", refused
        assert slot_of(team, post_id) == old_slot and _ops(team) == before
        await pilot.press(*["backspace"] * 11, *"12-01 10:00", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert slot_of(team, post_id) == ("2026-12-01T15:00:00Z", "America/New_York")


async def test_a_slot_set_with_colon_off_peak_is_said_as_a_slot_typed_in_its_dialog_says_it(team: Path) -> None:
    # `:` publish=… took a New York post off its audience's peak hours silently, where `m`'s dialog said it (review re 3).
    post_id = post_titled(team, "Spring post 0")
    app = make_app(team, "raj")  # in Kolkata
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the field's prompt")
        told = await _told_after(app, pilot, *"publish=2026-12-01 10:00", "enter")
        assert told[1:] == [
            "publish: 10:00 EST (20:30 IST Kolkata for you) is outside the audience's peak hours for instagram, 11:00-12:00 "
            "and 19:00-20:00 EST: nearest 11:00 EST (21:30 IST Kolkata for you)"
        ], told
        # On a peak hour: the change alone.
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the field's prompt")
        told = await _told_after(app, pilot, *"publish=2026-12-01 11:00", "enter")
        assert len(told) == 1, told
    assert slot_of(team, post_id) == ("2026-12-01T16:00:00Z", "America/New_York")


async def test_the_calendars_line_under_a_post_shows_its_title_as_typed_not_read_as_markup(team: Path) -> None:
    # A title holding "[/]" stopped the app (MarkupError) when the cursor reached its post; "[b]" turned bold and vanished.
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
        with store.write(member(team, "raj")) as w:
            w.set("task", post_id, {"title": "Reel [/] for [b]spring[/b]"})
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        panel = calendar_of(app)
        assert panel.laid is not None
        await _cursor_to(panel, pilot, lambda p: p.post.id == post_id)
        line = str(panel.query_one("#calendar-status", Static).render())
        assert line.startswith("Reel [/] for [b]spring[/b] · in review · "), line


async def test_approving_a_post_a_crisis_holds_says_it_is_paused_not_only_approved(team: Path) -> None:
    # At 7 am, a crisis open: kemi's `a` took the last step of a post and the notice said "approved “Spring post 0”"
    # and nothing else, read as the post going out at its slot; it reads paused until someone resumes it.
    with Store(team) as store:
        people = ids(store, "member", "handle")
        post = add_posts(store, 1, NOW + dt.timedelta(days=1), submitted=NOW, author="sofia")[0]
        writing.approve(store, people["mia"], post, NOW)
        writing.start_crisis(store, people["ana"], NOW, "Bad reply")
    app = make_app(team, "kemi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        assert [p.id for p in screen.mine] == [post]
        await pilot.press("a")
        await until(pilot, lambda: any("approved" in str(n.message) for n in app._notifications), "the approval's notice")
        told = [str(n.message) for n in app._notifications if "approved" in str(n.message)]
        assert told == ["approved “Spring post 0”: paused by a crisis (Bad reply) until it is resumed"], told
    assert state(team, post) == "paused"


async def test_the_approvals_view_follows_a_change_of_the_workspaces_chain(team: Path) -> None:
    # A post in no campaign takes the workspace's chain; `workspace set approvals` added mia's step, which put such a
    # post back in review for her, and her open Approvals view did not show it until something else changed.
    with Store(team) as store:
        people = ids(store, "member", "handle")
        post = writing.add_post(
            store,
            people["raj"],
            {
                "title": "Loose post",
                "status": "todo",
                "platform": "linkedin",
                "copy": "Hi",
                "publish": {"utc": "2026-11-28T15:00:00Z", "tz": "UTC"},
            },
        )
        assert writing.submit(store, people["raj"], post, NOW).state == "approved"  # no chain yet
    app = make_app(team, "mia")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        assert post not in [p.id for p in screen.mine]
        Cli(team).ok("workspace", "set", "approvals", "copy:@mia")
        await until(pilot, lambda: post in [p.id for p in screen.mine], "the post the workspace's new step puts before mia")


async def test_a_held_post_another_open_crisis_holds_too_is_not_let_out_by_resuming_it_from_the_ended_ones_list(
    team: Path,
) -> None:
    # Two crises held the spring posts; ending "bad press" listed them, and `r` there released a post from both: it
    # read approved, its slot going out, while the "outage" crisis was still open.
    posts = _two_approved_posts_held_by_a_crisis(team)
    with Store(team) as store:
        outage = writing.start_crisis(store, member(team, "ana"), NOW, "outage")
    app = make_app(team, "ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        await pilot.press(next(c.key for c in picker.choices if "bad press" in c.label))
        await settle(pilot)
        assert isinstance(app.screen, HeldPostsScreen) and open_crises_ids(team) == [outage]
        app.clear_notifications()
        await pilot.press("r")
        await until(pilot, lambda: bool(app._notifications), "the refusal")
        told = [str(n.message) for n in app._notifications]
        assert told == [
            f"cannot resume “Spring post 0”: “outage” ({outage[:8]}), still open, holds it too: it is released when that crisis ends"
        ], told
        assert state(team, posts[0]) == "paused"
    with Store(team) as store:
        writing.end_crisis(store, member(team, "ana"), NOW, outage, resume="all")
    assert state(team, posts[0]) == "approved"


def open_crises_ids(path: Path) -> list[str]:
    with Store(path) as store:
        return [c.id for c in open_crises(store.conn)]


async def test_the_task_filter_needs_me_acting_as_a_reviewer_lists_what_the_approvals_view_does(
    team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ana acting as mia (``--as``): `/ needs:@me` in Tasks listed a post whose copy ana wrote, which the Approvals view
    leaves out and whose verdict the rules refuse her (round_author)."""
    from crewdeck.tui.workspace.workspace import os_user

    monkeypatch.setenv("CREWDECK_NOW", NOW_TEXT)
    w = ["-w", str(team)]
    crewdeck(*w, "--as", "ana", "member", "set", "ana", "--unix-user", os_user())  # this account is ana's: --as is ana acting
    with Store(team) as store:
        posts = sorted(ids(store, "task", "title")[f"Spring post {n}"] for n in range(5))
    written = posts[0]
    crewdeck(*w, "--as", "raj", "post", "copy", written, "Ana's words")  # ana acting as raj: an author of the next round
    crewdeck(*w, "--as", "raj", "post", "submit", written)
    app = make_app(team, "mia")
    assert app.services.session.actor == member(team, "ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"needs:@me", "enter")
        await settle(pilot)
        table = app.tasks_pane.table
        listed = {row.key for row in (table.row_at(i) for i in range(table.total)) if row is not None}
        assert listed == set(posts) - {written}
        screen = await open_approvals(app, pilot)
        rows = screen.table.loaded_rows()
        assert {row.id for _, row in rows if row.cells[5].startswith("needs you")} == listed, [row.cells for _, row in rows]


async def test_the_held_posts_name_their_keys_as_the_keymap_has_them(missed: tuple[Path, str]) -> None:
    # The line over the list and `r`'s refusal said "n new slot", "press n", whatever key the keymap gave.
    team, _ = missed
    app = keymapped_app(team, {"held.reschedule": "w", "held.resume": "e"})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen, _ = await _open_held_posts(pilot, app)
        line = str(screen.query_one("#held-help", Static).render())
        assert line.startswith("e resume · w new slot · P pull · esc close"), line
        assert await _told_after(app, pilot, "e") == [
            "cannot resume “Spring post 0”: its slot passed during the crisis: press w to give it a new slot"
        ]


async def test_a_slot_typed_in_the_dialog_is_said_back_on_your_clock_and_the_audiences(team: Path) -> None:
    # The dialog shows no preview of what the words stood for, and its notice said "moved “Spring post 0”" alone: a
    # creator who typed "fri 20:00 America/Sao_Paulo" was not told which Friday, nor when that is for the audience.
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        await pilot.press("s", "m")
        await settle(pilot)
        # 18:00 in New York is an hour before Instagram's peak there: said too, as `post slot` says it.
        assert await _told_after(app, pilot, *"fri 20:00 America/Sao_Paulo", "enter") == [
            "moved “Spring post 0”: Sat 11-28 04:30 IST Kolkata (tmrw 18:00 EST for the audience); 18:00 EST (Sat 04:30 IST Kolkata "
            "for you) is outside the audience's peak hours for instagram, 11:00-12:00 and 19:00-20:00 EST: nearest 19:00 EST "
            "(Sat 05:30 IST Kolkata for you)"
        ]


async def test_the_slot_dialog_opens_with_the_slot_in_the_audiences_zone_and_enter_alone_keeps_it(team: Path) -> None:
    # The dialog opened empty: which slot the post had was nowhere on the screen, and enter alone was refused.
    post_id = post_titled(team, "Spring post 0")  # Sat 04:30 in New York: 15:00 in Kolkata
    before = slot_of(team, post_id)
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 0") == post_id
        await pilot.press("s", "m")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the slot's prompt")
        assert app.screen.query_one(Input).value == "2026-11-28 04:30 America/New_York"
        assert await _told_after(app, pilot, "enter") == ["“Spring post 0” keeps its slot, Sat 11-28 15:00 IST Kolkata"]
        assert not isinstance(app.screen, PromptScreen) and slot_of(team, post_id) == before
        # Typed over as it reads, later that day: read as typed, on my clock.
        await pilot.press("s", "m")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the slot's prompt")
        told = await _told_after(app, pilot, *"2026-11-28 21:30 Asia/Kolkata", "enter")
        assert told == ["moved “Spring post 0”: Sat 11-28 21:30 IST Kolkata (Sat 11-28 11:00 EST for the audience)"], told
    assert slot_of(team, post_id)[0] == "2026-11-28T16:00:00Z"


async def test_a_round_only_its_author_may_review_is_warned_of_at_submit_and_reads_nobody_can_take_it_in_approvals(team: Path) -> None:
    """mia rewrote the copy and takes the copy step alone: submitting said nothing, and the Approvals view counted the
    post "waiting on others", its round "still open", where it waits on nobody."""
    mia = member(team, "mia")
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0]
        writing.set_content(store, mia, post_id, NOW, copy="Spring, in mia's words #launch")  # a draft again
    app = make_app(team, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert await cursor_on(app, pilot, "Spring post 1") == post_id
        await pilot.press("s", "s")  # the moves offered, then submit
        await settle(pilot)
        assert state(team, post_id) == "in-review"
        [said] = [str(n.message) for n in app._notifications]
        assert said == (
            "submitted “Spring post 1”; step 1 of 2 (copy), @mia, can be taken by nobody but an author of "
            'this round: a manager changes the approval chain (crewdeck campaign set spring-launch --approvals "…")'
        ), said
        screen = await open_approvals(app, pilot)
        why = {row.id: row.cells[5] for _, row in screen.table.loaded_rows()}
        assert why[post_id] == "step 1 of 2 (copy), @mia, nobody can take it: @mia changed the content"
        assert [w for pid, w in why.items() if pid != post_id] == ["step 1 of 2 (copy), @mia, still open"] * 4
        info = screen.query_one(PaneBar).info
        assert "4 waiting on others" in info and "1 nobody can take" in info, info


async def test_a_held_posts_detail_names_the_crisis_that_holds_it_as_post_show_does(team: Path) -> None:
    # The detail read "state  paused" alone: which crisis held the post, and whether it was still open, was in
    # `crewdeck post show` ("crisis: bad press (…, open)") and nowhere in the app.
    post_id = _two_approved_posts_held_by_a_crisis(team)[0]
    with Store(team) as store:
        crisis_id = str(store.conn.execute("SELECT id FROM crisis").fetchone()[0])
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post_id, app.services))
        await settle(pilot)
        body = str(app.screen.query_one("#detail-body").render())
    fields = [line.split(None, 1) for line in body.splitlines()[2:4]]
    assert fields == [["state", "paused"], ["crisis", f"bad press ({crisis_id[:8]}, open)"]], body


@pytest.mark.parametrize(("key", "field"), [("c", "copy"), ("k", "link")])
async def test_the_box_that_changes_a_posts_content_after_a_request_for_changes_says_what_was_asked(
    team: Path, key: str, field: str
) -> None:
    # Raj pressed `s` `c` on the post @mia asked changes of: the box covered the detail, and with it the only line
    # that said what she asked, so he wrote the fix from memory.
    post_id = post_titled(team, "Spring post 1")
    with Store(team) as store:
        writing.reject(store, member(team, "mia"), post_id, NOW, "warmer, and name the date")
    app = make_app(team, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen | PromptScreen), f"the {field}'s box")
        help_line = str(app.screen.query_one(".copy--help" if field == "copy" else ".prompt--help", Label).render())
    assert help_line.startswith("changes requested by @mia: warmer, and name the date — "), help_line


async def test_an_approval_is_of_the_copy_the_approvals_view_showed_not_one_written_and_submitted_after(team: Path) -> None:
    # mia read "Spring post 0" in the Approvals view; raj rewrote its copy and submitted it again before her screen caught
    # up, and her `a` approved the new copy, which she never saw: it counted for text she had not read.
    app = make_app(team, "mia", watch=False)  # her screen does not follow raj's write: the moment before it would
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        post_id = next(row for _, row in screen.table.loaded_rows()).id
        with Store(team) as store:
            raj = ids(store, "member", "handle")["raj"]
            writing.set_content(store, raj, post_id, NOW, copy="Spring, now half price #launch")
            writing.submit(store, raj, post_id, NOW)
        said = await _told_after(app, pilot, "a")
        await until(pilot, lambda: "half price" in str(screen.query_one("#approvals-copy", Static).render()), "the new copy shown")
    assert approvals_of(team, post_id) == 0
    assert said == ["cannot approve “Spring post 0”: its content changed since it was shown to you: read it again"], said


async def test_an_approval_from_a_posts_detail_is_of_the_copy_it_showed_not_one_written_and_submitted_after(team: Path) -> None:
    # The same from the post's detail: `Y` approved the copy as stored when the key was read, not as shown.
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        post_id = await cursor_on(app, pilot, "Spring post 0")
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and "Spring, now half price" not in str(detail.render_detail(detail.shown))
        with Store(team) as store:
            raj = ids(store, "member", "handle")["raj"]
            writing.set_content(store, raj, post_id, NOW, copy="Spring, now half price #launch")
            writing.submit(store, raj, post_id, NOW)
        said = await _told_after(app, pilot, "Y")
    assert approvals_of(team, post_id) == 0
    assert said == ["cannot approve “Spring post 0”: its content changed since it was shown to you: read it again"], said


def _screen_lines(app: CrewdeckApp) -> list[str]:
    """The terminal's lines as drawn: what a person sees, not what a widget holds past its edge."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


async def test_the_approvals_view_shows_the_link_a_resubmission_added_before_its_approval_is_taken(team: Path) -> None:
    # mia's `a` was refused once raj added a link and submitted again, the view read the post again and showed the
    # same copy and no link, and her `a` then approved a link she never saw: the approval covers it with the copy.
    app = make_app(team, "mia", watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = await open_approvals(app, pilot)
        post_id = next(row for _, row in screen.table.loaded_rows()).id
        with Store(team) as store:
            writing.set_content(store, member(team, "raj"), post_id, NOW, link="https://evil.example/phish")
            writing.submit(store, member(team, "raj"), post_id, NOW)
        said = await _told_after(app, pilot, "a")
        assert said == ["cannot approve “Spring post 0”: its content changed since it was shown to you: read it again"], said
        app.clear_notifications()  # its toast, gone after a while, covers the end of the link at 80 columns
        await until(pilot, lambda: any("https://evil.example/phish" in line for line in _screen_lines(app)), "the link shown")
        await pilot.press("a")  # now of the content she was shown, link and all
        await settle(pilot)
    assert approvals_of(team, post_id) == 1


async def test_the_approvals_view_shows_at_80x24_the_link_media_and_first_comment_an_approval_covers(team: Path) -> None:
    # Only the copy was shown to a reviewer with no earlier verdict, the rest of what her approval covers nowhere.
    post_id = post_titled(team, "Spring post 0")
    with Store(team) as store:
        content = {"link": "https://example.com/spring", "media": ["hero.jpg", "cover.png"], "first_comment": "Shop now"}
        writing.set_content(store, member(team, "raj"), post_id, NOW, **content)
        writing.submit(store, member(team, "raj"), post_id, NOW)
    app = make_app(team, "mia")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_approvals(app, pilot)
        await until(pilot, lambda: any("Post 0: spring is here" in line for line in _screen_lines(app)), "the post's review")
        shown = [line.strip(" ▁▂▃▄▅▆▇█▉▊▋▌▍▎▏│┃") for line in _screen_lines(app)]
    copy_at = shown.index("Post 0: spring is here #launch")
    assert shown[copy_at + 1 : copy_at + 5] == [
        "link          https://example.com/spring",
        "media         hero.jpg",
        "cover.png",
        "first comment Shop now",
    ], shown
