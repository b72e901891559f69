"""The triage keys, shared by the tasks pane and the task detail screen.

A class using ``Triage`` says which tasks a key acts on (``targets``) and
what to do once a write is done (``after_write``); everything else —
pickers, prompts, the worker that writes — is here once.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported
from textual.binding import Binding

from crewdeck.sync.state.ids import short
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.workers import background
from crewdeck.tui.session.session import Written
from crewdeck.tui.tasks.view import task_as_text
from crewdeck.tui.time.roster import member_label
from crewdeck.tui.time.when import format_local, parse_utc

if TYPE_CHECKING:
    from textual.app import App

    from crewdeck.tui.app.app import CrewdeckApp

TRIAGE_BINDINGS = [
    Binding("s", "cycle_status", "Status", id="triage.cycle_status"),
    Binding("d", "done", "Done", id="triage.done"),
    Binding("A", "assign", "Assign", id="triage.assign"),
    Binding("p", "priority", "Priority", id="triage.priority"),
    Binding("D", "due", "Due", id="triage.due"),
    Binding("h", "snooze", "Snooze", id="triage.snooze"),
    Binding("c", "accept", "Accept", show=False, id="triage.accept"),
    Binding("t", "take", "Take", show=False, id="triage.take"),
    Binding("r", "decline", "Decline", show=False, id="triage.decline"),
    Binding("m", "duplicate", "Duplicate", show=False, id="triage.duplicate"),
    Binding("u", "undo", "Undo", id="triage.undo"),
    Binding("ctrl+r,U", "redo", "Redo", show=False, id="triage.redo"),
    Binding("e", "edit_notes", "Notes", show=False, id="triage.edit_notes"),
    Binding("y", "copy", "Copy", show=False, id="triage.copy"),
]

MOMENT_HELP = "fri 17:00 · tomorrow · +3d · 2026-12-01 09:00 · mon 10:00 America/New_York · none"


class Triage:
    """Mixin for a Textual widget or screen; needs ``targets`` and ``after_write``."""

    app: App[object]

    @property
    def crew(self) -> CrewdeckApp:
        return self.app  # type: ignore[return-value]

    def targets(self) -> list[str]:
        raise NotImplementedError

    def after_write(self, message: str, written: Written | None) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ plumbing

    def _act(self, label: str, action: Callable[[list[str]], Written]) -> None:
        ids = self.targets()
        if not ids:
            self.app.bell()
            return
        self.run_write(label, ids, action)

    @background(group="write")
    def run_write(self, label: str, ids: list[str], action: Callable[[list[str]], Written]) -> None:
        written = action(ids)
        n = len(ids)
        self.app.call_from_thread(self.after_write, f"{label}: {n} task{'s' if n != 1 else ''}", written)

    def _ask(self, screen: PromptScreen | PickerScreen, then: Callable[[list[str], str], Written], label: str) -> None:
        """Ask, then run ``then(ids, answer)`` in a worker unless the question was cancelled."""
        ids = self.targets()
        if not ids:
            self.app.bell()
            return

        def answered(answer: str | None) -> None:
            if answer is not None:
                self.run_write(label, ids, lambda targets: then(targets, answer))

        self.app.push_screen(screen, answered)

    def moment_preview(self, name: str) -> Callable[[str], str]:
        """The live preview of a date field: exactly what ``set_from_text`` will store, read
        for the first target task (whose assignee's working day a date alone means)."""
        ids = self.targets()
        crew = self.crew

        def preview(text: str) -> str:
            if not ids:
                return ""
            now = crew.now()
            value = crew.session.field_preview(ids[0], name, text, now)
            if value is None:
                return "→ no date"
            utc, meant_tz = (value["utc"], value["tz"]) if isinstance(value, dict) else (value, crew.viewer_tz)
            instant = parse_utc(utc)
            mine = format_local(instant, crew.viewer_tz, now, clock24=crew.config.clock24)
            if meant_tz == crew.viewer_tz:
                return f"→ {mine}"
            return f"→ {format_local(instant, meant_tz, now, clock24=crew.config.clock24)} ({meant_tz}) = {mine} for you"

        return preview

    # ------------------------------------------------------------ keys

    def action_cycle_status(self) -> None:
        self._act("status", self.crew.session.cycle_status)

    def action_done(self) -> None:
        self._act("done", lambda ids: self.crew.session.set_fields(ids, {"status": "done"}, "done"))

    def action_accept(self) -> None:
        self._act("accepted", lambda ids: self.crew.session.accept(ids, take=False))

    def action_take(self) -> None:
        self._act("taken", lambda ids: self.crew.session.accept(ids, take=True))

    def action_assign(self) -> None:
        now = self.crew.now()
        clock24 = self.crew.config.clock24
        choices = [Choice("none", "nobody", "0")]
        for n, member in enumerate(self.crew.members, start=1):
            choices.append(Choice(member.id, f"{member_label(member, now, clock24=clock24)}  ({member.name})", str(n) if n < 10 else ""))
        self._ask(
            PickerScreen("Assign to (their local time now)", choices),
            lambda ids, value: self.crew.session.set_fields(ids, {"assignee": None if value == "none" else value}, "assign"),
            "assigned",
        )

    def action_priority(self) -> None:
        choices = [Choice("high", "high", "h"), Choice("med", "medium", "m"), Choice("low", "low", "l"), Choice("none", "none", "n")]
        self._ask(
            PickerScreen("Priority", choices),
            lambda ids, value: self.crew.session.set_fields(ids, {"priority": value}, "priority"),
            "priority",
        )

    def action_due(self) -> None:
        self._ask(
            PromptScreen(
                f"Due — in your zone, {self.crew.viewer_tz}, unless you name one", MOMENT_HELP, preview=self.moment_preview("due")
            ),
            lambda ids, text: self.crew.session.set_from_text(ids, "due", text, self.crew.now()),
            "due",
        )

    def action_snooze(self) -> None:
        self._ask(
            PromptScreen(
                "Snooze until",
                "tomorrow · mon · +3d · fri 14:00 · none (wake it now)",
                value="tomorrow",
                preview=self.moment_preview("snoozed_until"),
            ),
            lambda ids, text: self.crew.session.snooze(ids, text, self.crew.now()),
            "snoozed",
        )

    def action_decline(self) -> None:
        self._ask(
            PromptScreen("Decline — the creator sees why", "the reason"),
            lambda ids, text: self.crew.session.decline(ids, text),
            "declined",
        )

    def action_duplicate(self) -> None:
        self._ask(
            PromptScreen("Duplicate of which task?", "its id (a unique prefix of 4 or more)"),
            lambda ids, text: self.crew.session.mark_duplicate(ids, text),
            "marked duplicate",
        )

    def action_undo(self) -> None:
        self._undo(redo=False)

    def action_redo(self) -> None:
        self._undo(redo=True)

    @background(group="write")
    def _undo(self, redo: bool) -> None:
        session = self.crew.session
        written = session.redo() if redo else session.undo()
        if written is None:
            self.app.call_from_thread(self.app.notify, f"nothing to {'redo' if redo else 'undo'}", severity="warning")
            return
        skipped = session.last_skipped
        kept = f" (kept {skipped} later change{'s' if skipped != 1 else ''} by others)" if skipped else ""
        self.app.call_from_thread(self.after_write, f"{written.label}{kept}", written)

    def action_edit_notes(self) -> None:
        ids = self.targets()
        if ids:
            self._load_notes(ids[0])

    @background(group="notes")
    def _load_notes(self, task_id: str) -> None:
        notes = self.crew.session.task(task_id)["notes"]
        self.app.call_from_thread(self._edit_in_editor, task_id, notes)

    def _edit_in_editor(self, task_id: str, notes: str) -> None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"task-{short(task_id)}.md"
            path.write_text(notes, "utf-8")
            try:
                with self.app.suspend():
                    result = subprocess.run([*shlex.split(editor), str(path)], check=False)
            except SuspendNotSupported:
                self.app.notify(
                    "this terminal cannot hand over to an editor; set the notes with : (detail) or crewdeck set", severity="warning"
                )
                return
            except OSError as exc:
                self.app.notify(f"cannot run {editor}: {exc.strerror}", severity="error")
                return
            edited = path.read_text("utf-8")
        if result.returncode != 0:
            self.app.notify(f"{editor} exited with {result.returncode}: notes unchanged", severity="warning")
        elif edited != notes:
            self.run_write("notes", [task_id], lambda ids: self.crew.session.set_fields(ids, {"notes": edited}, "notes"))

    def action_copy(self) -> None:
        ids = self.targets()
        if ids:
            self._copy(ids[0])

    @background(group="copy")
    def _copy(self, task_id: str) -> None:
        crew = self.crew
        text = task_as_text(crew.session.detail(task_id, crew.now()), crew.session.me, crew.now(), crew.config.clock24)
        self.app.call_from_thread(self._copied, text)

    def _copied(self, text: str) -> None:
        self.app.copy_to_clipboard(text)
        self.app.notify("copied the task (OSC 52: works over SSH)")
