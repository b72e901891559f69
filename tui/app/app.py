"""The crewdeck app: three panes on one live workspace.

The store is read and written only in worker threads, through the
``Session``'s parts; a watcher thread notices every commit to the file
(another member's or ours) and the panes refresh the rows on screen, the
cursor staying on its task.  Panes and screens get what they use of the
app as ``Services`` when they are made.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import difflib
import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, cast

from textual import events
from textual.actions import ActionParseResult
from textual.actions import parse as parse_action
from textual.app import App, ComposeResult, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.dom import DOMNode
from textual.notifications import Notification, Notify, SeverityLevel
from textual.reactive import Reactive
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, Theme
from textual.widget import Widget
from textual.widgets import Input

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.rules import crisis_refused
from crewdeck.sync.state.sharedfile import access_problem
from crewdeck.sync.state.stop import Stop
from crewdeck.sync.state.store import BUSY_TIMEOUT, WorkspaceError
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app import hidden_keys, textual_memos
from crewdeck.tui.app.collector import IdleCollector
from crewdeck.tui.app.crisis_banner import CrisisBanner
from crewdeck.tui.app.damaged_notice import DamagedNotice
from crewdeck.tui.app.drafts import keep_drafts
from crewdeck.tui.app.grid_pane import GridPane
from crewdeck.tui.app.keys_ahead import TOO_LONG, HeldRead, KeysAhead, dropped_line, escape_and_key, unfold_escape_and_digit
from crewdeck.tui.app.ledger_pane import LedgerPane
from crewdeck.tui.app.lines import markup_literal
from crewdeck.tui.app.opening import NARROW, Opening
from crewdeck.tui.app.pane import Pane
from crewdeck.tui.app.screens.help import shown_key, shown_keys
from crewdeck.tui.app.screens.typed_ahead import TypedAheadScreen
from crewdeck.tui.app.screens.written import ClosesOnceWritten, being_written
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.tasks_pane import TasksPane
from crewdeck.tui.app.terminal_cells import measure_as_terminal
from crewdeck.tui.app.toast_room import lines_that_fit
from crewdeck.tui.app.toasts import refresh as refresh_toasts
from crewdeck.tui.app.typed_after import TypedAfter
from crewdeck.tui.app.workers import Latest, background
from crewdeck.tui.app.write_wait import WriteWait
from crewdeck.tui.session.session import Session
from crewdeck.tui.session.writing import Written
from crewdeck.tui.tasks.views import View, views
from crewdeck.tui.time.when import format_local
from crewdeck.tui.workspace.config import Config, ConfigError, moved_notes
from crewdeck.tui.workspace.config import save as save_config
from crewdeck.tui.workspace.one_line import folded
from crewdeck.tui.workspace.syncstate import SHARED_FILE, error_title, header_state
from crewdeck.tui.workspace.workspace import Campaign, Member
from crewdeck.widgets import one_line_input
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.windowed_table import StillWaiting
from crewdeck.widgets.workspace_header import WorkspaceHeader

if TYPE_CHECKING:
    from textual.widgets import Tabs

    from crewdeck.sync.client.engine import SyncEngine, SyncStatus
    from crewdeck.tui.app.key_conflicts import KeyScope
    from crewdeck.tui.session.notices import ChangeNotice

#: Seconds between looks at whether input has rested long enough to collect garbage.
COLLECT_EVERY = 0.25
#: How many records a sync round's notice of edits made here that others' edits replaced, or deleted, names at most: fewer where
#: the screen has no room for them (``toast_room``); the rest are counted.
OVERWRITTEN_SAID = 3
#: Seconds a notice of others' changes stays up after their last batch counted in it.
CHANGE_NOTICE_LIFE = 4
#: Seconds the keys typed after a text field's ``enter`` wait for it at most (it is back within milliseconds).
HOLD_AT_MOST = 0.5
#: Seconds the keys typed while a post is read wait for its dialog at most: a read is back within milliseconds unless a
#: teammate's write holds the shared file (up to 30 s); a quit key is never held.  Longer than a field's: a loaded
#: machine's read is slower than an enter's, and keys sent on early go to the list under the dialog.
READ_HOLD_AT_MOST = 2.0
#: The panes, in the order of their numbers: name and title.  All three are in
#: the first paint, with their content (``crewdeck.tui.app.opening``).
PANES: tuple[tuple[str, str], ...] = (("tasks", "Tasks"), ("grid", "Deadlines"), ("ledger", "Budget"))


def pane_types() -> tuple[type[Pane], ...]:
    """The panes' classes, in the order of ``PANES``."""
    return (TasksPane, GridPane, LedgerPane)


def binding_ids() -> set[str]:
    """Every binding id a config's [keymap] may name."""
    sources: list[Iterable[BindingType]] = [
        CrewdeckApp.BINDINGS,
        MainScreen.BINDINGS,
        *(bindings for _, bindings in opened_screens()),
        *(dialog.bindings for dialog in dialogs()),
    ]
    for pane_type in pane_types():
        sources.append(pane_type.BINDINGS)
        sources.extend(bindings for _, bindings in pane_type.help_extra())
    return {b.id for source in sources for b in source if isinstance(b, Binding) and b.id}


def key_scopes() -> list[KeyScope]:
    """Where keys work together: each pane (with the app's keys and its widgets'), each screen a pane opens (with the app's)."""
    from crewdeck.tui.app.key_conflicts import KeyScope

    everywhere = [*textual_keys(), *CrewdeckApp.BINDINGS]
    app_wide = [*everywhere, *MainScreen.BINDINGS]
    panes, screens = [], []
    for pane_type in pane_types():
        pane: list[BindingType] = [*app_wide, *pane_type.BINDINGS]
        for title, bindings in pane_type.help_extra():
            if title in pane_type.SCREEN_SECTIONS:
                screens.append(KeyScope.of(f"the {title.lower()} screen", everywhere, bindings))
            else:
                pane.extend(bindings)
        panes.append(KeyScope.of(f"the {pane_type.pane_title.lower()} pane", pane))
    screens.extend(KeyScope.of(f"the {title.lower()} screen", everywhere, bindings) for title, bindings in opened_screens())
    # Over a dialog (a modal screen) the app's keys do nothing, Textual's own excepted; the focused field's keys come
    # before the dialog's (its text area's ctrl+z before a save moved there).
    screens.extend(KeyScope.of(dialog.where, textual_keys(), dialog.focused, dialog.bindings) for dialog in dialogs())
    return panes + screens


def textual_keys() -> list[Binding]:
    """Textual's own keys that come before every binding (priority): quitting, and the command palette; a keymap
    entry on one of them would never run."""
    palette = Binding(CrewdeckApp.COMMAND_PALETTE_BINDING, "command_palette", "Command palette", priority=True)
    return [*(b for b in App.BINDINGS if isinstance(b, Binding) and b.priority), palette]


def opened_screens() -> list[tuple[str, list[BindingType]]]:
    """The screens an app-wide key opens over the panes (Results, the posts') and their keys, which ``?`` lists after the
    panes' and a config's [keymap] may rebind (imported when asked: not for the first paint)."""
    from crewdeck.tui.app.screens.approvals import APPROVALS_BINDINGS
    from crewdeck.tui.app.screens.results import ResultsScreen

    # (The posts a crisis held are a dialog: ``dialogs``.)
    return [("Results", ResultsScreen.BINDINGS), ("Approvals", APPROVALS_BINDINGS)]


class Dialog(NamedTuple):
    """A dialog any screen may open, as ``?`` lists it and a keymap's check sees it."""

    #: Its section in ``?``.
    title: str
    #: Where its keys work, as a refusal names it ("in a prompt").
    where: str
    bindings: list[BindingType]
    #: The keys of the widget that has the focus in it (a text field's), which come before the dialog's own.
    focused: list[Binding]
    #: Why none of its keys may be one that types a character ("types into a prompt's text"); "" where one may.
    typed: str = ""


def dialogs() -> list[Dialog]:
    """The dialogs, screens over the others whose keys alone work there (a prompt, a picker, the notes, a new ledger
    entry, the posts a crisis held), the question before the text typed in one is dropped, and ``?``'s own list:
    ``?`` lists their keys after the screens', and a keymap may rebind them as any other (imported when asked: not
    for the first paint)."""
    from textual.command import CommandInput
    from textual.widgets import OptionList, TextArea

    from crewdeck.tui.app.crisis import HELD_BINDINGS
    from crewdeck.tui.app.kept_drafts import KeptTextScreen
    from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen
    from crewdeck.tui.app.screens.discard import DiscardScreen
    from crewdeck.tui.app.screens.entry_form import EntryFormScreen
    from crewdeck.tui.app.screens.help import HelpScreen
    from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen
    from crewdeck.tui.app.screens.palette import Palette
    from crewdeck.tui.app.screens.picker import PickerScreen
    from crewdeck.tui.app.screens.prompt import PromptScreen
    from crewdeck.tui.app.screens.task_picker import TaskPickerScreen
    from crewdeck.widgets.one_line_input import OneLineInput
    from crewdeck.widgets.post_table import PostTable
    from crewdeck.widgets.rendered_column import RenderedColumn

    return [
        Dialog("Prompts", "a prompt", PromptScreen.BINDINGS, widget_keys(OneLineInput), "types into a prompt's text"),
        # A choice's key is a letter or a digit, bound as the picker opens: a keymap's of the same was never reached.
        Dialog("Pickers", "a picker", PickerScreen.BINDINGS, widget_keys(OptionList), "may pick a choice in a picker"),
        Dialog("Task search", "the task search", TaskPickerScreen.BINDINGS, widget_keys(OneLineInput), "types into the task search"),
        Dialog("Notes editor", "the notes editor", NotesEditorScreen.BINDINGS, widget_keys(TextArea), "types into the notes"),
        Dialog("Copy editor", "the copy editor", CopyEditorScreen.BINDINGS, widget_keys(TextArea), "types into the copy"),
        Dialog(
            "New ledger entry",
            "a new ledger entry",
            EntryFormScreen.BINDINGS,
            widget_keys(OneLineInput),
            "types into a new ledger entry's fields",
        ),
        Dialog("Posts a crisis held", "the posts a crisis held", HELD_BINDINGS, widget_keys(PostTable)),
        Dialog("Command palette", "the command palette", Palette.BINDINGS, widget_keys(CommandInput), "types into the palette's search"),
        Dialog("Discarding unsaved text", "the question before discarding", DiscardScreen.BINDINGS, []),
        Dialog("A draft kept, not opened", "a draft kept whose dialog does not open", KeptTextScreen.BINDINGS, []),
        Dialog("This list of keys", "the list of keys", HelpScreen.BINDINGS, widget_keys(RenderedColumn)),
    ]


