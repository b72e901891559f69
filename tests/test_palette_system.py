"""The command palette's app-wide commands: each names its key, and a guest's lists only what a guest can do."""

from __future__ import annotations

from pathlib import Path

from crewdeck.tui.app.screens.approvals import ApprovalsScreen

from .apphelp import demo_workspace, keymapped_app, settle
from .test_app_guest_live import _client_reviews


async def test_the_palettes_quit_is_ours_and_names_its_key_the_users_own_if_remapped(tmp_path: Path) -> None:
    """ "Quit" was Textual's own entry, "Quit the application as soon as possible", naming no key, where every other
    entry names its key."""
    path = demo_workspace(tmp_path / "demo.db")
    for keymap, key in (({}, "q"), ({"app.quit": "f10"}, "f10")):
        app = keymapped_app(path, keymap)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            [quit_command] = [c for c in app.get_system_commands(app.screen) if c.title == "Quit"]
            assert quit_command.help == f"Quit crewdeck (key {key})"


async def test_a_guests_palette_lists_only_what_a_guest_can_do(tmp_path: Path) -> None:
    """A guest's palette listed the app-wide commands the app then refuses a guest (Content calendar, Approvals,
    Results, the panes...): it lists those of their one view and the few app-wide actions a guest has."""
    path, _, _ = _client_reviews(tmp_path, 1)
    app = keymapped_app(path, {}, "gus")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not {"Content calendar", "Approvals", "Results", "Zoom", "Crisis", "Drafts kept"} & set(titles), titles
        assert not [t for t in titles if t.startswith(("Pane:", "View:"))]
        assert {"Quit", "Keys", "Name and zone"} <= set(titles)


async def test_a_guests_palette_and_keys_agree_on_textuals_theme_and_screenshot(tmp_path: Path) -> None:
    """A guest's palette listed Textual's Theme (written to the config: a web guest's is the server account's) and
    Screenshot (a file saved on the server), which check_action refuses a guest: now neither, as a member keeps both."""
    path, _, _ = _client_reviews(tmp_path, 1)
    for handle, offered in (("gus", False), ("ana", True)):
        app = keymapped_app(path, {}, handle)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            titles = {c.title for c in app.get_system_commands(app.screen)}
            for title, action in (("Theme", "change_theme"), ("Screenshot", "screenshot")):
                assert (title in titles, bool(app.check_action(action, ()))) == (offered, offered), (handle, title)
