"""Names and titles people type are shown as typed: never read as markup."""

from __future__ import annotations

from pathlib import Path

from crewdeck.sync.state.store import Store
from crewdeck.tui.session.session import Session

from .apphelp import demo_workspace, make_app, settle, until

HOSTILE = "Launch [/] [b]bold[/b] [/b] \\[x]"


async def test_markup_in_titles_and_names_is_only_text(tmp_path: Path) -> None:
    path = demo_workspace(tmp_path / "demo.db")
    with Store(path) as store:
        ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
        raj = next(r for r, v in store.records("member") if v["handle"] == "raj")
        campaign = next(r for r, _ in store.records("campaign"))
        with store.write(ana) as w:
            w.set("member", raj, {"name": HOSTILE})
            w.set("campaign", campaign, {"name": HOSTILE})
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        task = app.tasks_pane.table.cursor_key
        assert task is not None
        # Another member's change: a notice quoting the title.
        other = Session.open(path, "raj")
        other.edits.set_fields([task], {"title": HOSTILE}, "rename")
        other.close()
        await until(pilot, lambda: any(HOSTILE in str(n.message) for n in app._notifications), "the notice")
        await pilot.press("A")  # the member picker shows raj's name
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("v")  # the view picker shows the campaign's name
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("a", *"[/] oops [b]", "enter")  # quick-add preview and the notice
        await settle(pilot)
        await pilot.press("enter")  # the detail screen
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
    with Store(path) as store:
        assert any(v["title"] == "[/] oops [b]" for _, v in store.records("task"))
