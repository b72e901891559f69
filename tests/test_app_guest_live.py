"""A guest's app (the Approvals view alone) follows the workspace as a member's does: no key pressed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.crisis_banner import CrisisBanner
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.posts import writing

from .apphelp import make_app, settle, until
from .conftest import NOW, Cli
from .postsupport import add_posts, ids, team_workspace


def _client_reviews(tmp_path: Path, count: int) -> tuple[Path, list[str], Cli]:
    """A team whose spring launch's chain ends with its client @gus, a guest, and ``count`` posts submitted there."""
    path = tmp_path / "guest.db"
    store = team_workspace(path, NOW)
    posts = add_posts(store, count, NOW + dt.timedelta(days=2), submitted=NOW)
    store.close()
    cli = Cli(path)
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest", "--campaigns", "spring-launch")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia; client:@gus")
    return path, posts, cli


async def test_a_step_taken_elsewhere_puts_the_post_in_the_guests_approvals_with_no_key_pressed(tmp_path: Path) -> None:
    # The guest's app never watched the file (the watch started with the panes, which a guest has none of): a post
    # mia approved for the client's step after the app opened never showed, until the app was opened again.
    path, posts, _ = _client_reviews(tmp_path, 2)
    app = make_app(path, "gus")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        assert [row.id for _, row in screen.table.loaded_rows()] == posts  # waiting on mia
        with Store(path) as other:
            writing.approve(other, ids(other, "member", "handle")["mia"], posts[1], NOW)
        await until(pilot, lambda: [p.id for p in screen.mine] == [posts[1]], "the post that needs gus now")
        assert [row.id for _, row in screen.table.loaded_rows()] == [posts[1], posts[0]]  # what needs gus first


async def test_a_guest_is_told_nothing_of_the_tasks_they_may_not_read(tmp_path: Path) -> None:
    # Once the guest's app watched the file, every change came with the notice a member gets: a task's title
    # ("@raj added “Budget for the merger” for @raj") on the screen of a client who sees their campaigns' posts only.
    path, (post_id,), cli = _client_reviews(tmp_path, 1)
    app = make_app(path, "gus")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        cli.ok("add", "Budget for the merger @raj", as_member="raj")
        with Store(path) as other:
            writing.approve(other, ids(other, "member", "handle")["mia"], post_id, NOW)
        await until(pilot, lambda: [p.id for p in screen.mine] == [post_id], "the post that needs gus now")
        told = [str(n.message) for n in app._notifications]
        assert not [line for line in told if "merger" in line or "@raj" in line], told


async def test_a_guests_crisis_banner_shows_only_the_crises_of_their_campaigns(tmp_path: Path) -> None:
    # The banner read every open crisis: a client given Spring Launch read another client's crisis, its reason and
    # its campaign ("CRISIS: Holiday client's data leak — @ana … · Holiday Gifting · checklist 0/5"), and the
    # progress of a checklist of tasks no guest reads.
    path, _, _ = _client_reviews(tmp_path, 1)
    app = make_app(path, "gus")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        banner = screen.query_one(CrisisBanner)
        with Store(path) as other:
            ana, campaigns = ids(other, "member", "handle")["ana"], ids(other, "campaign", "name")
            writing.start_crisis(other, ana, NOW, "Holiday client's data leak", [campaigns["Holiday Gifting"]])
            writing.start_crisis(other, ana, NOW, "Bad reply", [campaigns["Spring Launch"], campaigns["App Install Push"]])
        await until(pilot, lambda: "Bad reply" in str(banner.render()), "the crisis of the guest's campaign")
        shown = str(banner.render())
        assert "Spring Launch" in shown, shown
        assert "data leak" not in shown and "Holiday Gifting" not in shown and "App Install Push" not in shown, shown
        assert "checklist" not in shown, shown


