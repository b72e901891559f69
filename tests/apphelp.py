"""Helpers for driving the app in tests: a demo workspace and waiting for workers."""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from textual.pilot import Pilot
from textual.worker import NoActiveWorker, WorkerCancelled, WorkerState, get_current_worker

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp, check_config
from crewdeck.tui.app.calendar_panel import CalendarPanel
from crewdeck.tui.app.screens.help import HelpScreen
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.demo import build_demo
from crewdeck.widgets.rendered_column import RenderedColumn

from .conftest import NOW, copy_of_workspace

#: Workers that run for the app's whole life.
LONG_RUNNING = {"watch"}


def demo_workspace(path: Path) -> Path:
    """The demo workspace (180 tasks), a copy of one built once per test process."""
    return copy_of_workspace("demo.db", _build_demo, path)


def _build_demo(path: Path) -> None:
    store = Store.create(path)
    build_demo(store, now=NOW, tasks=180, seed=7, unix_user=None)
    store.close()


def store_of(session: Session) -> Store:
    """The session's store, for a test to look at between the session's actions (nothing else uses it meanwhile)."""
    return session.access.read(lambda ws: ws.store)


def make_app(path: Path, handle: str = "ana", config: Config | None = None, watch: bool = True, authenticated: bool = False) -> CrewdeckApp:
    config = config or Config()
    session = Session.open(path, handle, config, authenticated=authenticated)
    session.restricted = authenticated  # as launch() makes every authenticated session
    session.ranked.rescore(NOW)
    return CrewdeckApp(session, config, watch=watch)


def keymapped_app(path: Path, keymap: dict[str, str], handle: str = "ana", watch: bool = True) -> CrewdeckApp:
    """An app whose config rebinds ``keymap``, checked first as the app's start checks it (``check_config``)."""
    config = Config(keymap=keymap)
    check_config(config)
    return make_app(path, handle, config=config, watch=watch)


async def settle(pilot: Pilot[object]) -> None:
    """Wait until every worker the last key started (and those they started) is done."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        busy = [w for w in app.workers if w.group not in LONG_RUNNING and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            await pilot.pause()
            if not [w for w in app.workers if w.group not in LONG_RUNNING and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]:
                return
            continue
        for worker in busy:
            if worker.state is not WorkerState.RUNNING:
                continue  # pending: started by the next pause (waiting on it now raises WorkerError)
            # Cancelled: an exclusive worker replaced by a newer one, which is among the busy ones next time round.
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
    raise AssertionError("the app never settled")


async def until(pilot: Pilot[object], condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    """Let the app run until ``condition`` holds: another process's commit reaches it
    through the watcher, so the test waits for the state, with a deadline, not for a time."""
    deadline = time.monotonic() + timeout
    while True:
        await settle(pilot)
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}")
        await pilot.pause(0.02)


def read_holds_run_out_when_told(app: CrewdeckApp, monkeypatch: Any) -> list[Callable[[], None]]:
    """The app's timers that end a hold of the keys typed while a read is under way (``READ_HOLD_AT_MOST``: dropped and
    said) do not fire: each callback is kept, in order, in the list returned, for the test to call when it chooses
    (after the keys it means to have dropped, not before, however loaded the machine)."""
    run_outs: list[Callable[[], None]] = []
    set_timer = app.set_timer

    def held_until_told(delay: float, callback: Any = None, **kwargs: Any) -> Any:
        if getattr(callback, "func", None) == app._read_waited:
            run_outs.append(callback)
            callback = None
        return set_timer(delay, callback, **kwargs)

    monkeypatch.setattr(app, "set_timer", held_until_told)
    return run_outs


async def cursor_on(app: CrewdeckApp, pilot: Pilot[object], query: str) -> str:
    """Filter the Tasks pane by ``query`` and return the id of the task the cursor lands on (the first it lists)."""
    pane = app.tasks_pane
    pane.query_text, pane.view = query, None
    pane.reload(keep_cursor=False)
    await settle(pilot)
    key = pane.table.cursor_key
    assert key is not None, f"no task for {query!r}"
    return key


async def calendar_shown(app: CrewdeckApp, pilot: Pilot[object], *keys: str) -> CalendarPanel:
    """The calendar shown (``C``, then ``keys``: ``]`` for the next period), its posts laid out."""
    await pilot.press("C", *keys)
    await settle(pilot)
    panel = app.main_screen.query_one(CalendarPanel)
    assert panel.laid is not None
    return panel


async def calendar_on_one_post(app: CrewdeckApp, pilot: Pilot[object], *keys: str) -> tuple[CalendarPanel, str]:
    """The calendar shown (``C``, then ``keys``: ``]`` for the next period), its cursor on the one post it places; the
    post's id."""
    panel = await calendar_shown(app, pilot, *keys)
    assert panel.laid is not None
    [((row, day), [placed])] = panel.laid.cells.items()
    panel.calendar.move_to(row, day)
    await settle(pilot)
    return panel, placed.post.id


