"""Once written, a change that voided a post's round says so in the app's notice, as a change of its copy says it:
the detail's ``:`` (``platform=``), ``u`` and ``ctrl+r`` (``voiding.voided_note``, one wording for them all)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.pilot import Pilot

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.voiding import write_voided_note

from .apphelp import make_app, settle, until
from .conftest import NOW
from .postsupport import add_posts, ids, notices, team_workspace

SIZE = (120, 40)
#: What the copy editor's notice adds after a change that took mia's approval (``writing.voided_words``).
VOIDED = ": that voids the round and the approval of @mia: it is a draft until it is submitted again"


async def answer_yes(app: CrewdeckApp, pilot: Pilot[object]) -> None:
    """``y`` to the question a voiding change asks first."""
    await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the question before the void")
    await pilot.press("y")
    await settle(pilot)


def submitted_and_approved(path: Path, post: str) -> None:
    with Store(path) as store:
        members = ids(store, "member", "handle")
        writing.submit(store, members["raj"], post, NOW)
        writing.approve(store, members["mia"], post, NOW)


async def test_a_platform_change_undo_and_redo_that_void_the_round_say_what_they_voided(tmp_path: Path) -> None:
    """raj's `platform=linkedin` in the detail, asked about and written, was told "set the platform of “Spring post 0”
    to linkedin" alone (and its undo, its redo "undid: …", "redid: …"), where a change of the copy says the approvals
    it took and that the post is a draft until it is submitted again.  Said the same way by each now."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    (post,) = add_posts(store, 1, NOW + dt.timedelta(days=2), state="draft")
    store.close()
    submitted_and_approved(path, post)
    app = make_app(path, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post, app.services))
        await settle(pilot)
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the : editor")
        await pilot.press(*"platform=linkedin", "enter")
        await answer_yes(app, pilot)
        moved = "set the platform of “Spring post 0” to linkedin"
        await until(pilot, lambda: any(moved in said for said in notices(app)), "the change's notice")
        assert [said for said in notices(app) if moved in said] == [moved + VOIDED]
        submitted_and_approved(path, post)  # approved again on linkedin: the undo voids that round
        await pilot.press("u")
        await answer_yes(app, pilot)
        await until(pilot, lambda: any(said.startswith("undid") for said in notices(app)), "the undo's notice")
        assert [said for said in notices(app) if said.startswith("undid")] == [f"undid: {moved}{VOIDED}"]
        submitted_and_approved(path, post)  # approved again on instagram: the redo voids that round
        await pilot.press("ctrl+r")
        await answer_yes(app, pilot)
        await until(pilot, lambda: any(said.startswith("redid") for said in notices(app)), "the redo's notice")
        assert [said for said in notices(app) if said.startswith("redid")] == [f"redid: {moved}{VOIDED}"]


def test_one_write_that_voids_several_rounds_names_each_post(tmp_path: Path) -> None:
    """Two approved posts moved to linkedin in one write (an undo of marked posts' moves): each void is said of its
    post, the approver whose own approval it took told it as theirs."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    posts = add_posts(store, 2, NOW + dt.timedelta(days=2), state="draft")
    store.close()
    for post in posts:
        submitted_and_approved(path, post)
    with Store(path) as store:
        members = ids(store, "member", "handle")
        with store.write(members["ana"]) as w:
            for post in posts:
                w.set("task", post, {"platform": "linkedin"})
        said = write_voided_note(store.conn, w.ops, NOW, members["mia"])
    assert said.startswith(": that ")
    # By the posts' ids, which are random: either may come first.
    assert sorted(said.removeprefix(": that ").split("; ")) == [
        f"voids the round of “Spring post {n}” and your approval: it is a draft until it is submitted again" for n in (0, 1)
    ]
