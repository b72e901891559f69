"""``u`` and ``ctrl+r``: undo and redo my last action in the app, from the task list, a task's detail or the calendar.

One history for all of them (the session's ``Edits``): a post moved in the
calendar is undone from the task list too, and the other way round.  An
undo or redo the rules refuse says why in one line and writes nothing.  One
that would void a post's round and the approvals given on it asks first, as
a change of its copy or its campaign does (``voiding.change_voids``).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode

from crewdeck.sync.state.oplog import Op
from crewdeck.tui.app.keys_ahead import HoldsKeys
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.session.writing import Written


def voided_said(services: Services, ops: tuple[Op, ...]) -> str:
    """In a worker: what the notice of a write (``ops``) adds when it voided a post's round, as the notice of a change
    of its copy says it (``voiding.voided_note``): ": that voids the round and the approval of @mia: it is a draft
    until it is submitted again"; "" when it voided none."""
    # The posts' rules: read by a write, not for the app's first paint.
    from crewdeck.tui.posts.voiding import write_voided_note

    me, now = services.session.me.id, services.now()
    return services.session.access.read(lambda ws: write_voided_note(ws.conn, ops, now, me)) if ops else ""


def step_history(node: DOMNode, services: Services, redo: bool, after_write: Callable[[str, Written | None], None]) -> None:
    """Undo (or redo) in a worker of ``node``; then ``after_write`` with what it says and wrote, on the UI thread."""
    edits = services.session.edits
    app = node.app

    def step() -> None:
        restored = edits.redo() if redo else edits.undo()
        if restored is None:
            app.call_from_thread(app.notify, f"nothing to {'redo' if redo else 'undo'}", severity="warning")
            return
        # "undid: set the platform of “Reel” to linkedin" alone left the approvals it took unsaid, once asked about.
        app.call_from_thread(after_write, restored.said + voided_said(services, restored.written.ops), restored.written)

    def asked() -> bool:
        """Whether the step voids a post's round, and so was asked about (the question pushed): ``y`` steps."""
        # The posts' rules: read by an undo, not for the app's first paint.
        from crewdeck.tui.posts.voiding import change_voids

        me, now, changes = services.session.me.id, services.now(), edits.step_changes(redo)
        voids = services.session.access.read(lambda ws: change_voids(ws.store, me, changes, now)) if changes else ""
        if not voids:
            return False
        verb = "redo" if redo else "undo"

        def chosen(answer: str | None) -> None:
            question.say_set_aside(f"the {verb}'s question")
            if answer == "yes":
                in_background(node, step, name="undo", group="write")

        question = PickerScreen(voids, [Choice("yes", f"{verb} all the same", "y")], asked_ahead=True)
        app.call_from_thread(app.push_screen, question, chosen)
        return True

    # The keys typed while it reads whether to ask wait for the question (which sets them aside: a `y` typed ahead
    # answers no question not yet seen), or, none asked, go on as the undo goes ahead: they went to the list under
    # the question, to its bindings (`j` moved the cursor, `d` marked a task done, while the undo waited for an answer).
    over = app.keys_wait_for_dialog(f"the {'redo' if redo else 'undo'} was checked") if isinstance(app, HoldsKeys) else None

    def ask_first() -> None:
        try:
            ask = asked()
        finally:
            if over is not None:
                app.call_from_thread(over)  # behind the question's push; with none, before the undo's write
        if not ask:
            step()

    in_background(node, ask_first, name="undo", group="write")
