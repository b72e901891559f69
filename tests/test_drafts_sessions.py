"""Two sessions of one member (over SSH, in two web tabs: each its own app) on the same record: the draft one keeps
while typing is offered in the other with the time it was kept, and the other never puts back a draft it was
offered once the first saved it."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from crewdeck.tui.app import drafts_typed
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.drafts import DraftOffer
from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen

from .apphelp import demo_workspace, make_app, settle, until
from .test_drafts import SIZE, drafts, notes_of, open_notes


async def _notes_typed_and_kept(app: CrewdeckApp, pilot: Pilot[None]) -> tuple[str, NotesEditorScreen]:
    """The first session's notes of the task under its cursor opened, "Call the venue" typed and kept while typed."""
    await settle(pilot)
    task = app.tasks_pane.table.cursor_key
    assert task is not None
    typing = await open_notes(app, pilot)
    await pilot.press(*"Call the venue")
    drafts_typed.keep_typed(typing)
    await until(pilot, lambda: drafts(app).get(f"notes:{task}") is not None, "the first session's text kept")
    return task, typing


async def test_a_draft_saved_in_one_session_is_not_put_back_by_the_other(tmp_path: Path) -> None:
    workspace = demo_workspace(tmp_path / "demo.db")
    first, second = make_app(workspace), make_app(workspace)
    first.session.restricted = second.session.restricted = True  # the app's own editor, as over SSH
    async with first.run_test(size=SIZE) as one:
        task, typing = await _notes_typed_and_kept(first, one)
        live = drafts(first).get(f"notes:{task}")
        assert live is not None
        async with second.run_test(size=SIZE) as two:
            await settle(two)
            assert second.tasks_pane.table.cursor_key == task
            other = await open_notes(second, two)
            question = str(other.query_one(DraftOffer).query_one("#draft-question", Static).render())
            assert question == f"A draft of {live.what} was kept at {live.kept_time()}"  # not "when the app stopped"
            await two.press("x")  # typed in the second session, kept, then taken back
            drafts_typed.keep_typed(other)
            await settle(two)
            await two.press("backspace")
            await one.press("ctrl+s")  # the first session saves its notes: its draft goes
            await until(one, lambda: first.screen is not typing, "the first session's notes saved")
            assert "Call the venue" in notes_of(workspace, task) and drafts(first).all() == []
            await two.press("escape")  # nothing of its own typed: it would put back the draft it was offered
            await settle(two)
            assert second.screen is not other
            assert drafts(second).all() == []


async def test_a_draft_saved_in_one_session_before_the_other_types_is_not_put_back_by_the_other(tmp_path: Path) -> None:
    """A kept a draft while typing; B opened the same notes and was offered it; A saved; only then B typed (kept), took
    it back and left: B put A's draft back, saved already, and the next start offered it again (reviewer rg)."""
    workspace = demo_workspace(tmp_path / "demo.db")
    first, second = make_app(workspace), make_app(workspace)
    first.session.restricted = second.session.restricted = True
    async with first.run_test(size=SIZE) as one:
        _, typing = await _notes_typed_and_kept(first, one)
        async with second.run_test(size=SIZE) as two:
            await settle(two)
            other = await open_notes(second, two)  # offered A's draft, A's app still open
            await one.press("ctrl+s")
            await until(one, lambda: first.screen is not typing, "A's notes saved")
            assert drafts(first).all() == []
            await two.press("x")
            drafts_typed.keep_typed(other)
            await settle(two)
            await two.press("backspace", "escape")
            await settle(two)
            assert second.screen is not other
            assert drafts(second).all() == []
