"""Changing your own name and zone from the app (`M`): a guest, who holds no replica and runs no commands, too."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from crewdeck.sync.state.rules import Refused
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.workspace import Workspace

from .apphelp import settle, until
from .syncsupport import crewdeck_fails
from .websupport import make_posts_team


def _member(path: Path, handle: str) -> tuple[str, str]:
    ws = Workspace.open(path)
    try:
        member = ws.member_by_handle(handle)
        return member.name, member.tz
    finally:
        ws.close()


def test_a_guest_changes_their_own_name_and_zone_and_nothing_else_through_the_apps_write(tmp_path: Path) -> None:
    team = make_posts_team(tmp_path)
    session = Session.open(team, "acme", authenticated=True)
    try:
        written = session.edits.set_profile("Acme Marketing", "America/New_York")
        assert {(op.entity, op.field) for op in written.ops} == {("member", "name"), ("member", "tz")}
        assert _member(team, "acme") == ("Acme Marketing", "America/New_York")
        # The same values again write nothing.
        assert not session.edits.set_profile("Acme Marketing", "America/New_York").ops

        def write(values: dict[str, object], member: str | None = None) -> None:
            session.access.write(lambda ws, w: w.set("member", member or session.me.id, values))

        # Every other field of their own record, each a value the field takes: what a member changes, and a manager's.
        others: dict[str, object] = {
            "hours": {"mon": [["09:00", "17:00"]]},
            "days_off": ["2026-12-24"],
            "handle": "acme.co",
            "role": "client",
            "access": "member",
            "groups": ["brand"],
            "campaigns": [],
            "unix_user": "acme",
            "deleted": True,
        }
        for field, value in others.items():
            with pytest.raises(Refused) as own:
                write({field: value})
            assert own.value.refusal.rule == "own_profile_only", field
            said = own.value.refusal.message
            # In the words of member set's options, never the log's field names.
            assert "may change only their own name and time zone; only a manager " in said, said
            assert ("removes members" if field == "deleted" else "changes their ") in said, said
            assert "days_off" not in said and "unix_user" not in said and "deleted" not in said, said
        raj = session.access.read(lambda ws: ws.member_by_handle("raj").id)
        with pytest.raises(Refused) as other:
            write({"name": "Not Raj"}, raj)
        assert other.value.refusal.rule == "managers_only"
    finally:
        session.close()
    assert _member(team, "raj")[0] != "Not Raj"


async def test_m_in_a_guests_app_asks_name_then_zone_refuses_an_unknown_zone_as_the_cli_does_and_saves_both(tmp_path: Path) -> None:
    """A client set up in UTC read every publish slot hours off their own clock, and nothing in their app (the only
    crewdeck they reach, in a browser or over SSH) changed it."""
    team = make_posts_team(tmp_path)
    cli = crewdeck_fails("-w", str(team), "--as", "ana", "member", "set", "raj", "--tz", "America/New_Yrok")
    session = Session.open(team, "acme", authenticated=True)
    session.restricted = True
    app = CrewdeckApp(session, Config(), watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Acme Marketing", "enter")
        await settle(pilot)
        zone_prompt = app.screen
        assert isinstance(zone_prompt, PromptScreen) and "time zone" in zone_prompt.title_text
        await pilot.press(*"America/New_Yrok", "enter")
        await settle(pilot)
        assert app.screen is zone_prompt  # refused: the text stays, to fix
        said = str(zone_prompt.query_one("#prompt-refused", Static).render())
        assert said.startswith("unknown time zone 'America/New_Yrok' (did you mean America/New_York"), said
        assert cli.strip().endswith(said), cli  # the CLI's line, after its flag
        assert _member(team, "acme") == ("Acme Client", "UTC")
        for _ in "America/New_Yrok":
            await pilot.press("backspace")
        # A zone with no daylight saving, taken quietly where New York's was meant: its preview says so, as
        # member set --tz's note does.
        await pilot.press(*"EST")
        note = "EST is UTC-05:00 all year, with no daylight saving: for New York's clocks use America/New_York"
        preview = zone_prompt.query_one("#prompt-preview", Static)
        await until(pilot, lambda: note in str(preview.render()), "the note in the preview")
        for _ in "EST":
            await pilot.press("backspace")
        await pilot.press(*"America/New_York", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        assert session.me.tz == "America/New_York" and session.me.name == "Acme Marketing"
        told = [n.message for n in app._notifications]
        assert told[-1] == "set the name of @acme to “Acme Marketing”; moved @acme to America/New_York", told
        # Both as they are: said, and nothing written.
        await pilot.press("M")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        assert [n.message for n in app._notifications][-1] == "your name and zone are as given already: nothing written"
    session.close()
    assert _member(team, "acme") == ("Acme Marketing", "America/New_York")


def test_a_name_the_store_refuses_is_said_as_a_verdicts_note_is_before_anything_is_written() -> None:
    """The profile's name check and the post writer's one-line check are one (``rules.one_line_problem``): a name with a
    control character or longer than the field takes is refused in the dialog, naming the field, with its length."""
    from crewdeck.tui.app.profile import checked_name

    assert checked_name("  Mira Soler ") == "Mira Soler"
    for typed, said in (
        ("Mira\x1b[2J", "member.name: text may not hold control characters (U+001B)"),
        ("M" * 201, "member.name: longer than 200 characters (it has 201)"),
        ("   ", "member.name: must not be empty"),
    ):
        with pytest.raises(ValueError) as refused:
            checked_name(typed)
        assert str(refused.value) == said