async def test_a_guest_opening_a_post_reads_neither_the_teams_notes_nor_the_tasks_it_waits_for(tmp_path: Path) -> None:
    # `enter` on a post in a client's Approvals showed the team's notes on it ("client is difficult") and the task it
    # waits for by its title ("waits for 1a2b3c4d Budget for the merger (inbox)"), there and in its history.
    path, (post_id,), cli = _client_reviews(tmp_path, 1)
    secret = cli.ok("add", "Budget for the merger", as_member="raj").split()[0]
    cli.ok("set", post_id, "notes=INTERNAL: client is difficult", f"depends_on={secret}", as_member="raj")
    with Store(path) as other:
        writing.approve(other, ids(other, "member", "handle")["mia"], post_id, NOW)
    app = make_app(path, "gus")
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.shown is not None, "the post's detail")
        shown = str(app.screen.query_one("#detail-body").render())
        assert "approved copy" in shown and "History" in shown, shown  # the post's own history stays
        assert "merger" not in shown and secret[:8] not in shown and "INTERNAL" not in shown, shown
    # A member reads both, as before.
    app = make_app(path, "mia")
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(post_id, app.services))
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.shown is not None, "the post's detail")
        shown = str(app.screen.query_one("#detail-body").render())
        assert "Budget for the merger" in shown and "INTERNAL: client is difficult" in shown, shown


async def test_a_guest_given_a_campaign_in_crisis_sees_its_banner_with_no_key_pressed(tmp_path: Path) -> None:
    # The banner is read again on a member's change only while it shows a crisis: a guest's, showing none of
    # another campaign's, stayed empty once they were given that campaign.
    path, _, cli = _client_reviews(tmp_path, 1)
    with Store(path) as other:
        ana, campaigns = ids(other, "member", "handle")["ana"], ids(other, "campaign", "name")
        writing.start_crisis(other, ana, NOW, "Holiday recall", [campaigns["Holiday Gifting"]])
    app = make_app(path, "gus")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        banner = screen.query_one(CrisisBanner)
        assert not banner.display  # the crisis is of a campaign not theirs
        cli.ok("member", "set", "gus", "--campaigns", "spring-launch,holiday-gifting")
        await until(pilot, lambda: "Holiday recall" in str(banner.render()), "the crisis of the campaign given")
        assert banner.display


async def test_a_post_moved_out_of_the_guests_campaigns_is_read_no_more_in_its_open_detail(tmp_path: Path) -> None:
    # A guest's open detail followed the post wherever it went: moved to a campaign not theirs, its new copy (and its
    # history, naming that campaign) showed on the client's screen as the team wrote it.
    path, (post_id,), cli = _client_reviews(tmp_path, 1)
    with Store(path) as other:
        writing.approve(other, ids(other, "member", "handle")["mia"], post_id, NOW)
    app = make_app(path, "gus")
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.shown is not None, "the post's detail")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        cli.ok("set", post_id, "campaign=+holiday-gifting", as_member="raj")
        with Store(path) as other:
            writing.set_content(other, ids(other, "member", "handle")["raj"], post_id, NOW, copy="Holiday secret: 40% off")
        await until(pilot, lambda: screen.gone is not None, "the post gone from the guest's detail")
        shown = str(screen.query_one("#detail-body").render())
        assert "Holiday" not in shown and "40%" not in shown, shown
        assert "no longer a post of your campaigns" in shown, shown
        told = [str(n.message) for n in app._notifications]
        assert any("no longer a post of your campaigns" in line for line in told), told


async def test_a_guest_of_no_campaign_is_told_why_nothing_waits_for_them(tmp_path: Path) -> None:
    """A client given no campaign yet read "Nothing waits for review.", as if their posts were all reviewed."""
    path, _, cli = _client_reviews(tmp_path, 1)
    cli.ok("member", "set", "gus", "--campaigns", "none")
    app = make_app(path, "gus")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        said = str(screen.query_one("#approvals-copy").render())
        assert said == "Nothing waits for review: you are a guest of no campaign yet (a manager names yours)."
