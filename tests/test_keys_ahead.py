"""Which keys the app sends again: those typed ahead of an action that has run since, once each."""

from __future__ import annotations

from pathlib import Path

from textual import events

from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.keys_ahead import REMEMBERED, KeysAhead
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace.config import Config

from .apphelp import demo_workspace


def key(name: str) -> events.Key:
    return events.Key(name, name)


def test_keys_sent_before_an_action_are_sent_again_once_each() -> None:
    keys = KeysAhead()
    burst = [key("j") for _ in range(5)]
    for k in burst:
        keys.sent(k)
    # The first comes back before its own action runs: handled where it is, and its action runs.
    assert keys.typed_ahead(burst[0]) is None
    keys.actions += 1
    again = [keys.typed_ahead(k) for k in burst[1:]]
    assert all(a is not None and (a.key, a.character) == ("j", "j") for a in again)
    for a in again:
        assert a is not None
        keys.sent(a)
    for a in again:
        assert a is not None
        assert keys.typed_ahead(a) is None  # never a second time, whatever actions the others ran
        keys.actions += 1


def test_only_the_last_keys_sent_are_remembered() -> None:
    keys = KeysAhead()
    burst = [key("x") for _ in range(REMEMBERED + 10)]  # most typed into a field: a widget took them
    for k in burst:
        keys.sent(k)
    keys.actions += 1
    assert keys.typed_ahead(burst[0]) is None
    assert keys.typed_ahead(burst[-1]) is not None


async def test_a_key_that_arrives_once_no_screen_is_left_is_dropped(tmp_path: Path) -> None:
    """A key sent again just as the app closed reached Textual with no screen to take it: ScreenStackError."""
    session = Session.open(demo_workspace(tmp_path / "demo.db"), "ana")
    try:
        app = CrewdeckApp(session, Config(), watch=False)
        assert not app.screen_stack
        await app.on_event(events.Key("q", "q"))
    finally:
        session.close()