#: The panes' keys that work while their filter box has the focus (it closes the box), and the box they type into.
FILTER_BOX_KEYS = {"tasks.clear_filter": "types into the Tasks filter box", "ledger.clear_filter": "types into the Budget filter box"}


def typed_into() -> dict[str, str]:
    """The binding ids of the dialogs whose focus is always in a text field, and of the panes' keys that close a filter
    box from inside it, each with why a key that types a character cannot be theirs."""
    typed = {b.id: dialog.typed for dialog in dialogs() if dialog.typed for b in dialog.bindings if isinstance(b, Binding) and b.id}
    return typed | FILTER_BOX_KEYS


def widget_keys(widget_type: type[Widget]) -> list[Binding]:
    """A widget's keys, its bases' with them, as Textual gathers them."""
    return [binding for bindings in widget_type._merge_bindings().key_to_bindings.values() for binding in bindings]


def _described(bindings: Iterable[BindingType]) -> Iterable[Binding]:
    """The app's own keys that say what they do: each has an id (for the keymap), unlike the keys Textual's widgets
    bring (a filter box's cursor moves and deletions, which edit the text and are no command)."""
    return (b for b in bindings if isinstance(b, Binding) and b.id and b.description)


def _moves() -> set[str]:
    """A list's moves (``LineTable``), offered by the palette in the focused pane alone: elsewhere they act out of sight."""
    from crewdeck.widgets.line_table import LineTable

    return {b.id for b in LineTable.BINDINGS if isinstance(b, Binding) and b.id and b.id != "table.activate"}


def _offered(widget: DOMNode, binding: Binding) -> bool:
    """Whether the palette offers a key's action: not when its widget hides the key from the footer (``check_action``)."""
    _, name, parameters = parse_action(binding.action)
    return widget.check_action(name, parameters) is not False


def theme_names() -> list[str]:
    """The themes a config's ``theme`` may name."""
    return sorted(BUILTIN_THEMES)


def check_config(config: Config) -> None:
    """Refuse a theme or a keymap entry the app does not have, or one whose key another binding has where both work, naming the file and the key."""
    for problem in config_problems(config):
        raise problem


def config_problems(config: Config) -> Iterator[ConfigError]:
    """Each theme or keymap entry the app refuses (``check_config``), in the order it judges them."""
    where = config.path or Path("config")
    if config.theme not in BUILTIN_THEMES:
        # A misspelt one named as a key id is (`nrod`): the list alone left the reader to find it among twenty.
        close = difflib.get_close_matches(config.theme, theme_names(), n=1)
        meant = f"did you mean {close[0]}? " if close else ""
        yield ConfigError(where, "theme", f"{config.theme!r} is not a theme ({meant}themes: {', '.join(theme_names())})")
    known = binding_ids() if config.keymap else set()
    unknown = [action for action in config.keymap if action not in known]
    for action in unknown:
        close = difflib.get_close_matches(action, sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else " (the app's ? screen lists every id)"
        yield ConfigError(where, f"keymap.{action}", f"no key binding has this id{hint}")
    if config.keymap and not unknown:  # the keys are judged against the bindings they name
        from crewdeck.tui.app.key_conflicts import keymap_conflict, not_a_key, typing_key

        typed = typed_into()
        refused = False
        for action, keys in config.keymap.items():
            not_one = not_a_key(keys)
            if not_one is not None:
                refused = True
                yield ConfigError(where, f"keymap.{action}", not_one)
                continue
            clash = typing_key(keys) if action in typed else None
            if clash is not None:
                refused = True
                # A non-priority key is typed into the field, never reaching its binding; a priority one can never be typed.
                why = f"{clash!r} {typed[action]}; pick a key that types no character (escape, f2, ctrl+g)"
                yield ConfigError(where, f"keymap.{action}", why)
        if refused:
            return
        app_wide = frozenset(b.id for b in [*CrewdeckApp.BINDINGS, *MainScreen.BINDINGS] if isinstance(b, Binding) and b.id)
        conflict = keymap_conflict(config.keymap, key_scopes(), app_wide)
        if conflict is not None:
            action, why = conflict
            yield ConfigError(where, f"keymap.{action}", why)


def keymap_warnings(config: Config) -> list[str]:
    """One line for each keymap entry taken whose key fires in some terminals alone (ctrl+h: not in tmux), naming the
    file and the key: said, never refused (a config that works in kitty must not stop the app opening elsewhere)."""
    if not config.keymap:
        return []
    from crewdeck.tui.app.key_conflicts import terminal_dependent

    where = config.path or Path("config")
    warned = ((action, terminal_dependent(keys)) for action, keys in config.keymap.items())
    return [f"{where}: keymap.{action}: {warning}" for action, warning in warned if warning is not None]


class MainScreen(Screen[None]):
    """The panes, with a tab bar when the terminal is narrow or a pane is zoomed.

    | key | action |
    |---|---|
    | `tab` `shift+tab` | next / previous pane |
    """

    #: Where the app puts the focus anyway (``focus_pane``): Textual's default, the
    #: first focusable widget, is the tab bar, and its focus and blur restyled it twice.
    AUTO_FOCUS = "#task-table"

    #: Textual's own (``Screen.focused``) repaints: every focus move (the filter box closed onto the task table, a pane
    #: key, a click) repainted the whole screen, the ledger, the grid and the footer with it, each unchanged.  What a
    #: focus move changes Textual restyles and refreshes itself: the widgets focused and blurred (their :focus styles)
    #: and any :focus-within ancestor's; the active pane's border is its class (``update_layout``), restyled as set.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="screen.next_pane"),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="screen.previous_pane"),
    ]

    DEFAULT_CSS = """
    MainScreen { layout: vertical; }
    MainScreen #pane-tabs { display: none; height: 2; }
    MainScreen.-single #pane-tabs { display: block; }
    MainScreen #panes {
        height: 1fr;
        layout: grid;
        grid-size: 2 2;
        grid-columns: 11fr 9fr;
        grid-rows: 1fr 1fr;
    }
    MainScreen #tasks { row-span: 2; }
    MainScreen.-single #panes { layout: vertical; }
    MainScreen .pane { border: round $panel-lighten-2; border-title-color: $foreground-muted; height: 1fr; }
    /* The active pane, not :focus-within: that restyled the whole pane at every move of the focus inside it. */
    MainScreen .pane.-active { border: round $accent; border-title-color: $accent; }
    MainScreen.-single .pane { display: none; border: none; }
    MainScreen.-single .pane.-active { display: block; }
    """

    def __init__(self, crewdeck_app: CrewdeckApp) -> None:
        super().__init__()
        self.crewdeck_app = crewdeck_app
        #: Shown once (``on_screen_resume``): the first time, its widgets were styled as they were mounted.
        self._shown = False

    def compose(self) -> ComposeResult:
        app = self.crewdeck_app
        services = app.services
        if services.opening is None:  # launch started it before Textual; else it starts now
            services.opening = Opening(app.session, app.config.clock24, services.now(), app.size.width)
        # Laid out as update_layout would, before the first styling: changed
        # after it, each class restyles the screen or a pane all over again.
        self.set_class(app.one_pane_at(app.size.width), "-single")
        yield WorkspaceHeader(id="header")
        yield CrisisBanner(self.crewdeck_app.services, id="crisis-banner")
        if self.has_class("-single"):
            yield _pane_tabs(app.active_pane)
        with Container(id="panes"):
            for number, pane_type in enumerate(pane_types(), start=1):
                pane = pane_type(services, active=pane_type.pane_name == app.active_pane)
                pane.border_title = f"{number} {pane.pane_title}"
                yield pane
        yield KeyFooter()

    def on_mount(self) -> None:
        self.crewdeck_app.main_ready()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown:
            # Shown the first time, each widget was styled as it was mounted just before, and has been restyled at
            # every change since (a class, the focus): Textual's restyle of the whole screen as it first shows it was
            # every widget's second styling, some 18 ms of the UI thread before the first paint.
            event.refresh_styles = False
            self._shown = True

    def action_cycle_pane(self, step: int) -> None:
        self.crewdeck_app.cycle_pane(step)

    def on_resize(self, event: events.Resize) -> None:
        app = self.crewdeck_app
        if event.size == self.outer_size and self.has_class("-single") == app.one_pane_at(event.size.width):
            # Textual hands the screen every Resize the app is sent, of the size it has laid out too: three as the app
            # starts in a terminal, each laying out and painting the whole screen again (and the footer's keys asked
            # anew), some 40 ms of the UI thread after the first paint, before a key typed then was read.  Its size
            # alone does not say the panes are laid out for it: under another screen, or as one is closed, Textual
            # lays this one out at a new size before it is sent the Resize.
            event.prevent_default()
            return
        self.crewdeck_app.update_layout()
        self.refresh_bindings()  # `z` is offered where the panes stand side by side

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        # The bar made with the active pane's tab active says so as it mounts: nothing to do.  Nor when another tab is
        # active since (two pane keys read before the bar said the first): acted on, the late word made its pane active
        # again, whose tab's word came late in turn, and the two panes took turns for good.
        if event.tab.id and event.tab.id == event.tabs.active and event.tab.id != f"tab-{self.crewdeck_app.active_pane}":
            self.crewdeck_app.focus_pane(event.tab.id.removeprefix("tab-"))


