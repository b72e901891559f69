"""The Results screen: its key and palette entry, the period switch, targets, live imports, snapshots."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp, binding_ids
from crewdeck.tui.app.screens.results import ResultsScreen
from crewdeck.tui.results import pane_data
from crewdeck.tui.results.keys import Key, write
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.results_table import ResultsTable, sparkline

from .apphelp import demo_workspace, help_text, keymapped_app, make_app, settle, until
from .conftest import NOW, copy_of_workspace


def _ids(path: Path) -> tuple[dict[str, str], dict[str, str], list[tuple[str, str]]]:
    with Store(path) as store:
        members = dict(store.conn.execute("SELECT handle, id FROM member"))
        campaigns = dict(store.conn.execute("SELECT name, id FROM campaign"))
        posts = store.conn.execute(
            "SELECT id, campaign FROM task WHERE campaign IS NOT NULL AND deleted = 0 ORDER BY id LIMIT 12"
        ).fetchall()
    return members, campaigns, posts


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The demo workspace with 60 days of results on some of its posts, and targets on one campaign: a copy of one
    built once per test process."""
    return copy_of_workspace("demo.db", _build_workspace, tmp_path / "demo.db", key="results-demo")


def _build_workspace(path: Path) -> None:
    demo_workspace(path)
    members, campaigns, posts = _ids(path)
    today = NOW.date()
    rows = []
    for n, (post, _) in enumerate(posts):
        for back in range(60):
            day = (today - dt.timedelta(days=back)).isoformat()
            impressions = 800 + 37 * ((n * 7 + back * 3) % 11)
            rows.append(
                (
                    Key("post", post=post),
                    day,
                    {
                        "impressions": impressions,
                        "reach": impressions * 3 // 4,
                        "engagements": 20 + (back % 5) * n,
                        "clicks": 5 + (n + back) % 9,
                        "conversions": (n + back) % 3,
                    },
                )
            )
    with Store(path) as store:
        write(store, members["ana"], rows, "test")
        spring = campaigns["Spring Launch"]
        with store.write(members["ana"]) as w:
            w.set("campaign", spring, {"kpis": {"targets": [{"kpi": "ctr", "op": ">=", "value": "5"}], "result": "conversions"}})


def _table(app: CrewdeckApp) -> ResultsTable:
    return app.screen.query_one(ResultsTable)


async def _open(pilot: Any) -> ResultsScreen:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


async def _open_spring_posts(pilot: Any) -> ResultsScreen:
    """The Results screen, at +spring-launch's posts (enter on its row)."""
    screen = await _open(pilot)
    spring = next(i for i, row in enumerate(_table(pilot.app).rows) if row.label == "+spring-launch")
    await pilot.press(*["j"] * spring, "enter")
    await settle(pilot)
    return screen


def test_sparkline_scales_to_the_largest_day() -> None:
    # A day not reported (None) is blank; a day reported as 0 lies at the foot, where it was blank as the day not reported.
    assert sparkline([None, 0, 1, 2, 4, 8]) == " ▁▂▃▅█"
    # The foot is 0's alone: a day of a few beside a day of many is a step above it, not read as nothing.
    assert sparkline([0, 1, 100]) == "▁▂█" and sparkline([0, 13, 100]) == "▁▂█" and sparkline([5, 5]) == "██"
    assert sparkline([0, 0]) == "▁▁" and sparkline([None, 0]) == " ▁" and sparkline([]) == ""


async def test_4_opens_the_results_with_a_row_per_campaign_and_escape_closes(workspace: Path) -> None:
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        assert screen.page is not None and screen.page.kind == "week" and screen.page.name == "Week 2026-W48"
        rows = _table(app).rows
        assert len(rows) >= 2 and all(row.results and row.spend for row in rows)
        spring = next(row for row in rows if row.label == "+spring-launch")
        assert spring.missed[-1].endswith(" vs ctr>=5%") and len(spring.series) == 30  # the 30 days to today, not the week's 4
        legend = str(screen.query_one("#results-legend", Static).render())
        assert "Δ: results vs Week 2026-W47's first 4 days (as many as this week has had)" in legend
        # The marks the rows show, each said once under the table: "64.08%*", "—", "✗ 0.82% vs ctr>=5%".
        assert any(k.endswith("*") for row in rows for k in row.kpis)
        assert (
            "* a rate by the largest daily reach (reach does not add up over days)" in legend
            and "— no value" in legend
            and "✗ n missed: targets missed" in legend
        )
        assert "no rate" not in legend and "✓" not in legend  # marks no row shows are not explained
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ResultsScreen)


async def test_the_period_switches_week_month_run_and_moves(workspace: Path) -> None:
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        week = {row.key: row.results for row in _table(app).rows}
        await pilot.press("p")
        await settle(pilot)
        assert screen.page is not None and (screen.page.kind, screen.page.name) == ("month", "Month 2026-11")
        month = {row.key: row.results for row in _table(app).rows}
        assert month != week and all(len(row.series) == 30 for row in _table(app).rows)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.page.name == "Month 2026-10"
        assert any(row.change not in ("—", "±0%") for row in _table(app).rows)  # against September's last days
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.page.name == "Month 2026-09" and _table(app).rows
        assert all(row.change == "—" for row in _table(app).rows)  # August holds no results
        assert screen.check_action("move_period", (1,)) is True
        await pilot.press("p")
        await settle(pilot)
        assert screen.page.kind == "run"
        # Each campaign's own run has no period before or after: the footer offered [ and ], which only rang the bell.
        assert screen.check_action("move_period", (1,)) is False
        assert "Next period" not in _footer(app)
        await pilot.press("right_square_bracket", "s")  # pressed all the same: one line says why, the last key's
        await settle(pilot)
        assert [str(n.message) for n in app._notifications] == [
            "s: Sort by KPI — only in a campaign's posts: the campaigns and a post's days keep their order"
        ]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert [str(n.message) for n in app._notifications] == [
            "[: Previous period — each campaign's own run has no period before or after it (p for a week or a month)"
        ]
        await pilot.press("p")
        await settle(pilot)
        assert screen.page.kind == "week"
        assert "Next period" in _footer(app)


