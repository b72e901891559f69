"""Starting the app: find the workspace and the member, then run.

The workspace is opened and the member identified before Textual starts, so
a wrong path or an unknown member is one line on stderr like any other
command's error.  The first page of the task list, then the scores of every
task, are worked out in a thread while Textual starts, and so are the
Deadlines and Budget panes' first answers (``crewdeck.tui.app.opening``).
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.records import FILTER_WORDS
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app import start_settings
from crewdeck.tui.session.session import Session
from crewdeck.tui.tasks.views import find
from crewdeck.tui.workspace import config as config_module
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import handle_named, os_user

if TYPE_CHECKING:
    import sqlite3

    from textual.app import App

    from crewdeck.tui.cli.common import Context


def _first_run_workspace(path: Path) -> None:
    """The local workspace of someone who configured none: just them, in their zone, its manager (as ``init`` makes its
    first member), who alone may add the team, the campaigns and the settings."""
    from crewdeck.sync.state.ids import new_id
    from crewdeck.sync.state.records import WORKSPACE_ROW
    from crewdeck.tui.time.hours import parse_hours

    path.parent.mkdir(parents=True, exist_ok=True)
    user = os_user()
    member = new_id()
    with Store.fresh(path) as store, store.write(member) as w:
        w.set("workspace", WORKSPACE_ROW, {"name": "My workspace", "base_currency": "EUR"})
        w.create(
            "member",
            {
                "handle": handle_for(user),
                "name": user or "me",
                "tz": _local_zone(),
                "hours": parse_hours("mon-fri 09:00-17:00"),
                "unix_user": user,
                "access": "manager",
            },
            row_id=member,
        )


#: The first-run member's handle when the OS user name gives none a filter could name.
FIRST_RUN_HANDLE = "member"


def handle_for(user: str) -> str:
    """A valid handle from an OS user name: ASCII letters, digits, '.', '_', '-', starting with a letter or digit; never
    a word the filters read (``FILTER_WORDS``: ``@me`` is whoever filters, so the rules give it to no member)."""
    cleaned = "".join(ch for ch in user.lower() if ch.isascii() and (ch.isalnum() or ch in "._-")).lstrip("._-")[:32]
    return cleaned if cleaned and cleaned not in FILTER_WORDS else FIRST_RUN_HANDLE


def _local_zone() -> str:
    """The machine's IANA zone from TZ or /etc/localtime, else UTC."""
    from crewdeck.sync.state.zones import UnknownZoneError, check_zone

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[-1])
    except OSError:
        pass
    for name in candidates:
        try:
            return check_zone(name)
        except UnknownZoneError:
            continue
    return "UTC"


def preload() -> None:
    """Import the app's modules now (``crewdeck web session`` does, before it knows whose app it is).

    With them the Approvals view, a guest's first screen, which a terminal's
    app imports only when opened.
    """
    from crewdeck.tui.app import app  # noqa: F401
    from crewdeck.tui.app.screens import approvals  # noqa: F401


