"""The screen's notices: a toast Textual takes down takes its place in the rack with it.

Textual shows each notice as a toast inside a holder of its own in the screen's
rack.  A notice that goes by its own timer takes its holder away; but when the
rack is refreshed and finds a toast whose notice is gone (taken down by the
app, replaced by one counting more changes, or its time up before its timer
went off), Textual takes the toast away alone.  Its holder stayed in the rack,
empty, for the app's life, laid out again at every paint: an app left open grew
by 60-80 kB with each change a teammate made.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ScreenStackError
from textual.css.query import NoMatches
from textual.notifications import Notifications
from textual.widgets._toast import Toast, ToastHolder, ToastRack


def refresh(app: App[Any]) -> None:
    """Show ``app``'s notices on its screen, as Textual's refresh does, with ``show`` for the rack's own."""
    try:
        rack = app.screen.get_child_by_type(ToastRack)
    except (ScreenStackError, NoMatches):
        return  # no screen yet, or one without a rack: the next refresh shows them
    app.call_later(show, rack, app._notifications)


def show(rack: ToastRack, notifications: Notifications) -> None:
    """``rack.show``, and each holder whose toast it takes down goes too."""
    rack.show(notifications)
    for holder in rack.query_children(ToastHolder):
        # The rack's own test (``in`` drops no notice whose time is up, so it answers as it did there); the toast it
        # took down is a child until it has left, and leaves with the holder.
        if any(toast._notification not in notifications for toast in holder.query_children(Toast)):
            holder.remove()
