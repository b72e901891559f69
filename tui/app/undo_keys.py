"""``u`` and ``ctrl+r``: undo and redo my last action in the app, from the task list, a task's detail or the calendar.

One history for all of them (the session's ``Edits``): a post moved in the
calendar is undone from the task list too, and the other way round.  An
undo or redo the rules refuse says why in one line and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode

from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.session.writing import Written


def step_history(node: DOMNode, services: Services, redo: bool, after_write: Callable[[str, Written | None], None]) -> None:
    """Undo (or redo) in a worker of ``node``; then ``after_write`` with what it says and wrote, on the UI thread."""
    edits = services.session.edits
    app = node.app

    def step() -> None:
        restored = edits.redo() if redo else edits.undo()
        if restored is None:
            app.call_from_thread(app.notify, f"nothing to {'redo' if redo else 'undo'}", severity="warning")
            return
        app.call_from_thread(after_write, restored.said, restored.written)

    in_background(node, step, name="undo", group="write")