def launch(
    ctx: Context,
    *,
    on: tuple[TextIO, TextIO] | None = None,
    ends_when: Callable[[], str | None] | None = None,
    writes_end_when: Callable[[sqlite3.Connection], str | None] | None = None,
) -> int:
    """The app, as ``ctx`` says; ``on``: the input and output that must be a terminal (the command line's own).

    ``ends_when``: asked every ``WATCH_EVERY`` seconds, in a thread of its own, while the app runs; a sentence from it
    ends the app with that sentence and exit status 2 (an SSH session whose key or member was removed).
    ``writes_end_when``: asked inside every write's transaction; a sentence from it refuses the write (rule
    ``session_ended``), from the moment the session ends rather than when the app is ended for it.
    """
    path = ctx.workspace_path(required=False)
    if path is None:
        # The local workspace the command line then uses too (Context.workspace_path).
        path = config_module.default_workspace_path()
        if not path.exists():
            # Refused before the first run's workspace is made: a theme mistyped, or `crewdeck < /dev/null`, left a
            # workspace behind with the error; and so did a handle its one member will not have (`crewdeck --as ana`).
            _check_first_member(ctx, path)
            _check_start(ctx, on)
            try:
                _first_run_workspace(path)
            except (WorkspaceError, OSError) as exc:
                raise UserError(f"cannot create a local workspace at {path}: {exc}") from None
    handle, named_by = (ctx.authenticated, "--as") if ctx.authenticated else ctx.named_member
    start_settings.apply()
    session = Session.open(path, handle, ctx.config, authenticated=ctx.authenticated is not None, named_by=named_by)
    session.restricted = ctx.authenticated is not None
    if writes_end_when is not None:
        session.access.end_writes_when(writes_end_when)
    view = find(ctx.config.default_view, [], session.me)
    # The table is never taller than the terminal; rows past the first screen come when scrolled to.
    terminal = shutil.get_terminal_size()
    session.warm_up.start(view.query if view else None, ctx.now, terminal.lines)
    # And the Deadlines and Budget panes' first answers, in a thread of their own
    # (imported once the warm-up is under way: it reads meanwhile).
    from crewdeck.tui.app.opening import Opening

    opening = Opening(session, ctx.config.clock24, ctx.now, terminal.columns)
    from crewdeck.tui.app.app import CrewdeckApp, check_config, keymap_warnings

    try:
        check_config(ctx.config)
        for line in keymap_warnings(ctx.config):
            print(visible(f"warning: {line}"), file=sys.stderr)
        _check_terminal(on)
    except UserError:
        session.close()
        raise
    app = CrewdeckApp(session, ctx.config, opening=opening)
    watch = _Watch()
    if ends_when is not None:
        threading.Thread(target=watch.run, args=(app, ends_when), name="crewdeck-session-watch", daemon=True).start()
    try:
        app.run()
    finally:
        reason = watch.stop()
        session.close()  # ends the warm-up first
    if reason is not None:
        # After the app gave the terminal back: one line, as every error is.
        print(f"crewdeck: {reason}", file=sys.stderr)
        return 2
    return app.return_code or 0


def _check_first_member(ctx: Context, path: Path) -> None:
    """Refuse (``UserError``) a handle named by ``--as`` or ``CREWDECK_MEMBER`` that the first run's one member, made
    from the Unix user, will not have: the workspace is not made for it."""
    handle, named_by = ctx.named_member
    if handle is None:
        return
    wanted, first = handle_named(handle, named_by), handle_for(os_user())
    if wanted == first:
        return
    raise UserError(
        f"{named_by} @{wanted}: no member with that handle: the local workspace the app makes on "
        f"its first start ({typed_name(path)}) has one member, @{first}, you (run crewdeck without {named_by}, or name "
        f"a team's workspace with --workspace)"
    )


def _check_start(ctx: Context, on: tuple[TextIO, TextIO] | None) -> None:
    """Refuse (``UserError``) a config the app cannot use, or an input or output ``on`` that is no terminal."""
    from crewdeck.tui.app.app import check_config

    check_config(ctx.config)
    _check_terminal(on)


def _check_terminal(on: tuple[TextIO, TextIO] | None) -> None:
    if on is not None and not all(stream.isatty() for stream in on):
        # `crewdeck > out.txt`, `crewdeck < /dev/null`: the app would draw its escape codes into the file and wait for keys.
        raise UserError(
            "the app needs a terminal, and standard input or output is not one (for a listing: crewdeck tasks; every command: crewdeck --help)"
        )


#: How often ``launch``'s ``ends_when`` is asked.
WATCH_EVERY = 1.0


class _Watch:
    """Asks ``ends_when`` while the app runs, and ends the app with its reason."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._reason: str | None = None

    def run(self, app: App[int], ends_when: Callable[[], str | None]) -> None:
        while not self._done.wait(WATCH_EVERY):
            reason = ends_when()
            if reason is None:
                continue
            with self._lock:
                if self._done.is_set():
                    return
                self._reason = reason
            try:
                app.call_from_thread(app.exit, None, 2)
            except RuntimeError:  # the app is not running yet: asked again at the next round
                with self._lock:
                    self._reason = None
                continue
            return

    def stop(self) -> str | None:
        """Stop asking; the reason the app was ended for, if it was."""
        with self._lock:
            self._done.set()
            return self._reason