async def test_next_period_stops_at_the_period_holding_today_and_says_so(workspace: Path) -> None:
    # ] went on into the weeks ahead, a page of "—" each: results are counted up to today, as an analytics tool's.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        assert screen.page is not None and screen.page.name == "Week 2026-W48"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.page.name == "Week 2026-W48"
        assert [n.message for n in app._notifications] == ["Week 2026-W48 holds today (2026-11-26): no later period has results yet"]
        await pilot.press("left_square_bracket", "left_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert screen.page.name == "Week 2026-W47"
        await pilot.press("p", "right_square_bracket")
        await settle(pilot)
        assert screen.page.name == "Month 2026-11"  # the month holding the week shown holds today


async def test_a_screen_left_on_this_week_goes_on_to_the_next_at_midnight_in_the_viewers_zone(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It stayed on the week it opened in, Sunday counted as today, for as long as it was open.
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T22:59:00Z")  # 23:59 on Sunday in Berlin, ana's zone
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        assert screen.page is not None and screen.page.name == "Week 2026-W48"
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T23:15:00Z")  # 00:15 on Monday in Berlin
        screen.tick()
        await settle(pilot)
        assert screen.page.name == "Week 2026-W49" and screen.query_one(PaneBar).title == "Results · Week 2026-W49"
        # A period the person moved to stays where they put it.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T23:15:00Z")
        screen.tick()
        await settle(pilot)
        assert screen.page.name == "Week 2026-W48"


async def test_a_week_read_again_after_midnight_before_the_clocks_tick_still_goes_on_to_the_next(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A teammate's import (or a sync on waking) read the screen again after midnight, before the minute's tick: the tick
    # then found the day already read and the screen stayed on last week for good (reviewer rf).
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T22:59:00Z")  # 23:59 on Sunday in Berlin, ana's zone
    members, _, posts = _ids(workspace)
    app = make_app(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        assert screen.page is not None and screen.page.name == "Week 2026-W48"
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T23:15:00Z")  # 00:15 on Monday in Berlin
        generation = screen.generation
        with Store(workspace) as store:  # another connection: a teammate's import
            write(store, members["raj"], [(Key("post", post=posts[0][0]), "2026-11-30", {"impressions": 900, "clicks": 9})], "test")
        await until(pilot, lambda: screen.generation > generation, "the import read by the Results screen")
        await settle(pilot)
        assert screen.page.name == "Week 2026-W49"
        screen.tick()
        await settle(pilot)
        assert screen.page.name == "Week 2026-W49"


async def test_a_week_chosen_after_midnight_before_the_clocks_tick_stays_chosen(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T22:59:00Z")  # 23:59 on Sunday in Berlin
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.page is not None and screen.page.name == "Week 2026-W47"
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T23:15:00Z")  # 00:15 on Monday: the week after is last week now
        await pilot.press("right_square_bracket")
        await settle(pilot)
        screen.tick()
        await settle(pilot)
        assert screen.page.name == "Week 2026-W48"


async def test_the_clocks_tick_on_the_same_day_reads_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T20:00:00Z")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        generation, reads = screen.generation, []
        real = pane_data.load
        monkeypatch.setattr(pane_data, "load", lambda *a, **k: reads.append(a) or real(*a, **k))
        for minute in ("20:01", "21:30", "22:59"):  # to 23:59 in Berlin, Sunday still, and Monday begun in Kiribati all along
            monkeypatch.setenv("CREWDECK_NOW", f"2026-11-29T{minute}:00Z")
            screen.tick()
        await settle(pilot)
        assert screen.generation == generation and reads == []


async def test_next_period_opens_a_week_a_teammate_ahead_has_begun_and_shows_their_results(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sunday 21:00 in Berlin is Monday in Auckland: a teammate there imported Monday's numbers, and ] said "Week 2026-W48
    # holds today (2026-11-29): no later period has results yet" over the week that held them (kpi import takes any
    # day begun somewhere; the screen stopped at ana's own today).
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T20:00:00Z")
    members, _, posts = _ids(workspace)
    with Store(workspace) as store:
        write(store, members["raj"], [(Key("post", post=posts[0][0]), "2026-11-30", {"impressions": 900, "clicks": 9})], "test")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        assert screen.page is not None and screen.page.name == "Week 2026-W48"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.page.name == "Week 2026-W49" and [n.message for n in app._notifications] == []
        assert any(row.spend or row.results != "—" for row in _table(app).rows)
        # The week after has begun nowhere yet: no later period, and the notice says whose day stops it.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.page.name == "Week 2026-W49"
        assert [n.message for n in app._notifications] == [
            "Week 2026-W49 holds the latest day begun in any time zone (2026-11-30): no later period has results yet"
        ]


async def test_a_week_a_teammate_ahead_has_begun_compares_as_many_days_of_the_week_before(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sunday 21:00 in Berlin, Monday in Auckland: the week ] opens had had one day, and Δ compared that day with the
    # whole week before (−91%), under "Δ: results vs Week 2026-W48", as if the week were over.
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-29T20:00:00Z")
    members, _, posts = _ids(workspace)
    monday = {"impressions": 900, "clicks": 9, "conversions": 4}
    with Store(workspace) as store:
        write(store, members["raj"], [(Key("post", post=posts[0][0]), "2026-11-30", monday)], "test")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.page is not None and screen.page.name == "Week 2026-W49"
        assert screen.page.before == "Week 2026-W48's first day (as many as this week has had)"
        legend = str(screen.query_one("#results-legend", Static).render())
        assert "Δ: results vs Week 2026-W48's first day (as many as this week has had)" in legend
        # The changes the teammate in Auckland sees, whose today the Monday is: Monday against Monday.
        ws = Workspace.open(workspace)
        try:
            ahead = pane_data.load(ws, "week", dt.date(2026, 11, 30), today=dt.date(2026, 11, 30))
        finally:
            ws.close()
        changed = {row.label: row.change for row in _table(app).rows}
        assert changed == {line.label: line.change for line in ahead.lines}
        assert any(change not in ("—", "") for change in changed.values())


async def test_the_footer_at_80_columns_keeps_every_key_of_a_campaigns_posts(workspace: Path) -> None:
    # At 80 columns the footer left out "] Next period" and "esc Back": nothing on screen said how to go back up.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        assert screen.page is not None and screen.page.level == "posts"
        keys = _footer(app).split()
        assert "esc" in keys and "]" in keys and "[" in keys and keys[-1] == "palette"


def _footer(app: CrewdeckApp) -> str:
    return "".join(segment.text for segment in app.screen.query_one(KeyFooter).render_line(0))


async def test_enter_opens_a_campaigns_posts_best_first_then_a_posts_days_and_escape_goes_back_up(workspace: Path) -> None:
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        assert screen.page is not None and screen.page.level == "posts" and screen.page.title == "+spring-launch"
        posts = _table(app).rows
        ctr = [Decimal(row.kpis[0].rstrip("%")) for row in posts if row.kpis[0] != "—"]
        assert len(ctr) >= 2 and ctr == sorted(ctr, reverse=True)  # best first: the top and the bottom posts
        assert _table(app).columns[0].title == "POST"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page.level == "days" and [row.key for row in _table(app).rows] == [
            "2026-11-23",
            "2026-11-24",
            "2026-11-25",
            "2026-11-26",
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert screen.page.level == "posts"
        await pilot.press("escape")
        await settle(pilot)
        assert screen.page.level == "campaigns" and isinstance(app.screen, ResultsScreen)


class HeldReads:
    """The Results screen's reads wait until ``let_go``: keys pressed meanwhile act on the rows shown, read before."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate = threading.Event()
        self.gate.set()
        load = pane_data.load

        def held(*args: Any, **kwargs: Any) -> pane_data.ResultsPage:
            assert self.gate.wait(20)
            return load(*args, **kwargs)

        monkeypatch.setattr(pane_data, "load", held)

    def hold(self) -> None:
        self.gate.clear()

    def let_go(self) -> None:
        self.gate.set()


async def test_enter_again_before_a_campaigns_posts_are_read_opens_them_once(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A second enter while the posts were still being read took the campaign's row still on screen for a post and
    # opened "0 days" of a post named by the campaign's id.
    reads = HeldReads(monkeypatch)
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        spring = next(i for i, row in enumerate(_table(app).rows) if row.label == "+spring-launch")
        await pilot.press(*["j"] * spring)
        reads.hold()
        await pilot.press("enter", "enter")
        reads.let_go()
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "posts" and screen.page.title == "+spring-launch"
        assert len(screen.drill) == 1 and len(_table(app).rows) >= 2


async def test_enter_after_escape_before_the_campaigns_are_read_opens_the_post_it_was_pressed_on(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Escape then enter on a post before the campaigns came back read the post's id as a campaign's: an empty page.
    reads = HeldReads(monkeypatch)
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        post = _table(app).rows[0]
        reads.hold()
        await pilot.press("escape", "enter")
        reads.let_go()
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "days" and screen.page.title == post.label
        assert screen.drill[-1] == post.key and len(_table(app).rows) >= 1


async def test_escape_puts_the_cursor_back_on_the_campaign_and_the_post_it_left(workspace: Path) -> None:
    # Back up from +spring-launch's posts, the cursor stood on the first campaign, not on the one just looked into.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        assert screen.page is not None and screen.page.level == "posts" and len(_table(app).rows) >= 3
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert screen.page.level == "days"
        post = screen.drill[-1]
        await pilot.press("escape")
        await settle(pilot)
        table = _table(app)
        assert screen.page.level == "posts" and table.rows[table.cursor].key == post
        await pilot.press("escape")
        await settle(pilot)
        table = _table(app)
        assert screen.page.level == "campaigns" and table.cursor > 0 and table.rows[table.cursor].label == "+spring-launch"


async def test_a_campaigns_results_per_platform_are_told_apart_in_its_posts_at_80x24(workspace: Path) -> None:
    # "+spring-launch/linkedin" and "+spring-launch/tiktok" both read "+spring-launc…" in an 80-column table.
    members, campaigns, _ = _ids(workspace)
    with Store(workspace) as store:
        day = NOW.date().isoformat()
        rows = [
            (Key("campaign", campaign=campaigns["Spring Launch"], platform=p), day, {"impressions": 900, "clicks": 9})
            for p in ("linkedin", "tiktok")
        ]
        write(store, members["ana"], rows, "test")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        assert screen.page is not None and screen.page.level == "posts"
        table = _table(app)
        labels = [row.label for row in table.rows if row.key.startswith("/")]
        assert sorted(labels) == ["/linkedin", "/tiktok"]  # the title names the campaign already
        assert max(len(label) for label in labels) <= table.widths(table.size.width)[0]


def _drawn(widget: Widget) -> str:
    """What ``widget`` draws on screen, its lines joined by a space (a line wrapped reads as one)."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return " ".join(strip.text.strip() for strip in strips if strip.text.strip())


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_targets_the_cursors_row_misses_are_named_whole_under_the_table(workspace: Path, size: tuple[int, int]) -> None:
    # TARGETS read "✗ 2.36% vs …" at 80 columns, often of a KPI whose column was not on screen, and "✗ 2.36% vs
    # er_impressions>…" at 160: no line said which target a row missed.
    members, campaigns, _ = _ids(workspace)
    goals = [{"kpi": "ctr", "op": ">=", "value": "5"}, {"kpi": "er_impressions", "op": ">=", "value": "90"}]
    with Store(workspace) as store, store.write(members["ana"]) as w:
        w.set("campaign", campaigns["Spring Launch"], {"kpis": {"targets": goals, "result": "conversions"}})
    app = make_app(workspace, watch=False)
    async with app.run_test(size=size) as pilot:
        screen = await _open(pilot)
        table = _table(app)
        missed = screen.query_one("#results-missed", Static)
        spring = next(i for i, row in enumerate(table.rows) if row.label == "+spring-launch")
        other = next(i for i, row in enumerate(table.rows) if not row.missed)
        row = table.rows[spring]
        assert [target.split(" ")[0] for target in row.missed] == ["ctr", "er_impressions"], row.missed  # kpi report's words
        assert all(" vs " in target for target in row.missed)
        # The cell: the mark and how many, whole at either width.
        assert " ✗ 2 missed " in "".join(s.text for s in table.render_line(spring + 1)) + " "
        await pilot.press(*["j"] * spring)
        await settle(pilot)
        assert table.cursor == spring
        assert _drawn(missed) == f"✗ +spring-launch off target: {', '.join(row.missed)}", _drawn(missed)
        assert missed.region.height >= 1 and missed.region.bottom <= screen.query_one("#results-legend").region.y
        await pilot.press(*(["k"] * (spring - other) if other < spring else ["j"] * (other - spring)))
        await settle(pilot)
        assert _drawn(missed) == f"{table.rows[other].label}: no target missed", _drawn(missed)
        await pilot.press("q")
        screen = await _open_spring_posts(pilot)
        table, missed = _table(app), screen.query_one("#results-missed", Static)
        assert screen.page is not None and screen.page.level == "posts" and table.cursor == 0
        first = table.rows[0]
        said = f"✗ {first.label} off target: {', '.join(first.missed)}" if first.missed else f"{first.label}: no target missed"
        assert _drawn(missed) == said, _drawn(missed)


def test_the_line_of_missed_targets_says_a_row_meets_them_all() -> None:
    met = pane_data.ResultLine("c1", "+holiday-gifting", "9.00", "3", ("—",) * 5, (), True, "—")
    off = replace(met, key="c2", label="+spring-launch", missed=("ctr 0.82% vs ctr>=5%", "cpa 9.21 vs cpa<=4.00 EUR"), on_target=False)
    page = pane_data.ResultsPage("week", "Week 2026-W48", "EUR", "campaigns", "Campaigns", (met, off))
    assert pane_data.targets_said(page, 0) == "✓ +holiday-gifting: every target met"
    assert pane_data.targets_said(page, 1) == "✗ +spring-launch off target: ctr 0.82% vs ctr>=5%, cpa 9.21 vs cpa<=4.00 EUR"
    assert pane_data.targets_said(replace(page, lines=(met,)), 0) is None  # no row misses one: no line


async def test_no_line_of_missed_targets_over_rows_that_miss_none(workspace: Path) -> None:
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        missed = screen.query_one("#results-missed", Static)
        assert missed.display  # +spring-launch misses ctr>=5%
        other = next(i for i, row in enumerate(_table(app).rows) if not row.missed)
        await pilot.press(*["j"] * other, "enter")
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "posts" and not any(line.missed for line in screen.page.lines)
        assert not missed.display and missed.region.height == 0


async def test_the_bar_names_the_kpi_the_posts_are_sorted_by_as_the_help_and_readme_do(workspace: Path) -> None:
    # The bar said "best ER REACH first" (the column's title) where the screen's key table and README say "ER by reach".
    from crewdeck.tui.results.kpis import BY_CODE

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        said = []
        for _ in pane_data.SORTS:
            assert screen.page is not None
            name = BY_CODE[screen.page.sort].label
            assert f"best {name} first" in screen.query_one(PaneBar).info, screen.query_one(PaneBar).info
            said.append(name)
            await pilot.press("s")
            await settle(pilot)
    assert said == ["CTR", "CPC", "CPA", "ROAS", "ER by reach"]
    # The screen's key table (its docstring) and README name them alike, in the order s goes through them.
    assert " → ".join(said) in (ResultsScreen.__doc__ or "") and f"{said[-2]}, {said[-1]}, and back to {said[0]}" in readme


async def test_a_spend_with_no_rate_says_so_in_cells_it_fits_at_80x24(workspace: Path) -> None:
    # "rate missing" read "rate mi…" in every KPI column (8 cells) and "rate missi…" under SPEND.
    members, campaigns, _ = _ids(workspace)
    with Store(workspace) as store, store.write(members["ana"]) as w:
        entry = {"date": NOW.date().isoformat(), "campaign": campaigns["Spring Launch"], "category": "ads", "payee": "Meta"}
        w.append(
            "ledger_entry",
            {**entry, "amount": 30000, "currency": "XAF", "entered_by": members["ana"], "entered_at": "2026-11-26T10:00:00Z"},
        )
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        table = _table(app)
        spring = next(row for row in table.rows if row.label == "+spring-launch")
        widths = table.widths(table.size.width)
        titles = [c.title for c in table.columns]
        assert spring.spend == "no rate" and len(spring.spend) <= widths[titles.index("SPEND")]
        cpc = spring.kpis[1]
        assert cpc == "no rate" and len(cpc) <= widths[titles.index("CPC")]
        legend = str(app.screen.query_one("#results-legend", Static).render())
        # It said "no rate: a currency with no rate", naming none: which rate to set was for kpi report to say.
        assert "no rate: amounts in XAF, with no rate into EUR on their day" in legend, legend
        assert app.screen.query_one("#results-legend").region.height >= 2  # wrapped at 80 columns, never cut


async def test_the_legend_says_what_the_results_column_counts_for_each_campaign(workspace: Path) -> None:
    # RESULTS read 457 on one row and 446 on the next with no word that one counted clicks and the other conversions: a
    # campaign's targets choose what its results (its CPA, Δ and sparkline) count, and nothing on screen said which.
    from .syncsupport import crewdeck

    crewdeck("-w", str(workspace), "--as", "ana", "campaign", "set", "holiday-gifting", "--target", "result=clicks")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        legend = str(screen.query_one("#results-legend", Static).render())
        assert legend.startswith("results: conversions (clicks for +holiday-gifting) · Δ: results vs "), legend
        holiday = next(i for i, row in enumerate(_table(app).rows) if row.label == "+holiday-gifting")
        await pilot.press(*["j"] * holiday, "enter")
        await settle(pilot)
        assert str(screen.query_one("#results-legend", Static).render()).startswith("results: clicks · Δ: results vs "), legend


async def test_results_are_in_the_palette(workspace: Path) -> None:
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Results" in titles
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Results")
        command.callback()
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)


async def test_another_members_import_shows_up_without_a_key(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(pilot)
        members, campaigns, _ = _ids(workspace)
        before = {row.key: row for row in _table(app).rows}
        autumn = campaigns["Autumn Sale"] if "Autumn Sale" in campaigns else next(iter(campaigns.values()))
        with Store(workspace) as store:  # another connection: a teammate's import
            write(
                store,
                members["raj"],
                [(Key("campaign", campaign=autumn, platform="meta"), NOW.date().isoformat(), {"impressions": 5000, "conversions": 40})],
                "meta import",
            )
        old = before[autumn].results if autumn in before else "0"
        await until(pilot, lambda: any(r.key == autumn and r.results != old for r in _table(app).rows), "the import in the Results screen")


def test_snapshot_of_the_results_80x24(snap_compare: Any, workspace: Path) -> None:
    assert snap_compare(make_app(workspace, watch=False), terminal_size=(80, 24), run_before=_opened)


def test_snapshot_of_the_results_160x48(snap_compare: Any, workspace: Path) -> None:
    assert snap_compare(make_app(workspace, watch=False), terminal_size=(160, 48), run_before=_opened)


def test_snapshot_of_a_posts_days_80x24(snap_compare: Any, workspace: Path) -> None:
    # Where the bar is longest: a post's title, its days, the currency and the targets missed.
    assert snap_compare(make_app(workspace, watch=False), terminal_size=(80, 24), run_before=_a_posts_days)


async def _opened(pilot: Any) -> None:
    await _open(pilot)


async def _a_posts_days(pilot: Any) -> None:
    await _open_spring_posts(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_one_row_is_one_row(tmp_path: Path) -> None:
    # A campaign with spend and no results yet: its posts page said "· 1 rows, in EUR".  Holiday Gifting's spend is all
    # on no platform (its ad invoices, "Meta Ads", name meta: none of instagram, facebook, newsletter, and no results on it).
    app = make_app(demo_workspace(tmp_path / "demo.db"), watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        holiday = next(i for i, row in enumerate(_table(pilot.app).rows) if row.label == "+holiday-gifting")
        await pilot.press(*["j"] * holiday, "enter")
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "posts" and len(screen.page.lines) == 1
        info = screen.query_one(PaneBar).info
        assert info[1:2] == ("1 row, in EUR",), info
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_one(PaneBar).info[0] == "3 campaigns, in EUR"


def _page(path: Path, *drill: str) -> Any:
    """The Results screen's rows over each campaign's run, as its worker reads them."""
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    ws = Workspace.open(path)
    try:
        return pane_data.load(ws, "run", NOW.date(), *drill, today=NOW.date())
    finally:
        ws.close()


def test_over_a_run_still_going_the_sparkline_ends_on_the_last_day_with_results(workspace: Path) -> None:
    # Spring Launch runs to 2027-01-13: its sparkline drew the run's last 30 days, all ahead, an empty line.
    _, campaigns, _ = _ids(workspace)
    with Store(workspace) as store:
        end = store.conn.execute("SELECT end FROM campaign WHERE name = 'Spring Launch'").fetchone()[0]
    assert end > NOW.date().isoformat()
    after = NOW.date() + dt.timedelta(days=1)
    spring = next(line for line in _page(workspace).lines if line.label == "+spring-launch")
    # The 30 days to today, its last day with results (the days before its start too: the column says the last 30 days).
    assert spring.series == _conversions_by_day(workspace, campaigns["Spring Launch"], after - dt.timedelta(days=30), after)


def _conversions_by_day(path: Path, campaign: str, first: dt.date, after: dt.date) -> tuple[int | None, ...]:
    """The campaign's conversions on each day from ``first`` to before ``after``, summed from its posts' records
    (``None`` on a day none gave them)."""
    with Store(path) as store:
        counted = dict(
            store.conn.execute(
                "SELECT r.day, sum(r.conversions) FROM result r JOIN task t ON t.id = r.post WHERE t.campaign = ? GROUP BY 1", (campaign,)
            )
        )
    days = ((first + dt.timedelta(days=i)).isoformat() for i in range((after - first).days))
    return tuple(counted.get(day) for day in days)


def test_the_sparkline_is_the_30_days_to_the_end_of_the_period_whatever_its_kind(workspace: Path) -> None:
    # The column says LAST 30 DAYS; in the week view the sparkline drew the week's 7 days, as if the days before did not count.
    # A period still going ends today: the days to come would be blank (most of a month's, early in it).
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    _, campaigns, _ = _ids(workspace)
    spring = campaigns["Spring Launch"]
    ws = Workspace.open(workspace)
    try:
        for kind, anchor, after in (
            ("week", NOW.date(), dt.date(2026, 11, 27)),  # still going: up to today
            ("month", NOW.date(), dt.date(2026, 11, 27)),
            ("week", dt.date(2026, 11, 4), dt.date(2026, 11, 9)),
            ("month", dt.date(2026, 10, 15), dt.date(2026, 11, 1)),
        ):
            expected = _conversions_by_day(workspace, spring, after - dt.timedelta(days=30), after)
            line = next(line for line in pane_data.load(ws, kind, anchor, today=NOW.date()).lines if line.key == spring)
            assert line.series == expected, (kind, anchor)
            posts = pane_data.load(ws, kind, anchor, spring, today=NOW.date()).lines
            assert posts and all(len(post.series) == 30 for post in posts if post.series), (kind, anchor)
    finally:
        ws.close()


def _change(now: int, before: int) -> str:
    percent = round(Fraction(now - before, before) * 100)  # half to even, as the screen rounds
    return f"+{percent}%" if percent > 0 else f"−{-percent}%" if percent < 0 else "±0%"


def test_the_change_compares_as_many_days_of_the_period_before_as_the_period_still_going_has_had(workspace: Path) -> None:
    # On a Thursday, W48's 4 days were compared with W47's 7: −40% for a week going as well as the one before.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    _, campaigns, _ = _ids(workspace)
    spring = campaigns["Spring Launch"]
    today = NOW.date()
    assert today == dt.date(2026, 11, 26)  # a Thursday: W48 has had 4 days
    ws = Workspace.open(workspace)
    try:
        going = pane_data.load(ws, "week", today, today=today)
        assert going.before == "Week 2026-W47's first 4 days (as many as this week has had)"
        now = sum(n or 0 for n in _conversions_by_day(workspace, spring, dt.date(2026, 11, 23), dt.date(2026, 11, 27)))
        before = sum(n or 0 for n in _conversions_by_day(workspace, spring, dt.date(2026, 11, 16), dt.date(2026, 11, 20)))
        assert next(line for line in going.lines if line.key == spring).change == _change(now, before)
        posts = pane_data.load(ws, "week", today, spring, today=today).lines
        sql = "SELECT sum(conversions) FROM result WHERE post = ? AND day >= ? AND day < ?"
        compared = 0
        for post in posts:
            now, before = (
                ws.conn.execute(sql, (post.key, *days)).fetchone()[0]
                for days in (("2026-11-23", "2026-11-27"), ("2026-11-16", "2026-11-20"))
            )
            if now is None or not before:
                assert post.change == "—", post.label  # spend alone, or nothing to compare with
                continue
            assert post.change == _change(now, before), post.label  # each post's 4 days against its own first 4 of W47
            compared += 1
        assert compared >= 2
        ended = pane_data.load(ws, "week", dt.date(2026, 11, 18), today=today)
        assert ended.before == "Week 2026-W46"  # a week that has ended: against the whole week before
        now = sum(_conversions_by_day(workspace, spring, dt.date(2026, 11, 16), dt.date(2026, 11, 23)))
        before = sum(_conversions_by_day(workspace, spring, dt.date(2026, 11, 9), dt.date(2026, 11, 16)))
        assert next(line for line in ended.lines if line.key == spring).change == _change(now, before)
        assert pane_data.load(ws, "run", today, today=today).before == ""
    finally:
        ws.close()


def test_results_never_reported_read_a_dash_not_zero_and_a_zero_reads_zero(tmp_path: Path) -> None:
    # The demo's campaigns have spend and no results: RESULTS read "0", where kpi report reads "—" (not reported).
    path = demo_workspace(tmp_path / "demo.db")
    members, campaigns, _ = _ids(path)
    spring = campaigns["Spring Launch"]
    page = _page(path)
    assert page.lines and all(line.results == "—" and line.change == "—" for line in page.lines)
    with Store(path) as store:
        write(
            store, members["ana"], [(Key("campaign", campaign=spring, platform="meta"), NOW.date().isoformat(), {"conversions": 0})], "test"
        )
    assert {line.key: line.results for line in _page(path).lines}[spring] == "0"
    # Its ad spend paid to "Meta Ads" on meta's row; to "LinkedIn Marketing Solutions" on linkedin's, a platform of
    # its, with no results on it ("—"); the rest on no platform.  Its ads ran on meta and linkedin: nothing on tiktok.
    lines = {line.key: line.results for line in _page(path, spring).lines}
    assert lines == {"/meta": "0", "/linkedin": "—", "": "—"}


async def test_a_crisis_started_elsewhere_takes_the_spend_it_freezes_out_of_the_screen_without_a_key(workspace: Path) -> None:
    from .syncsupport import crewdeck

    w = ["-w", str(workspace), "--as", "ana"]
    crewdeck(*w, "workspace", "set", "crisis_checklist", "[]")  # a crisis that writes nothing but itself
    app = make_app(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(pilot)
        spring = lambda: next(r for r in _table(app).rows if r.label == "+spring-launch").spend  # noqa: E731
        before = spring()
        today = NOW.date().isoformat()
        crewdeck(
            *w,
            "ledger",
            "add",
            "--campaign",
            "spring-launch",
            "--category",
            "ads",
            "--amount",
            "900.00 EUR",
            "--payee",
            "X",
            "--date",
            today,
        )
        await until(pilot, lambda: spring() != before, "the new spend in the Results screen")
        crewdeck(*w, "crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
        frozen_out = f"{Decimal(json.loads(crewdeck(*w, 'kpi', 'report', '+spring-launch', '--period', '2026-W48', '--json'))['rows'][0]['spend']['amount']):,}"
        assert frozen_out != spring()
        await until(pilot, lambda: spring() == frozen_out, "the spend the crisis froze taken out")


async def test_the_crisis_banner_shows_on_the_results_screen_too(workspace: Path) -> None:
    # README: "While a crisis is open, a red banner on every member's screen says why"; the Results screen covered it.
    from crewdeck.tui.app.crisis_banner import CrisisBanner

    from .syncsupport import crewdeck

    w = ["-w", str(workspace), "--as", "ana"]
    crewdeck(*w, "crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        banner = app.screen.query_one(CrisisBanner)
        await until(pilot, lambda: banner.has_class("-open") and "Bad reply" in str(banner.render()), "the banner over the results")
        crewdeck(*w, "crisis", "end", "--resume", "none")
        await until(pilot, lambda: not banner.has_class("-open"), "the banner gone when the crisis ends")


async def test_on_target_is_said_only_when_every_target_has_a_value_that_meets_it(workspace: Path) -> None:
    # A target with no value ("—": no follower count here) neither meets nor misses; the row read "✓ on target" all the same.
    from .syncsupport import crewdeck

    w = ["-w", str(workspace), "--as", "ana", "campaign", "set", "spring-launch"]
    crewdeck(*w, "--target", "ctr>=0.1%", "--target", "er_followers>=1%")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(pilot)
        spring = next(r for r in _table(app).rows if r.label == "+spring-launch")
        assert not spring.missed and not spring.on_target  # nothing missed, not all met: no "✓ on target"
    crewdeck(*w, "--target", "ctr>=0.1%")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(pilot)
        spring = next(r for r in _table(app).rows if r.label == "+spring-launch")
        assert not spring.missed and spring.on_target
        assert "✓ every target met" in str(app.screen.query_one("#results-legend", Static).render())


def test_a_posts_days_each_compare_with_the_day_before(workspace: Path) -> None:
    # Δ read "—" on every day: a day has no period before, and the column said nothing while taking room.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    _, campaigns, _ = _ids(workspace)
    spring = campaigns["Spring Launch"]
    today = NOW.date()
    ws = Workspace.open(workspace)
    try:
        post = next(line.key for line in pane_data.load(ws, "week", today, spring, today=today).lines if len(line.key) == 32)
        page = pane_data.load(ws, "week", today, spring, post, today=today)
        counted = dict(ws.conn.execute("SELECT day, conversions FROM result WHERE post = ?", (post,)))
    finally:
        ws.close()
    assert [line.key for line in page.lines] == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
    compared = 0
    for line in page.lines:
        before = counted.get((dt.date.fromisoformat(line.key) - dt.timedelta(days=1)).isoformat())
        if not before:
            assert line.change == "—", line.key  # nothing to compare with
            continue
        assert line.change == _change(counted[line.key], before), line.key  # the week's Monday against the Sunday before it too
        compared += 1
    assert compared >= 2
    assert pane_data.legend(page).startswith("results: conversions · Δ: results vs the day before")


async def test_the_bar_keeps_the_period_the_currency_and_the_targets_missed_at_80x24(workspace: Path) -> None:
    # At 80 columns a post's bar read "Results · Week 2026-W48  +spring-launch: posts, best CTR first": the rows,
    # the currency and the targets missed gave way to the wording before them.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        bar = screen.query_one(PaneBar)

        def shown() -> str:
            return str(bar.render())

        assert shown().startswith("Results · Week 2026-W48  ") and "campaigns, in EUR · 1 off target" in shown()
        await _open_spring_posts(pilot)
        assert screen.page is not None and screen.page.level == "posts"
        assert "+spring-launch · " in shown() and ", in EUR · " in shown() and "off target" in shown(), shown()
        assert _table(app).columns[[c.title.split()[0] for c in _table(app).columns].index("CTR")].title == "CTR ↓"  # best first
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page.level == "days"
        assert "4 days, in EUR" in shown() and "off target" in shown(), shown()
        with Store(workspace) as store:
            title = store.conn.execute("SELECT title FROM task WHERE id = ?", (screen.drill[-1],)).fetchone()[0]
        assert shown().split("  ", 1)[1].startswith(title[:12]), shown()  # the post's title first, cut if it must be
        assert cell_len(shown()) <= bar.content_size.width


async def test_a_posts_days_have_no_sparkline_column_and_the_others_take_its_width(workspace: Path) -> None:
    # LAST 30 DAYS was empty on every day: the rows are the days themselves, a trend per day says nothing.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        table = _table(app)
        assert "LAST 30 DAYS" in [c.title for c in table.columns]  # a post's row has its 30 days
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "days"
        titles = [c.title for c in table.columns]
        assert "LAST 30 DAYS" not in titles, titles
        widths = table.widths(table.size.width)
        assert all(widths) and sum(widths) + len(widths) - 1 == table.size.width, widths  # every column shown, no blank left
        assert widths[0] == table.columns[0].width, widths  # a date is no wider for the room: the targets take it
        await pilot.press("escape")
        await settle(pilot)
        assert "LAST 30 DAYS" in [c.title for c in table.columns]


async def test_a_post_title_with_a_middle_dot_is_one_part_of_the_bar_at_80x24(workspace: Path) -> None:
    # The bar split its text on " · ": "Teaser · behind the scenes …" was two parts, and the rows, the currency and the
    # targets missed gave way to its second half.
    members, campaigns, _ = _ids(workspace)
    title = "Teaser cut for the spring launch · behind the scenes with the crew"
    with Store(workspace) as store:
        posts = [row[0] for row in store.conn.execute("SELECT id FROM task WHERE campaign = ?", (campaigns["Spring Launch"],))]
        with store.write(members["ana"]) as w:
            for post in posts:
                w.set("task", post, {"title": title})
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        await pilot.press("enter")
        await settle(pilot)
        # Every post of the campaign has this title: the page's is told apart by its platform and id after it.
        assert screen.page is not None and screen.page.level == "days" and screen.page.title.startswith(f"{title} (")
        bar = screen.query_one(PaneBar)
        shown = str(bar.render())
        assert "Teaser cut for" in shown and "…" in shown and "4 days, in EUR · " in shown and shown.endswith(" off target"), shown
        assert bar.info[0] == screen.page.title  # one part, whatever it holds


async def test_the_results_bar_names_a_period_as_the_budget_pane_does(workspace: Path) -> None:
    # The Results bar read "Results · 2026-11" where the Budget pane's read "Month 2026-11" for the same month.
    from crewdeck.tui.app.ledger_pane import LedgerPane

    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        ledger = app.main_screen.query_one(LedgerPane).query_one(PaneBar)
        month = ledger.title
        await pilot.press("{")  # the week holding today
        await settle(pilot)
        week = ledger.title
        assert (month, week) == ("Month 2026-11", "Week 2026-W48")
        screen = await _open(pilot)
        bar = screen.query_one(PaneBar)
        assert bar.title == f"Results · {week}"
        await pilot.press("p")
        await settle(pilot)
        assert bar.title == f"Results · {month}"
        await pilot.press("p")
        await settle(pilot)
        assert bar.title == "Results · Campaign run"


async def test_the_results_bar_says_the_days_of_its_period_where_there_is_room(workspace: Path) -> None:
    # "Week 2026-W48" said a number and no day: which days Δ and the totals are of was for the user to look up.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        bar = screen.query_one(PaneBar)
        assert bar.info[-1] == "2026-11-23..2026-11-29" and "2026-11-23..2026-11-29" in str(bar.render()), bar.info
        await pilot.press("p")
        await settle(pilot)
        assert bar.info[-1] == "2026-11-01..2026-11-30", bar.info
        await pilot.press("p")  # each campaign's own run: no one period's days
        await settle(pilot)
        assert not any(".." in part for part in bar.info), bar.info
        await pilot.resize_terminal(80, 24)
        await pilot.press("p")
        await settle(pilot)
        shown = str(bar.render())  # at 80 columns the days give way first: the rows, the currency, the targets stay
        assert "campaigns, in EUR" in shown and "2026-11-23" not in shown, shown


async def test_question_mark_lists_the_results_keys(workspace: Path) -> None:
    # `?` on the Results screen listed every pane's keys and the posts' screens, and not one of its own.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(pilot)
        text = await help_text(pilot)
        results = text[text.index("\nResults\n") + 1 :].split("\n\n")[0].splitlines()
        ids = [line.split()[-1] for line in results[1:]]
        assert ids == ["results.kind", "results.sort", "results.prev_period", "results.next_period", "results.close"]
        assert set(ids) <= binding_ids()  # which a config's [keymap] may rebind: it refused them as "no key binding has this id"


async def test_the_bars_hint_names_the_keys_as_the_keymap_has_them(workspace: Path) -> None:
    # It said "p week/month/run · [ ] period · esc back" whatever keys the keymap gave.
    app = keymapped_app(workspace, {"results.kind": "w", "results.prev_period": "comma", "results.close": "f2"}, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        assert screen.query_one(PaneBar).hint == "w week/month/run · , ] period · f2 back"


async def test_keys_that_do_nothing_on_a_level_are_not_offered(workspace: Path) -> None:
    # The footer offered "⏎ Open" on a post's days (enter only rang the bell), "z Zoom" (which zoomed the panes
    # behind, found zoomed on the way back) and the bar "[ ] period" over each campaign's run.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        assert "Open" in _footer(app) and "Zoom" not in _footer(app)
        assert "Zoom" not in [c.title for c in app.get_system_commands(screen)]
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "days"
        assert "Open" not in _footer(app)
        await pilot.press("p", "p")
        await settle(pilot)
        assert screen.page.kind == "run" and "[ ]" not in screen.query_one(PaneBar).hint
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, ResultsScreen) and not app.zoomed


async def test_enter_is_not_offered_over_no_rows(workspace: Path) -> None:
    # A post's days in a week it has none of showed "0 days" and the footer offered "⏎ Open", which did nothing.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*["left_square_bracket"] * 9)  # the week before the first of the 60 days of results
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "days" and screen.page.lines == ()
        assert "Open" not in _footer(app) and "Next period" in _footer(app)


async def test_a_campaigns_posts_in_a_period_with_nothing_say_why_there_are_no_rows(workspace: Path) -> None:
    # A week with nothing showed an empty table, "0 rows" in the bar and, under it, what Δ compares: no word of why.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        legend = screen.query_one("#results-legend", Static)
        assert not str(legend.render()).startswith("No post")
        await pilot.press(*["left_square_bracket"] * 9)  # the week before the first of the 60 days of results
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "posts" and screen.page.lines == ()
        said = "No post or campaign results or spend for +spring-launch in Week 2026-W39"
        assert str(legend.render()) == said and legend.size.height == 1
        await pilot.press("p", "p")  # each campaign's run: it has results
        await settle(pilot)
        assert screen.page.lines and not str(legend.render()).startswith("No post")
    over_a_run = replace(screen.page, lines=())
    assert pane_data.nothing_shown(over_a_run) == "No post or campaign results or spend for +spring-launch over its run"
    # The campaigns and a post's days said nothing either when they had no row.
    week = replace(screen.page, lines=(), level="campaigns", kind="week", name="Week 2026-W49", campaign="")
    assert pane_data.nothing_shown(week) == "No campaign results or spend in Week 2026-W49"
    assert pane_data.nothing_shown(replace(week, kind="run")) == "No campaign results or spend over their runs"
    days = replace(screen.page, lines=(), level="days", kind="week", name="Week 2026-W49")
    assert pane_data.nothing_shown(days) == "No results or spend for this post in Week 2026-W49"


async def test_s_puts_a_campaigns_posts_best_first_by_the_next_kpi(workspace: Path) -> None:
    # The posts were best first by CTR alone: the top and bottom posts by CPA or ROAS could not be seen.
    from .syncsupport import crewdeck

    _, campaigns, posts = _ids(workspace)
    spring = [post for post, campaign in posts if campaign == campaigns["Spring Launch"]]
    for post, amount in zip(spring, ("90.00", "30.00", "60.00"), strict=False):
        # Spend on the post itself: the others' spend is their campaign's, which gives them no CPC ("—").
        ledger = ["-w", str(workspace), "--as", "ana", "ledger", "add", "--task", post, "--category", "ads", "--payee", "Meta"]
        crewdeck(*ledger, "--amount", f"{amount} EUR", "--date", NOW.date().isoformat())
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        assert screen.check_action("next_sort", ()) is False  # the campaigns keep their order
        await _open_spring_posts(pilot)
        assert "Sort by KPI" in _footer(app)
        await pilot.press("s")
        await settle(pilot)
        table = _table(app)
        assert screen.page is not None and screen.page.sort == "cpc"
        assert [c.title for c in table.columns][5] == "CPC ↓" and "best CPC first" in screen.query_one(PaneBar).info
        cpc = [row.kpis[1] for row in table.rows]
        valued = [Decimal(k) for k in cpc if k != "—"]
        assert len(valued) >= 2 and valued == sorted(valued)  # lowest first: the best cost per click
        assert cpc[len(valued) :] == ["—"] * (len(cpc) - len(valued))  # no value: last
        await pilot.press("s", "s", "s", "s")
        await settle(pilot)
        assert screen.page.sort == "ctr" and [c.title for c in _table(app).columns][4] == "CTR ↓"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page.level == "days" and "Sort by KPI" not in _footer(app)


async def test_the_legend_explains_only_marks_of_the_columns_shown(workspace: Path) -> None:
    # At 80 columns the ER REACH column is left out, and the legend still said "* by the largest daily reach",
    # a mark no cell on screen showed.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)

        def legend() -> str:
            return str(screen.query_one("#results-legend", Static).render())

        assert "ER REACH" not in [c.title for c, w in zip(_table(app).columns, _table(app).widths(78), strict=True) if w]
        assert "*" not in legend() and "✗ n missed: targets missed" in legend()
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert "* a rate by the largest daily reach (reach does not add up over days)" in legend()


async def test_enter_is_not_offered_on_a_row_it_does_not_open(workspace: Path) -> None:
    # A campaign's own results on a platform ("/meta") and its spend on no post open nothing (enter rang the bell),
    # and the footer offered "⏎ Open" on them as on a post.
    members, campaigns, _ = _ids(workspace)
    with Store(workspace) as store:
        write(
            store,
            members["ana"],
            [(Key("campaign", campaign=campaigns["Spring Launch"], platform="meta"), NOW.date().isoformat(), {"clicks": 3})],
            "test",
        )
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_spring_posts(pilot)
        labels = [row.label for row in _table(app).rows]
        assert "/meta" in labels
        await pilot.press("home", *["j"] * labels.index("/meta"))
        await settle(pilot)
        assert "Open" not in _footer(app)
        post = next(i for i, label in enumerate(labels) if not label.startswith(("/", "(")))
        await pilot.press("home", *["j"] * post)
        await settle(pilot)
        assert "Open" in _footer(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "days"


async def test_a_panes_key_leaves_the_results_for_that_pane(workspace: Path) -> None:
    # `1` `2` `3` focus a pane everywhere (README, `?`): over the Results they focused the pane behind, unseen,
    # and the Results stayed as they were.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert not isinstance(app.screen, ResultsScreen) and app.active_pane == "ledger"


async def test_the_calendars_key_leaves_the_results_for_the_calendar(workspace: Path) -> None:
    # `C` showed the content calendar in the Deadlines pane behind the Results, unseen.
    from crewdeck.tui.app.grid_pane import GridPane

    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert not isinstance(app.screen, ResultsScreen) and app.active_pane == "grid"
        assert app.screen.query_one(GridPane).has_class("-calendar")


async def test_the_column_the_posts_are_sorted_by_stays_shown_at_80x24(workspace: Path) -> None:
    # At 80 columns ROAS and ER REACH give way: sorted by either, the bar said "best ROAS first" over a table
    # with no ROAS column, and the order could not be read.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        table = _table(app)

        def header() -> str:
            return "".join(segment.text for segment in table.render_line(0))

        assert "ROAS" not in header() and "ER REACH" not in header()  # sorted by CTR: the two give way
        for title in ("CPC", "CPA", "ROAS", "ER REACH"):
            await pilot.press("s")
            await settle(pilot)
            assert screen.page is not None
            assert f"{title} ↓" in header() and "TARGETS" in header() and "CTR" in header(), header()
        assert "*" in table.rows[0].kpis[4] and "* a rate by the largest daily reach" in str(
            screen.query_one("#results-legend", Static).render()
        )  # the mark of the column shown is explained


def test_a_campaigns_own_results_on_a_platform_have_their_sparkline_among_its_posts(workspace: Path) -> None:
    # "/meta" (a campaign's results on a platform, an Ads Manager import) had its results and Δ but an empty
    # LAST 30 DAYS: the sparkline read the posts' records only.
    from crewdeck.tui.results import pane_data
    from crewdeck.tui.workspace.workspace import Workspace

    members, campaigns, _ = _ids(workspace)
    spring = campaigns["Spring Launch"]
    today = NOW.date()
    days = [(today - dt.timedelta(days=back)).isoformat() for back in (2, 1, 0)]
    with Store(workspace) as store:
        rows = [
            (Key("campaign", campaign=spring, platform="meta"), day, {"conversions": n}) for day, n in zip(days, (3, 5, 7), strict=True)
        ]
        write(store, members["ana"], rows, "test")
    ws = Workspace.open(workspace)
    try:
        meta = next(line for line in pane_data.load(ws, "week", today, spring, today=today).lines if line.key == "/meta")
    finally:
        ws.close()
    assert meta.results == "15" and len(meta.series) == 30 and meta.series[-3:] == (3, 5, 7) and set(meta.series[:-3]) == {None}


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_an_amount_or_a_kpi_is_shown_whole_or_not_at_all(workspace: Path, size: tuple[int, int]) -> None:
    # A large spend read "12,345,67…" and its CPC "4,115,2…" (another number) at 80 columns, the CPC at 160 too.
    from .syncsupport import crewdeck

    _, campaigns, posts = _ids(workspace)
    post = next(post for post, campaign in posts if campaign == campaigns["Spring Launch"])
    ledger = ["-w", str(workspace), "--as", "ana", "ledger", "add", "--task", post, "--category", "ads", "--payee", "Meta"]
    crewdeck(*ledger, "--amount", "12345678.00 EUR", "--date", NOW.date().isoformat())
    app = make_app(workspace, watch=False)
    async with app.run_test(size=size) as pilot:
        for level in ("campaigns", "posts"):
            if level == "posts":
                await _open_spring_posts(pilot)
            else:
                await _open(pilot)
            table = _table(app)
            widths = table.widths(table.scrollable_content_region.width, table.widest_on_screen())
            for index, row in enumerate(table.rows):
                drawn = "".join(segment.text for segment in table.render_line(index + 1))
                cells = [row.label, row.spend, row.results, row.change, *row.kpis]
                numbers = [cell for cell, width in zip(cells[1:], widths[1:], strict=False) if width]
                assert all(cell in drawn for cell in numbers), (level, drawn, numbers)
            assert any("12,3" in "".join(s.text for s in table.render_line(i + 1)) for i in range(len(table.rows)))


async def test_the_sorted_column_stays_when_wide_amounts_leave_columns_out_at_80x24(workspace: Path) -> None:
    # Amounts too wide to fit whole leave their columns out, the rightmost first: the column sorted by went with them.
    from .syncsupport import crewdeck

    _, campaigns, posts = _ids(workspace)
    for post in [post for post, campaign in posts if campaign == campaigns["Spring Launch"]][:2]:
        ledger = ["-w", str(workspace), "--as", "ana", "ledger", "add", "--task", post, "--category", "ads", "--payee", "Meta"]
        crewdeck(*ledger, "--amount", "123456789012.00 EUR", "--date", NOW.date().isoformat())
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_spring_posts(pilot)
        table = _table(app)
        for title in ("CPC", "CPA", "ROAS", "ER REACH", "CTR"):
            await pilot.press("s")
            await settle(pilot)
            header = "".join(segment.text for segment in table.render_line(0))
            assert f"{title} ↓" in header, header


async def test_the_cursor_stays_on_screen_on_its_post_when_s_moves_it_down_the_list(workspace: Path) -> None:
    # s kept the cursor on its post, which moved to the bottom of a long list: the cursor was off screen, on no row seen.
    from .syncsupport import crewdeck

    members, _, _ = _ids(workspace)
    posts = [crewdeck("-w", str(workspace), "--as", "ana", "add", f"Reel {n} +spring-launch").strip() for n in range(30)]
    day = NOW.date().isoformat()
    # The higher n, the better the CTR and the worse the ER by reach: the top post by CTR is the bottom one by ER.
    rows = [
        (Key("post", post=post), day, {"impressions": 1000, "reach": 1000, "clicks": 10 + n, "engagements": 100 - n})
        for n, post in enumerate(posts)
    ]
    with Store(workspace) as store:
        write(store, members["ana"], rows, "test")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        table = _table(app)
        assert table.cursor == 0 and table.rows[0].label == "Reel 29"
        for sort in ("cpc", "cpa", "roas", "er_reach"):
            await pilot.press("s")
            await settle(pilot)
            assert screen.page is not None and screen.page.sort == sort
            top = round(table.scroll_y)
            assert table.rows[table.cursor].label == "Reel 29" and top <= table.cursor < top + table.page, sort
        assert table.cursor > table.page  # at the bottom by ER: the list scrolled to it


async def test_a_posts_days_date_column_is_as_wide_as_a_date_at_80x24(workspace: Path) -> None:
    # DAY kept a campaign's 14 cells for a 10-cell date: 4 blank cells, while "✗ 1.09% vs …" was cut next to them.
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "days" and screen.page.lines
        table = _table(app)
        widths = table.widths(table.scrollable_content_region.width, table.widest_on_screen())
        assert widths[0] == len("2026-11-26") == max(len(row.label) for row in table.rows), widths


async def test_the_legend_leaves_out_what_delta_compares_and_its_dashes_when_the_column_gave_way(workspace: Path) -> None:
    # Amounts too wide leave Δ out at 80 columns, and the line under the table still said what Δ compares and
    # "— no value" for the "—" only Δ showed.
    from .syncsupport import crewdeck

    _, campaigns, posts = _ids(workspace)
    post = next(post for post, campaign in posts if campaign == campaigns["Spring Launch"])
    ledger = ["-w", str(workspace), "--as", "ana", "ledger", "add", "--task", post, "--category", "ads", "--payee", "Meta"]
    crewdeck(*ledger, "--amount", "123456789012.00 EUR", "--date", NOW.date().isoformat())
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        table = _table(app)
        header = "".join(segment.text for segment in table.render_line(0))
        assert " Δ " not in header, header
        legend = str(screen.query_one("#results-legend", Static).render())
        assert "Δ: " not in legend, legend
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert str(screen.query_one("#results-legend", Static).render()).startswith("results: conversions · Δ: results vs Week 2026-W47")
    assert screen.page is not None
    lines = tuple(replace(line, change="—", kpis=("1.00%",) * 5) for line in screen.page.lines)
    page = replace(screen.page, lines=lines)
    assert "— no value" in pane_data.legend(page) and "— no value" not in pane_data.legend(page, change=False)


async def test_posts_of_one_title_are_told_apart_by_their_platform_on_the_posts_and_a_posts_days(workspace: Path) -> None:
    """One creative on Instagram and TikTok under one title: two rows read "Launch reel", the line under the table said
    "✗ Launch reel off target", and a post's days were titled "Launch reel": which post, nothing said."""
    members, campaigns, posts = _ids(workspace)
    first, second = [post for post, campaign in posts if campaign == campaigns["Spring Launch"]][:2]
    with Store(workspace) as store, store.write(members["ana"]) as w:
        for post, platform in ((first, "instagram"), (second, "tiktok")):
            w.set("task", post, {"title": "Launch reel", "platform": platform})
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_spring_posts(pilot)
        table = _table(app)
        rows = {row.key: i for i, row in enumerate(table.rows)}
        assert {key: table.rows[i].label + table.rows[i].mark for key, i in rows.items() if key in (first, second)} == {
            first: "Launch reel (instagram)",
            second: "Launch reel (tiktok)",
        }
        # At 80 columns the title is cut, never the platform after it.
        drawn = "".join(segment.text for segment in table.render_line(rows[second] + 1))
        assert "(tiktok)" in drawn and "Launch reel (tiktok)" not in drawn, drawn
        await pilot.press(*["j"] * rows[second])
        await settle(pilot)
        said = _drawn(screen.query_one("#results-missed", Static))
        assert said.startswith(("✗ Launch reel (tiktok) off target: ", "Launch reel (tiktok): ")), said
        await pilot.press("enter")
        await settle(pilot)
        assert screen.page is not None and screen.page.level == "days" and screen.page.title == "Launch reel (tiktok)"
        assert "Launch reel (tiktok)" in str(screen.query_one(PaneBar).render())


async def test_a_rate_whose_counts_come_from_different_platforms_is_marked_and_the_legend_says_so(workspace: Path) -> None:
    # A campaign on Meta (no engagements in its export) and LinkedIn: its ER by reach was LinkedIn's engagements over
    # Meta's larger reach, drawn as the campaign's rate with no mark (``kpi report`` says which counts; report.py).
    from .syncsupport import crewdeck

    ana = ["-w", str(workspace), "--as", "ana"]
    crewdeck(*ana, "campaign", "add", "Mixed", "--platforms", "meta,linkedin")
    day = NOW.date().isoformat()
    crewdeck(*ana, "kpi", "add", "+mixed/meta", day, "impressions=1000", "reach=800", "clicks=10")
    crewdeck(*ana, "kpi", "add", "+mixed/linkedin", day, "impressions=500", "reach=400", "clicks=5", "engagements=50")
    app = make_app(workspace, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open(pilot)
        row = next(row for row in _table(app).rows if row.label == "+mixed")
        kpis = dict(zip(pane_data.SHOWN, row.kpis, strict=True))
        # Two records: the reach is the larger one's, "*" as before, and "~" after it.  CTR's counts come from both.
        assert kpis["er_reach"] == "6.25%*~" and kpis["ctr"] == "1.00%", kpis
        legend = str(screen.query_one("#results-legend", Static).render())
        assert "* a rate by the largest daily reach" in legend, legend
        # Its sides may be spend or conversion value as well as counts (report.mixed_platforms): "of counts" was untrue.
        assert "~ a rate with sides from different platforms (kpi report names them)" in legend, legend
        assert "6.25%*~" in _drawn(_table(app))
