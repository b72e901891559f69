"""The triage keys, shared by the tasks pane and the task detail screen.

Each owns a ``Triage`` and says which tasks a key acts on (``targets``)
and what to do once a write is done (``after_write``); its ``triage(key)``
action runs the key here.  Everything else — pickers, prompts, the worker
that writes — is here once.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import SuspendNotSupported
from textual.binding import Binding
from textual.widget import Widget

from crewdeck.sync.state.ids import short
from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.post_keys import PostKeys
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen, Submit
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.undo_keys import step_history, voided_said
from crewdeck.tui.app.workers import in_background, refusal
from crewdeck.tui.session.writing import Written
from crewdeck.tui.time.roster import member_labels
from crewdeck.tui.time.when import clock_change_note, format_local, parse_utc
from crewdeck.tui.workspace.errors import UserError

if TYPE_CHECKING:
    # The screens of rarer keys are imported when first opened, not for the app's first paint.
    from crewdeck.tui.app.screens.task_picker import TaskPickerScreen
    from crewdeck.tui.session.task_search import Matches

TRIAGE_BINDINGS = [
    Binding("s", "triage('cycle_status')", "Status", id="triage.cycle_status"),
    Binding("d", "triage('done')", "Done", id="triage.done"),
    Binding("A", "triage('assign')", "Assign", id="triage.assign"),
    Binding("p", "triage('priority')", "Priority", id="triage.priority"),
    Binding("D", "triage('due')", "Due", id="triage.due"),
    Binding("h", "triage('snooze')", "Snooze", id="triage.snooze"),
    Binding("c", "triage('accept')", "Accept", show=False, id="triage.accept"),
    Binding("t", "triage('take')", "Take", show=False, id="triage.take"),
    Binding("r", "triage('decline')", "Decline", show=False, id="triage.decline"),
    Binding("m", "triage('duplicate')", "Duplicate", show=False, id="triage.duplicate"),
    Binding("u", "triage('undo')", "Undo", id="triage.undo"),
    Binding("ctrl+r,U", "triage('redo')", "Redo", show=False, id="triage.redo"),
    Binding("e", "triage('edit_notes')", "Notes", show=False, id="triage.edit_notes"),
    Binding("y", "triage('copy')", "Copy", show=False, id="triage.copy"),
]

MOMENT_HELP = "fri 17:00 · tmrw · eow · dec 9 · next week · +3d · 2026-12-01 09:00 · mon 10:00 America/New_York · none"


class NotesChanged(UserError):
    """Notes not saved: they changed since the editor opened them (``notes``: what they are now)."""

    def __init__(self, notes: str, keep: str) -> None:
        """``keep``: the key that cancels the notes editor, as the keymap has it."""
        super().__init__(
            "the notes were changed since you opened them (in another session, or by someone else): "
            f"save again to put yours over them, or {keep} to keep theirs"
        )
        self.notes = notes


class Triage:
    """The triage keys' work, for the widget or screen that owns it (see the module)."""

    def __init__(
        self,
        owner: Widget,
        services: Services,
        targets: Callable[[], list[str]],
        after_write: Callable[[str, Written | None], None],
        title_of: Callable[[str], str | None] = lambda task_id: None,
        acted_on: Callable[[list[str]], Callable[[], None]] = lambda ids: lambda: None,
    ) -> None:
        """``title_of``: a task's title as the owner shows it, ``None`` where it shows none (a draft names its tasks);
        ``acted_on``: called with the tasks a key acts on as it is pressed, it returns what to call once its change is
        written (the task list drops the marks they had then)."""
        self._owner = owner
        self._services = services
        self._targets = targets
        self._after_write = after_write
        self._title_of = title_of
        self._acted_on = acted_on
        #: For a post, ``s`` and ``d`` are its moves.
        self.posts = PostKeys(owner, services, targets)

    def run(self, key: str) -> None:
        """The key named ``key`` in ``TRIAGE_BINDINGS``."""
        self.KEYS[key](self)

    # ------------------------------------------------------------ plumbing

    def _act(self, label: str, action: Callable[[list[str]], Written]) -> None:
        ids = self._targets()
        if not ids:
            self._owner.app.bell()
            return
        self.run_write(label, ids, action)

    def run_write(self, label: str, ids: list[str], action: Callable[[list[str]], Written]) -> None:
        """``action(ids)`` in a worker, then ``after_write`` with what it wrote."""
        written = self._acted_on(ids)
        in_background(self._owner, lambda: self.write(label, ids, action, written), name="run_write", group="write")

    def write(
        self, label: str, ids: list[str], action: Callable[[list[str]], Written], written_for: Callable[[], None] = lambda: None
    ) -> None:
        """In a worker: ``action(ids)``, then ``written_for()`` and ``after_write`` with what it wrote."""
        written = action(ids)
        n = len(ids)
        # Said as the log says it ("marked “Brief” done", "assigned “Brief” to @kenji, and 2 more"): a count
        # alone named neither the task nor the change, nor the next instance a series made.
        said = self._services.session.edits.words(written.ops) if written.ops else ""
        # A post's round it voided (the `:` editor's platform=, asked about first) is said as a change of the copy says it.
        said += voided_said(self._services, written.ops) if said else ""
        # Nothing written: every task held what was given already (a value is written only where it changes).
        held = f"{label}: nothing written ({'the task is' if n == 1 else f'the {n} tasks are'} as given already)"

        def done() -> None:
            written_for()
            self._after_write(said or held, written)

        self._owner.app.call_from_thread(done)

    def _ask(
        self, ask: Callable[[Submit], PromptScreen | PickerScreen | TaskPickerScreen], then: Callable[[list[str], str], Written], label: str
    ) -> None:
        """Ask with the screen ``ask(submit)`` makes; its ``submit`` runs ``then(ids, answer)`` (in the screen's
        worker), so that an answer the write refuses leaves the question open, saying why."""
        ids = self._targets()
        if not ids:
            self._owner.app.bell()
            return
        written_for = self._acted_on(ids)
        self._owner.app.push_screen(ask(lambda answer: self.write(label, ids, lambda targets: then(targets, answer), written_for)))

    def _draft_for(self, kind: str, what: str) -> DraftFor:
        """What a prompt's answer for the tasks the keys act on is for: ``kind`` and their ids name it in the drafts
        ("due:ID,ID"), ``what`` and the tasks to a person ("your due date for 05d2188d “Brief”")."""
        ids = self._targets()
        if len(ids) == 1:
            title = self._title_of(ids[0])
            named = short(ids[0]) + ("" if title is None else f" “{title}”")
        else:
            named = f"{len(ids)} marked tasks ({', '.join(map(short, ids[:3]))}{', …' if len(ids) > 3 else ''})"
        return DraftFor(f"{kind}:{','.join(ids)}", f"{what} {named}")

    def moment_preview(self, name: str) -> Callable[[str], str]:
        """The live preview of a date field: exactly what ``set_from_text`` will store, read
        for the first target task (whose assignee's working day a date alone means)."""
        ids = self._targets()
        services = self._services
        # The tasks' due dates and statuses, for a snooze's note: read once, on the first key, not on every one.
        tasks: list[dict[str, Any]] = []

        def preview(text: str) -> str:
            if not ids:
                return ""
            now = services.now()
            values = services.session.edits.field_previews(ids, name, text, now)
            value = values[0]
            if value is None:
                return "→ no date"
            meant_tz = value["tz"]
            instant = parse_utc(value["utc"])
            clock24 = services.config.clock24
            mine = format_local(instant, services.viewer_tz, now, clock24=clock24)
            # Marked tasks of assignees in other zones or hours get another instant for "fri": the first's alone read
            # as the date every one of them would get.
            elsewhere = [v for v in values[1:] if v != value]
            others = list(dict.fromkeys(format_local(parse_utc(v["utc"]), services.viewer_tz, now, clock24=clock24) for v in elsewhere))
            if len(others) > 2:
                others[2:] = ["…"]
            # As quick-add's preview says them: a clock change at the time typed, a due date already passed, and as
            # set says it, a snooze that hides the task past its due date.
            notes = [clock_change_note(text.split(), value, now, clock24)]
            # Every marked task's: the first's alone said nothing of another's end of day passed, or due before a snooze.
            if name == "due":
                notes.append(of_marked([services.session.edits.overdue_words(i, v, now) for i, v in zip(ids, values)]))
            if name == "snoozed_until":
                from crewdeck.tui.tasks.edits import wakes_overdue  # the edits' rules: not imported for the first paint

                tasks[:] = tasks or [services.session.reads.task(task_id) for task_id in ids]
                notes.append(of_marked([wakes_overdue(task, value, now) for task in tasks]))
            if elsewhere:
                notes.append(f"{len(elsewhere)} of the {len(ids)} by their assignee's day: {', '.join(others)} for you")
            said = "".join(f" · {note}" for note in notes if note)
            if meant_tz == services.viewer_tz:
                return f"→ {mine}{said}"
            meant = format_local(instant, meant_tz, now, clock24=clock24, reader_tz=services.viewer_tz)
            return f"→ {meant} ({meant_tz}) = {mine} for you{said}"

        return preview

    # ------------------------------------------------------------ keys

    def cycle_status(self) -> None:
        self.posts.either(lambda: self._act("status", self._services.session.edits.cycle_status), self.posts.status)

    def done(self) -> None:
        self.posts.either(
            lambda: self._act("done", lambda ids: self._services.session.edits.set_fields(ids, {"status": "done"}, "done")),
            self.posts.publish,
        )

    def accept(self) -> None:
        self._act("accepted", lambda ids: self._services.session.edits.accept(ids, take=False))

    def take(self) -> None:
        self._act("taken", lambda ids: self._services.session.edits.accept(ids, take=True))

    def assign(self) -> None:
        services = self._services
        now = services.now()
        clock24 = services.config.clock24
        # A guest (a client who approves posts) sees no task and changes none: not someone to give one to.
        members = [m for m in services.members if m.access != "guest"]
        labels = member_labels(members, now, clock24=clock24)
        named = [f"{label}  ({member.name})" for label, member in zip(labels, members)]
        # Names too where they fit: at 80 columns they would wrap the rows.
        if max(map(len, named), default=0) <= PickerScreen.label_room(self._owner.app.size.width):
            labels = named
        choices = [Choice("none", "nobody", "0")]
        choices += [Choice(m.id, label, str(n) if n < 10 else "") for n, (m, label) in enumerate(zip(members, labels), start=1)]
        self._ask(
            lambda submit: PickerScreen("Assign to (their local time now)", choices, submit=submit),
            lambda ids, value: services.session.edits.set_fields(ids, {"assignee": None if value == "none" else value}, "assign"),
            "assigned",
        )

    def priority(self) -> None:
        choices = [Choice("high", "high", "h"), Choice("med", "medium", "m"), Choice("low", "low", "l"), Choice("none", "none", "n")]
        self._ask(
            lambda submit: PickerScreen("Priority", choices, submit=submit),
            lambda ids, value: self._services.session.edits.set_fields(ids, {"priority": value}, "priority"),
            "priority",
        )

    def due(self) -> None:
        services = self._services
        self._ask(
            lambda submit: PromptScreen(
                f"Due — in your zone, {services.viewer_tz}, unless you name one",
                MOMENT_HELP,
                preview=self.moment_preview("due"),
                submit=submit,
                draft_for=self._draft_for("due", "your due date for"),
            ),
            lambda ids, text: services.session.edits.set_from_text(ids, "due", text, services.now()),
            "due",
        )

    def snooze(self) -> None:
        services = self._services
        self._ask(
            lambda submit: PromptScreen(
                "Snooze until",
                "tomorrow · mon · +3d · fri 14:00 · none (wake it now)",
                value="tomorrow",
                preview=self.moment_preview("snoozed_until"),
                submit=submit,
                draft_for=self._draft_for("snooze", "your snooze of"),
            ),
            lambda ids, text: services.session.edits.snooze(ids, text, services.now()),
            "snoozed",
        )

    def decline(self) -> None:
        self._ask(
            lambda submit: PromptScreen(
                "Decline — the creator sees why",
                "the reason",
                submit=submit,
                draft_for=self._draft_for("decline", "your reason to decline"),
            ),
            lambda ids, text: self._services.session.edits.decline(ids, text),
            "declined",
        )

    def duplicate(self) -> None:
        from crewdeck.tui.app.screens.task_picker import WINDOW, TaskPickerScreen
        from crewdeck.tui.session.task_search import search_tasks  # the picker's search, as the picker: on first use

        services = self._services
        exclude = frozenset(self._targets())

        def search(text: str) -> Matches:
            return search_tasks(services.session, text, services.now(), exclude=exclude, limit=WINDOW)

        self._ask(
            lambda submit: TaskPickerScreen("Duplicate of which task?", search, submit, "the task this one repeats; it is cancelled"),
            lambda ids, original: services.session.edits.mark_duplicate(ids, original),
            "marked duplicate",
        )

    def undo(self) -> None:
        step_history(self._owner, self._services, False, self._after_write)

    def redo(self) -> None:
        step_history(self._owner, self._services, True, self._after_write)

    def edit_notes(self, *, in_app: bool = False) -> None:
        """``in_app``: in the app's own editor whatever $EDITOR is (a draft kept of it is offered there alone)."""
        ids = self._targets()
        if not ids:
            return
        if len(ids) > 1:
            # The notes of the first marked task (by id, not even the one under the cursor) opened, unsaid.
            self._owner.app.notify(f"notes: one task at a time, and {len(ids)} are marked", severity="warning")
            return
        task_id = ids[0]
        app = self._owner.app

        def load() -> None:
            task = self._services.session.reads.task(task_id)
            # Named as the detail screen names it: the id alone said nothing to whom the task list shows titles.
            named, notes = f"{short(task_id)} “{task['title']}”", task["notes"]
            if in_app:
                app.call_from_thread(self._edit_in_app, task_id, named, notes, notes)
            else:
                app.call_from_thread(self._edit_in_editor, task_id, named, notes)

        in_background(self._owner, load, name="load_notes", group="notes")

    def _edit_in_editor(self, task_id: str, named: str, notes: str) -> None:
        """``named``: the task as the editor's heading names it."""
        app = self._owner.app
        if self._services.session.restricted:
            # Over SSH no key may lead to a program of the user's choice (an editor has a shell escape).
            self._edit_in_app(task_id, named, notes, notes)
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"task-{short(task_id)}.md"
            path.write_text(notes, "utf-8")
            try:
                with app.suspend():
                    result = subprocess.run([*shlex.split(editor), str(path)], check=False)
            except SuspendNotSupported:
                app.notify("this terminal cannot hand over to an editor; set the notes with : (detail) or crewdeck set", severity="warning")
                return
            except OSError as exc:
                app.notify(f"cannot run {editor}: {exc.strerror}", severity="error")
                return
            edited = path.read_text("utf-8")
        if result.returncode != 0:
            app.notify(f"{editor} exited with {result.returncode}: notes unchanged", severity="warning")
        elif edited != notes:
            self._save_edited_notes(task_id, named, notes, edited)

    def _write_notes(self, task_id: str, notes: str, text: str) -> None:
        """In a worker: ``text`` as the task's notes, unless it is what they were when opened (``notes``).

        Notes that changed since they were opened (saved in another session of the same member, or by anyone) are
        not saved over unsaid: ``NotesChanged``, with the notes of now, which a save given them goes over.
        """
        if text == notes:
            return
        now = str(self._services.session.reads.task(task_id)["notes"])
        if now == text:
            return
        if now != notes:
            from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen

            raise NotesChanged(now, said_key(self._owner.app, NotesEditorScreen.BINDINGS, "notes.cancel"))
        self.write("notes", [task_id], lambda ids: self._services.session.edits.set_fields(ids, {"notes": text}, "notes"))

    def _edit_in_app(self, task_id: str, named: str, notes: str, text: str, refused: str = "") -> None:
        """The app's own editor on ``text``: a save the rules refuse keeps it open, with the text and why; so does a
        save over notes changed meanwhile, which the next save goes over."""
        from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen

        opened = [notes]

        def save(typed: str) -> None:
            try:
                self._write_notes(task_id, opened[0], typed)
            except NotesChanged as changed:
                opened[0] = changed.notes
                raise

        draft_for = DraftFor(f"notes:{task_id}", f"the notes of {named}")
        self._owner.app.push_screen(NotesEditorScreen(f"Notes of {named}", text, save, refused, draft_for))

    def _save_edited_notes(self, task_id: str, named: str, notes: str, edited: str) -> None:
        """Write what the editor wrote; refused (longer than a task holds, the task deleted meanwhile), it opens in the
        app's editor with why, to fix and save again: the editor's file is gone, and the notice alone lost the text."""
        app = self._owner.app

        def save() -> None:
            try:
                self._write_notes(task_id, notes, edited)
            except Exception as exc:
                why = refusal(exc)
                if why is None:
                    raise
                opened = exc.notes if isinstance(exc, NotesChanged) else notes
                app.call_from_thread(self._edit_in_app, task_id, named, opened, edited, f"not saved: {why}")

        in_background(self._owner, save, name="run_write", group="write")

    def copy(self) -> None:
        ids = self._targets()
        if not ids:
            return
        services = self._services
        app = self._owner.app

        def copy_text() -> None:
            from crewdeck.tui.tasks.view import task_as_text  # a task as text: imported by the first copy

            now, clock24 = services.now(), services.config.clock24
            # Every marked task, as the other keys act on them all: the first of them alone was copied, said "the task".
            details = [services.session.reads.detail(task_id, now, clock24) for task_id in ids]
            texts = [task_as_text(detail, services.session.me, now, clock24) for detail in details]
            # A post is said a post: a client approving one read "copied the task", a word their app never shows.
            said = ("the post" if details[0].post_state is not None else "the task") if len(ids) == 1 else f"{len(ids)} tasks"
            app.call_from_thread(self._copied, "\n\n".join(texts), said)

        in_background(self._owner, copy_text, name="copy", group="copy")

    def _copied(self, text: str, said: str) -> None:
        self._owner.app.copy_to_clipboard(text)
        self._owner.app.notify(f"copied {said} (OSC 52: works over SSH)")

    #: What ``triage(key)`` runs, by the key's name in ``TRIAGE_BINDINGS``.
    KEYS: ClassVar[dict[str, Callable[[Triage], None]]] = {
        "cycle_status": cycle_status,
        "done": done,
        "assign": assign,
        "priority": priority,
        "due": due,
        "snooze": snooze,
        "accept": accept,
        "take": take,
        "decline": decline,
        "duplicate": duplicate,
        "undo": undo,
        "redo": redo,
        "edit_notes": edit_notes,
        "copy": copy,
    }


def of_marked(said: list[str | None]) -> str | None:
    """The first of ``said`` (what to tell of each marked task, ``None`` for none), with how many it is told of where
    more are marked: "1 of the 2: already overdue by 45h"."""
    told = [words for words in said if words]
    if not told:
        return None
    return told[0] if len(said) == 1 else f"{len(told)} of the {len(said)}: {told[0]}"