def _pane_tabs(active: str) -> Tabs:
    """The tab bar of a narrow terminal or a zoomed pane: made when first shown, not for the first paint of a wide one."""
    from textual.widgets import Tab, Tabs

    tabs = (Tab(f"{n} {title}", id=f"tab-{name}") for n, (name, title) in enumerate(PANES, start=1))
    return Tabs(*tabs, active=f"tab-{active}", id="pane-tabs")


#: The app's own actions a guest has: the keys, quitting, and f5 on a replica (the Approvals view's keys are the view's).
GUEST_ACTIONS = frozenset({"help", "quit", "sync_now", "profile"})


class CrewdeckApp(App[int]):
    """crewdeck.

    | key | action |
    |---|---|
    | `1` `2` `3` | focus the tasks, deadlines or budget pane |
    | `4` | results: KPIs per campaign against targets and spend |
    | `z` | zoom the focused pane to the whole screen, and back |
    | `R` | Approvals: the posts in review, those that need you first |
    | `C` | the content calendar (the deadlines pane's second mode); on a post in the task list, the week holding its slot |
    | `!` | start a crisis (managers): its reason, then every post, a platform's or a campaign's; or end the open one |
    | `f5` | sync now (a replica of a sync server): no waiting out a backoff |
    | `M` | your name and time zone (a guest's too) |
    | `K` | the drafts kept when the app stopped: the one kept opens, several are listed |
    | `?` | every key |
    | `ctrl+p` | the command palette: every action |
    | `q` | quit |
    """

    TITLE = "crewdeck"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "focus_pane('tasks')", "Tasks", show=False, id="app.pane_tasks"),
        Binding("2", "focus_pane('grid')", "Deadlines", show=False, id="app.pane_grid"),
        Binding("3", "focus_pane('ledger')", "Budget", show=False, id="app.pane_ledger"),
        Binding("4", "results", "Results", show=False, id="app.results"),
        Binding("z", "zoom", "Zoom", id="app.zoom"),
        Binding("R", "approvals", "Approvals", show=False, id="app.approvals"),
        Binding("C", "calendar", "Content calendar", show=False, id="app.calendar"),
        Binding("exclamation_mark", "crisis", "Crisis", show=False, id="app.crisis"),
        Binding("f5", "sync_now", "Sync now", show=False, id="app.sync_now"),
        Binding("M", "profile", "Name and zone", show=False, id="app.profile"),
        Binding("K", "kept_drafts", "Drafts kept", show=False, id="app.drafts"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, session: Session, config: Config, *, watch: bool = True, opening: Opening | None = None) -> None:
        measure_as_terminal()  # before anything is measured: a line laid out in Rich's own widths overflows its box
        one_line_input.fold = folded  # a paste into a title folds as an import folds a title from another tool's file
        super().__init__()
        self.session = session
        self.services = Services(
            session,
            config,
            written=self.written,
            first_screen_ready=self.first_screen_ready,
            pane_drawn=self.pane_drawn,
            pane_focused=self.pane_focused,
            damaged=DamagedNotice(self, session.path),
            opening=opening,
        )
        #: The panes whose first content is on the screen (or failed to load).
        self._drawn: set[str] = set()
        #: The reads of the members, the campaigns and the workspace's name.
        self._people = Latest(self, group="people", exclusive=False, reads=("member", "campaign"))
        #: Whether to watch the file for others' changes (tests that need no watcher turn it off).
        self._watch_changes = watch
        self.panes = tuple(name for name, _ in PANES)
        self.active_pane = self.panes[0]
        self.zoomed = False
        self._stop = Stop()
        #: The wait behind another process's write a quit was refused for (``_write_holds_quit``): a quit again asks.
        self._quit_refused_for: int | None = None
        #: Says a change of mine waiting for the file, while it waits.
        self.write_wait = WriteWait(self, self.session.waiting_write)
        self._sync_engine: SyncEngine | None = None
        self.sync_status: SyncStatus | None = None
        #: The refusal last told in a notice: told once, again only when the server says something else or after a good round.
        self._refusal_told = ""
        #: That notice while it may be up: taken down when sync recovers (its advice followed) or says something else.
        self._refusal_notice: Notification | None = None
        self.collector = IdleCollector(collect=textual_memos.collect)
        self.keys_ahead = KeysAhead()
        self.typed_after = TypedAfter()
        unfold_escape_and_digit()  # before the driver's parser reads a key
        #: The notice of the last key pressed where it is hidden (``_say_if_hidden``), while it may be up.
        self._hidden_key_notice: Notification | None = None
        #: Each notice of others' changes that may be up, by who made them, and what it tells (``_tell_change``).
        self._change_notices: dict[str, tuple[Notification, ChangeNotice]] = {}
        #: The notice of the drafts kept when the app last closed, while it may be up: withdrawn once none is kept.
        self.kept_drafts_notice: Notification | None = None
        self.theme = config.theme
        if config.keymap:
            self.set_keymap(config.keymap)

    @property
    def config(self) -> Config:
        return self.services.config

    @config.setter
    def config(self, config: Config) -> None:
        self.services.config = config

    # ------------------------------------------------------------ building

    @property
    def tasks_pane(self) -> TasksPane:
        return self.main_screen.query_one(TasksPane)

    @property
    def guest(self) -> bool:
        """A guest (a client approver) sees the Approvals view of their campaigns' posts and nothing else."""
        return self.session.me.access == "guest"

    @property
    def may_handle_crisis(self) -> bool:
        """Whether the rules let me start or end a crisis (only managers do): the crisis key and command are hidden from the others."""
        return crisis_refused(self.session.me.facts()) is None

    def on_mount(self) -> None:
        # Hung up (the terminal closed, the SSH session gone): the app closes as when it is quit, its reads ended and a
        # change waiting for the shared file written (``on_unmount``), where the signal ended the process there and then.
        with suppress(RuntimeError):  # not the main thread (an app run in a thread of a server): its process has its own
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hung_up)
        # A member's app starts watching once its panes are filled (``main_ready``); a guest's has none to wait for.
        if self.guest and self._watch_changes:
            self._watch()
        self.write_wait.start()
        self._say_if_published()

    def _say_if_published(self) -> None:
        """Said as the app starts, where the first write typed was the first to say the team had left this file."""
        mark = self.session.published
        if mark is None:
            return
        if self.guest:  # a guest holds no replica: the team's way in for them is a sign-in link where it works now
            line = mark.left(self.session.path, "this app reads an old copy that takes no writes; ask a manager for a sign-in link there")
        else:
            line = mark.refusal(self.session.path)
        self.notify(visible(line), title="an old copy", severity="warning", timeout=30, markup=False)

    def _hung_up(self) -> None:
        """SIGHUP: the terminal is gone.  What Textual still writes as it closes goes nowhere (``/dev/null``): written
        to the gone terminal, the error ended Textual's writer thread, and closing the app waited on that thread's full
        queue for ever, the process left holding the shared file.  Then the app closes as when it is quit.  (A headless
        app, as the tests run it, has no terminal to lose.)"""
        if not self.is_headless:
            nowhere = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                if _terminal_gone(fd):
                    os.dup2(nowhere, fd)
            os.close(nowhere)
            # However the close goes, the process ends once a change waiting for the file has had its busy timeout (a
            # write is one transaction: cut, it is rolled back whole): a hung-up app once lingered on, the file open.
            ending = threading.Timer(BUSY_TIMEOUT + HUNG_UP_GRACE, os._exit, (128 + signal.SIGHUP,))
            ending.daemon = True
            ending.start()
        self.exit()

    def get_default_screen(self) -> Screen[Any]:
        if self.guest:
            from crewdeck.tui.app.screens.approvals import ApprovalsScreen

            # No panes are made, so nothing reads the tasks, the grid or the ledger for them.
            return ApprovalsScreen(self.services)
        self.main_screen = MainScreen(self)
        return self.main_screen

    def main_ready(self) -> None:
        """The panes exist: fill them and start watching the workspace."""
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.update_layout()
        header = self._show_me()
        if self.session.replica:
            self._start_sync()
        else:
            header.sync_state, header.sync_text = SHARED_FILE
        self._tick_clock()
        self.set_interval(15, self._tick_clock)
        self.set_interval(60, self._rescore)
        for line in [*moved_notes(self.config), *keymap_warnings(self.config)]:  # said on stderr too, which the app's screen hides
            self.notify(line, title="config", severity="warning", timeout=20)
        unwritable = access_problem(self.session.path)
        if unwritable is not None:  # said now, where it was first said when a change typed was refused
            self.notify(f"you can read this workspace, not change it: {unwritable}", title="read-only", severity="warning", timeout=30)
        self._load_people()
        for pane in self.main_screen.query(Pane):
            pane.ensure_started()
        self.focus_pane(self.panes[0])
        if self._watch_changes:
            self._watch()

    def first_screen_ready(self) -> None:
        if "tasks" not in self._drawn:  # once: a list that failed to load says it again
            from crewdeck.tui.app.kept_drafts import say_kept_drafts  # with its screen, once the first screen is drawn

            say_kept_drafts(self)  # after the first paint, read in a worker: a draft kept when the app last closed
        self.pane_drawn("tasks")

    def pane_drawn(self, name: str) -> None:
        """Once every pane has its first content on the screen: collect again, and score every task."""
        if name in self._drawn:
            return
        self._drawn.add(name)
        if self._drawn != set(self.panes):
            return
        # Start-up's objects stay for the app's life: frozen, the collector
        # no longer walks them (a full collection took 40-80 ms, mid-key).
        gc.freeze()
        self.collector.start()
        self.set_interval(COLLECT_EVERY, self.collector.tick)
        # Not sooner: scoring keeps a core busy for ~200 ms at 100,000 tasks,
        # and the panes' first paint would share the GIL with it.
        self.session.warm_up.start_scoring()
        # Not sooner either: its read, and the notices' module it imports (~25 ms), would share it too.
        self._tell_expired()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.input_seen()
            if isinstance(event, events.Key) and not event.is_forwarded:
                if not self.screen_stack:
                    return  # a key sent again as the app closed: no screen is left to take it (Textual raised)
                if self._waits_for_keys_before(event):
                    return
                await self._take_key(event)
                return
        if isinstance(event, events.Paste) and not event.is_forwarded:
            if self._waits_for_keys_before(event):
                return
            if self.keys_ahead.hold(event):
                return  # pasted while a post is read: for its dialog, with the keys typed before it
        await super().on_event(event)

    async def _take_key(self, event: events.Key) -> None:
        """Act on ``event``, a key typed, in its turn: none typed before it is on its way to a dialog's field still."""
        split = None if event.key in self.active_bindings else escape_and_key(event)
        if split is not None:
            # The halves take the ``alt+`` key's turn, past the keys typed after it: looked at again as new keys, they
            # waited behind those (a prompt's ``a``, ``alt+j`` and ``z`` typed ``az`` into it before its escape).
            for key in split:
                if not self.screen_stack:
                    return  # the escape closed the app
                await self._take_key(key)
            return
        if self._said_while_written(event):
            return
        # A quit key no field takes as text (ctrl+q) waits for nothing: held for a post's read (up to 30 s behind a
        # teammate's write on a shared file), it did nothing for that time.  A letter's (the list's q) waits: it
        # may be the first of a note typed ahead for the read's dialog.
        quits_now = self._quits(event.key) and not event.is_printable
        if not quits_now and self.keys_ahead.hold(event):
            self._release_if_done()
            return
        self._send_on(event)
        await super().on_event(event)
        if not event.is_forwarded:
            self.keys_ahead.taken(event)  # a priority binding took it (Textual forwards the rest to the focus)
        self._send_on_typed_after()

    def _waits_for_keys_before(self, typed: events.Key | events.Paste) -> bool:
        """Whether ``typed`` waits (``TypedAfter``) for the keys typed before it to reach the dialog's field: those
        it kept before its field had focus, and those sent on under it, coming back to be sent to it again."""
        if self.keys_ahead.sent_again(typed) or self.typed_after.passes(typed):
            return False
        screen = self.screen
        before = (
            isinstance(screen, TypedAheadScreen)
            and screen.focused is not None
            and (not screen.field_ready or self.keys_ahead.coming_back())
        )
        if not (before or self.typed_after.holding):
            return False
        starts = not self.typed_after.holding
        hold = self.typed_after.hold(typed)
        if starts:
            # A key that will not come back (taken where it went, unstopped) holds them no longer than this.
            self.set_timer(HOLD_AT_MOST, partial(self._send_on_typed_after, waited_in=hold))
        return True

    def _send_on_typed_after(self, *, waited_in: int | None = None) -> None:
        """Send on the keys held for the dialog's field (``_waits_for_keys_before``) once those before them are in it,
        or once the hold ``waited_in`` has lasted as long as it may."""
        if not self.screen_stack:
            return  # the app has closed
        waited = waited_in is not None
        if waited and waited_in != self.typed_after.hold_number:
            return  # the timer of a hold that ended: a later one has a timer of its own
        screen = self.screen
        ready = not isinstance(screen, TypedAheadScreen) or screen.field_ready
        if waited or (ready and not self.keys_ahead.coming_back()):
            for typed in self.typed_after.release():
                self.post_message(typed)
        if waited and self.typed_after.holding:  # behind keys sent on again, not yet back: again, once they are
            self.set_timer(HOLD_AT_MOST, partial(self._send_on_typed_after, waited_in=waited_in))

    def keys_wait_for_dialog(self, reading: str) -> Callable[[], None]:
        """The keys typed from now wait for the dialog an action opens once it has read in a worker
        (``KeysAhead.reading``; ``reading`` says it in a notice: "the post was read"); the callable returned, on the UI
        thread once the dialog is pushed or none will be, sends them to it, or, with none opened, on to where the focus
        is."""
        read = self.keys_ahead.reading()
        # A read held up (a teammate's write on a shared file, up to 30 s) keeps them READ_HOLD_AT_MOST, then drops them.
        self.set_timer(READ_HOLD_AT_MOST, partial(self._read_waited, read, self.screen, reading))
        return partial(self._read_released, read)

    def keys_wait_for(
        self, reading: str, too_long: Callable[[], StillWaiting | None] | None = None, kept: events.Key | None = None
    ) -> HeldRead:
        """The keys typed from now wait until the ``HeldRead`` returned sends them on (``G`` has moved to the last row
        once the list was counted, and ``d`` is for that row) or drops them; no longer than ``READ_HOLD_AT_MOST``, then
        dropped and said, ``too_long`` told.  ``kept``: a key pressed before the read was in, which waits ahead of them."""
        read = self.keys_ahead.reading(kept)
        self.set_timer(READ_HOLD_AT_MOST, partial(self._read_waited, read, self.screen, reading, too_long))
        return HeldRead(partial(self._read_released, read), partial(self._read_dropped, read, reading))

    def _read_waited(
        self, read: int, under: Screen[object], reading: str, too_long: Callable[[], StillWaiting | None] | None = None
    ) -> None:
        """What was typed while ``read`` was under way has waited as long as it may: to the dialog pushed over
        ``under`` meanwhile, else dropped and said once (``KeysAhead.read_too_long``), ``too_long`` told, with the keys
        before them it says still wait; nothing once the read is over."""
        if not self.screen_stack:
            return  # the app has closed
        if self.screen is not under and under in self.screen_stack:
            self._read_released(read)  # pushed, its read not yet told over: they are for it
            return
        under_way = self.keys_ahead.under_way(read)
        dropped = self.keys_ahead.read_too_long(read)
        # Told once they are dropped: the keys that still wait hold those typed from now again, a read of their own.
        still = too_long() if under_way and too_long is not None else None
        if dropped:
            self.notify(dropped_line(dropped, reading, TOO_LONG, still=still), severity="warning", timeout=10)

    def _read_dropped(self, read: int, reading: str, why: str | None = None, waited: Sequence[str] = ()) -> None:
        """Drop what was typed while ``read`` was under way, and say so (``why``: it took too long, unless given), the keys
        that ``waited`` for it before them named first."""
        dropped = self.keys_ahead.read_too_long(read)
        if dropped or waited:
            self.notify(dropped_line(dropped, reading, why or TOO_LONG, waited), severity="warning", timeout=10)

    def _read_released(self, read: int) -> None:
        """Send on what was typed while ``read`` was under way: to the dialog pushed meanwhile, or, none opened (a move
        made at once, a refusal said), to where the focus is, as if typed now."""
        if not self.screen_stack:
            return  # the app has closed: nowhere for them to go
        before = self.keys_ahead.after_keys
        for typed in self.keys_ahead.read_over(read):
            self.post_message(typed)
        after = self.keys_ahead.after_keys
        if after is not None and after != before:  # a paste behind keys: it waits for what they do, no longer than they may
            self.set_timer(READ_HOLD_AT_MOST, partial(self._read_released, after))

    def _said_while_written(self, key: events.Key) -> bool:
        """Whether ``key`` is one the dialog on top does not offer while its answer is written (``escape``), or any other
        typed into it meanwhile, said at once and going nowhere (``ClosesOnceWritten``): held as keys typed after a
        field's ``enter`` are, it went to the screen under once the dialog closed (``d`` marked a task done, ``escape``
        closed the task's detail).  A quit key too: held, it quit the app once the answer was written; it says why
        not, as ``action_quit`` does over a dialog whose answer is written."""
        screen = self.screen
        if not (isinstance(screen, ClosesOnceWritten) and screen.writing):
            return False
        line = hidden_keys.hidden_key_line(screen, key.key)
        if line is None:
            if not screen.typed_while_written(key.time):
                return False
            if self._quits(key.key):
                line = f"not quitting: {being_written(screen.written_name)}"  # as ``action_quit`` says it over a dialog
            else:
                line = f"{shown_key(key.key)}: not taken — {being_written(screen.written_name)}"
        self._say_in_place(line)
        return True

    def _quits(self, key: str) -> bool:
        """Whether ``key`` is a key of the app's quit (``ctrl+q``, or the keymap's)."""
        # The app's own bindings as declared: Textual applies the keymap to a copy of them for each key pressed, so a
        # keymap's quit key (ctrl+x for app.quit) is read from the keymap, where it was not a quit key here.
        for binding in (b for bindings in self._bindings.key_to_bindings.values() for b in bindings):
            keys = self._keymap.get(binding.id, binding.key) if binding.id else binding.key
            if binding.action == "quit" and key in (k.strip() for k in keys.split(",")):
                return True
        return False

    def _send_on(self, key: events.Key) -> None:
        """Note ``key`` as sent on to the focus (a text field's ``enter`` or ``escape``: the keys after it wait for it)."""
        focus = self.focused or self.screen
        self.keys_ahead.sent(key, focus)
        # The panes' tab leaves their field (the filter box) as escape does, bound below it: a backspace typed in its
        # burst edited the filter behind the person.  A form's tab is taken before its field (``field_bindings``).
        # A tab the keymap bound to nothing leaves nothing: the keys after it went on waiting for the focus to move.
        leaves = key.key == "escape" or (key.key in ("tab", "shift+tab") and self._on_panes() and key.key in self.active_bindings)
        if (key.key == "enter" or leaves) and isinstance(focus, Input):
            if key.key == "enter":
                self.keys_ahead.enter_in_field(key, focus)
            else:
                self.keys_ahead.escape_in_field(key, focus)
            # A field that keeps the focus (its text refused), or an enter that never comes back (a priority
            # binding took it, the field went): the keys wait no longer than this, then go where the focus is.
            self.set_timer(HOLD_AT_MOST, partial(self._release_held, key, waited=True))
        elif isinstance(screen := self.screen, ClosesOnceWritten) and screen.answered_by(key) and not isinstance(focus, Input):
            # A picker's answer: the keys typed with it wait for it to close, as those after a field's escape wait.
            self.keys_ahead.escape_in_field(key, focus)
            self.set_timer(HOLD_AT_MOST, partial(self._release_held, key, waited=True))

    def _release_held(self, enter: events.Key, *, waited: bool = False) -> None:
        """Send on the keys typed after ``enter`` (a text field's) if it is done with: see ``KeysAhead.hold``."""
        if not self.screen_stack:
            return  # the app has closed (its last screen popped): nowhere for them to go
        screen = self.screen
        written = isinstance(screen, ClosesOnceWritten) and screen.writing
        answering = written or (isinstance(screen, TypedAheadScreen) and screen.answering)
        # A picker's answer refused, the picker left open: the keys typed with it go to it, and those typed since.
        picker = screen if isinstance(screen, ClosesOnceWritten) and screen.answered_by(enter) else None
        waited = waited or (picker is not None and picker.answer_refused)
        for key in self.keys_ahead.release(enter, self.focused or screen, answering=answering, waited=waited):
            self.post_message(key)
        if waited and written and picker is not None and self.keys_ahead.enter is enter:
            # A picker's choice still written (up to 30 s behind another writer): looked at again, to go to the picker
            # if it is refused and stays open, as typed then.
            self.set_timer(HOLD_AT_MOST, partial(self._release_held, enter, waited=True))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._release_if_done()
        self._send_on_typed_after()  # the dialog's field has the keys it kept

    def pop_screen(self) -> AwaitComplete:
        popped = super().pop_screen()
        self._release_if_done()  # the focus is back on what had it under the dialog, with no focus event
        return popped

    def _release_if_done(self) -> None:
        enter = self.keys_ahead.enter
        if enter is not None:
            self._release_held(enter)

    async def on_key(self, event: events.Key) -> None:
        if not self.screen_stack:
            return
        if self.keys_ahead.came_back(event):
            self.call_next(self._release_held, event)  # once its binding (submit) has run
        again = self.keys_ahead.typed_ahead(event, self.focused or self.screen)
        if again is None:
            if not self._kept_until_read(event):
                self._say_if_hidden(event.key)
            self._send_on_typed_after()  # back, and not sent again: the keys typed after it wait for it no longer
            return
        event.prevent_default()  # not the bindings of where the focus is now
        if again is event:
            self.call_next(self._look_again, event)
        else:
            self.post_message(again)  # sent to where the focus is, as typed now

    def _kept_until_read(self, key: events.Key) -> bool:
        """Whether ``key``, hidden only until a read under way says whether it is offered (``hidden_keys.early_key``),
        waits for that read, the keys typed after it behind it."""
        early = hidden_keys.early_key(self.screen, key.key)
        if early is None:
            return False
        namespace, action, parameters, reading = early
        kept = events.Key(key.key, key.character)
        kept.time = key.time  # as a key sent again: a question up since then takes no key typed before it
        held = self.keys_wait_for(reading, kept=kept)
        # As after a key whose action ran: the keys sent on behind it come back to be sent again, and wait behind it.
        self.keys_ahead.actions += 1
        namespace.keep_until_read(action, parameters, held)
        return True

    def _say_if_hidden(self, key: str) -> None:
        """A key whose bindings are all hidden here says why, in one notice that the next such key replaces (held
        down, or pressed on row after row, it is one line, not a stack of them)."""
        line = hidden_keys.hidden_key_line(self.screen, key)
        if line is not None:
            self._say_in_place(line)

    def _say_in_place(self, line: str) -> None:
        """``line`` in the one notice of keys that do nothing: it replaces the last one's."""
        if self._hidden_key_notice is not None:
            # Behind its own Notify, which may still be queued (keys pressed in a burst): taken down once it is up.
            self.call_later(self._unnotify, self._hidden_key_notice)
        self._hidden_key_notice = Notification(visible(line), "", "warning", hidden_keys.NOTICE_LIFE, markup=False)
        self.post_message(Notify(self._hidden_key_notice))

    def _look_again(self, key: events.Key) -> None:
        """Post ``key`` back to the app, behind what is queued (a focus to move), to be handled there once it is."""
        key.prevent_default(False)
        self.post_message(key)

    async def run_action(
        self, action: str | ActionParseResult, default_namespace: DOMNode | None = None, namespaces: Mapping[str, DOMNode] | None = None
    ) -> bool:
        self.keys_ahead.actions += 1
        return await super().run_action(action, default_namespace, namespaces)

    def _show_me(self) -> WorkspaceHeader:
        """The header's who and zone: at start, and again once the viewer's record changed (its clock then too)."""
        header = self.query_one(WorkspaceHeader)
        me = self.session.me
        # Acting as another (``--as``), the header says who is at the keys too, as the activity log will.
        actor = f"@{self.session.actor_handle} as " if self.session.actor_handle else ""
        header.who, header.zone = visible(f"{actor}@{me.handle}"), me.tz
        return header

    def _tick_clock(self) -> None:
        now = self.services.now()
        clock = format_local(now, self.services.viewer_tz, now, clock24=self.config.clock24)
        header = self.query_one_optional(WorkspaceHeader)
        if header is None:
            return  # the app is closing, its screen's widgets removed: a tick then ended it with a traceback
        header.clock = clock.removeprefix("today ")
        if self.session.replica:
            self._show_sync(self.sync_status)  # "synced 10:31" ages with the clock

    def _load_people(self) -> None:
        self._people.read(self._read_people, self._set_people)

    def _read_people(self) -> tuple[list[Member], list[Campaign], str]:
        reads = self.session.reads
        return reads.members(), reads.campaigns(), reads.workspace_name()

    def _set_people(self, people: tuple[list[Member], list[Campaign], str]) -> None:
        members, campaigns, workspace = people
        self.services.members = members
        self.services.campaigns = campaigns
        self.query_one(WorkspaceHeader).workspace = visible(workspace)

    # ------------------------------------------------------------ panes and layout

    def one_pane_at(self, width: int) -> bool:
        """Whether the panes are one at a time (tabs) at ``width``: zoomed, or too narrow to stand side by side."""
        return self.zoomed or width < NARROW

    def update_layout(self) -> None:
        screen = self.main_screen
        single = self.one_pane_at(self.size.width)
        screen.set_class(single, "-single")
        for pane in screen.query(".pane"):
            pane.set_class(pane.id == self.active_pane, "-active")
        bar = list(screen.query("#pane-tabs"))
        if single and not bar:
            screen.mount(_pane_tabs(self.active_pane), before="#panes")
        for widget in bar:
            tabs = cast("Tabs", widget)
            if tabs.active != f"tab-{self.active_pane}":
                tabs.active = f"tab-{self.active_pane}"

    def focus_pane(self, name: str) -> None:
        if name not in self.panes:
            self.bell()
            return
        self.active_pane = name
        self.update_layout()
        self.main_screen.query_one(f"#{name}", Pane).focus_main()

    def pane_focused(self, name: str) -> None:
        """The focus moved into pane ``name`` (by a key or a click): it is the active one."""
        if name != self.active_pane:
            self.active_pane = name
            self.update_layout()

    def action_focus_pane(self, name: str) -> None:
        self._back_to_panes()
        self.focus_pane(name)

    def _on_panes(self) -> bool:
        """Whether the screen is the panes' (a guest's app has none: its screen is their Approvals view)."""
        return not self.guest and self.screen is self.main_screen

    def _back_to_panes(self) -> None:
        """Close the screens over the panes (Results, a task's detail, the planner, Approvals) for a key that shows
        a pane: the panes are behind them, where it was not seen. A dialog takes the app's keys, so none is open."""
        while self.screen is not self.main_screen:
            self.screen.dismiss(None)

    def cycle_pane(self, step: int) -> None:
        index = self.panes.index(self.active_pane) if self.active_pane in self.panes else 0
        self.focus_pane(self.panes[(index + step) % len(self.panes)])

    def action_results(self) -> None:
        from crewdeck.tui.app.screens.results import ResultsScreen

        if not isinstance(self.screen, ResultsScreen):
            banners = self.query(CrisisBanner)
            self.push_screen(ResultsScreen(self.services, banners.first().crises if banners else None))

    async def action_quit(self) -> None:
        """``ctrl+q`` (``q`` where nothing is typed): over a dialog holding text not saved, asks first, as its escape does."""
        from crewdeck.tui.app.screens.discard import DiscardScreen, HoldsText

        if isinstance(self.screen, DiscardScreen):
            return  # asked already: y answers
        # Any dialog whose answer is being written, a picker's choice too (it quit, the choice lost unsaid): the dialog
        # closes when it is written, or says why not; quit again then.
        writing = next((s for s in reversed(self.screen_stack) if isinstance(s, ClosesOnceWritten) and s.writing), None)
        if writing is not None:
            self._say_in_place(f"not quitting: {being_written(writing.written_name)}")
            return
        if self._write_holds_quit():
            return
        held = next((s for s in reversed(self.screen_stack) if isinstance(s, HoldsText) and s.unsaved), None)
        if held is None:
            await super().action_quit()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.exit()

        self.push_screen(DiscardScreen(held.unsaved_name, " and quit"), answered)

    def _write_holds_quit(self) -> bool:
        """Whether a change written in the background (``s``, ``d``, anything without a dialog) waits behind another
        process's write on the file, and quitting would lose it: said the first time, asked the second (``y`` ends the
        wait and quits, the change lost); once it is written or refused (its own notice says so), quitting is as usual."""
        from crewdeck.tui.app.screens.discard import DiscardWaitingScreen

        waiting = self.session.waiting_write()
        if waiting is None:
            return False
        wait, changes = waiting
        what = "your change" if changes == 1 else f"your {changes} changes"
        if self._quit_refused_for != wait:
            self._quit_refused_for = wait
            waits = "waits" if changes == 1 else "wait"
            self._say_in_place(f"not quitting: {what} {waits} for the shared file (another writer has it)")
            return True

        def answered(discard: bool | None) -> None:
            if discard:
                self.session.interrupt()  # the waits end, and what they were writing is rolled back whole
                self.exit()

        self.push_screen(DiscardWaitingScreen(f"{what} waiting for the shared file", " and quit"), answered)
        return True

    def action_zoom(self) -> None:
        self.zoomed = not self.zoomed
        self.update_layout()

    def action_command_palette(self) -> None:
        """``ctrl+p``: the palette with a footer of its own keys (``Palette``)."""
        from crewdeck.tui.app.screens.palette import Palette

        # Palette.is_open(self), which its type (an App[object]) refuses for this App[int].
        if self.use_command_palette and not self.screen.has_class("--textual-command-palette"):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        """The palette's theme list, with its footer too (``Palette``)."""
        from textual.theme import ThemeProvider

        from crewdeck.tui.app.screens.palette import Palette

        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def action_kept_drafts(self) -> None:
        from crewdeck.tui.app.kept_drafts import open_kept_drafts

        open_kept_drafts(self)

    def action_help(self) -> None:
        from crewdeck.tui.app.role_keys import refused_for_role
        from crewdeck.tui.app.screens.help import HelpScreen

        sections = self._guest_help() if self.guest else self._help()
        # The keys my role never gets are left out, as the footer and the palette leave them out.
        never = refused_for_role(self.session.me.facts(), [b.id for _, bindings in sections for b in _described(bindings) if b.id])
        mine: list[tuple[str, Iterable[BindingType]]] = [
            (title, [b for b in bindings if not (isinstance(b, Binding) and b.id in never)]) for title, bindings in sections
        ]
        self.push_screen(HelpScreen(mine, dict(self.config.keymap), palette=not self.guest, rebinds=not self.session.restricted))

    def _help(self) -> list[tuple[str, Iterable[BindingType]]]:
        # The app's keys its ``check_action`` hides (f5 on a shared file, with nothing to sync) act nowhere: left out.
        everywhere = [b for b in _described(self.BINDINGS) if _offered(self, b)]
        sections: list[tuple[str, Iterable[BindingType]]] = [("Everywhere", everywhere), ("Panes", MainScreen.BINDINGS)]
        for pane_type in pane_types():
            sections.append((pane_type.pane_title, pane_type.BINDINGS))
            sections.extend(pane_type.help_extra())
        sections.extend(opened_screens())
        # Those with an id: not the palette's tab and ctrl+c, Textual's on every screen.
        sections.extend((dialog.title, list(_described(dialog.bindings))) for dialog in dialogs())
        return sections

    def _guest_help(self) -> list[tuple[str, Iterable[BindingType]]]:
        """A guest's app: their Approvals view and the posts it opens (``check_action``)."""
        from crewdeck.tui.app.screens.approvals import GUEST_APPROVALS_BINDINGS
        from crewdeck.tui.app.screens.detail import DetailScreen
        from crewdeck.widgets.line_table import LineTable

        everywhere = [b for b in _described(self.BINDINGS) if _offered(self, b)]
        # The view is a list: its moves and `enter` (open the post) are keys a guest uses too.
        return [
            ("Everywhere", everywhere),
            ("Approvals", GUEST_APPROVALS_BINDINGS),
            ("List", LineTable.BINDINGS),
            ("Post", DetailScreen.BINDINGS),
        ]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action: the app's, each pane's (focusing the pane first), the open screen's; over a dialog, the
        dialog's alone, as its keys are."""
        # Textual's "Keys" opened its own side panel, a second "Keys" beside ours (?) that no key closed; its "Maximize"
        # filled the screen with the focused list alone, a second zoom beside ours (`z`, "Zoom") that hid the pane's
        # filter line and tabs and offered itself at 80 columns, where one pane is all there is to see.
        # Its "Quit" named no key, where every other entry names its own: ours is listed with the app's commands.
        textuals_own = (self.action_show_help_panel, screen.action_maximize, screen.action_minimize, self.action_quit)
        # A guest changes no setting (the theme picked is written to the config, a web guest's the server account's) and
        # saves no file (a screenshot, on the server for a web guest): check_action refuses them change_theme and
        # screenshot, and their palette lists neither, where it listed both and ran them.
        guests_not = ("Theme", "Screenshot") if self.guest else ()
        yield from (c for c in super().get_system_commands(screen) if c.callback not in textuals_own and c.title not in guests_not)
        if screen.is_modal:
            # The app's keys do nothing over a dialog: "Content calendar" closed a prompt and the text typed in it
            # unasked, "Results" and "Crisis" opened over it.
            yield from self._screen_commands(screen)
            yield self._quit_command()
            return
        if isinstance(screen, MainScreen):
            for view in views(self.services.campaigns, self.services.session.me):
                yield SystemCommand(
                    f"View: {markup_literal(view.name)}",
                    markup_literal(f"Show {view.query or 'all open tasks'}"),
                    lambda v=view: self._show_view(v),
                )
            # What acts on the panes shown: on a narrow terminal, or zoomed, the active one ("Pane: Budget" shows another);
            # a list's moves only in the focused pane ("Budget: Down" from the Tasks pane moved a list out of sight).
            for pane in (pane for pane in screen.query(Pane) if pane.display):
                seen: set[str] = set() if pane.pane_name == self.active_pane else _moves()
                # The pane's keys and those of the widgets in it (the grid's day keys, say).
                for widget in [pane, *pane.query("*")]:
                    for binding in _described(type(widget).BINDINGS):
                        if binding.id in seen or not _offered(widget, binding):
                            continue
                        seen.add(binding.id or binding.action)
                        yield SystemCommand(
                            f"{pane.pane_title}: {binding.description}",
                            f"key {shown_keys(binding, self.config.keymap)} ({binding.id})",
                            lambda b=binding, p=pane, w=widget: self._run_in_pane(p, w, b.action),
                        )
        else:
            yield from self._screen_commands(screen)
        # A guest's palette lists what a guest can do: "Content calendar", "Approvals" and "Results" were listed, and refused.
        yield from (command for action, command in self._app_commands(screen) if not self.guest or action in GUEST_ACTIONS)

    def _app_commands(self, screen: Screen[object]) -> Iterable[tuple[str, SystemCommand]]:
        """The app-wide commands, each with the action ``check_action`` judges it by."""
        # Each with its key, as the palette names every key it lists: "Keys" named none, though a newcomer learns the keys there.
        keys = {b.id: shown_keys(b, self.config.keymap) for b in self.BINDINGS if isinstance(b, Binding) and b.id}
        for name, title in PANES:
            # As its key does: over a task's detail, Results or Approvals, the pane came forward behind them, unseen.
            help_text = f"Focus the {title.lower()} pane (key {keys[f'app.pane_{name}']})"
            yield "focus_pane", SystemCommand(f"Pane: {title}", help_text, lambda n=name: self.action_focus_pane(n))
        yield (
            "results",
            SystemCommand("Results", f"KPIs per campaign against targets and spend (key {keys['app.results']})", self.action_results),
        )
        if self._zooms(screen):  # where `z` is offered: asked of the screen under the palette, which is on top now
            yield "zoom", SystemCommand("Zoom", f"Zoom the focused pane, or back (key {keys['app.zoom']})", self.action_zoom)
        yield (
            "calendar",
            SystemCommand(
                "Content calendar", f"Posts by day, a row per platform or campaign (key {keys['app.calendar']})", self.action_calendar
            ),
        )
        yield (
            "approvals",
            SystemCommand(
                "Approvals", f"The posts in review, those that need you first (key {keys['app.approvals']})", self.action_approvals
            ),
        )
        if self.may_handle_crisis:
            yield (
                "crisis",
                SystemCommand(
                    "Crisis", f"Start a crisis, asking the reason, or end the open one (key {keys['app.crisis']})", self.action_crisis
                ),
            )
        if self._sync_engine is not None:
            yield (
                "sync_now",
                SystemCommand(
                    "Sync now", f"Push and pull at once, without waiting out a backoff (key {keys['app.sync_now']})", self.action_sync_now
                ),
            )
        yield (
            "profile",
            SystemCommand(
                "Name and zone",
                f"Change the name the team sees and the zone times are shown in (key {keys['app.profile']})",
                self.action_profile,
            ),
        )
        from crewdeck.tui.app.kept_drafts import has_kept_drafts

        if has_kept_drafts(self):
            yield (
                "kept_drafts",
                SystemCommand(
                    "Drafts kept",
                    f"Open the text kept of a dialog open when the app stopped (key {keys['app.drafts']})",
                    self.action_kept_drafts,
                ),
            )
        yield "help", SystemCommand("Keys", f"List every key (key {keys['app.help']})", self.action_help)
        yield "quit", self._quit_command()

    def _quit_command(self) -> SystemCommand:
        """Ours, not Textual's "Quit the application as soon as possible", which named no key."""
        quit_binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == "app.quit")
        return SystemCommand("Quit", f"Quit crewdeck (key {shown_keys(quit_binding, self.config.keymap)})", self.action_quit)

    def _show_view(self, view: View) -> None:
        """A view picked in the palette, in the Tasks pane brought forward: at 80 columns, over the Budget pane, the
        view changed behind it, unseen."""
        self.focus_pane("tasks")
        self.tasks_pane.show_view(view)

    def _screen_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The commands of the keys of ``screen`` (one over the panes)."""
        for binding in _described(type(screen).BINDINGS):
            if not _offered(screen, binding):
                continue
            yield SystemCommand(
                binding.description,
                f"key {shown_keys(binding, self.config.keymap)} ({binding.id})",
                lambda b=binding: self.call_later(screen.run_action, b.action),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.guest and action not in GUEST_ACTIONS:
            # No key, palette or command leads a guest away from their Approvals view.
            return False
        if action == "crisis":
            return self.may_handle_crisis
        if action == "sync_now":
            return self._sync_engine is not None  # a shared file has nothing to sync
        if action == "zoom":
            return self._zooms(self.screen)
        return True

    def _zooms(self, screen: Screen[object]) -> bool:
        """Whether `z` zooms over ``screen``: only the panes zoom (over Results or Approvals `z` zoomed the panes
        behind it, unseen), and not on a narrow terminal, which shows one pane at a time already."""
        return not self.guest and isinstance(screen, MainScreen) and self.size.width >= NARROW

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why an app-wide key ``check_action`` hides is not offered, said when it is pressed (``hidden_keys``); a
        guest, whose one view is all the app has for them, is told nothing of the keys of the rest."""
        if self.guest:
            return None
        if action == "zoom":
            if not isinstance(self.screen, MainScreen):
                return "only on the panes, not over this screen"
            return f"under {NARROW} columns one pane shows at a time already (1 2 3 or tab for the others)"
        if action == "sync_now":
            return "this workspace is a shared file: there is no sync server to sync with"
        if action == "crisis":
            refusal = crisis_refused(self.session.me.facts())
            return None if refusal is None else refusal.message
        return None

    def action_sync_now(self) -> None:
        if self._sync_engine is not None:
            self._sync_engine.kick()
            self.notify("Syncing now", timeout=2)

    def action_profile(self) -> None:
        from crewdeck.tui.app.profile import ProfileKey

        ProfileKey(self.services).run(self)

    def action_crisis(self) -> None:
        from crewdeck.tui.app.crisis import CrisisKey

        CrisisKey(self, self.services).run()

    def action_calendar(self) -> None:
        # On a post in the task list: the week (or month) that holds its slot, the cursor on it.
        on_post = self.tasks_pane.post_slot_under_cursor() if self._on_panes() and self.active_pane == "tasks" else None
        self._back_to_panes()
        self.focus_pane("grid")
        self.main_screen.query_one(GridPane).show_calendar(True, on_post)

    def action_approvals(self) -> None:
        from crewdeck.tui.app.screens.approvals import ApprovalsScreen, open_approvals

        if not isinstance(self.screen, ApprovalsScreen):
            open_approvals(self, self.services)

    def _run_in_pane(self, pane: Pane, widget: Widget, action: str) -> None:
        self.focus_pane(pane.pane_name)
        self.call_later(widget.run_action, action)

    # ------------------------------------------------------------ writes and changes

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
        lines: bool = False,
    ) -> None:
        """Notifications carry titles and names people typed: plain text, never markup, shown (crewdeck.sync.state.visible);
        ``lines``: a message of several lines, each shown (a line break between them kept, where it read "^J")."""
        shown = visible(message, multiline=lines)
        super().notify(shown, title=visible(title), severity=severity, timeout=timeout, markup=markup)

    def _refresh_notifications(self) -> None:
        """Textual's, but a toast the rack takes down takes its empty holder with it (``crewdeck.tui.app.toasts``)."""
        refresh_toasts(self)

    def written(self, message: str, written: Written | None) -> None:
        """After one of our writes: say what was done and refresh what it touched."""
        self.notify(message, timeout=3)
        for note in written.notes if written is not None else ():
            # Said once, when it happens (a budget line the write took over budget): a warning that stays to be read.
            self.notify(note, severity="warning", timeout=20)
        if written is not None and written.ops:
            self._refresh_after(list(written.ops), ours=True)

    # ------------------------------------------------------------ sync server

    def _start_sync(self) -> None:
        self._sync_engine = self.session.start_sync(self._sync_status_from_thread)
        self._show_sync(None)
        self._run_sync()

    @background(group="watch")
    def _run_sync(self) -> None:
        assert self._sync_engine is not None
        self._sync_engine.run()

    def _sync_status_from_thread(self, status: SyncStatus) -> None:
        if self.is_running:
            self.call_from_thread(self._show_sync, status)

    def _show_sync(self, status: SyncStatus | None) -> None:
        # The clock's tick shows the same status again ("synced 10:31" ages): its refusals were told when it came.
        fresh = status is not self.sync_status
        self.sync_status = status
        header = self.query_one(WorkspaceHeader)
        tone, text = header_state(status, self.services.now(), self.services.viewer_tz, self.config.clock24)
        header.sync_state, header.sync_text = tone, visible(text)  # a refusal quotes the server
        if fresh and status is not None and status.refused:
            self._after_refusal(status.refused)
        if fresh and status is not None and status.overwritten:
            self._after_overwritten([(f.entity, f.row_id, f.field, f.by, f.at) for f in status.overwritten])
        # A deletion stamped before an edit made here is said by the notice of the deletion itself (ChangeNotices).
        if fresh and status is not None and (deleted := [(d.task, d.by, d.at) for d in status.deleted if not d.edited_after]):
            self._after_deleted(deleted)
        if fresh and status is not None and status.carried:
            from crewdeck.sync.client.remote import carried_over

            self.notify(carried_over(status.carried), title="this replica was a copy", timeout=30)
        if fresh and status is not None and (status.restored or status.resent):
            from crewdeck.sync.client.remote import server_restored

            said = server_restored(status.restored, status.resent, status.refused_again)
            self.notify(said, title="the server was put back", timeout=30)
        # What crewdeck sync pulled before the app opened and failed to tell (cut off): this app's watcher saw it not.
        opened = self.session.opened_at_seq
        before = [(since, min(until, opened)) for since, until in status.untold_pulls if since < opened] if fresh and status else []
        if before:
            self._after_untold_pulls(before)
        self._tell_refusal(status)

    def _tell_refusal(self, status: SyncStatus | None) -> None:
        """A refusal's whole line in a notice, with what to do: the header gives it one line, cut on a narrow screen."""
        if status is None or status.state == "live":
            self._refusal_told = ""
            self._take_down_refusal()
        elif status.state == "error" and status.message != self._refusal_told:
            self._refusal_told = status.message
            self._take_down_refusal()
            # Made here, not by notify (which keeps it to itself): this one notice is taken down by name later.
            self._refusal_notice = Notification(visible(status.message), error_title(status), "error", 30, markup=False)
            self.post_message(Notify(self._refusal_notice))

    def _take_down_refusal(self) -> None:
        """The refusal's notice no longer holds: gone, the others left up (Textual takes one down so when it is clicked)."""
        if self._refusal_notice is not None:
            self._unnotify(self._refusal_notice)
            self._refusal_notice = None

    @background(group="refresh")
    def _after_refusal(self, count: int, *, by_database: bool = False) -> None:
        """Our operations the server refused left the replica: show it without them, and say why.  ``by_database``: the
        database crewdeck web's copy of a workspace in PostgreSQL syncs with refused them, in a browser's session,
        where no command line runs crewdeck log (a guest may not run it at all)."""
        refused = self.session.reads.refused(count, self.services.now(), self.config.clock24)
        ops = [op for write in refused for op in write.ops]
        self.session.ranked.rescore_rows({op.row_id for op in ops if op.entity == "task"}, self.services.now())
        self.call_from_thread(self._after_change, ops, True, None)
        if not refused:
            return
        # What was refused, by the write whose field the rule's message names (a new task, for its assignee), so what
        # was typed is said here, not only in crewdeck log.
        said = next((w for w in refused if any(w.message.startswith(f"{op.entity}.{op.field}:") for op in w.ops)), refused[0])
        records = len({(op.entity, op.row_id) for op in ops})
        refuser = "the database" if by_database else "the server"
        title = f"{refuser} refused a change of yours" if records == 1 else f"{refuser} refused your changes to {records} records"
        after = "it is not in the workspace" if by_database else "crewdeck log lists what was refused"
        self.call_from_thread(
            self.notify,
            f"{said.words}: {said.message} (rule {said.rule}); {after}",
            title=title,
            severity="error",
            timeout=30,
        )

    @background(group="refresh")
    def _after_overwritten(self, fields: list[tuple[str, str, str, str, str]]) -> None:
        """Edits made here that others' edits made meanwhile replaced (offline, say): said once, as crewdeck sync says them,
        for the other member's change notice says what they did, not that it went over what was typed here."""
        lines, records = self.session.reads.overwritten(fields, OVERWRITTEN_SAID, self.services.now(), self.config.clock24)
        # Counted as the lines are, a record (or a result's days together) each, as crewdeck sync counts them: the fields
        # ("8 edits") over one line of four days' two counts read as eight things replaced where one line names them.
        if len(fields) == 1:
            title = "an edit of yours was replaced"
        elif records == 1:
            title = "edits of yours were replaced"
        else:
            title = f"edits of yours to {records:,} records were replaced"
        self._warn_of_kept(lines, records, title)

    @background(group="refresh")
    def _after_untold_pulls(self, pulls: list[tuple[int, int]]) -> None:
        """Approvals of mine voided by changes other processes' rounds pulled, each past ``since`` up to ``until``, and
        the crises they started or ended, never told: said as ``crewdeck sync`` says them, the first few of them."""
        now = self.services.now()
        lines = [line for since, until in pulls for line in self.session.notices.voided_untold(since, until, now)]
        if lines:
            title = "a change voided your approval" if len(lines) == 1 else f"{len(lines):,} changes voided your approvals"
            self._warn_of_kept(lines[:OVERWRITTEN_SAID], len(lines), title)
        crises = [line for since, until in pulls for line in self.session.notices.crises_untold(since, until, now)]
        if crises:
            title = "a crisis started or ended" if len(crises) == 1 else f"{len(crises):,} crisis starts and ends"
            self._warn_of_kept(crises[:OVERWRITTEN_SAID], len(crises), title)

    @background(group="refresh")
    def _after_deleted(self, tasks: list[tuple[str, str, str]]) -> None:
        """Tasks changed here that another member deleted meanwhile: said as crewdeck sync says it, for the other member's
        change notice says they deleted it, not that what was typed here went with it (and where it is kept)."""
        lines = self.session.reads.deleted_meanwhile(tasks, OVERWRITTEN_SAID, self.services.now(), self.config.clock24)
        title = "a task you changed was deleted" if len(tasks) == 1 else f"{len(tasks):,} tasks you changed were deleted"
        self._warn_of_kept(lines, len(tasks), title)

    def _warn_of_kept(self, lines: list[str], records: int, title: str) -> None:
        """From a worker: ``lines``, the first ``OVERWRITTEN_SAID`` of ``records`` (what was typed here, kept where another
        member's change put it), and how many more, in a warning that stays up long enough to read."""
        self.call_from_thread(self._say_kept, lines, records, title)

    def _say_kept(self, lines: list[str], records: int, title: str) -> None:
        """``_warn_of_kept``'s notice, made on the UI thread, where the screen's size is what it draws on."""
        # As many as the screen shows whole with the title: a taller toast is cut at its top, the title and first line.
        lines = lines[: lines_that_fit(title, lines, records - len(lines), (self.size.width, self.size.height), self.console)]
        if not lines:
            lines = [f"crewdeck log lists {'it' if records == 1 else 'them'}"]  # none fits under the title
        elif records > len(lines):
            lines = [*lines, f"… and {records - len(lines):,} more: crewdeck log lists them"]
        # Each line made visible alone: a tab or line break a name holds is shown, never taken for the next line.
        said = "\n".join(visible(line) for line in lines)
        self.notify(said, title=title, severity="warning", timeout=30, lines=True)

    @background(group="watch")
    def _watch(self) -> None:
        # From the seq the session opened at: commits made while the app was
        # starting (a first pull, another member) are reported too.
        from crewdeck.sync.state.watcher import ChangeWatcher

        # Closing the session waits for this watcher to end: what it tells the app is posted (``call_later``), never
        # waited for, as the UI thread may be the one closing the session, and is dropped once the app has closed.
        with self.session.watchers.running(self._stop) as started:
            if not started:
                return  # the session was closed before this worker started
            opened = self.session.opened
            try:
                watcher = ChangeWatcher(self.session.path, after_seq=self.session.opened_at_seq, opened=opened)
            except WorkspaceError:
                change = opened.change()  # the file went away while the app started
                if change is None:
                    raise
                self.call_later(self.file_moved, change)
                return

            def changed(batch: list[tuple[int, Op]]) -> None:
                self.call_later(self.store_changed, [op for _, op in batch])

            def moved(change: str) -> None:
                self.call_later(self.file_moved, change)

            def refused(ops: list[Op]) -> None:
                self.call_later(self.refused_elsewhere, ops)

            # A replica's refusals come with its sync rounds (``_show_sync``); a shared file's, from whoever syncs it.
            watcher.run(changed, self._stop, on_moved=moved, on_refused=None if self.session.replica else refused)

    def file_moved(self, change: str) -> None:
        """The workspace's path no longer names the file open here: say so for good, and stop syncing.

        Every write is refused from now on (the store checks before each
        one); the header keeps saying why until the app is closed.
        """
        # Short enough for 80 columns: the header is one line.
        self.query_one(WorkspaceHeader).problem = f"workspace file was {change}: nothing is saved now; quit and reopen it"
        if self._sync_engine is not None:
            self._sync_engine.stop()

    def store_changed(self, ops: list[Op]) -> None:
        self._refresh_after(ops, ours=False)

    def refused_elsewhere(self, ops: list[Op]) -> None:
        """Operations stored in the file that its syncer's server refused, and took out of it (``crewdeck web``'s copy of
        a workspace in PostgreSQL, its sessions' writes): shown without them, and the member whose they were told why,
        as a replica's app tells what its sync had refused; others' leave what is shown without a word."""
        me = self.session.me.id
        if others := [op for op in ops if op.member != me]:
            self._refresh_after(others, ours=True)
        if mine := sum(op.member == me for op in ops):
            self._after_refusal(mine, by_database=True)

    @background(group="refresh")
    def _refresh_after(self, ops: list[Op], ours: bool) -> None:
        """Score the touched tasks again, then reload; others' changes get a notice."""
        if not ours:
            ops = self.session.notices.theirs(ops)  # ours were refreshed when we wrote them
            if not ops:
                return
        if any(op.entity == "member" and op.row_id == self.session.me.id for op in ops):
            # Before the panes reload: their "your time" is the zone the viewer has now.
            self.session.reread_me()
        tasks = {op.row_id for op in ops if op.entity == "task"}
        self.session.ranked.rescore_rows(tasks, self.services.now())
        # A guest reads their campaigns' posts alone: a notice would tell them of any task's change, by its title.
        notice = None if ours or self.guest else self.session.notices.told(ops)
        self.call_from_thread(self._after_change, ops, ours, notice)

    def _after_change(self, ops: list[Op], ours: bool, notice: ChangeNotice | None) -> None:
        if not self.guest:  # a guest's app has no panes, nor the header the people go to
            if any(op.entity in ("member", "campaign") for op in ops):
                self._load_people()
                self._show_me()
                self._tick_clock()
            for pane in self.main_screen.query(Pane):
                if pane.started:
                    pane.store_changed(ops, ours)
        for screen in self.screen_stack:
            for banner in screen.query(CrisisBanner):
                banner.store_changed(ops)
        # The screens below are imported when first opened (not for the first
        # paint): with only the main screen up, none of them is open.
        if len(self.screen_stack) > 1 or self.guest:
            from crewdeck.tui.app.screens.approvals import ApprovalsScreen
            from crewdeck.tui.app.screens.detail import DetailScreen
            from crewdeck.tui.app.screens.results import ResultsScreen

            for screen in self.screen_stack:
                # Not only the top one: a dialog over the detail may have made the write, and closes after it.
                if isinstance(screen, DetailScreen):
                    screen.load()
                elif isinstance(screen, (ApprovalsScreen, ResultsScreen)):
                    screen.store_changed(ops)
        if notice is not None:
            self._tell_change(notice)

    def _tell_change(self, told: ChangeNotice) -> None:
        """Others' changes in a notice; one about the same people's still up is replaced by one counting both (a sync's
        pages came one notice each, "@mia changed 400 records" stacked over the tasks pane)."""
        self._change_notices = {who: up for who, up in self._change_notices.items() if not up[0].has_expired}
        up = self._change_notices.get(told.who)
        together = None if up is None else told.after(up[1])
        if up is not None and together is not None:
            # Behind its own Notify, which may still be queued: taken down once it is up.
            self.call_later(self._unnotify, up[0])
            told = together
        notification = Notification(visible(told.line), "", "information", CHANGE_NOTICE_LIFE, markup=False)
        if up is None or together is not None or not (told.noted or told.crisis):
            # One told apart for what it says besides its change never counts others in: the running total on screen
            # stays the one the next page adds to, where a page after it started a count of its own.
            self._change_notices[told.who] = (notification, told)
        self.post_message(Notify(notification))

    @background(exclusive=True, group="rescore")
    def _rescore(self) -> None:
        """Every minute: due dates draw nearer, and recurring series may be due a next instance."""
        now = self.services.now()
        made = self.session.edits.catch_up(now)
        self.session.ranked.rescore(now)
        self.call_from_thread(self.tasks_pane.reload)
        if made is not None:
            self.call_from_thread(self._after_change, list(made.ops), True, None)
        self._say_expired(now)

    @background(group="expired")
    def _tell_expired(self) -> None:
        self._say_expired(self.services.now())

    def _say_expired(self, now: dt.datetime) -> None:
        """In a worker: posts that expired, told once to their round's authors and the managers (here or by a command, whichever is first)."""
        line = self.session.notices.expired(now)
        if line is not None:
            self.call_from_thread(self.notify, line, title="a post expired", severity="warning", timeout=20)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self.config.theme:
            self._save_theme(theme.name)

    @background(group="config")
    def _save_theme(self, name: str) -> None:
        """A theme picked in the palette stays picked: it is written to the config."""
        path = save_config(self.config, {"theme": name})
        self.config = replace(self.config, theme=name, path=path)

    # ------------------------------------------------------------ exit

    def on_exit_app(self) -> None:
        keep_drafts(self)  # before Textual closes the screens: what a dialog holds unsaved, no one chose to drop

    def on_unmount(self) -> None:
        if asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP):
            # Ignored, not ended by, until the process ends: a second hang-up while a change waits to be written (the
            # process waits for its worker) killed it, the change lost; removing the handler restored that default.
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
        self._stop.set()
        # Before Textual waits for the workers' threads: one reading held the prompt.  A write is not ended: the person
        # who quit was asked first (``_write_holds_quit``), and an app closed otherwise (the terminal or SSH session
        # gone, the web page closed) has no one to ask, so the change is written, within its busy timeout, not lost.
        self.session.interrupt(writes=False)
        if self._sync_engine is not None:
            self._sync_engine.stop()


#: Seconds a hung-up app's process is given past the busy timeout to close before it is ended (``_hung_up``).
HUNG_UP_GRACE = 5.0


def _terminal_gone(fd: int) -> bool:
    """Whether ``fd`` is a terminal that hung up (asking its settings fails with EIO, where a pipe or a file, stderr
    sent to a log, is no terminal at all): a ``kill -HUP`` of an app on a live terminal leaves it drawn to, so Textual
    puts the terminal back as it found it."""
    import errno
    import termios

    try:
        termios.tcgetattr(fd)
    except termios.error as error:
        return bool(error.args) and error.args[0] == errno.EIO
    return False
