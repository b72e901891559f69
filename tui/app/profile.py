"""The profile key: my own name and time zone, changed where I am (the app, in a terminal, a browser or over SSH).

A guest holds no replica and runs no commands (``crewdeck member set``): this is their one way to change the two
fields of their profile the rules let them change.  Every member has it too.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from crewdeck.sync.state.rules import one_line_problem
from crewdeck.sync.state.zones import check_zone, surprise
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.time.when import format_local


def checked_name(text: str) -> str:
    """The name as it is stored (trimmed); ``ValueError`` saying why the store would refuse it."""
    name = text.strip()
    problem = one_line_problem("member", "name", name)
    if problem is not None:
        raise ValueError(f"member.name: {problem}")
    return name


def zone_preview(services: Services, text: str) -> str:
    """What the zone typed means: the time there now, or the same one line ``member set --tz`` gives for no zone; and
    the note ``member set --tz`` gives for a zone likely not the one meant (``EST``: no daylight saving)."""
    zone = check_zone(text.strip())
    now = services.now()
    shown = f"your time there now: {format_local(now, zone, now, clock24=services.config.clock24)}"
    said = surprise(zone, now)
    return f"{shown}; note: {said}" if said else shown


class ProfileKey:
    """Ask my name, then my zone (checked as it is typed); the zone's ``enter`` writes both."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def run(self, app: App[Any]) -> None:
        me = self._services.session.me
        cancel = said_key(app, PromptScreen.BINDINGS, "prompt.cancel")

        def named(name: str | None) -> None:
            if name is not None:
                self._ask_zone(app, checked_name(name), cancel)

        app.push_screen(
            PromptScreen(
                "Your name, as the team sees it",
                f"enter goes on to your time zone, {cancel} cancels",
                value=me.name,
                submit=checked_name,
            ),
            named,
        )

    def _ask_zone(self, app: App[Any], name: str, cancel: str) -> None:
        services = self._services

        def submit(text: str) -> None:
            # In the dialog's worker: an unknown zone, or a refusal by the rules, keeps the dialog open, saying why.
            written = services.session.edits.set_profile(name, check_zone(text.strip()))
            # As the activity log says it ("set the zone of @acme to America/Chicago"): which of the two changed, and to what.
            said = services.session.edits.words(written.ops) if written.ops else "your name and zone are as given already: nothing written"
            app.call_from_thread(services.written, said, written)

        app.push_screen(
            PromptScreen(
                "Your time zone, an IANA name (America/New_York, Asia/Kolkata)",
                f"times are shown on its clock — enter saves your name and zone, {cancel} cancels",
                value=services.session.me.tz,
                preview=lambda text: zone_preview(services, text),
                submit=submit,
            )
        )
