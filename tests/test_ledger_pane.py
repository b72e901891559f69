"""The budget ledger pane driven by keys, checked against the store afterwards."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Checkbox, Input, Static

from crewdeck.sync.state.money import format_minor
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.tui.app import app as app_module
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.ledger_pane import LedgerPane
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.entry_detail import EntryScreen
from crewdeck.tui.app.screens.entry_form import EntryFormScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.ledger import actions, pane_data
from crewdeck.tui.ledger.actions import EntryDraft, reversal_id
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.session.session import SESSION_CACHE_KIB
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.describe import entry_words
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.key_footer import footer_keys
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.windowed_table import BLOCK

from .apphelp import (
    FirstAnswerLast,
    demo_workspace,
    help_text,
    keymapped_app,
    make_app,
    prompt_preview,
    read_holds_run_out_when_told,
    settle,
)
from .conftest import NOW, Cli, in_person

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def pane(app: CrewdeckApp) -> LedgerPane:
    return app.main_screen.query_one(LedgerPane)


def sql(path: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with Store(path) as store:
        return store.conn.execute(query, params).fetchall()


def member_id(path: Path, handle: str) -> str:
    return str(sql(path, "SELECT id FROM member WHERE handle = ?", handle)[0][0])


def in_period(path: Path, period: Period) -> int:
    bounds = period.range
    assert bounds is not None
    return int(
        sql(path, "SELECT count(*) FROM ledger_entry WHERE date >= ? AND date < ?", bounds[0].isoformat(), bounds[1].isoformat())[0][0]
    )


def listed(app: CrewdeckApp) -> list[str]:
    table = pane(app).entries
    return [row.id for row in (table.row_at(i) for i in range(table.total)) if row is not None]


async def open_ledger(pilot: Any) -> LedgerPane:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    ledger = pane(pilot.app)
    assert pilot.app.focused is ledger.entries
    return ledger


async def select(pilot: Any, entry_id: str) -> None:
    """Move the entries' cursor to an entry, by keys: a page at a time, then a row (each key is a round of the app's)."""
    ledger = pane(pilot.app)
    target = listed(pilot.app).index(entry_id)
    distance = abs(target - ledger.entries.cursor)
    page, row = ("pagedown", "j") if target > ledger.entries.cursor else ("pageup", "k")
    await pilot.press(*[page] * (distance // ledger.entries.page), *[row] * (distance % ledger.entries.page))
    await settle(pilot)
    assert ledger.selected is not None and ledger.selected.id == entry_id


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 30) -> None:
    """Wait for what the watcher brings (it polls the file): a condition, never a fixed delay."""
    deadline = time.monotonic() + timeout
    while True:
        await settle(pilot)
        if condition():
            return
        assert time.monotonic() < deadline, "the change never showed"
        await pilot.pause(0.02)


def approve_shown(app: CrewdeckApp) -> bool:
    return "ledger.approve" in {active.binding.id for active in app.screen.active_bindings.values()}


async def test_opens_on_this_month_with_the_budget_above_the_entries(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        assert ledger.period == Period.parse("2026-11")  # the viewer's month at the frozen clock
        assert ledger.query_one(PaneBar).title == "Month 2026-11"
        november = in_period(workspace, ledger.period)
        # Each is counted; the table reads them a block at a time (the demo's month of daily ad spend fills more than one).
        assert ledger.entries.total == november and len(listed(app)) == min(november, BLOCK)
        newest = sql(workspace, "SELECT id FROM ledger_entry ORDER BY date DESC, entered_at DESC, id DESC LIMIT 1")[0][0]
        assert listed(app)[0] == newest
        rows = ledger.budget.rows
        campaigns = {r[0] for r in sql(workspace, "SELECT DISTINCT campaign FROM budget")}
        assert {row.campaign_id for row in rows if row.is_total} == campaigns
        assert any(row.over for row in rows)  # the demo overspends somewhere: it shows


async def test_a_new_entrys_hint_wider_than_its_field_at_80_columns_ends_in_an_ellipsis(workspace: Path) -> None:
    # The category's hint read "influencers · sponsored-posts · content-tools ·", the rest cut without a sign.
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await settle(pilot)
        field = app.screen.query_one("#form-category", Input)
        hint = field.placeholder
        room = field.scrollable_content_region.width
        assert len(hint) > room  # the case at hand: the field is narrower than its hint
        shown = field.render_line(0).text.rstrip()
        assert shown.endswith("…") and len(shown) <= room and hint.startswith(shown[:-1].rstrip()), shown
        assert field.placeholder == hint  # the hint itself is kept whole
        field.focus()
        await pilot.press(*"influencers")
        await settle(pilot)
        assert field.render_line(0).text.strip() == "influencers"


async def test_a_new_entrys_hints_name_the_workspaces_campaigns_and_categories(cli: Cli) -> None:
    """Tom's team budgets +q1-launch's ads and travel: the form's hints offered "spring-launch" and "influencers ·
    sponsored-posts · content-tools", the demo's, which read as the choices there are."""
    cli.ok("campaign", "add", "Q1 Launch")
    cli.ok("budget", "set", "q1-launch", "travel", "1500")
    cli.ok("budget", "set", "q1-launch", "ads", "10000")
    app = make_app(cli.workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#form-category", Input).placeholder == "ads · travel"
        campaign = app.screen.query_one("#form-campaign", Input).placeholder
        assert campaign.startswith("its name or slug: ") and "q1-launch" in campaign.split(": ", 1)[1].split(", ")


async def test_new_entry_is_checked_as_typed_and_saved(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        before = sql(workspace, "SELECT count(*) FROM ledger_entry")[0][0]
        await pilot.press("j", "j", "n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        assert app.focused is form.query_one("#form-campaign")
        await pilot.press(*"spring-launch", "tab", *"content-tools", "tab", *"Canva", "tab", *"12,50")
        await settle(pilot)
        problem = form.query_one("#problem-amount")
        assert problem.has_class("-shown") and "12,50" in str(problem.render())
        assert not form.query_one("#problem-campaign").has_class("-shown")
        await pilot.press("enter")  # refused: nothing is written, the form stays
        await settle(pilot)
        assert app.screen is form
        assert sql(workspace, "SELECT count(*) FROM ledger_entry")[0][0] == before
        await pilot.press(*["backspace"] * 5, *"12.50 USD")
        await settle(pilot)
        assert not problem.has_class("-shown")
        assert "12.50 USD" in str(form.query_one("#form-preview").render())
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, EntryFormScreen)
        [added] = sql(
            workspace,
            "SELECT id, date, campaign, category, payee, amount, currency, entered_by, needs_approval FROM ledger_entry "
            "WHERE payee = 'Canva' AND amount = 1250",
        )
        spring = sql(workspace, "SELECT id FROM campaign WHERE name = 'Spring Launch'")[0][0]
        assert added[1:] == ("2026-11-26", spring, "content-tools", "Canva", 1250, "USD", member_id(workspace, "ana"), 0)
        assert ledger.entries.total == in_period(workspace, ledger.period)
        assert ledger.selected is not None and ledger.selected.id == added[0]  # the cursor moved to the new entry
        assert ledger.entries.cursor == 0


def form_read_when(monkeypatch: pytest.MonkeyPatch, read: threading.Event, fails: bool = False) -> None:
    """The new entry form's context (campaigns, categories, rates) is read once ``read`` is set, as on a loaded machine
    (``fails``: and the workspace cannot be read then)."""
    form_context = pane_data.form_context

    def when_set(*args: Any) -> Any:
        assert read.wait(timeout=30), "the test never let the form read its context"
        if fails:
            raise WorkspaceError("the workspace file cannot be read: disk I/O error")
        return form_context(*args)

    monkeypatch.setattr(pane_data, "form_context", when_set)


@pytest.fixture
def form_read(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set, it lets the new entry form read the workspace (``form_read_when``)."""
    read = threading.Event()
    form_read_when(monkeypatch, read)
    return read


async def entry_typed_before_the_read(pilot: Any, campaign: str) -> EntryFormScreen:
    """``n``, an entry for ``campaign`` and ``enter``, typed while the form reads the workspace (``form_read_when``)."""
    await open_ledger(pilot)
    await pilot.press("n", *campaign, "tab", *"content-tools", "tab", *"Canva", "tab", *"12.50 EUR", "enter")
    form = pilot.app.screen
    assert isinstance(form, EntryFormScreen) and form.saving, "waiting for the read, saving"
    return form


async def test_enter_pressed_before_the_new_entry_form_has_read_the_workspace_saves_the_entry_once_it_has(
    workspace: Path, form_read: threading.Event
) -> None:
    # Enter typed before the form had read the campaigns did nothing: the form stayed up, filled in, saying "loading…".
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        form = await entry_typed_before_the_read(pilot, "spring-launch")
        assert all(field.disabled for field in form.query(Input)), "the fields take no edit meanwhile"
        assert "saved once" in str(form.query_one("#form-preview", Static).render())
        form_read.set()
        await settle(pilot)
        assert not isinstance(app.screen, EntryFormScreen)
        assert sql(workspace, "SELECT category, currency FROM ledger_entry WHERE payee = 'Canva' AND amount = 1250") == [
            ("content-tools", "EUR")
        ]


async def test_enter_pressed_before_the_new_entry_form_has_read_the_workspace_shows_its_problems_once_it_has(
    workspace: Path, form_read: threading.Event
) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        form = await entry_typed_before_the_read(pilot, "no-such-campaign")
        form_read.set()
        await settle(pilot)
        assert app.screen is form and not form.saving
        assert not any(field.disabled for field in form.query(Input)), "the fields are given back to fix"
        assert form.query_one("#problem-campaign").has_class("-shown")
        assert app.focused is form.query_one("#form-campaign")
        assert sql(workspace, "SELECT count(*) FROM ledger_entry WHERE payee = 'Canva' AND amount = 1250") == [(0,)]


async def test_enter_pressed_before_the_new_entry_form_fails_to_read_the_workspace_gives_the_fields_back(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = threading.Event()
    form_read_when(monkeypatch, read, fails=True)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await pilot.press("n", *"spring-launch", "enter")
        form = app.screen
        assert isinstance(form, EntryFormScreen) and form.saving
        read.set()
        await settle(pilot)
        assert app.screen is form and not form.saving
        assert not any(field.disabled for field in form.query(Input))
        assert "escape closes" in str(form.query_one("#form-preview", Static).render())
        assert any("disk I/O error" in str(notice.message) for notice in app._notifications)
        await pilot.press("escape", "y")  # the discard question of a form typed in
        await settle(pilot)
        assert not isinstance(app.screen, EntryFormScreen)


async def test_the_forms_needs_approval_box_reads_empty_off_and_ticked_on_without_colour(workspace: Path) -> None:
    # It read "▐X▌" off and on, told apart by the X's colour alone: on a monochrome terminal or in a capture, ticked.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await settle(pilot)
        box = app.screen.query_one("#form-needs-approval", Checkbox)
        assert box.render().plain.startswith("▐ ▌ needs approval")
        box.focus()
        await pilot.press("space")
        await settle(pilot)
        assert box.value and box.render().plain.startswith("▐X▌ needs approval")
        await pilot.press("space")
        await settle(pilot)
        assert not box.value and box.render().plain.startswith("▐ ▌ needs approval")


async def test_a_new_entry_refused_as_it_is_written_can_be_fixed_in_the_field_that_had_the_focus(workspace: Path) -> None:
    # The fields take no edit while the entry is written; refused then (a task id naming no task), they take edits
    # again, and the field enter was pressed in has the focus, to fix.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        await pilot.press(*"spring-launch", "tab", *"content-tools", "tab", *"Canva", "tab", *"12.50", "tab", "tab", *"ffffffff")
        await settle(pilot)
        task = form.query_one("#form-task", Input)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and not form.saving
        problem = form.query_one("#problem-task", Static)
        assert "ffffffff" in str(problem.render()) and problem.has_class("-shown")
        assert app.focused is task and not task.disabled
        # The focus given back selected the whole field, so the next key replaced it, backspace emptied it (review ri 2).
        assert task.selection.start == task.selection.end == len(task.value)
        await pilot.press("shift+tab", "tab")  # leaving the field, unfixed, took its problem down
        await settle(pilot)
        assert "ffffffff" in str(problem.render()) and problem.has_class("-shown")
        assert app.focused is task and not task.disabled
        await pilot.press(*["backspace"] * 8)
        await settle(pilot)
        assert task.value == "" and not problem.has_class("-shown")


async def test_reverse_the_selected_entry(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        plain = next(i for i in listed(app) if ledger.entries.row_at(listed(app).index(i)).status == "")  # type: ignore[union-attr]
        await select(pilot, plain)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"wrong campaign")
        await settle(pilot)
        assert "reverses" in prompt_preview(app)
        await pilot.press("enter")
        await settle(pilot)
        with Store(workspace) as store:
            original = store.record("ledger_entry", plain)
            reversal = store.record("ledger_entry", reversal_id(plain))
        assert original is not None and reversal is not None
        assert (reversal["amount"], reversal["reverses"], reversal["entered_by"]) == (
            -original["amount"],
            plain,
            member_id(workspace, "ana"),
        )
        assert reversal["memo"].endswith(": wrong campaign")
        assert ledger.selected is not None and ledger.selected.id == plain and ledger.selected.status == "reversed"
        # A reversed entry is not reversed again (rule reversed_once), nor is a reversal (reverses_reversal):
        # `r` was offered on both and said so only once pressed; now neither the footer nor the palette offers it.
        for entry in (plain, reversal_id(plain)):
            await select(pilot, entry)
            assert reverse_offered(app) == (False, False), entry
            await pilot.press("r")
            await settle(pilot)
            assert not isinstance(app.screen, EntryFormScreen) and app.screen is app.main_screen
        assert sql(workspace, "SELECT count(*) FROM ledger_entry WHERE reverses IN (?, ?)", plain, reversal_id(plain))[0][0] == 1


def reverse_offered(app: CrewdeckApp) -> tuple[bool, bool]:
    """Whether the footer shows `r` and whether the command palette offers it."""
    footer = "ledger.reverse" in {active.binding.id for active in app.screen.active_bindings.values()}
    palette = any("(ledger.reverse)" in str(command.help) for command in app.get_system_commands(app.screen))
    return footer, palette


async def test_reverse_is_offered_to_a_member_only_on_their_own_entries_and_to_a_manager_on_any(workspace: Path) -> None:
    # `r` was in the footer and the palette on anyone's entry, though the rules refuse a member's
    # reversal of another's entry (own_entry_only): the pane asks the rules now.
    raj, mia = member_id(workspace, "raj"), member_id(workspace, "mia")
    november = "date >= '2026-11-01' AND reverses IS NULL AND id NOT IN (SELECT reverses FROM ledger_entry WHERE reverses IS NOT NULL)"
    [(own,)] = sql(workspace, f"SELECT id FROM ledger_entry WHERE entered_by = ? AND {november} ORDER BY date DESC LIMIT 1", raj)
    [(theirs,)] = sql(workspace, f"SELECT id FROM ledger_entry WHERE entered_by = ? AND {november} ORDER BY date DESC LIMIT 1", mia)
    app = make_app(workspace, handle="raj")
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, theirs)
        assert reverse_offered(app) == (False, False)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is app.main_screen  # no prompt: the key does nothing
        await select(pilot, own)
        assert reverse_offered(app) == (True, True)
    assert sql(workspace, "SELECT count(*) FROM ledger_entry WHERE reverses = ?", theirs)[0][0] == 0
    app = make_app(workspace)  # ana, a manager
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, theirs)
        assert reverse_offered(app) == (True, True)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        [(amount, currency, payee, category)] = sql(
            workspace, "SELECT amount, currency, payee, category FROM ledger_entry WHERE id = ?", theirs
        )
        # The entry by what it is and its id, as `crewdeck log` and a teammate's notice say it.
        said = f"reversed {format_minor(amount, currency)} {currency} to {payee} ({category}) (entry {theirs[:8]})"
        assert said in [str(n.message) for n in app._notifications]
    assert sql(workspace, "SELECT entered_by FROM ledger_entry WHERE reverses = ?", theirs) == [(member_id(workspace, "ana"),)]


async def test_a_refused_reversal_keeps_its_reason_and_says_why_in_the_dialog(workspace: Path) -> None:
    """The reason dialog closed before the rules were asked: an entry reversed elsewhere while raj typed why left
    him a notice and nothing of what he had typed; it stays open now, with the text and the refusal under it."""
    raj = member_id(workspace, "raj")
    november = "date >= '2026-11-01' AND reverses IS NULL AND id NOT IN (SELECT reverses FROM ledger_entry WHERE reverses IS NOT NULL)"
    [(own,)] = sql(workspace, f"SELECT id FROM ledger_entry WHERE entered_by = ? AND {november} ORDER BY date DESC LIMIT 1", raj)
    app = make_app(workspace, handle="raj")
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, own)
        await pilot.press("r", *"booked twice")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        ws = Workspace.open(workspace)
        try:
            elsewhere = actions.reverse_entry(ws, ws.member_by_handle("ana"), own, NOW, "ana got there first")
        finally:
            ws.close()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is prompt  # still open, with what was typed
        assert prompt.query_one(Input).value == "booked twice"
        refused = prompt.query_one("#prompt-refused", Static)
        assert refused.has_class("-shown") and "(rule reversed_once)" in str(refused.render()), refused.render()
        assert len(str(refused.render()).splitlines()) == 1
        await pilot.press("escape", "y")  # what was typed, discarded
        await settle(pilot)
        assert app.screen is app.main_screen
    assert sql(workspace, "SELECT id FROM ledger_entry WHERE reverses = ?", own) == [(elsewhere,)]


async def test_the_project_manager_approves_anothers_entry(workspace: Path) -> None:
    app = make_app(workspace)
    pending = sql(
        workspace,
        "SELECT e.id FROM ledger_entry e WHERE needs_approval = 1 AND id NOT IN (SELECT entry FROM approval) "
        "AND date >= '2026-11-01' ORDER BY date DESC",
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        entry = pending[0][0]
        await select(pilot, entry)
        assert approve_shown(app)
        await pilot.press("a")
        await settle(pilot)
        [(who,)] = sql(workspace, "SELECT approved_by FROM approval WHERE entry = ?", entry)
        assert who == member_id(workspace, "ana")
        assert pane(app).selected is not None and pane(app).selected.status == "approved"  # type: ignore[union-attr]
        assert not approve_shown(app)  # nothing left to approve on it
        [(amount, currency, payee, category)] = sql(
            workspace, "SELECT amount, currency, payee, category FROM ledger_entry WHERE id = ?", entry
        )
        said = f"approved {format_minor(amount, currency, grouping=True)} {currency} to {payee} ({category})"
        assert said in [str(n.message) for n in app._notifications]  # the entry by what it is, not its id


async def test_an_approval_that_takes_a_budget_over_says_so_in_a_warning(workspace: Path) -> None:
    """Approving pending spend that took a category over its budget said "approved ..." and nothing else: the over
    budget showed only on a line of the table, maybe below its fold.  Said once, with the report's figures."""
    team = Cli(workspace)
    team.ok("budget", "set", "spring-launch", "zines", "50")
    entry = team.in_person(
        "ledger", "add", "--campaign", "spring-launch", "--category", "zines", "--payee", "Print Co", "--amount", "60",
        "--date", "2026-11-25", "--pending", as_member="raj",
    ).strip()  # fmt: skip
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, entry)
        await pilot.press("a")
        await settle(pilot)
        warnings = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert warnings == ["+spring-launch/zines is over budget (All time): spent 60.00 of 50.00 EUR"]
    assert sql(workspace, "SELECT count(*) FROM approval WHERE entry = ?", entry) == [(1,)]


async def test_a_new_entry_that_takes_a_budget_over_says_so_in_a_warning_once(workspace: Path) -> None:
    Cli(workspace).ok("budget", "set", "spring-launch", "zines", "50")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        for amount in ("60", "5"):  # the second: over already, nothing more to say
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, EntryFormScreen)
            await pilot.press(*"spring-launch", "tab", *"zines", "tab", *"Print Co", "tab", *amount, "enter")
            await settle(pilot)
            assert not isinstance(app.screen, EntryFormScreen)
        warnings = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert warnings == ["+spring-launch/zines is over budget (All time): spent 60.00 of 50.00 EUR"]


async def test_a_new_entry_a_crisis_froze_says_so_in_a_warning(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spend entered during a crisis of its campaign said "added 40.00 EUR to Print Co (zines)", as spend that counts:
    only its status in the list, maybe below the fold, said that no report counts it until another manager approves it."""
    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    Cli(workspace).ok("crisis", "start", "--reason", "Outage", "--campaign", "spring-launch")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"spring-launch", "tab", *"zines", "tab", *"Print Co", "tab", *"40", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, EntryFormScreen)
        warnings = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert warnings == [
            "40.00 EUR to Print Co (zines): frozen by the crisis “Outage” (spend of its campaigns dated from 2026-11-26 on, "
            "Europe/Berlin): it counts once a manager other than you approves it"
        ]


async def test_a_member_s_new_entry_a_crisis_of_every_campaign_froze_says_a_manager_counts_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """raj, a member, was told his spend counts "once a manager other than you approves it", as if he approved any; and a
    crisis of every campaign (it names none) said "spend of its campaigns"."""
    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    Cli(workspace).ok("crisis", "start", "--reason", "Outage")
    app = make_app(workspace, handle="raj")
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"spring-launch", "tab", *"zines", "tab", *"Print Co", "tab", *"40", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, EntryFormScreen)
        warnings = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert warnings == [
            "40.00 EUR to Print Co (zines): frozen by the crisis “Outage” (spend dated from 2026-11-26 on, Asia/Kolkata): "
            "it counts once a manager approves it"
        ]


async def test_approve_is_refused_to_others_and_for_ones_own_entry(workspace: Path) -> None:
    pending = sql(
        workspace,
        "SELECT id FROM ledger_entry WHERE needs_approval = 1 AND id NOT IN (SELECT entry FROM approval) AND date >= '2026-11-01'",
    )[0][0]
    app = make_app(workspace, handle="raj")  # an analyst
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, pending)
        assert not approve_shown(app)
        await pilot.press("a")
        await settle(pilot)
    assert sql(workspace, "SELECT count(*) FROM approval WHERE entry = ?", pending)[0][0] == 0
    app = make_app(workspace)  # ana, the project manager, on her own entry
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("b", "j", "n")  # from a budget line: its campaign and category filled in
        await settle(pilot)
        await pilot.press(*"Lens", "tab", *"900", "tab", "tab", "tab", "space")
        await settle(pilot)
        assert "900.00 EUR" in str(app.screen.query_one("#form-preview").render())
        assert "waits for approval" in str(app.screen.query_one("#form-preview").render())
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        [(own,)] = sql(workspace, "SELECT id FROM ledger_entry WHERE payee = 'Lens' AND amount = 90000 AND needs_approval = 1")
        assert ledger.selected is not None and ledger.selected.id == own and ledger.selected.status == "pending"
        assert not approve_shown(app)
        await pilot.press("a")
        await settle(pilot)
    assert sql(workspace, "SELECT count(*) FROM approval WHERE entry = ?", own)[0][0] == 0


def approve_offered(app: CrewdeckApp) -> tuple[bool, bool]:
    """Whether the footer shows `a` and whether the command palette offers it."""
    palette = any("(ledger.approve)" in str(command.help) for command in app.get_system_commands(app.screen))
    return approve_shown(app), palette


def spend(cli: Cli, who: str, date: str, *extra: str) -> str:
    """A new ledger entry of ``who``'s on Spring Launch, by the CLI: its id."""
    return cli.ok(
        "ledger", "add", "--campaign", "spring-launch", "--category", "influencers", "--amount", "50 EUR", "--payee", "Lens",
        "--date", date, *extra, as_member=who,
    ).strip()  # fmt: skip


async def test_an_entrys_screen_names_the_reverse_key_only_to_who_may_reverse_it_as_the_keymap_has_it(workspace: Path) -> None:
    # raj (a member) read "not reversed (r in the ledger reverses it)" on leo's entry, where r does nothing for him;
    # and with ledger.reverse and entry.open_task rebound, the lines still said r and t.
    cli = Cli(workspace)
    theirs = spend(cli, "leo", "2026-11-20", "--task", str(sql(workspace, "SELECT id FROM task LIMIT 1")[0][0]))

    async def body(app: CrewdeckApp) -> str:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await app.push_screen(EntryScreen(theirs, app.services))
            await settle(pilot)
            return str(app.screen.query_one("#entry-body").render())

    member = await body(make_app(workspace, handle="raj"))
    assert "not reversed" in member and "reverses it" not in member, member
    manager = await body(keymapped_app(workspace, {"ledger.reverse": "V", "entry.open_task": "o"}))
    assert "not reversed (V in the ledger reverses it)" in manager and "o opens it" in manager, manager


async def test_approve_is_offered_to_a_manager_on_the_entry_of_a_removed_member_of_the_same_handle(workspace: Path) -> None:
    # The pane compared handles to hide `a` on one's own entry; the rules compare member ids. A manager
    # given the handle of a removed member saw no `a` on that member's pending entry, which the rules let
    # them approve: the pane asks the rules now.
    cli = Cli(workspace)
    theirs = spend(cli, "leo", "2026-11-20", "--pending")
    cli.ok("member", "rm", "leo", "--unassign")
    cli.ok("member", "add", "leo", "--name", "Leo Two", "--tz", "UTC", "--access", "manager")
    app = make_app(workspace, handle="leo")
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, theirs)
        assert approve_offered(app) == (True, True)
        await pilot.press("a")
        await settle(pilot)
    assert sql(workspace, "SELECT approved_by FROM approval WHERE entry = ?", theirs) == sql(
        workspace, "SELECT id FROM member WHERE handle = 'leo' AND deleted = 0"
    )


async def test_an_entrys_screen_reads_removed_members_apart_from_the_new_members_who_have_their_handles(workspace: Path) -> None:
    """Who entered it, who may approve it and who approved it read "@leo" and "@mo" after both were removed and their
    handles given to new members: the screen named the new @leo and @mo for what the removed ones did."""
    cli = Cli(workspace)
    cli.ok("member", "add", "mo", "--name", "Mo Farouk", "--tz", "UTC", "--access", "manager")
    pending = spend(cli, "leo", "2026-11-20", "--pending")
    approved = spend(cli, "leo", "2026-11-21", "--pending")
    cli.ok("ledger", "approve", approved, as_member="mo")
    for handle in ("leo", "mo"):
        cli.ok("member", "rm", handle, "--unassign")
        cli.ok("member", "add", handle, "--name", f"{handle.title()} Two", "--tz", "UTC")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bodies = {}
        for entry in (pending, approved):
            await app.push_screen(EntryScreen(entry, app.services))
            await settle(pilot)
            bodies[entry] = str(app.screen.query_one("#entry-body").render())
            await pilot.press("escape")
            await settle(pilot)
    assert "by ex-@leo, " in bodies[pending] and "counts once a manager other than ex-@leo approves it" in bodies[pending]
    assert "by ex-@leo, " in bodies[approved] and "\n  ex-@mo  " in bodies[approved], bodies[approved]
    assert " @leo" not in bodies[pending] + bodies[approved] and " @mo" not in bodies[approved]


async def test_approve_is_offered_to_a_member_and_a_manager_where_the_cli_approves(workspace: Path) -> None:
    # For each kind of entry, crisis-frozen spend included, the footer and the palette offer `a` exactly
    # where `crewdeck ledger approve` accepts it, for raj (a member) and ana (a manager); a guest never.
    cli = Cli(workspace)
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest")
    cli.ok("crisis", "start", "--reason", "Outage")  # from today, the 26th: later spend in every campaign is frozen
    approved = spend(cli, "raj", "2026-11-20", "--pending")
    cli.ok("ledger", "approve", approved)
    reversed_pending = spend(cli, "raj", "2026-11-20", "--pending")
    cases = {
        "pending, raj's": spend(cli, "raj", "2026-11-20", "--pending"),
        "pending, ana's": spend(cli, "ana", "2026-11-20", "--pending"),
        "needs no approval": spend(cli, "raj", "2026-11-20"),
        "already approved": approved,
        "a reversal of pending spend": cli.ok("ledger", "reverse", reversed_pending, as_member="raj").strip(),
        "frozen, raj's": spend(cli, "raj", "2026-11-27"),
        "frozen, ana's": spend(cli, "ana", "2026-11-27"),
    }
    offered: dict[str, dict[str, tuple[bool, bool]]] = {"raj": {}, "ana": {}, "gus": {}}
    for handle in ("raj", "ana"):
        app = make_app(workspace, handle=handle)
        async with app.run_test(size=SIZE) as pilot:
            await open_ledger(pilot)
            for case, entry in cases.items():
                await select(pilot, entry)
                offered[handle][case] = approve_offered(app)
                row = pane(app).selected
                assert row is not None
                if case.startswith("frozen"):
                    assert row.status == "frozen"
                if handle == "ana":  # a guest has no Budget pane: the pane's question, asked for them
                    guest = app.services.session.access.read(lambda ws: ws.member_by_handle("gus"))
                    offered["gus"][case] = (actions.may_approve(guest, row),) * 2
            if handle == "raj":
                await pilot.press("a")  # on the last one: the key does nothing where it is not offered
                await settle(pilot)
                assert sql(workspace, "SELECT count(*) FROM approval WHERE entry = ?", cases["frozen, ana's"])[0][0] == 0
    assert {handle: [case for case, shown in by_case.items() if shown == (True, True)] for handle, by_case in offered.items()} == {
        "raj": [],
        "ana": ["pending, raj's", "frozen, raj's"],
        "gus": [],
    }
    for handle, by_case in offered.items():
        for case, shown in by_case.items():
            assert shown[0] == shown[1], (handle, case)  # the footer and the palette agree
            approved_by_cli = cli("ledger", "approve", cases[case], as_member=handle).code == 0
            assert approved_by_cli == shown[0], (handle, case)


async def test_filter(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("slash", *"#influencers")
        preview = ledger.filter_box.preview
        await until(pilot, lambda: preview.message != "")
        in_month = sql(
            workspace, "SELECT count(*) FROM ledger_entry WHERE category = 'influencers' AND date >= '2026-11-01' AND date < '2026-12-01'"
        )[0][0]
        # The same live count as the tasks filter, in the ledger's words, before enter.
        assert preview.message == f"{in_month:,} {'entry' if in_month == 1 else 'entries'}" and not preview.refused
        await pilot.press("enter")
        await settle(pilot)
        expected = sql(
            workspace,
            "SELECT id FROM ledger_entry WHERE category = 'influencers' AND date >= '2026-11-01' AND date < '2026-12-01' "
            "ORDER BY date DESC, entered_at DESC, id DESC",
        )
        assert listed(app) == [r[0] for r in expected] and expected
        assert "/ #influencers" in ledger.query_one(PaneBar).info
        assert app.focused is ledger.entries and not ledger.has_class("-filtering")
        await pilot.press("slash", *["backspace"] * 12, *"is:nonsense")
        await until(pilot, lambda: ledger.filter_box.preview.message != "")
        assert ledger.filter_box.preview.refused and "is:nonsense" in ledger.filter_box.preview.message  # the reason, as typed
        await pilot.press("enter")
        await settle(pilot)
        assert any("is:nonsense" in str(n.message) for n in app._notifications)
        assert ledger.filter_box.preview.refused and ledger.filter_box.text == "is:nonsense"
        assert ledger.has_class("-filtering") and ledger.filter_text == "is:nonsense"  # the box stays open to fix it
        assert listed(app) == [r[0] for r in expected]  # the last good answer stays
        await pilot.press("escape")
        assert not ledger.has_class("-filtering") and app.focused is ledger.entries
        assert ledger.filter_text == "#influencers"  # the refused filter is dropped, not tried again at every refresh
        # As in the Tasks pane, escape clears an applied filter: it did nothing, and only typing the box empty undid it.
        await pilot.press("escape")
        await settle(pilot)
        assert ledger.filter_text == "" and ledger.entries.total == in_period(workspace, ledger.period)
        assert not any(part.startswith("/") for part in ledger.query_one(PaneBar).info)


async def test_a_filter_that_matches_no_entry_offers_neither_enter_nor_mark(workspace: Path) -> None:
    # "⏎ Open" and "x Mark" stood in the footer over no entries, and did nothing.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)

        def offered() -> set[str]:
            return {key.description for key in footer_keys(app.screen)[0]}

        assert {"Open", "Mark"} <= offered()
        await pilot.press("slash", *"zzzqq", "enter")
        await settle(pilot)
        assert ledger.entries.total == 0 and app.focused is ledger.entries
        assert not {"Open", "Mark"} & offered() and "New entry" in offered(), offered()


async def test_a_member_is_offered_no_marks_as_they_approve_nothing(workspace: Path) -> None:
    """Marks gather entries for a manager's a: a member's footer offered "x Mark", x put a ✓ and "1 marked" on the
    bar, and nothing could be done with them (a is never theirs); ? listed x and X too."""
    app = make_app(workspace, handle="raj")  # an analyst
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        assert ledger.entries.total > 0
        assert "Mark" not in {key.description for key in footer_keys(app.screen)[0]}
        await pilot.press("x")
        await settle(pilot)
        assert ledger.marked == {} and not any("marked" in part for part in ledger.query_one(PaneBar).info)
        listed_keys = await help_text(pilot)
        assert "ledger.mark" not in listed_keys and "ledger.clear_marks" not in listed_keys and "ledger.reverse" in listed_keys
    app = make_app(workspace)  # ana, the project manager: hers
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        assert "Mark" in {key.description for key in footer_keys(app.screen)[0]}
        await pilot.press("x")
        await settle(pilot)
        assert len(ledger.marked) == 1
        assert "ledger.mark" in await help_text(pilot)


async def test_move_and_resize_the_period(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        steps = [
            ("left_square_bracket", "2026-10"),
            ("right_square_bracket", "2026-11"),
            ("right_square_bracket", "2026-12"),
            ("left_curly_bracket", "2026-W49"),  # narrower: the week of the period's first day (today is not in it)
            ("left_square_bracket", "2026-W48"),
            ("right_curly_bracket", "2026-11"),
            ("right_curly_bracket", "2026-Q4"),
            ("right_curly_bracket", "2026"),
            ("left_curly_bracket", "2026-Q4"),
        ]
        for key, label in steps:
            await pilot.press(key)
            await settle(pilot)
            assert ledger.period == Period.parse(label), key
            assert ledger.entries.total == in_period(workspace, ledger.period), label
            assert label in ledger.query_one(PaneBar).title
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        await settle(pilot)
        assert ledger.period == Period.all()
        assert ledger.entries.total == sql(workspace, "SELECT count(*) FROM ledger_entry")[0][0]


async def test_a_pane_left_on_this_month_goes_on_to_the_next_at_midnight_in_the_viewers_zone(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It stayed on the month the app opened in for as long as the app was open.
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T22:59:00Z")  # 23:59 on Monday 30 November in Berlin, ana's zone
        ledger.tick()
        await settle(pilot)
        assert ledger.period == Period.parse("2026-11")
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T23:15:00Z")  # 00:15 on 1 December in Berlin
        ledger.tick()
        await settle(pilot)
        assert ledger.period == Period.parse("2026-12") and ledger.query_one(PaneBar).title == "Month 2026-12"
        assert ledger.entries.total == in_period(workspace, ledger.period)
        # A period the person moved to stays where they put it.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        monkeypatch.setenv("CREWDECK_NOW", "2026-12-01T23:15:00Z")
        ledger.tick()
        await settle(pilot)
        assert ledger.period == Period.parse("2026-11")


async def test_midnight_leaves_the_filter_being_typed_open_and_counts_it_in_the_new_month(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The page of the new month closed the box and focused the table: the rest of what was typed went to it as keys
    # ("n" opened the entry form) and the filter was lost (reviewer rf).
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T22:59:00Z")  # 23:59 on Monday 30 November in Berlin, ana's zone
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        preview = ledger.filter_box.preview
        await pilot.press("slash", *"payee:ca")
        await until(pilot, lambda: preview.message != "")
        november = sql(workspace, "SELECT count(*) FROM ledger_entry WHERE payee LIKE '%ca%' AND date >= '2026-11-01'")[0][0]
        assert preview.message == counted(november, "entry") and november
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T23:15:00Z")  # 00:15 on 1 December in Berlin
        ledger.tick()
        await settle(pilot)
        assert ledger.period == Period.parse("2026-12")
        assert ledger.has_class("-filtering") and app.focused is ledger.filter_box.input
        await pilot.press(*"nva")  # n was the entry form's key
        await until(pilot, lambda: preview.message == "0 entries")  # none yet in December
        assert app.screen is app.main_screen and ledger.filter_box.text == "payee:canva"
        await pilot.press("enter")
        await settle(pilot)
        assert ledger.filter_text == "payee:canva" and not ledger.has_class("-filtering") and app.focused is ledger.entries


async def test_a_teammates_entry_leaves_the_filter_being_typed_open(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        preview = ledger.filter_box.preview
        await pilot.press("slash", *"payee:@cafe")
        theirs_before = sql(workspace, "SELECT count(*) FROM ledger_entry WHERE payee = '@cafe_mila' AND date >= '2026-11-01'")[0][0]
        await until(pilot, lambda: preview.message == counted(theirs_before, "entry"))
        total = ledger.entries.total
        with Store(workspace) as store:  # another connection: a teammate's process
            raj = member_id(workspace, "raj")
            spring = store.conn.execute("SELECT id FROM campaign WHERE name = 'Spring Launch'").fetchone()[0]
            with store.write(raj) as w:
                entry = {"date": "2026-11-26", "campaign": spring, "category": "influencers", "payee": "@cafe_mila"}
                w.append(
                    "ledger_entry", {**entry, "amount": 31_000, "currency": "EUR", "entered_by": raj, "entered_at": "2026-11-26T09:35:00Z"}
                )
        await until(pilot, lambda: ledger.entries.total == total + 1)
        assert ledger.has_class("-filtering") and app.focused is ledger.filter_box.input
        await until(pilot, lambda: preview.message == counted(theirs_before + 1, "entry"))  # the box counts it too
        await pilot.press(*"_mila")
        await settle(pilot)
        assert app.screen is app.main_screen and ledger.filter_box.text == "payee:@cafe_mila"


def filter_page_held(monkeypatch: pytest.MonkeyPatch, *texts: str) -> tuple[threading.Event, threading.Event]:
    """The entries of each filter of ``texts`` are read once the first event returned is set; the second is set once
    one's are asked for."""
    go_on, asked = threading.Event(), threading.Event()
    real = pane_data.read_page

    def read_page(*args: Any, **kwargs: Any) -> Any:
        if args[2] in texts:
            asked.set()
            assert go_on.wait(timeout=20), "the page was never let go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(pane_data, "read_page", read_page)
    return go_on, asked


async def while_held(pilot: Any, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds, a worker held up meanwhile (``settle`` would wait for it)."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, f"never saw {what}"
        await pilot.pause()


async def applied_and_held(pilot: Any, monkeypatch: pytest.MonkeyPatch, *later: str) -> tuple[LedgerPane, threading.Event]:
    """The Budget pane, ``/``, ``#influencers`` and ``enter``, until its page is asked for, held (and those of the filters
    ``later``) until the event returned is set."""
    ledger = await open_ledger(pilot)
    go_on, asked = filter_page_held(monkeypatch, "#influencers", *later)
    await pilot.press("slash", *"#influencers", "enter")
    await while_held(pilot, asked.is_set, "the filter's page asked for")
    return ledger, go_on


async def test_keys_typed_while_the_filter_applied_is_read_act_on_its_entries(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A j typed while the page was read went into the box (enter had run), and was lost as the box closed on the page.
    monkeypatch.setattr(app_module, "READ_HOLD_AT_MOST", 60)  # on a loaded machine 2 s may pass before go_on is set
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger, go_on = await applied_and_held(pilot, monkeypatch)
        await pilot.press("j")
        assert ledger.filter_box.text == "#influencers"
        go_on.set()
        await settle(pilot)
        assert ledger.filter_text == "#influencers" and not ledger.has_class("-filtering") and app.focused is ledger.entries
        assert ledger.entries.cursor == 1


async def test_a_filter_typed_into_again_while_the_one_applied_is_read_stays_open_with_the_edit(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The keys typed after enter waited as long as they may, dropped ("type again"); typed again, into the box still
    # open, they were lost too: the box closed once the page of the filter applied came.
    app = make_app(workspace)
    run_outs = read_holds_run_out_when_told(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        ledger, go_on = await applied_and_held(pilot, monkeypatch)
        await pilot.press("space")
        assert ledger.filter_box.text == "#influencers"  # held for the page
        run_out = run_outs[-1]  # the filter's hold: the one before it held the keys typed before the task list was read
        run_out()  # the page read as long as keys may wait for it
        dropped = "1 key (space) typed while the filter was applied was dropped: it took longer than usual; type again"
        await while_held(pilot, lambda: dropped in [str(n.message) for n in app._notifications], "the key dropped")
        await pilot.press(*" payee:@cafe_mila")
        assert ledger.filter_box.text == "#influencers payee:@cafe_mila"
        go_on.set()
        await settle(pilot)
        assert ledger.page is not None and ledger.page.text == "#influencers"  # the list shows what was applied
        assert ledger.has_class("-filtering") and app.focused is ledger.filter_box.input
        assert ledger.filter_box.text == "#influencers payee:@cafe_mila"  # and the box what was typed since, to apply
        await pilot.press("enter")
        await settle(pilot)
        assert ledger.filter_text == "#influencers payee:@cafe_mila" and not ledger.has_class("-filtering")


async def test_a_filter_applied_again_after_the_keys_held_for_the_first_were_dropped_holds_the_keys_after_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first enter's hold, dropped, was still taken for one under way: the second enter held nothing, and the j typed
    # after it went into the box ("#influencers payee:@cafe_milaj"), left open.
    app = make_app(workspace)
    run_outs = read_holds_run_out_when_told(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        ledger, go_on = await applied_and_held(pilot, monkeypatch, "#influencers payee:@cafe_mila")
        run_out = run_outs[-1]  # the filter's hold: the one before it held the keys typed before the task list was read
        run_out()
        await pilot.press(*" payee:@cafe_mila", "enter", "j")
        assert ledger.filter_box.text == "#influencers payee:@cafe_mila"  # the j waits for the entries
        go_on.set()
        await settle(pilot)
        assert ledger.filter_text == "#influencers payee:@cafe_mila" and not ledger.has_class("-filtering")
        assert app.focused is ledger.entries and ledger.entries.cursor == 1


async def test_the_clocks_tick_on_the_same_day_reads_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T08:00:00Z")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        generation, reads = ledger.generation, []
        real = pane_data.read_page
        monkeypatch.setattr(pane_data, "read_page", lambda *a, **k: reads.append(a) or real(*a, **k))
        for minute in ("08:01", "15:30", "22:59"):  # to 23:59 in Berlin
            monkeypatch.setenv("CREWDECK_NOW", f"2026-11-30T{minute}:00Z")
            ledger.tick()
        await settle(pilot)
        assert ledger.generation == generation and reads == []


async def test_a_month_read_again_after_midnight_before_the_clocks_tick_still_goes_on_to_the_next(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A teammate's entry read the pane again after midnight, before the minute's tick: the budget was read as of
    # 1 December on November's entries until the tick moved it on.
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T22:59:00Z")  # 23:59 on Monday 30 November in Berlin, ana's zone
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        assert ledger.period == Period.parse("2026-11")
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T23:15:00Z")  # 00:15 on 1 December in Berlin
        generation = ledger.generation
        with Store(workspace) as store:  # another connection: a teammate's process
            raj = member_id(workspace, "raj")
            spring = store.conn.execute("SELECT id FROM campaign WHERE name = 'Spring Launch'").fetchone()[0]
            with store.write(raj) as w:
                entry = {"date": "2026-12-01", "campaign": spring, "category": "influencers", "payee": "@cafe_mila"}
                w.append(
                    "ledger_entry", {**entry, "amount": 31_000, "currency": "EUR", "entered_by": raj, "entered_at": "2026-11-30T23:14:00Z"}
                )
        await until(pilot, lambda: ledger.generation > generation)
        await settle(pilot)
        assert ledger.period == Period.parse("2026-12") and ledger.query_one(PaneBar).title == "Month 2026-12"
        assert ledger.entries.total == in_period(workspace, ledger.period)


async def test_a_month_chosen_after_midnight_before_the_clocks_tick_stays_chosen(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T22:59:00Z")  # 23:59 on Monday 30 November in Berlin
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert ledger.period == Period.parse("2026-10")
        monkeypatch.setenv("CREWDECK_NOW", "2026-11-30T23:15:00Z")  # 00:15 on 1 December: November is last month now
        await pilot.press("right_square_bracket")
        await settle(pilot)
        ledger.tick()
        await settle(pilot)
        assert ledger.period == Period.parse("2026-11") and ledger.query_one(PaneBar).title == "Month 2026-11"


async def test_the_bar_names_only_the_period_keys_that_act(workspace: Path) -> None:
    """At all time the bar still said "[ ] { } period", and [ ] } did nothing there (as { at a day): keys named that
    did nothing; they are not named, and pressed there they are not the pane's (the palette leaves them out too)."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        bar = ledger.query_one(PaneBar)
        assert bar.hint == "[ ] { } period"
        for _ in range(4):  # quarter, year, all, and all again
            await pilot.press("right_curly_bracket")
            await settle(pilot)
        assert ledger.period == Period.all()
        assert bar.hint == "{ period"
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert "Budget: Narrower period" in commands
        assert not {"Budget: Previous period", "Budget: Next period", "Budget: Wider period"} & commands
        await pilot.press("left_curly_bracket", "left_curly_bracket", "left_curly_bracket", "left_curly_bracket")
        await settle(pilot)
        assert ledger.period.kind == "week"
        await pilot.press("left_curly_bracket")
        await settle(pilot)
        assert ledger.period.kind == "day"
        assert bar.hint == "[ ] } period"


async def test_an_entry_that_is_gone_says_so_in_its_screen(workspace: Path) -> None:
    """An entry whose making the server refused: the read failed with an error notice, and the screen kept what it showed."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = EntryScreen("0123456789abcdef0123456789abcdef", app.services)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.gone
        body = str(screen.query_one("#entry-body").render()).split("\n")
        assert body == ["ledger entry 01234567", "gone  the operation that made it was refused"]
        assert [n.message for n in app._notifications] == ["ledger entry 01234567 is gone: the operation that made it was refused"]


async def test_enter_shows_the_entry_with_its_task_and_reversal(workspace: Path) -> None:
    ws = Workspace.open(workspace)
    try:
        raj = ws.member_by_handle("raj")
        task = str(ws.conn.execute("SELECT id, title FROM task WHERE deleted = 0 ORDER BY id LIMIT 1").fetchone()[0])
        draft = EntryDraft(
            "2026-11-26", ws.campaign_by_name("spring-launch").id, "freelancers", "Studio Nord video", 45_000, "EUR", task=task
        )
        entry = actions.add_entry(ws, raj, draft, NOW)
        reversal = actions.reverse_entry(ws, ws.member_by_handle("ana"), entry, NOW, "booked twice")
        title = str(ws.conn.execute("SELECT title FROM task WHERE id = ?", (task,)).fetchone()[0])
    finally:
        ws.close()
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, entry)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen) and screen.entry_id == entry
        body = str(screen.query_one("#entry-body").render())
        assert "450.00 EUR to Studio Nord video" in body and title in body
        assert f"{reversal[:8]}  2026-11-26  -450.00 EUR" in body and "booked twice" in body
        assert "by @raj, today 10:30 CET" in body  # in the viewer's zone
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.task_id == task
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main_screen


async def test_budget_lines_lead_to_their_entries_and_a_new_entry_for_them(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("b")
        assert app.focused is ledger.budget
        await pilot.press("j")  # the first campaign's first category
        line = ledger.budget.rows[ledger.budget.cursor]
        assert line.category
        await pilot.press("enter")
        await settle(pilot)
        assert ledger.filter_text == f"+{line.campaign} #{line.category}" and app.focused is ledger.entries
        expected = sql(
            workspace,
            "SELECT count(*) FROM ledger_entry WHERE campaign = ? AND category = ? AND date >= '2026-11-01' AND date < '2026-12-01'",
            line.campaign_id,
            line.category,
        )[0][0]
        assert ledger.entries.total == expected > 0
        await pilot.press("b", "n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        assert (form.values()["campaign"], form.values()["category"]) == (line.campaign, line.category)
        assert app.focused is form.query_one("#form-payee")
        await pilot.press("escape")
        await pilot.press("e")
        assert app.focused is ledger.entries


async def test_another_members_entry_appears_and_the_cursor_stays(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        mine = ledger.selected
        assert mine is not None
        total = ledger.entries.total
        with Store(workspace) as store:  # another connection: a teammate's process
            raj = member_id(workspace, "raj")
            spring = store.conn.execute("SELECT id FROM campaign WHERE name = 'Spring Launch'").fetchone()[0]
            with store.write(raj) as w:
                theirs = w.append(
                    "ledger_entry",
                    {
                        "date": "2026-11-26",
                        "campaign": spring,
                        "category": "influencers",
                        "payee": "@cafe_mila",
                        "amount": 31_000,
                        "currency": "EUR",
                        "entered_by": raj,
                        "entered_at": "2026-11-26T09:35:00Z",
                    },
                )
        await until(pilot, lambda: ledger.entries.total == total + 1)
        assert listed(app)[0] == theirs  # newest first
        assert ledger.selected is not None and ledger.selected.id == mine.id  # the cursor stayed on its entry
        assert ledger.entries.cursor == 4
        assert any("@raj" in str(n.message) for n in app._notifications)
        # An open entry shows a reversal made meanwhile elsewhere.
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen) and "not reversed" in str(screen.query_one("#entry-body").render())
        ws = Workspace.open(workspace)
        try:
            # ana's other process (a member reverses only their own entries; a manager any)
            reversal = actions.reverse_entry(ws, ws.member_by_handle("ana"), mine.id, NOW)
        finally:
            ws.close()
        await until(pilot, lambda: reversal[:8] in str(screen.query_one("#entry-body").render()))
        assert f"{reversal[:8]}  {mine.date}" in str(screen.query_one("#entry-body").render())


async def test_an_entrys_read_from_before_a_change_that_comes_back_last_leaves_the_change_shown(workspace: Path) -> None:
    """Two reads of an open entry in flight: the first, made before a reversal elsewhere, could come back after the
    one made since, and the entry read "not reversed" until the next change."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        entry = ledger.selected
        assert entry is not None
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen) and "not reversed" in str(screen.query_one("#entry-body").render())
        # The first read, once made, comes back only after the second.
        answers = FirstAnswerLast(app, "entry-detail")
        screen.load()  # another change: the entry is read again
        await answers.first_read(pilot)
        ws = Workspace.open(workspace)
        try:
            reversal = actions.reverse_entry(ws, ws.member_by_handle("ana"), entry.id, NOW)  # ana's other process
        finally:
            ws.close()
        await answers.both_back(pilot)
        assert reversal[:8] in str(screen.query_one("#entry-body").render())


async def test_keys_are_listed_and_rebound(workspace: Path) -> None:
    app = make_app(workspace, config=Config(keymap={"ledger.new": "N"}))
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        text = await help_text(pilot)
        for binding_id in (
            "ledger.new",
            "ledger.reverse",
            "ledger.approve",
            "ledger.filter",
            "ledger.narrow_period",
            "entry.open_task",
            "entry_form.cancel",
        ):
            assert binding_id in text
        for keys, description in (("N", "New entry"), ("[", "Previous period"), ("}", "Wider period")):
            assert f"{keys} {description}" in text  # the keymap applied, brackets shown as typed
        await pilot.press("escape")
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is app.main_screen
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, EntryFormScreen)


async def test_the_app_offers_the_panes_actions_as_commands(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        for title in ("New entry", "Reverse", "Filter", "Previous period", "Next period", "Narrower period", "Wider period"):
            assert f"Budget: {title}" in commands
        assert ("Budget: Approve" in commands) == approve_shown(app)  # as the footer: only on an entry to approve
        app.call_later(commands["Budget: Narrower period"].callback)  # as the palette runs a command
        await settle(pilot)
        assert ledger.period == Period.parse("2026-W48")


async def test_spend_a_crisis_froze_is_named_above_the_budget(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A crisis took today's spend of its campaigns out of SPENT (as the report does) and the pane never said why.
    from crewdeck.tui.cli.main import main

    from .apphelp import until

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    base = ["-w", str(workspace), "--as", "ana"]
    for amount in ("40 EUR", "2 EUR"):
        assert (
            main([*base, "ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", amount])
            == 0
        )
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        assert not any("frozen" in line for line in warning_lines(ledger))
        assert main([*base, "crisis", "start", "--reason", "Outage", "--campaign", "spring-launch"]) == 0
        await until(pilot, lambda: any("frozen" in line for line in warning_lines(ledger)), "the frozen spend above the budget")
        out = io.StringIO()
        with redirect_stdout(out):
            assert main([*base, "ledger", "report", "--json"]) == 0
        frozen = sum(c["total"]["frozen_entries"] for c in json.loads(out.getvalue())["campaigns"])
        assert ledger.page is not None
        said = [text for text in ledger.page.warnings if "frozen by a crisis" in text]
        assert frozen >= 2 and len(said) == 1 and f" in {frozen} entries, " in said[0], said  # as the report counts them
        assert not any("frozen" in part for part in ledger.query_one(PaneBar).info)  # said once


async def test_the_bar_gives_up_whole_parts_in_a_narrow_pane(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # At 100 columns the budget pane is 44 wide: its bar read "Month 2026-12  19 entries · EUR · 6", the 6 of "6 entries frozen by a crisis".
    from .apphelp import until

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    app = make_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        ledger = pane(app)
        bar = ledger.query_one(PaneBar)
        await until(pilot, lambda: any("over budget" in part for part in bar.info), "the lines over budget in the bar")
        shown = "".join(segment.text for segment in bar.render_line(0)).strip()
        title, _, info = shown.partition("  ")
        assert title == bar.title and info, shown
        assert info in [" · ".join(bar.info[:n]) for n in range(1, len(bar.info))], (shown, bar.info)  # the last part given up


async def test_keys_that_arrive_together_fill_the_fields_their_tabs_lead_to(workspace: Path) -> None:
    """A paste, or keys typed over a slow SSH link, reach the app at once: the keys after a tab went into the field it left."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        names = {"-": "minus", ".": "full_stop", " ": "space", "\t": "tab"}
        for char in "spring-launch\tcontent-tools\tCanva\t12.50 EUR":
            app.post_message(events.Key(names.get(char, char), char))
        await settle(pilot)
        assert form.values() == {
            "date": "",
            "campaign": "spring-launch",
            "category": "content-tools",
            "payee": "Canva",
            "amount": "12.50 EUR",
            "memo": "",
            "task": "",
        }


async def test_a_frozen_entry_says_so_and_a_manager_approves_it_with_a(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The bar said "1 entry frozen by a crisis", but no row said which, and `a` (as `ledger approve` does) did nothing on it.
    from crewdeck.tui.cli.main import main

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    raj = ["-w", str(workspace), "--as", "raj"]
    out = io.StringIO()
    with redirect_stdout(out):
        assert (
            main([*raj, "ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", "40 EUR"])
            == 0
        )
        assert main(["-w", str(workspace), "--as", "ana", "crisis", "start", "--reason", "Outage", "--campaign", "spring-launch"]) == 0
    entry = out.getvalue().split()[0]
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, entry)
        ledger = pane(app)
        assert ledger.selected is not None and ledger.selected.status == "frozen"
        await pilot.press("enter")  # its detail says why it does not count yet
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        assert "frozen by a crisis: counts once a manager other than @raj approves it" in str(app.screen.query_one("#entry-body").render())
        await pilot.press("escape")
        await settle(pilot)
        assert approve_shown(app)
        await pilot.press("a")
        await settle(pilot)
        [(who,)] = sql(workspace, "SELECT approved_by FROM approval WHERE entry = ?", entry)
        assert who == member_id(workspace, "ana")
        assert ledger.selected is not None and ledger.selected.status == "approved"
        assert not approve_shown(app)


async def test_pending_spend_on_a_crisis_day_reads_pending_in_the_pane_its_filter_and_the_report(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pending spend waits for a manager's approval, crisis or none: it is listed pending and found by is:pending (never
    frozen: a crisis freezes spend that needed no approval), in the pane as in `ledger list`, and `ledger report` counts it
    pending, out of the frozen spend the bar counts."""
    from crewdeck.tui.cli.main import main

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["-w", str(workspace), "--as", "ana", "crisis", "start", "--reason", "Outage", "--campaign", "spring-launch"]) == 0
        for extra in (["--pending"], []):
            add = ["ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", "40 EUR"]
            assert main(["-w", str(workspace), "--as", "raj", *add, *extra]) == 0
    pending, frozen = out.getvalue().split()[-2:]

    def cli_lists(query: str) -> set[str]:
        text = io.StringIO()
        with redirect_stdout(text):
            assert main(["-w", str(workspace), "ledger", "list", query, "--json"]) == 0
        return {row["id"] for row in json.loads(text.getvalue())}

    report = io.StringIO()
    with redirect_stdout(report):
        assert main(["-w", str(workspace), "ledger", "report", "--campaign", "spring-launch", "--period", "2026-11", "--json"]) == 0
    [campaign] = json.loads(report.getvalue())["campaigns"]
    [tools] = [row for row in campaign["rows"] if row["category"] == "tools"]
    assert (tools["pending"], tools["pending_entries"]) == ({"amount": "40.00", "currency": "EUR"}, 1)
    assert (tools["frozen"], tools["frozen_entries"]) == ({"amount": "40.00", "currency": "EUR"}, 1)
    assert pending in cli_lists("is:pending") and pending not in cli_lists("is:frozen")
    assert frozen in cli_lists("is:frozen") and frozen not in cli_lists("is:pending")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        statuses = {}
        for entry in (pending, frozen):
            await select(pilot, entry)
            assert ledger.selected is not None
            statuses[entry] = ledger.selected.status
        assert statuses == {pending: "pending", frozen: "frozen"}
        assert ledger.page is not None
        said = [text for text in ledger.page.warnings if text.startswith("+spring-launch frozen by a crisis: ")]
        assert len(said) == 1 and f" in {counted(campaign['total']['frozen_entries'], 'entry')}, " in said[0], said
        for query, found, left_out in (("is:pending", pending, frozen), ("is:frozen", frozen, pending)):
            await pilot.press("slash", "ctrl+u", *query, "enter")
            await settle(pilot)
            assert ledger.page is not None and ledger.page.text == query
            assert found in listed(app) and left_out not in listed(app), query


def report_warnings(workspace: Path, period: str) -> list[str]:
    """What `crewdeck ledger report --period PERIOD` warns of on stderr."""
    from crewdeck.tui.cli.main import main

    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        assert main(["-w", str(workspace), "ledger", "report", "--period", period]) == 0
    return [line.removeprefix("warning: ") for line in err.getvalue().splitlines() if line.startswith("warning: ")]


def warning_lines(ledger: LedgerPane) -> list[str]:
    """The warning lines above the budget as the pane shows them ([] when it shows none)."""
    notice = ledger.query_one("#ledger-warnings")
    if not notice.display or notice.size.height == 0:
        return []
    return ["".join(segment.text for segment in notice.render_line(y)).strip() for y in range(notice.size.height)]


async def test_the_reports_warnings_stay_above_the_budget_while_they_hold_at_80x24(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ledger report` warned of a rate it missed and of a budget outside its campaign's run; the pane showed neither
    (at 80 columns its bar has no room even for "* rates missing"), so its totals left them out unsaid."""
    from crewdeck.tui.cli.main import main

    from .apphelp import until

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana = ["-w", str(workspace), "--as", "ana"]
    with redirect_stdout(io.StringIO()):
        assert main([*ana, "budget", "set", "spring-launch", "ads", "5000 JPY", "--month", "2026-11"]) == 0
        assert main([*ana, "budget", "set", "holiday-gifting", "tools", "100", "--month", "2026-12"]) == 0
        assert main([*ana, "campaign", "set", "holiday-gifting", "--end", "2026-11-30"]) == 0
    warned = report_warnings(workspace, "2026-11")
    assert (
        len(warned) == 2
        and "no JPY/EUR (nor EUR/JPY) rate on or before 2026-11-01" in warned[0]
        and "outside the campaign's run" in warned[1]
    )
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        assert ledger.page is not None and list(ledger.page.warnings) == warned  # the report's own words
        shown = warning_lines(ledger)
        assert len(shown) == 2, shown
        for line, text, mark in zip(shown, warned, ("* ", "⚠ ")):  # a rate missing marked as the lines it leaves incomplete
            assert line.startswith(mark) and len(line) <= 80, line
            assert text.startswith(line[2:].removesuffix("…")), (line, text)  # cut at the pane's width, never wrapped
        assert ledger.budget.size.height >= 5  # the budget keeps its lines
        with redirect_stdout(io.StringIO()):
            assert main([*ana, "rate", "set", "2026-11-01", "JPY/EUR", "0.0061"]) == 0
        await until(pilot, lambda: len(warning_lines(ledger)) == 1, "the rate's warning gone")
        assert "outside the campaign's run" in warning_lines(ledger)[0]
        with redirect_stdout(io.StringIO()):
            assert main([*ana, "campaign", "set", "holiday-gifting", "--end", "2026-12-06"]) == 0
        await until(pilot, lambda: warning_lines(ledger) == [], "no warning")
        assert report_warnings(workspace, "2026-11") == []


async def test_more_warnings_than_lines_are_counted_on_the_last_with_the_spend_a_crisis_froze(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crewdeck.tui.cli.main import main

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana = ["-w", str(workspace), "--as", "ana"]
    with redirect_stdout(io.StringIO()):
        # Spend of today, which the crisis freezes (the demo's spring spend of today is approved).
        assert (
            main([*ana, "ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", "40 EUR"])
            == 0
        )
        assert main([*ana, "crisis", "start", "--reason", "Outage", "--campaign", "spring-launch"]) == 0
        for month in ("2026-11", "2026-12", "2027-01"):
            assert main([*ana, "budget", "set", "spring-launch", "ads", "5000 JPY", "--month", month]) == 0
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        assert ledger.page is not None
        *rates, frozen = ledger.page.warnings
        assert rates == report_warnings(workspace, "2026-11") and len(rates) == 1
        assert frozen.startswith("+spring-launch frozen by a crisis: ") and frozen.endswith(
            "until a manager approves each (a on the entry)"
        )
        _, frozen_line = warning_lines(ledger)
        assert frozen_line.endswith("…") and frozen.startswith(frozen_line[2:-1]) and "frozen by a crisis" in frozen_line
        await pilot.press("}", "}", "}")  # all time: a warning for each month's budget, and the frozen spend
        await settle(pilot)
        assert ledger.period == Period.all()
        assert len(ledger.page.warnings) == 4
        shown = warning_lines(ledger)
        assert len(shown) == 3 and shown[2] == "⚠ 2 more warnings: crewdeck ledger report lists them", shown


async def test_the_bar_leaves_the_warnings_to_the_lines_above_the_budget_where_a_rate_missing_is_marked_as_its_lines_are(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar said "* rates missing" and "N entries frozen by a crisis" under the lines above the budget that say which
    rate and how much spend (at 80 columns it had room for the first only); those lines say it once, a rate missing
    marked * as the budget lines it leaves incomplete are."""
    from crewdeck.tui.cli.main import main

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana = ["-w", str(workspace), "--as", "ana"]
    with redirect_stdout(io.StringIO()):
        assert main([*ana, "budget", "set", "spring-launch", "ads", "5000 JPY", "--month", "2026-11"]) == 0
        # Spend of today, which the crisis freezes (the demo's spring spend of today is approved).
        assert (
            main([*ana, "ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", "40 EUR"])
            == 0
        )
        assert main([*ana, "crisis", "start", "--reason", "Outage", "--campaign", "spring-launch"]) == 0
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        rate, frozen = warning_lines(ledger)
        assert rate.startswith("* rate missing: no JPY/EUR (nor EUR/JPY) rate on or before 2026-11-01"), rate
        assert {row.campaign for row in ledger.budget.rows if not row.complete} == {"spring-launch"}  # its lines read "… *"
        assert frozen.startswith("⚠ +spring-launch frozen by a crisis: "), frozen
        info = ledger.query_one(PaneBar).info
        assert not any("rate" in part or "frozen" in part for part in info), info


async def test_the_bar_says_how_many_lines_are_over_budget_at_80x24(workspace: Path) -> None:
    """At 80x24 the budget table shows eight lines: an over-budget line below them showed nowhere until scrolled to.
    The bar counts the lines over budget, as the table and `ledger report` flag them: it said "1 campaign over budget"
    of a campaign well inside its budget, one of whose categories was over."""
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        rows = ledger.budget.rows
        over = [row for row in rows if row.over]
        assert over and len(rows) > ledger.budget.size.height - 1  # some line is off the table's screen
        totals_over = {row.campaign_id for row in rows if row.over and row.is_total}
        assert any(row.campaign_id not in totals_over for row in over)  # a category over in a campaign that is not
        bar = ledger.query_one(PaneBar)
        expected = f"{len(over)} line{'s' if len(over) != 1 else ''} over budget"
        assert expected in "".join(segment.text for segment in bar.render_line(0)), bar.info  # on screen at 80 columns
        await pilot.press(*"]" * 7)  # June 2027: past every campaign's run
        await settle(pilot)
        assert ledger.query_one(PaneBar).title == "Month 2027-06"
        assert not any(row.over for row in ledger.budget.rows) and not any("over budget" in part for part in ledger.query_one(PaneBar).info)


async def test_over_budget_stays_on_the_bar_at_80x24_while_a_budget_lines_entries_are_listed(workspace: Path) -> None:
    """`enter` on a budget line filters the entries by it: the filter came before the count of lines over budget
    in the bar, and at 80 columns the count was the part given up.  (raj, a member: a manager's bar counts what waits
    for their approval too, and at 80 columns leaves the filter out.)"""
    app = make_app(workspace, handle="raj")
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        over = [row for row in ledger.budget.rows if row.over]
        assert over
        await pilot.press("b", "j", "enter")  # the first campaign's first category
        await settle(pilot)
        assert ledger.filter_text.startswith("+") and ledger.page is not None and ledger.page.text == ledger.filter_text
        shown = "".join(segment.text for segment in ledger.query_one(PaneBar).render_line(0))
        assert f"{len(over)} line{'s' if len(over) != 1 else ''} over budget" in shown, shown
        assert f"/ +{ledger.filter_text[1:6]}" in shown, shown  # the filter after it, cut rather than left out


async def test_over_budget_is_on_the_bar_at_80x24_and_the_spend_a_crisis_froze_above_the_budget(workspace: Path) -> None:
    """The bar's parts are dropped from the last when they do not fit: "N entries frozen by a crisis" came first, and
    the warning that lines are over budget was the one dropped.  The frozen spend is said above the budget now."""
    from crewdeck.tui.cli.main import main

    with redirect_stdout(io.StringIO()):
        assert main(["-w", str(workspace), "--as", "ana", "crisis", "start", "--reason", "Outage"]) == 0
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        over = [row for row in ledger.budget.rows if row.over]
        assert over and any("frozen by a crisis" in line for line in warning_lines(ledger))
        shown = "".join(segment.text for segment in ledger.query_one(PaneBar).render_line(0))
        assert f"{len(over)} line{'s' if len(over) != 1 else ''} over budget" in shown, shown


async def test_pending_spend_reversed_waits_for_no_approval(workspace: Path) -> None:
    """A reversal of pending spend said it counted once a manager approved its original, and `a` approved that: the two
    net to zero, approved or not, so the reversal says it nets its original to zero and nothing is offered to approve."""
    ws = Workspace.open(workspace)
    try:
        draft = EntryDraft(
            "2026-11-26", ws.campaign_by_name("spring-launch").id, "freelancers", "Studio Nord", 45_000, "EUR", needs_approval=True
        )
        entry = actions.add_entry(ws, ws.member_by_handle("raj"), draft, NOW)
        reversal = actions.reverse_entry(ws, ws.member_by_handle("ana"), entry, NOW, "booked twice")
    finally:
        ws.close()
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, reversal)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        body = str(app.screen.query_one("#entry-body").render())
        assert "a reversal: nets its original to zero" in body and "pending" not in body
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, entry)
        assert pane(app).selected is not None and pane(app).selected.status == "reversed"  # type: ignore[union-attr]
        assert not approve_shown(app)
        waiting = sql(
            workspace,
            "SELECT count(*) FROM ledger_entry e WHERE needs_approval = 1 AND reverses IS NULL AND id NOT IN (SELECT entry FROM approval) "
            "AND id NOT IN (SELECT reverses FROM ledger_entry WHERE reverses IS NOT NULL) "
            "AND entered_by <> ? AND date >= '2026-11-01' AND date < '2026-12-01'",
            member_id(workspace, "ana"),
        )[0][0]
        assert f"{waiting} to approve" in pane(app).query_one(PaneBar).info  # the entry reversed is not among them


async def test_the_cursor_moved_while_the_entries_are_read_again_stays_where_it_was_moved(workspace: Path) -> None:
    """`j` pressed while the entries were being read again (someone else's change): the read's answer put the
    cursor back on the entry it had been on when the read was asked for."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        table = ledger.entries
        start = table.cursor
        ledger.reload()
        # Moved before the read's answer can be handled: that needs the event loop, not yet given back.
        table.action_cursor_down()
        table.action_cursor_down()
        moved_to = ledger.selected
        await settle(pilot)
        assert moved_to is not None and table.cursor == start + 2
        assert ledger.selected is not None and ledger.selected.id == moved_to.id


async def test_u_after_a_reversal_says_ledger_entries_stand_and_undoes_nothing_older(workspace: Path) -> None:
    # `u` in the task list after a reversal undid the task edit made before it, and the reversal stood unsaid.
    app = make_app(workspace)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        await pilot.press("p", "h")
        await settle(pilot)
        ledger = await open_ledger(pilot)
        plain = next(i for i in listed(app) if ledger.entries.row_at(listed(app).index(i)).status == "")  # type: ignore[union-attr]
        await select(pilot, plain)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"wrong campaign", "enter")
        await settle(pilot)
        await pilot.press("1")
        app.clear_notifications()
        await pilot.press("u")
        await settle(pilot)
        with Store(workspace) as store:
            words = entry_words(store.record("ledger_entry", plain))
        assert [str(n.message) for n in app._notifications] == [
            f"the reversal of {words} cannot be undone: ledger entries are append-only (enter the entry again)"
        ]
    assert sql(workspace, "SELECT priority FROM task WHERE id = ?", task)[0][0] == "high"
    assert sql(workspace, "SELECT count(*) FROM ledger_entry WHERE reverses = ?", plain)[0][0] == 1


async def test_u_and_redo_in_the_budget_pane_step_the_apps_one_history_and_an_entry_says_it_stands(workspace: Path) -> None:
    # `u` in the Budget pane did nothing and said nothing: the reversal made there stood unsaid, and the task edit
    # made before it was left to the task list's `u`.  Rebound here, as the keymap has it (`?` lists it).
    app = keymapped_app(workspace, {"ledger.undo": "ctrl+z", "ledger.redo": "ctrl+y"})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        await pilot.press("p", "h")
        await settle(pilot)
        ledger = await open_ledger(pilot)
        keys = await help_text(pilot)
        assert "ctrl+z Undo ledger.undo" in keys and "ctrl+y Redo ledger.redo" in keys, keys
        await pilot.press("escape")
        await settle(pilot)
        plain = next(i for i in listed(app) if ledger.entries.row_at(listed(app).index(i)).status == "")  # type: ignore[union-attr]
        await select(pilot, plain)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"wrong campaign", "enter")
        await settle(pilot)
        app.clear_notifications()
        await pilot.press("ctrl+z")
        await settle(pilot)
        with Store(workspace) as store:
            words = entry_words(store.record("ledger_entry", plain))
        assert [str(n.message) for n in app._notifications] == [
            f"the reversal of {words} cannot be undone: ledger entries are append-only (enter the entry again)"
        ]
        assert sql(workspace, "SELECT priority FROM task WHERE id = ?", task)[0][0] == "high"
        # The action before the reversal, made in Tasks, is undone from here and redone, as the task list's `u` would.
        app.session.edits.quick_add("Ad brief", NOW)
        app.clear_notifications()
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [str(n.message) for n in app._notifications] == ["undid: added “Ad brief”"]
        assert sql(workspace, "SELECT deleted FROM task WHERE title = 'Ad brief'")[0][0]
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert not sql(workspace, "SELECT deleted FROM task WHERE title = 'Ad brief'")[0][0]
        assert app.screen is app.main_screen and app.focused is ledger.entries
    assert sql(workspace, "SELECT count(*) FROM ledger_entry WHERE reverses = ?", plain)[0][0] == 1


async def test_the_budget_shows_burn_per_day_where_the_pane_has_room(workspace: Path) -> None:
    """Budgets against actuals, remaining, burn rate and forecast (DESIGN): the pane showed no burn rate at any width,
    only `crewdeck ledger report` did.  It is the column a narrow pane gives up first."""
    from crewdeck.tui.cli.main import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["-w", str(workspace), "ledger", "report", "--period", "2026-11", "--json"]) == 0
    report = json.loads(out.getvalue())
    burn = {c["id"]: c["total"]["burn_per_day"] for c in report["campaigns"]}
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        assert "BURN/DAY" not in ledger.budget.render_line(0).text  # a quarter of 160 columns: no room for it
        await pilot.press("z")
        await settle(pilot)
        assert "BURN/DAY" in ledger.budget.render_line(0).text
        for y, row in enumerate(ledger.budget.rows[: ledger.budget.size.height - 1], start=1):
            if row.is_total and burn[row.campaign_id] is not None:
                shown = f"{Decimal(burn[row.campaign_id]['amount']):,}"
                assert f" {shown} " in ledger.budget.render_line(y).text, (shown, ledger.budget.render_line(y).text)


async def test_an_entry_in_another_currency_shows_what_it_counts_in_the_base_currency_and_at_which_rate(workspace: Path) -> None:
    """A spend in USD counts in the EUR totals at the rate in force on its date: the entry said neither what it
    counts nor which rate, so checking a total against hledger's register (reg --value=then,EUR) had nothing to go by."""
    ws = Workspace.open(workspace)
    try:
        raj, campaign = ws.member_by_handle("raj"), ws.campaign_by_name("spring-launch").id
        dollars = actions.add_entry(ws, raj, EntryDraft("2026-11-26", campaign, "tools", "Figma", 12_345, "USD"), NOW)
        francs = actions.add_entry(ws, raj, EntryDraft("2026-11-26", campaign, "tools", "Swiss print", 9_990, "CHF"), NOW)
        day, rate = ws.conn.execute(
            "SELECT date, rate FROM rate WHERE base = 'USD' AND quote = 'EUR' AND deleted = 0 AND date <= '2026-11-26' "
            "ORDER BY date DESC LIMIT 1"
        ).fetchone()
    finally:
        ws.close()
    counted_as = (Decimal("123.45") * Decimal(rate)).quantize(Decimal("0.01"))  # half to even, as the totals round
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        for entry, expected in (
            (dollars, f"in EUR  {counted_as:,} EUR at 1 USD = {rate} EUR, the rate of {day}"),
            (
                francs,
                "in EUR  no CHF/EUR (nor EUR/CHF) rate on or before 2026-11-26: out of the totals (crewdeck rate set 2026-11-26 CHF/EUR RATE)",
            ),
        ):
            await select(pilot, entry)
            await pilot.press("enter")
            await settle(pilot)
            body = [line.strip() for line in str(app.screen.query_one("#entry-body").render()).split("\n")]
            assert expected in body, body
            await pilot.press("escape")
            await settle(pilot)
        table = pane(app).entries
        await select(pilot, next(row.id for row in map(table.row_at, range(table.total)) if row is not None and row.currency == "EUR"))
        await pilot.press("enter")
        await settle(pilot)
        assert not any(line.strip().startswith("in EUR") for line in str(app.screen.query_one("#entry-body").render()).split("\n"))


async def test_the_bar_tells_a_manager_how_many_entries_of_the_period_wait_for_their_approval(workspace: Path) -> None:
    """Spend sent for approval waited unseen: nothing in the pane said any was there, unless a manager filtered for it."""
    waiting = sql(
        workspace,
        "SELECT count(*) FROM ledger_entry e WHERE needs_approval = 1 AND reverses IS NULL AND id NOT IN (SELECT entry FROM approval) "
        "AND entered_by <> ? AND date >= '2026-11-01' AND date < '2026-12-01'",
        member_id(workspace, "ana"),
    )[0][0]
    assert waiting
    app = make_app(workspace)  # ana, the project manager
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        expected = f"{waiting} to approve"
        assert expected in ledger.query_one(PaneBar).info
        assert expected in "".join(segment.text for segment in ledger.query_one(PaneBar).render_line(0))  # at 80 columns
        await pilot.press("slash", *"is:pending -@me -is:reversal", "enter")
        await settle(pilot)
        assert ledger.entries.total == waiting  # the filter that lists them
    member = make_app(workspace, handle="raj")
    async with member.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        assert not any("to approve" in part for part in ledger.query_one(PaneBar).info)  # a member approves nothing


async def test_the_budgets_pending_column_goes_once_the_last_pending_entry_is_approved_here_or_elsewhere(workspace: Path) -> None:
    # It stayed, empty, where `ledger report` leaves it out of a campaign with nothing pending.
    [(first,), (last,)] = sql(
        workspace,
        "SELECT id FROM ledger_entry WHERE needs_approval = 1 AND reverses IS NULL AND id NOT IN (SELECT entry FROM approval) "
        "AND id NOT IN (SELECT reverses FROM ledger_entry WHERE reverses IS NOT NULL) AND date >= '2026-11-01' AND date < '2026-12-01'",
    )
    app = make_app(workspace)  # ana, the project manager
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("z")  # room for every column
        await settle(pilot)

        def header() -> str:
            return ledger.budget.render_line(0).text

        assert "PENDING" in header()
        await select(pilot, first)
        await pilot.press("a")
        await settle(pilot)
        assert "PENDING" in header()  # the other entry still waits
        Cli(workspace).ok("ledger", "approve", last)  # ana's other process: no key pressed here
        await until(pilot, lambda: "PENDING" not in header())
        assert header().split() == ["CAMPAIGN", "BUDGET", "SPENT", "LEFT", "USED", "BURN/DAY", "FORECAST"]  # theirs the width
        assert all(len(ledger.budget.row_cells(i)) == len(ledger.budget.columns) for i in range(ledger.budget.row_count()))


async def test_a_manager_marks_entries_and_approves_them_in_one_write(workspace: Path) -> None:
    # Ten pending entries took ten rounds of select and `a`; `crewdeck ledger approve` took several ids, the pane one.
    cli = Cli(workspace)
    first, second = spend(cli, "leo", "2026-11-20", "--pending"), spend(cli, "raj", "2026-11-21", "--pending")
    app = make_app(workspace)  # ana, the project manager
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("slash", *"payee:Lens is:pending", "enter")
        await settle(pilot)
        for entry in (first, second):
            await select(pilot, entry)
            await pilot.press("x")
            await settle(pilot)
        assert set(ledger.marked) == {first, second} and "2 marked" in ledger.query_one(PaneBar).info
        assert "2 marked" in "".join(segment.text for segment in ledger.query_one(PaneBar).render_line(0))  # at 80 columns
        drawn = ["".join(segment.text for segment in ledger.entries.render_line(y)) for y in range(1, ledger.entries.total + 1)]
        assert sum(line.startswith("✓") for line in drawn) == 2, drawn  # at 80 columns too
        assert approve_shown(app)
        await pilot.press("a")
        await settle(pilot)
        assert "approved 2 entries" in [str(n.message) for n in app._notifications]
        assert not ledger.marked and "marked" not in " ".join(ledger.query_one(PaneBar).info)
    approvals = sql(
        workspace, "SELECT a.entry, o.op_id FROM approval a JOIN ops o ON o.row_id = a.id WHERE a.entry IN (?, ?)", first, second
    )
    assert {entry for entry, _ in approvals} == {first, second}
    assert len({op_id.split("-")[0] for _, op_id in approvals}) == 1  # stamped in one write


async def test_marked_entries_of_which_one_may_not_be_approved_are_none_approved_and_the_notice_says_why(workspace: Path) -> None:
    cli = Cli(workspace)
    theirs, own = spend(cli, "leo", "2026-11-20", "--pending"), spend(cli, "ana", "2026-11-21", "--pending")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await pilot.press("slash", *"payee:Lens is:pending", "enter")
        await settle(pilot)
        for entry in (theirs, own):
            await select(pilot, entry)
            await pilot.press("x")
            await settle(pilot)
        assert set(ledger.marked) == {theirs, own}
        await pilot.press("a")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("nothing approved: ") and own[:8] in m for m in said), said
        assert set(ledger.marked) == {theirs, own}  # kept, to unmark the one and try again
        await pilot.press("X")
        await settle(pilot)
        assert not ledger.marked and ledger.entries.columns == ledger.entries.COLUMNS
    assert sql(workspace, "SELECT count(*) FROM approval WHERE entry IN (?, ?)", theirs, own) == [(0,)]


async def test_spend_a_manager_entered_acting_as_a_member_is_not_offered_to_her_to_approve(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pane offered `a` on spend ana entered ``--as raj`` and counted it "to approve"; the key then met the rule
    (self_approval): nobody approves spend they entered, whoever they acted as."""
    from crewdeck.tui.cli.main import main
    from crewdeck.tui.workspace.workspace import os_user

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana, raj = ["-w", str(workspace), "--as", "ana"], ["-w", str(workspace), "--as", "raj"]
    add = ["ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--pending"]
    before = await _to_approve(workspace, "ana")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*ana, "member", "set", "ana", "--unix-user", os_user()]) == 0  # this account is ana's: --as is ana acting
        assert main([*raj, *add, "--amount", "40 EUR"]) == 0
    entry = out.getvalue().split()[-1]
    assert sql(workspace, "SELECT actor FROM acting WHERE member = ?", member_id(workspace, "raj")) == [(member_id(workspace, "ana"),)]
    # The bar's count of what waits for her leaves it out; raj's own pending spend, entered in person, is hers to approve.
    assert await _to_approve(workspace, "ana") == before
    out = io.StringIO()
    with in_person(), redirect_stdout(out):
        assert main([*raj, *add, "--amount", "41 EUR"]) == 0
    in_person_entry = out.getvalue().split()[-1]
    assert await _to_approve(workspace, "ana") == before + 1
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await select(pilot, entry)
        assert ledger.selected is not None and ledger.selected.id == entry and ledger.selected.status == "pending"
        assert approve_offered(app) == (False, False)  # neither the footer nor the palette
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        # Marked with spend she may approve, `a` approves none and names it, as every entry that may not be is named.
        await pilot.press("x")
        await select(pilot, in_person_entry)
        await pilot.press("x")
        await settle(pilot)
        assert set(ledger.marked) == {entry, in_person_entry} and approve_offered(app) == (True, True)
        await pilot.press("a")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("nothing approved: ") and f"@ana entered {entry[:8]} acting as another member" in m for m in said), said
        await select(pilot, entry)
        await pilot.press("enter")  # its detail says who entered it, as the activity log does, and who may approve it
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        body = str(app.screen.query_one("#entry-body").render())
        assert "entered  by @ana as @raj," in body, body
        assert "pending: counts once a manager other than @raj and @ana approves it" in body, body
    assert sql(workspace, "SELECT count(*) FROM approval WHERE entry IN (?, ?)", entry, in_person_entry)[0][0] == 0


async def _to_approve(workspace: Path, handle: str) -> int:
    """What the Budget pane's bar says waits for ``handle``'s approval ("3 to approve")."""
    async with make_app(workspace, handle=handle).run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        said = [part for part in ledger.query_one(PaneBar).info if part.endswith("to approve")]
        return int(said[0].split()[0].replace(",", "")) if said else 0


async def test_a_manager_acting_as_another_manager_is_not_offered_her_own_spend_to_approve(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ana, acting as bo (another manager, ``--as``), was offered `a` on spend she entered herself: the judge refused it
    (self_approval: acting as bo, she is still who entered it), and the bar counted it "to approve"."""
    from crewdeck.tui.cli.main import main
    from crewdeck.tui.workspace.workspace import os_user

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana = ["-w", str(workspace), "--as", "ana"]
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*ana, "member", "add", "bo", "--name", "Bo Berg", "--tz", "Europe/Oslo", "--access", "manager"]) == 0
        assert main([*ana, "member", "set", "ana", "--unix-user", os_user()]) == 0  # this account is ana's
        add = ["ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", "40 EUR"]
        assert main([*ana, *add, "--pending"]) == 0  # ana's own, in person
    entry = out.getvalue().split()[-1]
    with in_person():
        in_person_count = await _to_approve(workspace, "bo")  # bo himself approves it
    app = make_app(workspace, handle="bo")
    assert app.services.session.actor == member_id(workspace, "ana")
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        await select(pilot, entry)
        assert ledger.selected is not None and ledger.selected.id == entry and ledger.selected.status == "pending"
        assert approve_offered(app) == (False, False)
        # The key not offered says why, as the judge would (it said nothing: the pane asked the rules without the actor).
        await pilot.press("a")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert said == [f"a: Approve — @ana entered {entry[:8]}: acting as @bo, another manager must approve it"], said
    assert await _to_approve(workspace, "bo") == in_person_count - 1
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        assert main(["-w", str(workspace), "--as", "bo", "ledger", "approve", entry]) != 0  # the judge's word on it
    with in_person(), redirect_stdout(io.StringIO()):
        app = make_app(workspace, handle="bo")
        async with app.run_test(size=SIZE) as pilot:
            await open_ledger(pilot)
            await select(pilot, entry)
            assert approve_offered(app) == (True, True)


async def test_the_filter_at_me_lists_what_the_bar_counts_to_approve_less_the_spend_entered_acting_as_another(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/ is:pending -@me` listed ana the spend she entered ``--as raj``, which the bar's "to approve" leaves out (it is
    hers: the rules refuse her approval); the README says the two filters list what the bar counts."""
    from crewdeck.tui.cli.main import main
    from crewdeck.tui.workspace.workspace import os_user

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana, raj = ["-w", str(workspace), "--as", "ana"], ["-w", str(workspace), "--as", "raj"]
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*ana, "member", "set", "ana", "--unix-user", os_user()]) == 0  # this account is ana's: --as is ana acting
        add = ["ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--pending"]
        assert main([*raj, *add, "--amount", "40 EUR"]) == 0
    entry = out.getvalue().split()[-1]
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        to_approve = [part for part in ledger.query_one(PaneBar).info if part.endswith("to approve")]
        waiting: list[str] = []
        for query in ("is:pending -@me", "is:frozen -@me"):
            await pilot.press("slash", *query, "enter")
            await settle(pilot)
            assert ledger.page is not None and ledger.page.text == query
            waiting += listed(app)
        assert entry not in waiting
        assert to_approve == [f"{len(waiting):,} to approve"], (to_approve, waiting)
        await pilot.press("slash", *"@me is:pending", "enter")  # hers, as "@ana as @raj" says
        await settle(pilot)
        assert entry in listed(app)


async def test_an_approval_a_manager_gave_acting_as_another_reads_who_gave_it_in_the_entrys_detail(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry's Approvals read "@bo" of the approval ana gave --as bo, which the activity log says "@ana as @bo" gave."""
    from crewdeck.tui.cli.main import main
    from crewdeck.tui.workspace.workspace import os_user

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ana, bo = ["-w", str(workspace), "--as", "ana"], ["-w", str(workspace), "--as", "bo"]
    out = io.StringIO()
    with redirect_stdout(out):
        assert main([*ana, "member", "add", "bo", "--name", "Bo Berg", "--tz", "Europe/Oslo", "--access", "manager"]) == 0
        with in_person():
            add = ["ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", "40 EUR"]
            assert main(["-w", str(workspace), "--as", "raj", *add, "--pending"]) == 0
        entry = out.getvalue().split()[-1]
        assert main([*ana, "member", "set", "ana", "--unix-user", os_user()]) == 0  # this account is ana's: --as is ana acting
        assert main([*bo, "ledger", "approve", entry]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, entry)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        body = str(app.screen.query_one("#entry-body").render())
        approvals = body.split("Approvals", 1)[1].splitlines()
        assert any(line.strip().startswith("@ana as @bo  ") for line in approvals), body


async def test_an_entrys_reversal_line_reads_who_entered_it_acting_as_another(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry's Reversal line read "(@raj, …)" of the reversal ana entered --as raj, whose own detail reads "entered by
    @ana as @raj", as the activity log says it."""
    from crewdeck.tui.cli.main import main
    from crewdeck.tui.workspace.workspace import os_user

    monkeypatch.setenv("CREWDECK_NOW", NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    raj = ["-w", str(workspace), "--as", "raj"]
    out = io.StringIO()
    with redirect_stdout(out):
        with in_person():
            add = ["ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--payee", "Canva", "--amount", "40 EUR"]
            assert main([*raj, *add]) == 0
        entry = out.getvalue().split()[-1]
        assert main(["-w", str(workspace), "--as", "ana", "member", "set", "ana", "--unix-user", os_user()]) == 0  # ana's account
        assert main([*raj, "ledger", "reverse", entry, "--memo", "wrong campaign"]) == 0  # ana acting as raj
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await open_ledger(pilot)
        await select(pilot, entry)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)
        body = str(app.screen.query_one("#entry-body").render())
        reversal = body.split("Reversal", 1)[1].splitlines()[1]
        assert "wrong campaign  (@ana as @raj, " in reversal, body
        assert "entered  by @raj, " in body, body  # the entry itself: raj's in person


def many_campaigns(path: Path, count: int) -> None:
    """``count`` campaigns more, each with a budget for its run in three categories: a budget table far taller than the pane."""
    from crewdeck.tui.ledger.budgets import Budget

    with Store(path) as store, store.write(member_id(path, "ana")) as w:
        for i in range(count):
            campaign = w.create("campaign", {"name": f"push-{i:03d}", "start": "2026-01-01", "end": "2026-12-31", "status": "active"})
            for category in ("ads", "content", "tools"):
                budget = Budget(campaign, category, "run", 1_000_000 + i, "EUR")
                w.set("budget", budget.id, {**budget.values, "deleted": False})


async def test_a_wide_period_formats_only_the_budget_lines_drawn_and_they_read_as_the_report(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year or all time of 200 campaigns has some 800 budget lines, and ``}`` formatted every one of them (some 40 ms
    a key) though the pane draws a dozen: a line's amounts are formatted when it is drawn, the same as the report's."""
    from crewdeck.sync.state.money import round_minor
    from crewdeck.tui.ledger import pane_data, reports, view

    many_campaigns(workspace, 60)
    formatted: list[object] = []
    counting = view._text

    def counted_text(*args: Any, **kwargs: Any) -> str:
        formatted.append(args[0])
        return counting(*args, **kwargs)

    monkeypatch.setattr(view, "_text", counted_text)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        for _ in range(3):  # quarter, year, all time
            await pilot.press("right_curly_bracket")
            await settle(pilot)
        assert ledger.period == Period.all()
        table = ledger.budget
        rows = table.rows
        assert len(rows) > 200 and table.size.height < 30
        # Six amounts a line (budget, spent, left, pending, forecast, burn/day), of at most the lines each of the four
        # periods drew: before, every line of each period, some 250 lines at all time.
        assert len(formatted) <= 4 * 6 * table.size.height
        ws = Workspace.open(workspace, readonly=True)
        try:
            base = ws.base_currency
            as_of = pane_data.today(app.services.session.me, app.services.now())
            report = reports.build(ws.conn, base, period=Period.all(), as_of=as_of)
        finally:
            ws.close()

        def amount(value: Decimal | None) -> str:
            return "" if value is None else format_minor(round_minor(value, base), base, grouping=True)

        expected = [
            (c.id, line.key, amount(line.known_budget), amount(line.spent), amount(line.remaining), amount(line.forecast))
            for c in report.campaigns
            for line in (c.total, *c.lines)
        ]
        shown = [(row.campaign_id, row.category, row.budget, row.spent, row.remaining, row.forecast) for row in rows]
        assert shown == expected

        def pending(line: reports.Line) -> str:
            if not line.pending_entries:
                return ""
            return "no rate" if line.known_pending is None else ("" if round_minor(line.pending, base) == 0 else amount(line.pending))

        assert [(row.pending, row.burn_per_day) for row in rows] == [
            (pending(line), amount(line.burn_per_day)) for c in report.campaigns for line in (c.total, *c.lines)
        ]
        assert [row.used for row in rows] == [
            reports.used_text(line.used_percent()) for c in report.campaigns for line in (c.total, *c.lines)
        ]


async def test_the_app_keeps_sqlites_own_page_cache_after_all_time(workspace: Path) -> None:
    """The session's connection could keep 64 MB of pages (``connect``'s, for big writes): } to a year and all time at
    100,000 entries filled ~35 MB of it, never given back, and the app passed 150 MB.  It keeps SQLite's default."""
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        ledger = await open_ledger(pilot)
        for _ in range(3):
            await pilot.press("right_curly_bracket")
            await settle(pilot)
        assert ledger.period == Period.all()
        (kib,) = app.session.access.read(lambda ws: ws.conn.execute("PRAGMA cache_size").fetchone())
        assert kib == -SESSION_CACHE_KIB  # in KiB (negative); a positive size would be pages


def test_budget_lines_of_other_amounts_are_not_equal(workspace: Path) -> None:
    """A budget line formats its amounts when drawn: its equality left them out, so the line of a campaign's category
    over all time equalled the same line of one month, whatever each had spent (reviewer rg)."""
    from crewdeck.tui.ledger.view import budget_view

    with Store(workspace) as store:
        base = store.conn.execute("SELECT base_currency FROM workspace").fetchone()[0]
        today = dt.date(2026, 12, 3)
        wide = {(line.campaign_id, line.category): line for line in budget_view(store.conn, base, Period.all(), today).lines}
        month = budget_view(store.conn, base, Period.parse("2026-11"), today).lines
        again = budget_view(store.conn, base, Period.parse("2026-11"), today).lines
    differing = [line for line in month if line.spent != wide[(line.campaign_id, line.category)].spent]
    assert differing and all(line != wide[(line.campaign_id, line.category)] for line in differing)
    assert month == again  # read twice, the same lines
