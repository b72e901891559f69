"""The real app in a real terminal (tmux), as a person uses it.

One process runs ``crewdeck`` in tmux; the test types into it with
``send-keys`` and reads it with ``capture-pane``; another process writes to
the same workspace file through the CLI, as a teammate on the same server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.workspace.drafts import DraftStore

from .apphelp import demo_workspace
from .conftest import NOW_TEXT, ROOT, the_owner

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="LOUD SKIP: tmux is not installed here; .ci/run installs it (apt-get install tmux)")
CREWDECK = str(Path(sys.executable).with_name("crewdeck"))


class Terminal:
    """One tmux session on a tmux server of its own (``-L name``).

    Never the default server: tmux ends a server when its last session ends, so one test's session going (another test
    process's, or anyone's on the machine) could end the server just as this test's ``new-session`` reached it, which
    then failed ("server exited unexpectedly").
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def tmux(self, *args: str, capture: bool = False) -> str:
        """``tmux ARGS`` on this terminal's server (what it printed, ``capture``)."""
        done = subprocess.run([TMUX, "-L", self.name, *args], check=True, capture_output=capture, text=True, cwd=ROOT)  # type: ignore[list-item]
        return done.stdout if capture else ""

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name, capture=True)

    def wait_until(self, done: Callable[[], bool], what: str, timeout: float = 20) -> None:
        """Look until ``done`` holds (a state of the pane, as ``#{pane_dead}``, or of a file the app writes): a
        condition, not a delay."""
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"never saw {what}"
            time.sleep(0.02)

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        """Read the screen until it shows what we wait for (a condition, not a delay)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if found(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what} on screen:\n{text}")
            time.sleep(0.02)


#: The editor the app runs: it adds a line to the notes.
ADDS_A_LINE = "import sys\nopen(sys.argv[1], 'a').write('Checked with legal.\\n')\n"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    with app_in_tmux(tmp_path, ADDS_A_LINE) as opened:
        yield opened


@contextmanager
def app_in_tmux(
    tmp_path: Path, editor_code: str, *, workspace_mode: int | None = None, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[Terminal, Path]]:
    """The demo workspace's app in a tmux session, with ``editor_code`` (Python, given the file) as ``$EDITOR``.

    ``workspace_mode``: the workspace file's mode when the app starts; ``prefix``: the command the app runs under.
    """
    workspace = demo_workspace(tmp_path / "team.db")
    if workspace_mode is not None:
        workspace.chmod(workspace_mode)
    editor = tmp_path / "editor.py"
    editor.write_text(editor_code)
    name = f"crewdeck-{uuid.uuid4().hex[:8]}"
    env = {
        "CREWDECK_NOW": NOW_TEXT,
        "CREWDECK_CONFIG": str(tmp_path / "none.toml"),
        "EDITOR": f"{sys.executable} {editor}",
        "TERM": "xterm-256color",
        # Drafts of dialogs kept in the test's directory, never in the home of whoever runs the tests.
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    (tmp_path / "none.toml").write_text("")
    # COLUMNS and LINES would override the pane's size (the test runner's
    # environment can carry them into the tmux server).
    command = (
        "env -u COLUMNS -u LINES "
        + " ".join(f"{k}='{v}'" for k, v in env.items())
        + f" {' '.join(prefix)} {CREWDECK} --workspace {workspace} --as ana"
    )
    # Wide enough for the tasks pane to show its ID column beside the other
    # panes.  The size is set before the window exists: a window made at 80x24 and
    # resized at once could resize before the app listens for it.
    terminal = Terminal(name)
    terminal.tmux(
        "-f", "/dev/null", "start-server", ";", "set-option", "-g", "default-size", "160x48", ";",
        "new-session", "-d", "-s", name, "-x", "160", "-y", "48", command,
    )  # fmt: skip
    try:
        yield terminal, workspace
    finally:
        subprocess.run([TMUX, "-L", name, "kill-server"], check=False)  # type: ignore[list-item]


def cli(workspace: Path, *args: str, who: str = "raj") -> str:
    env = {**os.environ, "CREWDECK_NOW": NOW_TEXT}
    done = subprocess.run([CREWDECK, "--workspace", str(workspace), "--as", who, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _ids_on_screen(screen: str, ids: list[str]) -> list[str]:
    """Task ids in the order their rows appear on screen."""
    found = []
    for line in screen.splitlines():
        found.extend(i for i in ids if i[:8] in line)
    return found


def test_a_teammates_cli_change_appears_and_the_cursor_stays(terminal: tuple[Terminal, Path]) -> None:
    term, workspace = terminal
    with Store(workspace) as store:
        open_ids = [
            r[0] for r in store.conn.execute("SELECT id FROM task WHERE deleted = 0 AND status IN ('inbox','todo','doing','review')")
        ]
    term.wait_for(lambda s: "Inbox" in s and "tasks" in s, "the inbox")
    term.keys("v", "a")
    term.wait_for(lambda s: "All open" in s and f"{len(open_ids)} tasks" in s and len(_ids_on_screen(s, open_ids)) > 10, "all open tasks")
    term.keys("j", "j", "Enter")
    detail = term.wait_for(lambda s: "Urgency" in s, "the detail screen")
    cursor_task = next(i for i in open_ids if i[:8] in detail)
    term.keys("Escape")
    # Waited for whole: a capture can catch a frame half drawn (its first rows only).
    listed = _ids_on_screen(
        term.wait_for(lambda s: "All open" in s and "DUE" in s and len(_ids_on_screen(s, open_ids)) > 10, "the list again"), open_ids
    )
    assert listed.index(cursor_task) == 2
    # Raj moves a task from below ours to the top: rows shift under the cursor.
    below = listed[8]
    cli(workspace, "set", below[:8], "title=Renamed by Raj from his shell", "priority=high", "due=2026-11-01 09:00")

    # No key pressed: the app shows it by itself, moved above ours, with a
    # notice of who did it.  (A capture can catch a frame half drawn, so
    # wait for the whole of it.)
    def moved(screen: str) -> bool:
        ids = _ids_on_screen(screen, open_ids)
        return (
            "Renamed by Raj from his shell" in screen and below in ids and cursor_task in ids and ids.index(below) < ids.index(cursor_task)
        )

    screen = term.wait_for(moved, "the teammate's change, moved above the cursor")
    assert "@raj" in screen
    term.keys("Enter")
    detail = term.wait_for(lambda s: "Urgency" in s, "the detail screen")
    assert cursor_task[:8] in detail  # the cursor stayed on its task


def test_notes_open_in_the_editor(terminal: tuple[Terminal, Path]) -> None:
    term, workspace = terminal
    with Store(workspace) as store:
        inbox = [r[0] for r in store.conn.execute("SELECT id FROM task WHERE status = 'inbox'")]
    text = term.wait_for(lambda s: "Inbox" in s and _ids_on_screen(s, inbox), "the inbox")
    first = _ids_on_screen(text, inbox)[0]  # the cursor starts on the first row
    term.keys("e")
    deadline = time.monotonic() + 20
    while True:
        with Store(workspace) as store:
            notes = (store.record("task", first) or {}).get("notes", "")
        if notes.endswith("Checked with legal.\n"):
            break
        assert time.monotonic() < deadline, "the editor's notes never reached the store"
        time.sleep(0.05)
    term.wait_for(lambda s: "edited the notes" in s, "the confirmation")


def test_notes_the_editor_wrote_that_the_task_cannot_take_open_in_the_app_with_why(tmp_path: Path) -> None:
    # The editor's file went with its temporary directory, and the refusal was a notice: 110,000 characters typed
    # (a task holds 100,000) were lost.
    too_long = "import sys\nopen(sys.argv[1], 'w').write('Pasted transcript. ' * 5_500)\n"
    with app_in_tmux(tmp_path, too_long) as (term, workspace):
        with Store(workspace) as store:
            inbox = [r[0] for r in store.conn.execute("SELECT id FROM task WHERE status = 'inbox'")]
        text = term.wait_for(lambda s: "Inbox" in s and _ids_on_screen(s, inbox), "the inbox")
        first = _ids_on_screen(text, inbox)[0]
        with Store(workspace) as store:
            before = (store.record("task", first) or {})["notes"]
        term.keys("e")
        shown = term.wait_for(lambda s: "not saved: task.notes: longer than 100000 characters" in s, "the refusal in the editor")
        assert f"Notes of {first[:8]}" in shown and "Pasted transcript." in shown
        with Store(workspace) as store:
            assert (store.record("task", first) or {})["notes"] == before


def _raj_saves_the_notes_meanwhile(workspace: Path) -> str:
    """An $EDITOR that, while it has a task's notes, lets Raj save other notes from his shell, then writes its own."""
    return (
        "import pathlib, subprocess, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        f"subprocess.run([{CREWDECK!r}, '--workspace', {str(workspace)!r}, '--as', 'raj', 'set', path.stem.removeprefix('task-'),"
        " 'notes=Raj wrote these meanwhile'], check=True, capture_output=True)\n"
        "path.write_text('Checked with legal.')\n"
    )


def test_notes_changed_elsewhere_while_the_editor_had_them_are_not_saved_over_unsaid(tmp_path: Path) -> None:
    # Raj saved the notes from his shell while they were open in the editor here: the editor's save went over his,
    # and nobody was told.  It opens in the app's editor saying so, with the text; saved again, it goes over them.
    workspace = tmp_path / "team.db"
    meanwhile = _raj_saves_the_notes_meanwhile(workspace)
    with app_in_tmux(tmp_path, meanwhile) as (term, opened):
        assert opened == workspace
        with Store(workspace) as store:
            inbox = [r[0] for r in store.conn.execute("SELECT id FROM task WHERE status = 'inbox'")]
        text = term.wait_for(lambda s: "Inbox" in s and _ids_on_screen(s, inbox), "the inbox")
        first = _ids_on_screen(text, inbox)[0]
        term.keys("e")
        shown = term.wait_for(lambda s: "not saved: the notes were changed since you opened them" in s, "the refusal in the editor")
        assert "Checked with legal." in shown
        with Store(workspace) as store:
            assert (store.record("task", first) or {})["notes"] == "Raj wrote these meanwhile"
        term.keys("C-s")
        # The dialog closes once the notes are written.  ("edited the notes" alone is no sign: Raj's edit, told as
        # a teammate's, says it too.)
        term.wait_for(lambda s: f"Notes of {first[:8]}" not in s and "edited the notes" in s, "the dialog closed, with the confirmation")
        with Store(workspace) as store:
            assert (store.record("task", first) or {})["notes"] == "Checked with legal."


def test_a_workspace_file_that_cannot_be_written_is_said_when_the_app_starts(tmp_path: Path) -> None:
    # Its owner made it read-only (chmod 444): the app said nothing until the first change typed was refused.
    with app_in_tmux(tmp_path, ADDS_A_LINE, workspace_mode=0o444, prefix=tuple(the_owner())) as (term, workspace):
        term.wait_for(lambda s: "Inbox" in s and "you can read this workspace, not change it:" in s, "the read-only notice")
        assert workspace.stat().st_mode & 0o777 == 0o444


def test_notes_typed_in_the_app_survive_a_kill_9_and_are_offered_at_the_next_start(tmp_path: Path) -> None:
    # Drafts were kept only as the app closed: a kill -9 of it, an OOM kill or a power cut lost all typed in a dialog.
    workspace = tmp_path / "team.db"
    # The notes changed as $EDITOR had them: they open in the app's own editor, as over SSH.
    meanwhile = _raj_saves_the_notes_meanwhile(workspace)
    with app_in_tmux(tmp_path, meanwhile) as (term, opened):
        with Store(opened) as store:
            inbox = [r[0] for r in store.conn.execute("SELECT id FROM task WHERE status = 'inbox'")]
            ana = next(k for k, v in store.records("member") if v["handle"] == "ana")
        drafts = DraftStore.for_member(opened, ana, tmp_path / "state" / "crewdeck" / "drafts")
        text = term.wait_for(lambda s: "Inbox" in s and _ids_on_screen(s, inbox), "the inbox")
        first = _ids_on_screen(text, inbox)[0]
        term.keys("e")
        term.wait_for(lambda s: "not saved: the notes were changed since you opened them" in s, "the app's own editor")
        term.keys("-l", " Call the venue first.")
        term.wait_for(lambda s: "Call the venue first." in s, "the text typed")

        def kept() -> bool:
            draft = drafts.get(f"notes:{first}")
            return draft is not None and "Call the venue first." in draft.values["text"]

        term.wait_until(kept, "the text typed kept while the app ran")

        term.tmux("set-option", "-w", "-t", term.name, "remain-on-exit", "on")
        app = int(term.tmux("display-message", "-p", "-t", term.name, "#{pane_pid}", capture=True))
        os.killpg(app, signal.SIGKILL)  # no signal it can catch, no exit of its own
        term.wait_until(
            lambda: term.tmux("display-message", "-p", "-t", term.name, "#{pane_dead}", capture=True).strip() == "1", "the app killed"
        )
        term.tmux("respawn-pane", "-t", term.name)  # the app started again, as it was

        term.wait_for(lambda s: f"a draft of the notes of {first[:8]}" in s and "K opens it" in s, "the draft said at start")
        term.keys("K")
        term.wait_for(lambda s: f"A draft of the notes of {first[:8]}" in s, "the draft offered in the notes editor")
        term.keys("C-r")
        term.wait_for(lambda s: "Checked with legal. Call the venue first." in s, "the draft restored")