async def help_text(pilot: Pilot[object]) -> str:
    """What `?` lists, pressed on the screen shown now (its help screen left open): see ``shown_help``."""
    await pilot.press("question_mark")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    return shown_help(screen)


def shown_help(screen: HelpScreen) -> str:
    """The help screen's lines as a terminal wide enough for every row shows them, each row's columns one space apart
    (``o Done triage.done``)."""
    console = Console(width=500, file=io.StringIO(), color_system=None)
    with console.capture() as shown:
        console.print(Group(*screen.query_one(RenderedColumn).parts))
    return "\n".join(" ".join(line.split()) for line in shown.get().splitlines())


def prompt_preview(app: CrewdeckApp) -> str:
    """What the open prompt's live preview says."""
    return str(app.screen.query_one("#prompt-preview").render())


class FirstAnswerLast:
    """The first answer a worker of ``group`` hands back to the app comes back only after the next one's: a read made
    before a change, landing after the read made since, as it may on a busy machine (thread workers run on)."""

    def __init__(self, app: CrewdeckApp, group: str, after: threading.Event | None = None) -> None:
        """``after``: the first answer waits for this instead of the next one."""
        self.group = group
        #: The first answer is read (and waits).
        self.read = threading.Event()
        self._second = after or threading.Event()
        #: Answers of the group handed back so far.
        self.handed = 0
        self._call = app.call_from_thread
        app.call_from_thread = self._call_from_thread  # type: ignore[method-assign]

    def _call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            group = get_current_worker().group
        except NoActiveWorker:
            group = None
        if group != self.group:
            return self._call(callback, *args, **kwargs)
        first = not self.read.is_set()
        if first:
            self.read.set()
            assert self._second.wait(20)
        answer = self._call(callback, *args, **kwargs)
        self.handed += 1
        if not first:
            self._second.set()
        return answer

    async def first_read(self, pilot: Pilot[Any]) -> None:
        """Let the app run until the first answer is read (its worker is started by the event loop)."""
        for _ in range(500):
            if self.read.is_set():
                return
            await pilot.pause()
        raise AssertionError(f"no worker of {self.group} read anything")

    async def both_back(self, pilot: Pilot[Any], answers: int = 2) -> None:
        await until(pilot, lambda: self.handed >= answers, f"{answers} answers of {self.group}")

    async def first_back(self, pilot: Pilot[Any]) -> None:
        """Let the app run until the first answer is shown, not waiting for the other workers (some may be held)."""
        for _ in range(500):
            if self.handed:
                return
            await pilot.pause()
        raise AssertionError(f"the first answer of {self.group} never came back")


def team_with_titles(path: Path, titles: Iterable[str]) -> Path:
    """A workspace at ``path`` (@ana, Berlin) with a task of each title, due Friday at 17:00."""
    from crewdeck.tui.cli.main import main

    assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    for title in titles:
        assert main(["-w", str(path), "--as", "ana", "add", f"{title} due:fri 17:00"]) == 0
    return path
